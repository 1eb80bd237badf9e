//! The preview's incremental builds (`generate_cached`) give exactly the files a fresh
//! `generate` gives, after every kind of edit, and redo only what depends on the edit. The two
//! also take different paths through the stages: `generate` makes most posting pages in its
//! Markdown pass, the preview's build after it; the files must be the same.

mod common;
use common::copy_dir;
use gongkai::output::Contents;
use gongkai::pipeline::cache::Cache;
use gongkai::pipeline::{BuildOptions, generate, generate_cached};
use gongkai::serve::http::Body;
use gongkai::serve::{Snapshot, complete};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The repository's example site (ledgers, notices, photos, boards) in a temp folder.
fn example_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("site.toml", dir.path().join("site.toml")).unwrap();
    copy_dir(Path::new("content"), &dir.path().join("content"));
    dir
}

fn opts(root: &Path) -> BuildOptions {
    let mut o = BuildOptions::new(root, jiff::civil::date(2026, 10, 8));
    o.drafts = true;
    o.preview = true;
    o
}

type Files = BTreeMap<String, Vec<u8>>;

fn files_of(g: gongkai::pipeline::Generated) -> Files {
    g.files
        .into_iter()
        .map(|f| {
            let bytes = match f.contents {
                Contents::Bytes(b) => b,
                Contents::Shared(b) => b.to_vec(),
                Contents::Copy(p) => std::fs::read(p).unwrap(),
                Contents::Written { sha256 } => sha256.into_bytes(),
            };
            (f.path, bytes)
        })
        .collect()
}

fn fresh(root: &Path) -> Files {
    files_of(generate(&opts(root)).unwrap_or_else(|d| panic!("{:?}", d.items)))
}

/// A build's warnings as they are shown, in order.
fn shown(d: &gongkai::diagnostic::Diagnostics) -> Vec<String> {
    d.items.iter().map(|d| format!("{d:?}")).collect()
}

fn cached(root: &Path, cache: &Cache) -> Files {
    files_of(generate_cached(&opts(root), cache).unwrap_or_else(|d| panic!("{:?}", d.items)))
}

fn assert_same(label: &str, a: &Files, b: &Files) {
    let ka: Vec<_> = a.keys().collect();
    let kb: Vec<_> = b.keys().collect();
    assert_eq!(ka, kb, "{label}: different file lists");
    for (k, v) in a {
        if v != &b[k] {
            let (x, y) = (String::from_utf8_lossy(v), String::from_utf8_lossy(&b[k]));
            let at = x.bytes().zip(y.bytes()).take_while(|(p, q)| p == q).count();
            // A window of characters around the first difference (byte `at`).
            let around = |t: &str| {
                let (from, to) = (at.saturating_sub(120), at + 900);
                t.char_indices()
                    .filter(|(i, _)| (from..to).contains(i))
                    .map(|(_, c)| c)
                    .collect::<String>()
            };
            panic!(
                "{label}: {k} differs at byte {at}:
{}
--- fresh ---
{}",
                around(&x),
                around(&y)
            );
        }
    }
}

