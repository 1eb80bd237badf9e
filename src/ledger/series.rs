//! Consecutive periods of one series (e.g. 村集体现金日记账): each opening balance must equal the
//! previous closing balance; a missing period is a warning; 本年累计 per period.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::LedgerError;
use super::{Finance, Period};
use crate::diagnostic::Diagnostic;
use crate::money::Fen;

/// One posting of a series, as the cross-period check needs it.
#[derive(Clone, Debug)]
pub struct SeriesKey {
    pub series: String,
    /// The posting's display path (for messages).
    pub posting: String,
    pub period: Period,
    pub opening: Fen,
    pub income: Fen,
    pub expense: Fen,
    pub closing: Fen,
    /// Where `opening_balance` is written in the posting.
    pub opening_at: Option<(usize, usize)>,
    /// The first 本年累计 of a sheet starting after January, checked against earlier periods.
    pub(crate) first_year_total: Option<super::check::FirstYearTotal>,
    /// `year_to_date_carried` (income, expense): the year before this period, as typed.
    pub carried: Option<(Fen, Fen)>,
}

impl Finance {
    /// The series key of this posting, if it declares both `series` and a readable `period`.
    pub fn series_key(&self, posting: &str) -> Option<SeriesKey> {
        Some(SeriesKey {
            series: self.series.clone()?,
            posting: posting.to_string(),
            period: self.period.clone()?,
            opening: self.totals.opening,
            income: self.totals.income,
            expense: self.totals.expense,
            closing: self.totals.closing,
            opening_at: self.opening_at,
            first_year_total: self.first_year_total.clone(),
            carried: self.carried,
        })
    }
}

/// 本年累计: income and expense from the first period of the year up to and including this one.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct YearToDate {
    pub year: i16,
    pub income: Fen,
    pub expense: Fen,
    /// The month the sums start from when the months before it are unknown (the earliest period
    /// on the board starts after January with no `year_to_date_carried` and no 本年累计 row to
    /// take them from): the page then says "7月起累计", never a year total it cannot know.
    pub since_month: Option<i8>,
}

fn grouped(items: &[SeriesKey]) -> BTreeMap<&str, Vec<&SeriesKey>> {
    let mut map: BTreeMap<&str, Vec<&SeriesKey>> = BTreeMap::new();
    for it in items {
        map.entry(it.series.as_str()).or_default().push(it);
    }
    for v in map.values_mut() {
        v.sort_by(|a, b| (a.period.from, &a.posting).cmp(&(b.period.from, &b.posting)));
    }
    map
}

/// Checks each series ordered by period: opening = previous closing (error with the difference),
/// gaps between periods (warning), overlapping periods (error).
pub fn check_series(items: &[SeriesKey]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for list in grouped(items).values() {
        for w in list.windows(2) {
            let (prev, cur) = (w[0], w[1]);
            let at = |d: Diagnostic| match cur.opening_at {
                Some((l, c)) => d.at(l, c),
                None => d,
            };
            if cur.period.from <= prev.period.to {
                out.push(at(Diagnostic::error(
                    cur.posting.clone(),
                    LedgerError::SeriesOverlap {
                        previous: prev.posting.clone(),
                        period: cur.period.text.clone(),
                    },
                )));
                continue;
            }
            let next_day = prev.period.to.tomorrow().ok();
            if next_day.is_some_and(|n| cur.period.from > n) {
                out.push(at(Diagnostic::warning(
                    cur.posting.clone(),
                    LedgerError::SeriesGap {
                        previous_period: prev.period.text.clone(),
                        period: cur.period.text.clone(),
                        missing_from: next_day.map(crate::date::format_zh).unwrap_or_default(),
                    },
                )));
            }
            if cur.opening != prev.closing {
                out.push(at(Diagnostic::error(
                    cur.posting.clone(),
                    LedgerError::SeriesOpening {
                        previous: prev.posting.clone(),
                        previous_period: prev.period.text.clone(),
                        previous_closing: prev.closing,
                        opening: cur.opening,
                    },
                )));
            }
        }
        for cur in list {
            check_first_year_total(cur, list, &mut out);
        }
    }
    out
}

