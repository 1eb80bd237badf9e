//! Driving real processes from tests: a child killed on drop, its output as lines, a bounded
//! wait for a line, a tiny HTTP GET, and headless Chromium over the DevTools protocol.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// A child process killed (and reaped) when the test ends, pass or fail.
pub struct Kill(pub Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The lines of a child's pipe, read on their own thread.
pub fn pipe_lines(r: impl std::io::Read + Send + 'static) -> Receiver<String> {
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

/// Reads lines until one contains `marker`; bounded.
pub fn wait_line(lines: &Receiver<String>, marker: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let l = lines.recv_timeout(left).unwrap_or_else(|_| panic!("no line with {marker}"));
        if l.contains(marker) {
            return l;
        }
    }
}

/// The body of `GET path` from `host` (`127.0.0.1:PORT`); empty when nothing answers.
pub fn http_get(host: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect(host) else { return String::new() };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

/// One page target of a headless Chromium.
pub struct Cdp {
    pub ws: WebSocket<MaybeTlsStream<TcpStream>>,
    pub next: u64,
}

impl Cdp {
    /// Sends a DevTools command and returns its answer; panics on a protocol error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let v = self.call_raw(method, params);
        assert!(v.get("error").is_none(), "{method}: {v}");
        v
    }

    /// [`Cdp::call`] that returns a protocol error as the answer (an evaluation cut short by a
    /// navigation, say).
    pub fn call_raw(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.ws
            .send(Message::text(json!({"id": id, "method": method, "params": params}).to_string()))
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
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

    /// The value of a JavaScript expression (`null` when a navigation cut it short).
    pub fn eval(&mut self, expr: &str) -> Value {
        let v =
            self.call_raw("Runtime.evaluate", json!({"expression": expr, "returnByValue": true}));
        v["result"]["result"]["value"].clone()
    }

    /// The value of an expression that returns a promise.
    pub fn eval_async(&mut self, expr: &str) -> Value {
        let v = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        v["result"]["result"]["value"].clone()
    }

    /// Polls `expr` until `ok` holds; bounded. Returns the last value.
    pub fn wait_for(&mut self, what: &str, expr: &str, ok: impl Fn(&Value) -> bool) -> Value {
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

    /// Polls `expr` until it is `true`; bounded.
    pub fn wait_true(&mut self, what: &str, expr: &str) {
        self.wait_for(what, expr, |v| *v == Value::Bool(true));
    }
}

/// A headless Chromium whose profile sets the default font size to `px` (16 = 100 %), with
/// its first page target connected. Keep the returned guard and folder alive while testing.
pub fn browser(px: u32) -> (Kill, Cdp, tempfile::TempDir) {
    let profile = tempfile::tempdir().unwrap();
    let default = profile.path().join("Default");
    std::fs::create_dir_all(&default).unwrap();
    std::fs::write(
        default.join("Preferences"),
        json!({"webkit": {"webprefs": {"default_font_size": px}}}).to_string(),
    )
    .unwrap();
    let mut chrome = Command::new(super::chromium())
        .args(gongkai::print::HEADLESS_FLAGS)
        .args(["--remote-debugging-port=0", "--remote-allow-origins=*", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium is required: apt-get install -y chromium");
    let err = pipe_lines(chrome.stderr.take().unwrap());
    let kill = Kill(chrome);
    let deadline = Instant::now() + Duration::from_secs(60);
    let browser_ws = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let l = err.recv_timeout(left).expect("chromium did not start its DevTools server");
        if let Some(ws) = l.split("DevTools listening on ").nth(1) {
            break ws.trim().to_string();
        }
    };
    let port = browser_ws.trim_start_matches("ws://127.0.0.1:").split('/').next().unwrap();
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
    (kill, Cdp { ws, next: 0 }, profile)
}

/// Saves a PNG screenshot of the page's top `height` CSS px at `width`.
pub fn screenshot(cdp: &mut Cdp, file: &std::path::Path, width: u32, height: f64) {
    let shot = cdp.call(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true,
               "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}),
    );
    let data = shot["result"]["data"].as_str().expect("screenshot data");
    std::fs::write(file, base64_decode(data)).unwrap();
}

/// Standard base64 (DevTools screenshots), without pulling in a crate for it.
pub fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= u32::from(val(c)) << (18 - 6 * i);
        }
        out.extend_from_slice(&acc.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// `gongkai serve --port 0 --today TODAY --root ROOT` in Chinese, killed on drop, with its
/// output as lines (read the 预览地址 / 工作台 lines with [`wait_line`]).
pub fn serve(root: &std::path::Path, today: &str) -> (Kill, Receiver<String>) {
    let mut serve = Command::new(assert_cmd::cargo::cargo_bin("gongkai"))
        .args(["serve", "--port", "0", "--today", today, "--root"])
        .arg(root)
        .env("GONGKAI_LANG", "zh")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = pipe_lines(serve.stdout.take().unwrap());
    (Kill(serve), out)
}
