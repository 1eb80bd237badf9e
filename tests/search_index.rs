//! The index files, read back in Rust: what is found, what is not, and byte-identical rebuilds.

use std::collections::BTreeMap;

use gongkai::search::{
    IndexOptions, SearchDoc, build_index, build_index_with, decode_numbers, query_terms, term_shard,
};
use serde_json::Value;

fn payload(js: &str) -> Value {
    let start = js.rfind(".push(").expect("push call") + ".push(".len();
    let end = js.rfind(");").expect("end of call");
    serde_json::from_str(&js[start..end]).expect("payload is JSON")
}

struct Index {
    files: BTreeMap<String, String>,
    meta: Value,
}

impl Index {
    fn new(files: Vec<(String, String)>) -> Index {
        let files: BTreeMap<String, String> = files.into_iter().collect();
        let meta = payload(&files["search/meta.js"]);
        Index { files, meta }
    }

    fn postings(&self, term: &str) -> Vec<(u32, u32)> {
        let shards = self.meta["termShards"].as_u64().unwrap() as u32;
        let shard = payload(&self.files[&format!("search/terms/{}.js", term_shard(term, shards))]);
        let Some(s) = shard["terms"][term].as_str() else {
            return vec![];
        };
        let nums = decode_numbers(s).unwrap();
        let mut prev = 0;
        nums.chunks(2)
            .map(|c| {
                prev += c[0];
                (prev, c[1])
            })
            .collect()
    }

    fn url(&self, id: u32) -> String {
        let size = self.meta["docShardSize"].as_u64().unwrap() as u32;
        let shard = payload(&self.files[&format!("search/docs/{}.js", id / size)]);
        shard["docs"][(id % size) as usize]["u"].as_str().unwrap().to_string()
    }

    /// AND over the query terms, in id order (newest first).
    fn find(&self, query: &str) -> Vec<String> {
        let mut ids: Option<Vec<u32>> = None;
        for t in query_terms(query) {
            let p: Vec<u32> = self.postings(&t).into_iter().map(|x| x.0).collect();
            ids = Some(match ids {
                None => p,
                Some(prev) => prev.into_iter().filter(|i| p.contains(i)).collect(),
            });
        }
        ids.unwrap_or_default().into_iter().map(|i| self.url(i)).collect()
    }
}

fn doc(url: &str, title: &str, date: &str, tags: &[&str], text: &str) -> SearchDoc<'static> {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        section: url.split('/').next().unwrap().into(),
        section_title: "栏目".into(),
        date: date.into(),
        kind: None,
        status: Some("公示中".into()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        text: text.to_string().into(),
        excerpt: String::new(),
    }
}

fn docs() -> Vec<SearchDoc<'static>> {
    vec![
        doc("finance/a.html", "低保金发放公示", "2026-10-08", &["民生"], "共有12户。"),
        doc(
            "party/b.html",
            "党费收缴情况",
            "2026-07-01",
            &[],
            "党员按时缴纳党费，修路捐款另行公示。",
        ),
        doc(
            "village/c.html",
            "村道硬化工程验收",
            "2025-03-15",
            &["修路"],
            "GDP 与 Village WiFi 2025 无关。",
        ),
    ]
}

#[test]
fn found_by_title_bigrams_not_by_absent_words() {
    let idx = Index::new(build_index(&docs()));
    assert_eq!(idx.find("低保"), ["finance/a.html"]);
    assert_eq!(idx.find("发放公示"), ["finance/a.html"]);
    assert_eq!(idx.find("党费"), ["party/b.html"]);
    // 修路 is in b's body and in c's tags.
    assert_eq!(idx.find("修路"), ["party/b.html", "village/c.html"]);
    assert_eq!(idx.find("wifi"), ["village/c.html"]);
    assert_eq!(idx.find("ＷｉＦｉ 2025"), ["village/c.html"]);
    assert!(idx.find("五保").is_empty());
    assert!(idx.find("保低").is_empty(), "both characters exist, the bigram does not");
    assert!(idx.find("internet").is_empty());
    assert!(idx.find("党费 2025").is_empty());
}

