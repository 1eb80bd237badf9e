//! The `ledger` front matter value (a file name or a `[ledger]` table), ledger.toml files and
//! inline `[[ledger.rows]]`.

use std::path::Path;

use super::columns::{Columns, Field, Record, toml_records};
use super::error::LedgerError;
use super::node::{self, Kind, Node};
use super::{Loc, Origin, read_csv, read_xlsx, resolve_file};
use crate::diagnostic::Diagnostic;
use crate::limits::{self, LimitError};

pub(crate) struct LedgerRead {
    pub records: Vec<Record>,
    pub origin: Origin,
    pub file: Option<String>,
    pub path: Option<String>,
}

const LEDGER_KEYS: [&str; 5] = ["file", "sheet", "encoding", "columns", "rows"];

fn string_key(n: &Node, key: &str, post: &Origin, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let v = n.get(key)?;
    match v.as_str() {
        Some(s) => Some(s.to_string()),
        None => {
            diags.push(post.error(
                &Loc::Span(v.span.clone()),
                LedgerError::WrongType { key: key.into(), expected: "字符串" },
            ));
            None
        }
    }
}

pub(crate) fn read_ledger(
    n: &Node,
    post: &Origin,
    posting_dir: &Path,
    site_root: &Path,
    cols: &mut Columns,
    diags: &mut Vec<Diagnostic>,
) -> Option<LedgerRead> {
    let (file, sheet, encoding) = match &n.kind {
        Kind::Str(s) => (Some(s.clone()), None, None),
        Kind::Table(entries) => {
            for e in entries {
                if !LEDGER_KEYS.contains(&e.key.as_str()) {
                    diags.push(post.error(
                        &Loc::Span(e.key_span.clone()),
                        LedgerError::UnknownKey {
                            key: e.key.clone(),
                            table: "[ledger]".into(),
                            suggestion: node::suggest(&e.key, &LEDGER_KEYS),
                        },
                    ));
                }
            }
            if let Some(c) = n.get("columns") {
                add_columns(c, cols, post, diags);
            }
            let file = string_key(n, "file", post, diags);
            let sheet = string_key(n, "sheet", post, diags);
            let encoding = string_key(n, "encoding", post, diags);
            if let Some(rows) = n.get("rows") {
                if file.is_some() {
                    diags.push(
                        post.error(&Loc::Span(rows.span.clone()), LedgerError::BothFileAndRows),
                    );
                }
                let records = toml_records(rows, "[[ledger.rows]]", cols, post, diags);
                return Some(LedgerRead { records, origin: post.clone(), file: None, path: None });
            }
            if file.is_none() {
                diags.push(post.error(&Loc::Span(n.span.clone()), LedgerError::NoLedgerSource));
                return None;
            }
            (file, sheet, encoding)
        }
        _ => {
            diags.push(post.error(
                &Loc::Span(n.span.clone()),
                LedgerError::WrongType {
                    key: "ledger".into(), expected: "文件名或 [ledger] 表"
                },
            ));
            return None;
        }
    };
    let file = file?;
    let Some((full, shown)) = resolve_file(&file, posting_dir, site_root) else {
        diags.push(post.error(&Loc::Span(n.span.clone()), LedgerError::NotInSite { file }));
        return None;
    };
    // A ledger beyond the limits is refused before it is read or parsed.
    let size = std::fs::metadata(&full).map(|m| m.len()).unwrap_or(0);
    if size > limits::MAX_TEXT_FILE_BYTES {
        let e = LimitError::FileSize {
            size: limits::size_text(size),
            limit: limits::size_text(limits::MAX_TEXT_FILE_BYTES),
        };
        diags.push(post.error(&Loc::Span(n.span.clone()), LedgerError::Limit(e)));
        return None;
    }
    let bytes = match std::fs::read(&full) {
        Ok(b) => b,
        Err(e) => {
            diags.push(post.error(
                &Loc::Span(n.span.clone()),
                LedgerError::CannotRead { file: shown, reason: e.to_string() },
            ));
            return None;
        }
    };
    let ext = full.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut origin = Origin { path: shown.clone(), text: "".into(), base: 0, sheet: None };
    let records = match ext.as_str() {
        "csv" | "txt" => {
            let text = match read_csv::decode(&bytes, encoding.as_deref()) {
                Ok(t) => t,
                Err(e) => {
                    diags.push(origin.error(&Loc::File, e));
                    return None;
                }
            };
            origin.text = text.into();
            // Counting lines is one cheap pass; building a million rows is not.
            let lines = memchr_count(origin.text.as_bytes());
            if lines > limits::MAX_LEDGER_ROWS + 1 {
                let e = LimitError::LedgerRows { limit: limits::MAX_LEDGER_ROWS };
                diags.push(origin.error(&Loc::File, LedgerError::Limit(e)));
                return None;
            }
            let grid = match read_csv::grid(&origin.text) {
                Ok(g) => g,
                Err(e) => {
                    diags.push(origin.error(&Loc::File, e));
                    return None;
                }
            };
            super::columns::grid_records(grid, cols, &origin, diags)
        }
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let checked = match limits::read_zip(std::io::Cursor::new(&bytes[..])) {
                Ok(Some(checked)) => checked,
                Ok(None) => bytes,
                Err(e) => {
                    diags.push(origin.error(&Loc::File, LedgerError::Limit(e)));
                    return None;
                }
            };
            let (sheet_name, grid) = match read_xlsx::grid(&full, checked, sheet.as_deref()) {
                Ok(x) => x,
                Err(e) => {
                    diags.push(origin.error(&Loc::File, e));
                    return None;
                }
            };
            origin.sheet = Some(sheet_name);
            if grid.len() > limits::MAX_LEDGER_ROWS + 1 {
                let e = LimitError::LedgerRows { limit: limits::MAX_LEDGER_ROWS };
                diags.push(origin.error(&Loc::File, LedgerError::Limit(e)));
                return None;
            }
            super::columns::grid_records(grid, cols, &origin, diags)
        }
        "toml" => {
            origin.text =
                match String::from_utf8(bytes) {
                    Ok(t) => t.into(),
                    Err(_) => {
                        diags.push(origin.error(
                            &Loc::File,
                            LedgerError::BadEncoding { encoding: "UTF-8".into() },
                        ));
                        return None;
                    }
                };
            read_toml_file(&origin, cols, diags)
        }
        _ => {
            diags.push(
                post.error(&Loc::Span(n.span.clone()), LedgerError::UnsupportedFormat { file }),
            );
            return None;
        }
    };
    Some(LedgerRead { records, origin, file: Some(file), path: Some(shown) })
}

