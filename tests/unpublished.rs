//! Drafts and future postings publish nothing (no page, attachment, photo, ledger or data file,
//! search or feed entry, manifest entry), and files a bundle holds but its posting does not
//! name are not published raw.

mod common;

use common::{build, stderr, tree};
use std::path::Path;

/// Every output file that holds `needle` (as bytes), or whose path contains it.
fn holders(out: &Path, needle: &str) -> Vec<String> {
    tree(out)
        .into_iter()
        .filter(|(path, bytes)| {
            path.contains(needle) || bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn future_postings_of_the_example_site_publish_no_file_of_theirs() {
    let site = common::example_site();
    let root = site.path();
    // As of 2026-10-10 the Q4 finance posting (2026-12-05, with a ledger.toml naming 经办人)
    // and the road-repair posting (2026-10-20, with three photos) are in the future.
    let o = build(root, "2026-10-10", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = root.join("public");
    let files = tree(&out);
    for path in files.keys() {
        assert!(
            !path.contains("2026-q4") && !path.contains("2026-road-repair"),
            "{path} belongs to a future posting"
        );
    }
    let ledger = std::fs::read(root.join("content/finance/2026-q4/ledger.toml")).unwrap();
    for photo in ["road-after.jpg", "road-before.jpg", "meeting-notice.png"] {
        let bytes =
            std::fs::read(root.join("content/village/2026-road-repair").join(photo)).unwrap();
        assert!(files.values().all(|b| *b != bytes), "{photo} published");
    }
    assert!(files.values().all(|b| *b != ledger), "ledger.toml published");
    // Nothing of theirs anywhere: pages, search index, feeds, sitemap, manifest.
    for needle in [
        "青石村2026年10—11月财务收支公开",
        "青石村村道硬化工程竣工公示",
        "2026-q4",
        "2026-road-repair",
        "记-1001",
    ] {
        assert_eq!(holders(&out, needle), Vec::<String>::new(), "{needle}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    let listed: Vec<&String> = manifest["files"].as_object().unwrap().keys().collect();
    assert_eq!(listed.len() + 1, files.len(), "the manifest lists every other file");
    assert!(manifest["postings"].as_object().unwrap().keys().all(|k| !k.contains("2026-q4")));

    // On their dates they appear, with their files.
    let o = build(root, "2026-12-06", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("finance/2026-q4/index.html").is_file());
    assert!(out.join("finance/2026-q4/ledger.toml").is_file(), "a named ledger is published");
    assert!(!holders(&out, "青石村村道硬化工程竣工公示").is_empty());
}

#[test]
fn a_draft_bundle_publishes_nothing_and_stray_bundle_files_are_left_out_with_one_warning() {
    let site = common::site("basic");
    let root = site.path();
    let dues = root.join("content/party/2026-dues");
    std::fs::write(dues.join("草稿.md"), "未定稿：张三丰 13812345678").unwrap();
    std::fs::write(dues.join("导出.log"), "debug 张三丰").unwrap();
    std::fs::create_dir_all(dues.join("旧版")).unwrap();
    std::fs::write(dues.join("旧版/名单.txt"), "张三丰").unwrap();
    std::fs::write(dues.join("说明.txt"), "公开说明").unwrap();
    let index = std::fs::read_to_string(dues.join("index.md")).unwrap();
    std::fs::write(dues.join("index.md"), format!("{index}\n另见[说明](说明.txt)。\n")).unwrap();
    // A draft bundle with an attachment and a photo.
    let draft = root.join("content/village/2026-plan");
    std::fs::create_dir_all(&draft).unwrap();
    std::fs::write(
        draft.join("index.md"),
        "+++\ntitle = \"规划草案\"\ndate = 2026-07-01\ndraft = true\n\n[[attachments]]\nfile = \"方案.pdf\"\n+++\n\n草案正文。\n",
    )
    .unwrap();
    std::fs::write(draft.join("方案.pdf"), "%PDF-1.4 draft plan 李四").unwrap();

    let o = build(root, "2026-11-25", &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let out = root.join("public");
    assert!(out.join("party/2026-dues/收据扫描件.pdf").is_file(), "a listed attachment");
    assert!(out.join("party/2026-dues/说明.txt").is_file(), "a linked file");
    assert_eq!(holders(&out, "张三丰"), Vec::<String>::new());
    assert_eq!(holders(&out, "李四"), Vec::<String>::new());
    assert_eq!(holders(&out, "2026-plan"), Vec::<String>::new());
    assert_eq!(holders(&out, "规划草案"), Vec::<String>::new());
    assert_eq!(err.matches("内容里没有写到它们，所以没有发布").count(), 1, "one warning: {err}");
    assert!(
        err.contains("content/party/2026-dues/导出.log、content/party/2026-dues/旧版/名单.txt、content/party/2026-dues/草稿.md"),
        "{err}"
    );
    assert!(!err.contains("方案.pdf"), "a draft's files are not reported as left out: {err}");

    // The preview with drafts shows the draft's attachment.
    let o = build(root, "2026-11-25", &["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("village/2026-plan/方案.pdf").is_file());
}
