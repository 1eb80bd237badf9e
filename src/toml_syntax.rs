//! Help for TOML a clerk typed by hand, shared by site.toml and every posting's front matter:
//! the toml crate's English messages in plain Chinese, and the mistakes clerks make most
//! (full-width quotes and signs, dates written 2026.10.9 or 2026年10月9日, an unclosed string)
//! found by scanning the text when the parser fails, each with the line as it should be typed.
//! It sits below `config` and `frontmatter` so neither has to import the other for it.

use crate::diagnostic::{Diagnostic, SourceText};

/// Turns the toml crate's English messages into plain Chinese for the common cases, keeping the
/// original text in brackets for the rest.
pub fn toml_message_zh(msg: &str) -> String {
    let m = msg.trim();
    if m.contains(crate::date::BAD_DATE) || m.contains("invalid date") {
        return "日期写得不对，请写成 2026-10-08 这样的格式，并检查月份和日子是否存在".into();
    }
    if let Some(rest) = m.strip_prefix("duplicate key") {
        return format!("同一个设置项写了两次{rest}，请删去一个");
    }
    if let Some(field) = missing_field(m) {
        return format!("缺少必须填写的设置项 {field}，请加上一行 {field} = ……（按说明填写）");
    }
    // serde's enums: `paper = "B5"`, or a table where a name belongs.
    if let Some(rest) = m.strip_prefix("unknown variant `")
        && let Some((given, expected)) = rest.split_once('`')
    {
        let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return format!("没有 `{given}` 这个选项，请写成其中之一：{}", names.join("、"));
    }
    if m.contains("wanted exactly 1 element") {
        return format!(
            "这里应写一个选项的名字，用英文双引号括起来，不能写成大括号 {{ … }} 里的一组设置（{m}）"
        );
    }
    if m.contains("invalid type") {
        if m.contains("expected a string") {
            return format!("这里应写文字，并用英文双引号括起来，例如 \"……\"（{m}）");
        }
        if m.contains("expected a boolean") {
            return format!("这里应写 true（是）或 false（否）（{m}）");
        }
        // serde names Rust's number types; a clerk needs "a number, no quotes".
        let whole = ["usize", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "isize"];
        match m.rsplit_once("expected ").map(|(_, ty)| ty.trim()) {
            Some(ty) if whole.contains(&ty) => {
                return format!("这里应写一个整数，不加引号，例如 20（{m}）");
            }
            Some("f64" | "f32") => return format!("这里应写一个数，不加引号，例如 1.5（{m}）"),
            _ => {}
        }
        // A struct's `expecting` names an example table (e.g. year_to_date_carried).
        if let Some((_, example)) = m.split_once("expected a table such as ") {
            return format!("这里应写成用大括号括起来的一组设置，例如 {example}（{m}）");
        }
        return format!("值的类型不对（{m}）");
    }
    if m.contains("string") && (m.contains("unterminated") || m.contains("missing")) {
        return format!("文字缺少结尾的英文双引号 \"（{m}）");
    }
    if m.contains("invalid unquoted key") {
        return format!(
            "设置项的名称如果是中文或含有空格，要用英文双引号括起来，例如 \"日期\" = 2026-04-02（{m}）"
        );
    }
    if m.contains("key with no value") || m.contains("expected `=`") {
        return format!("每一行要写成 键 = 值，例如 title = \"标题\"（{m}）");
    }
    if m.contains("invalid") && m.contains("string") {
        return format!("文字要用英文双引号 \" 括起来，不能用中文引号“”（{m}）");
    }
    format!("TOML 格式错误（{m}）")
}

/// The setting serde's "missing field `x`" names.
pub fn missing_field(msg: &str) -> Option<&str> {
    msg.trim().strip_prefix("missing field `")?.split_once('`').map(|(field, _)| field)
}

