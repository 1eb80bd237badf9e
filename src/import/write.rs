//! Blocks to Markdown as gongkai renders it (GFM tables, footnotes, CJK-friendly emphasis), with
//! the byte range each paragraph, table cell and footnote took, so a finding in the Markdown can
//! be named by its place in the Word document.

use std::ops::Range;

use super::model::{Block, Inline, Paragraph, Role};

/// The Markdown and where each part of the document went.
pub struct Written {
    pub text: String,
    /// Byte ranges in `text` with the place they came from (`第3段“…”`, `表格1第2行第4列`).
    pub places: Vec<(Range<usize>, String)>,
}

impl Written {
    /// The innermost place containing byte `offset`.
    pub fn place_of(&self, offset: usize) -> Option<&str> {
        self.places
            .iter()
            .filter(|(r, _)| r.start <= offset && offset < r.end.max(r.start + 1))
            .min_by_key(|(r, _)| r.end - r.start)
            .map(|(_, p)| p.as_str())
    }
}

/// Where inline text goes: a paragraph allows hard line breaks, a heading or cell does not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Paragraph,
    Line,
    Cell,
}

/// Writes the blocks, then the footnotes; `images` are the file names of the pictures.
pub fn write(blocks: &[Block], footnotes: &[Vec<Inline>], images: &[String]) -> Written {
    let mut out = String::new();
    let mut places = Vec::new();
    let mut prev_list = false;
    // Indent of each open list level (the width of its parent's marker).
    let mut indents: Vec<usize> = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph(p) => {
                let is_list = p.list.is_some();
                if !out.is_empty() {
                    out.push_str(if is_list && prev_list { "\n" } else { "\n\n" });
                }
                if !is_list {
                    indents.clear();
                }
                let start = out.len();
                paragraph(p, images, &mut indents, &mut out);
                places.push((start..out.len(), p.at.clone()));
                prev_list = is_list;
            }
            Block::Table(t) => {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                indents.clear();
                prev_list = false;
                let start = out.len();
                let numeric: Vec<bool> = (0..t.rows.first().map(Vec::len).unwrap_or(0))
                    .map(|c| amounts_column(t, c))
                    .collect();
                for (r, row) in t.rows.iter().enumerate() {
                    out.push('|');
                    for (c, cell) in row.iter().enumerate() {
                        out.push(' ');
                        let s = out.len();
                        // The header row is bold on the page already.
                        let cell_inlines =
                            if r == 0 { unbold(&cell.inlines) } else { cell.inlines.clone() };
                        let text = inlines(&cell_inlines, images, Ctx::Cell);
                        out.push_str(if text.is_empty() { "" } else { &text });
                        places.push((s..out.len(), format!("{}第{}行第{}列", t.at, r + 1, c + 1)));
                        out.push_str(" |");
                    }
                    out.push('\n');
                    if r == 0 {
                        out.push('|');
                        for right in numeric.iter().take(row.len()) {
                            // Amounts line up on the right, as in the ledger tables.
                            out.push_str(if *right { " ---: |" } else { " --- |" });
                        }
                        out.push('\n');
                    }
                }
                out.pop();
                places.push((start..out.len(), t.at.clone()));
            }
        }
    }
    for (i, f) in footnotes.iter().enumerate() {
        out.push_str("\n\n");
        let start = out.len();
        out.push_str(&format!("[^{}]: {}", i + 1, inlines(f, images, Ctx::Line)));
        places.push((start..out.len(), format!("脚注{}", i + 1)));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    Written { text: out, places }
}

/// Whether every filled cell below the header of column `c` is an amount (`48,000.00`, `¥12`).
fn amounts_column(t: &super::model::Table, c: usize) -> bool {
    let mut any = false;
    for row in t.rows.iter().skip(1) {
        let text = row.get(c).map(|cell| super::model::plain(&cell.inlines)).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let body = text.trim_start_matches(['¥', '￥', '-']).trim_end_matches(['元', '%']);
        if body.is_empty()
            || !body.starts_with(|ch: char| ch.is_ascii_digit())
            || !body.chars().all(|ch| ch.is_ascii_digit() || ch == ',' || ch == '.')
        {
            return false;
        }
        any = true;
    }
    any
}

