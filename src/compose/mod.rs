//! 新建: the clerk's form for a new posting, as plain functions the workbench calls (issue 17).
//!
//! A [`Draft`] is what the form holds (JSON from the browser). [`facts`] says, as the clerk
//! types, what the build will make of it: the 公示's end date counted by the build's own
//! [`crate::notice::period_end`] on the site's [`WorkCalendar`], the file it goes to and its
//! URL, and every problem located at its field. [`write`] makes the posting's text in the
//! README's format, ready to save; [`set_keys`] and [`remove_key`] change the front matter of an
//! existing posting without touching the clerk's comments, blank lines or key order;
//! [`ledger_facts`] gives a finance posting's totals and whether its period chains to the last.
//!
//! Nothing here writes a file: saving (atomically, with history) is the workbench's job.

mod edit;
mod error;
mod kind;
mod ledger;
mod read;
mod text;

#[cfg(test)]
mod tests;

use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::date::format_iso;
use crate::notice::{self, Count, NoticeError};
use crate::signoff::SignoffError;

pub use edit::{remove_attachment, remove_key, set_keys};
pub use error::{ComposeError, FieldError};
pub use kind::Kind;
pub use ledger::{LedgerFacts, LedgerNote, PreviousPeriod, ledger_facts};
pub use read::draft_of;
pub use text::toml_str as toml_string;

/// The form for a new posting. Only `section`, `kind` and `title` are required; an empty
/// string counts as not given.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Draft {
    /// Folder under `content/`: `village`, `party`, `finance`, `village/roads`.
    pub section: String,
    pub kind: Kind,
    pub title: String,
    /// `YYYY-MM-DD`; today when not given.
    #[serde(default)]
    pub date: Option<String>,
    /// `2026年第三季度`, `2026年5月` …
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentDraft>,
    /// The 公示's length (a number, or the number as text from a form field).
    #[serde(default)]
    pub days: Option<Number>,
    /// `working` (default), `calendar` or `calendar-extended`.
    #[serde(default)]
    pub count: Option<String>,
    /// A 公示: the matter its stages share (`[notice] series`). A finance posting: the ledger
    /// its periods chain in (top-level `series`).
    #[serde(default)]
    pub series: Option<String>,
    /// 决议公开 / 第一榜 / 预备党员 …
    #[serde(default)]
    pub stage: Option<String>,
    /// The 公示's legal basis (依据).
    #[serde(default)]
    pub basis: Option<String>,
    /// Where objections go; the site's contact when not given.
    #[serde(default)]
    pub objections: Option<String>,
    /// The ledger file in the posting's folder (`ledger.xlsx`), for 财务收支.
    #[serde(default)]
    pub ledger: Option<String>,
    #[serde(default)]
    pub signoff: Vec<SignoffDraft>,
    #[serde(default)]
    pub draft: bool,
    /// `name/index.md` (with its files beside it) instead of `name.md`.
    #[serde(default)]
    pub bundle: bool,
    /// The posting this form shows, when it is not a new one (`content/finance/2026-q3/index.md`,
    /// as [`draft_of`] sets it): its file and URL stay, and its own file is not "taken".
    #[serde(default)]
    pub existing: Option<String>,
}

/// A number typed in a form: JSON `5` or `"5"`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Number {
    Int(i64),
    Text(String),
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct AttachmentDraft {
    pub file: String,
    #[serde(default)]
    pub label: Option<String>,
}

/// One review (`[[signoff]]`), as in the README's 审核签字.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct SignoffDraft {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub reviewers: Vec<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub opinion: String,
}

/// What the build will make of a draft, for the form to show as the clerk types.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Facts {
    /// The publication date used (`2026-09-30`): the one typed, or today.
    pub date: Option<String>,
    pub notice: Option<NoticeFacts>,
    /// `content/party/2026-09-30-关于….md` (or `…/index.md` for a bundle), `/`-separated.
    pub rel_path: Option<String>,
    /// The page in the output, site-relative: `party/2026-09-30-关于…/index.html`.
    pub page: Option<String>,
    /// The page's address on the web, from `base_url`.
    pub url: Option<String>,
    /// A sign-off is needed before this can be published.
    pub signoff_required: bool,
    /// Problems, by field; warnings have `warning = true`.
    pub errors: Vec<FieldError>,
}

