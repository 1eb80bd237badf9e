//! Writes the example ledgers of 青石村 (fictional) under `content/finance/`: four periods of the
//! 村集体现金日记账 for 2026 whose balances chain — Q1 as .xlsx, Q2 as GBK CSV, Q3 as UTF-8 CSV,
//! Q4 (October–November) as TOML — each next to its posting `index.md`.
//!
//! Deterministic: run `cargo run --example make_example_ledgers` from the repository root and
//! the files come out byte-identical (apart from the xlsx timestamp, which is fixed too).

use std::fmt::Write as _;
use std::path::Path;

use gongkai::money::{Fen, format_plain, format_yuan};
use jiff::civil::{Date, date};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

struct Row {
    date: Date,
    voucher: String,
    summary: String,
    category: &'static str,
    income: Option<Fen>,
    expense: Option<Fen>,
    handler: &'static str,
    note: &'static str,
}

/// A tiny deterministic generator (LCG), so the example needs no extra dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

/// (summary, 科目, income?, min yuan, max yuan, handler, note, monthly?)
type Template = (&'static str, &'static str, bool, i64, i64, &'static str, &'static str);

const MONTHLY: [Template; 6] = [
    ("支付保洁员工资", "保洁费", false, 1800, 1800, "报账员", "3名保洁员"),
    ("支付村委会办公电费", "水电费", false, 180, 460, "出纳", ""),
    ("支付垃圾清运费", "环境整治", false, 900, 1300, "报账员", "镇环卫站开票"),
    ("村干部误工补贴", "误工补贴", false, 2400, 2400, "出纳", "按村民代表会议决定"),
    ("收取集体厂房租金", "租赁收入", true, 3500, 3500, "出纳", "青石木业租用"),
    ("银行存款利息", "利息收入", true, 40, 95, "出纳", ""),
];

const OCCASIONAL: [Template; 14] = [
    ("购买办公用品（纸张、墨盒）", "办公费", false, 120, 680, "报账员", ""),
    ("村道坑槽修补材料费", "道路维修", false, 1500, 8800, "报账员", "村务监督委员会验收"),
    ("村道边沟清淤人工费", "道路维修", false, 600, 2400, "报账员", ""),
    ("广播喇叭维修", "设施维护", false, 150, 900, "报账员", ""),
    ("购买防汛沙袋和雨具", "防汛物资", false, 800, 2600, "报账员", ""),
    ("春节困难户慰问品", "慰问支出", false, 1200, 3600, "出纳", "名单已另行公示"),
    ("党员活动室报刊订阅", "办公费", false, 280, 560, "出纳", ""),
    ("护林员补贴", "护林防火", false, 900, 900, "出纳", ""),
    ("路灯更换灯泡", "设施维护", false, 240, 980, "报账员", ""),
    ("收取土地承包费", "承包收入", true, 4000, 26000, "出纳", "按承包合同收取"),
    ("收取鱼塘承包费", "承包收入", true, 3000, 9000, "出纳", ""),
    ("光伏电站收益分红", "经营收入", true, 6000, 14000, "出纳", "镇光伏项目结算"),
    ("收到农机具出租费", "租赁收入", true, 300, 1200, "出纳", ""),
    ("村民自来水水费代收", "其他收入", true, 600, 1800, "出纳", ""),
];

fn yuan_cents(g: &mut Lcg, lo: i64, hi: i64) -> Fen {
    if lo == hi {
        return Fen::yuan(lo);
    }
    let cents = [0, 0, 0, 50, 20, 80, 35, 60][g.range(0, 7) as usize];
    Fen(g.range(lo, hi) * 100 + cents)
}

fn month_rows(g: &mut Lcg, year: i16, month: i8, extra: usize) -> Vec<Row> {
    let mut picks: Vec<(i8, Template)> = Vec::new();
    let days = date(year, month, 1).days_in_month();
    for t in MONTHLY {
        picks.push((g.range(1, days as i64) as i8, t));
    }
    // Quarterly: 村级组织运转经费 arrives in the first month of each quarter.
    if (month - 1) % 3 == 0 {
        picks.push((
            g.range(5, 15) as i8,
            ("上级拨付村级组织运转经费", "补助收入", true, 45000, 45000, "出纳", "镇财政所拨付"),
        ));
    }
    let mut added = 0;
    while added < extra {
        let t = OCCASIONAL[g.range(0, OCCASIONAL.len() as i64 - 1) as usize];
        // Seasonal items only in their season.
        if (t.0.contains("春节") && month > 2)
            || (t.0.contains("防汛") && !(5..=8).contains(&month))
        {
            continue;
        }
        picks.push((g.range(1, days as i64) as i8, t));
        added += 1;
    }
    picks.sort_by_key(|p| p.0);
    picks
        .into_iter()
        .enumerate()
        .map(|(i, (day, (summary, category, income, lo, hi, handler, note)))| {
            let amount = yuan_cents(g, lo, hi);
            Row {
                date: date(year, month, day),
                voucher: format!("记-{:02}{:02}", month, i + 1),
                summary: summary.to_string(),
                category,
                income: income.then_some(amount),
                expense: (!income).then_some(amount),
                handler,
                note,
            }
        })
        .collect()
}