/// Applies `edit`, then checks the cached build against a fresh one; returns the cache's stats.
fn step(
    root: &Path,
    cache: &Cache,
    label: &str,
    edit: impl FnOnce(&Path),
) -> gongkai::pipeline::cache::Stats {
    edit(root);
    let inc = cached(root, cache);
    let stats = cache.stats();
    assert_same(label, &inc, &fresh(root));
    stats
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn first_posting(root: &Path) -> std::path::PathBuf {
    let dir = root.join("content/party");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    names.sort();
    names.remove(0)
}

#[test]
fn every_kind_of_edit_gives_the_files_of_a_fresh_build() {
    let dir = example_site();
    let root = dir.path();
    let cache = Cache::new();
    let first = cached(root, &cache);
    assert_same("first build", &first, &fresh(root));
    assert!(cache.stats().full);

    // Nothing changed: nothing is redone.
    let s = step(root, &cache, "no change", |_| {});
    assert!(!s.full);
    assert_eq!((s.files_read, s.markdown_rendered, s.pages_rendered), (0, 0, 0), "{s:?}");

    let posting = first_posting(root);
    let s = step(root, &cache, "body edit", |_| {
        let text = std::fs::read_to_string(&posting).unwrap();
        std::fs::write(&posting, format!("{text}\n补充说明：本次修改只在正文末尾。\n")).unwrap();
    });
    assert_eq!((s.files_read, s.markdown_rendered), (1, 1), "{s:?}");
    // The posting's page and the notice boards that show its body; not the whole site.
    assert!(s.pages_rendered >= 1 && s.pages_rendered <= 6, "{s:?}");

    let s = step(root, &cache, "title edit", |_| {
        let text = std::fs::read_to_string(&posting).unwrap();
        let title = text.lines().find(|l| l.starts_with("title")).unwrap().to_string();
        std::fs::write(&posting, text.replacen(&title, "title = \"改过标题的公开事项\"", 1))
            .unwrap();
    });
    assert_eq!(s.markdown_rendered, 1, "{s:?}");
    // Listings show the title: the posting, its section, home, tags, archive change.
    assert!(s.pages_rendered > 3, "{s:?}");

    let s = step(root, &cache, "add a posting", |r| {
        std::fs::write(
            r.join("content/village/2026-new-notice.md"),
            "+++\ntitle = \"新增的公开事项\"\ndate = 2026-09-30\ntags = [\"新增\"]\n+++\n\n新增内容，见[道路](2026-road-decision.md)。\n",
        )
        .unwrap();
    });
    assert_eq!(s.files_read, 1, "{s:?}");

    step(root, &cache, "rename a posting", |r| {
        std::fs::rename(
            r.join("content/village/2026-new-notice.md"),
            r.join("content/village/2026-renamed-notice.md"),
        )
        .unwrap();
    });
    let inc = cached(root, &cache);
    assert!(inc.contains_key("village/2026-renamed-notice/index.html"));
    assert!(!inc.contains_key("village/2026-new-notice/index.html"));

    step(root, &cache, "delete a posting", |r| {
        std::fs::remove_file(r.join("content/village/2026-renamed-notice.md")).unwrap();
    });
    assert!(!cached(root, &cache).contains_key("village/2026-renamed-notice/index.html"));

    let s = step(root, &cache, "template change", |r| {
        std::fs::create_dir_all(r.join("templates")).unwrap();
        let base = std::fs::read_to_string("themes/default/templates/base.html").unwrap();
        std::fs::write(
            r.join("templates/base.html"),
            base.replacen("<body", "<body data-x=\"1\"", 1),
        )
        .unwrap();
    });
    assert!(s.full, "{s:?}");

    let s = step(root, &cache, "site.toml change", |r| {
        replace_in(&r.join("site.toml"), "paginate = 20", "paginate = 3");
    });
    assert!(s.full, "{s:?}");

    // An edit the file's time and length do not show (same length, time set back) is still
    // seen once the watcher reports the path.
    let s = step(root, &cache, "same-size edit", |_| {
        let before = std::fs::metadata(&posting).unwrap().modified().unwrap();
        let text = std::fs::read_to_string(&posting).unwrap();
        std::fs::write(&posting, text.replacen("补充说明", "补充解释", 1)).unwrap();
        std::fs::File::options().write(true).open(&posting).unwrap().set_modified(before).unwrap();
        cache.invalidate(std::slice::from_ref(&posting));
    });
    assert_eq!(s.files_read, 1, "{s:?}");
}

#[test]
fn a_broken_edit_fails_and_the_fix_builds_the_same_files() {
    let dir = example_site();
    let root = dir.path();
    let cache = Cache::new();
    cached(root, &cache);
    let posting = first_posting(root);
    let good = std::fs::read_to_string(&posting).unwrap();
    std::fs::write(&posting, good.replacen("title", "titel", 1)).unwrap();
    assert!(generate_cached(&opts(root), &cache).is_err());
    std::fs::write(&posting, format!("{good}\n再改一次。\n")).unwrap();
    assert_same("after a failed build", &cached(root, &cache), &fresh(root));
}

#[test]
fn links_between_postings_follow_renames() {
    // The basic fixture links postings to each other, with anchors.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/basic"), dir.path());
    let root = dir.path();
    let cache = Cache::new();
    cached(root, &cache);
    // Renaming a heading another posting links to breaks that link: the build must say so.
    replace_in(&root.join("content/village/2026-decision.md"), "## 决议内容", "## 决议正文");
    assert!(generate_cached(&opts(root), &cache).is_err());
    assert!(generate(&opts(root)).is_err());
    replace_in(&root.join("content/village/2026-decision.md"), "## 决议正文", "## 决议内容");
    assert_same("heading restored", &cached(root, &cache), &fresh(root));
}

/// The preview as a tab sees it once the search index and manifest are made, driven by the
/// server's own code: [`Snapshot::next`] applies each build, [`complete`] its tail.
struct Preview {
    snapshot: Snapshot,
    tail_paths: HashSet<String>,
}

impl Preview {
    /// Applies one `generate_preview` result (a full build or an update) and its tail.
    /// Returns how many files it changed when it was an update.
    fn apply(&mut self, mut g: gongkai::pipeline::Generated, cache: &Cache) -> Option<usize> {
        let pending = g.pending.take().expect("the preview defers the index");
        let update = g.removed.as_ref().map(|_| g.files.len());
        if update.is_none() {
            cache.finish(true);
        }
        let (snapshot, carried) = self.snapshot.next(g, &self.tail_paths, String::new());
        let (files, tail) = complete(&snapshot.files, &carried, pending, cache);
        cache.finish_tail();
        self.snapshot = Snapshot { files, build: String::new() };
        self.tail_paths = tail;
        update
    }

    fn files(&self) -> Files {
        self.snapshot
            .files
            .iter()
            .map(|(p, b)| {
                let bytes = match b {
                    Body::Memory(m) => m.to_vec(),
                    Body::Disk(d) => std::fs::read(d).unwrap(),
                };
                (p.clone(), bytes)
            })
            .collect()
    }
}

/// Saving postings that were already on the site takes the fast path (only their share of the
/// build is redone) and the preview then holds exactly the files of a fresh build.
#[test]
fn saving_postings_updates_the_preview_like_a_fresh_build() {
    use gongkai::pipeline::generate_preview;
    let dir = example_site();
    let root = dir.path();
    // Three to a page: the sections, the archive and the tags span several pages, so an edit
    // moves postings between pages that the update must find.
    replace_in(&root.join("site.toml"), "paginate = 20", "paginate = 3");
    // A photo without a description: a warning that every update must keep reporting.
    replace_in(
        &root.join("content/village/2026-road-repair/index.md"),
        "![村民代表会议通知](meeting-notice.png)",
        "![](meeting-notice.png)",
    );
    let cache = Cache::new();
    let mut preview = Preview { snapshot: Snapshot::default(), tail_paths: HashSet::new() };
    let g = generate_preview(&opts(root), &cache, &[]).unwrap_or_else(|d| panic!("{:?}", d.items));
    assert_eq!(g.warnings.items.len(), 1, "{:?}", g.warnings.items);
    assert_eq!(preview.apply(g, &cache), None, "the first build is a full one");
    assert_same("first build", &preview.files(), &fresh(root));

    let village = root.join("content/village");
    let edits: Vec<(&str, std::path::PathBuf, Edit)> = vec![
        (
            "body edit",
            village.join("2026-yishiyiyi.md"),
            Box::new(|p| append(p, "\n补充说明：本次修改只在正文末尾。\n")),
        ),
        (
            "title edit",
            village.join("2026-yishiyiyi.md"),
            Box::new(|p| replace_line(p, "title", "title = \"改过标题的一事一议公开\"")),
        ),
        (
            "date edit",
            village.join("2026-road-tender.md"),
            Box::new(|p| replace_line(p, "date", "date = 2026-03-01")),
        ),
        (
            "date edit into another year and onto the public record (it was a future posting)",
            village.join("2026-yishiyiyi.md"),
            Box::new(|p| replace_line(p, "date", "date = 2025-12-30")),
        ),
        (
            "date edit into the future (off the public record, still previewed)",
            village.join("2026-road-tender.md"),
            Box::new(|p| replace_line(p, "date", "date = 2026-12-01")),
        ),
        (
            "tags edit: a new tag, an old one gone",
            root.join("content/party/2026-q2-dues.md"),
            Box::new(|p| replace_line(p, "tags", "tags = [\"新标签\"]")),
        ),
        (
            "notice in a series (the other stages' timelines change)",
            village.join("2026-dibao-round2.md"),
            Box::new(|p| replace_line(p, "date", "date = 2026-09-25")),
        ),
        (
            "finance posting (the series chains the quarters)",
            root.join("content/finance/2026-q3/index.md"),
            Box::new(|p| append(p, "\n本季度收支已全部入账。\n")),
        ),
        (
            "posting with photos",
            village.join("2026-road-repair/index.md"),
            Box::new(|p| append(p, "\n竣工验收资料存村委会备查。\n")),
        ),
    ];
    for (label, path, edit) in &edits {
        edit(path);
        let g = generate_preview(&opts(root), &cache, std::slice::from_ref(path))
            .unwrap_or_else(|d| panic!("{label}: {:?}", d.items));
        // The update reports the warnings of the whole site, as a fresh build does.
        let full = generate(&opts(root)).unwrap_or_else(|d| panic!("{label}: {:?}", d.items));
        assert_eq!(shown(&g.warnings), shown(&full.warnings), "{label}: warnings");
        // When the preview rebuilds next by itself (a 公示 ends, a future posting appears).
        assert_eq!(g.next_change, full.next_change, "{label}: next change");
        let changed = preview.apply(g, &cache);
        assert!(changed.is_some(), "{label}: not an update");
        assert_same(label, &preview.files(), &fresh(root));
    }

    // An editor's atomic save reports its temporary file too.
    let path = village.join("2026-yishiyiyi.md");
    append(&path, "\n原子保存。\n");
    let temp = village.join(".2026-yishiyiyi.md.tmp123");
    let g = generate_preview(&opts(root), &cache, &[temp, path.clone()]).unwrap();
    assert!(preview.apply(g, &cache).is_some(), "atomic save: not an update");
    assert_same("atomic save", &preview.files(), &fresh(root));

    // A broken save fails without touching what is shown; the fix is an update again.
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("title =", "title = =", 1)).unwrap();
    let errors = generate_preview(&opts(root), &cache, std::slice::from_ref(&path)).unwrap_err();
    assert!(
        errors.items.iter().any(|d| d.path.ends_with("2026-yishiyiyi.md")),
        "{:?}",
        errors.items
    );
    // Another posting saved meanwhile: the broken one is still broken.
    let other = village.join("2026-road-decision.md");
    append(&other, "\n另一篇也改了。\n");
    assert!(generate_preview(&opts(root), &cache, std::slice::from_ref(&other)).is_err());
    std::fs::write(&path, &good).unwrap();
    let g = generate_preview(&opts(root), &cache, std::slice::from_ref(&path)).unwrap();
    assert!(preview.apply(g, &cache).is_some(), "fix: not an update");
    assert_same("fixed", &preview.files(), &fresh(root));

    // A broken link is found after the Markdown stage: the model is restored.
    append(&path, "\n见[不存在的文件](nowhere.md)。\n");
    let errors = generate_preview(&opts(root), &cache, std::slice::from_ref(&path)).unwrap_err();
    assert!(errors.items.iter().any(|d| d.is_error()), "{:?}", errors.items);
    std::fs::write(&path, &good).unwrap();
    let g = generate_preview(&opts(root), &cache, std::slice::from_ref(&path)).unwrap();
    assert!(preview.apply(g, &cache).is_some(), "link fix: not an update");
    assert_same("link fixed", &preview.files(), &fresh(root));

    // A new posting goes through the whole pipeline.
    let new = village.join("2026-new-notice.md");
    std::fs::write(&new, "+++\ntitle = \"新增的公开事项\"\ndate = 2026-09-30\n+++\n\n新增内容。\n")
        .unwrap();
    let g = generate_preview(&opts(root), &cache, std::slice::from_ref(&new)).unwrap();
    assert_eq!(preview.apply(g, &cache), None, "a new posting: a full build");
    assert_same("new posting", &preview.files(), &fresh(root));
}

