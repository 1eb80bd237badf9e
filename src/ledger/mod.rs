//! The finance ledger of a posting (财务公开): read from xlsx, CSV (UTF-8 or GBK), TOML or inline
//! rows; every cell checked with its exact location; identities checked (期初 + 收入 − 支出 =
//! 期末, declared totals, date order, period); grouped by month and 科目; linked across periods of
//! a series; budgets compared with actual spending; rendered as an SVG chart, CSV and JSON.
//!
//! Money is [`Fen`] everywhere. For templates every amount serializes as
//! `{fen, text, money, wan, upper}` (see [`Fen`]), dates as `"2026-07-03"` strings.

pub mod body_tables;
mod budget;
mod chart;
mod check;
mod columns;
mod error;
mod export;
mod node;
mod period;
mod read_csv;
mod read_toml;
mod read_xlsx;
mod series;

pub mod stage;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::path::{Component, Path};

use jiff::civil::Date;
use serde::{Serialize, Serializer};

use crate::diagnostic::{Diagnostic, Severity, SourceText, display_path};
use crate::money::Fen;

pub use budget::{Budget, BudgetItem, BudgetSource};
pub use chart::chart_svg;
pub use columns::{Field, normalize_header};
pub use error::{LedgerError, Total};
pub use export::{to_csv, to_json, to_xlsx};
pub use period::{PeriodSpec, parse_period};
pub use series::{SeriesKey, YearToDate, check_series, year_to_date};

pub use crate::settings::ledger::LedgerConfig;
use columns::Columns;
use node::{Kind, Node};

/// The finance keys of a posting's front matter, as parsed by the front matter stage. Spans are
/// relative to `src.toml()`.
#[derive(Clone, Debug, Default)]
pub struct FinanceInput {
    pub ledger: Option<toml::Spanned<toml::Value>>,
    pub opening_balance: Option<toml::Spanned<toml::Value>>,
    pub year_to_date_carried: Option<toml::Spanned<toml::Value>>,
    pub closing_balance: Option<toml::Spanned<toml::Value>>,
    pub income_total: Option<toml::Spanned<toml::Value>>,
    pub expense_total: Option<toml::Spanned<toml::Value>>,
    pub series: Option<toml::Spanned<String>>,
    pub period: Option<PeriodSpec>,
    pub budget: Option<toml::Spanned<toml::Value>>,
}

impl FinanceInput {
    pub fn is_empty(&self) -> bool {
        self.ledger.is_none()
            && self.opening_balance.is_none()
            && self.year_to_date_carried.is_none()
            && self.closing_balance.is_none()
            && self.income_total.is_none()
            && self.expense_total.is_none()
            && self.budget.is_none()
    }
}

fn ser_date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::date::format_iso(*d))
}

/// One line of the cash journal, with the running balance after it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Row {
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    pub voucher: String,
    pub summary: String,
    pub category: Option<String>,
    pub handler: Option<String>,
    pub note: Option<String>,
    pub income: Option<Fen>,
    pub expense: Option<Fen>,
    pub balance: Fen,
}

/// 期初 / 本期收入 / 本期支出 / 期末 (closing as computed from the rows).
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub opening: Fen,
    pub income: Fen,
    pub expense: Fen,
    pub closing: Fen,
}

/// A month (`key = "2026-07"`, `label = "7月"`) or a 科目 (`key = label = "保洁费"`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Bucket {
    pub key: String,
    pub label: String,
    pub income: Fen,
    pub expense: Fen,
}

/// The period a posting covers.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Period {
    #[serde(serialize_with = "ser_date")]
    pub from: Date,
    #[serde(serialize_with = "ser_date")]
    pub to: Date,
    pub text: String,
}

