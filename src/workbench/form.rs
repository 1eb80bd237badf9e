//! The 新建 form: what the clerk fills in, the facts computed as they type (the 公示's last day
//! in working days, the file name and URL), and the new posting's text in the README's format.
//! Also the adapters for the editor: the live preview with the site's Markdown options and the
//! clipboard's HTML as Markdown.

use super::State;
use crate::calendar::WorkCalendar;
use crate::notice::{self, Count};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a 公示, a ledger or another posting is: the picker's choices, in the form's order.
/// `(label, kind written to front matter, default section, is a 公示, default stage)`.
pub const KINDS: &[(&str, &str, &str, bool, &str)] = &[
    ("发展党员", "发展党员", "party", true, "预备党员"),
    ("低保", "低保公示", "village", true, "第一榜"),
    ("招标结果", "招标结果", "village", true, ""),
    ("决议公开", "决议公开", "village", true, "决议公开"),
    ("实施结果公开", "实施结果公开", "village", true, "实施结果公开"),
    ("财务收支", "财务收支", "finance", false, ""),
    ("党费收缴", "党费收缴", "party", false, ""),
    ("工程预决算", "工程预决算", "finance", false, ""),
    ("其他", "", "village", false, ""),
];

/// The form as the page sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub section: String,
    /// One of the labels of [`KINDS`].
    pub kind: String,
    pub title: String,
    /// `2026-09-30`
    pub date: String,
    pub period: String,
    pub tags: Vec<String>,
    pub days: Option<i64>,
    /// `working`, `calendar` or `calendar-extended`.
    pub count: String,
    pub series: String,
    pub stage: String,
    pub bundle: bool,
}

/// A problem with one field of the form.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub zh: String,
    pub en: String,
}

/// What the form shows beside the fields while the clerk types.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Facts {
    pub rel_path: String,
    pub url: String,
    /// The 公示's last day, `2026-10-13`, and in words.
    pub end: Option<String>,
    pub end_zh: Option<String>,
    /// `2026年9月30日至2026年10月13日（5个工作日）`
    pub period_zh: Option<String>,
    pub is_notice: bool,
    pub errors: Vec<FieldError>,
}

/// A new posting: where it goes and its text.
#[derive(Debug, Clone)]
pub struct Composed {
    pub rel_path: String,
    pub text: String,
}

fn kind_of(label: &str) -> (&'static str, &'static str, &'static str, bool, &'static str) {
    KINDS.iter().copied().find(|k| k.0 == label).unwrap_or(KINDS[KINDS.len() - 1])
}

/// A file-name slug from a title: keeps Chinese and letters, turns the rest into dashes (as
/// `gongkai new` does).
pub fn slugify(title: &str) -> String {
    let mut s = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s: String = s.trim_matches('-').chars().take(40).collect();
    s.trim_end_matches('-').to_string()
}

fn err(field: &'static str, zh: String, en: &str) -> FieldError {
    FieldError { field, zh, en: en.to_string() }
}

fn calendar(root: &Path) -> WorkCalendar {
    match crate::config::load(root) {
        Ok((cfg, _)) => WorkCalendar::with_config(&cfg.calendar),
        Err(_) => WorkCalendar::builtin().clone(),
    }
}

