//! Readable by every villager: every page type of the example site in real headless Chromium at
//! 360, 390 and 1366 px wide and at 100, 150 and 200 % of the browser's default font size (the
//! profile preference `webkit.webprefs.default_font_size`, which WeChat's 关怀模式 and the
//! browsers' "font size" setting change). For each, the test asserts:
//!
//! - the document never scrolls sideways;
//! - every link, button and input in the header, navigation, footer, search and downloads is at
//!   least 44×44 CSS px (适老化 guidance);
//! - no visible text is under 16 px at 100 % (and it grows with the setting);
//! - ledgers are readable: either the phone card layout, or no column narrower than four
//!   Chinese characters.
//!
//! - axe-core finds nothing at WCAG 2.1 A/AA, and nothing under the enhanced contrast rule
//!   (7:1, what the theme's comments claim), at 390 px and at 1366 px with 200 % text.
//!
//! Screenshots for a reviewer go to `target/screenshots/` (390 px and 1366 px, 100 % and 200 %).
//! Needs Debian's `chromium` (`apt-get install -y chromium`); without it this test fails.

mod common;
use common::cdp::{Cdp, browser};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Measures one loaded page; returns a JSON object of what it found (see the module docs).
const MEASURE: &str = r#"(function () {
  var out = { scroll: document.documentElement.scrollWidth, vw: window.innerWidth,
              vh: window.innerHeight, header: document.querySelector('.site-header').getBoundingClientRect().height,
              root: parseFloat(getComputedStyle(document.documentElement).fontSize),
              targets: [], text: [], columns: [], cards: 0, ledgers: 0 };
  function visible(e) {
    var r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return null;
    var cs = getComputedStyle(e);
    if (cs.visibility === 'hidden' || e.closest('[hidden], .visually-hidden')) return null;
    return r;
  }
  var targets = 'header a, header button, nav a, footer a, #gongkai-search a, #gongkai-search input, '
    + '#gongkai-search select, #gongkai-search button, .downloads a, .attachments a, '
    + '.print-button button, .pagination a, .tag-cloud a, a.tag';
  document.querySelectorAll(targets).forEach(function (e) {
    if (e.classList.contains('skip-link')) return;   // off screen until focused
    var r = visible(e);
    if (!r) return;
    if (r.width < 43.5 || r.height < 43.5)
      out.targets.push(e.tagName + ' «' + (e.textContent || e.id).trim().slice(0, 16) + '» '
        + Math.round(r.width) + '×' + Math.round(r.height));
  });
  var walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  var n;
  while ((n = walk.nextNode())) {
    if (!n.textContent.trim()) continue;
    var el = n.parentElement;
    // SVG text is measured through its chart's scale below; QR codes have none.
    if (el.closest('script, style, noscript, svg, .skip-link, .print-only')) continue;
    if (!visible(el)) continue;
    var fs = parseFloat(getComputedStyle(el).fontSize);
    if (fs < out.root * 0.888 - 0.01)
      out.text.push(el.tagName + '.' + el.className + ' ' + fs.toFixed(1) + 'px «'
        + n.textContent.trim().slice(0, 12) + '»');
  }
  // SVG text scales with its chart: 16 units in a 640-unit viewBox.
  document.querySelectorAll('.chart svg').forEach(function (svg) {
    var w = svg.getBoundingClientRect().width, vb = svg.viewBox.baseVal.width;
    var px = 16 * w / vb;
    if (px < out.root * 0.888 - 0.01) out.text.push('chart text ' + px.toFixed(1) + 'px');
  });
  document.querySelectorAll('.ledger-table').forEach(function (t) {
    out.ledgers++;
    var head = t.querySelector('thead');
    var hr = head && head.getBoundingClientRect();
    if (hr && hr.width <= 1) {  // the card layout: header clipped, one card per entry
      var rows = t.querySelectorAll('tbody tr');
      var ok = Array.prototype.every.call(rows, function (r) { return getComputedStyle(r).display === 'grid'; });
      if (ok) out.cards++;
      else out.columns.push('ledger: header hidden but rows are not cards');
      return;
    }
    head.querySelectorAll('th').forEach(function (th) {
      var w = th.getBoundingClientRect().width, fs = parseFloat(getComputedStyle(th).fontSize);
      if (w < 4 * fs) out.columns.push('ledger column «' + th.textContent.trim() + '» ' + Math.round(w) + 'px < 4×' + fs + 'px');
    });
  });
  document.querySelectorAll('.prose table, .table-wrap table').forEach(function (t) {
    if (t.classList.contains('ledger-table')) return;
    var first = t.querySelector('thead tr') || t.querySelector('tr');
    if (!first) return;
    Array.prototype.forEach.call(first.children, function (c) {
      var w = c.getBoundingClientRect().width, fs = parseFloat(getComputedStyle(c).fontSize);
      if (w < 4 * fs) out.columns.push('table column «' + c.textContent.trim().slice(0, 8) + '» ' + Math.round(w) + 'px');
    });
  });
  return JSON.stringify(out);
})()"#;

