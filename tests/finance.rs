//! 财务公开 end to end: the rendered ledger tables against the ledger data, open data, every
//! ledger format and every ledger error through the real binary, the finance section's list of
//! periods and the money template filters.

mod common;
use common::*;
use gongkai::money::{Fen, format_money, format_plain, format_yuan, parse_amount, to_upper_rmb};
use std::path::Path;

const SITE_TOML: &str = "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\n\
base_url = \"https://example.org/ceshi/\"\nsections = [\"village\", \"party\", \"finance\"]\n\n\
[contact]\nphone = \"0571-0000 0000\"\ncommittee = \"测试村村务监督委员会\"\n\n\
[signoff]\nrequired = false\n";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A site with only a finance section (plus empty village/party sections).
fn mini(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.toml", SITE_TOML);
    for (id, title) in [("village", "村务公开"), ("party", "党务公开"), ("finance", "财务公开")]
    {
        write(
            dir.path(),
            &format!("content/{id}/_index.md"),
            format!("+++\ntitle = \"{title}\"\n+++\n"),
        );
    }
    for (rel, bytes) in files {
        write(dir.path(), rel, bytes);
    }
    dir
}

fn ok(root: &Path, today: &str) -> std::process::Output {
    let o = build(root, today, &[]);
    assert!(o.status.success(), "build at {today} failed:\n{}", stderr(&o));
    o
}

fn cells(row: scraper::ElementRef<'_>) -> Vec<String> {
    row.select(&sel("td, th")).map(|c| c.text().collect::<String>().trim().to_string()).collect()
}

/// The detail rows of a page's ledger table (without the opening row).
fn ledger_rows(doc: &scraper::Html) -> Vec<Vec<String>> {
    doc.select(&sel(".ledger-table tbody tr:not(.opening-row)")).map(cells).collect()
}

