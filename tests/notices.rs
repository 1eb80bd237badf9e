//! 公示 end to end: statuses around the start and end of a period, the home-page board, series
//! timelines, bad `[notice]` tables with their exact locations, a year without calendar data and
//! `--today` determinism. The real binary on tiny sites written into temp folders.

mod common;
use common::*;
use std::path::Path;

const SITE_TOML: &str = "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\n\
base_url = \"https://example.org/ceshi/\"\nsections = [\"village\", \"party\", \"finance\"]\n\n\
[contact]\nphone = \"0571-0000 0000\"\ncommittee = \"测试村村务监督委员会\"\n";

/// A site with the given extra site.toml text and files (`content/...` paths).
fn mini(site_extra: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), format!("{SITE_TOML}{site_extra}")).unwrap();
    for (id, title) in [("village", "村务公开"), ("party", "党务公开"), ("finance", "财务公开")]
    {
        write(
            dir.path(),
            &format!("content/{id}/_index.md"),
            &format!("+++\ntitle = \"{title}\"\n+++\n"),
        );
    }
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A posting with a title, a date and the given `[notice]` body.
fn posting(title: &str, date: &str, notice: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n\n[notice]\n{notice}+++\n\n公示内容。\n")
}

fn ok(root: &Path, today: &str) -> std::process::Output {
    let o = build(root, today, &[]);
    assert!(o.status.success(), "build at {today} failed:\n{}", stderr(&o));
    o
}

fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    doc.select(&sel(css)).map(|e| squash(&e.text().collect::<String>())).collect()
}

/// Collapses runs of whitespace (template indentation) into one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `href` of a page at `page` (site-relative) resolved to a site-relative path.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('#').next().unwrap().split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    percent_decode(&parts.join("/"))
}

const FAZHAN: &str = "content/party/fazhan.md";

fn fazhan_site() -> tempfile::TempDir {
    mini(
        "",
        &[(
            FAZHAN,
            &posting(
                "关于接收某某同志为中共预备党员的公示",
                "2026-09-30",
                "days = 5\ncount = \"working\"\n",
            ),
        )],
    )
}

#[test]
fn statuses_around_the_start_and_the_end() {
    let site = fazhan_site();
    let out = site.path().join("public");
    let page = out.join("party/fazhan/index.html");

    // The day before: the posting is in the future and not published at all.
    let o = ok(site.path(), "2026-09-29");
    assert!(!page.exists());
    assert_eq!(html(&out.join("index.html")).select(&sel(".board")).count(), 0);
    assert!(stdout(&o).contains("公示状态将在 2026年9月30日 变化"), "{}", stdout(&o));

    // The day of posting (not counted): five working days left across 国庆.
    let o = ok(site.path(), "2026-09-30");
    let doc = html(&page);
    assert_eq!(text_of(&doc, ".notice-box .status"), "公示中");
    assert_eq!(squash(&text_of(&doc, "#notice-h")), "公示中 剩余 5 个工作日 / 截止 10月13日");
    assert_eq!(texts(&doc, ".notice-box dd")[0], "2026年9月30日至2026年10月13日（5个工作日）");
    assert_eq!(doc.select(&sel(".notice-ended-banner")).count(), 0);
    let home = html(&out.join("index.html"));
    assert_eq!(
        texts(&home, ".board .notice-card .posting-link"),
        ["关于接收某某同志为中共预备党员的公示"]
    );
    assert_eq!(texts(&home, ".board .notice-end"), ["公示中 剩余 5 个工作日 / 截止 10月13日"]);
    assert!(stdout(&o).contains("公示状态将在 2026年10月14日 变化"), "{}", stdout(&o));

    // The last day.
    ok(site.path(), "2026-10-13");
    let doc = html(&page);
    assert_eq!(squash(&text_of(&doc, "#notice-h")), "公示中 今日截止 / 10月13日");
    assert_eq!(doc.select(&sel(".notice-box.notice-active")).count(), 1);

    // The day after: ended, off the board, but the page keeps its URL with the banner.
    let o = ok(site.path(), "2026-10-14");
    let doc = html(&page);
    assert_eq!(text_of(&doc, ".notice-box .status"), "公示期满");
    assert_eq!(doc.select(&sel(".notice-box.notice-ended")).count(), 1);
    assert_eq!(
        text_of(&doc, ".notice-ended-banner"),
        "公示期已满（2026年9月30日至2026年10月13日）"
    );
    assert_eq!(squash(&text_of(&doc, "#notice-h")), "公示期满 已于 10月13日期满");
    let home = html(&out.join("index.html"));
    assert_eq!(home.select(&sel(".board")).count(), 0);
    // Still among the latest postings, marked as ended.
    let latest = texts(&home, ".home-section .posting-item .posting-link");
    assert!(latest.contains(&"关于接收某某同志为中共预备党员的公示".to_string()), "{latest:?}");
    assert_eq!(texts(&home, ".home-section .status-ended"), ["公示期满"]);
    assert!(!stdout(&o).contains("公示状态将在"), "{}", stdout(&o));
}