crate::messages! {
    /// A TOML mistake a clerk typically makes, found by scanning the text when the parser fails:
    /// the parser's own message ("invalid string", "expected `=`") does not say what to type.
    #[derive(Eq)]
    pub enum ClerkToml {
        /// Full-width quotes “ ” ‘ ’ around text instead of `"`.
        FullWidthQuote { chars: Vec<char>, fixed: String } = "toml.full-width-quote",
            zh: {
                format!(
                    "这里用了全角引号 {}，文字要用英文（半角）双引号 \" 括起来。请把这一行改成：{fixed}",
                    code_points(chars).0
                )
            },
            en: {
                format!(
                    "full-width quote {}: text must be enclosed in ASCII double quotes \"; write the line as: {fixed}",
                    code_points(chars).1
                )
            };
        /// Full-width ＝ or ： between a key and its value.
        FullWidthSign { ch: char, fixed: String } = "toml.full-width-sign",
            zh: {
                format!(
                    "这里用了全角{} {}，设置项和值之间要用英文（半角）等号 =。请把这一行改成：{fixed}",
                    if *ch == '＝' { "等号" } else { "冒号" },
                    code_point(*ch)
                )
            },
            en: {
                format!(
                    "full-width {} {}: put an ASCII = between the key and its value; write the line as: {fixed}",
                    if *ch == '＝' { "equals sign" } else { "colon" },
                    code_point(*ch)
                )
            };
        /// `2026.10.9`, `2026/10/9`, `2026年10月9日`, `2026-10-9`: a date the clerk meant.
        Date { written: String, iso: String, fixed: String } = "toml.date-format",
            zh: "日期要写成 年-月-日，用半角短横线 - 连接，月和日写两位数：请把 {written} 改成 {iso}，即：{fixed}",
            en: "a date is written year-month-day with - and two-digit month and day: write {iso} instead of {written}, i.e. {fixed}";
        /// The same, but the day does not exist (2026.2.30).
        NoSuchDate { written: String } = "toml.no-such-date",
            zh: "日期 {written} 不存在，请检查月份和日子，并写成 2026-10-08 这样的格式",
            en: "the date {written} does not exist; check the month and day and write it like 2026-10-08";
        /// A string opened with `"` and not closed on its line.
        UnclosedString { fixed: String } = "toml.unclosed-string",
            zh: "文字缺少结尾的英文双引号 \"：请在文字末尾加上 \"，把这一行改成：{fixed}",
            en: "the text is missing its closing double quote \"; add it at the end: {fixed}";
    }
}

pub(crate) fn code_point(c: char) -> String {
    format!("{c} (U+{:04X})", c as u32)
}

fn code_points(chars: &[char]) -> (String, String) {
    let list: Vec<String> = chars.iter().map(|c| code_point(*c)).collect();
    (list.join("、"), list.join(", "))
}

const FULL_WIDTH_QUOTES: [char; 4] = ['“', '”', '‘', '’'];

/// One mistake on a line: where (byte range in the line), what, and how to mend the line.
struct Found {
    at: std::ops::Range<usize>,
    kind: FoundKind,
    /// Byte range of the line to replace and the text to put there.
    fix: (std::ops::Range<usize>, String),
}

enum FoundKind {
    Quote(char),
    Sign(char),
    Date { written: String, iso: Option<String> },
    Unclosed,
}