/// `(label, figure, 大写)` of each row of the summary table.
fn summary(doc: &scraper::Html) -> Vec<(String, String, String)> {
    doc.select(&sel(".ledger-summary tbody tr"))
        .map(|r| {
            let c = cells(r);
            (c[0].clone(), c[1].clone(), c[2].clone())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The example site's four periods.

const QUARTERS: [&str; 4] = ["2026-q1", "2026-q2", "2026-q3", "2026-q4"];

/// The ledgers of the example site as the library reads them, by posting source.
fn example_ledgers(root: &Path) -> Vec<(String, gongkai::ledger::Finance)> {
    let site = gongkai::load::load(
        root,
        gongkai::load::LoadOptions {
            today: "2026-12-05".parse().unwrap(),
            include_unpublished: false,
        },
    )
    .unwrap();
    let (finances, diags) = gongkai::ledger::stage::run(&site);
    assert!(diags.iter().all(|d| !d.is_error()));
    site.postings.iter().zip(finances).filter_map(|(p, f)| Some((p.source.clone(), f?))).collect()
}

/// The declared front matter value of `key` in a posting (the clerk's own figure).
fn declared(root: &Path, q: &str, key: &str) -> Fen {
    let text = std::fs::read_to_string(root.join(format!("content/finance/{q}/index.md"))).unwrap();
    let line = text.lines().find(|l| l.starts_with(&format!("{key} = "))).unwrap();
    parse_amount(line.split('"').nth(1).unwrap()).unwrap()
}

#[test]
fn example_quarters_render_exactly_the_ledger() {
    let site = example_site();
    let root = site.path();
    let out = root.join("public");
    ok(root, "2026-12-05");
    let ledgers = example_ledgers(root);
    let mut previous_closing = None;
    for q in QUARTERS {
        let (_, f) = ledgers
            .iter()
            .find(|(src, _)| src.contains(&format!("finance/{q}/")))
            .unwrap_or_else(|| panic!("no ledger for {q}"));
        let doc = html(&out.join(format!("finance/{q}/index.html")));

        // Every row: date, voucher, summary, 科目, income, expense, running balance.
        let rows = ledger_rows(&doc);
        assert!(rows.len() > 10, "{q}: {} rows", rows.len());
        assert_eq!(rows.len(), f.rows.len(), "{q}");
        let mut balance = f.totals.opening;
        for (html_row, r) in rows.iter().zip(&f.rows) {
            balance = balance + r.income.unwrap_or_default() - r.expense.unwrap_or_default();
            assert_eq!(r.balance, balance, "{q}: library running balance");
            let want = [
                gongkai::date::format_iso(r.date),
                r.voucher.clone(),
                r.summary.clone(),
                r.category.clone().unwrap_or_default(),
                r.income.map(format_yuan).unwrap_or_default(),
                r.expense.map(format_yuan).unwrap_or_default(),
                format_yuan(balance),
            ];
            assert_eq!(html_row, &want, "{q}");
        }
        let opening = cells(doc.select(&sel(".ledger-table .opening-row")).next().unwrap());
        assert_eq!(opening[2], "期初余额");
        assert_eq!(opening[6], format_yuan(f.totals.opening));

        // The summary agrees with the clerk's declared figures, with the 大写 of each.
        let t = f.totals;
        assert_eq!(t.closing, balance);
        assert_eq!(t.opening, declared(root, q, "opening_balance"));
        assert_eq!(t.income, declared(root, q, "income_total"));
        assert_eq!(t.expense, declared(root, q, "expense_total"));
        assert_eq!(t.closing, declared(root, q, "closing_balance"));
        let s = summary(&doc);
        let expect = [
            ("期初余额", t.opening),
            ("本期收入合计", t.income),
            ("本期支出合计", t.expense),
            ("期末余额", t.closing),
        ];
        for (i, (label, fen)) in expect.iter().enumerate() {
            assert_eq!(s[i], (label.to_string(), format_money(*fen), to_upper_rmb(*fen)), "{q}");
        }
        let foot = cells(doc.select(&sel(".ledger-table tfoot tr")).next().unwrap());
        assert_eq!(
            foot[1..],
            [format_yuan(t.income), format_yuan(t.expense), format_yuan(t.closing)]
        );
        // The periods are chained.
        if let Some(prev) = previous_closing {
            assert_eq!(t.opening, prev, "{q} opens with the previous closing balance");
        }
        previous_closing = Some(t.closing);
        // 本年累计 after the four periods' rows.
        assert!(s[4].0.ends_with("年累计收入"), "{q}: {:?}", s);
    }
    // Year to date on the last period: all four periods' income.
    let q4 = html(&out.join("finance/2026-q4/index.html"));
    let total_income: Fen = ledgers
        .iter()
        .filter(|(src, _)| QUARTERS.iter().any(|q| src.contains(q)))
        .map(|(_, f)| f.totals.income)
        .sum();
    assert_eq!(
        summary(&q4)[4],
        ("2026年累计收入".to_string(), format_money(total_income), to_upper_rmb(total_income))
    );
}

/// The CSV files' own 余额 column (written by the accounting software) equals the rendered
/// balances: an oracle independent of gongkai's reader. Q2 is GBK, Q3 UTF-8.
#[test]
fn example_csv_balances_match_the_rendered_balances() {
    let site = example_site();
    let root = site.path();
    ok(root, "2026-12-05");
    for (q, gbk) in [("2026-q2", true), ("2026-q3", false)] {
        let bytes = std::fs::read(root.join(format!("content/finance/{q}/ledger.csv"))).unwrap();
        let text = if gbk {
            assert!(std::str::from_utf8(&bytes).is_err(), "{q} is GBK");
            let (t, _, bad) = encoding_rs::GBK.decode(&bytes);
            assert!(!bad);
            t.into_owned()
        } else {
            String::from_utf8(bytes).unwrap()
        };
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let headers = rdr.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (date, income, expense, bal) = (col("日期"), col("收入"), col("支出"), col("余额"));
        let file_rows: Vec<[String; 4]> = rdr
            .records()
            .map(|r| r.unwrap())
            .filter(|r| gongkai::date::parse_date(&r[date]).is_some())
            .map(|r| {
                let money = |i: usize| {
                    if r[i].trim().is_empty() {
                        String::new()
                    } else {
                        format_yuan(parse_amount(&r[i]).unwrap())
                    }
                };
                [r[date].to_string(), money(income), money(expense), money(bal)]
            })
            .collect();
        let doc = html(&root.join(format!("public/finance/{q}/index.html")));
        let rendered: Vec<[String; 4]> = ledger_rows(&doc)
            .into_iter()
            .map(|c| [c[0].clone(), c[4].clone(), c[5].clone(), c[6].clone()])
            .collect();
        assert_eq!(rendered, file_rows, "{q}");
    }
}

#[test]
fn open_data_carries_the_same_numbers() {
    let site = example_site();
    let root = site.path();
    let out = root.join("public");
    ok(root, "2026-12-05");
    let doc = html(&out.join("finance/2026-q3/index.html"));
    let rows = ledger_rows(&doc);
    // The page links to both files.
    let links: Vec<String> = doc
        .select(&sel(".downloads a"))
        .map(|a| percent_decode(a.value().attr("href").unwrap()))
        .collect();
    assert!(links.contains(&"../../data/finance/2026-q3.csv".to_string()), "{links:?}");
    assert!(links.contains(&"../../data/finance/2026-q3.json".to_string()), "{links:?}");

    assert!(links.contains(&"../../data/finance/2026-q3.xlsx".to_string()), "{links:?}");
    let text = std::fs::read_to_string(out.join("data/finance/2026-q3.csv")).unwrap();
    // Excel on Chinese Windows needs the byte-order mark to read UTF-8.
    assert!(text.starts_with('\u{feff}'), "no BOM");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        ["日期", "凭证号", "摘要", "科目", "收入", "支出", "余额", "经办人", "备注"]
    );
    let data: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(data.len(), rows.len());
    let plain =
        |s: &str| if s.is_empty() { String::new() } else { format_plain(parse_amount(s).unwrap()) };
    for (d, h) in data.iter().zip(&rows) {
        assert_eq!([&d[0], &d[1], &d[2], &d[3]], [&h[0], &h[1], &h[2], &h[3]]);
        assert_eq!(
            [d[4].to_string(), d[5].to_string(), d[6].to_string()],
            [plain(&h[4]), plain(&h[5]), plain(&h[6])]
        );
    }

    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("data/finance/2026-q3.json")).unwrap(),
    )
    .unwrap();
    let jrows = json["rows"].as_array().unwrap();
    assert_eq!(jrows.len(), rows.len());
    for (j, h) in jrows.iter().zip(&rows) {
        assert_eq!(j["date"], h[0].as_str());
        assert_eq!(j["voucher"], h[1].as_str());
        assert_eq!(j["balance"]["text"], h[6].as_str());
        let fen = j["balance"]["fen"].as_i64().unwrap();
        assert_eq!(format_yuan(Fen(fen)), h[6]);
    }
    let closing = Fen(json["totals"]["closing"]["fen"].as_i64().unwrap());
    assert_eq!(closing, parse_amount("449,845.60").unwrap());
    assert_eq!(summary(&doc)[3].1, format_money(closing));
    assert_eq!(json["period"]["from"], "2026-07-01");
    assert_eq!(json["period"]["to"], "2026-09-30");

    // The .xlsx: the same entries, amounts as numbers, between an opening and a 合计 row.
    use calamine::{Data, Reader as _};
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(out.join("data/finance/2026-q3.xlsx")).unwrap();
    let sheet = wb.worksheet_range("收支明细").unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(cells[0][0], Data::String("日期".into()));
    assert_eq!(cells.len(), rows.len() + 3, "header, opening, entries, total");
    for (x, h) in cells[2..].iter().zip(&rows) {
        assert_eq!(x[1], Data::String(h[1].clone()));
        assert_eq!(x[2], Data::String(h[2].clone()));
        let bal = parse_amount(&h[6]).unwrap().0 as f64 / 100.0;
        assert_eq!(x[6], Data::Float(bal), "{h:?}");
    }
    assert_eq!(cells.last().unwrap()[2], Data::String("本期合计".into()));
}

