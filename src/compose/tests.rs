//! The form functions against real sites: the fixture site and the example site, built with the
//! real pipeline.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::*;
use crate::diagnostic::Lang;
use crate::pipeline::{BuildOptions, generate};

fn day(s: &str) -> Date {
    crate::date::parse_date(s).unwrap()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of tests/fixtures/basic in a temporary folder.
fn basic_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/basic"), tmp.path());
    tmp
}

/// A copy of the example site (the repository root's site.toml, catalogue and content).
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["site.toml", "catalogue.toml"] {
        std::fs::copy(repo().join(f), tmp.path().join(f)).unwrap();
    }
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    tmp
}

fn config(root: &Path) -> crate::config::SiteConfig {
    crate::config::load(root).unwrap().0
}

fn draft(json: serde_json::Value) -> Draft {
    serde_json::from_value(json).unwrap()
}

fn codes(errors: &[FieldError]) -> Vec<(String, String)> {
    errors.iter().map(|e| (e.field.clone(), e.code.clone())).collect()
}

fn build_errors(root: &Path, today: Date) -> Vec<String> {
    let mut opts = BuildOptions::new(root, today);
    let out = tempfile::tempdir().unwrap();
    opts.out = out.path().join("public");
    opts.cache_dir = out.path().join("cache");
    match generate(&opts) {
        Ok(_) => Vec::new(),
        Err(d) => d.items.iter().filter(|d| d.is_error()).map(|d| d.render(Lang::Zh)).collect(),
    }
}

#[test]
fn a_party_member_notice_ends_across_national_day_as_the_readme_says() {
    let root = repo().join("tests/fixtures/basic");
    let d = draft(serde_json::json!({
        "section": "party", "kind": "发展党员", "title": "关于接收陈晓燕同志为中共预备党员的公示",
        "date": "2026-09-30", "days": 5, "stage": "预备党员", "series": "发展党员-陈晓燕",
    }));
    let f = facts(&d, day("2026-10-09"), WorkCalendar::builtin(), &root, &config(&root));
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let n = f.notice.unwrap();
    // 国庆 10月1–7日 off, 10月10日 (Saturday) a working day: 9.30 + 5 working days = 10.13.
    assert_eq!((n.start.as_str(), n.end.as_str()), ("2026-09-30", "2026-10-13"));
    assert_eq!(n.working_days, 5);
    assert_eq!(n.calendar_days, 13);
    assert_eq!(n.period_zh, "2026年9月30日至2026年10月13日（5个工作日）");
    assert_eq!(n.holidays.len(), 7, "{:?}", n.holidays);
    assert_eq!(n.holidays[0].date, "2026-10-01");
    assert!(n.holidays[0].name.contains("国庆"), "{:?}", n.holidays);
    assert_eq!(n.status_zh, "公示中");
    assert_eq!(n.detail_zh, "剩余 3 个工作日 / 截止 10月13日");
    assert_eq!(
        f.rel_path.as_deref(),
        Some("content/party/2026-09-30-关于接收陈晓燕同志为中共预备党员的公示.md")
    );
    assert_eq!(
        f.page.as_deref(),
        Some("party/2026-09-30-关于接收陈晓燕同志为中共预备党员的公示/index.html")
    );
    let url = f.url.unwrap();
    assert!(url.starts_with("https://example.org/ceshi/party/2026-09-30-%E5%85%B3"), "{url}");
    assert!(url.ends_with('/'), "{url}");
    assert!(!f.signoff_required);
}

#[test]
fn calendar_days_and_the_site_calendar_are_used() {
    let root = repo().join("tests/fixtures/basic");
    let d = draft(serde_json::json!({
        "section": "village", "kind": "低保", "title": "低保第一榜", "date": "2026-09-30",
        "days": "7", "count": "calendar-extended",
    }));
    // 9.30 + 7 calendar days = 10.7, a holiday: extended to the next working day, 10.8.
    let f = facts(&d, day("2026-09-01"), WorkCalendar::builtin(), &root, &config(&root));
    let n = f.notice.unwrap();
    assert_eq!(n.end, "2026-10-08");
    assert_eq!(n.status_zh, "即将公示");
    // A year without holiday data is the calendar's own message, at the days field.
    let d2 = draft(serde_json::json!({
        "section": "village", "kind": "低保", "title": "低保", "date": "2030-03-01", "days": 7,
    }));
    let f = facts(&d2, day("2030-03-01"), WorkCalendar::builtin(), &root, &config(&root));
    assert_eq!(codes(&f.errors), [("days".to_string(), "calendar.missing-year".to_string())]);
    assert!(f.errors[0].zh.contains("[calendar.years.2030]"), "{}", f.errors[0].zh);
}

