//! Markdown to HTML with comrak, plus what gongkai needs on top: internal `.md` links rewritten
//! to relative page URLs, and every link and anchor checked with its file:line.

use crate::diagnostic::{Diagnostic, SourceText};
use crate::urls;
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Anchorizer, Arena, Options};
use std::collections::{BTreeMap, BTreeSet};

/// comrak options for gongkai: GFM plus CJK-friendly emphasis, heading ids, footnotes.
pub fn options(unsafe_html: bool) -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.header_id_prefix = Some(String::new());
    // `**重要通知**：请于…` must render bold; CommonMark's flanking rules alone leave asterisks.
    o.extension.cjk_friendly_emphasis = true;
    // Columns stay in bytes: comrak's `sourcepos_chars` converts every node of every body
    // (a third of the parse time at 10,000 postings); only links and images need a column,
    // converted in `render` (see `Lines::in_chars`).
    o.render.r#unsafe = unsafe_html;
    o
}

/// What a link inside Markdown may point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A posting, by index.
    Posting(usize),
    /// A section listing, by its site-relative page path.
    Page(String),
    /// A published file (bundle file, content file, static file).
    File(String),
}

/// Everything link resolution needs to know about the site.
#[derive(Hash, Default)]
pub struct LinkIndex {
    /// Content-relative `.md` path (e.g. `village/2026-road/index.md`) -> posting index.
    pub postings: BTreeMap<String, usize>,
    /// Content-relative `_index.md` path -> section page path.
    pub sections: BTreeMap<String, String>,
    /// Site-relative output paths of published files.
    pub files: BTreeSet<String>,
    /// Site-relative page path of each posting.
    pub posting_urls: Vec<String>,
    /// Whether each posting is in this build.
    pub posting_published: Vec<bool>,
    /// Photos under `content/` (site-relative): published only as processed variants, so
    /// references to them become placeholders filled in by the images stage.
    pub photos: BTreeSet<String>,
}

/// Placeholder URL of the n-th image of a body; see [`fill_photos`].
pub const PHOTO_PLACEHOLDER: &str = "gongkai-photo:";
/// Placeholder URL of a plain link to a photo (points at its largest variant).
pub const PHOTO_LINK_PLACEHOLDER: &str = "gongkai-photo-link:";

/// Whether a file name is a photo or picture that goes through the images stage.
pub fn is_photo(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "gif" | "webp" | "heic" | "heif")
}

/// One anchor to verify once every page's headings are known.
#[derive(Debug, Clone)]
pub struct AnchorCheck {
    pub target: usize,
    pub anchor: String,
    pub href: String,
    pub line: usize,
    pub column: usize,
    /// The link's source line, for the snippet: a publishing build lets go of the Markdown
    /// before every page's headings are known.
    pub line_text: Option<String>,
}

/// An image referenced from the body.
#[derive(Debug, Clone)]
pub struct ImageRef {
    /// Site-relative output path of the image file.
    pub path: String,
    pub alt: String,
    pub line: usize,
    pub column: usize,
}

/// How much of a body's plain text is kept (see [`Rendered::text`]).
pub const PLAIN_TEXT_CHARS: usize = 300;

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// Shared, not copied, when a body is taken from the preview's cache.
    pub html: std::sync::Arc<str>,
    /// Heading ids in document order.
    pub anchors: Vec<String>,
    /// Headings (level, text, id) for a table of contents.
    pub headings: Vec<(u8, String, String)>,
    /// The start of the body as plain text, blocks separated by newlines (summaries, search
    /// snippets), at most [`PLAIN_TEXT_CHARS`] characters.
    pub text: String,
    pub anchor_checks: Vec<AnchorCheck>,
    /// Postings this one links to (for incremental rebuilds and "related" lists).
    pub links_to: BTreeSet<usize>,
    pub images: Vec<ImageRef>,
    pub diagnostics: Vec<Diagnostic>,
    /// The body's tables, for the checks that read their cells: a posting's are taken by its
    /// money-table check (`ledger::body_tables`), so its cached body does not keep them.
    pub tables: Vec<TableCells>,
}

/// A table of the body as where its cells are: rows (the header first) of each cell's byte
/// range in the file's text, spaces and all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TableCells {
    pub rows: Vec<Vec<std::ops::Range<usize>>>,
}

