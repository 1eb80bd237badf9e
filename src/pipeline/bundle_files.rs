//! Which files of a posting bundle are published: only those of a published posting that the
//! posting names (its attachments, cover, gallery, ledger, or a link or image in its body).
//!
//! A bundle folder also collects what a clerk leaves lying there (an unlisted `草稿.md`, a
//! `.log`, a spreadsheet with names); copying the whole folder would put those online. A draft
//! or future posting publishes no file at all. A file counts as named when the posting's text
//! (front matter or body) holds its path inside the bundle, as written or percent-encoded.
//! Files outside any bundle are published as before.

use crate::diagnostic::Diagnostic;
use crate::site::{Posting, Site};
use std::collections::BTreeMap;
use std::path::Path;

crate::messages! {
    /// The one warning naming the bundle files that were left out.
    pub struct LeftOut(pub f0: Vec<String>) = "bundle.unlisted-files",
        zh: {
            format!(
                "这些文件放在内容文件夹里，但内容里没有写到它们，所以没有发布：{}。要发布附件，请写进开头的设置（+++ 之间）的 attachments，或在正文里链接它；不需要的文件请移出内容文件夹",
                f0.join("、")
            )
        },
        en: {
            format!(
                "these files lie in a posting's folder but the posting does not name them, so they \
                 were not published: {}. List an attachment under `attachments` or link it in the \
                 text; move other files out of the content folder",
                f0.join(", ")
            )
        };
}

/// Keeps in `site.files` only what may be published; returns the warning about files of
/// published postings that were left out (none for drafts and future postings).
pub fn select(site: &mut Site) -> Vec<Diagnostic> {
    let owners: BTreeMap<&Path, usize> = site
        .postings
        .iter()
        .enumerate()
        .filter(|(_, p)| p.bundle)
        .map(|(i, p)| (p.dir.as_path(), i))
        .collect();
    let mut left_out = Vec::new();
    let mut keep = vec![true; site.files.len()];
    for (k, f) in site.files.iter().enumerate() {
        let Some(i) = owner(&owners, &f.abs_path) else { continue };
        let p = &site.postings[i];
        if !p.published {
            keep[k] = false;
        } else if !names(p, &f.abs_path) {
            keep[k] = false;
            // A file name may itself hold a phone or ID number: never print it in full.
            let allow = crate::privacy::AllowList::new();
            let findings = crate::privacy::scan(&f.source, &allow);
            left_out.push(crate::privacy::mask_text(&f.source, &findings));
        }
    }
    let files = std::mem::take(&mut site.files);
    site.files = files.into_iter().zip(keep).filter(|(_, k)| *k).map(|(f, _)| f).collect();
    match left_out.first() {
        Some(first) => vec![Diagnostic::warning(first.clone(), LeftOut(left_out))],
        None => Vec::new(),
    }
}

fn owner(owners: &BTreeMap<&Path, usize>, file: &Path) -> Option<usize> {
    file.ancestors().skip(1).find_map(|a| owners.get(a).copied())
}

/// Whether posting `p`'s text names `file` (a file inside its bundle).
fn names(p: &Posting, file: &Path) -> bool {
    let Ok(rel) = file.strip_prefix(&p.dir) else { return false };
    let rel: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let plain = rel.join("/");
    let encoded = rel.iter().map(|s| crate::urls::encode_segment(s)).collect::<Vec<_>>().join("/");
    let text = &p.src.text;
    text.contains(&plain) || text.contains(&encoded)
}

/// Whether `old` and `new` (one posting before and after an edit) name the same files of
/// their bundle: when not, the set of published files changes and the preview needs a full
/// build.
pub fn same_names(old: &Posting, new: &Posting) -> bool {
    if !old.bundle {
        return true;
    }
    let index = old.dir.join("index.md");
    walkdir::WalkDir::new(&old.dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path() != index)
        .filter(|e| !crate::load::is_ignored_name(&e.file_name().to_string_lossy()))
        .all(|e| names(old, e.path()) == names(new, e.path()))
}
