//! Reading a clerk's TOML past its mistakes, so one run shows all of them: site.toml and every
//! front matter go through [`read`], which differs between them only in its [`Rules`] (the
//! messages, the required keys and their stand-ins).
//!
//! A line with a syntax error is blanked (spaces, so every other position stays) and the rest
//! parsed again; unknown keys are reported and left out; a value of the wrong type is reported
//! and only that setting left out (the innermost one, so one bad value in `[notice]` does not
//! hide the table's other checks), then the rest read again. A required key that is missing or
//! wrong holds a stand-in, so the later stages can still check what depends on the rest; the
//! caller must not publish what came with errors.

use super::{Shape, schema};
use crate::diagnostic::{Diagnostic, Msg, Position, SourceText};
use crate::toml_syntax::{missing_field, syntax_diagnostics};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What differs between the files read by [`read`].
pub struct Rules<'r> {
    /// Names the table in unknown-key messages, e.g. `site.toml`; `None` for a front matter.
    pub context: Option<&'r str>,
    /// Top-level keys the file cannot do without.
    pub required: &'r [&'static str],
    /// The message for a syntax error, from the parser's text.
    pub syntax: fn(String) -> Msg,
    /// The message for a value serde refused, from serde's text.
    pub invalid: fn(String) -> Msg,
    /// The error for a required key that is not there at all.
    pub missing: fn(&SourceText, &'static str) -> Diagnostic,
    /// What stands in for a required key that is missing or wrong.
    pub stand_in: fn(&SourceText, &str) -> DeValue<'static>,
}

/// What [`read`] made of a file.
pub struct Lenient<T> {
    /// The value without the settings that were wrong; `None` when not even that could be made.
    pub value: Option<T>,
    /// Every problem found, in the order found.
    pub errors: Vec<Diagnostic>,
    /// Required keys that were missing or wrong and hold a stand-in in `value`.
    pub stand_ins: Vec<&'static str>,
    /// The TOML that was read: the file's, with each line that had a syntax error blanked.
    /// Positions are the file's, so spans found in it (e.g. [`super::key_span`]) point right.
    pub text: String,
}

/// How many TOML syntax errors of one file are looked for before giving up.
const MAX_SYNTAX_ERRORS: usize = 16;

/// How many wrong settings one read leaves out (each costs a deserialisation).
const MAX_DROPPED: usize = 64;

/// Reads `src`'s TOML into `T` past its mistakes (see the module docs).
pub fn read<T: DeserializeOwned + 'static>(src: &SourceText, rules: &Rules<'_>) -> Lenient<T> {
    let mut errors = Vec::new();
    let mut blanked = src.toml().to_string();
    let mut blanked_lines: Vec<String> = Vec::new();
    let mut round = 0;
    // Parsed once when right (nearly every file): a front matter is read 10,000 times a build.
    let parsed = loop {
        let e = match DeTable::parse(&blanked) {
            Ok(table) => break Some(table),
            Err(e) => e,
        };
        let span = e.span().unwrap_or(0..0);
        let parser = src.error_at(span.clone(), (rules.syntax)(e.message().to_string()));
        if round == 0 {
            errors.extend(syntax_diagnostics(src, parser));
        } else if !on_reported_line(&errors, &parser) {
            errors.push(parser);
        }
        round += 1;
        match blank_line(&mut blanked, span.start) {
            Some(line) if round < MAX_SYNTAX_ERRORS => blanked_lines.push(line),
            _ => break None,
        }
    };
    let mut out =
        Lenient { value: None, errors: Vec::new(), stand_ins: Vec::new(), text: String::new() };
    if let Some(mut table) = parsed {
        let shape = schema::<T>();
        errors.extend(super::check(table.get_ref(), shape, rules.context, src));
        let damaged = remove_unknown(table.get_mut(), shape);
        // Reported after the rest: where they are reported (e.g. line 1) is not where they are
        // wrong, so they must not hide an error found on that line.
        let missing: Vec<Diagnostic> = rules
            .required
            .iter()
            .filter(|key| !table.get_ref().contains_key(**key) && !on_lines(&blanked_lines, key))
            .map(|key| (rules.missing)(src, key))
            .collect();
        let mut reading =
            Reading { src, rules, errors: &mut errors, blanked_lines: &blanked_lines };
        out.value = reading.deserialize(&mut table, &mut out.stand_ins, damaged);
        errors.extend(missing);
    }
    out.errors = errors;
    out.text = blanked;
    out
}

