//! The township portal (issue 19): `gongkai build` on a folder with portal.toml, run as the real
//! binary on a copy of examples/portal's two villages.

use assert_cmd::Command;
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A portal of 下湾村 and 青石社区 (copied from the example) in a temporary folder.
fn portal() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("青石 镇");
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/portal");
    for v in ["下湾村", "青石社区"] {
        copy_dir(&ex.join(v), &root.join(v));
    }
    std::fs::write(
        root.join("portal.toml"),
        "title = \"青石镇村务公开\"\nunit = \"青石镇人民政府\"\nbase_url = \"https://example.org/zhen/\"\n\n[[sites]]\npath = \"下湾村\"\nname = \"xiawan\"\n\n[[sites]]\npath = \"青石社区\"\n",
    )
    .unwrap();
    (t, root)
}

fn build(root: &Path) -> std::process::Output {
    Command::cargo_bin("gongkai")
        .unwrap()
        .env("GONGKAI_LANG", "zh")
        .args(["build", "--today", "2026-11-25", "--root"])
        .arg(root)
        .output()
        .unwrap()
}

fn text(el: scraper::ElementRef) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn row(doc: &Html, name: &str) -> String {
    let sel = Selector::parse(&format!("#villages tr[data-village=\"{name}\"]")).unwrap();
    doc.select(&sel).next().map(text).unwrap_or_default()
}

fn front(root: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(root.join("public/index.html")).unwrap())
}

fn cell(doc: &Html, village: &str, class: &str) -> String {
    let sel = Selector::parse(&format!("tr[data-village=\"{village}\"] .{class}")).unwrap();
    doc.select(&sel).next().map(text).unwrap_or_default()
}

#[test]
fn portal_builds_every_village_and_shows_their_data() {
    let (_t, root) = portal();
    let o = build(&root);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("2 个村已更新"), "{out}");
    assert!(root.join("public/xiawan/index.html").is_file());
    assert!(root.join("public/xiawan/manifest.json").is_file());
    assert!(root.join("public/青石社区/index.html").is_file());
    let doc = front(&root);
    // Active 公示 with links into the village.
    assert!(cell(&doc, "xiawan", "notices").contains("下湾村2026年第四季度低保对象评议结果公示"));
    assert!(cell(&doc, "青石社区", "notices").contains("关于3号楼加装电梯方案的公示"));
    let a = Selector::parse("tr[data-village=\"xiawan\"] .notices a").unwrap();
    let href = doc.select(&a).next().unwrap().value().attr("href").unwrap().to_string();
    assert!(href.starts_with("xiawan/village/"), "{href}");
    assert!(root.join("public").join(&href).is_file(), "{href}");
    // Closing balances: the last 余额 of each ledger.
    assert_eq!(cell(&doc, "xiawan", "closing"), "¥83,249.50");
    assert_eq!(cell(&doc, "青石社区", "closing"), "¥20,697.70");
    // Catalogue counts: 下湾村 has no Q1/Q3 finance posting (overdue); 青石社区's October
    // repair-fund report is due on 11-30 (due soon).
    assert_eq!(cell(&doc, "xiawan", "c-overdue"), "2");
    assert_eq!(cell(&doc, "青石社区", "c-due-soon"), "1");
    assert!(row(&doc, "xiawan").contains("已更新"));
    // The compliance table has the same states, per item.
    let comp = Html::parse_document(
        &std::fs::read_to_string(root.join("public/compliance/index.html")).unwrap(),
    );
    let sel =
        Selector::parse("tr[data-village=\"青石社区\"] td[data-item=\"community.repair-fund\"]")
            .unwrap();
    assert_eq!(comp.select(&sel).next().unwrap().value().attr("data-state"), Some("due-soon"));
    let sel =
        Selector::parse("tr[data-village=\"xiawan\"] td[data-item=\"finance.income-expense\"]")
            .unwrap();
    assert_eq!(comp.select(&sel).next().unwrap().value().attr("data-state"), Some("overdue"));
    // The combined feed: both villages' entries, newest first, at the villages' own addresses.
    let atom = std::fs::read_to_string(root.join("public/atom.xml")).unwrap();
    let first = atom.find("关于3号楼加装电梯方案的公示").unwrap();
    let second = atom.find("下湾村2026年第四季度低保对象评议结果公示").unwrap();
    assert!(first < second);
    assert!(atom.contains("https://example.org/zhen/xiawan/village/"));
}

