//! The local output: never missing, partial or mixed (SIGKILL at random instants and inside
//! the swap window), only gongkai's own files replaced, odd `--out` targets refused before
//! anything is written, a linked `public/` followed, and one run at a time.

mod common;

use common::{build, gongkai, stderr};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-10-10";

/// Every file under `dir` with the SHA-256 of its bytes (a 2,000-posting output is 90 MB).
fn digest_tree(dir: &Path) -> BTreeMap<String, [u8; 32]> {
    common::tree_with(dir, |bytes| Sha256::digest(bytes).into())
}

/// A site of `n` short postings in one section, in a temporary folder on the disk or, with
/// `in_memory`, on tmpfs (`/dev/shm`) where the machine has one.
fn generated_site(n: usize, in_memory: bool) -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let dir = if in_memory && shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    std::fs::copy(common::fixture("basic").join("site.toml"), dir.path().join("site.toml"))
        .unwrap();
    let village = dir.path().join("content/village");
    std::fs::create_dir_all(&village).unwrap();
    for i in 0..n {
        add_posting(dir.path(), i);
    }
    dir
}

fn add_posting(root: &Path, i: usize) {
    std::fs::write(
        root.join(format!("content/village/p{i:05}.md")),
        format!(
            "+++\ntitle = \"第{i}号村务公开\"\ndate = 2026-01-01\n+++\n\n关于第{i}段村道硬化的决议，经村民代表会议通过。\n"
        ),
    )
    .unwrap();
}