/// The 公示 period as the build computes it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NoticeFacts {
    /// The day of posting (not counted).
    pub start: String,
    /// The last day, inclusive.
    pub end: String,
    pub days: u32,
    pub count: String,
    /// Working days after `start` up to and including `end`.
    pub working_days: u32,
    /// Calendar days after `start` up to and including `end`.
    pub calendar_days: u32,
    /// `2026年9月30日至2026年10月13日（5个工作日）`
    pub period_zh: String,
    /// Public holidays inside the period (`2026-10-01 国庆节`), which it skips or spans.
    pub holidays: Vec<Holiday>,
    /// `公示中`, `即将公示`, `公示期满` on `today`.
    pub status_zh: String,
    pub status_en: String,
    /// `剩余 3 个工作日 / 截止 10月13日`.
    pub detail_zh: String,
    pub detail_en: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Holiday {
    pub date: String,
    pub name: String,
}

/// A posting ready to save: where, and its whole text.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Composed {
    /// Relative to the site root, `/`-separated: `content/party/….md`.
    pub rel_path: String,
    pub text: String,
}

/// A file-name slug from a title: keeps Chinese and letters, turns the rest into dashes.
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

/// What the checks of a draft settle, shared by [`facts`] and [`write`].
struct Checked {
    date: Option<Date>,
    section: Option<String>,
    /// File or folder name without `.md`: `2026-09-30-关于…`.
    name: Option<String>,
    notice: Option<(u32, Count)>,
    errors: Vec<FieldError>,
}

impl Checked {
    fn rel_path(&self, bundle: bool) -> Option<String> {
        let (section, name) = (self.section.as_ref()?, self.name.as_ref()?);
        Some(if bundle {
            format!("content/{section}/{name}/index.md")
        } else {
            format!("content/{section}/{name}.md")
        })
    }
}

/// A form value, trimmed; `None` when empty.
pub(crate) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a date typed in the form: exactly `YYYY-MM-DD`; a date written another way is an error
/// that says how to write it (the same message as in front matter).
fn form_date(written: &str) -> Result<Date, crate::diagnostic::Msg> {
    use crate::toml_syntax::{ClerkToml, clerk_date};
    let w = written.trim();
    let strict = w.len() == 10 && w.as_bytes()[4] == b'-' && w.as_bytes()[7] == b'-';
    if strict {
        if let Some(d) = crate::date::parse_date(w) {
            return Ok(d);
        }
    }
    match clerk_date(w) {
        Some((len, written, Some(iso), _)) if len == w.len() => {
            Err(ClerkToml::Date { fixed: format!("date = {iso}"), written, iso }.into())
        }
        Some((len, written, None, _)) if len == w.len() => {
            Err(ClerkToml::NoSuchDate { written }.into())
        }
        _ if strict => Err(ClerkToml::NoSuchDate { written: w.to_string() }.into()),
        _ => Err(ComposeError::DateBad { written: w.to_string() }.into()),
    }
}

/// The section as a clean `/`-separated folder path under `content/`, or why not.
fn check_section(root: &Path, section: &str) -> Result<String, ComposeError> {
    let cleaned = section.trim().trim_matches(['/', '\\']).replace('\\', "/");
    let bad = cleaned.is_empty()
        || cleaned.split('/').any(|p| p.is_empty() || p == "." || p == ".." || p.starts_with('.'))
        || cleaned.contains(':');
    if bad {
        return Err(ComposeError::SectionBad { section: section.to_string() });
    }
    let content = root.join("content");
    let dir = content.join(&cleaned);
    if !dir.is_dir() {
        return Err(ComposeError::SectionMissing {
            section: cleaned,
            available: sections_of(&content),
        });
    }
    // A folder with index.md, or inside one, is a posting with its files.
    let mut at = dir.clone();
    while at != content {
        if at.join("index.md").is_file() {
            return Err(ComposeError::SectionIsPosting { section: cleaned });
        }
        if !at.pop() {
            break;
        }
    }
    Ok(cleaned)
}

