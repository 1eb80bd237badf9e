//! gongkai.exe under Wine: the real Windows build (cross-compiled for x86_64-pc-windows-gnu with
//! mingw-w64) runs `--help`, builds the example site in a folder with a Chinese name through
//! `Z:\…` paths with backslashes, byte for byte like the Linux binary, serves it on 127.0.0.1,
//! and starts a preview when double-clicked (no arguments).
//!
//! `scripts/setup/windows.sh` installs the target, mingw-w64 and Wine. When one of them is
//! missing these tests fail saying so; they are never skipped.

mod common;
use common::{copy_dir, example_site, tree};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const TARGET: &str = "x86_64-pc-windows-gnu";
const TODAY: &str = "2026-10-09";

/// The cross-built exe and the Wine prefix it runs in, made once per test run.
struct Wine {
    exe: PathBuf,
    prefix: PathBuf,
}

fn wine() -> &'static Wine {
    static WINE: OnceLock<Wine> = OnceLock::new();
    WINE.get_or_init(|| {
        let repo = common::repo();
        let dir = repo.join("target").join("wine");
        require_tools();
        let exe = cross_build(&repo, &dir);
        let prefix = make_prefix(&dir);
        Wine { exe, prefix }
    })
}

fn require_tools() {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == TARGET))
        .unwrap_or(false);
    assert!(
        installed,
        "the Rust standard library for {TARGET} is not installed and the Windows build cannot be \
         tested: run scripts/setup/windows.sh (rustup target add {TARGET})"
    );
    for (tool, pkg) in [("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"), ("wine", "wine wine64")]
    {
        let found = Command::new(tool).arg("--version").output().is_ok();
        assert!(found, "{tool} is missing: run scripts/setup/windows.sh (apt-get install {pkg})");
    }
}

/// Builds only the gongkai binary for Windows, in its own target folder (so it does not wait for
/// the lock `cargo test` holds) with the light `wine-test` profile.
fn cross_build(repo: &Path, dir: &Path) -> PathBuf {
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(repo)
        .args([
            "build",
            "--locked",
            "--profile",
            "wine-test",
            "--bin",
            "gongkai",
            "--target",
            TARGET,
        ])
        .arg("--target-dir")
        .arg(dir)
        .env("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER", "x86_64-w64-mingw32-gcc")
        .status()
        .expect("cargo could not be started");
    assert!(status.success(), "the cross-build of gongkai.exe failed");
    eprintln!("windows test: gongkai.exe built in {:.0?}", started.elapsed());
    dir.join(TARGET).join("wine-test").join("gongkai.exe")
}

/// A Wine prefix of our own (never the user's ~/.wine), initialised once and kept in the target
/// folder, with the ProcessPrng stand-in that Debian 12's Wine 8 lacks.
fn make_prefix(dir: &Path) -> PathBuf {
    let prefix = dir.join("prefix");
    let system32 = prefix.join("drive_c/windows/system32");
    if !system32.join("kernel32.dll").exists() {
        let started = Instant::now();
        let status = wine_cmd(&prefix, "wineboot").arg("-i").status().expect("wineboot failed");
        assert!(status.success(), "wineboot -i failed for {}", prefix.display());
        eprintln!("windows test: Wine prefix made in {:.0?}", started.elapsed());
    }
    let dll = system32.join("bcryptprimitives.dll");
    if !dll.exists() {
        let src = common::repo().join("tests/wine/processprng.c");
        let status = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-shared", "-O2", "-o"])
            .arg(&dll)
            .arg(&src)
            .arg("-ladvapi32")
            .status()
            .expect("mingw gcc failed to start");
        assert!(status.success(), "building the ProcessPrng stand-in failed");
    }
    prefix
}

fn wine_cmd(prefix: &Path, program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        // No Mono or Gecko install dialogs: gongkai needs neither.
        .env("WINEDLLOVERRIDES", "mscoree=;mshtml=")
        .env_remove("DISPLAY")
        .env_remove("GONGKAI_LANG");
    c
}

/// `wine gongkai.exe ARGS`.
fn exe(args: &[&str]) -> Command {
    let w = wine();
    let mut c = wine_cmd(&w.prefix, "wine");
    c.arg(&w.exe).args(args);
    c
}

