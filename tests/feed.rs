//! Atom feed, sitemap and robots.txt: structure checked with a small XML parser, and schema
//! validation with xmllint (Debian `libxml2-utils`) against the hand-written schemas in
//! tests/schemas/. Without xmllint the schema test fails and says how to install it.

use std::process::Command;

use gongkai::feed::{FeedEntry, absolute, atom, robots, sitemap};
use jiff::civil::date;

/// A minimal XML tree: enough to check what we generate (no DTDs, no CDATA).
#[derive(Debug)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.0 == k).map(|a| a.1.as_str())
    }
    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    fn one(&self, name: &str) -> &El {
        let v = self.all(name);
        assert_eq!(v.len(), 1, "exactly one <{name}> in <{}>", self.name);
        v[0]
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').expect("entity end") + i;
        let ent = &rest[i + 1..end];
        out.push(match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => {
                char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap()
            }
            e if e.starts_with('#') => char::from_u32(e[1..].parse().unwrap()).unwrap(),
            e => panic!("unknown entity &{e};"),
        });
        rest = &rest[end + 1..];
    }
    assert!(!rest.contains('<'));
    out.push_str(rest);
    out
}

fn parse_xml(src: &str) -> El {
    let mut s = src.trim_start();
    assert!(s.starts_with("<?xml"), "XML declaration first");
    s = &s[s.find("?>").unwrap() + 2..];
    let mut stack: Vec<El> = Vec::new();
    let mut root = None;
    loop {
        let lt = match s.find('<') {
            Some(i) => i,
            None => {
                assert!(s.trim().is_empty(), "text after root: {s:?}");
                break;
            }
        };
        let text = unescape(&s[..lt]);
        if let Some(top) = stack.last_mut() {
            top.text.push_str(&text);
        } else {
            assert!(text.trim().is_empty(), "text outside root");
        }
        s = &s[lt..];
        let gt = s.find('>').expect("tag end");
        let tag = &s[1..gt];
        s = &s[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let el = stack.pop().expect("close without open");
            assert_eq!(el.name, name.trim(), "mismatched close tag");
            match stack.last_mut() {
                Some(p) => p.children.push(el),
                None => root = Some(el),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut rest) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let eq = rest.find('=').expect("attribute =");
            let key = rest[..eq].trim().to_string();
            let q = rest[eq + 1..].trim_start();
            let quote = q.chars().next().unwrap();
            assert!(quote == '"' || quote == '\'');
            let end = q[1..].find(quote).unwrap() + 1;
            assert!(
                !attrs.iter().any(|(k, _): &(String, String)| *k == key),
                "duplicate attribute"
            );
            attrs.push((key, unescape(&q[1..end])));
            rest = &q[end + 1..];
        }
        let el = El { name: name.to_string(), attrs, children: vec![], text: String::new() };
        if self_closing {
            match stack.last_mut() {
                Some(p) => p.children.push(el),
                None => root = Some(el),
            }
        } else {
            stack.push(el);
        }
    }
    assert!(stack.is_empty(), "unclosed elements");
    root.expect("root element")
}

fn entries() -> Vec<FeedEntry> {
    let base = "https://example.org/qingshi/";
    vec![
        FeedEntry {
            title: "2026年党费收缴情况".into(),
            url_abs: absolute(base, "party/2026-党费/index.html"),
            id: "tag:example.org,2026:party/2026-dues".into(),
            published: date(2026, 7, 1),
            updated: None,
            summary: "全体党员按时足额缴纳党费 & <说明>".into(),
            section_title: "党务公开".into(),
        },
        FeedEntry {
            title: "第三季度低保金发放公示".into(),
            url_abs: absolute(base, "finance/2026-dibao/index.html"),
            id: absolute(base, "finance/2026-dibao/index.html"),
            published: date(2026, 10, 8),
            updated: Some(date(2026, 10, 12)),
            summary: String::new(),
            section_title: "财务公开".into(),
        },
        FeedEntry {
            title: "修路\u{1}工程\"验收\"".into(),
            url_abs: absolute(base, "village/road/index.html"),
            id: "tag:example.org,2026:village/road".into(),
            published: date(2026, 3, 15),
            updated: None,
            summary: "村道硬化".into(),
            section_title: "村务公开".into(),
        },
    ]
}

fn feed_xml() -> String {
    atom(
        "青石村三务公开",
        "https://example.org/qingshi/feed.xml",
        "https://example.org/qingshi/",
        "青石村村务监督委员会",
        &entries(),
        date(2020, 1, 1),
    )
}

#[test]
fn atom_has_required_elements() {
    let feed = parse_xml(&feed_xml());
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attr("xmlns"), Some("http://www.w3.org/2005/Atom"));
    assert_eq!(feed.one("id").text, "https://example.org/qingshi/feed.xml");
    assert_eq!(feed.one("title").text, "青石村三务公开");
    // The newest change among entries (an update), not the build time nor the fallback.
    assert_eq!(feed.one("updated").text, "2026-10-12T00:00:00+08:00");
    let links = feed.all("link");
    let me = links.iter().find(|l| l.attr("rel") == Some("self")).expect("rel=self");
    assert_eq!(me.attr("href"), Some("https://example.org/qingshi/feed.xml"));
    assert_eq!(feed.one("author").one("name").text, "青石村村务监督委员会");

    let es = feed.all("entry");
    assert_eq!(es.len(), 3);
    for e in &es {
        e.one("id");
        e.one("title");
        e.one("updated");
        let l = e.one("link");
        assert_eq!(l.attr("rel"), Some("alternate"));
        assert!(l.attr("href").unwrap().starts_with("https://example.org/qingshi/"));
    }
    // Newest first.
    let titles: Vec<&str> = es.iter().map(|e| e.one("title").text.as_str()).collect();
    assert_eq!(titles, ["第三季度低保金发放公示", "2026年党费收缴情况", "修路工程\"验收\""]);
    assert_eq!(es[0].one("published").text, "2026-10-08T00:00:00+08:00");
    assert_eq!(es[0].one("updated").text, "2026-10-12T00:00:00+08:00");
    assert!(es[0].all("summary").is_empty(), "empty summary omitted");
    assert_eq!(es[1].one("summary").text, "全体党员按时足额缴纳党费 & <说明>");
    assert_eq!(es[1].one("category").attr("term"), Some("党务公开"));
    assert_eq!(
        es[1].one("link").attr("href"),
        Some("https://example.org/qingshi/party/2026-%E5%85%9A%E8%B4%B9/index.html")
    );
}

