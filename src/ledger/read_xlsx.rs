//! Excel ledgers via calamine: the first sheet or a named one.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::Val;
use super::columns::{GridRow, RowLoc};
use super::error::LedgerError;

/// The sheet's name and its rows with absolute cell positions. `checked` is the file as
/// [`crate::limits::read_zip`] re-packed it (read once, within the limits), or for a file that
/// is no zip (an old `.xls`) its bytes.
pub(crate) fn grid(
    path: &Path,
    checked: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(String, Vec<GridRow>), LedgerError> {
    let cannot = |e: &dyn std::fmt::Display| LedgerError::CannotRead {
        file: path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        reason: e.to_string(),
    };
    let mut wb =
        open_workbook_auto_from_rs(std::io::Cursor::new(checked)).map_err(|e| cannot(&e))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(LedgerError::SheetNotFound { sheet: s.to_string(), available: names });
            }
            s.to_string()
        }
        None => names.first().cloned().ok_or_else(|| cannot(&"no sheets"))?,
    };
    let range = wb.worksheet_range(&name).map_err(|e| cannot(&e))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| GridRow {
            loc: RowLoc::Xlsx(r0 + i as u32, c0),
            cells: row.iter().map(val).collect(),
        })
        .collect();
    Ok((name, rows))
}

fn val(d: &Data) -> Val {
    match d {
        Data::Empty => Val::Empty,
        Data::Int(i) => Val::Int(*i),
        Data::Float(f) => Val::Num(*f),
        Data::String(s) if s.trim().is_empty() => Val::Empty,
        Data::String(s) => Val::Text(s.trim().to_string()),
        Data::Bool(b) => Val::Bool(*b),
        Data::DateTime(dt) => Val::ExcelDate(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Val::Text(s.clone()),
        // As Excel shows it (`#DIV/0!`), not calamine's name for it (`Div0`).
        Data::Error(e) => Val::Text(excel_error_text(e).to_string()),
    }
}

/// The text Excel shows for an error value.
pub(crate) fn excel_error_text(e: &calamine::CellErrorType) -> &'static str {
    use calamine::CellErrorType::*;
    match e {
        Div0 => "#DIV/0!",
        NA => "#N/A",
        Name => "#NAME?",
        Null => "#NULL!",
        Num => "#NUM!",
        Ref => "#REF!",
        Value => "#VALUE!",
        GettingData => "#GETTING_DATA",
    }
}
