//! Sign-off records through the real binary: required for finance postings (and listed kinds)
//! unless the site opts out, each key checked at its line, the review dated on or before
//! publication, shown on the page and on the printed sheet in place of the blank lines, recorded
//! in manifest.json and part of the posting's fingerprint.

mod common;
use common::*;
use std::path::Path;

const SITE_TOML: &str = "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\n\
base_url = \"https://example.org/ceshi/\"\nsections = [\"village\", \"finance\"]\n\n\
[contact]\nphone = \"0571-0000 0000\"\ncommittee = \"测试村村务监督委员会\"\n\n\
[print]\nsignoff = [\"审核人\", \"民主理财小组\", \"村务监督委员会\"]\n";

const SIGNOFF: &str = "\n[[signoff]]\nbody = \"民主理财小组\"\nreviewers = [\"王秀英\", \"陈建国\"]\n\
date = 2026-10-08\nopinion = \"经逐笔审核，收支属实\"\n";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A site with one finance posting (published 2026-10-09) whose front matter ends with `tail`,
/// and one village posting of kind 低保公示 ending with `village_tail`.
fn site(site_extra: &str, tail: &str, village_tail: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "site.toml", format!("{SITE_TOML}{site_extra}"));
    write(r, "content/finance/_index.md", "+++\ntitle = \"财务公开\"\n+++\n");
    write(r, "content/village/_index.md", "+++\ntitle = \"村务公开\"\n+++\n");
    write(
        r,
        "content/finance/q3.md",
        format!(
            "+++\ntitle = \"三季度财务公开\"\ndate = 2026-10-09\nkind = \"财务收支\"\n\
             opening_balance = \"100\"\nincome_total = \"50\"\nexpense_total = \"20\"\n{tail}+++\n\n收支如下。\n"
        ),
    );
    write(
        r,
        "content/village/dibao.md",
        format!(
            "+++\ntitle = \"低保名单公示\"\ndate = 2026-10-09\nkind = \"低保公示\"\n{village_tail}+++\n\n名单如下。\n"
        ),
    );
    dir
}

fn run(root: &Path) -> (Option<i32>, String) {
    let o = build(root, "2026-10-12", &[]);
    (o.status.code(), stderr(&o))
}

fn errors(out: &str) -> Vec<String> {
    out.lines().filter(|l| l.contains("错误:")).map(|l| l.trim().to_string()).collect()
}

#[test]
fn a_finance_posting_without_signoff_fails_unless_the_site_opts_out() {
    let dir = site("", "", "");
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(1), "{out}");
    let errs = errors(&out);
    assert_eq!(errs.len(), 1, "{out}");
    assert!(
        errs[0].starts_with(
            "content/finance/q3.md:1:1: 错误: 财务公开须经审核后才能公开，但没有审核记录"
        ),
        "{out}"
    );
    // The message shows what to type.
    assert!(out.contains("body = \"民主理财小组\""), "{out}");
    assert!(out.contains("date = 2026-10-09"), "{out}");
    assert!(!dir.path().join("public").exists());

    let dir = site("\n[signoff]\nrequired = false\n", "", "");
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(0), "{out}");

    // A draft may still be waiting for its review: it is required before publication only.
    let dir = site("", "draft = true\n", "");
    let o = build(dir.path(), "2026-10-12", &["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("public/finance/q3/index.html").is_file());
}

#[test]
fn kinds_listed_in_site_toml_need_one_too() {
    let kinds = "\n[signoff]\nkinds = [\"低保公示\"]\n";
    let dir = site(kinds, SIGNOFF, "");
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(1), "{out}");
    let errs = errors(&out);
    assert_eq!(errs.len(), 1, "{out}");
    assert!(
        errs[0].starts_with("content/village/dibao.md:1:1: 错误: “低保公示”类公开内容须经审核"),
        "{out}"
    );
    let village = "\n[[signoff]]\nbody = \"村务监督委员会\"\nreviewers = \"赵德明\"\n\
                   date = 2026-10-09\nopinion = \"名单经入户核实\"\n";
    let dir = site(kinds, SIGNOFF, village);
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_review_after_publication_and_missing_keys_are_located() {
    // Lines: 1 +++, 2 title, 3 date, 4 kind, 5-7 totals, 8 blank, 9 [[signoff]], 10 body,
    // 11 reviewers, 12 date, 13 opinion, 14 blank, 15 [[signoff]], 16 body, 17 reviewers.
    let tail = "\n[[signoff]]\nbody = \"民主理财小组\"\nreviewers = [\"王秀英\"]\ndate = 2026-10-10\n\
                opinion = \"属实\"\n\n[[signoff]]\nbody = \"村务监督委员会\"\nreviewers = [1, 2]\n";
    let dir = site("", tail, "");
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(1), "{out}");
    let p = "content/finance/q3.md";
    assert_eq!(
        errors(&out),
        vec![
            format!(
                "{p}:12:8: 错误: 审核日期 2026-10-10 晚于发布日期 2026-10-09：公开内容须先审核、后公开，请核对审核日期或发布日期"
            ),
            format!("{p}:15:1: 错误: 审核记录缺少审核日期：请加上 date = 2026-10-08"),
            format!(
                "{p}:15:1: 错误: 审核记录缺少审核意见：请加上 opinion = \"经逐笔审核，收支属实\""
            ),
            format!(
                "{p}:17:13: 错误: 审核人应写成名字的列表，例如 reviewers = [\"张三\", \"李四\"]"
            ),
        ],
        "{out}"
    );
}

