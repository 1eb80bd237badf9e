//! `gongkai serve` end to end: the real binary on 127.0.0.1 with `--port 0`, spoken to over raw
//! TCP, against a temporary copy of `tests/fixtures/serve-site`. Every wait is bounded.

mod common;
use common::copy_dir;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-10-08";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("gongkai")
}

/// A running `gongkai serve` on a private copy of the fixture site.
struct Preview {
    dir: tempfile::TempDir,
    child: Child,
    port: u16,
    /// Everything the server printed on stdout after the URL line.
    out: Receiver<String>,
    /// What it printed up to and including the URL line.
    before: Vec<String>,
}

impl Preview {
    fn start() -> Preview {
        Self::start_with(|_| {})
    }

    fn start_with(prepare: impl FnOnce(&Path)) -> Preview {
        Self::start_args(prepare, &["--port", "0"])
    }

    fn start_args(prepare: impl FnOnce(&Path), extra: &[&str]) -> Preview {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(Path::new("tests/fixtures/serve-site"), dir.path());
        prepare(dir.path());
        let mut child = Command::new(bin())
            .args(["serve", "--today", TODAY])
            .args(extra)
            .arg("--root")
            .arg(dir.path())
            .env("GONGKAI_LANG", "zh")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gongkai serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut before = Vec::new();
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx.recv_timeout(left).expect("serve printed no URL within 60 s");
            before.push(line.clone());
            if let Some(url) = line.strip_prefix("预览地址 ") {
                let port = url.trim().trim_start_matches("http://127.0.0.1:").trim_end_matches('/');
                break port.parse().expect("port in URL line");
            }
        };
        Preview { dir, child, port, out: rx, before }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path)
    }

    fn events(&self) -> Events {
        let e = Events::connect(self.port);
        e.expect("hello", Duration::from_secs(10));
        e
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One raw HTTP/1.1 request with `Connection: close`, read to the end (bounded by timeouts).
fn request(port: u16, method: &str, target: &str) -> Reply {
    raw(
        port,
        format!(
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
}

fn raw(port: u16, bytes: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(bytes).unwrap();
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("response head");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let body = all[split + 4..].to_vec();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status code");
    Reply { status, head, body }
}

/// A raw Server-Sent Events client: `(event name, data)` pairs arrive on a channel.
struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let req = format!(
            "GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        );
        s.write_all(req.as_bytes()).unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            let mut data = String::new();
            for line in BufReader::new(s).lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push_str(d);
                } else if line.is_empty()
                    && !name.is_empty()
                    && tx.send((std::mem::take(&mut name), std::mem::take(&mut data))).is_err()
                {
                    break;
                }
            }
        });
        Events { rx }
    }

    /// Waits for the next event called `name`, skipping others; panics after `within`.
    fn expect(&self, name: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((n, d)) if n == name => return d,
                Ok(_) => continue,
                Err(_) => panic!("no `{name}` event within {within:?}"),
            }
        }
    }

    /// Every event within `window`.
    fn collect(&self, window: Duration) -> Vec<(String, String)> {
        let deadline = Instant::now() + window;
        let mut got = Vec::new();
        while let Ok(e) = self.rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            got.push(e);
        }
        got
    }
}

fn count(events: &[(String, String)], name: &str) -> usize {
    events.iter().filter(|(n, _)| n == name).count()
}

/// How long to watch for stray events after the expected one.
const QUIET: Duration = Duration::from_millis(1500);
const REBUILD: Duration = Duration::from_secs(20);

fn posting(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2026-09-30\n+++\n\n{body}\n")
}

