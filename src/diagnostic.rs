//! One error type for users: where (path, line, column or spreadsheet cell), what, and how to fix it.
//!
//! Every stage of the pipeline returns `Diagnostic`s instead of failing fast, so a clerk sees all
//! problems of a build at once. A diagnostic carries its message as data ([`Msg`]: code, fields
//! and both texts, from the catalogue of [`crate::message`]); the language is chosen when it is
//! shown, at the edge.

use std::path::Path;

pub use crate::message::{Lang, Msg};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is. Lines and columns are 1-based; columns count characters, not bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Position {
    /// The file as a whole (e.g. it cannot be read).
    File,
    Text {
        line: usize,
        column: usize,
    },
    /// A spreadsheet cell such as `三季度!D17`.
    Cell {
        sheet: String,
        cell: String,
    },
    /// A cell of a CSV file as a spreadsheet shows it (`C3`), with the line and column of the
    /// text for the snippet: a clerk opens a CSV ledger in WPS or Excel, not in a text editor.
    CsvCell {
        line: usize,
        column: usize,
        cell: String,
    },
    /// A place in a document that has no lines a clerk sees: a Word paragraph or table cell
    /// (`第3段`, `表1 第2行第3列`, `页眉`), a PDF page (`第2页`).
    Place(String),
}

/// The offending source line and which characters of it to underline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub line: String,
    /// 0-based character offset of the underline's start.
    pub start: usize,
    /// Length of the underline in characters (at least 1).
    pub len: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, always with `/` separators.
    pub path: String,
    pub position: Position,
    pub message: Msg,
    pub snippet: Option<Snippet>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<Msg>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            position: Position::File,
            message: message.into(),
            snippet: None,
        }
    }

    pub fn warning(path: impl Into<String>, message: impl Into<Msg>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, message) }
    }

    /// The position as plain fields for JSON (line, column, sheet, cell); a place inside an
    /// attachment (第3段, 第2页) goes where a cell would.
    pub fn position_parts(&self) -> (Option<usize>, Option<usize>, Option<String>, Option<String>) {
        match &self.position {
            Position::File => (None, None, None, None),
            Position::Text { line, column } => (Some(*line), Some(*column), None, None),
            Position::Cell { sheet, cell } => (None, None, Some(sheet.clone()), Some(cell.clone())),
            Position::CsvCell { cell, line, column } => {
                (Some(*line), Some(*column), None, Some(cell.clone()))
            }
            Position::Place(place) => (None, None, None, Some(place.clone())),
        }
    }

    /// Points at a line and column without a snippet.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.position = Position::Text { line, column };
        self
    }

    /// Points at a spreadsheet cell.
    pub fn at_cell(mut self, sheet: impl Into<String>, cell: impl Into<String>) -> Self {
        self.position = Position::Cell { sheet: sheet.into(), cell: cell.into() };
        self
    }

    /// Points at the cell `cell` of a CSV file whose text is `source`, the field at byte range
    /// `span`: the cell names the place, the snippet shows the line.
    pub fn at_csv_cell(self, source: &str, span: std::ops::Range<usize>, cell: String) -> Self {
        let mut d = self.at_span(source, span);
        if let Position::Text { line, column } = d.position {
            d.position = Position::CsvCell { line, column, cell };
        }
        d
    }

    /// Points at a place in a document without lines (see [`Position::Place`]).
    pub fn at_place(mut self, place: impl Into<String>) -> Self {
        self.position = Position::Place(place.into());
        self
    }

    /// Points at the byte range `span` of `source` (the whole file's text): computes line, column
    /// and the snippet with its underline.
    pub fn at_span(mut self, source: &str, span: std::ops::Range<usize>) -> Self {
        let loc = locate(source, span.start);
        let line_text = source[loc.line_start..].lines().next().unwrap_or("");
        let end = span.end.max(span.start).min(loc.line_start + line_text.len());
        let len =
            source.get(span.start.min(end)..end).map(|s| s.chars().count()).unwrap_or(1).max(1);
        self.position = Position::Text { line: loc.line, column: loc.column };
        self.snippet = Some(Snippet { line: line_text.to_string(), start: loc.column - 1, len });
        self
    }

    /// Adds a snippet for a known line and column of `source` (underlining `len` characters).
    pub fn with_line_snippet(self, source: &str, line: usize, column: usize, len: usize) -> Self {
        self.with_known_line(source.lines().nth(line.saturating_sub(1)), line, column, len)
    }

    /// [`Diagnostic::with_line_snippet`] for a line whose text was kept (`None`: no snippet),
    /// when the whole source is no longer at hand.
    pub fn with_known_line(
        mut self,
        text: Option<&str>,
        line: usize,
        column: usize,
        len: usize,
    ) -> Self {
        if let Some(text) = text {
            self.snippet = Some(Snippet {
                line: text.to_string(),
                start: column.saturating_sub(1),
                len: len.max(1),
            });
        }
        self.position = Position::Text { line, column };
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column` (or `path:sheet!cell`, or just `path`).
    pub fn location(&self) -> String {
        match &self.position {
            Position::File => self.path.clone(),
            Position::Text { line, column } => format!("{}:{}:{}", self.path, line, column),
            Position::Cell { sheet, cell } => format!("{}:{}!{}", self.path, sheet, cell),
            Position::CsvCell { cell, .. } => format!("{}:{cell}", self.path),
            Position::Place(place) => format!("{}:{place}", self.path),
        }
    }

    /// The full human-readable report: location, severity, message, snippet with caret.
    pub fn render(&self, lang: Lang) -> String {
        let sev = match (self.severity, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Warning, Lang::En) => "warning",
        };
        let mut out = format!("{}: {}: {}", self.location(), sev, self.message.text(lang));
        if let Some(snippet) = &self.snippet {
            let (line_no, _) = match self.position {
                Position::Text { line, column } | Position::CsvCell { line, column, .. } => {
                    (line, column)
                }
                _ => (0, 0),
            };
            let gutter = line_no.to_string();
            let pad = " ".repeat(gutter.len());
            let shown: String = snippet.line.replace('\t', " ");
            // Underline under the right characters: CJK characters are two columns wide in a
            // terminal, so the caret offset counts display width.
            let prefix: String = shown.chars().take(snippet.start).collect();
            let marked: String = shown.chars().skip(snippet.start).take(snippet.len).collect();
            let offset = display_width(&prefix);
            let width = display_width(&marked).max(1);
            out.push_str(&format!(
                "\n{pad} |\n{gutter} | {shown}\n{pad} | {}{}",
                " ".repeat(offset),
                "^".repeat(width)
            ));
        }
        out
    }
}

/// Terminal display width: East Asian wide characters take two columns.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// A byte offset translated into a 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    /// Byte offset where that line starts.
    pub line_start: usize,
}

/// Finds the line and character column of byte `offset` in `source`.
pub fn locate(source: &str, offset: usize) -> Located {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = before.matches('\n').count() + 1;
    let column = source[line_start..offset].chars().count() + 1;
    Located { line, column, line_start }
}

/// Shows a path relative to `root` with `/` separators, as users see it in messages on any OS.
/// A path outside `root` (an absolute `--out`) is shown as given, not as `//tmp/...`.
pub fn display_path(root: &Path, path: &Path) -> String {
    let Ok(rel) = path.strip_prefix(root) else {
        return path.to_string_lossy().into_owned();
    };
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// All diagnostics of one run, kept in a stable order for output.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    /// `ds` in the order a build reports them (by file and position).
    pub fn sorted(ds: impl IntoIterator<Item = Diagnostic>) -> Self {
        let mut d = Diagnostics::new();
        d.extend(ds);
        d.sort();
        d
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    /// Sorts by path then position so output does not depend on thread scheduling.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, &a.position, a.severity, a.message.code()).cmp(&(
                &b.path,
                &b.position,
                b.severity,
                b.message.code(),
            ))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_characters_not_bytes() {
        let src = "第一行\n标题 = 1\n";
        let off = src.find('=').unwrap();
        let loc = locate(src, off);
        assert_eq!((loc.line, loc.column), (2, 4));
    }

    #[test]
    fn render_shows_caret_under_the_span() {
        let src = "a\ntitel = \"x\"\n";
        let d =
            Diagnostic::error("content/a.md", Msg::new("t", (), "未知".into(), "unknown".into()))
                .at_span(src, 2..7);
        let out = d.render(Lang::En);
        assert!(out.starts_with("content/a.md:2:1: error: unknown"), "{out}");
        assert!(out.ends_with("| ^^^^^"), "{out}");
    }
}

