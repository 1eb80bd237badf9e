//! Reads a .docx (a zip of WordprocessingML parts) into [`Block`]s: document.xml for the body,
//! styles.xml for what Title/Heading/bold mean, numbering.xml for list labels, footnotes.xml and
//! endnotes.xml for notes, the relationships for pictures and links.
//!
//! Read with `zip` + `quick-xml` directly rather than a document-model crate: both are already
//! in the tree (calamine uses them), and the converter needs exactly what such models tend to
//! lose or reject — `w:vMerge`/`w:gridSpan` on cells, text boxes inside `mc:AlternateContent`,
//! numbering formats like `（%1）` with Chinese counting, and parts written by WPS or LibreOffice
//! with attributes a strict model does not know.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use super::images::{self, Format};
use super::model::{Align, Block, Cell, Inline, ListItem, Paragraph, Role, Table};
use super::xml::{self, Node};
use super::{ImportError, ImportWarning, ImportedImage};

/// Largest part or picture read out of the zip (a zip bomb stops here).
const MAX_PART: u64 = 64 * 1024 * 1024;

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Reads the part `name` as bytes; `None` when it does not exist.
fn read_part(zip: &mut Zip<'_>, name: &str) -> Result<Option<Vec<u8>>, String> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut out = Vec::new();
    file.take(MAX_PART + 1).read_to_end(&mut out).map_err(|e| e.to_string())?;
    if out.len() as u64 > MAX_PART {
        return Err(format!("{name} is larger than 64 MB"));
    }
    Ok(Some(out))
}

fn read_xml(zip: &mut Zip<'_>, name: &str) -> Result<Option<Node>, String> {
    match read_part(zip, name)? {
        None => Ok(None),
        Some(bytes) => {
            let text = String::from_utf8(bytes).or_else(|e| {
                // UTF-16 parts are allowed by the standard, though no common writer uses them.
                let b = e.into_bytes();
                let (cow, _, bad) = encoding_rs::UTF_16LE.decode(&b);
                if bad { Err(format!("{name} is not UTF-8")) } else { Ok(cow.into_owned()) }
            })?;
            xml::parse(&text).map(Some).map_err(|e| format!("{name}: {e}"))
        }
    }
}

#[derive(Default, Clone, Debug)]
struct Style {
    /// Lower-case name as Word shows it (`heading 1`, `title`, `strong`).
    name: String,
    based_on: Option<String>,
    bold: Option<bool>,
    italic: Option<bool>,
    strike: Option<bool>,
    num: Option<(String, u8)>,
    outline: Option<u8>,
    align: Option<Align>,
}

fn on_off(n: &Node) -> bool {
    !matches!(n.attr("w:val"), Some("0" | "false" | "off" | "none"))
}

fn run_props(rpr: &Node, s: &mut Style) {
    if let Some(b) = rpr.child("w:b") {
        s.bold = Some(on_off(b));
    }
    if let Some(i) = rpr.child("w:i") {
        s.italic = Some(on_off(i));
    }
    if let Some(x) = rpr.child("w:strike").or_else(|| rpr.child("w:dstrike")) {
        s.strike = Some(on_off(x));
    }
}

fn align_of(ppr: &Node) -> Option<Align> {
    ppr.child_val("w:jc").map(|v| match v {
        "center" => Align::Center,
        "right" | "end" => Align::Right,
        _ => Align::Left,
    })
}

fn num_of(ppr: &Node) -> Option<(String, u8)> {
    let np = ppr.child("w:numPr")?;
    let id = np.child_val("w:numId")?.to_string();
    let lvl = np.child_val("w:ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
    Some((id, lvl))
}

#[derive(Default)]
struct Styles {
    by_id: BTreeMap<String, Style>,
    default_para: Option<String>,
}

impl Styles {
    fn read(root: Option<&Node>) -> Styles {
        let mut st = Styles::default();
        let Some(root) = root else { return st };
        for s in root.nodes().filter(|n| n.name == "w:style") {
            let Some(id) = s.attr("w:styleId") else { continue };
            let mut style = Style {
                name: s.child_val("w:name").unwrap_or(id).to_lowercase(),
                based_on: s.child_val("w:basedOn").map(str::to_string),
                ..Style::default()
            };
            if let Some(rpr) = s.child("w:rPr") {
                run_props(rpr, &mut style);
            }
            if let Some(ppr) = s.child("w:pPr") {
                style.num = num_of(ppr);
                style.outline = ppr.child_val("w:outlineLvl").and_then(|v| v.parse().ok());
                style.align = align_of(ppr);
            }
            if s.attr("w:type") == Some("paragraph") && s.attr("w:default") == Some("1") {
                st.default_para = Some(id.to_string());
            }
            st.by_id.insert(id.to_string(), style);
        }
        st
    }

    /// The style and the styles it is based on, nearest first.
    fn chain(&self, id: Option<&str>) -> Vec<&Style> {
        let mut out = Vec::new();
        let mut cur = id.map(str::to_string);
        while let Some(id) = cur {
            let Some(s) = self.by_id.get(&id) else { break };
            out.push(s);
            if out.len() > 20 {
                break;
            }
            cur = s.based_on.clone();
        }
        out
    }

    fn get<T>(&self, id: Option<&str>, f: impl Fn(&Style) -> Option<T>) -> Option<T> {
        self.chain(id).into_iter().find_map(f)
    }

    /// Title, a heading level (1-based) from the style's name or outline level, or body.
    fn role(&self, id: Option<&str>) -> Role {
        for s in self.chain(id) {
            if s.name == "title" {
                return Role::Title;
            }
            // Word writes built-in names in English; hand-made styles in WPS may be 标题 1.
            let level = s.name.strip_prefix("heading ").or_else(|| s.name.strip_prefix("标题"));
            if let Some(n) = level.and_then(|n| n.trim().parse().ok()) {
                return Role::Heading(n);
            }
            if let Some(o) = s.outline
                && o < 9
            {
                return Role::Heading(o + 1);
            }
        }
        Role::Body
    }
}

#[derive(Clone, Debug)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
}