fn add_posting(site: &Path, file: &str, title: &str, body: &str) {
    std::fs::write(
        site.join("content/village").join(file),
        format!("+++\ntitle = \"{title}\"\ndate = 2026-11-24\nkind = \"通知\"\n+++\n\n{body}\n"),
    )
    .unwrap();
}

fn mtimes(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    v.sort();
    v
}

fn bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    mtimes(dir).into_iter().map(|(p, _)| (p.clone(), std::fs::read(&p).unwrap())).collect()
}

#[test]
fn portal_unchanged_villages_are_not_rebuilt_and_a_change_rebuilds_only_it() {
    let (_t, root) = portal();
    assert!(build(&root).status.success());
    let xiawan = mtimes(&root.join("public/xiawan"));
    let shequ = mtimes(&root.join("public/青石社区"));
    let o = build(&root);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(out.contains("0 个村已更新，2 个未变，跳过"), "{out}");
    assert_eq!(mtimes(&root.join("public/xiawan")), xiawan);
    assert_eq!(mtimes(&root.join("public/青石社区")), shequ);
    // The front page still shows the skipped villages' data.
    assert_eq!(cell(&front(&root), "xiawan", "closing"), "¥83,249.50");
    assert!(row(&front(&root), "xiawan").contains("未变"));

    // A new posting (an edit of a published one needs a change note, see tests/build.rs).
    add_posting(&root.join("下湾村"), "2026-11-road.md", "下湾组村道养护安排", "年底前完工。");
    let o = build(&root);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("1 个村已更新，1 个未变，跳过（青石社区）"), "{out}");
    assert_eq!(mtimes(&root.join("public/青石社区")), shequ);
    assert_ne!(mtimes(&root.join("public/xiawan")), xiawan);
}

#[test]
fn portal_a_broken_village_is_isolated() {
    let (_t, root) = portal();
    assert!(build(&root).status.success());
    let before = bytes(&root.join("public/xiawan"));
    let post = root.join("下湾村/content/village/2026-10-bridge.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, text.replace("date = 2026-10-12", "date = 2026-13-45")).unwrap();
    // The other village changes too, so it is built in the same run.
    add_posting(&root.join("青石社区"), "2026-11-parking.md", "停车位调整安排", "低层少摊。");
    let o = build(&root);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("1 个村已更新，1 个未能更新：下湾村（1 个错误）"), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("2026-10-bridge.md"));
    assert_eq!(bytes(&root.join("public/xiawan")), before, "its last good output is kept");
    let doc = front(&root);
    assert!(row(&doc, "xiawan").contains("未能更新（1 个错误）"), "{}", row(&doc, "xiawan"));
    // Still shown with what is online.
    assert_eq!(cell(&doc, "xiawan", "closing"), "¥83,249.50");
    assert!(row(&doc, "青石社区").contains("已更新"));
    let page =
        std::fs::read_to_string(root.join("public/青石社区/village/2026-11-parking/index.html"))
            .unwrap_or_default();
    assert!(page.contains("低层少摊"), "the other village was built");
}

#[test]
fn portal_toml_errors_are_located() {
    let (_t, root) = portal();
    std::fs::write(
        root.join("portal.toml"),
        "title = \"镇\"\nunit = \"镇政府\"\nbase_url = \"https://example.org/\"\n[[sites]]\npaht = \"下湾村\"\n",
    )
    .unwrap();
    let o = build(&root);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("portal.toml:5:1") && err.contains("path"), "{err}");
}

/// The files the portal's manifest lists, with their bytes and modification times.
fn portal_files(public: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(public.join("manifest.json")).unwrap())
            .unwrap();
    m["files"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, sha)| {
            let path = public.join(p);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!(sha.as_str().unwrap(), gongkai::manifest::sha256_hex(&bytes), "{p}");
            (p.clone(), bytes, std::fs::metadata(&path).unwrap().modified().unwrap())
        })
        .collect()
}

