//! Print sheets and boards in real headless Chromium, checked with poppler.
//!
//! Needs Debian's `chromium` and `poppler-utils` (`pdfinfo`, `pdftotext`, `pdftoppm`) and CJK
//! fonts (`fonts-noto-cjk`). Without them these tests fail with a message saying what to install.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_gongkai");
const TODAY: &str = "2026-10-09";
const BASE: &str = "https://example.org/测试村/";

fn require(tool: &str, package: &str) {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "`{tool}` is required for the print tests: install it with \
         `apt-get update && apt-get install -y {package}`"
    );
}

fn tools() {
    require("chromium", "chromium fonts-noto-cjk");
    require("pdfinfo", "poppler-utils");
    require("pdftotext", "poppler-utils");
    require("pdftoppm", "poppler-utils");
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run command");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `gongkai print TARGET --pdf` in `root`, as of TODAY.
fn print(root: &Path, target: &str, tiles: bool, pdf: &Path) {
    let mut cmd = Command::new(BIN);
    cmd.arg("--root").arg(root).args(["--today", TODAY, "print", target, "--pdf"]).arg(pdf);
    if tiles {
        cmd.arg("--tiles");
    }
    run(&mut cmd);
    assert!(pdf.is_file(), "no PDF at {}", pdf.display());
}

struct Info {
    pages: usize,
    /// Size of each page in points.
    sizes: Vec<(f64, f64)>,
}

fn pdfinfo(pdf: &Path) -> Info {
    let out = run(Command::new("pdfinfo").args(["-f", "1", "-l", "9999"]).arg(pdf));
    let pages = out
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap();
    let sizes = out
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| {
            let v: Vec<f64> = l
                .split("size:")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            (v[0], v[1])
        })
        .collect();
    Info { pages, sizes }
}

/// Text of each page (`pdftotext -layout`), whitespace removed: CJK text comes out with
/// layout spaces that have no meaning.
fn page_texts(pdf: &Path) -> Vec<String> {
    let out = run(Command::new("pdftotext").arg("-layout").arg(pdf).arg("-"));
    let mut pages: Vec<String> =
        out.split('\u{c}').map(|p| p.chars().filter(|c| !c.is_whitespace()).collect()).collect();
    if pages.last().is_some_and(|p: &String| p.is_empty()) {
        pages.pop();
    }
    pages
}

/// Page texts without the "第 X 页 / 共 Y 页" line, so text running across pages joins up.
fn without_page_numbers(pages: &[String]) -> Vec<String> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| p.replace(&format!("第{}页/共{}页", i + 1, pages.len()), ""))
        .collect()
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1.5
}

const A4: (f64, f64) = (595.0, 842.0);
const A3: (f64, f64) = (842.0, 1191.0);

