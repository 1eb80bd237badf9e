//! The pipeline: load -> render Markdown and check links -> render pages -> write.
//!
//! Each stage takes plain data and returns plain data plus diagnostics; nothing reaches back.
//! All diagnostics of a build are collected and reported together; nothing is written when
//! there is any error.

use crate::calendar::WorkCalendar;
use crate::config;
use crate::diagnostic::{Diagnostic, Diagnostics, Message, display_path};
use crate::enrich;
use crate::incremental::{Cache, KeyHasher};
use crate::load::{self, LoadOptions};
use crate::markdown::{self, AnchorCheck, LinkError, LinkIndex, Rendered};
use crate::output;
use crate::render::{
    self, AttachmentCtx, Contents, OutputFile, PostingExtras, RenderInput, Renderer,
};
use crate::site::Site;
use crate::theme::{StaticSource, Theme};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder (default `public/` under the root).
    pub out: PathBuf,
    /// Include drafts and future-dated postings.
    pub drafts: bool,
    /// The date the board is built for.
    pub today: Date,
    /// A preview build (banner, badges) for `gongkai serve`.
    pub preview: bool,
    /// Where processed photos are cached between builds (git-ignored).
    pub cache_dir: PathBuf,
    /// Show a progress bar for long photo processing.
    pub progress: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>, today: Date) -> Self {
        let root = root.into();
        BuildOptions {
            out: root.join("public"),
            cache_dir: root.join(".gongkai-cache"),
            root,
            drafts: false,
            today,
            preview: false,
            progress: false,
        }
    }
}

/// The result of generating a site in memory.
#[derive(Debug)]
pub struct Generated {
    pub files: Vec<OutputFile>,
    /// Cache entries of the photos this build used (the rest may be pruned).
    pub photo_keys: BTreeSet<crate::images::CacheKey>,
    /// The next date after the build date on which the output would change (a 公示 starts or
    /// ends, a future-dated posting appears): when to rebuild.
    pub next_change: Option<Date>,
    pub pages: usize,
    pub warnings: Diagnostics,
    pub site: Site,
    /// The search index and the manifest when the preview asked for them to be made after the
    /// pages ([`generate_preview`]); `None` when `files` is complete.
    pub pending: Option<Pending>,
}

/// The last steps of a preview build, made after the pages are shown: the search index and
/// the manifest (checksums of every other file). Nothing in them can fail the build.
#[derive(Debug)]
pub struct Pending {
    docs: Vec<crate::search::SearchDoc<'static>>,
    records: enrich::records::Records,
}

impl Pending {
    /// The search index files (reused from `cache` when no document changed).
    pub fn search_files(&self, cache: &Cache) -> Vec<OutputFile> {
        search_files_cached(&self.docs, Some(cache))
    }

    /// The manifest, from (path, SHA-256) of every other output file.
    pub fn manifest(&self, hashes: Vec<(String, String)>) -> OutputFile {
        enrich::records::manifest_of_hashes(hashes, &self.records)
    }
}

fn search_files_cached(docs: &[crate::search::SearchDoc], memo: Option<&Cache>) -> Vec<OutputFile> {
    match memo {
        None => crate::discovery::search_files_of(docs),
        Some(c) => {
            let key = KeyHasher::new().with(docs).key();
            let files = c.search.get_or(key, || Arc::new(crate::discovery::search_files_of(docs)));
            Vec::clone(&files)
        }
    }
}

/// What a successful `build` reports.
#[derive(Debug)]
pub struct BuildReport {
    pub next_change: Option<Date>,
    pub pages: usize,
    pub files: usize,
    pub warnings: Diagnostics,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("attachment `{0}` not found")]
    Missing(String),
}

impl Message for AttachmentError {
    fn code(&self) -> &'static str {
        "attachment.missing"
    }
    fn zh(&self) -> String {
        match self {
            AttachmentError::Missing(f) => format!(
                "附件 `{f}` 不存在。请把文件放在这篇内容所在的文件夹里（建议用“文件夹/index.md”的形式，把附件和 index.md 放在一起），并核对文件名"
            ),
        }
    }
    fn en(&self) -> String {
        self.to_string()
    }
}

