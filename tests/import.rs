//! `gongkai import` on Word files written by real writers (python-docx, LibreOffice from .odt and
//! .html; see scripts/make-import-fixtures.sh): the posting equals the reviewed expected file,
//! builds, its photo carries no GPS, and what does not map or must not be published is named.

mod common;

use common::*;
use std::io::Read;
use std::path::{Path, PathBuf};

fn word(name: &str) -> PathBuf {
    fixture("import").join(name)
}

fn import(root: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    gongkai()
        .arg("import")
        .arg(file)
        .arg("--root")
        .arg(root)
        .arg("--today")
        .arg("2026-12-02")
        .args(extra)
        .output()
        .unwrap()
}

/// The postings under content/ that the example site does not have.
fn new_postings(root: &Path) -> Vec<String> {
    let before = tree(&repo().join("content"));
    tree(&root.join("content")).into_keys().filter(|k| !before.contains_key(k)).collect()
}

fn has_gps(bytes: &[u8]) -> bool {
    // piexif (which wrote the fixture's Exif) ends the GPS IFD in a way kamadak-exif calls an
    // error; the fields read before it are still there.
    let read = exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .or_else(|e| e.distill_partial_result(|_| {}));
    let gps = read.is_ok_and(|e| e.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some());
    // No Exif segment at all is the stronger statement for the extracted copies.
    gps || bytes.windows(6).any(|w| w == b"Exif\0\0")
}

