//! The privacy stage: before anything is rendered or written, every text that would be published
//! is scanned for resident ID, mobile and bank card numbers: postings (front matter and body),
//! section intros, the text of CSV/TOML/TXT files and the cells of spreadsheets, and file names.
//!
//! In `block` mode (the default) each finding is an error; in `mask` mode a posting's numbers are
//! published masked and the build says how many where. Spreadsheets and other attached files are
//! published as they are, so findings in them are always errors: only the clerk can fix them.

use crate::diagnostic::{Diagnostic, Message};
use crate::frontmatter::{self, POSTING_KEYS, PostingFront};
use crate::privacy::{self, AllowList, PiiKind, PrivacyMode};
use crate::site::Site;
use jiff::civil::Date;
use rayon::prelude::*;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum PrivacyNote {
    #[error("{count} personal numbers masked")]
    Masked { count: usize, ids: usize, mobiles: usize, cards: usize },
}

impl Message for PrivacyNote {
    fn code(&self) -> &'static str {
        "privacy.masked"
    }
    fn zh(&self) -> String {
        let PrivacyNote::Masked { count, ids, mobiles, cards } = self;
        format!(
            "按 privacy = \"mask\" 的设置，已遮盖 {count} 处个人信息（身份证号 {ids}、手机号码 {mobiles}、银行卡号 {cards}）后发布"
        )
    }
    fn en(&self) -> String {
        let PrivacyNote::Masked { count, ids, mobiles, cards } = self;
        format!(
            "privacy = \"mask\": {count} numbers published masked ({ids} ID, {mobiles} mobile, {cards} bank card)"
        )
    }
}

/// The allow list of a site: `[privacy] allow` plus the 监督电话.
pub fn allow_list(site: &Site) -> AllowList {
    AllowList::from_config(&site.config.privacy, site.config.contact.phone.as_deref())
}

/// Scans the whole site and returns it with masked postings re-read, each posting's
/// diagnostics (by posting index) and the others (section and home intros, content files).
/// With `cache`, the scan of postings whose text did not change since the build that filled it
/// is reused (site.toml, hence the allow list and mode, and the date are in its fingerprint).
pub fn run_split(
    mut site: Site,
    cache: Option<&crate::incremental::Cache>,
) -> (Site, Vec<Vec<Diagnostic>>, Vec<Diagnostic>) {
    let allow = allow_list(&site);
    let results: Vec<(Replacement, Vec<Diagnostic>)> =
        site.postings.par_iter().map(|p| check_posting(&site, &allow, p, cache)).collect();
    let mut per_posting = Vec::with_capacity(results.len());
    for (p, (replacement, ds)) in site.postings.iter_mut().zip(results) {
        per_posting.push(ds);
        if let Some((front, src, split)) = replacement {
            p.front = front;
            p.src = src;
            p.split = split;
        }
    }
    let today = site.today;
    let mut diags = Vec::new();
    for s in &site.sections {
        if let Some((src, _)) = &s.intro {
            diags.extend(privacy::diagnostics_for(
                &src.path,
                &src.text,
                &privacy::scan_on(&src.text, &allow, today),
            ));
        }
    }
    if let Some(h) = &site.home {
        diags.extend(privacy::diagnostics_for(
            &h.src.path,
            &h.src.text,
            &privacy::scan_on(&h.src.text, &allow, today),
        ));
    }
    let file_diags: Vec<Diagnostic> = site
        .files
        .par_iter()
        .flat_map(|f| check_file(&f.source, &f.abs_path, &allow, today))
        .collect();
    diags.extend(file_diags);
    (site, per_posting, diags)
}

/// Checks one posting (its text and its file name) and, in mask mode, returns the masked
/// posting to use instead.
pub fn check_posting(
    site: &Site,
    allow: &AllowList,
    p: &crate::site::Posting,
    cache: Option<&crate::incremental::Cache>,
) -> (Replacement, Vec<Diagnostic>) {
    if !p.published {
        return (None, Vec::new());
    }
    let today = site.today;
    let mode = PrivacyMode::effective(site.config.privacy.mode, p.front.privacy);
    let (replacement, mut diags) = match cache {
        None => check_posting_text(&p.src, p.split, allow, today, mode),
        Some(cache) => {
            let key = crate::incremental::KeyHasher::new()
                .with(&p.src.path)
                .with(&p.src.text)
                .with(&(p.split.body_start, p.src.toml_offset))
                .key();
            let hit = cache.privacy.get_or(key, || {
                std::sync::Arc::new(check_posting_text(&p.src, p.split, allow, today, mode))
            });
            hit.downcast_ref::<(Replacement, Vec<Diagnostic>)>()
                .cloned()
                .unwrap_or_else(|| check_posting_text(&p.src, p.split, allow, today, mode))
        }
    };
    // A posting's file (or bundle folder) name becomes its web address: always an error there.
    let from = p.source.strip_prefix("content/").map_or(0, |_| "content/".len());
    diags.extend(path_diagnostics(&p.source, from, allow, today));
    (replacement, diags)
}

pub type Replacement = Option<(PostingFront, crate::diagnostic::SourceText, frontmatter::Split)>;

