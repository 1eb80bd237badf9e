//! Unknown-key checks for TOML written by clerks (site.toml, front matter).
//!
//! serde's `deny_unknown_fields` stops at the first unknown key and gives no suggestion. A typo
//! such as `titel` must never be silently ignored, so every table is walked against a schema
//! first: each unknown key is reported at its own line with a did-you-mean suggestion. The schema
//! is the serde struct itself, read by [`probe`] ([`schema`]).

mod lenient;
mod probe;

pub use lenient::{Lenient, Rules, read};
pub use probe::schema;

use crate::diagnostic::{Diagnostic, SourceText};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What may stand under a key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Any value; not checked further here.
    Value,
    /// A table with these keys.
    Table(&'static [Key]),
    /// An array of tables, each with these keys.
    Tables(&'static [Key]),
    /// A table whose keys are free (names chosen by the user), each holding this shape.
    Map(&'static Shape),
}

/// One allowed key and the shape of its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key(pub &'static str, pub Shape);

crate::messages! {
    pub struct UnknownKey {
        pub key: String,
        /// Where the key stands, e.g. `site.toml` or `[notice]`; `None` for a posting's front
        /// matter, named in each language.
        pub context: Option<String>,
        pub suggestion: Option<String>,
        pub allowed: Vec<&'static str>,
    } = "toml.unknown-key",
        zh: {
            let context = context.as_deref().unwrap_or("开头的设置（+++ 之间）");
            // A space sets `site.toml` or `[notice]` apart from the Chinese, not a full-width ）.
            let gap = if context.ends_with(|c: char| c.is_ascii()) { " " } else { "" };
            let mut s = format!("{context}{gap}中没有 `{key}` 这个设置项");
            match suggestion {
                Some(sug) => s.push_str(&format!("，你是不是想写 `{sug}`？")),
                None => s.push_str(&format!("。可用的设置项：{}", allowed.join("、"))),
            }
            s
        },
        en: {
            let context = context.as_deref().unwrap_or("the front matter");
            let mut s = format!("unknown key `{key}` in {context}");
            match suggestion {
                Some(sug) => s.push_str(&format!("; did you mean `{sug}`?")),
                None => s.push_str(&format!("; allowed keys: {}", allowed.join(", "))),
            }
            s
        };
}

/// The closest allowed name to `key`, if it is close enough to be a plausible typo.
pub fn suggest<'a>(key: &str, allowed: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = key.to_lowercase();
    allowed
        .into_iter()
        .map(|cand| (strsim::damerau_levenshtein(&lower, cand), cand))
        .filter(|(dist, cand)| *dist <= 2.max(cand.chars().count() / 3) && *dist < cand.len())
        .min_by_key(|(dist, cand)| (*dist, *cand))
        .map(|(_, cand)| cand.to_string())
}

/// Checks every key of `table` (recursively) against `schema`, normally [`schema`]`::<T>()` of the
/// struct the table is read into; `context` names the table (`None` for a posting's front
/// matter, which messages name in the reader's language).
pub fn check(
    table: &DeTable<'_>,
    schema: &Shape,
    context: Option<&str>,
    src: &SourceText,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // "" stands for the front matter below; its sub-tables are named `[key]` like any other.
    let context = context.unwrap_or("");
    match *schema {
        Shape::Table(keys) => check_table(table, keys, context, src, &mut out),
        Shape::Map(inner) => {
            for (k, v) in table.iter() {
                check_value(v, *inner, &child_context(context, k.get_ref()), src, &mut out);
            }
        }
        // Not a struct (a flattened one in a release build): nothing to check against.
        Shape::Value | Shape::Tables(_) => {}
    }
    // The parsed table does not keep document order; report top to bottom.
    out.sort_by(|a, b| a.position.cmp(&b.position));
    out
}

fn check_table(
    table: &DeTable<'_>,
    keys: &'static [Key],
    context: &str,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) {
    for (k, v) in table.iter() {
        let name: &str = k.get_ref();
        match keys.iter().find(|key| key.0 == name) {
            Some(key) => check_value(v, key.1, &child_context(context, name), src, out),
            None => {
                let allowed: Vec<&'static str> = keys.iter().map(|k| k.0).collect();
                let suggestion = suggest(name, allowed.iter().copied());
                out.push(src.error_at(
                    k.span(),
                    UnknownKey {
                        key: name.to_string(),
                        context: (!context.is_empty()).then(|| context.to_string()),
                        suggestion,
                        allowed,
                    },
                ));
            }
        }
    }
}

fn check_value(
    v: &Spanned<DeValue<'_>>,
    shape: Shape,
    context: &str,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) {
    match (shape, v.get_ref()) {
        (Shape::Table(keys), DeValue::Table(t)) => check_table(t, keys, context, src, out),
        (Shape::Tables(keys), DeValue::Array(items)) => {
            for item in items.iter() {
                if let DeValue::Table(t) = item.get_ref() {
                    check_table(t, keys, context, src, out);
                }
            }
        }
        (Shape::Map(inner), DeValue::Table(t)) => {
            for (k, v) in t.iter() {
                check_value(v, *inner, &child_context(context, k.get_ref()), src, out);
            }
        }
        // Wrong types are reported by serde with their own position.
        _ => {}
    }
}

fn child_context(parent: &str, key: &str) -> String {
    let parent = parent.trim_start_matches('[').trim_end_matches(']');
    if parent.is_empty() || parent.ends_with(".toml") || parent.contains(' ') {
        format!("[{key}]")
    } else {
        format!("[{parent}.{key}]")
    }
}

/// Finds the span of `key` (a dotted path such as `notice.days`) in the parsed table.
pub fn key_span(table: &DeTable<'_>, path: &[&str]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = path.split_first()?;
    let (k, v) = table.iter().find(|(k, _)| k.get_ref() == first)?;
    if rest.is_empty() {
        return Some(k.span());
    }
    match v.get_ref() {
        DeValue::Table(t) => key_span(t, rest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INNER: &[Key] = &[Key("days", Shape::Value), Key("count", Shape::Value)];
    const KEYS: &[Key] = &[
        Key("title", Shape::Value),
        Key("date", Shape::Value),
        Key("notice", Shape::Table(INNER)),
        Key("attachments", Shape::Tables(&[Key("file", Shape::Value)])),
    ];

    fn run(text: &str) -> Vec<String> {
        let src = SourceText::toml_file("x.toml", text);
        let table = DeTable::parse(text).unwrap();
        check(table.get_ref(), &Shape::Table(KEYS), Some("front matter"), &src)
            .iter()
            .map(|d| d.render(crate::diagnostic::Lang::En).lines().next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn typo_gets_a_suggestion_at_its_line() {
        let out = run("title = \"a\"\ntitel = \"b\"\n");
        assert_eq!(
            out,
            ["x.toml:2:1: error: unknown key `titel` in front matter; did you mean `title`?"]
        );
    }

    #[test]
    fn nested_tables_and_arrays_are_checked() {
        let out =
            run("[notice]\ndays = 5\ncuont = \"working\"\n[[attachments]]\nfiel = \"a.pdf\"\n");
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0].contains("x.toml:3:1") && out[0].contains("`count`"), "{out:?}");
        assert!(out[1].contains("x.toml:5:1") && out[1].contains("`file`"), "{out:?}");
    }

    #[test]
    fn the_message_is_data_and_names_the_front_matter_in_each_language() {
        let text = "title = \"a\"\n[notice]\ndyas = 5\n";
        let src = SourceText::new("content/a.md", format!("+++\n{text}+++\n"), 4, 4 + text.len());
        let table = DeTable::parse(src.toml()).unwrap();
        let d = check(table.get_ref(), &Shape::Table(KEYS), None, &src);
        let unknown =
            |key: &str, context: Option<&str>, suggestion: &str, allowed: &[&'static str]| {
                crate::diagnostic::Msg::from(UnknownKey {
                    key: key.into(),
                    context: context.map(String::from),
                    suggestion: Some(suggestion.into()),
                    allowed: allowed.to_vec(),
                })
            };
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, unknown("dyas", Some("[notice]"), "days", &["days", "count"]));
        // Top-level keys of the front matter: the language is chosen when the message is shown.
        let top = check(
            DeTable::parse("titel = 1\n").unwrap().get_ref(),
            &Shape::Table(KEYS),
            None,
            &src,
        );
        assert_eq!(
            top[0].message.zh(),
            "开头的设置（+++ 之间）中没有 `titel` 这个设置项，你是不是想写 `title`？"
        );
        assert_eq!(
            top[0].message.en(),
            "unknown key `titel` in the front matter; did you mean `title`?"
        );
    }

    #[test]
    fn unrelated_key_lists_allowed_keys() {
        let out = run("zzzzzz = 1\n");
        assert!(out[0].contains("allowed keys: title, date"), "{out:?}");
    }
}
