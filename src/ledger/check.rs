//! From records to checked rows: amounts, dates, direction, period, order, running balance; then
//! the identities 期初 + 收入 − 支出 = 期末 and declared totals.

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::civil::Date;

use super::columns::{Field, Record, Subtotal};
use super::error::{LedgerError, Total};
use super::node::{Kind, Node};
use super::{Bucket, Loc, Origin, Period, Row, Totals, Val};
use crate::diagnostic::Diagnostic;
use crate::money::{AmountError, Fen, parse_amount};

/// An amount in a cell.
pub(crate) fn val_money(v: &Val) -> Result<Option<Fen>, AmountError> {
    match v {
        Val::Empty => Ok(None),
        // An Excel error value (`#DIV/0!`): the formula needs fixing, not the number.
        Val::Text(s) | Val::Float(s) => match crate::money::excel_error(s) {
            Some(e) => Err(e),
            None => parse_amount(s).map(Some),
        },
        Val::Num(f) => Fen::from_excel(*f).map(Some),
        Val::Int(i) => i.checked_mul(100).map(|f| Some(Fen(f))).ok_or(AmountError::TooLarge),
        Val::ExcelDate(_) | Val::Date(_) | Val::Bool(_) => Err(AmountError::Malformed),
    }
}

/// Excel serial day → date (the 1900 leap-year bug only affects dates before March 1900).
fn excel_date(serial: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = Date::new(1899, 12, 30).ok()?;
    epoch.checked_add(jiff::Span::new().days(serial.floor() as i64)).ok()
}

fn text_date(s: &str) -> Option<Date> {
    if let Some(d) = crate::date::parse_date(s) {
        return Some(d);
    }
    let t: String = s.trim().replace(['年', '月', '.'], "-").replace('日', "");
    if let Some(d) = crate::date::parse_date(&t) {
        return Some(d);
    }
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Date::new(s[..4].parse().ok()?, s[4..6].parse().ok()?, s[6..].parse().ok()?).ok();
    }
    None
}

pub(crate) fn val_date(v: &Val) -> Option<Date> {
    match v {
        Val::Date(d) => Some(*d),
        Val::ExcelDate(f) | Val::Num(f) => excel_date(*f),
        Val::Text(s) => text_date(s),
        Val::Int(i) => text_date(&i.to_string()),
        _ => None,
    }
}

