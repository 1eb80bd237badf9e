use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use image::{DynamicImage, GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};

use super::fixtures::*;
use super::*;
use crate::diagnostic::{Lang, Position};

struct Site {
    dir: tempfile::TempDir,
    cache: ImageCache,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let cache = ImageCache::new(dir.path().join("cache")).unwrap();
        Site { dir, cache }
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// 40×20: left half red, right half blue, so orientation is visible in the pixels.
fn two_tone(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, _| if x < w / 2 { Rgb([220, 20, 20]) } else { Rgb([20, 20, 220]) })
}

fn no_exif(bytes: &[u8]) -> bool {
    exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)).is_err()
}

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).unwrap()
}

#[test]
fn exif_fixture_is_read_back_by_kamadak_exif() {
    let jpeg = splice_after_soi(
        &jpeg_bytes(&two_tone(40, 20), 90),
        &exif_app1(Some(6), Some((30.5, 114.25))),
    );
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&jpeg)).unwrap();
    let o = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY).unwrap();
    assert_eq!(o.value.get_uint(0), Some(6));
    assert!(exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some());
    assert!(exif.get_field(exif::Tag::GPSLongitudeRef, exif::In::PRIMARY).is_some());
}

#[test]
fn orientation_6_comes_out_upright_without_exif() {
    let site = Site::new();
    let jpeg = splice_after_soi(&jpeg_bytes(&two_tone(40, 20), 95), &exif_app1(Some(6), None));
    let src = site.write("phone.jpg", &jpeg);
    let p = process(&src, &ImageSettings::default(), &site.cache).unwrap();
    assert_eq!((p.width, p.height), (20, 40), "orientation 6 swaps width and height");
    assert_eq!(p.format, OutputFormat::Jpeg);
    assert_eq!(p.variants.len(), 1, "smaller than every width: only the original size");
    let v = &p.variants[0];
    assert_eq!((v.width, v.height), (20, 40));
    assert_eq!(v.file_name, "phone-20.jpg");
    let out = v.bytes().unwrap();
    assert!(no_exif(&out), "output must carry no EXIF");
    let img = decode(&out);
    assert_eq!(img.dimensions(), (20, 40));
    // Rotated 90° clockwise: the left (red) half is now on top.
    let top = img.get_pixel(10, 5);
    let bottom = img.get_pixel(10, 35);
    assert!(top[0] > 150 && top[2] < 100, "top should be red: {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "bottom should be blue: {bottom:?}");
}

#[test]
fn gps_is_gone_from_every_variant_and_the_original() {
    let site = Site::new();
    let img = landscape(1200, 800, true, 1);
    let jpeg = splice_after_soi(&jpeg_bytes(&img, 85), &exif_app1(None, Some((30.59, 114.30))));
    assert!(!no_exif(&jpeg));
    let src = site.write("house.jpg", &jpeg);
    let settings = ImageSettings::default();
    let p = process(&src, &settings, &site.cache).unwrap();
    for v in &p.variants {
        let out = v.bytes().unwrap();
        assert!(no_exif(&out), "{} carries EXIF", v.file_name);
        assert!(!out.windows(4).any(|w| w == b"Exif"));
    }
    let original = originals_without_metadata(&src, &settings, &site.cache).unwrap();
    assert_eq!(original.file_name, "house-original.jpg");
    assert_eq!((original.width, original.height), (1200, 800));
    let bytes = original.bytes().unwrap();
    assert!(no_exif(&bytes));
    assert_ne!(bytes, jpeg, "the raw file is never copied");
}

#[test]
fn widths_never_upscale_and_include_the_original_size_when_smaller() {
    let w = [480, 960, 1600];
    assert_eq!(process::target_widths(4000, &w), vec![480, 960, 1600]);
    assert_eq!(process::target_widths(1600, &w), vec![480, 960, 1600]);
    assert_eq!(process::target_widths(1200, &w), vec![480, 960, 1200]);
    assert_eq!(process::target_widths(960, &w), vec![480, 960]);
    assert_eq!(process::target_widths(300, &w), vec![300]);

    let site = Site::new();
    let src = site.write("field.jpg", &jpeg_bytes(&landscape(1200, 900, false, 2), 85));
    let p = process(&src, &ImageSettings::default(), &site.cache).unwrap();
    let dims: Vec<(u32, u32)> = p.variants.iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(dims, vec![(480, 360), (960, 720), (1200, 900)]);
    assert_eq!(p.largest.width, 1200);
    for v in &p.variants {
        assert_eq!(decode(&v.bytes().unwrap()).dimensions(), (v.width, v.height));
    }
    let names: Vec<&str> = p.variants.iter().map(|v| v.file_name.as_str()).collect();
    assert_eq!(names, ["field-480.jpg", "field-960.jpg", "field-1200.jpg"]);
}

#[test]
fn png_stays_png_with_alpha() {
    let site = Site::new();
    let img =
        RgbaImage::from_fn(600, 300, |x, y| Rgba([(x % 256) as u8, (y % 256) as u8, 80, 128]));
    let src = site.write("diagram.png", &png_bytes(&DynamicImage::ImageRgba8(img)));
    let p = process(&src, &ImageSettings::default(), &site.cache).unwrap();
    assert_eq!(p.format, OutputFormat::Png);
    let dims: Vec<(u32, u32)> = p.variants.iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(dims, vec![(480, 240), (600, 300)]);
    let out = decode(&p.variants[0].bytes().unwrap());
    assert!(out.color().has_alpha());
    assert_eq!(p.variants[1].file_name, "diagram-600.png");
}

#[test]
fn gif_becomes_png() {
    let site = Site::new();
    let mut bytes = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(two_tone(40, 20))
        .write_to(&mut bytes, image::ImageFormat::Gif)
        .unwrap();
    let src = site.write("sign.gif", bytes.get_ref());
    let p = process(&src, &ImageSettings::default(), &site.cache).unwrap();
    assert_eq!(p.format, OutputFormat::Png);
    assert_eq!(p.variants[0].file_name, "sign-40.png");
}

#[test]
fn icc_profile_is_kept() {
    let site = Site::new();
    // An APP2 ICC_PROFILE segment (content is opaque to us; any bytes survive the round trip).
    let icc: Vec<u8> = (0..200u8).collect();
    let mut seg = vec![0xFF, 0xE2];
    seg.extend_from_slice(&((2 + 14 + icc.len()) as u16).to_be_bytes());
    seg.extend_from_slice(b"ICC_PROFILE\0\x01\x01");
    seg.extend_from_slice(&icc);
    let jpeg = splice_after_soi(&jpeg_bytes(&two_tone(40, 20), 90), &seg);
    let src = site.write("icc.jpg", &jpeg);
    let p = process(&src, &ImageSettings::default(), &site.cache).unwrap();
    let out = p.variants[0].bytes().unwrap();
    let mut dec = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&out)).unwrap();
    use image::ImageDecoder;
    assert_eq!(dec.icc_profile().unwrap(), Some(icc));
}

