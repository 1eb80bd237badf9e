//! The ledger as a clerk keeps it, through the real binary: the sheet's own 本月合计 / 本年累计 /
//! 合计 rows checked against the rows they sum (error at that cell), the opening balance taken
//! from the sheet's 上月结转 row (checked against front matter and the previous period), a
//! negative running balance warned at its row, and an unreadable `opening_balance` reported once.

mod common;
use common::*;
use std::path::Path;

const SITE_TOML: &str = "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\n\
base_url = \"https://example.org/ceshi/\"\nsections = [\"finance\"]\n\n\
[contact]\nphone = \"0571-0000 0000\"\ncommittee = \"测试村村务监督委员会\"\n\n\
[signoff]\nrequired = false\n";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A site with one finance posting `content/finance/p/` whose front matter carries `extra` and
/// whose ledger is `ledger.csv` = `csv`.
fn site(extra: &str, csv: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "site.toml", SITE_TOML);
    write(r, "content/finance/_index.md", "+++\ntitle = \"财务公开\"\n+++\n");
    write(
        r,
        "content/finance/p/index.md",
        format!(
            "+++\ntitle = \"2026年财务公开\"\ndate = 2026-10-09\nkind = \"财务收支\"\n\
             ledger = \"ledger.csv\"\n{extra}+++\n\n收支如下。\n"
        ),
    );
    write(r, "content/finance/p/ledger.csv", csv);
    dir
}

fn check(root: &Path) -> (Option<i32>, String) {
    let o = gongkai()
        .arg("check")
        .arg("--root")
        .arg(root)
        .arg("--today")
        .arg("2026-10-09")
        .output()
        .unwrap();
    (o.status.code(), stderr(&o) + &stdout(&o))
}

/// The `错误:` / `警告:` headline lines of a run's output.
fn lines(out: &str, word: &str) -> Vec<String> {
    out.lines().filter(|l| l.contains(word)).map(|l| l.trim().to_string()).collect()
}

const P: &str = "content/finance/p/ledger.csv";

/// January and February with their 本月合计 and 本年累计 rows, as a clerk keeps the journal.
fn journal(jan_total_income: &str, feb_ytd_expense: &str) -> String {
    format!(
        "日期,凭证号,摘要,收入,支出,余额\n\
,,上年结转,,,\"5,000.00\"\n\
2026-01-05,记-1,收承包费,\"1,000.00\",,\"6,000.00\"\n\
2026-01-20,记-2,付保洁费,,300.00,\"5,700.00\"\n\
,,本月合计,{jan_total_income},300.00,\"5,700.00\"\n\
,,本年累计,\"1,000.00\",300.00,\"5,700.00\"\n\
2026-02-03,记-3,付电费,,200.00,\"5,500.00\"\n\
,,本月合计,,200.00,\"5,500.00\"\n\
,,本年累计,\"1,000.00\",{feb_ytd_expense},\"5,500.00\"\n"
    )
}

#[test]
fn a_journal_whose_totals_add_up_passes_and_takes_its_opening_from_the_sheet() {
    let dir = site("closing_balance = \"5,500.00\"\n", &journal("\"1,000.00\"", "500.00"));
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(lines(&out, "错误:").is_empty(), "{out}");
    // The opening came from the 上年结转 row: no "assumed 0.00" warning.
    assert!(!out.contains("opening_balance"), "{out}");
    let o = build(dir.path(), "2026-10-09", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&dir.path().join("public/finance/p/index.html"));
    let body = doc.root_element().text().collect::<String>();
    assert!(body.contains("5,000.00"), "opening balance shown");
    assert!(body.contains("5,500.00"), "closing balance shown");
}

#[test]
fn a_wrong_month_total_is_an_error_at_its_cell() {
    // 本月合计 收入 is line 5; the column is that of the figure inside the quotes.
    let dir = site("", &journal("\"1,500.00\"", "500.00"));
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        lines(&out, "错误:"),
        vec![format!(
            "{P}:D5: 错误: “本月合计”的收入 1,500.00 元与上面 2 笔逐笔相加的 1,000.00 元不符，相差 500.00 元：请改为 1,000.00"
        )],
        "{out}"
    );
}

#[test]
fn a_wrong_year_to_date_is_an_error_at_its_cell() {
    let dir = site("", &journal("\"1,000.00\"", "600.00"));
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        lines(&out, "错误:"),
        vec![format!(
            "{P}:E9: 错误: “本年累计”的支出 600.00 元与上一次本年累计加上其后各笔的 500.00 元不符，相差 100.00 元：请改为 500.00"
        )],
        "{out}"
    );
}

