//! The privacy stage: before anything is rendered or written, every text that would be published
//! is scanned for resident ID, mobile and bank card numbers: postings (front matter and body),
//! section intros, the text of CSV/TOML/TXT files and the cells of spreadsheets, and file names.
//!
//! In `block` mode (the default) each finding is an error; in `mask` mode a posting's numbers are
//! published masked and the build says how many where. Spreadsheets and other attached files are
//! published as they are, so findings in them are always errors: only the clerk can fix them.

use super::office_place;

use crate::diagnostic::Diagnostic;
use crate::frontmatter::{self, PostingFront};
use crate::limits;
use crate::privacy::{self, AllowList, PiiKind, PrivacyMode};

/// The privacy stage's memo: a posting's text -> its scan.
pub type PrivacyMemo =
    crate::memo::Memo<crate::memo::Key, std::sync::Arc<dyn std::any::Any + Send + Sync>>;
use crate::site::Site;
use jiff::civil::Date;
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;

crate::messages! {
    pub enum PrivacyNote {
        Masked {
            count: usize,
            ids: usize,
            mobiles: usize,
            cards: usize,
        } = "privacy.masked",
            zh: "按 privacy = \"mask\" 的设置，已遮盖 {count} 处个人信息（身份证号 {ids}、手机号码 {mobiles}、银行卡号 {cards}）后发布",
            en: "privacy = \"mask\": {count} numbers published masked ({ids} ID, {mobiles} mobile, {cards} bank card)";
        ScannedPdf = "privacy.scanned-pdf",
            zh: "这个 PDF 是扫描件（没有文字层），gongkai 无法检查里面有没有身份证号、手机号、银行卡号。发布前请人工逐页核对，必要时用黑块遮住后重新扫描",
            en: "this PDF has no text layer (a scan): it could not be checked for personal numbers; review it by eye before publishing";
        UnreadablePdf = "privacy.unreadable-pdf",
            zh: "这个 PDF 无法读取（可能已损坏或加了密码），gongkai 无法检查里面有没有身份证号、手机号、银行卡号。发布前请人工逐页核对",
            en: "this PDF could not be read: it could not be checked for personal numbers; review it by eye before publishing";
    }
}

/// The allow list of a site: `[privacy] allow` plus the 监督电话.
pub fn allow_list(site: &Site) -> AllowList {
    AllowList::from_config(&site.config.privacy, site.config.contact.phone.as_deref())
}

