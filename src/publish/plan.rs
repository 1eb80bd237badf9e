//! What a publish changes on the remote: the diff of the local manifest against the remote one.
//!
//! gongkai owns only the remote files that a gongkai manifest lists: the remote `manifest.json`
//! of the last complete publish, and the journal `.gongkai-publish.json` that a publish uploads
//! before its first file (so a publish cut off half-way still knows, next time, which files are
//! its own). Anything else on the remote is never overwritten or deleted.

use std::collections::{BTreeMap, BTreeSet};

/// The remote journal: every path an unfinished publish may have written.
pub const JOURNAL_PATH: &str = ".gongkai-publish.json";

/// The journal's content.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Journal {
    pub gongkai_publish: u32,
    pub files: BTreeSet<String>,
}

impl Journal {
    pub fn parse(bytes: &[u8]) -> Option<Journal> {
        serde_json::from_slice::<Journal>(bytes).ok().filter(|j| j.gongkai_publish == 1)
    }
    pub fn to_json(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s.into_bytes()
    }
}

/// One file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub path: String,
    /// The remote manifest lists this path with other content (a replacement).
    pub replaces: bool,
}

/// The whole change, in upload order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Assets first, then pages (deepest first, so a page is up before the pages linking it).
    pub uploads: Vec<Upload>,
    /// Files the remote manifest (or the journal) lists that the new site no longer has.
    pub removals: Vec<String>,
    /// The remote manifest differs from the local one (or is missing).
    pub manifest_changes: bool,
    /// Paths owned by gongkai after this publish starts: written to the journal first.
    pub journal: Journal,
    /// New paths that no gongkai manifest lists: the remote must not have them.
    pub unlisted: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.removals.is_empty() && !self.manifest_changes
    }
    pub fn new_count(&self) -> usize {
        self.uploads.iter().filter(|u| !u.replaces).count()
    }
    pub fn replace_count(&self) -> usize {
        self.uploads.iter().filter(|u| u.replaces).count()
    }
}

/// Compares `local` (path → SHA-256 of the new site) with `remote` (the same of the remote
/// manifest, if any) and the paths of an unfinished publish's journal.
pub fn plan(
    local: &BTreeMap<String, String>,
    remote: Option<&BTreeMap<String, String>>,
    journal: Option<&Journal>,
    manifest_same: bool,
) -> Plan {
    let empty = BTreeMap::new();
    let remote_files = remote.unwrap_or(&empty);
    let journaled: BTreeSet<String> = journal.map(|j| j.files.clone()).unwrap_or_default();
    let mut uploads = Vec::new();
    let mut unlisted = Vec::new();
    for (path, sum) in local {
        match remote_files.get(path) {
            Some(r) if r == sum => {}
            Some(_) => uploads.push(Upload { path: path.clone(), replaces: true }),
            None => {
                if !journaled.contains(path) {
                    unlisted.push(path.clone());
                }
                uploads.push(Upload { path: path.clone(), replaces: false });
            }
        }
    }
    uploads.sort_by_key(|u| order_key(&u.path));
    // A remote manifest is not trusted to name paths outside the target (`../`, absolute).
    let owned: BTreeSet<String> =
        remote_files.keys().cloned().chain(journaled).filter(|p| safe_path(p)).collect();
    let removals: Vec<String> = owned
        .iter()
        .filter(|p| !local.contains_key(*p) && p.as_str() != crate::manifest::MANIFEST_PATH)
        .cloned()
        .collect();
    let journal = Journal {
        gongkai_publish: 1,
        files: owned.into_iter().chain(local.keys().cloned()).collect(),
    };
    Plan { uploads, removals, manifest_changes: !manifest_same, journal, unlisted }
}

/// A plain relative path: no `..`, `.`, empty or absolute part, no backslash or drive colon.
pub fn safe_path(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains(':'))
}

/// Sort key of the upload order: assets (by path), then pages, deepest first, the home page last.
fn order_key(path: &str) -> (u8, std::cmp::Reverse<usize>, String) {
    let page = path.ends_with(".html") || path.ends_with(".htm");
    let depth = if page { path.matches('/').count() } else { 0 };
    (u8::from(page), std::cmp::Reverse(depth), path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn first_publish_uploads_assets_then_pages_deepest_first() {
        let local = files(&[
            ("index.html", "1"),
            ("village/a/index.html", "2"),
            ("village/index.html", "3"),
            ("style.css", "4"),
            ("village/a/photo.jpg", "5"),
        ]);
        let p = plan(&local, None, None, false);
        let order: Vec<&str> = p.uploads.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "style.css",
                "village/a/photo.jpg",
                "village/a/index.html",
                "village/index.html",
                "index.html"
            ]
        );
        assert_eq!(p.unlisted.len(), 5);
        assert!(p.removals.is_empty() && p.manifest_changes);
    }

    #[test]
    fn edit_uploads_only_changes_and_removes_only_listed_files() {
        let remote = files(&[("index.html", "1"), ("old.html", "9"), ("style.css", "4")]);
        let local = files(&[("index.html", "1b"), ("style.css", "4"), ("new.html", "7")]);
        let p = plan(&local, Some(&remote), None, false);
        assert_eq!(
            p.uploads,
            [
                Upload { path: "index.html".into(), replaces: true },
                Upload { path: "new.html".into(), replaces: false }
            ]
        );
        assert_eq!(p.removals, ["old.html"]);
        assert_eq!(p.unlisted, ["new.html"]);
        assert_eq!(p.journal.files.len(), 4);
        let same = plan(&local, Some(&local), None, true);
        assert!(same.is_empty());
    }

    #[test]
    fn an_unfinished_publish_journal_counts_as_ours() {
        let remote = files(&[("index.html", "1"), ("a.html", "2")]);
        let journal = Journal {
            gongkai_publish: 1,
            files: ["index.html", "a.html", "b.html", "gone.html"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        let local = files(&[("index.html", "1"), ("b.html", "3")]);
        let p = plan(&local, Some(&remote), Some(&journal), false);
        assert_eq!(p.uploads, [Upload { path: "b.html".into(), replaces: false }]);
        assert!(p.unlisted.is_empty());
        assert_eq!(p.removals, ["a.html", "gone.html"]);
        assert_eq!(Journal::parse(&p.journal.to_json()), Some(p.journal.clone()));
    }

    #[test]
    fn a_hostile_remote_manifest_cannot_name_paths_outside_the_target() {
        let remote = files(&[
            ("../../etc/passwd", "1"),
            ("/etc/x", "2"),
            ("a/./b", "3"),
            ("C:/x", "4"),
            ("ok.html", "5"),
        ]);
        let p = plan(&BTreeMap::new(), Some(&remote), None, false);
        assert_eq!(p.removals, ["ok.html"]);
        assert!(!safe_path("a\\b") && safe_path("tags/修路/index.html"));
    }
}
