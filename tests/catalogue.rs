//! The 公开目录 through the real binary: each status as of the build date (on time, late, not due,
//! due soon, overdue), inferred and explicit `fulfils`, bad `fulfils`/`period` and bad rules
//! located, `gongkai check`'s list and `gongkai build`'s one-line summary, and the example
//! village's overdue and upcoming items.

mod common;
use common::*;
use std::path::Path;

const SITE_TOML: &str = "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\n\
base_url = \"https://example.org/ceshi/\"\nsections = [\"village\"]\n\n\
[contact]\nphone = \"0571-0000 0000\"\n";

const CATALOGUE: &str = "replace = true\n\n\
[[item]]\nid = \"q\"\nname = \"季度事项\"\nkinds = [\"季报\"]\nfrequency = \"quarterly\"\ndeadline = { day_of_next_month = 20 }\n\n\
[[item]]\nid = \"m\"\nname = \"月度事项\"\nkinds = [\"月报\"]\nfrequency = \"monthly\"\ndeadline = { days_after_period = 5 }\nsince = 2026-10-01\n";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn posting(root: &Path, name: &str, date: &str, front: &str) {
    write(
        root,
        &format!("content/village/{name}.md"),
        format!("+++\ntitle = \"{name}\"\ndate = {date}\n{front}+++\n\n正文。\n"),
    );
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "site.toml", SITE_TOML);
    write(r, "catalogue.toml", CATALOGUE);
    write(r, "content/village/_index.md", "+++\ntitle = \"村务公开\"\n+++\n");
    // Inferred from kind and period: on time (due 04-20).
    posting(r, "q1", "2026-04-10", "kind = \"季报\"\nperiod = \"2026年第一季度\"\n");
    // Inferred: late by 5 days (due 07-20).
    posting(r, "q2", "2026-07-25", "kind = \"季报\"\nperiod = \"2026年第二季度\"\n");
    // Explicit, with a kind the catalogue does not name: on time (due 10-20).
    posting(
        r,
        "q3",
        "2026-10-15",
        "kind = \"其他\"\nfulfils = \"q\"\nperiod = \"2026年7月至9月\"\n",
    );
    // A period that is not a quarter fulfils nothing.
    posting(r, "half", "2026-07-02", "kind = \"季报\"\nperiod = \"2026年上半年\"\n");
    dir
}

fn check(root: &Path, today: &str) -> (Option<i32>, String, String) {
    let o =
        gongkai().arg("check").arg("--root").arg(root).arg("--today").arg(today).output().unwrap();
    (o.status.code(), stdout(&o), stderr(&o))
}

#[test]
fn every_status_as_of_the_build_date() {
    let dir = site();
    let (code, out, err) = check(dir.path(), "2026-12-05");
    assert_eq!(code, Some(0), "{out}{err}");
    // October (due 11-05) is overdue by 30 days; November is due today (0 days left).
    let lines: Vec<&str> =
        out.lines().filter(|l| l.starts_with("逾期") || l.starts_with("即将")).collect();
    assert_eq!(
        lines,
        [
            "逾期未公开：月度事项（2026年10月），应于 2026-11-05 前公开，已逾期 30 天 [m]",
            "即将到期：月度事项（2026年11月），应于 2026-12-05 前公开，还有 0 天 [m]",
        ],
        "{out}"
    );
    // q1 and q3 on time, q2 late; q4 (due 2027-01-20) and December (due 2027-01-05) not due.
    assert!(
        out.contains(
            "公开目录（2026年）：已按时公开 2 项，逾期公开 1 项，即将到期 1 项，逾期未公开 1 项，未到期 2 项"
        ),
        "{out}"
    );
    // A month later November is overdue too and December due soon.
    let (_, out, _) = check(dir.path(), "2027-01-01");
    assert!(out.contains("2027年"), "the year of the build date: {out}");
    let (_, out, _) = check(dir.path(), "2026-12-30");
    assert!(
        out.contains(
            "逾期未公开：月度事项（2026年11月），应于 2026-12-05 前公开，已逾期 25 天 [m]"
        ),
        "{out}"
    );
    assert!(
        out.contains("即将到期：月度事项（2026年12月），应于 2027-01-05 前公开，还有 6 天 [m]"),
        "{out}"
    );
}

#[test]
fn a_posting_fulfilling_an_item_removes_it_from_the_list() {
    let dir = site();
    posting(dir.path(), "oct", "2026-11-20", "kind = \"月报\"\nperiod = \"2026年10月\"\n");
    let (_, out, _) = check(dir.path(), "2026-12-05");
    assert!(!out.contains("（2026年10月）"), "{out}");
    // Published after its due date: counted as late.
    assert!(out.contains("逾期公开 2 项"), "{out}");
}