#[test]
fn home_board_groups_by_section_soonest_end_first_and_drops_ended_notices() {
    let site = mini(
        "",
        &[
            (
                "content/village/late.md",
                &posting("村务甲（10月20日截止）", "2026-10-05", "end = 2026-10-20\n"),
            ),
            (
                "content/village/soon.md",
                &posting("村务乙（10月15日截止）", "2026-10-06", "end = 2026-10-15\n"),
            ),
            (
                "content/village/ended.md",
                &posting("村务丙（已期满）", "2026-10-01", "end = 2026-10-08\n"),
            ),
            (
                "content/village/upcoming.md",
                &posting(
                    "村务丁（10月12日起公示）",
                    "2026-10-09",
                    "start = 2026-10-12\nend = 2026-10-14\n",
                ),
            ),
            (
                "content/party/dangwu.md",
                &posting("党务甲（10月30日截止）", "2026-10-08", "end = 2026-10-30\n"),
            ),
            (
                "content/party/plain.md",
                "+++\ntitle = \"党务普通公开\"\ndate = 2026-10-09\n+++\n正文。\n",
            ),
        ],
    );
    let out = site.path().join("public");
    ok(site.path(), "2026-10-10");
    let home = html(&out.join("index.html"));

    let board = home.select(&sel(".board")).next().expect("board on the home page");
    let groups: Vec<String> =
        board.select(&sel(".board-group")).map(|e| squash(&e.text().collect::<String>())).collect();
    assert_eq!(groups, ["村务公开", "党务公开"]);
    // Per group, in order: active with the soonest end first, then upcoming.
    let lists: Vec<Vec<String>> = board
        .select(&sel(".notice-list"))
        .map(|ul| ul.select(&sel(".posting-link")).map(|a| a.text().collect::<String>()).collect())
        .collect();
    assert_eq!(
        lists,
        [
            vec!["村务乙（10月15日截止）", "村务甲（10月20日截止）", "村务丁（10月12日起公示）"],
            vec!["党务甲（10月30日截止）"],
        ]
    );
    let statuses = texts(&home, ".board .notice-end .status");
    assert_eq!(statuses, ["公示中", "公示中", "即将公示", "公示中"]);
    let ends = texts(&home, ".board .notice-end strong");
    assert_eq!(ends[0], "剩余 5 天 / 截止 10月15日");
    assert_eq!(ends[2], "10月12日起公示");
    // Board links lead to the postings.
    for a in board.select(&sel(".posting-link")) {
        let target = resolve("index.html", a.value().attr("href").unwrap());
        assert!(out.join(&target).is_file(), "{target}");
    }

    // The latest postings follow the board, and include the ended notice.
    let order: Vec<String> = home
        .select(&sel(".board, .latest-h"))
        .map(|e| e.value().attr("class").unwrap().to_string())
        .collect();
    assert_eq!(order, ["board", "latest-h"]);
    let latest: Vec<Vec<String>> = home
        .select(&sel(".home-section"))
        .map(|s| s.select(&sel(".posting-link")).map(|a| a.text().collect()).collect())
        .collect();
    assert_eq!(
        latest[0],
        [
            "村务丁（10月12日起公示）",
            "村务乙（10月15日截止）",
            "村务甲（10月20日截止）",
            "村务丙（已期满）"
        ]
    );
    assert_eq!(latest[1], ["党务普通公开", "党务甲（10月30日截止）"]);
}

