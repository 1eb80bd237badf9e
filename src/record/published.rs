//! What "already published" means: the baseline a build compares postings against.
//!
//! For a site that uploads with `gongkai publish` (it has `[[publish]]` targets in site.toml),
//! published means what went online: `gongkai publish` keeps a byte copy of the manifest it
//! uploaded in `.gongkai/published.json`, and a site with targets but no such file has
//! published nothing yet. A site without targets publishes its output folder (copied or served
//! as it is), so there the baseline is the output folder's `manifest.json`, as before.

use std::path::{Path, PathBuf};

/// Where `gongkai publish` keeps the manifest it last uploaded, relative to the site folder.
pub const PUBLISHED_PATH: &str = ".gongkai/published.json";

/// Whether `site.toml` under `root` names publish targets (a non-empty `publish` key). Reads
/// the raw file so it does not depend on how the targets are spelled out.
pub fn has_targets(root: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(root.join("site.toml")) else { return false };
    let Ok(table) = text.parse::<toml::Table>() else { return false };
    match table.get("publish") {
        Some(toml::Value::Array(a)) => !a.is_empty(),
        Some(toml::Value::Table(t)) => !t.is_empty(),
        Some(_) => true,
        None => false,
    }
}

/// The manifest of what is published for the site at `root` building into `out`; `None` when
/// nothing is published yet (a site with targets that never published).
pub fn baseline_path(root: &Path, out: &Path) -> Option<PathBuf> {
    if has_targets(root) {
        Some(root.join(PUBLISHED_PATH))
    } else {
        Some(out.join(crate::manifest::MANIFEST_PATH))
    }
}
