//! Clipboard HTML (pasted from Word or WPS into the workbench's editor) to Markdown, through the
//! same [`super::model`] blocks and [`super::write`] writer as a `.docx` import, so pasting and
//! importing one document give the same Markdown.
//!
//! Word's clipboard HTML is far from the HTML a browser writes: lists are paragraphs
//! (`class=MsoListParagraph style='mso-list:l0 level2 lfo1'`) whose number is typed text inside
//! `<![if !supportLists]>…<![endif]>` (html5ever reads those as comments, so the text between a
//! pair is the list marker), headings may be `mso-outline-level`, bold is a `font-weight` style
//! as often as a `<b>`, long lines are wrapped between two Chinese characters, and tables carry
//! a row of empty cells for column widths inside `<![if !supportMisalignedColumns]>`. WPS writes
//! the same dialect with `<!--[if !supportLists]-->` comments. The parser is html5ever (through
//! scraper), which accepts all of it; scripts, styles, Office XML and pictures are dropped.
//!
//! Merged cells are kept as the `.docx` reader keeps them: the content in the first grid cell,
//! the cells it covered left empty, nothing dropped.

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::model::{Align, Block, Cell, Inline, ListItem, Paragraph, Role, Table};

/// Markdown for clipboard HTML from Word, WPS or a web page.
pub fn html_to_markdown(html: &str) -> String {
    let mut blocks = html_to_blocks(html);
    super::shape::headings(&mut blocks);
    super::write::write(&blocks, &[], &[]).text
}

/// The blocks of clipboard HTML, before heading levels are settled.
pub fn html_to_blocks(html: &str) -> Vec<Block> {
    let doc = Html::parse_document(strip_clipboard_header(html));
    let mut c = Converter::default();
    c.children(doc.tree.root(), Style::default());
    c.finish();
    c.blocks
}

/// Windows' `CF_HTML` starts with `Version:0.9 StartHTML:… EndHTML:…` lines before the markup.
fn strip_clipboard_header(html: &str) -> &str {
    if html.trim_start().starts_with("Version:") {
        html.find('<').map(|i| &html[i..]).unwrap_or("")
    } else {
        html
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Style {
    bold: bool,
    italic: bool,
    strike: bool,
}

/// What a paragraph opened in the current block will be.
#[derive(Clone, Debug)]
struct Context {
    role: Role,
    list: Option<ListItem>,
    /// A Word list paragraph at this level (0-based): its number is the marker's text.
    word_list: Option<u8>,
    align: Align,
}

impl Default for Context {
    fn default() -> Self {
        Context { role: Role::Body, list: None, word_list: None, align: Align::Left }
    }
}

/// An open `<ol>`/`<ul>`.
struct List {
    ordered: bool,
    next: u32,
}

/// Inside `<![if !support…]>` … `<![endif]>`: Word's fallback for other browsers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fallback {
    /// The list number or bullet, which we keep as the list marker.
    ListMarker,
    /// Anything else (an extra `<br>`, spacer cells, `&nbsp;` for empty paragraphs): dropped.
    Skip,
}

#[derive(Default)]
struct Converter {
    blocks: Vec<Block>,
    /// The paragraph being filled, with the context it was opened in.
    open: Option<(Paragraph, Context)>,
    contexts: Vec<Context>,
    lists: Vec<List>,
    fallback: Option<Fallback>,
    /// The list marker text of the current Word list paragraph.
    marker: String,
    in_marker_span: usize,
    tables: usize,
    paragraphs: usize,
    /// Elements open around the node being read.
    depth: usize,
}

/// Deeper nesting is read as plain text, so no paste can overflow the stack.
const MAX_DEPTH: usize = 200;

fn style_props(style: &str) -> Vec<(String, String)> {
    style
        .split(';')
        .filter_map(|d| d.split_once(':'))
        .map(|(k, v)| {
            (k.trim().to_ascii_lowercase(), v.trim().trim_matches(['"', '\'']).to_string())
        })
        .collect()
}

fn prop<'a>(props: &'a [(String, String)], name: &str) -> Option<&'a str> {
    props.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x303F | 0x3040..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFD)
}

