//! Helpers shared by the integration tests: fixture sites in temp folders, the real binary,
//! output trees and parsed HTML.
#![allow(dead_code)]

pub mod cdp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

/// Copies a folder recursively (skipping build output and caches).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "public" || name == ".gongkai-cache" || name == "target" || name == ".git" {
            continue;
        }
        let dest = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// A fresh copy of a fixture site in a temp folder.
pub fn site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// A copy of the repository's example site (site.toml + content/).
pub fn example_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

pub fn gongkai() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("gongkai"));
    cmd.env_remove("GONGKAI_LANG");
    cmd
}

/// Runs `gongkai build` on `root` as of `today`, with extra arguments.
pub fn build(root: &Path, today: &str, extra: &[&str]) -> Output {
    gongkai()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--today")
        .arg(today)
        .args(extra)
        .output()
        .unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree_with(dir, |bytes| bytes)
}

/// `tree`, keeping `keep(bytes)` of each file instead (a digest, for outputs too big to hold).
pub fn tree_with<T>(dir: &Path, keep: impl Fn(Vec<u8>) -> T) -> BTreeMap<String, T> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, keep(std::fs::read(e.path()).unwrap()));
        }
    }
    out
}

pub fn html(path: &Path) -> scraper::Html {
    scraper::Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

pub fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

/// Text of the first element matching `css`.
pub fn text_of(doc: &scraper::Html, css: &str) -> String {
    doc.select(&sel(css)).next().map(|e| e.text().collect::<String>()).unwrap_or_default()
}

/// Decodes `%XX` in a URL path.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The headless Chromium binary; the tests fail (never skip) when it is missing.
pub fn chromium() -> String {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if found {
            return name.to_string();
        }
    }
    panic!(
        "headless Chromium is required: run ./scripts/test.sh, or `apt-get install -y chromium`"
    );
}

/// Loads `url` in headless Chromium, lets scripts run, and returns the resulting DOM.
pub fn dump_dom(url: &str) -> String {
    dump_dom_after(url, "--virtual-time-budget=5000")
}

/// [`dump_dom`] with another wait flag: a page with a never-ending stream (the preview's live
/// reload) needs `--timeout=N` instead of virtual time.
pub fn dump_dom_after(url: &str, wait: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium())
        .args(gongkai::print::HEADLESS_FLAGS)
        .arg(wait)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A `file://` URL for a path (percent-encoding non-ASCII).
pub fn file_url(path: &Path, query: &str) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.push_str(query);
    s
}