fn assert_size(info: &Info, (w, h): (f64, f64), what: &str) {
    assert_eq!(info.sizes.len(), info.pages, "{what}: one size per page");
    for (i, &(pw, ph)) in info.sizes.iter().enumerate() {
        assert!(near(pw, w) && near(ph, h), "{what}: page {} is {pw}×{ph} pt, want {w}×{h}", i + 1);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const LONG_FIRST: &str = "开篇词甲乙丙";
const LONG_LAST: &str = "收尾词丁戊己";

/// A small site: a short A4 notice, an A3 landscape sheet with a wide table, a 300-row
/// ledger and a long paragraph.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("site.toml"),
        &format!(
            "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\nbase_url = \"{BASE}\"\n\
             [signoff]\nrequired = false\n\
             [contact]\nphone = \"0571-1234 5678\"\naddress = \"测试镇人民政府纪检办公室\"\ncommittee = \"测试村村务监督委员会\"\n\
             [[boards]]\nname = \"a4\"\ntitle = \"测试村公开栏\"\nactive_notices = true\nsections = [\"village\"]\n"
        ),
    );
    write(&root.join("content/village/_index.md"), "+++\ntitle = \"村务公开\"\n+++\n");
    write(&root.join("content/finance/_index.md"), "+++\ntitle = \"财务公开\"\n+++\n");
    write(
        &root.join("content/village/short.md"),
        "+++\ntitle = \"关于村委会办公时间调整的公示\"\ndate = 2026-10-08\nperiod = \"2026年10月\"\n\
         [notice]\ndays = 5\ncount = \"working\"\n+++\n\n自2026年10月12日起，村委会办公时间调整为每天上午8时至下午5时。\n",
    );
    let mut wide = String::from(
        "+++\ntitle = \"2026年度耕地地力保护补贴发放明细\"\ndate = 2026-10-08\n\
         print = { paper = \"A3\", orientation = \"landscape\" }\n+++\n\n\
         | 序号 | 户主 | 组别 | 承包面积 | 确权面积 | 补贴面积 | 补贴标准 | 补贴金额 | 发放方式 | 第十列备注 |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for i in 1..=6 {
        wide.push_str(&format!(
            "| {i} | 户主{i} | 第{i}组 | 3.2 | 3.2 | 3.2 | 120.00 | 384.00 | 一卡通 | 末列文字{i} |\n"
        ));
    }
    write(&root.join("content/village/wide.md"), &wide);
    let para: String =
        (0..60).map(|i| format!("第{i}句说明本村集体资产清查的情况和结果。")).collect();
    let mut table = String::from(
        "\n\n| 编号 | 资产名称 | 类别 | 坐落 | 面积 | 原值 | 净值 | 使用人 | 合同期限 | 年租金 | 登记号 | ZZ |\n",
    );
    table.push_str(&"| --- ".repeat(12));
    table.push_str("|\n");
    for i in 1..=3 {
        table.push_str(&format!(
            "| {i} | 集体厂房{i} | 经营性 | 青石路{i}号 | 1200 | 560,000.00 | 320,000.00 | 青石木业 | 2024-2029 | 36,000.00 | QSZC2026000{i}ABCDEFGHIJKLMNOP | Z{i} |\n"
        ));
    }
    write(
        &root.join("content/village/long/index.md"),
        &format!(
            "+++\ntitle = \"关于集体资产清查结果的公开\"\ndate = 2026-10-07\n+++\n\n{LONG_FIRST}{para}{LONG_LAST}{table}\n![厂房全景](wide.png)\n"
        ),
    );
    // A photo far wider than the sheet.
    let img = image::RgbImage::from_fn(3000, 400, |x, _| image::Rgb([(x % 256) as u8, 90, 40]));
    img.save(root.join("content/village/long/wide.png")).unwrap();
    let mut csv = String::from("日期,凭证号,摘要,科目,收入,支出\n");
    let start: jiff::civil::Date = "2026-07-01".parse().unwrap();
    for i in 1..=300 {
        let d = start + jiff::Span::new().days(((i - 1) / 4) as i64);
        let (inc, exp) = if i % 3 == 0 { ("100.00", "") } else { ("", "10.00") };
        csv.push_str(&format!("{d},记-{i:04},测试行{i:04},办公费,{inc},{exp}\n"));
    }
    write(&root.join("content/finance/ledger300/ledger.csv"), &csv);
    write(
        &root.join("content/finance/ledger300/index.md"),
        "+++\ntitle = \"2026年第三季度财务收支明细\"\ndate = 2026-10-08\nperiod = \"2026年第三季度\"\n\
         ledger = \"ledger.csv\"\nopening_balance = \"10,000.00\"\n+++\n\n本季度共300笔收支，逐笔公开如下。\n",
    );
    dir
}

