//! What "published" means: withdrawn and renamed published postings keep their URLs answering,
//! deleting one is an error saying what to type, and a site with `[[publish]]` targets counts
//! as published only what `gongkai publish` recorded in `.gongkai/published.json`.

mod common;

use common::{build, html, sel, site, stderr, text_of, tree};
use std::path::Path;

const TODAY: &str = "2026-11-25";
const DECISION: &str = "content/village/2026-decision.md";
const DECISION_PAGE: &str = "village/2026-decision/index.html";

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

/// Adds a top-level front matter line right after the title.
fn add_front_line(root: &Path, rel: &str, line: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let (first, rest) = text.split_once("title = ").unwrap();
    let (title, rest) = rest.split_once('\n').unwrap();
    std::fs::write(&path, format!("{first}title = {title}\n{line}\n{rest}")).unwrap();
}

/// Rewrites the road posting's link to the decision (with the change note it then needs).
fn relink(root: &Path, to: &str) {
    let path = root.join("content/village/roads/2026-road.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("[决议](../2026-decision.md#决议内容)", to);
    let (front, body) = text.trim_start_matches("+++\n").split_once("\n+++").unwrap();
    std::fs::write(
        &path,
        format!(
            "+++\nupdated = {TODAY}\n{front}\n\n[[changes]]\ndate = {TODAY}\nnote = \"更新决议链接\"\n+++{body}"
        ),
    )
    .unwrap();
}

fn ok(root: &Path) -> String {
    let o = build(root, TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn a_withdrawn_posting_keeps_its_url_with_the_note_and_its_last_code_for_good() {
    let site = site("basic");
    let root = site.path();
    let out = root.join("public");
    ok(root);
    let fp = manifest(&out)["postings"][DECISION]["fingerprint"].as_str().unwrap().to_string();
    relink(root, "决议");
    add_front_line(
        root,
        DECISION,
        "withdrawn = { date = 2026-11-20, note = \"决议被镇政府撤销，待重新表决\" }",
    );
    ok(root);
    let doc = html(&out.join(DECISION_PAGE));
    assert_eq!(text_of(&doc, "h1"), "已撤回：关于修路的决议公开");
    assert_eq!(text_of(&doc, ".withdrawn-date"), "本条公开内容已于 2026年11月20日 撤回。");
    assert_eq!(text_of(&doc, ".withdrawn-note"), "撤回说明：决议被镇政府撤销，待重新表决");
    assert!(text_of(&doc, ".withdrawn-code").contains(&fp[..8]), "the last 核验码");
    let home = doc.select(&sel("a")).next_back().unwrap().value().attr("href").unwrap().to_string();
    assert_eq!(home, "../../index.html", "relative, so file:// works");
    // Gone from listings, search and feeds.
    let listing = std::fs::read_to_string(out.join("village/index.html")).unwrap();
    assert!(!listing.contains("关于修路的决议公开"));
    for (path, bytes) in tree(&out) {
        if path.starts_with("search/") || path.ends_with(".xml") {
            assert!(!String::from_utf8_lossy(&bytes).contains("关于修路的决议公开"), "{path}");
        }
    }
    let m = manifest(&out);
    assert_eq!(m["moved"][DECISION_PAGE]["kind"], "withdrawn");
    assert!(m["postings"].get(DECISION).is_none());

    // Once withdrawn, the file may go: the notice stays, build after build.
    std::fs::remove_file(root.join(DECISION)).unwrap();
    ok(root);
    ok(root);
    let doc = html(&out.join(DECISION_PAGE));
    assert_eq!(text_of(&doc, ".withdrawn-note"), "撤回说明：决议被镇政府撤销，待重新表决");
}

#[test]
fn a_renamed_posting_leaves_a_static_redirect_that_works_from_file_urls() {
    let site = site("basic");
    let root = site.path();
    let out = root.join("public");
    ok(root);
    let dir = root.join("content/village");
    std::fs::rename(dir.join("2026-decision.md"), dir.join("2026-road-decision.md")).unwrap();
    relink(root, "[决议](../2026-road-decision.md#决议内容)");
    ok(root);
    let doc = html(&out.join(DECISION_PAGE));
    let refresh = doc
        .select(&sel("meta[http-equiv=refresh]"))
        .next()
        .expect("a meta refresh")
        .value()
        .attr("content")
        .unwrap()
        .to_string();
    assert_eq!(refresh, "0; url=../2026-road-decision/index.html");
    assert!(out.join("village/2026-road-decision/index.html").is_file());
    // Renamed again: the first address goes straight to the last.
    std::fs::rename(dir.join("2026-road-decision.md"), dir.join("2026-roads.md")).unwrap();
    let road = root.join("content/village/roads/2026-road.md");
    let text = std::fs::read_to_string(&road).unwrap();
    let text = text
        .replace("../2026-road-decision.md", "../2026-roads.md")
        .replace(&format!("updated = {TODAY}"), "updated = 2026-11-26")
        .replacen(
            "\n+++\n",
            "\n\n[[changes]]\ndate = 2026-11-26\nnote = \"再次更新链接\"\n+++\n",
            1,
        );
    std::fs::write(&road, text).unwrap();
    let o = build(root, "2026-11-26", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&out.join(DECISION_PAGE));
    let refresh = doc.select(&sel("meta[http-equiv=refresh]")).next().unwrap();
    assert_eq!(refresh.value().attr("content"), Some("0; url=../2026-roads/index.html"));
    // A real browser opening the old address from disk lands on the posting.
    let dom = common::dump_dom(&common::file_url(&out.join(DECISION_PAGE), ""));
    assert!(dom.contains("关于修路的决议公开") && !dom.contains("已移到新地址"), "{dom}");
}

#[test]
fn deleting_or_unpublishing_a_published_posting_is_an_error_saying_what_to_type() {
    let site = site("basic");
    let root = site.path();
    let out = root.join("public");
    ok(root);
    let before = tree(&out);
    let text = std::fs::read_to_string(root.join(DECISION)).unwrap();
    std::fs::remove_file(root.join(DECISION)).unwrap();
    let o = build(root, TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{DECISION}: 错误: {DECISION} 已经发布过，但文件被删除了")),
        "{err}"
    );
    assert!(err.contains("把文件放回原处"), "{err}");
    assert!(err.contains("withdrawn = { date = 2026-10-20, note = \"撤回原因\" }"), "{err}");
    assert!(err.contains(DECISION_PAGE), "names the address: {err}");
    assert_eq!(tree(&out), before);
    // Made a draft again: the same, at the file.
    std::fs::write(root.join(DECISION), text.replacen("date = ", "draft = true\ndate = ", 1))
        .unwrap();
    let o = build(root, TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{DECISION}:1:1: 错误: {DECISION} 已经发布过，不能改回草稿")),
        "{err}"
    );
    assert_eq!(tree(&out), before);
}

#[test]
fn with_publish_targets_published_means_what_publish_recorded() {
    let site = site("basic");
    let root = site.path();
    let out = root.join("public");
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        format!(
            "{toml}\n[[publish]]\nname = \"县政务网\"\nurl = \"ftp://127.0.0.1:2121/cunwu/\"\n"
        ),
    )
    .unwrap();
    ok(root);
    // Built, never published: a silent edit and a deletion are nobody's business yet.
    let path = root.join(DECISION);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n补充：路面宽 4.5 米。\n")).unwrap();
    let err = ok(root);
    assert!(!err.contains("[[changes]]"), "{err}");
    assert!(std::fs::read_to_string(out.join(DECISION_PAGE)).unwrap().contains("路面宽 4.5 米"));

    // What `gongkai publish` uploaded is the baseline: now an edit needs a note, which `build`
    // of such a site shows as a warning (publish refuses).
    std::fs::create_dir_all(root.join(".gongkai")).unwrap();
    std::fs::copy(out.join("manifest.json"), root.join(".gongkai/published.json")).unwrap();
    std::fs::write(&path, format!("{text}\n补充：路面宽 5 米。\n")).unwrap();
    let o = build(root, TODAY, &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(&format!("{DECISION}:1:1: 警告:")) && err.contains("[[changes]]"),
        "{err}"
    );
    assert!(std::fs::read_to_string(out.join(DECISION_PAGE)).unwrap().contains("路面宽 5 米"));
    std::fs::remove_file(&path).unwrap();
    let road = root.join("content/village/roads/2026-road.md");
    let text = std::fs::read_to_string(&road).unwrap();
    std::fs::write(&road, text.replace("[决议](../2026-decision.md#决议内容)", "决议")).unwrap();
    let o = build(root, TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("已经发布过，但文件被删除了"), "a warning until publish");
}

#[test]
fn init_gitignore_agrees_with_the_readme_about_public_and_the_published_record() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("新村");
    let o = common::gongkai().arg("init").arg(&site).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    let rules: Vec<&str> = ignore.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rules, ["/public", "/.public.gongkai-*", "/.gongkai-cache"]);
    assert!(ignore.contains("请在这台电脑上保留它") && ignore.contains(".gongkai/published.json"));
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    assert!(readme.contains(".gitignore 不提交它，但请保留这个文件夹"));
    assert!(readme.contains("`.gongkai/published.json`"));
    assert!(!readme.contains("不要提交到 git）"), "the old contradiction is gone");
    // The new site builds, and its lock and staging names are the ones ignored.
    let o = build(&site, TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert_eq!(names, [".public.gongkai-lock"]);
}
