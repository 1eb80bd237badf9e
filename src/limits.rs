//! Limits a real board never reaches, so that one bad or hostile file (a 50 MB posting, a list
//! nested 10,000 levels deep, a spreadsheet zip bomb, a million-row ledger) is a located error
//! naming the limit instead of gigabytes of memory and minutes of work. Each limit is far above
//! what a village writes in a year (the largest example posting is a few KB; a year's ledger a
//! few thousand rows) and keeps the peak memory for any single file well under 500 MiB.
//!
//! This module imports nothing above `diagnostic`.

/// A posting, section intro or home page: 4 MiB of text (about two million Chinese characters).
pub const MAX_POSTING_BYTES: u64 = 4 << 20;
/// Lists and block quotes inside each other: 32 levels (a board uses 3 or 4).
pub const MAX_NESTING: usize = 32;
/// A ledger or any text file read for checking: 64 MiB.
pub const MAX_TEXT_FILE_BYTES: u64 = 64 << 20;
/// Rows of one ledger: 50,000 (a village records a few thousand a year; a 50,000-row ledger
/// builds in about 150 MiB).
pub const MAX_LEDGER_ROWS: usize = 50_000;
/// A spreadsheet (or any zip: docx, an attached .zip) inflated: 256 MiB in all.
pub const MAX_INFLATED_BYTES: u64 = 256 << 20;
/// Cells of one spreadsheet: 2,000,000.
pub const MAX_CELLS: u64 = 2_000_000;

crate::messages! {
    /// A file beyond one of the limits.
    #[derive(Eq)]
    pub enum LimitError {
        PostingSize { size: String, limit: String } = "limit.posting-size",
            zh: "这个文件有 {size}，超过了一篇内容的上限 {limit}。请把它拆成几篇，或把很长的名单做成附件",
            en: "this file is {size}, more than the limit of {limit} for one posting; split it into several postings or attach the long list as a file";
        Nesting { depth: usize, limit: usize } = "limit.nesting",
            zh: "这里的列表或引用套了 {depth} 层，超过了上限 {limit} 层。请减少嵌套层数（公开栏一般不超过 3 层）",
            en: "lists or quotes are nested {depth} levels deep here, more than the limit of {limit}; nest fewer levels";
        FileSize { size: String, limit: String } = "limit.file-size",
            zh: "这个文件有 {size}，超过了 gongkai 读取文件的上限 {limit}",
            en: "this file is {size}, more than the limit of {limit} for a file gongkai reads";
        LedgerRows { limit: usize } = "limit.ledger-rows",
            zh: "这个账本超过了 {limit} 行的上限。请按年度或季度拆成几个账本",
            en: "this ledger has more than {limit} rows (the limit); split it by year or by quarter";
        Inflated { limit: String } = "limit.inflated",
            zh: "这个文件解压后超过 {limit} 的上限，可能已损坏，或不是正常的文档（“压缩炸弹”）。请用 WPS 或 Excel 打开后重新另存",
            en: "this file unpacks to more than {limit} (the limit); it is damaged or not a real document (a \"zip bomb\")";
        SizeLie { member: String, limit: String } = "limit.size-lie",
            zh: "这个文件里的 {member} 解压后比文件头里写的大小还大，可能已损坏，或不是正常的文档（“压缩炸弹”）；gongkai 解压一个文件最多 {limit}。请用 WPS 或 Excel 打开后重新另存",
            en: "`{member}` in this file unpacks to more than its header says: the file is damaged or a \"zip bomb\" (gongkai unpacks at most {limit} of one file)";
        Cells { limit: u64 } = "limit.cells",
            zh: "这个表格超过了 {limit} 个单元格的上限。请只保留要公开的工作表后另存",
            en: "this spreadsheet has more than {limit} cells (the limit); keep only the sheets to publish";
    }
}

/// `4.0 MB`, `50.0 MB`, `850 KB` for messages (1024-based, as Windows shows sizes).
pub fn size_text(bytes: u64) -> String {
    const K: f64 = 1024.0;
    let b = bytes as f64;
    if b < K * K {
        format!("{} KB", (b / K).ceil() as u64)
    } else if b < K * K * K {
        format!("{:.1} MB", b / (K * K))
    } else {
        format!("{:.1} GB", b / (K * K * K))
    }
}

