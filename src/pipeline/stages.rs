//! The build's stages, each a function of plain data: what it needs goes in, what it made comes
//! out, and its diagnostics go into the one [`Collected`]. [`super::generate_with`] calls them
//! in order; [`super::preview`] calls the per-posting ones again after a clerk's edit.
//!
//! Where a posting is read: [`load`]; checked for personal data and files it may publish:
//! [`check`]; its 公示, ledger and public record: the notice and ledger stages, [`records`]; what
//! its page shows beyond its text: [`extras`]; its Markdown rendered: [`markdown`], or in a
//! publishing build [`markdown_and_pages`], which also makes and writes its page and adds its
//! search terms in the same parallel pass; its links checked: [`links`]; its photos:
//! [`photos`]; the pages not made yet: [`pages`]; the site's feeds, search index and manifest:
//! [`feeds`], [`search`], [`other_files`], [`manifest`].

use super::{AttachmentError, BuildOptions};
use crate::calendar::WorkCalendar;
use crate::config;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::{self, LoadOptions};
use crate::markdown::{self, AnchorCheck, LinkError, LinkIndex, Rendered};
use crate::output;
use crate::output::{Contents, OutputFile};
use crate::pipeline::cache::{Cache, Key, KeyHasher, Stamp};
use crate::render::{self, AttachmentCtx, Listings, PostingExtras, RenderInput, Renderer};
use crate::site::Site;
use crate::theme::{StaticSource, Theme};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// Every diagnostic of one build, kept by where it came from: the preview replaces one
/// posting's share, or one stage's, after an edit, so they are merged only when reported.
#[derive(Debug, Clone, Default)]
pub(crate) struct Collected {
    /// Everything not tied to one posting's share: site.toml, loading, intros, content and
    /// static files, photo processing, the 公开目录, the published manifest, pages, output.
    pub other: Vec<Diagnostic>,
    /// Each posting's own: privacy, Markdown and links, photos (by posting number).
    pub posting: Vec<Vec<Diagnostic>>,
    /// Each posting's from its extras: attachments, cover and gallery, sign-off.
    pub extras: Vec<Vec<Diagnostic>>,
    pub board: Vec<Diagnostic>,
    /// `#anchor` links into other postings (they depend on two bodies).
    pub anchors: Vec<Diagnostic>,
    pub notice: Vec<Diagnostic>,
    pub finance: Vec<Diagnostic>,
    pub records: crate::record::stage::Judgements,
}

impl Collected {
    /// All of them, sorted by file and position, as a build reports them.
    pub fn all(&self) -> Diagnostics {
        Diagnostics::sorted(
            self.other
                .iter()
                .chain(self.posting.iter().flatten())
                .chain(self.extras.iter().flatten())
                .chain(&self.board)
                .chain(&self.anchors)
                .chain(&self.notice)
                .chain(&self.finance)
                .chain(self.records.per_posting.iter().flatten())
                .chain(&self.records.moved)
                .cloned(),
        )
    }
}

/// Stage `load`: site.toml, the theme and the content folder into a [`Site`]. `failed` when a
/// file did not load or site.toml has an error: the site then holds what of it was right (a
/// wrong setting at its default), every check up to the pages still runs on the rest (one run
/// shows every problem), and the build stops before rendering.
pub(crate) struct Loaded {
    pub site: Site,
    pub theme: Theme,
    pub failed: bool,
}

pub(crate) fn load(
    opts: &BuildOptions,
    memo: Option<&Cache>,
    col: &mut Collected,
) -> Result<Loaded, Diagnostics> {
    let (config, config_diags) = config::read(&opts.root);
    let config_failed = config_diags.iter().any(Diagnostic::is_error);
    let Some(mut config) = config else {
        return Err(Diagnostics::sorted(config_diags));
    };
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
    .map_err(Diagnostics::sorted)?;
    let failed = config_failed || load_diags.iter().any(Diagnostic::is_error);
    col.other.extend(config_diags);
    col.other.extend(load_diags);
    Ok(Loaded { site, theme, failed })
}

/// The 公开目录 in force and its 即将到期 window.
pub(crate) type CatalogueDef = Arc<(crate::catalogue::Catalogue, u32)>;