#[test]
fn a_wrong_balance_on_a_total_row_and_a_plain_total_are_checked() {
    let csv = "日期,凭证号,摘要,收入,支出,余额\n\
2026-07-01,记-1,a,100.00,,1100.00\n\
2026-07-02,记-2,b,,30.00,1070.00\n\
,,本季合计,100.00,30.00,1080.00\n\
,,合计,100.00,31.00,\n";
    let dir = site("opening_balance = \"1,000.00\"\n", csv);
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        lines(&out, "错误:"),
        vec![
            format!(
                "{P}:F4: 错误: “本季合计”的余额 1,080.00 元与逐笔计算的余额 1,070.00 元不符，相差 10.00 元"
            ),
            format!(
                "{P}:E5: 错误: “合计”的支出 31.00 元与上面 2 笔逐笔相加的 30.00 元不符，相差 1.00 元：请改为 30.00"
            ),
        ],
        "{out}"
    );
}

#[test]
fn the_first_year_to_date_of_a_later_quarter_is_taken_as_written() {
    // A Q3 sheet: its first 本年累计 includes Q1 and Q2 kept elsewhere; the second is checked
    // from it.
    let csv = "日期,凭证号,摘要,收入,支出\n\
2026-07-01,记-1,a,100.00,\n\
,,本月合计,100.00,\n\
,,本年累计,\"9,100.00\",800.00\n\
2026-08-01,记-2,b,50.00,\n\
,,本月合计,50.00,\n\
,,本年累计,\"9,100.00\",800.00\n";
    let dir = site("opening_balance = \"1,000.00\"\n", csv);
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        lines(&out, "错误:"),
        vec![format!(
            "{P}:D7: 错误: “本年累计”的收入 9,100.00 元与上一次本年累计加上其后各笔的 9,150.00 元不符，相差 50.00 元：请改为 9,150.00"
        )],
        "{out}"
    );
}

#[test]
fn an_opening_typed_twice_must_agree() {
    let dir = site("opening_balance = \"4,000.00\"\n", &journal("\"1,000.00\"", "500.00"));
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    let errs = lines(&out, "错误:");
    assert_eq!(errs.len(), 1, "{out}");
    assert!(
        errs[0].starts_with(
            "content/finance/p/index.md:6:19: 错误: opening_balance 填写为 4,000.00 元，但账表的上月结转/期初余额（content/finance/p/ledger.csv:F2）是 5,000.00 元"
        ),
        "{out}"
    );
}

#[test]
fn the_sheet_opening_is_checked_against_the_previous_period() {
    let dir = site(
        "series = \"现金日记账\"\nperiod = \"2026年第三季度\"\n",
        "日期,凭证号,摘要,收入,支出,余额\n,,上季结转,,,800.00\n2026-07-01,记-1,a,100.00,,900.00\n",
    );
    write(
        dir.path(),
        "content/finance/q2/index.md",
        "+++\ntitle = \"二季度\"\ndate = 2026-07-05\nkind = \"财务收支\"\nseries = \"现金日记账\"\n\
         period = \"2026年第二季度\"\nopening_balance = \"0\"\nincome_total = \"700\"\n\
         expense_total = \"0\"\n+++\n\n二季度。\n",
    );
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("期初余额 800.00 元与上一期（2026年第二季度"),
        "the sheet's opening is what the series check compares:\n{out}"
    );
}

#[test]
fn a_negative_running_balance_is_warned_at_its_row() {
    let csv = "日期,凭证号,摘要,收入,支出\n\
2026-07-01,记-1,a,,80.00\n\
2026-07-02,记-2,b,,50.00\n\
2026-07-03,记-3,c,,10.00\n\
2026-07-04,记-4,d,100.00,\n";
    let dir = site("opening_balance = \"100.00\"\n", csv);
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        lines(&out, "警告:"),
        vec![format!(
            "{P}:A3: 警告: 2026-07-02 这一笔之后余额为 -30.00 元，现金不能为负：请检查是否漏记了收入，或期初余额是否正确"
        )],
        "{out}"
    );
}

#[test]
fn an_opening_balance_in_wan_is_one_clear_error() {
    let csv = "日期,凭证号,摘要,收入,支出,余额\n2026-07-01,记-1,a,100.00,,52400.00\n";
    let dir = site("opening_balance = \"5.23万\"\nclosing_balance = \"52,400.00\"\n", csv);
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        lines(&out, "错误:"),
        vec![
            "content/finance/p/index.md:6:19: 错误: opening_balance \"5.23万\" 不是有效金额：金额以元为单位，不能写“万”，请写作 \"52,300.00\""
        ],
        "{out}"
    );
    assert!(lines(&out, "警告:").is_empty(), "no 'taken as 0.00' warning:\n{out}");
}

