//! Money tables written in a posting's text (typed as Markdown, or a Word table brought in by
//! `gongkai import`): the cells of their money columns must be amounts, and their 合计 and 小计
//! rows must add up, as in a ledger file. Such a table is public record too, and a clerk who
//! follows the `gongkai init` example writes the month's accounts this way.
//!
//! The Markdown stage hands over each table as the byte ranges of its cells in the file's text
//! (header row first), so every problem points at its cell.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, SourceText};
use crate::money::{AmountError, Fen, parse_amount};

use super::LedgerError;
use super::columns::{Subtotal, normalize_header};

crate::messages! {
    pub enum BodyTableError {
        /// A money cell that is not an amount.
        BadAmount { column: String, value: String, reason: AmountError } = "table.bad-amount",
            zh: {
                format!(
                    "表格“{column}”一栏的“{value}”不是有效金额（{}）：金额栏只写数字，例如 1,234.50（可带 ¥ 或“元”），说明文字请写到备注栏",
                    reason.zh()
                )
            },
            en: {
                format!(
                    "\"{value}\" in the table's {column} column is not a valid amount ({}); write only the number, e.g. 1,234.50, and put words in a remarks column",
                    reason.en()
                )
            };
    }
}

/// What a row of the table is, told by the words in its cells outside the money columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row<'t> {
    Entry,
    /// 小计: the entries since the previous 小计 or 合计.
    Sub(&'t str),
    /// 合计, 本月合计, 总计, 共计: the entries since the previous 合计.
    Total(&'t str),
    /// 累计, 结转, 期初余额, 承前页 …: sums of more than this table; neither checked nor counted.
    Other,
}

/// One money column: its header, whether a total row adds it up, and the running sums.
struct Column<'t> {
    index: usize,
    header: &'t str,
    summed: bool,
    /// Each entry row's cell of this column.
    cells: Vec<Cell>,
    since_sub: Sum,
    since_total: Sum,
}

/// Entries added since a total row; `broken` when one of them was not an amount.
#[derive(Clone, Copy, Default)]
struct Sum {
    fen: i64,
    rows: usize,
    broken: bool,
}

impl Sum {
    fn add(&mut self, amount: Option<Fen>, broken: bool) {
        if let Some(f) = amount {
            self.fen = self.fen.saturating_add(f.0);
            self.rows += 1;
        }
        self.broken |= broken;
    }
}

/// Checks one table of `src`, given as rows of cell byte ranges (the header first).
pub fn check(src: &SourceText, table: &[Vec<Range<usize>>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some((header, rows)) = table.split_first() else { return out };
    let text = |r: &Range<usize>| cell_text(&src.text, r);
    let named: Vec<(usize, &str, bool)> = (header.iter().enumerate())
        .filter_map(|(index, r)| {
            let (h, _) = text(r);
            money_header(h).map(|summed| (index, h, summed))
        })
        .collect();
    if named.is_empty() {
        return out;
    }
    let body: Vec<Vec<(&str, Range<usize>)>> =
        rows.iter().map(|row| row.iter().map(&text).collect()).collect();
    let mut columns: Vec<Column> = Vec::new();
    for (index, header, summed) in named {
        let cells: Vec<Cell> =
            body.iter().map(|row| row.get(index).map_or(Cell::Blank, |(t, _)| amount(t))).collect();
        // A column named like money but holding words (收入来源: 土地承包费) is not money:
        // unless its header names the unit, most of its cells with digits must be amounts.
        let good = cells.iter().filter(|c| matches!(c, Cell::Amount(_))).count();
        let bad = cells.iter().filter(|c| matches!(c, Cell::Bad(_))).count();
        if header.contains('元') || (good > 0 && good >= bad) {
            let fresh = Sum::default();
            columns.push(Column {
                index,
                header,
                summed,
                cells,
                since_sub: fresh,
                since_total: fresh,
            });
        }
    }
    if columns.is_empty() {
        return out;
    }
    for (r, row) in body.iter().enumerate() {
        let kind = row_kind(row, &columns);
        for col in &mut columns {
            let Some((t, span)) = row.get(col.index) else { continue };
            let cell = &col.cells[r];
            if let Cell::Bad(reason) = cell {
                let words = matches!(reason, AmountError::InvalidChar(c) if is_words(*c));
                let msg = BodyTableError::BadAmount {
                    column: col.header.to_string(),
                    value: t.to_string(),
                    reason: reason.clone(),
                };
                let d = if words {
                    Diagnostic::warning(src.path.clone(), msg)
                } else {
                    Diagnostic::error(src.path.clone(), msg)
                };
                out.push(d.at_span(&src.text, span.clone()));
            }
            let value = match cell {
                Cell::Amount(f) => Some(*f),
                _ => None,
            };
            match kind {
                Row::Entry => {
                    let broken = matches!(cell, Cell::Bad(_));
                    col.since_sub.add(value, broken);
                    col.since_total.add(value, broken);
                }
                Row::Sub(label) | Row::Total(label) => {
                    let sum =
                        if matches!(kind, Row::Sub(_)) { col.since_sub } else { col.since_total };
                    if let Some(declared) = value
                        && col.summed
                        && sum.rows > 0
                        && !sum.broken
                        && declared.0 != sum.fen
                    {
                        let msg = LedgerError::SubtotalMismatch {
                            label: label.to_string(),
                            // The message says 元 after the amount: the header without its unit.
                            column: normalize_header(col.header),
                            declared,
                            computed: Fen(sum.fen),
                            rows: sum.rows,
                        };
                        out.push(
                            Diagnostic::error(src.path.clone(), msg)
                                .at_span(&src.text, span.clone()),
                        );
                    }
                    col.since_sub = Sum::default();
                    if matches!(kind, Row::Total(_)) {
                        col.since_total = Sum::default();
                    }
                }
                Row::Other => {}
            }
        }
    }
    out
}

/// A cell's text without its spaces and emphasis marks (`**1,800.00**`), with its byte range.
fn cell_text<'t>(text: &'t str, r: &Range<usize>) -> (&'t str, Range<usize>) {
    let Some(raw) = text.get(r.clone()) else { return ("", r.start..r.start) };
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | '`'));
    let start = match trimmed.is_empty() {
        true => r.start,
        false => r.start + (trimmed.as_ptr() as usize - raw.as_ptr() as usize),
    };
    (trimmed, start..start + trimmed.len())
}