/// Scans one line outside strings. `multiline` carries an open `"""`/`'''` string across lines.
fn scan_line(line: &str, multiline: &mut Option<&'static str>) -> Vec<Found> {
    let mut found = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    if let Some(close) = *multiline {
        match line.find(close) {
            Some(p) => {
                *multiline = None;
                i = p + 3;
            }
            None => return found,
        }
    }
    while i < line.len() {
        let Some(c) = line[i..].chars().next() else { break };
        let next = i + c.len_utf8();
        match c {
            '#' => break,
            '"' | '\'' => {
                let triple = if c == '"' { "\"\"\"" } else { "'''" };
                if line[i..].starts_with(triple) {
                    match line[i + 3..].find(triple) {
                        Some(p) => i = i + 3 + p + 3,
                        None => {
                            *multiline = Some(triple);
                            break;
                        }
                    }
                    continue;
                }
                // A one-line string: find its end (basic strings honour backslash escapes).
                let mut j = next;
                let mut closed = false;
                while j < line.len() {
                    if c == '"' && b[j] == b'\\' {
                        j += 2;
                        continue;
                    }
                    if b[j] == c as u8 {
                        closed = true;
                        break;
                    }
                    j += 1;
                }
                if closed {
                    i = j + 1;
                    continue;
                }
                let content = line[next..].trim_end_matches([' ', '\t', '\r', '\u{3000}']);
                let end = next + content.len();
                // `"关于修路”`: the clerk closed with a full-width quote.
                if let Some(last) = content.chars().last().filter(|l| FULL_WIDTH_QUOTES.contains(l))
                {
                    let at = end - last.len_utf8()..end;
                    found.push(Found {
                        at: at.clone(),
                        kind: FoundKind::Quote(last),
                        fix: (at, c.to_string()),
                    });
                } else {
                    found.push(Found {
                        at: next.max(end)..next.max(end),
                        kind: FoundKind::Unclosed,
                        fix: (end..end, c.to_string()),
                    });
                }
                break;
            }
            q if FULL_WIDTH_QUOTES.contains(&q) => {
                found.push(Found {
                    at: i..next,
                    kind: FoundKind::Quote(q),
                    fix: (i..next, "\"".into()),
                });
                // The text up to the closing quote (full-width or not) is the clerk's string.
                let rest = &line[next..];
                match rest.find(|ch: char| ch == '"' || FULL_WIDTH_QUOTES.contains(&ch)) {
                    Some(p) => {
                        let close_at = next + p;
                        let close = rest[p..].chars().next().unwrap_or('"');
                        let close_end = close_at + close.len_utf8();
                        if close != '"' {
                            found.push(Found {
                                at: close_at..close_end,
                                kind: FoundKind::Quote(close),
                                fix: (close_at..close_end, "\"".into()),
                            });
                        }
                        i = close_end;
                    }
                    None => {
                        let end = next + rest.trim_end().len();
                        found.push(Found {
                            at: end..end,
                            kind: FoundKind::Unclosed,
                            fix: (end..end, "\"".into()),
                        });
                        break;
                    }
                }
                continue;
            }
            '＝' | '：' => {
                let is_space = |ch: char| ch == ' ' || ch == '\t' || ch == '\u{3000}';
                let start = line[..i].trim_end_matches(is_space).len();
                let end = line.len() - line[next..].trim_start_matches(is_space).len();
                found.push(Found {
                    at: i..next,
                    kind: FoundKind::Sign(c),
                    fix: (start..end, " = ".into()),
                });
            }
            '0'..='9' if i == 0 || !is_token_char(b[i - 1]) => {
                if let Some((len, written, iso, bad_at)) = clerk_date(&line[i..]) {
                    found.push(Found {
                        at: i + bad_at..i + len,
                        kind: FoundKind::Date { written, iso: iso.clone() },
                        fix: (i..i + len, iso.unwrap_or_else(|| line[i..i + len].to_string())),
                    });
                    i += len;
                    continue;
                }
                let run =
                    line[i..].find(|ch: char| !ch.is_ascii_alphanumeric() && !"-:._+".contains(ch));
                i += run.unwrap_or(line.len() - i).max(1);
                continue;
            }
            _ => {}
        }
        i = next;
    }
    found
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b':'
}