/// A change made to a file.
type Edit = Box<dyn Fn(&Path)>;

fn append(path: &Path, text: &str) {
    let mut s = std::fs::read_to_string(path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

/// Replaces the first front-matter line starting with `key`.
fn replace_line(path: &Path, key: &str, line: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let old = text.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("no {key}"));
    std::fs::write(path, text.replacen(old, line, 1)).unwrap();
}

#[test]
fn an_update_keeps_the_change_note_warnings_of_postings_it_did_not_redo() {
    use gongkai::pipeline::{build, generate_preview};
    let dir = example_site();
    let root = dir.path();
    build(&BuildOptions::new(root, jiff::civil::date(2026, 10, 8)))
        .unwrap_or_else(|d| panic!("{:?}", d.items));
    // A published posting changed without `updated`: the preview warns (publish would refuse).
    let unnoted = root.join("content/village/2026-road-decision.md");
    append(&unnoted, "\n发布后又补充的一句。\n");
    let mut o = opts(root);
    o.enforce_change_notes = false;
    let cache = Cache::new();
    let mut preview = Preview { snapshot: Snapshot::default(), tail_paths: HashSet::new() };
    let g = generate_preview(&o, &cache, &[]).unwrap_or_else(|d| panic!("{:?}", d.items));
    let first = shown(&g.warnings);
    assert!(first.iter().any(|w| w.contains("2026-road-decision.md")), "{first:?}");
    assert_eq!(preview.apply(g, &cache), None, "the first build is a full one");

    // Another posting saved: only its share is redone, the first one's warning stays.
    let other = root.join("content/village/2026-yishiyiyi.md");
    append(&other, "\n补充说明。\n");
    let g = generate_preview(&o, &cache, std::slice::from_ref(&other))
        .unwrap_or_else(|d| panic!("{:?}", d.items));
    let full = generate(&o).unwrap_or_else(|d| panic!("{:?}", d.items));
    assert_eq!(shown(&g.warnings), shown(&full.warnings));
    assert!(preview.apply(g, &cache).is_some(), "not an update");
}