/// Everything a template needs about the money of one posting (`page.ledger`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Finance {
    pub rows: Vec<Row>,
    pub totals: Totals,
    pub by_category: Vec<Bucket>,
    pub by_month: Vec<Bucket>,
    pub period: Option<Period>,
    pub series: Option<String>,
    /// The ledger file as written in front matter, relative to the posting's folder (the
    /// download link); `None` for inline rows.
    pub source_file: Option<String>,
    /// The same file relative to the site root, `/`-separated.
    pub source_path: Option<String>,
    pub budget: Option<Budget>,
    /// 本年累计, filled in by the pipeline from [`year_to_date`] once all postings are loaded.
    pub year_to_date: Option<YearToDate>,
    /// Where `opening_balance` is written in the posting (line, column), for series errors.
    #[serde(skip)]
    pub opening_at: Option<(usize, usize)>,
    /// The sheet's first 本年累计 when the sheet starts after January, checked with the series.
    #[serde(skip)]
    pub(crate) first_year_total: Option<check::FirstYearTotal>,
    /// `year_to_date_carried`: income and expense of the year before this period, as typed.
    #[serde(skip)]
    pub carried: Option<(Fen, Fen)>,
}

/// A value read from a cell or a TOML row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Empty,
    Text(String),
    /// An Excel number.
    Num(f64),
    /// An Excel cell formatted as a date (serial days).
    ExcelDate(f64),
    Int(i64),
    /// A TOML float as written.
    Float(String),
    Date(Date),
    Bool(bool),
}

impl Val {
    pub fn text(&self) -> String {
        match self {
            Val::Empty => String::new(),
            Val::Text(s) | Val::Float(s) => s.clone(),
            Val::Num(f) | Val::ExcelDate(f) => format!("{f}"),
            Val::Int(i) => i.to_string(),
            Val::Date(d) => crate::date::format_iso(*d),
            Val::Bool(b) => b.to_string(),
        }
    }

    fn from_node(n: &Node) -> Val {
        match &n.kind {
            Kind::Str(s) if s.trim().is_empty() => Val::Empty,
            Kind::Str(s) => Val::Text(s.clone()),
            Kind::Int(i) => Val::Int(*i),
            Kind::Float(raw) => Val::Float(raw.clone()),
            Kind::Bool(b) => Val::Bool(*b),
            Kind::Datetime(dt) => match dt.date {
                Some(d) => Date::new(d.year as i16, d.month as i8, d.day as i8)
                    .map(Val::Date)
                    .unwrap_or_else(|_| Val::Text(dt.to_string())),
                None => Val::Text(dt.to_string()),
            },
            Kind::Array(_) | Kind::Table(_) => Val::Text(format!("<{}>", n.type_name())),
        }
    }
}

/// Where something is in its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Loc {
    File,
    /// A byte range of the TOML text (relative to `Origin::base`).
    Span(Range<usize>),
    /// Field `field` of the CSV record starting at byte `record` of the decoded text.
    Csv {
        record: usize,
        field: usize,
    },
    /// A spreadsheet cell, 0-based.
    Cell {
        row: u32,
        col: u32,
    },
}

/// The file a ledger (or the posting's front matter) comes from, to turn a [`Loc`] into a
/// diagnostic position with snippet.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Origin {
    pub path: String,
    /// Shared, since a mid-year sheet's first 本年累计 keeps its origin until the series is checked.
    pub text: std::sync::Arc<str>,
    pub base: usize,
    pub sheet: Option<String>,
}

/// `A1`-style name of a 0-based cell.
pub(crate) fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push((b'A' + r as u8) as char);
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

impl Origin {
    fn posting(src: &SourceText) -> Origin {
        Origin {
            path: src.path.clone(),
            text: src.text.as_str().into(),
            base: src.toml_offset,
            sheet: None,
        }
    }

    pub fn diag(&self, sev: Severity, loc: &Loc, msg: LedgerError) -> Diagnostic {
        let mut d = Diagnostic::error(self.path.clone(), msg);
        d.severity = sev;
        match loc {
            Loc::File => d,
            Loc::Span(r) => d.at_span(&self.text, r.start + self.base..r.end + self.base),
            Loc::Csv { record, field } => {
                let r = read_csv::field_span(&self.text, *record, *field);
                let row = read_csv::row_of(&self.text, *record);
                d.at_csv_cell(&self.text, r, cell_name(row, *field as u32))
            }
            Loc::Cell { row, col } => {
                d.at_cell(self.sheet.clone().unwrap_or_default(), cell_name(*row, *col))
            }
        }
    }

    pub fn error(&self, loc: &Loc, msg: LedgerError) -> Diagnostic {
        self.diag(Severity::Error, loc, msg)
    }

