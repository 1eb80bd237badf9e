//! The photo stage: every photo under `content/` is published only as processed variants
//! (upright, resized, metadata stripped); references in postings become `<img srcset>` tags.
//!
//! Photos are processed whether or not a posting shows them, because copying an unreferenced
//! original would publish its GPS position: privacy by default.

use crate::diagnostic::{Diagnostic, display_path};
use crate::images::{self, ImageCache, Job, Processed};
use crate::markdown::{PHOTO_LINK_PLACEHOLDER, PHOTO_PLACEHOLDER, Rendered};
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::urls;
use std::collections::{BTreeMap, BTreeSet};

/// What the stage hands on.
#[derive(Debug, Default)]
pub struct Photos {
    /// Site-relative path of each source photo -> its processed variants.
    pub processed: BTreeMap<String, Processed>,
    /// Variant files to publish.
    pub files: Vec<OutputFile>,
    /// Site-relative paths of re-encoded originals (`publish_originals`).
    pub originals: BTreeMap<String, String>,
}

crate::messages! {
    pub enum PhotoWarning {
        MissingAlt(f: String) = "image.missing-alt",
            zh: "图片 `{f}` 没有文字说明。请在方括号里写上图片内容，例如 ![竣工后的水泥路面]({f})，方便视力不好的村民用读屏软件了解图片",
            en: "image `{f}` has no description (alt text)";
    }
}

