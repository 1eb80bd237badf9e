//! Which column is which: header names in Chinese or English, and turning grids (CSV, xlsx) or
//! TOML row tables into records of cells.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::error::LedgerError;
use super::node::{self, Kind, Node};
use super::{Loc, Origin, Val};
use crate::diagnostic::Diagnostic;

/// A ledger column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Date,
    Voucher,
    Summary,
    Income,
    Expense,
    Category,
    Handler,
    Note,
    Amount,
    Direction,
    Balance,
}

pub(crate) const NF: usize = 11;

impl Field {
    pub const ALL: [Field; NF] = [
        Field::Date,
        Field::Voucher,
        Field::Summary,
        Field::Income,
        Field::Expense,
        Field::Category,
        Field::Handler,
        Field::Note,
        Field::Amount,
        Field::Direction,
        Field::Balance,
    ];

    /// The English name used in `columns = { "收入金额" = "income" }`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Voucher => "voucher",
            Field::Summary => "summary",
            Field::Income => "income",
            Field::Expense => "expense",
            Field::Category => "category",
            Field::Handler => "handler",
            Field::Note => "note",
            Field::Amount => "amount",
            Field::Direction => "direction",
            Field::Balance => "balance",
        }
    }

    /// Header names accepted out of the box (compared after [`normalize_header`]).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Date => &["日期", "date", "记账日期", "发生日期"],
            Field::Voucher => &["凭证号", "voucher", "凭证编号", "凭证字号", "凭证"],
            Field::Summary => &["摘要", "summary", "说明", "事由"],
            Field::Income => &["收入", "income", "收入金额"],
            Field::Expense => &["支出", "expense", "支出金额"],
            Field::Category => &["科目", "类别", "category", "会计科目"],
            Field::Handler => &["经办人", "handler"],
            Field::Note => &["备注", "note", "notes"],
            Field::Amount => &["金额", "amount"],
            Field::Direction => &["收支", "收/支", "direction", "方向", "收支方向"],
            Field::Balance => &["余额", "balance"],
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    pub(crate) fn idx(self) -> usize {
        self as usize
    }

    /// `支出（可用列名：支出、expense、支出金额）`
    fn label(self) -> String {
        let a = self.aliases();
        format!("{}（可用列名：{}）", a[0], a.join("、"))
    }
}

/// Lower-cases, drops spaces and a unit suffix such as `（元）` or `(元)`.
pub fn normalize_header(h: &str) -> String {
    let mut s: String = h.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    for suffix in ["(元)", "（元）", "(￥)", "(¥)", "（¥）", "（￥）"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.to_string();
        }
    }
    s
}

/// Header name → field, built-in aliases plus site and ledger mappings.
#[derive(Clone, Debug, Default)]
pub(crate) struct Columns {
    map: BTreeMap<String, Field>,
}

impl Columns {
    pub fn new() -> Columns {
        let mut map = BTreeMap::new();
        for f in Field::ALL {
            for a in f.aliases() {
                map.insert(normalize_header(a), f);
            }
        }
        Columns { map }
    }

    pub fn add(&mut self, header: &str, field: Field) {
        self.map.insert(normalize_header(header), field);
    }

    pub fn field(&self, header: &str) -> Option<Field> {
        self.map.get(&normalize_header(header)).copied()
    }

    fn known(&self) -> Vec<&str> {
        self.map.keys().map(String::as_str).collect()
    }
}

pub(crate) fn accepted_names() -> String {
    Field::ALL.iter().map(|f| f.aliases()[..2].join("/")).collect::<Vec<_>>().join("，")
}

/// One cell of a record, with the name of its column as written and where it is.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub val: Val,
    pub loc: Loc,
    pub name: Arc<str>,
}

/// One ledger line before checking.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    pub loc: Loc,
    pub cells: [Option<Cell>; NF],
    /// Set for the sheet's own total and carry rows (本月合计, 上月结转 …): they are checked
    /// against the rows they sum, never counted as rows.
    pub subtotal: Option<Subtotal>,
}

/// What a clerk's total or carry row stands for, told by the words in its 摘要 (or date) cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Subtotal {
    /// 上月结转, 上期结转, 上年结转, 期初余额, 承上期: the opening balance.
    Opening,
    /// 期末余额, 结转下月, 结转下期: the balance at this point.
    Closing,
    /// 本月合计, 月合计: the rows since the previous month total.
    Month,
    /// 本年累计, 累计: every row of the year so far.
    Year,
    /// 小计: the rows since the previous total of any kind.
    Sub,
    /// 合计, 本期合计, 本季合计 …: the rows since the previous total of the same words.
    Total(String),
    /// 承前页, 过次页: page carries, whose meaning varies between clerks; not checked.
    Page,
}

impl Subtotal {
    /// The kind of a row whose text is `text`, if it is a total or carry row (a ledger's 摘要,
    /// or a cell of a money table in a posting's text).
    pub(crate) fn of(text: &str) -> Option<Subtotal> {
        // Every word below has one of these characters: most rows are let go without a copy.
        if !text.contains(['计', '结', '承', '过', '期']) {
            return None;
        }
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let has = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
        Some(if has(&["承前页", "过次页"]) {
            Subtotal::Page
        } else if has(&[
            "上月结转",
            "上期结转",
            "上年结转",
            "上季结转",
            "承上期",
            "承上月",
            "期初余额",
        ]) {
            Subtotal::Opening
        } else if has(&["期末余额", "结转下月", "结转下期", "结转下年", "结转"]) {
            Subtotal::Closing
        } else if has(&["累计"]) {
            Subtotal::Year
        } else if has(&["月合计"]) {
            Subtotal::Month
        } else if has(&["小计"]) {
            Subtotal::Sub
        } else if has(&["合计"]) {
            Subtotal::Total(t)
        } else {
            return None;
        })
    }
}

