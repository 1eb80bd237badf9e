//! Every problem a ledger can have, in Chinese and English.

use crate::diagnostic::Message;
use crate::money::{AmountError, Fen, format_wan, format_yuan};

#[derive(Debug, Clone)]
pub enum LedgerError {
    /// Beyond one of the limits in [`crate::limits`].
    Limit(crate::limits::LimitError),
    BadAmount {
        column: String,
        value: String,
        reason: AmountError,
    },
    BothIncomeAndExpense {
        income: String,
        expense: String,
    },
    NegativeInWrongColumn {
        column: String,
        value: String,
        other: String,
    },
    BadDirection {
        value: String,
    },
    BadDate {
        column: String,
        value: String,
    },
    MissingDate,
    MissingAmount,
    DateOutsidePeriod {
        date: String,
        period: String,
    },
    NoHeader {
        accepted: String,
    },
    MissingColumns {
        header_row: String,
        missing: Vec<String>,
    },
    UnknownKey {
        key: String,
        table: String,
        suggestion: Option<String>,
    },
    WrongType {
        key: String,
        expected: &'static str,
    },
    CannotRead {
        file: String,
        reason: String,
    },
    NotInSite {
        file: String,
    },
    SheetNotFound {
        sheet: String,
        available: Vec<String>,
    },
    UnsupportedFormat {
        file: String,
    },
    UnknownEncoding {
        encoding: String,
    },
    BadEncoding {
        encoding: String,
    },
    TomlSyntax {
        reason: String,
    },
    CsvSyntax {
        reason: String,
    },
    BothFileAndRows,
    NoLedgerSource,
    UnknownField {
        header: String,
        field: String,
    },
    BalanceMismatch {
        declared: Fen,
        computed: Fen,
    },
    ClosingMismatch {
        opening: Fen,
        income: Fen,
        expense: Fen,
        declared: Fen,
    },
    TotalMismatch {
        what: &'static str,
        declared: Fen,
        computed: Fen,
    },
    OpeningMissing,
    Unsorted,
    PeriodUnknown {
        text: String,
    },
    PeriodReversed,
    SeriesOpening {
        previous: String,
        previous_period: String,
        previous_closing: Fen,
        opening: Fen,
    },
    SeriesGap {
        previous_period: String,
        period: String,
        missing_from: String,
    },
    SeriesOverlap {
        previous: String,
        period: String,
    },
    BudgetSourcesGap {
        total: Fen,
        sources: Fen,
    },
    BudgetItemsMismatch {
        total: Fen,
        items: Fen,
    },
    BudgetUnmatched {
        category: String,
        amount: Fen,
    },
    BudgetNoTotal,
    WanUnit {
        column: String,
        value: String,
        yuan: String,
    },
    NegativeBalance {
        date: String,
        balance: Fen,
    },
    SubtotalMismatch {
        label: String,
        column: String,
        declared: Fen,
        computed: Fen,
        rows: usize,
    },
    YearToDateMismatch {
        label: String,
        column: String,
        declared: Fen,
        computed: Fen,
    },
    /// A mid-year sheet's first 本年累计 against the earlier periods carried forward.
    YearToDateCarried {
        label: String,
        column: String,
        declared: Fen,
        previous: String,
        carried: Fen,
        rows: Fen,
    },
    SubtotalBalance {
        label: String,
        declared: Fen,
        computed: Fen,
    },
    OpeningDiffers {
        typed: Fen,
        sheet: Fen,
        cell: String,
    },
}

fn diff_text(d: Fen) -> String {
    format_yuan(d.abs())
}

