//! What a township portal shows of one built site: its active 公示, latest finance period, the
//! 公开目录 status and its feed entries.
//!
//! Made by the build from data it already has, and kept (as JSON) by the portal next to each
//! village's fingerprint, so a village that is skipped because nothing changed, or that failed
//! and keeps its last good output, is still shown with what is online. Plain owned data only.

use serde::{Deserialize, Serialize};

/// One site, as the township sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub title: String,
    pub unit: String,
    /// The date it was built for (YYYY-MM-DD).
    pub built_for: String,
    /// 公示 running on the build date, by end date then title.
    pub notices: Vec<NoticeLine>,
    /// The finance posting with the latest period end (its closing balance).
    pub finance: Option<FinanceLine>,
    pub catalogue: Option<CatalogueLine>,
    /// Every published posting's feed entry, as in the site's own atom.xml.
    pub feed: Vec<FeedLine>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLine {
    pub title: String,
    /// Site-relative page path (`village/2026-road/index.html`).
    pub path: String,
    /// `2026年9月30日至2026年10月13日（5个工作日）`
    pub period: String,
    pub end: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinanceLine {
    pub title: String,
    pub path: String,
    /// The period as written (`2026年9月`).
    pub period: String,
    pub period_end: String,
    /// `¥289,546.52`
    pub closing: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueLine {
    pub year: i16,
    pub on_time: usize,
    pub late: usize,
    pub due_soon: usize,
    pub overdue: usize,
    pub not_due: usize,
    /// One cell per catalogue item: the period that matters now (see [`current_cell`]).
    pub current: Vec<CurrentCell>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentCell {
    pub id: String,
    pub name: String,
    /// Empty for an event item with no event this year.
    pub period: String,
    /// `on-time`, `late`, `not-due`, `due-soon`, `overdue`, `unknown`, or `none`.
    pub state: String,
    pub state_zh: String,
    pub days: i64,
    /// `days` counts working days.
    pub working_days: bool,
    pub due: Option<String>,
    /// The posting that fulfils the period: its publication date (YYYY-MM-DD) and page path.
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub posting_path: Option<String>,
    /// The latest period that has ended, when it is not the one shown (an older overdue
    /// period is shown first): whether that period's disclosure was published on time.
    #[serde(default)]
    pub latest: Option<PeriodLine>,
}

/// One period of an item as the catalogue computed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodLine {
    pub period: String,
    pub state: String,
    pub state_zh: String,
    pub days: i64,
    pub working_days: bool,
    pub due: Option<String>,
    pub published: Option<String>,
    pub posting_path: Option<String>,
}

fn state_key(s: crate::catalogue::State) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn period_line(c: &crate::catalogue::Cell) -> PeriodLine {
    PeriodLine {
        period: c.period.clone(),
        state: state_key(c.state),
        state_zh: c.state_zh.to_string(),
        days: c.days,
        working_days: c.working_days,
        due: c.due.clone(),
        published: c.posting.as_ref().map(|p| p.2.clone()),
        posting_path: c.posting.as_ref().map(|p| p.1.clone()),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedLine {
    pub title: String,
    pub url_abs: String,
    pub id: String,
    pub published: String,
    pub updated: Option<String>,
    pub summary: String,
    pub section: String,
}

/// The cell of an item a township reviewer looks at now: an overdue period first, then one due
/// soon, then the latest period that has ended, then the first.
pub fn current_cell(item: &crate::catalogue::ItemReport) -> Option<&crate::catalogue::Cell> {
    use crate::catalogue::State;
    let cells = &item.cells;
    cells
        .iter()
        .find(|c| c.state == State::Overdue)
        .or_else(|| cells.iter().find(|c| c.state == State::DueSoon))
        .or_else(|| cells.iter().rev().find(|c| c.ended && c.due.is_some()))
        .or_else(|| cells.first())
}

/// The catalogue line of a report.
pub fn catalogue_line(r: &crate::catalogue::Report) -> CatalogueLine {
    let s = &r.summary;
    let current = r
        .items
        .iter()
        .map(|it| match current_cell(it) {
            Some(c) => CurrentCell {
                id: it.id.clone(),
                name: it.name.clone(),
                period: c.period.clone(),
                state: serde_json::to_value(c.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                state_zh: c.state_zh.to_string(),
                days: c.days,
                working_days: c.working_days,
                due: c.due.clone(),
                published: c.posting.as_ref().map(|p| p.2.clone()),
                posting_path: c.posting.as_ref().map(|p| p.1.clone()),
                latest: it
                    .cells
                    .iter()
                    .rev()
                    .find(|l| l.ended && l.due.is_some())
                    .filter(|l| l.period != c.period)
                    .map(period_line),
            },
            None => CurrentCell {
                id: it.id.clone(),
                name: it.name.clone(),
                state: "none".into(),
                state_zh: "本年无".into(),
                ..CurrentCell::default()
            },
        })
        .collect();
    CatalogueLine {
        year: r.year,
        on_time: s.on_time,
        late: s.late,
        due_soon: s.due_soon,
        overdue: s.overdue,
        not_due: s.not_due,
        current,
    }
}
