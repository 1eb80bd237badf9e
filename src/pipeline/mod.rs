//! The pipeline: load -> render Markdown and check links -> render pages -> write.
//!
//! Each stage takes plain data and returns plain data plus diagnostics; nothing reaches back.
//! All diagnostics of a build are collected and reported together; nothing is written when
//! there is any error.

use crate::calendar::WorkCalendar;
use crate::config;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::{self, LoadOptions};
use crate::markdown::{self, AnchorCheck, LinkError, LinkIndex, Rendered};
use crate::output;
use crate::output::{Contents, OutputFile};
use crate::pipeline::cache::{Cache, KeyHasher};
use crate::render::{self, AttachmentCtx, PostingExtras, RenderInput, Renderer};
use crate::site::Site;
use crate::theme::{StaticSource, Theme};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub mod bundle_files;
pub mod cache;
pub mod preview;

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
    /// Show a progress bar for long photo processing, with this label (in the clerk's language).
    pub progress: Option<String>,
    /// Build into an output folder that is not empty and holds no gongkai manifest (its files
    /// are kept).
    pub force: bool,
    /// A published posting changed without an `updated` date and a `[[changes]]` note is an
    /// error (`publish`, and `build` of a site without publish targets); otherwise a warning
    /// (the preview never refuses to show an edit).
    pub enforce_change_notes: bool,
    /// Replaces site.toml's `base_url` (a township portal hosts each village under its own
    /// folder of the portal's address).
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// The manifest of what is already published (see [`crate::record::published`]).
    pub fn previous_manifest(&self) -> PathBuf {
        crate::record::published::baseline_path(&self.root, &self.out)
            .unwrap_or_else(|| self.out.join(crate::manifest::MANIFEST_PATH))
    }

    pub fn new(root: impl Into<PathBuf>, today: Date) -> Self {
        let root = root.into();
        BuildOptions {
            out: root.join("public"),
            cache_dir: root.join(".gongkai-cache"),
            root,
            drafts: false,
            today,
            preview: false,
            progress: None,
            force: false,
            enforce_change_notes: true,
            base_url: None,
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
    pub site: Arc<Site>,
    /// The search index and the manifest when the preview asked for them to be made after the
    /// pages ([`generate_preview`]); `None` when `files` is complete.
    pub pending: Option<Pending>,
    /// `Some` when this is a preview update after an edit ([`generate_preview`]): `files` then
    /// holds only the files that changed or are new, and this the paths of files that are gone.
    pub removed: Option<Vec<String>>,
    /// The 公开目录 as of the build date (`None` for a preview update).
    pub catalogue: Option<Arc<crate::catalogue::Report>>,
    /// What a township portal shows of this site (`None` for a preview update).
    pub overview: Option<Arc<crate::overview::Overview>>,
}

/// The last steps of a preview build, made after the pages are shown: the feeds, the search
/// index and the manifest (checksums of every other file). Nothing in them can fail the build.
#[derive(Debug)]
pub struct Pending {
    site: Arc<Site>,
    feed_entries: Arc<Vec<Option<crate::feed::FeedEntry>>>,
    docs: Vec<Arc<crate::search::SearchDoc<'static>>>,
    records: Arc<crate::record::stage::Records>,
}

impl Pending {
    /// The Atom feeds of the site and its sections.
    pub fn feed_files(&self) -> Vec<OutputFile> {
        crate::discovery::feeds_of(&self.site, &self.feed_entries)
    }

    /// The search index files (reused from `cache` when no document changed).
    pub fn search_files(&self, cache: &Cache) -> Vec<OutputFile> {
        search_files_cached(self.docs.iter().map(|d| &**d).collect(), Some(cache))
    }

    /// The manifest, from (path, SHA-256) of every other output file.
    pub fn manifest(&self, hashes: Vec<(String, String)>) -> OutputFile {
        crate::record::stage::manifest_of_hashes(hashes, &self.records)
    }
}

fn search_files_cached(
    docs: Vec<&crate::search::SearchDoc>,
    memo: Option<&Cache>,
) -> Vec<OutputFile> {
    match memo {
        None => crate::discovery::search_files_of(docs),
        Some(c) => {
            let key = KeyHasher::new().with(&docs).key();
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
    /// The 公开目录 as of the build date.
    pub catalogue: Option<Arc<crate::catalogue::Report>>,
    /// What a township portal shows of this site.
    pub overview: Option<Arc<crate::overview::Overview>>,
}

crate::messages! {
    pub enum AttachmentError {
        Missing(f: String) = "attachment.missing",
            zh: "附件 `{f}` 不存在。请把文件放在这篇内容所在的文件夹里（建议用“文件夹/index.md”的形式，把附件和 index.md 放在一起），并核对文件名",
            en: "attachment `{f}` not found";
        PhotoMissing {
            key: &'static str,
            file: String,
            suggestion: Option<String>,
        } = "photo.missing",
            zh: {
                let what = if *key == "cover" {
                    "封面照片（cover）"
                } else {
                    "相册照片（gallery）"
                };
                let hint = match suggestion {
                    Some(s) => format!("。文件夹里有 `{s}`，是不是这个？请改成 {key} 里写 \"{s}\""),
                    None => {
                        "。请把照片放在这篇内容所在的文件夹里，并核对文件名（包括扩展名 .jpg/.png）"
                            .to_string()
                    }
                };
                format!("{what} `{file}` 不存在{hint}")
            },
            en: {
                match suggestion {
                    Some(s) => format!("{key} photo `{file}` not found; did you mean `{s}`?"),
                    None => format!("{key} photo `{file}` not found"),
                }
            };
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
/// same inputs (see [`crate::pipeline::cache`]) and leaves this build's results in it. The files
/// are exactly those `generate` would make.
pub fn generate_cached(opts: &BuildOptions, cache: &Cache) -> Result<Generated, Diagnostics> {
    let global = crate::pipeline::cache::global_fingerprint(opts);
    cache.begin(global);
    let result = generate_with(opts, &output::Sink::Memory, Some((cache, global)), false);
    cache.finish(result.is_ok());
    result
}

/// `generate_cached` without the search index and the manifest, which are left in
/// [`Generated::pending`] so the preview can show the pages first. Call
/// [`crate::pipeline::cache::Cache::finish`] once the pending files are made.
///
/// `changed` are the files saved since the last call. When they are postings that were
/// already on the site, only their share is redone ([`edit`]) and the result is an update:
/// [`Generated::removed`] is `Some` and `files` holds only what changed.
pub fn generate_preview(
    opts: &BuildOptions,
    cache: &Cache,
    changed: &[PathBuf],
) -> Result<Generated, Diagnostics> {
    if let Some(result) = preview::apply(cache, opts, changed) {
        return result;
    }
    let global = crate::pipeline::cache::global_fingerprint(opts);
    cache.begin(global);
    let result = generate_with(opts, &output::Sink::Memory, Some((cache, global)), true);
    if result.is_err() {
        cache.finish(false);
    }
    result
}

fn generate_with(
    opts: &BuildOptions,
    sink: &output::Sink,
    cached: Option<(&Cache, crate::pipeline::cache::Key)>,
    defer_tail: bool,
) -> Result<Generated, Diagnostics> {
    let memo = cached.map(|(c, _)| c);
    let fail = |ds: Vec<Diagnostic>| {
        let mut d = Diagnostics::new();
        d.extend(ds);
        d.sort();
        d
    };
    // The preview keeps what this build made so that a save can redo only its share.
    let keep_model = memo.is_some() && defer_tail;
    let mut timings = Timings::new();
    let (mut config, config_warnings) = config::load(&opts.root).map_err(fail)?;
    if let Some(base) = &opts.base_url {
        config.base_url = base.clone();
    }
    let theme = Theme::new(&opts.root, &config.theme);
    let (site, load_diags) = load::load_partial(
        &opts.root,
        config,
        LoadOptions { today: opts.today, include_unpublished: opts.drafts },
        memo.map(|c| &c.files),
    )
    .map_err(fail)?;
    // Files that did not load are left out (a posting whose front matter is wrong comes with
    // what of it was right); every check up to the pages still runs on the rest, so one run
    // shows every problem of the site. Such a build stops before rendering.
    let load_failed = load_diags.iter().any(Diagnostic::is_error);

    timings.mark("load");
    // Diagnostics of each posting's own share of the build (privacy, Markdown, photos,
    // attachments), apart from the rest so the preview can replace one posting's.
    let mut diags: Vec<Diagnostic> = config_warnings;
    diags.extend(load_diags);
    // Personal data is checked (and masked where allowed) before anything is rendered.
    let (mut site, mut posting_diags, privacy_diags) =
        crate::privacy::stage::run_split(site, memo.map(|c| &c.privacy));
    diags.extend(privacy_diags);
    // Drafts, future postings and files a bundle holds but its posting does not name publish
    // nothing; every later stage sees only the files that may go online.
    diags.extend(crate::pipeline::bundle_files::select(&mut site));
    // The 公开目录: kinds it marks need a sign-off like finance postings.
    let catalogue_def = Arc::new(crate::catalogue::load(&opts.root, &mut diags));
    for item in catalogue_def.0.items.iter().filter(|i| i.signoff) {
        for k in &item.kinds {
            if !site.config.signoff.kinds.contains(k) {
                site.config.signoff.kinds.push(k.clone());
            }
        }
    }
    timings.mark("privacy");
    let statics = static_outputs(&site, &theme, &mut diags);
    // Templates are read on demand; a link among them leading out of the site is refused (see
    // `Theme::template`) and reported here, once, naming the link.
    for dir in ["templates", "themes"].map(|d| site.root.join(d)) {
        for e in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
            if e.path_is_symlink() {
                let shown = display_path(&site.root, e.path());
                if let Err(err) = crate::sitepath::check_link(&site.root, e.path(), &shown) {
                    diags.push(Diagnostic::error(shown, err));
                }
            }
        }
    }
    // The site's own static/ files are published as they are: scan them like content files.
    let site_static = site.root.join("static");
    let allow = crate::privacy::stage::allow_list(&site);
    let static_diags: Vec<Diagnostic> = statics
        .par_iter()
        .filter_map(|(_, c)| match c {
            Contents::Copy(p) if p.starts_with(&site_static) => Some(p),
            _ => None,
        })
        .flat_map(|p| {
            crate::privacy::stage::check_file(&display_path(&site.root, p), p, &allow, site.today)
        })
        .collect();
    diags.extend(static_diags);
    let index = link_index(&site, &statics);
    let md_options = markdown::options(site.config.unsafe_html);
    // A body depends on its text, where it is, and (through its links) on the whole index.
    let index_key = memo.map(|_| KeyHasher::new().with(&index).key());

    let mut bodies: Vec<Rendered> = (0..site.postings.len())
        .into_par_iter()
        .map(|i| render_body(&site, i, &index, &md_options, opts.drafts, memo, index_key))
        .collect();
    timings.mark("markdown");
    let section_intros: Vec<Option<String>> = site
        .sections
        .iter()
        .map(|s| {
            let (src, split) = s.intro.as_ref()?;
            let dir = content_rel_dir(&site.root, &site.root.join(src.path.rsplit_once('/')?.0));
            let page = format!("{}index.html", s.url_dir);
            render_intro(src, split, &dir, &page, &index, &md_options, &mut diags)
        })
        .collect();
    let home_intro = site.home.as_ref().and_then(|h| {
        render_intro(&h.src, &h.split, "", "index.html", &index, &md_options, &mut diags)
    });

    for (i, b) in bodies.iter().enumerate() {
        if site.postings[i].published {
            posting_diags[i].extend(b.diagnostics.iter().cloned());
        }
    }
    let anchor_diags = all_anchor_diagnostics(&site, &bodies);

    timings.mark("links");
    let cache = crate::images::ImageCache::new(opts.cache_dir.join("images")).map_err(|e| {
        fail(vec![Diagnostic::error(
            display_path(&opts.root, &opts.cache_dir),
            crate::images::ImageError::CacheUnwritable { reason: e.to_string() },
        )])
    })?;
    let (photos, photo_diags) =
        crate::images::stage::run(&site, &bodies, &cache, opts.progress.as_deref());
    diags.extend(photo_diags);
    for (i, b) in bodies.iter_mut().enumerate() {
        posting_diags[i].extend(crate::images::stage::missing_alt(&site.postings[i], b));
        fill_photos(&site, i, b, &photos);
    }

    timings.mark("photos");
    let calendar = WorkCalendar::with_config(&site.config.calendar);
    let (notices, notice_diags) = crate::notice::stage::run(&site, &calendar);
    let notices_next_change = notices.next_change;

    timings.mark("notices");
    let (finances, finance_diags) = crate::ledger::stage::run(&site);

    timings.mark("finance");
    if load_failed {
        let mut all = Diagnostics::new();
        all.extend(diags);
        all.extend(posting_diags.into_iter().flatten());
        all.extend(anchor_diags);
        all.extend(notice_diags);
        all.extend(finance_diags);
        all.sort();
        return Err(all);
    }
    let (catalogue, catalogue_diags) =
        crate::catalogue::status(&site, &catalogue_def.0, catalogue_def.1, &calendar);
    let catalogue = Arc::new(catalogue);
    diags.extend(catalogue_diags);
    let previous_path = opts.previous_manifest();
    let previous_stamp = crate::pipeline::cache::Stamp::of(&previous_path);
    let previous = match crate::manifest::Manifest::try_read(&previous_path) {
        Ok(m) => m,
        Err(e) => {
            let folder = previous_path.parent().unwrap_or(&opts.out);
            diags.push(Diagnostic::warning(display_path(&opts.root, folder), e));
            None
        }
    };
    let (records, record_diags) = crate::record::stage::run_cached(
        &site,
        &finances,
        previous.as_ref(),
        memo.map(|c| &c.fingerprints),
        opts.enforce_change_notes,
    );

    timings.mark("records");
    // Per-posting data for templates; charts make this worth doing in parallel.
    let per_posting: Vec<(PostingExtras, Vec<Diagnostic>, Vec<OutputFile>)> =
        (0..site.postings.len())
            .into_par_iter()
            .map(|i| {
                extras_of(&site, i, &notices, &records, &finances, &photos, memo.map(|c| &c.sheets))
            })
            .collect();
    let mut extras = Vec::with_capacity(per_posting.len());
    let mut extras_diags = Vec::with_capacity(per_posting.len());
    let mut data_files = Vec::new();
    for (e, ds, files) in per_posting {
        extras.push(e);
        extras_diags.push(ds);
        data_files.extend(files);
    }

    timings.mark("extras");
    let mut renderer = Renderer::new(theme.clone());
    if let Some(c) = memo {
        renderer = renderer.with_page_memo(c.pages.clone());
    }
    let listings = render::Listings::new(&site, &bodies, &extras);
    let input = RenderInput {
        site: &site,
        bodies: &bodies,
        extras: &extras,
        section_intros: &section_intros,
        home_intro: home_intro.as_deref(),
        preview: opts.preview,
        catalogue: Some(&catalogue),
    };
    let jobs = listings.jobs(&site);
    let (mut files, render_diags) = render::render_jobs(&renderer, &input, &listings, &jobs, sink);
    diags.extend(render_diags);
    let (mut board_files, mut board_diags) =
        crate::board::render(&renderer, &site, &bodies, &extras, &listings);
    if !catalogue.items.is_empty() {
        let site_ctx = crate::render::site_context(&site, &listings);
        match crate::render::catalogue::render(&renderer, &site, site_ctx, &catalogue) {
            Ok(f) => board_files.push(f),
            Err(d) => board_diags.push(*d),
        }
    }
    match sink.emit_all(board_files) {
        Ok(written) => files.extend(written),
        Err(e) => diags.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
    }
    if !keep_model {
        // Pages are written; the bodies' HTML is no longer needed (feeds and search use the text).
        for b in &mut bodies {
            b.html = String::new();
        }
    }
    timings.mark("render");
    let pages = files.len();
    // The preview's model lists the pages (for the sitemap after an edit).
    let page_paths: BTreeSet<String> =
        if keep_model { files.iter().map(|f| f.path.clone()).collect() } else { BTreeSet::new() };
    let mut more = crate::discovery::sitemap(&site, &files);
    let feed_entries: Vec<Option<crate::feed::FeedEntry>> = (0..site.postings.len())
        .map(|i| crate::discovery::feed_entry(&site, i, &bodies[i]))
        .collect();
    if !keep_model {
        // The preview makes the feeds after the reload, with the search index.
        more.extend(crate::discovery::feeds_of(&site, &feed_entries));
    }
    timings.mark("feeds");
    let docs = if keep_model {
        // The preview finishes the index after the reload; its documents stay with the model.
        let docs: Vec<Arc<crate::search::SearchDoc<'static>>> = listings
            .archive
            .iter()
            .map(|&i| {
                Arc::new(
                    crate::discovery::search_doc(&site, i, bodies[i].text.clone(), &extras[i])
                        .into_owned(),
                )
            })
            .collect();
        Some(docs)
    } else {
        let docs = crate::discovery::search_docs(&site, &mut bodies, &extras);
        more.extend(search_files_cached(docs.iter().collect(), memo));
        None
    };
    timings.mark("search");
    let photo_sources = crate::images::stage::photo_sources(&site);
    more.extend(
        statics
            .into_iter()
            .filter(|(path, _)| !photo_sources.contains(path))
            .map(|(path, contents)| OutputFile { path, contents }),
    );
    more.extend(data_files);
    more.extend(crate::record::moved::pages(&site, &records.moved));
    let photo_keys = photos.processed.values().map(|p| p.key.clone()).collect();
    more.extend(photos.files.iter().cloned());
    match sink.emit_all(more) {
        Ok(written) => files.extend(written),
        Err(e) => diags.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    timings.mark("other files");
    let records = Arc::new(records);
    if docs.is_none() {
        let manifest = match memo {
            None => crate::record::stage::manifest_file(&files, &records),
            Some(c) => crate::record::stage::manifest_file_with(&files, &records, &|b: &[u8]| {
                c.sha256
                    .get_or(crate::pipeline::cache::bytes_key(b), || crate::manifest::sha256_hex(b))
            }),
        };
        match sink.emit(manifest) {
            Ok(m) => files.push(m),
            Err(e) => diags.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
        }
    }

    timings.mark("manifest");
    timings.report();
    let mut all = Diagnostics::new();
    all.extend(diags.iter().cloned());
    all.extend(posting_diags.iter().flatten().cloned());
    all.extend(extras_diags.iter().flatten().cloned());
    all.extend(board_diags.iter().cloned());
    all.extend(anchor_diags);
    all.extend(notice_diags.iter().cloned());
    all.extend(finance_diags.iter().cloned());
    all.extend(record_diags);
    all.sort();
    if all.has_errors() {
        return Err(all);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let overview = Arc::new(overview_of(&site, &notices, &finances, &feed_entries, &catalogue));
    let site = Arc::new(site);
    let feed_entries = Arc::new(feed_entries);
    let pending = docs.as_ref().map(|docs| Pending {
        site: site.clone(),
        feed_entries: feed_entries.clone(),
        docs: docs.clone(),
        records: records.clone(),
    });
    if let (Some((c, global)), Some(docs)) = (cached.filter(|_| keep_model), docs) {
        c.set_model(preview::Model {
            catalogue: Some(Arc::clone(&catalogue)),
            catalogue_def: Arc::clone(&catalogue_def),
            opts: opts.clone(),
            global,
            site: site.clone(),
            renderer: Renderer::new(theme),
            md_options,
            index,
            index_key: index_key.unwrap_or_default(),
            bodies,
            section_intros,
            home_intro,
            photos,
            notices,
            finances,
            previous,
            previous_stamp,
            records,
            extras,
            listings,
            feed_entries,
            page_paths,
            docs,
            posting_diags,
            extras_diags,
            notice_diags,
            board_diags,
            finance_diags,
            other_diags: diags,
            pages,
            unapplied: BTreeSet::new(),
        });
    }
    Ok(Generated {
        files,
        pages,
        warnings: all,
        site,
        next_change: notices_next_change,
        photo_keys,
        pending,
        removed: None,
        catalogue: Some(catalogue),
        overview: Some(overview),
    })
}

/// What a township portal shows of the site: from the stages' results, nothing recomputed.
fn overview_of(
    site: &Site,
    notices: &crate::notice::stage::Notices,
    finances: &[Option<crate::ledger::Finance>],
    feed_entries: &[Option<crate::feed::FeedEntry>],
    catalogue: &crate::catalogue::Report,
) -> crate::overview::Overview {
    use crate::date::format_iso;
    use crate::overview::{FeedLine, FinanceLine, NoticeLine, Overview};
    let mut active: Vec<NoticeLine> = site
        .postings
        .iter()
        .zip(&notices.views)
        .filter(|(p, v)| p.published && v.as_ref().is_some_and(|v| v.status == "active"))
        .filter_map(|(p, v)| {
            let v = v.as_ref()?;
            Some(NoticeLine {
                title: p.title().to_string(),
                path: p.url(),
                period: v.period.clone(),
                end: v.end.clone(),
            })
        })
        .collect();
    active.sort_by(|a, b| (&a.end, &a.title, &a.path).cmp(&(&b.end, &b.title, &b.path)));
    let finance = site
        .postings
        .iter()
        .zip(finances)
        .filter(|(p, _)| p.published)
        .filter_map(|(p, f)| {
            let f = f.as_ref()?;
            let period = f.period.as_ref()?;
            // The village's cash journal (a ledger series) before a project budget's sheet.
            Some(((f.series.is_some(), period.to), p, f, period))
        })
        .max_by(|a, b| (a.0, a.1.date(), &a.1.source).cmp(&(b.0, b.1.date(), &b.1.source)))
        .map(|(_, p, f, period)| FinanceLine {
            title: p.title().to_string(),
            path: p.url(),
            period: period.text.clone(),
            period_end: format_iso(period.to),
            closing: crate::money::format_money(f.totals.closing),
        });
    let feed = feed_entries
        .iter()
        .flatten()
        .map(|e| FeedLine {
            title: e.title.clone(),
            url_abs: e.url_abs.clone(),
            id: e.id.clone(),
            published: format_iso(e.published),
            updated: e.updated.map(format_iso),
            summary: e.summary.clone(),
            section: e.section_title.clone(),
        })
        .collect();
    Overview {
        title: site.config.title.clone(),
        unit: site.config.unit.clone(),
        built_for: format_iso(site.today),
        notices: active,
        finance,
        catalogue: (!catalogue.items.is_empty())
            .then(|| crate::overview::catalogue_line(catalogue)),
        feed,
    }
}

/// The HTML of a section's or the home page's introduction (`None` when it is empty).
fn render_intro(
    src: &crate::diagnostic::SourceText,
    split: &crate::frontmatter::Split,
    content_dir: &str,
    page: &str,
    index: &LinkIndex,
    options: &comrak::Options<'static>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let r = markdown::render(&markdown::Context {
        src,
        body_start: split.body_start,
        body_line: split.body_line,
        content_dir,
        page,
        this: None,
        published: true,
        index,
        options,
    });
    diags.extend(r.diagnostics);
    (!r.html.trim().is_empty()).then_some(r.html)
}

/// The Markdown body of posting `i`, from `memo` when the same text at the same place was
/// rendered against the same link index (`index_key`) before.
pub(crate) fn render_body(
    site: &Site,
    i: usize,
    index: &LinkIndex,
    md_options: &comrak::Options<'static>,
    drafts: bool,
    memo: Option<&Cache>,
    index_key: Option<crate::pipeline::cache::Key>,
) -> Rendered {
    let p = &site.postings[i];
    let content_dir = content_rel_dir(&site.root, &p.dir);
    let page = p.url();
    let published = p.published && !drafts;
    let render = || {
        markdown::render(&markdown::Context {
            src: &p.src,
            body_start: p.split.body_start,
            body_line: p.split.body_line,
            content_dir: &content_dir,
            page: &page,
            this: Some(i),
            published,
            index,
            options: md_options,
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
}

/// Replaces the photo placeholders of a published posting's body with `<img srcset>` tags.
pub(crate) fn fill_photos(
    site: &Site,
    i: usize,
    b: &mut Rendered,
    photos: &crate::images::stage::Photos,
) {
    if site.postings[i].published
        && let Some(html) =
            crate::images::stage::fill_photos(&b.html, b, photos, &site.postings[i].url())
    {
        b.html = html;
    }
}

/// Anchor checks of every published posting (`#anchor` links into other postings).
pub(crate) fn all_anchor_diagnostics(site: &Site, bodies: &[Rendered]) -> Vec<Diagnostic> {
    (0..bodies.len())
        .flat_map(|i| check_anchors(site, bodies, &bodies[i].anchor_checks, i))
        .collect()
}

/// What posting `i`'s page shows beyond its front matter and body, with its diagnostics and
/// its open-data files.
pub(crate) fn extras_of(
    site: &Site,
    i: usize,
    notices: &crate::notice::stage::Notices,
    records: &crate::record::stage::Records,
    finances: &[Option<crate::ledger::Finance>],
    photos: &crate::images::stage::Photos,
    sheets: Option<
        &crate::pipeline::cache::Memo<crate::pipeline::cache::Key, crate::sheet::SheetView>,
    >,
) -> (PostingExtras, Vec<Diagnostic>, Vec<OutputFile>) {
    let p = &site.postings[i];
    let mut own_diags = Vec::new();
    let mut data_files = Vec::new();
    let mut e = posting_extras(site, p, &mut own_diags);
    e.notice = notices.views[i].clone();
    e.record = records.views[i].clone();
    // QR codes take a few microseconds each. A publishing build makes them page by page while
    // rendering (10,000 SVGs need not be held at once); the preview keeps them.
    e.sheet = sheets.map(|m| {
        let key = KeyHasher::new()
            .with(&p.url())
            .with(&site.sections[p.section].id)
            .with(&format!("{:?}", p.front.print))
            .with(&format!("{:?}", p.front.unit))
            .with(&format!("{:?}", p.front.signoff))
            .key();
        m.get_or(key, || crate::render::sheet_for(site, p))
    });
    photo_extras(site, p, photos, &mut e, &mut own_diags);
    let cfg = &site.config.signoff;
    // Required before publication: a draft or a future posting may still be waiting for it.
    let need = !p.is_draft()
        && p.date() <= site.today
        && crate::signoff::required(cfg, finances[i].is_some(), p.front.kind.as_deref());
    let what = match (&finances[i], &p.front.kind) {
        (Some(_), _) => "财务公开".to_string(),
        (None, Some(k)) => format!("“{k}”类公开内容"),
        (None, None) => "这篇公开内容".to_string(),
    };
    e.signoff =
        crate::signoff::check(&p.front.signoff, need, &what, p.date(), &p.src, &mut own_diags);
    if let Some(f) = &finances[i] {
        // A chart of one month in one 科目 (or all 未分类) says nothing the totals do not.
        let worth_a_chart = f.by_month.len() > 1 || f.by_category.len() > 1;
        e.chart_svg = (!f.rows.is_empty() && worth_a_chart).then(|| crate::ledger::chart_svg(f));
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
            if let Some(xlsx) = crate::ledger::to_xlsx(f) {
                e.data_xlsx = Some(format!("{stem}.xlsx"));
                data_files.push(OutputFile {
                    path: format!("{stem}.xlsx"),
                    contents: Contents::Bytes(xlsx),
                });
            }
        }
        e.ledger = Some(f.clone());
    }
    (e, own_diags, data_files)
}

/// Stage timings for maintainers, printed to stderr when `GONGKAI_TIMINGS` is set.
pub(crate) struct Timings {
    on: bool,
    last: Instant,
    marks: Vec<(&'static str, Duration, String)>,
}

impl Timings {
    pub(crate) fn new() -> Self {
        Timings {
            on: std::env::var_os("GONGKAI_TIMINGS").is_some(),
            last: Instant::now(),
            marks: Vec::new(),
        }
    }
    /// Records the time since the previous mark under `label` (the stage that just ended).
    pub(crate) fn mark(&mut self, label: &'static str) {
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
    pub(crate) fn report(&self) {
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
    let output_error = |e: output::OutputError| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(opts.out.display().to_string(), e));
        d
    };
    output::check_target(&opts.root, &opts.out).map_err(output_error)?;
    // Files are written into a staging folder while they are generated (memory stays flat);
    // the output is locked, and replaced only when everything succeeded.
    let prepared = output::prepare(&opts.out, opts.force).map_err(output_error)?;
    let mut generated = match generate_into(opts, &output::Sink::Dir(prepared.staging.clone())) {
        Ok(g) => g,
        Err(d) => {
            prepared.abandon();
            return Err(d);
        }
    };
    let swap_started = Instant::now();
    let kept = prepared.swap_in().map_err(output_error)?;
    if std::env::var_os("GONGKAI_TIMINGS").is_some() {
        eprintln!("timing         swap: {:7.1} ms", swap_started.elapsed().as_secs_f64() * 1000.0);
    }
    // Mentioned once: again only when the set of kept names changes.
    let seen_path = opts.cache_dir.join("kept-foreign.txt");
    let seen = kept.join("\n");
    if !kept.is_empty() && std::fs::read_to_string(&seen_path).ok().as_deref() != Some(&seen) {
        generated
            .warnings
            .push(Diagnostic::warning(opts.out.display().to_string(), output::KeptForeign(kept)));
    }
    if std::fs::create_dir_all(&opts.cache_dir).is_ok() {
        let _ = std::fs::write(&seen_path, seen);
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
        catalogue: generated.catalogue,
        overview: generated.overview,
    })
}

/// Content-relative folder (`village/2026-road`) of an absolute folder under `content/`.
fn content_rel_dir(root: &Path, dir: &Path) -> String {
    display_path(&root.join("content"), dir)
}

/// Theme static files, the site's own `static/` folder and content files, by output path.
fn static_outputs(
    site: &Site,
    theme: &Theme,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Contents)> {
    let mut out: BTreeMap<String, Contents> = BTreeMap::new();
    for (path, src) in theme.static_files() {
        let c = match src {
            StaticSource::Embedded(b) => Contents::Bytes(b.to_vec()),
            StaticSource::Disk(p) => {
                let shown = display_path(&site.root, &p);
                if let Err(err) = crate::sitepath::check_link(&site.root, &p, &shown) {
                    diags.push(Diagnostic::error(shown, err));
                    continue;
                }
                Contents::Copy(p)
            }
        };
        out.insert(path, c);
    }
    let site_static = site.root.join("static");
    if site_static.is_dir() {
        for e in walkdir::WalkDir::new(&site_static).sort_by_file_name().into_iter().flatten() {
            let name = e.file_name().to_string_lossy();
            if load::is_ignored_name(&name) {
                continue;
            }
            // A link inside the site is published as its target; one leading out is an error.
            let is_file = if e.path_is_symlink() {
                let shown = display_path(&site.root, e.path());
                match crate::sitepath::check_link(&site.root, e.path(), &shown) {
                    Ok(_) => e.path().is_file(),
                    Err(err) => {
                        diags.push(Diagnostic::error(shown, err));
                        false
                    }
                }
            } else {
                e.file_type().is_file()
            };
            if is_file {
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
        // Nothing outside the site is read or even measured.
        let path = match crate::sitepath::resolve_named(&site.root, &content, &p.dir, file) {
            Ok(path) => path,
            Err(e) => {
                if p.published {
                    diags.push(p.src.error_at(a.file.span(), e));
                }
                continue;
            }
        };
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

/// Cover and gallery images of a posting as ready `<img>` tags; a path that leaves the site or
/// names no file is an error at its line.
fn photo_extras(
    site: &Site,
    p: &crate::site::Posting,
    photos: &crate::images::stage::Photos,
    e: &mut PostingExtras,
    diags: &mut Vec<Diagnostic>,
) {
    let content = site.root.join("content");
    let dir = display_path(&content, &p.dir);
    let resolve = |file: &str| crate::urls::normalize(&format!("{dir}/{file}"));
    let mut check = |file: &str, span: std::ops::Range<usize>, key: &'static str| -> bool {
        let found = match crate::sitepath::resolve_named(&site.root, &content, &p.dir, file) {
            Ok(path) => path.is_file(),
            Err(err) => {
                if p.published {
                    diags.push(p.src.error_at(span, err));
                }
                return false;
            }
        };
        if !found && p.published {
            let missing = AttachmentError::PhotoMissing {
                key,
                file: file.to_string(),
                suggestion: closest_file(&p.dir, file),
            };
            diags.push(p.src.error_at(span, missing));
        }
        found
    };
    if let Some(cover) = &p.front.cover
        && check(cover.get_ref(), cover.span(), "cover")
        && let Some(rel) = resolve(cover.get_ref())
    {
        e.cover = crate::images::stage::tag_for(photos, &rel, p.title(), &p.url());
    }
    if let Some(g) = &p.front.gallery {
        for entry in g.get_ref() {
            let item = entry.get_ref();
            if check(item.file(), entry.span(), "gallery")
                && let Some(rel) = resolve(item.file())
                && let Some(html) =
                    crate::images::stage::tag_for(photos, &rel, item.alt(), &p.url())
            {
                e.gallery.push(render::GalleryCtx { html, caption: item.alt().to_string() });
            }
        }
    }
}

/// The file in `dir` whose name is closest to `file` (a likely misspelling), if any is close.
fn closest_file(dir: &Path, file: &str) -> Option<String> {
    let wanted = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| (strsim::levenshtein(&n.to_lowercase(), &wanted.to_lowercase()), n))
        .filter(|(d, n)| *d <= 3.max(n.chars().count() / 4))
        .min()
        .map(|(_, n)| n)
}
