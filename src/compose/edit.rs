//! Changing the front matter of a posting the clerk may also edit by hand: `toml_edit` keeps
//! every comment, blank line and the key order, so only the changed value changes. A key written
//! as a comment (`# draft = true   # 草稿…`, as the README and [`super::write`] leave optional
//! keys) is uncommented in place rather than added a second time elsewhere; a trailing comment
//! stays in its column when the value's width changes; a new table goes before the
//! `[[signoff]]` records, which the README wants last.

use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

use super::{ComposeError, FieldError};
use crate::diagnostic::display_width;
use crate::frontmatter;

/// One step of a key path: `notice`, or `signoff[1]`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Step<'a> {
    name: &'a str,
    index: Option<usize>,
}

fn path_of(key: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let part = part.trim();
        let (name, index) = match part.strip_suffix(']').and_then(|p| p.split_once('[')) {
            Some((n, i)) => (n, Some(i.trim().parse::<usize>().ok()?)),
            None => (part, None),
        };
        let bare = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !bare {
            return None;
        }
        out.push(Step { name, index });
    }
    // The last step names a key, never an entry of an array of tables.
    if out.last().is_none_or(|s| s.index.is_some()) {
        return None;
    }
    Some(out)
}

fn bad_key(key: &str) -> FieldError {
    FieldError::new(key, &ComposeError::BadKey { key: key.to_string() })
}

/// The front matter of `text` as a document, and where it is.
fn open(text: &str) -> Result<(frontmatter::Split, DocumentMut), FieldError> {
    let fm = |detail: String| FieldError::new("", &ComposeError::FrontMatter { detail });
    let split = frontmatter::split(text).map_err(|e| fm(e.to_string()))?;
    let doc = text[split.toml_start..split.toml_end]
        .parse::<DocumentMut>()
        .map_err(|e| fm(e.message().to_string()))?;
    Ok((split, doc))
}

fn reassemble(text: &str, split: &frontmatter::Split, toml: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    out.push_str(&text[..split.toml_start]);
    // A file saved by Notepad keeps its CRLF line ends: the lines toml_edit writes get them too.
    let crlf = text[split.toml_start..split.toml_end].contains("\r\n");
    if crlf {
        out.push_str(&toml.replace("\r\n", "\n").replace('\n', "\r\n"));
    } else {
        out.push_str(toml);
    }
    if !toml.is_empty() && !toml.ends_with('\n') {
        out.push_str(if crlf { "\r\n" } else { "\n" });
    }
    out.push_str(&text[split.toml_end..]);
    out
}

/// The document position just before the first `[[signoff]]`, for a new table.
fn before_signoff(doc: &DocumentMut) -> Option<isize> {
    let aot = doc.get("signoff")?.as_array_of_tables()?;
    aot.iter().filter_map(Table::position).min().map(|p| p - 1)
}

/// The table that holds the last step of `path`, created (as `[name]`) where missing.
fn parent<'a>(
    doc: &'a mut DocumentMut,
    path: &[Step<'_>],
    create: bool,
) -> Result<Option<&'a mut dyn TableLike>, ()> {
    let position = before_signoff(doc);
    let mut table: &mut dyn TableLike = doc.as_table_mut();
    for step in &path[..path.len() - 1] {
        if !table.contains_key(step.name) {
            if !create || step.index.is_some() {
                return Ok(None);
            }
            let mut t = Table::new();
            t.decor_mut().set_prefix("\n");
            t.set_position(position);
            table.insert(step.name, Item::Table(t));
        }
        let item = table.get_mut(step.name).ok_or(())?;
        table = match (item, step.index) {
            (Item::ArrayOfTables(aot), Some(i)) => match aot.get_mut(i) {
                Some(t) => t,
                None => return Ok(None),
            },
            (item, None) => item.as_table_like_mut().ok_or(())?,
            _ => return Err(()),
        };
    }
    Ok(Some(table))
}

/// The value's text without its surrounding spaces and comment.
fn bare(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
}

/// Sets each `(key, value)` in the front matter of the posting `text` and returns the new text;
/// the body and everything else in the front matter stay byte for byte. `key` is a path such as
/// `title`, `notice.days` or `signoff[0].date`; `value` is TOML: `"文字"`, `2026-10-09`, `5`,
/// `["村道", "修路"]`.
pub fn set_keys(text: &str, changes: &[(&str, &str)]) -> Result<String, FieldError> {
    let mut text = text.to_string();
    for (key, raw) in changes {
        text = set_one(&text, key, raw)?;
    }
    Ok(text)
}

