//! `public/manifest.json`: what was published, with checksums, and the rule that a published
//! posting may only change with a dated note.
//!
//! A transparency board must not be rewritten silently. Each build records every output file's
//! SHA-256 and every posting's *fingerprint* (SHA-256 over its source text and its ledger and
//! attachment bytes). On the next build, a posting whose fingerprint differs from the published
//! one needs, in its front matter, an `updated` date and a `[[changes]]` note newer than the
//! previous publication:
//!
//! ```toml
//! date = 2026-10-13
//! updated = 2026-10-20          # top-level keys come before any [[changes]] table
//!
//! [[changes]]
//! date = 2026-10-20
//! note = "更正第3行金额笔误"
//! ```
//!
//! The manifest carries each posting's history forward (the superseded fingerprints, when each
//! was published and the note that replaced it) so the page can show 更新于 … with the changes.
//!
//! The JSON is deterministic: maps are sorted (`BTreeMap`), pretty-printed, with a trailing
//! newline; the same input gives the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::date::{DateValue, format_iso, parse_date};

/// The format version written into `manifest.json`; other versions are ignored when read.
pub const MANIFEST_VERSION: u32 = 1;

/// The manifest's path inside the output folder.
pub const MANIFEST_PATH: &str = "manifest.json";

/// Lower-case hex SHA-256 of `bytes` (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 over length-prefixed parts (the number of parts, then each part's length as u64
/// little-endian followed by its bytes), so `["ab", "c"]` and `["a", "bc"]` differ. Pass a
/// posting's source text first, then its ledgers and attachments in a stable order (sorted by
/// path; include the paths as parts if renaming should count as a change).
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    h.update(b"gongkai-fingerprint-v1");
    h.update((parts.len() as u64).to_le_bytes());
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    hex(&h.finalize())
}

/// The first 8 hex characters, as shown on pages (`1a2b3c4d`).
pub fn short(fp: &str) -> &str {
    fp.get(..8).unwrap_or(fp)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The contents of `public/manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Output path (relative to `public/`, `/`-separated) → SHA-256 hex.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Source path of a posting (relative to the site root) → what was published.
    #[serde(default)]
    pub postings: BTreeMap<String, PostingRecord>,
    /// Page URL of a posting that was published and is gone from there → what its address
    /// shows for good (carried from build to build).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub moved: BTreeMap<String, Moved>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            version: MANIFEST_VERSION,
            files: BTreeMap::new(),
            postings: BTreeMap::new(),
            moved: BTreeMap::new(),
        }
    }
}

/// What the old address of a published posting shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Moved {
    /// Renamed or moved (found by its fingerprint): a redirect to the new page URL.
    Redirect { to: String },
    /// Withdrawn with a note: a notice with the last published fingerprint.
    Withdrawn { title: String, date: String, note: String, fingerprint: String },
}

/// One published posting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingRecord {
    pub url: String,
    pub fingerprint: String,
    /// The posting's own `date` (YYYY-MM-DD).
    pub date: String,
    /// Its `updated` date when this version was published (YYYY-MM-DD).
    #[serde(default)]
    pub updated: Option<String>,
    /// Superseded versions, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// The review before publication of this version (`[[signoff]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signoff: Vec<SignoffRecord>,
}

/// A recorded review of a posting: who reviewed it, when, and their opinion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffRecord {
    pub body: String,
    pub reviewers: Vec<String>,
    /// YYYY-MM-DD
    pub date: String,
    pub opinion: String,
}

impl PostingRecord {
    /// When this version was published as far as the posting says: `updated`, else `date`.
    pub fn published(&self) -> &str {
        self.updated.as_deref().unwrap_or(&self.date)
    }
}

/// A superseded version of a posting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Fingerprint of the superseded version.
    pub fingerprint: String,
    /// When that version was published (its `updated`, or the posting's `date` for the first).
    pub updated: String,
    /// The `[[changes]]` notes that replaced it, one per line.
    pub note: String,
    /// The `updated` date of the version that replaced it.
    pub replaced: String,
}

