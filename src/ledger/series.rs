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
        })
    }
}

/// 本年累计: income and expense from the first period of the year up to and including this one.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct YearToDate {
    pub year: i16,
    pub income: Fen,
    pub expense: Fen,
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

/// A mid-year sheet's first 本年累计 must equal the earlier periods of the same year carried
/// forward plus this sheet's rows above it. Checked only when those periods cover the year from
/// 1 January without a gap; otherwise the figure is taken as written.
fn check_first_year_total(cur: &SeriesKey, list: &[&SeriesKey], out: &mut Vec<Diagnostic>) {
    let Some(first) = &cur.first_year_total else { return };
    let year = cur.period.from.year();
    let earlier: Vec<&&SeriesKey> = list
        .iter()
        .filter(|o| o.period.from.year() == year && o.period.to < cur.period.from)
        .collect();
    let Some(start) = earlier.first() else { return };
    if (start.period.from.month(), start.period.from.day()) != (1, 1) {
        return;
    }
    let mut next = start.period.from;
    for o in &earlier {
        if o.period.from != next {
            return; // a gap (already warned): the carried figure is incomplete
        }
        next = o.period.to.tomorrow().unwrap_or(o.period.to);
    }
    if next != cur.period.from {
        return;
    }
    let previous = earlier.last().map(|o| o.period.text.clone()).unwrap_or_default();
    let carried_in: Fen = earlier.iter().map(|o| o.income).sum();
    let carried_out: Fen = earlier.iter().map(|o| o.expense).sum();
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
/// of all periods ending no later than this one.
pub fn year_to_date(items: &[SeriesKey]) -> Vec<YearToDate> {
    items
        .iter()
        .map(|it| {
            let year = it.period.to.year();
            let (mut income, mut expense) = (Fen::ZERO, Fen::ZERO);
            for o in items {
                if o.series == it.series
                    && o.period.to.year() == year
                    && o.period.to <= it.period.to
                {
                    income += o.income;
                    expense += o.expense;
                }
            }
            YearToDate { year, income, expense }
        })
        .collect()
}
