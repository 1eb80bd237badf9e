//! The 公开目录: what a village must publish, how often and by when. A default built from the
//! national rules ships in the binary (`default.toml`); a site's `catalogue.toml` replaces or
//! extends it. Each item's deadline rule gives, for each period of the year, the date it is due;
//! [`status`] then says for each item × period, as of the build date, whether it was published
//! (on time or late), is not yet due, due soon or overdue.

mod rule;
mod status;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, SourceText};

pub use rule::{Deadline, Frequency, PeriodSlot};
pub use status::{Cell, ItemReport, PanelEntry, Report, State, StatusSays, Summary, status};

/// The catalogue file a site may add.
pub const FILE: &str = "catalogue.toml";

const DEFAULT: &str = include_str!("default.toml");

/// One required item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub section: Option<String>,
    /// Posting kinds that fulfil it.
    pub kinds: Vec<String>,
    pub frequency: Frequency,
    pub deadline: Deadline,
    /// Its postings need a recorded review (`[[signoff]]`).
    pub signoff: bool,
    /// Legal basis, shown on the 公开目录 page.
    pub basis: String,
    /// First day the rule applies (a county catalogue taking effect mid-year).
    pub since: Option<jiff::civil::Date>,
}

/// The catalogue in force for a site.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    pub items: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    replace: bool,
    /// Days before a due date from which an item shows as 即将到期.
    #[serde(default)]
    soon_days: Option<u32>,
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    kinds: Vec<String>,
    frequency: Option<Spanned<String>>,
    deadline: Option<Spanned<toml::Value>>,
    #[serde(default)]
    signoff: bool,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    since: Option<Spanned<crate::date::DateValue>>,
}