/// Loads, checks and renders the site, keeping every output file in memory.
pub fn generate(opts: &BuildOptions) -> Result<Generated, Diagnostics> {
    generate_into(opts, &output::Sink::Memory)
}

/// Loads, checks and renders the site, handing each output file to `sink` as soon as it is made.
pub fn generate_into(opts: &BuildOptions, sink: &output::Sink) -> Result<Generated, Diagnostics> {
    generate_with(opts, sink, None, false)
}

/// `generate` for the preview: reuses from `cache` whatever the previous build made from the
/// same inputs (see [`crate::incremental`]) and leaves this build's results in it. The files
/// are exactly those `generate` would make.
pub fn generate_cached(opts: &BuildOptions, cache: &Cache) -> Result<Generated, Diagnostics> {
    cache.begin(crate::incremental::global_fingerprint(opts));
    let result = generate_with(opts, &output::Sink::Memory, Some(cache), false);
    cache.finish(result.is_ok());
    result
}

/// `generate_cached` without the search index and the manifest, which are left in
/// [`Generated::pending`] so the preview can show the pages first. Call
/// [`crate::incremental::Cache::finish`] once the pending files are made.
pub fn generate_preview(opts: &BuildOptions, cache: &Cache) -> Result<Generated, Diagnostics> {
    cache.begin(crate::incremental::global_fingerprint(opts));
    let result = generate_with(opts, &output::Sink::Memory, Some(cache), true);
    if result.is_err() {
        cache.finish(false);
    }
    result
}