#[test]
fn postings_carry_title_tag_and_frequency() {
    let idx = Index::new(build_index(&docs()));
    // Ids: newest first. a=0, b=1, c=2.
    assert_eq!(idx.postings("低保"), [(0, 0b01)]); // title only
    assert_eq!(idx.postings("党费"), [(1, 1 << 2 | 0b01)]); // title + once in body
    assert_eq!(idx.postings("修路"), [(1, 1 << 2), (2, 0b10)]); // body; tag
    assert_eq!(idx.meta["docs"], 3);
    assert_eq!(idx.meta["years"], serde_json::json!([2026, 2025]));
    assert_eq!(
        idx.meta["sections"],
        serde_json::json!([["finance", "栏目"], ["party", "栏目"], ["village", "栏目"]])
    );
    let d = payload(&idx.files["search/docs/0.js"]);
    assert_eq!(d["docs"][0]["st"], "公示中");
    assert_eq!(d["docs"][2]["g"], serde_json::json!(["修路"]));
}

#[test]
fn builds_are_identical_whatever_the_input_order() {
    let a = build_index(&docs());
    let mut rev = docs();
    rev.reverse();
    let b = build_index(&rev);
    assert_eq!(a, b);
    assert_eq!(a, build_index(&docs()));
    let paths: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    for (_, js) in &a {
        assert!(js.starts_with("window.GONGKAI_SEARCH_SHARDS="));
    }
}

#[test]
fn sharding_splits_terms_and_docs() {
    let many: Vec<SearchDoc> = (0..120)
        .map(|i| {
            doc(
                &format!("village/{i}.html"),
                &format!("第{i}号公告"),
                "2026-01-01",
                &[],
                "修路 低保 党费",
            )
        })
        .collect();
    let opts = IndexOptions { term_shards: Some(8), doc_shard_size: 50, ..IndexOptions::default() };
    let idx = Index::new(build_index_with(&many, &opts));
    assert_eq!(idx.meta["termShards"], 8);
    assert_eq!(idx.files.keys().filter(|k| k.starts_with("search/terms/")).count(), 8);
    assert_eq!(idx.files.keys().filter(|k| k.starts_with("search/docs/")).count(), 3);
    assert_eq!(idx.find("修路").len(), 120);
    assert_eq!(idx.find("第77号"), ["village/77.html"]);
    assert_eq!(idx.find("77"), ["village/77.html"]);
}

#[test]
fn html_in_text_stays_text() {
    let d = vec![doc(
        "a/x.html",
        "<script>alert(1)</script>",
        "2026-01-01",
        &[],
        "a\u{2028}b </script>",
    )];
    let files = build_index(&d);
    for (_, js) in &files {
        assert!(!js.contains('\u{2028}'));
    }
    let idx = Index::new(files);
    let shard = payload(&idx.files["search/docs/0.js"]);
    assert_eq!(shard["docs"][0]["t"], "<script>alert(1)</script>");
}

/// Only documents longer than their excerpt get an entry in `search/text/N.js`, marked `m:1`
/// in the docs shard; the text is the whole body, whitespace collapsed.
#[test]
fn long_documents_keep_their_whole_text_for_snippets() {
    let long = format!("{}结尾处的关键词", "甲乙丙丁 ".repeat(100));
    let docs = vec![
        doc("a/index.html", "长文", "2026-01-02", &[], &long),
        doc("b/index.html", "短文", "2026-01-01", &[], "很短的正文"),
    ];
    let index = Index::new(build_index(&docs));
    let shard = payload(&index.files["search/docs/0.js"]);
    assert_eq!(shard["docs"][0]["m"], 1);
    assert!(shard["docs"][1].get("m").is_none());
    assert_eq!(shard["docs"][0]["x"].as_str().unwrap().chars().count(), 200);
    let text = payload(&index.files["search/text/0.js"]);
    assert!(text["text"][0].as_str().unwrap().ends_with("结尾处的关键词"));
    assert_eq!(text["text"][1], "");
    // A site of short documents writes no text file.
    let short = Index::new(build_index(&docs[1..]));
    assert!(!short.files.keys().any(|k| k.starts_with("search/text/")));
}
