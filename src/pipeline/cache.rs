//! What `gongkai serve` keeps between preview builds so that saving one posting does not redo
//! the work of the other 9,999.
//!
//! The pipeline is the same one `build` runs ([`crate::pipeline::generate_cached`]); at its
//! expensive steps it asks a [`Cache`] first. Every entry is keyed by (a hash of) *all* the
//! inputs of its step, so a stale entry is never found rather than having to be invalidated:
//!
//! - source files: path -> (modification time, length, parsed front matter and text); files the
//!   watcher reported are re-read even when their time and length look unchanged;
//! - privacy scan of a posting: its path and text;
//! - Markdown bodies: the text, where the page is, and a fingerprint of the whole link index
//!   (every posting's path, URL and status, sections, files), so adding, removing or renaming a
//!   posting re-renders every body, and editing a title or a body renders only that body;
//! - printed-sheet QR codes: the URL and the print settings;
//! - pages: the template name and a hash of the complete template context, so a page is
//!   re-rendered exactly when something it shows changed (the posting, its listings, home,
//!   tags, archive, postings whose summaries it shows);
//! - the search index: a hash of all its documents; SHA-256 sums for the manifest: a hash of
//!   the bytes.
//!
//! Anything that applies to the whole site (site.toml, templates and themes, the build date,
//! the options) goes into one global fingerprint; when it changes, everything is dropped, so an
//! edit to a template or site.toml rebuilds everything. Each build keeps only the entries it
//! used, so the cache never outgrows the site. Publishing (`gongkai build`) never uses a cache.
//!
//! The cache also holds the model of the last good preview build; saving postings that were
//! already on the site goes through `build::edit` against it and never runs the whole
//! pipeline (these memos still serve the whole-pipeline builds).

use std::hash::Hash;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

pub use crate::memo::{FileEntry, FileMemo, Key, KeyHasher, Memo, Stamp, bytes_key};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Everything kept between preview builds; see the module docs.
#[derive(Default)]
pub struct Cache {
    global: Mutex<Option<Key>>,
    /// Source path -> stamp and parsed file (`crate::load`).
    pub files: FileMemo,
    pub privacy: Memo<Key, Arc<dyn std::any::Any + Send + Sync>>,
    pub markdown: Memo<Key, Arc<crate::markdown::Rendered>>,
    pub sheets: Memo<Key, crate::sheet::SheetView>,
    /// Shared with the [`crate::render::Renderer`] of each build.
    pub pages: Arc<Memo<Key, Arc<Vec<u8>>>>,
    pub search: Memo<Key, Arc<Vec<crate::output::OutputFile>>>,
    pub sha256: Memo<Key, String>,
    /// Public-record fingerprints of postings (text and ledger file).
    pub fingerprints: Memo<Key, String>,
    /// Counters of the last build, for tests and the benchmark.
    stats: Mutex<Stats>,
    /// What the last good preview build made (the fast path after a save, `build::edit`).
    model: Mutex<Option<crate::pipeline::preview::Model>>,
}