fn generate_with(
    opts: &BuildOptions,
    sink: &output::Sink,
    memo: Option<&Cache>,
    defer_tail: bool,
) -> Result<Generated, Diagnostics> {
    let fail = |ds: Vec<Diagnostic>| {
        let mut d = Diagnostics::new();
        d.extend(ds);
        d.sort();
        d
    };
    let mut timings = Timings::new();
    let (config, config_warnings) = config::load(&opts.root).map_err(fail)?;
    let theme = Theme::new(&opts.root, &config.theme);
    let site = load::load_cached(
        &opts.root,
        config,
        LoadOptions { today: opts.today, include_unpublished: opts.drafts },
        memo,
    )
    .map_err(fail)?;

    timings.mark("load");
    let mut diags: Vec<Diagnostic> = config_warnings;
    // Personal data is checked (and masked where allowed) before anything is rendered.
    let (site, privacy_diags) = enrich::privacy::run_cached(site, memo);
    diags.extend(privacy_diags);
    timings.mark("privacy");
    let statics = static_outputs(&site, &theme);
    let index = link_index(&site, &statics);
    let md_options = markdown::options(site.config.unsafe_html);
    // A body depends on its text, where it is, and (through its links) on the whole index.
    let index_key = memo.map(|_| KeyHasher::new().with(&index).key());

    let mut bodies: Vec<Rendered> = site
        .postings
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let content_dir = content_rel_dir(&site.root, &p.dir);
            let page = p.url();
            let published = p.published && !opts.drafts;
            let render = || {
                markdown::render(&markdown::Context {
                    src: &p.src,
                    body_start: p.split.body_start,
                    body_line: p.split.body_line,
                    content_dir: &content_dir,
                    page: &page,
                    this: Some(i),
                    published,
                    index: &index,
                    options: &md_options,
                })
            };
            match memo {
                None => render(),
                Some(c) => {
                    let key = KeyHasher::new()
                        .with(&index_key)
                        .with(&p.src.path)
                        .with(&p.src.text)
                        .with(&(p.split.body_start, p.split.body_line, i, published))
                        .with(&content_dir)
                        .with(&page)
                        .key();
                    Rendered::clone(&c.markdown.get_or(key, || Arc::new(render())))
                }
            }
        })
        .collect();
    timings.mark("markdown");
    let section_intros: Vec<Option<String>> = site
        .sections
        .iter()
        .map(|s| {
            let (src, split) = s.intro.as_ref()?;
            let dir = content_rel_dir(&site.root, &site.root.join(src.path.rsplit_once('/')?.0));
            let r = markdown::render(&markdown::Context {
                src,
                body_start: split.body_start,
                body_line: split.body_line,
                content_dir: &dir,
                page: &format!("{}index.html", s.url_dir),
                this: None,
                published: true,
                index: &index,
                options: &md_options,
            });
            diags.extend(r.diagnostics);
            (!r.html.trim().is_empty()).then_some(r.html)
        })
        .collect();
    let home_intro = site.home.as_ref().and_then(|h| {
        let r = markdown::render(&markdown::Context {
            src: &h.src,
            body_start: h.split.body_start,
            body_line: h.split.body_line,
            content_dir: "",
            page: "index.html",
            this: None,
            published: true,
            index: &index,
            options: &md_options,
        });
        diags.extend(r.diagnostics);
        (!r.html.trim().is_empty()).then_some(r.html)
    });

    for (i, b) in bodies.iter().enumerate() {
        if site.postings[i].published {
            diags.extend(b.diagnostics.iter().cloned());
        }
        diags.extend(check_anchors(&site, &bodies, &b.anchor_checks, i));
    }

    timings.mark("links");
    let cache = crate::images::ImageCache::new(opts.cache_dir.join("images")).map_err(|e| {
        fail(vec![Diagnostic::error(
            display_path(&opts.root, &opts.cache_dir),
            crate::diagnostic::Text {
                code: "cache.unwritable",
                zh: format!("无法创建图片缓存文件夹：{e}"),
                en: format!("cannot create the image cache folder: {e}"),
            },
        )])
    })?;
    let (photos, photo_diags) = enrich::images::run(&site, &bodies, &cache, opts.progress);
    diags.extend(photo_diags);
    for (i, b) in bodies.iter_mut().enumerate() {
        if site.postings[i].published {
            if let Some(html) =
                enrich::images::fill_photos(&b.html, b, &photos, &site.postings[i].url())
            {
                b.html = html;
            }
        }
    }

    timings.mark("photos");
    let calendar = WorkCalendar::with_config(&site.config.calendar);
    let (notices, notice_diags) = enrich::notices::run(&site, &calendar);
    diags.extend(notice_diags);

    timings.mark("notices");
    let (finances, finance_diags) = enrich::finance::run(&site);
    diags.extend(finance_diags);

    timings.mark("finance");
    let previous =
        match crate::manifest::Manifest::try_read(&opts.out.join(crate::manifest::MANIFEST_PATH)) {
            Ok(m) => m,
            Err(e) => {
                diags.push(Diagnostic::warning(display_path(&opts.root, &opts.out), e));
                None
            }
        };
    let (records, record_diags) =
        enrich::records::run_cached(&site, &finances, previous.as_ref(), memo);
    diags.extend(record_diags);

    timings.mark("records");
    // Per-posting data for templates; charts make this worth doing in parallel.
    let per_posting: Vec<(PostingExtras, Vec<Diagnostic>, Vec<OutputFile>)> = site
        .postings
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut own_diags = Vec::new();
            let mut data_files = Vec::new();
            let mut e = posting_extras(&site, p, &mut own_diags);
            e.notice = notices.views[i].clone();
            e.record = records.views[i].clone();
            // QR codes take a few microseconds each. A publishing build makes them page by page
            // while rendering (10,000 SVGs need not be held at once); the preview keeps them.
            e.sheet = memo.map(|c| {
                let key = KeyHasher::new()
                    .with(&p.url())
                    .with(&site.sections[p.section].id)
                    .with(&format!("{:?}", p.front.print))
                    .key();
                c.sheets.get_or(key, || crate::sheet::for_posting(&site, p))
            });
            photo_extras(&site, p, &photos, &mut e);
            if let Some(f) = &finances[i] {
                e.chart_svg = (!f.rows.is_empty()).then(|| crate::ledger::chart_svg(f));
                if p.published && !f.rows.is_empty() {
                    // Open data: the same numbers, machine-readable, beside the pages.
                    let stem = format!("data/{}", p.url_dir.trim_end_matches('/'));
                    e.data_csv = Some(format!("{stem}.csv"));
                    e.data_json = Some(format!("{stem}.json"));
                    data_files.push(OutputFile {
                        path: format!("{stem}.csv"),
                        contents: Contents::Bytes(crate::ledger::to_csv(f).into_bytes()),
                    });
                    data_files.push(OutputFile {
                        path: format!("{stem}.json"),
                        contents: Contents::Bytes(crate::ledger::to_json(f).into_bytes()),
                    });
                }
                e.ledger = Some(f.clone());
            }
            (e, own_diags, data_files)
        })
        .collect();
    let mut extras = Vec::with_capacity(per_posting.len());
    let mut data_files = Vec::new();
    for (e, ds, files) in per_posting {
        extras.push(e);
        diags.extend(ds);
        data_files.extend(files);
    }

    timings.mark("extras");
    let mut renderer = Renderer::new(theme.clone());
    if let Some(c) = memo {
        renderer = renderer.with_page_memo(c.pages.clone());
    }
    let input = RenderInput {
        site: &site,
        bodies: &bodies,
        extras: &extras,
        section_intros: &section_intros,
        home_intro: home_intro.as_deref(),
        preview: opts.preview,
    };
    let (mut files, render_diags) = render::render_pages(&renderer, &input, sink);
    diags.extend(render_diags);
    let (board_files, board_diags) = crate::board::render(&renderer, &site, &bodies, &extras);
    diags.extend(board_diags);
    match sink.emit_all(board_files) {
        Ok(written) => files.extend(written),
        Err(e) => diags.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
    }
    // Pages are written; the bodies' HTML is no longer needed (feeds and search use the text).
    for b in &mut bodies {
        b.html = String::new();
    }
    timings.mark("render");
    let pages = files.len();
    let mut more = crate::discovery::sitemap(&site, &files);
    more.extend(crate::discovery::feeds(&site, &bodies));
    timings.mark("feeds");
    let docs = crate::discovery::search_docs(&site, &mut bodies, &extras);
    let docs = if defer_tail {
        // The preview finishes the index after the reload, when this build's borrows are gone.
        Some(docs.into_iter().map(crate::search::SearchDoc::into_owned).collect())
    } else {
        more.extend(search_files_cached(&docs, memo));
        None
    };
    drop(bodies);
    timings.mark("search");
    let photo_sources = enrich::images::photo_sources(&site);
    more.extend(
        statics
            .into_iter()
            .filter(|(path, _)| !photo_sources.contains(path))
            .map(|(path, contents)| OutputFile { path, contents }),
    );
    more.extend(data_files);
    let photo_keys = photos.processed.values().map(|p| p.key.clone()).collect();
    more.extend(photos.files);
    match sink.emit_all(more) {
        Ok(written) => files.extend(written),
        Err(e) => diags.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    timings.mark("other files");
    let pending = match docs {
        Some(docs) => Some(Pending { docs, records }),
        None => {
            let manifest = match memo {
                None => enrich::records::manifest_file(&files, &records),
                Some(c) => enrich::records::manifest_file_with(&files, &records, &|b: &[u8]| {
                    c.sha256
                        .get_or(crate::incremental::bytes_key(b), || crate::manifest::sha256_hex(b))
                }),
            };
            match sink.emit(manifest) {
                Ok(m) => files.push(m),
                Err(e) => diags.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
            }
            None
        }
    };

    timings.mark("manifest");
    timings.report();
    let mut all = Diagnostics::new();
    all.extend(diags);
    all.sort();
    if all.has_errors() {
        return Err(all);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generated {
        files,
        pages,
        warnings: all,
        site,
        next_change: notices.next_change,
        photo_keys,
        pending,
    })
}