/// Stage `check`: personal data is checked (and masked where allowed) before anything is
/// rendered; drafts, future postings and files a bundle holds but its posting does not name
/// publish nothing, so every later stage sees only what may go online; the 公开目录's kinds
/// that need a sign-off are added to site.toml's.
pub(crate) fn check(
    opts: &BuildOptions,
    site: Site,
    memo: Option<&Cache>,
    col: &mut Collected,
) -> (Site, CatalogueDef) {
    let (mut site, posting_diags, privacy_diags) =
        crate::privacy::stage::run_split(site, memo.map(|c| &c.privacy));
    col.posting = posting_diags;
    col.other.extend(privacy_diags);
    col.other.extend(crate::pipeline::bundle_files::select(&mut site));
    let catalogue_def = Arc::new(crate::catalogue::load(&opts.root, &mut col.other));
    for item in catalogue_def.0.items.iter().filter(|i| i.signoff) {
        for k in &item.kinds {
            if !site.config.signoff.kinds.contains(k) {
                site.config.signoff.kinds.push(k.clone());
            }
        }
    }
    (site, catalogue_def)
}

/// Stage `statics`: the files published as they are (theme, the site's `static/`, content
/// files), the site's own scanned like content, and the index links are resolved against.
pub(crate) fn statics(
    site: &Site,
    theme: &Theme,
    col: &mut Collected,
) -> (Vec<(String, Contents)>, LinkIndex) {
    let statics = static_outputs(site, theme, &mut col.other);
    // Templates are read on demand; a link among them leading out of the site is refused (see
    // `Theme::template`) and reported here, once, naming the link.
    for dir in ["templates", "themes"].map(|d| site.root.join(d)) {
        for e in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
            if e.path_is_symlink() {
                let shown = display_path(&site.root, e.path());
                if let Err(err) = crate::sitepath::check_link(&site.root, e.path(), &shown) {
                    col.other.push(Diagnostic::error(shown, err));
                }
            }
        }
    }
    let site_static = site.root.join("static");
    let allow = crate::privacy::stage::allow_list(site);
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
    col.other.extend(static_diags);
    let index = link_index(site, &statics);
    (statics, index)
}

/// What the Markdown stage made: every posting's body, the section and home introductions.
pub(crate) struct Bodies {
    pub bodies: Vec<Rendered>,
    pub section_intros: Vec<Option<String>>,
    pub home_intro: Option<String>,
    pub md_options: comrak::Options<'static>,
    /// The link index's key: a cached body is valid only against the same index.
    pub index_key: Option<Key>,
}

/// Stage `markdown`: each posting's body (in parallel) and the introductions, links rewritten.
pub(crate) fn markdown(
    opts: &BuildOptions,
    site: &Site,
    index: &LinkIndex,
    memo: Option<&Cache>,
    col: &mut Collected,
) -> Bodies {
    let mut bodies = intros(site, index, memo, col);
    bodies.bodies = (0..site.postings.len())
        .into_par_iter()
        .map(|i| {
            render_body(site, i, index, &bodies.md_options, opts.drafts, memo, bodies.index_key)
        })
        .collect();
    bodies
}

/// The section and home introductions, with the Markdown options; no posting's body yet.
fn intros(site: &Site, index: &LinkIndex, memo: Option<&Cache>, col: &mut Collected) -> Bodies {
    let md_options = markdown::options(site.config.unsafe_html);
    // A body depends on its text, where it is, and (through its links) on the whole index.
    let index_key = memo.map(|_| KeyHasher::new().with(index).key());
    let section_intros: Vec<Option<String>> = site
        .sections
        .iter()
        .map(|s| {
            let (src, split) = s.intro.as_ref()?;
            let dir = content_rel_dir(&site.root, &site.root.join(src.path.rsplit_once('/')?.0));
            let page = format!("{}index.html", s.url_dir);
            render_intro(src, split, &dir, &page, index, &md_options, &mut col.other)
        })
        .collect();
    let home_intro = site.home.as_ref().and_then(|h| {
        render_intro(&h.src, &h.split, "", "index.html", index, &md_options, &mut col.other)
    });
    Bodies { bodies: Vec::new(), section_intros, home_intro, md_options, index_key }
}

/// Posting pages the [`markdown_and_pages`] pass made: their files, and which postings they are.
pub(crate) struct Early {
    pub files: Vec<OutputFile>,
    pub done: Vec<bool>,
    /// The search postings of every published posting, made in the same pass.
    pub search: Option<crate::search::Postings>,
    /// The files of published postings whose search snippet is cut from the Markdown (a body
    /// with no plain text), by posting: the pass lets go of every other posting's.
    pub kept: Vec<(usize, String)>,
}