#[test]
fn pages_and_assets_have_the_right_types() {
    let p = Preview::start();
    let home = p.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type").unwrap(), "text/html; charset=utf-8");
    assert_eq!(home.header("Cache-Control").unwrap(), "no-store");
    let html = home.text();
    assert!(html.contains("预览 — 尚未发布，运行 gongkai build 发布"), "banner missing");
    let script = html.find("/__gongkai/livereload.js").expect("live reload script injected");
    assert!(script < html.rfind("</body>").unwrap(), "script goes before </body>");

    for (path, ty) in [
        ("/static/gongkai.css", "text/css; charset=utf-8"),
        ("/static/favicon.svg", "image/svg+xml; charset=utf-8"),
        // The site's own static/ folder is published at the top of the site.
        ("/dot.svg", "image/svg+xml; charset=utf-8"),
        ("/pixel.png", "image/png"),
        ("/data.csv", "text/csv; charset=utf-8"),
        ("/__gongkai/livereload.js", "text/javascript; charset=utf-8"),
        ("/village/index.html", "text/html; charset=utf-8"),
        ("/village/road/", "text/html; charset=utf-8"),
        ("/tags/%E4%BF%AE%E8%B7%AF/", "text/html; charset=utf-8"),
    ] {
        let r = p.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type").as_deref(), Some(ty), "{path}");
        assert_eq!(r.header("Cache-Control").as_deref(), Some("no-store"), "{path}");
    }
    assert!(p.get("/tags/%E4%BF%AE%E8%B7%AF/").text().contains("关于修路的决议"));
    assert_eq!(p.get("/pixel.png").body, std::fs::read(p.root().join("static/pixel.png")).unwrap());

    let redirect = p.get("/village?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location").as_deref(), Some("/village/?x=1"));

    let missing = p.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Content-Type").unwrap(), "text/html; charset=utf-8");
    assert!(missing.text().contains("/__gongkai/livereload.js"));

    let head = request(p.port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(head.header("Content-Type").unwrap(), "text/html; charset=utf-8");

    assert_eq!(request(p.port, "POST", "/").status, 405);
}

#[test]
fn drafts_are_previewed_but_never_built() {
    let p = Preview::start();
    let draft = p.get("/village/draft-plan/");
    assert_eq!(draft.status, 200);
    assert!(draft.text().contains("这是还没定稿的计划草稿"));
    assert!(draft.text().contains("草稿"));
    assert!(p.get("/village/").text().contains("草稿：明年工作计划"), "listed in the preview");

    let out = tempfile::tempdir().unwrap();
    let st = Command::new(bin())
        .args(["build", "--quiet", "--today", TODAY, "--root"])
        .arg(p.root())
        .arg("--out")
        .arg(out.path().join("site"))
        .status()
        .unwrap();
    assert!(st.success());
    let built = out.path().join("site");
    assert!(!built.join("village/draft-plan/index.html").exists());
    let index = std::fs::read_to_string(built.join("index.html")).unwrap();
    assert!(!index.contains("预览 — 尚未发布"), "build never shows the preview banner");
    assert!(!index.contains("__gongkai"), "build never carries the live reload script");
    assert!(
        !std::fs::read_to_string(built.join("village/index.html"))
            .unwrap()
            .contains("明年工作计划")
    );
}

#[test]
fn editing_a_posting_sends_one_reload_and_new_content() {
    let p = Preview::start();
    let ev = p.events();
    let file = p.root().join("content/village/road.md");
    std::fs::write(&file, posting("关于修路的决议", "修改后的正文：路面加宽到六米。")).unwrap();
    ev.expect("reload", REBUILD);
    assert_eq!(count(&ev.collect(QUIET), "reload"), 0, "exactly one reload");
    assert!(p.get("/village/road/").text().contains("路面加宽到六米"));
    // The server said what it rebuilt.
    let said: Vec<String> = p.out.try_iter().collect();
    assert!(said.iter().any(|l| l.contains("content/village/road.md")), "{said:?}");
}

