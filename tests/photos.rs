//! Photos end to end: phone pictures in a posting bundle are published upright, resized and
//! without EXIF (GPS); bad files are reported where they are referenced, all in one build.

mod common;
use common::*;
use gongkai::images::fixtures;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const TODAY: &str = "2026-11-25";
const DIR: &str = "content/village/2026-photos";
const INDEX: &str = "content/village/2026-photos/index.md";
const OUT: &str = "village/2026-photos";

/// A 1200×800 landscape JPEG stored sideways: EXIF orientation 6 (rotate 90° clockwise), as a
/// phone held upright writes it. Upright it is 800×1200.
fn sideways_jpeg() -> Vec<u8> {
    let jpeg = fixtures::jpeg_bytes(&fixtures::landscape(1200, 800, true, 1), 85);
    fixtures::splice_after_soi(&jpeg, &fixtures::exif_app1(Some(6), None))
}

/// A 600×400 JPEG with the GPS position of a house.
fn gps_jpeg(seed: u32) -> Vec<u8> {
    let jpeg = fixtures::jpeg_bytes(&fixtures::landscape(600, 400, false, seed), 85);
    fixtures::splice_after_soi(&jpeg, &fixtures::exif_app1(Some(1), Some((30.2741, 120.1551))))
}

/// A 300×200 PNG screenshot.
fn small_png() -> Vec<u8> {
    fixtures::png_bytes(&image::DynamicImage::ImageRgb8(fixtures::landscape(300, 200, true, 3)))
}

fn good_site(front_extra: &str) -> tempfile::TempDir {
    let site = site("basic");
    let dir = site.path().join(DIR);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("upright.jpg"), sideways_jpeg()).unwrap();
    std::fs::write(dir.join("gps.jpg"), gps_jpeg(2)).unwrap();
    std::fs::write(dir.join("notice.png"), small_png()).unwrap();
    std::fs::write(dir.join("nocaption.jpg"), gps_jpeg(4)).unwrap();
    // Never referenced: must still not leak its position.
    std::fs::write(dir.join("unused.jpg"), gps_jpeg(5)).unwrap();
    std::fs::write(
        site.path().join(INDEX),
        format!(
            "+++\ntitle = \"村道硬化施工照片\"\ndate = 2026-11-20\n{front_extra}+++\n\n施工现场（手机竖拍）：\n\n![施工现场，竖拍](upright.jpg)\n\n![带定位的照片](gps.jpg)\n\n![会议通知](notice.png)\n\n照片 ![](nocaption.jpg)\n"
        ),
    )
    .unwrap();
    site
}

fn has_exif(bytes: &[u8]) -> bool {
    exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)).is_ok()
}

