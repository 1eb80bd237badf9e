//! Hostile and careless inputs: nothing outside the site folder is read or published, paths in
//! front matter that leave the site or name no file are errors at their line, and oversized or
//! deeply nested files are refused with a located error naming the limit, without exhausting
//! the machine (peak memory of the child process is measured).

mod common;
use common::*;
use std::path::Path;

const TODAY: &str = "2026-11-25";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A one-section site whose only posting is `content/village/2026-road/index.md` with `front`
/// (TOML lines) and `body`.
fn one_posting(front: &str, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "site.toml",
        "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\nbase_url = \"https://example.org/ceshi/\"\n\n[contact]\nphone = \"0571-0000 0000\"\naddress = \"测试镇人民政府\"\n",
    );
    write(root, "content/village/_index.md", "+++\ntitle = \"村组\"\n+++\n");
    write(
        root,
        "content/village/2026-road/index.md",
        &format!("+++\ntitle = \"道路硬化\"\ndate = 2026-10-10\n{front}+++\n{body}"),
    );
    dir
}

/// Builds into `<site>/public` and expects a failure that wrote nothing; returns stderr.
fn fails(root: &Path) -> String {
    let o = build(root, TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!root.join("public").exists(), "{err}");
    err
}

fn small_jpeg(path: &Path) {
    let img = image::RgbImage::from_pixel(16, 12, image::Rgb([120, 160, 90]));
    img.save(path).unwrap();
}

#[test]
fn absolute_and_escaping_paths_in_front_matter_are_errors_at_their_line() {
    let site = one_posting(
        "cover = \"../../../../etc/passwd\"\ngallery = [\"/etc/hosts\"]\nattachments = [{ file = \"/etc/passwd\" }, { file = \"C:\\\\Users\\\\a.pdf\" }]\nledger = { file = \"../../../secret.csv\" }\n",
        "正文。\n",
    );
    let err = fails(site.path());
    let p = "content/village/2026-road/index.md";
    for want in [
        format!(
            "{p}:4:9: 错误: `../../../../etc/passwd` 用 .. 走出了 content 文件夹，gongkai 不会读取或公开那里的文件"
        ),
        format!(
            "{p}:5:11: 错误: `/etc/hosts` 是一个完整路径，指向网站文件夹以外的地方，gongkai 不会读取或公开它"
        ),
        format!("{p}:6:25: 错误: `/etc/passwd` 是一个完整路径"),
        format!("{p}:6:51: 错误: `C:\\Users\\a.pdf` 是一个完整路径"),
    ] {
        assert!(err.contains(&want), "missing {want:?} in\n{err}");
    }
    assert!(
        err.contains(&format!("{p}:7:10: 错误: 账本文件 ../../../secret.csv 必须放在网站目录之内")),
        "{err}"
    );
    // Nothing outside the site was measured: no size of /etc/passwd anywhere.
    let size = std::fs::metadata("/etc/passwd").map(|m| m.len().to_string()).unwrap_or_default();
    assert!(!err.contains(&format!("{size} B")), "{err}");
}

