//! `gongkai build` end to end: the real binary on fixture sites, output parsed as HTML.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every relative `href`/`src`/`srcset` in every HTML file of `out` resolves to a file, and every
/// `#fragment` to an element id in its target.
fn assert_links_resolve(out: &Path) -> usize {
    let files = tree(out);
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
            ids.insert(
                path.clone(),
                doc.select(&sel("[id]"))
                    .map(|e| e.value().attr("id").unwrap().to_string())
                    .collect(),
            );
        }
    }
    let mut checked = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        let dir = Path::new(path).parent().unwrap().to_path_buf();
        let mut urls: Vec<String> = Vec::new();
        for el in doc.select(&sel("[href], [src], [srcset]")) {
            for attr in ["href", "src"] {
                if let Some(v) = el.value().attr(attr) {
                    urls.push(v.to_string());
                }
            }
            if let Some(set) = el.value().attr("srcset") {
                urls.extend(
                    set.split(',').map(|c| c.split_whitespace().next().unwrap_or("").to_string()),
                );
            }
        }
        for url in urls {
            if url.contains("://") || url.starts_with("mailto:") || url.starts_with("tel:") {
                assert!(
                    !url.starts_with("https://example.org") || el_is_canonical(&doc, &url),
                    "{path}: absolute internal link {url}"
                );
                continue;
            }
            assert!(
                !url.starts_with('/'),
                "{path}: root-absolute link {url} breaks under a sub-path and file://"
            );
            let (file_part, fragment) =
                url.split_once('#').map(|(a, b)| (a, Some(b))).unwrap_or((&url, None));
            let target = if file_part.is_empty() {
                path.clone()
            } else {
                let joined = dir.join(percent_decode(file_part));
                normalize(&joined)
            };
            assert!(files.contains_key(&target), "{path}: link {url} -> {target} does not exist");
            assert!(!target.ends_with('/'), "{path}: link {url} must name index.html for file://");
            if let Some(f) = fragment {
                let f = percent_decode(f);
                assert!(
                    ids.get(&target).is_some_and(|v| v.contains(&f)),
                    "{path}: anchor #{f} missing in {target}"
                );
            }
            checked += 1;
        }
    }
    checked
}

fn el_is_canonical(doc: &scraper::Html, url: &str) -> bool {
    doc.select(&sel("link[rel=canonical]")).any(|e| e.value().attr("href") == Some(url))
}

fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn example_site_builds_and_every_link_resolves() {
    let site = example_site();
    let out = site.path().join("public");
    let o = build(site.path(), "2026-11-25", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已生成"), "{}", stdout(&o));
    let checked = assert_links_resolve(&out);
    assert!(checked > 300, "only {checked} links checked");
    // Each section has at least four postings in the example village.
    for section in ["village", "party", "finance"] {
        let doc = html(&out.join(section).join("index.html"));
        assert!(doc.select(&sel(".posting-item")).count() >= 4, "{section}");
    }
}

#[test]
fn fixture_links_anchors_attachments_and_cjk_bold() {
    let site = site("basic");
    let out = site.path().join("public");
    let o = build(site.path(), "2026-11-25", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_links_resolve(&out);

    let doc = html(&out.join("village/2026-decision/index.html"));
    let strong: Vec<String> =
        doc.select(&sel(".prose strong")).map(|e| e.text().collect()).collect();
    assert_eq!(strong, ["重要通知", "“引用”", "（括号内容）"]);
    let links: Vec<&str> =
        doc.select(&sel(".prose a")).filter_map(|a| a.value().attr("href")).collect();
    assert!(
        links.contains(&"../../party/2026-dues/index.html#%E6%94%B6%E7%BC%B4%E6%83%85%E5%86%B5"),
        "{links:?}"
    );
    assert!(links.contains(&"../roads/2026-road/index.html"), "{links:?}");

    let dues = html(&out.join("party/2026-dues/index.html"));
    let att = dues.select(&sel(".attachments li")).next().expect("attachment listed");
    let text: String = att.text().collect();
    assert!(text.contains("党费收据（扫描件）") && text.contains("PDF 文档"), "{text}");
    assert!(out.join("party/2026-dues/收据扫描件.pdf").is_file());
    // The posting shows how to object.
    assert!(text_of(&dues, ".objections").contains("0571-0000 0000"));
}

#[test]
fn drafts_and_future_postings_are_left_out_unless_asked() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), "2026-11-25", &[]).status.success());
    assert!(!out.join("village/2026-draft").exists());
    assert!(!out.join("village/2027-future").exists() && !out.join("village/2026-future").exists());
    let o = build(site.path(), "2026-11-25", &["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&out.join("village/2026-draft/index.html"));
    assert_eq!(text_of(&doc, ".badge-draft"), "草稿");
    let doc = html(&out.join("village/2026-future/index.html"));
    assert_eq!(text_of(&doc, ".badge-future"), "未发布");
    // The future posting appears by itself once its date is reached.
    assert!(build(site.path(), "2027-01-05", &[]).status.success());
    assert!(out.join("village/2026-future/index.html").is_file());
}

#[test]
fn pages_listings_tags_archive_pagination_and_404() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), "2026-11-25", &[]).status.success());
    // paginate = 2 and the village section holds 2 postings (decision + nested road).
    let village = html(&out.join("village/index.html"));
    assert_eq!(village.select(&sel(".posting-item")).count(), 2);
    assert_eq!(text_of(&village, ".subsections"), "道路工程（1 条）");
    let tag = html(&out.join("tags/修路/index.html"));
    assert_eq!(tag.select(&sel(".posting-item")).count(), 2);
    let archive = html(&out.join("archive/index.html"));
    assert_eq!(text_of(&archive, "h2"), "2026年（4 条）");
    // Newest first on the archive.
    let titles: Vec<String> =
        archive.select(&sel(".posting-link")).map(|e| e.text().collect()).collect();
    assert_eq!(titles[0], "2026年第二季度财务收支公开");
    let nf = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(nf.contains("href=\"/ceshi/index.html\""), "404 uses the base path");
    // Canonical links use base_url; nothing else does.
    let page = html(&out.join("village/2026-decision/index.html"));
    let canon =
        page.select(&sel("link[rel=canonical]")).next().unwrap().value().attr("href").unwrap();
    assert_eq!(canon, "https://example.org/ceshi/village/2026-decision/");
}

/// The archive and each tag's page are paginated like a section (`paginate`, 2 in the
/// fixture): a board with years of postings must not send a phone one page of megabytes.
#[test]
fn archive_and_tag_pages_are_paginated_and_list_every_posting_once() {
    let site = site("basic");
    let dir = site.path().join("content/village");
    for (n, date) in [(1, "2025-03-02"), (2, "2025-02-01"), (3, "2024-12-20")] {
        std::fs::write(
            dir.join(format!("old-{n}.md")),
            format!(
                "+++\ntitle = \"往年公开{n}\"\ndate = {date}\ntags = [\"低保\"]\n+++\n\n正文。\n"
            ),
        )
        .unwrap();
    }
    let out = site.path().join("public");
    let o = build(site.path(), "2026-11-25", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_links_resolve(&out);

    // Seven published postings, two to a page: four archive pages, newest first throughout.
    let mut titles: Vec<String> = Vec::new();
    let mut headings: Vec<String> = Vec::new();
    for page in 1..=4 {
        let path = if page == 1 {
            out.join("archive/index.html")
        } else {
            out.join(format!("archive/page/{page}/index.html"))
        };
        let doc = html(&path);
        let here: Vec<String> =
            doc.select(&sel(".posting-link")).map(|e| e.text().collect()).collect();
        assert!(!here.is_empty() && here.len() <= 2, "page {page}: {here:?}");
        titles.extend(here);
        headings.extend(doc.select(&sel("main h2")).map(|e| e.text().collect::<String>()));
        let current: String = doc
            .select(&sel(".pagination [aria-current=page]"))
            .map(|e| e.text().collect::<String>())
            .collect();
        assert_eq!(current, page.to_string());
        // Every page links every year, to the page where that year's list starts.
        let years: Vec<(String, String)> = doc
            .select(&sel(".year-nav a"))
            .map(|a| (a.text().collect(), a.value().attr("href").unwrap().to_string()))
            .collect();
        assert_eq!(
            years.iter().map(|y| y.0.as_str()).collect::<Vec<_>>(),
            ["2026年", "2025年", "2024年"]
        );
        let y2024 = &years[2].1;
        if page == 4 {
            assert_eq!(y2024, "#y2024");
        } else {
            assert!(y2024.ends_with("archive/page/4/index.html#y2024"), "{y2024}");
        }
    }
    assert!(!out.join("archive/page/5").exists());
    assert_eq!(titles.len(), 7, "{titles:?}");
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 7, "each posting on exactly one page: {titles:?}");
    assert_eq!(&titles[4..], ["往年公开1", "往年公开2", "往年公开3"]);
    // A year that goes on from the page before says so, with the year's whole count.
    assert!(headings.contains(&"2026年（4 条）".to_string()), "{headings:?}");
    assert!(headings.contains(&"2026年（续，共 4 条）".to_string()), "{headings:?}");
    assert!(headings.contains(&"2025年（2 条）".to_string()), "{headings:?}");

    // The tag 低保 has three postings: two pages, the count of all of them on each.
    let first = html(&out.join("tags/低保/index.html"));
    let second = html(&out.join("tags/低保/page/2/index.html"));
    assert_eq!(first.select(&sel(".posting-item")).count(), 2);
    assert_eq!(second.select(&sel(".posting-item")).count(), 1);
    assert_eq!(text_of(&first, ".lead"), "共 3 条");
    assert_eq!(text_of(&second, ".lead"), "共 3 条");
    let prev = second.select(&sel("a[rel=prev]")).next().unwrap().value().attr("href").unwrap();
    assert_eq!(prev, "../../../../tags/%E4%BD%8E%E4%BF%9D/index.html");
    assert!(text_of(&second, "title").contains("第 2 页"));
    // A tag of one page shows neither a count line nor page links.
    let one = html(&out.join("tags/修路/index.html"));
    assert_eq!(one.select(&sel(".pagination, .lead")).count(), 0);
}