fn totals(rows: &[Row]) -> (Fen, Fen) {
    (rows.iter().filter_map(|r| r.income).sum(), rows.iter().filter_map(|r| r.expense).sum())
}

fn write_xlsx(path: &Path, rows: &[Row], opening: Fen) {
    let mut wb = Workbook::new();
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 4, 8).unwrap()),
    );
    let ws = wb.add_worksheet();
    ws.set_name("一季度").unwrap();
    let bold = Format::new().set_bold();
    let dfmt = Format::new().set_num_format("yyyy-mm-dd");
    let mfmt = Format::new().set_num_format("#,##0.00");
    ws.write_string_with_format(0, 0, "青石村村集体现金日记账（2026年第一季度）", &bold).unwrap();
    let head = ["日期", "凭证号", "摘要", "科目", "收入", "支出", "余额", "经办人", "备注"];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &bold).unwrap();
    }
    ws.write_string(2, 2, "上年结转").unwrap();
    ws.write_number_with_format(2, 6, opening.0 as f64 / 100.0, &mfmt).unwrap();
    let mut r = 3u32;
    let mut balance = opening;
    let mut month = rows[0].date.month();
    let (mut mi, mut me) = (Fen::ZERO, Fen::ZERO);
    let subtotal = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, mi: Fen, me: Fen, b: Fen| {
        ws.write_string_with_format(r, 2, "本月合计", &bold).unwrap();
        ws.write_number_with_format(r, 4, mi.0 as f64 / 100.0, &mfmt).unwrap();
        ws.write_number_with_format(r, 5, me.0 as f64 / 100.0, &mfmt).unwrap();
        ws.write_number_with_format(r, 6, b.0 as f64 / 100.0, &mfmt).unwrap();
    };
    for row in rows {
        if row.date.month() != month {
            subtotal(ws, r, mi, me, balance);
            r += 1;
            (mi, me) = (Fen::ZERO, Fen::ZERO);
            month = row.date.month();
        }
        balance = balance + row.income.unwrap_or_default() - row.expense.unwrap_or_default();
        mi += row.income.unwrap_or_default();
        me += row.expense.unwrap_or_default();
        let d = ExcelDateTime::from_ymd(
            row.date.year() as u16,
            row.date.month() as u8,
            row.date.day() as u8,
        )
        .unwrap();
        ws.write_datetime_with_format(r, 0, &d, &dfmt).unwrap();
        ws.write_string(r, 1, &row.voucher).unwrap();
        ws.write_string(r, 2, &row.summary).unwrap();
        ws.write_string(r, 3, row.category).unwrap();
        if let Some(v) = row.income {
            ws.write_number_with_format(r, 4, v.0 as f64 / 100.0, &mfmt).unwrap();
        }
        if let Some(v) = row.expense {
            ws.write_number_with_format(r, 5, v.0 as f64 / 100.0, &mfmt).unwrap();
        }
        ws.write_number_with_format(r, 6, balance.0 as f64 / 100.0, &mfmt).unwrap();
        ws.write_string(r, 7, row.handler).unwrap();
        if !row.note.is_empty() {
            ws.write_string(r, 8, row.note).unwrap();
        }
        r += 1;
    }
    subtotal(ws, r, mi, me, balance);
    ws.set_column_width(2, 28).unwrap();
    ws.set_column_width(8, 20).unwrap();
    wb.save(path).unwrap();
}

fn csv_text(rows: &[Row], opening: Fen, pretty: bool) -> String {
    let mut s = String::from("日期,凭证号,摘要,科目,收入,支出,余额,经办人,备注\n");
    let mut balance = opening;
    let money = |f: Fen| if pretty { format!("\"{}\"", format_yuan(f)) } else { format_plain(f) };
    for r in rows {
        balance = balance + r.income.unwrap_or_default() - r.expense.unwrap_or_default();
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{}",
            gongkai::date::format_iso(r.date),
            r.voucher,
            r.summary.replace('，', "、"),
            r.category,
            r.income.map(money).unwrap_or_default(),
            r.expense.map(money).unwrap_or_default(),
            money(balance),
            r.handler,
            r.note
        );
    }
    s
}