crate::messages! {
    /// Why a previous manifest could not be used (the caller shows it as a warning and carries on).
    #[derive(Eq)]
    pub enum ManifestError {
        Unreadable { path: String, reason: String } = "manifest.unreadable",
            zh: "无法读取上次发布的清单 {path}（{reason}）。本次无法检查已发布内容是否被改动；\
                本次构建会写入新的清单。",
            en: "cannot read the previous manifest {path} ({reason}). Changes to published \
                postings cannot be checked this time; a new manifest will be written.";
        Corrupt { path: String, reason: String } = "manifest.corrupt",
            zh: "上次发布的清单 {path} 已损坏（{reason}）。本次无法检查已发布内容是否被改动；\
                本次构建会写入新的清单。",
            en: "the previous manifest {path} is corrupt ({reason}). Changes to published \
                postings cannot be checked this time; a new manifest will be written.";
        OtherVersion { path: String, version: u32 } = "manifest.other-version",
            zh: "上次发布的清单 {path} 是第 {version} 版格式，本程序使用第 {MANIFEST_VERSION} 版，\
                已忽略；本次构建会写入新的清单。",
            en: "the previous manifest {path} has format version {version}, this program writes \
                version {MANIFEST_VERSION}; it is ignored and a new manifest will be written.";
    }
}

impl Manifest {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an output file's checksum.
    pub fn add_file(&mut self, path: impl Into<String>, bytes: &[u8]) {
        self.files.insert(path.into(), sha256_hex(bytes));
    }

    /// Records the postings of every verdict that publishes one (new, unchanged, changed).
    pub fn add_postings<'a>(&mut self, verdicts: impl IntoIterator<Item = &'a ChangeVerdict>) {
        for v in verdicts {
            if let Some(record) = v.record() {
                self.postings.insert(v.source().to_string(), record.clone());
            }
        }
    }

    /// Pretty JSON with sorted keys and a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest always serializes");
        s.push('\n');
        s
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_json())
    }

    /// Parses a manifest; `None` if it is not valid JSON of this format version.
    pub fn parse(text: &str) -> Option<Manifest> {
        let m: Manifest = serde_json::from_str(text).ok()?;
        (m.version == MANIFEST_VERSION).then_some(m)
    }

    /// Reads the previous manifest: `None` if missing, unreadable or corrupt (not fatal).
    pub fn read(path: &Path) -> Option<Manifest> {
        Manifest::try_read(path).ok().flatten()
    }

    /// Like [`Manifest::read`], telling why a present manifest was not usable: `Ok(None)` when
    /// there is none (the first build), `Err` for one to warn about.
    pub fn try_read(path: &Path) -> Result<Option<Manifest>, ManifestError> {
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ManifestError::Unreadable { path: shown, reason: e.to_string() }),
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ManifestError::Corrupt { path: shown.clone(), reason: e.to_string() })?;
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version != MANIFEST_VERSION as u64 {
            return Err(ManifestError::OtherVersion {
                path: shown,
                version: u32::try_from(version).unwrap_or(u32::MAX),
            });
        }
        serde_json::from_value(value)
            .map(Some)
            .map_err(|e| ManifestError::Corrupt { path: shown, reason: e.to_string() })
    }
}

/// One `[[changes]]` entry of a posting's front matter.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeNote {
    pub date: DateValue,
    pub note: String,
}

/// A posting of the current build, as change detection needs it.
#[derive(Clone, Copy, Debug)]
pub struct CurrentPosting<'a> {
    /// Source path relative to the site root (the manifest key).
    pub source: &'a str,
    pub url: &'a str,
    pub fingerprint: &'a str,
    /// The posting's `date`.
    pub date: Date,
    /// The posting's `updated`, if any.
    pub updated: Option<Date>,
    /// Its `[[changes]]` entries.
    pub changes: &'a [ChangeNote],
}

/// The outcome of comparing one posting with the previous publication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeVerdict {
    /// Not published before.
    New { source: String, record: PostingRecord },
    /// Same fingerprint as published (the record carries the history forward).
    Unchanged { source: String, record: PostingRecord },
    /// Changed, with an `updated` date and a new note: the history gains the previous version.
    Changed { source: String, record: PostingRecord },
    /// Changed without the required date or note.
    Rejected { source: String, error: ChangeError },
    /// Published before and gone now (a caller may warn: removing a posting from a board is
    /// itself worth a note).
    Removed { source: String, record: PostingRecord },
}

impl ChangeVerdict {
    pub fn source(&self) -> &str {
        match self {
            ChangeVerdict::New { source, .. }
            | ChangeVerdict::Unchanged { source, .. }
            | ChangeVerdict::Changed { source, .. }
            | ChangeVerdict::Rejected { source, .. }
            | ChangeVerdict::Removed { source, .. } => source,
        }
    }

