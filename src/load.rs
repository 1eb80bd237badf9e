//! Reads a site folder into a [`Site`]: `site.toml`, then every file under `content/`.
//!
//! Files are read and their front matter parsed in parallel; all problems are collected.

use crate::config::{self, SiteConfig};
use crate::diagnostic::{Diagnostic, display_path};
use crate::frontmatter::{self, PostingFront, SectionFront};
use crate::site::{ContentFile, HomeIntro, Posting, Section, Site};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How the build treats drafts and future-dated postings.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    pub today: Date,
    /// Include drafts and future-dated postings (the preview does).
    pub include_unpublished: bool,
}

crate::messages! {
    pub enum LoadError {
        NoContent = "load.no-content",
            zh: "找不到 content 文件夹。公开内容要放在网站文件夹下的 content/village（村务）、content/party（党务）、content/finance（财务）里",
            en: "content/ folder not found";
        Unreadable(e: String) = "load.unreadable",
            zh: "无法读取这个文件：{e}",
            en: "cannot read file: {e}";
        NotUtf8 = "load.not-utf8",
            zh: "这个文件不是 UTF-8 编码。请用记事本“另存为”，编码选择 UTF-8 后再保存",
            en: "file is not valid UTF-8 text";
        LooksGbk = "load.looks-gbk",
            zh: "这个文件不是 UTF-8 编码，看起来是用 GBK（简体中文 Windows 默认的 ANSI 编码）保存的，gongkai 读不了。请改存为 UTF-8：用记事本打开，点“文件 → 另存为”，“编码”选 UTF-8，再保存；用 WPS 打开的，点“文件 → 另存为”，文件类型选“纯文本”，编码选“Unicode (UTF-8)”，保存后把扩展名改回 .md",
            en: "this file is not UTF-8 text; it looks like GBK (the Chinese Windows default). Save it as UTF-8: in Notepad, File > Save As, Encoding: UTF-8; in WPS, File > Save As, plain text, encoding Unicode (UTF-8), then name it .md again";
        DuplicateUrl { url: String, other: String } = "load.duplicate-url",
            zh: "这个文件和 {other} 会生成同一个网页地址 {url}。请给其中一个改文件名，或在开头设置不同的 slug",
            en: "this file and {other} map to the same URL {url}; rename one of them or give it a different `slug`";
        RootPosting = "load.root-posting",
            zh: "公开内容不能直接放在 content 文件夹下，请移到 village（村务）、party（党务）或 finance（财务）文件夹里",
            en: "postings must be inside a section folder (village/, party/, finance/), not directly in content/";
    }
}

/// Titles for the three standard sections when their `_index.md` is missing.
fn default_section_title(id: &str) -> String {
    match id {
        "village" => "村务公开".into(),
        "party" => "党务公开".into(),
        "finance" => "财务公开".into(),
        other => other.rsplit('/').next().unwrap_or(other).to_string(),
    }
}

/// Files editors leave behind (swap, backup, lock files) and hidden files are never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// What the walk found, before parsing.
#[derive(Clone)]
enum Found {
    SectionIndex { dir_rel: Vec<String>, path: PathBuf },
    Posting { dir_rel: Vec<String>, path: PathBuf, bundle: bool, slug: String },
    File { path: PathBuf, rel: String },
    RootIndex(PathBuf),
}

/// Loads the site under `root`.
pub fn load(root: &Path, opts: LoadOptions) -> Result<Site, Vec<Diagnostic>> {
    let (config, _src) = config::load(root)?;
    load_with_config(root, config, opts)
}

pub fn load_with_config(
    root: &Path,
    config: SiteConfig,
    opts: LoadOptions,
) -> Result<Site, Vec<Diagnostic>> {
    load_cached(root, config, opts, None)
}

/// `load_with_config`, re-reading only files whose time or length changed since the build that
/// filled `files` memo (the preview's incremental builds).
pub fn load_cached(
    root: &Path,
    config: SiteConfig,
    opts: LoadOptions,
    files: Option<&crate::memo::FileMemo>,
) -> Result<Site, Vec<Diagnostic>> {
    let (site, diags) = load_partial(root, config, opts, files)?;
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    // Warnings travel with the site only through the caller; keep the model plain.
    Ok(site)
}

