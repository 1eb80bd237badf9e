//! `gongkai import 通知.docx [--section village] [--bundle]`: a Word file becomes a draft posting.
//!
//! The conversion is the library's ([`gongkai::import`]); this writes the files — never over an
//! existing posting (a free name `…-2` is chosen instead) — and reports what was found, what did
//! not map and where personal numbers are, both in the Word file and in the new posting.

use super::Ctx;
use gongkai::diagnostic::{Diagnostic, Diagnostics, Severity, display_path};
use gongkai::import::{self, Imported, PersonalInWord};
use gongkai::privacy::{self, AllowList, Finding, PrivacyError};
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

gongkai::messages! {
    /// What `gongkai import` says.
    enum Says {
        CannotOpen { file: String, reason: String } = "import.cannot-open",
            zh: "打不开 {file}：{reason}。请检查文件名和所在文件夹（文件名里有空格时，用英文引号把它括起来）",
            en: "cannot open {file}: {reason}";
        NoSection(section: String) = "import.no-section",
            zh: "栏目 {section} 不存在（应在 content/ 下有这个文件夹）。请用 --section 指定：village（村务）、party（党务）、finance（财务）",
            en: "section {section} does not exist under content/; pass --section village, party or finance";
        NoFreeName = "import.no-free-name",
            zh: "找不到空闲的文件名",
            en: "no free file name";
        Imported { source: String, rel: String } = "import.imported",
            zh: "已把 {source} 导入为草稿 {rel}",
            en: "Imported {source} as the draft {rel}";
        Renamed = "import.renamed",
            zh: "  同名的内容已经存在，没有覆盖它，新文件名后加了编号。",
            en: "  A posting of that name exists; it was not overwritten, the new one has a number added.";
        /// What the Word file's front matter was found to be; `None` was not found.
        Front { title: Option<String>, date: Option<Date>, unit: Option<String>, kind: Option<String> }
            = "import.front",
            zh: {
                let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "（没找到）".into());
                let date = date.map(gongkai::date::format_iso).unwrap_or_else(|| "（没找到）".into());
                format!(
                    "  标题：{}\n  日期：{date}　公开单位：{}　类别：{}",
                    or(title),
                    or(unit),
                    or(kind)
                )
            },
            en: {
                let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not found)".into());
                let date = date.map(gongkai::date::format_iso).unwrap_or_else(|| "(not found)".into());
                format!(
                    "  title: {}\n  date: {date}  unit: {}  kind: {}",
                    or(title),
                    or(unit),
                    or(kind)
                )
            };
        Pictures { names: Vec<String>, made_bundle: bool } = "import.pictures",
            zh: {
                format!(
                    "  图片 {} 张（已去掉拍摄位置等信息）：{}{}",
                    names.len(),
                    names.join("、"),
                    if *made_bundle { "；因为有图片，建成了文件夹" } else { "" }
                )
            },
            en: {
                format!(
                    "  {} picture(s), location and camera data removed: {}{}",
                    names.len(),
                    names.join(", "),
                    if *made_bundle { " (a folder was made for them)" } else { "" }
                )
            };
        ToCheck { warnings: usize, personal: usize } = "import.to-check",
            zh: {
                format!(
                    "  {warnings} 处需要核对，{personal} 处个人信息{}",
                    if *personal > 0 { "（不删去或遮盖，gongkai build 不会发布）" } else { "" }
                )
            },
            en: {
                format!(
                    "  {warnings} thing(s) to check, {personal} personal number(s){}",
                    if *personal > 0 {
                        " (build refuses to publish until they are removed or masked)"
                    } else {
                        ""
                    }
                )
            };
        Next(rel: String) = "import.next",
            zh: "下一步：打开 {rel} 核对，删去 draft = true 这一行，再运行 gongkai build。",
            en: "Next: check {rel}, remove the `draft = true` line, then run gongkai build.";
    }
}

/// The section a posting of this kind usually goes to.
fn section_for(kind: Option<&str>) -> &'static str {
    match kind {
        Some("发展党员" | "党费收缴") => "party",
        Some("财务收支" | "工程预决算") => "finance",
        _ => "village",
    }
}

/// `base`, or `base-2`, `base-3`… : the first name that is neither a file nor a folder yet.
fn free_name(dir: &Path, base: &str) -> Option<String> {
    (1..1000)
        .map(|n| if n == 1 { base.to_string() } else { format!("{base}-{n}") })
        .find(|name| !dir.join(format!("{name}.md")).exists() && !dir.join(name).exists())
}