/// Section folders under `content/` (two levels), sorted: what the form offers.
pub fn sections_of(content: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, depth: usize, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !crate::load::is_ignored_name(n))
            .collect();
        names.sort();
        for n in names {
            let path = dir.join(&n);
            if path.join("index.md").is_file() {
                continue;
            }
            let id = if rel.is_empty() { n.clone() } else { format!("{rel}/{n}") };
            out.push(id.clone());
            if depth > 1 {
                walk(&path, &id, depth - 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(content, "", 2, &mut out);
    out
}

/// Whether a posting named `name` already exists in `dir` (as `name.md` or `name/`); URLs are
/// compared without case, as the build does.
fn taken(dir: &Path, name: &str) -> Option<String> {
    let want = name.to_lowercase();
    let entries = std::fs::read_dir(dir).ok()?;
    let mut hits: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let stem = n.strip_suffix(".md").unwrap_or(n);
            stem.to_lowercase() == want
        })
        .collect();
    hits.sort();
    hits.into_iter().next()
}

fn check(draft: &Draft, today: Date, root: &Path) -> Checked {
    let mut errors = Vec::new();
    let title = draft.title.trim();
    if title.is_empty() {
        errors.push(FieldError::new("title", &ComposeError::TitleEmpty));
    }
    let date = match given(&draft.date) {
        None => Some(today),
        Some(w) => match form_date(w) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(FieldError::new("date", m));
                None
            }
        },
    };
    if let Some(d) = date
        && d > today
        && !draft.draft
    {
        errors.push(FieldError::warning("date", &ComposeError::FutureDate { date: format_iso(d) }));
    }
    let section = match check_section(root, &draft.section) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(FieldError::new("section", &e));
            None
        }
    };
    let slug = slugify(title);
    if !title.is_empty() && slug.is_empty() {
        errors.push(FieldError::new("title", &ComposeError::NoFileName));
    }
    let mut name = match (date, slug.is_empty()) {
        (Some(d), false) => Some(format!("{}-{slug}", format_iso(d))),
        _ => None,
    };
    // An existing posting keeps its file (and so its URL), whatever its title says now.
    let existing = given(&draft.existing).and_then(existing_name);
    if let Some((_, n)) = &existing {
        name = Some(n.clone());
    }
    if let (Some(section), Some(name), None) = (&section, &name, &existing) {
        let dir = root.join("content").join(section);
        if let Some(found) = taken(&dir, name) {
            let path = format!("content/{section}/{found}");
            errors.push(FieldError::new("title", &ComposeError::Exists { path }));
        }
    }

    let notice = check_notice(draft, &mut errors);
    check_signoff(draft, date, &mut errors);
    check_attachments(draft, root, section.as_deref(), name.as_deref(), &mut errors);
    Checked { date, section, name, notice, errors }
}

/// `content/<section>/<name>.md` or `content/<section>/<name>/index.md` → (section, name).
fn existing_name(rel: &str) -> Option<(String, String)> {
    let rel = rel.replace('\\', "/");
    let inner = rel.strip_prefix("content/")?;
    let stem = inner.strip_suffix("/index.md").or_else(|| inner.strip_suffix(".md"))?;
    let (section, name) = stem.rsplit_once('/')?;
    Some((section.to_string(), name.to_string()))
}

