//! How fast a normal request is answered while `gongkai serve` is under attack:
//! `cargo bench --bench serve_guard`, or without an optimised build
//! `cargo test --bench serve_guard -- [GONGKAI_BINARY] [NEVER_READERS] [NORMAL_CLIENTS]`
//! (defaults: the binary of this build, 8 and 50). Pass an older binary to compare.
//!
//! Runs the attack mix of `tests/common/attack.rs` (clients that ask for a 16 MB file and never
//! read it, a pipelined flood, garbage, a head that never ends, a slowloris, a huge head, a body
//! announced and never sent, and normal clients) against a copy of `tests/fixtures/serve-site`,
//! then times 20 normal `GET`s, one every 500 ms, each given at most 30 s (it stops after three
//! without an answer).
//! Prints the times; not a pass/fail test.

#[path = "../tests/common/attack.rs"]
mod attack;

use attack::{Attack, Mix, timed_get};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().map(Result::unwrap) {
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let bin = args.first().cloned().unwrap_or_else(|| env!("CARGO_BIN_EXE_gongkai").to_string());
    let never_readers = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(8);
    let normal = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve-site"), root);
    std::fs::write(root.join("static/big.bin"), vec![7u8; 16 * 1024 * 1024]).unwrap();
    let mut child = Command::new(&bin)
        .args(["serve", "--today", "2026-10-08", "--port", "0", "--root"])
        .arg(root)
        .env("GONGKAI_LANG", "en")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gongkai serve");
    let out = BufReader::new(child.stdout.take().unwrap());
    let port: u16 = out
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            let u = l.strip_prefix("Preview at http://127.0.0.1:")?;
            u.trim_end_matches('/').parse().ok()
        })
        .expect("serve printed its address");
    let quiet = timed_get(port, "/", Duration::from_secs(30)).map(|(_, t)| t);
    println!("{bin}\n  normal GET, no attack: {quiet:?}");
    let attack = Attack::start(&Mix { port, big: "/big.bin".into(), never_readers, normal });
    std::thread::sleep(Duration::from_millis(1500));
    let started = Instant::now();
    let mut times = Vec::new();
    let mut unanswered = 0;
    for k in 0..20 {
        let path = ["/", "/village/", "/village/road/"][k % 3];
        match timed_get(port, path, Duration::from_secs(30)) {
            Ok((_, t)) => times.push(t),
            Err(_) => unanswered += 1,
        }
        if unanswered == 3 {
            break; // enough to know; each one costs 30 s
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let window = started.elapsed();
    let answered = attack.answered.load(std::sync::atomic::Ordering::Relaxed);
    let failed = attack.failed.load(std::sync::atomic::Ordering::Relaxed);
    drop(attack);
    let _ = child.kill();
    let _ = child.wait();
    times.sort();
    let ms = |d: &Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    println!(
        "  under attack ({never_readers} never-reading clients of a 16 MB file, {normal} normal clients, malformed requests):"
    );
    match (times.first(), times.get(times.len() / 2), times.last()) {
        (Some(min), Some(median), Some(max)) => println!(
            "  normal GET: min {}, median {}, max {} ({} answered, {unanswered} without an answer within 30 s)",
            ms(min),
            ms(median),
            ms(max),
            times.len()
        ),
        _ => println!("  normal GET: none answered within 30 s ({unanswered} tried)"),
    }
    println!(
        "  the {normal} normal clients over {:.0} s: {answered} answered, {failed} failed or over 10 s",
        window.as_secs_f64()
    );
}