impl Early {
    /// No page made early (the preview, which keeps every body).
    pub fn none(postings: usize) -> Early {
        Early { files: Vec::new(), done: vec![false; postings], search: None, kept: Vec::new() }
    }
}

/// Stage `markdown` of a publishing build, fused with the posting pages: in one parallel pass
/// each body is rendered and, unless something later still changes or shows it (a photo in it,
/// a cover or gallery, a board), its page made and written at once and its HTML let go. The
/// bodies' HTML was most of a build's memory when it was all held until the pages. The pass
/// also adds each published posting's search terms (`Early::search`), visiting postings in
/// search-id order so that each worker's run of ids joins the next in order.
/// `extras` are the postings' extras before the photos (all a page without photos needs).
pub(crate) fn markdown_and_pages(
    input: &PageInput<'_>,
    sources: Vec<crate::diagnostic::SourceText>,
    index: &LinkIndex,
    sink: &output::Sink,
    col: &mut Collected,
) -> (Bodies, Early) {
    let PageInput { opts, theme, site, extras, catalogue } = *input;
    let mut bodies = intros(site, index, None, col);
    let shown = crate::board::shown(site, extras);
    let later =
        |i: usize| crate::images::stage::in_front_matter(&site.postings[i]) || shown.contains(&i);
    let renderer = Renderer::new(theme.clone());
    // The pages need of the listings only each section's postings (the counts on every page).
    let listings = Listings::from_summaries(site, vec![None; site.postings.len()]);
    let render_input = RenderInput {
        site,
        bodies: &[],
        extras,
        section_intros: &bodies.section_intros,
        home_intro: bodies.home_intro.as_deref(),
        preview: opts.preview,
        catalogue: Some(catalogue),
    };
    let pages = render::PostingPages::new(&renderer, &render_input, &listings);
    type Page = Result<OutputFile, Box<Diagnostic>>;
    type Made = Vec<(usize, Rendered, Option<Page>, Option<String>)>;
    // Published postings in search-id order, then the others: each worker's run of ids feeds
    // its own search postings, joined in order (see `search::Postings`). Each task owns its
    // posting's file and lets it go when done, so the bodies are not all held at once.
    let ids = crate::discovery::search_order(site);
    let published = ids.len();
    let mut rank: Vec<usize> = (0..site.postings.len()).map(|i| published + i).collect();
    for (k, &i) in ids.iter().enumerate() {
        rank[i] = k;
    }
    let mut visit: Vec<(usize, crate::diagnostic::SourceText)> =
        sources.into_iter().enumerate().collect();
    visit.sort_unstable_by_key(|(i, _)| rank[*i]);
    let (mut made, postings) = visit
        .into_par_iter()
        .enumerate()
        .fold(
            || (Made::new(), crate::search::Postings::default()),
            |(mut made, mut postings), (k, (i, src))| {
                let p = &site.postings[i];
                let mut body = render_body_of(
                    site,
                    i,
                    &src,
                    index,
                    &bodies.md_options,
                    opts.drafts,
                    None,
                    None,
                );
                let markdown = &src.text[p.split.body_start.min(src.text.len())..];
                if k < published {
                    crate::discovery::add_search_terms(
                        site,
                        i,
                        markdown,
                        &extras[i],
                        k as u32,
                        &mut postings,
                    );
                }
                let page_now =
                    p.published && !later(i) && !crate::images::stage::has_photos(&body.html);
                let page = page_now.then(|| pages.render(i, &body, sink));
                if page_now {
                    body.html = Arc::default();
                }
                let kept = (k < published && body.text.is_empty()).then_some(src.text);
                made.push((i, body, page, kept));
                (made, postings)
            },
        )
        .reduce(
            || (Made::new(), crate::search::Postings::default()),
            |(mut a, early), (b, later)| {
                a.extend(b);
                (a, early.append(later))
            },
        );
    // Every posting was visited once: in posting order again.
    made.sort_unstable_by_key(|m| m.0);
    let mut early = Early::none(made.len());
    let mut page_diags = Vec::new();
    bodies.bodies = Vec::with_capacity(made.len());
    for (i, body, page, text) in made {
        early.kept.extend(text.map(|t| (i, t)));
        bodies.bodies.push(body);
        match page {
            Some(Ok(f)) => {
                early.files.push(f);
                early.done[i] = true;
            }
            Some(Err(d)) => {
                early.done[i] = true;
                render::push_once(&mut page_diags, *d);
            }
            None => {}
        }
    }
    early.search = Some(postings);
    col.other.extend(page_diags);
    (bodies, early)
}