fn set_one(text: &str, key: &str, raw: &str) -> Result<String, FieldError> {
    let path = path_of(key).ok_or_else(|| bad_key(key))?;
    let mut value = raw.trim().parse::<Value>().map_err(|e| {
        let detail = e.to_string().lines().last().unwrap_or("").trim().to_string();
        FieldError::new(
            key,
            &ComposeError::BadValue { key: key.to_string(), value: raw.to_string(), detail },
        )
    })?;
    let (split, mut doc) = open(text)?;
    let last = path[path.len() - 1].name;
    let exists = match parent(&mut doc, &path, false) {
        Err(()) => return Err(bad_key(key)),
        Ok(t) => t.is_some_and(|t| t.contains_key(last)),
    };
    if !exists && let Some(done) = uncomment(text, &split, &path, &value) {
        return Ok(done);
    }
    let table = match parent(&mut doc, &path, true) {
        Ok(Some(t)) => t,
        _ => return Err(bad_key(key)),
    };
    match table.get_mut(last) {
        Some(Item::Value(old)) => {
            // Keep the spaces and the comment after the old value, the comment in its column.
            let decor = old.decor().clone();
            let old_w = display_width(&bare(old));
            let new_w = display_width(&bare(&value));
            *value.decor_mut() = decor;
            if let Some(suffix) = value.decor().suffix().and_then(|s| s.as_str()).map(String::from)
            {
                let rest = suffix.trim_start_matches([' ', '\t']);
                if rest.starts_with('#') {
                    let spaces = suffix.len() - rest.len();
                    let column = old_w + spaces;
                    let pad = if new_w + 2 <= column { column - new_w } else { 2 };
                    value.decor_mut().set_suffix(format!("{}{rest}", " ".repeat(pad)));
                }
            }
            *old = value;
        }
        Some(_) => return Err(bad_key(key)),
        None => {
            table.insert(last, Item::Value(value));
        }
    }
    Ok(reassemble(text, &split, &doc.to_string()))
}

/// Turns a commented-out `# key = …   # 说明` line of the right table into `key = value   # 说明`.
fn uncomment(
    text: &str,
    split: &frontmatter::Split,
    path: &[Step<'_>],
    value: &Value,
) -> Option<String> {
    // Only plain tables can be found by their header line.
    if path.iter().any(|s| s.index.is_some()) {
        return None;
    }
    let want_table: Vec<&str> = path[..path.len() - 1].iter().map(|s| s.name).collect();
    let key = path[path.len() - 1].name;
    let toml = &text[split.toml_start..split.toml_end];
    let mut table: Vec<String> = Vec::new();
    let mut offset = split.toml_start;
    for line in toml.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim();
        if t.starts_with('[') {
            let name = t.trim_start_matches('[').split(']').next().unwrap_or("");
            table = name.split('.').map(|s| s.trim().to_string()).collect();
            continue;
        }
        if table != want_table {
            continue;
        }
        let Some(inner) = t.strip_prefix('#') else { continue };
        let inner = inner.trim_start();
        let Ok(doc) = inner.parse::<DocumentMut>() else { continue };
        let Some((k, Item::Value(v))) = doc.as_table().iter().next() else { continue };
        if k != key || doc.as_table().len() != 1 {
            continue;
        }
        let comment = v.decor().suffix().and_then(|s| s.as_str()).unwrap_or("").trim();
        let lead = &line[..line.len() - line.trim_start().len()];
        let code = format!("{lead}{key} = {}", bare(value));
        let mut new_line = code.clone();
        if comment.starts_with('#') {
            // The comment's column as the commented line had it.
            let hash = line.rfind(comment).unwrap_or(line.len());
            let column = display_width(&line[..hash]);
            let w = display_width(&code);
            let pad = if w + 2 <= column { column - w } else { 2 };
            new_line.push_str(&" ".repeat(pad));
            new_line.push_str(comment);
        }
        if line.ends_with("\r\n") {
            new_line.push_str("\r\n");
        } else if line.ends_with('\n') {
            new_line.push('\n');
        }
        let mut out = String::with_capacity(text.len() + 8);
        out.push_str(&text[..start]);
        out.push_str(&new_line);
        out.push_str(&text[start + line.len()..]);
        return Some(out);
    }
    None
}