/// Stage timings for maintainers, printed to stderr when `GONGKAI_TIMINGS` is set.
struct Timings {
    on: bool,
    last: Instant,
    marks: Vec<(&'static str, Duration, String)>,
}

impl Timings {
    fn new() -> Self {
        Timings {
            on: std::env::var_os("GONGKAI_TIMINGS").is_some(),
            last: Instant::now(),
            marks: Vec::new(),
        }
    }
    /// Records the time since the previous mark under `label` (the stage that just ended).
    fn mark(&mut self, label: &'static str) {
        if self.on {
            let now = Instant::now();
            // Peak resident memory (Linux); shown to find the stage that needs the most.
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string())
                })
                .unwrap_or_default();
            self.marks.push((label, now - self.last, peak));
            self.last = now;
        }
    }
    fn report(&self) {
        if self.on {
            for (label, d, mem) in &self.marks {
                eprintln!(
                    "timing {label:>12}: {:7.1} ms  (peak memory so far {mem})",
                    d.as_secs_f64() * 1000.0
                );
            }
        }
    }
}

/// `generate`, then publish atomically to `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    check_out_dir(opts)?;
    let output_error = |e: output::OutputError| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(display_path(&opts.root, &opts.out), e));
        d
    };
    // Files are written into a staging folder while they are generated (memory stays flat);
    // the published folder is replaced only when everything succeeded.
    let staging = output::staging_for(&opts.out).map_err(output_error)?;
    let generated = match generate_into(opts, &output::Sink::Dir(staging.clone())) {
        Ok(g) => g,
        Err(d) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(d);
        }
    };
    let swap_started = Instant::now();
    output::swap_in(&opts.out, &staging).map_err(output_error)?;
    if std::env::var_os("GONGKAI_TIMINGS").is_some() {
        eprintln!("timing         swap: {:7.1} ms", swap_started.elapsed().as_secs_f64() * 1000.0);
    }
    // Only a published build decides what the cache no longer needs.
    if let Ok(cache) = crate::images::ImageCache::new(opts.cache_dir.join("images")) {
        let _ = cache.prune(&generated.photo_keys);
    }
    Ok(BuildReport {
        next_change: generated.next_change,
        pages: generated.pages,
        files: generated.files.len(),
        warnings: generated.warnings,
        elapsed: started.elapsed(),
    })
}

