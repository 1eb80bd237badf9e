//! Decode (with limits), orient, resize and re-encode one image.

use std::cell::Cell;
use std::io::Cursor;
use std::path::Path;

use fast_image_resize as fr;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits};

use super::cache::{CacheKey, Meta, Mode};
use super::{ImageCache, ImageError, ImageSettings, OutputFormat, Processed, Variant};

thread_local! {
    static DECODES: Cell<u64> = const { Cell::new(0) };
}

/// How many images this thread has decoded (tests check that a warm rebuild decodes nothing).
#[doc(hidden)]
pub fn decodes_on_this_thread() -> u64 {
    DECODES.with(Cell::get)
}

/// JPEG quality floor for full-size originals (they are meant for print and download).
const ORIGINAL_MIN_QUALITY: u8 = 90;

/// Processes one image into its web variants (cached). See the module docs for formats.
///
/// Variants: every configured width smaller than the upright source width, plus the source's own
/// width when it is not wider than the largest configured width. Never upscales.
pub fn process(
    source: &Path,
    settings: &ImageSettings,
    cache: &ImageCache,
) -> Result<Processed, ImageError> {
    run(source, settings, cache, Mode::Variants)
}

/// Full-size copy of the image for `publish_originals = true`: decoded and re-encoded (upright,
/// ICC profile kept, JPEG quality at least 90), so EXIF/GPS is gone. The raw file is never
/// copied. Published as `<stem>-original.<ext>`.
pub fn originals_without_metadata(
    source: &Path,
    settings: &ImageSettings,
    cache: &ImageCache,
) -> Result<Variant, ImageError> {
    run(source, settings, cache, Mode::Original).map(|p| p.largest)
}

fn run(
    source: &Path,
    settings: &ImageSettings,
    cache: &ImageCache,
    mode: Mode,
) -> Result<Processed, ImageError> {
    let file = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.display().to_string());
    let stem = source
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".to_string());
    let bytes = std::fs::read(source).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ImageError::Missing { file: file.clone() },
        _ if source.is_dir() => ImageError::Missing { file: file.clone() },
        _ => ImageError::Unreadable { file: file.clone(), reason: e.to_string() },
    })?;
    let key = CacheKey::compute(&bytes, settings, mode);
    if let Some(meta) = cache.lookup(&key) {
        return Ok(assemble(cache, key, &meta, &stem, mode, true));
    }

    let meta_files = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        render(&bytes, &file, source, settings, mode)
    }))
    .unwrap_or_else(|_| {
        Err(ImageError::Corrupt { file: file.clone(), detail: "decoder panicked".into() })
    })?;
    let (meta, files) = meta_files;
    cache
        .store(&key, &meta, &files)
        .map_err(|e| ImageError::Write { file: file.clone(), reason: e.to_string() })?;
    Ok(assemble(cache, key, &meta, &stem, mode, false))
}

fn assemble(
    cache: &ImageCache,
    key: CacheKey,
    meta: &Meta,
    stem: &str,
    mode: Mode,
    from_cache: bool,
) -> Processed {
    let dir = cache.entry_dir(&key);
    let ext = meta.format.extension();
    let variants: Vec<Variant> = meta
        .variants
        .iter()
        .map(|(w, h, name)| {
            let path = dir.join(name);
            let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let file_name = match mode {
                Mode::Variants => format!("{stem}-{w}.{ext}"),
                Mode::Original => format!("{stem}-original.{ext}"),
            };
            Variant { width: *w, height: *h, file_name, path, len }
        })
        .collect();
    let largest = variants.last().cloned().expect("cache entries have at least one variant");
    Processed {
        key,
        width: meta.width,
        height: meta.height,
        format: meta.format,
        variants,
        largest,
        from_cache,
    }
}

