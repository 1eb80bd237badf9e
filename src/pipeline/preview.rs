//! The preview's fast path: after a clerk saves postings that were already on the site, redo
//! only their share of the build against the [`Model`] the last good preview build left
//! behind, instead of running the whole pipeline over every posting.
//!
//! What one posting's edit can reach, and how each part is redone:
//! - its text: re-read, privacy-checked, its Markdown rendered and its photos filled in;
//! - 公示: when an edited posting has (or had) a notice, the notices stage runs over the whole
//!   site, since series link postings, and every posting whose notice view changed counts as
//!   edited too; the same for the finance stage, whenever an edited posting has (or had) a
//!   ledger, since series chain them;
//! - the public record (fingerprint, change note) of each edited posting;
//! - pages: the posting's own, and a listing page (section pages, tags, archive, home) only
//!   when what it shows of a posting or its order changed; boards, feeds and the sitemap only
//!   when something they show changed.
//!
//! Anything else (a new, deleted or renamed file, a changed address or draft status, a
//! template, `site.toml`, a ledger or photo file, a new build date) goes through the whole
//! pipeline: [`apply`] returns `None` and the caller builds with the cache as before. The
//! result is the same set of files a fresh build makes; the tests compare them byte for byte.

use super::stages::{self, all_anchor_diagnostics, extras_of, fill_photos, render_body};
use super::{BuildOptions, Generated, Pending};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::{LinkIndex, Rendered};
use crate::output;
use crate::output::OutputFile;
use crate::pipeline::cache::{Cache, Key, Stamp};
use crate::render::{self, Job, Listings, PostingExtras, RenderInput, Renderer};
use crate::site::{Posting, Site};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// What the last successful preview build made, kept for the next save.
pub struct Model {
    /// The 公开目录 of the full build (an edit does not recompute it).
    pub(crate) catalogue: Option<Arc<crate::catalogue::Report>>,
    /// The catalogue in force and its 即将到期 window, to recompute the report after an edit.
    pub(crate) catalogue_def: Arc<(crate::catalogue::Catalogue, u32)>,
    pub(crate) opts: BuildOptions,
    pub(crate) global: Key,
    pub(crate) site: Arc<Site>,
    pub(crate) renderer: Renderer,
    pub(crate) md_options: comrak::Options<'static>,
    pub(crate) index: LinkIndex,
    pub(crate) index_key: Key,
    /// Rendered bodies with their photos filled in.
    pub(crate) bodies: Vec<Rendered>,
    pub(crate) section_intros: Vec<Option<String>>,
    pub(crate) home_intro: Option<String>,
    pub(crate) photos: crate::images::stage::Photos,
    pub(crate) notices: crate::notice::stage::Notices,
    pub(crate) finances: Vec<Option<crate::ledger::Finance>>,
    /// The published manifest the records were judged against, and its file's stamp.
    pub(crate) previous: Option<crate::manifest::Manifest>,
    pub(crate) previous_stamp: Option<Stamp>,
    pub(crate) records: Arc<crate::record::stage::Records>,
    pub(crate) extras: Vec<PostingExtras>,
    pub(crate) listings: Listings,
    pub(crate) feed_entries: Arc<Vec<Option<crate::feed::FeedEntry>>>,
    /// Pages made by the render stage (posting, listing and board pages).
    pub(crate) page_paths: BTreeSet<String>,
    /// Search documents in archive order.
    pub(crate) docs: Vec<Arc<crate::search::SearchDoc<'static>>>,
    /// Every diagnostic of the last good build, by where it came from.
    pub(crate) diags: stages::Collected,
    pub(crate) pages: usize,
    /// Saved postings whose new text failed to load: redone with the next save.
    pub(crate) unapplied: BTreeSet<PathBuf>,
}

/// Redoes the share of the build that the saved files `changed` reach, or returns `None` when
/// the edit needs the whole pipeline (see the module docs). The model is left as it was when
/// the update fails, except that a failure after rendering drops it.
pub fn apply(
    cache: &Cache,
    opts: &BuildOptions,
    changed: &[PathBuf],
) -> Option<Result<Generated, Diagnostics>> {
    let mut slot = cache.model();
    let model = slot.as_mut()?;
    let outcome = update(model, opts, changed, cache);
    if let Some(Err(Failure::Broken(_))) = &outcome {
        *slot = None;
    }
    outcome.map(|r| r.map_err(Failure::into_diagnostics))
}