#[derive(Default)]
struct Numbering {
    /// numId → (abstractNumId, start overrides by level).
    nums: BTreeMap<String, (String, BTreeMap<u8, u32>)>,
    abstracts: BTreeMap<String, BTreeMap<u8, Level>>,
    /// abstractNumId → numbering style it takes its levels from (`w:numStyleLink`).
    links: BTreeMap<String, String>,
    /// Counters by abstractNumId, one per level.
    counters: BTreeMap<String, [u32; 9]>,
    started: BTreeMap<String, bool>,
}

impl Numbering {
    fn read(root: Option<&Node>) -> Numbering {
        let mut nb = Numbering::default();
        let Some(root) = root else { return nb };
        for a in root.nodes().filter(|n| n.name == "w:abstractNum") {
            let Some(id) = a.attr("w:abstractNumId") else { continue };
            let mut levels = BTreeMap::new();
            for l in a.nodes().filter(|n| n.name == "w:lvl") {
                let Some(ilvl) = l.attr("w:ilvl").and_then(|v| v.parse().ok()) else { continue };
                levels.insert(
                    ilvl,
                    Level {
                        start: l.child_val("w:start").and_then(|v| v.parse().ok()).unwrap_or(1),
                        fmt: l.child_val("w:numFmt").unwrap_or("decimal").to_string(),
                        text: l.child_val("w:lvlText").unwrap_or("").to_string(),
                    },
                );
            }
            if let Some(link) = a.child_val("w:numStyleLink") {
                nb.links.insert(id.to_string(), link.to_string());
            }
            nb.abstracts.insert(id.to_string(), levels);
        }
        for n in root.nodes().filter(|n| n.name == "w:num") {
            let (Some(id), Some(abs)) = (n.attr("w:numId"), n.child_val("w:abstractNumId")) else {
                continue;
            };
            let mut overrides = BTreeMap::new();
            for o in n.nodes().filter(|o| o.name == "w:lvlOverride") {
                if let (Some(l), Some(s)) = (
                    o.attr("w:ilvl").and_then(|v| v.parse().ok()),
                    o.child_val("w:startOverride").and_then(|v| v.parse().ok()),
                ) {
                    overrides.insert(l, s);
                }
            }
            nb.nums.insert(id.to_string(), (abs.to_string(), overrides));
        }
        nb
    }

    /// The abstract numbering of `num_id`, following a numbering-style link once.
    fn abstract_of(&self, num_id: &str, styles: &Styles) -> Option<String> {
        let (abs, _) = self.nums.get(num_id)?;
        if let Some(style) = self.links.get(abs)
            && let Some((linked, _)) = styles.get(Some(style), |s| s.num.clone())
            && let Some((target, _)) = self.nums.get(&linked)
        {
            return Some(target.clone());
        }
        Some(abs.clone())
    }

    /// Advances the counter of `num_id` at `level` and returns the level's format and label.
    fn next(&mut self, num_id: &str, level: u8, styles: &Styles) -> Option<(Level, String)> {
        let abs = self.abstract_of(num_id, styles)?;
        let levels = self.abstracts.get(&abs)?.clone();
        let lvl = levels.get(&level)?.clone();
        let overrides = self.nums.get(num_id).map(|(_, o)| o.clone()).unwrap_or_default();
        let counters = self.counters.entry(abs.clone()).or_insert_with(|| {
            let mut c = [0u32; 9];
            for (l, lv) in &levels {
                if let Some(slot) = c.get_mut(*l as usize) {
                    *slot = lv.start.saturating_sub(1);
                }
            }
            c
        });
        // A list instance with its own start value restarts the count the first time it is used.
        let first_use = !self.started.contains_key(num_id);
        self.started.insert(num_id.to_string(), true);
        let l = (level as usize).min(8);
        if first_use && let Some(s) = overrides.get(&level) {
            counters[l] = s.saturating_sub(1);
        }
        counters[l] += 1;
        for (deeper, slot) in counters.iter_mut().enumerate().skip(l + 1) {
            *slot = levels.get(&(deeper as u8)).map(|x| x.start.saturating_sub(1)).unwrap_or(0);
        }
        let mut label = lvl.text.clone();
        for (i, value) in counters.iter().enumerate().take(l + 1) {
            let fmt = levels.get(&(i as u8)).map(|x| x.fmt.as_str()).unwrap_or("decimal");
            label = label.replace(&format!("%{}", i + 1), &format_number(*value, fmt));
        }
        Some((lvl, label))
    }
}

