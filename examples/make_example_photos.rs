//! Generates the example photos of `content/village/2026-road-repair/` (procedurally drawn, no
//! people). `road-before.jpg` carries EXIF orientation 6 (stored sideways, as a phone held upright
//! writes it) and `road-after.jpg` a fake GPS position, so a build shows both being handled.
//!
//! cargo run --example make_example_photos [-- <output folder>]

use std::path::PathBuf;

use gongkai::images::fixtures::{exif_app1, jpeg_bytes, landscape, png_bytes, splice_after_soi};
use image::{DynamicImage, Rgb, RgbImage, imageops};

fn main() -> std::io::Result<()> {
    let out: PathBuf = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("content/village/2026-road-repair"));
    std::fs::create_dir_all(&out)?;

    // Before: a dirt track, 1600×2133 upright (portrait), stored rotated with Orientation = 6.
    let before = landscape(1600, 2133, false, 11);
    let stored = imageops::rotate270(&before); // the sensor's landscape frame
    let bytes = splice_after_soi(&jpeg_bytes(&stored, 80), &exif_app1(Some(6), None));
    std::fs::write(out.join("road-before.jpg"), bytes)?;

    // After: fresh concrete, 2400×1600, with a made-up GPS position in the EXIF.
    let after = landscape(2400, 1600, true, 12);
    let bytes = splice_after_soi(&jpeg_bytes(&after, 80), &exif_app1(Some(1), Some((28.1, 112.9))));
    std::fs::write(out.join("road-after.jpg"), bytes)?;

    // Meeting notice: a plain diagram-like PNG (a board with lines standing in for text).
    let notice = RgbImage::from_fn(1800, 1200, |x, y| {
        let border = x < 40 || y < 40 || x >= 1760 || y >= 1160;
        let title = (150..230).contains(&y) && (500..1300).contains(&x);
        let line = (320..1000).contains(&y) && (y - 320) % 80 < 24 && (160..1640).contains(&x);
        let seal = {
            let (dx, dy) = (x as i32 - 1400, y as i32 - 1020);
            let r2 = dx * dx + dy * dy;
            (90 * 90..100 * 100).contains(&r2)
        };
        if border {
            Rgb([180, 30, 30])
        } else if title {
            Rgb([40, 40, 40])
        } else if seal {
            Rgb([210, 40, 40])
        } else if line {
            Rgb([90, 90, 90])
        } else {
            Rgb([250, 248, 240])
        }
    });
    std::fs::write(out.join("meeting-notice.png"), png_bytes(&DynamicImage::ImageRgb8(notice)))?;
    println!("wrote 3 example images to {}", out.display());
    Ok(())
}