/// The postings' files for the Markdown pass, which lets go of each once done: only the front
/// matter stays in `site` (later stages quote it, and the photos stage reads its spans).
pub(crate) fn take_sources(site: &mut Site) -> Vec<crate::diagnostic::SourceText> {
    site.postings
        .iter_mut()
        .map(|p| {
            let text = std::mem::take(&mut p.src.text);
            p.src.text = text[..p.split.body_start.min(text.len())].to_string();
            crate::diagnostic::SourceText { text, ..p.src.clone() }
        })
        .collect()
}

/// Stage `links`: each published body's link problems become its posting's, and `#anchor`
/// links into other postings are checked against their headings.
pub(crate) fn links(site: &Site, bodies: &[Rendered], col: &mut Collected) {
    for (i, b) in bodies.iter().enumerate() {
        if site.postings[i].published {
            col.posting[i].extend(b.diagnostics.iter().cloned());
        }
    }
    col.anchors = all_anchor_diagnostics(site, bodies);
}

/// Stage `photos`: photos processed (or taken from the cache) and put into the bodies.
pub(crate) fn photos(
    opts: &BuildOptions,
    site: &Site,
    bodies: &mut [Rendered],
    col: &mut Collected,
) -> Result<crate::images::stage::Photos, Diagnostics> {
    let cache = crate::images::ImageCache::new(opts.cache_dir.join("images")).map_err(|e| {
        Diagnostics::sorted(vec![Diagnostic::error(
            display_path(&opts.root, &opts.cache_dir),
            crate::images::ImageError::CacheUnwritable { reason: e.to_string() },
        )])
    })?;
    let (photos, photo_diags) =
        crate::images::stage::run(site, bodies, &cache, opts.progress.as_deref());
    col.other.extend(photo_diags);
    for (i, b) in bodies.iter_mut().enumerate() {
        fill_photos(site, i, b, &photos);
    }
    Ok(photos)
}

/// What the record stage judged: the 公开目录 as of the build date, and each posting's public
/// record against what is already published.
pub(crate) struct Judged {
    pub catalogue: Arc<crate::catalogue::Report>,
    pub previous: Option<crate::manifest::Manifest>,
    pub previous_stamp: Option<Stamp>,
    pub records: crate::record::stage::Records,
}

/// Stage `records`: the 公开目录's status, and each posting's fingerprint and change note
/// against the published manifest.
pub(crate) fn records(
    opts: &BuildOptions,
    site: &Site,
    finances: &[Option<crate::ledger::Finance>],
    calendar: &WorkCalendar,
    catalogue_def: &CatalogueDef,
    memo: Option<&Cache>,
    col: &mut Collected,
) -> Judged {
    let (catalogue, catalogue_diags) =
        crate::catalogue::status(site, &catalogue_def.0, catalogue_def.1, calendar);
    col.other.extend(catalogue_diags);
    let previous_path = opts.previous_manifest();
    let previous_stamp = Stamp::of(&previous_path);
    let previous = match crate::manifest::Manifest::try_read(&previous_path) {
        Ok(m) => m,
        Err(e) => {
            let folder = previous_path.parent().unwrap_or(&opts.out);
            col.other.push(Diagnostic::warning(display_path(&opts.root, folder), e));
            None
        }
    };
    let (records, record_diags) = crate::record::stage::run_cached(
        site,
        finances,
        previous.as_ref(),
        memo.map(|c| &c.fingerprints),
        opts.enforce_change_notes,
    );
    col.records = record_diags;
    Judged { catalogue: Arc::new(catalogue), previous, previous_stamp, records }
}

/// Stage `extras`: what each posting's page shows beyond its text (in parallel; charts make it
/// worth it), with the open-data files of its ledger.
pub(crate) fn extras(
    site: &Site,
    notices: &crate::notice::stage::Notices,
    records: &crate::record::stage::Records,
    finances: &[Option<crate::ledger::Finance>],
    photos: &crate::images::stage::Photos,
    memo: Option<&Cache>,
    col: &mut Collected,
) -> (Vec<PostingExtras>, Vec<OutputFile>) {
    let per_posting: Vec<(PostingExtras, Vec<Diagnostic>, Vec<OutputFile>)> = (0..site
        .postings
        .len())
        .into_par_iter()
        .map(|i| extras_of(site, i, notices, records, finances, photos, memo.map(|c| &c.sheets)))
        .collect();
    let mut extras = Vec::with_capacity(per_posting.len());
    col.extras = Vec::with_capacity(per_posting.len());
    let mut data_files = Vec::new();
    for (e, ds, files) in per_posting {
        extras.push(e);
        col.extras.push(ds);
        data_files.extend(files);
    }
    (extras, data_files)
}

