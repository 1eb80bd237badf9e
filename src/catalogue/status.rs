//! Which posting fulfils which item and period (`fulfils`/`period` in front matter, or inferred
//! from a kind only one item names and a period that is exactly one of its periods), and the
//! status of every item × period of the build year as of the build date.

use jiff::civil::Date;
use serde::Serialize;

use super::{Catalogue, CatalogueError, Frequency, Item};
use crate::calendar::WorkCalendar;
use crate::date::format_iso;
use crate::diagnostic::Diagnostic;
use crate::site::Site;

crate::messages! {
    /// What the CLI says about the catalogue of the build year.
    pub enum StatusSays {
        /// `公开目录（2026年）：已按时公开 5 项，逾期公开 0 项，…`
        Summary { year: i16, summary: Summary } = "catalogue.summary",
            zh: {
                let s = summary;
                format!(
                    "公开目录（{year}年）：已按时公开 {} 项，逾期公开 {} 项，即将到期 {} 项，逾期未公开 {} 项，未到期 {} 项",
                    s.on_time, s.late, s.due_soon, s.overdue, s.not_due
                )
            },
            en: {
                let s = summary;
                format!(
                    "Catalogue {year}: {} on time, {} late, {} due soon, {} overdue, {} not yet due",
                    s.on_time, s.late, s.due_soon, s.overdue, s.not_due
                )
            };
        /// `what` is the unpublished posting's title or the period; `days` count working days
        /// when `working_days`.
        Overdue { name: String, what: String, due: String, days: i64, working_days: bool, id: String }
            = "catalogue.overdue",
            zh: {
                let unit = if *working_days { "个工作日" } else { "天" };
                format!("逾期未公开：{name}（{what}），应于 {due} 前公开，已逾期 {days} {unit} [{id}]")
            },
            en: {
                let unit = if *working_days { "working days" } else { "days" };
                format!("overdue: {name} ({what}), due {due}, {days} {unit} late [{id}]")
            };
        DueSoon { name: String, what: String, due: String, days: i64, working_days: bool, id: String }
            = "catalogue.due-soon",
            zh: {
                let unit = if *working_days { "个工作日" } else { "天" };
                format!("即将到期：{name}（{what}），应于 {due} 前公开，还有 {days} {unit} [{id}]")
            },
            en: {
                let unit = if *working_days { "working days" } else { "days" };
                format!("due soon: {name} ({what}), due {due}, {days} {unit} left [{id}]")
            };
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// 已公开，按时
    OnTime,
    /// 已公开，但晚于时限
    Late,
    /// 未到期
    NotDue,
    /// 即将到期
    DueSoon,
    /// 逾期未公开
    Overdue,
    /// The due date falls in a year without holiday data.
    Unknown,
}

impl State {
    pub fn zh(self) -> &'static str {
        match self {
            State::OnTime => "已公开",
            State::Late => "已公开（逾期）",
            State::NotDue => "未到期",
            State::DueSoon => "即将到期",
            State::Overdue => "逾期未公开",
            State::Unknown => "无法计算",
        }
    }
}

/// One item × period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub period: String,
    pub short: String,
    pub due: Option<String>,
    pub state: State,
    pub state_zh: &'static str,
    /// Days late (published late or overdue) or days left (due soon).
    pub days: i64,
    /// `days` counts working days (an event item's late or overdue days), not calendar days.
    pub working_days: bool,
    /// The title of the unpublished posting (draft or future date) an event cell stands for:
    /// shown to the clerk by `check`, never on the site, where the cell says only the matter's
    /// date.
    #[serde(skip)]
    pub draft_title: Option<String>,
    /// The posting that fulfils it: title, page path, publication date.
    pub posting: Option<(String, String, String)>,
    /// The period is over as of the build date.
    pub ended: bool,
}

