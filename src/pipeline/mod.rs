//! The pipeline: load -> render Markdown and check links -> render pages -> write.
//!
//! Each stage takes plain data and returns plain data plus diagnostics; nothing reaches back.
//! All diagnostics of a build are collected and reported together; nothing is written when
//! there is any error.

use crate::calendar::WorkCalendar;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::output;
use crate::output::OutputFile;
use crate::pipeline::cache::Cache;
use crate::render::Renderer;
use crate::site::Site;
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub mod bundle_files;
pub mod cache;
pub mod preview;
pub mod says;
mod stages;

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
    /// The site as built. A build without the preview's cache keeps only the front matter of a
    /// published posting: its search document took the body ([`crate::site::Posting::take_body`]).
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
        stages::search_files_cached(self.docs.iter().map(|d| &**d).collect(), Some(cache))
    }

    /// The manifest, from (path, SHA-256) of every other output file.
    pub fn manifest(&self, hashes: Vec<(String, String)>) -> OutputFile {
        crate::record::stage::manifest_of_hashes(hashes, &self.records)
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

/// The build: one named stage after another (see [`stages`]), each on plain data, all their
/// diagnostics in one [`stages::Collected`]. `cached` lets stages reuse what the previous build
/// made from the same inputs; `defer_tail` leaves the feeds, search index and manifest to the
/// preview, after the reload.
fn generate_with(
    opts: &BuildOptions,
    sink: &output::Sink,
    cached: Option<(&Cache, crate::pipeline::cache::Key)>,
    defer_tail: bool,
) -> Result<Generated, Diagnostics> {
    let memo = cached.map(|(c, _)| c);
    // The preview keeps what this build made so that a save can redo only its share.
    let keep_model = memo.is_some() && defer_tail;
    let mut timings = Timings::new();
    let mut col = stages::Collected::default();

    let stages::Loaded { site, theme, failed: load_failed } = stages::load(opts, memo, &mut col)?;
    timings.mark("load");
    let (mut site, catalogue_def) = stages::check(opts, site, memo, &mut col);
    let (statics, index) = stages::statics(&site, &theme, &mut col);
    timings.mark("privacy");
    // Notices, ledgers and records do not read the bodies: a publishing build needs them before
    // its Markdown pass, which makes most posting pages (see `stages::markdown_and_pages`).
    let calendar = WorkCalendar::with_config(&site.config.calendar);
    let (notices, notice_diags) = crate::notice::stage::run(&site, &calendar);
    col.notice = notice_diags;
    let notices_next_change = notices.next_change;
    timings.mark("notices");
    let (finances, finance_diags) = crate::ledger::stage::run(&site);
    col.finance = finance_diags;
    timings.mark("finance");
    // A failed load still has its bodies checked (one run shows every problem), but nothing is
    // judged against the published record and no page is made.
    let judged = (!load_failed).then(|| {
        stages::records(opts, &site, &finances, &calendar, &catalogue_def, memo, &mut col)
    });
    timings.mark("records");
    // A publishing build makes most posting pages in its Markdown pass, from extras made before
    // the photos (`stages::markdown_and_pages`); the preview keeps every body and reuses what it
    // can, so it runs the stages one after another.
    let publishing = judged.as_ref().filter(|_| memo.is_none());
    let markdown_label = if publishing.is_some() { "markdown+pages" } else { "markdown" };
    let early_extras = publishing.map(|j| {
        let no_photos = crate::images::stage::Photos::default();
        stages::extras(&site, &notices, &j.records, &finances, &no_photos, None, &mut col)
    });
    let (mut bodies, mut early) = match (publishing, &early_extras) {
        (Some(j), Some((extras, _))) => {
            let sources = stages::take_sources(&mut site);
            let input = stages::PageInput {
                opts,
                theme: &theme,
                site: &site,
                extras,
                catalogue: &j.catalogue,
            };
            stages::markdown_and_pages(&input, sources, &index, sink, &mut col)
        }
        _ => (
            stages::markdown(opts, &site, &index, memo, &mut col),
            stages::Early::none(site.postings.len()),
        ),
    };
    let search_postings = early.search.take();
    for (i, text) in std::mem::take(&mut early.kept) {
        site.postings[i].src.text = text;
    }
    timings.mark(markdown_label);
    stages::links(&site, &bodies.bodies, &mut col);
    timings.mark("links");
    let photos = stages::photos(opts, &site, &mut bodies.bodies, &mut col)?;
    timings.mark("photos");
    let Some(judged) = judged else { return Err(col.all()) };
    let (extras, data_files) = match early_extras {
        Some((mut extras, data_files)) => {
            let records = &judged.records;
            stages::extras_with_photos(
                &site,
                &mut extras,
                &notices,
                records,
                &finances,
                &photos,
                &mut col,
            );
            (extras, data_files)
        }
        None => {
            stages::extras(&site, &notices, &judged.records, &finances, &photos, memo, &mut col)
        }
    };
    timings.mark("extras");
    let page_input = stages::PageInput {
        opts,
        theme: &theme,
        site: &site,
        extras: &extras,
        catalogue: &judged.catalogue,
    };
    let (mut files, listings) = stages::pages(&page_input, &bodies, early, memo, sink, &mut col);
    if !keep_model {
        // Pages are written; the bodies' HTML is no longer needed (feeds and search use the text).
        for b in &mut bodies.bodies {
            b.html = std::sync::Arc::default();
        }
    }
    timings.mark("render");
    let pages = files.len();
    // The preview's model lists the pages (for the sitemap after an edit).
    let page_paths: BTreeSet<String> =
        if keep_model { files.iter().map(|f| f.path.clone()).collect() } else { BTreeSet::new() };
    let emit_all = |files: &mut Vec<OutputFile>, col: &mut stages::Collected, more| match sink
        .emit_all(more)
    {
        Ok(written) => files.extend(written),
        Err(e) => col.other.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
    };
    let (feed_files, feed_entries) = stages::feeds(&site, &bodies.bodies, &files, !keep_model);
    // Written before the search index is made: 10,000 postings' feeds are 13 MB.
    emit_all(&mut files, &mut col, feed_files);
    timings.mark("feeds");
    let (mut more, docs) = stages::search(
        &mut site,
        &mut bodies.bodies,
        &extras,
        &listings,
        search_postings,
        memo,
        keep_model,
    );
    timings.mark("search");
    more.extend(stages::other_files(&site, statics, data_files, &judged.records, &photos));
    let photo_keys = photos.processed.values().map(|p| p.key.clone()).collect();
    emit_all(&mut files, &mut col, more);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    timings.mark("other files");
    let records = Arc::new(judged.records);
    if docs.is_none() {
        let manifest = stages::manifest(&files, &records, memo);
        emit_all(&mut files, &mut col, vec![manifest]);
    }
    timings.mark("manifest");
    timings.report();

    let all = col.all();
    if all.has_errors() {
        return Err(all);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let catalogue = judged.catalogue;
    let overview =
        Arc::new(stages::overview_of(&site, &notices, &finances, &feed_entries, &catalogue));
    let site = Arc::new(site);
    let feed_entries = Arc::new(feed_entries);
    let pending = docs.as_ref().map(|docs| Pending {
        site: site.clone(),
        feed_entries: feed_entries.clone(),
        docs: docs.clone(),
        records: records.clone(),
    });
    if let (Some((c, global)), Some(docs)) = (cached.filter(|_| keep_model), docs) {
        let stages::Bodies { bodies, section_intros, home_intro, md_options, index_key } = bodies;
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
            previous: judged.previous,
            previous_stamp: judged.previous_stamp,
            records,
            extras,
            listings,
            feed_entries,
            page_paths,
            docs,
            diags: col,
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

/// Stage timings for maintainers, printed to stderr when `GONGKAI_TIMINGS` is set.
pub(crate) struct Timings {
    on: bool,
    last: Instant,
    last_cpu: Duration,
    marks: Vec<(&'static str, Duration, Duration, String)>,
}

/// CPU time of the whole process so far, all threads (Linux, 10 ms ticks): a stage's CPU
/// against its wall time shows whether it runs on every core.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 =
        after.split_whitespace().skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum();
    Duration::from_millis(ticks * 10)
}

impl Timings {
    pub(crate) fn new() -> Self {
        let on = std::env::var_os("GONGKAI_TIMINGS").is_some();
        Timings {
            on,
            last: Instant::now(),
            // Read only when asked for: every build and every preview rebuild makes a Timings.
            last_cpu: if on { process_cpu() } else { Duration::ZERO },
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
            let cpu = process_cpu();
            self.marks.push((label, now - self.last, cpu.saturating_sub(self.last_cpu), peak));
            self.last = now;
            self.last_cpu = cpu;
        }
    }
    pub(crate) fn report(&self) {
        if self.on {
            for (label, d, cpu, mem) in &self.marks {
                eprintln!(
                    "timing {label:>12}: {:7.1} ms  cpu {:6} ms  (peak memory so far {mem})",
                    d.as_secs_f64() * 1000.0,
                    cpu.as_millis()
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