/// A list counter in Word's number format.
pub(crate) fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "ideographDigital"
        | "taiwaneseCountingThousand" => chinese_number(n),
        "chineseLegalSimplified" => chinese_number(n)
            .chars()
            .map(|c| match c {
                '一' => '壹',
                '二' => '贰',
                '三' => '叁',
                '四' => '肆',
                '五' => '伍',
                '六' => '陆',
                '七' => '柒',
                '八' => '捌',
                '九' => '玖',
                '十' => '拾',
                '百' => '佰',
                other => other,
            })
            .collect(),
        "ideographTraditional" => ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
            [(n.max(1) as usize - 1) % 10]
            .to_string(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map(String::from).unwrap_or_else(|| n.to_string())
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .filter_map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32))
            .collect(),
        "lowerLetter" | "upperLetter" => {
            let c = (b'a' + ((n.max(1) - 1) % 26) as u8) as char;
            let s = c.to_string().repeat(((n.max(1) - 1) / 26 + 1) as usize);
            if fmt == "upperLetter" { s.to_uppercase() } else { s }
        }
        "lowerRoman" | "upperRoman" => {
            let r = roman(n);
            if fmt == "lowerRoman" { r.to_lowercase() } else { r }
        }
        "none" | "bullet" => String::new(),
        _ => n.to_string(),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n % 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n % 10 == 0 { "" } else { D[(n % 10) as usize] }
        ),
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", D[rest as usize]),
                10..=19 => format!("一{}", chinese_number(rest)),
                _ => chinese_number(rest),
            };
            format!("{}百{tail}", D[(n / 100) as usize])
        }
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    const T: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// A relationship target.
struct Rel {
    target: String,
    external: bool,
    /// The relationship type's last part: `image`, `hyperlink`, `header`, `footer`…
    kind: String,
}

fn read_rels(root: Option<&Node>) -> BTreeMap<String, Rel> {
    let mut out = BTreeMap::new();
    if let Some(root) = root {
        for r in root.nodes() {
            if let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) {
                out.insert(
                    id.to_string(),
                    Rel {
                        target: target.to_string(),
                        external: r.attr("TargetMode") == Some("External"),
                        kind: r
                            .attr("Type")
                            .and_then(|t| t.rsplit('/').next())
                            .unwrap_or("")
                            .to_string(),
                    },
                );
            }
        }
    }
    out
}

/// A short quote of a text for messages: `“村道硬化工程按合同…”`.
pub(crate) fn quote(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = t.chars().take(12).collect();
    if t.chars().count() > 12 { format!("“{short}…”") } else { format!("“{short}”") }
}

/// Formatting in force for a run.
#[derive(Clone, Copy, Default)]
struct Fmt {
    bold: bool,
    italic: bool,
    strike: bool,
}

/// The conversion of one document.
pub struct Converter<'a> {
    zip: Zip<'a>,
    styles: Styles,
    numbering: Numbering,
    rels: BTreeMap<String, Rel>,
    notes: BTreeMap<(bool, String), Node>,
    pub blocks: Vec<Block>,
    pub images: Vec<ImportedImage>,
    pub footnotes: Vec<Vec<Inline>>,
    pub warnings: Vec<ImportWarning>,
    image_by_target: BTreeMap<String, usize>,
    para_no: usize,
    table_no: usize,
    /// Blocks found inside the current paragraph (text boxes), placed after it.
    after: Vec<Block>,
    tracked_changes: bool,
    hidden_text: bool,
}