enum Failure {
    /// The edit has errors; the model still describes the last good build.
    Rejected(Diagnostics),
    /// Rendering failed after the model was changed: it can no longer be trusted.
    Broken(Diagnostics),
}

impl Failure {
    fn into_diagnostics(self) -> Diagnostics {
        match self {
            Failure::Rejected(d) | Failure::Broken(d) => d,
        }
    }
}

fn same_options(a: &BuildOptions, b: &BuildOptions) -> bool {
    a.root == b.root
        && a.out == b.out
        && a.drafts == b.drafts
        && a.today == b.today
        && a.preview == b.preview
        && a.cache_dir == b.cache_dir
        && a.enforce_change_notes == b.enforce_change_notes
}

fn update(
    model: &mut Model,
    opts: &BuildOptions,
    changed: &[PathBuf],
    cache: &Cache,
) -> Option<Result<Generated, Failure>> {
    if !same_options(&model.opts, opts) {
        return None;
    }
    let mut timings = super::Timings::new();
    let paths: BTreeSet<PathBuf> =
        changed.iter().cloned().chain(model.unapplied.iter().cloned()).collect();
    if paths.is_empty() {
        return None;
    }
    // Only existing postings, still where they were. A path that is gone and was never a
    // source under content/ is an editor's temporary file (written, then renamed over the
    // posting): nothing to do for it.
    let mut edited = Vec::new();
    let content = opts.root.join("content");
    for path in &paths {
        if !path.exists() && path.starts_with(&content) && !was_source(&model.site, path) {
            continue;
        }
        if !path.is_file() {
            return None;
        }
        let i = model.site.postings.iter().position(|p| p.abs_path == *path)?;
        edited.push(i);
    }
    if edited.is_empty() {
        return None;
    }
    if crate::pipeline::cache::global_fingerprint(opts) != model.global
        || Stamp::of(&opts.previous_manifest()) != model.previous_stamp
    {
        return None;
    }

    // Read and check the saved postings before touching the model.
    let load_opts =
        crate::load::LoadOptions { today: opts.today, include_unpublished: opts.drafts };
    let allow = crate::privacy::stage::allow_list(&model.site);
    let mut fresh: Vec<(usize, Posting, Vec<Diagnostic>)> = Vec::new();
    let mut load_errors = Vec::new();
    for &i in &edited {
        match crate::load::reload_posting(&model.site, i, load_opts) {
            Ok(mut p) => {
                let old = &model.site.postings[i];
                // A new address, draft status or set of published originals changes other pages
                // and files than this fast path redoes.
                if p.slug != old.slug
                    || p.published != old.published
                    || p.front.publish_originals != old.front.publish_originals
                    || !crate::pipeline::bundle_files::same_names(old, &p)
                {
                    return None;
                }
                let (replacement, ds) = crate::privacy::stage::check_posting(
                    &model.site,
                    &allow,
                    &p,
                    Some(&cache.privacy),
                );
                if let Some((front, src, split)) = replacement {
                    p.front = front;
                    p.src = src;
                    p.split = split;
                }
                fresh.push((i, p, ds));
            }
            Err(ds) => load_errors.extend(ds),
        }
    }
    if !load_errors.is_empty() {
        model.unapplied = paths;
        return Some(Err(Failure::Rejected(Diagnostics::sorted(load_errors))));
    }
    let had_finance = edited.iter().any(|&i| model.finances[i].is_some());

    // Swap the new postings and bodies in; swapped back if the edit has errors.
    let site = Arc::make_mut(&mut model.site);
    let mut old_postings = Vec::new();
    let mut old_bodies = Vec::new();
    let mut own_diags: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
    for (i, p, privacy_diags) in fresh {
        old_postings.push((i, std::mem::replace(&mut site.postings[i], p)));
        let mut body = render_body(
            site,
            i,
            &model.index,
            &model.md_options,
            opts.drafts,
            Some(cache),
            Some(model.index_key),
        );
        fill_photos(site, i, &mut body, &model.photos);
        let mut ds = privacy_diags;
        if site.postings[i].published {
            ds.extend(body.diagnostics.iter().cloned());
        }
        own_diags.insert(i, ds);
        old_bodies.push((i, std::mem::replace(&mut model.bodies[i], body)));
    }
    let site: &Site = site;
    let anchor_diags = all_anchor_diagnostics(site, &model.bodies);

    timings.mark("edit: read");
    // Whole-site stages that are cheap, compared posting by posting to find what they changed.
    let calendar = crate::calendar::WorkCalendar::with_config(&site.config.calendar);
    let mut dirty: BTreeSet<usize> = edited.iter().copied().collect();
    // Only a posting with a 公示 before or after the edit is in what the notice stage works on
    // (a series' timeline shows its members only); any other edit can move only the day a
    // future-dated posting appears. Skipping the stage saves ~8 ms at 10,000 postings.
    let notice_touched = old_postings
        .iter()
        .any(|(i, old)| old.front.notice.is_some() || site.postings[*i].front.notice.is_some());
    let fresh_notices = notice_touched.then(|| crate::notice::stage::run(site, &calendar));
    let notices = fresh_notices.as_ref().map_or(&model.notices, |(n, _)| n);
    let next_change = match &fresh_notices {
        Some((n, _)) => n.next_change,
        None => crate::notice::stage::next_change(site, &model.notices.notices),
    };
    if fresh_notices.is_some() {
        dirty.extend(
            (0..site.postings.len()).filter(|&j| notices.views[j] != model.notices.views[j]),
        );
    }
    let finance = (had_finance
        || edited.iter().any(|&i| !crate::ledger::stage::input_of(&site.postings[i]).is_empty()))
    .then(|| crate::ledger::stage::run(site));
    let finances = finance.as_ref().map_or(&model.finances, |(f, _)| f);
    if finance.is_some() {
        dirty.extend((0..site.postings.len()).filter(|&j| finances[j] != model.finances[j]));
    }

    // The public record of each edited posting.
    let empty = crate::manifest::Manifest::new();
    let previous = model.previous.as_ref().unwrap_or(&empty);
    let mut records_patch = Vec::new();
    let mut record_diags: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
    for &i in &edited {
        let fp = crate::record::stage::fingerprint_of(
            &site.postings[i],
            finances[i].as_ref(),
            Some(&cache.fingerprints),
        );
        if let Some(fp) = fp {
            let (verdict, view, ds) =
                crate::record::stage::judge(site, i, &fp, previous, opts.enforce_change_notes);
            record_diags.insert(i, ds);
            records_patch.push((i, verdict, view));
        }
    }
    // Patched in place: the last build's tail has let go of them by now, so nothing is copied
    // (a copy of 10,000 records took ~4 ms); `undo` puts them back if the edit is rejected.
    let mut undo: Vec<RecordUndo> = Vec::new();
    {
        let r = Arc::make_mut(&mut model.records);
        for (i, verdict, view) in records_patch {
            let p = &site.postings[i];
            let at = r.verdicts.iter().position(|v| v.source() == p.source.as_str());
            // A date edit can bring a future posting onto the record or take one off it.
            match (at, crate::record::stage::is_on_record(site, p)) {
                (Some(k), true) => undo
                    .push(RecordUndo::Replaced(k, std::mem::replace(&mut r.verdicts[k], verdict))),
                (Some(k), false) => undo.push(RecordUndo::Removed(k, r.verdicts.remove(k))),
                (None, true) => {
                    r.verdicts.push(verdict);
                    undo.push(RecordUndo::Pushed);
                }
                (None, false) => {}
            }
            undo.push(RecordUndo::View(i, r.views[i].replace(view)));
        }
    }
    let records = &*model.records;

    timings.mark("edit: stages");
    // Extras and open-data files of every posting the edit reached.
    let mut new_extras: BTreeMap<usize, (PostingExtras, Vec<Diagnostic>, Vec<OutputFile>)> =
        BTreeMap::new();
    for &j in &dirty {
        let e = extras_of(site, j, notices, records, finances, &model.photos, Some(&cache.sheets));
        new_extras.insert(j, e);
    }

    // The last build's diagnostics with the shares this edit redid replaced.
    let mut diags = model.diags.clone();
    for (i, ds) in own_diags {
        diags.posting[i] = ds;
    }
    for (j, (_, ds, _)) in &new_extras {
        diags.extras[*j] = ds.clone();
    }
    diags.anchors = anchor_diags;
    if let Some((_, ds)) = &fresh_notices {
        diags.notice = ds.clone();
    }
    if let Some((_, ds)) = &finance {
        diags.finance = ds.clone();
    }
    for &i in &edited {
        diags.records.per_posting[i] = record_diags.remove(&i).unwrap_or_default();
    }
    let all = diags.all();
    if all.has_errors() {
        let site = Arc::make_mut(&mut model.site);
        for (i, p) in old_postings {
            site.postings[i] = p;
        }
        for (i, b) in old_bodies {
            model.bodies[i] = b;
        }
        let r = Arc::make_mut(&mut model.records);
        for u in undo.into_iter().rev() {
            match u {
                RecordUndo::Replaced(k, v) => r.verdicts[k] = v,
                RecordUndo::Removed(k, v) => r.verdicts.insert(k, v),
                RecordUndo::Pushed => {
                    r.verdicts.pop();
                }
                RecordUndo::View(i, v) => r.views[i] = v,
            }
        }
        model.unapplied = paths;
        return Some(Err(Failure::Rejected(all)));
    }

    // Commit: from here on the model describes the new build.
    model.unapplied.clear();
    match fresh_notices {
        Some((n, _)) => model.notices = n,
        None => model.notices.next_change = next_change,
    }
    if let Some((f, _)) = finance {
        model.finances = f;
    }
    model.diags = diags;
    let mut files: Vec<OutputFile> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    for (j, (e, _, data)) in new_extras {
        let old = &mut model.extras[j];
        let old_data =
            [old.data_csv.take(), old.data_json.take(), old.data_xlsx.take()].into_iter().flatten();
        removed.extend(old_data.filter(|p| !data.iter().any(|f| f.path == *p)));
        files.extend(data);
        model.extras[j] = e;
    }
    let site = Arc::clone(&model.site);
    let site: &Site = &site;

    timings.mark("edit: extras");
    // Listings: summaries of the postings reached; orders only when a sort key or tag changed.
    let mut summaries = std::mem::take(&mut model.listings.summaries);
    let mut summary_changed = BTreeSet::new();
    for &j in &dirty {
        let s = render::summary_for(site, j, &model.bodies[j], &model.extras[j]);
        if s != summaries[j] {
            summary_changed.insert(j);
            summaries[j] = s;
        }
    }
    let retagged =
        old_postings.iter().any(|(i, old)| tag_names(&site.postings[*i]) != tag_names(old));
    let reordered = retagged
        || old_postings.iter().any(|(i, old)| {
            let new = &site.postings[*i];
            new.date() != old.date()
                || new.front.weight != old.front.weight
                || new.title() != old.title()
        });
    // The listings before the edit, and their pages, when their order may have changed.
    let old: Option<(Listings, BTreeSet<Job>)> = reordered.then(|| {
        let old = Listings { summaries: Vec::new(), ..model.listings.clone() };
        let jobs = old.jobs(site).into_iter().collect();
        (old, jobs)
    });
    if retagged {
        model.listings = Listings::from_summaries(site, summaries);
    } else {
        model.listings.summaries = summaries;
        if reordered {
            model.listings.reposition(site, &edited);
        }
    }
    let listings = &model.listings;
    let all_jobs = listings.jobs(site);
    let finance_dirty: BTreeSet<usize> =
        dirty.iter().copied().filter(|&j| model.extras[j].ledger.is_some()).collect();
    let mut jobs: BTreeSet<Job> = BTreeSet::new();
    jobs.insert(Job::Home);
    jobs.extend(dirty.iter().filter(|&&j| site.postings[j].published).map(|&j| Job::Posting(j)));
    // Every archive page links each year with its count and first page.
    let years_moved = old.as_ref().is_some_and(|(o, _)| o.archive_years != listings.archive_years);
    let changes = Changes {
        old: old.as_ref(),
        summary_changed: &summary_changed,
        finance_dirty: &finance_dirty,
        years_moved,
    };
    jobs.extend(
        all_jobs.iter().filter(|job| listing_changed(site, job, listings, &changes)).cloned(),
    );
    let mut pages = model.pages;
    // Whether a page came or went (the sitemap lists them).
    let mut pages_came_or_went = false;
    // The same pages as before (no page came or went, no posting's address changed) need no
    // comparison of 12,000 paths.
    let same_pages = old.as_ref().is_some_and(|(_, old_jobs)| {
        old_jobs.len() == all_jobs.len()
            && all_jobs.iter().all(|j| old_jobs.contains(j))
            && old_postings.iter().all(|(i, o)| o.url() == site.postings[*i].url())
    });
    if let Some((_, old_jobs)) = old.as_ref().filter(|_| !same_pages) {
        let now: BTreeSet<String> = all_jobs.iter().map(|j| j.path(site)).collect();
        for job in old_jobs {
            let path = job.path(site);
            if !now.contains(&path) && model.page_paths.remove(&path) {
                removed.push(path);
                pages -= 1;
                pages_came_or_went = true;
            }
        }
        for path in now {
            if model.page_paths.insert(path) {
                pages += 1;
                pages_came_or_went = true;
            }
        }
    }

    timings.mark("edit: listings");
    // An edit may fulfil an item or change a title the 公开目录 shows.
    let (report, _) =
        crate::catalogue::status(site, &model.catalogue_def.0, model.catalogue_def.1, &calendar);
    // Only when it changed: an edit that touches nothing it shows must not reload the page.
    if !model.catalogue_def.0.items.is_empty() && model.catalogue.as_deref() != Some(&report) {
        let site_ctx = crate::render::site_context(site, &model.listings);
        match crate::render::catalogue::render(&model.renderer, site, site_ctx, &report) {
            Ok(f) => files.push(f),
            Err(d) => return Some(Err(Failure::Broken(Diagnostics::sorted(vec![*d])))),
        }
    }
    model.catalogue = Some(Arc::new(report));
    let input = RenderInput {
        site,
        bodies: &model.bodies,
        extras: &model.extras,
        section_intros: &model.section_intros,
        home_intro: model.home_intro.as_deref(),
        preview: opts.preview,
        catalogue: model.catalogue.as_deref(),
    };
    let jobs: Vec<Job> = jobs.into_iter().collect();
    let (pages_out, render_diags) =
        render::render_jobs(&model.renderer, &input, listings, &jobs, &output::Sink::Memory);
    if !render_diags.is_empty() {
        return Some(Err(Failure::Broken(Diagnostics::sorted(render_diags))));
    }
    files.extend(pages_out);
    if !site.config.boards.is_empty() {
        let (board_files, board_diags) = crate::board::render(
            &model.renderer,
            site,
            &model.bodies,
            &model.extras,
            &model.listings,
        );
        if board_diags.iter().any(Diagnostic::is_error) {
            return Some(Err(Failure::Broken(Diagnostics::sorted(board_diags))));
        }
        for f in &board_files {
            if model.page_paths.insert(f.path.clone()) {
                pages += 1;
            }
        }
        files.extend(board_files);
        model.diags.board = board_diags;
    }
    model.pages = pages;

    timings.mark("edit: render");
    // Feeds and the sitemap, when what they show changed.
    // (The feeds themselves are made after the reload, see `Pending`.)
    for &j in &dirty {
        let e = crate::discovery::feed_entry(site, j, &model.bodies[j]);
        if e != model.feed_entries[j] {
            Arc::make_mut(&mut model.feed_entries)[j] = e;
        }
    }
    let lastmod_changed = old_postings.iter().any(|(i, old)| {
        let new = &site.postings[*i];
        new.date() != old.date() || new.front.updated != old.front.updated
    });
    if lastmod_changed || pages_came_or_went {
        files.extend(crate::discovery::sitemap_of(
            site,
            model.page_paths.iter().map(String::as_str),
        ));
    }

    timings.mark("edit: feeds");
    // Search documents, in archive order.
    {
        let docs = &mut model.docs;
        let doc = |j: usize| {
            Arc::new(
                crate::discovery::search_doc(
                    site,
                    j,
                    model.bodies[j].text.clone(),
                    &model.extras[j],
                )
                .into_owned(),
            )
        };
        match &old {
            Some((old, _)) if old.archive != listings.archive => {
                let mut by_posting: BTreeMap<usize, Arc<crate::search::SearchDoc<'static>>> =
                    old.archive.iter().copied().zip(std::mem::take(docs)).collect();
                *docs = listings
                    .archive
                    .iter()
                    .map(|&j| match by_posting.remove(&j) {
                        Some(d) if !dirty.contains(&j) => d,
                        _ => doc(j),
                    })
                    .collect();
            }
            _ => {
                for (pos, &j) in listings.archive.iter().enumerate() {
                    if dirty.contains(&j) {
                        docs[pos] = doc(j);
                    }
                }
            }
        }
    }

    timings.mark("edit: search");
    timings.report();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    removed.sort();
    removed.dedup();
    Some(Ok(Generated {
        files,
        photo_keys: model.photos.processed.values().map(|p| p.key.clone()).collect(),
        next_change: model.notices.next_change,
        pages: model.pages,
        warnings: all,
        site: Arc::clone(&model.site),
        pending: Some(Pending {
            site: Arc::clone(&model.site),
            feed_entries: Arc::clone(&model.feed_entries),
            docs: model.docs.clone(),
            records: Arc::clone(&model.records),
        }),
        removed: Some(removed),
        catalogue: None,
        overview: None,
    }))
}