crate::messages! {
    /// Everything wrong with a catalogue file.
    pub enum CatalogueError {
        Syntax { reason: String } = "catalogue.syntax",
            zh: "公开目录 catalogue.toml 格式错误：{reason}",
            en: "catalogue.toml syntax error: {reason}";
        MissingKey { key: &'static str } = "catalogue.missing-key",
            zh: "公开目录的这一项缺少 {key}：每项都要有 id、name、frequency 和 deadline",
            en: "catalogue item lacks {key}";
        BadFrequency { value: String } = "catalogue.bad-frequency",
            zh: "公开频次 “{value}” 无法识别：应为 monthly（每月）、quarterly（每季度）、half-yearly（每半年）、yearly（每年）或 event（随时）",
            en: "unknown frequency \"{value}\": use monthly, quarterly, half-yearly, yearly or event";
        BadDeadline { reason: String } = "catalogue.bad-deadline",
            zh: "公开时限写得不对（{reason}）：应写作 {DEADLINE_HELP}",
            en: "bad deadline ({reason}): use days_after_period, working_days_after_period, day_of_next_month or working_days_after_event";
        DuplicateId { id: String } = "catalogue.duplicate-id",
            zh: "公开目录中 id “{id}” 出现了两次：每项的 id 要各不相同",
            en: "catalogue id \"{id}\" appears twice";
        UnknownItem {
            id: String,
            suggestion: Option<String>,
            ids: Vec<String>,
        } = "catalogue.unknown-item",
            zh: {
                match suggestion {
                    Some(s) => format!("公开目录里没有 “{id}” 这一项，是不是 “{s}”？"),
                    None => format!("公开目录里没有 “{id}” 这一项：可用的编号有 {}", ids.join("、")),
                }
            },
            en: {
                match suggestion {
                    Some(s) => format!("no catalogue item \"{id}\"; did you mean \"{s}\"?"),
                    None => format!("no catalogue item \"{id}\""),
                }
            };
        BadPeriod {
            text: String,
            id: String,
            expected: &'static str,
        } = "catalogue.bad-period",
            zh: {
                format!(
                    "“{id}”按{expected}公开，期间 “{text}” 对不上：请写作如 {}",
                    match *expected {
                        "月" => "“2026年7月”",
                        "半年" => "“2026年上半年”",
                        "年" => "“2026年度”",
                        _ => "“2026年第三季度”",
                    }
                )
            },
            en: "period \"{text}\" is not a period of \"{id}\"";
        /// `event_date` on a posting that fulfils no 随时公开 item: it sets no deadline, so saying
        /// nothing would let the clerk believe it does.
        EventDateUnused { item: Option<String> } = "catalogue.event-date-unused",
            zh: {
                match item {
                    Some(name) => format!(
                        "event_date（事项发生日期）只用于“随时公开”的目录项，这篇内容对应的“{name}”按期公开，不看这个日期：请删去这一行，或用 fulfils 写明它对应的随时公开事项"
                    ),
                    None => "event_date（事项发生日期）没有起作用：这篇内容不对应公开目录里任何“随时公开”的事项。请用 fulfils = \"事项编号\" 写明它对应哪一项（编号见 公开目录 页面或 gongkai check），或删去这一行".to_string(),
                }
            },
            en: {
                match item {
                    Some(name) => format!(
                        "event_date has no effect: \"{name}\" is a periodic item; remove it or name an event item with fulfils"
                    ),
                    None => "event_date has no effect: this posting fulfils no event item of the catalogue; name one with fulfils or remove the line".to_string(),
                }
            };
    }
}

const DEADLINE_HELP: &str = "{ days_after_period = 10 }、{ working_days_after_period = 20 }、{ day_of_next_month = 20 } 或 { working_days_after_event = 20 }";

/// The built-in catalogue.
pub fn builtin() -> Catalogue {
    let src = SourceText::new("catalogue.toml（内置）", DEFAULT, 0, DEFAULT.len());
    let mut diags = Vec::new();
    let (cat, _) = parse(&src, &mut diags);
    debug_assert!(diags.is_empty(), "{diags:?}");
    Catalogue { items: cat.map(|c| c.1).unwrap_or_default() }
}

/// How many days before its due date an item shows as 即将到期 unless catalogue.toml says.
pub const SOON_DAYS: u32 = 7;

/// The catalogue of the site at `root`: the built-in one, replaced or extended by
/// `catalogue.toml`, with the 即将到期 window. Errors are located in that file.
pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> (Catalogue, u32) {
    let mut cat = builtin();
    let path = root.join(FILE);
    let Ok(text) = std::fs::read_to_string(&path) else { return (cat, SOON_DAYS) };
    let len = text.len();
    let src = SourceText::new(FILE, text, 0, len);
    let (parsed, soon) = parse(&src, diags);
    if let Some((replace, items)) = parsed {
        if replace {
            cat.items = items;
        } else {
            for it in items {
                match cat.items.iter_mut().find(|x| x.id == it.id) {
                    Some(x) => *x = it,
                    None => cat.items.push(it),
                }
            }
        }
    }
    (cat, soon.unwrap_or(SOON_DAYS))
}

type Parsed = (Option<(bool, Vec<Item>)>, Option<u32>);

fn parse(src: &SourceText, diags: &mut Vec<Diagnostic>) -> Parsed {
    // Unknown keys first, all of them, each at its line with a did-you-mean (serde would name
    // only the first). A file that does not parse is reported below, as before.
    if let Ok(table) = toml::de::DeTable::parse(src.toml()) {
        let schema = crate::toml_keys::schema::<RawFile>();
        let unknown = crate::toml_keys::check(table.get_ref(), schema, Some(FILE), src);
        if !unknown.is_empty() {
            diags.extend(unknown);
            return (None, None);
        }
    }
    let raw: RawFile = match toml::from_str(&src.text) {
        Ok(r) => r,
        Err(e) => {
            let d = Diagnostic::error(
                src.path.clone(),
                CatalogueError::Syntax { reason: e.message().to_string() },
            );
            diags.push(match e.span() {
                Some(span) => d.at_span(&src.text, span),
                None => d,
            });
            return (None, None);
        }
    };
    let headers = header_offsets(&src.text);
    let mut items = Vec::new();
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    for (n, r) in raw.item.into_iter().enumerate() {
        let at = |msg: CatalogueError| match headers.get(n) {
            Some(&off) => Diagnostic::error(src.path.clone(), msg)
                .at_span(&src.text, off..off + "[[item]]".len()),
            None => Diagnostic::error(src.path.clone(), msg),
        };
        let before = diags.len();
        let need = |v: bool, key: &'static str, diags: &mut Vec<Diagnostic>| {
            if !v {
                diags.push(at(CatalogueError::MissingKey { key }));
            }
        };
        need(r.id.is_some(), "id", diags);
        need(r.name.is_some(), "name", diags);
        need(r.frequency.is_some(), "frequency", diags);
        need(r.deadline.is_some(), "deadline", diags);
        let frequency = r.frequency.as_ref().and_then(|f| match Frequency::parse(f.get_ref()) {
            Some(x) => Some(x),
            None => {
                diags.push(src.error_at(
                    f.span(),
                    CatalogueError::BadFrequency { value: f.get_ref().clone() },
                ));
                None
            }
        });
        let deadline = r.deadline.as_ref().and_then(|d| match Deadline::parse(d.get_ref()) {
            Ok(x) => Some(x),
            Err(reason) => {
                diags.push(src.error_at(d.span(), CatalogueError::BadDeadline { reason }));
                None
            }
        });
        if let (Some(f), Some(d), Some(span)) =
            (frequency, &deadline, r.deadline.as_ref().map(|d| d.span()))
        {
            if let Err(reason) = d.fits(f) {
                diags.push(src.error_at(span, CatalogueError::BadDeadline { reason }));
            }
        }
        if let Some(id) = &r.id {
            if seen.insert(id.get_ref().clone(), ()).is_some() {
                diags.push(
                    src.error_at(
                        id.span(),
                        CatalogueError::DuplicateId { id: id.get_ref().clone() },
                    ),
                );
            }
        }
        if diags.len() > before {
            continue;
        }
        let (Some(id), Some(name), Some(frequency), Some(deadline)) =
            (r.id, r.name, frequency, deadline)
        else {
            continue;
        };
        items.push(Item {
            id: id.into_inner(),
            name: name.into_inner(),
            section: r.section,
            kinds: r.kinds,
            frequency,
            deadline,
            signoff: r.signoff,
            basis: r.basis,
            since: r.since.map(|s| s.into_inner().0),
        });
    }
    (Some((raw.replace, items)), raw.soon_days)
}

/// Byte offsets of each `[[item]]` header, to point at an entry that lacks a key.
fn header_offsets(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("[[item]]") {
            out.push(off + (line.len() - t.len()));
        }
        off += line.len();
    }
    out
}