fn unbold(items: &[Inline]) -> Vec<Inline> {
    items
        .iter()
        .map(|i| match i {
            Inline::Text { text, italic, strike, .. } => {
                Inline::Text { text: text.clone(), bold: false, italic: *italic, strike: *strike }
            }
            other => other.clone(),
        })
        .collect()
}

fn paragraph(p: &Paragraph, images: &[String], indents: &mut Vec<usize>, out: &mut String) {
    if let Role::Heading(n) = p.role {
        let level = n.clamp(1, 6) as usize;
        // A heading is bold already; `**` inside it only adds noise.
        let text = unbold(&p.inlines);
        out.push_str(&"#".repeat(level));
        out.push(' ');
        out.push_str(&inlines(&text, images, Ctx::Line));
        return;
    }
    let body = inlines(&p.inlines, images, Ctx::Paragraph);
    let Some(item) = &p.list else {
        out.push_str(&body);
        return;
    };
    let level = item.level as usize;
    indents.truncate(level);
    while indents.len() < level {
        // A deeper level without its parent item (Word allows it): indent by a bullet's width.
        indents.push(2);
    }
    let pad: usize = indents.iter().sum();
    let marker = match item.number {
        Some(n) => format!("{n}. "),
        None => "- ".to_string(),
    };
    indents.push(marker.len());
    let indent = " ".repeat(pad);
    out.push_str(&indent);
    out.push_str(&marker);
    // Continuation lines (hard breaks) sit under the item's text.
    let cont = format!("\n{}", " ".repeat(pad + marker.len()));
    out.push_str(&body.replace('\n', &cont));
}

/// Formatting of a merged text run.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Style {
    bold: bool,
    italic: bool,
    strike: bool,
}

fn inlines(items: &[Inline], images: &[String], ctx: Ctx) -> String {
    // Merge neighbouring runs with the same formatting (Word splits text into many runs).
    let mut merged: Vec<(Option<Style>, &Inline, String)> = Vec::new();
    for i in items {
        if let Inline::Text { text, bold, italic, strike } = i {
            let st = Style { bold: *bold, italic: *italic, strike: *strike };
            if let Some((Some(prev), _, acc)) = merged.last_mut()
                && *prev == st
            {
                acc.push_str(text);
                continue;
            }
            merged.push((Some(st), i, text.clone()));
        } else {
            merged.push((None, i, String::new()));
        }
    }
    let mut s = String::new();
    for (style, item, text) in merged {
        match (style, item) {
            (Some(st), _) => s.push_str(&styled(&text, st, ctx)),
            (None, Inline::Break) => match ctx {
                Ctx::Paragraph => s.push_str("\\\n"),
                _ => s.push(' '),
            },
            (None, Inline::Link { url, text }) => {
                let url = if url.contains([' ', '(', ')', '<', '>']) {
                    format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
                } else {
                    url.clone()
                };
                s.push_str(&format!("[{}]({url})", escape(text.trim(), ctx)));
            }
            (None, Inline::Footnote(n)) => s.push_str(&format!("[^{n}]")),
            (None, Inline::Image { index, alt }) => {
                if let Some(name) = images.get(*index) {
                    s.push_str(&format!("![{}]({name})", escape(alt, ctx)));
                }
            }
            (None, Inline::Text { .. }) => {}
        }
    }
    let s = tidy(&s, ctx);
    match ctx {
        Ctx::Paragraph => s.lines().map(escape_line_start).collect::<Vec<_>>().join("\n"),
        Ctx::Line | Ctx::Cell => s,
    }
}

/// Trims the ASCII and ideographic spaces Word paragraphs start with (first-line indents typed as
/// `　　`), and spaces around hard breaks.
fn tidy(s: &str, ctx: Ctx) -> String {
    let trim =
        |t: &str| t.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{3000}').to_string();
    match ctx {
        Ctx::Paragraph => s
            .split("\\\n")
            .map(&trim)
            .collect::<Vec<_>>()
            .join("\\\n")
            .trim_end_matches("\\\n")
            .to_string(),
        _ => trim(s),
    }
}