crate::messages! {
    pub enum LinkError {
        Missing { href: String, suggestion: Option<String> } = "link.missing",
            zh: {
                let mut s = format!("链接指向的文件 `{href}` 不存在");
                match suggestion {
                    Some(sug) => s.push_str(&format!("，是不是 `{sug}`？")),
                    None => s.push_str("。请检查文件名和路径（相对于本文件所在的文件夹，例如 ../party/2026-dues.md）"),
                }
                s
            },
            en: {
                match suggestion {
                    Some(s) => format!("link target `{href}` does not exist; did you mean `{s}`?"),
                    None => format!("link target `{href}` does not exist"),
                }
            };
        Unpublished { href: String } = "link.unpublished",
            zh: "链接指向的 `{href}` 是草稿或还没到发布日期，发布后读者点开会找不到页面。请等它发布后再加链接，或去掉它的 draft 设置",
            en: "link `{href}` points at a draft or a posting dated in the future";
        Outside { href: String } = "link.outside",
            zh: "链接 `{href}` 指到了 content 文件夹之外，网站上无法打开",
            en: "link `{href}` leaves the content folder";
        MissingAnchor {
            anchor: String,
            target: String,
            available: Vec<String>,
        } = "link.missing-anchor",
            zh: {
                let mut s = format!("{target} 里没有 `#{anchor}` 这个小标题");
                if !available.is_empty() {
                    s.push_str(&format!(
                        "。可用的有：{}",
                        available.iter().map(|a| format!("#{a}")).collect::<Vec<_>>().join("、")
                    ));
                }
                s
            },
            en: {
                let mut s = format!("anchor `#{anchor}` not found in {target}");
                if !available.is_empty() {
                    s.push_str(&format!(
                        "; available: {}",
                        available.iter().map(|a| format!("#{a}")).collect::<Vec<_>>().join(", ")
                    ));
                }
                s
            };
    }
}

/// Where a Markdown body sits and how links from it resolve.
pub struct Context<'a> {
    pub src: &'a SourceText,
    /// Byte offset and 1-based line where the body starts in `src.text`.
    pub body_start: usize,
    pub body_line: usize,
    /// Content-relative folder of the file (`village` or `village/2026-road`).
    pub content_dir: &'a str,
    /// Site-relative path of the page being rendered.
    pub page: &'a str,
    /// This posting's index (for `#anchor` links to itself), if it is a posting.
    pub this: Option<usize>,
    /// Whether the page itself is published (a draft may link to drafts).
    pub published: bool,
    pub index: &'a LinkIndex,
    pub options: &'a Options<'a>,
}

fn has_scheme(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    match href.find(':') {
        Some(i) => {
            let scheme = &href[..i];
            !scheme.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }
        None => false,
    }
}

/// Renders a Markdown body, rewriting and checking its links.
pub fn render(ctx: &Context<'_>) -> Rendered {
    let body = &ctx.src.text[ctx.body_start..];
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, body, ctx.options);
    let mut out = Rendered::default();
    let mut anchorizer = Anchorizer::new();
    let mut lines = Lines::new(body);

    for node in root.descendants() {
        let mut data = node.data_mut();
        if matches!(data.value, NodeValue::Link(_) | NodeValue::Image(_)) {
            data.sourcepos = lines.in_chars(data.sourcepos);
        }
        let (line, column) = {
            let pos = data.sourcepos.start;
            (pos.line + ctx.body_line - 1, pos.column)
        };
        match &mut data.value {
            NodeValue::Heading(h) => {
                let level = h.level;
                drop(data);
                let text = node.collect_text();
                let id = anchorizer.anchorize(&text);
                out.anchors.push(id.clone());
                out.headings.push((level, text, id));
            }
            NodeValue::Link(link) => {
                let href = link.url.clone();
                drop(data);
                if let Some(new) = resolve(ctx, &href, line, column, false, node, &mut out) {
                    if let NodeValue::Link(link) = &mut node.data_mut().value {
                        link.url = new;
                    }
                }
            }
            NodeValue::Image(link) => {
                let href = link.url.clone();
                drop(data);
                if let Some(new) = resolve(ctx, &href, line, column, true, node, &mut out) {
                    if let NodeValue::Image(link) = &mut node.data_mut().value {
                        link.url = new;
                    }
                }
            }
            NodeValue::Table(_) => {
                drop(data);
                let rows = node
                    .children()
                    .map(|row| {
                        row.children()
                            .filter_map(|cell| lines.byte_range(cell.data().sourcepos))
                            .map(|r| ctx.body_start + r.start..ctx.body_start + r.end)
                            .collect()
                    })
                    .collect();
                out.tables.push(TableCells { rows });
            }
            _ => {}
        }
    }
    collect_plain_text(root, &mut out.text);
    // Only the start is needed (summaries, search snippets); the whole body stays in the source.
    if let Some((cut, _)) = out.text.char_indices().nth(PLAIN_TEXT_CHARS) {
        out.text.truncate(cut);
    }
    let mut html = String::with_capacity(body.len() * 2);
    // Writing into a String cannot fail.
    let _ = comrak::format_html(root, ctx.options, &mut html);
    // Thousands of bodies stay alive until their pages are rendered: keep no spare capacity
    // (`Arc<str>` is made at the exact length).
    out.text.shrink_to_fit();
    out.html = wrap_tables(&html).into();
    out
}

