//! Public record: a fingerprint of each posting's source (text and ledger), `manifest.json` with
//! the SHA-256 of every published file, and the rule that a posting already published may only
//! change with an `updated` date and a `[[changes]]` note, whose history the page then shows.

use crate::date::format_zh;
use crate::diagnostic::Diagnostic;
use crate::ledger::Finance;
use crate::manifest::{self, ChangeVerdict, CurrentPosting, Manifest};
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;

/// What a posting page and its printed sheet show.
#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    /// Full SHA-256 fingerprint of the source.
    pub fingerprint: String,
    /// The first 8 characters, printed on the sheet and the page (核验码).
    pub short: String,
    /// Notes of `[[changes]]`, newest first.
    pub changes: Vec<ChangeView>,
    /// Superseded versions, newest first.
    pub history: Vec<HistoryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub date_zh: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub short: String,
    pub fingerprint: String,
    pub published: String,
    pub replaced: String,
    pub note: String,
}

/// The stage's result: per-posting views and the verdicts for the new manifest.
#[derive(Debug, Default, Clone)]
pub struct Records {
    pub views: Vec<Option<RecordView>>,
    pub verdicts: Vec<ChangeVerdict>,
    /// What old addresses show (withdrawn and renamed postings), for the manifest and pages.
    pub moved: std::collections::BTreeMap<String, manifest::Moved>,
}

/// Fingerprints every published posting and compares it with the previous publication;
/// with `memo`, fingerprints of unchanged postings (text and ledger file) come from it.
pub fn run_cached(
    site: &Site,
    finances: &[Option<Finance>],
    previous: Option<&Manifest>,
    memo: Option<&crate::memo::Memo<crate::memo::Key, String>>,
    enforce: bool,
) -> (Records, Judgements) {
    let fingerprints: Vec<Option<String>> = site
        .postings
        .par_iter()
        .enumerate()
        .map(|(i, p)| fingerprint_of(p, finances[i].as_ref(), memo))
        .collect();
    let empty = Manifest::new();
    let previous = previous.unwrap_or(&empty);
    let mut per_posting: Vec<Vec<Diagnostic>> = vec![Vec::new(); site.postings.len()];
    let mut views: Vec<Option<RecordView>> = vec![None; site.postings.len()];
    let mut verdicts = Vec::new();
    for (i, fp) in fingerprints.iter().enumerate() {
        let Some(fp) = fp else { continue };
        let (verdict, view, ds) = judge(site, i, fp, previous, enforce);
        if is_on_record(site, &site.postings[i]) {
            verdicts.push(verdict);
        }
        views[i] = Some(view);
        per_posting[i] = ds;
    }
    let current: std::collections::BTreeSet<&str> = site
        .postings
        .iter()
        .zip(&fingerprints)
        .filter(|(_, fp)| fp.is_some())
        .map(|(p, _)| p.source.as_str())
        .collect();
    for (source, record) in &previous.postings {
        if !current.contains(source.as_str()) {
            verdicts
                .push(ChangeVerdict::Removed { source: source.clone(), record: record.clone() });
        }
    }
    let (moved, moved_diags) = super::moved::run(site, previous, &verdicts, enforce);
    (Records { views, verdicts, moved }, Judgements { per_posting, moved: moved_diags })
}

/// Whether the manifest keeps `p`'s record: a `--drafts` build (and the preview) shows drafts
/// and future postings but does not publish them, and the manifest records what is really public.
pub fn is_on_record(site: &Site, p: &crate::site::Posting) -> bool {
    !p.is_draft() && p.date() <= site.today
}

/// The record stage's diagnostics: each posting's own (its change note, by posting number), kept
/// apart so the preview can replace one posting's after an edit, and those of withdrawn and moved
/// postings.
#[derive(Debug, Clone, Default)]
pub struct Judgements {
    pub per_posting: Vec<Vec<Diagnostic>>,
    pub moved: Vec<Diagnostic>,
}

/// The public-record fingerprint of a published posting: its file and its ledger file.
pub fn fingerprint_of(
    p: &crate::site::Posting,
    finance: Option<&Finance>,
    memo: Option<&crate::memo::Memo<crate::memo::Key, String>>,
) -> Option<String> {
    if !p.published {
        return None;
    }
    let ledger = finance
        .and_then(|f| f.source_file.as_ref())
        .and_then(|file| std::fs::read(p.dir.join(file)).ok())
        .unwrap_or_default();
    let parts = [p.src.text.as_bytes(), &ledger];
    Some(match memo {
        None => manifest::fingerprint(&parts),
        Some(c) => {
            let key = crate::memo::KeyHasher::new().with(&parts).key();
            c.get_or(key, || manifest::fingerprint(&parts))
        }
    })
}

