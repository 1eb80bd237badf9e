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
