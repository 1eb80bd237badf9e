//! Attachments (PDF, Word, Excel…): a label and size for the download link, and warnings when
//! the file's properties carry a person's name (the author field of a Word file is usually the
//! clerk's own name or the name on the office computer's account).
//!
//! Covered: PDF Info dictionary `/Author` and `/Creator` (literal or hex strings, UTF-16 or
//! Latin-1) and XMP `dc:creator` / `pdf:Author` when they are stored uncompressed (almost
//! always; an Info dictionary inside a compressed object stream is not seen), and the core
//! properties of docx/xlsx/pptx (`docProps/core.xml`: `dc:creator`, `cp:lastModifiedBy`).
//! Not covered: legacy .doc/.xls/.wps (OLE2 summary streams) and pinyin account names such as
//! `zhangsan` (too easy to confuse with ordinary words).

use std::io::Read;
use std::path::Path;

/// Type label and size of an attachment, for the download link ("PDF 文档，1.2 MB").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub label: &'static str,
    pub size: u64,
    pub human_size: String,
}

/// Label, size in bytes and human size of an attachment.
pub fn describe(path: &Path) -> std::io::Result<AttachmentInfo> {
    let size = std::fs::metadata(path)?.len();
    let ext =
        path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let label = match ext.as_str() {
        "pdf" => "PDF 文档",
        "doc" | "docx" => "Word 文档",
        "xls" | "xlsx" => "Excel 表格",
        "ppt" | "pptx" => "演示文稿",
        "wps" => "WPS 文档",
        "et" => "WPS 表格",
        "ofd" => "OFD 版式文档",
        "csv" => "CSV 表格",
        "txt" => "文本文件",
        "zip" | "rar" | "7z" => "压缩包",
        "jpg" | "jpeg" | "png" | "gif" | "webp" => "图片",
        "mp4" | "mov" => "视频",
        "mp3" | "m4a" | "wav" => "音频",
        _ => "文件",
    };
    Ok(AttachmentInfo { label, size, human_size: human_size(size) })
}

/// `850 B`, `12 KB`, `1.2 MB`, `3.4 GB` (1024-based, as Windows shows sizes).
pub fn human_size(bytes: u64) -> String {
    const K: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < K * K {
        format!("{} KB", (b / K).ceil() as u64)
    } else if b < K * K * K {
        format!("{:.1} MB", b / (K * K))
    } else {
        format!("{:.1} GB", b / (K * K * K))
    }
}

crate::messages! {
    /// A warning about an attachment's hidden properties.
    #[derive(Eq)]
    pub enum AttachmentWarning {
        /// A metadata field holds what looks like a person's name.
        PersonalName {
            file: String,
            field: String,
            value: String,
        } = "attachment.personal-name",
            zh: "附件“{file}”的文件属性里记着一个人名“{value}”（{field}），公开后任何人下载都能看到。如果不想公开，请在 WPS 或 Word 里打开：文件 → 属性（或“信息 → 检查文档”），删掉作者后另存；PDF 请在导出前先删掉原文件的作者。",
            en: "attachment \"{file}\" names a person in its properties ({field} = \"{value}\"); anyone who downloads it can see this. Remove the author in the file's properties and save again";
    }
}

/// Warnings for person names in an attachment's metadata. Unreadable or unknown files give none.
pub fn attachment_warnings(path: &Path) -> Vec<AttachmentWarning> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext =
        path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let fields = match ext.as_str() {
        "pdf" => std::fs::read(path).map(|b| pdf_fields(&b)).unwrap_or_default(),
        "docx" | "xlsx" | "pptx" | "docm" | "xlsm" => ooxml_fields(path),
        _ => Vec::new(),
    };
    let mut out: Vec<AttachmentWarning> = Vec::new();
    for (field, value) in fields {
        let value = value.trim().to_string();
        if looks_like_person(&value)
            && !out.iter().any(
                |w| matches!(w, AttachmentWarning::PersonalName { value: v, .. } if *v == value),
            )
        {
            out.push(AttachmentWarning::PersonalName { file: file.clone(), field, value });
        }
    }
    out
}

/// (field, value) pairs from `docProps/core.xml` of an Office Open XML (zip) file.
fn ooxml_fields(path: &Path) -> Vec<(String, String)> {
    let Ok(f) = std::fs::File::open(path) else { return Vec::new() };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(f)) else { return Vec::new() };
    let Ok(core) = zip.by_name("docProps/core.xml") else { return Vec::new() };
    let mut xml = String::new();
    // A core.xml is a few hundred bytes: cap the read against zip bombs.
    if core.take(1 << 20).read_to_string(&mut xml).is_err() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for tag in ["dc:creator", "cp:lastModifiedBy"] {
        for v in xml_elements(&xml, tag) {
            out.push((tag.to_string(), v));
        }
    }
    out
}