/// Scans the whole site and returns it with masked postings re-read, each posting's
/// diagnostics (by posting index) and the others (section and home intros, content files).
/// With `memo`, the scan of postings whose text did not change since the build that filled it
/// is reused (site.toml, hence the allow list and mode, and the date are in its fingerprint).
pub fn run_split(
    mut site: Site,
    memo: Option<&PrivacyMemo>,
) -> (Site, Vec<Vec<Diagnostic>>, Vec<Diagnostic>) {
    let allow = allow_list(&site);
    let results: Vec<(Replacement, Vec<Diagnostic>)> =
        site.postings.par_iter().map(|p| check_posting(&site, &allow, p, memo)).collect();
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
    // site.toml's values (title, description, contact, board titles) are published too.
    if let Ok(text) = std::fs::read_to_string(site.root.join("site.toml")) {
        let findings = privacy::scan_on(&text, &allow, today);
        diags.extend(privacy::diagnostics_for("site.toml", &text, &findings));
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
    memo: Option<&PrivacyMemo>,
) -> (Replacement, Vec<Diagnostic>) {
    if !p.published {
        return (None, Vec::new());
    }
    let today = site.today;
    let mode = PrivacyMode::effective(site.config.privacy.mode, p.front.privacy);
    let (replacement, mut diags) = match memo {
        None => check_posting_text(&p.src, p.split, allow, today, mode),
        Some(memo) => {
            let key = crate::memo::KeyHasher::new()
                .with(&p.src.path)
                .with(&p.src.text)
                .with(&(p.split.body_start, p.src.toml_offset))
                .key();
            let hit = memo.get_or(key, || {
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
            match frontmatter::parse::<PostingFront>(&src.path, text, &["title", "date"]) {
                Ok(parsed) => (Some((parsed.front, parsed.src, parsed.split)), vec![note]),
                Err(ds) => (None, ds),
            }
        }
    }
}

/// File names of every published file, and the text of every text-bearing kind: plain text
/// (CSV, TXT, TOML, JSON, Markdown), markup (HTML, XML, SVG), RTF, spreadsheet cells, comments,
/// headers and properties (xlsx, xls, WPS .et, ods), Word documents (docx: body, headers,
/// footers, comments, properties) and the members of zip archives.
pub fn check_file(display: &str, path: &Path, allow: &AllowList, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let name = display.rsplit('/').next().unwrap_or(display);
    out.extend(path_diagnostics(display, display.len() - name.len(), allow, today));
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let read = || -> Result<Vec<u8>, Box<Diagnostic>> {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size > limits::MAX_TEXT_FILE_BYTES {
            return Err(Box::new(Diagnostic::error(
                display,
                limits::LimitError::FileSize {
                    size: limits::size_text(size),
                    limit: limits::size_text(limits::MAX_TEXT_FILE_BYTES),
                },
            )));
        }
        std::fs::read(path).map_err(|e| {
            Box::new(Diagnostic::error(display, crate::load::LoadError::Unreadable(e.to_string())))
        })
    };
    if text_kind(&ext).is_some() || ext == "zip" {
        match read() {
            Ok(bytes) => out.extend(check_bytes(display, &ext, &bytes, allow, today, 0)),
            Err(d) => out.push(*d),
        }
        return out;
    }
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" | "et" | "docx" | "docm" | "pdf" => {
            // Zips are inflated once, within the limits, and read re-packed from then on.
            let checked = match limits::read_zip_file(path) {
                Ok(Some(checked)) => Ok(checked),
                Ok(None) => read(),
                Err(e) => {
                    out.push(Diagnostic::error(display, e));
                    return out;
                }
            };
            match checked {
                Ok(bytes) => out.extend(check_bytes(display, &ext, &bytes, allow, today, 0)),
                Err(d) => out.push(*d),
            }
        }
        _ => {}
    }
    out
}

/// How the text of a file with extension `ext` is scanned, for plain and markup files.
fn text_kind(ext: &str) -> Option<privacy::TextKind> {
    use privacy::TextKind::*;
    Some(match ext {
        "csv" | "txt" | "toml" | "tsv" | "json" | "log" | "ini" | "yaml" | "yml" | "js" | "css" => {
            Plain
        }
        "html" | "htm" | "xml" | "svg" | "xhtml" => Markup,
        "rtf" => Rtf,
        _ => return None,
    })
}

/// Checks the bytes of one file (or zip member) named `display`; `depth` counts zips inside
/// zips (one level is scanned).
fn check_bytes(
    display: &str,
    ext: &str,
    bytes: &[u8],
    allow: &AllowList,
    today: Date,
    depth: usize,
) -> Vec<Diagnostic> {
    if let Some(kind) = text_kind(ext) {
        let mut text = decode_text(bytes);
        if matches!(ext, "csv" | "tsv") {
            text = unfloat_csv(text);
        }
        let findings = privacy::scan_long(&text, allow, today, kind);
        return privacy::diagnostics_for(display, &text, &findings);
    }
    match ext {
        "xlsx" | "xlsm" | "xls" | "ods" | "et" => {
            let mut out = check_spreadsheet(display, bytes, allow, today);
            // xls (and most .et) files are not zips: nothing more to read there.
            out.extend(check_zip_parts(display, bytes, allow, today, &SHEET_PARTS));
            out
        }
        "docx" | "docm" => check_zip_parts(display, bytes, allow, today, &WORD_PARTS),
        "pdf" => check_pdf(display, bytes, allow, today),
        "zip" if depth == 0 => check_archive(display, bytes, allow, today),
        _ => Vec::new(),
    }
}

/// Parts of an xlsx scanned as markup besides the cells: comments, notes, headers and footers
/// (in the sheet XML), document properties.
const SHEET_PARTS: [&str; 4] =
    ["xl/comments", "xl/threadedComments/", "xl/worksheets/", "docProps/"];
/// Parts of a docx: body, headers, footers, footnotes, comments, properties.
const WORD_PARTS: [&str; 2] = ["word/", "docProps/"];

/// Scans the XML parts of an Office file whose names start with one of `prefixes`; findings
/// point at the place a clerk finds in Word or Excel (a part's line means nothing to a clerk):
/// a paragraph or table cell, a page header, a comment's cell, the document properties; with
/// the number masked.
fn check_zip_parts(
    display: &str,
    bytes: &[u8],
    allow: &AllowList,
    today: Date,
    prefixes: &[&str],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return out };
    let mut parts: Vec<(String, String)> = Vec::new();
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index(i) else { continue };
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        let wanted = name.ends_with(".xml") && prefixes.iter().any(|p| name.starts_with(p));
        // The workbook and the relationships name the sheet a comment belongs to.
        let names_sheets = name == "xl/workbook.xml" || name.ends_with(".rels");
        if !wanted && !names_sheets {
            continue;
        }
        let mut xml = String::new();
        if f.take(limits::MAX_INFLATED_BYTES).read_to_string(&mut xml).is_err() {
            continue;
        }
        parts.push((name, xml));
    }
    let sheets = office_place::sheet_names(&parts);
    for (name, xml) in &parts {
        if !name.ends_with(".xml") || !prefixes.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        // Sheet cells are scanned through calamine (numbers as typed); here only their text
        // parts matter, but a sheet's headers and footers live in the same XML.
        let xml = if name.starts_with("xl/worksheets/") {
            sheet_header_footer(xml)
        } else {
            xml.as_str()
        };
        let mut places = office_place::Walker::new(name, xml, &sheets);
        for f in privacy::scan_long(xml, allow, today, privacy::TextKind::Markup) {
            let place = places.at(f.range.start);
            let msg = privacy::PrivacyError::found(f.kind, f.masked);
            out.push(Diagnostic::error(display, msg).at_place(place));
        }
    }
    out
}

