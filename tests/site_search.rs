//! Search on the example site, in real headless Chromium opened from disk (`file://`).

mod common;
use common::*;

fn titles(dom: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(dom);
    doc.select(&sel("#search-results .search-hit-title")).map(|e| e.text().collect()).collect()
}

#[test]
fn example_site_search_finds_dibao_and_road_postings_from_file_urls() {
    let site = example_site();
    let o = build(site.path(), "2026-11-25", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = site.path().join("public/search/index.html");

    let dom = dump_dom(&file_url(&page, "?q=%E4%BD%8E%E4%BF%9D")); // 低保
    let found = titles(&dom);
    for round in ["第一榜", "第二榜", "第三榜"] {
        assert!(found.iter().any(|t| t.contains(round)), "低保 {round} missing: {found:?}");
    }
    let doc = scraper::Html::parse_document(&dom);
    let href = doc
        .select(&sel(".search-hit-title"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert!(href.starts_with("../village/") && href.ends_with("/index.html"), "{href}");
    assert!(doc.select(&sel(".search-hit mark")).count() > 0, "matches are highlighted");

    let found = titles(&dump_dom(&file_url(&page, "?q=%E4%BF%AE%E8%B7%AF"))); // 修路
    assert!(found.iter().any(|t| t.contains("村道硬化工程")), "修路: {found:?}");

    // Ledger 摘要 are indexed: 光伏 only appears in ledger rows and postings about them.
    let found = titles(&dump_dom(&file_url(&page, "?q=%E5%85%89%E4%BC%8F&section=finance")));
    assert!(!found.is_empty() && found.iter().all(|t| t.contains("财务收支")), "光伏: {found:?}");
}