#[test]
fn an_atomic_save_gives_one_rebuild() {
    let p = Preview::start();
    let ev = p.events();
    let dir = p.root().join("content/village");
    // What many editors do: write a temp file, then rename it over the original.
    let tmp = dir.join("road.md.tmp");
    std::fs::write(&tmp, posting("关于修路的决议", "原子保存的新内容。")).unwrap();
    std::fs::rename(&tmp, dir.join("road.md")).unwrap();
    ev.expect("reload", REBUILD);
    assert_eq!(count(&ev.collect(QUIET), "reload"), 0, "exactly one reload");
    assert!(p.get("/village/road/").text().contains("原子保存的新内容"));
}

#[test]
fn editor_side_files_and_reads_trigger_nothing() {
    let p = Preview::start();
    let ev = p.events();
    let dir = p.root().join("content/village");
    for name in [".road.md.swp", "road.md~", "4913", ".#road.md", "road.md.tmp", "#road.md#"] {
        std::fs::write(dir.join(name), "junk").unwrap();
    }
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::create_dir_all(p.root().join("public")).unwrap();
    std::fs::write(p.root().join("public/x.html"), "x").unwrap();
    // Reading files (as the server and every build do) is not a change.
    for _ in 0..5 {
        let _ = std::fs::read(dir.join("road.md")).unwrap();
        assert_eq!(p.get("/village/road/").status, 200);
    }
    let got = ev.collect(Duration::from_secs(2));
    assert_eq!(count(&got, "reload"), 0, "{got:?}");
    assert_eq!(count(&got, "builderror"), 0, "{got:?}");
}

#[test]
fn a_burst_of_200_files_gives_one_rebuild_and_new_folders_are_seen() {
    let p = Preview::start();
    let ev = p.events();
    let dir = p.root().join("content/village");
    for i in 0..199 {
        std::fs::write(
            dir.join(format!("batch-{i:03}.md")),
            posting(&format!("批量公告{i}"), "批量内容。"),
        )
        .unwrap();
    }
    // A brand-new folder with a file written into it straight away.
    std::fs::create_dir(dir.join("new-bundle")).unwrap();
    std::fs::write(dir.join("new-bundle/index.md"), posting("新文件夹里的公告", "新文件夹。"))
        .unwrap();
    ev.expect("reload", REBUILD);
    let more = ev.collect(Duration::from_secs(3));
    // What the server said it rebuilt, one line per rebuild.
    let rebuilt: Vec<String> = p.out.try_iter().filter(|l| l.starts_with("已更新")).collect();
    assert_eq!(rebuilt.len(), 1 + count(&more, "reload"), "{rebuilt:?}");
    // How many files a rebuild line names ("…等 200 个文件" or one file alone). The new folder
    // itself counts too when its own event is seen, so a full burst names 200 or 201.
    let files = |line: &str| -> usize {
        line.split_once(" 等 ")
            .and_then(|(_, rest)| rest.split(' ').next())
            .map_or(1, |n| n.parse().unwrap_or(0))
    };
    // The burst, once two files of it are seen, waits for quiet and is one rebuild. Only when
    // the writer stalls right after its first file (a loaded machine) has that file already
    // gone the way of a single save, alone: then the whole rest is the second rebuild.
    match rebuilt.as_slice() {
        [all] => assert!(files(all) >= 200, "{all}"),
        [one, rest] => {
            assert!(one.contains("（content/village/batch-000.md）"), "the first alone: {one}");
            assert!(files(rest) >= 199, "the rest in one rebuild: {rest}");
        }
        _ => panic!("one rebuild for the burst, not {}: {rebuilt:?}", rebuilt.len()),
    }
    assert!(p.get("/village/batch-150/").text().contains("批量公告150"));
    assert!(p.get("/village/new-bundle/").text().contains("新文件夹里的公告"));
}

