//! Lighthouse's accessibility category on the example site's page types, in the system Chromium
//! (mobile emulation, Lighthouse's default): every page must score 100. axe-core at AA and 7:1
//! runs in tests/readable_browser.rs; Lighthouse adds its own audits (tap targets in the mobile
//! viewport, names of links and buttons, document structure) and is what a township's web
//! administrator is likely to run.
//!
//! Needs `chromium` and `scripts/setup/a11y.sh` (scripts/test.sh runs both); without them this
//! test fails, never skips.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// A minimal static file server for `root` on 127.0.0.1 (an ephemeral port): Lighthouse needs
/// http, and the built site is what a township's web server would serve.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                // Headers are read and ignored.
                let mut h = String::new();
                while reader.read_line(&mut h).map(|n| n > 2).unwrap_or(false) {
                    h.clear();
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/");
                let path = percent_decode(target.split('?').next().unwrap_or("/"));
                let mut file = root.join(path.trim_start_matches('/'));
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let (status, body) = match std::fs::read(&file) {
                    Ok(b) if !path.contains("..") => ("200 OK", b),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let ctype = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("svg") => "image/svg+xml",
                    Some("png") => "image/png",
                    Some("jpg") => "image/jpeg",
                    Some("webp") => "image/webp",
                    _ => "application/octet-stream",
                };
                let mut out = stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = out.write_all(&body);
            });
        }
    });
    port
}

/// Lighthouse's accessibility score (0..1) of `url` and its failed audits (id and title).
fn lighthouse(url: &str, out: &Path) -> (f64, Vec<String>) {
    let cli = repo().join("target/a11y/node_modules/lighthouse/cli/index.js");
    assert!(cli.exists(), "{} is missing: run scripts/setup/a11y.sh", cli.display());
    let chrome = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {}", chromium())])
        .output()
        .unwrap();
    let chrome = String::from_utf8_lossy(&chrome.stdout).trim().to_string();
    let o = std::process::Command::new("node")
        .arg(&cli)
        .arg(url)
        .args(["--only-categories=accessibility", "--output=json", "--quiet"])
        .arg(format!("--output-path={}", out.display()))
        .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run")
        .env("CHROME_PATH", &chrome)
        .output()
        .unwrap();
    assert!(o.status.success(), "lighthouse {url}: {}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out).unwrap()).expect("Lighthouse JSON");
    let score = report["categories"]["accessibility"]["score"].as_f64().unwrap_or(0.0);
    let failed = report["audits"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, a)| a["scoreDisplayMode"] == "binary" && a["score"].as_f64() == Some(0.0))
        .map(|(id, a)| format!("{id}: {}", a["title"].as_str().unwrap_or("")))
        .collect();
    (score, failed)
}

#[test]
fn every_page_type_scores_100_in_lighthouse_accessibility() {
    let site = example_site();
    let o = build(site.path(), "2026-10-09", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let port = serve(site.path().join("public"));
    let pages = [
        "",
        "village/",
        "village/2026-road-decision/",
        "party/2026-fazhan-yubei/",
        "finance/2026-q3/",
        "catalogue/",
        "search/?q=%E4%BD%8E%E4%BF%9D",
    ];
    let reports = tempfile::tempdir().unwrap();
    // Two at a time: each Lighthouse run starts its own Chromium.
    let results: Vec<(String, f64, Vec<String>)> = pages
        .chunks(2)
        .flat_map(|pair| {
            let handles: Vec<_> = pair
                .iter()
                .enumerate()
                .map(|(i, page)| {
                    let url = format!("http://127.0.0.1:{port}/{page}");
                    let out = reports.path().join(format!("{}-{i}.json", page.len()));
                    std::thread::spawn(move || {
                        let (score, failed) = lighthouse(&url, &out);
                        (url, score, failed)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>()
        })
        .collect();
    let bad: Vec<String> = results
        .iter()
        .filter(|(_, score, _)| *score < 1.0)
        .map(|(url, score, failed)| format!("{url}: {score} {failed:?}"))
        .collect();
    assert_eq!(results.len(), pages.len());
    assert!(bad.is_empty(), "Lighthouse accessibility below 100:\n{}", bad.join("\n"));
}
