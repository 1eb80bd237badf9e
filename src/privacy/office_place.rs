//! Where a finding inside a Word or Excel file is, named as the clerk finds it there: `第3段`,
//! `表1 第2行第3列`, `页眉`, `Sheet1!B2 批注`, `Sheet1 页眉页脚`, `文档属性`. The XML of a part
//! is walked once, forward, since findings come in order.

use std::collections::BTreeMap;

/// The sheet name of each worksheet and comments part of an xlsx (`xl/comments1.xml` ->
/// `Sheet1`): the workbook names sheets by relationship id, its relationships give each sheet's
/// part, and a sheet's own relationships give its comments.
pub fn sheet_names(parts: &[(String, String)]) -> BTreeMap<String, String> {
    let get = |n: &str| parts.iter().find(|(name, _)| name == n).map(|(_, x)| x.as_str());
    let mut out = BTreeMap::new();
    let (Some(book), Some(rels)) = (get("xl/workbook.xml"), get("xl/_rels/workbook.xml.rels"))
    else {
        return out;
    };
    let targets = relationships(rels);
    for tag in tags(book, "sheet") {
        let (Some(name), Some(id)) = (attr(tag, "name"), attr(tag, "r:id")) else { continue };
        let Some(target) = targets.get(id) else { continue };
        let name = unescape(name);
        let part = resolve("xl", target);
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part.as_str()));
        if let Some(own) = get(&format!("{dir}/_rels/{file}.rels")) {
            for t in relationships(own).values() {
                out.insert(resolve(dir, t), name.clone());
            }
        }
        out.insert(part, name);
    }
    out
}

/// `Id` -> `Target` of a relationships part.
fn relationships(xml: &str) -> BTreeMap<&str, &str> {
    tags(xml, "Relationship").filter_map(|t| Some((attr(t, "Id")?, attr(t, "Target")?))).collect()
}

/// A relationship target as a part name: absolute (`/xl/…`) or relative to `dir`, with `..`.
fn resolve(dir: &str, target: &str) -> String {
    let mut path: Vec<&str> =
        if target.starts_with('/') { Vec::new() } else { dir.split('/').collect() };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            s => path.push(s),
        }
    }
    path.retain(|s| !s.is_empty());
    path.join("/")
}

/// The opening tags `<name …>` of `xml` (without the brackets' content past the name check).
fn tags<'a>(xml: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{name}");
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            let at = pos + xml.get(pos..)?.find(&open)?;
            let end = at + xml[at..].find('>').unwrap_or(xml.len() - at);
            pos = end;
            let after = xml.as_bytes().get(at + open.len()).copied();
            if matches!(after, Some(b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r')) {
                return Some(&xml[at..end]);
            }
        }
    })
}

/// The value of attribute `key` in an opening tag.
fn attr<'a>(tag: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!(" {key}=\"");
    let at = tag.find(&pat)? + pat.len();
    let len = tag[at..].find('"')?;
    Some(&tag[at..at + len])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

enum Kind {
    /// `word/document.xml`: paragraphs and tables.
    Body,
    /// An xlsx comments part of the named sheet: the commented cell.
    Comments(String),
    /// One place for the whole part (a header, the document properties).
    Whole(String),
}

/// Names the place of byte offsets of one part, in increasing order.
pub struct Walker<'a> {
    kind: Kind,
    xml: &'a str,
    pos: usize,
    paragraph: usize,
    table: usize,
    depth: usize,
    row: usize,
    col: usize,
    cell: Option<&'a str>,
}

impl<'a> Walker<'a> {
    pub fn new(part: &str, xml: &'a str, sheets: &BTreeMap<String, String>) -> Self {
        let sheet = sheets.get(part).cloned().unwrap_or_default();
        let whole = |s: &str| Kind::Whole(s.to_string());
        let kind = match part {
            "word/document.xml" => Kind::Body,
            p if p.starts_with("word/header") => whole("页眉"),
            p if p.starts_with("word/footer") => whole("页脚"),
            p if p.starts_with("word/footnotes") => whole("脚注"),
            p if p.starts_with("word/endnotes") => whole("尾注"),
            p if p.starts_with("word/comments") => whole("批注"),
            p if p.starts_with("docProps/") => whole("文档属性"),
            p if p.starts_with("xl/comments") || p.starts_with("xl/threadedComments/") => {
                Kind::Comments(sheet)
            }
            p if p.starts_with("xl/worksheets/") => Kind::Whole(format!("{sheet} 页眉页脚")),
            p => whole(p),
        };
        Walker { kind, xml, pos: 0, paragraph: 0, table: 0, depth: 0, row: 0, col: 0, cell: None }
    }