/// One line of the home page's 本期应公开 panel.
#[derive(Clone, Debug, Serialize)]
pub struct PanelEntry {
    pub id: String,
    pub name: String,
    pub cell: Cell,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemReport {
    pub id: String,
    pub name: String,
    pub frequency: &'static str,
    pub deadline: String,
    pub basis: String,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub on_time: usize,
    pub late: usize,
    pub not_due: usize,
    pub due_soon: usize,
    pub overdue: usize,
}

/// The catalogue's state for the build year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub year: i16,
    pub items: Vec<ItemReport>,
    pub summary: Summary,
}

impl Report {
    /// The cells due soon or overdue, with their item, for `gongkai check`.
    pub fn attention(&self) -> Vec<(&ItemReport, &Cell)> {
        self.items
            .iter()
            .flat_map(|i| i.cells.iter().map(move |c| (i, c)))
            .filter(|(_, c)| matches!(c.state, State::Overdue | State::DueSoon))
            .collect()
    }

    /// What `gongkai check` says needs doing, overdue first.
    pub fn attention_lines(&self) -> Vec<StatusSays> {
        let mut list = self.attention();
        list.sort_by_key(|(_, c)| (c.state != State::Overdue, c.due.clone()));
        list.into_iter()
            .map(|(i, c)| {
                let (name, id, days) = (i.name.clone(), i.id.clone(), c.days);
                let due = c.due.clone().unwrap_or_default();
                let what = c.draft_title.clone().unwrap_or_else(|| c.period.clone());
                let working_days = c.working_days;
                if c.state == State::Overdue {
                    StatusSays::Overdue { name, what, due, days, working_days, id }
                } else {
                    StatusSays::DueSoon { name, what, due, days, working_days, id }
                }
            })
            .collect()
    }

    /// 本期应公开: for each periodic item its latest ended period (published or not) and every
    /// overdue or due-soon period, overdue first.
    pub fn panel(&self) -> Vec<PanelEntry> {
        let mut out = Vec::new();
        for it in &self.items {
            let latest = it.cells.iter().rposition(|c| c.ended && c.due.is_some());
            for (k, c) in it.cells.iter().enumerate() {
                if Some(k) == latest || matches!(c.state, State::Overdue | State::DueSoon) {
                    out.push(PanelEntry {
                        id: it.id.clone(),
                        name: it.name.clone(),
                        cell: c.clone(),
                    });
                }
            }
        }
        out.sort_by_key(|e| match e.cell.state {
            State::Overdue => 0,
            State::DueSoon => 1,
            State::NotDue | State::Unknown => 2,
            State::Late | State::OnTime => 3,
        });
        out
    }

    /// The counts line `gongkai build` and `gongkai check` print.
    pub fn line(&self) -> StatusSays {
        StatusSays::Summary { year: self.year, summary: self.summary }
    }
}

/// The item and period a posting fulfils: explicit `fulfils` (checked, errors located) or
/// inferred. Returns (item index, period slot index).
fn fulfilment(
    cat: &Catalogue,
    p: &crate::site::Posting,
    year: i16,
    diags: &mut Vec<Diagnostic>,
) -> Option<(usize, Option<usize>)> {
    let range = p.front.period.as_ref().and_then(|s| crate::ledger::parse_period(s.get_ref()));
    let slot_of = |item: &Item| -> Option<usize> {
        let (from, to) = range?;
        item.frequency.periods(from.year()).iter().position(|s| s.from == from && s.to == to)
    };
    if let Some(f) = &p.front.fulfils {
        let id = f.get_ref();
        let Some(i) = cat.items.iter().position(|x| &x.id == id) else {
            let ids: Vec<&str> = cat.items.iter().map(|x| x.id.as_str()).collect();
            diags.push(p.src.error_at(
                f.span(),
                CatalogueError::UnknownItem {
                    id: id.clone(),
                    suggestion: crate::toml_keys::suggest(id, ids.iter().copied()),
                    ids: ids.iter().map(|s| s.to_string()).collect(),
                },
            ));
            return None;
        };
        let item = &cat.items[i];
        if item.frequency == Frequency::Event {
            return Some((i, None));
        }
        match slot_of(item) {
            Some(s) if range.is_some_and(|r| r.0.year() == year) => return Some((i, Some(s))),
            Some(_) => return None,
            None => {
                let (span, text) = match &p.front.period {
                    Some(s) => (s.span(), s.get_ref().clone()),
                    None => (f.span(), String::new()),
                };
                diags.push(p.src.error_at(
                    span,
                    CatalogueError::BadPeriod {
                        text,
                        id: id.clone(),
                        expected: item.frequency.unit(),
                    },
                ));
                return None;
            }
        }
    }
    let kind = p.front.kind.as_deref()?;
    let mut matching =
        cat.items.iter().enumerate().filter(|(_, x)| x.kinds.iter().any(|k| k == kind));
    let (i, item) = matching.next()?;
    if matching.next().is_some() {
        return None; // two items name this kind: only `fulfils` can say which
    }
    if item.frequency == Frequency::Event {
        return Some((i, None));
    }
    let s = slot_of(item)?;
    (range?.0.year() == year).then_some((i, Some(s)))
}