/// Refuses to replace the site folder itself or a source folder with the output.
fn check_out_dir(opts: &BuildOptions) -> Result<(), Diagnostics> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let out = canon(&opts.out);
    let root = canon(&opts.root);
    let forbidden = ["content", "templates", "themes", "static"].map(|d| root.join(d));
    if out == root
        || forbidden.iter().any(|f| out == *f || out.starts_with(f))
        || root.starts_with(&out)
    {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(
            opts.out.display().to_string(),
            output::OutputError::Unsafe(opts.out.display().to_string()),
        ));
        return Err(d);
    }
    Ok(())
}

/// Content-relative folder (`village/2026-road`) of an absolute folder under `content/`.
fn content_rel_dir(root: &Path, dir: &Path) -> String {
    display_path(&root.join("content"), dir)
}

/// Theme static files, the site's own `static/` folder and content files, by output path.
fn static_outputs(site: &Site, theme: &Theme) -> Vec<(String, Contents)> {
    let mut out: BTreeMap<String, Contents> = BTreeMap::new();
    for (path, src) in theme.static_files() {
        let c = match src {
            StaticSource::Embedded(b) => Contents::Bytes(b.to_vec()),
            StaticSource::Disk(p) => Contents::Copy(p),
        };
        out.insert(path, c);
    }
    let site_static = site.root.join("static");
    if site_static.is_dir() {
        for e in walkdir::WalkDir::new(&site_static).sort_by_file_name().into_iter().flatten() {
            let name = e.file_name().to_string_lossy();
            if e.file_type().is_file() && !load::is_ignored_name(&name) {
                out.insert(display_path(&site_static, e.path()), Contents::Copy(e.into_path()));
            }
        }
    }
    for f in &site.files {
        out.insert(f.out.clone(), Contents::Copy(f.abs_path.clone()));
    }
    out.into_iter().collect()
}

