//! Ledger tests: every format, every error kind at its exact location, identities, series,
//! budget, chart and open data.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;
use toml::{Spanned, Value};

use super::*;
use crate::diagnostic::{Lang, Severity};
use crate::money::parse_amount;

#[derive(Deserialize)]
struct Fm {
    ledger: Option<Spanned<Value>>,
    opening_balance: Option<Spanned<Value>>,
    closing_balance: Option<Spanned<Value>>,
    income_total: Option<Spanned<Value>>,
    expense_total: Option<Spanned<Value>>,
    series: Option<Spanned<String>>,
    period: Option<Spanned<String>>,
    budget: Option<Spanned<Value>>,
}

pub(crate) struct Site {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub dir: PathBuf,
}

pub(crate) fn site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let dir = root.join("content/finance/t");
    std::fs::create_dir_all(&dir).unwrap();
    Site { _tmp: tmp, root, dir }
}

/// Builds the posting `content/finance/t/index.md` with front matter `fm` and loads it.
pub(crate) fn run(s: &Site, fm: &str) -> (Option<Finance>, Vec<Diagnostic>) {
    run_cfg(s, fm, &LedgerConfig::default())
}

fn run_cfg(s: &Site, fm: &str, cfg: &LedgerConfig) -> (Option<Finance>, Vec<Diagnostic>) {
    let text = format!("+++\n{fm}+++\n正文\n");
    let src = SourceText::new("content/finance/t/index.md", text, 4, 4 + fm.len());
    let parsed: Fm = toml::from_str(src.toml()).unwrap();
    let input = FinanceInput {
        ledger: parsed.ledger,
        opening_balance: parsed.opening_balance,
        year_to_date_carried: None,
        closing_balance: parsed.closing_balance,
        income_total: parsed.income_total,
        expense_total: parsed.expense_total,
        series: parsed.series,
        period: parsed.period.map(|p| PeriodSpec {
            span: Some(p.span()),
            text: p.into_inner(),
            ..PeriodSpec::default()
        }),
        budget: parsed.budget,
    };
    load(&input, &s.dir, &s.root, &src, cfg)
}

fn errors(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.location(), d.message.zh()))
        .collect()
}

fn warnings(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| format!("{}: {}", d.location(), d.message.zh()))
        .collect()
}

fn excel_serial(y: i16, m: i8, d: i8) -> f64 {
    let epoch = jiff::civil::date(1899, 12, 30);
    (jiff::civil::date(y, m, d) - epoch).get_days() as f64
}

enum X {
    S(&'static str),
    N(f64),
    D(i16, i8, i8),
    E,
}

fn write_xlsx(path: &Path, sheet: &str, rows: &[Vec<X>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                X::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                X::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                X::D(y, m, d) => {
                    ws.write_number_with_format(r, c, excel_serial(*y, *m, *d), &date).unwrap();
                }
                X::E => {}
            }
        }
    }
    wb.save(path).unwrap();
}

fn header() -> Vec<X> {
    vec![X::S("日期"), X::S("凭证号"), X::S("摘要"), X::S("收入"), X::S("支出"), X::S("科目")]
}

