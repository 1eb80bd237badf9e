//! The 财务 stage: loads each finance posting's ledger and budget, checks every identity, chains
//! the periods of each series and fills in 本年累计.

use crate::diagnostic::Diagnostic;
use crate::ledger::{self, Finance, FinanceInput, PeriodSpec};
use crate::site::{Posting, Site};
use rayon::prelude::*;

/// The finance input of one posting, taken from its front matter.
pub fn input_of(p: &Posting) -> FinanceInput {
    let f = &p.front;
    FinanceInput {
        ledger: f.ledger.clone(),
        opening_balance: f.opening_balance.clone(),
        year_to_date_carried: f
            .year_to_date_carried
            .as_ref()
            .map(|c| toml::Spanned::new(c.span(), c.get_ref().to_value())),
        closing_balance: f.closing_balance.clone(),
        income_total: f.income_total.clone(),
        expense_total: f.expense_total.clone(),
        series: f.series.clone(),
        period: f
            .period
            .as_ref()
            .map(|s| PeriodSpec { span: Some(s.span()), ..PeriodSpec::new(s.get_ref()) }),
        budget: f.budget.clone(),
    }
}

/// Loads every posting's finance data in parallel (by posting index) and checks series.
pub fn run(site: &Site) -> (Vec<Option<Finance>>, Vec<Diagnostic>) {
    let loaded: Vec<(Option<Finance>, Vec<Diagnostic>)> = site
        .postings
        .par_iter()
        .map(|p| {
            let input = input_of(p);
            if input.is_empty() {
                return (None, Vec::new());
            }
            ledger::load(&input, &p.dir, &site.root, &p.src, &site.config.ledger)
        })
        .collect();
    let mut diags = Vec::new();
    let mut finances = Vec::with_capacity(loaded.len());
    for (f, ds) in loaded {
        diags.extend(ds);
        finances.push(f);
    }
    // Series run across the periods on the board: drafts and future periods are not linked yet.
    let keyed: Vec<(usize, ledger::SeriesKey)> = finances
        .iter()
        .enumerate()
        .filter(|(i, _)| site.postings[*i].published)
        .filter_map(|(i, f)| Some((i, f.as_ref()?.series_key(&site.postings[i].source)?)))
        .collect();
    let keys: Vec<ledger::SeriesKey> = keyed.iter().map(|(_, k)| k.clone()).collect();
    diags.extend(ledger::check_series(&keys));
    for ((i, _), ytd) in keyed.iter().zip(ledger::year_to_date(&keys)) {
        if let Some(f) = finances[*i].as_mut() {
            f.year_to_date = Some(ytd);
        }
    }
    (finances, diags)
}
