//! CSV ledgers: UTF-8 (with or without BOM) or GBK/GB18030, as exported by Excel on Chinese
//! Windows.

use std::ops::Range;

use super::Val;
use super::columns::{GridRow, RowLoc};
use super::error::LedgerError;

/// Decodes the bytes of a CSV file. Without `encoding`, valid UTF-8 is UTF-8 and anything else
/// is read as GB18030 (a superset of GBK and GB2312).
pub(crate) fn decode(bytes: &[u8], encoding: Option<&str>) -> Result<String, LedgerError> {
    let enc = encoding.map(|e| e.trim().to_ascii_lowercase().replace('_', "-"));
    let utf8 = |b: &[u8]| {
        let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
        std::str::from_utf8(b).map(str::to_string)
    };
    match enc.as_deref() {
        None => match utf8(bytes) {
            Ok(s) => Ok(s),
            Err(_) => gb18030(bytes),
        },
        Some("utf-8" | "utf8") => {
            utf8(bytes).map_err(|_| LedgerError::BadEncoding { encoding: "UTF-8".into() })
        }
        Some("gbk" | "gb2312" | "gb18030" | "cp936") => gb18030(bytes),
        Some(other) => Err(LedgerError::UnknownEncoding { encoding: other.to_string() }),
    }
}

fn gb18030(bytes: &[u8]) -> Result<String, LedgerError> {
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(LedgerError::BadEncoding { encoding: "GBK/GB18030".into() });
    }
    Ok(text.into_owned())
}

/// All records of the text, each with its byte offset.
pub(crate) fn grid(text: &str) -> Result<Vec<GridRow>, LedgerError> {
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let start = rec.position().map(|p| p.byte() as usize).unwrap_or(0);
                let cells = rec
                    .iter()
                    .map(|f| {
                        if f.trim().is_empty() {
                            Val::Empty
                        } else {
                            Val::Text(f.trim().to_string())
                        }
                    })
                    .collect();
                out.push(GridRow { loc: RowLoc::Csv(start), cells });
            }
            Err(e) => return Err(LedgerError::CsvSyntax { reason: e.to_string() }),
        }
    }
    Ok(out)
}

/// The byte range of field `field` of the record that starts at byte `record`: scans the raw
/// text (quotes included) only when an error needs a position.
pub(crate) fn field_span(text: &str, record: usize, field: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut i = record.min(bytes.len());
    let mut n = 0;
    loop {
        let start = i;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b',' if !quoted => break,
                b'\n' | b'\r' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        if n == field {
            // Point at the content, not the opening quote.
            let s = if bytes.get(start) == Some(&b'"') { start + 1 } else { start };
            let e = if i > s && bytes.get(i - 1) == Some(&b'"') { i - 1 } else { i };
            return s..e.max(s);
        }
        if i >= bytes.len() || bytes[i] != b',' {
            return i..i;
        }
        i += 1;
        n += 1;
    }
}

/// The 0-based spreadsheet row of the record that starts at byte `record`, as WPS or Excel
/// shows the file: every line break outside quotes starts a row, blank lines too.
pub(crate) fn row_of(text: &str, record: usize) -> u32 {
    let bytes = &text.as_bytes()[..record.min(text.len())];
    let (mut rows, mut quoted) = (0u32, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => rows += 1,
            // A lone CR (old Mac files) ends a row too; CRLF counts once, at its LF.
            b'\r' if !quoted && bytes.get(i + 1) != Some(&b'\n') => rows += 1,
            _ => {}
        }
    }
    rows
}