#[test]
fn two_bad_cells_are_two_errors() {
    let csv = "日期,凭证号,摘要,收入,支出,余额\n\
2026-07-01,记-1,a,1O0.00,,1100.00\n\
2026-07-02,记-2,b,,3O.00,1070.00\n\
2026-07-03,记-3,c,,10.00,1060.00\n\
,,本月合计,100.00,40.00,1060.00\n";
    let dir = site("opening_balance = \"1,000.00\"\nclosing_balance = \"1,060.00\"\n", csv);
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    let errs = lines(&out, "错误:");
    assert_eq!(errs.len(), 2, "{out}");
    // Named by the cell a clerk sees in WPS or Excel (issue 17), the CSV line in the snippet.
    assert!(errs[0].starts_with(&format!("{P}:D2: 错误: 收入 \"1O0.00\"")), "{out}");
    assert!(errs[1].starts_with(&format!("{P}:E3: 错误: 支出 \"3O.00\"")), "{out}");
    let caret = format!("2 | 2026-07-01,记-1,a,1O0.00,,1100.00\n  | {}^^^^^^\n", " ".repeat(18));
    assert!(out.contains(&caret), "{out}");
    // The JSON report gives the cell and the line and column.
    let o = gongkai()
        .args(["check", "--format", "json", "--today", "2026-10-09", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == P && d["cell"] == "D2")
        .expect("D2 in the JSON report");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64(), d["sheet"].as_str()),
        (Some(2), Some(18), None)
    );
}

/// A Q3 sheet of 现金日记账 after a 上半年 posting (income 9,000.00, expense 800.00): its first
/// 本年累计 must carry the half year forward plus its own rows above it.
fn mid_year(first_ytd_income: &str) -> tempfile::TempDir {
    let csv = format!(
        "日期,凭证号,摘要,收入,支出\n\
2026-07-01,记-1,a,100.00,\n\
,,本月合计,100.00,\n\
,,本年累计,{first_ytd_income},800.00\n\
2026-08-01,记-2,b,50.00,\n\
,,本月合计,50.00,\n"
    );
    let dir = site(
        "series = \"现金日记账\"\nperiod = \"2026年第三季度\"\nopening_balance = \"9,200.00\"\n",
        &csv,
    );
    write(
        dir.path(),
        "content/finance/h1/index.md",
        "+++\ntitle = \"上半年\"\ndate = 2026-07-05\nkind = \"财务收支\"\nseries = \"现金日记账\"\n\
         period = \"2026年上半年\"\nopening_balance = \"1,000.00\"\nincome_total = \"9,000.00\"\n\
         expense_total = \"800.00\"\n+++\n\n上半年。\n",
    );
    dir
}

#[test]
fn the_first_year_to_date_of_a_mid_year_sheet_carries_the_previous_periods_forward() {
    let dir = mid_year("\"9,100.00\"");
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(lines(&out, "错误:").is_empty(), "{out}");
}

#[test]
fn a_wrong_first_year_to_date_of_a_mid_year_sheet_is_an_error_with_the_expected_figure() {
    let dir = mid_year("\"9,000.00\"");
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        lines(&out, "错误:"),
        vec![format!(
            "{P}:D4: 错误: “本年累计”的收入 9,000.00 元不对：年初至2026年上半年累计 9,000.00 元，加上本表各笔 100.00 元，应为 9,100.00 元（相差 100.00 元）：请改为 9,100.00"
        )],
        "{out}"
    );
}

/// A Q3 sheet that is the first period on the board (the site started mid-year).
fn first_on_board(extra: &str, ytd_row: bool) -> tempfile::TempDir {
    let ytd = if ytd_row { ",,本年累计,\"9,100.00\",800.00\n" } else { "" };
    let csv = format!(
        "日期,凭证号,摘要,收入,支出\n\
2026-07-01,记-1,a,100.00,\n\
,,本月合计,100.00,\n\
{ytd}2026-08-01,记-2,b,50.00,\n\
,,本月合计,50.00,\n"
    );
    site(
        &format!(
            "series = \"现金日记账\"\nperiod = \"2026年第三季度\"\nopening_balance = \"9,200.00\"\n{extra}"
        ),
        &csv,
    )
}

/// The 本年累计 lines of the built page: (label, amount).
fn year_to_date_lines(root: &Path) -> Vec<(String, String)> {
    let o = build(root, "2026-10-09", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&root.join("public/finance/p/index.html"));
    doc.select(&sel("tr"))
        .filter_map(|tr| {
            let th: String = tr.select(&sel("th")).next()?.text().collect();
            let td: String = tr.select(&sel("td")).next()?.text().collect();
            th.contains("累计").then(|| (th.trim().to_string(), td.trim().to_string()))
        })
        .collect()
}