    /// The place of byte `at` (not before an earlier call's).
    pub fn at(&mut self, at: usize) -> String {
        let xml = self.xml;
        let at = at.min(xml.len());
        while self.pos < at {
            let Some(lt) = xml[self.pos..at].find('<') else { break };
            let start = self.pos + lt;
            let end = xml[start..].find('>').map_or(xml.len(), |e| start + e + 1);
            self.tag(&xml[start..end]);
            self.pos = end;
        }
        match &self.kind {
            Kind::Whole(place) => place.clone(),
            Kind::Comments(sheet) => match self.cell {
                Some(cell) if sheet.is_empty() => format!("{cell} 批注"),
                Some(cell) => format!("{sheet}!{cell} 批注"),
                None => "批注".to_string(),
            },
            Kind::Body if self.depth > 0 => {
                format!("表{} 第{}行第{}列", self.table, self.row, self.col)
            }
            Kind::Body => format!("第{}段", self.paragraph.max(1)),
        }
    }

    fn tag(&mut self, tag: &'a str) {
        let name_of = |t: &'a str| {
            t.trim_start_matches('<')
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
        };
        match &self.kind {
            Kind::Comments(_) => {
                if matches!(name_of(tag), "comment" | "threadedComment") {
                    self.cell = attr(tag, "ref");
                }
            }
            Kind::Body => match name_of(tag) {
                "w:p" if self.depth == 0 => self.paragraph += 1,
                "w:tbl" => {
                    self.depth += 1;
                    if self.depth == 1 {
                        self.table += 1;
                        self.row = 0;
                    }
                }
                "" if tag.starts_with("</w:tbl") => self.depth = self.depth.saturating_sub(1),
                "w:tr" if self.depth == 1 => {
                    self.row += 1;
                    self.col = 0;
                }
                "w:tc" if self.depth == 1 => self.col += 1,
                _ => {}
            },
            Kind::Whole(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_paragraphs_and_table_cells() {
        let xml = "<w:document><w:body><w:p><w:r><w:t>一</w:t></w:r></w:p><w:p/>\
            <w:p><w:r><w:t>A</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:t>x</w:t></w:p></w:tc></w:tr>\
            <w:tr><w:tc><w:p/></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:t>B</w:t></w:p></w:tc></w:tr></w:tbl>\
            <w:p><w:t>C</w:t></w:p></w:tc></w:tr></w:tbl><w:p><w:t>D</w:t></w:p></w:body></w:document>";
        let mut w = Walker::new("word/document.xml", xml, &BTreeMap::new());
        let at = |s: &str| xml.find(s).unwrap();
        assert_eq!(w.at(at("一")), "第1段");
        assert_eq!(w.at(at("A")), "第3段");
        assert_eq!(w.at(at("x")), "表1 第1行第1列");
        assert_eq!(w.at(at("B")), "表1 第2行第2列");
        assert_eq!(w.at(at("C")), "表1 第2行第2列");
        assert_eq!(w.at(at("D")), "第4段");
    }

    #[test]
    fn comments_name_their_sheet_and_cell() {
        let parts: Vec<(String, String)> = [
            ("xl/workbook.xml", r#"<workbook><sheets><sheet name="低保&amp;名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", r#"<Relationships><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/_rels/sheet1.xml.rels", r#"<Relationships><Relationship Id="rId2" Type="c" Target="../comments1.xml"/></Relationships>"#),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let sheets = sheet_names(&parts);
        assert_eq!(sheets["xl/comments1.xml"], "低保&名单");
        assert_eq!(sheets["xl/worksheets/sheet1.xml"], "低保&名单");
        let xml = r#"<comments><commentList><comment ref="B2" authorId="0"><text><t>甲</t></text></comment><comment ref="C7"><text><t>乙</t></text></comment></commentList></comments>"#;
        let mut w = Walker::new("xl/comments1.xml", xml, &sheets);
        assert_eq!(w.at(xml.find("甲").unwrap()), "低保&名单!B2 批注");
        assert_eq!(w.at(xml.find("乙").unwrap()), "低保&名单!C7 批注");
    }
}