/// What [`Reading::deserialize`] reads with.
struct Reading<'a, 'r> {
    src: &'a SourceText,
    rules: &'a Rules<'r>,
    errors: &'a mut Vec<Diagnostic>,
    /// The lines blanked for a syntax error: a key on one is there, only wrong, and that error
    /// says so.
    blanked_lines: &'a [String],
}

impl Reading<'_, '_> {
    /// Deserializes `table`, leaving out each setting serde refuses (and reporting it) until the rest
    /// reads. `damaged` are the top-level tables that lost a key already (an unknown one).
    fn deserialize<T: DeserializeOwned>(
        &mut self,
        table: &mut Spanned<DeTable<'_>>,
        stand_ins: &mut Vec<&'static str>,
        mut damaged: Vec<String>,
    ) -> Option<T> {
        let (src, rules) = (self.src, self.rules);
        let whole = table.span();
        // What was left out: serde then says it is missing, which was reported already.
        let mut dropped: Vec<String> = Vec::new();
        for _ in 0..MAX_DROPPED {
            for key in rules.required {
                if !table.get_ref().contains_key(*key) {
                    let value = Spanned::new(0..0, (rules.stand_in)(src, key));
                    table.get_mut().insert(Spanned::new(0..0, Cow::Borrowed(*key)), value);
                    stand_ins.push(key);
                }
            }
            let e = match T::deserialize(toml::de::Deserializer::from(table.clone())) {
                // Every wrong setting is reported now. A table that lost one is left out as a whole:
                // the checks of what is left in it would only echo the mistake (`dyas = 5` is not
                // also "the notice has no period").
                Ok(value) if damaged.is_empty() => return Some(value),
                Ok(_) => {
                    for key in damaged.drain(..) {
                        table.get_mut().remove(key.as_str());
                    }
                    continue;
                }
                Err(e) => e,
            };
            let message = (rules.invalid)(e.message().to_string());
            let Some(span) = e.span() else {
                // Nowhere to point and nothing to leave out: said, and the reading ends.
                self.report(src.error_at(0..0, message));
                return None;
            };
            let missing = missing_field(e.message());
            let invalid = src.error_at(span.clone(), message);
            let echo = |f: &str| dropped.iter().any(|d| d == f) || on_lines(self.blanked_lines, f);
            if span == whole {
                // A setting missing at the top that serde needs: a stand-in keeps the rest readable.
                let Some(field) = missing.map(str::to_string) else {
                    self.report(invalid);
                    return None;
                };
                if !echo(&field) {
                    self.report(invalid);
                }
                let value = Spanned::new(span.clone(), (rules.stand_in)(src, &field));
                if table.get_mut().insert(Spanned::new(span, Cow::Owned(field)), value).is_some() {
                    return None;
                }
                continue;
            }
            let dropped_at = drop_setting_at(table.get_mut(), &span, true);
            let Some((key, path)) = dropped_at.and_then(|mut p| p.pop().map(|k| (k, p))) else {
                // Nothing holds the place, so nothing can be left out: said, and the reading ends.
                self.report(invalid);
                return None;
            };
            let top = path.first().unwrap_or(&key).clone();
            // A setting missing from a table that lost one already is most likely that one,
            // misspelt or wrong, and was reported as such.
            if !missing.is_some_and(|f| echo(f) || damaged.contains(&top)) {
                self.report(invalid);
            }
            // A stand-in serde refuses cannot be mended by another.
            if path.is_empty() && stand_ins.iter().any(|s| *s == key) {
                return None;
            }
            if !path.is_empty() {
                damaged.push(top);
            }
            dropped.push(key);
        }
        None
    }

    /// Adds `d` unless its line has an error already (the value of a line that could not be
    /// parsed, or an echo of one).
    fn report(&mut self, d: Diagnostic) {
        if !on_reported_line(self.errors, &d) {
            self.errors.push(d);
        }
    }
}