#[test]
fn two_builds_give_identical_trees() {
    let a = site("basic");
    let b = site("basic");
    assert!(build(a.path(), "2026-11-25", &[]).status.success());
    assert!(build(b.path(), "2026-11-25", &[]).status.success());
    let ta = tree(&a.path().join("public"));
    assert!(!ta.is_empty());
    assert_eq!(ta, tree(&b.path().join("public")));
    // And again in place.
    assert!(build(a.path(), "2026-11-25", &[]).status.success());
    assert_eq!(ta, tree(&a.path().join("public")));
}

#[test]
fn deleted_sources_disappear_from_the_output() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), "2026-11-25", &[]).status.success());
    assert!(out.join("village/roads/2026-road/index.html").is_file());
    std::fs::remove_file(site.path().join("content/village/roads/2026-road.md")).unwrap();
    // The decision links to it, so fix that link first.
    let p = site.path().join("content/village/2026-decision.md");
    // Changing a published posting needs an update date and a note.
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("和[道路工程](roads/2026-road.md)", "")
        .replace("tags = [\"修路\", \"四议两公开\"]\n", "tags = [\"修路\", \"四议两公开\"]\nupdated = 2026-11-25\n\n[[changes]]\ndate = 2026-11-25\nnote = \"删去已撤销的道路工程链接\"\n");
    std::fs::write(&p, text).unwrap();
    // A published posting is not simply deleted: it is withdrawn, and its address keeps a
    // notice; everything else it had is gone from the output.
    let o = build(site.path(), "2026-11-25", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("withdrawn = { date"), "{}", stderr(&o));
    std::fs::write(
        site.path().join("content/village/roads/2026-road.md"),
        "+++\ntitle = \"村道工程进度\"\ndate = 2026-06-01\nwithdrawn = { date = 2026-11-25, note = \"工程已并入决议\" }\n+++\n",
    )
    .unwrap();
    let o = build(site.path(), "2026-11-25", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::remove_file(site.path().join("content/village/roads/2026-road.md")).unwrap();
    let o = build(site.path(), "2026-11-25", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(out.join("village/roads/2026-road/index.html")).unwrap();
    assert!(page.contains("工程已并入决议") && !page.contains("工程进展顺利"), "{page}");
    let left: Vec<String> = tree(&out.join("village/roads")).into_keys().collect();
    assert_eq!(left, ["2026-road/index.html", "index.html"], "the notice and the listing");
}

/// Each bad input: one file changed in the fixture, the exact location and a message, exit code
/// 1, and `public/` untouched.
fn assert_fails_at(edit: impl Fn(&Path), expected: &[&str]) {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), "2026-11-25", &[]).status.success());
    let before = tree(&out);
    edit(site.path());
    let o = build(site.path(), "2026-11-25", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(
        err.contains("public 里已发布的内容没有改动") || err.contains("已发布的内容没有改动"),
        "{err}"
    );
    assert_eq!(before, tree(&out), "public/ changed after a failed build");
}

