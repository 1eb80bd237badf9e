//! The township portal's pages in real headless Chromium, opened from `file://` (a USB stick):
//! the combined search over the villages, and the compliance table as a township reviewer uses
//! it (sorting by a header, printing on A4).
//!
//! Needs Debian's `chromium` and `poppler-utils` (pdftotext, pdftoppm); without them these tests
//! fail.

mod common;
use common::cdp::{Cdp, base64_decode, browser};
use common::{copy_dir, file_url, percent_decode, repo};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A portal of 下湾村, 青石社区 and 青石村 (copied from the examples), built as of 2026-11-25.
fn built_portal() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("青石镇");
    let ex = repo().join("examples/portal");
    for v in ["下湾村", "青石社区"] {
        copy_dir(&ex.join(v), &root.join(v));
    }
    // The repository's example village (青石村) as the third site, as in examples/portal.
    let qingshi = root.join("青石村");
    for part in ["site.toml", "catalogue.toml"] {
        std::fs::create_dir_all(&qingshi).unwrap();
        std::fs::copy(repo().join(part), qingshi.join(part)).unwrap();
    }
    for part in ["content", "data", "themes"] {
        copy_dir(&repo().join(part), &qingshi.join(part));
    }
    std::fs::write(
        root.join("portal.toml"),
        "title = \"青石镇村务公开\"\nunit = \"青石镇人民政府\"\nbase_url = \"https://example.org/zhen/\"\n\n[[sites]]\npath = \"下湾村\"\nname = \"xiawan\"\n\n[[sites]]\npath = \"青石社区\"\n\n[[sites]]\npath = \"青石村\"\nname = \"qingshi\"\n",
    )
    .unwrap();
    let o = common::build(&root, "2026-11-25", &[]);
    assert!(o.status.success(), "{}{}", common::stdout(&o), common::stderr(&o));
    (t, root)
}

fn open(cdp: &mut Cdp, url: &str) {
    cdp.call("Page.navigate", json!({ "url": url }));
    let want = serde_json::to_string(url).unwrap();
    cdp.wait_true(
        "the page to load",
        &format!("document.readyState === 'complete' && location.href === {want}"),
    );
}

#[test]
fn portal_search_on_the_front_page_finds_postings_of_every_village_and_opens_them() {
    let (_t, root) = built_portal();
    let public = root.join("public");
    let (_chrome, mut cdp, _profile) = browser(16);
    cdp.call("Page.enable", json!({}));
    let front = file_url(&public.join("index.html"), "");
    open(&mut cdp, &front);
    cdp.wait_true("the index", "document.getElementById('search-status').textContent === ''");
    // A villager types the word once.
    cdp.eval(
        "(function () { var q = document.getElementById('search-q'); q.value = '维修'; \
         q.dispatchEvent(new Event('input', { bubbles: true })); \
         document.getElementById('gongkai-search').removeAttribute('data-state'); })()",
    );
    cdp.wait_true(
        "results",
        "document.getElementById('gongkai-search').getAttribute('data-state') === 'done' && \
         document.querySelectorAll('#search-results .search-hit').length > 0",
    );
    let hits = cdp.eval(
        "JSON.stringify(Array.prototype.map.call(document.querySelectorAll('#search-results .search-hit'), \
         function (li) { var a = li.querySelector('a.search-hit-title'); return { href: a.getAttribute('href'), \
         abs: a.href, title: a.textContent, section: li.querySelector('.search-hit-section').textContent }; }))",
    );
    let hits: Vec<Value> = serde_json::from_str(hits.as_str().unwrap()).unwrap();
    let status = cdp.eval("document.getElementById('search-status').textContent");
    assert!(status.as_str().unwrap().contains(&hits.len().to_string()), "{status}");
    let from = |prefix: &str| {
        hits.iter()
            .find(|h| percent_decode(h["href"].as_str().unwrap()).starts_with(prefix))
            .unwrap_or_else(|| panic!("no hit from {prefix}: {hits:?}"))
            .clone()
    };
    let xiawan = from("xiawan/village/2026-10-bridge/");
    let shequ = from("青石社区/finance/2026-09-repair-fund/");
    // Relative links (the portal works under a sub-path and from a USB stick), and each hit
    // says which village it is from.
    for h in &hits {
        let href = h["href"].as_str().unwrap();
        assert!(!href.starts_with('/') && !href.contains("://"), "{href}");
    }
    assert!(xiawan["section"].as_str().unwrap().starts_with("下湾村 · "), "{xiawan}");
    assert!(shequ["section"].as_str().unwrap().starts_with("青石社区 · "), "{shequ}");
    // The links open the right pages.
    for h in [&xiawan, &shequ] {
        let href = percent_decode(h["href"].as_str().unwrap());
        assert!(public.join(&href).is_file(), "{href}");
        open(&mut cdp, h["abs"].as_str().unwrap());
        let h1 = cdp.eval("document.querySelector('h1').textContent.trim()");
        assert_eq!(h1.as_str().unwrap(), h["title"].as_str().unwrap());
    }
    // The query is in the address, so a search on the front page can be shared.
    open(&mut cdp, &format!("{front}?q=%E8%AF%84%E8%AE%AE"));
    cdp.wait_true(
        "results from ?q=",
        "document.getElementById('gongkai-search').getAttribute('data-state') === 'done'",
    );
    let first =
        cdp.eval("document.querySelector('#search-results a.search-hit-title').textContent");
    assert!(first.as_str().unwrap().contains("评议"), "{first}");
}

