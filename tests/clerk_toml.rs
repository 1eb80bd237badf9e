//! TOML mistakes clerks make in front matter and site.toml: each gets a message that names the
//! character, points the caret at it and shows the line as it should be typed.

mod common;

use common::{gongkai, site};
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `gongkai check --format json` on the site: every diagnostic as (path, line, column, code, message).
fn check_json(root: &Path, lang: &str) -> Vec<(String, u64, u64, String, String)> {
    let o = gongkai()
        .env("GONGKAI_LANG", lang)
        .args(["check", "--format", "json", "--today", "2026-11-25", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The plain-text report (stderr) of `gongkai check`.
fn check_text(root: &Path) -> String {
    let o =
        gongkai().args(["check", "--today", "2026-11-25", "--root"]).arg(root).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const POSTING: &str = "content/village/clerk.md";

/// A basic site with one posting whose front matter has `lines` between the fences.
fn posting_site(lines: &str) -> tempfile::TempDir {
    let s = site("basic");
    write(s.path(), POSTING, &format!("+++\n{lines}+++\n正文。\n"));
    s
}

fn only_in(
    diags: &[(String, u64, u64, String, String)],
    path: &str,
) -> Vec<(u64, u64, String, String)> {
    diags.iter().filter(|d| d.0 == path).map(|d| (d.1, d.2, d.3.clone(), d.4.clone())).collect()
}

#[test]
fn full_width_quotes_are_named_with_code_points_and_the_line_mended() {
    let s = posting_site("title = “关于修路的决议”\ndate = 2026-10-09\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!(d.len(), 1, "{d:?}");
    let (line, col, code, msg) = &d[0];
    assert_eq!((*line, *col, code.as_str()), (2, 9, "toml.full-width-quote"), "{msg}");
    assert!(msg.contains("全角引号 “ (U+201C)、” (U+201D)"), "{msg}");
    assert!(msg.contains("请把这一行改成：title = \"关于修路的决议\""), "{msg}");
    assert!(!msg.contains("invalid"), "no parser English: {msg}");

    // The caret sits under the “ in the terminal report.
    let err = check_text(s.path());
    assert!(err.contains("2 | title = “关于修路的决议”\n  |         ^\n"), "{err}");

    let en = only_in(&check_json(s.path(), "en"), POSTING);
    assert!(en[0].3.contains("full-width quote “ (U+201C), ” (U+201D)"), "{:?}", en[0]);
    assert!(en[0].3.contains("title = \"关于修路的决议\""), "{:?}", en[0]);
}

#[test]
fn single_full_width_quotes_and_a_full_width_closing_quote() {
    let s = posting_site("title = ‘村道硬化’\ndate = 2026-10-09\nkind = \"决议公开”\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (2, 9, "toml.full-width-quote"));
    assert!(d[0].3.contains("‘ (U+2018)、’ (U+2019)"), "{}", d[0].3);
    assert!(d[0].3.contains("title = \"村道硬化\""), "{}", d[0].3);
    // `"决议公开”`: opened right, closed full-width; the caret is on the ”.
    assert_eq!((d[1].0, d[1].1, d[1].2.as_str()), (4, 13, "toml.full-width-quote"));
    assert!(d[1].3.contains("” (U+201D)") && d[1].3.contains("kind = \"决议公开\""), "{}", d[1].3);
}

#[test]
fn full_width_equals_and_colon() {
    let s = posting_site("title ＝ \"修路\"\ndate：2026-10-09\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (2, 7, "toml.full-width-sign"));
    assert!(d[0].3.contains("全角等号 ＝ (U+FF1D)"), "{}", d[0].3);
    assert!(d[0].3.contains("请把这一行改成：title = \"修路\""), "{}", d[0].3);
    assert_eq!((d[1].0, d[1].1, d[1].2.as_str()), (3, 5, "toml.full-width-sign"));
    assert!(d[1].3.contains("全角冒号 ： (U+FF1A)"), "{}", d[1].3);
    assert!(d[1].3.contains("请把这一行改成：date = 2026-10-09"), "{}", d[1].3);
}

#[test]
fn dates_written_the_chinese_way_get_the_date_they_meant() {
    for (written, col) in
        [("2026.10.9", 12), ("2026年10月9日", 12), ("2026/10/9", 12), ("2026-10-9", 16)]
    {
        let s = posting_site(&format!("title = \"修路\"\ndate = {written}\n"));
        let d = only_in(&check_json(s.path(), "zh"), POSTING);
        assert_eq!(d.len(), 1, "{written}: {d:?}");
        assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (3, col, "toml.date-format"), "{written}");
        assert!(
            d[0].3.contains(&format!("请把 {written} 改成 2026-10-09，即：date = 2026-10-09")),
            "{}",
            d[0].3
        );
    }
}

#[test]
fn every_bad_date_of_a_posting_is_reported_at_once() {
    let s = posting_site(
        "title = \"修路\"\ndate = 2026.9.30\nupdated = 2026/11/1\n\n[notice]\nstart = 2026年10月9日\ndays = 7\n",
    );
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    let got: Vec<(u64, u64, &str)> = d.iter().map(|x| (x.0, x.1, x.2.as_str())).collect();
    assert_eq!(
        got,
        [(3, 12, "toml.date-format"), (4, 15, "toml.date-format"), (7, 13, "toml.date-format")],
        "{d:?}"
    );
    assert!(d[0].3.contains("date = 2026-09-30"), "{}", d[0].3);
    assert!(d[1].3.contains("updated = 2026-11-01"), "{}", d[1].3);
    assert!(d[2].3.contains("start = 2026-10-09"), "{}", d[2].3);
}

#[test]
fn a_day_that_does_not_exist_is_not_mended_into_another() {
    let s = posting_site("title = \"修路\"\ndate = 2026.2.30\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (3, 12, "toml.no-such-date"), "{d:?}");
    assert!(d[0].3.contains("日期 2026.2.30 不存在"), "{}", d[0].3);
}

#[test]
fn missing_closing_quote_points_where_to_type_it() {
    let s = posting_site("title = \"关于修路\ndate = 2026-10-09\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (2, 14, "toml.unclosed-string"));
    assert!(
        d[0].3.contains("请在文字末尾加上 \"，把这一行改成：title = \"关于修路\""),
        "{}",
        d[0].3
    );
}

#[test]
fn missing_closing_fence_points_at_where_the_body_begins() {
    let s = site("basic");
    write(s.path(), POSTING, "+++\ntitle = \"修路\"\ndate = 2026-10-09\n\n正文第一段。\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (5, 1, "frontmatter.unclosed"));
    assert!(d[0].3.contains("请在第 5 行（正文开始的地方）之前加一行 +++"), "{}", d[0].3);

    // A Markdown heading after a blank line is the body, not a TOML comment.
    write(s.path(), POSTING, "+++\ntitle = \"修路\"\ndate = 2026-10-09\n\n# 修路\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!((d[0].0, d[0].1), (5, 1), "{d:?}");

    // Full-width plus signs look like the fence but are not.
    write(s.path(), POSTING, "+++\ntitle = \"修路\"\ndate = 2026-10-09\n＋＋＋\n正文。\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (4, 1, "frontmatter.fence-typo"), "{d:?}");
    assert!(d[0].3.contains("＋ (U+FF0B) 是全角字符") && d[0].3.contains("改成 +++"), "{}", d[0].3);
}

#[test]
fn full_width_quotes_inside_a_proper_string_are_left_alone() {
    let s =
        posting_site("title = \"关于“村道硬化”的决议\"\ndate = 2026-10-09\nkind ＝ \"决议公开\"\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (4, 6, "toml.full-width-sign"));
}

#[test]
fn other_postings_errors_are_reported_in_the_same_run() {
    let s = posting_site("title = “修路”\ndate = 2026-10-09\n");
    write(s.path(), "content/village/other.md", "+++\ntitle = \"其他\"\ndate = 2026/10/9\n+++\n");
    write(
        s.path(),
        "content/village/third.md",
        "+++\ntitle = \"第三\"\ndate = 2026-10-09\ntgas = 1\n+++\n",
    );
    let all = check_json(s.path(), "zh");
    let codes: Vec<(&str, u64, u64, &str)> =
        all.iter().map(|d| (d.0.as_str(), d.1, d.2, d.3.as_str())).collect();
    assert!(codes.contains(&(POSTING, 2, 9, "toml.full-width-quote")), "{codes:?}");
    assert!(codes.contains(&("content/village/other.md", 3, 12, "toml.date-format")), "{codes:?}");
    assert!(codes.contains(&("content/village/third.md", 4, 1, "toml.unknown-key")), "{codes:?}");
}

#[test]
fn site_toml_gets_the_same_help() {
    let s = site("basic");
    let text = std::fs::read_to_string(s.path().join("site.toml")).unwrap();
    let text = text.replacen("title = \"测试村三务公开栏\"", "title = “测试村三务公开栏”", 1);
    std::fs::write(s.path().join("site.toml"), text).unwrap();
    let d = only_in(&check_json(s.path(), "zh"), "site.toml");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2.as_str()), (1, 9, "toml.full-width-quote"));
    assert!(d[0].3.contains("请把这一行改成：title = \"测试村三务公开栏\""), "{}", d[0].3);
}

#[test]
fn an_unrecognised_syntax_error_still_gets_a_chinese_message() {
    let s = posting_site("title = \"修路\"\ndate = 2026-10-09\ntags = [\"a\" \"b\"]\n");
    let d = only_in(&check_json(s.path(), "zh"), POSTING);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].2.as_str()), (4, "frontmatter.syntax"), "{d:?}");
    assert!(d[0].3.starts_with("设置的写法有误："), "{}", d[0].3);
}

/// The JSON of `check` carries each message as data (its fields), and the language is the one
/// asked for at the command line: the front matter is named in English too (it was named in the
/// language the library read from the environment).
#[test]
fn json_messages_carry_their_fields_and_the_language_of_the_command() {
    let s = posting_site("title = \"关于修路\"\ndate = 2026-10-09\ntitel = \"x\"\n");
    for (lang, text) in [
        ("zh", "开头的设置（+++ 之间）中没有 `titel` 这个设置项，你是不是想写 `title`？"),
        ("en", "unknown key `titel` in the front matter; did you mean `title`?"),
    ] {
        let o = gongkai()
            .env("GONGKAI_LANG", lang)
            .args(["check", "--format", "json", "--today", "2026-11-25", "--root"])
            .arg(s.path())
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let d = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == POSTING)
            .unwrap_or_else(|| panic!("no diagnostic for {POSTING}: {doc}"));
        assert_eq!(d["code"], "toml.unknown-key", "{d}");
        assert_eq!(d["message"], text, "{d}");
        assert_eq!(d["fields"]["key"], "titel", "{d}");
        assert_eq!(d["fields"]["suggestion"], "title", "{d}");
        assert_eq!(d["fields"]["context"], serde_json::Value::Null, "{d}");
    }
}