/// The widths to publish for an upright source `width` wide.
pub(crate) fn target_widths(width: u32, configured: &[u32]) -> Vec<u32> {
    let max = configured.iter().copied().max().unwrap_or(0);
    let mut out: Vec<u32> = configured.iter().copied().filter(|&w| w < width).collect();
    if width <= max {
        out.push(width);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// HEIC/HEIF/AVIF are ISO base media files: `....ftyp<brand>`.
fn sniff_isobmff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    let box_len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let end = box_len.clamp(12, bytes.len().min(256));
    let brands: Vec<&[u8]> = std::iter::once(&bytes[8..12])
        .chain(bytes.get(16..end).unwrap_or(&[]).chunks_exact(4))
        .collect();
    let has = |b: &[u8]| brands.contains(&b);
    let major = &bytes[8..12];
    if major == b"avif" || major == b"avis" || (major == b"mif1" && has(b"avif")) {
        return Some("AVIF");
    }
    const HEIF: [&[u8]; 8] =
        [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"];
    if HEIF.contains(&major) || HEIF.iter().any(|b| has(b)) {
        return Some("HEIC");
    }
    None
}

/// True when a JPEG has its end-of-image marker after the first scan. zune-jpeg (lenient mode)
/// decodes a truncated file into a half-grey picture instead of failing, so check ourselves.
/// Markers are walked up to the first SOS so that an embedded EXIF thumbnail's EOI does not count.
pub(crate) fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if (0xD0..=0xD9).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if marker == 0xDA {
            let scan = &bytes[(i + 2 + len).min(bytes.len())..];
            return scan.windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + len;
    }
    false
}

struct Decoded {
    image: DynamicImage,
    orientation: Orientation,
    icc: Option<Vec<u8>>,
    format: OutputFormat,
}

fn decode(
    bytes: &[u8],
    file: &str,
    source: &Path,
    settings: &ImageSettings,
) -> Result<Decoded, ImageError> {
    let corrupt = |detail: String| ImageError::Corrupt { file: file.to_string(), detail };
    if bytes.is_empty() {
        return Err(corrupt("empty file".into()));
    }
    if let Some(kind) = sniff_isobmff(bytes) {
        return Err(if kind == "HEIC" {
            ImageError::Heic { file: file.to_string() }
        } else {
            ImageError::Unsupported { file: file.to_string(), format: kind.into() }
        });
    }
    let ext = source.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let format = match image::guess_format(bytes) {
        Ok(f) => f,
        Err(_) => {
            return Err(match ext.as_deref() {
                Some("jpg" | "jpeg" | "png" | "gif" | "webp") | None => {
                    corrupt("not a recognised image".into())
                }
                Some(other) => ImageError::Unsupported {
                    file: file.to_string(),
                    format: other.to_ascii_uppercase(),
                },
            });
        }
    };
    let out_format = match format {
        ImageFormat::Jpeg => {
            if !jpeg_is_complete(bytes) {
                return Err(corrupt("JPEG data ends early".into()));
            }
            OutputFormat::Jpeg
        }
        ImageFormat::Png | ImageFormat::Gif => OutputFormat::Png,
        ImageFormat::WebP => OutputFormat::Jpeg, // PNG if it turns out to have alpha, below
        other => {
            return Err(ImageError::Unsupported {
                file: file.to_string(),
                format: other.extensions_str().first().unwrap_or(&"?").to_ascii_uppercase(),
            });
        }
    };

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // Decoded pixels plus working buffers; the pixel count itself is checked below.
    limits.max_alloc = Some(settings.max_pixels.saturating_mul(8).max(256 << 20));
    reader.limits(limits);
    let map_err = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels {
            file: file.to_string(),
            width: 0,
            height: 0,
            limit: settings.max_pixels,
        },
        image::ImageError::Unsupported(u) => {
            ImageError::Unsupported { file: file.to_string(), format: u.to_string() }
        }
        other => corrupt(other.to_string()),
    };
    let mut decoder = reader.into_decoder().map_err(map_err)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(corrupt("zero width or height".into()));
    }
    if u64::from(w) * u64::from(h) > settings.max_pixels {
        return Err(ImageError::TooManyPixels {
            file: file.to_string(),
            width: w,
            height: h,
            limit: settings.max_pixels,
        });
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let has_alpha = decoder.color_type().has_alpha();
    let image = DynamicImage::from_decoder(decoder).map_err(map_err)?;
    DECODES.with(|c| c.set(c.get() + 1));

    let out_format =
        if format == ImageFormat::WebP && has_alpha { OutputFormat::Png } else { out_format };
    let image = normalize(image, out_format);
    Ok(Decoded { image, orientation, icc, format: out_format })
}