/// The body's lines, split on first use: most bodies have no link or image.
struct Lines<'a> {
    body: &'a str,
    lines: Option<Vec<&'a str>>,
}

impl<'a> Lines<'a> {
    fn new(body: &'a str) -> Self {
        Lines { body, lines: None }
    }

    /// comrak's byte columns as 1-based character columns, as its `sourcepos_chars` would give
    /// them.
    fn in_chars(&mut self, mut pos: comrak::nodes::Sourcepos) -> comrak::nodes::Sourcepos {
        pos.start.column = self.char_column(pos.start);
        pos.end.column = self.char_column(pos.end);
        pos
    }

    /// The bytes of the body that a one-line node spans (a table cell), from comrak's 1-based
    /// byte columns, its end inclusive; `None` when they do not fall on the line's characters.
    fn byte_range(&mut self, pos: comrak::nodes::Sourcepos) -> Option<std::ops::Range<usize>> {
        let body = self.body;
        let lines = self.lines.get_or_insert_with(|| body.lines().collect());
        let line = lines.get(pos.start.line.checked_sub(1)?)?;
        let at = line.as_ptr() as usize - body.as_ptr() as usize;
        let start = pos.start.column.checked_sub(1)?.min(line.len());
        let end = pos.end.column.clamp(start, line.len());
        line.get(start..end)?;
        Some(at + start..at + end)
    }

    /// One column; past the end of the line is one after the last character.
    fn char_column(&mut self, lc: comrak::nodes::LineColumn) -> usize {
        if lc.column == 0 {
            return 0;
        }
        let body = self.body;
        let lines = self.lines.get_or_insert_with(|| body.lines().collect());
        let Some(line) = lines.get(lc.line.wrapping_sub(1)) else { return lc.column };
        if lc.column > line.len() {
            return line.chars().count() + 1;
        }
        line.char_indices().take_while(|&(i, _)| i < lc.column).count()
    }
}

/// Puts each table in a box that scrolls sideways on a phone and that the keyboard can reach
/// (a scrolling region needs `tabindex`); only when every `<table` is comrak's own `<table>`
/// with its `</table>`, so a raw HTML table with attributes never leaves a box unclosed.
/// One scan for the tags, one copy: bodies are most of a build's bytes.
fn wrap_tables(html: &str) -> std::borrow::Cow<'_, str> {
    const BOX: &str = r#"<div class="table-wrap" role="region" aria-label="表格" tabindex="0">"#;
    // Where each `<table>` (true) and `</table>` (false) starts.
    let mut tags: Vec<(usize, bool)> = Vec::new();
    for (i, _) in html.match_indices("table") {
        let open = html[..i].ends_with('<');
        if !open && !html[..i].ends_with("</") {
            continue;
        }
        if !html[i..].starts_with("table>") {
            // `<table class="…">`: raw HTML, not comrak's.
            return html.into();
        }
        tags.push((if open { i - 1 } else { i - 2 }, open));
    }
    let opens = tags.iter().filter(|(_, open)| *open).count();
    if opens == 0 || opens * 2 != tags.len() {
        return html.into();
    }
    let mut out = String::with_capacity(html.len() + opens * (BOX.len() + "</div>".len()));
    let mut from = 0;
    for (at, open) in tags {
        if open {
            out.push_str(&html[from..at]);
            out.push_str(BOX);
            from = at;
        } else {
            let end = at + "</table>".len();
            out.push_str(&html[from..end]);
            out.push_str("</div>");
            from = end;
        }
    }
    out.push_str(&html[from..]);
    out.into()
}