    pub fn warning(&self, loc: &Loc, msg: LedgerError) -> Diagnostic {
        self.diag(Severity::Warning, loc, msg)
    }
}

/// Reads and checks the finance part of a posting. Returns `None` when the posting has no finance
/// keys. Otherwise returns what could be read (rows with errors are left out) together with all
/// diagnostics; the build fails on errors, so a partial `Finance` is never published.
///
/// Identity checks (declared totals, closing balance) are skipped when rows had errors, so one
/// typo does not also report three mismatched totals.
pub fn load(
    input: &FinanceInput,
    posting_dir: &Path,
    site_root: &Path,
    src: &SourceText,
    cfg: &LedgerConfig,
) -> (Option<Finance>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if input.is_empty() {
        return (None, diags);
    }
    let post = Origin::posting(src);
    let toml_text = src.toml();
    let doc = node::parse_doc(toml_text).ok();

    let mut cols = Columns::new();
    for (header, field) in &cfg.columns {
        match Field::from_name(field) {
            Some(f) => cols.add(header, f),
            None => diags.push(Diagnostic::error(
                "site.toml",
                LedgerError::UnknownField { header: header.clone(), field: field.clone() },
            )),
        }
    }

    let period = input.period.as_ref().and_then(|p| p.resolve(&post, &mut diags));

    let money = |v: &Option<toml::Spanned<toml::Value>>, key: &str, diags: &mut Vec<Diagnostic>| {
        v.as_ref().and_then(|given| {
            let n = node::node_of(doc.as_ref(), key, given, toml_text);
            check::node_money(&n, key, &post, diags).map(|f| (f, n.span.clone()))
        })
    };
    let opening = money(&input.opening_balance, "opening_balance", &mut diags);
    let closing = money(&input.closing_balance, "closing_balance", &mut diags);
    let income_total = money(&input.income_total, "income_total", &mut diags);
    let expense_total = money(&input.expense_total, "expense_total", &mut diags);
    let opening_at = input.opening_balance.as_ref().map(|o| {
        let loc = crate::diagnostic::locate(&src.text, o.span().start + src.toml_offset);
        (loc.line, loc.column)
    });
    let carried = input.year_to_date_carried.as_ref().and_then(|given| {
        let n = node::node_of(doc.as_ref(), "year_to_date_carried", given, toml_text);
        let mut part = |key: &str| match n.get(key) {
            Some(v) => check::node_money(v, &format!("year_to_date_carried.{key}"), &post, &mut diags),
            None => {
                diags.push(post.error(
                    &Loc::Span(n.span.clone()),
                    LedgerError::WrongType {
                        key: "year_to_date_carried".into(),
                        expected: "{ income = \"本期之前本年累计收入\", expense = \"本期之前本年累计支出\" }，两项都要写，如 { income = \"30,000.00\", expense = \"12,500.00\" }",
                    },
                ));
                None
            }
        };
        let income = part("income");
        let expense = if n.get("income").is_some() { part("expense") } else { None };
        Some((income?, expense?))
    });
    let declared = check::Declared { opening, closing, income_total, expense_total };
    // Written but unreadable ("5.23万"): one error already, so nothing that follows from the
    // opening balance is checked or warned about.
    let opening_bad = input.opening_balance.is_some() && declared.opening.is_none();
    let mut opening_fen = declared.opening.as_ref().map(|o| o.0);
    if opening_fen.is_none() && !opening_bad {
        opening_fen = Some(Fen::ZERO);
    }

    let mut source_file = None;
    let mut source_path = None;
    let mut row_errors = false;
    let mut rows = Vec::new();
    let mut first_year_total = None;
    let has_ledger = input.ledger.is_some();
    if let Some(given) = &input.ledger {
        let n = node::node_of(doc.as_ref(), "ledger", given, toml_text);
        let before = diags.iter().filter(|d| d.is_error()).count();
        let read = read_toml::read_ledger(&n, &post, posting_dir, site_root, &mut cols, &mut diags);
        let mut sheet_opening = None;
        if let Some(read) = read {
            source_file = read.file;
            source_path = read.path;
            sheet_opening = check::sheet_opening(&read.records, &read.origin, &mut diags);
            if let Some((sheet, loc)) = &sheet_opening {
                if let Some((typed, span)) = &declared.opening {
                    if typed != sheet {
                        let cell = read.origin.error(loc, LedgerError::OpeningMissing).location();
                        diags.push(post.error(
                            &Loc::Span(span.clone()),
                            LedgerError::OpeningDiffers { typed: *typed, sheet: *sheet, cell },
                        ));
                    }
                }
                opening_fen = Some(*sheet);
            }
            let warn_negative = declared.opening.is_some() || sheet_opening.is_some();
            rows = check::build_rows(
                read.records,
                &read.origin,
                period.as_ref(),
                opening_fen,
                warn_negative,
                &mut first_year_total,
                &mut diags,
            );
        }
        row_errors = diags.iter().filter(|d| d.is_error()).count() > before;
        if declared.opening.is_none() && sheet_opening.is_none() && !opening_bad && !rows.is_empty()
        {
            let loc = given.span();
            diags.push(post.warning(&Loc::Span(loc), LedgerError::OpeningMissing));
        }
    }
    let totals =
        check::totals(&rows, has_ledger, &declared, opening_fen, !row_errors, &post, &mut diags);

    let budget = input.budget.as_ref().and_then(|given| {
        let n = node::node_of(doc.as_ref(), "budget", given, toml_text);
        budget::read_budget(&n, &post, has_ledger.then_some(rows.as_slice()), &mut diags)
    });

    let finance = Finance {
        by_category: check::by_category(&rows),
        by_month: check::by_month(&rows),
        rows,
        totals,
        period,
        series: input.series.as_ref().map(|s| s.get_ref().clone()),
        source_file,
        source_path,
        budget,
        year_to_date: None,
        opening_at,
        first_year_total,
        carried,
    };
    (Some(finance), diags)
}