// ---------------------------------------------------------------------------------------------
// Every ledger format through the binary.

/// The same three transactions in every format.
const ROWS: [(&str, &str, &str, &str, &str, &str); 3] = [
    ("2026-07-01", "记-0701", "收土地承包费", "承包收入", "12,000.00", ""),
    ("2026-07-03", "记-0702", "保洁员工资", "保洁费", "", "1,800.00"),
    ("2026-07-15", "记-0703", "光伏收益分红", "光伏收益", "3,500.50", ""),
];

const EXPECTED: [[&str; 7]; 3] = [
    ["2026-07-01", "记-0701", "收土地承包费", "承包收入", "12,000.00", "", "13,000.00"],
    ["2026-07-03", "记-0702", "保洁员工资", "保洁费", "", "1,800.00", "11,200.00"],
    ["2026-07-15", "记-0703", "光伏收益分红", "光伏收益", "3,500.50", "", "14,700.50"],
];

fn finance_posting(title: &str, ledger: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-10-09\nkind = \"财务收支\"\nperiod = \"2026年第三季度\"\n\
         opening_balance = \"1,000.00\"\nincome_total = \"15,500.50\"\nexpense_total = \"1,800.00\"\n\
         closing_balance = \"14,700.50\"\n{ledger}+++\n\n本季度收支如下。\n"
    )
}