#[test]
fn a_site_started_mid_year_takes_the_carried_year_to_date_from_front_matter() {
    let carried = "year_to_date_carried = { income = \"9,000.00\", expense = \"800.00\" }\n";
    let dir = first_on_board(carried, true);
    let (code, out) = check(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(lines(&out, "错误:").is_empty(), "{out}");
    assert_eq!(
        year_to_date_lines(dir.path()),
        [
            ("2026年累计收入".to_string(), "¥9,150.00".to_string()),
            ("2026年累计支出".to_string(), "¥800.00".to_string())
        ]
    );
    // The typed figure and the sheet's first 本年累计 row must agree.
    let wrong = "year_to_date_carried = { income = \"8,000.00\", expense = \"800.00\" }\n";
    let (code, out) = check(first_on_board(wrong, true).path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        lines(&out, "错误:"),
        vec![format!(
            "{P}:D4: 错误: “本年累计”的收入 9,100.00 元不对：年初至本期开始前累计 8,000.00 元，加上本表各笔 100.00 元，应为 8,100.00 元（相差 1,000.00 元）：请改为 8,100.00"
        )],
        "{out}"
    );
    // Half of it is not enough: the message says what to write.
    let half = "year_to_date_carried = { income = \"9,000.00\" }\n";
    let (code, out) = check(first_on_board(half, false).path());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("expense"), "{out}");
}

#[test]
fn without_the_months_before_it_the_page_says_where_the_sums_start() {
    // The sheet's own first 本年累计 row tells what the year held before July.
    assert_eq!(
        year_to_date_lines(first_on_board("", true).path()),
        [
            ("2026年累计收入".to_string(), "¥9,150.00".to_string()),
            ("2026年累计支出".to_string(), "¥800.00".to_string())
        ]
    );
    // Nothing tells it: the sums start in July and the label says so.
    assert_eq!(
        year_to_date_lines(first_on_board("", false).path()),
        [
            ("2026年7月起累计收入".to_string(), "¥150.00".to_string()),
            ("2026年7月起累计支出".to_string(), "¥0.00".to_string())
        ]
    );
}

/// The month's accounts typed as a Markdown table in the text, as the `gongkai init` example
/// writes them (or as `gongkai import` brings a Word table in): a mistyped amount and a wrong
/// 合计 are errors at their cells, `build` refuses and leaves the published site as it was, and
/// the same table with the right figures builds.
#[test]
fn a_money_table_in_the_text_is_checked_like_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "site.toml", SITE_TOML);
    write(r, "content/finance/_index.md", "+++\ntitle = \"财务公开\"\n+++\n");
    // Once published, a change needs its date and note (no silent change): four lines more.
    let posting = |expense: &str, total: &str, edited: bool| {
        let change = match edited {
            true => "updated = 2026-10-09\n[[changes]]\ndate = 2026-10-09\nnote = \"更正金额\"\n",
            false => "",
        };
        format!(
            "+++\ntitle = \"2026年11月财务收支公开\"\ndate = 2026-10-09\nkind = \"财务收支\"\n{change}+++\n\n\
             | 日期 | 摘要 | 收入（元） | 支出（元） |\n| --- | --- | ---: | ---: |\n\
             | 2026-11-03 | 土地承包费 | 12,000.00 | |\n\
             | 2026-11-08 | 办公用品 | | {expense} |\n\
             | 2026-11-20 | 保洁费 | | 1,500.00 |\n\
             | **合计** | | **12,000.00** | **{total}** |\n"
        )
    };
    let p = "content/finance/11月.md";
    write(r, p, posting("300.00", "1,800.00", false));
    let build = |root: &Path| {
        gongkai().args(["build", "--quiet", "--today", "2026-10-09", "--root"]).arg(root).output()
    };
    let o = build(r).unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let page = r.join("public/finance/11月/index.html");
    let published = std::fs::read(&page).unwrap();

    // `check` fails with exactly this error and returns what it printed.
    let fails_with = |error: String| {
        let (code, out) = check(r);
        assert_eq!(code, Some(1), "{out}");
        assert_eq!(lines(&out, "错误:"), [error], "{out}");
        out
    };
    write(r, p, posting("3OO.00", "1,800.00", true));
    let out = fails_with(format!(
        "{p}:14:25: 错误: 表格“支出（元）”一栏的“3OO.00”不是有效金额（含有非数字字符“O”）：\
         金额栏只写数字，例如 1,234.50（可带 ¥ 或“元”），说明文字请写到备注栏"
    ));
    assert!(
        out.contains("14 | | 2026-11-08 | 办公用品 | | 3OO.00 |"),
        "the snippet shows the row: {out}"
    );

    write(r, p, posting("300.00", "1,900.00", true));
    fails_with(format!(
        "{p}:16:32: 错误: “合计”的支出 1,900.00 元与上面 2 笔逐笔相加的 1,800.00 元不符，\
         相差 100.00 元：请改为 1,800.00"
    ));
    let o = build(r).unwrap();
    assert!(!o.status.success(), "a wrong total is not published");
    assert_eq!(std::fs::read(&page).unwrap(), published, "the published page stays as it was");
}