impl<'a> Converter<'a> {
    /// Opens the package and reads its styles, numbering, notes and relationships.
    pub fn open(bytes: &'a [u8], file: &str) -> Result<Converter<'a>, ImportError> {
        let corrupt = |detail: String| ImportError::Corrupt { file: file.to_string(), detail };
        let mut zip =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
        let has = |zip: &Zip<'_>, n: &str| zip.index_for_name(n).is_some();
        if !has(&zip, "word/document.xml") {
            if has(&zip, "content.xml") && has(&zip, "mimetype") {
                return Err(ImportError::OpenDocument { file: file.to_string() });
            }
            if has(&zip, "xl/workbook.xml") || has(&zip, "ppt/presentation.xml") {
                return Err(ImportError::NotWord { file: file.to_string() });
            }
            return Err(corrupt("word/document.xml is missing".into()));
        }
        let styles = Styles::read(read_xml(&mut zip, "word/styles.xml").map_err(corrupt)?.as_ref());
        let numbering =
            Numbering::read(read_xml(&mut zip, "word/numbering.xml").map_err(corrupt)?.as_ref());
        let rels = read_rels(
            read_xml(&mut zip, "word/_rels/document.xml.rels").map_err(corrupt)?.as_ref(),
        );
        let mut notes = BTreeMap::new();
        for (endnote, part, tag) in
            [(false, "word/footnotes.xml", "w:footnote"), (true, "word/endnotes.xml", "w:endnote")]
        {
            // A broken notes part loses the notes, not the document: the references say so.
            if let Ok(Some(root)) = read_xml(&mut zip, part) {
                for n in root.nodes().filter(|n| n.name == tag) {
                    if let Some(id) = n.attr("w:id") {
                        notes.insert((endnote, id.to_string()), n.clone());
                    }
                }
            }
        }
        Ok(Converter {
            zip,
            styles,
            numbering,
            rels,
            notes,
            blocks: Vec::new(),
            images: Vec::new(),
            footnotes: Vec::new(),
            warnings: Vec::new(),
            image_by_target: BTreeMap::new(),
            para_no: 0,
            table_no: 0,
            after: Vec::new(),
            tracked_changes: false,
            hidden_text: false,
        })
    }

    /// Converts the body into blocks, pictures, footnotes and warnings.
    pub fn run(&mut self, file: &str) -> Result<(), ImportError> {
        let doc = read_xml(&mut self.zip, "word/document.xml")
            .map_err(|detail| ImportError::Corrupt { file: file.to_string(), detail })?
            .ok_or_else(|| ImportError::Corrupt {
                file: file.to_string(),
                detail: "word/document.xml is missing".into(),
            })?;
        let Some(body) = doc.child("w:body") else {
            return Err(ImportError::Corrupt {
                file: file.to_string(),
                detail: "document.xml has no body".into(),
            });
        };
        let mut out = Vec::new();
        self.body_children(body, &mut out);
        self.blocks = out;
        if self.tracked_changes {
            self.warnings.push(ImportWarning::TrackedChanges);
        }
        if self.hidden_text {
            self.warnings.push(ImportWarning::HiddenText);
        }
        // Page headers and footers have no place on a web page; page numbers need no warning.
        let mut margins: Vec<String> = Vec::new();
        let parts: Vec<String> = self
            .rels
            .values()
            .filter(|r| !r.external && (r.kind == "header" || r.kind == "footer"))
            .map(|r| format!("word/{}", r.target.trim_start_matches('/')))
            .collect();
        for part in parts {
            if let Ok(Some(x)) = read_xml(&mut self.zip, &part) {
                let text = x.text();
                let text = text.trim();
                if text
                    .chars()
                    .any(|c| !c.is_ascii_digit() && !c.is_whitespace() && !"-—第页共/".contains(c))
                    && !margins.iter().any(|m| m == text)
                {
                    margins.push(text.to_string());
                }
            }
        }
        for text in margins {
            self.warnings.push(ImportWarning::Unmapped {
                at: "页眉或页脚".into(),
                what: format!(
                    "文字{}：网页上没有页眉页脚，没有导入；需要的话请写进正文",
                    quote(&text)
                ),
                what_en: format!(
                    "the text {}: a web page has no page header or footer, so it was not imported; \
                     write it into the body if it is needed",
                    quote(&text)
                ),
            });
        }
        if let Ok(Some(c)) = read_xml(&mut self.zip, "word/comments.xml") {
            let n = c.nodes().filter(|n| n.name == "w:comment").count();
            if n > 0 {
                self.warnings.push(ImportWarning::Comments { count: n });
            }
        }
        Ok(())
    }

    fn body_children(&mut self, parent: &Node, out: &mut Vec<Block>) {
        for n in parent.nodes() {
            match n.name.as_str() {
                "w:p" => {
                    if let Some(p) = self.paragraph(n) {
                        out.push(Block::Paragraph(p));
                    }
                    out.append(&mut self.after);
                }
                "w:tbl" => {
                    if let Some(t) = self.table(n) {
                        out.push(Block::Table(t));
                    }
                }
                "w:sdt" => {
                    if let Some(c) = n.child("w:sdtContent") {
                        self.body_children(c, out);
                    }
                }
                "w:customXml" | "w:ins" | "w:moveTo" => self.body_children(n, out),
                "w:altChunk" => self.warnings.push(ImportWarning::Unmapped {
                    at: format!("第{}段之后", self.para_no),
                    what: "嵌入的外部文档（altChunk）".into(),
                    what_en: "an embedded external document (altChunk)".into(),
                }),
                _ => {}
            }
        }
    }

    fn paragraph(&mut self, p: &Node) -> Option<Paragraph> {
        let ppr = p.child("w:pPr");
        let style_id = ppr
            .and_then(|x| x.child_val("w:pStyle"))
            .map(str::to_string)
            .or_else(|| self.styles.default_para.clone());
        let style = style_id.as_deref();
        let mut role = self.styles.role(style);
        if let Some(o) =
            ppr.and_then(|x| x.child_val("w:outlineLvl")).and_then(|v| v.parse::<u8>().ok())
        {
            role = if o < 9 { Role::Heading(o + 1) } else { Role::Body };
        }
        let align = ppr
            .and_then(align_of)
            .or_else(|| self.styles.get(style, |s| s.align))
            .unwrap_or_default();
        let num = ppr.and_then(num_of).or_else(|| self.styles.get(style, |s| s.num.clone()));
        let base = Fmt {
            bold: self.styles.get(style, |s| s.bold).unwrap_or(false),
            italic: self.styles.get(style, |s| s.italic).unwrap_or(false),
            strike: self.styles.get(style, |s| s.strike).unwrap_or(false),
        };
        let mut inlines = Vec::new();
        self.inlines(p, base, &mut inlines);
        let text = super::model::plain(&inlines);
        let has_image = inlines.iter().any(|i| matches!(i, Inline::Image { .. }));
        if text.trim().is_empty() && !has_image {
            return None;
        }
        self.para_no += 1;
        let mut list = None;
        if let Some((num_id, level)) = num.filter(|(id, _)| id != "0")
            && let Some((lvl, label)) = self.numbering.next(&num_id, level, &self.styles)
        {
            let plain_decimal = lvl.fmt == "decimal"
                && matches!(lvl.text.as_str(), t if t == format!("%{}.", level + 1) || t == format!("%{})", level + 1));
            if lvl.fmt == "bullet" && role == Role::Body {
                list = Some(ListItem { level, number: None });
            } else if plain_decimal && role == Role::Body {
                let n = label.trim_end_matches(['.', ')']).parse().unwrap_or(1);
                list = Some(ListItem { level, number: Some(n) });
            } else if !label.is_empty() {
                // 一、 （一） 第一章: Word makes the label; Markdown keeps it as text.
                inlines.insert(
                    0,
                    Inline::Text { text: label, bold: base.bold, italic: false, strike: false },
                );
            }
        }
        Some(Paragraph {
            role,
            list,
            align,
            inlines,
            at: format!("第{}段{}", self.para_no, quote(&text)),
        })
    }

    /// Converts the inline content of `parent` (a paragraph, hyperlink, field, …).
    fn inlines(&mut self, parent: &Node, base: Fmt, out: &mut Vec<Inline>) {
        for n in parent.nodes() {
            match n.name.as_str() {
                "w:r" => self.text_run(n, base, out),
                "w:hyperlink" => {
                    let mut inner = Vec::new();
                    self.inlines(n, base, &mut inner);
                    let url = n
                        .attr("r:id")
                        .and_then(|id| self.rels.get(id))
                        .filter(|r| r.external)
                        .map(|r| r.target.clone());
                    match url {
                        Some(url) if !inner.iter().any(|i| !matches!(i, Inline::Text { .. })) => {
                            out.push(Inline::Link { url, text: super::model::plain(&inner) })
                        }
                        // An anchor inside the document, or a link around a picture: keep what
                        // it shows.
                        _ => out.append(&mut inner),
                    }
                }
                "w:del" | "w:moveFrom" => self.tracked_changes = true,
                "w:ins" | "w:moveTo" => {
                    self.tracked_changes = true;
                    self.inlines(n, base, out);
                }
                "w:smartTag" | "w:customXml" | "w:fldSimple" | "w:dir" | "w:bdo" => {
                    self.inlines(n, base, out)
                }
                "w:sdt" => {
                    if let Some(c) = n.child("w:sdtContent") {
                        self.inlines(c, base, out);
                    }
                }
                "m:oMath" | "m:oMathPara" => {
                    let text = n.text();
                    self.warnings.push(ImportWarning::Unmapped {
                        at: format!("第{}段", self.para_no + 1),
                        what: format!("公式{}（只保留了其中的文字）", quote(&text)),
                        what_en: format!("an equation {} (only its text was kept)", quote(&text)),
                    });
                    out.push(Inline::Text { text, bold: false, italic: false, strike: false });
                }
                _ => {}
            }
        }
    }

    fn text_run(&mut self, r: &Node, base: Fmt, out: &mut Vec<Inline>) {
        let mut f = base;
        if let Some(rpr) = r.child("w:rPr") {
            if rpr.child("w:vanish").is_some_and(on_off) {
                if !r.text().trim().is_empty() {
                    self.hidden_text = true;
                }
                return;
            }
            let rstyle = rpr.child_val("w:rStyle");
            let mut s = Style::default();
            run_props(rpr, &mut s);
            f.bold = s.bold.or_else(|| self.styles.get(rstyle, |x| x.bold)).unwrap_or(f.bold);
            f.italic =
                s.italic.or_else(|| self.styles.get(rstyle, |x| x.italic)).unwrap_or(f.italic);
            f.strike =
                s.strike.or_else(|| self.styles.get(rstyle, |x| x.strike)).unwrap_or(f.strike);
        }
        let text =
            |t: String| Inline::Text { text: t, bold: f.bold, italic: f.italic, strike: f.strike };
        for c in r.nodes() {
            match c.name.as_str() {
                "w:t" => out.push(text(c.text_raw())),
                "w:tab" | "w:ptab" => out.push(text(" ".into())),
                "w:br" | "w:cr" if !matches!(c.attr("w:type"), Some("page" | "column")) => {
                    out.push(Inline::Break)
                }
                "w:noBreakHyphen" => out.push(text("-".into())),
                "w:sym" => self.warnings.push(ImportWarning::Unmapped {
                    at: format!("第{}段", self.para_no + 1),
                    what: format!(
                        "特殊符号（{} 字体的 {}，常见的是勾选框），已略去",
                        c.attr("w:font").unwrap_or("?"),
                        c.attr("w:char").unwrap_or("?")
                    ),
                    what_en: format!(
                        "a symbol ({} in font {}, often a check box), left out",
                        c.attr("w:char").unwrap_or("?"),
                        c.attr("w:font").unwrap_or("?")
                    ),
                }),
                "w:footnoteReference" | "w:endnoteReference" => {
                    let endnote = c.name == "w:endnoteReference";
                    if let Some(id) = c.attr("w:id") {
                        self.note(endnote, id, out);
                    }
                }
                "w:drawing" => self.drawing(c, out),
                "w:pict" | "w:object" => self.vml(c, out),
                "mc:AlternateContent" => {
                    // The choice is what Word shows; the fallback repeats it for old readers.
                    if let Some(choice) = c.child("mc:Choice") {
                        let fake = Node {
                            name: "w:r".into(),
                            attrs: Vec::new(),
                            children: choice.children.clone(),
                        };
                        self.text_run(&fake, f, out);
                    }
                }
                _ => {}
            }
        }
    }

    fn note(&mut self, endnote: bool, id: &str, out: &mut Vec<Inline>) {
        let Some(node) = self.notes.get(&(endnote, id.to_string())).cloned() else {
            self.warnings.push(ImportWarning::Unmapped {
                at: format!("第{}段", self.para_no + 1),
                what: "一个找不到内容的脚注，已略去".into(),
                what_en: "a footnote whose text is missing, left out".into(),
            });
            return;
        };
        let mut inlines = Vec::new();
        for p in node.nodes().filter(|n| n.name == "w:p") {
            let mut one = Vec::new();
            self.inlines(p, Fmt::default(), &mut one);
            if !inlines.is_empty() && !one.is_empty() {
                inlines.push(Inline::Text {
                    text: " ".into(),
                    bold: false,
                    italic: false,
                    strike: false,
                });
            }
            inlines.append(&mut one);
        }
        self.footnotes.push(inlines);
        out.push(Inline::Footnote(self.footnotes.len()));
    }

    /// A DrawingML object: a picture, a text box, or a shape/chart that does not map.
    fn drawing(&mut self, d: &Node, out: &mut Vec<Inline>) {
        let alt = d
            .find("wp:docPr")
            .and_then(|p| p.attr("descr").or_else(|| p.attr("title")))
            .unwrap_or("")
            .to_string();
        if let Some(blip) = d.find("a:blip") {
            if let Some(id) = blip.attr("r:embed") {
                self.picture(id, &alt, out);
            } else if blip.attr("r:link").is_some() {
                self.warnings.push(ImportWarning::LinkedPicture {
                    at: format!("第{}段", self.para_no + 1),
                });
            }
            return;
        }
        if let Some(tb) = d.find("w:txbxContent") {
            self.text_box(tb);
            return;
        }
        let kind = d
            .find("a:graphicData")
            .and_then(|g| g.attr("uri"))
            .map(|u| {
                if u.contains("chart") {
                    ("图表", "a chart")
                } else if u.contains("diagram") {
                    ("SmartArt 图形", "a SmartArt graphic")
                } else {
                    ("图形", "a drawing")
                }
            })
            .unwrap_or(("图形", "a drawing"));
        self.warnings.push(ImportWarning::Unmapped {
            at: format!("第{}段", self.para_no + 1),
            what: format!("{}，网页上不能显示，已略去；请截图存成图片放进文件夹", kind.0),
            what_en: format!(
                "{}, which a web page cannot show; left out: save a screenshot into the folder",
                kind.1
            ),
        });
    }

    /// Old VML pictures (`w:pict`, an embedded object's preview) and text boxes.
    fn vml(&mut self, v: &Node, out: &mut Vec<Inline>) {
        if let Some(tb) = v.find("w:txbxContent") {
            self.text_box(tb);
        }
        if let Some(img) = v.find("v:imagedata")
            && let Some(id) = img.attr("r:id")
        {
            if v.name == "w:object" {
                self.warnings.push(ImportWarning::Unmapped {
                    at: format!("第{}段", self.para_no + 1),
                    what: "嵌入的对象（例如 Excel 表格），只导入了它的预览图".into(),
                    what_en: "an embedded object (e.g. an Excel sheet); only its preview picture was imported".into(),
                });
            }
            let alt = img.attr("o:title").unwrap_or("").to_string();
            self.picture(id, &alt, out);
        }
    }

    fn text_box(&mut self, content: &Node) {
        let mut blocks = Vec::new();
        // Named after the paragraph before it; its own paragraphs are counted after that.
        let before = self.para_no.max(1);
        let saved = std::mem::take(&mut self.after);
        self.body_children(content, &mut blocks);
        self.after = saved;
        let text: String = blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.plain(),
                Block::Table(_) => String::new(),
            })
            .collect::<Vec<_>>()
            .join(" ");
        if text.trim().is_empty() && blocks.is_empty() {
            return;
        }
        self.warnings
            .push(ImportWarning::TextBox {
                at: format!("第{before}段之后"), text: quote(&text)
            });
        self.after.extend(blocks);
    }

    fn picture(&mut self, rel_id: &str, alt: &str, out: &mut Vec<Inline>) {
        let at = format!("第{}段", self.para_no + 1);
        let Some(rel) = self.rels.get(rel_id) else { return };
        if rel.external {
            self.warnings.push(ImportWarning::LinkedPicture { at });
            return;
        }
        let target = rel.target.clone();
        let part = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("word/{target}"),
        };
        // Alt text: Word fills `descr` with the inserted file's name, which says nothing.
        let alt = if alt.contains('.') && !alt.contains(' ') { "" } else { alt.trim() };
        if let Some(&index) = self.image_by_target.get(&part) {
            out.push(Inline::Image { index, alt: alt.to_string() });
            return;
        }
        let bytes = match read_part(&mut self.zip, &part) {
            Ok(Some(b)) => b,
            _ => {
                self.warnings
                    .push(ImportWarning::BadPicture { at, detail: format!("{part} 读不出") });
                return;
            }
        };
        let format = images::sniff(&bytes);
        let Some(ext) = format.map(Format::extension) else {
            self.warnings.push(ImportWarning::PictureFormat {
                at,
                format: images::describe_unknown(&bytes, &part),
            });
            return;
        };
        let clean = match images::strip_metadata(&bytes) {
            Ok(c) => c,
            Err(detail) => {
                self.warnings.push(ImportWarning::BadPicture { at, detail });
                return;
            }
        };
        let index = self.images.len();
        self.images
            .push(ImportedImage { name: format!("image-{}.{ext}", index + 1), bytes: clean });
        self.image_by_target.insert(part, index);
        out.push(Inline::Image { index, alt: alt.to_string() });
    }

    fn table(&mut self, tbl: &Node) -> Option<Table> {
        self.table_no += 1;
        let t = self.table_no;
        let grid = tbl
            .child("w:tblGrid")
            .map(|g| g.nodes().filter(|c| c.name == "w:gridCol").count())
            .unwrap_or(0);
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        // Vertical merges still open, by grid column: (row, column, text, rows covered).
        let mut open: BTreeMap<usize, (usize, usize, String, usize)> = BTreeMap::new();
        let mut merges: Vec<(usize, usize, String, usize)> = Vec::new();
        let mut trs = Vec::new();
        collect_rows(tbl, &mut trs);
        for tr in trs {
            let r = rows.len() + 1;
            let mut row = Vec::new();
            let before = tr
                .child("w:trPr")
                .and_then(|p| p.child_val("w:gridBefore"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0usize);
            for _ in 0..before {
                row.push(Cell { inlines: Vec::new() });
            }
            let mut tcs = Vec::new();
            collect_cells(tr, &mut tcs);
            for tc in tcs {
                let col = row.len() + 1;
                let tcpr = tc.child("w:tcPr");
                let span = tcpr
                    .and_then(|p| p.child_val("w:gridSpan"))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let vmerge = tcpr
                    .and_then(|p| p.child("w:vMerge"))
                    .map(|m| m.attr("w:val") == Some("restart"));
                let inlines = self.cell(tc, t, r, col);
                let text = super::model::plain(&inlines);
                match vmerge {
                    Some(true) => {
                        if let Some(done) = open.remove(&col) {
                            merges.push(done);
                        }
                        open.insert(col, (r, col, text.clone(), 1));
                    }
                    Some(false) => {
                        if let Some(m) = open.get_mut(&col) {
                            m.3 += 1;
                        }
                    }
                    None => {
                        if let Some(done) = open.remove(&col) {
                            merges.push(done);
                        }
                    }
                }
                if span > 1 {
                    self.warnings.push(ImportWarning::MergedAcross {
                        at: format!("表格{t}第{r}行第{col}列{}", quote(&text)),
                        columns: span,
                    });
                }
                row.push(Cell { inlines });
                for _ in 1..span {
                    row.push(Cell { inlines: Vec::new() });
                }
            }
            rows.push(row);
        }
        merges.extend(open.into_values());
        merges.sort();
        for (r, col, text, n) in merges {
            if n > 1 {
                self.warnings.push(ImportWarning::MergedDown {
                    at: format!("表格{t}第{r}行第{col}列{}", quote(&text)),
                    rows: n,
                });
            }
        }
        let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(grid);
        if rows.is_empty() || width == 0 {
            return None;
        }
        for row in &mut rows {
            row.resize(width, Cell { inlines: Vec::new() });
        }
        Some(Table { rows, at: format!("表格{t}") })
    }

    /// A cell's paragraphs on one line (a Markdown table cell has no line breaks).
    fn cell(&mut self, tc: &Node, t: usize, r: usize, col: usize) -> Vec<Inline> {
        let mut out: Vec<Inline> = Vec::new();
        let space = || Inline::Text { text: " ".into(), bold: false, italic: false, strike: false };
        for n in tc.nodes() {
            match n.name.as_str() {
                "w:p" => {
                    let saved = self.para_no;
                    let p = self.paragraph(n);
                    self.para_no = saved;
                    let after = std::mem::take(&mut self.after);
                    for p in p.into_iter().chain(after.into_iter().filter_map(|b| match b {
                        Block::Paragraph(p) => Some(p),
                        Block::Table(_) => None,
                    })) {
                        if !out.is_empty() {
                            out.push(space());
                        }
                        let mut inl = p.inlines;
                        if let Some(l) = &p.list {
                            let marker =
                                l.number.map(|n| format!("{n}. ")).unwrap_or_else(|| "· ".into());
                            inl.insert(
                                0,
                                Inline::Text {
                                    text: marker,
                                    bold: false,
                                    italic: false,
                                    strike: false,
                                },
                            );
                        }
                        out.extend(
                            inl.into_iter().map(|i| if i == Inline::Break { space() } else { i }),
                        );
                    }
                }
                "w:tbl" => {
                    let saved = self.table_no;
                    let inner = self.table(n);
                    self.table_no = saved;
                    if let Some(inner) = inner {
                        let text = inner
                            .rows
                            .iter()
                            .map(|row| {
                                row.iter()
                                    .map(|c| super::model::plain(&c.inlines))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            })
                            .collect::<Vec<_>>()
                            .join(" / ");
                        self.warnings.push(ImportWarning::NestedTable {
                            at: format!("表格{t}第{r}行第{col}列"),
                        });
                        if !out.is_empty() {
                            out.push(space());
                        }
                        out.push(Inline::Text { text, bold: false, italic: false, strike: false });
                    }
                }
                "w:sdt" => {
                    if let Some(c) = n.child("w:sdtContent") {
                        let fake = Node {
                            name: "w:tc".into(),
                            attrs: Vec::new(),
                            children: c.children.clone(),
                        };
                        let mut more = self.cell(&fake, t, r, col);
                        if !out.is_empty() && !more.is_empty() {
                            out.push(space());
                        }
                        out.append(&mut more);
                    }
                }
                _ => {}
            }
        }
        out
    }
}