/// Compares posting `i` (fingerprint `fp`) with its previous publication: the verdict for the
/// manifest, what its page shows, and an error when it changed without a note.
pub fn judge(
    site: &Site,
    i: usize,
    fp: &str,
    previous: &Manifest,
    enforce: bool,
) -> (ChangeVerdict, RecordView, Vec<Diagnostic>) {
    let p = &site.postings[i];
    let url = p.url();
    let cur = CurrentPosting {
        source: &p.source,
        url: &url,
        fingerprint: fp,
        date: p.date(),
        updated: p.front.updated.as_ref().map(|u| u.get_ref().0),
        changes: &p.front.changes,
    };
    let mut v = manifest::detect_change(previous, &cur, site.today);
    let mut diags = Vec::new();
    if let Some(err) = v.error() {
        let mut d = match &p.front.updated {
            Some(u) => p.src.error_at(u.span(), err.clone()),
            None => Diagnostic::error(p.source.clone(), err.clone()).with_line_snippet(
                &p.src.text,
                1,
                1,
                3,
            ),
        };
        if !enforce {
            // Shown, not refused (the preview, a build before `publish`): the local output
            // records this version with the published history; `publish` enforces the note.
            d.severity = crate::diagnostic::Severity::Warning;
            let prev = previous.postings.get(&p.source);
            let record = manifest::PostingRecord {
                url: url.clone(),
                fingerprint: fp.to_string(),
                date: crate::date::format_iso(p.date()),
                updated: p.front.updated.as_ref().map(|u| crate::date::format_iso(u.get_ref().0)),
                history: prev.map(|r| r.history.clone()).unwrap_or_default(),
                signoff: Vec::new(),
            };
            v = ChangeVerdict::Changed { source: p.source.clone(), record };
        }
        diags.push(d);
    }
    if let Some(r) = v.record_mut() {
        // The review of the version published now, as the posting records it.
        r.signoff = crate::signoff::views(&p.front.signoff, p.date(), &p.src)
            .into_iter()
            .map(|s| manifest::SignoffRecord {
                body: s.body,
                reviewers: s.reviewers,
                date: s.date,
                opinion: s.opinion,
            })
            .collect();
    }
    let mut changes: Vec<ChangeView> = p
        .front
        .changes
        .iter()
        .map(|c| ChangeView { date_zh: format_zh(c.date.0), note: c.note.clone() })
        .collect();
    changes.reverse();
    let history = v
        .record()
        .map(|r| {
            r.history
                .iter()
                .rev()
                .map(|h| HistoryView {
                    short: manifest::short(&h.fingerprint).to_string(),
                    fingerprint: h.fingerprint.clone(),
                    published: h.updated.clone(),
                    replaced: h.replaced.clone(),
                    note: h.note.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let view = RecordView {
        short: manifest::short(fp).to_string(),
        fingerprint: fp.to_string(),
        changes,
        history,
    };
    (v, view, diags)
}

/// `manifest.json`: every other output file with its SHA-256, and every posting's record.
pub fn manifest_file(files: &[OutputFile], records: &Records) -> OutputFile {
    manifest_file_with(files, records, &manifest::sha256_hex)
}

/// `manifest_file` with the SHA-256 of in-memory files from `sha256` (the preview remembers
/// them).
pub fn manifest_file_with(
    files: &[OutputFile],
    records: &Records,
    sha256: &(dyn Fn(&[u8]) -> String + Sync),
) -> OutputFile {
    let hashes: Vec<(String, String)> = files
        .par_iter()
        .map(|f| {
            let hash = match &f.contents {
                Contents::Bytes(b) => sha256(b),
                Contents::Shared(b) => sha256(b),
                Contents::Copy(p) => {
                    std::fs::read(p).map(|b| manifest::sha256_hex(&b)).unwrap_or_default()
                }
                Contents::Written { sha256 } => sha256.clone(),
            };
            (f.path.clone(), hash)
        })
        .collect();
    manifest_of_hashes(hashes, records)
}

/// The manifest file from (output path, SHA-256) of every other output file.
pub fn manifest_of_hashes(hashes: Vec<(String, String)>, records: &Records) -> OutputFile {
    let mut m = Manifest::new();
    m.files = hashes.into_iter().collect();
    m.add_postings(&records.verdicts);
    m.moved = records.moved.clone();
    OutputFile {
        path: manifest::MANIFEST_PATH.to_string(),
        contents: Contents::Bytes(m.to_json().into_bytes()),
    }
}