/// The facts of a draft, and what is missing or wrong, field by field.
pub fn facts(d: &Draft, state: &State) -> Facts {
    let (_, _, default_section, is_notice, _) = kind_of(&d.kind);
    let mut f = Facts { is_notice, ..Facts::default() };
    let title = d.title.trim();
    if title.is_empty() {
        f.errors.push(err(
            "title",
            "请填写标题，例如“关于接收某某同志为预备党员的公示”。".into(),
            "title is required",
        ));
    }
    let date = crate::date::parse_date(d.date.trim());
    if date.is_none() {
        f.errors.push(err(
            "date",
            format!("日期 “{}” 看不懂，请写成 2026-09-30 这样（年-月-日）。", d.date.trim()),
            "date must look like 2026-09-30",
        ));
    }
    let section = if d.section.trim().is_empty() { default_section } else { d.section.trim() };
    if !state.root.join("content").join(section).is_dir() || section.contains(['/', '\\', '.']) {
        f.errors.push(err(
            "section",
            format!("栏目 “{section}” 不存在。请从列表里选一个栏目。"),
            "no such section",
        ));
    }
    let slug = slugify(title);
    if let Some(date) = date {
        let stem = format!(
            "{}-{}",
            crate::date::format_iso(date),
            if slug.is_empty() { "posting" } else { &slug }
        );
        f.rel_path = if d.bundle || d.kind == "财务收支" || d.kind == "工程预决算" {
            format!("content/{section}/{stem}/index.md")
        } else {
            format!("content/{section}/{stem}.md")
        };
        f.url = format!("{section}/{stem}/");
        if is_notice {
            match d.days {
                None => f.errors.push(err(
                    "days",
                    "公示要写公示期几天，例如 5（发展党员公示一般 5 个工作日）。".into(),
                    "days is required for a notice",
                )),
                Some(n) if !(1..=notice::MAX_DAYS).contains(&n) => f.errors.push(err(
                    "days",
                    format!("公示天数 {n} 不对，请写 1 到 {} 之间的整数。", notice::MAX_DAYS),
                    "days out of range",
                )),
                Some(n) => {
                    let count = Count::parse(&d.count).unwrap_or(Count::Working);
                    match notice::period_end(date, n as u32, count, &calendar(&state.root)) {
                        Ok(end) => {
                            f.end = Some(crate::date::format_iso(end));
                            f.end_zh = Some(crate::date::format_zh(end));
                            let n = notice::Notice {
                                start: date,
                                end,
                                count,
                                days: Some(n as u32),
                                objections: None,
                                basis: None,
                                series: None,
                                stage: None,
                                stage_span: None,
                            };
                            f.period_zh = Some(n.period_zh());
                        }
                        Err(missing) => f.errors.push(err(
                            "days",
                            format!(
                                "程序里还没有 {} 年的放假安排，算不出截止日期。请在 site.toml 里补上 [calendar.years.{}]（见使用说明）。",
                                missing.year, missing.year
                            ),
                            "the work calendar lacks that year",
                        )),
                    }
                }
            }
            if !d.series.trim().is_empty() && d.stage.trim().is_empty() {
                f.errors.push(err(
                    "stage",
                    "写了同一事项（series）就要写这是哪一步（stage），例如 预备党员、第一榜。"
                        .into(),
                    "stage is required with series",
                ));
            }
        }
        let exists = state.root.join(&f.rel_path).exists()
            || state.root.join(format!("content/{section}/{stem}.md")).exists()
            || state.root.join(format!("content/{section}/{stem}/index.md")).exists();
        if exists {
            f.errors.push(err(
                "title",
                format!("{} 已经存在：请换一个标题或日期。", f.rel_path),
                "a posting of that name exists",
            ));
        }
    }
    f
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The new posting's file, formatted as the README shows it; or the form's errors.
pub fn compose(d: &Draft, state: &State) -> Result<Composed, Vec<FieldError>> {
    let f = facts(d, state);
    if !f.errors.is_empty() {
        return Err(f.errors);
    }
    let (_, kind, _, is_notice, _) = kind_of(&d.kind);
    let mut t = String::from("+++\n");
    t.push_str(&format!("title = {}\n", quoted(d.title.trim())));
    t.push_str(&format!("date = {}\n", d.date.trim()));
    if !kind.is_empty() {
        t.push_str(&format!("kind = {}\n", quoted(kind)));
    }
    if !d.period.trim().is_empty() {
        t.push_str(&format!("period = {}\n", quoted(d.period.trim())));
    }
    let tags: Vec<String> =
        d.tags.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(quoted).collect();
    if !tags.is_empty() {
        t.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    }
    t.push_str("draft = true              # 写好并核对后，删去这一行再发布\n");
    if is_notice {
        t.push_str("\n[notice]\n");
        t.push_str(&format!("days = {}\n", d.days.unwrap_or(5)));
        let count = Count::parse(&d.count).unwrap_or(Count::Working);
        t.push_str(&format!("count = {}\n", quoted(count.as_str())));
        if !d.series.trim().is_empty() {
            t.push_str(&format!("series = {}\n", quoted(d.series.trim())));
        }
        if !d.stage.trim().is_empty() {
            t.push_str(&format!("stage = {}\n", quoted(d.stage.trim())));
        }
    }
    t.push_str("+++\n\n（在这里写正文。）\n");
    Ok(Composed { rel_path: f.rel_path, text: t })
}

/// The body of a posting's text (after the `+++` front matter), as the site renders it.
pub fn preview_html(text: &str, _state: &State) -> String {
    let body = match text.strip_prefix("+++") {
        Some(rest) => match rest.find("\n+++") {
            Some(i) => {
                let after = &rest[i + 4..];
                after.split_once('\n').map(|(_, b)| b).unwrap_or("")
            }
            None => "",
        },
        None => text,
    };
    comrak::markdown_to_html(body, &crate::markdown::options(false))
}

/// Clipboard HTML (Word, WPS, a web page) as Markdown.
pub fn html_to_markdown(html: &str) -> String {
    // Until the shared converter lands: the text without tags.
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The sections new postings can go in: folders under `content/` with their titles.
pub fn sections(root: &Path) -> Vec<serde_json::Value> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root.join("content"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| !n.starts_with('.'))
                .map(|n| {
                    let title = section_title(&root.join("content").join(&n)).unwrap_or(n.clone());
                    (n, title)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.into_iter().map(|(id, title)| serde_json::json!({ "id": id, "title": title })).collect()
}

fn section_title(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("_index.md")).ok()?;
    let rest = text.trim_start_matches('\u{feff}').strip_prefix("+++")?;
    let front = &rest[..rest.find("\n+++")?];
    let v: toml::Table = toml::from_str(front).ok()?;
    v.get("title")?.as_str().map(str::to_string)
}