#[test]
fn form_mistakes_are_named_at_their_field_with_what_to_type() {
    let root = repo().join("tests/fixtures/basic");
    let cfg = config(&root);
    let d = draft(serde_json::json!({
        "section": "party", "kind": "发展党员", "title": "公示", "date": "2026.10.9",
        "signoff": [{ "body": "党支部", "reviewers": [], "date": "2026-10-12", "opinion": "" }],
    }));
    let f = facts(&d, day("2026-10-20"), WorkCalendar::builtin(), &root, &cfg);
    let c = codes(&f.errors);
    assert!(c.contains(&("date".into(), "toml.date-format".into())), "{c:?}");
    let date_err = f.errors.iter().find(|e| e.field == "date").unwrap();
    assert!(date_err.zh.contains("2026-10-09"), "{}", date_err.zh);
    assert!(c.contains(&("days".into(), "compose.days-missing".into())), "{c:?}");
    let days_err = f.errors.iter().find(|e| e.field == "days").unwrap();
    assert!(days_err.zh.contains("5个工作日"), "{}", days_err.zh);
    assert!(c.contains(&("signoff[0].reviewers".into(), "signoff.no-reviewers".into())), "{c:?}");
    assert!(c.contains(&("signoff[0].opinion".into(), "signoff.no-opinion".into())), "{c:?}");

    let d = draft(serde_json::json!({
        "section": "finance", "kind": "财务收支", "title": "2026年第三季度财务收支公开",
        "date": "2026-10-09", "period": "2026年第三季度",
        "signoff": [{ "body": "民主理财小组", "reviewers": ["王秀英"], "date": "2026-10-12",
                      "opinion": "收支属实" }],
    }));
    let f = facts(&d, day("2026-10-20"), WorkCalendar::builtin(), &root, &cfg);
    assert_eq!(
        codes(&f.errors),
        [("signoff[0].date".to_string(), "signoff.after-publication".to_string())]
    );
    assert!(f.signoff_required);
    // Without any sign-off, a finance posting due today cannot be published.
    let mut no_signoff = d.clone();
    no_signoff.signoff.clear();
    let f = facts(&no_signoff, day("2026-10-20"), WorkCalendar::builtin(), &root, &cfg);
    assert_eq!(codes(&f.errors), [("signoff".to_string(), "signoff.missing".to_string())]);

    let bad = draft(serde_json::json!({
        "section": "../etc", "kind": "其他", "title": "！！", "date": "2026-02-30", "days": 0,
    }));
    let f = facts(&bad, day("2026-10-20"), WorkCalendar::builtin(), &root, &cfg);
    let c = codes(&f.errors);
    assert!(c.contains(&("section".into(), "compose.section-bad".into())), "{c:?}");
    assert!(c.contains(&("date".into(), "toml.no-such-date".into())), "{c:?}");
    assert!(c.contains(&("title".into(), "compose.no-file-name".into())), "{c:?}");
    assert!(c.contains(&("days".into(), "notice.days-out-of-range".into())), "{c:?}");
    assert!(f.rel_path.is_none() && f.url.is_none());

    let missing = draft(serde_json::json!({ "section": "news", "kind": "其他", "title": "通知" }));
    let f = facts(&missing, day("2026-10-20"), WorkCalendar::builtin(), &root, &cfg);
    assert_eq!(f.errors[0].code, "compose.section-missing");
    assert!(f.errors[0].zh.contains("village/roads"), "{}", f.errors[0].zh);
    assert_eq!(f.date.as_deref(), Some("2026-10-20"), "no date: today, as in gongkai new");
    let bundle =
        draft(serde_json::json!({ "section": "party/2026-dues", "kind": "其他", "title": "x" }));
    let f = facts(&bundle, day("2026-10-20"), WorkCalendar::builtin(), &root, &cfg);
    assert_eq!(f.errors[0].code, "compose.section-is-posting");
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let site = basic_copy();
    let d = draft(serde_json::json!({
        "section": "village", "kind": "决议公开", "title": "关于修路的决议公开", "date": "2026-10-08",
        "days": 5,
    }));
    let c = write(&d, site.path(), day("2026-10-08")).unwrap();
    assert_eq!(c.rel_path, "content/village/2026-10-08-关于修路的决议公开.md");
    std::fs::write(site.path().join(&c.rel_path), &c.text).unwrap();
    // The same name, as a bundle or differing only in case, is the same URL.
    for bundle in [false, true] {
        let mut again = d.clone();
        again.bundle = bundle;
        let errs = write(&again, site.path(), day("2026-10-08")).unwrap_err();
        assert_eq!(codes(&errs), [("title".to_string(), "compose.exists".to_string())]);
        assert!(errs[0].zh.contains("content/village/2026-10-08-关于修路的决议公开.md"));
    }
}