#[test]
fn bad_fulfils_and_periods_are_located() {
    let dir = site();
    posting(dir.path(), "typo", "2026-10-15", "fulfils = \"m2\"\nperiod = \"2026年10月\"\n");
    posting(dir.path(), "wrong", "2026-10-15", "fulfils = \"q\"\nperiod = \"2026年10月\"\n");
    let (code, out, err) = check(dir.path(), "2026-12-05");
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains(
            "content/village/typo.md:4:11: 错误: 公开目录里没有 “m2” 这一项：可用的编号有 q、m"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "content/village/wrong.md:5:10: 错误: “q”按季度公开，期间 “2026年10月” 对不上：请写作如 “2026年第三季度”"
        ),
        "{err}"
    );
}

#[test]
fn a_bad_catalogue_rule_fails_the_build_at_its_line() {
    let dir = site();
    write(
        dir.path(),
        "catalogue.toml",
        CATALOGUE.replace("{ days_after_period = 5 }", "{ days_after_period = \"五\" }"),
    );
    let o = build(dir.path(), "2026-12-05", &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "catalogue.toml:15:12: 错误: 公开时限写得不对（days_after_period 的值应为整数）"
        ),
        "{err}"
    );
}

#[test]
fn build_prints_a_one_line_summary_and_the_example_shows_overdue_and_upcoming() {
    let dir = site();
    let o = build(dir.path(), "2026-12-05", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().filter(|l| l.starts_with("公开目录")).count(),
        1,
        "{}",
        stdout(&o)
    );

    let ex = example_site();
    std::fs::copy(repo().join("catalogue.toml"), ex.path().join("catalogue.toml")).unwrap();
    let (code, out, err) = check(ex.path(), "2026-12-05");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains(
            "逾期未公开：党费收缴、使用和管理情况（2026年第一季度），应于 2026-04-20 前公开"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "即将到期：低保金、补贴发放情况（2026年11月），应于 2026-12-10 前公开，还有 5 天"
        ),
        "{out}"
    );
}

#[test]
fn the_catalogue_page_shows_the_year_table_with_each_state() {
    let dir = site();
    let o = build(dir.path(), "2026-12-05", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&dir.path().join("public/catalogue/index.html"));
    let rows = |id: &str| -> Vec<Vec<String>> {
        doc.select(&sel(&format!("#item-{id} tbody tr")))
            .map(|r| {
                r.select(&sel("th, td"))
                    .map(|c| c.text().collect::<String>().trim().to_string())
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        rows("q"),
        vec![
            vec!["2026年第一季度", "2026-04-20", "已公开", "q1（2026-04-10）"],
            vec!["2026年第二季度", "2026-07-20", "已公开（逾期）（5 天）", "q2（2026-07-25）"],
            vec!["2026年第三季度", "2026-10-20", "已公开", "q3（2026-10-15）"],
            vec!["2026年第四季度", "2027-01-20", "未到期", "—"],
        ]
    );
    // Only the months since the rule took effect.
    assert_eq!(
        rows("m"),
        vec![
            vec!["2026年10月", "2026-11-05", "逾期未公开（30 天）", "—"],
            vec!["2026年11月", "2026-12-05", "即将到期（还有 0 天）", "—"],
            vec!["2026年12月", "2027-01-05", "未到期", "—"],
        ]
    );
    // The fulfilling posting is linked.
    let a = doc.select(&sel("#item-q tbody tr a")).next().unwrap();
    assert_eq!(a.value().attr("href"), Some("../village/q1/index.html"));
    assert!(dir.path().join("public/village/q1/index.html").exists());
    // The home page links to it.
    let home = html(&dir.path().join("public/index.html"));
    assert!(home.select(&sel("a[href='catalogue/index.html']")).next().is_some());
    // 本期应公开: overdue first, then due soon, then each item's latest ended period.
    let panel: Vec<String> = home
        .select(&sel(".due-now li"))
        .map(|li| li.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        panel,
        [
            "逾期未公开（30 天） 月度事项（2026年10月），应于 2026-11-05 前公开",
            "即将到期（还有 0 天） 月度事项（2026年11月），应于 2026-12-05 前公开",
            "已公开 季度事项（2026年第三季度）：q3",
        ]
    );
}

/// A 随时 item due 5 working days after each matter's `event_date`. From 2026-09-29 the five
/// working days cross 国庆 (10-01..07 off, Saturday 10-10 worked): 09-30, 10-08, 10-09, 10-10,
/// 10-12, so the deadline is 10-12 (10-06 without the holiday).
fn event_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "site.toml", SITE_TOML);
    write(
        r,
        "catalogue.toml",
        "replace = true\n\n[[item]]\nid = \"e\"\nname = \"决议事项\"\nkinds = [\"决议公开\"]\n\
         frequency = \"event\"\ndeadline = { working_days_after_event = 5 }\n",
    );
    write(r, "content/village/_index.md", "+++\ntitle = \"村务公开\"\n+++\n");
    // Inferred from kind, published on the last day: on time.
    posting(r, "决议甲", "2026-10-12", "kind = \"决议公开\"\nevent_date = 2026-09-29\n");
    // Explicit, two working days late (10-13, 10-14).
    posting(
        r,
        "决议乙",
        "2026-10-14",
        "kind = \"其他\"\nfulfils = \"e\"\nevent_date = 2026-09-29\n",
    );
    // Scheduled for later, deadline 12-04: due soon as of 12-01.
    posting(r, "决议丙", "2026-12-20", "kind = \"决议公开\"\nevent_date = 2026-11-27\n");
    // A draft whose deadline 11-23 has passed: six working days overdue as of 12-01.
    posting(
        r,
        "决议丁",
        "2026-11-30",
        "kind = \"决议公开\"\ndraft = true\nevent_date = 2026-11-16\n",
    );
    // No event_date: listed, but there is no deadline to count.
    posting(r, "决议戊", "2026-06-01", "kind = \"决议公开\"\n");
    dir
}