/// The villages' names in the table's current order, and the overdue counts.
fn rows(cdp: &mut Cdp) -> (Vec<String>, Vec<i64>) {
    let v = cdp.eval(
        "JSON.stringify(Array.prototype.map.call(document.querySelectorAll('#compliance tbody tr'), \
         function (r) { return [r.getAttribute('data-village'), \
         parseInt(r.querySelector('.c-overdue').getAttribute('data-value'), 10)]; }))",
    );
    let v: Vec<(String, i64)> = serde_json::from_str(v.as_str().unwrap()).unwrap();
    v.into_iter().unzip()
}

fn click(cdp: &mut Cdp, key: &str) {
    cdp.eval(&format!(
        "document.querySelector('#compliance th[data-key=\"{key}\"] button').click()"
    ));
}

fn run(cmd: &str, args: &[&str]) -> String {
    let o = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is required (apt-get install -y poppler-utils): {e}"));
    assert!(o.status.success(), "{cmd}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn portal_compliance_table_sorts_by_header_and_prints_on_a4() {
    let (_t, root) = built_portal();
    let public = root.join("public");
    let (_chrome, mut cdp, _profile) = browser(16);
    cdp.call("Page.enable", json!({}));
    open(&mut cdp, &file_url(&public.join("compliance/index.html"), ""));
    cdp.wait_true(
        "sort buttons",
        "document.querySelectorAll('#compliance th button').length === 2",
    );
    let (initial, _) = rows(&mut cdp);
    assert_eq!(initial, ["xiawan", "青石社区", "qingshi"], "portal.toml order");

    // By village: in Chinese collation order, then reversed on a second click.
    click(&mut cdp, "name");
    let (names, _) = rows(&mut cdp);
    let sorted = cdp.eval(
        "(function () { var n = Array.prototype.map.call(document.querySelectorAll('#compliance tbody tr th'), \
         function (t) { return t.textContent; }); var s = n.slice().sort(function (a, b) { \
         return a.localeCompare(b, 'zh-CN'); }); return JSON.stringify(n) === JSON.stringify(s); })()",
    );
    assert_eq!(sorted, Value::Bool(true), "{names:?}");
    assert_eq!(
        names,
        ["qingshi", "青石社区", "xiawan"],
        "青石村, 青石社区 (qing) before 下湾村 (xia)"
    );
    click(&mut cdp, "name");
    assert_eq!(rows(&mut cdp).0, ["xiawan", "青石社区", "qingshi"]);

    // By overdue count: fewest first, then most first.
    click(&mut cdp, "overdue");
    let (names, counts) = rows(&mut cdp);
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(counts[0] < counts[counts.len() - 1], "the villages differ: {counts:?}");
    assert_eq!(names[0], "qingshi", "{counts:?}");
    click(&mut cdp, "overdue");
    let (names, counts) = rows(&mut cdp);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(names[names.len() - 1], "qingshi");
    let aria = cdp.eval(
        "document.querySelector('#compliance th[data-key=\"overdue\"]').getAttribute('aria-sort')",
    );
    assert_eq!(aria, json!("descending"));

    // Printed on A4 landscape: no column is cut off at the page's right edge.
    cdp.call("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    // 297 mm − 2 × 10 mm margins at 96 px per inch.
    let printable = (277.0 / 25.4 * 96.0) as i64;
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": printable, "height": 700, "deviceScaleFactor": 1, "mobile": false }),
    );
    let right = cdp.eval(
        "Math.ceil(Math.max.apply(null, Array.prototype.map.call(document.querySelectorAll('#compliance th, #compliance td'), \
         function (c) { return c.getBoundingClientRect().right; })))",
    );
    assert!(right.as_i64().unwrap() <= printable, "table {right} px wide, page {printable} px");
    cdp.call("Emulation.clearDeviceMetricsOverride", json!({}));
    cdp.call("Emulation.setEmulatedMedia", json!({ "media": "" }));
    let pdf =
        cdp.call("Page.printToPDF", json!({ "preferCSSPageSize": true, "printBackground": true }));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("portal-compliance");
    std::fs::create_dir_all(&out).unwrap();
    let pdf_path = out.join("compliance.pdf");
    std::fs::write(&pdf_path, base64_decode(pdf["result"]["data"].as_str().unwrap())).unwrap();
    let pdf_s = pdf_path.to_str().unwrap();
    let info = run("pdfinfo", &[pdf_s]);
    let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap_or_default();
    let pts: Vec<f64> = size
        .trim_start_matches("Page size:")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        pts.len() == 2 && (pts[0] - 841.9).abs() < 2.0 && (pts[1] - 595.3).abs() < 2.0,
        "A4 landscape: {size}"
    );
    let text = run("pdftotext", &["-layout", pdf_s, "-"]);
    // Every village row and every column is on the paper, the rightmost column included.
    let html = common::html(&public.join("compliance/index.html"));
    let headers: Vec<String> = html
        .select(&common::sel("#compliance thead th"))
        .map(|h| h.text().collect::<String>())
        .collect();
    let flat: String = text.split_whitespace().collect();
    for h in &headers {
        let h: String = h.split_whitespace().collect();
        // Long headers wrap within their column; their first characters are on one line.
        let head: String = h.chars().take(3).collect();
        assert!(flat.contains(&head), "column {h} missing from the PDF:\n{text}");
    }
    for v in ["下湾村", "青石社区", "青石村"] {
        assert!(text.contains(v), "row {v} missing from the PDF:\n{text}");
    }
    let last: Vec<String> = html
        .select(&common::sel("#compliance tbody td:last-child .cell-state"))
        .map(|e| e.text().collect::<String>().split_whitespace().collect())
        .collect();
    assert!(!last.is_empty(), "the last column has a state");
    for cell in &last {
        assert!(flat.contains(cell.as_str()), "last column's cell {cell} missing:\n{text}");
    }
    // One page as an image, for a person to look at (the path is printed).
    run(
        "pdftoppm",
        &["-png", "-r", "60", "-f", "1", "-l", "1", pdf_s, out.join("page").to_str().unwrap()],
    );
    let png = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("page"))
        .map(|e| e.path())
        .expect("pdftoppm wrote the page");
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    eprintln!("compliance table printed: {} ({})", png.display(), pdf_path.display());
}