fn signed() -> serde_json::Value {
    serde_json::json!([{ "body": "民主理财小组", "reviewers": ["王秀英", "陈建国"],
                         "date": "2026-10-07", "opinion": "经逐笔审核，收支属实，同意公开" }])
}

/// Every kind, written by [`write`] into a copy of the fixture site, builds without an error.
#[test]
fn every_kind_builds() {
    let site = basic_copy();
    let today = day("2026-10-08");
    let mut written = Vec::new();
    for (i, kind) in Kind::LISTED.iter().cloned().chain([Kind::Other(String::new())]).enumerate() {
        let name: String = kind.clone().into();
        let mut json = serde_json::json!({
            "section": kind.usual_section(), "kind": name,
            "title": format!("测试{name}公开第{i}篇"), "date": "2026-10-08",
            "tags": ["测试", "标签"], "summary": "一句\"摘要\"",
        });
        if kind.is_notice() {
            json["days"] = 5.into();
            json["stage"] = "第一榜".into();
            json["series"] = format!("事项{i}").into();
        }
        if kind.is_finance() {
            json["signoff"] = signed();
            json["period"] = "2026年第三季度".into();
        }
        if kind == Kind::PartyMember {
            json["stage"] = "预备党员".into();
        }
        let c = write(&draft(json), site.path(), today).unwrap();
        let path = site.path().join(&c.rel_path);
        std::fs::write(&path, &c.text).unwrap();
        written.push((c.rel_path, c.text));
    }
    // A 财务收支 bundle with its ledger, and a draft 公示 with attachments.
    let ledger = draft(serde_json::json!({
        "section": "finance", "kind": "财务收支", "title": "2026年第三季度财务收支公开",
        "date": "2026-10-08", "period": "2026年第三季度", "ledger": "ledger.csv",
        "series": "测试日记账", "bundle": true, "signoff": signed(),
    }));
    let c = write(&ledger, site.path(), today).unwrap();
    assert_eq!(c.rel_path, "content/finance/2026-10-08-2026年第三季度财务收支公开/index.md");
    let dir = site.path().join(&c.rel_path).parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ledger.csv"),
        "日期,凭证号,摘要,收入,支出\n2026-07-01,记-01,上期结转,\"1,000.00\",\n\
         2026-07-03,记-02,收取租金,500.00,\n2026-08-03,记-03,支付电费,,120.50\n",
    )
    .unwrap();
    std::fs::write(dir.join("index.md"), &c.text).unwrap();
    let pending = draft(serde_json::json!({
        "section": "village", "kind": "招标结果", "title": "村道招标结果公示", "date": "2026-10-08",
        "days": 3, "count": "calendar", "draft": true, "bundle": true,
        "attachments": [{ "file": "评标报告.pdf", "label": "评标报告（扫描件）" }],
    }));
    let c = write(&pending, site.path(), today).unwrap();
    let path = site.path().join(&c.rel_path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path.parent().unwrap().join("评标报告.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    std::fs::write(&path, &c.text).unwrap();

    let errors = build_errors(site.path(), today);
    assert!(errors.is_empty(), "{}\n\n{:#?}", errors.join("\n"), written);

    // And the build read them as written: the page of each is there, the notice counted.
    let mut opts = BuildOptions::new(site.path(), today);
    let out = tempfile::tempdir().unwrap();
    opts.out = out.path().join("public");
    opts.cache_dir = out.path().join("cache");
    let g = generate(&opts).unwrap();
    for (rel, _) in &written {
        let stem = rel.trim_start_matches("content/").trim_end_matches(".md");
        let page = format!("{stem}/index.html");
        assert!(g.files.iter().any(|f| f.path == page), "{page} not built");
    }
    let member = g
        .files
        .iter()
        .find(|f| f.path.starts_with("party/2026-10-08-测试发展党员"))
        .expect("发展党员 page");
    let crate::output::Contents::Bytes(bytes) = &member.contents else { panic!("in memory") };
    let html = String::from_utf8_lossy(bytes).into_owned();
    // 10月10日 is a working Saturday: 5 working days after 10.8 end on 10.14.
    assert!(html.contains("2026年10月14日"), "the notice's end on the page");
    assert!(html.contains("确定为发展对象时间"), "the candidate table");
}

#[test]
fn the_text_is_in_the_readme_format() {
    let site = basic_copy();
    let d = draft(serde_json::json!({
        "section": "party", "kind": "发展党员", "title": "关于接收陈晓燕同志为中共预备党员的公示",
        "date": "2026-09-30", "days": 5, "series": "发展党员-陈晓燕", "stage": "预备党员",
        "tags": ["发展党员"], "draft": true,
    }));
    let c = write(&d, site.path(), day("2026-09-30")).unwrap();
    let expected = "+++
title = \"关于接收陈晓燕同志为中共预备党员的公示\"
date = 2026-09-30                 # 公开日期
kind = \"发展党员\"                 # 类别：发展党员、低保公示、招标结果、决议公开、实施结果公开、财务收支、党费收缴……
# period = \"2026年第三季度\"       # 公开的时间范围（可选）
tags = [\"发展党员\"]               # 标签（可选）
# summary = \"一句话摘要\"          # 不写就取正文第一段
draft = true                      # 草稿：gongkai build 不发布；写好并核对后删去这一行

[notice]
days = 5
count = \"working\"        # working（工作日，按国务院放假安排含调休）、calendar（自然日）、calendar-extended（自然日，最后一天是节假日的顺延到下一个工作日）
series = \"发展党员-陈晓燕\"  # 同一事项的几次公示用同一个 series
stage = \"预备党员\"       # 决议公开/实施结果公开、第一榜/第二榜/第三榜、积极分子/发展对象/预备党员/转正
# basis = \"《中国共产党发展党员工作细则》第二十四条\"  # 依据（可选）
# objections = \"请向村务监督委员会反映\"  # 不写就用 site.toml 里的监督电话和地址
+++

经支部委员会审查，拟接收以下同志为中共预备党员，现予公示：

| 姓名 | 性别 | 出生年月 | 学历 | 申请入党时间 | 确定为积极分子时间 | 确定为发展对象时间 |
| --- | --- | --- | --- | --- | --- | --- |
| （姓名） |  |  |  |  |  |  |
";
    assert!(c.text.starts_with(expected), "{}", c.text);
    // The front matter reads back as the build reads it.
    let split = crate::frontmatter::split(&c.text).unwrap();
    let front: crate::frontmatter::PostingFront =
        toml::from_str(&c.text[split.toml_start..split.toml_end]).unwrap();
    assert_eq!(front.title.get_ref(), "关于接收陈晓燕同志为中共预备党员的公示");
    assert!(front.draft);
    let notice = front.notice.unwrap();
    assert_eq!(notice.stage.unwrap().get_ref(), "预备党员");
}

#[test]
fn quotes_and_backslashes_in_titles_stay_text() {
    let site = basic_copy();
    let d = draft(serde_json::json!({
        "section": "village", "kind": "其他", "title": "关于\"一事一议\"的说明 C:\\路", "date": "2026-10-08",
    }));
    let c = write(&d, site.path(), day("2026-10-08")).unwrap();
    let split = crate::frontmatter::split(&c.text).unwrap();
    let front: crate::frontmatter::PostingFront =
        toml::from_str(&c.text[split.toml_start..split.toml_end]).unwrap();
    assert_eq!(front.title.get_ref(), "关于\"一事一议\"的说明 C:\\路");
    assert_eq!(front.kind, None);
    assert_eq!(c.rel_path, "content/village/2026-10-08-关于-一事一议-的说明-c-路.md");
}

/// A README-style posting with the clerk's own comments and blank lines.
const HAND_WRITTEN: &str = "+++
title = \"关于实施青石村至下湾组村道硬化工程的决议公开\"
date = 2026-05-14
kind = \"决议公开\"                 # 类别：决议公开、实施结果公开、党费收缴、财务收支……
period = \"2026年5月\"              # 公开的时间范围（可选）
tags = [\"村道\", \"四议两公开\"]      # 标签（可选）
# draft = true                    # 草稿：gongkai build 不发布

# 村委会 5 月 12 日开会决定，王主任要求写上会议记录
[[attachments]]                   # 附件（放在同一个文件夹里）
file = \"会议记录.pdf\"
label = \"村民代表会议记录（扫描件）\"

# 民主理财小组已看过
[[signoff]]
body = \"村务监督委员会\"
reviewers = [\"赵德明\"]
date = 2026-05-13
opinion = \"同意公开\"
+++

根据“四议两公开”工作程序……
";

#[test]
fn set_keys_changes_only_the_value() {
    let out = set_keys(HAND_WRITTEN, &[("period", "\"2026年6月\"")]).unwrap();
    let expected = HAND_WRITTEN
        .replace("period = \"2026年5月\"              #", "period = \"2026年6月\"              #");
    assert_eq!(out, expected);
    // A wider value keeps the comment in its column.
    let out = set_keys(HAND_WRITTEN, &[("tags", "[\"村道\"]")]).unwrap();
    assert!(out.contains("\ntags = [\"村道\"]                    # 标签（可选）\n"), "{out}");
    assert_eq!(out.lines().count(), HAND_WRITTEN.lines().count());
    // Inside an array of tables, by index; a date value.
    let out = set_keys(HAND_WRITTEN, &[("signoff[0].date", "2026-05-14")]).unwrap();
    assert_eq!(out, HAND_WRITTEN.replace("date = 2026-05-13", "date = 2026-05-14"));
}

#[test]
fn set_keys_uncomments_a_commented_key_and_adds_new_ones_in_place() {
    let out = set_keys(HAND_WRITTEN, &[("draft", "true")]).unwrap();
    assert_eq!(
        out,
        HAND_WRITTEN.replace(
            "# draft = true                    # 草稿",
            "draft = true                      # 草稿"
        )
    );
    // A new table goes before the sign-off, which the README wants last; a new top-level key
    // after the others.
    let out = set_keys(
        HAND_WRITTEN,
        &[("notice.days", "5"), ("notice.count", "\"working\""), ("summary", "\"摘要\"")],
    )
    .unwrap();
    let notice = out.find("[notice]\ndays = 5\ncount = \"working\"\n").expect(&out);
    let signoff = out.find("# 民主理财小组已看过\n[[signoff]]").expect(&out);
    assert!(notice < signoff, "{out}");
    // README order: summary right after tags.
    assert!(out.contains("# 标签（可选）\nsummary = \"摘要\"\n# draft = true"), "{out}");
    assert!(out.ends_with("+++\n\n根据“四议两公开”工作程序……\n"));
    // The result is a posting the build reads.
    let split = crate::frontmatter::split(&out).unwrap();
    let front: crate::frontmatter::PostingFront =
        toml::from_str(&out[split.toml_start..split.toml_end]).unwrap();
    assert_eq!(front.notice.unwrap().days.map(|d| *d.get_ref()), Some(5));
}

#[test]
fn bad_keys_and_values_are_field_errors() {
    let e = set_keys(HAND_WRITTEN, &[("title", "没有引号")]).unwrap_err();
    assert_eq!((e.field.as_str(), e.code.as_str()), ("title", "compose.bad-value"));
    let e = set_keys(HAND_WRITTEN, &[("title.x", "1")]).unwrap_err();
    assert_eq!(e.code, "compose.bad-key");
    let e = set_keys("no front matter", &[("title", "\"x\"")]).unwrap_err();
    assert_eq!(e.code, "compose.front-matter");
    let broken = HAND_WRITTEN.replace("date = 2026-05-14", "date = 2026.5.14");
    assert_eq!(set_keys(&broken, &[("title", "\"x\"")]).unwrap_err().code, "compose.front-matter");
}

#[test]
fn remove_key_keeps_the_comments_around_it() {
    let out = remove_key(HAND_WRITTEN, "period").unwrap();
    assert_eq!(
        out,
        HAND_WRITTEN.replace("period = \"2026年5月\"              # 公开的时间范围（可选）\n", "")
    );
    let out = remove_key(HAND_WRITTEN, "attachments").unwrap();
    assert!(!out.contains("会议记录.pdf"), "{out}");
    assert!(out.contains("# 民主理财小组已看过\n[[signoff]]"), "{out}");
    assert_eq!(remove_key(HAND_WRITTEN, "notice.days").unwrap(), HAND_WRITTEN);
    assert_eq!(remove_key(HAND_WRITTEN, "updated").unwrap(), HAND_WRITTEN);
    let out = remove_key(HAND_WRITTEN, "signoff[0].opinion").unwrap();
    assert_eq!(out, HAND_WRITTEN.replace("opinion = \"同意公开\"\n", ""));
}

#[test]
fn ledger_facts_of_the_example_quarter_chain_to_the_last() {
    let f = ledger_facts(&repo(), "content/finance/2026-q3/index.md", day("2026-12-01"));
    assert!(f.finance);
    assert!(f.notes.iter().all(|n| !n.error), "{:?}", f.notes);
    let t = f.totals.unwrap();
    assert_eq!(t.opening.to_string(), "389,763.60");
    assert_eq!(t.income.to_string(), "95,412.90");
    assert_eq!(t.expense.to_string(), "35,330.90");
    assert_eq!(t.closing.to_string(), "449,845.60");
    let prev = f.previous.unwrap();
    assert_eq!(prev.posting, "content/finance/2026-q2/index.md");
    assert_eq!(f.chains, Some(true));
    assert_eq!(f.adjacent, Some(true));
    assert_eq!(f.period.unwrap().text, "2026年第三季度");
}

#[test]
fn ledger_facts_locate_a_bad_cell_and_a_broken_chain() {
    let site = example_copy();
    let q3 = site.path().join("content/finance/2026-q3");
    let csv = std::fs::read_to_string(q3.join("ledger.csv")).unwrap();
    std::fs::write(q3.join("ledger.csv"), csv.replacen("\"3,500.00\"", "\"3,5O0.00\"", 1)).unwrap();
    let f = ledger_facts(site.path(), "content/finance/2026-q3/index.md", day("2026-12-01"));
    let bad =
        f.notes.iter().find(|n| n.error && n.path.ends_with("ledger.csv")).expect("cell error");
    assert_eq!((bad.line, bad.column), (Some(2), Some(34)), "{bad:?}");
    assert!(bad.zh.contains("3,5O0.00"), "{}", bad.zh);

    let site = example_copy();
    let index = site.path().join("content/finance/2026-q3/index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    let text = set_keys(&text, &[("opening_balance", "\"389,000.00\"")]).unwrap();
    let text = remove_key(&text, "closing_balance").unwrap();
    std::fs::write(&index, text).unwrap();
    let f = ledger_facts(site.path(), "content/finance/2026-q3/index.md", day("2026-12-01"));
    assert_eq!(f.chains, Some(false));
    assert!(
        f.notes.iter().any(|n| n.error && n.path == "content/finance/2026-q3/index.md"),
        "{:?}",
        f.notes
    );

    let none = ledger_facts(site.path(), "content/party/2026-q3-dues.md", day("2026-12-01"));
    assert!(!none.finance && none.totals.is_none());
}

#[test]
fn slugs_keep_chinese() {
    assert_eq!(slugify("关于村道硬化工程的决议公开"), "关于村道硬化工程的决议公开");
    assert_eq!(slugify("2026年第三季度 党费（收缴）情况"), "2026年第三季度-党费-收缴-情况");
    assert_eq!(slugify("Road / Repair!"), "road-repair");
    assert_eq!(slugify("！！"), "");
}

#[test]
fn crlf_files_stay_crlf() {
    let crlf = HAND_WRITTEN.replace('\n', "\r\n");
    let out = set_keys(
        &crlf,
        &[("notice.days", "5"), ("draft", "true"), ("period", &toml_string("2026年6月"))],
    )
    .unwrap();
    assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    assert!(
        out.contains("draft = true                      # 草稿：gongkai build 不发布\r\n"),
        "{out:?}"
    );
    assert!(out.contains("[notice]\r\ndays = 5\r\n"), "{out:?}");
    let out = remove_key(&out, "period").unwrap();
    assert!(!out.contains("period") && !out.replace("\r\n", "").contains('\n'), "{out:?}");
}

#[test]
fn kinds_read_and_write_as_the_pipeline_spells_them() {
    let k: Kind = serde_json::from_value(serde_json::json!("低保")).unwrap();
    assert_eq!(k, Kind::Relief);
    assert_eq!(serde_json::to_value(&k).unwrap(), serde_json::json!("低保公示"));
    let other: Kind = serde_json::from_value(serde_json::json!("其他")).unwrap();
    assert_eq!(other.front_matter(), None);
    assert_eq!(serde_json::to_value(&other).unwrap(), serde_json::json!("其他"));
    let own: Kind = serde_json::from_value(serde_json::json!("民主评议")).unwrap();
    assert_eq!(own.front_matter(), Some("民主评议"));
    // Every listed kind is one the 公开目录 or the example site uses, spelt the same way.
    let catalogue = include_str!("../catalogue/default.toml");
    for k in Kind::LISTED {
        let name = k.front_matter().unwrap();
        let in_catalogue = catalogue.contains(&format!("\"{name}\""));
        let in_example = std::fs::read_dir(repo().join("content"))
            .unwrap()
            .flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .any(|f| {
                let p = if f.path().is_dir() { f.path().join("index.md") } else { f.path() };
                std::fs::read_to_string(p).is_ok_and(|t| t.contains(&format!("kind = \"{name}\"")))
            });
        assert!(in_catalogue || in_example, "{name} is not a kind the pipeline knows");
    }
}

#[test]
fn facts_serialise_for_the_browser_and_follow_sub_sections() {
    let root = repo().join("tests/fixtures/basic");
    let d = draft(serde_json::json!({
        "section": "village\\roads", "kind": "财务收支", "title": "修路账目", "date": "2026-10-08",
        "draft": true,
    }));
    let f = facts(&d, day("2026-10-08"), WorkCalendar::builtin(), &root, &config(&root));
    // A draft may wait for its sign-off.
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert!(f.signoff_required);
    assert_eq!(f.rel_path.as_deref(), Some("content/village/roads/2026-10-08-修路账目.md"));
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["page"], "village/roads/2026-10-08-修路账目/index.html");
    assert!(json["url"].as_str().unwrap().starts_with("https://example.org/ceshi/village/roads/"));
    let future = draft(serde_json::json!({
        "section": "village", "kind": "其他", "title": "通知", "date": "2026-12-01",
        "attachments": [{ "file": "会议记录.pdf" }, { "file": "../site.toml" }],
    }));
    let f = facts(&future, day("2026-10-08"), WorkCalendar::builtin(), &root, &config(&root));
    let json = serde_json::to_value(&f.errors).unwrap();
    assert_eq!(json[0]["field"], "date");
    assert_eq!(json[0]["warning"], true);
    assert_eq!(json[0]["code"], "compose.future-date");
    assert_eq!(json[1]["field"], "attachments[0].file");
    assert_eq!(json[1]["code"], "compose.attachment-missing");
    assert_eq!(json[2]["code"], "compose.attachment-name");
    assert_eq!(json[2]["warning"], false);
    // Warnings do not stop writing; a bad name does.
    let errs = write(&future, &root, day("2026-10-08")).unwrap_err();
    assert_eq!(
        codes(&errs),
        [("attachments[1].file".to_string(), "compose.attachment-name".to_string())]
    );
}

/// A ledger written as Excel writes it, with a mistyped amount: the note names the cell.
#[test]
fn ledger_facts_point_at_the_spreadsheet_cell() {
    let site = basic_copy();
    let d = draft(serde_json::json!({
        "section": "finance", "kind": "财务收支", "title": "2026年第三季度财务收支公开",
        "date": "2026-10-08", "period": "2026年第三季度", "ledger": "ledger.xlsx",
        "bundle": true, "signoff": signed(),
    }));
    let c = write(&d, site.path(), day("2026-10-08")).unwrap();
    let path = site.path().join(&c.rel_path);
    let dir = path.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&path, &c.text).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("三季度").unwrap();
    for (col, h) in ["日期", "凭证号", "摘要", "收入", "支出"].iter().enumerate() {
        ws.write_string(0, col as u16, *h).unwrap();
    }
    let rows = [
        ["2026-07-01", "记-01", "上期结转", "1,000.00", ""],
        ["2026-07-03", "记-02", "收取租金", "12,3O0.00", ""],
        ["2026-08-03", "记-03", "支付电费", "", "120.50"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (col, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, col as u16, *v).unwrap();
        }
    }
    wb.save(dir.join("ledger.xlsx")).unwrap();
    let f = ledger_facts(site.path(), &c.rel_path, day("2026-10-08"));
    assert!(f.finance);
    let bad = f.notes.iter().find(|n| n.error).expect("an error");
    assert_eq!(
        (bad.sheet.as_deref(), bad.cell.as_deref()),
        (Some("三季度"), Some("D3")),
        "{bad:?}"
    );
    assert!(bad.location.ends_with("ledger.xlsx:三季度!D3"), "{}", bad.location);
    assert!(bad.zh.contains("12,3O0.00"), "{}", bad.zh);
}