/// Whether one of `lines` sets `key`.
fn on_lines(lines: &[String], key: &str) -> bool {
    lines.iter().any(|l| {
        let l = l.trim_start().trim_start_matches(['"', '\'']);
        l.strip_prefix(key)
            .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    })
}

/// Removes the keys `shape` does not allow, at every depth ([`super::check`] reported them), and
/// returns the keys of `table` whose values lost one.
fn remove_unknown(table: &mut DeTable<'_>, shape: &Shape) -> Vec<String> {
    let mut damaged = Vec::new();
    let mut note = |k: &Spanned<Cow<'_, str>>, lost: bool| {
        if lost {
            damaged.push(k.get_ref().to_string());
        }
    };
    match *shape {
        Shape::Table(keys) => {
            let unknown: Vec<String> = table
                .keys()
                .map(|k| k.get_ref().to_string())
                .filter(|k| !keys.iter().any(|key| key.0 == k))
                .collect();
            for k in &unknown {
                table.remove(k.as_str());
            }
            for (k, v) in table.iter_mut() {
                if let Some(key) = keys.iter().find(|key| key.0 == k.get_ref()) {
                    note(k, remove_unknown_in(v.get_mut(), &key.1));
                }
            }
        }
        Shape::Map(inner) => {
            for (k, v) in table.iter_mut() {
                note(k, remove_unknown_in(v.get_mut(), inner));
            }
        }
        Shape::Value | Shape::Tables(_) => {}
    }
    damaged
}

/// [`remove_unknown`] in a value: whether it lost a key, its own or deeper down.
fn remove_unknown_in(value: &mut DeValue<'_>, shape: &Shape) -> bool {
    let in_table = |t: &mut DeTable<'_>, shape: &Shape| {
        let before = t.len();
        let damaged = remove_unknown(t, shape);
        t.len() != before || !damaged.is_empty()
    };
    match (shape, value) {
        (Shape::Table(_) | Shape::Map(_), DeValue::Table(t)) => in_table(t, shape),
        (Shape::Tables(keys), DeValue::Array(items)) => {
            let mut any = false;
            for item in items.iter_mut() {
                if let DeValue::Table(t) = item.get_mut() {
                    any |= in_table(t, &Shape::Table(keys));
                }
            }
            any
        }
        _ => false,
    }
}

/// Removes the innermost setting whose text holds `span` and returns its path (top-level key
/// first); tables and arrays of tables are searched first, because a `[table]`'s own span is its
/// header only. At the top, a span in no setting belongs to the last key before it (a table's
/// settings follow its header). `None` when there is nothing to leave out.
fn drop_setting_at(table: &mut DeTable<'_>, span: &Range<usize>, top: bool) -> Option<Vec<String>> {
    let holds = |s: Range<usize>| s.start <= span.start && span.end <= s.end;
    let mut hit = None;
    for (key, value) in table.iter_mut() {
        let inner = match value.get_mut() {
            DeValue::Table(t) => drop_setting_at(t, span, false),
            DeValue::Array(items) => items.iter_mut().find_map(|item| match item.get_mut() {
                DeValue::Table(t) => drop_setting_at(t, span, false),
                _ => None,
            }),
            _ => None,
        };
        if let Some(mut path) = inner {
            path.insert(0, key.get_ref().to_string());
            return Some(path);
        }
        if hit.is_none() && (holds(value.span()) || holds(key.span())) {
            hit = Some(key.get_ref().to_string());
        }
    }
    if hit.is_none() && top {
        hit = table
            .iter()
            .filter(|(k, _)| k.span().start <= span.start && k.span() != (0..0))
            .max_by_key(|(k, _)| k.span().start)
            .map(|(k, _)| k.get_ref().to_string());
    }
    let key = hit?;
    table.remove(key.as_str()).map(|_| vec![key])
}

/// Whether `d` is on a line some diagnostic in `ds` already points at.
fn on_reported_line(ds: &[Diagnostic], d: &Diagnostic) -> bool {
    let line = |d: &Diagnostic| match d.position {
        Position::Text { line, .. } => Some(line),
        _ => None,
    };
    line(d).is_some() && ds.iter().any(|o| line(o) == line(d))
}