/// Each fixture becomes exactly the committed posting (reviewed by hand, compared with pandoc).
#[test]
fn postings_match_the_expected_markdown() {
    for (docx, posting) in [
        (
            "财务公示-python-docx.docx",
            "finance/2026-10-09-青石村2026年第三季度财务收支情况公示/index.md",
        ),
        (
            "决议公开-libreoffice.docx",
            "village/2026-05-14-关于实施青石村至下湾组村道硬化工程的决议公开.md",
        ),
        ("招标结果公示-html.docx", "village/2026-06-04-青石村村道硬化工程招标结果公示.md"),
    ] {
        let site = example_site();
        let out = import(site.path(), &word(docx), &[]);
        assert!(out.status.success(), "{docx}: {}", stderr(&out));
        let got = std::fs::read_to_string(site.path().join("content").join(posting))
            .unwrap_or_else(|e| panic!("{docx}: {posting}: {e}\n{}", stdout(&out)));
        let stem = docx.trim_end_matches(".docx");
        let want = std::fs::read_to_string(word(&format!("expected/{stem}.md"))).unwrap();
        assert_eq!(got, want, "{docx}");
        assert!(
            stdout(&out).contains(&format!("导入为草稿 content/{posting}")),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn merged_cells_text_boxes_and_personal_numbers_are_named() {
    let site = example_site();
    let out = import(site.path(), &word("财务公示-python-docx.docx"), &[]);
    let err = stderr(&out);
    assert!(err.contains("表格1第5行第1列“合计”是横跨2列的合并单元格"), "{err}");
    assert!(err.contains("表格1第2行第1列“工程支出”是竖跨2行的合并单元格"), "{err}");
    // The phone number in a cell: named by its cell in Word and its line in the new file, masked.
    assert!(err.contains("（Word 文件表格1第2行第4列）发现手机号码：138****5678"), "{err}");
    assert!(err.contains("index.md:32:38: 警告"), "{err}");
    assert!(!err.contains("13812345678"), "the full number is never shown: {err}");

    let out = import(site.path(), &word("决议公开-libreoffice.docx"), &[]);
    let err = stderr(&out);
    assert!(err.contains("有一个文本框“注：本工程接受全体村民监…”"), "{err}");
    let text = std::fs::read_to_string(
        site.path()
            .join("content/village/2026-05-14-关于实施青石村至下湾组村道硬化工程的决议公开.md"),
    )
    .unwrap();
    // Word stores a text box twice (the drawing and a fallback for old readers): kept once.
    assert_eq!(text.matches("注：本工程接受全体村民监督。").count(), 1, "{text}");

    let out = import(site.path(), &word("招标结果公示-html.docx"), &[]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "（Word 文件第4段“中标单位：青石县路桥工程…”）发现身份证号：**************002X"
        ),
        "{err}"
    );
    assert!(stdout(&out).contains("1 处个人信息"), "{}", stdout(&out));
}

#[test]
fn the_photo_loses_its_gps_and_the_posting_builds() {
    let site = example_site();
    // The photo inside the Word file has a GPS position.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(word("财务公示-python-docx.docx")).unwrap())
            .unwrap();
    let mut original = Vec::new();
    zip.by_name("word/media/image1.jpg").unwrap().read_to_end(&mut original).unwrap();
    assert!(has_gps(&original), "the fixture's photo must carry GPS");
    assert!(
        exif::Reader::new()
            .continue_on_error(true)
            .read_from_container(&mut std::io::Cursor::new(&original))
            .or_else(|e| e.distill_partial_result(|_| {}))
            .is_ok_and(|e| e.get_field(exif::Tag::GPSLongitude, exif::In::PRIMARY).is_some()),
        "the fixture's photo has a readable GPS position"
    );

    let out = import(site.path(), &word("财务公示-python-docx.docx"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle =
        site.path().join("content/finance/2026-10-09-青石村2026年第三季度财务收支情况公示");
    let extracted = std::fs::read(bundle.join("image-1.jpg")).unwrap();
    assert!(!has_gps(&extracted), "the extracted photo keeps no GPS");
    assert!(image::load_from_memory(&extracted).is_ok());

    // The guard refuses the phone number until the clerk removes it.
    let built = build(site.path(), "2026-10-20", &["--drafts"]);
    assert!(!built.status.success());
    assert!(stderr(&built).contains("发现手机号码：138****5678"), "{}", stderr(&built));
    let index = bundle.join("index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, text.replace("经办人电话 13812345678", "经办人电话尾号5678")).unwrap();
    let built = build(site.path(), "2026-10-20", &["--drafts"]);
    assert!(built.status.success(), "{}", stderr(&built));

    let page_dir =
        site.path().join("public/finance/2026-10-09-青石村2026年第三季度财务收支情况公示");
    let page = html(&page_dir.join("index.html"));
    assert_eq!(
        text_of(&page, "h1.page-title").split_whitespace().next(),
        Some("青石村2026年第三季度财务收支情况公示")
    );
    assert!(text_of(&page, ".posting-facts").contains("青石村村民委员会"));
    let headers: Vec<String> =
        page.select(&sel("article table th")).map(|t| t.text().collect()).collect();
    assert_eq!(headers, ["类别", "项目", "金额（元）", "备注"]);
    let h2: Vec<String> = page.select(&sel("article h2")).map(|t| t.text().collect()).collect();
    assert!(h2.iter().any(|h| h == "一、收入情况"), "{h2:?}");
    assert_eq!(text_of(&page, "article strong"), "86,400.00元");
    let img = page.select(&sel("article img")).next().expect("the photo is on the page");
    assert_eq!(img.value().attr("alt"), Some("图1 村道硬化第二期完工现场"));
    for (name, bytes) in tree(&page_dir) {
        if name.ends_with(".jpg") {
            assert!(!has_gps(&bytes), "{name} has GPS");
        }
    }
}

#[test]
fn footnotes_and_lists_reach_the_page() {
    let site = example_site();
    let out = import(site.path(), &word("决议公开-libreoffice.docx"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let built = build(site.path(), "2026-10-20", &["--drafts"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let page =
        html(&site.path().join(
            "public/village/2026-05-14-关于实施青石村至下湾组村道硬化工程的决议公开/index.html",
        ));
    assert!(text_of(&page, "article .footnotes").contains("应到村民代表30人，实到28人"));
    let items: Vec<String> =
        page.select(&sel("article ol > li")).map(|t| t.text().collect()).collect();
    assert!(
        items.iter().any(|i| i.contains("路基压实度")),
        "nested bullet inside item 2: {items:?}"
    );
    assert_eq!(page.select(&sel("article ol > li > ul > li")).count(), 2);
    assert_eq!(text_of(&page, "article em"), "上级奖补资金");
}

#[test]
fn old_encrypted_and_broken_files_get_clear_errors_and_change_nothing() {
    let site = example_site();
    let wps = tempfile::tempdir().unwrap();
    let wps_file = wps.path().join("通知.wps");
    std::fs::copy(word("决议公开-word97.doc"), &wps_file).unwrap();
    for (file, expect) in [
        (word("决议公开-word97.doc"), "是旧的 Word 97-2003 格式（.doc）"),
        (wps_file, "是 WPS 自己的格式（.wps）"),
        (word("加密-密码1234.docx"), "设置了打开密码"),
        (word("损坏-下载中断.docx"), "不是完整的 Word 文件"),
    ] {
        let before = std::fs::read(&file).unwrap();
        let out = import(site.path(), &file, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let err = stderr(&out);
        assert!(err.contains(expect), "{err}");
        if expect.contains("97") || expect.contains("WPS") {
            assert!(
                err.contains("另存为") && err.contains("Word 文档 (*.docx)") && err.contains("WPS"),
                "{err}"
            );
        }
        assert_eq!(std::fs::read(&file).unwrap(), before);
        assert!(new_postings(site.path()).is_empty(), "{:?}", new_postings(site.path()));
    }
    let out = gongkai()
        .env("GONGKAI_LANG", "en")
        .args(["import", "--root"])
        .arg(site.path())
        .arg(word("加密-密码1234.docx"))
        .output()
        .unwrap();
    assert!(stderr(&out).contains("is protected by a password"), "{}", stderr(&out));
}

#[test]
fn an_existing_posting_is_never_overwritten() {
    let site = example_site();
    let first = import(site.path(), &word("招标结果公示-html.docx"), &["--section", "village"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let path = site.path().join("content/village/2026-06-04-青石村村道硬化工程招标结果公示.md");
    std::fs::write(&path, "+++\ntitle = \"改过的\"\ndate = 2026-06-04\n+++\n").unwrap();
    let second = import(site.path(), &word("招标结果公示-html.docx"), &["--bundle"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(stdout(&second).contains("没有覆盖"), "{}", stdout(&second));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "+++\ntitle = \"改过的\"\ndate = 2026-06-04\n+++\n"
    );
    let again =
        site.path().join("content/village/2026-06-04-青石村村道硬化工程招标结果公示-2/index.md");
    assert_eq!(
        std::fs::read_to_string(again).unwrap(),
        std::fs::read_to_string(word("expected/招标结果公示-html.md")).unwrap()
    );
}

#[test]
fn a_missing_section_is_refused() {
    let site = example_site();
    let out = import(site.path(), &word("招标结果公示-html.docx"), &["--section", "nosuch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("栏目 nosuch 不存在"), "{}", stderr(&out));
    assert!(new_postings(site.path()).is_empty());
}
