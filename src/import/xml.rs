//! A small element tree for the XML parts of a .docx (document, styles, numbering, footnotes).
//!
//! The converter looks around a lot (a cell's `tcPr` before its paragraphs, a run's `rPr` before
//! its text, a drawing's `docPr` beside its picture), which is simpler on a tree than on a stream
//! of events; the parts are small (a long report's document.xml is a few megabytes).
//!
//! Namespace prefixes are normalised: every element and attribute is named with the usual prefix
//! of its namespace (`w:`, `r:`, `a:`, `wp:`, `mc:`, `v:`, `m:`), whatever prefix the writer
//! declared, and Strict OOXML's namespaces map to the transitional ones.

use quick_xml::events::{BytesStart, Event};

/// One element: its normalised name, attributes and children.
#[derive(Debug, Default, Clone)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone)]
pub enum Child {
    Node(Node),
    Text(String),
}

impl Node {
    /// The value of attribute `name` (normalised, e.g. `w:val`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Child elements.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|c| match c {
            Child::Node(n) => Some(n),
            Child::Text(_) => None,
        })
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.nodes().find(|n| n.name == name)
    }

    /// `w:val` of the child `name` (`<w:pStyle w:val="Title"/>` → `Title`).
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|n| n.attr("w:val"))
    }

    /// The first element called `name` at any depth (self excluded), depth first.
    pub fn find(&self, name: &str) -> Option<&Node> {
        for n in self.nodes() {
            if n.name == name {
                return Some(n);
            }
            if let Some(found) = n.find(name) {
                return Some(found);
            }
        }
        None
    }

    /// The text of every `w:t` (and math `m:t`) inside, concatenated.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        s
    }

    fn collect_text(&self, s: &mut String) {
        for c in &self.children {
            match c {
                Child::Text(t) if self.name == "w:t" || self.name == "m:t" => s.push_str(t),
                Child::Text(_) => {}
                Child::Node(n) => n.collect_text(s),
            }
        }
    }
}

/// The usual prefix of a namespace URI, if it is one the converter reads.
fn canonical_prefix(uri: &str) -> Option<&'static str> {
    Some(match uri {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        | "http://purl.oclc.org/ooxml/wordprocessingml/main" => "w",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        | "http://purl.oclc.org/ooxml/officeDocument/relationships" => "r",
        "http://schemas.openxmlformats.org/drawingml/2006/main"
        | "http://purl.oclc.org/ooxml/drawingml/main" => "a",
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
        | "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing" => "wp",
        "http://schemas.openxmlformats.org/drawingml/2006/picture"
        | "http://purl.oclc.org/ooxml/drawingml/picture" => "pic",
        "http://schemas.openxmlformats.org/markup-compatibility/2006" => "mc",
        "urn:schemas-microsoft-com:vml" => "v",
        "http://schemas.openxmlformats.org/officeDocument/2006/math"
        | "http://purl.oclc.org/ooxml/officeDocument/math" => "m",
        "http://schemas.openxmlformats.org/package/2006/relationships" => "rel",
        _ => return None,
    })
}

/// Declared prefix → usual prefix, one frame per open element.
struct Scopes(Vec<Vec<(String, &'static str)>>);

impl Scopes {
    fn rename(&self, qname: &str) -> String {
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", qname),
        };
        for frame in self.0.iter().rev() {
            if let Some((_, canon)) = frame.iter().find(|(p, _)| p == prefix) {
                return format!("{canon}:{local}");
            }
        }
        qname.to_string()
    }
}

fn open(e: &BytesStart<'_>, scopes: &mut Scopes) -> Result<Node, String> {
    let mut frame = Vec::new();
    let mut raw = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| err.to_string())?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| err.to_string())?
            .into_owned();
        if let Some(prefix) = key.strip_prefix("xmlns") {
            let prefix = prefix.trim_start_matches(':').to_string();
            if let Some(canon) = canonical_prefix(&value) {
                frame.push((prefix, canon));
            }
            continue;
        }
        raw.push((key, value));
    }
    scopes.0.push(frame);
    let name = scopes.rename(e.name().as_ref());
    // Unprefixed attributes have no namespace (not the default one), so they keep their name.
    let attrs = raw
        .into_iter()
        .map(|(k, v)| if k.contains(':') { (scopes.rename(&k), v) } else { (k, v) })
        .collect();
    Ok(Node { name, attrs, children: Vec::new() })
}

/// Parses one XML part into its root element.
pub fn parse(xml: &str) -> Result<Node, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut scopes = Scopes(Vec::new());
    // The open elements; the bottom one collects the root.
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                let n = open(&e, &mut scopes)?;
                stack.push(n);
            }
            Event::Empty(e) => {
                let n = open(&e, &mut scopes)?;
                scopes.0.pop();
                if let Some(top) = stack.last_mut() {
                    top.children.push(Child::Node(n));
                }
            }
            Event::End(_) => {
                scopes.0.pop();
                if stack.len() < 2 {
                    return Err("unbalanced end tag".into());
                }
                if let Some(n) = stack.pop()
                    && let Some(top) = stack.last_mut()
                {
                    top.children.push(Child::Node(n));
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.into_inner()),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.xml10_content();
                        quick_xml::escape::unescape(&format!("&{name};"))
                            .map(|s| s.into_owned())
                            .unwrap_or_default()
                    }
                };
                push_text(&mut stack, &text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("the XML ends before its elements are closed".into());
    }
    stack
        .pop()
        .and_then(|root| {
            root.children.into_iter().find_map(|c| match c {
                Child::Node(n) => Some(n),
                Child::Text(_) => None,
            })
        })
        .ok_or_else(|| "no root element".to_string())
}

fn push_text(stack: &mut [Node], text: &str) {
    if let Some(top) = stack.last_mut() {
        match top.children.last_mut() {
            Some(Child::Text(prev)) => prev.push_str(text),
            _ => top.children.push(Child::Text(text.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_normalised_and_entities_resolved() {
        let xml = r#"<?xml version="1.0"?><x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:body><x:p><x:r><x:t xml:space="preserve">A &amp; B &#x4E00;</x:t></x:r></x:p></x:body></x:document>"#;
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "w:document");
        let p = root.find("w:p").unwrap();
        assert_eq!(p.text(), "A & B 一");
        assert_eq!(p.find("w:t").unwrap().attr("xml:space"), Some("preserve"));
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(parse("<w:document><w:body>").is_err());
        assert!(parse("<a></b>").is_err());
    }
}