fn dibao(title: &str, date: &str, stage: &str) -> String {
    posting(
        title,
        date,
        &format!(
            "days = 7\ncount = \"calendar\"\nseries = \"2026年度低保评审\"\nstage = \"{stage}\"\n"
        ),
    )
}

const ROUNDS: [(&str, &str, &str, &str); 3] = [
    ("village/round1/index.html", "低保评议结果公示（第一榜）", "2026-09-08", "第一榜"),
    ("village/round2/index.html", "低保审核结果公示（第二榜）", "2026-09-22", "第二榜"),
    ("village/round3/index.html", "低保审批结果公示（第三榜）", "2026-10-20", "第三榜"),
];

fn dibao_site() -> tempfile::TempDir {
    let files: Vec<(String, String)> = ROUNDS
        .iter()
        .enumerate()
        .map(|(i, (_, title, date, stage))| {
            (format!("content/village/round{}.md", i + 1), dibao(title, date, stage))
        })
        .collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    mini("", &refs)
}

/// The timeline of a page: (stage, linked page or `None` for the current one, status class).
fn timeline(out: &Path, page: &str) -> Vec<(String, Option<String>, bool)> {
    let doc = html(&out.join(page));
    doc.select(&sel(".timeline .tl-step"))
        .map(|li| {
            let stage = li.select(&sel(".tl-stage")).next().unwrap().text().collect::<String>();
            let link = li
                .select(&sel("a[href]"))
                .next()
                .map(|a| resolve(page, a.value().attr("href").unwrap()));
            let current = li.value().classes().any(|c| c == "tl-current");
            (stage, link, current)
        })
        .collect()
}

#[test]
fn three_rounds_of_dibao_link_to_each_other_in_order() {
    let site = dibao_site();
    let out = site.path().join("public");
    ok(site.path(), "2026-10-25");
    for (me, (page, title, ..)) in ROUNDS.iter().enumerate() {
        let steps = timeline(&out, page);
        let stages: Vec<&str> = steps.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(stages, ["第一榜", "第二榜", "第三榜"], "{page}");
        for (i, (_, link, current)) in steps.iter().enumerate() {
            assert_eq!(*current, i == me, "{page} step {i}");
            if i == me {
                assert!(link.is_none(), "{page}: the current stage is not a link");
            } else {
                let target = link.as_deref().expect("other stages are links");
                assert_eq!(target, ROUNDS[i].0, "{page} step {i}");
                assert!(out.join(target).is_file());
            }
        }
        let doc = html(&out.join(page));
        let current = squash(&text_of(&doc, ".tl-current [aria-current=step]"));
        assert_eq!(current, format!("{title}（本篇）"));
        // Every step shows its period and its status today.
        let dates = texts(&doc, ".tl-dates");
        assert_eq!(dates[0], "2026年9月8日至2026年9月15日 · 公示期满");
        assert_eq!(dates[2], "2026年10月20日至2026年10月27日 · 公示中");
    }

    // Before the third round is published, the first two rounds show only each other.
    ok(site.path(), "2026-09-25");
    assert!(!out.join(ROUNDS[2].0).exists());
    let steps = timeline(&out, ROUNDS[0].0);
    assert_eq!(
        steps,
        [
            ("第一榜".to_string(), None, true),
            ("第二榜".to_string(), Some(ROUNDS[1].0.to_string()), false)
        ]
    );
}

#[test]
fn a_decision_links_to_its_result_once_the_result_is_published() {
    let site = mini(
        "",
        &[
            (
                "content/village/decision.md",
                &posting(
                    "关于村道硬化工程的决议公开",
                    "2026-05-14",
                    "days = 5\ncount = \"working\"\nseries = \"村道硬化\"\nstage = \"决议公开\"\n",
                ),
            ),
            (
                "content/village/result/index.md",
                &posting(
                    "村道硬化工程竣工公示",
                    "2026-10-20",
                    "start = 2026-10-20\nend = 2026-10-29\nseries = \"村道硬化\"\nstage = \"实施结果公开\"\n",
                ),
            ),
        ],
    );
    let out = site.path().join("public");
    let decision = "village/decision/index.html";

    ok(site.path(), "2026-10-19");
    assert!(!out.join("village/result").exists());
    // A series of one shows no timeline.
    assert_eq!(html(&out.join(decision)).select(&sel(".timeline")).count(), 0);

    ok(site.path(), "2026-10-20");
    assert_eq!(
        timeline(&out, decision),
        [
            ("决议公开".to_string(), None, true),
            ("实施结果公开".to_string(), Some("village/result/index.html".to_string()), false)
        ]
    );
    assert_eq!(
        timeline(&out, "village/result/index.html"),
        [
            ("决议公开".to_string(), Some(decision.to_string()), false),
            ("实施结果公开".to_string(), None, true)
        ]
    );
}