/// A money value declared in front matter (`opening_balance = "12,000.00"`, an integer of yuan,
/// or a TOML float re-read from its text).
pub(crate) fn node_money(
    n: &Node,
    key: &str,
    post: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Option<Fen> {
    let val = match &n.kind {
        Kind::Str(s) => Val::Text(s.clone()),
        Kind::Int(i) => Val::Int(*i),
        Kind::Float(raw) => Val::Float(raw.clone()),
        _ => {
            diags.push(post.error(
                &Loc::Span(n.span.clone()),
                LedgerError::WrongType {
                    key: key.into(),
                    expected: "金额字符串，如 \"12,000.00\"",
                },
            ));
            return None;
        }
    };
    match val_money(&val) {
        Ok(Some(f)) => Some(f),
        Ok(None) => None,
        Err(reason) => {
            diags.push(post.error(&Loc::Span(n.span.clone()), bad_amount(key, &val, reason)));
            None
        }
    }
}

fn text_of(rec: &Record, f: Field) -> Option<String> {
    rec.get(f).map(|c| c.val.text().trim().to_string()).filter(|s| !s.is_empty())
}

enum Dir {
    In,
    Out,
}

fn direction(s: &str) -> Option<Dir> {
    match s.trim().to_lowercase().as_str() {
        "收" | "收入" | "入" | "借" | "income" | "in" | "+" => Some(Dir::In),
        "支" | "支出" | "出" | "付" | "贷" | "expense" | "out" | "-" => Some(Dir::Out),
        _ => None,
    }
}

/// Checks every record; rows with errors are left out. Then sorts by date when needed (with a
/// warning) and computes running balances from `opening`, checking a 余额 column if present.
///
/// `opening` is `None` when the opening balance could not be read: balances are then not
/// checked, so one bad `opening_balance` is one error, not a cascade. The sheet's own total rows
/// are checked against the rows they sum unless a row had an error (its sum would be wrong too).
/// A running balance that drops below zero is warned at its row when `warn_negative` is set.
pub(crate) fn build_rows(
    records: Vec<Record>,
    origin: &Origin,
    period: Option<&Period>,
    opening: Option<Fen>,
    warn_negative: bool,
    first_year_total: &mut Option<FirstYearTotal>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Row> {
    struct Built {
        row: Row,
        loc: Loc,
        balance: Option<(Fen, Loc)>,
    }
    let mut built: Vec<Built> = Vec::with_capacity(records.len());
    let mut subtotals: Vec<(usize, Record)> = Vec::new();
    let mut row_errors = false;
    for rec in records {
        if rec.subtotal.is_some() {
            subtotals.push((built.len(), rec));
            continue;
        }
        let mut ok = true;
        let mut money = |f: Field, diags: &mut Vec<Diagnostic>| -> Option<Fen> {
            let c = rec.get(f)?;
            match val_money(&c.val) {
                Ok(v) => v,
                Err(reason) => {
                    diags.push(origin.error(&c.loc, bad_amount(&c.name, &c.val, reason)));
                    ok = false;
                    None
                }
            }
        };
        let mut income = money(Field::Income, diags).filter(|f| f.0 != 0);
        let mut expense = money(Field::Expense, diags).filter(|f| f.0 != 0);
        let amount = money(Field::Amount, diags);
        let balance = money(Field::Balance, diags);
        let date = match rec.get(Field::Date) {
            None => {
                diags.push(origin.error(&rec.loc, LedgerError::MissingDate));
                ok = false;
                None
            }
            Some(c) => match val_date(&c.val) {
                Some(d) => Some(d),
                None => {
                    diags.push(origin.error(
                        &c.loc,
                        LedgerError::BadDate { column: c.name.to_string(), value: c.val.text() },
                    ));
                    ok = false;
                    None
                }
            },
        };
        if let (Some(d), Some(p)) = (date, period) {
            if d < p.from || d > p.to {
                let c = rec.get(Field::Date).map(|c| c.loc.clone()).unwrap_or(rec.loc.clone());
                diags.push(origin.error(
                    &c,
                    LedgerError::DateOutsidePeriod {
                        date: crate::date::format_iso(d),
                        period: p.text.clone(),
                    },
                ));
                ok = false;
            }
        }
        for (f, other) in [(Field::Income, "支出"), (Field::Expense, "收入")] {
            let v = if f == Field::Income { income } else { expense };
            if let (Some(v), Some(c)) = (v, rec.get(f)) {
                if v.is_negative() {
                    diags.push(origin.error(
                        &c.loc,
                        LedgerError::NegativeInWrongColumn {
                            column: c.name.to_string(),
                            value: c.val.text(),
                            other: other.into(),
                        },
                    ));
                    ok = false;
                }
            }
        }
        if let (Some(i), Some(e)) = (income, expense) {
            let loc = rec.get(Field::Expense).map(|c| c.loc.clone()).unwrap_or(rec.loc.clone());
            diags.push(origin.error(
                &loc,
                LedgerError::BothIncomeAndExpense {
                    income: crate::money::format_yuan(i),
                    expense: crate::money::format_yuan(e),
                },
            ));
            ok = false;
        }
        if let Some(a) = amount.filter(|a| a.0 != 0) {
            let had_columns = income.is_some() || expense.is_some();
            match rec.get(Field::Direction) {
                None if a.is_negative() => expense = Some(-a),
                None => income = Some(a),
                Some(c) => match direction(&c.val.text()) {
                    None => {
                        diags.push(
                            origin.error(&c.loc, LedgerError::BadDirection { value: c.val.text() }),
                        );
                        ok = false;
                    }
                    Some(_) if a.is_negative() => {
                        if let Some(ac) = rec.get(Field::Amount) {
                            diags.push(origin.error(
                                &ac.loc,
                                LedgerError::NegativeInWrongColumn {
                                    column: ac.name.to_string(),
                                    value: ac.val.text(),
                                    other: format!("相反的“{}”方向", c.name),
                                },
                            ));
                        }
                        ok = false;
                    }
                    Some(Dir::In) => income = Some(a),
                    Some(Dir::Out) => expense = Some(a),
                },
            }
            if had_columns && ok {
                diags.push(origin.error(
                    &rec.loc,
                    LedgerError::BothIncomeAndExpense {
                        income: crate::money::format_yuan(income.unwrap_or_default()),
                        expense: crate::money::format_yuan(expense.unwrap_or_default()),
                    },
                ));
                ok = false;
            }
        }
        if ok && income.is_none() && expense.is_none() {
            diags.push(origin.error(&rec.loc, LedgerError::MissingAmount));
            ok = false;
        }
        let (Some(date), true) = (date, ok) else {
            row_errors = true;
            continue;
        };
        let balance = balance.zip(rec.get(Field::Balance).map(|c| c.loc.clone()));
        built.push(Built {
            row: Row {
                date,
                voucher: text_of(&rec, Field::Voucher).unwrap_or_default(),
                summary: text_of(&rec, Field::Summary).unwrap_or_default(),
                category: text_of(&rec, Field::Category),
                handler: text_of(&rec, Field::Handler),
                note: text_of(&rec, Field::Note),
                income,
                expense,
                balance: Fen::ZERO,
            },
            loc: rec.loc.clone(),
            balance,
        });
    }
    if !row_errors && !subtotals.is_empty() {
        let rows: Vec<&Row> = built.iter().map(|b| &b.row).collect();
        let from_january =
            period.map(|p| (p.from.month(), p.from.day()) == (1, 1)).unwrap_or(false)
                || rows.first().is_some_and(|r| r.date.month() == 1);
        *first_year_total =
            check_subtotals(&rows, &subtotals, opening, from_january, origin, diags);
    }
    if let Some(i) = built.windows(2).position(|w| w[1].row.date < w[0].row.date) {
        diags.push(origin.warning(&built[i + 1].loc, LedgerError::Unsorted));
        built.sort_by_key(|b| b.row.date); // stable
    }
    let mut running = opening.unwrap_or_default();
    // A wrong balance after a dropped row or an unreadable opening follows from that error.
    let mut balance_checked = row_errors || opening.is_none();
    let warn_negative = warn_negative && opening.is_some() && !row_errors;
    let mut below_zero = false;
    built
        .into_iter()
        .map(|mut b| {
            running =
                running + b.row.income.unwrap_or_default() - b.row.expense.unwrap_or_default();
            b.row.balance = running;
            if warn_negative && running.is_negative() && !below_zero {
                diags.push(origin.warning(
                    &b.loc,
                    LedgerError::NegativeBalance {
                        date: crate::date::format_iso(b.row.date),
                        balance: running,
                    },
                ));
            }
            // Warn once each time the cash drops below zero, not at every row while it stays there.
            below_zero = running.is_negative();
            if let Some((declared, loc)) = b.balance {
                // Report only the first wrong balance: every later one follows from it.
                if declared != running && !balance_checked {
                    diags.push(
                        origin.error(
                            &loc,
                            LedgerError::BalanceMismatch { declared, computed: running },
                        ),
                    );
                    balance_checked = true;
                }
            }
            b.row
        })
        .collect()
}

/// A figure on a total row, where it is and the name of its column.
pub(crate) type TotalCell = (Fen, Loc, String);

/// An amount cell of a total row; an unreadable one is an error like any bad cell.
fn subtotal_cell(
    rec: &Record,
    f: Field,
    origin: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Option<TotalCell> {
    let c = rec.get(f)?;
    match val_money(&c.val) {
        Ok(v) => v.map(|v| (v, c.loc.clone(), c.name.to_string())),
        Err(reason) => {
            diags.push(origin.error(&c.loc, bad_amount(&c.name, &c.val, reason)));
            None
        }
    }
}

/// `BadAmount`, or a plain hint when the clerk wrote the amount in 万 (`5.23万`).
pub(crate) fn bad_amount(
    column: &str,
    val: &Val,
    reason: crate::money::AmountError,
) -> LedgerError {
    let value = val.text();
    let wan = value.trim().strip_suffix("万元").or_else(|| value.trim().strip_suffix('万'));
    if let Some(Ok(f)) = wan.map(parse_amount) {
        if let Some(yuan) = f.0.checked_mul(10_000) {
            return LedgerError::WanUnit {
                column: column.to_string(),
                value,
                yuan: crate::money::format_yuan(Fen(yuan)),
            };
        }
    }
    LedgerError::BadAmount { column: column.to_string(), value, reason }
}

/// The sheet's opening balance: a 上月结转 / 期初余额 row above the first entry (its 余额 cell, or
/// else its 收入 cell), with where it is.
pub(crate) fn sheet_opening(
    records: &[Record],
    origin: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Fen, Loc)> {
    let rec = records
        .iter()
        .take_while(|r| r.subtotal.is_some())
        .find(|r| r.subtotal == Some(Subtotal::Opening))?;
    let mut probe = Vec::new();
    let got = subtotal_cell(rec, Field::Balance, origin, &mut probe)
        .or_else(|| subtotal_cell(rec, Field::Income, origin, &mut probe))
        .or_else(|| subtotal_cell(rec, Field::Amount, origin, &mut probe));
    diags.extend(probe);
    got.map(|(v, loc, _)| (v, loc))
}

/// Checks every total row of the sheet (in the order written) against the rows it sums: 本月合计
/// the rows since the previous 本月合计, 小计 those since the previous total of any kind, 合计 /
/// 本期合计 … those since the previous row with the same words, 本年累计 the year so far. The
/// first 本年累计 of a sheet that starts after January includes months kept in earlier sheets, so
/// it is checked later against the earlier periods of its series ([`FirstYearTotal`], returned)
/// and the later ones are checked from it. A 余额 cell on a total row must equal the running
/// balance there.
fn check_subtotals(
    rows: &[&Row],
    subtotals: &[(usize, Record)],
    opening: Option<Fen>,
    from_january: bool,
    origin: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Option<FirstYearTotal> {
    let mut first = None;
    let mut sum_in = vec![Fen::ZERO];
    let mut sum_out = vec![Fen::ZERO];
    for r in rows {
        sum_in.push(*sum_in.last().unwrap_or(&Fen::ZERO) + r.income.unwrap_or_default());
        sum_out.push(*sum_out.last().unwrap_or(&Fen::ZERO) + r.expense.unwrap_or_default());
    }
    let mut last_month = 0;
    let mut last_any = 0;
    let mut last_same: BTreeMap<String, usize> = BTreeMap::new();
    // 本年累计 so far: (row index, income, expense).
    let mut year: Option<(usize, Fen, Fen)> = from_january.then_some((0, Fen::ZERO, Fen::ZERO));
    for (at, rec) in subtotals {
        let at = *at;
        let Some(kind) = &rec.subtotal else { continue };
        let label = rec
            .get(Field::Summary)
            .or_else(|| rec.get(Field::Date))
            .map(|c| c.val.text().trim().to_string())
            .unwrap_or_default();
        let income = subtotal_cell(rec, Field::Income, origin, diags);
        let expense = subtotal_cell(rec, Field::Expense, origin, diags);
        let balance = subtotal_cell(rec, Field::Balance, origin, diags);
        let from = match kind {
            Subtotal::Opening | Subtotal::Page => continue,
            Subtotal::Closing => None,
            Subtotal::Month => Some(std::mem::replace(&mut last_month, at)),
            Subtotal::Sub => Some(last_any),
            Subtotal::Total(words) => Some(last_same.insert(words.clone(), at).unwrap_or(0)),
            Subtotal::Year => None,
        };
        if !matches!(kind, Subtotal::Closing | Subtotal::Opening | Subtotal::Page) {
            last_any = at;
        }
        let mut expect: Vec<(Option<TotalCell>, Fen)> = Vec::new();
        if let Some(from) = from {
            let count = at - from;
            expect.push((income, sum_in[at] - sum_in[from]));
            expect.push((expense, sum_out[at] - sum_out[from]));
            for (cell, computed) in expect.drain(..) {
                if let Some((declared, loc, column)) = cell {
                    if declared != computed {
                        diags.push(origin.error(
                            &loc,
                            LedgerError::SubtotalMismatch {
                                label: label.clone(),
                                column,
                                declared,
                                computed,
                                rows: count,
                            },
                        ));
                    }
                }
            }
        } else if *kind == Subtotal::Year {
            match year {
                Some((i, base_in, base_out)) => {
                    let computed_in = base_in + sum_in[at] - sum_in[i];
                    let computed_out = base_out + sum_out[at] - sum_out[i];
                    for (cell, computed) in [(&income, computed_in), (&expense, computed_out)] {
                        if let Some((declared, loc, column)) = cell {
                            if *declared != computed {
                                diags.push(origin.error(
                                    loc,
                                    LedgerError::YearToDateMismatch {
                                        label: label.clone(),
                                        column: column.clone(),
                                        declared: *declared,
                                        computed,
                                    },
                                ));
                            }
                        }
                    }
                    year = Some((at, computed_in, computed_out));
                }
                None => {
                    let given = |c: &Option<TotalCell>, sum: &[Fen]| {
                        c.as_ref().map(|c| c.0).unwrap_or(sum[at])
                    };
                    year = Some((at, given(&income, &sum_in), given(&expense, &sum_out)));
                    first = Some(FirstYearTotal {
                        label: label.clone(),
                        origin: origin.clone(),
                        cells: [(&income, sum_in[at], true), (&expense, sum_out[at], false)]
                            .into_iter()
                            .filter_map(|(c, rows, inc)| c.clone().map(|c| (c, rows, inc)))
                            .collect(),
                    });
                }
            }
        }
        if let (Some((declared, loc, _)), Some(opening)) = (balance, opening) {
            let computed = opening + sum_in[at] - sum_out[at];
            if declared != computed {
                diags.push(origin.error(
                    &loc,
                    LedgerError::SubtotalBalance { label: label.clone(), declared, computed },
                ));
            }
        }
    }
    first
}

/// The first 本年累计 of a sheet that starts after January: it includes months kept in earlier
/// sheets, so it can only be checked once the series' earlier periods are known
/// ([`super::check_series`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FirstYearTotal {
    pub label: String,
    pub origin: Origin,
    /// Each 收入/支出 cell written (value, where, column name) with the sum of this sheet's rows
    /// above it and whether it is the income column.
    pub cells: Vec<(TotalCell, Fen, bool)>,
}

/// What the posting declares, with spans in the TOML fragment.
pub(crate) struct Declared {
    pub opening: Option<(Fen, Range<usize>)>,
    pub closing: Option<(Fen, Range<usize>)>,
    pub income_total: Option<(Fen, Range<usize>)>,
    pub expense_total: Option<(Fen, Range<usize>)>,
}

/// Sums the rows (or, without a ledger, takes the declared totals) and checks the identities.
///
/// `opening` is the balance the rows start from (the sheet's 上月结转 row or `opening_balance`);
/// `None` when it could not be read, and then the closing balance is not checked.
pub(crate) fn totals(
    rows: &[Row],
    has_ledger: bool,
    d: &Declared,
    opening: Option<Fen>,
    check: bool,
    post: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Totals {
    let check_closing = check && opening.is_some();
    let opening = opening.unwrap_or_default();
    let (income, expense) = if has_ledger {
        (
            rows.iter().filter_map(|r| r.income).sum::<Fen>(),
            rows.iter().filter_map(|r| r.expense).sum::<Fen>(),
        )
    } else {
        (
            d.income_total.as_ref().map(|x| x.0).unwrap_or_default(),
            d.expense_total.as_ref().map(|x| x.0).unwrap_or_default(),
        )
    };
    let closing = opening + income - expense;
    if check {
        if has_ledger {
            for (what, declared, computed) in [
                (Total::Income, &d.income_total, income),
                (Total::Expense, &d.expense_total, expense),
            ] {
                if let Some((v, span)) = declared {
                    if *v != computed {
                        diags.push(post.error(
                            &Loc::Span(span.clone()),
                            LedgerError::TotalMismatch { what, declared: *v, computed },
                        ));
                    }
                }
            }
        }
        if let Some((v, span)) = d.closing.as_ref().filter(|_| check_closing) {
            if *v != closing {
                diags.push(post.error(
                    &Loc::Span(span.clone()),
                    LedgerError::ClosingMismatch { opening, income, expense, declared: *v },
                ));
            }
        }
    }
    Totals { opening, income, expense, closing }
}

/// Income and expense per 科目, in order of first appearance; rows without one are 未分类.
pub(crate) fn by_category(rows: &[Row]) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        let key = r.category.as_deref().unwrap_or("未分类");
        let i = *index.entry(key).or_insert_with(|| {
            out.push(Bucket {
                key: key.to_string(),
                label: key.to_string(),
                income: Fen::ZERO,
                expense: Fen::ZERO,
            });
            out.len() - 1
        });
        out[i].income += r.income.unwrap_or_default();
        out[i].expense += r.expense.unwrap_or_default();
    }
    out
}

/// Income and expense per calendar month, in date order.
pub(crate) fn by_month(rows: &[Row]) -> Vec<Bucket> {
    let mut map: BTreeMap<(i16, i8), (Fen, Fen)> = BTreeMap::new();
    for r in rows {
        let e = map.entry((r.date.year(), r.date.month())).or_default();
        e.0 += r.income.unwrap_or_default();
        e.1 += r.expense.unwrap_or_default();
    }
    map.into_iter()
        .map(|((y, m), (income, expense))| Bucket {
            key: format!("{y:04}-{m:02}"),
            label: format!("{m}月"),
            income,
            expense,
        })
        .collect()
}