fn dims(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn img_attrs(doc: &scraper::Html, alt: &str) -> BTreeMap<String, String> {
    let img = doc
        .select(&sel(".prose img"))
        .find(|e| e.value().attr("alt") == Some(alt))
        .unwrap_or_else(|| panic!("no <img alt={alt:?}>"));
    img.value().attrs().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// `srcset` as (file, width) pairs.
fn srcset(attrs: &BTreeMap<String, String>) -> Vec<(String, u32)> {
    attrs["srcset"]
        .split(", ")
        .map(|c| {
            let (file, w) = c.split_once(' ').unwrap();
            (file.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

#[test]
fn photos_are_upright_resized_and_stripped() {
    let site = good_site("");
    let out = site.path().join("public");
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // Missing alt text: a warning at the reference, not an error.
    assert!(
        err.contains(&format!(
            "{INDEX}:14:4: 警告: 图片 `village/2026-photos/nocaption.jpg` 没有文字说明"
        )),
        "{err}"
    );
    // With the line it stands on (the build lets go of the Markdown after its checks).
    assert!(err.contains("14 | 照片 ![](nocaption.jpg)"), "{err}");
    let page = out.join(OUT);
    let doc = html(&page.join("index.html"));

    // Orientation 6: variants are 800 wide at most (the upright width), portrait.
    let a = img_attrs(&doc, "施工现场，竖拍");
    assert_eq!(srcset(&a), [("upright-480.jpg".into(), 480), ("upright-800.jpg".into(), 800)]);
    assert_eq!(a["src"], "upright-800.jpg");
    assert_eq!((a["width"].as_str(), a["height"].as_str()), ("800", "1200"));
    assert_eq!(a["loading"], "lazy");
    assert_eq!(a["decoding"], "async");
    assert!(a.contains_key("sizes"));
    assert_eq!(dims(&page.join("upright-480.jpg")), (480, 720));
    assert_eq!(dims(&page.join("upright-800.jpg")), (800, 1200));

    // Never upscaled: a 600 px photo gets 480 and 600; a 300 px PNG only itself, still PNG.
    let g = img_attrs(&doc, "带定位的照片");
    assert_eq!(srcset(&g), [("gps-480.jpg".into(), 480), ("gps-600.jpg".into(), 600)]);
    assert_eq!((g["width"].as_str(), g["height"].as_str()), ("600", "400"));
    let n = img_attrs(&doc, "会议通知");
    assert_eq!(srcset(&n), [("notice-300.png".into(), 300)]);
    assert_eq!((n["width"].as_str(), n["height"].as_str()), ("300", "200"));
    assert_eq!(dims(&page.join("notice-300.png")), (300, 200));

    // No original is published; no published image carries EXIF.
    let files: Vec<String> = tree(&page).into_keys().collect();
    for original in ["upright.jpg", "gps.jpg", "notice.png", "nocaption.jpg", "unused.jpg"] {
        assert!(!files.contains(&original.to_string()), "{original} published: {files:?}");
    }
    // A photo the posting does not name is not published at all, and the build says so.
    assert!(!files.iter().any(|f| f.starts_with("unused")), "{files:?}");
    assert!(
        err.contains("内容里没有写到它们，所以没有发布") && err.contains("unused.jpg"),
        "{err}"
    );
    let mut images = 0;
    for (path, bytes) in tree(&out) {
        if path.ends_with(".jpg") || path.ends_with(".png") {
            assert!(!has_exif(&bytes), "{path} still has EXIF");
            images += 1;
        }
    }
    assert_eq!(images, 7, "2 + 2 + 1 + 2 variants");
    // The source really had it.
    assert!(has_exif(&std::fs::read(site.path().join(DIR).join("gps.jpg")).unwrap()));
}

#[test]
fn originals_only_when_asked_and_without_exif() {
    let site = good_site("publish_originals = true\n");
    let out = site.path().join("public");
    let o = build(site.path(), TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = out.join(OUT);
    for (name, size) in [
        ("upright-original.jpg", (800, 1200)),
        ("gps-original.jpg", (600, 400)),
        ("notice-original.png", (300, 200)),
    ] {
        let bytes = std::fs::read(page.join(name)).unwrap_or_else(|_| panic!("{name} missing"));
        assert!(!has_exif(&bytes), "{name} has EXIF");
        assert_eq!(dims(&page.join(name)), size, "{name}");
    }
    // Still never the raw file.
    assert!(!page.join("gps.jpg").exists() && !page.join("upright.jpg").exists());
    assert!(!page.join("unused-original.jpg").exists(), "an unnamed photo is not published");
}

/// Every file under the image cache with its modification time.
fn cache_entries(root: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walkdir::WalkDir::new(root.join(".gongkai-cache/images"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), e.metadata().unwrap().modified().unwrap()))
        .collect()
}

#[test]
fn the_second_build_reuses_the_cache() {
    let site = good_site("");
    let out = site.path().join("public");
    assert!(build(site.path(), TODAY, &[]).status.success());
    let cached = cache_entries(site.path());
    // One entry (meta.json + variants) per distinct published photo: 4 photos.
    let metas = cached.keys().filter(|p| p.ends_with("meta.json")).count();
    assert_eq!(metas, 4, "{cached:?}");
    let published = tree(&out);
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(build(site.path(), TODAY, &[]).status.success());
    assert_eq!(cached, cache_entries(site.path()), "cache entries were rewritten");
    assert_eq!(published, tree(&out));
    // A removed photo's entry is pruned after a successful build.
    std::fs::remove_file(site.path().join(DIR).join("unused.jpg")).unwrap();
    assert!(build(site.path(), TODAY, &[]).status.success());
    let metas = cache_entries(site.path()).keys().filter(|p| p.ends_with("meta.json")).count();
    assert_eq!(metas, 4);
}

#[test]
fn bad_photos_are_all_reported_where_referenced() {
    let site = site("basic");
    let out = site.path().join("public");
    assert!(build(site.path(), TODAY, &[]).status.success());
    let before = tree(&out);
    let dir = site.path().join(DIR);
    std::fs::create_dir_all(&dir).unwrap();
    let jpeg = gps_jpeg(7);
    std::fs::write(dir.join("truncated.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    std::fs::write(dir.join("iphone.heic"), fixtures::heic_header()).unwrap();
    std::fs::write(dir.join("fine.jpg"), gps_jpeg(8)).unwrap();
    // A HEIC file saved with a .jpg name, as some phones export.
    std::fs::write(dir.join("renamed.jpg"), fixtures::heic_header()).unwrap();
    std::fs::write(
        site.path().join(INDEX),
        "+++\ntitle = \"照片\"\ndate = 2026-11-20\n+++\n\n![好的](fine.jpg)\n\n没拷完：![路面](truncated.jpg)\n\n![苹果手机](iphone.heic) 和 ![改名的](renamed.jpg)\n",
    )
    .unwrap();
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": 错误: ")).collect();
    assert_eq!(errors.len(), 3, "{err}");
    assert!(
        errors[0].starts_with(&format!("{INDEX}:8:5: 错误: 图片“truncated.jpg”已损坏或不完整")),
        "{err}"
    );
    assert!(
        errors[1]
            .starts_with(&format!("{INDEX}:10:1: 错误: 图片“iphone.heic”是苹果手机的 HEIC 格式")),
        "{err}"
    );
    assert!(
        errors[2]
            .starts_with(&format!("{INDEX}:10:24: 错误: 图片“renamed.jpg”是苹果手机的 HEIC 格式")),
        "{err}"
    );
    assert!(err.contains("共 3 个错误"), "{err}");
    assert_eq!(before, tree(&out), "public/ changed after a failed build");
}