/// The first place in Markdown `text` where lists and block quotes nest deeper than
/// [`MAX_NESTING`]: its byte offset and the depth there. One linear pass over the lines, before
/// the Markdown parser sees the text (the parser's memory grows with the depth).
///
/// The depth of a line is its container marks (`>`, `-`, `*`, `+`, `1.`, `1)`) at the start,
/// plus its indentation (before the first mark, or after the last) in steps of two columns,
/// which is how nested list items are written.
pub fn deep_nesting(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let b = line.as_bytes();
        let (mut i, mut depth, mut indent, mut lead) = (0, 0, 0, 0);
        loop {
            match b.get(i) {
                Some(b' ') => {
                    indent += 1;
                    i += 1;
                }
                Some(b'\t') => {
                    indent += 4;
                    i += 1;
                }
                // After a mark, only the indentation after it counts.
                Some(b'>') => {
                    lead = if depth == 0 { indent } else { lead };
                    depth += 1;
                    indent = 0;
                    i += 1;
                }
                Some(b'-' | b'*' | b'+') if matches!(b.get(i + 1), Some(b' ' | b'\t')) => {
                    lead = if depth == 0 { indent } else { lead };
                    depth += 1;
                    indent = 0;
                    i += 2;
                }
                Some(c) if c.is_ascii_digit() => {
                    let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                    if n <= 9
                        && matches!(b.get(i + n), Some(b'.' | b')'))
                        && matches!(b.get(i + n + 1), Some(b' ' | b'\t'))
                    {
                        lead = if depth == 0 { indent } else { lead };
                        depth += 1;
                        indent = 0;
                        i += n + 2;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
            // Indentation alone (a code block, a continued paragraph) is not nesting.
            let level = depth + (lead + indent) / 2;
            if depth > 0 && level > MAX_NESTING {
                return Some((offset + i.min(line.len()), level));
            }
        }
        offset += line.len();
    }
    None
}

/// Checks a zip-based file (xlsx, docx, ods) at `path`; see [`read_zip`]. Not a zip: `Ok`.
pub fn check_zip(path: &std::path::Path) -> Result<(), LimitError> {
    read_zip_file(path).map(|_| ())
}

/// [`read_zip`] of the file at `path`; a file that cannot be opened is not a zip here (the
/// reader after this says why).
pub fn read_zip_file(path: &std::path::Path) -> Result<Option<Vec<u8>>, LimitError> {
    let Ok(file) = std::fs::File::open(path) else { return Ok(None) };
    read_zip(std::io::BufReader::new(file))
}

/// Reads a zip-based file (xlsx, docx, ods) once, before anything else unpacks it: the sizes
/// its directory declares, then the bytes each member really inflates to and each worksheet's
/// cell count, counted while inflating through a small buffer. The members come back re-packed
/// without compression, so that calamine and the privacy scan read the checked bytes as they
/// are and never inflate the file again (a lying zip would otherwise be unpacked a second time,
/// by a reader with no limit). Memory: the inflated size, at most [`MAX_INFLATED_BYTES`].
/// Not a zip (an old `.xls`): `Ok(None)`.
pub fn read_zip<R: std::io::Read + std::io::Seek>(
    reader: R,
) -> Result<Option<Vec<u8>>, LimitError> {
    use std::io::{Read, Write};
    let inflated = || LimitError::Inflated { limit: size_text(MAX_INFLATED_BYTES) };
    let Ok(mut zip) = zip::ZipArchive::new(reader) else { return Ok(None) };
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            declared = declared.saturating_add(f.size());
        }
    }
    if declared > MAX_INFLATED_BYTES {
        return Err(inflated());
    }
    // Declared sizes can lie: count what really comes out, and the cells of each sheet.
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let (mut total, mut cells) = (0u64, 0u64);
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else { continue };
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if f.is_dir() {
            // A folder entry holds nothing; readers find members by their full names.
            continue;
        }
        if out.start_file(name.as_str(), stored).is_err() {
            continue;
        }
        let sheet = name.ends_with(".xml") && name.contains("worksheets/");
        let mut last = [0u8; 2];
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if is_size_lie(&e) => {
                    return Err(LimitError::SizeLie {
                        member: name,
                        limit: size_text(MAX_INFLATED_BYTES),
                    });
                }
                Err(_) => break,
            };
            total += n as u64;
            if total > MAX_INFLATED_BYTES {
                return Err(inflated());
            }
            // Writing into memory does not fail.
            let _ = out.write_all(&buf[..n]);
            if sheet {
                // `<c ` and `<c>` open a cell; the two bytes before the buffer join it.
                let chunk = &buf[..n];
                let opens = |w: &[u8]| w[0] == b'<' && w[1] == b'c' && matches!(w[2], b' ' | b'>');
                let joined = [last[0], last[1], chunk[0], *chunk.get(1).unwrap_or(&0)];
                cells += joined.windows(3).take(2).filter(|w| opens(w)).count() as u64;
                cells += chunk.windows(3).filter(|w| opens(w)).count() as u64;
                if n >= 2 {
                    last = [chunk[n - 2], chunk[n - 1]];
                }
                if cells > MAX_CELLS {
                    return Err(LimitError::Cells { limit: MAX_CELLS });
                }
            }
        }
    }
    Ok(out.finish().ok().map(|c| c.into_inner()))
}