/// Recognises a date a clerk wrote the Chinese or dotted way at the start of `s`: returns its byte
/// length, the text, the ISO form (None if the day does not exist) and the byte offset of the
/// first character that makes it wrong. A correct TOML date (`2026-10-09`, with a time or not)
/// returns None.
pub(crate) fn clerk_date(s: &str) -> Option<(usize, String, Option<String>, usize)> {
    let digits = |from: usize, max: usize| -> usize {
        s[from..].bytes().take(max).take_while(u8::is_ascii_digit).count()
    };
    let y_len = digits(0, 5);
    if y_len != 4 {
        return None;
    }
    let sep1 = s[4..].chars().next()?;
    if !matches!(sep1, '.' | '/' | '-' | '年' | '．' | '／') {
        return None;
    }
    let m_at = 4 + sep1.len_utf8();
    let m_len = digits(m_at, 3);
    if !(1..=2).contains(&m_len) {
        return None;
    }
    let sep2_at = m_at + m_len;
    let sep2 = s[sep2_at..].chars().next()?;
    let expected = if sep1 == '年' { '月' } else { sep1 };
    if sep2 != expected {
        return None;
    }
    let d_at = sep2_at + sep2.len_utf8();
    let d_len = digits(d_at, 3);
    if !(1..=2).contains(&d_len) {
        return None;
    }
    let mut end = d_at + d_len;
    if sep1 == '年' && s[end..].starts_with('日') {
        end += '日'.len_utf8();
    }
    if s[end..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '.' || c == ':') {
        return None;
    }
    let bad_at = if sep1 != '-' {
        4
    } else if m_len != 2 {
        m_at
    } else if d_len != 2 {
        d_at
    } else {
        return None;
    };
    let y: i16 = s[..4].parse().ok()?;
    let m: i8 = s[m_at..m_at + m_len].parse().ok()?;
    let d: i8 = s[d_at..d_at + d_len].parse().ok()?;
    let iso = jiff::civil::Date::new(y, m, d).ok().map(crate::date::format_iso);
    Some((end, s[..end].to_string(), iso, bad_at))
}

/// Scans a TOML text (front matter or site.toml) for the mistakes in [`ClerkToml`], one
/// diagnostic per mistake with the caret on the offending character.
pub fn clerk_mistakes(src: &SourceText) -> Vec<Diagnostic> {
    let toml = src.toml();
    let mut out = Vec::new();
    let mut multiline = None;
    let mut line_start = 0;
    for raw in toml.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let found = scan_line(line, &mut multiline);
        if !found.is_empty() {
            let fixed = mend(line, &found);
            let span = |r: &std::ops::Range<usize>| line_start + r.start..line_start + r.end;
            let quotes: Vec<&Found> =
                found.iter().filter(|f| matches!(f.kind, FoundKind::Quote(_))).collect();
            if let Some(first) = quotes.first() {
                let mut chars: Vec<char> = Vec::new();
                for c in quotes.iter().filter_map(|f| match f.kind {
                    FoundKind::Quote(c) => Some(c),
                    _ => None,
                }) {
                    if !chars.contains(&c) {
                        chars.push(c);
                    }
                }
                out.push(src.error_at(
                    span(&first.at),
                    ClerkToml::FullWidthQuote { chars, fixed: fixed.clone() },
                ));
            }
            for f in &found {
                let msg = match &f.kind {
                    FoundKind::Quote(_) => continue,
                    // A full-width opening quote explains the missing closing one.
                    FoundKind::Unclosed if !quotes.is_empty() => continue,
                    FoundKind::Unclosed => ClerkToml::UnclosedString { fixed: fixed.clone() },
                    FoundKind::Sign(c) => ClerkToml::FullWidthSign { ch: *c, fixed: fixed.clone() },
                    FoundKind::Date { written, iso: Some(iso) } => ClerkToml::Date {
                        written: written.clone(),
                        iso: iso.clone(),
                        fixed: fixed.clone(),
                    },
                    FoundKind::Date { written, iso: None } => {
                        ClerkToml::NoSuchDate { written: written.clone() }
                    }
                };
                out.push(src.error_at(span(&f.at), msg));
            }
        }
        line_start += raw.len();
    }
    out
}

/// The line with every fix applied, trimmed, as the clerk should type it.
fn mend(line: &str, found: &[Found]) -> String {
    let mut fixes: Vec<&(std::ops::Range<usize>, String)> = found.iter().map(|f| &f.fix).collect();
    fixes.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::new();
    let mut pos = 0;
    for (r, text) in fixes {
        if r.start < pos {
            continue;
        }
        out.push_str(&line[pos..r.start]);
        out.push_str(text);
        pos = r.end;
    }
    out.push_str(&line[pos..]);
    out.trim().to_string()
}