/// The body's plain text, block by block, stopping once it holds [`PLAIN_TEXT_CHARS`]
/// characters for sure (4 bytes each at most): only the start is kept.
fn collect_plain_text<'a>(root: &'a AstNode<'a>, out: &mut String) {
    for node in root.children() {
        if out.len() >= 4 * PLAIN_TEXT_CHARS {
            return;
        }
        let is_block = node.data().value.block();
        if is_block && !matches!(node.data().value, NodeValue::Paragraph | NodeValue::Heading(_)) {
            collect_plain_text(node, out);
        } else {
            node.collect_text_append(out);
            out.push('\n');
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn resolve<'a>(
    ctx: &Context<'_>,
    href: &str,
    line: usize,
    column: usize,
    is_image: bool,
    node: &'a AstNode<'a>,
    out: &mut Rendered,
) -> Option<String> {
    if href.is_empty() || has_scheme(href) {
        return None;
    }
    let decoded = urls::decode(href);
    let (path, fragment) = match decoded.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string())),
        None => (decoded.clone(), None),
    };
    let path = path.split('?').next().unwrap_or("").to_string();
    let line_text = || ctx.src.text.lines().nth(line.saturating_sub(1)).map(str::to_string);
    let error = |msg: LinkError| {
        let len = node.data().sourcepos.end.column.saturating_sub(column) + 1;
        let len = if node.data().sourcepos.end.line + ctx.body_line - 1 == line { len } else { 1 };
        Diagnostic::error(ctx.src.path.clone(), msg).with_line_snippet(
            &ctx.src.text,
            line,
            column,
            len,
        )
    };
    if path.is_empty() {
        // `#anchor` on the same page.
        if let (Some(this), Some(f)) = (ctx.this, fragment) {
            out.anchor_checks.push(AnchorCheck {
                target: this,
                anchor: f,
                href: href.into(),
                line,
                column,
                line_text: line_text(),
            });
        }
        return None;
    }
    let joined = if let Some(abs) = path.strip_prefix('/') {
        abs.to_string()
    } else if ctx.content_dir.is_empty() {
        path.clone()
    } else {
        format!("{}/{}", ctx.content_dir, path)
    };
    let Some(norm) = urls::normalize(&joined) else {
        out.diagnostics.push(error(LinkError::Outside { href: href.into() }));
        return None;
    };
    let target = lookup(ctx.index, &norm, path.ends_with('/'));
    let Some(target) = target else {
        let suggestion = suggest_target(ctx.index, &norm, ctx.content_dir);
        out.diagnostics.push(error(LinkError::Missing { href: href.into(), suggestion }));
        return None;
    };
    let url = match &target {
        Target::Posting(i) => {
            if ctx.published && !ctx.index.posting_published[*i] {
                out.diagnostics.push(error(LinkError::Unpublished { href: href.into() }));
            }
            out.links_to.insert(*i);
            if let Some(f) = &fragment {
                out.anchor_checks.push(AnchorCheck {
                    target: *i,
                    anchor: f.clone(),
                    href: href.into(),
                    line,
                    column,
                    line_text: line_text(),
                });
            }
            ctx.index.posting_urls[*i].clone()
        }
        Target::Page(p) | Target::File(p) => p.clone(),
    };
    if let Target::File(p) = &target
        && ctx.index.photos.contains(p)
    {
        if is_image {
            let alt = node.collect_text();
            out.images.push(ImageRef { path: url.clone(), alt, line, column });
            return Some(format!("{PHOTO_PLACEHOLDER}{}", out.images.len() - 1));
        }
        return Some(format!("{PHOTO_LINK_PLACEHOLDER}{}", urls::encode_segment(p)));
    }
    let with_fragment = match fragment {
        Some(f) => format!("{url}#{f}"),
        None => url,
    };
    Some(urls::relative(ctx.page, &with_fragment))
}