/// HTML whitespace collapsing, with `&nbsp;` as a space, and a line break of the source between
/// two Chinese characters dropped (Word wraps its HTML at 80 columns, mid-sentence).
fn collapse(text: &str, prev: Option<char>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = prev;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0C}') {
            let mut newline = c == '\n' || c == '\r';
            while let Some(&n) = chars.peek() {
                if !matches!(n, ' ' | '\t' | '\n' | '\r' | '\u{0C}') {
                    break;
                }
                newline |= n == '\n' || n == '\r';
                chars.next();
            }
            let next = chars.peek().copied();
            let between_wide = newline && last.is_some_and(is_wide) && next.is_some_and(is_wide);
            if !between_wide && !matches!(last, Some(' ' | '\n')) {
                out.push(' ');
                last = Some(' ');
            }
            continue;
        }
        // Spaces from &nbsp; are kept as typed (indents); the writer trims the ends.
        let c = if c == '\u{A0}' { ' ' } else { c };
        out.push(c);
        last = Some(c);
    }
    out
}

/// `1.`, `1)`, `(1)`, `（1）`, `1、`, `一、`, `a.`: the number of a typed list marker; `None` for a
/// bullet.
fn marker_number(marker: &str) -> Option<u32> {
    let m = marker.trim().trim_end_matches([' ', '\u{A0}']);
    let inner =
        m.trim_start_matches(['(', '（']).trim_end_matches(['.', ')', '）', '、', '．', ' ']);
    if inner.is_empty() {
        return None;
    }
    if let Ok(n) = inner.parse::<u32>() {
        return Some(n);
    }
    if let Some(n) = super::shape::number(inner) {
        return Some(n);
    }
    let mut cs = inner.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() && m.len() > 1 => {
            Some((c.to_ascii_lowercase() as u32) - ('a' as u32) + 1)
        }
        _ => None,
    }
}