#[test]
fn xlsx_reads_numbers_dates_and_reports_cells() {
    let s = site();
    let mut rows = vec![vec![X::S("青石村现金日记账")], header()];
    rows.push(vec![
        X::D(2026, 7, 1),
        X::S("记-0701"),
        X::S("土地承包费"),
        X::N(0.1 + 0.2),
        X::E,
        X::S("承包"),
    ]);
    rows.push(vec![
        X::D(2026, 7, 2),
        X::S("记-0702"),
        X::S("保洁员工资"),
        X::E,
        X::N(1800.0),
        X::S("保洁"),
    ]);
    // Rows 5..16 are fillers so the bad cell sits at D17.
    for i in 0..12 {
        rows.push(vec![
            X::S("2026-07-05"),
            X::S("记-07xx"),
            X::S("光伏收益分红"),
            X::N(100.0 + i as f64),
            X::E,
            X::E,
        ]);
    }
    rows.push(vec![
        X::D(2026, 7, 9),
        X::S("记-0709"),
        X::S("村级组织运转经费"),
        X::S("12,3O0.00"),
        X::E,
        X::E,
    ]);
    rows.push(vec![X::D(2026, 10, 9), X::S("记-0710"), X::S("办公用品"), X::E, X::N(-35.5), X::E]);
    write_xlsx(&s.dir.join("ledger.xlsx"), "三季度", &rows);
    let (f, d) = run(
        &s,
        "period = \"2026年第三季度\"\nledger = { file = \"ledger.xlsx\", sheet = \"三季度\" }\nopening_balance = \"1,000.00\"\n",
    );
    let errs = errors(&d);
    assert_eq!(
        errs,
        vec![
            "content/finance/t/ledger.xlsx:三季度!D17: 收入 \"12,3O0.00\" 不是有效金额（含有非数字字符“O”）",
            "content/finance/t/ledger.xlsx:三季度!A18: 日期 2026-10-09 不在公开期间“2026年第三季度”之内",
            "content/finance/t/ledger.xlsx:三季度!E18: 支出 \"-35.5\" 是负数：请把金额填为正数并记入收入",
        ]
    );
    let f = f.unwrap();
    assert_eq!(f.rows.len(), 14);
    assert_eq!(f.rows[0].income, Some(Fen(30)));
    assert_eq!(f.rows[1].balance, Fen(100_000 + 30 - 180_000));
    assert_eq!(f.source_file.as_deref(), Some("ledger.xlsx"));
    assert_eq!(f.source_path.as_deref(), Some("content/finance/t/ledger.xlsx"));
}

#[test]
fn xlsx_first_sheet_and_missing_sheet() {
    let s = site();
    let rows = vec![
        header(),
        vec![
            X::D(2026, 1, 5),
            X::S("记-0101"),
            X::S("上级拨付运转经费"),
            X::N(50000.0),
            X::E,
            X::E,
        ],
        vec![X::D(2026, 1, 6), X::S("记-0102"), X::S("办公用品"), X::E, X::N(320.5), X::E],
    ];
    write_xlsx(&s.dir.join("l.xlsx"), "Sheet1", &rows);
    let (f, d) = run(
        &s,
        "ledger = \"l.xlsx\"\nopening_balance = \"100\"\nclosing_balance = \"49,779.50\"\n",
    );
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    let t = f.unwrap().totals;
    assert_eq!((t.income, t.expense, t.closing), (Fen(5_000_000), Fen(32_050), Fen(4_977_950)));
    let (_, d) = run(&s, "ledger = { file = \"l.xlsx\", sheet = \"三季度\" }\n");
    assert_eq!(
        errors(&d),
        vec!["content/finance/t/l.xlsx: 找不到工作表 “三季度”；文件中有：Sheet1"]
    );
}

const CSV_OK: &str = "日期,凭证号,摘要,收入,支出,科目,经办人,备注\n\
2026-07-01,记-0701,收土地承包费,\"12,000.00\",,承包收入,张会计,\n\
2026-07-03,记-0702,保洁员工资,,1800,保洁,李出纳,七月\n\
本月合计,,本月合计,\"12,000.00\",1800,,,\n\
2026-07-02,记-0703,光伏收益分红,¥3500.5,,光伏,,\n";

#[test]
fn csv_utf8_with_bom_sorts_and_skips_subtotals() {
    let s = site();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(CSV_OK.as_bytes());
    std::fs::write(s.dir.join("l.csv"), bytes).unwrap();
    let (f, d) = run(
        &s,
        "ledger = \"l.csv\"\nopening_balance = \"1,000.00\"\nincome_total = \"15,500.50\"\nexpense_total = \"1,800.00\"\nclosing_balance = \"14,700.50\"\n",
    );
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert_eq!(
        warnings(&d),
        vec!["content/finance/t/l.csv:A5: 账目未按日期先后排列，已按日期排序"]
    );
    let f = f.unwrap();
    let vouchers: Vec<&str> = f.rows.iter().map(|r| r.voucher.as_str()).collect();
    assert_eq!(vouchers, ["记-0701", "记-0703", "记-0702"]);
    assert_eq!(f.rows[2].balance, Fen(1_470_050));
    assert_eq!(f.rows[2].note.as_deref(), Some("七月"));
    assert_eq!(f.by_category.len(), 3);
    assert_eq!(f.by_month[0].label, "7月");
}