#[test]
fn second_run_hits_the_cache_and_decodes_nothing() {
    let site = Site::new();
    let src = site.write("road.jpg", &jpeg_bytes(&landscape(1000, 700, true, 3), 85));
    let settings = ImageSettings::default();
    let before = decodes_on_this_thread();
    let first = process(&src, &settings, &site.cache).unwrap();
    assert!(!first.from_cache);
    assert_eq!(decodes_on_this_thread(), before + 1);
    let mtimes: Vec<_> = first
        .variants
        .iter()
        .map(|v| std::fs::metadata(&v.path).unwrap().modified().unwrap())
        .collect();

    let second = process(&src, &settings, &site.cache).unwrap();
    assert!(second.from_cache);
    assert_eq!(decodes_on_this_thread(), before + 1, "a warm rebuild decodes nothing");
    assert_eq!(first.variants, second.variants);
    let again: Vec<_> = second
        .variants
        .iter()
        .map(|v| std::fs::metadata(&v.path).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, again, "cache files are reused, not rewritten");

    // Other settings: another entry.
    let other = ImageSettings { jpeg_quality: 60, ..settings.clone() };
    let third = process(&src, &other, &site.cache).unwrap();
    assert!(!third.from_cache);
    assert_ne!(third.key, first.key);

    // Prune keeps only what is used.
    let used: BTreeSet<CacheKey> = [first.key.clone()].into();
    assert_eq!(site.cache.prune(&used).unwrap(), 1);
    assert!(process(&src, &settings, &site.cache).unwrap().from_cache);
    assert!(!process(&src, &other, &site.cache).unwrap().from_cache);
}

