//! `<img>` markup for processed variants.

use super::Variant;

/// Default `sizes`: full width on phones, at most the 48rem content column elsewhere.
pub const DEFAULT_SIZES: &str = "(max-width: 48rem) 100vw, 48rem";

/// The preferred fallback `src` width (browsers without srcset support, feed readers).
const FALLBACK_WIDTH: u32 = 960;

/// `<img src=… srcset="a-480.jpg 480w, …" sizes=… width=… height=… loading="lazy"
/// decoding="async" alt=…>`. `variants` ascending by width (as [`super::Processed`] has them);
/// `sizes` defaults to [`DEFAULT_SIZES`]; `rel_prefix` is prepended to each file name (e.g.
/// `"../../media/"`). `width`/`height` are those of the `src` variant, which gives the browser the
/// aspect ratio before the image loads. Returns an empty string for no variants.
pub fn img_tag(alt: &str, variants: &[Variant], sizes: Option<&str>, rel_prefix: &str) -> String {
    let Some(fallback) = variants
        .iter()
        .filter(|v| v.width <= FALLBACK_WIDTH)
        .max_by_key(|v| v.width)
        .or_else(|| variants.iter().min_by_key(|v| v.width))
    else {
        return String::new();
    };
    let srcset: Vec<String> = variants
        .iter()
        .map(|v| format!("{} {}w", url(rel_prefix, &v.file_name), v.width))
        .collect();
    let largest = variants.iter().max_by_key(|v| v.width).unwrap_or(fallback);
    // `data-print-src`: the theme's print script swaps in the largest variant before printing
    // (a `<picture><source media="print">` is ignored by Chromium when it prints).
    format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{}\" width=\"{}\" height=\"{}\" loading=\"lazy\" decoding=\"async\" data-print-src=\"{}\" alt=\"{}\">",
        escape(&url(rel_prefix, &fallback.file_name)),
        escape(&srcset.join(", ")),
        escape(sizes.unwrap_or(DEFAULT_SIZES)),
        fallback.width,
        fallback.height,
        escape(&url(rel_prefix, &largest.file_name)),
        escape(alt)
    )
}

/// URL of the largest variant, for print style sheets and "download" links.
pub fn print_src(variants: &[Variant], rel_prefix: &str) -> Option<String> {
    variants.iter().max_by_key(|v| v.width).map(|v| url(rel_prefix, &v.file_name))
}

/// Percent-encodes what would break a srcset list or an attribute (spaces, commas, quotes, `%`,
/// `#`, `?`); Chinese file names stay readable.
fn url(prefix: &str, name: &str) -> String {
    let mut out = String::from(prefix);
    for c in name.chars() {
        match c {
            ' ' => out.push_str("%20"),
            ',' => out.push_str("%2C"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// HTML attribute escaping, shared with the templates.
fn escape(s: &str) -> String {
    crate::escape::markup(s).into_owned()
}