#[test]
fn csv_gbk_is_detected_and_can_be_declared() {
    let s = site();
    let (bytes, _, bad) = encoding_rs::GB18030.encode(CSV_OK);
    assert!(!bad);
    assert!(std::str::from_utf8(&bytes).is_err());
    std::fs::write(s.dir.join("gbk.csv"), &bytes).unwrap();
    let (f, d) = run(&s, "ledger = \"gbk.csv\"\nopening_balance = 0\n");
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    let f = f.unwrap();
    assert_eq!(f.rows[0].summary, "收土地承包费");
    assert_eq!(f.totals.income, Fen(1_550_050));
    let (f, d) = run(&s, "[ledger]\nfile = \"gbk.csv\"\nencoding = \"GBK\"\n");
    assert!(errors(&d).is_empty());
    assert_eq!(f.unwrap().rows.len(), 3);
    let (_, d) = run(&s, "[ledger]\nfile = \"gbk.csv\"\nencoding = \"big5\"\n");
    assert_eq!(
        errors(&d),
        vec!["content/finance/t/gbk.csv: 不认识的编码 “big5”：可用 utf-8、gbk、gb18030"]
    );
}

#[test]
fn csv_errors_have_line_and_column() {
    let s = site();
    let csv = "日期,凭证号,摘要,收入,支出\n\
2026-07-01,记-1,a,\"12,3O0.00\",\n\
2026-07-02,记-2,b,1.234,\n\
2026-07-03,记-3,c,100,50\n\
2026-07-04,记-4,d,-20,\n\
2026-7-32,记-5,e,1,\n\
,记-6,f,1,\n\
2026-07-07,记-7,g,,\n\
2026-10-01,记-8,h,1,\n";
    std::fs::write(s.dir.join("l.csv"), csv).unwrap();
    let (_, d) = run(&s, "period = \"2026年第三季度\"\nledger = \"l.csv\"\n");
    let p = "content/finance/t/l.csv";
    assert_eq!(
        errors(&d),
        vec![
            format!("{p}:D2: 收入 \"12,3O0.00\" 不是有效金额（含有非数字字符“O”）"),
            format!("{p}:D3: 收入 \"1.234\" 不是有效金额（小数超过两位（金额精确到分））"),
            format!(
                "{p}:E4: 同一行同时填写了收入 \"100.00\" 和支出 \"50.00\"，请分成两行或删去一项"
            ),
            format!("{p}:D5: 收入 \"-20\" 是负数：请把金额填为正数并记入支出"),
            format!("{p}:A6: 日期 \"2026-7-32\" 不是有效日期，应写作 2026-07-03 或 2026年7月3日"),
            format!("{p}:A7: 这一行缺少日期"),
            format!("{p}:A8: 这一行既没有收入也没有支出金额"),
            format!("{p}:A9: 日期 2026-10-01 不在公开期间“2026年第三季度”之内"),
        ]
    );
    // The cell names the place as WPS or Excel shows it; the snippet keeps the CSV line.
    let rendered = d[0].render(Lang::Zh);
    assert!(
        rendered
            .ends_with("2 | 2026-07-01,记-1,a,\"12,3O0.00\",\n  |                    ^^^^^^^^^"),
        "{rendered}"
    );
    assert_eq!(d[0].position_parts(), (Some(2), Some(19), None, Some("D2".to_string())));
}