fn write(root: &Path, rel: &str, text: &str) {
    std::fs::write(root.join(rel), text).unwrap();
}

#[test]
fn bad_toml_is_reported_at_its_markdown_line() {
    assert_fails_at(
        |r| {
            write(
                r,
                "content/village/roads/2026-road.md",
                "+++\ntitle = \"村道\"\ndate = 2026-06-01\nkind = \"进度\n+++\n正文\n",
            )
        },
        &["content/village/roads/2026-road.md:4:", "错误", "kind = \"进度"],
    );
}

#[test]
fn unknown_key_gets_a_suggestion() {
    assert_fails_at(
        |r| {
            write(
                r,
                "content/village/roads/2026-road.md",
                "+++\ntitle = \"村道\"\ndate = 2026-06-01\ntgas = [\"修路\"]\n+++\n正文\n",
            )
        },
        &[
            "content/village/roads/2026-road.md:4:1: 错误",
            "`tgas`",
            "你是不是想写 `tags`？",
            "^^^^",
        ],
    );
}

#[test]
fn missing_title_is_reported() {
    assert_fails_at(
        |r| write(r, "content/village/roads/2026-road.md", "+++\ndate = 2026-06-01\n+++\n正文\n"),
        &["content/village/roads/2026-road.md:1:1: 错误: 缺少 `title`"],
    );
}

#[test]
fn broken_link_is_reported_with_a_suggestion() {
    assert_fails_at(
        |r| {
            let p = r.join("content/village/2026-decision.md");
            let t = std::fs::read_to_string(&p)
                .unwrap()
                .replace("roads/2026-road.md", "roads/2026-raod.md");
            std::fs::write(p, t).unwrap();
        },
        &[
            "content/village/2026-decision.md:12:49:",
            "`roads/2026-raod.md` 不存在",
            "`roads/2026-road.md`",
        ],
    );
}

#[test]
fn missing_anchor_is_reported() {
    assert_fails_at(
        |r| {
            let p = r.join("content/village/roads/2026-road.md");
            let t = std::fs::read_to_string(&p).unwrap().replace("#决议内容", "#决议全文");
            std::fs::write(p, t).unwrap();
        },
        &[
            "content/village/roads/2026-road.md:7:",
            "没有 `#决议全文` 这个小标题",
            "#决议内容",
            // The line it stands on (the build lets go of the Markdown before anchors are known).
            "7 | 工程进展顺利。返回[决议](../2026-decision.md#决议全文)。",
        ],
    );
}

#[test]
fn duplicate_url_names_both_files() {
    assert_fails_at(
        |r| {
            std::fs::create_dir_all(r.join("content/village/2026-decision")).unwrap();
            write(
                r,
                "content/village/2026-decision/index.md",
                "+++\ntitle = \"重复\"\ndate = 2026-05-01\n+++\n",
            );
        },
        &["content/village/2026-decision", "village/2026-decision/index.html", "同一个网页地址"],
    );
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    assert_fails_at(
        |r| {
            write(
                r,
                "content/village/roads/2026-road.md",
                "+++\ntitle = \"村道\"\ndate = 2026-06-01\ntgas = 1\n+++\n",
            );
            write(r, "content/party/_index.md", "+++\ntitel = \"党务\"\n+++\n");
        },
        &["content/village/roads/2026-road.md:4:1", "content/party/_index.md:2:1", "共 3 个错误"],
    );
}