fn add_columns(c: &Node, cols: &mut Columns, post: &Origin, diags: &mut Vec<Diagnostic>) {
    let Some(entries) = c.entries() else {
        diags.push(post.error(
            &Loc::Span(c.span.clone()),
            LedgerError::WrongType { key: "columns".into(), expected: "表（列名 = 字段）" },
        ));
        return;
    };
    for e in entries {
        match e.node.as_str().and_then(Field::from_name) {
            Some(f) => cols.add(&e.key, f),
            None => diags.push(post.error(
                &Loc::Span(e.node.span.clone()),
                LedgerError::UnknownField {
                    header: e.key.clone(),
                    field: e.node.as_str().unwrap_or("").to_string(),
                },
            )),
        }
    }
}

/// A ledger.toml: `[[rows]]` tables, optionally `columns = {…}`.
fn read_toml_file(origin: &Origin, cols: &mut Columns, diags: &mut Vec<Diagnostic>) -> Vec<Record> {
    let doc = match node::parse_doc(&origin.text) {
        Ok(d) => d,
        Err((reason, span)) => {
            diags.push(origin.error(&Loc::Span(span), LedgerError::TomlSyntax { reason }));
            return Vec::new();
        }
    };
    const KEYS: [&str; 2] = ["rows", "columns"];
    for e in doc.entries().unwrap_or(&[]) {
        if !KEYS.contains(&e.key.as_str()) {
            diags.push(origin.error(
                &Loc::Span(e.key_span.clone()),
                LedgerError::UnknownKey {
                    key: e.key.clone(),
                    table: "账本文件".into(),
                    suggestion: node::suggest(&e.key, &KEYS),
                },
            ));
        }
    }
    if let Some(c) = doc.get("columns") {
        add_columns(c, cols, origin, diags);
    }
    match doc.get("rows") {
        Some(rows) => toml_records(rows, "[[rows]]", cols, origin, diags),
        None => Vec::new(),
    }
}

/// Lines in `b` (a last line without a line break counts).
fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count() + usize::from(!b.is_empty() && !b.ends_with(b"\n"))
}