/// Reads CSV ledger bytes exactly as a build does (encoding, header row, dates, amounts, running
/// balances, totals, by-category and by-month sums, open-data export and chart) and returns what
/// it found with every diagnostic. For the `ledger_csv` fuzz target: it must never panic.
#[doc(hidden)]
pub fn read_csv_bytes(bytes: &[u8]) -> (Option<Finance>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut origin = Origin { path: "ledger.csv".into(), text: "".into(), base: 0, sheet: None };
    origin.text = match read_csv::decode(bytes, None) {
        Ok(t) => t.into(),
        Err(e) => {
            diags.push(origin.error(&Loc::File, e));
            return (None, diags);
        }
    };
    let grid = match read_csv::grid(&origin.text) {
        Ok(g) => g,
        Err(e) => {
            diags.push(origin.error(&Loc::File, e));
            return (None, diags);
        }
    };
    let records = columns::grid_records(grid, &Columns::new(), &origin, &mut diags);
    let opening = check::sheet_opening(&records, &origin, &mut diags).map(|o| o.0);
    let opening = opening.unwrap_or(Fen(0));
    let rows =
        check::build_rows(records, &origin, None, Some(opening), true, &mut None, &mut diags);
    let declared =
        check::Declared { opening: None, closing: None, income_total: None, expense_total: None };
    let totals = check::totals(&rows, true, &declared, Some(opening), true, &origin, &mut diags);
    let finance = Finance {
        by_category: check::by_category(&rows),
        by_month: check::by_month(&rows),
        rows,
        totals,
        period: None,
        series: None,
        source_file: None,
        source_path: None,
        budget: None,
        year_to_date: None,
        opening_at: None,
        first_year_total: None,
        carried: None,
    };
    let _ = (to_csv(&finance), to_json(&finance), chart_svg(&finance));
    (Some(finance), diags)
}

/// Resolves a ledger file named in front matter against the posting folder; refuses `..` and
/// absolute paths so a posting cannot publish files from outside the site.
pub(crate) fn resolve_file(
    file: &str,
    posting_dir: &Path,
    site_root: &Path,
) -> Option<(std::path::PathBuf, String)> {
    let p = Path::new(file);
    if p.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return None;
    }
    let full = posting_dir.join(p);
    // A link to a file outside the site is refused like a `..` path: nothing outside is read.
    if std::fs::symlink_metadata(&full).is_ok() && !crate::sitepath::inside(site_root, &full) {
        return None;
    }
    let shown = display_path(site_root, &full);
    Some((full, shown))
}
