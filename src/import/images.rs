//! Pictures taken out of a Word file: which formats the board can show, and removing their
//! metadata before they are written into the bundle.
//!
//! Published photos are re-encoded by `crate::images`, so EXIF never reaches the board; but the
//! extracted file itself sits in the site folder, is copied to USB sticks and committed to git.
//! A phone photo pasted into Word keeps its GPS position, so the metadata segments are cut out
//! here, losslessly (no re-encoding): JPEG APP1 (Exif, XMP), APP13 (IPTC) and comments; PNG
//! `eXIf` and text chunks; WebP `EXIF`/`XMP ` chunks. The colour profile stays.

/// A picture format the images stage can publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    WebP,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::WebP => "webp",
        }
    }
}

/// The format by the file's first bytes (Word's part names do not always say).
pub fn sniff(b: &[u8]) -> Option<Format> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(Format::WebP)
    } else {
        None
    }
}

/// A name for a format the board cannot show (`EMF`, `WMF`, `TIFF`, …).
pub fn describe_unknown(b: &[u8], part: &str) -> String {
    if b.len() > 44 && b[..4] == [1, 0, 0, 0] && &b[40..44] == b" EMF" {
        "EMF".into()
    } else if b.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) || b.starts_with(&[1, 0, 9, 0]) {
        "WMF".into()
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        "TIFF".into()
    } else if b.starts_with(b"BM") {
        "BMP".into()
    } else if b.starts_with(b"<svg") || b.starts_with(b"<?xml") {
        "SVG".into()
    } else {
        part.rsplit('.').next().unwrap_or("?").to_uppercase()
    }
}

/// The picture without its metadata (see the module docs). Unknown formats are an error.
pub fn strip_metadata(b: &[u8]) -> Result<Vec<u8>, String> {
    match sniff(b) {
        Some(Format::Jpeg) => strip_jpeg(b),
        Some(Format::Png) => strip_png(b),
        Some(Format::WebP) => strip_webp(b),
        // GIF has no Exif; its comment and application blocks are rare in office documents.
        Some(Format::Gif) => Ok(b.to_vec()),
        None => Err("unknown picture format".into()),
    }
}

fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = vec![0xFF, 0xD8];
    let mut i = 2;
    loop {
        // Fill bytes (0xFF repeated) may precede a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (b.get(i), b.get(i + 1)) else {
            return Err("the JPEG ends early".into());
        };
        // Markers without a length.
        if marker == 0xD8 || marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        if marker == 0xD9 {
            out.extend_from_slice(&b[i..i + 2]);
            return Ok(out);
        }
        let len = match (b.get(i + 2), b.get(i + 3)) {
            (Some(&h), Some(&l)) => u16::from_be_bytes([h, l]) as usize,
            _ => return Err("the JPEG ends early".into()),
        };
        let end = i + 2 + len;
        if len < 2 || end > b.len() {
            return Err("a JPEG segment runs past the end".into());
        }
        let keep = match marker {
            0xE1 | 0xED | 0xFE => false,
            // APP2 holds the ICC profile (kept) or MPF/FlashPix data (not needed).
            0xE2 => b[i + 4..end].starts_with(b"ICC_PROFILE\0"),
            0xE3..=0xEC | 0xEF => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if marker == 0xDA {
            // Start of scan: the entropy-coded data and everything after it stay as they are.
            out.extend_from_slice(&b[i..]);
            return Ok(out);
        }
    }
}

fn strip_png(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = b[..8].to_vec();
    let mut i = 8;
    while i + 8 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let end = i + 12 + len;
        if end > b.len() {
            return Err("a PNG chunk runs past the end".into());
        }
        let kind = &b[i + 4..i + 8];
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
    Err("the PNG ends early".into())
}

fn strip_webp(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut chunks = Vec::new();
    let mut i = 12;
    while i + 8 <= b.len() {
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        let end = i + 8 + len + (len & 1);
        if i + 8 + len > b.len() {
            return Err("a WebP chunk runs past the end".into());
        }
        let end = end.min(b.len());
        let kind = &b[i..i + 4];
        if !matches!(kind, b"EXIF" | b"XMP ") {
            let mut c = b[i..end].to_vec();
            if kind == b"VP8X" && c.len() > 8 {
                // Clear the "has Exif" and "has XMP" flags of the extended header.
                c[8] &= !0x0C;
            }
            chunks.extend_from_slice(&c);
        }
        i = end;
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((chunks.len() + 4) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&chunks);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::fixtures;

    #[test]
    fn jpeg_loses_gps_but_still_decodes() {
        let img = fixtures::landscape(64, 48, true, 1);
        let plain = fixtures::jpeg_bytes(&img, 80);
        let with_gps = fixtures::splice_after_soi(
            &plain,
            &fixtures::exif_app1(Some(1), Some((30.27, 120.15))),
        );
        assert!(
            exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&with_gps)).is_ok()
        );
        let clean = strip_metadata(&with_gps).unwrap();
        assert!(
            exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&clean)).is_err()
        );
        assert_eq!(image::load_from_memory(&clean).unwrap().width(), 64);
        assert_eq!(clean.len(), plain.len(), "only the Exif segment went");
    }

    #[test]
    fn png_text_chunks_go() {
        let img = image::DynamicImage::ImageRgb8(fixtures::landscape(8, 8, false, 2));
        let png = fixtures::png_bytes(&img);
        // Insert a tEXt chunk after IHDR (8 + 25 bytes).
        let mut chunk = 13u32.to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXtComment\0house");
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        let mut with = png[..33].to_vec();
        with.extend_from_slice(&chunk);
        with.extend_from_slice(&png[33..]);
        let clean = strip_metadata(&with).unwrap();
        assert_eq!(clean, png);
    }

    #[test]
    fn truncated_jpeg_is_an_error() {
        let img = fixtures::landscape(16, 16, false, 3);
        let jpeg = fixtures::jpeg_bytes(&img, 80);
        assert!(strip_metadata(&jpeg[..20]).is_err());
    }
}