/// The catalogue's status for the year of `site.today`. Postings not yet published do not
/// count. Diagnostics: bad `fulfils`/`period`, and due dates in a year without calendar data.
pub fn status(
    site: &Site,
    cat: &Catalogue,
    soon_days: u32,
    cal: &WorkCalendar,
) -> (Report, Vec<Diagnostic>) {
    let today = site.today;
    let year = today.year();
    let mut diags = Vec::new();
    // (item, slot) → earliest publication of a fulfilling posting.
    let mut done: Vec<Vec<Option<(Date, usize)>>> =
        cat.items.iter().map(|it| vec![None; it.frequency.periods(year).len().max(1)]).collect();
    let mut events: Vec<Vec<usize>> = vec![Vec::new(); cat.items.len()];
    for (pi, p) in site.postings.iter().enumerate() {
        let found = fulfilment(cat, p, year, &mut diags);
        if let Some(ev) = &p.front.event_date
            && !matches!(found, Some((_, None)))
        {
            let item = found.map(|(i, _)| cat.items[i].name.clone());
            diags.push(p.src.warning_at(ev.span(), CatalogueError::EventDateUnused { item }));
        }
        let Some((i, slot)) = found else { continue };
        match slot {
            // Unpublished event postings still count: their matter's deadline runs regardless.
            None => events[i].push(pi),
            Some(_) if !p.published => {}
            Some(s) => {
                let cell = &mut done[i][s];
                if cell.is_none_or(|(d, _)| p.date() < d) {
                    *cell = Some((p.date(), pi));
                }
            }
        }
    }
    let mut summary = Summary::default();
    let mut missing_year = None;
    let mut items = Vec::new();
    for (i, item) in cat.items.iter().enumerate() {
        let mut cells = Vec::new();
        if item.frequency == Frequency::Event {
            for &pi in &events[i] {
                let p = &site.postings[pi];
                let event = p.front.event_date.as_ref().map(|d| d.get_ref().0);
                let cell = event_cell(item, p, event, today, soon_days, cal, &mut missing_year);
                let in_year = (p.published && p.date().year() == year)
                    || event.is_some_and(|e| e.year() == year);
                if let Some(cell) = cell.filter(|_| in_year) {
                    count(&mut summary, cell.state, cell.due.is_some());
                    cells.push(cell);
                }
            }
        }
        for (s, slot) in item.frequency.periods(year).into_iter().enumerate() {
            if item.since.is_some_and(|since| slot.to < since) {
                continue;
            }
            let due = match item.deadline.due(slot.to, cal) {
                Ok(d) => Some(d),
                Err(e) => {
                    missing_year.get_or_insert(e);
                    None
                }
            };
            let published = done[i].get(s).copied().flatten();
            let (state, days) = match (published, due) {
                (Some((d, _)), Some(due)) if d <= due => (State::OnTime, 0),
                (Some((d, _)), Some(due)) => (State::Late, (d - due).get_days() as i64),
                (Some(_), None) => (State::OnTime, 0),
                (None, None) => (State::Unknown, 0),
                (None, Some(due)) if today > due => {
                    (State::Overdue, (today - due).get_days() as i64)
                }
                (None, Some(due)) => {
                    let left = (due - today).get_days() as i64;
                    if left <= soon_days as i64 {
                        (State::DueSoon, left)
                    } else {
                        (State::NotDue, left)
                    }
                }
            };
            count(&mut summary, state, true);
            cells.push(Cell {
                period: slot.label.clone(),
                short: slot.short.clone(),
                due: due.map(format_iso),
                state,
                state_zh: state.zh(),
                days,
                working_days: false,
                draft_title: None,
                posting: published.map(|(d, pi)| {
                    let p = &site.postings[pi];
                    (p.title().to_string(), p.url(), format_iso(d))
                }),
                ended: slot.to < today,
            });
        }
        items.push(ItemReport {
            id: item.id.clone(),
            name: item.name.clone(),
            frequency: item.frequency.zh(),
            deadline: item.deadline.zh(),
            basis: item.basis.clone(),
            cells,
        });
    }
    if let Some(e) = missing_year {
        diags.push(Diagnostic::warning(super::FILE, e));
    }
    (Report { year, items, summary }, diags)
}