/// Whether a header names a money column (`Some`), and whether total rows add it up: not a
/// unit price, balance, rate or standard, which a 合计 row does not sum. Amounts in 万元 are
/// left alone (their decimals are not fen).
fn money_header(h: &str) -> Option<bool> {
    // Most tables are not about money: their headers are let go without a copy.
    if !h.contains(['金', '收', '支', '元']) || h.contains('万') {
        return None;
    }
    let h: std::borrow::Cow<str> = match h.contains(char::is_whitespace) {
        true => h.chars().filter(|c| !c.is_whitespace()).collect::<String>().into(),
        false => h.into(),
    };
    let money =
        ["金额", "收入", "支出", "元）", "元)", "（元", "(元"].iter().any(|w| h.contains(w));
    if !money {
        return None;
    }
    Some(!["单价", "余额", "标准", "比例", "率", "每"].iter().any(|w| h.contains(w)))
}

enum Cell {
    /// Empty, a dash, or words without a digit (待定, 见附件): nothing to check.
    Blank,
    Amount(Fen),
    Bad(AmountError),
}

fn amount(t: &str) -> Cell {
    // Dashes, 无, 待定 and the like have no digit.
    if !t.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return Cell::Blank;
    }
    match parse_amount(t) {
        Ok(f) => Cell::Amount(f),
        Err(e) => Cell::Bad(e),
    }
}

/// Chinese words or brackets in an amount (`约5,000`, `5,000（含税）`): the cell says more than a
/// number, which is a warning; a letter among the digits (`3OO.00`) is a typing error.
fn is_words(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '（' | '）' | '(' | ')' | '：' | ':')
}