/// [`load_cached`] that keeps going past bad files: the site of every file that loaded, and the
/// diagnostics of those that did not (a posting whose front matter is wrong is left out), so a
/// build can still check the rest and report all its errors at once. `Err` only when there is
/// no content at all.
pub fn load_partial(
    root: &Path,
    config: SiteConfig,
    opts: LoadOptions,
    files: Option<&crate::memo::FileMemo>,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(vec![Diagnostic::error("content", LoadError::NoContent)]);
    }
    let mut diags = Vec::new();
    let found = walk(root, &content, &mut diags);

    // Read and parse in parallel; collect in walk order so output stays deterministic.
    let parsed: Vec<Result<Parsed, Vec<Diagnostic>>> =
        found.into_par_iter().map(|f| parse_found_cached(root, f, files)).collect();

    let mut section_files: Vec<(Vec<String>, String, Option<SectionFront>, Option<_>)> = Vec::new();
    let mut postings_raw = Vec::new();
    let mut files = Vec::new();
    let mut home = None;
    for p in parsed {
        match p {
            Err(ds) => diags.extend(ds),
            Ok(Parsed::Section { dir_rel, source, front, body }) => {
                section_files.push((dir_rel, source, Some(front), Some(body)))
            }
            Ok(Parsed::Posting(p)) => postings_raw.push(*p),
            Ok(Parsed::Degraded(p, ds)) => {
                diags.extend(ds);
                postings_raw.push(*p);
            }
            Ok(Parsed::File(f)) => files.push(f),
            Ok(Parsed::Home(h)) => home = Some(h),
        }
    }

    // Every folder holding postings is a section, even without an _index.md.
    let mut section_dirs: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    for (i, s) in section_files.iter().enumerate() {
        section_dirs.insert(s.0.clone(), i);
    }
    for p in &postings_raw {
        let mut dir = p.dir_rel.clone();
        while !dir.is_empty() {
            if !section_dirs.contains_key(&dir) {
                section_dirs.insert(dir.clone(), section_files.len());
                section_files.push((dir.clone(), format!("content/{}", dir.join("/")), None, None));
            }
            dir.pop();
        }
    }

    let mut sections = order_sections(section_files, &config);
    let index_of: BTreeMap<String, usize> =
        sections.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
    for i in 0..sections.len() {
        if let Some((parent_id, _)) = sections[i].id.rsplit_once('/')
            && let Some(&p) = index_of.get(parent_id)
        {
            sections[i].parent = Some(p);
            sections[p].children.push(i);
        }
    }

    let mut postings = Vec::with_capacity(postings_raw.len());
    for p in postings_raw {
        let Some(&section) = index_of.get(&p.dir_rel.join("/")) else { continue };
        postings.push(posting_of(p, &sections, section, opts));
    }

    check_duplicate_urls(&sections, &postings, &files, &mut diags);

    let site = Site {
        root: root.to_path_buf(),
        config,
        sections,
        postings,
        files,
        home,
        today: opts.today,
    };
    Ok((site, diags))
}

fn posting_of(p: RawPosting, sections: &[Section], section: usize, opts: LoadOptions) -> Posting {
    let slug = p.front.slug.as_ref().map(|s| s.get_ref().clone()).unwrap_or(p.slug);
    let url_dir = format!("{}{}/", sections[section].url_dir, slug);
    let date = p.front.date.get_ref().0;
    // A withdrawn posting is not published again; its address shows the withdrawal notice.
    let published = p.front.withdrawn.is_none()
        && (opts.include_unpublished || (!p.front.draft && (p.no_date || date <= opts.today)));
    Posting {
        source: p.source,
        abs_path: p.path.clone(),
        dir: p.path.parent().map(Path::to_path_buf).unwrap_or_default(),
        bundle: p.bundle,
        section,
        slug,
        url_dir,
        front: p.front,
        src: p.src,
        split: p.split,
        published,
    }
}