/// Replaces the line of `text` holding byte `at` with spaces (so no other position moves) and
/// returns what it held; `None` when it is blank already.
fn blank_line(text: &mut String, at: usize) -> Option<String> {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    let line = text[start..end].to_string();
    if line.trim().is_empty() {
        return None;
    }
    let spaces = " ".repeat(end - start);
    text.replace_range(start..end, &spaces);
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        title: String,
        #[serde(default)]
        size: u32,
        notice: Option<Notice>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Notice {
        days: u32,
        count: Option<String>,
    }

    mod said {
        // Only the texts are used here, not the catalogue.
        #![allow(dead_code)]
        crate::messages! {
            pub enum Said {
                Syntax(m: String) = "test.syntax", zh: "语法 {m}", en: "syntax: {m}";
                Invalid(m: String) = "test.invalid", zh: "值 {m}", en: "invalid: {m}";
                Missing(k: &'static str) = "test.missing", zh: "缺少 {k}", en: "missing {k}";
            }
        }
    }
    use said::Said;

    const RULES: Rules<'static> = Rules {
        context: Some("x.toml"),
        required: &["title"],
        syntax: |m| Said::Syntax(m).into(),
        invalid: |m| Said::Invalid(m).into(),
        missing: |src, key| src.error_at(0..0, Said::Missing(key)),
        stand_in: |_, _| DeValue::String("?".into()),
    };

    fn run(text: &str) -> (Option<Doc>, Vec<String>, Vec<&'static str>) {
        let src = SourceText::toml_file("x.toml", text);
        let l = read::<Doc>(&src, &RULES);
        let at = l
            .errors
            .iter()
            .map(|d| format!("{} {}", d.location(), d.message.en().split(':').next().unwrap_or("")))
            .collect();
        (l.value, at, l.stand_ins)
    }

    #[test]
    fn a_right_file_reads_as_it_is() {
        let (doc, at, stand_ins) = run("title = \"a\"\n[notice]\ndays = 5\n");
        assert!(at.is_empty() && stand_ins.is_empty(), "{at:?}");
        let notice = doc.and_then(|d| d.notice).expect("the notice is read");
        assert_eq!((notice.days, notice.count), (5, None));
    }

    #[test]
    fn every_wrong_value_of_a_table_is_reported_and_the_table_left_out() {
        let (doc, mut at, _) = run("title = \"a\"\n[notice]\ndays = \"五\"\ncount = 5\n");
        at.sort();
        assert_eq!(at, ["x.toml:3:8 invalid", "x.toml:4:9 invalid"]);
        let doc = doc.expect("the rest is read");
        assert_eq!(doc.title, "a");
        // Its checks would only echo the mistakes ("the notice has no days").
        assert!(doc.notice.is_none());
    }

    #[test]
    fn an_unknown_key_is_reported_once_and_its_table_left_out() {
        let (doc, at, _) = run("title = \"a\"\nsize = 3\n[notice]\ndyas = 5\n");
        assert_eq!(at.len(), 1, "{at:?}");
        assert!(at[0].starts_with("x.toml:4:1"), "{at:?}");
        let doc = doc.expect("the rest is read");
        assert_eq!(doc.size, 3);
        assert!(doc.notice.is_none());
    }

    #[test]
    fn a_key_on_a_line_with_a_syntax_error_is_not_also_missing() {
        let (doc, at, stand_ins) = run("title = “a”\nsize = ＝\n[notice]\ndays = 'x\n");
        assert!(at.iter().all(|a| !a.contains("missing title")), "{at:?}");
        assert_eq!(
            at.iter().map(|a| &a[..8]).collect::<Vec<_>>(),
            ["x.toml:1", "x.toml:2", "x.toml:4"]
        );
        assert_eq!(stand_ins, ["title"]);
        assert_eq!(doc.expect("a stand-in keeps it readable").title, "?");
    }

    #[test]
    fn a_missing_required_key_is_reported_once_and_stood_in() {
        let (doc, at, stand_ins) = run("size = \"big\"\n");
        assert_eq!(at, ["x.toml:1:8 invalid", "x.toml:1:1 missing title"]);
        assert_eq!(stand_ins, ["title"]);
        assert_eq!(doc.map(|d| d.size), Some(0));
    }
}
