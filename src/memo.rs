//! Memos that let a stage skip work it already did: a thread-safe map per step, keyed by a hash
//! of all the step's inputs, so that a stale entry is never found rather than having to be
//! invalidated.
//!
//! This is the lowest layer of caching: stages take the memo of their own step (the loader
//! its parsed files, privacy its scans, record its fingerprints), never the whole preview cache,
//! so that they import nothing of the pipeline that calls them. What the preview keeps between
//! builds and when it drops it is [`crate::pipeline::cache`].

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

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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

    /// Counts a value computed outside [`Memo::get_or`] (one found stale and [`Memo::put`]).
    pub fn count_miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn reset_misses(&self) {
        self.misses.store(0, Ordering::Relaxed);
    }

    /// Drops the entry of `key`, if any.
    pub fn remove(&self, key: &K) {
        lock(&self.old).remove(key);
        lock(&self.new).remove(key);
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

/// The loader's memo: source path -> stamp and parsed file.
pub type FileMemo = Memo<PathBuf, FileEntry<Arc<dyn std::any::Any + Send + Sync>>>;