fn styled(text: &str, st: Style, ctx: Ctx) -> String {
    let body = text.trim_matches(|c: char| c == ' ' || c == '\u{3000}' || c == '\t');
    if body.is_empty() {
        // Spaces only: formatting would show as stray asterisks.
        return if text.is_empty() { String::new() } else { " ".into() };
    }
    let lead = &text[..text.find(body).unwrap_or(0)];
    let trail = &text[text.find(body).map(|i| i + body.len()).unwrap_or(text.len())..];
    let mut marks = String::new();
    if st.strike {
        marks.push_str("~~");
    }
    if st.bold {
        marks.push_str("**");
    }
    if st.italic {
        marks.push('*');
    }
    let closing: String = marks.chars().rev().collect();
    let sp = |w: &str| if w.is_empty() { "" } else { " " };
    format!("{}{marks}{}{closing}{}", sp(lead), escape(body, ctx), sp(trail))
}

/// Backslash-escapes what Markdown would read as syntax inside a line; bare web addresses are
/// wrapped in `<…>` so the autolink ends where the address does (GFM's autolink would swallow
/// the Chinese text after it).
fn escape(text: &str, ctx: Ctx) -> String {
    let mut s = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min();
        let (plain, url) = match next {
            Some(i) => {
                let after = &rest[i..];
                let len = after
                    .find(|c: char| !c.is_ascii_graphic() || c == '<' || c == '>')
                    .unwrap_or(after.len());
                let mut url = &after[..len];
                url = url.trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'', '"']);
                (&rest[..i], Some(url))
            }
            None => (rest, None),
        };
        for c in plain.chars() {
            match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '|' => {
                    s.push('\\');
                    s.push(c);
                }
                '\n' => s.push(' '),
                _ => s.push(c),
            }
        }
        match url {
            Some(u) if !u.is_empty() => {
                s.push('<');
                s.push_str(u);
                s.push('>');
                rest = &rest[plain.len() + u.len()..];
            }
            _ => rest = &rest[plain.len()..],
        }
        if ctx == Ctx::Cell {
            // Already escaped `|` above; nothing else is special in a cell.
        }
    }
    s
}

/// Escapes what would start a block at the beginning of a line: `#`, `>`, `-`/`+` lists,
/// `1.`/`1)` lists (a paragraph that starts with "1. " stays text, as Word showed it), `=`/`-`
/// underlines.
fn escape_line_start(line: &str) -> String {
    let first = line.chars().next();
    match first {
        Some('#' | '>' | '=') => return format!("\\{line}"),
        Some('-' | '+') if line[1..].starts_with([' ', '\t']) || line.len() == 1 => {
            return format!("\\{line}");
        }
        Some('-') if line.chars().all(|c| c == '-' || c == ' ') => return format!("\\{line}"),
        _ => {}
    }
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&digits) {
        let rest = &line[digits..];
        if (rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")")
            || rest.starts_with(".\t")
        {
            return format!("{}\\{}", &line[..digits], rest);
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_that_would_be_syntax_are_escaped() {
        assert_eq!(escape_line_start("1. 对公示内容"), "1\\. 对公示内容");
        assert_eq!(escape_line_start("1.对公示内容"), "1.对公示内容");
        assert_eq!(escape_line_start("# 号"), "\\# 号");
        assert_eq!(escape_line_start("- 项"), "\\- 项");
        assert_eq!(escape_line_start("2026年"), "2026年");
    }

    #[test]
    fn addresses_are_bracketed_and_syntax_escaped() {
        assert_eq!(
            escape("见https://a.cn/x，然后*号", Ctx::Paragraph),
            "见<https://a.cn/x>，然后\\*号"
        );
        assert_eq!(escape("5~7天", Ctx::Paragraph), "5\\~7天");
    }

    #[test]
    fn bold_keeps_spaces_outside() {
        let st = Style { bold: true, italic: false, strike: false };
        assert_eq!(styled(" 合计 ", st, Ctx::Paragraph), " **合计** ");
        assert_eq!(styled("  ", st, Ctx::Paragraph), " ");
    }
}