/// Whether a read error of a zip member says it inflates past the size its headers declare
/// (the zip reader stops there): a lying zip, which is how a zip bomb hides from a size check.
pub fn is_size_lie(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::InvalidData
        && e.to_string().contains("declared uncompressed size")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip of one deflated member `name` of `len` bytes whose headers say it is 1 KB.
    fn lying_zip(name: &str, len: usize) -> Vec<u8> {
        use std::io::Write;
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        z.start_file(name, opts).unwrap();
        z.write_all(&vec![b'x'; len]).unwrap();
        let mut bytes = z.finish().unwrap().into_inner();
        for i in 0..bytes.len().saturating_sub(64) {
            let (size, at) = match &bytes[i..i + 4] {
                [0x50, 0x4b, 0x03, 0x04] => (i + 22, i + 30),
                [0x50, 0x4b, 0x01, 0x02] => (i + 24, i + 46),
                _ => continue,
            };
            if bytes[at..].starts_with(name.as_bytes()) {
                bytes[size..size + 4].copy_from_slice(&1024u32.to_le_bytes());
            }
        }
        bytes
    }

    #[test]
    fn a_member_larger_than_its_header_says_is_a_zip_bomb() {
        let bytes = lying_zip("xl/worksheets/sheet1.xml", 1 << 20);
        let err = read_zip(std::io::Cursor::new(bytes)).unwrap_err();
        assert_eq!(
            err,
            LimitError::SizeLie {
                member: "xl/worksheets/sheet1.xml".into(),
                limit: "256.0 MB".into()
            }
        );
        // The zip reader's own wording is what tells a lie from damage.
        let bytes = lying_zip("a.txt", 4096);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut f = z.by_index(0).unwrap();
        let e = std::io::copy(&mut f, &mut std::io::sink()).unwrap_err();
        assert!(is_size_lie(&e), "{e}");
    }

    #[test]
    fn nesting_of_real_boards_passes_and_deep_nesting_is_found() {
        let ok = "- 一\n  - 二\n    - 三\n      1. 四\n> 引用\n> > 二层\n\n    代码块\n";
        assert_eq!(deep_nesting(ok), None);
        let deep: String = (0..100).map(|i| format!("{}- 第{i}层\n", "  ".repeat(i))).collect();
        let (at, depth) = deep_nesting(&deep).unwrap();
        assert_eq!(depth, MAX_NESTING + 1);
        // Line 33 (0-based 32) is the first deeper than 32: 32 indent steps + 1 mark.
        assert_eq!(deep[..at].matches('\n').count(), 32);
        let quotes = format!("{}深\n", "> ".repeat(40));
        assert_eq!(deep_nesting(&quotes).map(|d| d.1), Some(33));
    }
}