/// One change an edit made to the model's records, to be reverted if the edit is rejected.
enum RecordUndo {
    /// The verdict at this position was replaced; this was it.
    Replaced(usize, crate::manifest::ChangeVerdict),
    /// This verdict was removed from this position.
    Removed(usize, crate::manifest::ChangeVerdict),
    /// A verdict was added at the end.
    Pushed,
    /// A posting's record view before the edit.
    View(usize, Option<crate::record::stage::RecordView>),
}

/// What an edit changed that listing pages show.
struct Changes<'a> {
    /// The listings before the edit and their pages, when the order may have changed.
    old: Option<&'a (Listings, BTreeSet<Job>)>,
    /// Postings whose summary changed.
    summary_changed: &'a BTreeSet<usize>,
    /// Postings whose ledger figures may have changed.
    finance_dirty: &'a BTreeSet<usize>,
    /// Whether the archive's year links changed (a posting moved to another year).
    years_moved: bool,
}

/// Whether listing page `job` shows something else than before the edit: postings whose summary
/// changed, a new order or membership, or (on a section's first page) a ledger whose figures
/// may have changed.
fn listing_changed(site: &Site, job: &Job, listings: &Listings, changes: &Changes<'_>) -> bool {
    let Changes { old, summary_changed, finance_dirty, years_moved } = *changes;
    let shows_changed = |ids: &[usize]| ids.iter().any(|j| summary_changed.contains(j));
    match job {
        Job::Section { si, page, .. } => {
            let ids = listings.section_page(site, *si, *page);
            // A page whose postings and paginator are as before needs nothing.
            old.is_some_and(|(o, old_jobs)| {
                !old_jobs.contains(job) || o.section_page(site, *si, *page) != ids
            }) || shows_changed(ids)
                || (*page == 1
                    && listings.by_section[*si].iter().any(|j| finance_dirty.contains(j)))
        }
        Job::TagIndex => old.is_some_and(|(o, _)| {
            let counts = |l: &Listings| {
                l.tags.iter().map(|(t, ids)| (t.clone(), ids.len())).collect::<Vec<_>>()
            };
            counts(o) != counts(listings)
        }),
        Job::Tag { tag, page, .. } => {
            let all = listings.tags.get(tag).map(Vec::as_slice).unwrap_or_default();
            let ids = Listings::list_page(site, all, *page);
            // The count above the list is the tag's whole count.
            old.is_some_and(|(o, old_jobs)| {
                let before = o.tags.get(tag).map(Vec::as_slice).unwrap_or_default();
                !old_jobs.contains(job)
                    || before.len() != all.len()
                    || Listings::list_page(site, before, *page) != ids
            }) || shows_changed(ids)
        }
        Job::Archive { page, .. } => {
            let ids = Listings::list_page(site, &listings.archive, *page);
            years_moved
                || old.is_some_and(|(o, old_jobs)| {
                    !old_jobs.contains(job) || Listings::list_page(site, &o.archive, *page) != ids
                })
                || shows_changed(ids)
        }
        _ => false,
    }
}

/// Whether `path` is (or holds) a file the last build read.
fn was_source(site: &Site, path: &std::path::Path) -> bool {
    site.postings.iter().any(|p| p.abs_path.starts_with(path))
        || site.files.iter().any(|f| f.abs_path.starts_with(path))
        || site.sections.iter().any(|s| site.root.join(&s.source).starts_with(path))
        || site.root.join("content").join("_index.md").starts_with(path)
}

fn tag_names(p: &Posting) -> Vec<&str> {
    p.front.tags.iter().map(|t| t.get_ref().as_str()).collect()
}
