//! Live reload in a real browser: headless Chromium driven over the DevTools protocol opens the
//! preview, the test edits a posting, and the page must show the new text by itself; then a broken
//! posting must bring up the error overlay, and fixing it must clear it.
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium`); without it this test fails.

mod common;
use common::copy_dir;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads lines from a child's pipe until one contains `marker`; bounded.
fn wait_line(lines: &std::sync::mpsc::Receiver<String>, marker: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let l = lines.recv_timeout(left).unwrap_or_else(|_| panic!("no line with {marker}"));
        if l.contains(marker) {
            return l;
        }
    }
}

fn pipe_lines(r: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for l in BufReader::new(r).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

struct Cdp {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Cdp {
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.ws
            .send(Message::text(json!({"id": id, "method": method, "params": params}).to_string()))
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let msg = match self.ws.read() {
                Ok(m) => m,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => panic!("devtools: {e}"),
            };
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["id"] == id {
                    return v;
                }
            }
        }
        panic!("no answer to {method}");
    }

    fn eval(&mut self, expr: &str) -> Value {
        let v = self.call("Runtime.evaluate", json!({"expression": expr, "returnByValue": true}));
        v["result"]["result"]["value"].clone()
    }

    /// Polls `expr` until `ok` holds; bounded.
    fn wait_for(&mut self, what: &str, expr: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = self.eval(expr);
            if ok(&v) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; last value {v}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn a_real_browser_reloads_and_shows_errors() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/serve-site"), site.path());
    let mut serve = Command::new(assert_cmd::cargo::cargo_bin("gongkai"))
        .args(["serve", "--port", "0", "--today", "2026-10-08", "--root"])
        .arg(site.path())
        .env("GONGKAI_LANG", "zh")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = pipe_lines(serve.stdout.take().unwrap());
    let _serve = Kill(serve);
    let url = wait_line(&out, "预览地址 ").trim_start_matches("预览地址 ").trim().to_string();

    let profile = tempfile::tempdir().unwrap();
    let mut chrome = Command::new(common::chromium())
        .args(gongkai::print::HEADLESS_FLAGS)
        .args(["--remote-debugging-port=0", "--remote-allow-origins=*"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium is required: apt-get install -y chromium");
    let err = pipe_lines(chrome.stderr.take().unwrap());
    let _chrome = Kill(chrome);
    let browser_ws = wait_line(&err, "DevTools listening on ");
    let browser_ws = browser_ws.split("DevTools listening on ").nth(1).unwrap().trim().to_string();
    let port =
        browser_ws.trim_start_matches("ws://127.0.0.1:").split('/').next().unwrap().to_string();

    // The page target's websocket from /json/list.
    let deadline = Instant::now() + Duration::from_secs(20);
    let page_ws = loop {
        let list = http_get(&format!("127.0.0.1:{port}"), "/json/list");
        let v: Value = serde_json::from_str(&list).unwrap_or(Value::Null);
        if let Some(ws) = v.as_array().and_then(|a| {
            a.iter().find(|t| t["type"] == "page").and_then(|t| t["webSocketDebuggerUrl"].as_str())
        }) {
            break ws.to_string();
        }
        assert!(Instant::now() < deadline, "no page target");
        std::thread::sleep(Duration::from_millis(100));
    };
    let (ws, _) = tungstenite::connect(page_ws.as_str()).unwrap();
    if let MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    }
    let mut cdp = Cdp { ws, next: 0 };
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

fn http_get(host: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect(host) else { return String::new() };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}
