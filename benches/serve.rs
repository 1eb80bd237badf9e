//! Live-preview latency on a large board: `cargo bench --bench serve` (optionally
//! `-- POSTINGS EDITS`, default 10000 and 20).
//!
//! Generates a synthetic site of 10,000 postings, times a cold `gongkai build`, then runs
//! `gongkai serve --port 0`, saves one posting at a time and measures the time from the save to
//! the `reload` event on an event stream, and what the server reports as the rebuild time, for
//! body edits and for title edits.
//! Prints the medians; not a pass/fail test. GONGKAI_BENCH_BIN names another gongkai binary to
//! time (an older commit's, for a before/after on the same machine).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

fn write_site(root: &Path, n: usize) {
    std::fs::write(
        root.join("site.toml"),
        "title = \"基准村\"\nunit = \"基准村村委会\"\nbase_url = \"https://example.org/\"\nsections = [\"village\", \"party\", \"finance\"]\n",
    )
    .unwrap();
    let sections = ["village", "party", "finance"];
    for s in sections {
        std::fs::create_dir_all(root.join("content").join(s)).unwrap();
    }
    let para =
        "村民代表会议讨论通过了本村道路硬化、低保评议和集体经济收支等事项，现予以公开，欢迎监督。";
    for i in 0..n {
        let s = sections[i % 3];
        let month = 1 + (i % 12);
        let day = 1 + (i % 28);
        let body: String = (0..8).map(|k| format!("## 第{k}部分\n\n{para}{para}\n\n")).collect();
        std::fs::write(
            root.join("content").join(s).join(format!("p{i:05}.md")),
            format!(
                "+++\ntitle = \"第{i}号公开事项\"\ndate = 2025-{month:02}-{day:02}\ntags = [\"标签{}\", \"公开\"]\n+++\n\n{body}",
                i % 50
            ),
        )
        .unwrap();
    }
}

/// Makes the `k`-th edit of a posting's text.
type Edit = fn(&str, usize) -> String;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(10_000);
    let edits = args.get(1).copied().unwrap_or(20);
    // GONGKAI_BENCH_BIN times another build of gongkai (an older commit's) on the same machine.
    let bin = std::env::var("GONGKAI_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_gongkai").to_string());
    let bin = bin.as_str();
    let timings = std::env::var_os("GONGKAI_TIMINGS").is_some();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_site(root, n);

    // Published elsewhere: with a previous manifest in public/, editing a published posting
    // without a change note is (rightly) a build error, and the benchmark edits postings.
    let published = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let st = Command::new(bin)
        .args(["build", "--quiet", "--today", "2026-10-08", "--root"])
        .arg(root)
        .arg("--out")
        .arg(published.path().join("public"))
        .status()
        .unwrap();
    assert!(st.success());
    println!(
        "cold build ({n} postings, written to disk): {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    let t = Instant::now();
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--today", "2026-10-08", "--root"])
        .arg(root)
        .env("GONGKAI_LANG", "en")
        .stdout(Stdio::piped())
        // With GONGKAI_TIMINGS=1 the server's stage times of each edit are shown.
        .stderr(if timings { Stdio::inherit() } else { Stdio::null() })
        .spawn()
        .unwrap();
    let (tx, rx) = channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let port: u16 = loop {
        let l = rx.recv_timeout(Duration::from_secs(300)).expect("serve started");
        if let Some(u) = l.strip_prefix("Preview at http://127.0.0.1:") {
            break u.trim_end_matches('/').parse().unwrap();
        }
    };
    println!("serve: first preview build and bind: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);

    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let (etx, erx) = channel();
    std::thread::spawn(move || {
        for l in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(e) = l.strip_prefix("event: ") {
                let _ = etx.send((e.to_string(), Instant::now()));
            }
        }
    });
    assert_eq!(erx.recv_timeout(Duration::from_secs(10)).unwrap().0, "hello");

    // Two kinds of save: text added to the body (what listings show stays the same: only the
    // posting's page changes), and a new title (its section pages, tags, the 10,000-entry
    // archive, home and the feeds change too).
    let kinds: [(&str, Edit); 2] = [
        ("body edit", |text, k| format!("{text}\n修改{k}。\n")),
        ("title edit", |text, k| text.replacen("title = \"", &format!("title = \"改{k}"), 1)),
    ];
    for (kind, edit) in kinds {
        let mut total = Vec::new();
        let mut rebuild = Vec::new();
        for k in 0..edits {
            let i = (k * 397 + 11) % n;
            let path = root
                .join("content")
                .join(["village", "party", "finance"][i % 3])
                .join(format!("p{i:05}.md"));
            let text = std::fs::read_to_string(&path).unwrap();
            // Lets the previous save's search index and checksums finish, as a clerk's pause does.
            std::thread::sleep(Duration::from_millis(1500));
            while let Ok(line) = rx.try_recv() {
                // The server's own lines (rebuilt, tail done) with GONGKAI_TIMINGS=1.
                if timings {
                    println!("  serve: {line}");
                }
            }
            let saved = Instant::now();
            std::fs::write(&path, edit(&text, k)).unwrap();
            let (name, at) = erx.recv_timeout(Duration::from_secs(120)).expect("reload event");
            assert_eq!(name, "reload");
            total.push((at - saved).as_secs_f64() * 1e3);
            // "Rebuilt (...): N files updated (M pages) in X ms, ..."
            while let Ok(l) = rx.recv_timeout(Duration::from_secs(5)) {
                if !l.starts_with("Rebuilt") {
                    continue;
                }
                if let Some(ms) = l.split(" in ").nth(1).and_then(|r| r.split(" ms").next()) {
                    rebuild.push(ms.parse::<f64>().unwrap());
                    break;
                }
            }
        }
        println!(
            "{kind}: save -> reload event, median of {edits}: {:.0} ms (includes the debounce); \
             rebuild as reported by serve: {:.0} ms",
            median(total),
            median(rebuild)
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}