#[test]
fn csv_rows_are_counted_as_a_spreadsheet_shows_them() {
    // A quoted cell with a line break is one row; a blank line is a row too; CRLF counts once.
    let text = "a,\"b\nc\"\r\n\r\nx,y\n";
    assert_eq!(super::read_csv::row_of(text, 0), 0);
    assert_eq!(super::read_csv::row_of(text, text.find('x').unwrap()), 2);
}

#[test]
fn missing_columns_name_the_header_and_accepted_names() {
    let s = site();
    std::fs::write(s.dir.join("l.csv"), "日期,凭证号,摘要,收入金额,付款\n2026-07-01,1,a,1,\n")
        .unwrap();
    let (_, d) = run(&s, "ledger = \"l.csv\"\n");
    let e = errors(&d);
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("content/finance/t/l.csv:A1: 表头（日期,凭证号,摘要,收入金额,付款）缺少必需的列：支出（可用列名：支出、expense、支出金额）"), "{}", e[0]);
    assert!(e[0].contains("金额/amount + 收支/direction"), "{}", e[0]);
    // A site mapping fixes it.
    let mut cfg = LedgerConfig::default();
    cfg.columns.insert("付款".into(), "expense".into());
    let (f, d) = run_cfg(&s, "ledger = \"l.csv\"\n", &cfg);
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert_eq!(f.unwrap().totals.income, Fen(100));
    // No header at all.
    std::fs::write(s.dir.join("n.csv"), "a,b,c\n1,2,3\n").unwrap();
    let (_, d) = run(&s, "ledger = \"n.csv\"\n");
    assert!(errors(&d)[0].contains("找不到表头行；可用的列名：日期/date"), "{:?}", errors(&d));
}

#[test]
fn amount_and_direction_columns() {
    let s = site();
    std::fs::write(
        s.dir.join("l.csv"),
        "date,voucher,summary,amount,direction\n2026-07-01,1,a,100,收\n2026-07-02,2,b,30.5,支\n2026-07-03,3,c,5,借出\n2026-07-04,4,d,-5,支\n",
    )
    .unwrap();
    let (f, d) = run(&s, "ledger = \"l.csv\"\n");
    assert_eq!(
        errors(&d),
        vec![
            "content/finance/t/l.csv:E4: 收支方向 \"借出\" 无法识别，应填“收”或“支”",
            "content/finance/t/l.csv:D5: amount \"-5\" 是负数：请把金额填为正数并记入相反的“direction”方向",
        ]
    );
    let f = f.unwrap();
    assert_eq!((f.totals.income, f.totals.expense), (Fen(10_000), Fen(3_050)));
}

#[test]
fn toml_ledger_file_errors_have_line_and_column() {
    let s = site();
    let t = "[[rows]]\ndate = 2026-10-08\nvoucher = \"记-1001\"\nsummary = \"收土地承包费\"\nincome = \"1,200.00\"\n\n[[rows]]\ndate = 2026-10-09\nvoucher = \"记-1002\"\nsummery = \"x\"\nexpense = 12.345\n\n[[rows]]\ndate = \"2026-11-31\"\nvoucher = \"记-1003\"\nsummary = \"y\"\nexpense = 88.5\n";
    std::fs::write(s.dir.join("l.toml"), t).unwrap();
    let (f, d) = run(&s, "ledger = \"l.toml\"\nopening_balance = 10.5\n");
    let p = "content/finance/t/l.toml";
    assert_eq!(
        errors(&d),
        vec![
            format!("{p}:10:1: [[rows]] 中有未知的键 “summery”，是不是 “summary”？"),
            format!("{p}:11:11: expense \"12.345\" 不是有效金额（小数超过两位（金额精确到分））"),
            format!(
                "{p}:14:8: date \"2026-11-31\" 不是有效日期，应写作 2026-07-03 或 2026年7月3日"
            ),
        ]
    );
    let f = f.unwrap();
    assert_eq!(f.totals.opening, Fen(1050)); // TOML float re-read from its text
    assert_eq!(f.rows.len(), 1);
    // Syntax errors point into the file.
    std::fs::write(s.dir.join("bad.toml"), "[[rows]]\ndate = \n").unwrap();
    let (_, d) = run(&s, "ledger = \"bad.toml\"\n");
    assert!(errors(&d)[0].starts_with("content/finance/t/bad.toml:2:"), "{:?}", errors(&d));
}

