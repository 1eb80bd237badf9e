//! Generated test images: EXIF segments built by hand, procedurally drawn landscapes, HEIC and
//! decompression-bomb headers. Used by unit tests, `examples/make_example_photos.rs` and
//! `examples/image_bench.rs`; not part of the site generator's behaviour.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};

/// A complete APP1 (`FF E1`) Exif segment with an optional Orientation tag and an optional GPS
/// position (degrees north, degrees east), as a phone writes them.
pub fn exif_app1(orientation: Option<u16>, gps: Option<(f64, f64)>) -> Vec<u8> {
    // Big-endian TIFF: header, IFD0, then the GPS IFD and its rational values.
    let mut ifd0: Vec<(u16, u16, u32, [u8; 4])> = Vec::new();
    if let Some(o) = orientation {
        let v = o.to_be_bytes();
        ifd0.push((0x0112, 3, 1, [v[0], v[1], 0, 0]));
    }
    let ifd0_len = 2 + 12 * (ifd0.len() + usize::from(gps.is_some())) + 4;
    let gps_ifd_offset = 8 + ifd0_len as u32;
    if gps.is_some() {
        ifd0.push((0x8825, 4, 1, gps_ifd_offset.to_be_bytes()));
    }
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    write_ifd(&mut tiff, &ifd0);
    if let Some((lat, lon)) = gps {
        let gps_entries = 5;
        let data_offset = gps_ifd_offset + 2 + 12 * gps_entries + 4;
        let entries = vec![
            (0x0000, 1, 4, [2, 3, 0, 0]),
            (0x0001, 2, 2, [b'N', 0, 0, 0]),
            (0x0002, 5, 3, data_offset.to_be_bytes()),
            (0x0003, 2, 2, [b'E', 0, 0, 0]),
            (0x0004, 5, 3, (data_offset + 24).to_be_bytes()),
        ];
        write_ifd(&mut tiff, &entries);
        for v in [lat, lon] {
            let deg = v.trunc();
            let min = ((v - deg) * 60.0).trunc();
            let sec = ((v - deg) * 60.0 - min) * 60.0;
            for (num, den) in [(deg as u32, 1u32), (min as u32, 1), ((sec * 100.0) as u32, 100)] {
                tiff.extend_from_slice(&num.to_be_bytes());
                tiff.extend_from_slice(&den.to_be_bytes());
            }
        }
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

fn write_ifd(out: &mut Vec<u8>, entries: &[(u16, u16, u32, [u8; 4])]) {
    out.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for (tag, typ, count, value) in entries {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&typ.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(value);
    }
    out.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
}

/// Inserts a segment (e.g. from [`exif_app1`]) right after the JPEG's SOI marker.
pub fn splice_after_soi(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut out = Vec::with_capacity(jpeg.len() + segment.len());
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A COM (comment) segment: makes otherwise identical files distinct.
pub fn comment_segment(text: &str) -> Vec<u8> {
    let mut seg = vec![0xFF, 0xFE];
    seg.extend_from_slice(&((2 + text.len()) as u16).to_be_bytes());
    seg.extend_from_slice(text.as_bytes());
    seg
}

/// Encodes an RGB image as a JPEG.
pub fn jpeg_bytes(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(img).expect("encode JPEG");
    out
}

/// Encodes any image as PNG.
pub fn png_bytes(img: &DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode PNG");
    out.into_inner()
}

/// The start of an iPhone HEIC file (`ftypheic` box and a bit of padding).
pub fn heic_header() -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x18];
    v.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    v.extend_from_slice(&[0u8; 64]);
    v
}

/// A tiny PNG that claims to be `width`×`height` (a decompression bomb's header).
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc32(&[kind.as_slice(), data].concat()).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(&mut out, b"IHDR", &ihdr);
    // A small zlib stream of zeros: what a bomb would inflate from.
    chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Cheap deterministic noise in 0..256 for a pixel.
fn noise(x: u32, y: u32, seed: u32) -> u32 {
    let mut h =
        x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h & 0xFF
}

fn shade(c: [f32; 3], n: u32, amount: f32) -> Rgb<u8> {
    let d = (n as f32 / 255.0 - 0.5) * amount;
    Rgb(c.map(|v| (v + d).clamp(0.0, 255.0) as u8))
}

/// A procedurally drawn village road: sky, hills, fields and a road to the horizon.
/// `paved` draws fresh concrete with a centre line; otherwise a rutted dirt track with puddles.
/// No people. `seed` varies the noise.
pub fn landscape(width: u32, height: u32, paved: bool, seed: u32) -> RgbImage {
    let horizon = height as f32 * 0.42;
    let (wf, hf) = (width as f32, height as f32);
    RgbImage::from_fn(width, height, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let n = noise(x, y, seed);
        // Hills: a soft sine ridge just above the horizon.
        let ridge = horizon - hf * (0.05 + 0.03 * (xf / wf * 7.0 + seed as f32).sin());
        if yf < ridge {
            let t = yf / ridge;
            // Sky: deep blue to pale near the hills, with a few cloud bands.
            let cloud = ((xf / wf * 9.0 + yf / hf * 40.0).sin() * 0.5 + 0.5).powi(8) * 60.0;
            return shade(
                [90.0 + 120.0 * t + cloud, 140.0 + 90.0 * t + cloud, 220.0 + 25.0 * t + cloud],
                n,
                6.0,
            );
        }
        if yf < horizon {
            return shade([70.0, 110.0, 80.0], n, 30.0);
        }
        // Perspective: 0 at the horizon, 1 at the bottom edge.
        let p = (yf - horizon) / (hf - horizon);
        let centre = wf * 0.5 + (p - 0.5) * wf * 0.08;
        let half = wf * (0.01 + 0.32 * p);
        let dx = (xf - centre).abs();
        if dx < half {
            if paved {
                let line = dx < half * 0.02 && ((p * 60.0).fract() < 0.55);
                if line {
                    return shade([235.0, 235.0, 225.0], n, 20.0);
                }
                let seam = ((p * 25.0).fract() < 0.01) as u32 as f32 * 40.0;
                return shade([175.0 - seam, 172.0 - seam, 165.0 - seam], n, 30.0);
            }
            let rut = ((dx / half - 0.45).abs() < 0.08) as u32 as f32 * 25.0;
            let puddle = noise(x / 40, y / 25, seed + 7) > 235;
            if puddle {
                return shade([120.0, 125.0, 135.0], n, 15.0);
            }
            return shade([150.0 - rut, 115.0 - rut, 80.0 - rut], n, 70.0);
        }
        if dx < half * 1.08 {
            return shade([120.0, 100.0, 70.0], n, 50.0); // shoulder
        }
        // Fields: rows of crops converging to the horizon.
        let row = ((xf - centre) / (half + 1.0) * 6.0).sin() * 0.5 + 0.5;
        shade([60.0 + 60.0 * row, 120.0 + 60.0 * row, 40.0 + 20.0 * row], n, 60.0)
    })
}