/// A source file's text with the byte offset of its TOML front matter, so a span reported by the
/// TOML parser (relative to the fragment) becomes a position in the Markdown file.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Display path relative to the site root, `/`-separated.
    pub path: String,
    /// The whole file's text.
    pub text: String,
    /// Byte offset in `text` where the TOML fragment begins (0 for a plain TOML file).
    pub toml_offset: usize,
    /// Byte offset in `text` where the TOML fragment ends.
    pub toml_end: usize,
}

impl SourceText {
    /// A file whose TOML fragment is `text[toml_offset..toml_end]`.
    pub fn new(
        path: impl Into<String>,
        text: impl Into<String>,
        toml_offset: usize,
        toml_end: usize,
    ) -> Self {
        SourceText { path: path.into(), text: text.into(), toml_offset, toml_end }
    }

    /// A plain TOML file (site.toml, a ledger.toml).
    pub fn toml_file(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let end = text.len();
        SourceText { path: path.into(), text, toml_offset: 0, toml_end: end }
    }

    /// The TOML fragment itself; spans from parsing it are relative to its start.
    pub fn toml(&self) -> &str {
        &self.text[self.toml_offset..self.toml_end]
    }

    /// An error at a span of the TOML fragment.
    pub fn error_at(&self, span: std::ops::Range<usize>, msg: impl Into<Msg>) -> Diagnostic {
        let span = span.start + self.toml_offset..span.end + self.toml_offset;
        Diagnostic::error(self.path.clone(), msg).at_span(&self.text, span)
    }

    /// A warning at a span of the TOML fragment.
    pub fn warning_at(&self, span: std::ops::Range<usize>, msg: impl Into<Msg>) -> Diagnostic {
        let mut d = self.error_at(span, msg);
        d.severity = Severity::Warning;
        d
    }

    /// An error at a span of the whole file (e.g. a Markdown body position).
    pub fn error_at_file_span(
        &self,
        span: std::ops::Range<usize>,
        msg: impl Into<Msg>,
    ) -> Diagnostic {
        Diagnostic::error(self.path.clone(), msg).at_span(&self.text, span)
    }
}