/// Text content of every `<tag …>text</tag>` in `xml` (entities decoded).
fn xml_elements(xml: &str, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        // `<dc:creatorX` is another element.
        if !rest.starts_with(['>', ' ', '\t', '\n', '\r']) {
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        if rest[..gt].ends_with('/') {
            rest = &rest[gt + 1..];
            continue;
        }
        let body = &rest[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push(xml_unescape(&body[..end]));
        rest = &body[end..];
    }
    out
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(semi) = after.find(';') else {
            out.push_str(after);
            return out;
        };
        let entity = &after[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32)
            }
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&after[..=semi]),
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// `/Author` and `/Creator` of PDF Info dictionaries, plus XMP creators.
fn pdf_fields(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for key in ["Author", "Creator"] {
        let needle = format!("/{key}");
        let mut from = 0;
        while let Some(i) = find(&bytes[from..], needle.as_bytes()) {
            let mut j = from + i + needle.len();
            from = j;
            // `/Creator` must not match `/CreatorTool` and the like.
            if bytes.get(j).is_some_and(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
                j += 1;
            }
            let raw = match bytes.get(j) {
                Some(b'(') => pdf_literal(&bytes[j + 1..]),
                Some(b'<') if bytes.get(j + 1) != Some(&b'<') => pdf_hex(&bytes[j + 1..]),
                _ => None,
            };
            if let Some(raw) = raw {
                out.push((key.to_string(), pdf_text(&raw)));
            }
        }
    }
    // XMP packets are XML in the clear (unless the metadata stream is compressed).
    let text = String::from_utf8_lossy(bytes);
    if text.contains("<x:xmpmeta") {
        for creator in xml_elements(&text, "dc:creator") {
            for name in xml_elements(&creator, "rdf:li") {
                out.push(("dc:creator".to_string(), name));
            }
        }
        for v in xml_elements(&text, "pdf:Author") {
            out.push(("pdf:Author".to_string(), v));
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A PDF literal string body (after `(`): balanced parentheses and backslash escapes.
fn pdf_literal(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() && out.len() < 4096 {
        match b[i] {
            b'\\' => {
                i += 1;
                let c = *b.get(i)?;
                match c {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v: u32 = 0;
                        let mut n = 0;
                        while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                            v = v * 8 + u32::from(b[i] - b'0');
                            i += 1;
                            n += 1;
                        }
                        out.push(v as u8);
                        continue;
                    }
                    b'\n' | b'\r' => {}
                    other => out.push(other),
                }
            }
            b'(' => {
                depth += 1;
                out.push(b'(');
            }
            b')' if depth == 0 => return Some(out),
            b')' => {
                depth -= 1;
                out.push(b')');
            }
            other => out.push(other),
        }
        i += 1;
    }
    None
}

/// A PDF hex string body (after `<`).
fn pdf_hex(b: &[u8]) -> Option<Vec<u8>> {
    let end = b.iter().take(8192).position(|&c| c == b'>')?;
    let digits: Vec<u8> = b[..end]
        .iter()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|&c| (c as char).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    Some(digits.chunks(2).map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0)).collect())
}

/// PDF text string: UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding (≈ Latin-1).
fn pdf_text(raw: &[u8]) -> String {
    if let Some(rest) = raw.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> =
            rest.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = raw.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        raw.iter().map(|&b| b as char).collect()
    }
}

/// Characters that mark an organisation or a role rather than a person.
const NOT_A_NAME: &[&str] = &[
    "村", "委", "会", "局", "办", "公司", "政府", "组", "部", "处", "站", "所", "镇", "乡", "县",
    "市", "省", "队", "科", "室", "中心", "社", "院", "校", "厂", "店", "协", "员", "用户", "微软",
    "作者", "未知", "匿名", "系统", "电脑", "财务", "会计", "出纳", "文档", "表格", "党", "支部",
];

/// Software and account names that often fill author fields.
const NOT_A_PERSON_LATIN: &[&str] = &[
    "microsoft",
    "word",
    "excel",
    "powerpoint",
    "office",
    "wps",
    "kingsoft",
    "adobe",
    "acrobat",
    "distiller",
    "libreoffice",
    "openoffice",
    "writer",
    "calc",
    "pdf",
    "quartz",
    "skia",
    "chrome",
    "chromium",
    "google",
    "docs",
    "windows",
    "mac",
    "os",
    "user",
    "admin",
    "administrator",
    "owner",
    "author",
    "unknown",
    "ghostscript",
    "itext",
    "foxit",
    "reader",
    "printer",
    "scanner",
    "canon",
    "epson",
    "hp",
    "brother",
    "ricoh",
    "sharp",
    "lenovo",
    "dell",
    "pc",
    "lotus",
    "tex",
    "latex",
    "pdftex",
    "xetex",
    "lualatex",
    "typst",
    "apache",
    "fop",
    "prince",
    "wkhtmltopdf",
    "village",
    "committee",
    "bureau",
    "government",
    "department",
    "company",
    "team",
    "group",
    "party",
    "branch",
    "center",
    "centre",
    "township",
    "county",
    "town",
    "station",
    "finance",
];

/// Does `s` look like a person's name? Two to four Chinese characters (a `·` allowed, for names
/// such as 阿依古丽·买买提) without organisation words, or two or three capitalised Latin words
/// that are not software names ("Zhang Wei").
pub(crate) fn looks_like_person(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return false;
    }
    let is_han =
        |c: char| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x2FFFF);
    if s.chars().all(|c| is_han(c) || c == '·' || c == '•') {
        let n = s.chars().filter(|&c| is_han(c)).count();
        let max = if s.contains(['·', '•']) { 12 } else { 4 };
        return (2..=max).contains(&n) && !NOT_A_NAME.iter().any(|w| s.contains(w));
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=3).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(|c| c.is_ascii_uppercase())
                && cs.clone().count() >= 1
                && cs.all(|c| c.is_ascii_lowercase() || c == '-' || c == '\'')
                && !NOT_A_PERSON_LATIN.contains(&w.to_ascii_lowercase().as_str())
        })
}