/// Processes every photo of the site (cached), in parallel.
pub fn run(
    site: &Site,
    bodies: &[Rendered],
    cache: &ImageCache,
    progress: Option<&str>,
) -> (Photos, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let content = site.root.join("content");
    // The first place each photo is referenced, for error positions.
    let mut first_ref: BTreeMap<String, (String, usize, usize)> = BTreeMap::new();
    for (i, b) in bodies.iter().enumerate() {
        let p = &site.postings[i];
        if !p.published {
            continue;
        }
        for img in &b.images {
            first_ref
                .entry(img.path.clone())
                .or_insert_with(|| (p.source.clone(), img.line, img.column));
        }
        for (file, span) in front_matter_photos(p) {
            let rel = urls::normalize(&format!("{}/{file}", display_path(&content, &p.dir)));
            if let Some(rel) = rel {
                let loc = crate::diagnostic::locate(&p.src.text, span.start + p.src.toml_offset);
                first_ref.entry(rel).or_insert_with(|| (p.source.clone(), loc.line, loc.column));
            }
        }
    }
    let photos: Vec<&crate::site::ContentFile> =
        site.files.iter().filter(|f| crate::markdown::is_photo(&f.out)).collect();
    let jobs: Vec<Job> = photos
        .iter()
        .map(|f| Job {
            source: f.abs_path.clone(),
            referenced_from: first_ref
                .get(&f.out)
                .cloned()
                .unwrap_or_else(|| (f.source.clone(), 0, 0)),
        })
        .collect();
    let results = images::process_many(jobs, &site.config.images, cache, progress);
    let mut out = Photos::default();
    for (f, r) in photos.iter().zip(results) {
        match r {
            Ok(processed) => {
                let dir = f.out.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
                for v in &processed.variants {
                    out.files.push(OutputFile {
                        path: format!("{dir}{}", v.file_name),
                        contents: Contents::Copy(v.path.clone()),
                    });
                }
                out.processed.insert(f.out.clone(), processed);
            }
            Err(d) => diags.push(d),
        }
    }
    // Originals, re-encoded without metadata, only where a posting asks for them.
    for p in site.postings.iter().filter(|p| p.published && p.front.publish_originals && p.bundle) {
        let dir = display_path(&content, &p.dir);
        for f in photos.iter().filter(|f| f.out.starts_with(&format!("{dir}/"))) {
            if !out.processed.contains_key(&f.out) {
                continue;
            }
            match images::originals_without_metadata(&f.abs_path, &site.config.images, cache) {
                Ok(v) => {
                    let path = format!("{dir}/{}", v.file_name);
                    out.originals.insert(f.out.clone(), path.clone());
                    out.files.push(OutputFile { path, contents: Contents::Copy(v.path.clone()) });
                }
                Err(e) => diags.push(Diagnostic::error(f.source.clone(), e)),
            }
        }
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out.files.dedup_by(|a, b| a.path == b.path);
    (out, diags)
}

/// Images in a published posting's body without a description (alt text), one warning each;
/// `text` is the posting's whole file (for the snippet).
pub fn missing_alt(p: &crate::site::Posting, text: &str, body: &Rendered) -> Vec<Diagnostic> {
    if !p.published {
        return Vec::new();
    }
    body.images
        .iter()
        .filter(|img| img.alt.trim().is_empty())
        .map(|img| {
            Diagnostic::warning(p.source.clone(), PhotoWarning::MissingAlt(img.path.clone()))
                .with_line_snippet(text, img.line, img.column, 1)
        })
        .collect()
}

/// Whether a posting's front matter names photos (`cover`, `gallery`): its page's extras show
/// them, so they are made again once the photos are processed.
pub fn in_front_matter(p: &crate::site::Posting) -> bool {
    p.front.cover.is_some() || p.front.gallery.is_some()
}

/// Photo files named in front matter (`cover`, `gallery`) with their spans.
fn front_matter_photos(p: &crate::site::Posting) -> Vec<(String, std::ops::Range<usize>)> {
    let mut v = Vec::new();
    if let Some(c) = &p.front.cover {
        v.push((c.get_ref().clone(), c.span()));
    }
    if let Some(g) = &p.front.gallery {
        v.extend(g.get_ref().iter().map(|e| (e.get_ref().file().to_string(), e.span())));
    }
    v
}

/// The `<img>` tag for a processed photo as seen from the page at `page`.
pub fn tag_for(photos: &Photos, site_path: &str, alt: &str, page: &str) -> Option<String> {
    let processed = photos.processed.get(site_path)?;
    let dir =
        site_path.rsplit_once('/').map(|(d, _)| format!("{d}/x")).unwrap_or_else(|| "x".into());
    let rel = urls::relative(page, &dir);
    let prefix = rel.strip_suffix('x').unwrap_or("");
    Some(images::img_tag(alt, &processed.variants, None, prefix))
}

/// Whether a body's HTML holds placeholders for [`fill_photos`] to fill.
pub fn has_photos(html: &str) -> bool {
    html.contains("gongkai-photo")
}

/// Replaces the placeholders left by the Markdown stage with real `<img srcset>` tags and links;
/// `None` when the body has none (most bodies: no copy is made).
pub fn fill_photos(html: &str, body: &Rendered, photos: &Photos, page: &str) -> Option<String> {
    if !has_photos(html) {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 512);
    let mut rest = html;
    let marker = format!("<img src=\"{PHOTO_PLACEHOLDER}");
    while let Some(start) = rest.find(&marker) {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let end = tag
            .find("/>")
            .map(|e| e + 2)
            .or_else(|| tag.find('>').map(|e| e + 1))
            .unwrap_or(tag.len());
        let n: Option<usize> = tag[marker.len()..].split('"').next().and_then(|s| s.parse().ok());
        let replacement = n
            .and_then(|n| body.images.get(n))
            .and_then(|img| tag_for(photos, &img.path, &img.alt, page));
        out.push_str(&replacement.unwrap_or_default());
        rest = &tag[end..];
    }
    out.push_str(rest);
    // Plain links to a photo open its original (if published) or its largest variant.
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(start) = rest.find(PHOTO_LINK_PLACEHOLDER) {
        result.push_str(&rest[..start]);
        let after = &rest[start + PHOTO_LINK_PLACEHOLDER.len()..];
        let end = after.find('"').unwrap_or(after.len());
        let site_path = urls::decode(&after[..end]);
        let target = photos.originals.get(&site_path).cloned().or_else(|| {
            let p = photos.processed.get(&site_path)?;
            let dir = site_path.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
            Some(format!("{dir}{}", p.largest.file_name))
        });
        result.push_str(&target.map(|t| urls::relative(page, &t)).unwrap_or_default());
        rest = &after[end..];
    }
    result.push_str(rest);
    Some(with_captions(&result))
}

/// A photo alone in its paragraph becomes a figure whose description shows under it
/// (施工前… / 竣工后…): villagers see it, not only screen readers.
fn with_captions(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = rest.find("<p><img ") {
        out.push_str(&rest[..start]);
        let tag = &rest[start + 3..];
        let Some(end) = tag.find('>') else { break };
        let (img, after) = tag.split_at(end + 1);
        let alt = img
            .split_once(" alt=\"")
            .and_then(|(_, a)| a.split_once('"'))
            .map(|(a, _)| a)
            .unwrap_or("");
        match after.strip_prefix("</p>") {
            Some(tail) if !alt.trim().is_empty() => {
                out.push_str("<figure class=\"photo\">");
                out.push_str(img);
                // The alt text is attribute-escaped (& < > "), which is also valid as text.
                out.push_str(&format!("<figcaption>{alt}</figcaption></figure>"));
                rest = tail;
            }
            _ => {
                out.push_str(&rest[start..start + 3 + end + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Site-relative paths of photos, which must not be copied as they are.
pub fn photo_sources(site: &Site) -> BTreeSet<String> {
    site.files.iter().map(|f| f.out.clone()).filter(|p| crate::markdown::is_photo(p)).collect()
}