/// Finds what a content-relative path names.
fn lookup(index: &LinkIndex, norm: &str, dir_link: bool) -> Option<Target> {
    if let Some(&i) = index.postings.get(norm) {
        return Some(Target::Posting(i));
    }
    if let Some(p) = index.sections.get(norm) {
        return Some(Target::Page(p.clone()));
    }
    if !dir_link && index.files.contains(norm) {
        return Some(Target::File(norm.to_string()));
    }
    // A folder link: a bundle (`../2026-road/`) or a section (`../party/`).
    let dir = norm.trim_end_matches('/');
    if let Some(&i) = index.postings.get(&format!("{dir}/index.md")) {
        return Some(Target::Posting(i));
    }
    if let Some(p) = index.sections.get(&format!("{dir}/_index.md")) {
        return Some(Target::Page(p.clone()));
    }
    None
}

fn suggest_target(index: &LinkIndex, norm: &str, from_dir: &str) -> Option<String> {
    let candidates = index.postings.keys().chain(index.sections.keys()).chain(index.files.iter());
    // A bundle `x/index.md` is also compared as `x.md`, the form a clerk most likely typed.
    let distance = |c: &str| {
        let direct = strsim::levenshtein(norm, c);
        match c.strip_suffix("/index.md") {
            Some(dir) => direct.min(strsim::levenshtein(norm, &format!("{dir}.md"))),
            None => direct,
        }
    };
    let best = candidates
        .map(|c| (distance(c), c))
        .filter(|(d, c)| *d <= 3.max(c.chars().count() / 4))
        .min()?;
    Some(relative_to_dir(from_dir, best.1))
}

