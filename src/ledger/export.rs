//! Open data: the same numbers as the page, machine-readable.

use super::Finance;
use crate::money::format_plain;

/// The rows as CSV (UTF-8 with header, plain decimals without thousands separators):
/// 日期,凭证号,摘要,科目,收入,支出,余额,经办人,备注. It starts with a byte-order mark: Excel on
/// Chinese Windows reads a CSV without one as GBK and shows mojibake.
pub fn to_csv(f: &Finance) -> String {
    let mut w = csv::WriterBuilder::new().from_writer("\u{feff}".as_bytes().to_vec());
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

/// The rows as an Excel workbook (one sheet 收支明细: dates as Excel dates, amounts as numbers
/// with two decimals, an opening and a 本期合计 row), for clerks and villagers who check the
/// figures in Excel or WPS. Deterministic: the document date is the last entry's date, not
/// the time of the build. `None` only if the writer fails.
pub fn to_xlsx(f: &Finance) -> Option<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let yuan = |v: crate::money::Fen| v.0 as f64 / 100.0;
    let ymd = |d: jiff::civil::Date| {
        ExcelDateTime::from_ymd(
            d.year().try_into().ok()?,
            d.month().try_into().ok()?,
            d.day().try_into().ok()?,
        )
        .ok()
    };
    let mut wb = Workbook::new();
    let created = f
        .rows
        .last()
        .and_then(|r| ymd(r.date))
        .or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).ok())?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let head = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let bold_money = Format::new().set_num_format("#,##0.00").set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("收支明细").ok()?;
    let header = ["日期", "凭证号", "摘要", "科目", "收入", "支出", "余额", "经办人", "备注"];
    let widths = [12.0, 10.0, 30.0, 12.0, 14.0, 14.0, 14.0, 10.0, 20.0];
    for (c, (h, w)) in header.iter().zip(widths).enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &head).ok()?;
        ws.set_column_width(c, w).ok()?;
    }
    ws.write_string(1, 2, "期初余额").ok()?;
    ws.write_number_with_format(1, 6, yuan(f.totals.opening), &money).ok()?;
    for (i, r) in f.rows.iter().enumerate() {
        let row = i as u32 + 2;
        match ymd(r.date) {
            Some(d) => ws.write_datetime_with_format(row, 0, &d, &date).ok()?,
            None => ws.write_string(row, 0, crate::date::format_iso(r.date)).ok()?,
        };
        ws.write_string(row, 1, &r.voucher).ok()?;
        ws.write_string(row, 2, &r.summary).ok()?;
        ws.write_string(row, 3, r.category.as_deref().unwrap_or("")).ok()?;
        if let Some(v) = r.income {
            ws.write_number_with_format(row, 4, yuan(v), &money).ok()?;
        }
        if let Some(v) = r.expense {
            ws.write_number_with_format(row, 5, yuan(v), &money).ok()?;
        }
        ws.write_number_with_format(row, 6, yuan(r.balance), &money).ok()?;
        ws.write_string(row, 7, r.handler.as_deref().unwrap_or("")).ok()?;
        ws.write_string(row, 8, r.note.as_deref().unwrap_or("")).ok()?;
    }
    let total = f.rows.len() as u32 + 2;
    ws.write_string_with_format(total, 2, "本期合计", &head).ok()?;
    ws.write_number_with_format(total, 4, yuan(f.totals.income), &bold_money).ok()?;
    ws.write_number_with_format(total, 5, yuan(f.totals.expense), &bold_money).ok()?;
    ws.write_number_with_format(total, 6, yuan(f.totals.closing), &bold_money).ok()?;
    ws.set_freeze_panes(1, 0).ok()?;
    let mut bytes = wb.save_to_buffer().ok()?;
    same_on_every_os(&mut bytes);
    Some(bytes)
}

/// The zip writer records the OS it was built for ("version made by": 0 on Windows, 3 on Unix)
/// in each central-directory entry; nothing else differs. Writing 3 everywhere keeps the output
/// byte-identical between the Windows and the Linux build of the same site.
fn same_on_every_os(zip: &mut [u8]) {
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let u32_at =
        |b: &[u8], i: usize| b.get(i..i + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]));
    // The end-of-central-directory record: 22 bytes, no archive comment from this writer.
    let Some(eocd) = zip.len().checked_sub(22) else { return };
    if u32_at(zip, eocd) != Some(0x0605_4b50) {
        return;
    }
    let (Some(count), Some(start)) = (u16_at(zip, eocd + 10), u32_at(zip, eocd + 16)) else {
        return;
    };
    let mut at = start as usize;
    for _ in 0..count {
        if u32_at(zip, at) != Some(0x0201_4b50) {
            return;
        }
        let (Some(name), Some(extra), Some(comment)) =
            (u16_at(zip, at + 28), u16_at(zip, at + 30), u16_at(zip, at + 32))
        else {
            return;
        };
        zip[at + 5] = 3;
        at += 46 + name as usize + extra as usize + comment as usize;
    }
}