#[test]
fn atom_is_deterministic_and_empty_feed_uses_fallback_date() {
    assert_eq!(feed_xml(), feed_xml());
    let mut rev = entries();
    rev.reverse();
    let a = atom("t", "https://e.org/f.xml", "https://e.org/", "u", &rev, date(2020, 1, 1));
    let b = atom("t", "https://e.org/f.xml", "https://e.org/", "u", &entries(), date(2020, 1, 1));
    assert_eq!(a, b, "input order does not matter");
    let empty =
        parse_xml(&atom("t", "https://e.org/f.xml", "https://e.org/", "u", &[], date(2026, 5, 4)));
    assert_eq!(empty.one("updated").text, "2026-05-04T00:00:00+08:00");
    assert!(empty.all("entry").is_empty());
}

fn sitemap_xml() -> String {
    sitemap(&[
        (absolute("https://example.org/qingshi", "village/index.html"), Some(date(2026, 3, 15))),
        (absolute("https://example.org/qingshi", "index.html"), None),
        (
            absolute("https://example.org/qingshi", "party/2026-党费/index.html"),
            Some(date(2026, 7, 1)),
        ),
        (absolute("https://example.org/qingshi", "village/index.html"), Some(date(2026, 4, 1))),
    ])
}

#[test]
fn sitemap_structure() {
    let set = parse_xml(&sitemap_xml());
    assert_eq!(set.name, "urlset");
    assert_eq!(set.attr("xmlns"), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    let urls: Vec<(String, Option<String>)> = set
        .all("url")
        .iter()
        .map(|u| (u.one("loc").text.clone(), u.all("lastmod").first().map(|l| l.text.clone())))
        .collect();
    assert_eq!(
        urls,
        [
            ("https://example.org/qingshi/index.html".to_string(), None),
            (
                "https://example.org/qingshi/party/2026-%E5%85%9A%E8%B4%B9/index.html".to_string(),
                Some("2026-07-01".to_string())
            ),
            (
                "https://example.org/qingshi/village/index.html".to_string(),
                Some("2026-04-01".to_string())
            ),
        ]
    );
}

#[test]
fn robots_points_at_sitemap() {
    let r = robots("https://example.org/qingshi/sitemap.xml");
    assert!(r.starts_with("User-agent: *\n"));
    assert!(r.lines().any(|l| l == "Sitemap: https://example.org/qingshi/sitemap.xml"));
}

#[test]
fn absolute_joins_and_encodes() {
    let b = "https://example.org/qingshi/";
    assert_eq!(absolute(b, "a/index.html"), "https://example.org/qingshi/a/index.html");
    assert_eq!(absolute("https://example.org/qingshi", "./a/"), "https://example.org/qingshi/a/");
    assert_eq!(absolute("https://example.org", "/a"), "https://example.org/a");
    assert_eq!(absolute("https://example.org/", ""), "https://example.org/");
    assert_eq!(
        absolute(b, "村务/低保 名单.html"),
        "https://example.org/qingshi/%E6%9D%91%E5%8A%A1/%E4%BD%8E%E4%BF%9D%20%E5%90%8D%E5%8D%95.html"
    );
    // Existing escapes are kept, a bare % is escaped, query and fragment survive.
    assert_eq!(
        absolute(b, "a%20b/100%/x?y=1#z"),
        "https://example.org/qingshi/a%20b/100%25/x?y=1#z"
    );
    // A Chinese sub-path in the base is encoded too.
    assert_eq!(
        absolute("https://example.org/青石/", "x"),
        "https://example.org/%E9%9D%92%E7%9F%B3/x"
    );
}

fn xmllint() -> &'static str {
    let ok = Command::new("xmllint")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "xmllint is required for schema validation: install it with \
         `apt-get update && apt-get install -y libxml2-utils`"
    );
    "xmllint"
}

fn validate(kind: &str, schema: &str, xml: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = format!("{}/tests/schemas/{schema}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(xmllint()).args(["--noout", kind, &schema]).arg(&file).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn schemas_validate_output_and_reject_broken_documents() {
    let (ok, err) = validate("--relaxng", "atom.rng", &feed_xml());
    assert!(ok, "Atom feed invalid:\n{err}");
    let (ok, err) = validate("--schema", "sitemap.xsd", &sitemap_xml());
    assert!(ok, "sitemap invalid:\n{err}");
    // The schemas do reject broken documents.
    let broken = feed_xml().replacen(
        "<updated>2026-10-12T00:00:00+08:00</updated>",
        "<updated>2026-10-12</updated>",
        1,
    );
    assert!(!validate("--relaxng", "atom.rng", &broken).0);
    let no_id = feed_xml().replacen("  <id>https://example.org/qingshi/feed.xml</id>\n", "", 1);
    assert!(!validate("--relaxng", "atom.rng", &no_id).0);
    let bad_loc = sitemap_xml().replace("<loc>https://", "<loc>");
    assert!(!validate("--schema", "sitemap.xsd", &bad_loc).0);
}