/// Checks one posting's file text; in mask mode returns the re-read, masked posting.
fn check_posting_text(
    src: &crate::diagnostic::SourceText,
    split: frontmatter::Split,
    allow: &AllowList,
    today: Date,
    mode: PrivacyMode,
) -> (Replacement, Vec<Diagnostic>) {
    let findings = privacy::scan_on(&src.text, allow, today);
    if findings.is_empty() {
        return (None, Vec::new());
    }
    match mode {
        PrivacyMode::Block => (None, privacy::diagnostics_for(&src.path, &src.text, &findings)),
        PrivacyMode::Mask => {
            // TOML strings may not hold `\*`, Markdown needs it: mask the two parts differently.
            let (front, body): (Vec<_>, Vec<_>) =
                findings.iter().cloned().partition(|f| f.range.start < split.body_start);
            let head = privacy::mask_text(&src.text[..split.body_start], &front);
            let shifted: Vec<privacy::Finding> = body
                .iter()
                .map(|f| privacy::Finding {
                    range: f.range.start - split.body_start..f.range.end - split.body_start,
                    ..f.clone()
                })
                .collect();
            let tail = privacy::mask_markdown(&src.text[split.body_start..], &shifted);
            let text = format!("{head}{tail}");
            let count = |k: PiiKind| findings.iter().filter(|f| f.kind == k).count();
            let note = Diagnostic::warning(
                src.path.clone(),
                PrivacyNote::Masked {
                    count: findings.len(),
                    ids: count(PiiKind::ResidentId),
                    mobiles: count(PiiKind::Mobile),
                    cards: count(PiiKind::BankCard),
                },
            );
            match frontmatter::parse::<PostingFront>(
                &src.path,
                text,
                POSTING_KEYS,
                &["title", "date"],
            ) {
                Ok(parsed) => (Some((parsed.front, parsed.src, parsed.split)), vec![note]),
                Err(ds) => (None, ds),
            }
        }
    }
}

/// File names of every published file, and the text of CSV/TXT/TOML files and spreadsheet cells.
fn check_file(display: &str, path: &Path, allow: &AllowList, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let name = display.rsplit('/').next().unwrap_or(display);
    out.extend(path_diagnostics(display, display.len() - name.len(), allow, today));
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" | "toml" | "tsv" => {
            if let Ok(bytes) = std::fs::read(path) {
                let text = decode_text(&bytes);
                let findings = privacy::scan_on(&text, allow, today);
                out.extend(privacy::diagnostics_for(display, &text, &findings));
            }
        }
        "xlsx" | "xlsm" | "xls" | "ods" => {
            out.extend(check_spreadsheet(display, path, allow, today))
        }
        _ => {}
    }
    out
}

/// Findings in the part of a path from byte `from` on (a file name, or a posting's path below
/// `content/`, which becomes its web address). Each is an error at the file, which is named with
/// the number masked: like every other message, it never shows the full number.
fn path_diagnostics(display: &str, from: usize, allow: &AllowList, today: Date) -> Vec<Diagnostic> {
    let findings: Vec<privacy::Finding> = privacy::scan_on(&display[from..], allow, today)
        .into_iter()
        .map(|f| privacy::Finding { range: f.range.start + from..f.range.end + from, ..f })
        .collect();
    if findings.is_empty() {
        return Vec::new();
    }
    let shown = privacy::mask_text(display, &findings);
    privacy::diagnostics_for(&shown, display, &findings)
        .into_iter()
        .map(|mut d| {
            // A finding in a path has no line: point at the file.
            d.position = crate::diagnostic::Position::File;
            d.snippet = None;
            d
        })
        .collect()
}

/// UTF-8 (with or without BOM), else GB18030 as Excel and WPS save on Chinese Windows.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn check_spreadsheet(
    display: &str,
    path: &Path,
    allow: &AllowList,
    today: Date,
) -> Vec<Diagnostic> {
    use calamine::{Data, Reader};
    let Ok(mut book) = calamine::open_workbook_auto(path) else {
        return Vec::new();
    };
    let mut cells: Vec<(String, String, String)> = Vec::new();
    for sheet in book.sheet_names().to_vec() {
        let Ok(range) = book.worksheet_range(&sheet) else { continue };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let text = match cell {
                    Data::String(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    // Whole numbers as Excel stores long digit strings typed without a quote.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e19 => format!("{f:.0}"),
                    _ => continue,
                };
                if text.chars().filter(|c| c.is_ascii_digit()).count() >= 11 {
                    cells.push((sheet.clone(), cell_name(r0 as usize + r, c0 as usize + c), text));
                }
            }
        }
    }
    privacy::scan_cells_on(
        display,
        cells.iter().map(|(s, c, t)| (s.as_str(), c.as_str(), t.as_str())),
        allow,
        today,
    )
}

/// `A1`-style name of a 0-based cell.
fn cell_name(row: usize, col: usize) -> String {
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push((b'A' + r as u8) as char);
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_names() {
        assert_eq!(super::cell_name(0, 0), "A1");
        assert_eq!(super::cell_name(16, 3), "D17");
        assert_eq!(super::cell_name(0, 27), "AB1");
    }
}