pub fn run(ctx: &Ctx, file: &Path, section: Option<&str>, bundle: bool) -> ExitCode {
    if let Some(code) = ctx.require_site() {
        return code;
    }
    let shown = file.display().to_string();
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(shown.clone());
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            let says = Says::CannotOpen { file: shown, reason: e.to_string() };
            eprintln!("{}", says.text(ctx.lang));
            return ExitCode::from(1);
        }
    };
    // The site's public numbers (监督电话, [privacy] allow) are not findings here either.
    let allow = match gongkai::config::load(&ctx.root) {
        Ok((cfg, _)) => AllowList::from_config(&cfg.privacy, cfg.contact.phone.as_deref()),
        Err(_) => AllowList::new(),
    };
    let imported = match import::docx_to_posting(&bytes, &name, &allow) {
        Ok(i) => i,
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(shown, e));
            ctx.report(&d);
            return ExitCode::from(1);
        }
    };

    let section = section
        .map(|s| s.trim_matches(['/', '\\']).replace('\\', "/"))
        .unwrap_or_else(|| section_for(imported.front.kind).to_string());
    let dir = ctx.root.join("content").join(&section);
    if !dir.is_dir() {
        eprintln!("{}", Says::NoSection(section).text(ctx.lang));
        return ExitCode::from(2);
    }
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let title = imported.front.title.clone().unwrap_or_else(|| stem.clone());
    let date = imported.front.date.unwrap_or(ctx.today);
    let mut slug = gongkai::compose::slugify(&title);
    if slug.is_empty() {
        slug = "import".into();
    }
    let base = format!("{}-{slug}", gongkai::date::format_iso(date));
    let Some(free) = free_name(&dir, &base) else {
        eprintln!("{}", Says::NoFreeName.text(ctx.lang));
        return ExitCode::from(1);
    };
    // Pictures need a folder beside the text.
    let as_bundle = bundle || !imported.images.is_empty();
    let path: PathBuf =
        if as_bundle { dir.join(&free).join("index.md") } else { dir.join(format!("{free}.md")) };
    let text = imported.posting_text(&name, &stem, ctx.today);
    if let Err(e) = write(&path, &text, &imported) {
        eprintln!("{}: {e}", path.display());
        return ExitCode::from(1);
    }
    let rel = display_path(&ctx.root, &path);
    report(ctx, &shown, &rel, &text, &imported, free != base, as_bundle && !bundle);
    ExitCode::SUCCESS
}

fn write(path: &Path, text: &str, imported: &Imported) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    for img in &imported.images {
        std::fs::write(dir.join(&img.name), &img.bytes)?;
    }
    // `create_new`: a file that appeared since the name was chosen is never overwritten.
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(text.as_bytes())
}

fn report(
    ctx: &Ctx,
    source: &str,
    rel: &str,
    text: &str,
    imported: &Imported,
    renamed: bool,
    made_bundle: bool,
) {
    let f = &imported.front;
    let mut diags = Diagnostics::new();
    for w in &imported.warnings {
        diags.push(Diagnostic::warning(source, w.clone()));
    }
    // Body offsets shift by the front matter's length in the posting file.
    let offset = text.len() - imported.body.len();
    for p in &imported.personal {
        let finding = Finding {
            kind: p.kind,
            range: p.range.start + offset..p.range.end + offset,
            masked: p.masked.clone(),
            // The imported body is plain text written by gongkai: no escapes to keep.
            replacement: p.masked.clone(),
            replacement_md: p.masked.replace('*', "\\*"),
        };
        for mut d in privacy::diagnostics_for(rel, text, &[finding]) {
            d.severity = Severity::Warning;
            d.message = PersonalInWord {
                at: p.at.clone(),
                found: PrivacyError::found(p.kind, p.masked.clone()),
            }
            .into();
            diags.push(d);
        }
    }
    ctx.report(&diags);
    ctx.say(Says::Imported { source: source.to_string(), rel: rel.to_string() });
    if renamed {
        ctx.say(Says::Renamed);
    }
    ctx.say(Says::Front {
        title: f.title.clone(),
        date: f.date,
        unit: f.unit.clone(),
        kind: f.kind.map(str::to_string),
    });
    if !imported.images.is_empty() {
        let names = imported.images.iter().map(|i| i.name.clone()).collect();
        ctx.say(Says::Pictures { names, made_bundle });
    }
    let (warnings, personal) = (imported.warnings.len(), imported.personal.len());
    ctx.say(Says::ToCheck { warnings, personal });
    ctx.say(Says::Next(rel.to_string()));
}
