//! Every sheet of the example site as a township reviewer gets it: printed to PDF by headless
//! Chromium (the same CSS as "打印本页" and `gongkai print`), read back with poppler.
//!
//! - the last page holds the closing text as well as the sign-off: 特此公示/特此公开, the
//!   signatures, the issuer and the date never stand alone;
//! - no page but the last is more than 70 % blank;
//! - a 党务 sheet is issued by the party branch, others by the village committee;
//! - dates and voucher numbers never break inside themselves;
//! - every card of the A4 board carries its QR code, 核验码, issuer and date.
//!
//! Needs Debian's `chromium`, `poppler-utils` and `fonts-noto-cjk` (installed by scripts/test.sh).

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (install poppler-utils)"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Text of each page, whitespace removed (CJK comes out with layout spaces).
fn page_texts(pdf: &Path) -> Vec<String> {
    let out =
        String::from_utf8(run(Command::new("pdftotext").arg("-layout").arg(pdf).arg("-"))).unwrap();
    let mut pages: Vec<String> =
        out.split('\u{c}').map(|p| p.chars().filter(|c| !c.is_whitespace()).collect()).collect();
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

/// How much of each page's printable height is blank: the share of pixel rows (at 20 dpi)
/// between the top margin and the page-number line that carry no ink at all.
fn blank_shares(pdf: &Path, dir: &Path) -> Vec<f64> {
    let stem = dir.join("page");
    run(Command::new("pdftoppm").args(["-r", "20", "-gray"]).arg(pdf).arg(&stem));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    files.sort();
    let shares = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            // P5 header: "P5\nW H\n255\n".
            let mut fields = Vec::new();
            let mut at = 0;
            while fields.len() < 4 {
                while bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                let start = at;
                while !bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
            }
            let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
            let pixels = &bytes[at + 1..];
            // Skip the margins (18 mm top, 20 mm bottom with the page number) at 20 dpi.
            let mm = |v: f64| (v / 25.4 * 20.0).round() as usize;
            let (top, bottom) = (mm(18.0), h - mm(22.0));
            let inked = (top..bottom)
                .filter(|&y| pixels[y * w..(y + 1) * w].iter().any(|&p| p < 200))
                .count();
            1.0 - inked as f64 / (bottom - top) as f64
        })
        .collect();
    for f in files {
        std::fs::remove_file(f).unwrap();
    }
    shares
}