#[test]
fn portal_pages_have_their_own_manifest_keep_foreign_files_and_change_only_what_changed() {
    let (_t, root) = portal();
    assert!(build(&root).status.success());
    let public = root.join("public");
    let first = portal_files(&public);
    let names: Vec<&str> = first.iter().map(|(p, _, _)| p.as_str()).collect();
    for p in ["index.html", "compliance/index.html", "atom.xml", "search/meta.js", "portal.css"] {
        assert!(names.contains(&p), "{p} not in {names:?}");
    }
    // The default theme's styles (once written empty: the theme names them static/gongkai.css).
    let css = &first.iter().find(|(p, _, _)| p == "gongkai.css").unwrap().1;
    assert!(String::from_utf8_lossy(css).contains(".site-header"), "gongkai.css is the theme's");
    // The villages' files are theirs (each village has its own manifest), not the portal's.
    assert!(names.iter().all(|p| !p.starts_with("xiawan/") && !p.starts_with("青石社区/")));
    assert!(public.join("xiawan/manifest.json").is_file());

    // A host's own files in the portal root are kept.
    std::fs::write(public.join("robots.txt"), "User-agent: *\n").unwrap();
    std::fs::create_dir_all(public.join(".well-known")).unwrap();
    std::fs::write(public.join(".well-known/security.txt"), "Contact: x\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    add_posting(&root.join("下湾村"), "2026-11-road.md", "下湾组村道养护安排", "年底前完工。");
    let o = build(&root);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(public.join("robots.txt")).unwrap(), "User-agent: *\n");
    assert!(public.join(".well-known/security.txt").is_file());
    let second = portal_files(&public);
    let mut changed = Vec::new();
    for (p, bytes, mtime) in &second {
        match first.iter().find(|(q, _, _)| q == p) {
            Some((_, old, old_mtime)) if old == bytes => {
                assert_eq!(mtime, old_mtime, "{p} has the same bytes but was written again")
            }
            _ => changed.push(p.as_str()),
        }
    }
    // The new posting is in the feed and the search; the styles and scripts are untouched.
    assert!(changed.contains(&"atom.xml") && changed.contains(&"search/meta.js"), "{changed:?}");
    for p in ["portal.css", "gongkai.css", "portal.js", "static/search.js"] {
        assert!(!changed.contains(&p), "{p} changed: {changed:?}");
    }
    assert!(
        String::from_utf8_lossy(&std::fs::read(public.join("atom.xml")).unwrap())
            .contains("下湾组村道养护安排")
    );
    // Nothing left beside the output but the lock.
    let beside: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert_eq!(beside, vec![".public.gongkai-lock".to_string()]);
}

#[test]
fn portal_a_file_of_the_same_name_it_did_not_write_is_refused() {
    let (_t, root) = portal();
    std::fs::create_dir_all(root.join("public")).unwrap();
    std::fs::write(root.join("public/atom.xml"), "mine").unwrap();
    let o = build(&root);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("atom.xml") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(root.join("public/atom.xml")).unwrap(), "mine");
    assert!(!root.join("public/index.html").exists());
}