/// Reads posting `i` of `site` again from its file (the preview, after a save): the same file
/// in the same place, so it stays in its section; its front matter may say anything new.
pub fn reload_posting(
    site: &Site,
    i: usize,
    opts: LoadOptions,
) -> Result<Posting, Vec<Diagnostic>> {
    let old = &site.postings[i];
    let dir_rel: Vec<String> =
        site.sections[old.section].id.split('/').map(str::to_string).collect();
    let named = if old.bundle { old.dir.file_name() } else { old.abs_path.file_stem() };
    let slug = named.map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let raw = parse_posting(&site.root, dir_rel, old.abs_path.clone(), old.bundle, slug)?;
    Ok(posting_of(raw, &site.sections, old.section, opts))
}

#[derive(Clone)]
struct RawPosting {
    dir_rel: Vec<String>,
    path: PathBuf,
    source: String,
    bundle: bool,
    slug: String,
    front: PostingFront,
    src: crate::diagnostic::SourceText,
    split: frontmatter::Split,
    /// The date was missing or wrong and holds a stand-in.
    no_date: bool,
}

#[derive(Clone)]
enum Parsed {
    Section {
        dir_rel: Vec<String>,
        source: String,
        front: SectionFront,
        body: (crate::diagnostic::SourceText, frontmatter::Split),
    },
    Posting(Box<RawPosting>),
    /// A posting whose front matter has errors, with what of it was right (checked, never
    /// published: the errors stop the build).
    Degraded(Box<RawPosting>, Vec<Diagnostic>),
    File(ContentFile),
    Home(HomeIntro),
}

fn read_text(root: &Path, path: &Path) -> Result<(String, String), Vec<Diagnostic>> {
    use crate::limits::{self, LimitError};
    use std::io::Read;
    let display = display_path(root, path);
    let unreadable = |e: std::io::Error| {
        vec![Diagnostic::error(display.clone(), LoadError::Unreadable(e.to_string()))]
    };
    // Read at most one byte past the limit: a huge file is refused without being held. The
    // buffer is sized from the file's length: grown by doubling, 10,000 postings held ~60 MB
    // of unused capacity for the whole build.
    let mut bytes = Vec::new();
    let mut size = 0;
    std::fs::File::open(path)
        .and_then(|f| {
            size = f.metadata().map_or(0, |m| m.len());
            let want = size.min(limits::MAX_POSTING_BYTES + 1);
            bytes.reserve_exact(usize::try_from(want).unwrap_or(0));
            f.take(limits::MAX_POSTING_BYTES + 1).read_to_end(&mut bytes)
        })
        .map_err(unreadable)?;
    if bytes.len() as u64 > limits::MAX_POSTING_BYTES {
        let size = size.max(bytes.len() as u64);
        return Err(vec![Diagnostic::error(
            display.clone(),
            LimitError::PostingSize {
                size: limits::size_text(size),
                limit: limits::size_text(limits::MAX_POSTING_BYTES),
            },
        )]);
    }
    let text = String::from_utf8(bytes).map_err(|e| vec![not_utf8(&display, e.as_bytes())])?;
    // Deep nesting costs the Markdown parser memory in proportion: refuse it before parsing.
    if let Some((at, depth)) = limits::deep_nesting(&text) {
        let d = Diagnostic::error(
            display.clone(),
            LimitError::Nesting { depth, limit: limits::MAX_NESTING },
        )
        .at_span(&text, at..at);
        return Err(vec![d]);
    }
    Ok((display, text))
}

