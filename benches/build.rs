//! Benchmark: a cold `gongkai build` of 10,000 postings of about 10 KB of Chinese Markdown with
//! tables (plus the search index, feeds and manifest). Reports wall time and peak memory.
//!
//! `cargo bench --bench build` (set GONGKAI_BENCH_POSTINGS to change the size;
//! GONGKAI_BENCH_DIR keeps the corpus, e.g. on tmpfs to leave the disk out). The real `gongkai`
//! binary builds it in a child process, so the generator's memory does not count.

use std::path::Path;
use std::time::Instant;

const PARAGRAPHS: &[&str] = &[
    "根据“四议两公开”工作程序，村党支部提议、村两委会议商议、党员大会审议、村民代表会议决议，现将有关情况公开如下。",
    "本次会议应到村民代表三十一人，实到二十九人，会议由村党支部书记主持，镇包村干部到会指导，村务监督委员会全程监督。",
    "**重要通知**：请各村民小组于本月底前将意见书面反馈至村委会，逾期视为无异议。对公开内容有疑问的，可拨打监督电话反映。",
    "低保评议坚持公开、公平、公正的原则，经入户调查、民主评议、乡镇审核、县级审批四个环节，评议结果在本栏公示七天。",
    "村集体经济收入主要来源于土地承包费、集体厂房租金和光伏电站收益分红，支出主要用于村级组织运转、环境整治和道路维修。",
    "党费收缴严格按照规定的标准执行，党员按月足额缴纳，党支部按季度上缴镇党委，收缴情况每季度在本栏公开一次。",
];

fn posting(i: usize) -> String {
    let sections = ["village", "party", "finance"];
    let mut s = format!(
        "+++\ntitle = \"青石村第{i}号公开事项：关于村内道路维修和低保评议的情况说明\"\ndate = 20{:02}-{:02}-{:02}\nkind = \"{}\"\ntags = [\"标签{}\", \"修路\"]\n+++\n\n",
        10 + i % 16,
        1 + i % 12,
        1 + i % 28,
        ["决议公开", "党费收缴", "财务收支"][i % 3],
        i % 50
    );
    let _ = sections;
    let mut n = 0;
    while s.len() < 10_000 {
        s.push_str(&format!("## 第{}部分\n\n", n + 1));
        for p in PARAGRAPHS.iter().cycle().skip(n).take(3) {
            s.push_str(p);
            s.push_str("\n\n");
        }
        s.push_str("| 序号 | 项目 | 金额（元） | 备注 |\n| ---: | --- | ---: | --- |\n");
        for r in 0..6 {
            s.push_str(&format!(
                "| {} | 项目{}-{} | {},{:03}.{:02} | 已审核 |\n",
                r + 1,
                i,
                r,
                10 + r,
                (i * 7 + r) % 1000,
                r * 11 % 100
            ));
        }
        s.push('\n');
        n += 1;
    }
    s
}

fn generate(root: &Path, count: usize) {
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"基准测试村\"\nunit = \"基准测试村村民委员会\"\nbase_url = \"https://example.org/bench/\"\n",
    )
    .unwrap();
    for (i, s) in ["village", "party", "finance"].iter().enumerate() {
        let dir = root.join("content").join(s);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("_index.md"), format!("+++\ntitle = \"栏目{i}\"\n+++\n")).unwrap();
    }
    for i in 0..count {
        let section = ["village", "party", "finance"][i % 3];
        std::fs::write(
            root.join("content").join(section).join(format!("posting-{i:05}.md")),
            posting(i),
        )
        .unwrap();
    }
}

/// Largest peak resident memory of any finished child process (Linux reports KiB).
fn peak_child_rss_kib() -> u64 {
    // SAFETY: getrusage only writes into the struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss as u64
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let count: usize =
        std::env::var("GONGKAI_BENCH_POSTINGS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    // GONGKAI_BENCH_DIR keeps the corpus for profiling (`GONGKAI_TIMINGS=1 gongkai build --root DIR`).
    let temp = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("GONGKAI_BENCH_DIR").map(std::path::PathBuf::from);
    let root = kept.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let t = Instant::now();
    if !root.join("site.toml").exists() {
        generate(&root, count);
    }
    struct D(std::path::PathBuf);
    let dir = D(root);
    impl D {
        fn path(&self) -> &Path {
            &self.0
        }
    }
    let bytes: u64 = walkdir::WalkDir::new(dir.path().join("content"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "generated {count} postings ({:.1} MB of Markdown) in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    // The shipped binary is measured (its allocator and settings), as a child process.
    let exe = env!("CARGO_BIN_EXE_gongkai");
    for run in ["cold", "second"] {
        if run == "cold" {
            let _ = std::fs::remove_dir_all(dir.path().join(".gongkai-cache"));
        }
        let started = Instant::now();
        let status = std::process::Command::new(exe)
            .args(["build", "--quiet", "--today", "2026-11-25", "--root"])
            .arg(dir.path())
            .status()
            .unwrap();
        let secs = started.elapsed().as_secs_f64();
        assert!(status.success(), "build failed");
        println!(
            "{run} build: {secs:.2} s, peak memory {:.0} MiB",
            peak_child_rss_kib() as f64 / 1024.0
        );
    }
}
