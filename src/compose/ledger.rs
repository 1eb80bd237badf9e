//! The ledger facts the form shows beside a finance posting: the period's totals as the build
//! computes them, and whether the period chains to the previous one of its series. A thin layer
//! over the build's own stages: [`crate::ledger::load`] on the posting's finance keys (the
//! function `crate::ledger::stage` runs for every posting) and [`crate::ledger::check_series`] on the
//! published periods of the same series, with every diagnostic located at its cell or line.

use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::ledger::stage::input_of;
use crate::ledger::{self, Period, SeriesKey, Totals};
use crate::load::{self, LoadOptions};
use crate::money::Fen;

/// A finance posting's money, for the form.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LedgerFacts {
    /// The posting, `content/finance/2026-q3/index.md`.
    pub posting: String,
    /// The posting has finance keys (a ledger, balances or a budget).
    pub finance: bool,
    pub period: Option<Period>,
    pub series: Option<String>,
    /// Journal lines read.
    pub rows: usize,
    /// 期初, 本期收入, 本期支出, 期末 (computed from the rows).
    pub totals: Option<Totals>,
    /// The period before this one in the series, among the published postings.
    pub previous: Option<PreviousPeriod>,
    /// This opening balance equals the previous closing balance (`None`: no previous period).
    pub chains: Option<bool>,
    /// This period starts the day after the previous one ends.
    pub adjacent: Option<bool>,
    /// The build's messages about this posting's money, at their cells and lines.
    pub notes: Vec<LedgerNote>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PreviousPeriod {
    pub posting: String,
    pub period: Period,
    pub closing: Fen,
}

/// One diagnostic, flattened for JSON (as `gongkai check --format json` shows it).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LedgerNote {
    pub error: bool,
    pub code: String,
    /// The file: the posting, or its ledger file.
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// `三季度` and `D17` for a spreadsheet cell.
    pub sheet: Option<String>,
    pub cell: Option<String>,
    /// `content/finance/2026-q3/ledger.xlsx:三季度!D17`
    pub location: String,
    pub zh: String,
    pub en: String,
}

impl From<&Diagnostic> for LedgerNote {
    fn from(d: &Diagnostic) -> LedgerNote {
        let (line, column, sheet, cell) = d.position_parts();
        LedgerNote {
            error: d.is_error(),
            code: d.message.code().to_string(),
            path: d.path.clone(),
            line,
            column,
            sheet,
            cell,
            location: d.location(),
            zh: d.message.zh().to_string(),
            en: d.message.en().to_string(),
        }
    }
}

impl LedgerFacts {
    fn empty(posting: &str, notes: Vec<LedgerNote>) -> LedgerFacts {
        LedgerFacts {
            posting: posting.to_string(),
            finance: false,
            period: None,
            series: None,
            rows: 0,
            totals: None,
            previous: None,
            chains: None,
            adjacent: None,
            notes,
        }
    }
}

/// The ledger facts of the posting at `posting_rel_path` (relative to `site_root`, e.g.
/// `content/finance/2026-q3/index.md`), with the site as built on `today`. When the site cannot
/// be loaded, `notes` says why.
pub fn ledger_facts(site_root: &Path, posting_rel_path: &str, today: Date) -> LedgerFacts {
    let want = posting_rel_path.replace('\\', "/");
    let want = want.trim_start_matches("./");
    let site = match load::load(site_root, LoadOptions { today, include_unpublished: false }) {
        Ok(s) => s,
        Err(diags) => {
            return LedgerFacts::empty(want, diags.iter().map(LedgerNote::from).collect());
        }
    };
    let Some(i) = site.postings.iter().position(|p| p.source == want) else {
        return LedgerFacts::empty(want, Vec::new());
    };
    let p = &site.postings[i];
    let input = input_of(p);
    if input.is_empty() {
        return LedgerFacts::empty(want, Vec::new());
    }
    let (finance, mut diags) =
        ledger::load(&input, &p.dir, &site.root, &p.src, &site.config.ledger);
    let Some(f) = finance else {
        return LedgerFacts::empty(want, diags.iter().map(LedgerNote::from).collect());
    };
    let mut previous = None;
    let mut chains = None;
    let mut adjacent = None;
    if let Some(me) = f.series_key(&p.source) {
        // The other periods of the series that are on the board, as the build links them.
        let mut keys: Vec<SeriesKey> = site
            .postings
            .iter()
            .enumerate()
            .filter(|(j, q)| *j != i && q.published)
            .filter(|(_, q)| q.front.series.as_ref().map(|s| s.get_ref()) == Some(&me.series))
            .filter_map(|(_, q)| {
                let (qf, _) =
                    ledger::load(&input_of(q), &q.dir, &site.root, &q.src, &site.config.ledger);
                qf?.series_key(&q.source)
            })
            .collect();
        let prev = keys
            .iter()
            .filter(|k| k.period.from < me.period.from)
            .max_by_key(|k| (k.period.from, k.posting.clone()));
        if let Some(prev) = prev {
            chains = Some(prev.closing == me.opening);
            adjacent = Some(prev.period.to.tomorrow().ok() == Some(me.period.from));
            previous = Some(PreviousPeriod {
                posting: prev.posting.clone(),
                period: prev.period.clone(),
                closing: prev.closing,
            });
        }
        keys.push(me);
        diags.extend(ledger::check_series(&keys).into_iter().filter(|d| d.path == p.source));
    }
    LedgerFacts {
        posting: want.to_string(),
        finance: true,
        period: f.period.clone(),
        series: f.series.clone(),
        rows: f.rows.len(),
        totals: Some(f.totals),
        previous,
        chains,
        adjacent,
        notes: diags.iter().map(LedgerNote::from).collect(),
    }
}
