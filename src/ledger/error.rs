//! Every problem a ledger can have, in Chinese and English.

use crate::money::{AmountError, Fen, format_wan, format_yuan};

crate::messages! {
    pub enum LedgerError {
        /// Beyond one of the limits in [`crate::limits`].
        Limit(l: crate::limits::LimitError) => l;
        BadAmount {
            column: String,
            value: String,
            reason: AmountError,
        } = "ledger.bad-amount",
            zh: { format!("{column} \"{value}\" 不是有效金额（{}）", reason.zh()) },
            en: {
                format!("{column} \"{value}\" is not a valid amount ({})", reason.en())
            };
        BothIncomeAndExpense {
            income: String,
            expense: String,
        } = "ledger.both-income-and-expense",
            zh: "同一行同时填写了收入 \"{income}\" 和支出 \"{expense}\"，请分成两行或删去一项",
            en: "row has both income \"{income}\" and expense \"{expense}\"; split it into two rows";
        NegativeInWrongColumn {
            column: String,
            value: String,
            other: String,
        } = "ledger.negative-amount",
            zh: "{column} \"{value}\" 是负数：请把金额填为正数并记入{other}",
            en: "{column} \"{value}\" is negative: write a positive amount in the {other} column";
        BadDirection { value: String } = "ledger.bad-direction",
            zh: "收支方向 \"{value}\" 无法识别，应填“收”或“支”",
            en: "direction \"{value}\" must be 收 or 支";
        BadDate { column: String, value: String } = "ledger.bad-date",
            zh: "{column} \"{value}\" 不是有效日期，应写作 2026-07-03 或 2026年7月3日",
            en: "{column} \"{value}\" is not a valid date";
        MissingDate = "ledger.missing-date",
            zh: "这一行缺少日期",
            en: "row has no date";
        MissingAmount = "ledger.missing-amount",
            zh: "这一行既没有收入也没有支出金额",
            en: "row has neither income nor expense";
        DateOutsidePeriod { date: String, period: String } = "ledger.date-outside-period",
            zh: "日期 {date} 不在公开期间“{period}”之内",
            en: "date {date} lies outside the period \"{period}\"";
        NoHeader { accepted: String } = "ledger.no-header",
            zh: "找不到表头行；可用的列名：{accepted}",
            en: "no header row found; accepted names: {accepted}";
        MissingColumns {
            header_row: String,
            missing: Vec<String>,
        } = "ledger.missing-columns",
            zh: { format!("表头（{header_row}）缺少必需的列：{}", missing.join("；")) },
            en: {
                format!("header ({header_row}) lacks required columns: {}", missing.join("; "))
            };
        UnknownKey {
            key: String,
            table: String,
            suggestion: Option<String>,
        } = "ledger.unknown-key",
            zh: {
                match suggestion {
                    Some(s) => format!("{table} 中有未知的键 “{key}”，是不是 “{s}”？"),
                    None => format!("{table} 中有未知的键 “{key}”"),
                }
            },
            en: {
                match suggestion {
                    Some(s) => format!("unknown key \"{key}\" in {table}; did you mean \"{s}\"?"),
                    None => format!("unknown key \"{key}\" in {table}"),
                }
            };
        WrongType { key: String, expected: &'static str } = "ledger.wrong-type",
            zh: "“{key}” 的值应为{expected}",
            en: "\"{key}\" must be {expected}";
        CannotRead { file: String, reason: String } = "ledger.cannot-read",
            zh: "无法读取账本文件 {file}：{reason}",
            en: "cannot read ledger {file}: {reason}";
        NotInSite { file: String } = "ledger.not-in-site",
            zh: "账本文件 {file} 必须放在网站目录之内（不能用 .. 或绝对路径）",
            en: "ledger file {file} must lie inside the site";
        SheetNotFound { sheet: String, available: Vec<String> } = "ledger.sheet-not-found",
            zh: { format!("找不到工作表 “{sheet}”；文件中有：{}", available.join("、")) },
            en: {
                format!("no sheet \"{sheet}\"; the file has: {}", available.join(", "))
            };
        UnsupportedFormat { file: String } = "ledger.unsupported-format",
            zh: "不支持的账本格式 {file}：请使用 .xlsx、.csv 或 .toml",
            en: "unsupported ledger format {file}: use .xlsx, .csv or .toml";
        UnknownEncoding { encoding: String } = "ledger.unknown-encoding",
            zh: "不认识的编码 “{encoding}”：可用 utf-8、gbk、gb18030",
            en: "unknown encoding \"{encoding}\": use utf-8, gbk or gb18030";
        BadEncoding { encoding: String } = "ledger.bad-encoding",
            zh: "文件内容不是有效的 {encoding} 编码，请另存为 UTF-8 或 GBK",
            en: "file is not valid {encoding}";
        TomlSyntax { reason: String } = "ledger.toml-syntax",
            zh: "TOML 格式错误：{reason}",
            en: "TOML syntax error: {reason}";
        CsvSyntax { reason: String } = "ledger.csv-syntax",
            zh: "CSV 格式错误：{reason}",
            en: "CSV syntax error: {reason}";
        BothFileAndRows = "ledger.file-and-rows",
            zh: "[ledger] 中不能同时填写 file 和 rows",
            en: "[ledger] cannot have both file and rows";
        NoLedgerSource = "ledger.no-source",
            zh: "[ledger] 中需要 file（账本文件）或 [[ledger.rows]]",
            en: "[ledger] needs file or [[ledger.rows]]";
        UnknownField { header: String, field: String } = "ledger.unknown-field",
            zh: "列映射 “{header}” = “{field}” 中的字段无效；可用：date voucher summary income expense category handler note amount direction balance",
            en: "column mapping \"{header}\" = \"{field}\": unknown field";
        BalanceMismatch { declared: Fen, computed: Fen } = "ledger.balance-mismatch",
            zh: {
                format!(
                    "余额 {} 与逐笔计算的余额 {} 不符，相差 {} 元",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            },
            en: {
                format!(
                    "balance {} differs from the running balance {} by {} yuan",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            };
        ClosingMismatch {
            opening: Fen,
            income: Fen,
            expense: Fen,
            declared: Fen,
        } = "ledger.closing-mismatch",
            zh: {
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
            },
            en: {
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
            };
        TotalMismatch {
            what: Total,
            declared: Fen,
            computed: Fen,
        } = "ledger.total-mismatch",
            zh: {
                format!(
                    "{}填写为 {} 元，但逐笔合计为 {} 元，相差 {} 元",
                    what.zh(),
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            },
            en: {
                format!(
                    "{} declared {} but rows add up to {}, difference {} yuan",
                    what.en(),
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            };
        OpeningMissing = "ledger.opening-missing",
            zh: "未填写期初余额（opening_balance），按 0.00 元计算",
            en: "no opening_balance; assuming 0.00";
        Unsorted = "ledger.unsorted",
            zh: "账目未按日期先后排列，已按日期排序",
            en: "rows were not in date order; sorted by date";
        PeriodUnknown { text: String } = "ledger.period-unknown",
            zh: "无法识别公开期间 “{text}”：请写作 “2026年第三季度” 或 “2026年7月”，或填写 from/to 日期",
            en: "cannot read period \"{text}\"";
        PeriodReversed = "ledger.period-reversed",
            zh: "公开期间的起始日期晚于结束日期",
            en: "period starts after it ends";
        SeriesOpening {
            previous: String,
            previous_period: String,
            previous_closing: Fen,
            opening: Fen,
        } = "ledger.series-opening",
            zh: {
                format!(
                    "期初余额 {} 元与上一期（{previous_period}，{previous}）的期末余额 {} 元不一致，相差 {} 元",
                    format_yuan(*opening),
                    format_yuan(*previous_closing),
                    diff_text(*opening - *previous_closing)
                )
            },
            en: {
                format!(
                    "opening balance {} differs from the closing balance {} of the previous period ({previous_period}, {previous}) by {} yuan",
                    format_yuan(*opening),
                    format_yuan(*previous_closing),
                    diff_text(*opening - *previous_closing)
                )
            };
        SeriesGap {
            previous_period: String,
            period: String,
            missing_from: String,
        } = "ledger.series-gap",
            zh: "“{previous_period}”与“{period}”之间缺少一期（自 {missing_from} 起）",
            en: "a period is missing between \"{previous_period}\" and \"{period}\" (from {missing_from})";
        SeriesOverlap { previous: String, period: String } = "ledger.series-overlap",
            zh: "“{period}”与上一期（{previous}）的期间重叠",
            en: "\"{period}\" overlaps the previous period ({previous})";
        BudgetSourcesGap { total: Fen, sources: Fen } = "budget.sources-gap",
            zh: {
                let gap = *total - *sources;
                let word = if gap.is_negative() { "超出" } else { "缺口" };
                format!(
                    "资金来源合计 {} 万元与总投资 {} 万元不符，{word} {} 万元（{} 元）",
                    format_wan(*sources, 2),
                    format_wan(*total, 2),
                    format_wan(gap.abs(), 2),
                    format_yuan(gap.abs())
                )
            },
            en: {
                format!(
                    "funding sources add up to {} but the total investment is {}: gap {} yuan",
                    format_yuan(*sources),
                    format_yuan(*total),
                    format_yuan(*total - *sources)
                )
            };
        BudgetItemsMismatch { total: Fen, items: Fen } = "budget.items-mismatch",
            zh: {
                format!(
                    "预算项目合计 {} 元与总投资 {} 元不符，相差 {} 元",
                    format_yuan(*items),
                    format_yuan(*total),
                    diff_text(*total - *items)
                )
            },
            en: {
                format!(
                    "budget items add up to {} but the total is {}: difference {} yuan",
                    format_yuan(*items),
                    format_yuan(*total),
                    diff_text(*total - *items)
                )
            };
        BudgetUnmatched { category: String, amount: Fen } = "budget.unmatched-spending",
            zh: { format!("支出科目 “{category}”（{} 元）没有对应的预算项目", format_yuan(*amount)) },
            en: {
                format!(
                    "spending category \"{category}\" ({}) matches no budget item",
                    format_yuan(*amount)
                )
            };
        BudgetNoTotal = "budget.no-total",
            zh: "[budget] 需要 total（总投资）或 [[budget.items]]",
            en: "[budget] needs total or [[budget.items]]";
        WanUnit { column: String, value: String, yuan: String } = "ledger.wan-unit",
            zh: "{column} \"{value}\" 不是有效金额：金额以元为单位，不能写“万”，请写作 \"{yuan}\"",
            en: "{column} \"{value}\" is not a valid amount: amounts are in yuan, not 万; write \"{yuan}\"";
        NegativeBalance { date: String, balance: Fen } = "ledger.negative-balance",
            zh: {
                format!(
                    "{date} 这一笔之后余额为 {} 元，现金不能为负：请检查是否漏记了收入，或期初余额是否正确",
                    format_yuan(*balance)
                )
            },
            en: {
                format!(
                    "after the entry of {date} the balance is {} yuan: cash cannot be negative",
                    format_yuan(*balance)
                )
            };
        SubtotalMismatch {
            label: String,
            column: String,
            declared: Fen,
            computed: Fen,
            rows: usize,
        } = "ledger.subtotal-mismatch",
            zh: {
                format!(
                    "“{label}”的{column} {} 元与上面 {rows} 笔逐笔相加的 {} 元不符，相差 {} 元：请改为 {}",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed),
                    format_yuan(*computed)
                )
            },
            en: {
                format!(
                    "\"{label}\" {column} {} differs from the sum {} of the {rows} rows above by {} yuan",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            };
        YearToDateMismatch {
            label: String,
            column: String,
            declared: Fen,
            computed: Fen,
        } = "ledger.year-to-date-mismatch",
            zh: {
                format!(
                    "“{label}”的{column} {} 元与上一次本年累计加上其后各笔的 {} 元不符，相差 {} 元：请改为 {}",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed),
                    format_yuan(*computed)
                )
            },
            en: {
                format!(
                    "\"{label}\" {column} {} differs from the year to date {} by {} yuan",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            };
        /// A mid-year sheet's first 本年累计 against the earlier periods carried forward.
        YearToDateCarried {
            label: String,
            column: String,
            declared: Fen,
            previous: String,
            carried: Fen,
            rows: Fen,
        } = "ledger.year-to-date-carried",
            zh: {
                format!(
                    "“{label}”的{column} {} 元不对：年初至{previous}累计 {} 元，加上本表各笔 {} 元，应为 {} 元（相差 {} 元）：请改为 {}",
                    format_yuan(*declared),
                    format_yuan(*carried),
                    format_yuan(*rows),
                    format_yuan(*carried + *rows),
                    diff_text(*declared - (*carried + *rows)),
                    format_yuan(*carried + *rows)
                )
            },
            en: {
                format!(
                    "\"{label}\" {column} {} should be {} (year to date through {previous} {} plus this sheet's {})",
                    format_yuan(*declared),
                    format_yuan(*carried + *rows),
                    format_yuan(*carried),
                    format_yuan(*rows)
                )
            };
        SubtotalBalance {
            label: String,
            declared: Fen,
            computed: Fen,
        } = "ledger.subtotal-balance",
            zh: {
                format!(
                    "“{label}”的余额 {} 元与逐笔计算的余额 {} 元不符，相差 {} 元",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            },
            en: {
                format!(
                    "\"{label}\" balance {} differs from the running balance {} by {} yuan",
                    format_yuan(*declared),
                    format_yuan(*computed),
                    diff_text(*declared - *computed)
                )
            };
        OpeningDiffers { typed: Fen, sheet: Fen, cell: String } = "ledger.opening-differs",
            zh: {
                format!(
                    "opening_balance 填写为 {} 元，但账表的上月结转/期初余额（{cell}）是 {} 元，相差 {} 元：两处应一致，账表中已有期初余额时可以删去 opening_balance",
                    format_yuan(*typed),
                    format_yuan(*sheet),
                    diff_text(*typed - *sheet)
                )
            },
            en: {
                format!(
                    "opening_balance {} differs from the sheet's opening row ({cell}) {} by {} yuan",
                    format_yuan(*typed),
                    format_yuan(*sheet),
                    diff_text(*typed - *sheet)
                )
            };
    }
}

/// Which declared total a [`LedgerError::TotalMismatch`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Total {
    Income,
    Expense,
}

impl Total {
    pub fn zh(self) -> &'static str {
        match self {
            Total::Income => "收入合计",
            Total::Expense => "支出合计",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Total::Income => "income_total",
            Total::Expense => "expense_total",
        }
    }
}

fn diff_text(d: Fen) -> String {
    format_yuan(d.abs())
}