/// The diagnostics for a TOML syntax error: the clerk mistakes found in the text, and the
/// parser's own (translated) message unless it is on a line a clerk mistake already explains.
pub fn syntax_diagnostics(src: &SourceText, parser: Diagnostic) -> Vec<Diagnostic> {
    let mut out = clerk_mistakes(src);
    let line_of = |d: &Diagnostic| match d.position {
        crate::diagnostic::Position::Text { line, .. } => Some(line),
        _ => None,
    };
    let parser_line = line_of(&parser);
    if !out.iter().any(|d| line_of(d) == parser_line) {
        out.push(parser);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    fn clerk(toml: &str) -> Vec<(String, String)> {
        let src = SourceText::toml_file("site.toml", toml);
        clerk_mistakes(&src)
            .iter()
            .map(|d| (d.location(), d.message.text(Lang::Zh).to_string()))
            .collect()
    }

    #[test]
    fn a_whole_number_expected_says_so_in_chinese() {
        let m = toml_message_zh("invalid type: string \"二十\", expected usize");
        assert!(m.starts_with("这里应写一个整数，不加引号"), "{m}");
        let m = toml_message_zh("invalid type: string \"x\", expected a string");
        assert!(!m.contains("整数"), "{m}");
    }

    #[test]
    fn a_table_expected_names_the_example_in_chinese() {
        let m = toml_message_zh(
            "invalid type: string \"9000\", expected a table such as { income = \"30,000.00\", expense = \"12,500.00\" }",
        );
        assert!(
            m.starts_with(
                "这里应写成用大括号括起来的一组设置，例如 { income = \"30,000.00\", expense = \"12,500.00\" }（"
            ),
            "{m}"
        );
    }

    #[test]
    fn a_missing_field_is_named_in_chinese() {
        let zh = toml_message_zh("missing field `base_url`");
        assert!(zh.contains("缺少必须填写的设置项 base_url") && !zh.contains("missing"), "{zh}");
    }

    #[test]
    fn clerk_dates_are_mended_to_iso() {
        assert_eq!(clerk_date("2026.10.9").map(|d| d.2), Some(Some("2026-10-09".into())));
        assert_eq!(
            clerk_date("2026年1月2日 ").map(|d| (d.0, d.3)),
            Some(("2026年1月2日".len(), 4))
        );
        assert_eq!(clerk_date("2026-10-09"), None);
        assert_eq!(clerk_date("2026-10-09T08:00:00"), None);
        assert_eq!(clerk_date("2026.10.9.1"), None);
        assert_eq!(clerk_date("2026.2.30").map(|d| d.2), Some(None));
    }

    #[test]
    fn clerk_scan_skips_strings_comments_and_multiline_text() {
        let found =
            clerk("a = \"“引用”：2026.1.1\" # ＝ 2026/1/1\nb = \"\"\"\n“x” ＝\n\"\"\"\nc = '‘’'\n");
        assert!(found.is_empty(), "{found:?}");
        let found = clerk("x = 1\nd = [2026.1.1, 2026/1/2]\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "site.toml:2:10");
        assert!(found[1].1.contains("d = [2026-01-01, 2026-01-02]"), "{found:?}");
    }

    #[test]
    fn chinese_translation_of_common_errors() {
        assert!(toml_message_zh("duplicate key `title`").starts_with("同一个设置项写了两次"));
        assert_eq!(
            toml_message_zh("unknown variant `B5`, expected one of `A4`, `a4`, `A3`, `a3`"),
            "没有 `B5` 这个选项，请写成其中之一：A4、a4、A3、a3"
        );
        assert_eq!(
            toml_message_zh("unknown variant `x`, expected `portrait` or `landscape`"),
            "没有 `x` 这个选项，请写成其中之一：portrait、landscape"
        );
        assert!(
            toml_message_zh("wanted exactly 1 element, more than 1 element")
                .starts_with("这里应写一个选项的名字")
        );
    }
}
