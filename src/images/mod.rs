//! Photos and attachments: publish phone photos sized for web and print with personal metadata
//! gone, and warn about attachments whose file properties name a person.
//!
//! Privacy by default: every published image is decoded and re-encoded, so EXIF (GPS position of
//! someone's house, phone model, time), XMP and IPTC never reach the board. Only the ICC colour
//! profile is carried over, so colours stay right. The raw source file is never copied, not even
//! when a posting sets `publish_originals = true` (then a full-size re-encoded copy is published).
//!
//! Output formats: JPEG stays JPEG; PNG stays PNG (screenshots, diagrams); GIF becomes PNG (its
//! first frame: a notice board has no use for animation, and GIF's palette suits PNG); WebP becomes
//! JPEG, or PNG when it has transparency (the `image` crate writes lossless WebP only, which
//! would be far larger than a JPEG for a photo). HEIC/HEIF (iPhone) and AVIF cannot be decoded:
//! they are recognised by their header and the clerk is told how to convert them.

mod attachments;
mod cache;
#[doc(hidden)]
pub mod fixtures;
mod html;
mod process;
pub mod stage;
#[cfg(test)]
mod tests;

pub use attachments::{
    AttachmentInfo, AttachmentWarning, attachment_warnings, describe, human_size,
};
pub use cache::{CACHE_VERSION, CacheKey, ImageCache};
pub use html::{DEFAULT_SIZES, img_tag, print_src};
#[doc(hidden)]
pub use process::decodes_on_this_thread;
pub use process::{originals_without_metadata, process};

use std::path::PathBuf;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
pub use crate::settings::images::{GalleryItem, ImageSettings};

/// Image fields of a posting's front matter (the front matter module owns the full struct; these
/// are the shapes it accepts):
///
/// ```toml
/// cover = "road-after.jpg"                    # shown in lists and at the top of the posting
/// gallery = ["road-before.jpg", { file = "road-after.jpg", alt = "硬化后的村道" }]
/// publish_originals = false                   # true: also publish full-size copies (re-encoded)
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageFrontMatter {
    pub cover: Option<String>,
    pub gallery: Vec<GalleryItem>,
    pub publish_originals: bool,
}

/// What a published image is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutputFormat {
    Jpeg,
    Png,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
        }
    }
}

/// One published size of an image. The bytes live in the cache at `path`; copy (or hard-link)
/// them to the output as `file_name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Published name, e.g. `road-after-960.jpg` (source stem, width, output extension).
    pub file_name: String,
    /// The encoded file in the cache.
    pub path: PathBuf,
    /// Size of the encoded file in bytes.
    pub len: u64,
}

impl Variant {
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        std::fs::read(&self.path)
    }
}

/// A processed image: upright dimensions and its published variants, smallest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    pub key: CacheKey,
    /// Upright width of the source (after EXIF orientation).
    pub width: u32,
    /// Upright height of the source.
    pub height: u32,
    pub format: OutputFormat,
    /// Ascending by width; never wider than the source.
    pub variants: Vec<Variant>,
    /// The widest variant (for print).
    pub largest: Variant,
    /// True when nothing was decoded: every variant came from the cache.
    pub from_cache: bool,
}