#[test]
fn inline_rows_point_into_the_posting() {
    let s = site();
    let fm = "opening_balance = \"100.00\"\nclosing_balance = \"90.00\"\n[ledger]\nflie = \"x\"\n[[ledger.rows]]\n\"日期\" = 2026-10-08\n\"凭证号\" = \"记-1\"\n\"摘要\" = \"办公用品\"\n\"支出\" = \"10.00\"\n[[ledger.rows]]\ndate = 2026-10-09\nvoucher = \"记-2\"\nsummary = \"x\"\nincome = \"1.0O\"\n";
    let (f, d) = run(&s, fm);
    let p = "content/finance/t/index.md";
    assert_eq!(
        errors(&d),
        vec![
            format!("{p}:5:1: [ledger] 中有未知的键 “flie”，是不是 “file”？"),
            format!("{p}:15:10: income \"1.0O\" 不是有效金额（含有非数字字符“O”）"),
        ]
    );
    let f = f.unwrap();
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.rows[0].balance, Fen(9000));
    assert!(f.source_file.is_none());
}

#[test]
fn identities_name_the_difference() {
    let s = site();
    std::fs::write(s.dir.join("l.csv"), CSV_OK).unwrap();
    let (_, d) = run(
        &s,
        "ledger = \"l.csv\"\nopening_balance = \"1,000.00\"\nincome_total = \"15,000.50\"\nexpense_total = \"1,800.00\"\nclosing_balance = \"14,700.00\"\n",
    );
    let p = "content/finance/t/index.md";
    assert_eq!(
        errors(&d),
        vec![
            format!(
                "{p}:4:16: 收入合计填写为 15,000.50 元，但逐笔合计为 15,500.50 元，相差 500.00 元"
            ),
            format!(
                "{p}:6:19: 期末余额不符：期初 1,000.00 + 收入 15,500.50 − 支出 1,800.00 = 14,700.50 元，但填写的期末余额是 14,700.00 元，相差 0.50 元"
            ),
        ]
    );
    // The message is data naming which total, so English names it too (it used to get 收入合计).
    let total = d.iter().find(|x| x.message.code() == "ledger.total-mismatch").unwrap();
    let expected: crate::diagnostic::Msg = LedgerError::TotalMismatch {
        what: crate::ledger::Total::Income,
        declared: Fen(1_500_050),
        computed: Fen(1_550_050),
    }
    .into();
    assert_eq!(total.message, expected);
    assert_eq!(
        total.message.en(),
        "income_total declared 15,000.50 but rows add up to 15,500.50, difference 500.00 yuan"
    );
    // Without a ledger the declared totals must still add up.
    let (f, d) = run(
        &s,
        "opening_balance = \"10\"\nincome_total = \"5\"\nexpense_total = \"3\"\nclosing_balance = \"11\"\n",
    );
    assert_eq!(errors(&d).len(), 1, "{:?}", errors(&d));
    assert_eq!(f.unwrap().totals.closing, Fen(1200));
    // No finance keys: nothing.
    let (f, d) = run(&s, "");
    assert!(f.is_none() && d.is_empty());
}

#[test]
fn balance_column_is_checked() {
    let s = site();
    std::fs::write(
        s.dir.join("l.csv"),
        "日期,凭证号,摘要,收入,支出,余额\n2026-07-01,1,a,100,,200.00\n2026-07-02,2,b,,30,171.00\n2026-07-03,3,c,,1,169.00\n",
    )
    .unwrap();
    let (_, d) = run(&s, "ledger = \"l.csv\"\nopening_balance = \"100\"\n");
    assert_eq!(
        errors(&d),
        vec!["content/finance/t/l.csv:F3: 余额 171.00 与逐笔计算的余额 170.00 不符，相差 1.00 元"]
    );
}