/// Removes `key` (a path as in [`set_keys`]; a table or all `[[signoff]]` records when it names
/// one) from the front matter of `text`. A value is removed with its line only: comment lines
/// above it and everything else stay byte for byte. Removing a key that is not there changes
/// nothing.
pub fn remove_key(text: &str, key: &str) -> Result<String, FieldError> {
    let path = path_of(key).ok_or_else(|| bad_key(key))?;
    let (split, mut doc) = open(text)?;
    let toml = &text[split.toml_start..split.toml_end];
    let last = path[path.len() - 1].name;
    // The parsed document (with spans) finds the value's line.
    let spanned = toml_edit::Document::parse(toml).map_err(|e| {
        FieldError::new("", &ComposeError::FrontMatter { detail: e.message().to_string() })
    })?;
    let mut table: &dyn TableLike = spanned.as_table();
    for step in &path[..path.len() - 1] {
        let Some(item) = table.get(step.name) else { return Ok(text.to_string()) };
        table = match (item, step.index) {
            (Item::ArrayOfTables(aot), Some(i)) => match aot.get(i) {
                Some(t) => t,
                None => return Ok(text.to_string()),
            },
            (item, None) => item.as_table_like().ok_or_else(|| bad_key(key))?,
            _ => return Err(bad_key(key)),
        };
    }
    let Some(item) = table.get(last) else { return Ok(text.to_string()) };
    if let Item::Value(v) = item
        && let (Some(ks), Some(vs)) = (table.key(last).and_then(|k| k.span()), v.span())
    {
        let line_start = toml[..ks.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
        if toml[line_start..ks.start].trim().is_empty() {
            let line_end = toml[vs.end..].find('\n').map(|i| vs.end + i + 1).unwrap_or(toml.len());
            let kept = format!("{}{}", &toml[..line_start], &toml[line_end..]);
            return Ok(reassemble(text, &split, &kept));
        }
    }
    // A table, the records of an array of tables, or a key inside an inline table.
    if let Ok(Some(t)) = parent(&mut doc, &path, false) {
        t.remove(last);
    }
    Ok(reassemble(text, &split, &doc.to_string()))
}

/// Takes the record of `file` (as written in `file = "…"`, relative to the posting) out of the
/// front matter's `attachments` (`[[attachments]]` tables or an inline array), the key itself
/// when it was the last one. `None` when no record names `file`; the rest stays as written.
pub fn remove_attachment(text: &str, file: &str) -> Result<Option<String>, FieldError> {
    let (split, mut doc) = open(text)?;
    let same = |t: Option<&toml_edit::Item>| {
        t.and_then(|v| v.as_str()).map(|f| f.trim_start_matches("./")) == Some(file)
    };
    let empty = match doc.get_mut("attachments") {
        Some(Item::ArrayOfTables(aot)) => {
            let Some(i) = aot.iter().position(|t| same(t.get("file"))) else { return Ok(None) };
            aot.remove(i);
            aot.is_empty()
        }
        Some(Item::Value(Value::Array(arr))) => {
            let at = arr.iter().position(|v| {
                v.as_inline_table()
                    .and_then(|t| t.get("file"))
                    .and_then(|f| f.as_str())
                    .map(|f| f.trim_start_matches("./"))
                    == Some(file)
            });
            let Some(i) = at else { return Ok(None) };
            arr.remove(i);
            // The new first element loses the space that followed the comma.
            if i == 0
                && let Some(first) = arr.get_mut(0)
            {
                first.decor_mut().set_prefix("");
            }
            arr.is_empty()
        }
        _ => return Ok(None),
    };
    if empty {
        doc.remove("attachments");
    }
    Ok(Some(reassemble(text, &split, &doc.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_attachment_record_goes_and_the_rest_stays() {
        let text = "+++\ntitle = \"名单\" # 标题\n\n[[attachments]]\nfile = \"a.csv\"\nlabel = \"甲\"\n\n[[attachments]]\nfile = \"b.pdf\"\n+++\n\n正文\n";
        let out = remove_attachment(text, "a.csv").unwrap().unwrap();
        assert_eq!(
            out,
            "+++\ntitle = \"名单\" # 标题\n\n[[attachments]]\nfile = \"b.pdf\"\n+++\n\n正文\n"
        );
        let out = remove_attachment(&out, "b.pdf").unwrap().unwrap();
        assert_eq!(out, "+++\ntitle = \"名单\" # 标题\n+++\n\n正文\n");
        assert_eq!(remove_attachment(&out, "b.pdf").unwrap(), None);
        let inline = "+++\nattachments = [{ file = \"./a.csv\" }, { file = \"b.pdf\" }]\n+++\n";
        let out = remove_attachment(inline, "a.csv").unwrap().unwrap();
        assert_eq!(out, "+++\nattachments = [{ file = \"b.pdf\" }]\n+++\n");
    }

    #[test]
    fn key_paths() {
        assert_eq!(path_of("notice.days").map(|p| p.len()), Some(2));
        assert_eq!(
            path_of("signoff[1].date").map(|p| p[0].clone()),
            Some(Step { name: "signoff", index: Some(1) })
        );
        assert!(path_of("signoff[1]").is_none());
        assert!(path_of("").is_none());
        assert!(path_of("a..b").is_none());
        assert!(path_of("标题").is_none());
    }
}