#[test]
fn a4_sheet_is_one_a4_page_with_everything_on_it() {
    tools();
    let site = fixture();
    let pdf = site.path().join("short.pdf");
    print(site.path(), "village/short", false, &pdf);
    let info = pdfinfo(&pdf);
    assert_eq!(info.pages, 1, "a short notice fits one A4 sheet");
    assert_size(&info, A4, "A4 sheet");
    let text = &page_texts(&pdf)[0];
    for needle in [
        "村务公开",
        "关于村委会办公时间调整的公示",
        "测试镇测试村村民委员会",
        "2026年10月",
        "2026年10月8日至2026年10月14日", // 5 working days after 10-08 (10-10 is a make-up workday)
        "监督电话：0571-12345678",
        "举报地址：测试镇人民政府纪检办公室",
        "审核人（签字）",
        "测试村村务监督委员会（签字）",
        "盖章处",
        "扫码查看网上原文",
        "第1页/共1页",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    for screen_only in ["打印本页", "跳到正文", "首页›", "归档"] {
        assert!(!text.contains(screen_only), "{screen_only:?} must not print: {text}");
    }
}

#[test]
fn a3_landscape_sheet_fits_a_wide_table() {
    tools();
    let site = fixture();
    let pdf = site.path().join("wide.pdf");
    print(site.path(), "content/village/wide.md", false, &pdf);
    let info = pdfinfo(&pdf);
    assert_eq!(info.pages, 1);
    assert_size(&info, (A3.1, A3.0), "A3 landscape sheet");
    let text = &page_texts(&pdf)[0];
    assert!(text.contains("第十列备注"), "last column header printed: {text}");
    for i in 1..=6 {
        assert!(text.contains(&format!("末列文字{i}")), "row {i} last cell printed");
    }
}

#[test]
fn long_ledger_keeps_every_row_once_with_headers_and_page_numbers() {
    tools();
    let site = fixture();
    let pdf = site.path().join("ledger.pdf");
    print(site.path(), "finance/ledger300", false, &pdf);
    let info = pdfinfo(&pdf);
    assert!(info.pages >= 4, "300 rows take several pages, got {}", info.pages);
    assert_size(&info, A4, "ledger");
    let pages = page_texts(&pdf);
    assert_eq!(pages.len(), info.pages);
    let all: String = pages.concat();
    for i in 1..=300 {
        let row = format!("测试行{i:04}");
        assert_eq!(all.matches(&row).count(), 1, "{row} must appear exactly once");
    }
    let header = "日期凭证号摘要科目收入支出余额";
    let with_rows: Vec<usize> = (0..pages.len()).filter(|&p| pages[p].contains("测试行")).collect();
    assert!(with_rows.len() >= 3, "rows span pages: {with_rows:?}");
    for &p in &with_rows {
        assert!(pages[p].contains(header), "page {} repeats the header row", p + 1);
    }
    for (p, text) in pages.iter().enumerate() {
        let n = format!("第{}页/共{}页", p + 1, pages.len());
        assert!(text.contains(&n), "page {} carries {n:?}", p + 1);
    }
    // The voucher of each row sits on the same page as its summary: no row is split.
    for i in [1, 37, 150, 299, 300] {
        let p = (0..pages.len()).find(|&p| pages[p].contains(&format!("测试行{i:04}"))).unwrap();
        assert!(pages[p].contains(&format!("记-{i:04}")), "row {i} whole on page {}", p + 1);
    }
}

#[test]
fn long_paragraph_is_not_clipped() {
    tools();
    let site = fixture();
    let pdf = site.path().join("long.pdf");
    print(site.path(), "village/long", false, &pdf);
    assert_size(&pdfinfo(&pdf), A4, "long sheet");
    let all: String = without_page_numbers(&page_texts(&pdf)).concat();
    assert!(all.contains(LONG_FIRST) && all.contains(LONG_LAST), "{all}");
    for i in 0..60 {
        assert!(all.contains(&format!("第{i}句说明本村集体资产清查的情况和结果")), "sentence {i}");
    }
    // A 12-column table fits the A4 width: every cell is there and no word runs past the
    // right margin.
    // (-raw keeps each cell's text together even where a narrow cell wraps.)
    let raw: String = run(Command::new("pdftotext").arg("-raw").arg(&pdf).arg("-"))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for i in 1..=3 {
        assert!(raw.contains(&format!("Z{i}")), "last column, row {i}: {raw}");
        assert!(raw.contains(&format!("QSZC2026000{i}ABCDEFGHIJKLMNOP")), "long code, row {i}");
    }
    assert!(raw.contains("登记号ZZ"), "{raw}");
    let info = pdfinfo(&pdf);
    let bbox = run(Command::new("pdftotext").arg("-bbox").arg(&pdf).arg("-"));
    let mut words = 0;
    for w in bbox.split("<word ").skip(1) {
        let attr = |name: &str| -> f64 {
            w.split(&format!("{name}=\""))
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        words += 1;
        let (x0, x1) = (attr("xMin"), attr("xMax"));
        assert!(
            x0 >= 30.0 && x1 <= info.sizes[0].0 - 30.0,
            "word at {x0}..{x1} pt is off the sheet: {w:.80}"
        );
    }
    assert!(words > 50);
    // The 3000 px photo (published as processed variants) is scaled to the text width
    // (A4 minus margins, 178 mm ≈ 7 in).
    let list = run(Command::new("pdfimages").arg("-list").arg(&pdf));
    let photo = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|c| c.get(3).and_then(|w| w.parse::<u32>().ok()).is_some_and(|w| w >= 1600))
        .unwrap_or_else(|| panic!("photo in the PDF: {list}"));
    let width: f64 = photo[3].parse().unwrap();
    let ppi: f64 = photo[12].parse().unwrap();
    let inches = width / ppi;
    assert!(inches <= 7.05 && inches > 5.0, "photo printed {inches:.2} in wide");
}

/// Decodes every QR code on a page at 150 dpi.
fn qr_codes(pdf: &Path, page: usize) -> Vec<String> {
    qr_codes_at(pdf, page, 150)
}

fn qr_codes_at(pdf: &Path, page: usize, dpi: u32) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    run(Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix));
    let png = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    let img = image::open(&png).unwrap().to_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut prep = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        img.get_pixel(x as u32, y as u32).0[0]
    });
    prep.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, s)| s)).collect()
}

