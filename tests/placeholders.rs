//! A site fresh from `gongkai init` still holds placeholders; `check` and `build` name each one
//! with the line to change until the clerk has replaced them.

mod common;
use common::*;
use std::path::Path;

const TODAY: &str = "2026-11-25";

fn init(root: &Path) {
    let o = gongkai().args(["init"]).arg(root).args(["--today", TODAY]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn check(root: &Path, extra: &[&str]) -> std::process::Output {
    gongkai().args(["check", "--today", TODAY, "--root"]).arg(root).args(extra).output().unwrap()
}

#[test]
fn a_new_site_warns_about_each_placeholder_until_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("新村");
    init(&root);

    let o = check(&root, &[]);
    assert!(o.status.success(), "placeholders are warnings: {}", stderr(&o));
    let err = stderr(&o);
    for (at, what) in [
        ("site.toml:5:10: 警告: title 还是示例内容“某某”", "title"),
        ("site.toml:7:9: 警告: unit 还是示例内容“某某”", "unit"),
        (
            "site.toml:10:13: 警告: base_url 还是示例内容“https://example.org/mouzhuang/”",
            "base_url",
        ),
        ("site.toml:18:10: 警告: [contact] phone 还是示例内容“0000-0000000”", "phone"),
        ("site.toml:19:12: 警告: [contact] address 还是示例内容“某某”", "address"),
        ("site.toml:20:14: 警告: [contact] committee 还是示例内容“某某”", "committee"),
        (
            "content/village/示例-村民代表会议决议.md:2:1: 警告: 这是 gongkai init 生成的示例内容“关于村内道路维修的决议公开”",
            "village",
        ),
        ("site.toml:29:13: 警告: [print.sections.party] issuer 还是示例内容“某某”", "issuer"),
        ("site.toml:35:10: 警告: [boards] title 还是示例内容“某某”", "board title"),
        ("content/party/示例-党费收缴情况.md:2:1", "party"),
        ("content/finance/示例-财务收支公开.md:2:1", "finance"),
    ] {
        assert!(err.contains(at), "{what} not named at {at}:\n{err}");
    }
    assert!(stdout(&o).contains("0 个错误，11 条提醒"), "{}", stdout(&o));

    let json = check(&root, &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let codes: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes.iter().filter(|c| c.starts_with("placeholder.")).count(), 11, "{codes:?}");

    // build says the same, and still builds (the clerk may be trying things out).
    let b = build(&root, TODAY, &[]);
    assert!(b.status.success(), "{}", stderr(&b));
    assert!(stderr(&b).contains("site.toml:18:10"), "{}", stderr(&b));
    assert!(stdout(&b).contains("有 11 条提醒"), "{}", stdout(&b));

    // Replaced: nothing left to say. (The trial build above is thrown away first: once a build
    // has published the examples, deleting them is a withdrawal, a separate rule.)
    std::fs::remove_dir_all(root.join("public")).unwrap();
    let site = std::fs::read_to_string(root.join("site.toml"))
        .unwrap()
        .replace("某某镇", "青石镇")
        .replace("某某村", "青石村")
        .replace("https://example.org/mouzhuang/", "https://www.qingshi.gov.cn/gongkai/")
        .replace("0000-0000000", "0571-88886666");
    std::fs::write(root.join("site.toml"), site).unwrap();
    for f in [
        "content/village/示例-村民代表会议决议.md",
        "content/party/示例-党费收缴情况.md",
        "content/finance/示例-财务收支公开.md",
    ] {
        std::fs::remove_file(root.join(f)).unwrap();
    }
    let o = check(&root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("示例"), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 个错误，0 条提醒"), "{}", stdout(&o));
}

#[test]
fn publish_refuses_a_site_with_placeholders_and_uploads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("新村");
    init(&root);
    let web = dir.path().join("网站");
    let o = gongkai()
        .args(["publish", "--yes", "--today", TODAY, "--root"])
        .arg(&root)
        .arg("--to")
        .arg(&web)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("site.toml:18:10: 警告: [contact] phone 还是示例内容“0000-0000000”"),
        "{err}"
    );
    assert!(err.contains("处示例文字没有改成本村的真实信息"), "{err}");
    assert!(!web.join("index.html").exists(), "nothing may be published");
}
