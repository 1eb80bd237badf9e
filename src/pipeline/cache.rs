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

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// A 128-bit key: collisions are not a practical concern for a few hundred thousand entries.
pub type Key = u128;

/// Streams values into a 128-bit XXH3 hash (fast enough to hash every page's context).
pub struct KeyHasher(xxhash_rust::xxh3::Xxh3);

impl KeyHasher {
    pub fn new() -> Self {
        KeyHasher(xxhash_rust::xxh3::Xxh3::new())
    }
    pub fn with<T: Hash + ?Sized>(mut self, v: &T) -> Self {
        v.hash(&mut self);
        self
    }
    pub fn key(&self) -> Key {
        self.0.digest128()
    }
}

impl Default for KeyHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// Hash of raw bytes.
pub fn bytes_key(b: &[u8]) -> Key {
    xxhash_rust::xxh3::xxh3_128(b)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A thread-safe memo of one pipeline step. Entries used by the current build move from `old`
/// to `new`; [`Memo::rotate`] drops what the build did not use.
pub struct Memo<K, V> {
    old: Mutex<HashMap<K, V>>,
    new: Mutex<HashMap<K, V>>,
    /// Values computed (not found) since the last [`Memo::clear`] or [`Memo::reset_misses`].
    misses: AtomicUsize,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            old: Mutex::new(HashMap::new()),
            new: Mutex::new(HashMap::new()),
            misses: AtomicUsize::new(0),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// The value for `key`, computed by `f` only when no build since the last rotation (or the
    /// previous build) made it.
    pub fn get_or(&self, key: K, f: impl FnOnce() -> V) -> V {
        if let Some(v) = lock(&self.new).get(&key) {
            return v.clone();
        }
        let hit = lock(&self.old).remove(&key);
        let v = match hit {
            Some(v) => v,
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                f()
            }
        };
        lock(&self.new).insert(key, v.clone());
        v
    }

    /// Sets the value for `key` in this build (replacing one `get_or` found stale).
    pub fn put(&self, key: K, v: V) {
        lock(&self.new).insert(key, v);
    }

    /// Ends a build: entries it did not use are dropped.
    pub fn rotate(&self) {
        let used = std::mem::take(&mut *lock(&self.new));
        *lock(&self.old) = used;
    }

    pub fn clear(&self) {
        lock(&self.old).clear();
        lock(&self.new).clear();
    }

    pub fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }

    pub fn reset_misses(&self) {
        self.misses.store(0, Ordering::Relaxed);
    }

    /// Drops entries whose key matches.
    pub fn forget(&self, mut matches: impl FnMut(&K) -> bool) {
        lock(&self.old).retain(|k, _| !matches(k));
        lock(&self.new).retain(|k, _| !matches(k));
    }

    pub fn len(&self) -> usize {
        lock(&self.old).len() + lock(&self.new).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A parsed source file as the loader keeps it: valid while its time and length are the same.
#[derive(Clone)]
pub struct FileEntry<V> {
    pub stamp: Stamp,
    pub value: V,
}

/// Modification time (ns since the epoch) and length of a file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Stamp {
    pub modified: u128,
    pub len: u64,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        let modified = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Some(Stamp { modified, len: m.len() })
    }
}

/// Everything kept between preview builds; see the module docs.
#[derive(Default)]
pub struct Cache {
    global: Mutex<Option<Key>>,
    /// Source path -> stamp and parsed file (`crate::load`).
    pub files: Memo<PathBuf, FileEntry<Arc<dyn std::any::Any + Send + Sync>>>,
    pub privacy: Memo<Key, Arc<dyn std::any::Any + Send + Sync>>,
    pub markdown: Memo<Key, Arc<crate::markdown::Rendered>>,
    pub sheets: Memo<Key, crate::sheet::SheetView>,
    /// Shared with the [`crate::render::Renderer`] of each build.
    pub pages: Arc<Memo<Key, Arc<String>>>,
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
        self.files.forget(|k| paths.iter().any(|p| k == p || k.starts_with(p)));
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
            markdown_rendered: self.markdown.misses(),
            pages_rendered: self.pages.misses(),
            ..lock(&self.stats).clone()
        }
    }

    pub(crate) fn count(&self, f: impl FnOnce(&mut Stats)) {
        f(&mut lock(&self.stats));
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