/// Stage `extras` after the photos for a build whose extras were made before them
/// ([`markdown_and_pages`]): the postings with a cover or gallery get theirs again, with the
/// photos. Their open-data files were made the first time.
pub(crate) fn extras_with_photos(
    site: &Site,
    extras: &mut [PostingExtras],
    notices: &crate::notice::stage::Notices,
    records: &crate::record::stage::Records,
    finances: &[Option<crate::ledger::Finance>],
    photos: &crate::images::stage::Photos,
    col: &mut Collected,
) {
    for (i, p) in site.postings.iter().enumerate() {
        if crate::images::stage::in_front_matter(p) {
            let (e, ds, _) = extras_of(site, i, notices, records, finances, photos, None);
            extras[i] = e;
            col.extras[i] = ds;
        }
    }
}

/// Everything the pages are rendered from but the bodies.
pub(crate) struct PageInput<'a> {
    pub opts: &'a BuildOptions,
    pub theme: &'a Theme,
    pub site: &'a Site,
    pub extras: &'a [PostingExtras],
    pub catalogue: &'a Arc<crate::catalogue::Report>,
}

/// Stage `pages`: every posting, listing, board and 公开目录 page, handed to `sink` as it is
/// made. Returns the files written and what the listings hold.
pub(crate) fn pages(
    input: &PageInput<'_>,
    bodies: &Bodies,
    early: Early,
    memo: Option<&Cache>,
    sink: &output::Sink,
    col: &mut Collected,
) -> (Vec<OutputFile>, Listings) {
    let PageInput { opts, theme, site, extras, catalogue } = *input;
    let mut renderer = Renderer::new(theme.clone());
    if let Some(c) = memo {
        renderer = renderer.with_page_memo(c.pages.clone());
    }
    let listings = render::Listings::new(site, &bodies.bodies, extras);
    let input = RenderInput {
        site,
        bodies: &bodies.bodies,
        extras,
        section_intros: &bodies.section_intros,
        home_intro: bodies.home_intro.as_deref(),
        preview: opts.preview,
        catalogue: Some(catalogue),
    };
    let mut jobs = listings.jobs(site);
    jobs.retain(|job| !matches!(job, render::Job::Posting(i) if early.done[*i]));
    let (mut files, render_diags) = render::render_jobs(&renderer, &input, &listings, &jobs, sink);
    files.extend(early.files);
    for d in render_diags {
        render::push_once(&mut col.other, d);
    }
    let (mut board_files, mut board_diags) =
        crate::board::render(&renderer, site, &bodies.bodies, extras, &listings);
    if !catalogue.items.is_empty() {
        let site_ctx = crate::render::site_context(site, &listings);
        match crate::render::catalogue::render(&renderer, site, site_ctx, catalogue) {
            Ok(f) => board_files.push(f),
            Err(d) => board_diags.push(*d),
        }
    }
    col.board = board_diags;
    match sink.emit_all(board_files) {
        Ok(written) => files.extend(written),
        Err(e) => col.other.push(Diagnostic::error(display_path(&opts.root, &opts.out), e)),
    }
    (files, listings)
}

/// Stage `feeds`: the sitemap, and each published posting's feed entry with the Atom feeds
/// (the preview makes those after the reload, with the search index: `with_feeds` false).
pub(crate) fn feeds(
    site: &Site,
    bodies: &[Rendered],
    pages: &[OutputFile],
    with_feeds: bool,
) -> (Vec<OutputFile>, Vec<Option<crate::feed::FeedEntry>>) {
    let mut more = crate::discovery::sitemap(site, pages);
    let feed_entries: Vec<Option<crate::feed::FeedEntry>> = (0..site.postings.len())
        .map(|i| crate::discovery::feed_entry(site, i, &bodies[i]))
        .collect();
    if with_feeds {
        more.extend(crate::discovery::feeds_of(site, &feed_entries));
    }
    (more, feed_entries)
}