fn csv_text(rows: &[(&str, &str, &str, &str, &str, &str)]) -> String {
    let mut s = String::from("日期,凭证号,摘要,科目,收入,支出\n");
    for (d, v, sm, c, i, e) in rows {
        let q = |x: &str| if x.contains(',') { format!("\"{x}\"") } else { x.to_string() };
        s.push_str(&format!("{d},{v},{sm},{c},{},{}\n", q(i), q(e)));
    }
    s
}

fn toml_rows(prefix: &str) -> String {
    ROWS.iter()
        .map(|(d, v, s, c, i, e)| {
            let amount = if i.is_empty() { format!("expense = \"{e}\"") } else { format!("income = \"{i}\"") };
            format!("[[{prefix}rows]]\ndate = {d}\nvoucher = \"{v}\"\nsummary = \"{s}\"\ncategory = \"{c}\"\n{amount}\n\n")
        })
        .collect()
}

/// An xlsx ledger with a title row, the header and `rows` (amounts as numbers unless `text`).
fn xlsx(sheet: &str, rows: &[(&str, &str, &str, &str, &str, &str)]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(0, 0, "测试村现金日记账").unwrap();
    for (c, h) in ["日期", "凭证号", "摘要", "科目", "收入", "支出"].iter().enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let epoch = jiff::civil::date(1899, 12, 30);
    for (i, (d, v, s, c, inc, exp)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        let date: jiff::civil::Date = d.parse().unwrap();
        ws.write_number_with_format(r, 0, (date - epoch).get_days() as f64, &date_fmt).unwrap();
        ws.write_string(r, 1, *v).unwrap();
        ws.write_string(r, 2, *s).unwrap();
        ws.write_string(r, 3, *c).unwrap();
        for (col, amount) in [(4u16, inc), (5, exp)] {
            if amount.is_empty() {
                continue;
            }
            match parse_amount(amount) {
                // Numbers as Excel stores them; unparsable text stays text.
                Ok(f) => {
                    ws.write_number(r, col, f.0 as f64 / 100.0).unwrap();
                }
                _ => {
                    ws.write_string(r, col, *amount).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn formats_site() -> tempfile::TempDir {
    let csv = csv_text(&ROWS);
    let (gbk, _, bad) = encoding_rs::GBK.encode(&csv);
    assert!(!bad);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(csv.as_bytes());
    let inline = format!("\n[ledger]\n{}", toml_rows("ledger."));
    let files: Vec<(String, Vec<u8>)> = vec![
        (
            "content/finance/xlsx/index.md".into(),
            finance_posting("xlsx 账表", "ledger = \"ledger.xlsx\"\n").into_bytes(),
        ),
        ("content/finance/xlsx/ledger.xlsx".into(), xlsx("三季度", &ROWS)),
        (
            "content/finance/gbk/index.md".into(),
            finance_posting("GBK 账表", "ledger = \"ledger.csv\"\n").into_bytes(),
        ),
        ("content/finance/gbk/ledger.csv".into(), gbk.into_owned()),
        (
            "content/finance/bom/index.md".into(),
            finance_posting("BOM 账表", "ledger = \"ledger.csv\"\n").into_bytes(),
        ),
        ("content/finance/bom/ledger.csv".into(), bom),
        (
            "content/finance/toml/index.md".into(),
            finance_posting("TOML 账表", "ledger = \"ledger.toml\"\n").into_bytes(),
        ),
        ("content/finance/toml/ledger.toml".into(), toml_rows("").into_bytes()),
        ("content/finance/inline.md".into(), finance_posting("内嵌账表", &inline).into_bytes()),
    ];
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(a, b)| (a.as_str(), b.as_slice())).collect();
    mini(&refs)
}

#[test]
fn every_ledger_format_renders_the_same_table() {
    let site = formats_site();
    let out = site.path().join("public");
    assert!(
        std::str::from_utf8(
            &std::fs::read(site.path().join("content/finance/gbk/ledger.csv")).unwrap()
        )
        .is_err()
    );
    let o = ok(site.path(), "2026-10-09");
    assert!(!stderr(&o).contains("警告"), "{}", stderr(&o));
    for page in [
        "xlsx/index.html",
        "gbk/index.html",
        "bom/index.html",
        "toml/index.html",
        "inline/index.html",
    ] {
        let doc = html(&out.join("finance").join(page));
        let rows = ledger_rows(&doc);
        assert_eq!(rows, EXPECTED.map(|r| r.map(str::to_string)).to_vec(), "{page}");
        let s = summary(&doc);
        let closing = ("期末余额", "¥14,700.50", "人民币壹万肆仟柒佰元伍角整");
        assert_eq!((s[3].0.as_str(), s[3].1.as_str(), s[3].2.as_str()), closing, "{page}");
        // The original file is offered for download next to the page (not for inline rows).
        let download = doc.select(&sel(".downloads a")).next().unwrap();
        if page == "inline/index.html" {
            assert_eq!(download.text().collect::<String>(), "Excel 表格");
        } else {
            assert_eq!(download.text().collect::<String>(), "原始账表");
            let href = download.value().attr("href").unwrap();
            assert!(
                out.join("finance").join(page).parent().unwrap().join(href).is_file(),
                "{href}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors, each with its exact location; a failed build leaves public/ alone.

fn assert_fails(site: &Path, edit: impl Fn(&Path), expected: &[&str]) {
    let out = site.join("public");
    ok(site, "2026-10-09");
    let before = tree(&out);
    assert!(!before.is_empty());
    edit(site);
    let o = build(site, "2026-10-09", &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(err.contains("生成失败：共 1 个错误"), "{err}");
    assert!(err.contains("已发布的内容没有改动"), "{err}");
    assert_eq!(before, tree(&out), "public/ changed after a failed build");
}

type Row6 = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

/// Adds a new posting `content/finance/new/` with a ledger file (a published posting may not be
/// changed silently, so each bad ledger comes as a new posting).
fn add_posting(r: &Path, file: &str, bytes: &[u8]) {
    let posting = finance_posting("新一期财务公开", &format!("ledger = \"{file}\"\n"));
    write(r, "content/finance/new/index.md", posting);
    write(r, &format!("content/finance/new/{file}"), bytes);
}

/// A ledger with 14 filler rows so that the 15th data row lands on spreadsheet row 17 (title
/// row, header row, then rows 3..).
fn long_rows(bad: (&'static str, &'static str)) -> Vec<Row6> {
    let mut rows =
        vec![("2026-07-01", "记-0701", "收土地承包费", "承包收入", "12,000.00", ""); 14];
    rows.push(("2026-07-09", "记-0715", "村级组织运转经费", "补助收入", bad.0, bad.1));
    rows
}

#[test]
fn bad_amount_in_xlsx_names_the_sheet_and_cell() {
    assert_fails(
        mini(&[]).path(),
        |r| add_posting(r, "ledger.xlsx", &xlsx("三季度", &long_rows(("12,3O0.00", "")))),
        &[
            "content/finance/new/ledger.xlsx:三季度!E17: 错误: 收入 \"12,3O0.00\" 不是有效金额（含有非数字字符“O”）",
        ],
    );
}

/// A new posting whose UTF-8 (with BOM) CSV has `row` as its second data row (line 3).
fn csv_with(row: Row6) -> impl Fn(&Path) {
    move |r: &Path| {
        let mut rows = ROWS.to_vec();
        rows[1] = row;
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(csv_text(&rows).as_bytes());
        add_posting(r, "ledger.csv", &bytes);
    }
}

// In `csv_text`, line 3 is the second data row; 收入 is column E and 支出 column F, which is
// how WPS or Excel shows the file to the clerk. The snippet keeps the CSV line.

#[test]
fn bad_amount_in_csv_names_line_and_column() {
    assert_fails(
        mini(&[]).path(),
        csv_with(("2026-07-03", "记-0702", "保洁员工资", "保洁费", "", "18O0.00")),
        &[
            "content/finance/new/ledger.csv:F3: 错误: 支出 \"18O0.00\" 不是有效金额（含有非数字字符“O”）",
            "3 | 2026-07-03,记-0702,保洁员工资,保洁费,,18O0.00",
        ],
    );
}

#[test]
fn bad_amount_in_gbk_csv_counts_characters() {
    assert_fails(
        mini(&[]).path(),
        |r| {
            let mut rows = ROWS.to_vec();
            rows[1].5 = "1,8OO.00";
            let text = csv_text(&rows);
            let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
            assert!(!bad);
            add_posting(r, "ledger.csv", &gbk);
        },
        // The value is quoted; the column points at its first character, in characters of the
        // decoded text (not GBK bytes).
        &[
            "content/finance/new/ledger.csv:F3: 错误: 支出 \"1,8OO.00\" 不是有效金额（含有非数字字符“O”）",
        ],
    );
}

#[test]
fn income_and_expense_in_one_row() {
    assert_fails(
        mini(&[]).path(),
        csv_with(("2026-07-03", "记-0702", "保洁员工资", "保洁费", "100.00", "1800.00")),
        &[
            "content/finance/new/ledger.csv:F3: 错误: 同一行同时填写了收入 \"100.00\" 和支出 \"1,800.00\"，请分成两行或删去一项",
        ],
    );
}

#[test]
fn negative_amount_in_the_wrong_column() {
    assert_fails(
        mini(&[]).path(),
        csv_with(("2026-07-03", "记-0702", "保洁员工资", "保洁费", "-1800.00", "")),
        &[
            "content/finance/new/ledger.csv:E3: 错误: 收入 \"-1800.00\" 是负数：请把金额填为正数并记入支出",
        ],
    );
}

#[test]
fn more_than_two_decimals() {
    assert_fails(
        mini(&[]).path(),
        csv_with(("2026-07-03", "记-0702", "保洁员工资", "保洁费", "", "1800.005")),
        &[
            "content/finance/new/ledger.csv:F3: 错误: 支出 \"1800.005\" 不是有效金额（小数超过两位（金额精确到分））",
        ],
    );
}

#[test]
fn date_outside_the_period() {
    assert_fails(
        mini(&[]).path(),
        csv_with(("2026-10-03", "记-0702", "保洁员工资", "保洁费", "", "1800.00")),
        &[
            "content/finance/new/ledger.csv:A3: 错误: 日期 2026-10-03 不在公开期间“2026年第三季度”之内",
        ],
    );
}

/// A new posting with the TOML ledger whose front matter has `from` replaced by `to`.
fn toml_posting_with(from: &'static str, to: &'static str) -> impl Fn(&Path) {
    move |r: &Path| {
        add_posting(r, "ledger.toml", toml_rows("").as_bytes());
        let p = r.join("content/finance/new/index.md");
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from));
        std::fs::write(p, text.replace(from, to)).unwrap();
    }
}

// In `finance_posting`: line 6 opening_balance, 7 income_total, 8 expense_total, 9 closing_balance.

#[test]
fn declared_closing_balance_that_does_not_add_up() {
    assert_fails(
        mini(&[]).path(),
        toml_posting_with("closing_balance = \"14,700.50\"", "closing_balance = \"14,070.50\""),
        &[
            "content/finance/new/index.md:9:19: 错误: 期末余额不符：期初 1,000.00 + 收入 15,500.50 − 支出 1,800.00 = 14,700.50 元，\
             但填写的期末余额是 14,070.50 元，相差 630.00 元",
        ],
    );
}

#[test]
fn declared_income_total_that_does_not_add_up() {
    assert_fails(
        mini(&[]).path(),
        toml_posting_with("income_total = \"15,500.50\"", "income_total = \"15,050.50\""),
        &[
            "content/finance/new/index.md:7:16: 错误: 收入合计填写为 15,050.50 元，但逐笔合计为 15,500.50 元，相差 450.00 元",
        ],
    );
}

fn quarter_posting(q: u8, opening: &str, income: &str, closing: &str) -> String {
    let month = (q - 1) * 3 + 1;
    format!(
        "+++\ntitle = \"2026年第{q}季度财务收支公开\"\ndate = 2026-{:02}-05\nperiod = \"2026年第{q}季度\"\n\
         series = \"村集体现金日记账\"\nopening_balance = \"{opening}\"\nclosing_balance = \"{closing}\"\n\n\
         [ledger]\nrows = [\n  {{ date = 2026-{month:02}-10, voucher = \"记-{q}01\", summary = \"收土地承包费\", income = \"{income}\" }},\n]\n+++\n\n正文。\n",
        month + 3
    )
}

fn series_site(quarters: &[(u8, &str, &str, &str)]) -> tempfile::TempDir {
    let files: Vec<(String, Vec<u8>)> = quarters
        .iter()
        .map(|(q, o, i, c)| {
            (format!("content/finance/2026-q{q}.md"), quarter_posting(*q, o, i, c).into_bytes())
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(a, b)| (a.as_str(), b.as_slice())).collect();
    mini(&refs)
}

#[test]
fn a_period_must_open_with_the_previous_closing_balance() {
    let site = series_site(&[(1, "1,000.00", "500.00", "1,500.00")]);
    assert_fails(
        site.path(),
        |r| {
            let q2 = quarter_posting(2, "1,550.00", "200.00", "1,750.00");
            write(r, "content/finance/2026-q2.md", q2)
        },
        &[
            // opening_balance is line 6, its value at column 19.
            "content/finance/2026-q2.md:6:19: 错误: 期初余额 1,550.00 元与上一期（2026年第1季度，content/finance/2026-q1.md）\
             的期末余额 1,500.00 元不一致，相差 50.00 元",
        ],
    );
}

#[test]
fn a_missing_quarter_is_a_warning() {
    let site = series_site(&[
        (1, "1,000.00", "500.00", "1,500.00"),
        (3, "1,500.00", "200.00", "1,700.00"),
    ]);
    let o = ok(site.path(), "2026-10-09");
    assert!(
        stderr(&o).contains(
            "content/finance/2026-q3.md:6:19: 警告: “2026年第1季度”与“2026年第3季度”之间缺少一期（自 2026年4月1日 起）"
        ),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("有 1 条提醒"), "{}", stdout(&o));
    assert!(site.path().join("public/finance/2026-q3/index.html").is_file());
}

#[test]
fn budget_sources_must_cover_the_total() {
    let budget = "+++\ntitle = \"村道硬化工程预算公开\"\ndate = 2026-10-09\nkind = \"工程预决算\"\n\n\
        [budget]\ntotal = \"800,000.00\"\n\n\
        [[budget.items]]\nitem = \"路基整理\"\namount = \"300,000.00\"\n\n\
        [[budget.items]]\nitem = \"水泥混凝土路面\"\namount = \"500,000.00\"\n\n\
        [[budget.sources]]\nsource = \"县财政奖补资金\"\namount = \"200,000.00\"\n\n\
        [[budget.sources]]\nsource = \"镇级配套资金\"\namount = \"180,000.00\"\n\n\
        [[budget.sources]]\nsource = \"村民一事一议筹资\"\namount = \"70,000.00\"\n+++\n\n总投资80万元。\n";
    assert_fails(
        mini(&[]).path(),
        |r| write(r, "content/finance/road.md", budget),
        &[
            // At the first `[[budget.sources]]` (line 17).
            "content/finance/road.md:17:1: 错误: 资金来源合计 45.00 万元与总投资 80.00 万元不符，缺口 35.00 万元（350,000.00 元）",
        ],
    );
    // With the missing 35万元 found (一事一议筹资 170,000), the budget is published.
    let site = mini(&[]);
    let good =
        budget.replacen("200,000.00", "450,000.00", 1).replacen("70,000.00", "170,000.00", 1);
    write(site.path(), "content/finance/road.md", good);
    ok(site.path(), "2026-10-09");
    let doc = html(&site.path().join("public/finance/road/index.html"));
    let foot = cells(doc.select(&sel(".budget-table tfoot tr")).next().unwrap());
    assert_eq!(foot, ["合计", "800,000.00", "80.00", "总投资 800,000.00 元（人民币捌拾万元整）"]);
}

// ---------------------------------------------------------------------------------------------
// The finance section lists its periods.

#[test]
fn finance_section_lists_periods_with_closing_balances() {
    let site = example_site();
    let out = site.path().join("public");
    ok(site.path(), "2026-12-05");
    let doc = html(&out.join("finance/index.html"));
    let rows: Vec<Vec<String>> = doc.select(&sel(".periods-table tbody tr")).map(cells).collect();
    assert_eq!(
        rows,
        [
            ["2026年第一季度", "青石村2026年第一季度财务收支公开", "343,859.20"],
            ["2026年第二季度", "青石村2026年第二季度财务收支公开", "389,763.60"],
            ["2026年第三季度", "青石村2026年第三季度财务收支公开", "449,845.60"],
            ["2026年10-11月", "青石村2026年10—11月财务收支公开", "485,717.45"],
            ["2026年5月至10月", "青石村村道硬化工程预决算公开", "28,299.50"],
        ]
        .map(|r| r.map(str::to_string))
    );
    for a in doc.select(&sel(".periods-table a")) {
        let href = percent_decode(a.value().attr("href").unwrap());
        assert!(out.join("finance").join(&href).is_file(), "{href}");
    }
    // Sections without ledgers have no such table.
    for s in ["village", "party"] {
        assert_eq!(html(&out.join(s).join("index.html")).select(&sel(".periods-table")).count(), 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Template filters.

#[test]
fn money_filters_in_a_site_template() {
    let site = mini(&[]);
    write(
        site.path(),
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"money\">{{ 123456 | money }}</p>\
         <p id=\"upper\">{{ 1640902 | money_upper }}</p><p id=\"wan\">{{ 80000000 | wan }}</p>\
         <p id=\"wan1\">{{ 80050000 | wan(1) }}</p><p id=\"neg\">{{ -50 | money_upper }}</p>{% endblock %}",
    );
    ok(site.path(), "2026-10-09");
    let doc = html(&site.path().join("public/404.html"));
    assert_eq!(text_of(&doc, "#money"), "¥1,234.56");
    assert_eq!(text_of(&doc, "#upper"), "人民币壹万陆仟肆佰零玖元零贰分");
    assert_eq!(text_of(&doc, "#wan"), "80.00");
    assert_eq!(text_of(&doc, "#wan1"), "80.1");
    assert_eq!(text_of(&doc, "#neg"), "人民币负伍角整");
}