/// Builds a good site, applies `edit`, and checks the failed build: exit code 1, each expected
/// text in stderr, and `public/` byte-identical.
fn assert_fails(site: &Path, today: &str, edit: impl Fn(&Path), expected: &[&str]) {
    let out = site.join("public");
    ok(site, today);
    let before = tree(&out);
    assert!(!before.is_empty());
    edit(site);
    let o = build(site, today, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(err.contains("已发布的内容没有改动"), "{err}");
    assert_eq!(before, tree(&out), "public/ changed after a failed build");
}

/// Replaces the fazhan posting's `[notice]` body.
fn bad_fazhan(notice: &'static str) -> impl Fn(&Path) {
    move |r: &Path| {
        write(r, FAZHAN, &posting("关于接收某某同志为中共预备党员的公示", "2026-09-30", notice))
    }
}

// In `posting`, line 6 is the first line of the `[notice]` body.

#[test]
fn end_before_start_is_reported_at_the_end_date() {
    let site = fazhan_site();
    assert_fails(
        site.path(),
        "2026-10-09",
        bad_fazhan("end = 2026-09-29\n"),
        &[
            "content/party/fazhan.md:6:7: 错误: 公示截止日 2026-09-29 早于开始日 2026-09-30；\
             请改正 end，或改用 days = 天数",
            "6 | end = 2026-09-29",
        ],
    );
}

#[test]
fn end_and_days_together_are_reported_at_days() {
    let site = fazhan_site();
    assert_fails(
        site.path(),
        "2026-10-09",
        bad_fazhan("end = 2026-10-13\ndays = 5\ncount = \"working\"\n"),
        &["content/party/fazhan.md:7:8: 错误: end 和 days 只能写一个；请删除其中一个"],
    );
}

#[test]
fn zero_days_is_reported() {
    let site = fazhan_site();
    assert_fails(
        site.path(),
        "2026-10-09",
        bad_fazhan("days = 0\ncount = \"working\"\n"),
        &["content/party/fazhan.md:6:8: 错误: 公示天数 0 无效；请写 1 到 1000 之间的整数"],
    );
}

#[test]
fn misspelt_count_suggests_working() {
    let site = fazhan_site();
    assert_fails(
        site.path(),
        "2026-10-09",
        bad_fazhan("days = 5\ncount = \"workday\"\n"),
        &[
            "content/party/fazhan.md:7:9: 错误: count = \"workday\" 无效；您是否想写 \"working\"？",
            "7 | count = \"workday\"",
        ],
    );
}

#[test]
fn stages_going_backwards_in_time_are_reported() {
    let site = dibao_site();
    // 第二榜 posted before 第一榜.
    assert_fails(
        site.path(),
        "2026-10-25",
        |r| write(r, "content/village/round2.md", &dibao(ROUNDS[1].1, "2026-09-01", "第二榜")),
        &[
            // `stage` is line 9, its value starts at column 9.
            "content/village/round2.md:9:9: 错误: 事项“2026年度低保评审”的“第二榜”（2026-09-01）\
             早于前一阶段“第一榜”（2026-09-08，content/village/round1.md:9:9）",
            "请核对两处的日期或阶段",
        ],
    );
}

#[test]
fn a_stage_claimed_twice_names_both_postings() {
    let site = dibao_site();
    assert_fails(
        site.path(),
        "2026-10-25",
        |r| write(r, "content/village/round3.md", &dibao(ROUNDS[2].1, "2026-10-20", "第二榜")),
        &[
            "content/village/round3.md:9:9: 错误: 事项“2026年度低保评审”的阶段“第二榜”已由 \
             content/village/round2.md:9:9 公示过",
            "请改正其中一处的 stage 或 series",
        ],
    );
}

const YEAR_END: &str = "content/village/yearend.md";

fn year_end_posting() -> String {
    posting("跨年公示", "2026-12-24", "days = 10\ncount = \"working\"\n")
}

#[test]
fn a_period_into_a_year_without_calendar_data_fails_until_site_toml_adds_it() {
    let site = fazhan_site();
    assert_fails(
        site.path(),
        "2026-12-24",
        |r| write(r, YEAR_END, &year_end_posting()),
        &[
            "content/village/yearend.md:6:8: 错误: 缺少 2027 年的节假日安排",
            "请在 site.toml 中添加 [calendar.years.2027]",
        ],
    );

    // Once the schedule is published, site.toml supplies it and the build succeeds.
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!(
            "{toml}\n[calendar.years.2027]\nholidays = [{{ date = 2027-01-01, name = \"元旦\" }}]\n\
             workdays = [{{ date = 2027-01-03, name = \"元旦调休\" }}]\n"
        ),
    )
    .unwrap();
    ok(site.path(), "2026-12-24");
    let doc = html(&site.path().join("public/village/yearend/index.html"));
    assert_eq!(texts(&doc, ".notice-box dd")[0], "2026年12月24日至2027年1月7日（10个工作日）");
    assert_eq!(squash(&text_of(&doc, "#notice-h")), "公示中 剩余 10 个工作日 / 截止 1月7日");
}