/// The `<headerFooter>` element of a worksheet's XML (page headers and footers), if any.
fn sheet_header_footer(xml: &str) -> &str {
    match (xml.find("<headerFooter"), xml.find("</headerFooter>")) {
        (Some(a), Some(b)) if b > a => &xml[a..b],
        _ => "",
    }
}

/// Scans each member of a zip archive by its extension, named `archive.zip/member`.
fn check_archive(display: &str, bytes: &[u8], allow: &AllowList, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return out };
    let limit = || limits::size_text(limits::MAX_INFLATED_BYTES);
    let declared = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
        .fold(0u64, u64::saturating_add);
    if declared > limits::MAX_INFLATED_BYTES {
        out.push(Diagnostic::error(display, limits::LimitError::Inflated { limit: limit() }));
        return out;
    }
    // Declared sizes can lie: every member is inflated through a small buffer with a running
    // count for the whole archive. Only members whose text is scanned are kept, each up to the
    // size of a text file gongkai reads; the rest (photos) are counted and dropped.
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else { continue };
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if f.is_dir() {
            continue;
        }
        let shown = format!("{display}/{name}");
        let file = name.rsplit('/').next().unwrap_or(&name);
        out.extend(path_diagnostics(&shown, shown.len() - file.len(), allow, today));
        let ext = file.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let scanned = text_kind(&ext).is_some() || ZIPPED_KINDS.contains(&ext.as_str());
        // The zip reader stops a member at its declared size, so one declared within the limit
        // is held in a buffer of that size, and one declared beyond it is never held.
        let mut keep = scanned && f.size() <= limits::MAX_TEXT_FILE_BYTES;
        let capacity = if keep { f.size() as usize } else { 0 };
        let (mut member, mut size) = (Vec::with_capacity(capacity), 0u64);
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if limits::is_size_lie(&e) => {
                    let lie = limits::LimitError::SizeLie { member: name, limit: limit() };
                    out.push(Diagnostic::error(display, lie));
                    return out;
                }
                Err(_) => {
                    keep = false;
                    break;
                }
            };
            total += n as u64;
            size += n as u64;
            if total > limits::MAX_INFLATED_BYTES {
                out.push(Diagnostic::error(
                    display,
                    limits::LimitError::Inflated { limit: limit() },
                ));
                return out;
            }
            if keep && size > limits::MAX_TEXT_FILE_BYTES {
                keep = false;
                member = Vec::new();
            }
            if keep {
                member.extend_from_slice(&buf[..n]);
            }
        }
        if scanned && size > limits::MAX_TEXT_FILE_BYTES {
            let too_big = limits::LimitError::FileSize {
                size: limits::size_text(size),
                limit: limits::size_text(limits::MAX_TEXT_FILE_BYTES),
            };
            out.push(Diagnostic::error(shown, too_big));
            continue;
        }
        if !keep {
            continue;
        }
        // A spreadsheet or Word file in the archive is a zip itself: inflated once more within
        // the limits, like one lying in the bundle.
        if ZIPPED_KINDS.contains(&ext.as_str()) && ext != "pdf" {
            match limits::read_zip(std::io::Cursor::new(&member[..])) {
                Ok(Some(checked)) => member = checked,
                Ok(None) => {}
                Err(e) => {
                    out.push(Diagnostic::error(shown, e));
                    continue;
                }
            }
        }
        out.extend(check_bytes(&shown, &ext, &member, allow, today, 1));
    }
    out
}