/// The kind of a row from its short cells outside the money columns (a long one is prose),
/// with the ledger's words for total and carry rows ([`Subtotal::of`]) and 总计, 共计.
fn row_kind<'t>(row: &[(&'t str, Range<usize>)], columns: &[Column]) -> Row<'t> {
    for (j, (t, _)) in row.iter().enumerate() {
        if t.chars().count() > 12 || columns.iter().any(|c| c.index == j) {
            continue;
        }
        match Subtotal::of(t) {
            Some(Subtotal::Sub) => return Row::Sub(t),
            Some(Subtotal::Total(_) | Subtotal::Month) => return Row::Total(t),
            Some(Subtotal::Opening | Subtotal::Closing | Subtotal::Year | Subtotal::Page) => {
                return Row::Other;
            }
            None if t.contains('计') => {
                let words: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if words.contains("总计") || words.contains("共计") {
                    return Row::Total(t);
                }
            }
            None => {}
        }
    }
    Row::Entry
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables of a Markdown text as cell ranges, as the Markdown stage finds them.
    fn tables_of(text: &str) -> Vec<Vec<Vec<Range<usize>>>> {
        let src = SourceText::new("t.md", text.to_string(), 0, 0);
        let index = crate::markdown::LinkIndex::default();
        let options = crate::markdown::options(false);
        let r = crate::markdown::render(&crate::markdown::Context {
            src: &src,
            body_start: 0,
            body_line: 1,
            content_dir: "",
            page: "t/index.html",
            this: None,
            published: true,
            index: &index,
            options: &options,
        });
        r.tables.into_iter().map(|t| t.rows).collect()
    }

    fn problems(text: &str) -> Vec<String> {
        let src = SourceText::new("t.md", text.to_string(), 0, 0);
        tables_of(text)
            .iter()
            .flat_map(|t| check(&src, t))
            .map(|d| {
                format!(
                    "{} {}: {}",
                    d.location(),
                    if d.is_error() { "error" } else { "warning" },
                    d.message.zh()
                )
            })
            .collect()
    }

    #[test]
    fn cells_are_found_where_they_are_written() {
        let text = "前言\n\n| 日期 | 摘要 |  支出（元） |\n| --- | --- | ---: |\n| 11-03 | **纸** | 1,000.00 |\n> | a | b |\n> |---|---|\n> | 甲 | 乙 |\n";
        let tables = tables_of(text);
        assert_eq!(tables.len(), 2);
        let cells: Vec<Vec<&str>> = tables[0]
            .iter()
            .map(|row| row.iter().map(|r| cell_text(text, r).0).collect())
            .collect();
        assert_eq!(cells, [["日期", "摘要", "支出（元）"], ["11-03", "纸", "1,000.00"]]);
        let quoted: Vec<Vec<&str>> = tables[1]
            .iter()
            .map(|row| row.iter().map(|r| cell_text(text, r).0).collect())
            .collect();
        assert_eq!(quoted, [["a", "b"], ["甲", "乙"]]);
    }

    #[test]
    fn a_wrong_total_and_a_mistyped_amount_are_errors_at_their_cells() {
        let text = "| 日期 | 摘要 | 收入（元） | 支出（元） |\n| --- | --- | ---: | ---: |\n\
                    | 2026-11-03 | 土地承包费 | 12,000.00 | |\n\
                    | 2026-11-08 | 办公用品 | | 3OO.00 |\n\
                    | 2026-11-20 | 保洁费 | | 1,500.00 |\n\
                    | 2026-11-21 | 电费 | | 200.00 |\n\
                    | **合计** | | **12,000.00** | **1,900.00** |\n";
        assert_eq!(
            problems(text),
            [
                "t.md:4:25 error: 表格“支出（元）”一栏的“3OO.00”不是有效金额（含有非数字字符“O”）：金额栏只写数字，例如 1,234.50（可带 ¥ 或“元”），说明文字请写到备注栏",
            ],
            "a column with a bad amount is not added up: its total cannot be checked"
        );
        let fixed = text.replace("3OO.00", "300.00");
        assert_eq!(
            problems(&fixed),
            [
                "t.md:7:32 error: “合计”的支出 1,900.00 元与上面 3 笔逐笔相加的 2,000.00 元不符，相差 100.00 元：请改为 2,000.00"
            ]
        );
        assert!(problems(&fixed.replace("1,900.00", "2,000.00")).is_empty());
    }

    #[test]
    fn subtotals_restart_and_totals_span_them() {
        let text = "| 项目 | 金额 |\n| --- | ---: |\n| 甲 | 1 |\n| 乙 | 2 |\n| 小计 | 3 |\n\
                    | 丙 | 4 |\n| 小 计 | 4 |\n| 合计 | 7 |\n| 本年累计 | 99 |\n";
        assert_eq!(problems(text), Vec::<String>::new());
        let wrong = text.replace("| 合计 | 7 |", "| 合计 | 4 |");
        assert_eq!(problems(&wrong).len(), 1, "{:?}", problems(&wrong));
        assert!(problems(&wrong)[0].contains("请改为 7.00"), "{:?}", problems(&wrong));
    }

    #[test]
    fn words_and_other_columns_are_left_alone_or_warned() {
        // Words in an amount are a warning; balances, prices, 万元 and word columns are not summed.
        let text = "| 项目 | 单价（元） | 金额（元） | 余额 | 收入来源 | 资金（万元） |\n|---|---|---|---|---|---|\n\
                    | 甲 | 3.00 | 约5,000 | 100.00 | 2024年承包费 | 1.234 |\n\
                    | 乙 | 4.00 | 6,000.00 | 50.00 | 村集体 | 2.5 |\n\
                    | 合计 | 9.99 | 11,000.00 | 1.00 | | 9 |\n";
        let p = problems(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("t.md:3:14 warning: 表格“金额（元）”一栏的“约5,000”"), "{p:?}");
        // Tables that are not about money say nothing.
        assert!(
            problems("| 姓名 | 职务 |\n|---|---|\n| 张三 | 主任 |\n| 合计 | 1 人 |\n").is_empty()
        );
    }
}