/// The preview's search documents, in archive order: it finishes the index after the reload,
/// and keeps the documents with its model.
pub(crate) type PreviewDocs = Vec<Arc<crate::search::SearchDoc<'static>>>;

/// Stage `search`: the search index files, or (`defer`) the documents the preview indexes later.
/// `postings` are the terms the Markdown pass found (a publishing build), else they are read
/// from the documents here.
pub(crate) fn search(
    site: &mut Site,
    bodies: &mut [Rendered],
    extras: &[PostingExtras],
    listings: &Listings,
    postings: Option<crate::search::Postings>,
    memo: Option<&Cache>,
    defer: bool,
) -> (Vec<OutputFile>, Option<PreviewDocs>) {
    if defer {
        let docs = listings
            .archive
            .iter()
            .map(|&i| {
                Arc::new(
                    crate::discovery::search_doc(site, i, bodies[i].text.clone(), &extras[i])
                        .into_owned(),
                )
            })
            .collect();
        (Vec::new(), Some(docs))
    } else if let Some(postings) = postings {
        // Each posting's Markdown is let go here: its terms are in `postings` already.
        (crate::discovery::search_files_from(site, bodies, extras, postings), None)
    } else {
        let docs = crate::discovery::search_docs(site, bodies, extras);
        (search_files_cached(docs.iter().collect(), memo), None)
    }
}

/// The search index files (reused from `memo` when no document changed).
pub(crate) fn search_files_cached(
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

/// Stage `other files`: the static and content files (photos go out as their processed
/// variants), open data, withdrawal and redirect pages, photo variants.
pub(crate) fn other_files(
    site: &Site,
    statics: Vec<(String, Contents)>,
    data_files: Vec<OutputFile>,
    records: &crate::record::stage::Records,
    photos: &crate::images::stage::Photos,
) -> Vec<OutputFile> {
    let photo_sources = crate::images::stage::photo_sources(site);
    let mut more: Vec<OutputFile> = statics
        .into_iter()
        .filter(|(path, _)| !photo_sources.contains(path))
        .map(|(path, contents)| OutputFile { path, contents })
        .collect();
    more.extend(data_files);
    more.extend(crate::record::moved::pages(site, &records.moved));
    more.extend(photos.files.iter().cloned());
    more
}

/// Stage `manifest`: `manifest.json`, the SHA-256 of every other output file and the records.
pub(crate) fn manifest(
    files: &[OutputFile],
    records: &crate::record::stage::Records,
    memo: Option<&Cache>,
) -> OutputFile {
    match memo {
        None => crate::record::stage::manifest_file(files, records),
        Some(c) => crate::record::stage::manifest_file_with(files, records, &|b: &[u8]| {
            c.sha256.get_or(crate::pipeline::cache::bytes_key(b), || crate::manifest::sha256_hex(b))
        }),
    }
}

/// What a township portal shows of the site: from the stages' results, nothing recomputed.
pub(crate) fn overview_of(
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
    (!r.html.trim().is_empty()).then(|| r.html.to_string())
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
    let src = &site.postings[i].src;
    render_body_of(site, i, src, index, md_options, drafts, memo, index_key)
}

/// [`render_body`] of posting `i` whose file is `src` (taken out of `site` by the Markdown pass).
#[allow(clippy::too_many_arguments)]
pub(crate) fn render_body_of(
    site: &Site,
    i: usize,
    src: &crate::diagnostic::SourceText,
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
        let mut body = markdown::render(&markdown::Context {
            src,
            body_start: p.split.body_start,
            body_line: p.split.body_line,
            content_dir: &content_dir,
            page: &page,
            this: Some(i),
            published,
            index,
            options: md_options,
        });
        // Found here, where the whole file is at hand: a publishing build lets go of it after.
        body.diagnostics.extend(crate::images::stage::missing_alt(p, &src.text, &body));
        for table in std::mem::take(&mut body.tables) {
            body.diagnostics.extend(crate::ledger::body_tables::check(src, &table.rows));
        }
        body
    };
    match memo {
        None => render(),
        Some(c) => {
            let key = KeyHasher::new()
                .with(&index_key)
                .with(&src.path)
                .with(&src.text)
                .with(&(p.split.body_start, p.split.body_line, i, published, p.published))
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
        b.html = html.into();
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
            .with_known_line(
                c.line_text.as_deref(),
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