/// How much of the last build was redone rather than taken from the cache.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// The global fingerprint changed (or this was the first build): nothing was reused.
    pub full: bool,
    pub files_read: usize,
    pub markdown_rendered: usize,
    pub pages_rendered: usize,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// Files the watcher saw change: re-read them even if their time and length look the same
    /// (coarse file-system clocks, same-size edits within one tick).
    pub fn invalidate(&self, paths: &[PathBuf]) {
        // A saved file is one entry; only a folder (or a path that is gone, which may have been
        // one) needs the scan of every entry, ~4 ms at 10,000 postings.
        let (files, others): (Vec<&PathBuf>, Vec<&PathBuf>) =
            paths.iter().partition(|p| p.is_file());
        for p in files {
            self.files.remove(p);
        }
        if !others.is_empty() {
            self.files.forget(|k| others.iter().any(|p| k == *p || k.starts_with(p)));
        }
    }

    /// The model of the last good preview build, if it still describes the site.
    pub(crate) fn model(&self) -> MutexGuard<'_, Option<crate::pipeline::preview::Model>> {
        lock(&self.model)
    }

    pub(crate) fn set_model(&self, m: crate::pipeline::preview::Model) {
        *lock(&self.model) = Some(m);
    }

    /// Starts a build with the global fingerprint `global`: everything goes if it changed.
    /// The model goes in any case: it is replaced when the build succeeds.
    pub fn begin(&self, global: Key) {
        *lock(&self.model) = None;
        let mut g = lock(&self.global);
        let full = *g != Some(global);
        if full {
            self.files.clear();
            self.privacy.clear();
            self.markdown.clear();
            self.sheets.clear();
            self.pages.clear();
            self.search.clear();
            self.sha256.clear();
            self.fingerprints.clear();
        }
        *g = Some(global);
        *lock(&self.stats) = Stats { full, ..Stats::default() };
        self.files.reset_misses();
        self.markdown.reset_misses();
        self.pages.reset_misses();
    }

    /// Ends a build: entries it did not use are dropped. A failed build keeps nothing of its
    /// fingerprint so the next one starts clean.
    pub fn finish(&self, ok: bool) {
        self.files.rotate();
        self.privacy.rotate();
        self.markdown.rotate();
        self.sheets.rotate();
        self.pages.rotate();
        self.fingerprints.rotate();
        self.finish_tail();
        if !ok {
            *lock(&self.global) = None;
        }
    }

    /// Ends the making of a search index and a manifest (the preview makes them after the
    /// pages, see `build::Pending`): only what this one used is kept.
    pub fn finish_tail(&self) {
        self.search.rotate();
        self.sha256.rotate();
    }

    pub fn stats(&self) -> Stats {
        Stats {
            files_read: self.files.misses(),
            markdown_rendered: self.markdown.misses(),
            pages_rendered: self.pages.misses(),
            ..lock(&self.stats).clone()
        }
    }
}

/// Hashes what applies to the whole site: `site.toml`, every file under `templates/` and
/// `themes/` (name and contents), and the build options.
pub fn global_fingerprint(opts: &crate::pipeline::BuildOptions) -> Key {
    let mut h = KeyHasher::new()
        .with(&opts.root)
        .with(&opts.out)
        .with(&opts.drafts)
        .with(&opts.preview)
        .with(&opts.today.to_string())
        .with(&std::fs::read(opts.root.join("site.toml")).ok());
    for dir in ["templates", "themes"] {
        let d = opts.root.join(dir);
        if !d.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&d).sort_by_file_name().into_iter().flatten() {
            if e.file_type().is_file() {
                e.path().hash(&mut h);
                std::fs::read(e.path()).ok().hash(&mut h);
            }
        }
    }
    h.key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memo_keeps_only_what_the_last_build_used() {
        let m: Memo<u32, u32> = Memo::default();
        let mut calls = 0;
        assert_eq!(
            m.get_or(1, || {
                calls += 1;
                10
            }),
            10
        );
        assert_eq!(
            m.get_or(2, || {
                calls += 1;
                20
            }),
            20
        );
        m.rotate();
        assert_eq!(
            m.get_or(1, || {
                calls += 1;
                11
            }),
            10
        );
        assert_eq!(calls, 2);
        m.rotate();
        // 2 was not used by the previous build: gone.
        assert_eq!(
            m.get_or(2, || {
                calls += 1;
                21
            }),
            21
        );
        assert_eq!(calls, 3);
        m.rotate();
        // Only 2 was used by the last build.
        assert_eq!(m.len(), 1);
        assert_eq!(m.get_or(2, || 22), 21);
    }

    #[test]
    fn keys_depend_on_every_part() {
        let a = KeyHasher::new().with("ab").with("c").key();
        let b = KeyHasher::new().with("a").with("bc").key();
        assert_ne!(a, b);
        assert_eq!(a, KeyHasher::new().with("ab").with("c").key());
    }
}