    /// The record to publish now, to fill in (`None` when rejected or removed).
    pub fn record_mut(&mut self) -> Option<&mut PostingRecord> {
        match self {
            ChangeVerdict::New { record, .. }
            | ChangeVerdict::Unchanged { record, .. }
            | ChangeVerdict::Changed { record, .. } => Some(record),
            ChangeVerdict::Rejected { .. } | ChangeVerdict::Removed { .. } => None,
        }
    }

    /// The record to publish now (`None` when rejected or removed).
    pub fn record(&self) -> Option<&PostingRecord> {
        match self {
            ChangeVerdict::New { record, .. }
            | ChangeVerdict::Unchanged { record, .. }
            | ChangeVerdict::Changed { record, .. } => Some(record),
            ChangeVerdict::Rejected { .. } | ChangeVerdict::Removed { .. } => None,
        }
    }

    pub fn error(&self) -> Option<&ChangeError> {
        match self {
            ChangeVerdict::Rejected { error, .. } => Some(error),
            _ => None,
        }
    }
}

crate::messages! {
    /// A published posting changed without an explanation.
    #[derive(Eq)]
    pub enum ChangeError {
        /// No `updated` date.
        MissingUpdate {
            source: String,
            change: ChangeFacts,
        } = "manifest.change-without-update",
            zh: {
                format!(
                    "{source} 已于 {} 发布（核验码 {}），现在内容有改动（核验码 {}），但没有写更新日期和更正\
                     说明。已公开的内容不能悄悄修改：请在开头的设置（+++ 之间）顶层（任何 [[changes]] 之前）加上 \
                     updated，并在末尾加一条 [[changes]] 说明改了什么，例如：{}",
                    change.published,
                    change.previous,
                    change.current,
                    example(&change.suggest, true)
                )
            },
            en: {
                format!(
                    "{source} was published on {} (fingerprint {}) and has changed since (now {}), \
                     without an update date or a note. Published content must not change silently: \
                     add `updated` at the top level of the front matter (before any [[changes]]) and \
                     a [[changes]] entry at the end saying what changed, for example:{}",
                    change.published,
                    change.previous,
                    change.current,
                    example(&change.suggest, true)
                )
            };
        /// `updated` earlier than the posting's date or than the previous publication.
        UpdateTooEarly {
            source: String,
            updated: String,
            not_before: String,
            change: ChangeFacts,
        } = "manifest.update-too-early",
            zh: {
                format!(
                    "{source} 的内容有改动（核验码 {} → {}），但 updated = {updated} 早于 {not_before}\
                     （本篇日期或上次发布的日期）。请把 updated 改为修改当天，并加一条 [[changes]] \
                     说明，例如：{}",
                    change.previous,
                    change.current,
                    example(&change.suggest, true)
                )
            },
            en: {
                format!(
                    "{source} has changed (fingerprint {} → {}), but updated = {updated} is earlier \
                     than {not_before} (the posting's date or its previous publication). Set \
                     `updated` to the day of the change and add a [[changes]] note, for example:{}",
                    change.previous,
                    change.current,
                    example(&change.suggest, true)
                )
            };
        /// No `[[changes]]` note dated on or after the previous publication.
        MissingNote {
            source: String,
            updated: String,
            change: ChangeFacts,
        } = "manifest.change-without-note",
            zh: {
                format!(
                    "{source} 的内容在 {} 发布后有改动（核验码 {} → {}），已写 updated = {updated}，但没有 \
                     {} 以后的 [[changes]] 说明。请在开头的设置（+++ 之间）末尾加上一条，写明改了什么，例如：{}",
                    change.published,
                    change.previous,
                    change.current,
                    change.published,
                    example(&change.suggest, false)
                )
            },
            en: {
                format!(
                    "{source} has changed since it was published on {} (fingerprint {} → {}) and says \
                     updated = {updated}, but has no [[changes]] note dated {} or later. Add one at \
                     the end of the front matter saying what changed, for example:{}",
                    change.published,
                    change.previous,
                    change.current,
                    change.published,
                    example(&change.suggest, false)
                )
            };
    }
}

/// What the messages of [`ChangeError`] show.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ChangeFacts {
    /// Short fingerprints of the published and the current version.
    pub previous: String,
    pub current: String,
    /// When the published version came out (YYYY-MM-DD).
    pub published: String,
    /// The date to put in the ready-to-paste example.
    pub suggest: String,
}