/// A file that is not UTF-8, at its first byte that is not: GBK text (what Chinese Windows saves
/// as "ANSI") is named as such, with the line shown as GBK.
fn not_utf8(display: &str, bytes: &[u8]) -> Diagnostic {
    let valid = std::str::from_utf8(bytes).err().map_or(bytes.len(), |e| e.valid_up_to());
    let line_start = bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
    // Valid UTF-8 up to `valid`, so the prefix of the line counts in characters.
    let column = String::from_utf8_lossy(&bytes[line_start..valid]).chars().count() + 1;
    let (gbk, _, had_errors) = encoding_rs::GBK.decode(bytes);
    let looks_gbk = !had_errors && gbk.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let line_end = bytes[line_start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| line_start + i);
    let raw_line = &bytes[line_start..line_end];
    let shown = if looks_gbk {
        encoding_rs::GBK.decode(raw_line).0.into_owned()
    } else {
        String::from_utf8_lossy(raw_line).into_owned()
    };
    let shown = shown.trim_end_matches('\r').to_string();
    let msg = if looks_gbk { LoadError::LooksGbk } else { LoadError::NotUtf8 };
    let mut d = Diagnostic::error(display, msg).at(line, column);
    d.snippet = Some(crate::diagnostic::Snippet { line: shown, start: column - 1, len: 1 });
    d
}

/// `parse_found`, through the cache when there is one. Only files that parsed are kept.
fn parse_found_cached(
    root: &Path,
    found: Found,
    files: Option<&crate::memo::FileMemo>,
) -> Result<Parsed, Vec<Diagnostic>> {
    use crate::memo::{FileEntry, Stamp};
    let path = match &found {
        Found::SectionIndex { path, .. } | Found::RootIndex(path) => path,
        Found::Posting { path, .. } => path,
        Found::File { .. } => return parse_found(root, found),
    };
    let (Some(memo), Some(stamp)) = (files, Stamp::of(path)) else {
        return parse_found(root, found);
    };
    let path = path.clone();
    // The walk decides the kind and slug of a file; the key covers them through `kind_key`.
    let kind = kind_key(&found);
    let mut fresh = None;
    let entry = memo.get_or(path.clone(), || {
        fresh = Some(parse_found(root, found.clone()));
        FileEntry { stamp, value: std::sync::Arc::new((kind.clone(), fresh_ok(&fresh))) }
    });
    if let Some(r) = fresh {
        return r;
    }
    match entry.value.downcast_ref::<(String, Option<Parsed>)>() {
        Some((k, Some(p))) if entry.stamp == stamp && *k == kind => Ok(p.clone()),
        _ => {
            // Changed (or failed before): parse again and remember the new result.
            memo.count_miss();
            let r = parse_found(root, found);
            let value = (kind, r.as_ref().ok().cloned());
            memo.put(path, FileEntry { stamp, value: std::sync::Arc::new(value) });
            r
        }
    }
}

fn fresh_ok(r: &Option<Result<Parsed, Vec<Diagnostic>>>) -> Option<Parsed> {
    r.as_ref().and_then(|r| r.as_ref().ok()).cloned()
}

/// What the walk made of a file, as part of its cache key.
fn kind_key(found: &Found) -> String {
    match found {
        Found::SectionIndex { dir_rel, .. } => format!("section {dir_rel:?}"),
        Found::RootIndex(_) => "home".into(),
        Found::Posting { dir_rel, bundle, slug, .. } => {
            format!("posting {dir_rel:?} {bundle} {slug}")
        }
        Found::File { rel, .. } => format!("file {rel}"),
    }
}

fn parse_found(root: &Path, found: Found) -> Result<Parsed, Vec<Diagnostic>> {
    match found {
        Found::File { path, rel } => Ok(Parsed::File(ContentFile {
            source: display_path(root, &path),
            abs_path: path,
            out: rel,
        })),
        Found::SectionIndex { dir_rel, path } => {
            let (display, text) = read_text(root, &path)?;
            let p = frontmatter::parse::<SectionFront>(&display, text, &["title"])?;
            Ok(Parsed::Section { dir_rel, source: display, front: p.front, body: (p.src, p.split) })
        }
        Found::RootIndex(path) => {
            let (display, text) = read_text(root, &path)?;
            let p = frontmatter::parse::<SectionFront>(&display, text, &["title"])?;
            Ok(Parsed::Home(HomeIntro { src: p.src, split: p.split }))
        }
        Found::Posting { dir_rel, path, bundle, slug } => {
            match parse_posting_lenient(root, dir_rel, path, bundle, slug) {
                (Some(p), errors) if errors.is_empty() => Ok(Parsed::Posting(Box::new(p))),
                (Some(p), errors) => Ok(Parsed::Degraded(Box::new(p), errors)),
                (None, errors) => Err(errors),
            }
        }
    }
}

