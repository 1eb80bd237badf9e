//! A warning the clerk has seen (the `privacy = "mask"` note) is not repeated where it does not
//! belong (issue 14): `gongkai print` of a posting shows that posting's warnings only, and the
//! preview prints a warning once, not again on every save of another file.

mod common;

use common::{gongkai, site, stderr};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

const MASK_NOTE: &str = "按 privacy = \"mask\" 的设置，已遮盖 1 处个人信息";

fn masked_site() -> tempfile::TempDir {
    let s = site("basic");
    std::fs::write(
        s.path().join("content/village/jiuzhu.md"),
        "+++\ntitle = \"关于救助的公示\"\ndate = 2026-10-09\nprivacy = \"mask\"\n+++\n\n联系电话 13812345678。\n",
    )
    .unwrap();
    s
}

fn print(root: &Path, target: &str) -> String {
    let pdf = root.join("out.pdf");
    let o = gongkai()
        .args(["print", target, "--today", "2026-11-25", "--pdf"])
        .arg(&pdf)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(std::fs::metadata(&pdf).unwrap().len() > 0);
    err
}

#[test]
fn print_of_a_posting_shows_only_that_postings_warnings() {
    let s = masked_site();
    let o = gongkai()
        .args(["build", "--today", "2026-11-25", "--root"])
        .arg(s.path())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(err.matches(MASK_NOTE).count(), 1, "the build says it once: {err}");

    let other = print(s.path(), "content/village/2026-decision.md");
    assert!(!other.contains(MASK_NOTE), "an unrelated posting's print: {other}");
    let own = print(s.path(), "content/village/jiuzhu.md");
    assert_eq!(own.matches(MASK_NOTE).count(), 1, "{own}");
    assert!(own.starts_with("content/village/jiuzhu.md: 警告: "), "{own}");
}

#[test]
fn the_preview_prints_a_warning_once_not_on_every_save() {
    let s = masked_site();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gongkai"))
        .args(["serve", "--port", "0", "--today", "2026-11-25", "--root"])
        .arg(s.path())
        .env("GONGKAI_LANG", "zh")
        .env("GONGKAI_NO_BROWSER", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (out_tx, out) = channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = out_tx.send(line);
        }
    });
    let (err_tx, err) = channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = err_tx.send(line);
        }
    });
    let wait_for = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line: String = out.recv_timeout(left).unwrap_or_else(|_| panic!("no {what}"));
            if line.contains(what) {
                return;
            }
        }
    };
    wait_for("预览地址");
    // Three saves of another posting: three rebuilds.
    let other = s.path().join("content/village/2026-decision.md");
    let text = std::fs::read_to_string(&other).unwrap();
    for n in 1..=3 {
        std::fs::write(&other, format!("{text}\n第 {n} 次修改。\n")).unwrap();
        wait_for("2026-decision.md");
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = child.kill();
    let _ = child.wait();
    let printed: Vec<String> = err.try_iter().collect();
    let notes = printed.iter().filter(|l| l.contains(MASK_NOTE)).count();
    assert_eq!(notes, 1, "{printed:#?}");
}