fn collect_rows<'n>(parent: &'n Node, out: &mut Vec<&'n Node>) {
    for n in parent.nodes() {
        match n.name.as_str() {
            "w:tr" => out.push(n),
            "w:sdt" | "w:sdtContent" | "w:customXml" | "w:ins" => collect_rows(n, out),
            _ => {}
        }
    }
}

fn collect_cells<'n>(parent: &'n Node, out: &mut Vec<&'n Node>) {
    for n in parent.nodes() {
        match n.name.as_str() {
            "w:tc" => out.push(n),
            "w:sdt" | "w:sdtContent" | "w:customXml" | "w:ins" => collect_cells(n, out),
            _ => {}
        }
    }
}

impl Node {
    /// The text of a `w:t` as written (spaces included).
    fn text_raw(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                xml::Child::Text(t) => Some(t.as_str()),
                xml::Child::Node(_) => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_number_formats() {
        assert_eq!(format_number(1, "chineseCounting"), "一");
        assert_eq!(format_number(12, "chineseCounting"), "十二");
        assert_eq!(format_number(20, "chineseCountingThousand"), "二十");
        assert_eq!(format_number(105, "chineseCounting"), "一百零五");
        assert_eq!(format_number(3, "chineseLegalSimplified"), "叁");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(4, "lowerRoman"), "iv");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(7, "decimalFullWidth"), "７");
    }
}