fn parse_posting(
    root: &Path,
    dir_rel: Vec<String>,
    path: PathBuf,
    bundle: bool,
    slug: String,
) -> Result<RawPosting, Vec<Diagnostic>> {
    match parse_posting_lenient(root, dir_rel, path, bundle, slug) {
        (Some(p), errors) if errors.is_empty() => Ok(p),
        (_, errors) => Err(errors),
    }
}

/// A posting with whatever of its front matter is right (see [`frontmatter::parse_lenient`]),
/// and the errors of the rest: the later stages still check its body (privacy, links), so one
/// run shows every problem. `None` when the file could not be read or split at all.
fn parse_posting_lenient(
    root: &Path,
    dir_rel: Vec<String>,
    path: PathBuf,
    bundle: bool,
    slug: String,
) -> (Option<RawPosting>, Vec<Diagnostic>) {
    let (display, text) = match read_text(root, &path) {
        Ok(t) => t,
        Err(errors) => return (None, errors),
    };
    let l = frontmatter::parse_lenient::<PostingFront>(&display, text, &["title", "date"]);
    let mut errors = l.errors;
    let Some(mut p) = l.parsed else { return (None, errors) };
    if !l.placeholders.contains(&"title") && p.front.title.get_ref().trim().is_empty() {
        errors.push(
            p.src.error_at(p.front.title.span(), crate::frontmatter::FrontMatterError::EmptyTitle),
        );
    }
    let no_date = l.placeholders.contains(&"date");
    if no_date {
        // What runs from the posting's date would be checked against a stand-in: leave it out.
        p.front.notice = None;
        p.front.updated = None;
        p.front.changes.clear();
        p.front.withdrawn = None;
        p.front.event_date = None;
        p.front.signoff.clear();
    }
    let raw = RawPosting {
        dir_rel,
        source: display,
        path,
        bundle,
        slug,
        front: p.front,
        src: p.src,
        split: p.split,
        no_date,
    };
    (Some(raw), errors)
}

/// Walks `content/` in a stable (name-sorted) order.
fn walk(root: &Path, content: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    let mut out = Vec::new();
    walk_dir(root, content, &[], None, &mut out, diags);
    out
}

fn sorted_entries(dir: &Path) -> Vec<std::fs::DirEntry> {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(_) => Vec::new(),
    };
    entries.sort_by_key(|e| e.file_name());
    entries
}