fn key(posting: &str, period: &str, opening: i64, income: i64, expense: i64) -> SeriesKey {
    let (from, to) = parse_period(period).unwrap();
    SeriesKey {
        series: "村集体现金日记账".into(),
        posting: posting.into(),
        period: Period { from, to, text: period.into() },
        opening: Fen(opening),
        income: Fen(income),
        expense: Fen(expense),
        closing: Fen(opening + income - expense),
        opening_at: Some((7, 19)),
        first_year_total: None,
        carried: None,
    }
}

#[test]
fn series_chain_gaps_and_year_to_date() {
    let items = vec![
        key("q3.md", "2026年第三季度", 500, 100, 50),
        key("q1.md", "2026年第一季度", 1000, 200, 700),
        key("q2.md", "2026年第二季度", 500, 0, 0),
        key("m11.md", "2026年11月", 551, 1, 1),
    ];
    let d = check_series(&items);
    let out: Vec<String> =
        d.iter().map(|d| format!("{}: {}", d.location(), d.message.zh())).collect();
    assert_eq!(
        out,
        vec![
            "m11.md:7:19: “2026年第三季度”与“2026年11月”之间缺少一期（自 2026年10月1日 起）",
            "m11.md:7:19: 期初余额 5.51 元与上一期（2026年第三季度，q3.md）的期末余额 5.50 元不一致，相差 0.01 元",
        ]
    );
    assert!(d[0].severity == Severity::Warning && d[1].is_error());
    let ytd = year_to_date(&items);
    assert_eq!((ytd[0].income, ytd[0].expense), (Fen(300), Fen(750)));
    assert_eq!((ytd[1].income, ytd[1].expense), (Fen(200), Fen(700)));
    assert_eq!(ytd[3].income, Fen(301));
    // Overlap
    let d = check_series(&[key("a", "2026年7月", 0, 0, 0), key("b", "2026年第三季度", 0, 0, 0)]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message.code(), "ledger.series-overlap");
}

#[test]
fn periods() {
    let p =
        |s| parse_period(s).map(|(a, b)| (crate::date::format_iso(a), crate::date::format_iso(b)));
    let r = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
    assert_eq!(p("2026年第三季度"), r("2026-07-01", "2026-09-30"));
    assert_eq!(p("2026年第1季度"), r("2026-01-01", "2026-03-31"));
    assert_eq!(p("2026年四季度"), r("2026-10-01", "2026-12-31"));
    assert_eq!(p("2026年2月"), r("2026-02-01", "2026-02-28"));
    assert_eq!(p("2026年十二月"), r("2026-12-01", "2026-12-31"));
    assert_eq!(p("2026年10-11月"), r("2026-10-01", "2026-11-30"));
    assert_eq!(p("2026年上半年"), r("2026-01-01", "2026-06-30"));
    assert_eq!(p("2026年度"), r("2026-01-01", "2026-12-31"));
    assert_eq!(p("2026-Q3"), r("2026-07-01", "2026-09-30"));
    assert_eq!(p("2026年第五季度"), None);
    assert_eq!(p("三季度"), None);
    let s = site();
    let (f, d) = run(&s, "period = \"秋季\"\nopening_balance = \"1\"\n");
    assert_eq!(warnings(&d).len(), 1);
    assert!(f.unwrap().period.is_none());
}

