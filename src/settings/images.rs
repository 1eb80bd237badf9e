//! The `[images]` table of site.toml and a posting's `gallery`, as written.

use serde::{Deserialize, Serialize};

/// `[images]` in site.toml.
///
/// ```toml
/// [images]
/// widths = [480, 960, 1600]   # variants published for each photo (never upscaled)
/// jpeg_quality = 82           # 1..=100
/// max_pixels = 100_000_000    # refuse larger images (decompression bombs)
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageSettings {
    pub widths: Vec<u32>,
    pub jpeg_quality: u8,
    pub max_pixels: u64,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings { widths: vec![480, 960, 1600], jpeg_quality: 82, max_pixels: 100_000_000 }
    }
}

impl ImageSettings {
    /// Widths sorted, deduplicated, zero removed; falls back to the defaults when empty.
    pub(crate) fn normalized_widths(&self) -> Vec<u32> {
        let mut w: Vec<u32> = self.widths.iter().copied().filter(|&w| w > 0).collect();
        w.sort_unstable();
        w.dedup();
        if w.is_empty() { ImageSettings::default().widths } else { w }
    }

    pub(crate) fn quality(&self) -> u8 {
        self.jpeg_quality.clamp(1, 100)
    }
}

/// One gallery entry: a file name, or a table with a caption.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum GalleryItem {
    File(String),
    Captioned(CaptionedPhoto),
}

/// `{ file = "qiao.jpg", alt = "石桥" }` in a gallery.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct CaptionedPhoto {
    pub file: String,
    #[serde(default)]
    pub alt: String,
}

impl<'de> Deserialize<'de> for GalleryItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::string_or_table(d, |s| Ok(GalleryItem::File(s.to_string())), GalleryItem::Captioned)
    }
}

impl GalleryItem {
    pub fn file(&self) -> &str {
        match self {
            GalleryItem::File(f) | GalleryItem::Captioned(CaptionedPhoto { file: f, .. }) => f,
        }
    }
    pub fn alt(&self) -> &str {
        match self {
            GalleryItem::File(_) => "",
            GalleryItem::Captioned(c) => &c.alt,
        }
    }
}