/// A mid-year sheet's first 本年累计 must equal what the year held before it plus this sheet's
/// rows above it. What it held is the earlier periods of the same year carried forward, when
/// they run without a gap from 1 January or from a period whose own carried figure is known
/// ([`carried_before`]); for the earliest period on the board, its typed `year_to_date_carried`.
/// Otherwise the figure is taken as written.
fn check_first_year_total(cur: &SeriesKey, list: &[&SeriesKey], out: &mut Vec<Diagnostic>) {
    let Some(first) = &cur.first_year_total else { return };
    let year = cur.period.from.year();
    let earlier: Vec<&&SeriesKey> = list
        .iter()
        .filter(|o| o.period.from.year() == year && o.period.to < cur.period.from)
        .collect();
    let (carried_in, carried_out, previous) = match earlier.first() {
        None => {
            let Some((i, e)) = cur.carried else { return };
            (i, e, "本期开始前".to_string())
        }
        Some(start) => {
            let (mut sum_in, mut sum_out) =
                if (start.period.from.month(), start.period.from.day()) == (1, 1) {
                    (Fen::ZERO, Fen::ZERO)
                } else {
                    match carried_before(start) {
                        Some(c) => c,
                        None => return,
                    }
                };
            let mut next = start.period.from;
            for o in &earlier {
                if o.period.from != next {
                    return; // a gap (already warned): the carried figure is incomplete
                }
                next = o.period.to.tomorrow().unwrap_or(o.period.to);
                sum_in += o.income;
                sum_out += o.expense;
            }
            if next != cur.period.from {
                return;
            }
            let previous = earlier.last().map(|o| o.period.text.clone()).unwrap_or_default();
            (sum_in, sum_out, previous)
        }
    };
    for ((declared, loc, column), rows, income) in &first.cells {
        let carried = if *income { carried_in } else { carried_out };
        let expected = carried + *rows;
        if *declared != expected {
            out.push(first.origin.error(
                loc,
                LedgerError::YearToDateCarried {
                    label: first.label.clone(),
                    column: column.clone(),
                    declared: *declared,
                    previous: previous.clone(),
                    carried,
                    rows: *rows,
                },
            ));
        }
    }
}

/// 本年累计 for every item, in the order given: the sums over the same series and calendar year
/// of all periods ending no later than this one, plus what the year held before the earliest of
/// them when that period starts after 1 January: its `year_to_date_carried`, or, failing that,
/// what its sheet's first 本年累计 row says minus its rows above it. Without either the sums start
/// at that period, and say so ([`YearToDate::since_month`]).
pub fn year_to_date(items: &[SeriesKey]) -> Vec<YearToDate> {
    items
        .iter()
        .map(|it| {
            let year = it.period.to.year();
            let same = |o: &&SeriesKey| o.series == it.series && o.period.to.year() == year;
            let (mut income, mut expense) = (Fen::ZERO, Fen::ZERO);
            for o in items.iter().filter(same).filter(|o| o.period.to <= it.period.to) {
                income += o.income;
                expense += o.expense;
            }
            let first = items.iter().filter(same).min_by_key(|o| o.period.from).unwrap_or(it);
            let mut since_month = None;
            if (first.period.from.month(), first.period.from.day()) != (1, 1)
                && first.period.from.year() == year
            {
                match carried_before(first) {
                    Some((i, e)) => {
                        income += i;
                        expense += e;
                    }
                    None => since_month = Some(first.period.from.month()),
                }
            }
            YearToDate { year, income, expense, since_month }
        })
        .collect()
}

/// What the year held before `first` (a period starting after 1 January): typed, or read off its
/// sheet's first 本年累计 row (both columns needed).
fn carried_before(first: &SeriesKey) -> Option<(Fen, Fen)> {
    if let Some(c) = first.carried {
        return Some(c);
    }
    let total = first.first_year_total.as_ref()?;
    let part = |want_income: bool| {
        total
            .cells
            .iter()
            .find(|(_, _, income)| *income == want_income)
            .map(|((declared, _, _), rows, _)| *declared - *rows)
    };
    Some((part(true)?, part(false)?))
}
