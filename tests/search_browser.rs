//! Runs `static/search.js` against a generated index in real headless Chromium, from `file://`.
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium`); without it this test fails.

mod common;
use common::dump_dom;
use std::path::Path;

use gongkai::search::{SEARCH_CSS, SEARCH_JS, SearchDoc, build_index, tokenize};
use scraper::{Html, Selector};

fn doc(
    url: &str,
    title: &str,
    section: (&str, &str),
    date: &str,
    text: &str,
) -> SearchDoc<'static> {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        section: section.0.into(),
        section_title: section.1.into(),
        date: date.into(),
        kind: None,
        status: None,
        tags: vec![],
        text: text.to_string().into(),
        excerpt: String::new(),
    }
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>搜索</title>
<link rel="stylesheet" href="../static/search.css"></head>
<body>
<div id="gongkai-search" data-root="../">
  <form id="search-form" role="search">
    <input id="search-q" name="q" type="search" placeholder="例如：低保、修路、党费 2025">
    <select id="search-section" name="section"><option value="">全部栏目</option></select>
    <select id="search-year" name="year"><option value="">全部年份</option></select>
  </form>
  <p id="search-status" aria-live="polite"></p>
  <ol id="search-results"></ol>
</div>
<script src="../static/search.js"></script>
</body></html>
"#;

fn write_site(dir: &Path) {
    let docs = vec![
        doc(
            "finance/2026-dibao/index.html",
            "2026年第三季度低保金发放公示",
            ("finance", "财务公开"),
            "2026-10-08",
            "本季度共有12户享受低保，发放低保金合计8,640元。<b>不是标签</b>",
        ),
        doc(
            "village/2025-dibao-review/index.html",
            "低保户年度复核结果",
            ("village", "村务公开"),
            "2025-12-20",
            "经村民代表会议评议，低保对象复核完毕。",
        ),
        doc(
            "party/2026-dues/index.html",
            "2026年党费收缴情况",
            ("party", "党务公开"),
            "2026-07-01",
            "全体党员按时足额缴纳党费，修路捐款另行公示。",
        ),
    ];
    for (path, contents) in build_index(&docs) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(dir.join("static/search.js"), SEARCH_JS).unwrap();
    std::fs::write(dir.join("static/search.css"), SEARCH_CSS).unwrap();
    std::fs::write(dir.join("search/index.html"), PAGE).unwrap();
}

fn results(dom: &str) -> Vec<(String, String, String)> {
    let html = Html::parse_document(dom);
    let hit = Selector::parse("#search-results li.search-hit").unwrap();
    let title = Selector::parse("a.search-hit-title").unwrap();
    let date = Selector::parse("time").unwrap();
    html.select(&hit)
        .map(|li| {
            let a = li.select(&title).next().expect("title link");
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap_or("").to_string(),
                li.select(&date).next().map(|t| t.text().collect()).unwrap_or_default(),
            )
        })
        .collect()
}

fn page_url(dir: &Path, query: &str) -> String {
    format!("file://{}/search/index.html?{query}", dir.display())
}

#[test]
fn finds_and_ranks_from_file_url() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path());

    let dom = dump_dom(&page_url(dir.path(), "q=低保"));
    let html = Html::parse_document(&dom);
    let root = html.select(&Selector::parse("#gongkai-search").unwrap()).next().unwrap();
    assert_eq!(root.value().attr("data-state"), Some("done"), "{dom}");
    let hits = results(&dom);
    // Both have 低保 in the title; the newer comes first.
    assert_eq!(
        hits,
        [
            (
                "2026年第三季度低保金发放公示".to_string(),
                "../finance/2026-dibao/index.html".to_string(),
                "2026年10月8日".to_string()
            ),
            (
                "低保户年度复核结果".to_string(),
                "../village/2025-dibao-review/index.html".to_string(),
                "2025年12月20日".to_string()
            ),
        ]
    );
    // Matches are highlighted with <mark>, and document text never becomes markup.
    let marks: Vec<String> = html
        .select(&Selector::parse("#search-results mark").unwrap())
        .map(|m| m.text().collect())
        .collect();
    assert!(marks.iter().all(|m| m == "低保"), "{marks:?}");
    assert!(marks.len() >= 3, "{marks:?}");
    assert!(html.select(&Selector::parse("#search-results b").unwrap()).next().is_none());
    // The filters were filled from the index.
    let options: Vec<String> = html
        .select(&Selector::parse("#search-section option").unwrap())
        .map(|o| o.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(options, ["", "finance", "party", "village"]);
}

#[test]
fn filters_bigrams_and_and_semantics() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path());
    let titles = |q: &str| -> Vec<String> {
        results(&dump_dom(&page_url(dir.path(), q))).into_iter().map(|r| r.0).collect()
    };
    assert_eq!(titles("q=低保&year=2025"), ["低保户年度复核结果"]);
    assert_eq!(titles("q=低保&section=finance"), ["2026年第三季度低保金发放公示"]);
    // 修路 is a bigram in the 党费 posting's body only.
    assert_eq!(titles("q=修路"), ["2026年党费收缴情况"]);
    // AND: 党费 and 2025 never occur together.
    assert!(titles("q=党费%202025").is_empty());
    assert_eq!(titles("q=党费%202026"), ["2026年党费收缴情况"]);
    // Full-width digits in the query are normalised.
    assert_eq!(titles("q=党费%20２０２６"), ["2026年党费收缴情况"]);
    // 保低 is not a bigram anywhere even though 保 and 低 are.
    assert!(titles("q=保低").is_empty());
}

#[test]
fn javascript_tokenizer_matches_rust() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path());
    let samples = [
        "党费 2025年第3季度 GDP增长",
        "ＧＤＰ２０２５　第３季度",
        "《关于修路的通知》（第2号）：12,000.50元",
        "𠀀村〇组 Café naïve × 2",
        "「低保」、“五保”——村民代表会议",
        "かな ハングル 한국어 ABC-def_ghi",
    ];
    let page = format!(
        r#"<!doctype html><meta charset="utf-8"><pre id="out"></pre>
<script src="../static/search.js"></script>
<script>
document.getElementById('out').textContent =
  JSON.stringify({}.map(function (s) {{ return GongkaiSearch.tokenize(s); }}));
</script>"#,
        serde_json::to_string(&samples).unwrap()
    );
    std::fs::write(dir.path().join("search/tok.html"), page).unwrap();
    let dom = dump_dom(&format!("file://{}/search/tok.html", dir.path().display()));
    let html = Html::parse_document(&dom);
    let out: String =
        html.select(&Selector::parse("#out").unwrap()).next().unwrap().text().collect();
    let js: Vec<Vec<String>> = serde_json::from_str(&out).expect("tokens JSON");
    let rust: Vec<Vec<String>> = samples.iter().map(|s| tokenize(s)).collect();
    assert_eq!(js, rust);
}

/// The placeholder's own example works: a year in the query filters by year (AND with the
/// words), the example names a year the site has, and dates read as 年月日.
#[test]
fn a_year_in_the_query_filters_by_year() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path());
    let hits = results(&dump_dom(&page_url(dir.path(), "q=低保%202025")));
    assert_eq!(
        hits,
        [(
            "低保户年度复核结果".to_string(),
            "../village/2025-dibao-review/index.html".to_string(),
            "2025年12月20日".to_string()
        )]
    );
    let hits = results(&dump_dom(&page_url(dir.path(), "q=2026年%20低保")));
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].2, "2026年10月8日");
    // A year the site does not have stays a word: nothing matches it.
    assert!(results(&dump_dom(&page_url(dir.path(), "q=低保%201999"))).is_empty());
    let dom = dump_dom(&page_url(dir.path(), ""));
    let doc = Html::parse_document(&dom);
    let input = doc.select(&Selector::parse("#search-q").unwrap()).next().unwrap();
    assert!(input.value().attr("placeholder").unwrap().contains("党费 2026"), "{dom}");
}

/// A word found deep in a long posting is shown in its snippet: the excerpt holds only the
/// start of the text, so the result's whole text is loaded for it, and the snippet is the
/// window around the word, marked. A short document's snippet needs no text file.
#[test]
fn a_deep_hit_shows_the_word_in_its_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let filler = "村民代表会议讨论了本村道路硬化、路灯维修和垃圾清运等事项，".repeat(20);
    let long = format!("{filler}经表决，同意为三组安装自来水管道，费用由村集体承担。{filler}");
    let docs = vec![
        doc(
            "village/2026-water/index.html",
            "2026年第四次村民代表会议决议",
            ("village", "村务公开"),
            "2026-11-02",
            &long,
        ),
        doc(
            "village/2026-short/index.html",
            "自来水收费标准",
            ("village", "村务公开"),
            "2026-10-02",
            "每吨自来水2.50元。",
        ),
    ];
    let files = build_index(&docs);
    assert!(files.iter().any(|(p, _)| p == "search/text/0.js"), "long text stored for snippets");
    for (path, contents) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    std::fs::write(dir.path().join("static/search.js"), SEARCH_JS).unwrap();
    std::fs::write(dir.path().join("search/index.html"), PAGE).unwrap();

    let dom = dump_dom(&page_url(dir.path(), "q=自来水"));
    let html = Html::parse_document(&dom);
    let hits: Vec<_> = html.select(&Selector::parse("li.search-hit").unwrap()).collect();
    assert_eq!(hits.len(), 2, "{dom}");
    let snippet = |li: &scraper::ElementRef| -> (String, Vec<String>) {
        let p =
            li.select(&Selector::parse(".search-hit-snippet").unwrap()).next().expect("snippet");
        let marks =
            p.select(&Selector::parse("mark").unwrap()).map(|m| m.text().collect()).collect();
        (p.text().collect(), marks)
    };
    for li in &hits {
        let (text, marks) = snippet(li);
        assert!(marks.iter().any(|m| m == "自来水"), "{text} {marks:?}");
    }
    // The long posting's snippet is a window in the middle, marked as cut on both sides.
    let long_hit = hits
        .iter()
        .find(|li| li.text().collect::<String>().contains("村民代表会议决议"))
        .expect("long posting found");
    let (text, _) = snippet(long_hit);
    assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
    assert!(text.contains("安装自来水管道"), "{text}");
}