#[test]
fn a_broken_posting_shows_its_error_and_fixing_it_clears_it() {
    let p = Preview::start();
    let ev = p.events();
    let file = p.root().join("content/village/road.md");
    // Line 3, column 8: a date that is not a date.
    std::fs::write(&file, "+++\ntitle = \"关于修路的决议\"\ndate = 明天\n+++\n\n正文\n").unwrap();
    let data = ev.expect("builderror", REBUILD);
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("content/village/road.md:3:"), "{text}");
    assert!(text.contains("错误"), "{text}");
    assert!(
        text.contains("date = 明天") && text.contains('^'),
        "source excerpt with caret: {text}"
    );
    assert!(v["count"].as_u64().unwrap() >= 1);
    // The last good pages stay browsable.
    let page = p.get("/village/road/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("原始版本"));
    // A tab opened now learns about the error at once.
    let late = Events::connect(p.port);
    late.expect("builderror", Duration::from_secs(10));

    std::fs::write(&file, posting("关于修路的决议", "改好了。")).unwrap();
    ev.expect("reload", REBUILD);
    assert!(p.get("/village/road/").text().contains("改好了"));
    let fresh = Events::connect(p.port);
    let got = fresh.collect(Duration::from_millis(700));
    assert_eq!(count(&got, "hello"), 1);
    assert_eq!(count(&got, "builderror"), 0, "the error is cleared: {got:?}");
}

#[test]
fn every_traversal_form_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let target = outside.path().join("secret.txt");
    let p = Preview::start_with(|root| {
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&target, root.join("static/leak.txt")).unwrap();
            std::os::unix::fs::symlink(target.parent().unwrap(), root.join("static/leakdir"))
                .unwrap();
        }
    });
    // Links leading out of the site are a build error now, so the preview may have no page to
    // show; whatever "/" answers, it must answer the same after the attacks below.
    let before = p.get("/").status;
    assert!(before == 200 || before == 404, "{before}");
    for t in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/static/%2e%2e/%2e%2e/site.toml",
        "/static%2f..%2f..%2fsite.toml",
        "/static/..%5c..%5csite.toml",
        "/static\\..\\..\\site.toml",
        "//etc/passwd",
        "/%00",
        "/index.html%00.png",
        "/C:/Windows/win.ini",
        "/%c0%ae%c0%ae/site.toml",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/static/leak.txt",
        "/content/village/road.md",
        "/site.toml",
    ] {
        let r = p.get(t);
        assert!(r.status == 403 || r.status == 404, "{t}: {}", r.status);
        let body = r.text();
        assert!(
            !body.contains("TOP-SECRET") && !body.contains("root:") && !body.contains("sections ="),
            "{t}"
        );
    }
    // Absolute-form and garbage request lines do not crash the server.
    let r = raw(
        p.port,
        b"GET http://127.0.0.1/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(r.status >= 400, "{}", r.status);
    for junk in [&b"\x00\x01\x02 garbage\r\n\r\n"[..], b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"] {
        let mut s = TcpStream::connect(("127.0.0.1", p.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.write_all(junk);
        let _ = s.read_to_end(&mut Vec::new());
    }
    // A client that goes away mid-request.
    drop(TcpStream::connect(("127.0.0.1", p.port)).unwrap());
    assert_eq!(p.get("/").status, before, "still serving");
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn public_is_untouched_by_a_serve_session() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/serve-site"), dir.path());
    let st = Command::new(bin())
        .args(["build", "--quiet", "--today", TODAY, "--root"])
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(st.success());
    let before = snapshot(&dir.path().join("public"));
    assert!(!before.is_empty());
    let p = Preview::start_with(|root| copy_dir(&dir.path().join("public"), &root.join("public")));
    let ev = p.events();
    // A new posting (editing a published one would need a change note, see tests/record.rs).
    std::fs::write(
        p.root().join("content/village/session-new.md"),
        posting("会话中新增的公开", "会话中的新内容。"),
    )
    .unwrap();
    ev.expect("reload", REBUILD);
    assert_eq!(p.get("/").status, 200);
    let after: Vec<(PathBuf, Vec<u8>)> = snapshot(&p.root().join("public"))
        .into_iter()
        .map(|(path, b)| (dir.path().join(path.strip_prefix(p.root()).unwrap()), b))
        .collect();
    assert_eq!(before, after, "public/ is byte-identical");
    assert!(!p.root().join(".gongkai-cache").exists());
}

#[test]
fn fifty_concurrent_clients_and_rebuilds_still_run() {
    let p = Preview::start();
    let port = p.port;
    let ev = p.events();
    // Some tabs holding event streams, and 50 clients fetching at once.
    // Each tab waits for its `hello`, as a page does: only then is it registered for the
    // broadcast (a tab registered after the rebuild gets the new build id in its hello instead).
    let tabs: Vec<Events> = (0..10).map(|_| p.events()).collect();
    let started = Instant::now();
    let handles: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                let path =
                    ["/", "/village/", "/static/gongkai.css", "/village/road/", "/nope"][i % 5];
                (0..4).map(|_| request(port, "GET", path).status).collect::<Vec<u16>>()
            })
        })
        .collect();
    std::fs::write(
        p.root().join("content/village/road.md"),
        posting("关于修路的决议", "并发时的修改。"),
    )
    .unwrap();
    for h in handles {
        for s in h.join().unwrap() {
            assert!(s == 200 || s == 404, "{s}");
        }
    }
    assert!(started.elapsed() < Duration::from_secs(30));
    ev.expect("reload", REBUILD);
    for t in &tabs {
        t.expect("reload", Duration::from_secs(10));
    }
    drop(tabs); // closed tabs must not hurt later broadcasts
    std::fs::write(
        p.root().join("content/village/road.md"),
        posting("关于修路的决议", "再改一次。"),
    )
    .unwrap();
    ev.expect("reload", REBUILD);
    assert!(p.get("/village/road/").text().contains("再改一次"));
}