/// The Windows spelling of a Linux path through Wine's Z: drive: `Z:\tmp\…\青石村`.
fn z(path: &Path) -> String {
    format!("Z:{}", path.to_string_lossy().replace('/', "\\"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "exit {:?}\n{}\n{}", o.status, text(&o.stdout), text(&o.stderr));
    o
}

#[test]
fn help_is_readable_chinese() {
    let o = ok(exe(&["--help"]).output().unwrap());
    let out = String::from_utf8(o.stdout).expect("--help must be UTF-8");
    assert!(out.contains("生成网站到 public/ 文件夹"), "{out}");
    assert!(out.contains("双击 gongkai.exe"), "{out}");
    assert!(out.contains("gongkai build --root D:\\青石村"), "{out}");
}

#[test]
fn the_exe_builds_the_example_site_like_the_linux_binary() {
    let site = example_site();
    let parent = tempfile::tempdir().unwrap();
    // Chinese, a space, and reached through a drive letter with backslashes.
    let root = parent.path().join("青石村 三务公开");
    copy_dir(site.path(), &root);
    let o = ok(exe(&["build", "--root", &z(&root), "--today", TODAY]).output().unwrap());
    let out = text(&o.stdout);
    assert!(out.contains("已生成"), "{out}");
    // The console text names the output folder the Windows way.
    assert!(out.contains("青石村 三务公开\\public"), "{out}");

    let linux = tempfile::tempdir().unwrap();
    copy_dir(site.path(), linux.path());
    let l = common::build(linux.path(), TODAY, &[]);
    assert!(l.status.success(), "{}", text(&l.stderr));

    let win_tree = tree(&root.join("public"));
    let linux_tree = tree(&linux.path().join("public"));
    assert!(win_tree.len() > 50, "only {} files", win_tree.len());
    let names =
        |t: &std::collections::BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&win_tree), names(&linux_tree), "the file lists differ");
    for (path, bytes) in &win_tree {
        assert!(&linux_tree[path] == bytes, "{path} differs between the Windows and Linux builds");
        if path.ends_with(".html") || path.ends_with(".json") || path.ends_with(".xml") {
            assert!(!text(bytes).contains('\\'), "{path} contains a backslash");
        }
    }
}

/// Reads stdout lines on a thread; the first line with the preview address gives the port.
fn preview_port(child: &mut Child) -> (u16, Receiver<String>, Vec<String>) {
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
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) else { continue };
        seen.push(line.clone());
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            let port = rest.trim_end_matches('/').parse().expect("port");
            return (port, rx, seen);
        }
    }
    panic!("no preview address within 120 s; output:\n{}", seen.join("\n"));
}

/// A plain HTTP/1.1 GET on 127.0.0.1; returns the status line and the body.
fn get(port: u16, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = text(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.lines().next().unwrap_or("").to_string(), body.to_string())
}

fn title(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    doc.select(&scraper::Selector::parse("title").unwrap())
        .next()
        .map(|t| t.text().collect())
        .unwrap_or_default()
}

/// Kills the Wine process when a test ends, passing or failing.
struct Running(Child);
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_exe_serves_the_preview_on_loopback() {
    let site = example_site();
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("青石村");
    copy_dir(site.path(), &root);
    // The `\\?\` form that Windows' canonicalize returns (and that UNC shares take):
    // the server must still find and serve files under it.
    let verbatim = format!(r"\\?\{}", z(&root));
    let child = exe(&["serve", "--root", &verbatim, "--port", "0", "--today", TODAY])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let (port, _rx, _) = preview_port(&mut running.0);
    let (status, body) = get(port, "/");
    assert!(status.contains("200"), "{status}");
    assert!(title(&body).contains("青石村三务公开栏"), "{body}");
    let (status, _) = get(port, "/..%5c..%5csite.toml");
    assert!(!status.contains("200"), "{status}");
}

#[test]
fn a_double_click_offers_a_new_site_and_previews_it() {
    // The exe unzipped into a download folder with nothing else in it.
    let downloads = tempfile::tempdir().unwrap();
    let folder = downloads.path().join("gongkai 公开栏");
    std::fs::create_dir_all(&folder).unwrap();
    let copy = folder.join("gongkai.exe");
    std::fs::copy(&wine().exe, &copy).unwrap();
    let mut child = wine_cmd(&wine().prefix, "wine")
        .arg(&copy)
        .current_dir(&folder)
        .env("GONGKAI_NO_BROWSER", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Enter: "yes, create it".
    child.stdin.take().unwrap().write_all(b"\r\n").unwrap();
    let mut running = Running(child);
    let (port, _rx, seen) = preview_port(&mut running.0);
    let said = seen.join("\n");
    assert!(said.contains("这里还没有网站文件夹"), "{said}");
    assert!(said.contains("我的公开栏"), "{said}");
    assert!(said.contains("关闭这个窗口（或按 Ctrl+C）就停止预览"), "{said}");
    assert!(folder.join("我的公开栏/site.toml").is_file(), "{said}");
    assert!(said.contains("还有 11 处示例内容要改成真实的"), "{said}");
    assert!(said.contains("site.toml:18:10  [contact] phone 还是示例内容“0000-0000000”"), "{said}");
    let (status, body) = get(port, "/");
    assert!(status.contains("200"), "{status}");
    assert!(title(&body).contains("某某村三务公开栏"), "{body}");
}