fn toml_text(rows: &[Row]) -> String {
    let mut s = String::from(
        "# 青石村村集体现金日记账 2026年10—11月（第四季度截至11月30日）\n\
         # 每笔一张 [[rows]]：日期、凭证号、摘要、科目、收入或支出、经办人、备注。\n",
    );
    for r in rows {
        let _ = write!(
            s,
            "\n[[rows]]\ndate = {}\nvoucher = \"{}\"\nsummary = \"{}\"\ncategory = \"{}\"\n",
            gongkai::date::format_iso(r.date),
            r.voucher,
            r.summary,
            r.category
        );
        if let Some(v) = r.income {
            let _ = writeln!(s, "income = \"{}\"", format_yuan(v));
        }
        if let Some(v) = r.expense {
            let _ = writeln!(s, "expense = \"{}\"", format_yuan(v));
        }
        let _ = writeln!(s, "handler = \"{}\"", r.handler);
        if !r.note.is_empty() {
            let _ = writeln!(s, "note = \"{}\"", r.note);
        }
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn posting(
    dir: &Path,
    title: &str,
    published: &str,
    period: &str,
    ledger: &str,
    opening: Fen,
    rows: &[Row],
    intro: &str,
) {
    let (income, expense) = totals(rows);
    let closing = opening + income - expense;
    let text = format!(
        "+++\ntitle = \"{title}\"\ndate = {published}\nkind = \"财务收支\"\nperiod = \"{period}\"\n\
         ledger = \"{ledger}\"\nseries = \"村集体现金日记账\"\nopening_balance = \"{}\"\n\
         income_total = \"{}\"\nexpense_total = \"{}\"\nclosing_balance = \"{}\"\n+++\n\n{intro}\n\n\
         本期期初余额 {} 元，收入合计 {} 元，支出合计 {} 元，期末余额 {} 元。逐笔明细见下表，\
         原始账本可下载核对。\n\n本表已经村民主理财小组逐笔审核，并经村务监督委员会签字确认。\
         村民如有疑问，可在公示期内向村务监督委员会或青石镇农村经营管理站反映。\n",
        format_yuan(opening),
        format_yuan(income),
        format_yuan(expense),
        format_yuan(closing),
        format_yuan(opening),
        format_yuan(income),
        format_yuan(expense),
        format_yuan(closing),
    );
    std::fs::write(dir.join("index.md"), text).unwrap();
}

fn main() {
    let root = Path::new("content/finance");
    let mut g = Lcg(20260101);
    let quarter = |g: &mut Lcg, months: &[i8]| -> Vec<Row> {
        months.iter().flat_map(|m| month_rows(g, 2026, *m, 8)).collect()
    };
    let q1 = quarter(&mut g, &[1, 2, 3]);
    let q2 = quarter(&mut g, &[4, 5, 6]);
    let q3 = quarter(&mut g, &[7, 8, 9]);
    let q4: Vec<Row> = [10, 11].iter().flat_map(|m| month_rows(&mut g, 2026, *m, 14)).collect();

    let mut opening = gongkai::money::parse_amount("286,431.20").unwrap();
    type Spec<'a> = (&'a str, &'a Vec<Row>, &'a str, &'a str, &'a str, &'a str, &'a str);
    let specs: [Spec; 4] = [
        (
            "2026-q1",
            &q1,
            "ledger.xlsx",
            "青石村2026年第一季度财务收支公开",
            "2026-04-10",
            "2026年第一季度",
            "现将青石村2026年第一季度村集体现金收支情况逐项逐笔公开如下。本季度主要收入为上级拨付的村级组织运转经费、土地承包费和光伏电站收益分红，主要支出为保洁员工资、村道维修和春节困难户慰问。",
        ),
        (
            "2026-q2",
            &q2,
            "ledger.csv",
            "青石村2026年第二季度财务收支公开",
            "2026-07-08",
            "2026年第二季度",
            "现将青石村2026年第二季度村集体现金收支情况公开如下。本季度雨水较多，防汛物资和村道边沟清淤支出有所增加。账本为财务软件导出的表格（GBK 编码）。",
        ),
        (
            "2026-q3",
            &q3,
            "ledger.csv",
            "青石村2026年第三季度财务收支公开",
            "2026-10-09",
            "2026年第三季度",
            "现将青石村2026年第三季度村集体现金收支情况公开如下。光伏电站上半年收益已于本季度结算到账。",
        ),
        (
            "2026-q4",
            &q4,
            "ledger.toml",
            "青石村2026年10—11月财务收支公开",
            "2026-12-05",
            "2026年10-11月",
            "根据镇农村经营管理站要求，现将青石村2026年10月、11月村集体现金收支情况先行公开，12月份收支将在年终决算后一并公开。",
        ),
    ];
    for (folder, rows, ledger, title, published, period, intro) in specs {
        let dir = root.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        match folder {
            "2026-q1" => write_xlsx(&dir.join(ledger), rows, opening),
            "2026-q2" => {
                let text = csv_text(rows, opening, false);
                let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
                assert!(!bad);
                std::fs::write(dir.join(ledger), bytes).unwrap();
            }
            "2026-q3" => std::fs::write(dir.join(ledger), csv_text(rows, opening, true)).unwrap(),
            _ => std::fs::write(dir.join(ledger), toml_text(rows)).unwrap(),
        }
        posting(&dir, title, published, period, ledger, opening, rows, intro);
        let (i, e) = totals(rows);
        println!("{folder}: {} rows, opening {opening}, income {i}, expense {e}", rows.len());
        opening = opening + i - e;
    }
}
