//! Processed variants cached by content: SHA-256 of (version, mode, settings, source bytes).
//!
//! Layout: `<dir>/<key>/meta.json` plus one file per variant (`w960.jpg`, `original.jpg`). An
//! entry is written into a temporary folder first and renamed into place, so an interrupted build
//! never leaves a half-written entry behind. Public names (`road-after-960.jpg`) are not stored in
//! the cache: two identical photos under different names share one entry.

use std::collections::BTreeSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ImageSettings, OutputFormat};

/// Bump when the processing changes in a way that changes output bytes.
pub const CACHE_VERSION: &str = "gongkai-images-1";

/// Hex SHA-256 naming a cache entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CacheKey(pub String);

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of output an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Variants,
    Original,
}

impl CacheKey {
    pub(crate) fn compute(source: &[u8], settings: &ImageSettings, mode: Mode) -> CacheKey {
        let mut h = Sha256::new();
        let mut field = |b: &[u8]| {
            h.update((b.len() as u64).to_le_bytes());
            h.update(b);
        };
        field(CACHE_VERSION.as_bytes());
        field(match mode {
            Mode::Variants => b"variants",
            Mode::Original => b"original",
        });
        // Only what changes the output bytes: `max_pixels` does not.
        let widths: Vec<u8> =
            settings.normalized_widths().iter().flat_map(|w| w.to_le_bytes()).collect();
        field(&widths);
        field(&[settings.quality()]);
        field(source);
        let digest = h.finalize();
        CacheKey(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// The cache's record of one entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub width: u32,
    pub height: u32,
    pub format: OutputFormat,
    /// (width, height, file name inside the entry folder), ascending by width.
    pub variants: Vec<(u32, u32, String)>,
}

/// A folder of processed images, usually `.gongkai-cache/images`.
#[derive(Clone, Debug)]
pub struct ImageCache {
    dir: PathBuf,
}

impl ImageCache {
    /// Uses (and creates when needed) `dir`.
    /// The folder is created on the first store, so a site without photos gets no cache folder.
    pub fn new(dir: impl Into<PathBuf>) -> io::Result<ImageCache> {
        Ok(ImageCache { dir: dir.into() })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn entry_dir(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(&key.0)
    }

    /// The entry's record, if it is complete (meta present and every file there).
    pub(crate) fn lookup(&self, key: &CacheKey) -> Option<Meta> {
        let dir = self.entry_dir(key);
        let text = std::fs::read(dir.join("meta.json")).ok()?;
        let meta: Meta = serde_json::from_slice(&text).ok()?;
        if meta.variants.is_empty() {
            return None;
        }
        for (_, _, name) in &meta.variants {
            if !dir.join(name).is_file() {
                return None;
            }
        }
        Some(meta)
    }

    /// Stores an entry: `files` are (name inside the entry, bytes).
    pub(crate) fn store(
        &self,
        key: &CacheKey,
        meta: &Meta,
        files: &[(String, Vec<u8>)],
    ) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = tempfile::Builder::new().prefix(".tmp-").tempdir_in(&self.dir)?;
        for (name, bytes) in files {
            std::fs::write(tmp.path().join(name), bytes)?;
        }
        let json = serde_json::to_vec(meta).map_err(io::Error::other)?;
        std::fs::write(tmp.path().join("meta.json"), json)?;
        let target = self.entry_dir(key);
        if target.exists() {
            // A stale or incomplete entry (lookup failed): replace it.
            let _ = std::fs::remove_dir_all(&target);
        }
        let tmp_path = tmp.keep();
        match std::fs::rename(&tmp_path, &target) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp_path);
                // Another thread stored the same entry meanwhile: that is fine.
                if self.lookup(key).is_some() { Ok(()) } else { Err(e) }
            }
        }
    }

    /// Removes every entry not in `used` (and leftovers of interrupted builds). Returns how many
    /// entries were removed.
    pub fn prune(&self, used: &BTreeSet<CacheKey>) -> io::Result<usize> {
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_key = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
            let keep = is_key && used.contains(&CacheKey(name.clone()));
            if keep || !(is_key || name.starts_with(".tmp-")) {
                continue; // a used entry, or something that is not ours
            }
            let path = entry.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
            removed += 1;
        }
        Ok(removed)
    }
}
