//! Live reload: a Server-Sent Events broadcaster, the script injected into every page, and the
//! error overlay it shows when a build fails.
//!
//! Each open tab holds one `/__gongkai/events` connection on its own thread. The rebuild loop
//! never writes to a socket: it hands each client a message through a bounded channel with
//! `try_send`, so a stalled or closed tab can never hold up a rebuild. At most [`MAX_CLIENTS`]
//! (or `[preview] live_reload_streams`)
//! streams are open; past that a tab is answered `503` at once with `Retry-After`, which the
//! script honours (with jitter) before it tries again. A second,
//! small thread per stream reads the socket, which the tab never writes to: the end of the
//! stream means the tab was closed, and its slot is freed there and then rather than at the
//! next `: ping` (sent every [`PING`], which still notices a tab whose machine vanished).
//! Reading works the same on Windows, where a failed write may only show on the one after it.
//!
//! Events: `hello` (on connect, with the id of the build being served, so a tab that was open
//! across a server restart or a missed rebuild reloads), `reload` (a good build), `builderror`
//! (a failed build, with the diagnostics rendered exactly as the command line prints them),
//! `buildwarning` (a good build with something to fix before publishing, e.g. a change to a
//! published posting without its note: shown in a small bar, the page stays usable).

use serde::Serialize;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tiny_http::{Header, Request, Response};

/// How often an idle event stream gets a comment line.
pub const PING: Duration = Duration::from_secs(15);

/// Most event streams open at once by default (each has two threads); `[preview]
/// live_reload_streams` in site.toml changes it.
pub const MAX_CLIENTS: usize = 200;

/// What the page is told.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Event {
    /// A good build `build` is being served.
    Reload { build: String },
    /// The last build failed; `text` is the diagnostics as the CLI prints them.
    BuildError { build: String, text: String, count: usize },
    /// The build is shown, but these warnings must be dealt with before publishing.
    BuildWarning { build: String, text: String, count: usize },
}

impl Event {
    fn frame(&self, name: &str) -> String {
        let data = serde_json::to_string(self).unwrap_or_default();
        format!("event: {name}\ndata: {data}\n\n")
    }
    /// The SSE frame for this event.
    pub fn to_sse(&self) -> String {
        match self {
            Event::Reload { .. } => self.frame("reload"),
            Event::BuildError { .. } => self.frame("builderror"),
            Event::BuildWarning { .. } => self.frame("buildwarning"),
        }
    }
}

/// All open event streams and what a new one must be told first.
pub struct Hub {
    /// Shared with each stream's socket reader, which takes its client out when the tab closes.
    inner: Arc<Mutex<Inner>>,
    live: Arc<AtomicUsize>,
    /// The most streams let in at once.
    max: AtomicUsize,
    next_id: AtomicU64,
}

struct Inner {
    /// Each stream's id and queue.
    clients: Vec<(u64, SyncSender<Arc<str>>)>,
    /// The build being served.
    build: String,
    /// The failure that followed it, if the last build failed.
    error: Option<Event>,
    /// Warnings of the build being served that a tab shows in a bar.
    notes: Option<Event>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            inner: Arc::new(Mutex::new(Inner {
                clients: Vec::new(),
                build: String::new(),
                error: None,
                notes: None,
            })),
            live: Arc::new(AtomicUsize::new(0)),
            max: AtomicUsize::new(MAX_CLIENTS),
            next_id: AtomicU64::new(0),
        }
    }
}

impl Hub {
    /// Open event streams.
    pub fn clients(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        lock(&self.inner)
    }

    /// Lets at most `max` streams in at once (streams already open stay).
    pub fn set_limit(&self, max: usize) {
        self.max.store(max.max(1), Ordering::SeqCst);
    }

    /// A good build is being served now.
    pub fn reload(&self, build: &str) {
        self.reload_with_notes(build, None);
    }