#[test]
fn messages_switch_to_english() {
    let site = site("basic");
    write(site.path(), "content/village/roads/2026-road.md", "+++\ndate = 2026-06-01\n+++\n");
    let o = build_env(site.path(), "en");
    assert!(
        stderr(&o).contains("content/village/roads/2026-road.md:1:1: error: `title` is required"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("Build failed with 1 errors"), "{}", stderr(&o));
}

fn build_env(root: &Path, lang: &str) -> std::process::Output {
    gongkai()
        .env("GONGKAI_LANG", lang)
        .args(["build", "--today", "2026-11-25", "--root"])
        .arg(root)
        .output()
        .unwrap()
}

#[test]
fn site_templates_override_the_theme() {
    let site = site("basic");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    write(
        site.path(),
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1 id=\"custom\">自定义404</h1>{% endblock %}",
    );
    assert!(build(site.path(), "2026-11-25", &[]).status.success());
    let doc = html(&site.path().join("public/404.html"));
    assert_eq!(text_of(&doc, "#custom"), "自定义404");
}

#[test]
fn template_error_points_at_the_template() {
    let site = site("basic");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    write(
        site.path(),
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ broken( }}\n{% endblock %}",
    );
    let o = build(site.path(), "2026-11-25", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("templates/404.html:3:"), "{}", stderr(&o));
}

#[test]
fn init_and_new_make_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("新村");
    let o = gongkai().args(["init"]).arg(&root).args(["--today", "2026-11-25"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = gongkai()
        .args(["new", "village", "关于 村道硬化 的决议", "--today", "2026-11-25", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let new = root.join("content/village/2026-11-25-关于-村道硬化-的决议.md");
    assert!(new.is_file(), "{}", stdout(&o));
    let o = build(&root, "2026-11-25", &["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(root.join("public/village/2026-11-25-关于-村道硬化-的决议/index.html").is_file());
    // The new posting starts as a draft: a normal build leaves it out.
    assert!(build(&root, "2026-11-25", &[]).status.success());
    assert!(!root.join("public/village/2026-11-25-关于-村道硬化-的决议").exists());
    // A new site has a working A4 board with a Chinese name, showing the party posting issued
    // by the party branch.
    let board = html(&root.join("public/boards/公开栏/index.html"));
    assert_eq!(text_of(&board, ".board-title"), "某某村三务公开栏");
    let cards: Vec<String> =
        board.select(&sel(".card-title")).map(|e| e.text().collect::<String>()).collect();
    assert!(cards.contains(&"党费收缴情况公开".to_string()), "{cards:?}");
    assert!(text_of(&board, ".card-facts").contains("中共某某村支部委员会"));
}

#[test]
fn output_may_not_replace_the_site_itself() {
    let site = site("basic");
    let o =
        build(site.path(), "2026-11-25", &["--out", site.path().join("content").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(site.path().join("content/village/2026-decision.md").is_file());
}

#[test]
fn check_reports_every_problem_without_writing() {
    let site = site("basic");
    write(
        site.path(),
        "content/village/roads/2026-road.md",
        "+++\ntitle = \"村道\"\ndate = 2026-06-01\ntgas = 1\n+++\n",
    );
    write(site.path(), "content/party/_index.md", "+++\ntitel = \"党务\"\n+++\n");
    let o = gongkai()
        .args(["check", "--today", "2026-11-25", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("content/village/roads/2026-road.md:4:1")
            && err.contains("content/party/_index.md:2:1"),
        "{err}"
    );
    assert!(err.contains("检查完成：3 个错误"), "{err}");
    assert!(!site.path().join("public").exists(), "check writes nothing");

    let o = gongkai()
        .args(["check", "--format", "json", "--today", "2026-11-25", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["errors"], 3);
    let items = doc["diagnostics"].as_array().unwrap();
    let typo = items
        .iter()
        .find(|d| d["code"] == "toml.unknown-key" && d["path"] == "content/party/_index.md")
        .unwrap();
    assert_eq!((typo["line"].as_u64(), typo["column"].as_u64()), (Some(2), Some(1)));
    assert_eq!(typo["severity"], "error");
    assert!(typo["message"].as_str().unwrap().contains("`title`"));

    // A clean site checks clean.
    let ok = site_fresh();
    let o = gongkai()
        .args(["check", "--today", "2026-11-25", "--root"])
        .arg(ok.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("检查完成：0 个错误"), "{}", stdout(&o));
}

fn site_fresh() -> tempfile::TempDir {
    site("basic")
}