#[test]
fn the_signoff_is_shown_on_the_page_and_replaces_its_blank_line_on_the_sheet() {
    let dir = site("", SIGNOFF, "");
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(0), "{out}");
    let doc = html(&dir.path().join("public/finance/q3/index.html"));
    assert_eq!(text_of(&doc, ".signoff-record .signoff-body"), "民主理财小组");
    assert_eq!(text_of(&doc, ".signoff-record .signoff-reviewers"), "王秀英、陈建国");
    assert_eq!(text_of(&doc, ".signoff-record .signoff-opinion"), "经逐笔审核，收支属实");
    assert_eq!(
        doc.select(&sel(".signoff-record time")).next().unwrap().value().attr("datetime"),
        Some("2026-10-08")
    );
    // On the sheet: the recorded review, and blank lines only for the roles still to sign.
    let signed: Vec<String> = doc
        .select(&sel(".sheet .sheet-signed .signed"))
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(signed.len(), 1);
    assert!(signed[0].contains("民主理财小组审核"), "{signed:?}");
    assert!(signed[0].contains("王秀英、陈建国"), "{signed:?}");
    assert!(signed[0].contains("2026年10月8日"), "{signed:?}");
    let blank: Vec<String> = doc
        .select(&sel(".sheet .sheet-signoff .sign-role"))
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(blank, ["审核人（签字）", "村务监督委员会（签字）"]);
    // A posting without a sign-off keeps every blank line.
    let doc = html(&dir.path().join("public/village/dibao/index.html"));
    assert!(doc.select(&sel(".signoff-record")).next().is_none());
    assert_eq!(doc.select(&sel(".sheet .sheet-signoff .sign-role")).count(), 3);
}

#[test]
fn the_signoff_is_in_the_manifest_and_the_fingerprint() {
    let dir = site("", SIGNOFF, "");
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(0), "{out}");
    let manifest = |root: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(root.join("public/manifest.json")).unwrap()).unwrap()
    };
    let m = manifest(dir.path());
    let rec = &m["postings"]["content/finance/q3.md"];
    assert_eq!(
        rec["signoff"],
        serde_json::json!([{
            "body": "民主理财小组",
            "reviewers": ["王秀英", "陈建国"],
            "date": "2026-10-08",
            "opinion": "经逐笔审核，收支属实"
        }])
    );
    assert!(m["postings"]["content/village/dibao.md"].get("signoff").is_none());
    let before = rec["fingerprint"].as_str().unwrap().to_string();
    // Changing only the opinion changes the fingerprint: a published posting then needs an
    // `updated` date and a note, like any other change.
    let path = dir.path().join("content/finance/q3.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("收支属实", "收支基本属实")).unwrap();
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("content/finance/q3.md"), "{out}");
    let with_note = std::fs::read_to_string(&path)
        .unwrap()
        .replace("kind = \"财务收支\"\n", "kind = \"财务收支\"\nupdated = 2026-10-12\n")
        + "";
    let with_note = with_note.replacen(
        "\n+++\n\n收支如下。",
        "\n\n[[changes]]\ndate = 2026-10-12\nnote = \"更正审核意见\"\n+++\n\n收支如下。",
        1,
    );
    std::fs::write(&path, with_note).unwrap();
    let (code, out) = run(dir.path());
    assert_eq!(code, Some(0), "{out}");
    let m = manifest(dir.path());
    let rec = &m["postings"]["content/finance/q3.md"];
    assert_ne!(rec["fingerprint"].as_str().unwrap(), before);
    assert_eq!(rec["signoff"][0]["opinion"], "经逐笔审核，收支基本属实");
    assert_eq!(rec["history"][0]["fingerprint"].as_str().unwrap(), before);
}