#[test]
fn same_bytes_under_two_names_share_an_entry_with_own_names() {
    let site = Site::new();
    let bytes = jpeg_bytes(&two_tone(40, 20), 90);
    let a = process(&site.write("a.jpg", &bytes), &ImageSettings::default(), &site.cache).unwrap();
    let b = process(&site.write("b.jpg", &bytes), &ImageSettings::default(), &site.cache).unwrap();
    assert_eq!(a.key, b.key);
    assert!(b.from_cache);
    assert_eq!(b.variants[0].file_name, "b-40.jpg");
}

fn job(source: &Path, line: usize) -> Job {
    Job { source: source.to_path_buf(), referenced_from: ("content/a/index.md".into(), line, 3) }
}

#[test]
fn bad_inputs_become_diagnostics_at_the_reference_and_others_still_process() {
    let site = Site::new();
    let good = site.write("good.jpg", &jpeg_bytes(&two_tone(40, 20), 90));
    let full = jpeg_bytes(&landscape(300, 200, false, 4), 90);
    let truncated = site.write("cut.jpg", &full[..full.len() / 2]);
    let heic = site.write("IMG_0001.HEIC", &heic_header());
    let heic_as_jpg = site.write("renamed.jpg", &heic_header());
    let bomb = site.write("bomb.png", &png_bomb(100_000, 100_000));
    let missing = site.dir.path().join("missing.jpg");
    let garbage = site.write("notes.jpg", b"this is not an image at all");
    let bmp = site.write("scan.bmp", b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0");

    let jobs = vec![
        job(&good, 1),
        job(&truncated, 2),
        job(&heic, 3),
        job(&heic_as_jpg, 4),
        job(&bomb, 5),
        job(&missing, 6),
        job(&garbage, 7),
        job(&bmp, 8),
        job(&good, 9),
    ];
    let results = process_many(jobs, &ImageSettings::default(), &site.cache, None);
    assert_eq!(results.len(), 9);
    assert!(results[0].is_ok());
    assert!(results[8].is_ok(), "the same image referenced twice");
    let expect = [
        (1, "image.corrupt"),
        (2, "image.heic"),
        (3, "image.heic"),
        (4, "image.too-many-pixels"),
        (5, "image.missing"),
        (6, "image.corrupt"),
        (7, "image.unsupported"),
    ];
    for (i, code) in expect {
        let d = results[i].as_ref().expect_err(code);
        assert_eq!(d.message.code(), code, "job {i}: {}", d.render(Lang::En));
        assert_eq!(d.path, "content/a/index.md");
        assert_eq!(d.position, Position::Text { line: i + 1, column: 3 });
        assert!(d.is_error());
    }
    let heic_msg = results[2].as_ref().unwrap_err().render(Lang::Zh);
    assert!(heic_msg.contains("设置 → 相机 → 格式 → 兼容性最佳"), "{heic_msg}");
    assert!(heic_msg.starts_with("content/a/index.md:3:3: 错误"), "{heic_msg}");
    let bomb_err = results[4].as_ref().unwrap_err().message.en();
    assert!(bomb_err.contains("100000x100000"), "{bomb_err}");
}

#[test]
fn every_error_has_both_languages() {
    let errors = [
        ImageError::Missing { file: "a.jpg".into() },
        ImageError::Unreadable { file: "a.jpg".into(), reason: "x".into() },
        ImageError::Corrupt { file: "a.jpg".into(), detail: "x".into() },
        ImageError::Heic { file: "a.heic".into() },
        ImageError::Unsupported { file: "a.bmp".into(), format: "BMP".into() },
        ImageError::TooManyPixels { file: "a.png".into(), width: 1, height: 2, limit: 100_000_000 },
        ImageError::Write { file: "a.jpg".into(), reason: "disk full".into() },
    ];
    for e in errors {
        assert!(e.zh().contains("a."), "{e:?}");
        assert!(e.en().contains("a."), "{e:?}");
        assert!(e.code().starts_with("image."));
    }
}

#[test]
fn random_bytes_never_panic() {
    let site = Site::new();
    let base = jpeg_bytes(&two_tone(40, 20), 90);
    for i in 0..40usize {
        let mut b = base.clone();
        // Flip bytes throughout, including the headers.
        for k in 0..8 {
            let pos = (i * 131 + k * 977) % b.len();
            b[pos] = b[pos].wrapping_add(1 + (i as u8));
        }
        let src = site.write(&format!("f{i}.jpg"), &b);
        let _ = process(&src, &ImageSettings::default(), &site.cache);
    }
}

#[test]
fn settings_from_toml() {
    let s: ImageSettings = toml::from_str("widths = [320, 640]\njpeg_quality = 75").unwrap();
    assert_eq!(s.widths, vec![320, 640]);
    assert_eq!(s.max_pixels, 100_000_000);
    assert!(toml::from_str::<ImageSettings>("widht = [1]").is_err());
    let d: ImageSettings = toml::from_str("").unwrap();
    assert_eq!(d, ImageSettings::default());

    let fm: ImageFrontMatter = toml::from_str(
        r#"cover = "a.jpg"
gallery = ["b.jpg", { file = "c.jpg", alt = "村道" }]
publish_originals = true"#,
    )
    .unwrap();
    assert_eq!(fm.cover.as_deref(), Some("a.jpg"));
    assert_eq!(fm.gallery[1].file(), "c.jpg");
    assert_eq!(fm.gallery[1].alt(), "村道");
    assert!(fm.publish_originals);
}

fn variant(name: &str, w: u32, h: u32) -> Variant {
    Variant { width: w, height: h, file_name: name.into(), path: PathBuf::new(), len: 0 }
}

#[test]
fn img_tag_lists_every_width_and_escapes_alt() {
    let vs = [
        variant("a-480.jpg", 480, 360),
        variant("a-960.jpg", 960, 720),
        variant("a-1600.jpg", 1600, 1200),
    ];
    let tag = img_tag("村道 <硬化> & \"竣工\"", &vs, None, "../");
    assert_eq!(
        tag,
        "<img src=\"../a-960.jpg\" srcset=\"../a-480.jpg 480w, ../a-960.jpg 960w, ../a-1600.jpg 1600w\" \
         sizes=\"(max-width: 48rem) 100vw, 48rem\" width=\"960\" height=\"720\" loading=\"lazy\" \
         decoding=\"async\" data-print-src=\"../a-1600.jpg\" alt=\"村道 &lt;硬化&gt; &amp; &quot;竣工&quot;\">"
    );
    assert_eq!(print_src(&vs, "../").as_deref(), Some("../a-1600.jpg"));
    let spaced = [variant("my photo,1-480.jpg", 480, 320)];
    assert!(
        img_tag("", &spaced, Some("100vw"), "").contains("srcset=\"my%20photo%2C1-480.jpg 480w\"")
    );
    assert_eq!(img_tag("x", &[], None, ""), "");
}

#[test]
fn describe_gives_label_and_human_size() {
    let site = Site::new();
    let p = site.write("预算.pdf", &vec![b'x'; 1_250_000]);
    let d = describe(&p).unwrap();
    assert_eq!(d.label, "PDF 文档");
    assert_eq!(d.size, 1_250_000);
    assert_eq!(d.human_size, "1.2 MB");
    assert_eq!(human_size(850), "850 B");
    assert_eq!(human_size(12_000), "12 KB");
    assert_eq!(describe(&site.write("表.xlsx", b"")).unwrap().label, "Excel 表格");
}

#[test]
fn names_are_recognised_conservatively() {
    for yes in ["张三", "欧阳明华", "Zhang Wei", "阿依古丽·买买提"] {
        assert!(attachments::looks_like_person(yes), "{yes}");
    }
    for no in [
        "",
        "Administrator",
        "Microsoft® Word 2019",
        "青石村村委会",
        "管理员",
        "财务室",
        "WPS Office",
        "Microsoft Office User",
        "dell",
        "张",
    ] {
        assert!(!attachments::looks_like_person(no), "{no}");
    }
}

#[test]
fn pdf_author_is_warned_about() {
    let site = Site::new();
    // UTF-16BE author in a hex string, software in Creator, and a person in XMP.
    let author_hex: String = [0xFE, 0xFF]
        .into_iter()
        .chain("李明".encode_utf16().flat_map(|u| u.to_be_bytes()))
        .map(|b: u8| format!("{b:02X}"))
        .collect();
    let pdf = format!(
        "%PDF-1.4\n1 0 obj\n<< /Author <{author_hex}> /Creator (Microsoft\\256 Word 2019) /Producer (x) >>\nendobj\n\
         <x:xmpmeta><dc:creator><rdf:Seq><rdf:li>Wang Fang</rdf:li></rdf:Seq></dc:creator></x:xmpmeta>\n%%EOF\n"
    );
    let p = site.write("决算.pdf", pdf.as_bytes());
    let w = attachment_warnings(&p);
    let values: Vec<&str> = w
        .iter()
        .map(|w| match w {
            AttachmentWarning::PersonalName { value, .. } => value.as_str(),
        })
        .collect();
    assert_eq!(values, ["李明", "Wang Fang"]);
    assert!(w[0].zh().contains("决算.pdf"));

    let clean = site.write(
        "clean.pdf",
        b"%PDF-1.4\n<< /Author (Qingshi Village Committee) /Creator (WPS Office) >>",
    );
    assert!(attachment_warnings(&clean).is_empty());
}

#[test]
fn docx_core_properties_are_warned_about() {
    let site = Site::new();
    let path = site.dir.path().join("通知.docx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("docProps/core.xml", opts).unwrap();
    use std::io::Write;
    zip.write_all(
        "<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"x\" xmlns:dc=\"y\">\
         <dc:title>通知</dc:title><dc:creator>&#x8D75;&#x4E3D;</dc:creator>\
         <cp:lastModifiedBy>Administrator</cp:lastModifiedBy></cp:coreProperties>"
            .as_bytes(),
    )
    .unwrap();
    zip.finish().unwrap();
    let w = attachment_warnings(&path);
    assert_eq!(
        w,
        vec![AttachmentWarning::PersonalName {
            file: "通知.docx".into(),
            field: "dc:creator".into(),
            value: "赵丽".into()
        }]
    );
    // Damaged or unknown files: no warnings, no panic.
    assert!(attachment_warnings(&site.write("bad.xlsx", b"PK\x03\x04junk")).is_empty());
    assert!(attachment_warnings(&site.write("a.txt", b"Author: Zhang Wei")).is_empty());
}

#[test]
fn many_images_with_progress_keep_their_order() {
    let site = Site::new();
    let jobs: Vec<Job> = (0..12u8)
        .map(|i| {
            let img = RgbImage::from_pixel(30 + u32::from(i), 10, Rgb([i * 10, 100, 50]));
            job(&site.write(&format!("p{i}.jpg"), &jpeg_bytes(&img, 90)), usize::from(i) + 1)
        })
        .collect();
    let results = process_many(jobs, &ImageSettings::default(), &site.cache, Some("处理图片"));
    let widths: Vec<u32> = results.iter().map(|r| r.as_ref().unwrap().width).collect();
    assert_eq!(widths, (30..42).collect::<Vec<u32>>());
}

#[test]
fn truncation_is_found_even_with_an_exif_thumbnail() {
    let full = jpeg_bytes(&landscape(200, 100, true, 5), 90);
    // An APP1 whose payload holds a thumbnail's own SOI…EOI: its EOI must not count.
    let mut thumb = vec![0xFF, 0xE1, 0, 12];
    thumb.extend_from_slice(b"Exif\0\0\xFF\xD8\xFF\xD9");
    let with_thumb = splice_after_soi(&full, &thumb);
    assert!(process::jpeg_is_complete(&with_thumb));
    assert!(!process::jpeg_is_complete(&with_thumb[..with_thumb.len() - 100]));
    // Trailing data after EOI (Android motion photos append a video) is fine.
    let mut motion = with_thumb.clone();
    motion.extend_from_slice(b"\0\0\0\x18ftypmp42 trailing video");
    assert!(process::jpeg_is_complete(&motion));
}

#[test]
fn avif_is_not_mistaken_for_heic() {
    let site = Site::new();
    let mut avif = vec![0, 0, 0, 0x1c];
    avif.extend_from_slice(b"ftypavif\0\0\0\0avifmif1miaf");
    avif.extend_from_slice(&[0u8; 32]);
    let err =
        process(&site.write("a.avif", &avif), &ImageSettings::default(), &site.cache).unwrap_err();
    assert_eq!(err, ImageError::Unsupported { file: "a.avif".into(), format: "AVIF".into() });
}