/// The published postings of the example site, as folder paths under public/.
fn postings(public: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(public).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_name() == "index.html" {
            let html = std::fs::read_to_string(e.path()).unwrap();
            if html.contains("class=\"sheet print-only\"") {
                let rel = e.path().parent().unwrap().strip_prefix(public).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn every_sheet_keeps_its_sign_off_with_text_and_wastes_no_paper() {
    let browser = gongkai::print::find_browser().expect("chromium is required (scripts/test.sh)");
    let site = common::example_site();
    let o = common::build(site.path(), "2026-11-27", &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let public = site.path().join("public");
    let sheets = postings(&public);
    assert!(sheets.len() >= 15, "{sheets:?}");
    let tmp = tempfile::tempdir().unwrap();
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    // Two printers at a time: the machine has two cores.
    let pdfs: Vec<(String, PathBuf)> = sheets
        .iter()
        .map(|s| (s.clone(), tmp.path().join(format!("{}.pdf", s.replace('/', "_")))))
        .collect();
    std::thread::scope(|scope| {
        for half in pdfs.chunks(pdfs.len().div_ceil(2)) {
            let (browser, public) = (&browser, &public);
            scope.spawn(move || {
                for (s, pdf) in half {
                    let url = gongkai::print::file_url(&public.join(s).join("index.html"));
                    gongkai::print::print_to_pdf(browser, &url, pdf)
                        .unwrap_or_else(|e| panic!("{s}: {e}"));
                }
            });
        }
    });

    let mut problems = Vec::new();
    for (s, pdf) in &pdfs {
        let texts = page_texts(pdf);
        let last = texts.last().cloned().unwrap_or_default();
        let pages = texts.len();
        if !(last.contains("特此公示。") || last.contains("特此公开。"))
            || !last.contains("（签字）")
        {
            problems.push(format!("{s}: the last page lacks 特此公示/公开 or the sign-off"));
        }
        // The closing paragraph (how to object) prints with the signatures.
        if !last.contains("对公开内容有疑问或异议") {
            problems.push(format!("{s}: the sign-off stands alone on page {pages}"));
        }
        let issuer = if s.starts_with("party/") {
            "中共青石村支部委员会"
        } else {
            "青石镇青石村村民委员会"
        };
        if !last.contains(issuer) {
            problems.push(format!("{s}: the last page does not name the issuer {issuer}"));
        }
        if !texts.iter().any(|t| t.contains("核验码")) {
            problems.push(format!("{s}: no 核验码"));
        }
        let page_dir = tmp.path().join(s.replace('/', "_"));
        std::fs::create_dir_all(&page_dir).unwrap();
        let blank = blank_shares(pdf, &page_dir);
        assert_eq!(blank.len(), pages, "{s}: one image per page");
        for (i, b) in blank.iter().enumerate().take(pages.saturating_sub(1)) {
            if *b > 0.7 {
                problems.push(format!(
                    "{s}: page {} of {pages} is {:.0} % blank",
                    i + 1,
                    b * 100.0
                ));
            }
        }
        // Dates and voucher numbers print whole: no line of a table cell ends at the hyphen
        // inside "2026-11-02" or "记-1101" (nothing else in the sheets ends a line with one).
        let layout =
            String::from_utf8(run(Command::new("pdftotext").arg("-layout").arg(pdf).arg("-")))
                .unwrap();
        for line in layout.lines() {
            if line.split_whitespace().any(|w| w.len() > 1 && w.ends_with('-')) {
                problems.push(format!("{s}: a date or voucher number breaks: «{}»", line.trim()));
            }
        }
    }
    // For the reviewer: the sheets the issue named, as images.
    for (name, s) in [
        ("sheet-fazhan", "party/2026-fazhan-yubei"),
        ("sheet-budget", "finance/2026-road-budget"),
        ("sheet-photos", "village/2026-road-repair"),
    ] {
        let pdf = &pdfs.iter().find(|(x, _)| x == s).unwrap().1;
        run(Command::new("pdftoppm").args(["-r", "40", "-png"]).arg(pdf).arg(shots.join(name)));
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_board_card_carries_qr_fingerprint_issuer_and_date() {
    let site = common::example_site();
    let o = common::build(site.path(), "2026-11-27", &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let public = site.path().join("public");
    for board in ["gongkaolan-a4", "main-board"] {
        let doc = common::html(&public.join(format!("boards/{board}/index.html")));
        let cards: Vec<_> = doc.select(&common::sel(".card")).collect();
        assert!(!cards.is_empty(), "{board}: no cards");
        for c in &cards {
            let title = c
                .select(&common::sel(".card-title"))
                .next()
                .map(|t| t.text().collect::<String>())
                .unwrap_or_default();
            let text: String = c.text().collect();
            assert_eq!(c.select(&common::sel("svg.qr")).count(), 1, "{board} «{title}»: QR");
            let fp = c
                .select(&common::sel(".card-fingerprint strong"))
                .next()
                .map(|t| t.text().collect::<String>())
                .unwrap_or_default();
            assert_eq!(fp.len(), 8, "{board} «{title}»: 核验码 «{fp}»");
            let issuer = c
                .select(&common::sel(".card-issuer p"))
                .map(|p| p.text().collect::<String>())
                .collect::<Vec<_>>();
            assert_eq!(issuer.len(), 2, "{board} «{title}»: issuer and date");
            let want = if text.contains("党务公开") {
                "中共青石村支部委员会"
            } else {
                "青石镇青石村村民委员会"
            };
            assert_eq!(issuer[0], want, "{board} «{title}»");
            assert!(issuer[1].starts_with("2026年"), "{board} «{title}»: date {}", issuer[1]);
        }
        // The A4 board's title is the board's name, not its paper setting.
        let title = common::text_of(&doc, ".board-title");
        assert!(!title.contains("A4") && !title.contains("张贴"), "{title}");
    }
    // tiles.html draws the board once (the tiles show it through windows), so it stays small.
    let tiles = std::fs::metadata(public.join("boards/main-board/tiles.html")).unwrap().len();
    let board = std::fs::metadata(public.join("boards/main-board/index.html")).unwrap().len();
    // (It was 1.3 MB with a copy of the board per tile.)
    assert!(tiles < board * 3 && tiles < 150_000, "tiles.html {tiles} bytes, the board {board}");
}
