//! The workbench's API over real HTTP: the real `gongkai serve` on 127.0.0.1 with `--port 0`
//! against a copy of `tests/fixtures/serve-site`, spoken to over raw TCP so every header
//! (Host, Origin, Sec-Fetch-Site, the token) is exactly what the test says.

mod common;
use common::cdp::{Kill, pipe_lines, wait_line};
use common::copy_dir;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

struct Wb {
    dir: tempfile::TempDir,
    port: u16,
    token: String,
    _child: Kill,
    /// Kept open: the server prints after every rebuild, and a closed pipe would stop it.
    _out: std::sync::mpsc::Receiver<String>,
}

fn start(extra: &[&str]) -> Wb {
    start_site("", extra)
}

/// [`start`] with `toml` added to the site's site.toml first.
fn start_site(toml: &str, extra: &[&str]) -> Wb {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/serve-site"), dir.path());
    let cfg = dir.path().join("site.toml");
    let text = std::fs::read_to_string(&cfg).unwrap() + toml;
    std::fs::write(&cfg, text).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("gongkai"))
        .args(["serve", "--port", "0", "--today", "2026-10-08"])
        .args(extra)
        .arg("--root")
        .arg(dir.path())
        .env("GONGKAI_LANG", "zh")
        .env_remove("GONGKAI_WB_PASSWORD")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = pipe_lines(child.stdout.take().unwrap());
    let child = Kill(child);
    let url = wait_line(&out, "预览地址 ");
    let port: u16 =
        url.rsplit(':').next().unwrap().trim().trim_end_matches('/').parse().expect("port");
    let wb = wait_line(&out, "工作台 ");
    assert_eq!(wb.trim(), format!("工作台 http://127.0.0.1:{port}/__gongkai/wb/"));
    let mut w = Wb { dir, port, token: String::new(), _child: child, _out: out };
    let (status, page) = w.get("/__gongkai/wb/");
    if status == 200 {
        let doc = scraper::Html::parse_document(&page);
        w.token = doc
            .select(&common::sel("meta[name=gongkai-token]"))
            .next()
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_default()
            .to_string();
        assert_eq!(w.token.len(), 32, "token in the page");
    }
    w
}

impl Wb {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// One request; `headers` are sent as given (Host included).
    fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        (status, text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.raw("GET", path, &[("Host", self.host())], b"")
    }

    fn get_json(&self, path: &str) -> (u16, Value) {
        let (s, b) = self.get(path);
        (s, serde_json::from_str(&b).unwrap_or(Value::Null))
    }

    /// A write as the workbench page sends it.
    fn post(&self, api: &str, body: &[u8]) -> (u16, Value) {
        let headers = [
            ("Host", self.host()),
            ("Origin", format!("http://{}", self.host())),
            ("Sec-Fetch-Site", "same-origin".to_string()),
            ("X-Gongkai-Token", self.token.clone()),
        ];
        let (s, b) = self.raw("POST", &format!("/__gongkai/wb/api/{api}"), &headers, body);
        (s, serde_json::from_str(&b).unwrap_or(Value::Null))
    }

    fn post_json(&self, api: &str, v: Value) -> (u16, Value) {
        self.post(api, v.to_string().as_bytes())
    }

    /// Starts a job (检查 / 生成 / 发布) and reads its progress until it is done: the lines in
    /// order, and the result.
    fn job(&self, api: &str, v: Value) -> (Vec<String>, Value) {
        let (status, started) = self.post_json(api, v);
        assert_eq!(status, 202, "{started}");
        self.follow(started["job"].as_u64().expect("job id"))
    }