fn link_index(site: &Site, statics: &[(String, Contents)]) -> LinkIndex {
    let content = site.root.join("content");
    LinkIndex {
        postings: site
            .postings
            .iter()
            .enumerate()
            .map(|(i, p)| (display_path(&content, &p.abs_path), i))
            .collect(),
        sections: site
            .sections
            .iter()
            .map(|s| (format!("{}/_index.md", s.id), format!("{}index.html", s.url_dir)))
            .collect(),
        files: statics.iter().map(|(p, _)| p.clone()).collect::<BTreeSet<_>>(),
        posting_urls: site.postings.iter().map(|p| p.url()).collect(),
        posting_published: site.postings.iter().map(|p| p.published).collect(),
        photos: site
            .files
            .iter()
            .map(|f| f.out.clone())
            .filter(|p| markdown::is_photo(p))
            .collect(),
    }
}

fn check_anchors(
    site: &Site,
    bodies: &[Rendered],
    checks: &[AnchorCheck],
    from: usize,
) -> Vec<Diagnostic> {
    let p = &site.postings[from];
    if !p.published {
        return Vec::new();
    }
    checks
        .iter()
        .filter(|c| !bodies[c.target].anchors.contains(&c.anchor))
        .map(|c| {
            let target = &site.postings[c.target];
            Diagnostic::error(
                p.source.clone(),
                LinkError::MissingAnchor {
                    anchor: c.anchor.clone(),
                    target: target.source.clone(),
                    available: bodies[c.target].anchors.clone(),
                },
            )
            .with_line_snippet(
                &p.src.text,
                c.line,
                c.column,
                c.href.chars().count() + 2,
            )
        })
        .collect()
}

fn posting_extras(
    site: &Site,
    p: &crate::site::Posting,
    diags: &mut Vec<Diagnostic>,
) -> PostingExtras {
    let mut extras = PostingExtras::default();
    let content = site.root.join("content");
    for a in &p.front.attachments {
        let file = a.file.get_ref();
        let path = p.dir.join(file);
        let info = path.is_file().then(|| crate::images::describe(&path).ok()).flatten();
        let rel = crate::urls::normalize(&display_path(&content, &path));
        match (info, rel) {
            (Some(info), Some(rel)) => {
                // Author fields holding a person's name are worth a look before publishing.
                if p.published {
                    for w in crate::images::attachment_warnings(&path) {
                        diags.push(p.src.warning_at(a.file.span(), w));
                    }
                }
                let label = a.label.clone().unwrap_or_else(|| {
                    Path::new(file)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                });
                extras.attachments.push(AttachmentCtx {
                    label,
                    href: crate::urls::relative(&p.url(), &rel),
                    size: info.size,
                    size_text: info.human_size,
                    kind: info.label.to_string(),
                });
            }
            _ => {
                if p.published {
                    diags.push(
                        p.src.error_at(a.file.span(), AttachmentError::Missing(file.clone())),
                    );
                }
            }
        }
    }
    extras
}

/// Cover and gallery images of a posting as ready `<img>` tags.
fn photo_extras(
    site: &Site,
    p: &crate::site::Posting,
    photos: &enrich::images::Photos,
    e: &mut PostingExtras,
) {
    let content = site.root.join("content");
    let dir = display_path(&content, &p.dir);
    let resolve = |file: &str| crate::urls::normalize(&format!("{dir}/{file}"));
    if let Some(cover) = &p.front.cover
        && let Some(rel) = resolve(cover.get_ref())
    {
        e.cover = enrich::images::tag_for(photos, &rel, p.title(), &p.url());
    }
    if let Some(g) = &p.front.gallery {
        for item in g.get_ref() {
            if let Some(rel) = resolve(item.file())
                && let Some(html) = enrich::images::tag_for(photos, &rel, item.alt(), &p.url())
            {
                e.gallery.push(render::GalleryCtx { html, caption: item.alt().to_string() });
            }
        }
    }
}