    /// [`Hub::reload`] with warnings (text, count) every tab shows in a bar once reloaded.
    pub fn reload_with_notes(&self, build: &str, notes: Option<(String, usize)>) {
        let mut inner = self.lock();
        inner.build = build.to_string();
        inner.error = None;
        inner.notes = notes.map(|(text, count)| Event::BuildWarning {
            build: build.to_string(),
            text,
            count,
        });
        let ev = Event::Reload { build: build.to_string() };
        send_all(&mut inner.clients, ev.to_sse().into());
    }

    /// The last build failed: every tab shows `text` over the last good pages.
    pub fn failed(&self, text: String, count: usize) {
        let mut inner = self.lock();
        let ev = Event::BuildError { build: inner.build.clone(), text, count };
        let frame: Arc<str> = ev.to_sse().into();
        inner.error = Some(ev);
        send_all(&mut inner.clients, frame);
    }

    /// Answers `/__gongkai/events`: takes over the connection for an event stream on its own
    /// thread, or answers `503` at once when the limit of streams are open.
    pub fn subscribe(&self, req: Request) {
        let max = self.max.load(Ordering::SeqCst);
        let Some(slot) = Slot::take(&self.live, max) else {
            // What a tab past the limit is told, with `Retry-After`.
            let busy = Response::from_string(super::says::HttpSays::TooManyStreams(max).both())
                .with_status_code(503)
                .with_header(header("Content-Type", "text/plain; charset=utf-8"))
                .with_header(header("Retry-After", "5"))
                .with_header(header("Cache-Control", "no-store"));
            let _ = req.respond(busy);
            return;
        };
        let socket = req.try_clone_socket().map(Arc::new);
        let writer = req.into_writer();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = sync_channel::<Arc<str>>(32);
        let first = {
            let mut inner = self.lock();
            inner.clients.push((id, tx));
            let hello = format!(
                "retry: 1000\nevent: hello\ndata: {}\n\n",
                serde_json::json!({ "build": inner.build })
            );
            let notes = inner.notes.as_ref().map(Event::to_sse).unwrap_or_default();
            match &inner.error {
                Some(e) => hello + &notes + &e.to_sse(),
                None => hello + &notes,
            }
        };
        if let Some(socket) = &socket {
            let (socket, inner) = (socket.clone(), self.inner.clone());
            // It only ever waits in `read`: a small stack is plenty.
            let _ = std::thread::Builder::new()
                .name("gongkai-sse-watch".into())
                .stack_size(64 * 1024)
                .spawn(move || watch(&socket, &inner, id));
        }
        // Once the writer is done (or never started), the reader ends too, and the connection:
        // the response said `Connection: close`.
        let end = socket.clone();
        let spawned = std::thread::Builder::new().name("gongkai-sse".into()).spawn(move || {
            stream(writer, &first, rx);
            if let Some(s) = end {
                let _ = s.shutdown(Shutdown::Both);
            }
            drop(slot);
        });
        if spawned.is_err() {
            lock(&self.inner).clients.retain(|(c, _)| *c != id);
            if let Some(s) = &socket {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// One of the limited places, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(live: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        live.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < max).then_some(n + 1))
            .ok()
            .map(|_| Slot(live.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Reads the socket of stream `id` until it ends (the tab closed, or the stream's writer shut
/// it), then drops the stream's queue: its writer sees the channel closed at once and ends,
/// freeing the slot. A tab never sends anything on an event stream; what it might is ignored.
fn watch(socket: &TcpStream, inner: &Mutex<Inner>, id: u64) {
    use std::io::{ErrorKind, Read};
    // Wait in one blocking read, without waking up.
    let _ = socket.set_read_timeout(None);
    let mut buf = [0u8; 512];
    let mut reader: &TcpStream = socket;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::Interrupted) => continue,
            Err(_) => break,
        }
    }
    let _ = socket.shutdown(Shutdown::Both);
    lock(inner).clients.retain(|(c, _)| *c != id);
}

fn send_all(clients: &mut Vec<(u64, SyncSender<Arc<str>>)>, frame: Arc<str>) {
    // A full queue means the tab stopped reading: drop it, it reconnects when it wakes up.
    clients.retain(|(_, c)| match c.try_send(frame.clone()) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
    });
}

/// Writes the response head and events until the tab goes away or the hub drops this client.
fn stream(mut w: Box<dyn Write + Send>, first: &str, rx: Receiver<Arc<str>>) {
    let head = "HTTP/1.1 200 OK\r\n\
        Content-Type: text/event-stream; charset=utf-8\r\n\
        Cache-Control: no-store\r\n\
        Connection: close\r\n\
        X-Accel-Buffering: no\r\n\r\n";
    if w.write_all(head.as_bytes()).and_then(|_| w.write_all(first.as_bytes())).is_err()
        || w.flush().is_err()
    {
        return;
    }
    loop {
        let frame: Arc<str> = match rx.recv_timeout(PING) {
            Ok(f) => f,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".into(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(frame.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

/// The tag put before `</body>` of every HTML response.
pub fn script_tag(build: &str) -> String {
    format!("<script src=\"/__gongkai/livereload.js\" data-build=\"{}\"></script>", escape(build))
}

fn escape(s: &str) -> String {
    crate::escape::markup(s).into_owned()
}

/// Served at `/__gongkai/livereload.js`.
pub const SCRIPT: &str = r#"/* gongkai 预览：内容保存后自动刷新；生成出错时显示错误提示。 */
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : "";
  var key = "gongkai-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved) {
      sessionStorage.removeItem(key);
      var xy = JSON.parse(saved);
      var restore = function () { window.scrollTo(xy[0], xy[1]); };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) {}

  function reload() {
    try { sessionStorage.setItem(key, JSON.stringify([window.scrollX, window.scrollY])); } catch (e) {}
    location.reload();
  }

  function hideOverlay() {
    var o = document.getElementById("gongkai-error-overlay");
    if (o) o.parentNode.removeChild(o);
  }

  function showOverlay(d) {
    hideOverlay();
    var o = document.createElement("div");
    o.id = "gongkai-error-overlay";
    o.setAttribute("role", "alert");
    o.setAttribute("aria-live", "assertive");
    o.style.cssText = "position:fixed;left:0;right:0;bottom:0;top:0;z-index:2147483647;" +
      "overflow:auto;-webkit-overflow-scrolling:touch;background:rgba(255,248,246,.97);color:#3b0d0c;" +
      "font:16px/1.6 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;" +
      "padding:16px;box-sizing:border-box;border-top:6px solid #c62828";
    var h = document.createElement("h2");
    h.style.cssText = "margin:0 0 8px;font-size:20px;color:#b71c1c";
    h.textContent = "网站生成失败：共 " + d.count + " 个错误";
    var p = document.createElement("p");
    p.style.cssText = "margin:0 0 12px";
    p.textContent = "请按下面的提示修改文件并保存，改好后这个提示会自动消失。下面显示的是上一次成功生成的页面。";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;word-break:break-word;overflow-x:auto;margin:0 0 12px;" +
      "padding:12px;background:#fff;border:1px solid #e0b4b4;border-radius:6px;" +
      "font:14px/1.5 ui-monospace,Menlo,Consolas,'Courier New',monospace";
    pre.textContent = d.text;
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = "暂时隐藏提示";
    b.style.cssText = "font-size:16px;padding:8px 16px;min-height:44px";
    b.onclick = hideOverlay;
    o.appendChild(h); o.appendChild(p); o.appendChild(pre); o.appendChild(b);
    (document.body || document.documentElement).appendChild(o);
  }

  function showNotes(d) {
    var old = document.getElementById("gongkai-warning-bar");
    if (old) old.parentNode.removeChild(old);
    var o = document.createElement("div");
    o.id = "gongkai-warning-bar";
    o.setAttribute("role", "status");
    o.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40%;z-index:2147483646;" +
      "overflow:auto;background:#fff8e1;color:#3e2a00;border-top:4px solid #f9a825;padding:10px 16px;" +
      "box-sizing:border-box;font:15px/1.5 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif";
    var h = document.createElement("strong");
    h.textContent = "发布前要处理的提醒（" + d.count + " 条）：页面已按修改显示，正式发布时必须补上。";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;word-break:break-word;margin:6px 0;" +
      "font:13px/1.5 ui-monospace,Menlo,Consolas,'Courier New',monospace";
    pre.textContent = d.text;
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = "隐藏";
    b.style.cssText = "font-size:15px;padding:6px 14px;min-height:40px";
    b.onclick = function () { o.parentNode.removeChild(o); };
    o.appendChild(h); o.appendChild(pre); o.appendChild(b);
    (document.body || document.documentElement).appendChild(o);
  }

  // Seconds to wait before reconnecting, with up to half as much again at random, so that many
  // tabs turned away at once do not all come back in the same second.
  function later(seconds) {
    setTimeout(connect, Math.round(seconds * 1000 * (1 + Math.random() * 0.5)));
  }

  // An EventSource that was refused (the server at its stream limit answers 503) closes for good
  // and cannot see the answer's headers: ask once more with fetch, read `Retry-After` and wait
  // that long. A stream let in meanwhile is closed at once (its slot is freed there and then).
  function retry() {
    var ctl = window.AbortController ? new AbortController() : null;
    fetch("/__gongkai/events", { cache: "no-store", signal: ctl ? ctl.signal : undefined })
      .then(function (r) {
        var wait = 1;
        if (r.status === 503) {
          var ra = parseInt(r.headers.get("Retry-After") || "", 10);
          wait = ra > 0 ? Math.min(ra, 3600) : 5;
        }
        if (ctl) ctl.abort();
        later(wait);
      }, function () { later(1); });
  }

  function connect() {
    var es = new EventSource("/__gongkai/events");
    es.addEventListener("hello", function (e) {
      var d = JSON.parse(e.data);
      // A rebuild happened while we were away (or the server restarted).
      if (d.build && build && d.build !== build) reload();
    });
    es.addEventListener("reload", function () { hideOverlay(); reload(); });
    es.addEventListener("builderror", function (e) { showOverlay(JSON.parse(e.data)); });
    es.addEventListener("buildwarning", function (e) { showNotes(JSON.parse(e.data)); });
    es.onerror = function () {
      // The browser retries by itself unless the stream was closed for good.
      if (es.readyState === 2) { es.close(); if (window.fetch) retry(); else later(1); }
    };
  }
  connect();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_event_is_one_data_line_whatever_the_text() {
        let e = Event::BuildError {
            build: "b".into(),
            text: "a.md:3:8: 错误\n  |\n3 | x\n".into(),
            count: 1,
        };
        let frame = e.to_sse();
        assert!(frame.starts_with("event: builderror\ndata: {"));
        assert_eq!(frame.matches('\n').count(), 3, "{frame}");
        let data = frame.lines().nth(1).unwrap().strip_prefix("data: ").unwrap();
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(v["text"], "a.md:3:8: 错误\n  |\n3 | x\n");
    }

    #[test]
    fn closed_or_stalled_clients_are_dropped_without_blocking() {
        let hub = Hub::default();
        let (tx, rx) = sync_channel(1);
        hub.lock().clients.push((0, tx));
        hub.reload("1");
        hub.reload("2"); // queue full: the client is dropped, the call returns at once
        assert!(hub.lock().clients.is_empty());
        drop(rx);
        hub.failed("x".into(), 1);
        assert!(hub.lock().error.is_some());
        hub.reload("3");
        assert!(hub.lock().error.is_none(), "a good build clears the error");
    }

    #[test]
    fn the_script_tag_escapes_the_build_id() {
        assert_eq!(
            script_tag("a\"<b"),
            "<script src=\"/__gongkai/livereload.js\" data-build=\"a&quot;&lt;b\"></script>"
        );
    }
}