/// `target` (content-relative) written as a link from a file in `from_dir`.
fn relative_to_dir(from_dir: &str, target: &str) -> String {
    let from = if from_dir.is_empty() { "x".to_string() } else { format!("{from_dir}/x") };
    urls::decode(&urls::relative(&from, target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    fn index() -> LinkIndex {
        LinkIndex {
            postings: BTreeMap::from([
                ("village/road.md".to_string(), 0),
                ("party/2026-dues/index.md".to_string(), 1),
            ]),
            sections: BTreeMap::from([(
                "party/_index.md".to_string(),
                "party/index.html".to_string(),
            )]),
            files: BTreeSet::from([
                "party/2026-dues/scan.pdf".to_string(),
                "village/photo.jpg".to_string(),
            ]),
            photos: BTreeSet::from(["village/photo.jpg".to_string()]),
            posting_urls: vec![
                "village/road/index.html".into(),
                "party/2026-dues/index.html".into(),
            ],
            posting_published: vec![true, true],
        }
    }

    fn run(body: &str) -> Rendered {
        let text = format!("+++\ntitle = \"x\"\n+++\n{body}");
        let src = SourceText::new("content/village/road.md", text.clone(), 4, 16);
        let idx = index();
        let opts = options(false);
        let ctx = Context {
            src: &src,
            body_start: 20,
            body_line: 4,
            content_dir: "village",
            page: "village/road/index.html",
            this: Some(0),
            published: true,
            index: &idx,
            options: &opts,
        };
        render(&ctx)
    }

    #[test]
    fn cjk_emphasis_is_bold() {
        let r =
            run("**重要通知**：请于月底前缴纳。这是**“引用”**的，请注意**（括号内容）**后文。\n");
        assert_eq!(r.html.matches("<strong>").count(), 3, "{}", r.html);
        assert!(!r.html.contains("**"));
    }

    #[test]
    fn md_links_become_relative_page_urls() {
        let r = run(
            "见[党费](../party/2026-dues/index.md#收缴情况)和[扫描件](../party/2026-dues/scan.pdf)。\n",
        );
        assert!(r.html.contains("href=\"../../party/2026-dues/index.html#%E6%94%B6"), "{}", r.html);
        assert!(r.html.contains("href=\"../../party/2026-dues/scan.pdf\""), "{}", r.html);
        assert_eq!(r.anchor_checks.len(), 1);
        assert_eq!(r.anchor_checks[0].anchor, "收缴情况");
        assert!(r.links_to.contains(&1));
    }

    #[test]
    fn missing_link_is_reported_at_its_line_and_column() {
        let r = run("第一行\n\n请看[决议](../party/2026-due.md)。\n");
        assert_eq!(r.diagnostics.len(), 1);
        let msg = r.diagnostics[0].render(Lang::En);
        assert!(msg.starts_with("content/village/road.md:6:3: error: link target"), "{msg}");
        assert!(msg.contains("did you mean `../party/2026-dues/index.md`"), "{msg}");
    }

    #[test]
    fn headings_get_ids_matching_the_html() {
        let r = run("## 一、资金来源\n\n## 一、资金来源\n");
        assert_eq!(r.anchors, ["一资金来源", "一资金来源-1"]);
        assert!(r.html.contains("id=\"一资金来源-1\""), "{}", r.html);
    }

    #[test]
    fn raw_html_is_dropped_by_default() {
        let r = run("<script>alert(1)</script>\n\n[x](javascript:alert(1))\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn photos_become_placeholders_for_the_images_stage() {
        let r = run("![修好的路](photo.jpg) [原图](photo.jpg)\n");
        assert!(r.html.contains("src=\"gongkai-photo:0\""), "{}", r.html);
        assert!(r.html.contains("href=\"gongkai-photo-link:village%2Fphoto.jpg\""), "{}", r.html);
        assert_eq!(r.images[0].alt, "修好的路");
        assert_eq!(r.images[0].path, "village/photo.jpg");
    }

    #[test]
    fn external_links_are_left_alone() {
        let r = run("[政府网](https://www.gov.cn/) [邮件](mailto:a@b.cn)\n");
        assert!(r.diagnostics.is_empty());
        assert!(r.html.contains("https://www.gov.cn/"));
    }

    /// Columns converted for links and images only are the ones comrak's `sourcepos_chars`
    /// gives, wherever the link sits (tables, lists, quotes, footnotes, CRLF, tabs, autolinks).
    #[test]
    fn link_columns_match_comrak_character_columns() {
        let pieces = [
            "村委会",
            "[决议](a.md)",
            "![照片](p.jpg)",
            "**重要**",
            "| 项目 | [链接](b.md) |\n|---|---|\n| 修路 | ![图](c.png) |\n",
            "> 引用[甲](d.md)\n",
            "- 列表 [乙](e.md)\n  - 子项 <https://x.cn/路>\n",
            "\t",
            "\r\n",
            "\n\n",
            "脚注[^1]\n\n[^1]: 见[丙](f.md)\n",
            "https://www.gov.cn/ 和 ",
            "`代码[x](y)`",
            "ö",
            "# 标题 [丁](g.md)\n",
            "1. 一 [戊](h.md)\n",
            "[引用式][r]\n\n[r]: i.md\n",
            "  ",
            "１２３",
        ];
        let mut chars = options(false);
        chars.parse.sourcepos_chars = true;
        let bytes = options(false);
        let mut seed = 0x2545_f491_u64;
        let mut links = 0;
        for _ in 0..3000 {
            let mut body = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                body.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let (a1, a2) = (Arena::new(), Arena::new());
            let want: Vec<_> = comrak::parse_document(&a1, &body, &chars)
                .descendants()
                .filter(|n| matches!(n.data().value, NodeValue::Link(_) | NodeValue::Image(_)))
                .map(|n| n.data().sourcepos)
                .collect();
            let mut lines = Lines::new(&body);
            let got: Vec<_> = comrak::parse_document(&a2, &body, &bytes)
                .descendants()
                .filter(|n| matches!(n.data().value, NodeValue::Link(_) | NodeValue::Image(_)))
                .map(|n| lines.in_chars(n.data().sourcepos))
                .collect();
            assert_eq!(got, want, "{body:?}");
            links += want.len();
        }
        assert!(links > 3000, "{links}");
    }

    #[test]
    fn tables_are_wrapped_in_a_scrolling_box_only_when_all_are_comrak_s() {
        let r =
            run("| 项目 | 金额 |\n|---|---:|\n| 修路 | 1.00 |\n\n段落\n\n| 甲 |\n|---|\n| 乙 |\n");
        let boxed =
            r#"<div class="table-wrap" role="region" aria-label="表格" tabindex="0"><table>"#;
        assert_eq!(r.html.matches(boxed).count(), 2, "{}", r.html);
        assert_eq!(r.html.matches("</table></div>").count(), 2, "{}", r.html);
        assert!(r.html.contains("</div>\n<p>段落</p>"), "{}", r.html);
        for html in [
            "<table class=\"x\"><tr><td>1</td></tr></table><table></table>",
            "<table><tr><td>1</td></tr>",
            "<p>no tables</p>",
        ] {
            assert_eq!(wrap_tables(html), html);
        }
    }
}