/// 8-bit L, RGB or RGBA (RGBA only for PNG output), which both the resizer and encoders take.
fn normalize(image: DynamicImage, format: OutputFormat) -> DynamicImage {
    let alpha = image.color().has_alpha() && format == OutputFormat::Png;
    let gray = !image.color().has_color();
    match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
        DynamicImage::ImageRgba8(_) if alpha => image,
        _ if alpha => DynamicImage::ImageRgba8(image.to_rgba8()),
        _ if gray => DynamicImage::ImageLuma8(image.to_luma8()),
        _ => DynamicImage::ImageRgb8(image.to_rgb8()),
    }
}

fn swaps_axes(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

type Rendered = (Meta, Vec<(String, Vec<u8>)>);

fn render(
    bytes: &[u8],
    file: &str,
    source: &Path,
    settings: &ImageSettings,
    mode: Mode,
) -> Result<Rendered, ImageError> {
    let decoded = decode(bytes, file, source, settings)?;
    let (sw, sh) = (decoded.image.width(), decoded.image.height());
    let swap = swaps_axes(decoded.orientation);
    let (uw, uh) = if swap { (sh, sw) } else { (sw, sh) };
    let (targets, quality) = match mode {
        Mode::Variants => (target_widths(uw, &settings.normalized_widths()), settings.quality()),
        Mode::Original => (vec![uw], settings.quality().max(ORIGINAL_MIN_QUALITY)),
    };
    let ext = decoded.format.extension();
    let encode_err = |e: String| ImageError::Write { file: file.to_string(), reason: e };

    let mut resizer = fr::Resizer::new();
    let mut variants = Vec::new();
    let mut files = Vec::new();
    // Largest first; each smaller size is resized from the previous one (much cheaper than from
    // the full 12 MP source, and visually the same for these ratios).
    let mut previous: Option<DynamicImage> = None;
    for &tw in targets.iter().rev() {
        let th =
            ((u64::from(uh) * u64::from(tw) + u64::from(uw) / 2) / u64::from(uw)).max(1) as u32;
        // Resize in the source's own orientation and rotate the small result: cheaper.
        let (rw, rh) = if swap { (th, tw) } else { (tw, th) };
        let src = previous.as_ref().unwrap_or(&decoded.image);
        let resized = if (rw, rh) == (src.width(), src.height()) {
            src.clone()
        } else {
            resize(&mut resizer, src, rw, rh).map_err(encode_err)?
        };
        let rotated;
        let upright = if decoded.orientation == Orientation::NoTransforms {
            &resized
        } else {
            let mut r = resized.clone();
            r.apply_orientation(decoded.orientation);
            rotated = r;
            &rotated
        };
        let data =
            encode(upright, decoded.format, quality, decoded.icc.as_deref()).map_err(encode_err)?;
        let name = match mode {
            Mode::Variants => format!("w{tw}.{ext}"),
            Mode::Original => format!("original.{ext}"),
        };
        variants.push((upright.width(), upright.height(), name.clone()));
        files.push((name, data));
        previous = Some(resized);
    }
    variants.reverse();
    Ok((Meta { width: uw, height: uh, format: decoded.format, variants }, files))
}

fn resize(
    resizer: &mut fr::Resizer,
    src: &DynamicImage,
    width: u32,
    height: u32,
) -> Result<DynamicImage, String> {
    let mut dst = DynamicImage::new(width, height, src.color());
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    resizer.resize(src, &mut dst, &options).map_err(|e| e.to_string())?;
    Ok(dst)
}

fn encode(
    image: &DynamicImage,
    format: OutputFormat,
    quality: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let (w, h) = (image.width(), image.height());
    let color = image.color().into();
    match format {
        OutputFormat::Jpeg => {
            let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
            if let Some(icc) = icc {
                // Unsupported only for encoders without ICC support; JPEG has it.
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            enc.write_image(image.as_bytes(), w, h, color).map_err(|e| e.to_string())?;
        }
        OutputFormat::Png => {
            let mut enc = PngEncoder::new_with_quality(
                &mut out,
                CompressionType::Default,
                PngFilter::Adaptive,
            );
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            enc.write_image(image.as_bytes(), w, h, color).map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}