fn check_notice(draft: &Draft, errors: &mut Vec<FieldError>) -> Option<(u32, Count)> {
    let days: Option<i64> = match &draft.days {
        None => None,
        Some(Number::Int(n)) => Some(*n),
        Some(Number::Text(t)) if t.trim().is_empty() => None,
        Some(Number::Text(t)) => match t.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(
                    "days",
                    &ComposeError::DaysBad { written: t.trim().to_string() },
                ));
                return None;
            }
        },
    };
    let count = match given(&draft.count) {
        None => Some(Count::Working),
        Some(c) => match Count::parse(c) {
            Some(c) => Some(c),
            None => {
                let given = c.to_string();
                let suggestion = Count::suggest(&given);
                errors.push(FieldError::new(
                    "count",
                    &NoticeError::UnknownCount { given, suggestion },
                ));
                None
            }
        },
    };
    let stage = given(&draft.stage);
    match days {
        None => {
            if draft.kind.is_notice() {
                let usual = draft.kind.usual_notice().map(|(n, c, _)| (n, c.unit_zh()));
                let kind = draft.kind.front_matter().unwrap_or("公示").to_string();
                errors.push(FieldError::new("days", &ComposeError::DaysMissing { kind, usual }));
            } else if stage.is_some() {
                errors.push(FieldError::new("stage", &ComposeError::StageWithoutNotice));
            }
            None
        }
        Some(n) if !(1..=notice::MAX_DAYS).contains(&n) => {
            errors.push(FieldError::new("days", &NoticeError::DaysOutOfRange { days: n }));
            None
        }
        Some(n) => {
            if let (Some(series), None) = (given(&draft.series), stage) {
                errors.push(FieldError::new(
                    "stage",
                    &NoticeError::SeriesWithoutStage { series: series.to_string() },
                ));
            }
            count.map(|c| (n as u32, c))
        }
    }
}

fn check_signoff(draft: &Draft, published: Option<Date>, errors: &mut Vec<FieldError>) {
    for (i, s) in draft.signoff.iter().enumerate() {
        let field = |f: &str| format!("signoff[{i}].{f}");
        if s.body.trim().is_empty() {
            errors.push(FieldError::new(field("body"), &SignoffError::NoBody));
        }
        if s.reviewers.iter().all(|r| r.trim().is_empty()) {
            errors.push(FieldError::new(field("reviewers"), &SignoffError::NoReviewers));
        }
        match given(&s.date) {
            None => errors.push(FieldError::new(field("date"), &SignoffError::NoDate)),
            Some(w) => match form_date(w) {
                Err(m) => errors.push(FieldError::new(field("date"), m)),
                Ok(d) => {
                    if let Some(p) = published
                        && d > p
                    {
                        errors.push(FieldError::new(
                            field("date"),
                            &SignoffError::AfterPublication {
                                review: format_iso(d),
                                published: format_iso(p),
                            },
                        ));
                    }
                }
            },
        }
        if s.opinion.trim().is_empty() {
            errors.push(FieldError::new(field("opinion"), &SignoffError::NoOpinion));
        }
    }
}

fn plain_name(file: &str) -> bool {
    let f = file.trim();
    !f.is_empty() && !f.contains(['/', '\\', ':']) && f != "." && f != ".." && !f.starts_with('.')
}

fn check_attachments(
    draft: &Draft,
    root: &Path,
    section: Option<&str>,
    name: Option<&str>,
    errors: &mut Vec<FieldError>,
) {
    let files = draft.attachments.iter().map(|a| a.file.as_str()).chain(given(&draft.ledger));
    for (i, file) in files.enumerate() {
        let field = if i < draft.attachments.len() {
            format!("attachments[{i}].file")
        } else {
            "ledger".to_string()
        };
        if !plain_name(file) {
            errors.push(FieldError::new(
                field,
                &ComposeError::AttachmentName { file: file.to_string() },
            ));
            continue;
        }
        let (Some(section), Some(name)) = (section, name) else { continue };
        let folder = if draft.bundle {
            format!("content/{section}/{name}")
        } else {
            format!("content/{section}")
        };
        if !root.join(&folder).join(file.trim()).is_file() {
            errors.push(FieldError::warning(
                field,
                &ComposeError::AttachmentMissing { file: file.trim().to_string(), folder },
            ));
        }
    }
}

/// Whether the build will ask for a sign-off before this posting is published.
fn signoff_required(draft: &Draft, cfg: &crate::signoff::SignoffConfig) -> bool {
    let finance = draft.kind.is_finance() || given(&draft.ledger).is_some();
    crate::signoff::required(cfg, finance, draft.kind.front_matter())
}