#[test]
fn a_misspelt_cover_and_a_missing_gallery_photo_are_errors_at_their_line() {
    let site = one_posting(
        "cover = \"dao-lu.jpg\"\ngallery = [\"daolu.jpg\", \"qiao.jpg\"]\n",
        "正文。\n",
    );
    small_jpeg(&site.path().join("content/village/2026-road/daolu.jpg"));
    let err = fails(site.path());
    let p = "content/village/2026-road/index.md";
    assert!(
        err.contains(&format!("{p}:4:9: 错误: 封面照片（cover） `dao-lu.jpg` 不存在。文件夹里有 `daolu.jpg`，是不是这个？请改成 cover 里写 \"daolu.jpg\"")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{p}:5:11: 错误: 相册照片（gallery） `qiao.jpg` 不存在。请把照片放在这篇内容所在的文件夹里")),
        "{err}"
    );
    assert_eq!(err.matches("错误:").count(), 2, "{err}");
    // Fixed, the site builds and shows both photos.
    let index = site.path().join("content/village/2026-road/index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, text.replace("dao-lu.jpg", "daolu.jpg").replace(", \"qiao.jpg\"", ""))
        .unwrap();
    let o = build(site.path(), TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_site_are_errors_naming_the_link_and_nothing_is_published() {
    let site = one_posting("attachments = [{ file = \"名单.txt\" }]\n", "正文。\n");
    let root = site.path();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("passwd"), "root:x:0:0:SECRET-OUTSIDE\n").unwrap();
    let bundle = root.join("content/village/2026-road");
    std::os::unix::fs::symlink(secret.path().join("passwd"), bundle.join("名单.txt")).unwrap();
    std::os::unix::fs::symlink(secret.path().join("passwd"), bundle.join("stray.log")).unwrap();
    std::os::unix::fs::symlink(secret.path(), bundle.join("docs")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink(secret.path().join("passwd"), root.join("static/x.txt")).unwrap();
    let err = fails(root);
    for link in [
        "content/village/2026-road/名单.txt",
        "content/village/2026-road/stray.log",
        "content/village/2026-road/docs",
    ] {
        let want = format!(
            "{link}: 错误: `{link}` 是一个快捷方式（符号链接），指向网站文件夹以外的地方，gongkai 不会读取或公开它。"
        );
        assert!(err.contains(&want), "missing {want:?} in\n{err}");
    }
    assert!(!err.contains("SECRET-OUTSIDE"), "{err}");

    // Without the content links, the static link is reported and nothing is published.
    for l in ["名单.txt", "stray.log", "docs"] {
        std::fs::remove_file(bundle.join(l)).unwrap();
    }
    std::fs::write(bundle.join("名单.txt"), "名单\n").unwrap();
    let err = fails(root);
    assert!(err.contains("static/x.txt: 错误: `static/x.txt` 是一个快捷方式（符号链接）"), "{err}");

    // A link that stays inside the site is fine and published as its target.
    std::fs::remove_file(root.join("static/x.txt")).unwrap();
    std::os::unix::fs::symlink(bundle.join("名单.txt"), root.join("static/x.txt")).unwrap();
    let o = build(root, TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(root.join("public/x.txt")).unwrap(), "名单\n");
    for (path, bytes) in tree(&root.join("public")) {
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-OUTSIDE"), "{path}");
    }
}

#[test]
fn an_absolute_out_is_printed_as_given() {
    let site = one_posting("attachments = [{ file = \"缺失.pdf\" }]\n", "正文。\n");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let o = build(site.path(), TODAY, &["--out", target.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{} 里已发布的内容没有改动", target.display())), "{err}");
    assert!(!err.contains("//"), "{err}");
}

/// The largest resident set of any child this test process has waited for, in MiB (Linux
/// reports KiB). Children run one at a time per test, so this bounds each build's peak.
#[cfg(unix)]
fn peak_child_mib() -> u64 {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage only writes into the struct passed.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(rc, 0);
    ru.ru_maxrss as u64 / 1024
}

#[cfg(unix)]
fn assert_peak_under_500_mib(what: &str) {
    let peak = peak_child_mib();
    eprintln!("{what}: peak child RSS {peak} MiB");
    assert!(peak < 500, "{what}: peak memory {peak} MiB");
}

#[cfg(unix)]
#[test]
fn a_50_mb_posting_is_refused_naming_the_limit_with_little_memory() {
    let site = one_posting("", "");
    let index = site.path().join("content/village/2026-road/index.md");
    let mut text = std::fs::read_to_string(&index).unwrap();
    let line = "本村道路硬化工程已完工，特此公示。\n";
    while text.len() < 50_000_000 {
        text.push_str(line);
    }
    std::fs::write(&index, &text).unwrap();
    let err = fails(site.path());
    let size = format!("{:.1} MB", text.len() as f64 / (1024.0 * 1024.0));
    assert!(
        err.contains(&format!("content/village/2026-road/index.md: 错误: 这个文件有 {size}，超过了一篇内容的上限 4.0 MB。请把它拆成几篇")),
        "{err}"
    );
    assert_peak_under_500_mib("50 MB posting");
}

#[cfg(unix)]
#[test]
fn a_10000_level_nested_list_is_refused_at_its_line() {
    // Written on one line (`- - - …`) and as 1,000 indented items (10,000 indented ones would be
    // 100 MB, refused by the size limit first).
    let one_line = format!("{}深\n", "- ".repeat(10_000));
    let indented: String = (0..1_000).map(|i| format!("{}- 第{i}层\n", "  ".repeat(i))).collect();
    // The 33rd mark ends at column 67; the indented item 33 is body line 33 (file line 37).
    for (body, at) in [(one_line, "5:67"), (indented, "37:67")] {
        let site = one_posting("", &body);
        let err = fails(site.path());
        let want = format!(
            "content/village/2026-road/index.md:{at}: 错误: 这里的列表或引用套了 33 层，超过了上限 32 层。请减少嵌套层数"
        );
        assert!(err.contains(&want), "{want}\n{err}");
    }
    let quotes = format!("{}深\n", "> ".repeat(10_000));
    let site = one_posting("", &quotes);
    let err = fails(site.path());
    assert!(err.contains("index.md:5:66: 错误: 这里的列表或引用套了 33 层"), "{err}");
    assert_peak_under_500_mib("nested list");
}

/// Writes a zip whose `xl/worksheets/sheet1.xml` is `sheet` (compressed), like an xlsx.
fn zip_with_sheet(path: &Path, sheet: &mut dyn FnMut(&mut dyn std::io::Write)) {
    use zip::write::SimpleFileOptions;
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("[Content_Types].xml", opts).unwrap();
    std::io::Write::write_all(&mut z, b"<Types/>").unwrap();
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    sheet(&mut z);
    z.finish().unwrap();
}

#[cfg(unix)]
#[test]
fn an_xlsx_zip_bomb_and_a_sheet_with_too_many_cells_are_refused() {
    let site = one_posting("ledger = \"l.xlsx\"\nopening_balance = \"0\"\n", "正文。\n");
    let xlsx = site.path().join("content/village/2026-road/l.xlsx");
    // 300 MiB of one repeated row inflated from about 300 KB.
    zip_with_sheet(&xlsx, &mut |w| {
        let block = "<row><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>".repeat(20_000);
        let mut n = 0;
        while n < 300 << 20 {
            w.write_all(block.as_bytes()).unwrap();
            n += block.len();
        }
    });
    assert!(std::fs::metadata(&xlsx).unwrap().len() < 10 << 20);
    let err = fails(site.path());
    let want = "content/village/2026-road/l.xlsx: 错误: 这个文件解压后超过 256.0 MB 的上限，可能已损坏，或不是正常的文档（“压缩炸弹”）";
    assert!(err.contains(want), "{err}");
    assert_peak_under_500_mib("xlsx zip bomb");

    // 2.1 million tiny cells (about 25 MB inflated): the cell limit.
    zip_with_sheet(&xlsx, &mut |w| {
        let block = "<c r=\"A1\"/>".repeat(100_000);
        for _ in 0..21 {
            w.write_all(block.as_bytes()).unwrap();
        }
    });
    let err = fails(site.path());
    let want = "content/village/2026-road/l.xlsx: 错误: 这个表格超过了 2000000 个单元格的上限。请只保留要公开的工作表后另存";
    assert!(err.contains(want), "{err}");
    assert_peak_under_500_mib("xlsx with too many cells");
}

#[cfg(unix)]
#[test]
fn a_million_row_csv_ledger_is_refused_fast_with_little_memory() {
    let site = one_posting("ledger = \"l.csv\"\nopening_balance = \"0\"\n", "正文。\n");
    let mut csv = String::from("日期,凭证号,摘要,收入,支出,科目,经办人,备注\n");
    for i in 0..1_000_000u32 {
        csv.push_str(&format!(
            "2026-07-{:02},记-{i:07},收土地承包费,12.00,,承包收入,,\n",
            1 + i % 28
        ));
    }
    std::fs::write(site.path().join("content/village/2026-road/l.csv"), csv).unwrap();
    let started = std::time::Instant::now();
    let err = fails(site.path());
    assert!(
        err.contains("content/village/2026-road/l.csv: 错误: 这个账本超过了 50000 行的上限。请按年度或季度拆成几个账本"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    assert_peak_under_500_mib("1,000,000-row ledger");
}