impl Message for LedgerError {
    fn code(&self) -> &'static str {
        use LedgerError::*;
        match self {
            Limit(l) => l.code(),
            BadAmount { .. } => "ledger.bad-amount",
            BothIncomeAndExpense { .. } => "ledger.both-income-and-expense",
            NegativeInWrongColumn { .. } => "ledger.negative-amount",
            BadDirection { .. } => "ledger.bad-direction",
            BadDate { .. } => "ledger.bad-date",
            MissingDate => "ledger.missing-date",
            MissingAmount => "ledger.missing-amount",
            DateOutsidePeriod { .. } => "ledger.date-outside-period",
            NoHeader { .. } => "ledger.no-header",
            MissingColumns { .. } => "ledger.missing-columns",
            UnknownKey { .. } => "ledger.unknown-key",
            WrongType { .. } => "ledger.wrong-type",
            CannotRead { .. } => "ledger.cannot-read",
            NotInSite { .. } => "ledger.not-in-site",
            SheetNotFound { .. } => "ledger.sheet-not-found",
            UnsupportedFormat { .. } => "ledger.unsupported-format",
            UnknownEncoding { .. } => "ledger.unknown-encoding",
            BadEncoding { .. } => "ledger.bad-encoding",
            TomlSyntax { .. } => "ledger.toml-syntax",
            CsvSyntax { .. } => "ledger.csv-syntax",
            BothFileAndRows => "ledger.file-and-rows",
            NoLedgerSource => "ledger.no-source",
            UnknownField { .. } => "ledger.unknown-field",
            BalanceMismatch { .. } => "ledger.balance-mismatch",
            ClosingMismatch { .. } => "ledger.closing-mismatch",
            TotalMismatch { .. } => "ledger.total-mismatch",
            OpeningMissing => "ledger.opening-missing",
            Unsorted => "ledger.unsorted",
            PeriodUnknown { .. } => "ledger.period-unknown",
            PeriodReversed => "ledger.period-reversed",
            SeriesOpening { .. } => "ledger.series-opening",
            SeriesGap { .. } => "ledger.series-gap",
            SeriesOverlap { .. } => "ledger.series-overlap",
            BudgetSourcesGap { .. } => "budget.sources-gap",
            BudgetItemsMismatch { .. } => "budget.items-mismatch",
            BudgetUnmatched { .. } => "budget.unmatched-spending",
            BudgetNoTotal => "budget.no-total",
            WanUnit { .. } => "ledger.wan-unit",
            NegativeBalance { .. } => "ledger.negative-balance",
            SubtotalMismatch { .. } => "ledger.subtotal-mismatch",
            YearToDateMismatch { .. } => "ledger.year-to-date-mismatch",
            YearToDateCarried { .. } => "ledger.year-to-date-carried",
            SubtotalBalance { .. } => "ledger.subtotal-balance",
            OpeningDiffers { .. } => "ledger.opening-differs",
        }
    }

    fn zh(&self) -> String {
        use LedgerError::*;
        match self {
            Limit(l) => l.zh(),
            BadAmount { column, value, reason } => {
                format!("{column} \"{value}\" 不是有效金额（{}）", reason.zh())
            }
            BothIncomeAndExpense { income, expense } => format!(
                "同一行同时填写了收入 \"{income}\" 和支出 \"{expense}\"，请分成两行或删去一项"
            ),
            NegativeInWrongColumn { column, value, other } => {
                format!("{column} \"{value}\" 是负数：请把金额填为正数并记入{other}")
            }
            BadDirection { value } => {
                format!("收支方向 \"{value}\" 无法识别，应填“收”或“支”")
            }
            BadDate { column, value } => {
                format!("{column} \"{value}\" 不是有效日期，应写作 2026-07-03 或 2026年7月3日")
            }
            MissingDate => "这一行缺少日期".into(),
            MissingAmount => "这一行既没有收入也没有支出金额".into(),
            DateOutsidePeriod { date, period } => {
                format!("日期 {date} 不在公开期间“{period}”之内")
            }
            NoHeader { accepted } => format!("找不到表头行；可用的列名：{accepted}"),
            MissingColumns { header_row, missing } => {
                format!("表头（{header_row}）缺少必需的列：{}", missing.join("；"))
            }
            UnknownKey { key, table, suggestion } => match suggestion {
                Some(s) => format!("{table} 中有未知的键 “{key}”，是不是 “{s}”？"),
                None => format!("{table} 中有未知的键 “{key}”"),
            },
            WrongType { key, expected } => format!("“{key}” 的值应为{expected}"),
            CannotRead { file, reason } => format!("无法读取账本文件 {file}：{reason}"),
            NotInSite { file } => {
                format!("账本文件 {file} 必须放在网站目录之内（不能用 .. 或绝对路径）")
            }
            SheetNotFound { sheet, available } => {
                format!("找不到工作表 “{sheet}”；文件中有：{}", available.join("、"))
            }
            UnsupportedFormat { file } => {
                format!("不支持的账本格式 {file}：请使用 .xlsx、.csv 或 .toml")
            }
            UnknownEncoding { encoding } => {
                format!("不认识的编码 “{encoding}”：可用 utf-8、gbk、gb18030")
            }
            BadEncoding { encoding } => {
                format!("文件内容不是有效的 {encoding} 编码，请另存为 UTF-8 或 GBK")
            }
            TomlSyntax { reason } => format!("TOML 格式错误：{reason}"),
            CsvSyntax { reason } => format!("CSV 格式错误：{reason}"),
            BothFileAndRows => "[ledger] 中不能同时填写 file 和 rows".into(),
            NoLedgerSource => "[ledger] 中需要 file（账本文件）或 [[ledger.rows]]".into(),
            UnknownField { header, field } => format!(
                "列映射 “{header}” = “{field}” 中的字段无效；可用：date voucher summary income expense category handler note amount direction balance"
            ),
            BalanceMismatch { declared, computed } => format!(
                "余额 {} 与逐笔计算的余额 {} 不符，相差 {} 元",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            ClosingMismatch { opening, income, expense, declared } => {
                let computed = *opening + *income - *expense;
                format!(
                    "期末余额不符：期初 {} + 收入 {} − 支出 {} = {} 元，但填写的期末余额是 {} 元，相差 {} 元",
                    format_yuan(*opening),
                    format_yuan(*income),
                    format_yuan(*expense),
                    format_yuan(computed),
                    format_yuan(*declared),
                    diff_text(*declared - computed)
                )
            }
            TotalMismatch { what, declared, computed } => format!(
                "{what}填写为 {} 元，但逐笔合计为 {} 元，相差 {} 元",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            OpeningMissing => "未填写期初余额（opening_balance），按 0.00 元计算".into(),
            Unsorted => "账目未按日期先后排列，已按日期排序".into(),
            PeriodUnknown { text } => format!(
                "无法识别公开期间 “{text}”：请写作 “2026年第三季度” 或 “2026年7月”，或填写 from/to 日期"
            ),
            PeriodReversed => "公开期间的起始日期晚于结束日期".into(),
            SeriesOpening { previous, previous_period, previous_closing, opening } => format!(
                "期初余额 {} 元与上一期（{previous_period}，{previous}）的期末余额 {} 元不一致，相差 {} 元",
                format_yuan(*opening),
                format_yuan(*previous_closing),
                diff_text(*opening - *previous_closing)
            ),
            SeriesGap { previous_period, period, missing_from } => {
                format!("“{previous_period}”与“{period}”之间缺少一期（自 {missing_from} 起）")
            }
            SeriesOverlap { previous, period } => {
                format!("“{period}”与上一期（{previous}）的期间重叠")
            }
            BudgetSourcesGap { total, sources } => {
                let gap = *total - *sources;
                let word = if gap.is_negative() { "超出" } else { "缺口" };
                format!(
                    "资金来源合计 {} 万元与总投资 {} 万元不符，{word} {} 万元（{} 元）",
                    format_wan(*sources, 2),
                    format_wan(*total, 2),
                    format_wan(gap.abs(), 2),
                    format_yuan(gap.abs())
                )
            }
            BudgetItemsMismatch { total, items } => format!(
                "预算项目合计 {} 元与总投资 {} 元不符，相差 {} 元",
                format_yuan(*items),
                format_yuan(*total),
                diff_text(*total - *items)
            ),
            BudgetUnmatched { category, amount } => {
                format!("支出科目 “{category}”（{} 元）没有对应的预算项目", format_yuan(*amount))
            }
            BudgetNoTotal => "[budget] 需要 total（总投资）或 [[budget.items]]".into(),
            WanUnit { column, value, yuan } => format!(
                "{column} \"{value}\" 不是有效金额：金额以元为单位，不能写“万”，请写作 \"{yuan}\""
            ),
            NegativeBalance { date, balance } => format!(
                "{date} 这一笔之后余额为 {} 元，现金不能为负：请检查是否漏记了收入，或期初余额是否正确",
                format_yuan(*balance)
            ),
            SubtotalMismatch { label, column, declared, computed, rows } => format!(
                "“{label}”的{column} {} 元与上面 {rows} 笔逐笔相加的 {} 元不符，相差 {} 元：请改为 {}",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed),
                format_yuan(*computed)
            ),
            YearToDateMismatch { label, column, declared, computed } => format!(
                "“{label}”的{column} {} 元与上一次本年累计加上其后各笔的 {} 元不符，相差 {} 元：请改为 {}",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed),
                format_yuan(*computed)
            ),
            YearToDateCarried { label, column, declared, previous, carried, rows } => format!(
                "“{label}”的{column} {} 元不对：年初至{previous}累计 {} 元，加上本表各笔 {} 元，应为 {} 元（相差 {} 元）：请改为 {}",
                format_yuan(*declared),
                format_yuan(*carried),
                format_yuan(*rows),
                format_yuan(*carried + *rows),
                diff_text(*declared - (*carried + *rows)),
                format_yuan(*carried + *rows)
            ),
            SubtotalBalance { label, declared, computed } => format!(
                "“{label}”的余额 {} 元与逐笔计算的余额 {} 元不符，相差 {} 元",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            OpeningDiffers { typed, sheet, cell } => format!(
                "opening_balance 填写为 {} 元，但账表的上月结转/期初余额（{cell}）是 {} 元，相差 {} 元：两处应一致，账表中已有期初余额时可以删去 opening_balance",
                format_yuan(*typed),
                format_yuan(*sheet),
                diff_text(*typed - *sheet)
            ),
        }
    }

    fn en(&self) -> String {
        use LedgerError::*;
        match self {
            Limit(l) => l.en(),
            BadAmount { column, value, reason } => {
                format!("{column} \"{value}\" is not a valid amount ({})", reason.en())
            }
            BothIncomeAndExpense { income, expense } => format!(
                "row has both income \"{income}\" and expense \"{expense}\"; split it into two rows"
            ),
            NegativeInWrongColumn { column, value, other } => format!(
                "{column} \"{value}\" is negative: write a positive amount in the {other} column"
            ),
            BadDirection { value } => format!("direction \"{value}\" must be 收 or 支"),
            BadDate { column, value } => format!("{column} \"{value}\" is not a valid date"),
            MissingDate => "row has no date".into(),
            MissingAmount => "row has neither income nor expense".into(),
            DateOutsidePeriod { date, period } => {
                format!("date {date} lies outside the period \"{period}\"")
            }
            NoHeader { accepted } => format!("no header row found; accepted names: {accepted}"),
            MissingColumns { header_row, missing } => {
                format!("header ({header_row}) lacks required columns: {}", missing.join("; "))
            }
            UnknownKey { key, table, suggestion } => match suggestion {
                Some(s) => format!("unknown key \"{key}\" in {table}; did you mean \"{s}\"?"),
                None => format!("unknown key \"{key}\" in {table}"),
            },
            WrongType { key, expected } => format!("\"{key}\" must be {expected}"),
            CannotRead { file, reason } => format!("cannot read ledger {file}: {reason}"),
            NotInSite { file } => format!("ledger file {file} must lie inside the site"),
            SheetNotFound { sheet, available } => {
                format!("no sheet \"{sheet}\"; the file has: {}", available.join(", "))
            }
            UnsupportedFormat { file } => {
                format!("unsupported ledger format {file}: use .xlsx, .csv or .toml")
            }
            UnknownEncoding { encoding } => {
                format!("unknown encoding \"{encoding}\": use utf-8, gbk or gb18030")
            }
            BadEncoding { encoding } => format!("file is not valid {encoding}"),
            TomlSyntax { reason } => format!("TOML syntax error: {reason}"),
            CsvSyntax { reason } => format!("CSV syntax error: {reason}"),
            BothFileAndRows => "[ledger] cannot have both file and rows".into(),
            NoLedgerSource => "[ledger] needs file or [[ledger.rows]]".into(),
            UnknownField { header, field } => {
                format!("column mapping \"{header}\" = \"{field}\": unknown field")
            }
            BalanceMismatch { declared, computed } => format!(
                "balance {} differs from the running balance {} by {} yuan",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            ClosingMismatch { opening, income, expense, declared } => {
                let computed = *opening + *income - *expense;
                format!(
                    "closing balance mismatch: opening {} + income {} - expense {} = {}, declared {}, difference {} yuan",
                    format_yuan(*opening),
                    format_yuan(*income),
                    format_yuan(*expense),
                    format_yuan(computed),
                    format_yuan(*declared),
                    diff_text(*declared - computed)
                )
            }
            TotalMismatch { what, declared, computed } => format!(
                "{what} declared {} but rows add up to {}, difference {} yuan",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            OpeningMissing => "no opening_balance; assuming 0.00".into(),
            Unsorted => "rows were not in date order; sorted by date".into(),
            PeriodUnknown { text } => format!("cannot read period \"{text}\""),
            PeriodReversed => "period starts after it ends".into(),
            SeriesOpening { previous, previous_period, previous_closing, opening } => format!(
                "opening balance {} differs from the closing balance {} of the previous period ({previous_period}, {previous}) by {} yuan",
                format_yuan(*opening),
                format_yuan(*previous_closing),
                diff_text(*opening - *previous_closing)
            ),
            SeriesGap { previous_period, period, missing_from } => format!(
                "a period is missing between \"{previous_period}\" and \"{period}\" (from {missing_from})"
            ),
            SeriesOverlap { previous, period } => {
                format!("\"{period}\" overlaps the previous period ({previous})")
            }
            BudgetSourcesGap { total, sources } => format!(
                "funding sources add up to {} but the total investment is {}: gap {} yuan",
                format_yuan(*sources),
                format_yuan(*total),
                format_yuan(*total - *sources)
            ),
            BudgetItemsMismatch { total, items } => format!(
                "budget items add up to {} but the total is {}: difference {} yuan",
                format_yuan(*items),
                format_yuan(*total),
                diff_text(*total - *items)
            ),
            BudgetUnmatched { category, amount } => format!(
                "spending category \"{category}\" ({}) matches no budget item",
                format_yuan(*amount)
            ),
            BudgetNoTotal => "[budget] needs total or [[budget.items]]".into(),
            WanUnit { column, value, yuan } => format!(
                "{column} \"{value}\" is not a valid amount: amounts are in yuan, not 万; write \"{yuan}\""
            ),
            NegativeBalance { date, balance } => format!(
                "after the entry of {date} the balance is {} yuan: cash cannot be negative",
                format_yuan(*balance)
            ),
            SubtotalMismatch { label, column, declared, computed, rows } => format!(
                "\"{label}\" {column} {} differs from the sum {} of the {rows} rows above by {} yuan",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            YearToDateMismatch { label, column, declared, computed } => format!(
                "\"{label}\" {column} {} differs from the year to date {} by {} yuan",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            YearToDateCarried { label, column, declared, previous, carried, rows } => format!(
                "\"{label}\" {column} {} should be {} (year to date through {previous} {} plus this sheet's {})",
                format_yuan(*declared),
                format_yuan(*carried + *rows),
                format_yuan(*carried),
                format_yuan(*rows)
            ),
            SubtotalBalance { label, declared, computed } => format!(
                "\"{label}\" balance {} differs from the running balance {} by {} yuan",
                format_yuan(*declared),
                format_yuan(*computed),
                diff_text(*declared - *computed)
            ),
            OpeningDiffers { typed, sheet, cell } => format!(
                "opening_balance {} differs from the sheet's opening row ({cell}) {} by {} yuan",
                format_yuan(*typed),
                format_yuan(*sheet),
                diff_text(*typed - *sheet)
            ),
        }
    }
}