/// A marker typed at the start of a list paragraph's text, when Word left no fallback comment
/// around it: its length in bytes.
fn typed_marker(text: &str) -> Option<usize> {
    let t = text.trim_start_matches([' ', '\u{3000}']);
    let lead = text.len() - t.len();
    for bullet in ['•', '·', '●', '○', '■', '□', '◆', '◇', '▪', '\u{F0B7}', '§', 'Ø', 'ü']
    {
        if let Some(rest) = t.strip_prefix(bullet) {
            return Some(lead + t.len() - rest.len());
        }
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if (1..=3).contains(&digits) {
        let rest = &t[digits..];
        for end in ['.', '、', ')', '．'] {
            if let Some(r) = rest.strip_prefix(end) {
                return Some(lead + t.len() - r.len());
            }
        }
    }
    None
}

impl Converter {
    fn context(&self) -> Context {
        self.contexts.last().cloned().unwrap_or_default()
    }

    fn last_char(&self) -> Option<char> {
        let (p, _) = self.open.as_ref()?;
        match p.inlines.last()? {
            Inline::Text { text, .. } => text.chars().last(),
            Inline::Link { text, .. } => text.chars().last(),
            Inline::Break => Some('\n'),
            _ => None,
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if self.open.is_none() {
            if matches!(&inline, Inline::Text { text, .. } if text.trim().is_empty())
                || inline == Inline::Break
            {
                return;
            }
            let ctx = self.context();
            self.paragraphs += 1;
            let p = Paragraph {
                role: ctx.role.clone(),
                list: ctx.list.clone(),
                align: ctx.align,
                inlines: Vec::new(),
                at: format!("第{}段", self.paragraphs),
            };
            // A list item's later paragraphs are plain paragraphs under it.
            if let Some(top) = self.contexts.last_mut() {
                top.list = None;
            }
            self.open = Some((p, ctx));
        }
        if let Some((p, _)) = self.open.as_mut() {
            p.inlines.push(inline);
        }
    }

    /// Closes the open paragraph (dropping it when it has no visible text).
    fn close(&mut self) {
        let Some((mut p, ctx)) = self.open.take() else { return };
        if let Some(level) = ctx.word_list {
            let marker = std::mem::take(&mut self.marker);
            let mut number = None;
            let mut is_item = !marker.trim().is_empty();
            let cn = marker.chars().any(|c| is_wide(c) && !matches!(c, '、' | '．'));
            // A numbered heading (`<h1 style='mso-list:…'>1. 总则`) keeps its number as text.
            if is_item && (cn || ctx.role != Role::Body) {
                // 一、 （一） numbering stays text, as Word shows it: the shape stage makes such a
                // line a heading.
                let mut typed: String = marker.replace('\u{A0}', " ").trim().to_string();
                if !cn {
                    typed.push(' ');
                }
                p.inlines.insert(
                    0,
                    Inline::Text { text: typed, bold: p.all_bold(), italic: false, strike: false },
                );
                is_item = false;
            } else if is_item {
                number = marker_number(&marker);
            } else if let Some(Inline::Text { text, .. }) = p.inlines.first_mut()
                && let Some(len) = typed_marker(text)
            {
                number = marker_number(&text[..len]);
                text.replace_range(..len, "");
                is_item = true;
            }
            if is_item {
                p.list = Some(ListItem { level, number });
            }
        }
        let visible = p.plain().chars().any(|c| !c.is_whitespace());
        if visible {
            self.blocks.push(Block::Paragraph(p));
        }
    }

    fn finish(&mut self) {
        self.close();
    }

    fn children(&mut self, node: NodeRef<'_, Node>, style: Style) {
        if self.depth >= MAX_DEPTH {
            // Nesting no document has (a hostile or broken paste): its text, without recursion.
            for d in node.descendants() {
                if let Node::Text(t) = d.value() {
                    let text = collapse(&t.text, self.last_char());
                    self.push_inline(Inline::Text {
                        text,
                        bold: style.bold,
                        italic: style.italic,
                        strike: style.strike,
                    });
                }
            }
            return;
        }
        self.depth += 1;
        for child in node.children() {
            self.node(child, style);
        }
        self.depth -= 1;
    }

    fn comment(&mut self, text: &str) {
        let t = text.trim().trim_start_matches("<!").trim_end_matches('>').trim();
        let t = t.trim_start_matches("--").trim_end_matches("--").trim();
        if let Some(cond) = t.strip_prefix("[if ").and_then(|c| c.strip_suffix(']')) {
            let cond = cond.trim();
            // A whole conditional block in one comment (`[if gte mso 9]><xml>…<![endif]`) is
            // dropped with the comment.
            let marker_only = !cond.contains(['<', '>']);
            if marker_only && cond.starts_with('!') && cond.contains("support")
                || cond.starts_with("!vml")
            {
                self.fallback = Some(if cond.contains("supportLists") {
                    Fallback::ListMarker
                } else {
                    Fallback::Skip
                });
            }
        } else if t == "[endif]" {
            self.fallback = None;
        }
    }

    fn skipping(&self) -> Option<Fallback> {
        match self.fallback {
            None if self.in_marker_span > 0 => Some(Fallback::ListMarker),
            other => other,
        }
    }

    fn node(&mut self, node: NodeRef<'_, Node>, style: Style) {
        match node.value() {
            Node::Comment(c) => self.comment(&c.comment),
            Node::Text(t) => match self.skipping() {
                Some(Fallback::ListMarker) => self.marker.push_str(&t.text),
                Some(_) => {}
                None => {
                    let text = collapse(&t.text, self.last_char());
                    if !text.is_empty() {
                        self.push_inline(Inline::Text {
                            text,
                            bold: style.bold,
                            italic: style.italic,
                            strike: style.strike,
                        });
                    }
                }
            },
            Node::Element(e) => self.element(node, e, style),
            Node::Document | Node::Fragment => self.children(node, style),
            _ => {}
        }
    }

    fn element(&mut self, node: NodeRef<'_, Node>, e: &scraper::node::Element, style: Style) {
        let name = e.name().to_ascii_lowercase();
        let props = style_props(e.attr("style").unwrap_or(""));
        let hidden = prop(&props, "display") == Some("none")
            || prop(&props, "mso-hide") == Some("all")
            || prop(&props, "visibility") == Some("hidden");
        match name.as_str() {
            "script" | "style" | "head" | "title" | "meta" | "link" | "template" | "noscript"
            | "object" | "embed" | "iframe" | "svg" | "math" | "img" | "picture" | "video"
            | "audio" | "canvas" | "input" | "select" | "textarea" | "button" | "xml" => return,
            // Office XML islands and VML shapes (pictures, text box frames).
            n if n.contains(':') && n != "o:p" => return,
            _ if hidden => return,
            _ => {}
        }
        if self.skipping() == Some(Fallback::Skip) {
            return;
        }
        let mut style = style;
        match name.as_str() {
            "b" | "strong" => style.bold = true,
            "i" | "em" => style.italic = true,
            "s" | "strike" | "del" => style.strike = true,
            "th" => style.bold = true,
            _ => {}
        }
        if let Some(w) = prop(&props, "font-weight") {
            style.bold = match w {
                "bold" | "bolder" => true,
                "normal" | "lighter" => false,
                n => n.parse::<u32>().map(|n| n >= 600).unwrap_or(style.bold),
            };
        }
        if let Some(s) = prop(&props, "font-style") {
            style.italic = s == "italic" || s == "oblique";
        }
        if prop(&props, "text-decoration").is_some_and(|d| d.contains("line-through")) {
            style.strike = true;
        }
        let marker_span = prop(&props, "mso-list") == Some("Ignore");
        match name.as_str() {
            "br" => {
                if self.in_marker_span == 0 {
                    self.push_inline(Inline::Break);
                }
            }
            "table" => {
                self.close();
                if let Some(t) = self.table(node) {
                    self.blocks.push(Block::Table(t));
                }
            }
            "a" => self.link(node, e, style),
            "ol" | "ul" => {
                self.close();
                let start = e.attr("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
                self.lists.push(List { ordered: name == "ol", next: start });
                self.children(node, style);
                self.close();
                self.lists.pop();
            }
            "li" => {
                let level = self.lists.len().saturating_sub(1).min(8) as u8;
                let number = match self.lists.last_mut() {
                    Some(l) if l.ordered => {
                        let n =
                            e.attr("value").and_then(|v| v.trim().parse().ok()).unwrap_or(l.next);
                        l.next = n + 1;
                        Some(n)
                    }
                    _ => None,
                };
                let ctx = Context { list: Some(ListItem { level, number }), ..Context::default() };
                self.block(node, ctx, style);
            }
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre"
            | "center" | "address" | "dt" | "dd" | "section" | "article" | "header" | "footer"
            | "caption" | "figure" | "figcaption" | "hr" => {
                let ctx = self.block_context(&name, e, &props);
                self.block(node, ctx, style);
            }
            _ if marker_span => {
                self.in_marker_span += 1;
                self.children(node, style);
                self.in_marker_span -= 1;
            }
            _ => self.children(node, style),
        }
    }

    fn block_context(
        &self,
        name: &str,
        e: &scraper::node::Element,
        props: &[(String, String)],
    ) -> Context {
        let classes: Vec<String> = e.classes().map(|c| c.to_ascii_lowercase()).collect();
        let mut ctx = Context::default();
        if let Some(n) = name.strip_prefix('h').and_then(|n| n.parse::<u8>().ok()) {
            ctx.role = Role::Heading(n);
        } else if classes.iter().any(|c| c == "msotitle") {
            ctx.role = Role::Title;
        } else if let Some(n) = classes.iter().find_map(|c| {
            c.strip_prefix("msoheading")
                .or_else(|| c.strip_prefix("heading"))
                .and_then(|n| n.parse::<u8>().ok())
        }) {
            ctx.role = Role::Heading(n.clamp(1, 6));
        } else if let Some(n) =
            prop(props, "mso-outline-level").and_then(|v| v.trim().parse::<u8>().ok())
        {
            ctx.role = Role::Heading(n.clamp(1, 6));
        }
        // `mso-list:l0 level2 lfo1` (not `Ignore`, which marks the marker's own span).
        if let Some(list) = prop(props, "mso-list").filter(|v| v.contains("level")) {
            let level = list
                .split_whitespace()
                .find_map(|w| w.strip_prefix("level"))
                .and_then(|n| n.parse::<u8>().ok())
                .unwrap_or(1);
            ctx.word_list = Some(level.saturating_sub(1).min(8));
        } else if classes.iter().any(|c| c.starts_with("msolistparagraph")) {
            ctx.word_list = Some(0);
        }
        let align = e
            .attr("align")
            .map(str::to_ascii_lowercase)
            .or_else(|| prop(props, "text-align").map(str::to_ascii_lowercase));
        ctx.align = match align.as_deref() {
            Some("center") => Align::Center,
            Some("right") => Align::Right,
            _ if name == "center" => Align::Center,
            _ => Align::Left,
        };
        // A block inside a list item (`<li><p>…</p></li>`) is the item's paragraph.
        if ctx.role == Role::Body
            && ctx.word_list.is_none()
            && let Some(top) = self.contexts.last()
            && top.list.is_some()
        {
            ctx.list = top.list.clone();
        }
        ctx
    }

    fn block(&mut self, node: NodeRef<'_, Node>, ctx: Context, style: Style) {
        self.close();
        if ctx.list.is_some()
            && let Some(top) = self.contexts.last_mut()
        {
            // The item's number is used by this block, not again by its parent.
            top.list = None;
        }
        self.contexts.push(ctx);
        self.children(node, style);
        self.close();
        self.contexts.pop();
    }

    fn link(&mut self, node: NodeRef<'_, Node>, e: &scraper::node::Element, style: Style) {
        let href = e.attr("href").map(str::trim).unwrap_or("");
        let lower = href.to_ascii_lowercase();
        let web = lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:");
        if !web || self.skipping().is_some() {
            self.children(node, style);
            return;
        }
        let mut sub = Converter::default();
        sub.children(node, style);
        sub.finish();
        let text = sub
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(p.plain()),
                Block::Table(_) => None,
            })
            .collect::<Vec<_>>()
            .join(" ");
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        self.push_inline(Inline::Link { url: href.to_string(), text });
    }

    /// A table as a grid: `colspan`/`rowspan` cells keep their content in the first grid cell.
    fn table(&mut self, node: NodeRef<'_, Node>) -> Option<Table> {
        self.tables += 1;
        let mut rows: Vec<Vec<Option<Cell>>> = Vec::new();
        // Grid cells covered by a rowspan from above: (row, column).
        let mut covered: std::collections::BTreeSet<(usize, usize)> = Default::default();
        let mut trs = Vec::new();
        self.collect_rows(node, &mut trs);
        for tr in trs {
            let r = rows.len();
            let mut row: Vec<Option<Cell>> = Vec::new();
            for cell in tr.children() {
                let Node::Element(e) = cell.value() else { continue };
                let name = e.name().to_ascii_lowercase();
                if name != "td" && name != "th" {
                    continue;
                }
                while covered.contains(&(r, row.len())) {
                    row.push(Some(Cell { inlines: Vec::new() }));
                }
                let span = |a: &str| {
                    e.attr(a).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, 64)
                };
                let (colspan, rowspan) = (span("colspan"), span("rowspan"));
                let start = row.len();
                row.push(Some(Cell { inlines: cell_inlines(cell, name == "th") }));
                for _ in 1..colspan {
                    row.push(Some(Cell { inlines: Vec::new() }));
                }
                for below in 1..rowspan {
                    for c in start..start + colspan {
                        covered.insert((r + below, c));
                    }
                }
            }
            while covered.contains(&(r, row.len())) {
                row.push(Some(Cell { inlines: Vec::new() }));
            }
            rows.push(row);
        }
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let rows: Vec<Vec<Cell>> = rows
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| {
                let mut r: Vec<Cell> = r.into_iter().flatten().collect();
                r.resize(width, Cell { inlines: Vec::new() });
                r
            })
            .collect();
        if rows.is_empty() || width == 0 {
            return None;
        }
        Some(Table { rows, at: format!("表格{}", self.tables) })
    }

    /// The rows of a table in order (in `thead`/`tbody`/`tfoot` or not), leaving out those in
    /// Word's `<![if !supportMisalignedColumns]>` spacer row and those of nested tables.
    fn collect_rows<'a>(&mut self, node: NodeRef<'a, Node>, out: &mut Vec<NodeRef<'a, Node>>) {
        for child in node.children() {
            match child.value() {
                Node::Comment(c) => self.comment(&c.comment),
                Node::Element(e) => {
                    if self.skipping() == Some(Fallback::Skip) {
                        continue;
                    }
                    match e.name().to_ascii_lowercase().as_str() {
                        "tr" => out.push(child),
                        "thead" | "tbody" | "tfoot" => self.collect_rows(child, out),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
}

/// A cell's paragraphs on one line, as in a `.docx` import (a Markdown cell has no line breaks);
/// a table inside the cell gives its text.
fn cell_inlines(cell: NodeRef<'_, Node>, header: bool) -> Vec<Inline> {
    let mut sub = Converter::default();
    let style = Style { bold: header, ..Style::default() };
    sub.children(cell, style);
    sub.finish();
    let space = || Inline::Text { text: " ".into(), bold: false, italic: false, strike: false };
    let mut out: Vec<Inline> = Vec::new();
    for b in sub.blocks {
        let inlines = match b {
            Block::Paragraph(p) => p.inlines,
            Block::Table(t) => t
                .rows
                .iter()
                .flat_map(|r| r.iter())
                .flat_map(|c| c.inlines.iter().cloned().chain([space()]))
                .collect(),
        };
        if !out.is_empty() {
            out.push(space());
        }
        out.extend(inlines.into_iter().map(|i| if i == Inline::Break { space() } else { i }));
    }
    out
}

#[cfg(test)]
mod tests;