#[test]
fn the_same_today_gives_the_same_tree_and_the_next_change_is_printed() {
    let a = dibao_site();
    let b = dibao_site();
    let oa = ok(a.path(), "2026-09-23");
    let ob = ok(b.path(), "2026-09-23");
    let ta = tree(&a.path().join("public"));
    assert_eq!(ta, tree(&b.path().join("public")));
    // 第二榜 (09-22 + 7 days) ends on 09-29: the board changes on 09-30.
    for o in [&oa, &ob] {
        assert!(
            stdout(o).contains(
                "公示状态将在 2026年9月30日 变化，请在那天（或每天定时）重新运行 gongkai build。"
            ),
            "{}",
            stdout(o)
        );
    }
    // Rebuilding in place on the same day changes nothing; a later day does.
    ok(a.path(), "2026-09-23");
    assert_eq!(ta, tree(&a.path().join("public")));
    ok(a.path(), "2026-09-30");
    assert_ne!(ta, tree(&a.path().join("public")));
}

#[test]
fn example_site_party_member_notice_across_national_day() {
    let site = example_site();
    let out = site.path().join("public");
    let o = ok(site.path(), "2026-10-09");
    let page = "party/2026-fazhan-yubei/index.html";
    let doc = html(&out.join(page));
    assert_eq!(doc.select(&sel(".notice-box.notice-active")).count(), 1);
    assert_eq!(texts(&doc, ".notice-box dd")[0], "2026年9月30日至2026年10月13日（5个工作日）");
    // After today (Fri 10-09): Sat 10-10 is a working day (调休), then Mon 10-12 and Tue 10-13.
    assert_eq!(squash(&text_of(&doc, "#notice-h")), "公示中 剩余 3 个工作日 / 截止 10月13日");
    // It is on the board of the home page under 党务公开.
    let home = html(&out.join("index.html"));
    let board = home.select(&sel(".board")).next().unwrap();
    let party: Vec<String> = board
        .select(&sel(".notice-card"))
        .filter(|c| {
            c.select(&sel(".posting-link"))
                .any(|a| resolve("index.html", a.value().attr("href").unwrap()) == page)
        })
        .map(|c| squash(&c.select(&sel(".notice-end")).next().unwrap().text().collect::<String>()))
        .collect();
    assert_eq!(party, ["公示中 剩余 3 个工作日 / 截止 10月13日"]);
    // The 三会一课 posting of 10-12 appears before the notice ends.
    assert!(stdout(&o).contains("公示状态将在 2026年10月12日 变化"), "{}", stdout(&o));
}