fn build_cmd(root: &Path) -> Command {
    let mut cmd = gongkai();
    cmd.arg("build").arg("--root").arg(root).arg("--today").arg(TODAY).arg("-q");
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

fn ok_build(root: &Path) {
    let o = build(root, TODAY, &["-q"]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
}

/// Small deterministic random numbers (xorshift), seeded per test and printed on failure.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Staging and old folders next to `public/` (there must be none after a command ran).
fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.gongkai-new") || n.starts_with(".public.gongkai-old"))
        .collect()
}

#[derive(Clone, Copy, Debug)]
enum Kill {
    /// Any instant of the build.
    Random,
    /// An instant near the end of the build (three quarters to five quarters of a whole
    /// build's time): syncing the staged files, writing the manifest, the swap, cleaning up.
    Late,
    /// Inside the atomic exchange's window (paused just before it).
    InSwap,
    /// The two-rename swap with a journal (Windows' way), killed between the renames.
    JournalMid,
}

/// Kills a build of `root` (which adds posting `next`) as `kind` says; `full` is how long a
/// whole build takes. Then checks that `public/` is the old or the new complete build, with
/// `.git` kept, and returns what is published now. A kill before the swap leaves the old site:
/// then no build is run to learn the new one (the next round's build makes it, with one more
/// posting), which keeps a kill on a large site about as cheap as the instant it lands at.
fn kill_once(
    root: &Path,
    old: &BTreeMap<String, [u8; 32]>,
    kind: Kill,
    full: Duration,
    rng: &mut Rng,
) -> BTreeMap<String, [u8; 32]> {
    let out = root.join("public");
    let mut cmd = build_cmd(root);
    let pause = 400u64;
    match kind {
        Kill::Random | Kill::Late => {}
        Kill::InSwap => {
            cmd.env("GONGKAI_TEST_PAUSE_AT", "swap,swapped").env("GONGKAI_TEST_PAUSE_MS", "400");
        }
        Kill::JournalMid => {
            cmd.env("GONGKAI_TEST_NO_EXCHANGE", "1")
                .env("GONGKAI_TEST_PAUSE_AT", "swap-mid")
                .env("GONGKAI_TEST_PAUSE_MS", "400");
        }
    }
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    match kind {
        Kill::Random => {
            let ms = rng.below(full.as_millis() as u64 + 50);
            std::thread::sleep(Duration::from_millis(ms));
        }
        Kill::Late => {
            let quarter = full.as_millis() as u64 / 4;
            let ms = 3 * quarter + rng.below(2 * quarter + 50);
            std::thread::sleep(Duration::from_millis(ms));
        }
        Kill::InSwap | Kill::JournalMid => {
            // Wait until the process reaches the pause (the staging folder holds the manifest,
            // written last; or, mid-journal, public/ is gone), then kill inside the window.
            let reached = |root: &Path| match kind {
                Kill::JournalMid => root.join(".public.gongkai-journal").exists() && !out.exists(),
                _ => std::fs::read_dir(root).unwrap().flatten().any(|e| {
                    e.file_name().to_string_lossy().starts_with(".public.gongkai-new")
                        && e.path().join("manifest.json").exists()
                }),
            };
            while !reached(root) {
                assert!(started.elapsed() < Duration::from_secs(300), "never reached the pause");
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("build ended before its pause: {status}");
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            std::thread::sleep(Duration::from_millis(rng.below(pause - 100)));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    if matches!(kind, Kill::JournalMid) {
        // Between the renames there is no public/: the next command of any kind completes it.
        let o = gongkai()
            .args(["check", "--root"])
            .arg(root)
            .args(["--today", TODAY, "-q"])
            .output()
            .unwrap();
        assert!(o.status.success(), "check after the kill: {}", stderr(&o));
    }
    let after = digest_tree(&out);
    assert!(after.contains_key(".git/HEAD"), "{kind:?}: public/.git lost");
    assert!(after.contains_key("manifest.json"), "{kind:?}: manifest lost");
    if after == *old {
        return after;
    }
    // The build this one would have made, completed now.
    ok_build(root);
    let new = digest_tree(&out);
    assert!(
        after == *old || after == new,
        "{kind:?}: public/ after the kill is neither the old nor the new build \
         ({} files; old {}, new {})",
        after.len(),
        old.len(),
        new.len()
    );
    assert_eq!(leftovers(root), Vec::<String>::new(), "staging folders left behind");
    new
}

/// The kill loop on a site of `postings` postings: `kills` kills of each kind in `kinds`,
/// every `fail_every`th followed by a failing build that must keep the published site.
fn kill_test(postings: usize, in_memory: bool, kinds: &[(Kill, usize)], fail_every: usize) {
    let site = generated_site(postings, in_memory);
    let root = site.path();
    let started = Instant::now();
    ok_build(root);
    let full = started.elapsed();
    std::fs::create_dir_all(root.join("public/.git")).unwrap();
    std::fs::write(root.join("public/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    // A new seed each run (printed; `KILL_SEED=…` repeats a run's instants).
    let seed = std::env::var("KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
            as u64
    }) | 1;
    eprintln!("kill test: {postings} postings, full build {full:?}, seed {seed}");
    let mut rng = Rng(seed);
    let mut current = digest_tree(&root.join("public"));
    let mut next = postings;
    let mut round = 0;
    for &(kind, n) in kinds {
        for _ in 0..n {
            round += 1;
            // Each round publishes one more posting, so old and new builds differ.
            add_posting(root, next);
            next += 1;
            current = kill_once(root, &current, kind, full, &mut rng);
            if round % fail_every == 0 {
                let bad = root.join("content/village/broken.md");
                std::fs::write(&bad, "+++\ntitle = \n+++\n").unwrap();
                let o = build(root, TODAY, &["-q"]);
                assert!(!o.status.success(), "the broken posting must fail the build");
                assert_eq!(
                    digest_tree(&root.join("public")),
                    current,
                    "failed build changed public/"
                );
                std::fs::remove_file(&bad).unwrap();
            }
        }
    }
    // Killed builds may leave staging folders; the next command of any kind clears them.
    ok_build(root);
    assert_eq!(leftovers(root), Vec::<String>::new(), "staging folders left behind");
    let published = digest_tree(&root.join("public"));
    assert!(published.contains_key(&format!("village/p{:05}/index.html", next - 1)));
    eprintln!("kill test: {round} kills in {:?}", started.elapsed());
}

#[test]
fn sigkill_at_100_instants_leaves_the_old_or_the_new_site_10_postings() {
    kill_test(10, false, &[(Kill::Random, 60), (Kill::InSwap, 25), (Kill::JournalMid, 15)], 10);
}

#[test]
fn sigkill_at_100_instants_on_a_2000_posting_site_leaves_the_old_or_the_new_site() {
    // 100 kills, most aimed where a large tree matters: the sync, manifest and swap at the end
    // of the build, and the swap windows. A round costs a build or two (the kill, then the
    // build it would have made) and two digests of the tree. On tmpfs: SIGKILL leaves the page
    // cache as it is, so what is asserted is the same as on a disk (the 10-posting test runs on
    // the disk), and a round takes about half as long without a real fsync of 2,000 pages.
    kill_test(
        2000,
        true,
        &[(Kill::Random, 20), (Kill::Late, 40), (Kill::InSwap, 30), (Kill::JournalMid, 10)],
        10,
    );
}

fn refused(root: &Path, out: &Path, expect: &str) {
    let before = digest_tree(root);
    let o = build(root, TODAY, &["--out", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}: {err}", out.display());
    assert!(err.contains(expect), "{}: expected {expect:?} in {err}", out.display());
    assert!(err.contains("output.unsafe") || err.contains("gongkai 不能把网站生成到这里"), "{err}");
    assert_eq!(digest_tree(root), before, "{}: something was written", out.display());
}

#[test]
fn out_at_a_file_the_site_a_source_folder_or_a_parent_is_refused_before_writing() {
    let site = common::site("basic");
    let root = site.path();
    refused(root, &root.join("site.toml"), "是一个文件，不是文件夹");
    refused(root, root, "就是网站文件夹本身");
    refused(root, &root.join("content"), "在网站的源文件夹 content 里");
    refused(root, &root.join("content/village/新建"), "在网站的源文件夹 content 里");
    assert!(!root.join("content/village/新建").exists());
    refused(root, &root.join("static"), "在网站的源文件夹 static 里");
    refused(root, &root.join("templates/out"), "在网站的源文件夹 templates 里");
    refused(root, root.parent().unwrap(), "包含了网站文件夹");
    // The same, written relative to the working folder.
    let o = gongkai()
        .current_dir(root)
        .args(["build", "--today", TODAY, "--out", "./content/../content"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("在网站的源文件夹 content 里"), "{}", stderr(&o));
    assert!(!root.join("public").exists());
}

#[test]
fn a_non_empty_folder_without_a_manifest_is_refused_unless_forced_and_its_files_stay() {
    let site = common::site("basic");
    let root = site.path();
    let webroot = tempfile::tempdir().unwrap();
    let out = webroot.path().join("www");
    std::fs::create_dir_all(out.join("images")).unwrap();
    std::fs::write(out.join("index.html"), "我的旧主页").unwrap();
    std::fs::write(out.join("images/logo.png"), "png").unwrap();
    let o = build(root, TODAY, &["--out", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("没有 gongkai 的清单 manifest.json"), "{err}");
    assert!(err.contains("images、index.html"), "names what is there: {err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "我的旧主页");
    assert!(!out.join("manifest.json").exists());

    let o = build(root, TODAY, &["--out", out.to_str().unwrap(), "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("manifest.json").is_file());
    assert_eq!(std::fs::read_to_string(out.join("images/logo.png")).unwrap(), "png");
    assert!(stderr(&o).contains("不是 gongkai 生成的文件：images"), "{}", stderr(&o));
    // The forced build's own index.html replaced the one in its way; from now on the folder is
    // gongkai's and the next build needs no --force.
    assert!(std::fs::read_to_string(out.join("index.html")).unwrap().contains("测试村"));
    let o = build(root, TODAY, &["--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("images/logo.png")).unwrap(), "png");
}

#[test]
fn foreign_files_in_public_are_kept_and_mentioned_and_a_clash_is_an_error() {
    let site = common::site("basic");
    let root = site.path();
    ok_build(root);
    let out = root.join("public");
    std::fs::create_dir_all(out.join(".git/refs")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
    std::fs::write(out.join(".git/refs/main"), "abc").unwrap();
    std::fs::write(out.join(".htaccess"), "Options -Indexes").unwrap();
    std::fs::write(out.join("village/百度验证.html"), "verify").unwrap();
    let o = build(root, TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join(".git/refs/main")).unwrap(), "abc");
    assert_eq!(std::fs::read_to_string(out.join(".htaccess")).unwrap(), "Options -Indexes");
    assert_eq!(std::fs::read_to_string(out.join("village/百度验证.html")).unwrap(), "verify");
    let err = stderr(&o);
    assert_eq!(err.matches("不是 gongkai 生成的文件").count(), 1, "one warning: {err}");
    assert!(err.contains(".git、.htaccess、village"), "{err}");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(!manifest.contains(".htaccess") && !manifest.contains("百度验证"), "not gongkai's");
    // Mentioned once: the next build is quiet about the same files, and speaks up for a new one.
    let o = build(root, TODAY, &[]);
    assert!(!stderr(&o).contains("不是 gongkai 生成的文件"), "{}", stderr(&o));
    std::fs::write(out.join("google123.html"), "google-site-verification").unwrap();
    let o = build(root, TODAY, &[]);
    assert!(stderr(&o).contains(".git、.htaccess、google123.html、village"), "{}", stderr(&o));
    assert!(out.join("google123.html").is_file());

    // A host's own file where gongkai now writes one: an error, nothing changed.
    std::fs::remove_file(out.join("robots.txt")).unwrap();
    let o = build(root, TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = digest_tree(&out);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["files"]["robots.txt"].is_string());
    // The user replaces gongkai's robots.txt by removing it from the manifest's record: make one
    // that gongkai did not list.
    let mut m = manifest.clone();
    m["files"].as_object_mut().unwrap().remove("robots.txt");
    std::fs::write(out.join("manifest.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
    std::fs::write(out.join("robots.txt"), "User-agent: *\nDisallow: /private\n").unwrap();
    let before_clash = digest_tree(&out);
    let o = build(root, TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("robots.txt 不是 gongkai 生成的"), "{err}");
    assert_eq!(digest_tree(&out), before_clash);
    assert_ne!(before, before_clash);
}

#[cfg(unix)]
#[test]
fn a_public_folder_that_is_a_link_is_followed_and_stays_a_link() {
    let site = common::site("basic");
    let root = site.path();
    let host = tempfile::tempdir().unwrap();
    let webroot = host.path().join("www");
    std::os::unix::fs::symlink(&webroot, root.join("public")).unwrap();
    // A dangling link: the target is made.
    ok_build(root);
    assert!(std::fs::symlink_metadata(root.join("public")).unwrap().file_type().is_symlink());
    assert!(webroot.join("index.html").is_file());
    std::fs::write(webroot.join(".htaccess"), "x").unwrap();
    std::fs::write(
        root.join("content/village/新增.md"),
        "+++\ntitle = \"新增的公开\"\ndate = 2026-10-01\n+++\n\n正文。\n",
    )
    .unwrap();
    ok_build(root);
    assert!(std::fs::symlink_metadata(root.join("public")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_link(root.join("public")).unwrap(), webroot);
    assert!(webroot.join("village/新增/index.html").is_file(), "the web root got the new site");
    assert_eq!(std::fs::read_to_string(webroot.join(".htaccess")).unwrap(), "x");
    let names: Vec<String> = std::fs::read_dir(host.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongkai-new") || n.contains("gongkai-old"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn a_second_build_waits_for_the_first_or_says_another_gongkai_is_running() {
    let site = common::site("basic");
    let root = site.path();
    ok_build(root);
    let before = digest_tree(&root.join("public"));
    // The first build holds the output for 8 s just before its swap.
    let mut first = build_cmd(root)
        .env("GONGKAI_TEST_PAUSE_AT", "swap")
        .env("GONGKAI_TEST_PAUSE_MS", "8000")
        .spawn()
        .unwrap();
    let staged = |root: &Path| {
        std::fs::read_dir(root).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".public.gongkai-new")
                && e.path().join("manifest.json").exists()
        })
    };
    let t = Instant::now();
    while !staged(root) {
        assert!(t.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(10));
    }
    // A failing second build meanwhile: it must neither break the first nor touch public/.
    std::fs::write(root.join("content/village/broken.md"), "+++\ntitle = \n+++\n").unwrap();
    let t = Instant::now();
    let o = build(root, TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("另一个 gongkai 正在生成或发布"), "{err}");
    assert!(t.elapsed() >= Duration::from_secs(4), "it waited a little first");
    assert_eq!(digest_tree(&root.join("public")), before);
    std::fs::remove_file(root.join("content/village/broken.md")).unwrap();
    let status = first.wait().unwrap();
    assert!(status.success());

    // A short hold: the second run waits and then builds.
    let mut first = build_cmd(root)
        .env("GONGKAI_TEST_PAUSE_AT", "swap")
        .env("GONGKAI_TEST_PAUSE_MS", "1500")
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !staged(root) {
        assert!(t.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(10));
    }
    let o = build(root, TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(first.wait().unwrap().success());
    assert_eq!(leftovers(root), Vec::<String>::new());
}

/// A write that fails half-way (a full disk; here a file-size limit, which binds root too):
/// a located error, and the published site unchanged.
#[cfg(unix)]
#[test]
fn a_write_failure_midway_is_a_located_error_and_the_site_stays() {
    use std::os::unix::process::CommandExt;
    let site = common::site("basic");
    let root = site.path();
    ok_build(root);
    std::fs::write(
        root.join("content/village/新增.md"),
        "+++\ntitle = \"新增的公开\"\ndate = 2026-10-01\n+++\n\n正文。\n",
    )
    .unwrap();
    let before = digest_tree(&root.join("public"));
    let mut cmd = gongkai();
    cmd.arg("build").arg("--root").arg(root).args(["--today", TODAY]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit { rlim_cur: 16 * 1024, rlim_max: 16 * 1024 };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            Ok(())
        })
    };
    let o = cmd.output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("无法写入") && err.contains("已发布的网站没有改动"), "{err}");
    assert!(err.contains("File too large"), "the system's reason is shown: {err}");
    assert_eq!(digest_tree(&root.join("public")), before);
    assert_eq!(leftovers(root), Vec::<String>::new());

    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        // Permission denied on the folder holding public/.
        let host = tempfile::tempdir().unwrap();
        let out = host.path().join("public");
        assert!(build(root, TODAY, &["--out", out.to_str().unwrap()]).status.success());
        let before = digest_tree(&out);
        std::fs::set_permissions(host.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        let o = build(root, TODAY, &["--out", out.to_str().unwrap()]);
        std::fs::set_permissions(host.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("无法写入"), "{}", stderr(&o));
        assert_eq!(digest_tree(&out), before);
    }
}