/// A ready-to-paste TOML example, indented so it stands out in the message.
fn example(date: &str, with_updated: bool) -> String {
    let mut s = String::from("\n\n");
    if with_updated {
        s.push_str(&format!("    updated = {date}\n\n"));
    }
    s.push_str(&format!("    [[changes]]\n    date = {date}\n    note = \"更正第3行金额笔误\""));
    s
}

/// A note as stored in the history: trimmed, on one line.
fn one_line(note: &str) -> String {
    note.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compares the current postings with the previous publication; see the module docs. Verdicts
/// come in the order of `current`, then `Removed` ones sorted by source path.
pub fn detect_changes(previous: &Manifest, current: &[CurrentPosting]) -> Vec<ChangeVerdict> {
    detect_changes_on(previous, current, crate::date::today_in_china())
}

/// [`detect_changes`] as of a given day; builds pass their `--today`.
pub fn detect_changes_on(
    previous: &Manifest,
    current: &[CurrentPosting],
    today: Date,
) -> Vec<ChangeVerdict> {
    let mut out: Vec<ChangeVerdict> =
        current.iter().map(|cur| detect_change(previous, cur, today)).collect();
    let current_sources: std::collections::BTreeSet<&str> =
        current.iter().map(|c| c.source).collect();
    for (source, record) in &previous.postings {
        if !current_sources.contains(source.as_str()) {
            out.push(ChangeVerdict::Removed { source: source.clone(), record: record.clone() });
        }
    }
    out
}

/// The verdict for one current posting against the previous manifest.
pub fn detect_change(previous: &Manifest, cur: &CurrentPosting, today: Date) -> ChangeVerdict {
    let source = cur.source.to_string();
    let Some(prev) = previous.postings.get(cur.source) else {
        let record = PostingRecord {
            url: cur.url.to_string(),
            fingerprint: cur.fingerprint.to_string(),
            date: format_iso(cur.date),
            updated: cur.updated.map(format_iso),
            history: Vec::new(),
            signoff: Vec::new(),
        };
        return ChangeVerdict::New { source, record };
    };
    if prev.fingerprint == cur.fingerprint {
        let record = PostingRecord { url: cur.url.to_string(), ..prev.clone() };
        return ChangeVerdict::Unchanged { source, record };
    }
    judge_change(cur, prev, today)
}

fn judge_change(cur: &CurrentPosting, prev: &PostingRecord, today: Date) -> ChangeVerdict {
    let source = cur.source.to_string();
    let published = parse_date(prev.published());
    let not_before = published.map_or(cur.date, |p| p.max(cur.date));
    let suggest = cur.updated.unwrap_or(today).max(not_before);
    let change = ChangeFacts {
        previous: short(&prev.fingerprint).to_string(),
        current: short(cur.fingerprint).to_string(),
        published: prev.published().to_string(),
        suggest: format_iso(suggest),
    };
    let reject = |error| ChangeVerdict::Rejected { source: source.clone(), error };

    let Some(updated) = cur.updated else {
        return reject(ChangeError::MissingUpdate { source: source.clone(), change });
    };
    if updated < not_before {
        return reject(ChangeError::UpdateTooEarly {
            source: source.clone(),
            updated: format_iso(updated),
            not_before: format_iso(not_before),
            change,
        });
    }
    // Notes already used to explain an earlier change do not explain this one.
    let used = |note: &ChangeNote| {
        let text = one_line(&note.note);
        prev.history
            .iter()
            .any(|h| h.replaced == format_iso(note.date.0) && h.note.lines().any(|l| l == text))
    };
    let new_notes: Vec<String> = cur
        .changes
        .iter()
        .filter(|n| published.is_none_or(|p| n.date.0 >= p))
        .filter(|n| !one_line(&n.note).is_empty() && !used(n))
        .map(|n| one_line(&n.note))
        .collect();
    if new_notes.is_empty() {
        return reject(ChangeError::MissingNote {
            source: source.clone(),
            updated: format_iso(updated),
            change,
        });
    }
    let mut history = prev.history.clone();
    history.push(HistoryEntry {
        fingerprint: prev.fingerprint.clone(),
        updated: prev.published().to_string(),
        note: new_notes.join("\n"),
        replaced: format_iso(updated),
    });
    let record = PostingRecord {
        url: cur.url.to_string(),
        fingerprint: cur.fingerprint.to_string(),
        date: format_iso(cur.date),
        updated: Some(format_iso(updated)),
        history,
        signoff: Vec::new(),
    };
    ChangeVerdict::Changed { source, record }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Lang};

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn today() -> Date {
        d("2026-11-25")
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn fingerprint_is_length_prefixed() {
        let a = fingerprint(&[b"ab", b"c"]);
        assert_ne!(a, fingerprint(&[b"a", b"bc"]));
        assert_ne!(a, fingerprint(&[b"abc"]));
        assert_eq!(a, fingerprint(&[b"ab", b"c"]));
        assert_eq!(a.len(), 64);
        assert_eq!(short(&a), &a[..8]);
        assert_eq!(short("abc"), "abc");
    }

    fn sample() -> Manifest {
        let mut m = Manifest::new();
        m.add_file("index.html", b"<html></html>");
        m.add_file("2026/q3-caiwu/index.html", b"x");
        m.add_file("assets/style.css", b"body{}");
        m.postings.insert(
            "content/2026-q3-caiwu.md".into(),
            PostingRecord {
                url: "/2026/q3-caiwu/".into(),
                fingerprint: fingerprint(&[b"v1"]),
                date: "2026-10-13".into(),
                updated: None,
                history: vec![],
                signoff: vec![],
            },
        );
        m
    }

    #[test]
    fn json_is_deterministic_sorted_with_trailing_newline() {
        let a = sample().to_json();
        // Same content inserted in another order gives the same bytes.
        let mut b = Manifest::new();
        b.postings = sample().postings;
        b.add_file("assets/style.css", b"body{}");
        b.add_file("index.html", b"<html></html>");
        b.add_file("2026/q3-caiwu/index.html", b"x");
        assert_eq!(a.as_bytes(), b.to_json().as_bytes());
        assert!(a.ends_with("}\n"));
        let i1 = a.find("2026/q3-caiwu/index.html").unwrap();
        let i2 = a.find("assets/style.css").unwrap();
        let i3 = a.find("\"index.html\"").unwrap();
        assert!(i1 < i2 && i2 < i3);
        assert_eq!(Manifest::parse(&a), Some(sample()));
    }

    #[test]
    fn read_tolerates_missing_and_corrupt_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        assert_eq!(Manifest::read(&path), None);
        assert_eq!(Manifest::try_read(&path), Ok(None));
        std::fs::write(&path, "{ not json").unwrap();
        assert_eq!(Manifest::read(&path), None);
        assert_eq!(Manifest::try_read(&path).unwrap_err().code(), "manifest.corrupt");
        std::fs::write(&path, "{\"version\": 99}").unwrap();
        assert_eq!(Manifest::try_read(&path).unwrap_err().code(), "manifest.other-version");
        sample().write(&path).unwrap();
        assert_eq!(Manifest::read(&path), Some(sample()));
    }

    fn note(date: &str, text: &str) -> ChangeNote {
        ChangeNote { date: DateValue(d(date)), note: text.into() }
    }

    fn posting<'a>(
        fp: &'a str,
        updated: Option<&str>,
        changes: &'a [ChangeNote],
    ) -> CurrentPosting<'a> {
        CurrentPosting {
            source: "content/2026-q3-caiwu.md",
            url: "/2026/q3-caiwu/",
            fingerprint: fp,
            date: d("2026-10-13"),
            updated: updated.map(d),
            changes,
        }
    }

    #[test]
    fn unchanged_and_new_postings() {
        let prev = sample();
        let fp = fingerprint(&[b"v1"]);
        let v = detect_changes_on(&prev, &[posting(&fp, None, &[])], today());
        assert_eq!(v.len(), 1);
        assert!(
            matches!(&v[0], ChangeVerdict::Unchanged { record, .. } if record == &prev.postings["content/2026-q3-caiwu.md"])
        );
        let v = detect_changes_on(&Manifest::new(), &[posting(&fp, None, &[])], today());
        assert!(
            matches!(&v[0], ChangeVerdict::New { record, .. } if record.history.is_empty() && record.date == "2026-10-13")
        );
    }

    #[test]
    fn change_without_update_or_note_is_rejected() {
        let prev = sample();
        let fp2 = fingerprint(&[b"v2"]);
        let v = detect_changes_on(&prev, &[posting(&fp2, None, &[])], today());
        let err = v[0].error().expect("rejected").clone();
        assert_eq!(err.code(), "manifest.change-without-update");
        let zh = Diagnostic::error("content/2026-q3-caiwu.md", err.clone()).render(Lang::Zh);
        assert!(zh.contains("updated = 2026-11-25"), "{zh}");
        assert!(
            zh.contains("[[changes]]\n    date = 2026-11-25\n    note = \"更正第3行金额笔误\""),
            "{zh}"
        );
        assert!(zh.contains(short(&fp2)), "{zh}");
        assert!(err.en().contains("published on 2026-10-13"), "{}", err.en());

        // An update date but no note.
        let v = detect_changes_on(&prev, &[posting(&fp2, Some("2026-10-20"), &[])], today());
        let err = v[0].error().unwrap();
        assert_eq!(err.code(), "manifest.change-without-note");
        assert!(err.zh().contains("date = 2026-10-20"), "{}", err.zh());
        assert!(!err.zh().contains("updated = 2026-10-20\n"), "{}", err.zh());

        // A note older than the publication does not explain a new change.
        let old = [note("2026-10-01", "初稿")];
        let v = detect_changes_on(&prev, &[posting(&fp2, Some("2026-10-20"), &old)], today());
        assert_eq!(v[0].error().unwrap().code(), "manifest.change-without-note");

        // updated earlier than the posting's date.
        let notes = [note("2026-10-20", "更正第3行金额笔误")];
        let v = detect_changes_on(&prev, &[posting(&fp2, Some("2026-10-01"), &notes)], today());
        assert_eq!(v[0].error().unwrap().code(), "manifest.update-too-early");
    }

    #[test]
    fn change_with_note_passes_and_history_is_carried() {
        let prev = sample();
        let fp1 = fingerprint(&[b"v1"]);
        let fp2 = fingerprint(&[b"v2"]);
        let notes = [note("2026-10-20", "更正第3行金额笔误")];
        let v = detect_changes_on(&prev, &[posting(&fp2, Some("2026-10-20"), &notes)], today());
        let ChangeVerdict::Changed { record, .. } = &v[0] else { panic!("{v:?}") };
        assert_eq!(record.fingerprint, fp2);
        assert_eq!(record.updated.as_deref(), Some("2026-10-20"));
        assert_eq!(
            record.history,
            [HistoryEntry {
                fingerprint: fp1.clone(),
                updated: "2026-10-13".into(),
                note: "更正第3行金额笔误".into(),
                replaced: "2026-10-20".into(),
            }]
        );

        // Publish it, then change again: the old note is used up, a new one is needed.
        let mut m2 = Manifest::new();
        m2.add_postings(&v);
        let m2 = Manifest::parse(&m2.to_json()).unwrap();
        let fp3 = fingerprint(&[b"v3"]);
        let v = detect_changes_on(&m2, &[posting(&fp3, Some("2026-10-20"), &notes)], today());
        assert_eq!(v[0].error().unwrap().code(), "manifest.change-without-note");
        let notes2 =
            [note("2026-10-20", "更正第3行金额笔误"), note("2026-10-20", "补充附件：发票照片")];
        let v = detect_changes_on(&m2, &[posting(&fp3, Some("2026-10-20"), &notes2)], today());
        let ChangeVerdict::Changed { record, .. } = &v[0] else { panic!("{v:?}") };
        assert_eq!(record.history.len(), 2);
        assert_eq!(record.history[0].fingerprint, fp1);
        assert_eq!(record.history[1].fingerprint, fp2);
        assert_eq!(record.history[1].updated, "2026-10-20");
        assert_eq!(record.history[1].note, "补充附件：发票照片");
    }

    #[test]
    fn removed_postings_are_reported() {
        let v = detect_changes_on(&sample(), &[], today());
        assert!(
            matches!(&v[0], ChangeVerdict::Removed { source, .. } if source == "content/2026-q3-caiwu.md")
        );
        assert_eq!(v[0].record(), None);
    }

    #[test]
    fn change_notes_deserialize_strictly() {
        #[derive(Deserialize)]
        struct Fm {
            updated: DateValue,
            changes: Vec<ChangeNote>,
        }
        let fm: Fm = toml::from_str(
            "updated = 2026-10-20\n[[changes]]\ndate = 2026-10-20\nnote = \"更正第3行金额笔误\"\n",
        )
        .unwrap();
        assert_eq!(fm.updated.0, d("2026-10-20"));
        assert_eq!(fm.changes, [note("2026-10-20", "更正第3行金额笔误")]);
        assert!(
            toml::from_str::<ChangeNote>("date = 2026-10-20\nnote = \"x\"\nwho = \"y\"").is_err()
        );
    }
}
