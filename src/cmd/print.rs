//! `gongkai print`: builds the site in a temporary folder (never touching public/) and prints a
//! board or a posting to PDF with a locally installed Chromium, Chrome or Edge.

use super::Ctx;
use gongkai::pipeline::{self, BuildOptions};
use gongkai::print;
use gongkai::site::Site;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

gongkai::messages! {
    /// What `gongkai print` says.
    enum Says {
        NoTiles(board: String) = "print.no-tiles",
            zh: "公开栏 \"{board}\" 不大于 A3 纸，不需要分张拼贴；去掉 --tiles 直接打印即可",
            en: "board \"{board}\" is not larger than A3, so it needs no tiles; print it without --tiles";
        NotFound { target: String, boards: Vec<String> } = "print.not-found",
            zh: {
                let boards = if boards.is_empty() {
                    "（site.toml 里还没有 [[boards]]）".to_string()
                } else {
                    format!("（{}）", boards.join("、"))
                };
                format!(
                    "找不到要打印的“{target}”。可以写公开栏名称{boards}，或一篇内容的文件，例如 content/village/2026-road-decision.md（草稿和未到日期的内容不能打印）"
                )
            },
            en: {
                let boards = if boards.is_empty() {
                    " (site.toml has no [[boards]] yet)".to_string()
                } else {
                    format!(" ({})", boards.join(", "))
                };
                format!(
                    "nothing to print is called \"{target}\": give a board name{boards} or a posting's file, e.g. content/village/2026-road-decision.md (drafts and postings dated in the future cannot be printed)"
                )
            };
        Ambiguous { target: String, sources: Vec<String> } = "print.ambiguous",
            zh: { format!("“{target}”对应多篇内容：{}。请写完整的文件路径", sources.join("、")) },
            en: {
                format!(
                    "\"{target}\" matches several postings: {}; give the full file path",
                    sources.join(", ")
                )
            };
        BuildFailed(errors: usize) = "print.build-failed",
            zh: "生成失败：共 {errors} 个错误，请按上面的提示修改。",
            en: "build failed with {errors} errors; fix them as shown above";
        Usage(boards: Vec<String>) = "print.usage",
            zh: {
                format!(
                    "请写要打印的公开栏名称或内容文件，例如：\n{}\n  gongkai print content/village/2026-road-decision.md --pdf 决议公开.pdf",
                    boards.join("\n")
                )
            },
            en: {
                format!(
                    "name the board or the posting's file to print, for example:\n{}\n  gongkai print content/village/2026-road-decision.md --pdf decision.pdf",
                    boards.join("\n")
                )
            };
        TempDir(reason: String) = "print.temp-dir",
            zh: "无法建立临时文件夹：{reason}",
            en: "cannot create a temporary folder: {reason}";
        TempWrite(reason: String) = "print.temp-write",
            zh: "无法写入临时文件夹：{reason}",
            en: "cannot write to the temporary folder: {reason}";
        Printed { page: String, pdf: String, today: String, browser: String } = "print.printed",
            zh: "已打印 {page} 到 {pdf}（按 {today} 的公示状态，用 {browser}）",
            en: "Printed {page} to {pdf} with {browser}";
    }
}

/// What to print: the site-relative page, and for a posting the prefix of its files (its `.md`,
/// or its bundle folder with a trailing `/`) so that only its own warnings are shown.
fn resolve(site: &Site, target: &str, tiles: bool) -> Result<(String, Option<String>), Says> {
    let t = target.trim().replace('\\', "/");
    if let Some(b) = site.config.boards.iter().find(|b| b.name == t) {
        if tiles {
            if b.tiles().is_none() {
                return Err(Says::NoTiles(b.name.clone()));
            }
            return Ok((format!("boards/{}/tiles.html", b.name), None));
        }
        return Ok((format!("boards/{}/index.html", b.name), None));
    }
    if t == "boards" {
        return Ok(("boards/index.html".into(), None));
    }
    let bare = t.trim_start_matches("./").trim_start_matches("content/").trim_end_matches('/');
    let bare = bare.strip_suffix("/index.html").unwrap_or(bare);
    let found: Vec<&gongkai::site::Posting> = site
        .postings
        .iter()
        .filter(|p| p.published)
        .filter(|p| {
            let src = p.source.trim_start_matches("content/");
            let src_dir = src.strip_suffix("/index.md").unwrap_or(src);
            src == bare
                || src_dir == bare
                || src.strip_suffix(".md") == Some(bare)
                || p.url_dir.trim_end_matches('/') == bare
                || p.slug == bare
        })
        .collect();
    match found.as_slice() {
        [p] => {
            let own = match p.source.strip_suffix("index.md") {
                Some(dir) if p.bundle => dir.to_string(),
                _ => p.source.clone(),
            };
            Ok((p.url(), Some(own)))
        }
        [] => {
            let boards = site.config.boards.iter().map(|b| b.name.clone()).collect();
            Err(Says::NotFound { target: target.to_string(), boards })
        }
        many => Err(Says::Ambiguous {
            target: target.to_string(),
            sources: many.iter().map(|p| p.source.clone()).collect(),
        }),
    }
}

pub fn run(ctx: &Ctx, target: Option<String>, pdf: PathBuf, tiles: bool, drafts: bool) -> ExitCode {
    let mut opts = BuildOptions::new(&ctx.root, ctx.today);
    opts.drafts = drafts;
    let generated = match pipeline::generate(&opts) {
        Ok(g) => g,
        Err(diags) => {
            ctx.report(&diags);
            eprintln!("{}", Says::BuildFailed(diags.error_count()).text(ctx.lang));
            return ExitCode::from(1);
        }
    };
    let Some(target) = target else {
        let boards: Vec<String> = generated
            .site
            .config
            .boards
            .iter()
            .map(|b| format!("  gongkai print {} --pdf {}.pdf    {}", b.name, b.name, b.title))
            .collect();
        eprintln!("{}", Says::Usage(boards).text(ctx.lang));
        return ExitCode::from(2);
    };
    let (page, own) = match resolve(&generated.site, &target, tiles) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("{}", msg.text(ctx.lang));
            return ExitCode::from(2);
        }
    };
    let browser = match print::find_browser() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}", e.text(ctx.lang));
            return ExitCode::from(1);
        }
    };
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}", Says::TempDir(e.to_string()).text(ctx.lang));
            return ExitCode::from(1);
        }
    };
    let out = tmp.path().join("site");
    if let Err(e) = gongkai::output::publish(&out, &generated.files) {
        eprintln!("{}", Says::TempWrite(e.to_string()).text(ctx.lang));
        return ExitCode::from(1);
    }
    let url = print::file_url(&out.join(Path::new(&page)));
    match print::print_to_pdf(&browser, &url, &pdf) {
        Ok(()) => {
            if !ctx.quiet {
                // A posting's print shows its own warnings, not those of the rest of the site
                // (a board shows what is on it, so all of them).
                let mut shown = gongkai::diagnostic::Diagnostics::new();
                shown.extend(
                    generated
                        .warnings
                        .items
                        .iter()
                        .filter(|d| match &own {
                            Some(own) if own.ends_with('/') => d.path.starts_with(own.as_str()),
                            Some(own) => d.path == *own,
                            None => true,
                        })
                        .cloned(),
                );
                ctx.report(&shown);
            }
            let printed = Says::Printed {
                page,
                pdf: pdf.display().to_string(),
                today: gongkai::date::format_zh(ctx.today),
                browser: browser.display().to_string(),
            };
            ctx.say(printed);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.text(ctx.lang));
            ExitCode::from(1)
        }
    }
}