fn count(summary: &mut Summary, state: State, has_deadline: bool) {
    match state {
        // An event posting without its `event_date` has no deadline to be on time for.
        _ if !has_deadline => {}
        State::OnTime => summary.on_time += 1,
        State::Late => summary.late += 1,
        State::NotDue => summary.not_due += 1,
        State::DueSoon => summary.due_soon += 1,
        State::Overdue => summary.overdue += 1,
        State::Unknown => {}
    }
}

/// One event posting's cell: due `n` working days after its `event_date`, late or overdue by
/// working days. Without an `event_date` a published posting is only listed; an unpublished one
/// (draft or future date) is listed only when its deadline is known.
fn event_cell(
    item: &Item,
    p: &crate::site::Posting,
    event: Option<Date>,
    today: Date,
    soon_days: u32,
    cal: &WorkCalendar,
    missing_year: &mut Option<crate::calendar::MissingYear>,
) -> Option<Cell> {
    let n = match item.deadline {
        super::Deadline::WorkingDaysAfterEvent(n) => n,
        _ => return None,
    };
    let due = event.and_then(|e| noted(cal.add_working_days(e, n), missing_year));
    let mut late_by = |d: Date, due: Date| noted(cal.working_days_between(due, d), missing_year);
    let (state, days) = match (p.published, due) {
        (true, Some(due)) if p.date() <= due => (State::OnTime, 0),
        (true, Some(due)) => match late_by(p.date(), due) {
            Some(k) => (State::Late, k as i64),
            None => (State::Unknown, 0),
        },
        (true, None) => (State::OnTime, 0),
        (false, None) => return None,
        (false, Some(due)) if today > due => match late_by(today, due) {
            Some(k) => (State::Overdue, k as i64),
            None => (State::Unknown, 0),
        },
        (false, Some(due)) => {
            let left = (due - today).get_days() as i64;
            (if left <= soon_days as i64 { State::DueSoon } else { State::NotDue }, left)
        }
    };
    // An unpublished posting's title must not reach the site before the posting does.
    let period = match event {
        Some(e) if !p.published => format!("{}的事项", crate::date::format_zh(e)),
        _ => p.title().to_string(),
    };
    Some(Cell {
        period,
        short: crate::date::format_zh_short(event.unwrap_or(p.date())),
        due: due.map(format_iso),
        state,
        state_zh: state.zh(),
        days,
        // Days left before the deadline are calendar days, as for periodic items.
        working_days: matches!(state, State::Late | State::Overdue),
        draft_title: (!p.published).then(|| p.title().to_string()),
        posting: p.published.then(|| (p.title().to_string(), p.url(), format_iso(p.date()))),
        ended: event.is_none_or(|e| e < today),
    })
}

/// `r`'s value, remembering the first year without calendar data for one warning.
fn noted<T>(
    r: Result<T, crate::calendar::MissingYear>,
    missing: &mut Option<crate::calendar::MissingYear>,
) -> Option<T> {
    r.map_err(|e| {
        missing.get_or_insert(e);
    })
    .ok()
}
