//! Live reload in a real browser: headless Chromium driven over the DevTools protocol opens the
//! preview, the test edits a posting, and the page must show the new text by itself; then a broken
//! posting must bring up the error overlay, and fixing it must clear it.
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium`); without it this test fails.

mod common;
use common::cdp::{browser, serve, wait_line};
use common::copy_dir;
use serde_json::json;
use std::path::Path;
use std::time::Duration;

#[test]
fn a_real_browser_reloads_and_shows_errors() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/serve-site"), site.path());
    let (_serve, out) = serve(site.path(), "2026-10-08");
    let url = wait_line(&out, "预览地址 ").trim_start_matches("预览地址 ").trim().to_string();

    let (_chrome, mut cdp, _profile) = browser(16);
    cdp.call("Page.navigate", json!({"url": format!("{url}village/road/")}));
    cdp.wait_for("the page", "document.body ? document.body.innerText : ''", |v| {
        v.as_str().is_some_and(|t| t.contains("原始版本") && t.contains("预览"))
    });
    // Let the event stream connect before editing.
    std::thread::sleep(Duration::from_millis(500));

    let file = site.path().join("content/village/road.md");
    std::fs::write(
        &file,
        "+++\ntitle = \"关于修路的决议\"\ndate = 2026-09-30\n+++\n\n浏览器里自动出现的新内容。\n",
    )
    .unwrap();
    cdp.wait_for("the reload", "document.body ? document.body.innerText : ''", |v| {
        v.as_str().is_some_and(|t| t.contains("浏览器里自动出现的新内容"))
    });
    std::thread::sleep(Duration::from_millis(500));

    std::fs::write(&file, "+++\ntitle = \"关于修路的决议\"\ndate = 明天\n+++\n\n坏了\n").unwrap();
    let overlay = cdp.wait_for(
        "the error overlay",
        "(function(){var o=document.getElementById('gongkai-error-overlay');return o?o.getAttribute('role')+'|'+o.innerText:''})()",
        |v| v.as_str().is_some_and(|t| !t.is_empty()),
    );
    let overlay = overlay.as_str().unwrap();
    assert!(overlay.starts_with("alert|"), "{overlay}");
    assert!(overlay.contains("content/village/road.md:3:"), "{overlay}");
    assert!(overlay.contains("网站生成失败"), "{overlay}");
    // The last good page is still underneath.
    let body: String =
        cdp.eval("document.querySelector('main').innerText").as_str().unwrap_or("").into();
    assert!(body.contains("浏览器里自动出现的新内容"), "{body}");

    std::fs::write(
        &file,
        "+++\ntitle = \"关于修路的决议\"\ndate = 2026-09-30\n+++\n\n改好以后的内容。\n",
    )
    .unwrap();
    cdp.wait_for(
        "the overlay to clear",
        "(document.getElementById('gongkai-error-overlay') ? 'overlay' : '') + document.body.innerText",
        |v| v.as_str().is_some_and(|t| !t.starts_with("overlay") && t.contains("改好以后的内容")),
    );
}

/// The live-reload stream limit of `src/serve/livereload.rs` and the `Retry-After` it sends.
const MAX_STREAMS: usize = 200;
const RETRY_AFTER_MS: f64 = 5000.0;

/// Opens an event stream over raw TCP and waits for its answer's status line.
fn hold_stream(port: &str) -> (std::net::TcpStream, String) {
    use std::io::{BufRead, Write};
    let mut s = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        format!("GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n")
            .as_bytes(),
    )
    .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(s.try_clone().unwrap()).read_line(&mut line).unwrap();
    (s, line)
}

/// A tab turned away at the stream limit waits the `Retry-After` seconds (plus jitter) before
/// it tries again, instead of knocking every second, and gets in once a slot is free.
#[test]
fn a_tab_past_the_stream_limit_waits_as_long_as_retry_after_says() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/serve-site"), site.path());
    let (_serve, out) = serve(site.path(), "2026-10-08");
    let url = wait_line(&out, "预览地址 ").trim_start_matches("预览地址 ").trim().to_string();
    let port = url.trim_end_matches('/').rsplit(':').next().unwrap().to_string();
    let mut held: Vec<std::net::TcpStream> = (0..MAX_STREAMS)
        .map(|i| {
            let (s, status) = hold_stream(&port);
            assert!(status.contains(" 200 "), "stream {i}: {status}");
            s
        })
        .collect();
    assert!(hold_stream(&port).1.contains(" 503 "), "the limit is reached");

    let (_chrome, mut cdp, _profile) = browser(16);
    cdp.call("Page.enable", json!({}));
    // Every EventSource the page makes, with the time it was made.
    cdp.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "(function(){var E=window.EventSource;window.__es=[];\
            window.EventSource=function(u){var e=new E(u);window.__es.push({t:performance.now(),e:e});return e;};\
            window.EventSource.prototype=E.prototype;})();"}),
    );
    cdp.call("Page.navigate", json!({"url": format!("{url}village/road/")}));
    cdp.wait_true(
        "the first stream refused",
        "!!(window.__es && window.__es[0] && window.__es[0].e.readyState === 2)",
    );
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(12) {
        if cdp.eval("window.__es.length") != json!(1) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let gap = cdp.eval("window.__es.length >= 2 ? window.__es[1].t - window.__es[0].t : -1");
    let gap = gap.as_f64().unwrap();
    assert!(
        (RETRY_AFTER_MS..=RETRY_AFTER_MS * 1.5 + 2000.0).contains(&gap),
        "the second try came {gap} ms after the first (Retry-After: 5)"
    );
    // A slot frees: the tab gets in by itself on a following try.
    drop(held.pop());
    cdp.wait_true(
        "the tab's stream open",
        "window.__es.some(function (x) { return x.e.readyState === 1; })",
    );
    let tries = cdp.eval("window.__es.length").as_u64().unwrap();
    assert!(tries <= 4, "{tries} tries in about 10 s: Retry-After was not honoured");
}