/// `bundle` is the output folder of the enclosing bundle, if inside one.
fn walk_dir(
    root: &Path,
    dir: &Path,
    rel: &[String],
    bundle: Option<&str>,
    out: &mut Vec<Found>,
    diags: &mut Vec<Diagnostic>,
) {
    let entries = sorted_entries(dir);
    // A folder with index.md is a bundle: one posting plus its files.
    let is_bundle = bundle.is_none()
        && !rel.is_empty()
        && entries.iter().any(|e| e.file_name() == "index.md" && e.path().is_file());
    if is_bundle {
        let (parent, slug) = rel.split_at(rel.len() - 1);
        if parent.is_empty() {
            diags.push(Diagnostic::error(display_path(root, dir), LoadError::RootPosting));
            return;
        }
        out.push(Found::Posting {
            dir_rel: parent.to_vec(),
            path: dir.join("index.md"),
            bundle: true,
            slug: slug[0].clone(),
        });
    }
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored_name(&name) {
            continue;
        }
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        // A link is followed only when its target is inside the site: nothing outside is read.
        let is_dir = match crate::sitepath::check_link(root, &path, &display_path(root, &path)) {
            Err(e) => {
                diags.push(Diagnostic::error(display_path(root, &path), e));
                continue;
            }
            Ok(true) => {
                let Ok(meta) = std::fs::metadata(&path) else { continue };
                // A link to a folder that holds it would be walked forever.
                let loops = meta.is_dir()
                    && std::fs::canonicalize(dir)
                        .ok()
                        .zip(std::fs::canonicalize(&path).ok())
                        .is_some_and(|(d, target)| d.starts_with(target));
                if loops {
                    continue;
                }
                meta.is_dir()
            }
            Ok(false) => ft.is_dir(),
        };
        if is_dir {
            let mut child = rel.to_vec();
            child.push(name);
            let child_bundle =
                if is_bundle { Some(rel.join("/")) } else { bundle.map(str::to_string) };
            walk_dir(root, &path, &child, child_bundle.as_deref(), out, diags);
            continue;
        }
        let out_rel =
            if rel.is_empty() { name.clone() } else { format!("{}/{}", rel.join("/"), name) };
        if is_bundle || bundle.is_some() {
            if !(is_bundle && name == "index.md") {
                out.push(Found::File { path, rel: out_rel });
            }
            continue;
        }
        if name == "_index.md" {
            if rel.is_empty() {
                out.push(Found::RootIndex(path));
            } else {
                out.push(Found::SectionIndex { dir_rel: rel.to_vec(), path });
            }
        } else if let Some(stem) = name.strip_suffix(".md") {
            if rel.is_empty() {
                diags.push(Diagnostic::error(display_path(root, &path), LoadError::RootPosting));
            } else {
                out.push(Found::Posting {
                    dir_rel: rel.to_vec(),
                    path,
                    bundle: false,
                    slug: stem.to_string(),
                });
            }
        } else {
            out.push(Found::File { path, rel: out_rel });
        }
    }
}

type SectionFile = (
    Vec<String>,
    String,
    Option<SectionFront>,
    Option<(crate::diagnostic::SourceText, frontmatter::Split)>,
);

/// Orders sections: configured top-level order first, then by weight and name; children follow
/// their parent.
fn order_sections(files: Vec<SectionFile>, config: &SiteConfig) -> Vec<Section> {
    let mut all: Vec<Section> = files
        .into_iter()
        .map(|(dir, source, front, body)| {
            let id = dir.join("/");
            Section {
                title: front
                    .as_ref()
                    .map(|f| f.title.get_ref().clone())
                    .unwrap_or_else(|| default_section_title(&id)),
                description: front.as_ref().and_then(|f| f.description.clone()),
                weight: front.as_ref().map(|f| f.weight).unwrap_or(0),
                paginate: front.as_ref().and_then(|f| f.paginate),
                url_dir: format!("{id}/"),
                id,
                source,
                parent: None,
                children: Vec::new(),
                intro: body,
                front,
            }
        })
        .collect();
    let rank = |id: &str| -> usize {
        let top = id.split('/').next().unwrap_or(id);
        config.sections.iter().position(|s| s == top).unwrap_or(usize::MAX)
    };
    // Sort by the path of (rank, weight, name) tuples from the top down, so children stay under
    // their parents.
    all.sort_by_cached_key(|s| {
        let mut key = Vec::new();
        let mut prefix = String::new();
        for (i, part) in s.id.split('/').enumerate() {
            if i > 0 {
                prefix.push('/');
            }
            prefix.push_str(part);
            key.push((if i == 0 { rank(&prefix) } else { 0 }, 0i64, part.to_string()));
        }
        key
    });
    // Weights of children are applied after the structural sort.
    all
}

fn check_duplicate_urls(
    sections: &[Section],
    postings: &[Posting],
    files: &[ContentFile],
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |url: String, source: &str, diags: &mut Vec<Diagnostic>| {
        let key = url.to_lowercase();
        if let Some(other) = seen.get(&key) {
            diags.push(Diagnostic::error(
                source.to_string(),
                LoadError::DuplicateUrl { url, other: other.clone() },
            ));
        } else {
            seen.insert(key, source.to_string());
        }
    };
    for s in sections {
        claim(format!("{}index.html", s.url_dir), &s.source, diags);
    }
    for p in postings {
        claim(p.url(), &p.source, diags);
    }
    for f in files {
        claim(f.out.clone(), &f.source, diags);
    }
}