/// Kinds inside an archive that are scanned besides plain and markup text.
const ZIPPED_KINDS: [&str; 8] = ["xlsx", "xlsm", "xls", "ods", "et", "docx", "docm", "pdf"];

/// The text layer of a PDF, page by page (a list exported from Word or WPS has one). A scan has
/// none and cannot be checked: a warning says so, so that it is checked by eye. The PDF reader
/// runs behind `catch_unwind`: a damaged file must not end the build.
fn check_pdf(display: &str, bytes: &[u8], allow: &AllowList, today: Date) -> Vec<Diagnostic> {
    // Messages never show a full number, not even in a file name.
    let masked_name = privacy::mask_text(display, &privacy::scan_on(display, allow, today));
    let display = masked_name.as_str();
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    let pages = match pages {
        Ok(Ok(pages)) => pages,
        _ if is_scanned_pdf(bytes) => {
            return vec![Diagnostic::warning(display, PrivacyNote::ScannedPdf)];
        }
        // Not a PDF the reader understands and no sign of a scan: nothing to say (fixtures and
        // placeholder files are like this).
        _ => return Vec::new(),
    };
    if pages.iter().all(|p| p.trim().is_empty()) {
        return vec![Diagnostic::warning(display, PrivacyNote::ScannedPdf)];
    }
    let mut out = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        for f in privacy::scan_long(page, allow, today, privacy::TextKind::Plain) {
            let msg = privacy::PrivacyError::found(f.kind, f.masked);
            out.push(Diagnostic::error(display, msg).at_place(format!("第{}页", n + 1)));
        }
    }
    out
}

/// A PDF with images and no fonts (a scan). Fonts listed inside compressed object streams are
/// not visible here, so a PDF that has object streams is never called a scan.
fn is_scanned_pdf(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    bytes.starts_with(b"%PDF") && has(b"/Image") && !has(b"/Font") && !has(b"/ObjStm")
}

/// Numbers Excel exported as floats (`13812345678.0`) in a CSV: the `.0…` becomes commas (same
/// length, so positions hold) when the whole part is 11 digits or more; amounts are shorter.
fn unfloat_csv(text: String) -> String {
    if !text.contains(".0") {
        return text;
    }
    let mut b = text.into_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.' && b.get(i + 1) == Some(&b'0') {
            let digits = b[..i].iter().rev().take_while(|c| c.is_ascii_digit()).count();
            let zeros = b[i + 1..].iter().take_while(|&&c| c == b'0').count();
            let end = i + 1 + zeros;
            let field_ends = b.get(end).is_none_or(|c| b",;\t\r\n\"".contains(c));
            if digits >= 11 && field_ends {
                b[i..end].fill(b',');
            }
            i = end;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by ASCII: still UTF-8.
    String::from_utf8(b).unwrap_or_default()
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
    bytes: &[u8],
    allow: &AllowList,
    today: Date,
) -> Vec<Diagnostic> {
    use calamine::{Data, Reader};
    // By content, not extension: a WPS `.et` is an xls or xlsx inside.
    let Ok(mut book) = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) else {
        return Vec::new();
    };
    let mut cells: Vec<(String, String, String)> = Vec::new();
    for sheet in book.sheet_names().to_vec() {
        let Ok(range) = book.worksheet_range(&sheet) else { continue };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let text = match cell {
                    // Full-width text cells too: the scanner folds full-width digits.
                    Data::String(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    // Whole numbers as Excel stores long digit strings typed without a quote.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e19 => format!("{f:.0}"),
                    _ => continue,
                };
                if text.chars().filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count()
                    >= 11
                {
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