/// What the build will make of `draft` on `today`: the 公示 period on `cal` (the site's
/// calendar: [`WorkCalendar::with_config`] of its `[calendar]`), the file, the URL under
/// `base_url`, and every problem by field. `root` is the site folder.
pub fn facts(
    draft: &Draft,
    today: Date,
    cal: &WorkCalendar,
    root: &Path,
    config: &crate::config::SiteConfig,
) -> Facts {
    let mut checked = check(draft, today, root);
    let notice = match (checked.notice, checked.date) {
        (Some((days, count)), Some(start)) => match notice_facts(start, days, count, today, cal) {
            Ok(n) => Some(n),
            Err(missing) => {
                checked.errors.push(FieldError::new("days", missing));
                None
            }
        },
        _ => None,
    };
    let needs = signoff_required(draft, &config.signoff);
    let publishes = !draft.draft && checked.date.is_some_and(|d| d <= today);
    if needs && publishes && draft.signoff.is_empty() {
        let what =
            if draft.kind.is_finance() { "财务公开".to_string() } else { kind_what(draft) };
        let example_date = checked.date.map(format_iso).unwrap_or_default();
        checked
            .errors
            .push(FieldError::new("signoff", &SignoffError::Missing { what, example_date }));
    }
    let rel_path = checked.rel_path(draft.bundle);
    let page = match (&checked.section, &checked.name) {
        (Some(s), Some(n)) => Some(format!("{s}/{n}/index.html")),
        _ => None,
    };
    Facts {
        date: checked.date.map(format_iso),
        notice,
        url: page.as_ref().map(|p| crate::urls::absolute(&config.base_url, p)),
        rel_path,
        page,
        signoff_required: needs,
        errors: checked.errors,
    }
}

fn kind_what(draft: &Draft) -> String {
    match draft.kind.front_matter() {
        Some(k) => format!("“{k}”类公开内容"),
        None => "这篇公开内容".to_string(),
    }
}

fn notice_facts(
    start: Date,
    days: u32,
    count: Count,
    today: Date,
    cal: &WorkCalendar,
) -> Result<NoticeFacts, crate::calendar::MissingYear> {
    let end = notice::period_end(start, days, count, cal)?;
    let n = notice::Notice {
        start,
        end,
        count,
        days: Some(days),
        objections: None,
        basis: None,
        series: None,
        stage: None,
        stage_span: None,
    };
    let working_days = cal.working_days_between(start, end)?;
    let mut holidays = Vec::new();
    let mut d = start;
    while d < end {
        d = match d.tomorrow() {
            Ok(t) => t,
            Err(_) => break,
        };
        if cal.is_holiday(d)? {
            let name = cal.holiday_name(d).unwrap_or("").to_string();
            holidays.push(Holiday { date: format_iso(d), name });
        }
    }
    let status = n.status(today, cal);
    Ok(NoticeFacts {
        start: format_iso(start),
        end: format_iso(end),
        days,
        count: count.as_str().to_string(),
        working_days,
        calendar_days: (end.since(start).map(|s| s.get_days()).unwrap_or(0)).max(0) as u32,
        period_zh: n.period_zh(),
        holidays,
        status_zh: status.label_zh().to_string(),
        status_en: status.label_en().to_string(),
        detail_zh: status.detail_zh(count),
        detail_en: status.detail_en(count),
    })
}

/// The posting's text for `draft`, in the README's format, and where it goes; or every problem
/// that would make it fail to save or to build. Warnings (a future date, an attachment still to
/// be uploaded) do not stop it. `today` stands in for a missing date, as in `gongkai new`.
/// This is the text of a new posting; an existing one is changed with [`set_keys`], which keeps
/// its body and the clerk's own lines.
pub fn write(draft: &Draft, site_root: &Path, today: Date) -> Result<Composed, Vec<FieldError>> {
    let checked = check(draft, today, site_root);
    let errors: Vec<FieldError> = checked.errors.iter().filter(|e| !e.warning).cloned().collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(date), Some(rel_path)) = (checked.date, checked.rel_path(draft.bundle)) else {
        return Err(checked.errors);
    };
    Ok(Composed { rel_path, text: text::posting(draft, date, checked.notice) })
}
