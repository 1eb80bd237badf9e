//! The public record, end to end: `manifest.json` with every published file's SHA-256 and every
//! posting's fingerprint, the fingerprint on the page and the printed sheet, and the rule that a
//! published posting changes only with an `updated` date and a `[[changes]]` note.

mod common;
use common::*;
use sha2::{Digest, Sha256};
use std::path::Path;

const TODAY: &str = "2026-11-25";
const DECISION: &str = "content/village/2026-decision.md";

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn manifest_lists_every_file_and_posting() {
    let site = site("basic");
    let out = site.path().join("public");
    let o = build(site.path(), TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = manifest(&out);
    assert_eq!(m["version"], 1);
    let files = m["files"].as_object().unwrap();
    let published = tree(&out);
    // Every published file but the manifest itself, and nothing else.
    let listed: Vec<&String> = files.keys().collect();
    let on_disk: Vec<&String> = published.keys().filter(|p| *p != "manifest.json").collect();
    assert_eq!(listed, on_disk);
    // Every checksum is the file's.
    for (path, hash) in files {
        assert_eq!(hash.as_str().unwrap(), sha256(&published[path]), "{path}");
    }
    assert!(files.contains_key("party/2026-dues/收据扫描件.pdf"));
    assert!(files.contains_key("village/2026-decision/index.html"));

    // The published postings (not the draft, not the future one), each with its fingerprint.
    let postings = m["postings"].as_object().unwrap();
    let sources: Vec<&str> = postings.keys().map(String::as_str).collect();
    assert_eq!(
        sources,
        [
            "content/finance/2026-q2.md",
            "content/party/2026-dues/index.md",
            "content/village/2026-decision.md",
            "content/village/roads/2026-road.md",
        ]
    );
    let d = &postings[DECISION];
    assert_eq!(d["url"], "village/2026-decision/index.html");
    assert_eq!(d["date"], "2026-05-14");
    let fp = d["fingerprint"].as_str().unwrap();
    assert_eq!(fp.len(), 64);
    assert!(fp.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(d["history"].as_array().unwrap().len(), 0);

    // A second build (and a build of another copy) gives the same bytes.
    let first = std::fs::read(out.join("manifest.json")).unwrap();
    assert!(build(site.path(), TODAY, &[]).status.success());
    assert_eq!(first, std::fs::read(out.join("manifest.json")).unwrap());
    let other = common::site("basic");
    assert!(build(other.path(), TODAY, &[]).status.success());
    assert_eq!(first, std::fs::read(other.path().join("public/manifest.json")).unwrap());
}

#[test]
fn pages_and_printed_sheets_show_the_fingerprint() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), TODAY, &[]).status.success());
    let m = manifest(&out);
    for (source, rec) in m["postings"].as_object().unwrap() {
        let full = rec["fingerprint"].as_str().unwrap();
        let url = rec["url"].as_str().unwrap();
        let doc = html(&out.join(url));
        let code = doc.select(&sel(".record .fingerprint")).next().expect(source);
        let short: String = code.text().collect();
        assert_eq!(short.len(), 8, "{source}");
        assert!(short.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(short, &full[..8], "{source}");
        assert_eq!(code.value().attr("title"), Some(full), "{source}");
        // The printed sheet carries the same code.
        assert_eq!(text_of(&doc, ".sheet-fingerprint strong"), short, "{source}");
        assert!(text_of(&doc, ".sheet-fingerprint").starts_with("核验码"), "{source}");
    }
}

fn edit(root: &Path, rel: &str, f: impl Fn(String) -> String) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(text)).unwrap();
}

/// Adds `updated` and a `[[changes]]` entry at the end of the decision's front matter (after
/// `tags`, its last top-level key, or after the previous change).
fn with_change(text: String, updated: &str, note: &str) -> String {
    let (front, body) = text.split_once("\n+++\n").unwrap();
    let front = match front.find("\nupdated = ") {
        Some(i) => {
            let end = front[i + 1..].find('\n').map(|e| i + 1 + e).unwrap();
            format!("{}\nupdated = {updated}{}", &front[..i], &front[end..])
        }
        None => front.replace(
            "tags = [\"修路\", \"四议两公开\"]",
            &format!("tags = [\"修路\", \"四议两公开\"]\nupdated = {updated}"),
        ),
    };
    format!("{front}\n\n[[changes]]\ndate = {updated}\nnote = \"{note}\"\n+++\n{body}")
}