#[test]
fn portal_a_killed_build_leaves_whole_pages_and_the_next_run_completes_it() {
    let (_t, root) = portal();
    assert!(build(&root).status.success());
    let public = root.join("public");
    let old_manifest = std::fs::read(public.join("manifest.json")).unwrap();
    add_posting(&root.join("下湾村"), "2026-11-road.md", "下湾组村道养护安排", "年底前完工。");
    let journal = root.join(".public.gongkai-files-journal");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gongkai"))
        .env("GONGKAI_LANG", "zh")
        .env("GONGKAI_TEST_PAUSE_AT", "files-mid")
        .env("GONGKAI_TEST_PAUSE_MS", "30000")
        .args(["build", "--today", "2026-11-25", "--root"])
        .arg(&root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !journal.exists() {
        assert!(started.elapsed().as_secs() < 60, "the build never reached the swap");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The first file is moved, then the build sleeps at the fault point.
    std::thread::sleep(std::time::Duration::from_millis(500));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(journal.exists(), "killed in the middle of the moves");
    assert_eq!(std::fs::read(public.join("manifest.json")).unwrap(), old_manifest);
    // Every page is whole: the old one or the new one, never a part.
    let page = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(page.ends_with("</html>\n"), "{page}");
    let comp = std::fs::read_to_string(public.join("compliance/index.html")).unwrap();
    assert!(comp.ends_with("</html>\n"));
    let atom = std::fs::read_to_string(public.join("atom.xml")).unwrap();
    assert!(atom.trim_end().ends_with("</feed>"));

    // Any gongkai command completes the moves first; the build then finds nothing to do.
    let o = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["check", "--today", "2026-11-25", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let _ = o;
    assert!(!journal.exists(), "recovered");
    assert_ne!(std::fs::read(public.join("manifest.json")).unwrap(), old_manifest);
    portal_files(&public);
    assert!(
        String::from_utf8_lossy(&std::fs::read(public.join("atom.xml")).unwrap())
            .contains("下湾组村道养护安排")
    );
    let o = build(&root);
    assert!(o.status.success());
    assert!(!journal.exists());
}

/// The compliance cell of a village and item, and its text.
fn compliance_cell(comp: &Html, village: &str, item: &str) -> (String, Option<String>, String) {
    let sel = Selector::parse(&format!("tr[data-village=\"{village}\"] td[data-item=\"{item}\"]"))
        .unwrap();
    let td = comp.select(&sel).next().unwrap_or_else(|| panic!("{village} × {item}"));
    let latest = Selector::parse(".latest").unwrap();
    (
        td.value().attr("data-state").unwrap_or_default().to_string(),
        td.select(&latest).next().map(text),
        text(td),
    )
}

#[test]
fn portal_compliance_shows_deadline_and_publication_of_each_item_from_the_catalogue() {
    let (_t, root) = portal();
    assert!(build(&root).status.success());
    let public = root.join("public");
    let comp = Html::parse_document(
        &std::fs::read_to_string(public.join("compliance/index.html")).unwrap(),
    );
    // 青石社区: Q1 finance never published (overdue, shown first with its deadline); the latest
    // ended quarter, Q3, was published on 10-16, before its deadline 10-20 (每季度首月20日前).
    let (state, latest, all) = compliance_cell(&comp, "青石社区", "finance.income-expense");
    assert_eq!(state, "overdue");
    assert!(all.contains("2026年第一季度") && all.contains("期限 2026-04-20"), "{all}");
    let latest = latest.expect("the latest quarter's line");
    assert_eq!(latest, "最近一期 2026年第三季度：已公开 2026-10-16（按时）");
    let a = Selector::parse(
        "tr[data-village=\"青石社区\"] td[data-item=\"finance.income-expense\"] .latest a",
    )
    .unwrap();
    let href = comp.select(&a).next().unwrap().value().attr("href").unwrap().to_string();
    let target = public.join("compliance").join(common_decode(&href));
    assert!(target.is_file(), "{href}");
    assert!(std::fs::read_to_string(&target).unwrap().contains("第三季度"));
    // 下湾村: its Q3 report is missing too, so the latest line says overdue, with the days.
    let (_, latest, _) = compliance_cell(&comp, "xiawan", "finance.income-expense");
    let latest = latest.unwrap();
    assert!(latest.starts_with("最近一期 2026年第三季度：逾期未公开（"), "{latest}");
    // A published event item: its publication date, linked.
    let (state, _, all) = compliance_cell(&comp, "xiawan", "village.decisions");
    assert_eq!(state, "on-time");
    assert!(all.contains("公开于 2026-10-12"), "{all}");
}

/// Percent-decoding of a relative link.
fn common_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn portal_a_damaged_village_search_index_is_mended_or_named_and_the_others_stay_searchable() {
    let (_t, root) = portal();
    assert!(build(&root).status.success());
    let meta = root.join("public/xiawan/search/meta.js");
    let good = std::fs::read(&meta).unwrap();
    let combined = || std::fs::read_to_string(root.join("public/search/docs/0.js")).unwrap();
    // Index URLs are percent-encoded as the site's links are.
    let qingshi = format!("{}/", gongkai::urls::encode_segment("青石社区"));
    assert!(combined().contains("xiawan/") && combined().contains(&qingshi));

    // 下湾村 is unchanged, so it would be skipped; its damaged index makes the portal build it
    // again, and the combined search holds it as before.
    std::fs::write(&meta, "不是索引").unwrap();
    let o = build(&root);
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{err}");
    assert!(out.contains("1 个村已更新，1 个未变"), "{out}");
    assert!(!err.contains("搜索索引读不出来"), "{err}");
    assert_eq!(std::fs::read(&meta).unwrap(), good);
    assert!(combined().contains("xiawan/"));
    assert!(front(&root).select(&Selector::parse("#search-left-out").unwrap()).next().is_none());

    // A village that cannot be built now keeps its damaged index: it is named, on the command
    // line and on the front page, and the other village is still searchable.
    let post = root.join("下湾村/content/village/2026-10-bridge.md");
    let source = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, source.replace("date = 2026-10-12", "date = 2026-13-45")).unwrap();
    std::fs::write(&meta, "不是索引").unwrap();
    let o = build(&root);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("下湾村的搜索索引读不出来"), "{err}");
    assert!(err.contains("public/xiawan/search/meta.js: 警告"), "{err}");
    let doc = front(&root);
    let note = Selector::parse("#search-left-out").unwrap();
    let note = doc.select(&note).next().map(text).unwrap_or_default();
    assert!(note.contains("暂时搜不到下湾村的内容"), "{note}");
    assert!(!note.contains("青石社区"), "{note}");
    assert!(combined().contains(&qingshi) && !combined().contains("xiawan/"));
}