#[test]
fn an_existing_posting_reads_back_into_the_form() {
    let root = repo();
    let cfg = config(&root);
    let cal = WorkCalendar::with_config(&cfg.calendar);
    let rel = "content/party/2026-fazhan-yubei.md";
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let d = draft_of(rel, &text).unwrap();
    assert_eq!((d.section.as_str(), d.kind.clone(), d.bundle), ("party", Kind::PartyMember, false));
    assert_eq!(d.days, Some(Number::Int(5)));
    assert_eq!(d.stage.as_deref(), Some("预备党员"));
    assert_eq!(d.series.as_deref(), Some("发展党员-陈晓燕"));
    let f = facts(&d, day("2026-10-09"), &cal, &root, &cfg);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.rel_path.as_deref(), Some(rel), "its own file, not a new name");
    assert_eq!(f.page.as_deref(), Some("party/2026-fazhan-yubei/index.html"));
    assert_eq!(f.notice.unwrap().end, "2026-10-13");

    let rel = "content/finance/2026-q3/index.md";
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let d = draft_of(rel, &text).unwrap();
    assert!(d.bundle);
    assert_eq!((d.section.as_str(), d.ledger.as_deref()), ("finance", Some("ledger.csv")));
    assert_eq!(d.series.as_deref(), Some("村集体现金日记账"));
    assert_eq!(d.signoff.len(), 2);
    assert_eq!(d.signoff[0].reviewers, ["王秀英", "陈建国", "刘桂兰"]);
    let f = facts(&d, day("2026-10-09"), &cal, &root, &cfg);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.rel_path.as_deref(), Some(rel));
    assert!(draft_of("content/party/x.md", "no front matter").is_none());
}