#[test]
fn a_silent_change_is_refused_with_a_ready_example() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), TODAY, &[]).status.success());
    let before = tree(&out);
    let old = manifest(&out)["postings"][DECISION]["fingerprint"].as_str().unwrap().to_string();
    edit(site.path(), DECISION, |t| t.replace("请于月底前反馈意见", "请于下月10日前反馈意见"));
    let o = build(site.path(), "2026-11-26", &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{DECISION}:1:1: 错误: {DECISION} 已于 2026-05-14 发布（核验码 {}），现在内容有改动",
            &old[..8]
        )),
        "{err}"
    );
    // Ready to paste, dated the build day.
    assert!(
        err.contains(
            "    updated = 2026-11-26\n\n    [[changes]]\n    date = 2026-11-26\n    note = \""
        ),
        "{err}"
    );
    assert!(err.contains("共 1 个错误"), "{err}");
    assert!(err.contains("已发布的内容没有改动"), "{err}");
    assert_eq!(before, tree(&out), "public/ changed after a failed build");

    // `updated` alone is not enough: a note is needed.
    edit(site.path(), DECISION, |t| {
        t.replace(
            "tags = [\"修路\", \"四议两公开\"]",
            "tags = [\"修路\", \"四议两公开\"]\nupdated = 2026-11-26",
        )
    });
    let o = build(site.path(), "2026-11-26", &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{DECISION}:6:11: 错误:")), "{err}");
    assert!(err.contains("没有 2026-05-14 以后的 [[changes]] 说明"), "{err}");
    assert_eq!(before, tree(&out));
}

#[test]
fn noted_changes_are_published_with_their_history() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), TODAY, &[]).status.success());
    let first = manifest(&out)["postings"][DECISION]["fingerprint"].as_str().unwrap().to_string();

    edit(site.path(), DECISION, |t| {
        with_change(
            t.replace("请于月底前反馈意见", "请于下月10日前反馈意见"),
            "2026-11-26",
            "延长反馈期限",
        )
    });
    let o = build(site.path(), "2026-11-26", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = manifest(&out);
    let rec = &m["postings"][DECISION];
    let second = rec["fingerprint"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    assert_eq!(rec["updated"], "2026-11-26");
    let history = rec["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["fingerprint"], first.as_str());
    assert_eq!(history[0]["updated"], "2026-05-14");
    assert_eq!(history[0]["replaced"], "2026-11-26");
    assert_eq!(history[0]["note"], "延长反馈期限");

    let doc = html(&out.join("village/2026-decision/index.html"));
    let meta: Vec<String> = doc.select(&sel("dt")).map(|e| e.text().collect()).collect();
    assert!(meta.contains(&"更新于".to_string()), "{meta:?}");
    assert_eq!(text_of(&doc, ".record .fingerprint"), &second[..8]);
    let changes: Vec<String> =
        doc.select(&sel(".record .changes li")).map(|e| e.text().collect()).collect();
    assert_eq!(changes, ["2026年11月26日：延长反馈期限"]);
    assert!(text_of(&doc, ".record").contains("此前的版本"));
    let old: Vec<String> =
        doc.select(&sel(".record .history li code")).map(|e| e.text().collect()).collect();
    assert_eq!(old, [&first[..8]]);
    assert!(text_of(&doc, ".record .history li").contains("2026年5月14日发布，2026年11月26日更新"));
    assert!(text_of(&doc, ".sheet-fingerprint").contains("2026年11月26日更新"));

    // A build without changes keeps the history as it is.
    assert!(build(site.path(), "2026-11-27", &[]).status.success());
    assert_eq!(manifest(&out)["postings"][DECISION], *rec);

    // A second change: both earlier versions are listed, newest first.
    edit(site.path(), DECISION, |t| {
        with_change(
            t.replace("同意修路", "同意修路（村民代表会议表决）"),
            "2026-12-01",
            "补充表决方式",
        )
    });
    let o = build(site.path(), "2026-12-01", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = manifest(&out);
    let rec = &m["postings"][DECISION];
    let third = rec["fingerprint"].as_str().unwrap();
    let history = rec["history"].as_array().unwrap();
    let fps: Vec<&str> = history.iter().map(|h| h["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fps, [first.as_str(), second.as_str()]);
    assert_eq!(history[1]["updated"], "2026-11-26");
    assert_eq!(history[1]["replaced"], "2026-12-01");
    assert_eq!(history[1]["note"], "补充表决方式");
    let doc = html(&out.join("village/2026-decision/index.html"));
    assert_eq!(text_of(&doc, ".record .fingerprint"), &third[..8]);
    let changes: Vec<String> =
        doc.select(&sel(".record .changes li")).map(|e| e.text().collect()).collect();
    assert_eq!(changes, ["2026年12月1日：补充表决方式", "2026年11月26日：延长反馈期限"]);
    let old: Vec<String> =
        doc.select(&sel(".record .history li code")).map(|e| e.text().collect()).collect();
    assert_eq!(old, [&second[..8], &first[..8]]);
}

#[test]
fn a_corrupt_manifest_is_a_warning() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), TODAY, &[]).status.success());
    std::fs::write(out.join("manifest.json"), "{\"version\": 1, \"files\": [").unwrap();
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("public: 警告: 上次发布的清单"), "{err}");
    assert!(err.contains("已损坏"), "{err}");
    assert!(stdout(&o).contains("有 1 条提醒"), "{}", stdout(&o));
    // A fresh, valid manifest replaces it.
    assert_eq!(manifest(&out)["postings"].as_object().unwrap().len(), 4);
}