/// Clicks the 栏目 button of a folded menu: "aria-expanded, links shown" afterwards, or why not.
const NAV_TOGGLE: &str = r#"(function () {
  var b = document.querySelector('.nav-toggle');
  var links = function () { return Array.prototype.filter.call(document.querySelectorAll('.site-nav li a'),
    function (a) { return a.getBoundingClientRect().height >= 43.5; }).length; };
  if (!b || b.getBoundingClientRect().height < 43.5) return 'no button';
  if (links() !== 0) return 'menu not folded: ' + links();
  b.click();
  var out = b.getAttribute('aria-expanded') + ' ' + links();
  b.click();
  return out;
})()"#;

/// One page of each type in the example site (and the search page with a query).
const PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("section", "village/index.html"),
    ("notice", "party/2026-fazhan-yubei/index.html"),
    ("notice-ended", "village/2026-road-decision/index.html"),
    ("photos", "village/2026-road-repair/index.html"),
    ("ledger", "finance/2026-q3/index.html"),
    ("budget", "finance/2026-road-budget/index.html"),
    ("dues", "party/2026-q3-dues/index.html"),
    ("archive", "archive/index.html"),
    ("tags", "tags/index.html"),
    ("tag", "tags/低保/index.html"),
    ("search", "search/index.html?q=低保"),
    ("boards", "boards/index.html"),
    // 404.html links its styles from the site root (/qingshi/static/…) for the web server, so it
    // cannot be opened from a folder; it is the base layout with one paragraph.
];

fn screenshot_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn screenshot(cdp: &mut Cdp, file: &Path, width: u32) {
    let h = cdp.eval("document.documentElement.scrollHeight").as_f64().unwrap_or(800.0);
    let shot = cdp.call(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true,
               "clip": {"x": 0, "y": 0, "width": width, "height": h.min(5000.0), "scale": 1}}),
    );
    let data = shot["result"]["data"].as_str().expect("screenshot data");
    let png = common::cdp::base64_decode(data);
    std::fs::write(file, png).unwrap();
}

/// axe-core as installed by `scripts/setup/a11y.sh`.
fn axe_source() -> String {
    let path = common::repo().join("target/a11y/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("{} is missing: run scripts/setup/a11y.sh (scripts/test.sh does)", path.display())
    })
}

/// Runs axe on the loaded page: WCAG 2.1 A and AA plus the 7:1 contrast rule; one line per
/// violation and element.
const AXE_RUN: &str = r#"axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: { 'color-contrast-enhanced': { enabled: true } } }).then(function (r) {
  return r.violations.map(function (v) {
    return v.id + ': ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' ') + ' ' + (n.any[0] ? n.any[0].message : ''); }).join(' | ');
  });
})"#;