#[test]
fn event_items_are_due_in_working_days_from_their_event_date_across_national_day() {
    let dir = event_site();
    let (code, out, err) = check(dir.path(), "2026-12-01");
    assert_eq!(code, Some(0), "{out}{err}");
    let lines: Vec<&str> =
        out.lines().filter(|l| l.starts_with("逾期") || l.starts_with("即将")).collect();
    assert_eq!(
        lines,
        [
            "逾期未公开：决议事项（决议丁），应于 2026-11-23 前公开，已逾期 6 个工作日 [e]",
            "即将到期：决议事项（决议丙），应于 2026-12-04 前公开，还有 3 天 [e]",
        ],
        "{out}"
    );
    assert!(
        out.contains(
            "公开目录（2026年）：已按时公开 1 项，逾期公开 1 项，即将到期 1 项，逾期未公开 1 项，未到期 0 项"
        ),
        "{out}"
    );

    let o = build(dir.path(), "2026-12-01", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("已按时公开 1 项，逾期公开 1 项，即将到期 1 项，逾期未公开 1 项"),
        "{}",
        stdout(&o)
    );
    let doc = html(&dir.path().join("public/catalogue/index.html"));
    let mut rows: Vec<Vec<String>> = doc
        .select(&sel("#item-e tbody tr"))
        .map(|r| {
            r.select(&sel("th, td"))
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect();
    rows.sort();
    let mut want = vec![
        // Unpublished postings (a draft, a future date) appear by their matter's date only.
        vec!["2026年11月16日的事项", "2026-11-23", "逾期未公开（6 个工作日）", "—"],
        vec!["2026年11月27日的事项", "2026-12-04", "即将到期（还有 3 天）", "—"],
        vec!["决议乙", "2026-10-12", "已公开（逾期）（2 个工作日）", "决议乙（2026-10-14）"],
        vec!["决议戊", "—", "已公开", "决议戊（2026-06-01）"],
        vec!["决议甲", "2026-10-12", "已公开", "决议甲（2026-10-12）"],
    ];
    want.sort();
    assert_eq!(rows, want);
    // Nothing of the unpublished postings is online, not even their titles in the catalogue.
    for (file, bytes) in common::tree(&dir.path().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        for title in ["决议丁", "决议丙"] {
            assert!(!text.contains(title), "{file} names the unpublished {title}");
        }
    }
}

#[test]
fn an_event_published_a_working_day_late_is_late_not_on_time() {
    // The same matter a day later than the deadline: 10-13 is one working day late.
    let dir = event_site();
    posting(dir.path(), "决议甲", "2026-10-13", "kind = \"决议公开\"\nevent_date = 2026-09-29\n");
    let (code, out, err) = check(dir.path(), "2026-12-01");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("已按时公开 0 项，逾期公开 2 项"), "{out}");
}

/// An `event_date` that sets no deadline (the posting fulfils a periodic item, or none) is a
/// warning at its own line, not silently ignored; on an event item it says nothing.
#[test]
fn an_event_date_without_an_event_item_is_a_located_warning() {
    let dir = site();
    let r = dir.path();
    posting(
        r,
        "季报加日期",
        "2026-04-12",
        "kind = \"季报\"\nperiod = \"2026年第一季度\"\nevent_date = 2026-04-01\n",
    );
    posting(r, "无目录", "2026-05-06", "kind = \"通知\"\nevent_date = 2026-05-01\n");
    let (code, out, err) = check(r, "2026-12-01");
    assert_eq!(code, Some(0), "{out}{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("content/village/季报加日期.md:6:14"), "{all}");
    assert!(all.contains("按期公开，不看这个日期"), "{all}");
    assert!(all.contains("content/village/无目录.md:5:14"), "{all}");
    assert!(all.contains("不对应公开目录里任何“随时公开”的事项"), "{all}");
    assert_eq!(all.matches("event_date（事项发生日期）").count(), 2, "{all}");
    // The event site's postings name an event item: no such warning.
    let ev = event_site();
    let (_, out, err) = check(ev.path(), "2026-12-01");
    assert!(!format!("{out}{err}").contains("事项发生日期"), "{out}{err}");
}