#[test]
fn qr_code_on_the_sheet_opens_the_posting_online() {
    tools();
    let site = fixture();
    let pdf = site.path().join("short.pdf");
    print(site.path(), "village/short", false, &pdf);
    let codes = qr_codes(&pdf, 1);
    // Non-ASCII in the address is percent-encoded: every phone scanner reads it the same way.
    let want = "https://example.org/%E6%B5%8B%E8%AF%95%E6%9D%91/village/short/";
    assert_eq!(codes, [want], "one QR code, the posting's URL");
    let text = page_texts(&pdf).concat();
    assert!(
        text.contains("https://example.org/测试村/village/short/"),
        "the URL is printed readably beside the code: {text}"
    );
}

#[test]
fn printing_from_the_browser_by_hand_gives_the_same_sheet() {
    tools();
    let site = fixture();
    let out = site.path().join("public-test");
    run(Command::new(BIN)
        .arg("--root")
        .arg(site.path())
        .args(["--today", TODAY, "build", "--out"])
        .arg(&out));
    let by_hand = site.path().join("hand.pdf");
    let profile = tempfile::tempdir().unwrap();
    // Only what a person printing would choose: no header/footer. Paper comes from the CSS.
    run(Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", by_hand.display()))
        .arg(gongkai::print::file_url(&out.join("finance/ledger300/index.html"))));
    let by_command = site.path().join("cmd.pdf");
    print(site.path(), "finance/ledger300", false, &by_command);
    let (a, b) = (pdfinfo(&by_hand), pdfinfo(&by_command));
    assert_eq!((a.pages, a.sizes.clone()), (b.pages, b.sizes.clone()));
    assert_eq!(page_texts(&by_hand), page_texts(&by_command));
}

#[test]
fn board_prints_on_its_paper_with_a_qr_code_per_posting() {
    tools();
    let site = fixture();
    let pdf = site.path().join("board.pdf");
    print(site.path(), "a4", false, &pdf);
    let info = pdfinfo(&pdf);
    assert_size(&info, A4, "A4 board");
    let all = page_texts(&pdf).concat();
    for title in [
        "关于村委会办公时间调整的公示",
        "2026年度耕地地力保护补贴发放明细",
        "关于集体资产清查结果的公开",
    ] {
        assert_eq!(all.matches(title).count(), 1, "{title} once on the board");
    }
    assert!(all.contains("按2026年10月9日的公示状态生成"));
    let mut codes: Vec<String> = (1..=info.pages).flat_map(|p| qr_codes(&pdf, p)).collect();
    codes.sort();
    let mut want: Vec<String> = ["long", "short", "wide"]
        .iter()
        .map(|s| format!("https://example.org/%E6%B5%8B%E8%AF%95%E6%9D%91/village/{s}/"))
        .collect();
    want.sort();
    assert_eq!(codes, want);
}

/// Where reviewers find the screenshots: `target/print-screenshots/`.
fn screenshot_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("print-screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn screenshot(pdf: &Path, name: &str, dpi: u32, pages: usize) -> Vec<PathBuf> {
    let dir = screenshot_dir();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with(&format!("{name}-")) {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    run(Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-l", &pages.to_string()])
        .arg(pdf)
        .arg(dir.join(name)));
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&format!("{name}-")))
        .collect();
    out.sort();
    out
}

/// The example site: sheets and both boards, as screenshots for review.
#[test]
fn example_site_screenshots() {
    tools();
    // A copy of the example site: the repository's own public/ (and its manifest) stay out of it.
    let copy = common::example_site();
    let root = copy.path();
    let tmp = tempfile::tempdir().unwrap();
    let cases: &[(&str, bool, &str, u32, usize)] = &[
        ("content/village/2026-dibao-round1.md", false, "sheet-dibao", 60, 3),
        ("finance/2026-q3", false, "sheet-finance-a3", 45, 2),
        ("gongkaolan-a4", false, "board-a4", 50, 2),
        ("main-board", false, "board-main", 8, 1),
        ("main-board", true, "board-main-tiles", 30, 3),
    ];
    for &(target, tiles, name, dpi, pages) in cases {
        let pdf = tmp.path().join(format!("{name}.pdf"));
        print(root, target, tiles, &pdf);
        let shots = screenshot(&pdf, name, dpi, pages);
        assert!(!shots.is_empty(), "screenshots of {name}");
        let info = pdfinfo(&pdf);
        match name {
            "sheet-finance-a3" => assert_size(&info, A3, name),
            "board-main" => assert_size(&info, (6803.1, 3401.6), name),
            "board-main-tiles" => {
                // Assembly map + the 5 rows × 7 columns of A3 landscape that carry board
                // content; the map names the blank ones, which are not printed.
                assert!(info.pages > 20 && info.pages < 36, "{} pages", info.pages);
                assert_size(&info, (A3.1, A3.0), name);
                let texts = page_texts(&pdf);
                assert!(texts[0].contains("拼贴示意图"));
                let blank = texts[0].matches("行第").count().saturating_sub(1);
                assert!(texts[0].contains("不用打印"), "{}", texts[0]);
                assert!(blank >= 1, "{}", texts[0]);
                assert!(texts[10].contains("第2行第3列，共5×7张"), "{}", texts[10]);
            }
            _ => assert_size(&info, A4, name),
        }
    }
    eprintln!("screenshots in {}", screenshot_dir().display());
}

