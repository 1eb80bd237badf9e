//! TOML values with the span of every key and value.
//!
//! `toml::Value` loses the positions of nested values, so the ledger re-parses the TOML fragment
//! with `toml::de::DeTable` and walks this owned tree instead. When the fragment cannot be
//! re-parsed (or the key is not found there) every node falls back to the outer span.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Str(String),
    Int(i64),
    /// A TOML float as written in the source (never trusted as `f64`).
    Float(String),
    Bool(bool),
    Datetime(toml::value::Datetime),
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub node: Node,
}

impl Node {
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Table(e) => Some(e),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?.iter().find(|e| e.key == key).map(|e| &e.node)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Str(_) => "string",
            Kind::Int(_) => "integer",
            Kind::Float(_) => "float",
            Kind::Bool(_) => "boolean",
            Kind::Datetime(_) => "datetime",
            Kind::Array(_) => "array",
            Kind::Table(_) => "table",
        }
    }
}

/// Parses a TOML document (a file or a front matter fragment) into a spanned tree.
pub(crate) fn parse_doc(text: &str) -> Result<Node, (String, Range<usize>)> {
    match DeTable::parse(text) {
        Ok(t) => {
            let span = t.span();
            Ok(Node { span, kind: Kind::Table(table_entries(t.get_ref(), text)) })
        }
        Err(e) => Err((e.message().to_string(), e.span().unwrap_or(0..0))),
    }
}

fn table_entries(t: &DeTable<'_>, text: &str) -> Vec<Entry> {
    t.iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_span: k.span(),
            node: from_de(v.get_ref(), v.span(), text),
        })
        .collect()
}

fn from_de(v: &DeValue<'_>, span: Range<usize>, text: &str) -> Node {
    let raw = || text.get(span.clone()).unwrap_or("").replace('_', "");
    let kind = match v {
        DeValue::String(s) => Kind::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Kind::Int(n),
                Err(_) => Kind::Float(raw()),
            }
        }
        DeValue::Float(_) => Kind::Float(raw()),
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(d) => Kind::Datetime(*d),
        DeValue::Array(a) => {
            Kind::Array(a.iter().map(|x| from_de(x.get_ref(), x.span(), text)).collect())
        }
        DeValue::Table(t) => Kind::Table(table_entries(t, text)),
    };
    Node { span, kind }
}

/// A `toml::Value` whose nested positions are unknown: every node gets `span`. A float is
/// re-read from `text[span]` when that slice is the number itself.
pub(crate) fn from_value(v: &toml::Value, span: Range<usize>, text: &str) -> Node {
    let kind = match v {
        toml::Value::String(s) => Kind::Str(s.clone()),
        toml::Value::Integer(i) => Kind::Int(*i),
        toml::Value::Float(f) => {
            let raw = text.get(span.clone()).unwrap_or("").trim().replace('_', "");
            if raw.parse::<f64>().is_ok() { Kind::Float(raw) } else { Kind::Float(format!("{f}")) }
        }
        toml::Value::Boolean(b) => Kind::Bool(*b),
        toml::Value::Datetime(d) => Kind::Datetime(*d),
        toml::Value::Array(a) => {
            Kind::Array(a.iter().map(|x| from_value(x, span.clone(), text)).collect())
        }
        toml::Value::Table(t) => Kind::Table(
            t.iter()
                .map(|(k, x)| Entry {
                    key: k.clone(),
                    key_span: span.clone(),
                    node: from_value(x, span.clone(), text),
                })
                .collect(),
        ),
    };
    Node { span, kind }
}

/// The node of a top-level front matter key: from the re-parsed fragment when possible (full
/// spans), else from the given value (outer span only).
pub(crate) fn node_of(
    doc: Option<&Node>,
    key: &str,
    given: &toml::Spanned<toml::Value>,
    text: &str,
) -> Node {
    if let Some(n) = doc.and_then(|d| d.get(key)) {
        return n.clone();
    }
    from_value(given.get_ref(), given.span(), text)
}

/// A did-you-mean suggestion among `known` for an unknown `key`.
pub(crate) fn suggest(key: &str, known: &[&str]) -> Option<String> {
    known
        .iter()
        .map(|k| (strsim::normalized_damerau_levenshtein(key, k), *k))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.to_string())
}