#[test]
fn budget_sources_must_add_up() {
    let s = site();
    let fm = "[budget]\ntotal = \"800,000.00\"\n[[budget.items]]\nitem = \"路基\"\namount = \"300,000.00\"\n[[budget.items]]\nitem = \"路面\"\namount = \"450,000.00\"\n[[budget.sources]]\nsource = \"财政奖补\"\namount = \"200,000\"\n[[budget.sources]]\nsource = \"村集体\"\namount = \"180,000\"\n[[budget.sources]]\nsource = \"一事一议筹资\"\namount = \"70,000\"\nsoruce = \"x\"\n";
    let (f, d) = run(&s, fm);
    let e = errors(&d);
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e.iter().any(|e| e.contains(
            "资金来源合计 45.00 万元与总投资 80.00 万元不符，缺口 35.00 万元（350,000.00 元）"
        )),
        "{e:?}"
    );
    assert!(
        e.iter().any(|e| e
            .contains("预算项目合计 750,000.00 元与总投资 800,000.00 元不符，相差 50,000.00 元")),
        "{e:?}"
    );
    assert!(e.iter().any(|e| e.contains("“soruce”，是不是 “source”")), "{e:?}");
    let b = f.unwrap().budget.unwrap();
    assert_eq!(b.gap, parse_amount("350,000").unwrap());
}

#[test]
fn budget_vs_actual() {
    let s = site();
    let fm = "[budget]\ntotal = \"1,000\"\nitems = [{ item = \"路基\", amount = \"600\" }, { item = \"路面\", amount = \"400\" }]\nsources = [{ source = \"财政\", amount = \"1000\" }]\n[ledger]\nrows = [\n  { date = 2026-05-01, voucher = \"1\", summary = \"土方\", category = \"路基\", expense = \"550\" },\n  { date = 2026-05-02, voucher = \"2\", summary = \"水泥\", category = \"路面\", expense = \"420.5\" },\n  { date = 2026-05-03, voucher = \"3\", summary = \"茶水\", category = \"杂项\", expense = \"20\" },\n]\n";
    let (f, d) = run(&s, fm);
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert_eq!(warnings(&d).len(), 2, "{:?}", warnings(&d)); // opening missing, 杂项 unmatched
    let b = f.unwrap().budget.unwrap();
    assert_eq!(b.items[0].actual, Some(Fen(55_000)));
    assert_eq!(b.items[0].difference, Some(Fen(5_000)));
    assert_eq!(b.items[1].difference, Some(Fen(-2_050)));
    assert_eq!(b.actual_total, Some(Fen(97_050)));
}

