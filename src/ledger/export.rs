//! Open data: the same numbers as the page, machine-readable.

use super::Finance;
use crate::money::format_plain;

/// The rows as CSV (UTF-8 with header, plain decimals without thousands separators):
/// 日期,凭证号,摘要,科目,收入,支出,余额,经办人,备注.
pub fn to_csv(f: &Finance) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "日期",
        "凭证号",
        "摘要",
        "科目",
        "收入",
        "支出",
        "余额",
        "经办人",
        "备注",
    ]);
    for r in &f.rows {
        let _ = w.write_record([
            crate::date::format_iso(r.date).as_str(),
            &r.voucher,
            &r.summary,
            r.category.as_deref().unwrap_or(""),
            &r.income.map(format_plain).unwrap_or_default(),
            &r.expense.map(format_plain).unwrap_or_default(),
            &format_plain(r.balance),
            r.handler.as_deref().unwrap_or(""),
            r.note.as_deref().unwrap_or(""),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The whole [`Finance`] as pretty JSON (every amount as `{fen, text, money, wan, upper}`).
pub fn to_json(f: &Finance) -> String {
    serde_json::to_string_pretty(f).unwrap_or_default()
}