crate::messages! {
    /// Something that can go wrong with a photo. Messages are written for a village clerk.
    #[derive(Eq)]
    pub enum ImageError {
        /// The cache folder for processed photos cannot be created.
        CacheUnwritable { reason: String } = "cache.unwritable",
            zh: "无法创建图片缓存文件夹：{reason}",
            en: "cannot create the image cache folder: {reason}";
        Missing { file: String } = "image.missing",
            zh: "找不到图片“{file}”。请检查文件名是否写对，图片是否和这篇公示放在同一个文件夹里。",
            en: "image \"{file}\" not found; check the file name and that it sits next to the posting";
        Unreadable { file: String, reason: String } = "image.unreadable",
            zh: "图片“{file}”打不开（{reason}）。请检查文件是否被其他程序占用。",
            en: "image \"{file}\" cannot be read ({reason})";
        Corrupt { file: String, detail: String } = "image.corrupt",
            zh: "图片“{file}”已损坏或不完整（可能没有拷贝完）。请从手机或相机重新拷贝一次。",
            en: "image \"{file}\" is damaged or incomplete ({detail}); copy it again from the phone or camera";
        Heic { file: String } = "image.heic",
            zh: "图片“{file}”是苹果手机的 HEIC 格式，网站不能直接使用。请把它另存为 JPEG：在电脑上用“照片”打开后“另存为 JPEG”，或者以后在 iPhone 上设置：设置 → 相机 → 格式 → 兼容性最佳。",
            en: "image \"{file}\" is in Apple's HEIC format, which cannot be published; save it as JPEG (open it and export as JPEG, or on the iPhone: Settings → Camera → Formats → Most Compatible)";
        Unsupported { file: String, format: String } = "image.unsupported",
            zh: "图片“{file}”的格式（{format}）不支持。请另存为 JPEG 或 PNG 后再放进来。",
            en: "image \"{file}\" has an unsupported format ({format}); save it as JPEG or PNG";
        TooManyPixels {
            file: String,
            width: u32,
            height: u32,
            limit: u64,
        } = "image.too-many-pixels",
            zh: {
                let size =
                    if *width > 0 { format!("{width}×{height} 像素，") } else { String::new() };
                format!(
                    "图片“{file}”太大了（{size}超过 {} 万像素的上限），可能是损坏或恶意的文件。请用正常的照片，或先缩小后再放进来。",
                    limit / 10_000
                )
            },
            en: {
                let size =
                    if *width > 0 { format!("{width}x{height} pixels, ") } else { String::new() };
                format!(
                    "image \"{file}\" is too large ({size}limit {limit} pixels); it may be damaged or malicious"
                )
            };
        Write { file: String, reason: String } = "image.write",
            zh: "处理图片“{file}”时无法写入缓存（{reason}）。请检查磁盘空间。",
            en: "cannot write the processed image for \"{file}\" to the cache ({reason})";
    }
}

/// An image to process and where it is referenced (for the diagnostic if it fails).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub source: PathBuf,
    /// Display path of the referencing file (relative to the site root, `/`-separated), 1-based
    /// line and character column.
    pub referenced_from: (String, usize, usize),
}

/// Above this many images a progress bar is shown (when `progress` gives its label, chosen in the
/// clerk's language by the edge, and stderr is a terminal).
pub const PROGRESS_THRESHOLD: usize = 8;

/// Processes many images in parallel. Results come back in the order of `jobs`; every failure is a
/// Diagnostic at the place the image was referenced, and the other images are still processed.
/// The same source referenced twice is processed once.
// `Diagnostic` is the pipeline's error type everywhere; boxing it here alone would not help.
#[allow(clippy::result_large_err)]
pub fn process_many(
    jobs: Vec<Job>,
    settings: &ImageSettings,
    cache: &ImageCache,
    progress: Option<&str>,
) -> Vec<Result<Processed, Diagnostic>> {
    let mut unique: Vec<&PathBuf> = jobs.iter().map(|j| &j.source).collect();
    unique.sort();
    unique.dedup();

    let bar = match progress.filter(|_| unique.len() > PROGRESS_THRESHOLD) {
        Some(label) => {
            let bar = indicatif::ProgressBar::new(unique.len() as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {wide_msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(label.to_string());
            Some(bar)
        }
        None => None,
    };

    let results: Vec<(PathBuf, Result<Processed, ImageError>)> = unique
        .par_iter()
        .map(|source| {
            let r = process(source, settings, cache);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            ((*source).clone(), r)
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let by_source: std::collections::HashMap<PathBuf, Result<Processed, ImageError>> =
        results.into_iter().collect();

    jobs.into_iter()
        .map(|job| match &by_source[&job.source] {
            Ok(p) => Ok(p.clone()),
            Err(e) => {
                let (path, line, column) = job.referenced_from;
                let d = Diagnostic::error(path, e.clone());
                // Line 0: the photo is not referenced from a text file; point at the file itself.
                Err(if line > 0 { d.at(line, column) } else { d })
            }
        })
        .collect()
}