#[test]
fn chart_csv_and_json() {
    let s = site();
    std::fs::write(s.dir.join("l.csv"), CSV_OK.replace("2026-07-02", "2026-08-02")).unwrap();
    let (f, _) =
        run(&s, "ledger = \"l.csv\"\nperiod = \"2026年第三季度\"\nopening_balance = \"1000\"\n");
    let f = f.unwrap();
    let svg = chart_svg(&f);
    assert_eq!(svg, chart_svg(&f));
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(
        svg.contains(r#"role="img""#)
            && svg.contains(
                "<title id=\"ledger-chart-title\">2026年第三季度 收支情况（按月份）</title>"
            ),
        "{svg}"
    );
    assert!(svg.contains(r#"viewBox="0 0 640 320""#) && !svg.contains("script"));
    assert!(svg.contains("7月：收入¥12,000.00，支出¥1,800.00"), "{svg}");
    let csv = to_csv(&f);
    assert!(csv.starts_with("\u{feff}日期,凭证号,摘要,科目,收入,支出,余额,经办人,备注\n2026-07-01,记-0701,收土地承包费,承包收入,12000.00,,13000.00,张会计,\n"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&to_json(&f)).unwrap();
    assert_eq!(json["totals"]["income"]["fen"], 1_550_050);
    assert_eq!(json["totals"]["income"]["text"], "15,500.50");
    assert_eq!(json["rows"][0]["date"], "2026-07-01");
    assert_eq!(json["rows"][0]["expense"], serde_json::Value::Null);
    assert_eq!(json["period"]["to"], "2026-09-30");
    let empty = Finance { rows: vec![], by_month: vec![], by_category: vec![], ..f };
    assert!(chart_svg(&empty).contains("无收支数据"));
}

#[test]
fn unsafe_paths_and_missing_files() {
    let s = site();
    let (_, d) = run(&s, "ledger = \"../../secret.csv\"\n");
    assert!(errors(&d)[0].contains("必须放在网站目录之内"), "{:?}", errors(&d));
    let (_, d) = run(&s, "ledger = \"nope.csv\"\n");
    assert!(
        errors(&d)[0].starts_with(
            "content/finance/t/index.md:2:10: 无法读取账本文件 content/finance/t/nope.csv"
        ),
        "{:?}",
        errors(&d)
    );
    let (_, d) = run(&s, "ledger = \"x.pdf\"\n");
    assert!(!errors(&d).is_empty());
}

/// Loads a real posting file: front matter between `+++` lines.
pub(crate) fn load_posting(root: &Path, rel: &str) -> (Option<Finance>, Vec<Diagnostic>) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = 4;
    let end = start + text[start..].find("\n+++").unwrap() + 1;
    let src = SourceText::new(rel, text, start, end);
    let parsed: Fm = toml::from_str(src.toml()).unwrap();
    let input = FinanceInput {
        ledger: parsed.ledger,
        opening_balance: parsed.opening_balance,
        year_to_date_carried: None,
        closing_balance: parsed.closing_balance,
        income_total: parsed.income_total,
        expense_total: parsed.expense_total,
        series: parsed.series,
        period: parsed.period.map(|p| PeriodSpec {
            span: Some(p.span()),
            text: p.into_inner(),
            ..PeriodSpec::default()
        }),
        budget: parsed.budget,
    };
    load(&input, path.parent().unwrap(), root, &src, &LedgerConfig::default())
}

#[test]
fn example_village_ledgers_load_and_chain() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut keys = Vec::new();
    for q in ["2026-q1", "2026-q2", "2026-q3", "2026-q4"] {
        let rel = format!("content/finance/{q}/index.md");
        let (f, d) = load_posting(root, &rel);
        assert!(
            d.is_empty(),
            "{rel}: {:?}",
            d.iter().map(|d| d.render(Lang::Zh)).collect::<Vec<_>>()
        );
        let f = f.unwrap();
        assert!(f.rows.len() >= 40, "{rel}: {}", f.rows.len());
        keys.push(f.series_key(&rel).unwrap());
    }
    assert!(check_series(&keys).is_empty());
    let ytd = year_to_date(&keys);
    assert_eq!(ytd[3].income, keys.iter().map(|k| k.income).sum::<Fen>());

    let (f, d) = load_posting(root, "content/finance/2026-road-budget/index.md");
    assert!(d.is_empty(), "{:?}", d.iter().map(|d| d.render(Lang::Zh)).collect::<Vec<_>>());
    let b = f.unwrap().budget.unwrap();
    assert_eq!(b.sources_total, b.total);
    assert_eq!(crate::money::format_wan(b.actual_total.unwrap(), 2), "77.17");
    assert_eq!(crate::money::format_wan(b.difference_total.unwrap(), 2), "2.83");
}

#[test]
fn xlsx_total_rows_are_checked_at_their_cell_and_the_opening_row_is_read() {
    let s = site();
    let rows = vec![
        header(),
        vec![X::E, X::E, X::S("上月结转"), X::E, X::E, X::E],
        vec![X::D(2026, 7, 1), X::S("记-1"), X::S("收承包费"), X::N(1200.0), X::E, X::E],
        vec![X::D(2026, 7, 9), X::S("记-2"), X::S("付电费"), X::E, X::N(200.5), X::E],
        vec![X::E, X::E, X::S("本月合计"), X::N(1200.0), X::N(205.0), X::E],
    ];
    write_xlsx(&s.dir.join("l.xlsx"), "七月", &rows);
    let (f, d) = run(&s, "ledger = \"l.xlsx\"\nopening_balance = \"10\"\n");
    assert_eq!(
        errors(&d),
        vec![
            "content/finance/t/l.xlsx:七月!E5: “本月合计”的支出 205.00 元与上面 2 笔逐笔相加的 200.50 元不符，相差 4.50 元：请改为 200.50"
        ]
    );
    // The 上月结转 row has no figure: the front matter's opening balance is used.
    assert_eq!(f.unwrap().totals.closing, Fen(100_950));
}