#[test]
fn every_page_type_is_readable_on_phones_and_with_enlarged_text() {
    let axe = axe_source();
    let site = common::example_site();
    let o = common::build(site.path(), "2026-11-27", &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let public = site.path().join("public");
    let shots = screenshot_dir();
    let mut problems = Vec::new();
    let mut cards_seen = 0;
    let mut tables_seen = 0;
    for (font, pct) in [(16u32, 100u32), (24, 150), (32, 200)] {
        let (_chrome, mut cdp, _profile) = browser(font);
        for width in [360u32, 390, 1366] {
            cdp.call(
                "Emulation.setDeviceMetricsOverride",
                json!({"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 1000}),
            );
            for &(name, page) in PAGES {
                let (path, query) = page.split_once('?').map_or((page, ""), |(p, q)| (p, q));
                // Percent-encoded as the browser shows it in location.href.
                let query: String = if query.is_empty() {
                    String::new()
                } else {
                    std::iter::once("?".to_string())
                        .chain(query.bytes().map(|b| {
                            if b.is_ascii() { (b as char).to_string() } else { format!("%{b:02X}") }
                        }))
                        .collect()
                };
                let url = common::file_url(&public.join(path), &query);
                cdp.call("Page.navigate", json!({"url": url}));
                let ready = format!(
                    "document.readyState === 'complete' && location.href === {}",
                    serde_json::to_string(&url).unwrap()
                );
                cdp.wait_true(&format!("{name} to load"), &ready);
                if name == "search" {
                    cdp.wait_true(
                        "search hits",
                        "document.querySelectorAll('#search-results li').length > 0",
                    );
                }
                let m: Value = serde_json::from_str(cdp.eval(MEASURE).as_str().unwrap()).unwrap();
                let at = format!("{name} at {width} px, {pct} %");
                let root = m["root"].as_f64().unwrap();
                assert!(
                    (root - f64::from(font) * 1.125).abs() < 0.5,
                    "{at}: the root font must follow the browser setting (body 18 px at 100 %), got {root}"
                );
                let (scroll, vw) = (m["scroll"].as_f64().unwrap(), m["vw"].as_f64().unwrap());
                if scroll > vw + 0.5 {
                    problems.push(format!("{at}: page is {scroll} px wide on a {vw} px screen"));
                }
                for key in ["targets", "text", "columns"] {
                    for p in m[key].as_array().unwrap() {
                        problems.push(format!("{at}: {key}: {}", p.as_str().unwrap()));
                    }
                }
                // The header and menu leave most of a phone's first screen to the page.
                let (header, vh) = (m["header"].as_f64().unwrap(), m["vh"].as_f64().unwrap());
                if width < 1000 && header > 0.35 * vh {
                    problems.push(format!("{at}: header is {header} px of a {vh} px screen"));
                }
                if name == "home" && width == 390 && pct == 200 {
                    // Folded behind the 栏目 button, which opens it.
                    let opened = cdp.eval(NAV_TOGGLE);
                    if opened != json!("true 6") {
                        problems.push(format!(
                            "{at}: the 栏目 button does not open the menu: {opened}"
                        ));
                    }
                }
                let ledgers = m["ledgers"].as_u64().unwrap();
                let cards = m["cards"].as_u64().unwrap();
                if name == "ledger" {
                    assert_eq!(ledgers, 1, "{at}: the ledger page shows its ledger");
                    cards_seen += cards;
                    tables_seen += ledgers - cards;
                    // On a phone the entries are cards, whatever the font size.
                    if width < 1000 && cards != 1 {
                        problems.push(format!("{at}: ledger entries are not cards on a phone"));
                    }
                }
                if (width == 390 && pct == 100) || (width == 1366 && pct == 200) {
                    cdp.eval(&axe);
                    let found = cdp.eval_async(AXE_RUN);
                    for v in found.as_array().expect("axe results") {
                        problems.push(format!("{at}: axe: {}", v.as_str().unwrap_or("")));
                    }
                }
                if (width == 390 || width == 1366) && (pct == 100 || pct == 200) {
                    screenshot(&mut cdp, &shots.join(format!("{name}-{width}px-{pct}.png")), width);
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // Both ledger layouts were exercised: cards on phones, the table on a desktop at 100 %.
    assert!(cards_seen >= 6 && tables_seen >= 1, "cards {cards_seen}, tables {tables_seen}");
    eprintln!("screenshots in {}", shots.display());
}

/// `new Date()` in the page as `y-m-d` noon, local time (DevTools script before any other).
fn fake_today(y: u32, m: u32, d: u32) -> String {
    format!(
        "(function(){{var T=new Date({y},{},{d},12,0,0).getTime(),D=Date;\
         function F(){{if(!(this instanceof F))return new D(T).toString();\
         return arguments.length?new(Function.prototype.bind.apply(D,[null].concat([].slice.call(arguments)))):new D(T);}}\
         F.now=function(){{return T}};F.prototype=D.prototype;F.UTC=D.UTC;F.parse=D.parse;Date=F;}})()",
        m - 1
    )
}

/// A 公示 page built on 27 November and read later, as from a USB stick or a host nobody
/// rebuilds: the script works out the status from the embedded counted days; without
/// JavaScript the build day's text stays, saying which day it was true for.
#[test]
fn notice_status_follows_the_readers_day() {
    let site = common::example_site();
    let o = common::build(site.path(), "2026-11-27", &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let page = site.path().join("public/village/2026-yishiyiyi/index.html");
    let home = site.path().join("public/index.html");
    let heading = "document.querySelector('#notice-h').innerText.replace(/\\s+/g, ' ')";
    let card = "Array.from(document.querySelectorAll('.notice-card')).map(c => c.querySelector('.notice-end').innerText.replace(/\\s+/g, ' ') + ' ' + c.querySelector('.posting-link').innerText).join('|')";
    let mut seen = Vec::new();
    for (day, js) in [(Some((2026, 11, 30)), true), (Some((2026, 12, 2)), true), (None, false)] {
        let (_chrome, mut cdp, _profile) = browser(16);
        cdp.call("Page.enable", json!({}));
        if let Some((y, m, d)) = day {
            cdp.call(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({"source": fake_today(y, m, d)}),
            );
        }
        if !js {
            cdp.call("Emulation.setScriptExecutionDisabled", json!({"value": true}));
        }
        for (file, expr) in [(&page, heading), (&home, card)] {
            let url = common::file_url(file, "");
            cdp.call("Page.navigate", json!({"url": url}));
            let ready = format!(
                "document.readyState === 'complete' && location.href === {}",
                serde_json::to_string(&url).unwrap()
            );
            // With scripts off, evaluation still works (DevTools runs outside the page).
            cdp.wait_true("the page", &ready);
            let asof = cdp.eval(
                "Array.from(document.querySelectorAll('.notice-asof, .notices-asof')).filter(e => !e.hidden).map(e => e.innerText).join('|')",
            );
            seen.push((
                cdp.eval(expr).as_str().unwrap_or("").to_string(),
                asof.as_str().unwrap_or("").to_string(),
            ));
        }
    }
    let [(p30, a30), (h30, _), (p2, a2), (h2, _), (p_nojs, a_nojs), (h_nojs, ah_nojs)] =
        <[(String, String); 6]>::try_from(seen).unwrap();
    assert_eq!(p30, "公示中 第 6 天 / 共 7 个工作日，12月1日截止");
    assert_eq!(a30, "", "the build-day note hides once the script has worked it out");
    assert!(h30.contains("公示中 第 6 天 / 共 7 个工作日，12月1日截止 "), "{h30}");
    assert_eq!(p2, "公示期满 已于 12月1日期满");
    assert_eq!(a2, "");
    assert!(h2.contains("公示期满 已于 12月1日期满"), "{h2}");
    assert_eq!(p_nojs, "公示中 剩余 2 个工作日 / 截止 12月1日");
    assert_eq!(a_nojs, "（截至 11月27日）");
    assert!(h_nojs.contains("公示中 剩余 2 个工作日 / 截止 12月1日"), "{h_nojs}");
    assert_eq!(ah_nojs, "以下为 11月27日 的公示状态。");
}

/// The 2,400 mm board printed as A3 tiles: every card's QR code shows whole on at least one
/// tile (none is only ever cut by a seam), and no printed tile is without board content.
#[test]
fn tiles_keep_qr_codes_whole_and_print_no_empty_sheet() {
    let site = common::example_site();
    let o = common::build(site.path(), "2026-11-27", &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let tiles = site.path().join("public/boards/main-board/tiles.html");
    let (_chrome, mut cdp, _profile) = browser(16);
    cdp.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let url = common::file_url(&tiles, "");
    cdp.call("Page.navigate", json!({"url": url}));
    let ready = format!(
        "document.readyState === 'complete' && location.href === {}",
        serde_json::to_string(&url).unwrap()
    );
    cdp.wait_true("tiles.html", &ready);
    let report = cdp.eval(
        r#"(function () {
  var shown = Array.prototype.filter.call(document.querySelectorAll('.tile[data-x]'), function (t) { return !t.hidden; });
  var hidden = document.querySelectorAll('.tile[data-x][hidden]').length;
  var whole = {}, empty = [], cards = 0;
  shown.forEach(function (t) {
    var w = t.querySelector('.tile-window').getBoundingClientRect();
    var cs = t.querySelectorAll('.card');
    cards = Math.max(cards, cs.length);
    var used = false;
    t.querySelectorAll('.board-head, .card').forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (r.left < w.right && r.right > w.left && r.top < w.bottom && r.bottom > w.top) used = true;
    });
    if (!used) empty.push(t.dataset.label);
    Array.prototype.forEach.call(cs, function (c, i) {
      var q = c.querySelector('svg.qr');
      if (!q) return;
      var r = q.getBoundingClientRect();
      if (r.left >= w.left - 0.5 && r.right <= w.right + 0.5 && r.top >= w.top - 0.5 && r.bottom <= w.bottom + 0.5) whole[i] = true;
    });
  });
  var cut = [];
  for (var i = 0; i < cards; i++) if (!whole[i]) cut.push(i + 1);
  return JSON.stringify({ shown: shown.length, hidden: hidden, cards: cards, cut: cut, empty: empty,
    size: document.documentElement.outerHTML.length });
})()"#,
    );
    let r: Value = serde_json::from_str(report.as_str().unwrap()).unwrap();
    assert!(r["cards"].as_u64().unwrap() >= 4, "{r}");
    assert_eq!(r["cut"], json!([]), "cards whose QR code no tile shows whole: {r}");
    assert_eq!(r["empty"], json!([]), "tiles printed without board content: {r}");
    assert!(r["hidden"].as_u64().unwrap() >= 1, "the blank tiles are left out: {r}");
    assert_eq!(r["shown"].as_u64().unwrap() + r["hidden"].as_u64().unwrap(), 35, "{r}");
}