impl Record {
    pub fn get(&self, f: Field) -> Option<&Cell> {
        self.cells[f.idx()].as_ref()
    }
}

/// Where a grid row is, to locate its cells.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RowLoc {
    /// Byte offset of the CSV record in the decoded text.
    Csv(usize),
    /// Absolute row and column of the first cell (0-based).
    Xlsx(u32, u32),
}

impl RowLoc {
    pub fn cell(self, j: usize) -> Loc {
        match self {
            RowLoc::Csv(record) => Loc::Csv { record, field: j },
            RowLoc::Xlsx(r, c) => Loc::Cell { row: r, col: c + j as u32 },
        }
    }

    fn describe(self) -> String {
        match self {
            RowLoc::Csv(_) => String::new(),
            RowLoc::Xlsx(r, _) => format!("第 {} 行", r + 1),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct GridRow {
    pub loc: RowLoc,
    pub cells: Vec<Val>,
}

/// Finds the header row, maps columns, and turns the rows below it into records. Subtotal rows
/// (本月合计, 本年累计, 上期结转 … without a voucher number) are marked as such: they are checked
/// against the rows they sum and would count twice as rows.
pub(crate) fn grid_records(
    grid: Vec<GridRow>,
    cols: &Columns,
    origin: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Record> {
    let header_at = grid.iter().take(30).position(|row| {
        let mut fields: Vec<Field> =
            row.cells.iter().filter_map(|c| cols.field(&c.text())).collect();
        fields.sort();
        fields.dedup();
        fields.len() >= 3
    });
    let Some(h) = header_at else {
        diags.push(origin.error(&Loc::File, LedgerError::NoHeader { accepted: accepted_names() }));
        return Vec::new();
    };
    let header = &grid[h];
    let mut index: [Option<(usize, Arc<str>)>; NF] = Default::default();
    for (j, c) in header.cells.iter().enumerate() {
        let text = c.text();
        if let Some(f) = cols.field(&text) {
            if index[f.idx()].is_none() {
                index[f.idx()] = Some((j, Arc::from(text.trim())));
            }
        }
    }
    let has = |f: Field| index[f.idx()].is_some();
    let mut missing = Vec::new();
    for f in [Field::Date, Field::Voucher, Field::Summary] {
        if !has(f) {
            missing.push(f.label());
        }
    }
    if !has(Field::Amount) {
        for f in [Field::Income, Field::Expense] {
            if !has(f) {
                missing.push(f.label());
            }
        }
    }
    if !missing.is_empty() {
        let found: Vec<String> = header.cells.iter().map(|c| c.text()).collect();
        let mut header_row = header.loc.describe();
        if !header_row.is_empty() {
            header_row.push('：');
        }
        header_row.push_str(&found.join(","));
        if has(Field::Amount) || !has(Field::Income) || !has(Field::Expense) {
            missing.push("或者 金额/amount + 收支/direction".into());
        }
        diags.push(
            origin.error(&header.loc.cell(0), LedgerError::MissingColumns { header_row, missing }),
        );
        return Vec::new();
    }
    let mut out = Vec::with_capacity(grid.len() - h);
    for row in grid.into_iter().skip(h + 1) {
        if row.cells.iter().all(|v| matches!(v, Val::Empty)) {
            continue;
        }
        let mut cells: [Option<Cell>; NF] = Default::default();
        for f in Field::ALL {
            if let Some((j, name)) = &index[f.idx()] {
                let val = row.cells.get(*j).cloned().unwrap_or(Val::Empty);
                if !matches!(val, Val::Empty) {
                    cells[f.idx()] = Some(Cell { val, loc: row.loc.cell(*j), name: name.clone() });
                }
            }
        }
        let mut rec = Record { loc: row.loc.cell(0), cells, subtotal: None };
        if rec.get(Field::Voucher).is_none() {
            let text = |f: Field| rec.get(f).map(|c| c.val.text()).unwrap_or_default();
            rec.subtotal =
                Subtotal::of(&text(Field::Summary)).or_else(|| Subtotal::of(&text(Field::Date)));
        }
        out.push(rec);
    }
    out
}

/// Turns `[[rows]]` tables (a ledger.toml or inline `[[ledger.rows]]`) into records; keys are
/// column names in Chinese or English.
pub(crate) fn toml_records(
    rows: &Node,
    table: &str,
    cols: &Columns,
    origin: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Record> {
    let Kind::Array(items) = &rows.kind else {
        diags.push(origin.error(
            &Loc::Span(rows.span.clone()),
            LedgerError::WrongType { key: "rows".into(), expected: "表格数组 [[rows]]" },
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Some(entries) = item.entries() else {
            diags.push(origin.error(
                &Loc::Span(item.span.clone()),
                LedgerError::WrongType { key: "rows".into(), expected: "表格 [[rows]]" },
            ));
            continue;
        };
        let mut cells: [Option<Cell>; NF] = Default::default();
        for e in entries {
            match cols.field(&e.key) {
                Some(f) => {
                    let val = Val::from_node(&e.node);
                    if !matches!(val, Val::Empty) {
                        cells[f.idx()] = Some(Cell {
                            val,
                            loc: Loc::Span(e.node.span.clone()),
                            name: Arc::from(e.key.as_str()),
                        })
                    }
                }
                None => diags.push(origin.error(
                    &Loc::Span(e.key_span.clone()),
                    LedgerError::UnknownKey {
                        key: e.key.clone(),
                        table: table.to_string(),
                        suggestion: node::suggest(&e.key, &cols.known()),
                    },
                )),
            }
        }
        out.push(Record { loc: Loc::Span(item.span.clone()), cells, subtotal: None });
    }
    out
}