#[test]
fn help_explains_poll_for_clerks() {
    let out = Command::new(bin()).args(["serve", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("--poll") && text.contains("WSL") && text.contains("gongkai serve --open"),
        "{text}"
    );
}

#[test]
fn deleting_a_posting_removes_its_page() {
    let p = Preview::start();
    let ev = p.events();
    assert_eq!(p.get("/village/dibao/").status, 200);
    std::fs::remove_file(p.root().join("content/village/dibao.md")).unwrap();
    ev.expect("reload", REBUILD);
    assert_eq!(p.get("/village/dibao/").status, 404);
    assert!(!p.get("/village/").text().contains("低保名单公示"));
    // Renamed: the old address goes, the new one comes.
    let dir = p.root().join("content/village");
    std::fs::rename(dir.join("road.md"), dir.join("road-2026.md")).unwrap();
    ev.expect("reload", REBUILD);
    assert_eq!(p.get("/village/road/").status, 404);
    assert!(p.get("/village/road-2026/").text().contains("关于修路的决议"));
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let arg = port.to_string();
    let p = Preview::start_args(|_| {}, &["--port", &arg]);
    assert_ne!(p.port, port);
    assert!(
        p.before.iter().any(|l| l.contains(&format!("端口 {port} 已被占用"))),
        "{:?}",
        p.before
    );
    assert_eq!(p.get("/").status, 200);
}

#[test]
fn polling_also_sees_edits_once() {
    let p = Preview::start_args(|_| {}, &["--port", "0", "--poll"]);
    let ev = p.events();
    std::thread::sleep(Duration::from_millis(1100)); // mtimes have one-second granularity on some disks
    std::fs::write(
        p.root().join("content/village/road.md"),
        posting("关于修路的决议", "轮询看到的修改。"),
    )
    .unwrap();
    ev.expect("reload", REBUILD);
    assert_eq!(count(&ev.collect(QUIET), "reload"), 0, "exactly one reload");
    assert!(p.get("/village/road/").text().contains("轮询看到的修改"));
}

#[test]
fn a_site_broken_from_the_start_still_serves_and_recovers() {
    let p = Preview::start_with(|root| {
        std::fs::write(
            root.join("content/village/road.md"),
            "+++\ntitle = \"修路\"\ndate = 明天\n+++\n",
        )
        .unwrap();
    });
    let home = p.get("/");
    assert_eq!(home.status, 404, "nothing good to show yet");
    assert!(home.text().contains("/__gongkai/livereload.js"), "the overlay can still appear");
    let ev = Events::connect(p.port);
    let data = ev.expect("builderror", Duration::from_secs(10));
    assert!(data.contains("content/village/road.md:3:"), "{data}");
    std::fs::write(p.root().join("content/village/road.md"), posting("关于修路的决议", "修好了。"))
        .unwrap();
    ev.expect("reload", REBUILD);
    assert_eq!(p.get("/").status, 200);
}

/// Search works from the preview server too (the same page also works from `file://`, see
/// tests/site_search.rs): headless Chromium loads the search page over HTTP and finds 低保.
#[test]
fn search_works_from_the_preview_server() {
    let p = Preview::start();
    // The preview finishes the search index just after the pages; wait for it.
    let deadline = Instant::now() + Duration::from_secs(20);
    while p.get("/search/meta.js").status != 200 {
        assert!(Instant::now() < deadline, "search index never served");
        std::thread::sleep(Duration::from_millis(100));
    }
    // The live-reload stream never ends, so virtual time would wait forever: take the page as
    // it is after a fixed time instead.
    // Loading the page opens several connections at once: this also guards the fix to
    // tiny_http's connection pool (vendor/tiny_http/PATCH.md), without which one request in
    // such a burst could stay unread and the page never finish loading.
    let dom = common::dump_dom_after(
        &format!("http://127.0.0.1:{}/search/index.html?q=%E4%BD%8E%E4%BF%9D", p.port),
        "--timeout=6000",
    );
    let dom = scraper::Html::parse_document(&dom);
    let sel = scraper::Selector::parse("#search-results .search-hit-title").unwrap();
    let titles: Vec<String> = dom.select(&sel).map(|e| e.text().collect()).collect();
    assert!(titles.iter().any(|t| t == "低保名单公示"), "{titles:?}");
}

/// A posting that was built but never published (a site with `[[publish]]` targets and no
/// `.gongkai/published.json`), or built locally on a site without targets: an edit without a
/// change note is shown at once, never blocked by an error overlay.
#[test]
fn an_edit_of_a_built_posting_is_shown_not_blocked() {
    for targets in [true, false] {
        let p = Preview::start_with(|root| {
            if targets {
                let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
                std::fs::write(
                    root.join("site.toml"),
                    format!(
                        "{toml}\n[[publish]]\nname = \"县政务网\"\nurl = \"ftp://127.0.0.1/\"\n"
                    ),
                )
                .unwrap();
            }
            let o = Command::new(bin())
                .args(["build", "--today", TODAY, "--root"])
                .arg(root)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        });
        let ev = p.events();
        let file = p.root().join("content/village/road.md");
        std::fs::write(&file, posting("关于修路的决议", "改了一个错字：路面宽六米。")).unwrap();
        // A blocked edit would send `builderror` and no reload.
        ev.expect("reload", REBUILD);
        // The reloaded page hears what publishing will require, as a bar, not an overlay.
        let again = Events::connect(p.port);
        let got = again.collect(Duration::from_millis(700));
        assert_eq!(count(&got, "builderror"), 0, "{got:?}");
        let warned: Vec<&(String, String)> =
            got.iter().filter(|(n, _)| n == "buildwarning").collect();
        if targets {
            assert!(warned.is_empty(), "nothing was published: {got:?}");
        } else {
            assert_eq!(warned.len(), 1, "{got:?}");
            let v: serde_json::Value = serde_json::from_str(&warned[0].1).unwrap();
            let text = v["text"].as_str().unwrap();
            assert!(text.contains("content/village/road.md") && text.contains("警告"), "{text}");
            assert!(text.contains("[[changes]]"), "{text}");
        }
        assert!(p.get("/village/road/").text().contains("路面宽六米"), "targets {targets}");
    }
}