#[test]
fn without_a_browser_print_says_what_to_install_in_chinese() {
    let site = fixture();
    let pdf = site.path().join("none.pdf");
    let out = Command::new(BIN)
        .arg("--root")
        .arg(site.path())
        .args(["--today", TODAY, "print", "village/short", "--pdf"])
        .arg(&pdf)
        .env("PATH", site.path().join("no-such-bin"))
        .env_remove("GONGKAI_BROWSER")
        .env_remove("GONGKAI_LANG")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("找不到 Chromium、Chrome 或 Edge") && err.contains("GONGKAI_BROWSER"),
        "{err}"
    );
    assert!(!pdf.exists());
    // An unknown target lists the boards.
    let out = Command::new(BIN)
        .arg("--root")
        .arg(site.path())
        .args(["--today", TODAY, "print", "nothing-here", "--pdf"])
        .arg(&pdf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("（a4）"));
    // `gongkai print` never touches public/.
    assert!(!site.path().join("public").exists());
}

/// 红头: with `letterhead = true` the sheet opens with the issuing unit over a red rule, printed
/// in red; without it the sheet has no such block.
#[test]
fn a_letterhead_prints_the_issuer_in_red_above_the_title() {
    tools();
    let site = fixture();
    let plain = site.path().join("plain.pdf");
    print(site.path(), "village/short", false, &plain);
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    write(
        &site.path().join("site.toml"),
        &toml.replace("[signoff]", "[print]\nletterhead = true\n[signoff]"),
    );
    let pdf = site.path().join("letterhead.pdf");
    print(site.path(), "village/short", false, &pdf);
    let text = &page_texts(&pdf)[0];
    let unit = "测试镇测试村村民委员会";
    let title = "关于村委会办公时间调整的公示";
    let (u, t) = (text.find(unit).expect(text), text.find(title).expect(text));
    assert!(u < t, "the issuer heads the sheet, above the title: {text}");
    assert!(!page_texts(&plain)[0].starts_with(unit), "no letterhead unless asked for");
    // Rendered to an image: the top of the sheet has red (the unit's name and the rule), the
    // plain sheet none.
    let red = |pdf: &Path| -> usize {
        let png = pdf.with_extension("");
        run(Command::new("pdftoppm")
            .args(["-r", "40", "-f", "1", "-l", "1", "-png", "-singlefile"])
            .arg(pdf)
            .arg(&png));
        let img = image::open(png.with_extension("png")).unwrap().to_rgb8();
        let top = img.height() / 4;
        img.enumerate_pixels()
            .filter(|(_, y, p)| *y < top && p[0] > 150 && p[1] < 80 && p[2] < 80)
            .count()
    };
    // (The section banner is red on both.)
    let (with, without) = (red(&pdf), red(&plain));
    assert!(with > without + 300, "red letterhead: {with} red pixels, {without} without");
}

/// What `print` says when it cannot tell what to print is in the language asked for: it was
/// Chinese only.
#[test]
fn an_unknown_target_is_explained_in_the_language_asked_for() {
    let site = fixture();
    let pdf = site.path().join("x.pdf");
    for (lang, said) in [
        ("zh", "找不到要打印的“没有这篇”。可以写公开栏名称"),
        ("en", "nothing to print is called \"没有这篇\": give a board name"),
    ] {
        let o = Command::new(BIN)
            .env("GONGKAI_LANG", lang)
            .arg("--root")
            .arg(site.path())
            .args(["--today", TODAY, "print", "没有这篇", "--pdf"])
            .arg(&pdf)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(said), "{lang}: {err}");
        assert!(!pdf.exists());
    }
}