    fn follow(&self, id: u64) -> (Vec<String>, Value) {
        let mut lines = Vec::new();
        let t = std::time::Instant::now();
        loop {
            let (s, v) =
                self.get_json(&format!("/__gongkai/wb/api/job?id={id}&from={}", lines.len()));
            assert_eq!(s, 200, "{v}");
            lines.extend(
                v["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()),
            );
            assert_eq!(v["next"].as_u64().unwrap() as usize, lines.len());
            if v["done"] == true {
                return (lines, v["result"].clone());
            }
            assert!(t.elapsed() < Duration::from_secs(300), "job {id} never finished: {lines:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).unwrap_or_default()
    }

    fn version(&self, rel: &str) -> String {
        let (s, v) = self.get_json(&format!("/__gongkai/wb/api/file?path={rel}"));
        assert_eq!(s, 200, "{v}");
        v["version"].as_str().unwrap().to_string()
    }
}

const ROAD: &str = "content/village/road.md";

#[test]
fn writes_from_other_pages_without_the_token_or_with_a_rebinding_host_are_refused() {
    let wb = start(&[]);
    let before = wb.file(ROAD);
    let version = wb.version(ROAD);
    let body = json!({"path": ROAD, "text": "被改掉了", "base_version": version}).to_string();
    let good = |k: &str| -> (&'static str, String) {
        match k {
            "Host" => ("Host", wb.host()),
            "Origin" => ("Origin", format!("http://{}", wb.host())),
            "Site" => ("Sec-Fetch-Site", "same-origin".into()),
            _ => ("X-Gongkai-Token", wb.token.clone()),
        }
    };
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "cross-origin",
            vec![
                good("Host"),
                ("Origin", "http://evil.example".into()),
                good("Site"),
                good("Token"),
            ],
        ),
        (
            "cross-site fetch",
            vec![good("Host"), ("Sec-Fetch-Site", "cross-site".into()), good("Token")],
        ),
        ("no token", vec![good("Host"), good("Origin"), good("Site")]),
        ("wrong token", vec![good("Host"), good("Origin"), ("X-Gongkai-Token", "0".repeat(32))]),
        (
            "rebinding host",
            vec![
                ("Host", format!("evil.example:{}", wb.port)),
                ("Origin", format!("http://evil.example:{}", wb.port)),
                good("Site"),
                good("Token"),
            ],
        ),
    ];
    for (what, headers) in cases {
        let (status, text) = wb.raw("POST", "/__gongkai/wb/api/save", &headers, body.as_bytes());
        assert_eq!(status, 403, "{what}: {text}");
        // A rebinding Host is refused by the server's guard before the workbench sees it
        // (plain text); the workbench's own refusals are JSON. Both say 拒绝.
        let refusal = match serde_json::from_str::<Value>(&text) {
            Ok(v) => v["error"].as_str().unwrap_or("").to_string(),
            Err(_) => text.clone(),
        };
        assert!(refusal.starts_with("拒绝"), "{what}: {text}");
        assert_eq!(wb.file(ROAD), before, "{what} changed the file");
    }
    // Reads through a rebinding name are refused too (drafts are private).
    let (status, _) = wb.raw(
        "GET",
        &format!("/__gongkai/wb/api/file?path={ROAD}"),
        &[("Host", format!("evil.example:{}", wb.port))],
        b"",
    );
    assert_eq!(status, 403);
    // The same request from the workbench itself goes through.
    let (status, v) = wb.post("save", body.as_bytes());
    assert_eq!(status, 200, "{v}");
    assert_eq!(wb.file(ROAD), "被改掉了");
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten_and_old_versions_come_back() {
    let wb = start(&[]);
    let original = wb.file(ROAD);
    let opened = wb.version(ROAD);
    std::fs::write(wb.dir.path().join(ROAD), "U 盘拷来的版本\n").unwrap();
    let (status, v) =
        wb.post_json("save", json!({"path": ROAD, "text": "我的修改", "base_version": opened}));
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["conflict"]["current"], "U 盘拷来的版本\n");
    assert_eq!(wb.file(ROAD), "U 盘拷来的版本\n");

    // Keeping mine, knowingly: based on the version on disk.
    let disk = v["conflict"]["version"].as_str().unwrap().to_string();
    let (status, v) =
        wb.post_json("save", json!({"path": ROAD, "text": "我的修改", "base_version": disk}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(wb.file(ROAD), "我的修改");

    let (_, h) = wb.get_json(&format!("/__gongkai/wb/api/history?path={ROAD}"));
    let versions = h["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1, "{h}");
    let id = versions[0]["id"].as_str().unwrap();
    let (_, old) = wb.get_json(&format!("/__gongkai/wb/api/version?path={ROAD}&id={id}"));
    assert_eq!(old["text"], "U 盘拷来的版本\n");
    assert!(
        wb.dir.path().join(".gongkai-cache/history/content/village/road.md").join(id).is_file()
    );

    let now = wb.version(ROAD);
    let (status, v) = wb.post_json("restore", json!({"path": ROAD, "id": id, "base_version": now}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(wb.file(ROAD), "U 盘拷来的版本\n");
    // Restoring kept what it replaced.
    let (_, h) = wb.get_json(&format!("/__gongkai/wb/api/history?path={ROAD}"));
    assert_eq!(h["versions"].as_array().unwrap().len(), 2);
    assert_ne!(original, wb.file(ROAD));
}

#[test]
fn paths_outside_content_are_refused() {
    let wb = start(&[]);
    for p in [
        "../site.toml",
        "content/../site.toml",
        "content/village/../../../etc/passwd",
        "/etc/passwd",
        "content%5Cvillage%5Croad.md",
        "public/index.html",
    ] {
        let (status, v) = wb.get_json(&format!("/__gongkai/wb/api/file?path={p}"));
        assert_eq!(status, 403, "{p}: {v}");
        let (status, v) = wb.post_json(
            "save",
            json!({"path": p.replace("%5C", "\\"), "text": "x", "base_version": ""}),
        );
        assert_eq!(status, 403, "{p}: {v}");
    }
    assert!(!wb.dir.path().join("../x").exists());
    assert!(!wb.dir.path().join("public/index.html").exists());
}

#[test]
fn uploads_land_in_the_bundle_under_a_safe_name() {
    let wb = start(&[]);
    let name = "..%2F..%2F%E6%9D%91%E5%A7%94%20%E7%85%A7%E7%89%87%3F.txt"; // ../../村委 照片?.txt
    let (status, v) = wb.post(&format!("upload?posting={ROAD}&name={name}"), "照片说明".as_bytes());
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["posting"], "content/village/road/index.md");
    assert_eq!(v["file"], "content/village/road/村委 照片.txt");
    let dir = wb.dir.path().join("content/village/road");
    assert_eq!(std::fs::read_to_string(dir.join("村委 照片.txt")).unwrap(), "照片说明");
    assert!(dir.join("index.md").is_file());
    assert!(!wb.dir.path().join(ROAD).exists(), "the single file became the bundle");
    assert!(!wb.dir.path().join("content/村委 照片.txt").exists());

    // Too big: refused before anything is written.
    let headers = [
        ("Host", wb.host()),
        ("X-Gongkai-Token", wb.token.clone()),
        ("Content-Length", (60u64 * 1024 * 1024).to_string()),
    ];
    let mut s = TcpStream::connect(("127.0.0.1", wb.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = "POST /__gongkai/wb/api/upload?posting=content/village/road/index.md&name=big.pdf HTTP/1.1\r\nConnection: close\r\n".to_string();
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(!dir.join("big.pdf").exists());
}

#[test]
fn deleting_moves_to_the_recycle_folder() {
    let wb = start(&[]);
    let rel = "content/village/draft-plan.md";
    let text = wb.file(rel);
    let (status, v) = wb.post_json("delete", json!({"path": rel}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["recycled"], ".gongkai-recycle/content/village/draft-plan.md");
    assert!(!wb.dir.path().join(rel).exists());
    // A section's own page is not a posting.
    let (status, _) = wb.post_json("delete", json!({"path": "content/village/_index.md"}));
    assert_eq!(status, 403);
    assert!(wb.dir.path().join("content/village/_index.md").is_file());
    assert_eq!(
        std::fs::read_to_string(
            wb.dir.path().join(".gongkai-recycle/content/village/draft-plan.md")
        )
        .unwrap(),
        text
    );
}

#[test]
fn a_password_is_needed_when_one_is_set() {
    let wb = start(&["--password", "青石"]);
    assert_eq!(wb.token, "", "the page itself needs the password");
    let (status, _) = wb.get("/__gongkai/wb/");
    assert_eq!(status, 401);
    let basic = format!("Basic {}", b64("文书:青石"));
    let (status, page) =
        wb.raw("GET", "/__gongkai/wb/", &[("Host", wb.host()), ("Authorization", basic)], b"");
    assert_eq!(status, 200);
    assert!(page.contains("gongkai-token"));
}

fn b64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn publishing_shows_the_plan_first_and_sends_only_after_confirming() {
    let wb = start(&[]);
    let dest = tempfile::tempdir().unwrap();
    let toml = wb.dir.path().join("site.toml");
    let mut cfg = std::fs::read_to_string(&toml).unwrap();
    cfg.push_str(&format!(
        "\n[[publish]]\nname = \"usb\"\nurl = {}\n",
        toml_string(&dest.path().display().to_string())
    ));
    std::fs::write(&toml, cfg).unwrap();
    let (lines, v) = wb.job("publish", json!({"confirm": false}));
    assert_eq!(v["status"], "dry-run", "{v}");
    assert!(lines.iter().any(|l| l.starts_with("正在连接 ")), "{lines:?}");
    assert!(lines.iter().any(|l| l == "上传 index.html"), "{lines:?}");
    assert!(v["summary"].as_str().unwrap().contains("确认发布吗"), "{v}");
    assert!(v["files"].as_array().unwrap().iter().any(|f| f == "上传 index.html"), "{v}");
    assert!(!dest.path().join("index.html").exists(), "a dry run sends nothing");
    let (lines, v) = wb.job("publish", json!({"confirm": true}));
    assert_eq!(v["status"], "published", "{v}");
    assert!(lines.last().unwrap().starts_with("发布完成"), "{lines:?}");
    assert!(dest.path().join("index.html").is_file());
    assert!(wb.dir.path().join(".gongkai/published.json").is_file());
    let (_, v) = wb.job("publish", json!({"confirm": false}));
    assert_eq!(v["status"], "up-to-date", "{v}");

    // A published posting is withdrawn with a note, never deleted.
    let before = wb.file(ROAD);
    let (status, v) = wb.post_json("delete", json!({"path": ROAD}));
    assert_eq!(status, 409, "{v}");
    assert!(v["error"].as_str().unwrap().contains("撤回原因"), "{v}");
    assert_eq!(wb.file(ROAD), before);
    let (status, v) = wb.post_json("delete", json!({"path": ROAD, "note": "数字有误，另行公开"}));
    assert_eq!(status, 200, "{v}");
    let after = wb.file(ROAD);
    let line = "withdrawn = { date = 2026-10-08, note = \"数字有误，另行公开\" }\n";
    assert!(after.contains(line) && after.replace(line, "") == before, "{after}");
    assert!(!wb.dir.path().join(".gongkai-recycle").exists());
    let built = common::build(wb.dir.path(), "2026-10-08", &[]);
    assert!(built.status.success(), "{}", common::stderr(&built));
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn a_word_file_becomes_a_draft_posting() {
    let wb = start(&[]);
    let docx = std::fs::read("tests/fixtures/import/招标结果公示-html.docx").unwrap();
    let (status, v) = wb.post("import-docx?section=village&name=%E6%8B%9B%E6%A0%87.docx", &docx);
    assert_eq!(status, 200, "{v}");
    let rel = v["path"].as_str().unwrap();
    assert!(rel.starts_with("content/village/"), "{v}");
    let text = wb.file(rel);
    assert!(text.starts_with("+++\n") && text.contains("draft = true"), "{text}");
    assert_eq!(text, v["text"].as_str().unwrap());
    // Not a Word file: refused with a message, nothing written.
    let before = common::tree(&wb.dir.path().join("content"));
    let (status, v) = wb.post("import-docx?section=village&name=a.docx", b"not a zip");
    assert_eq!(status, 422, "{v}");
    assert!(!v["error"].as_str().unwrap().is_empty());
    assert_eq!(common::tree(&wb.dir.path().join("content")), before);
}

#[test]
fn on_another_interface_without_a_password_the_workbench_only_reads() {
    let wb = start(&["--bind", "0.0.0.0"]);
    let (_, page) = wb.get("/__gongkai/wb/");
    assert!(page.contains(r#"<meta name="gongkai-readonly" content="1">"#), "{page}");
    let before = wb.file(ROAD);
    let version = wb.version(ROAD);
    let (status, v) = wb
        .post_json("save", json!({"path": ROAD, "text": "局域网上改的", "base_version": version}));
    assert_eq!(status, 403, "{v}");
    assert!(v["error"].as_str().unwrap().contains("只能查看"), "{v}");
    assert_eq!(wb.file(ROAD), before);
    // Reading still works.
    let (status, v) = wb.get_json("/__gongkai/wb/api/postings");
    assert_eq!(status, 200);
    assert!(v["postings"].as_array().is_some_and(|p| !p.is_empty()), "{v}");
}

#[test]
fn settings_change_only_the_keys_given_and_name_the_bad_field() {
    let wb = start(&[]);
    let before = wb.file(ROAD);
    let v0 = wb.version(ROAD);
    let (status, v) = wb.post_json(
        "settings",
        json!({"path": ROAD, "base_version": v0, "date": "2026.10.9", "title": "新标题"}),
    );
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["fields"][0]["field"], "date", "{v}");
    assert_eq!(wb.file(ROAD), before, "nothing written when a field is wrong");
    let (status, v) =
        wb.post_json("settings", json!({"path": ROAD, "base_version": v0, "title": "新标题"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(wb.file(ROAD), before.replace("关于修路的决议", "新标题"));
    // The old version is stale now.
    let (status, _) =
        wb.post_json("settings", json!({"path": ROAD, "base_version": v0, "title": "再改"}));
    assert_eq!(status, 409);
}

/// 检查 and 生成 of a site big enough to take a while: the start answers at once, progress
/// arrives while the job runs, a second start is refused in plain Chinese, and the result has
/// exactly the diagnostics `gongkai check --format json` prints.
#[test]
fn check_and_build_run_as_jobs_with_progress_and_the_clis_diagnostics() {
    let wb = start(&[]);
    let village = wb.dir.path().join("content/village");
    for i in 0..1500 {
        // Every 300th posting has a date the build cannot read: an error with its place.
        let date = if i % 300 == 7 {
            "2026.10.9".to_string()
        } else {
            format!("2026-0{}-1{}", 1 + i % 9, i % 10)
        };
        let body = "村民代表会议讨论了本村道路、水利和环境整治的安排。\n\n".repeat(20);
        std::fs::write(
            village.join(format!("p{i:04}.md")),
            format!("+++\ntitle = \"第 {i} 号决议\"\ndate = {date}\n+++\n\n{body}"),
        )
        .unwrap();
    }
    let started_at = std::time::Instant::now();
    let (status, started) = wb.post_json("build", json!({}));
    let took = started_at.elapsed();
    assert_eq!(status, 202, "{started}");
    assert!(took < Duration::from_secs(2), "the start waited {took:?}");
    let id = started["job"].as_u64().unwrap();
    let (_, first) = wb.get_json(&format!("/__gongkai/wb/api/job?id={id}&from=0"));
    assert_eq!(first["done"], false, "the build of 1500 postings is still running: {first}");
    assert!(first["lines"][0].as_str().unwrap().starts_with("正在生成网站到 "), "{first}");
    let (status, refused) = wb.post_json("check", json!({}));
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"], "正在生成，一次只能做一件事。请等生成完成后再点。");
    assert_eq!(refused["job"], id);
    let (lines, built) = wb.follow(id);
    assert_eq!(built["ok"], false, "{built}");
    assert!(lines.len() > 2, "{lines:?}");
    assert_eq!(lines.last().unwrap(), built["summary"].as_str().unwrap());

    let (lines, result) = wb.job("check", json!({}));
    assert_eq!(lines[0], "正在检查整个网站…");
    let cli = Command::new(assert_cmd::cargo::cargo_bin("gongkai"))
        .args(["check", "--format", "json", "--today", "2026-10-08", "--root"])
        .arg(wb.dir.path())
        .env("GONGKAI_LANG", "zh")
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("check --format json");
    let pick = |v: &Value| -> Vec<(String, String, String)> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
                (s("severity"), s("location"), s("message"))
            })
            .collect()
    };
    assert_eq!(pick(&result), pick(&cli));
    assert_eq!(result["errors"], cli["errors"]);
    assert_eq!(result["errors"], 5, "{result}");
    // Each diagnostic was a progress line as the CLI renders it, the summary the last one.
    assert!(lines.iter().any(|l| l.starts_with("content/village/p0007.md:")), "{lines:?}");
    assert_eq!(lines.last().unwrap(), result["summary"].as_str().unwrap());
    assert!(result["summary"].as_str().unwrap().starts_with("检查完成：5 个错误"), "{result}");
}

/// 删除 for privacy findings: the number leaves the text (the old text in the history), and a
/// bundle file with one leaves the posting's attachments and goes to the recycle folder.
#[test]
fn removing_a_privacy_finding_deletes_the_number_or_recycles_the_file() {
    let wb = start(&[]);
    let rel = "content/village/jiuzhu.md";
    let text = "+++\ntitle = \"救助\"\ndate = 2026-09-30\n+++\n\n申请人张三，联系电话 13812345678，已经审核。\n";
    std::fs::write(wb.dir.path().join(rel), text).unwrap();
    let (status, v) = wb.post_json("remove", json!({"path": rel, "line": 6, "column": 14}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["removed"], "138****5678");
    let after = wb.file(rel);
    assert_eq!(after, text.replace("13812345678", ""));
    let (_, h) = wb.get_json(&format!("/__gongkai/wb/api/history?path={rel}"));
    let id = h["versions"][0]["id"]
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| h["versions"][0]["id"].to_string());
    let (_, old) = wb.get_json(&format!("/__gongkai/wb/api/version?path={rel}&id={id}"));
    assert_eq!(old["text"], text, "the text before the removal is in the history");
    // Nothing left to remove there: said plainly, nothing changed.
    let (status, v) = wb.post_json("remove", json!({"path": rel, "line": 6, "column": 14}));
    assert_eq!(status, 404, "{v}");
    assert_eq!(wb.file(rel), after);

    let bundle = "content/village/2026-list";
    let dir = wb.dir.path().join(bundle);
    std::fs::create_dir_all(&dir).unwrap();
    let posting = "+++\ntitle = \"低保名单\"\ndate = 2026-09-20\n\n[[attachments]]\nfile = \"名单.csv\" # 户主和电话\n\n[[attachments]]\nfile = \"说明.txt\"\n+++\n\n见附件。\n";
    std::fs::write(dir.join("index.md"), posting).unwrap();
    std::fs::write(dir.join("名单.csv"), "户主,人口,电话\n王五,3,13812345678\n").unwrap();
    std::fs::write(dir.join("说明.txt"), "按户公示。\n").unwrap();
    let (_, check) = wb.job("check", json!({}));
    let file = format!("{bundle}/名单.csv");
    assert!(
        check["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == file.as_str() && d["code"] == "privacy.mobile"),
        "{check}"
    );
    let (status, v) = wb.post_json("remove", json!({"path": file}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["recycled"], format!(".gongkai-recycle/{file}"));
    assert!(!dir.join("名单.csv").exists());
    assert_eq!(
        std::fs::read_to_string(wb.dir.path().join(".gongkai-recycle").join(&file)).unwrap(),
        "户主,人口,电话\n王五,3,13812345678\n"
    );
    let now = wb.file(&format!("{bundle}/index.md"));
    assert_eq!(
        now,
        "+++\ntitle = \"低保名单\"\ndate = 2026-09-20\n\n[[attachments]]\nfile = \"说明.txt\"\n+++\n\n见附件。\n"
    );
    let (_, h) = wb.get_json(&format!("/__gongkai/wb/api/history?path={bundle}/index.md"));
    assert_eq!(h["versions"].as_array().unwrap().len(), 1, "{h}");
    // Paths outside content/ are refused.
    let (status, _) = wb.post_json("remove", json!({"path": "content/village/../../site.toml"}));
    assert_eq!(status, 403);
    let (status, v) = wb.post_json("remove", json!({"path": "site.toml"}));
    assert_eq!(status, 422, "{v}");
    assert!(v["error"].as_str().unwrap().contains("不在任何一篇公开内容的文件夹里"), "{v}");
    assert!(wb.dir.path().join("site.toml").is_file());
    let (_, check) = wb.job("check", json!({}));
    assert_eq!(check["errors"], 0, "{check}");
}

/// `[preview]` in site.toml sets the upload size, the history kept and the live-reload stream
/// limit of a real server.
#[test]
fn preview_limits_come_from_site_toml() {
    let wb = start_site("\n[preview]\nupload_mb = 1\nhistory = 2\nlive_reload_streams = 2\n", &[]);
    // Uploads: 1 MB passes, a byte more is refused with the limit named.
    let (status, v) =
        wb.post(&format!("upload?posting={ROAD}&name=a.bin"), &vec![b'x'; 1024 * 1024]);
    assert_eq!(status, 200, "{v}");
    let (status, v) = wb.post(
        "upload?posting=content/village/road/index.md&name=b.bin",
        &vec![b'x'; 1024 * 1024 + 1],
    );
    assert_eq!(status, 413, "{v}");
    assert!(v["error"].as_str().unwrap().contains("最多 1 MB"), "{v}");
    // History: two earlier versions are kept, not 50.
    let rel = "content/village/road/index.md";
    for i in 0..4 {
        let v = wb.version(rel);
        let (status, a) = wb.post_json("save", json!({"path": rel, "text": format!("+++\ntitle = \"修路\"\ndate = 2026-09-30\n+++\n\n第 {i} 版\n"), "base_version": v}));
        assert_eq!(status, 200, "{a}");
    }
    let (_, h) = wb.get_json(&format!("/__gongkai/wb/api/history?path={rel}"));
    assert_eq!(h["versions"].as_array().unwrap().len(), 2, "{h}");
    // Live reload: the third stream is turned away, naming the limit.
    let stream = || {
        let mut s = TcpStream::connect(("127.0.0.1", wb.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let req = format!("GET /__gongkai/events HTTP/1.1\r\nHost: {}\r\n\r\n", wb.host());
        s.write_all(req.as_bytes()).unwrap();
        let mut buf = [0u8; 600];
        let n = s.read(&mut buf).unwrap_or(0);
        (s, String::from_utf8_lossy(&buf[..n]).into_owned())
    };
    let (_a, first) = stream();
    let (_b, second) = stream();
    assert!(
        first.starts_with("HTTP/1.1 200") && second.starts_with("HTTP/1.1 200"),
        "{first}{second}"
    );
    let (mut c, third) = stream();
    assert!(third.starts_with("HTTP/1.1 503"), "{third}");
    assert!(third.to_ascii_lowercase().contains("retry-after: 5"), "{third}");
    // The body may come in a second read.
    let mut more = Vec::new();
    let _ = c.read_to_end(&mut more);
    let rest = third + &String::from_utf8_lossy(&more);
    assert!(rest.contains("实时刷新的连接太多（最多 2 个）"), "{rest}");
}
