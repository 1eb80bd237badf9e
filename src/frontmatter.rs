//! Front matter: the `+++`-fenced TOML block at the top of every Markdown file.
//!
//! Positions matter more than anywhere else here: a clerk who mistypes a key must be told the
//! line of the Markdown file, not of the TOML fragment, so every span is shifted by the
//! fragment's offset (see [`SourceText`]).

use crate::date::DateValue;
use crate::diagnostic::{Diagnostic, SourceText};
use crate::toml_keys;
use crate::toml_syntax::{code_point, toml_message_zh};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostingFront {
    pub title: Spanned<String>,
    pub date: Spanned<DateValue>,
    #[serde(default)]
    pub updated: Option<Spanned<DateValue>>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    /// A category such as 决议公开, 实施结果公开, 党费收缴, 财务收支.
    #[serde(default)]
    pub kind: Option<String>,
    /// The time span the posting covers, e.g. 2026年第三季度.
    #[serde(default)]
    pub period: Option<Spanned<String>>,
    /// The publishing unit (公开单位) when it is not the site's, e.g. 青石村党支部 (from an
    /// imported document's 落款).
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentSpec>,
    #[serde(default)]
    pub weight: i64,
    /// Overrides the URL name taken from the file or folder name.
    #[serde(default)]
    pub slug: Option<Spanned<String>>,
    /// A publicity period (公示).
    #[serde(default)]
    pub notice: Option<crate::settings::notice::NoticeSpec>,
    /// The ledger: a file name (`ledger.xlsx`) or a table with inline rows.
    #[serde(default)]
    pub ledger: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub opening_balance: Option<Spanned<toml::Value>>,
    /// 本年累计 brought in from before the first period on the board (a site started mid-year):
    /// `year_to_date_carried = { income = "30,000.00", expense = "12,500.00" }`.
    #[serde(default)]
    pub year_to_date_carried: Option<Spanned<YearToDateCarried>>,
    #[serde(default)]
    pub closing_balance: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub income_total: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub expense_total: Option<Spanned<toml::Value>>,
    /// Links consecutive finance periods, e.g. 村集体现金日记账.
    #[serde(default)]
    pub series: Option<Spanned<String>>,
    /// A project budget (工程预决算, 一事一议).
    #[serde(default)]
    pub budget: Option<Spanned<toml::Value>>,
    /// A photo in the bundle shown at the top of the posting and in listings.
    #[serde(default)]
    pub cover: Option<Spanned<String>>,
    /// Photos shown as a gallery: file names, or `{ file = "a.jpg", alt = "说明" }`.
    #[serde(default)]
    /// Each entry keeps its own span, so a missing photo is reported at its own line.
    pub gallery: Option<Spanned<Vec<Spanned<crate::settings::images::GalleryItem>>>>,
    /// Also publish each photo at full size (re-encoded, without metadata).
    #[serde(default)]
    pub publish_originals: bool,
    /// `mask` publishes personal data masked instead of refusing to build.
    #[serde(default)]
    pub privacy: Option<crate::settings::privacy::PrivacyMode>,
    /// What changed since the posting was first published, and why.
    #[serde(default)]
    pub changes: Vec<crate::manifest::ChangeNote>,
    /// A published posting taken back (`withdrawn = { date, note }`): its page becomes a
    /// withdrawal notice with the note, for good.
    #[serde(default)]
    pub withdrawn: Option<crate::manifest::ChangeNote>,
    /// Paper and sign-off of the printed sheet (`print = { paper = "A3" }`).
    #[serde(default)]
    pub print: Option<crate::sheet::PrintSettings>,
    /// The review before publication (`[[signoff]]`: body, reviewers, date, opinion).
    #[serde(default)]
    pub signoff: Vec<crate::signoff::SignoffSpec>,
    /// The 公开目录 item this posting fulfils (`fulfils = "finance.income-expense"`); its
    /// `period` says for which period. Inferred from `kind` when unambiguous.
    #[serde(default)]
    pub fulfils: Option<Spanned<String>>,
    /// The day the matter was decided or changed (`event_date = 2026-10-09`), from which a
    /// 随时公开 item's working-day deadline runs.
    #[serde(default)]
    pub event_date: Option<Spanned<DateValue>>,
}

/// `year_to_date_carried = { income = "30,000.00", expense = "12,500.00" }`: a struct so that the
/// unknown-key check knows its keys. The ledger reads and checks the amounts (a missing one
/// included); unknown keys are left to that check rather than refused here, so that the rest of
/// the table still reaches the ledger.
#[derive(Debug, Clone, Deserialize)]
#[serde(expecting = "a table such as { income = \"30,000.00\", expense = \"12,500.00\" }")]
pub struct YearToDateCarried {
    #[serde(default)]
    pub income: Option<toml::Value>,
    #[serde(default)]
    pub expense: Option<toml::Value>,
}

impl YearToDateCarried {
    /// The table as written (without unknown keys), as the ledger takes it.
    pub fn to_value(&self) -> toml::Value {
        let mut t = toml::Table::new();
        for (k, v) in [("income", &self.income), ("expense", &self.expense)] {
            if let Some(v) = v {
                t.insert(k.to_string(), v.clone());
            }
        }
        toml::Value::Table(t)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSpec {
    /// Path relative to the posting (a file in its bundle folder).
    pub file: Spanned<String>,
    /// What the file is, e.g. 村民代表会议记录（扫描件）.
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFront {
    pub title: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub paginate: Option<usize>,
}

/// Where the front matter and the body are in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the TOML text between the fences.
    pub toml_start: usize,
    pub toml_end: usize,
    /// Byte offset where the Markdown body begins.
    pub body_start: usize,
    /// 1-based line of the file on which the body begins.
    pub body_line: usize,
}

crate::messages! {
    pub enum FrontMatterError {
        Missing = "frontmatter.missing",
            zh: "文件开头缺少 +++ 行。每篇公开内容要以 +++ 开头，写上 title（标题）和 date（日期），再以 +++ 结束，例如：\n+++\ntitle = \"关于……的公示\"\ndate = 2026-10-08\n+++",
            en: "the file must start with a +++ line";
        Yaml = "frontmatter.yaml",
            zh: "开头的设置用了 --- （YAML 格式）；gongkai 用 +++ 包起来的 TOML 格式，请把两行 --- 改成 +++，并把 `键: 值` 写成 `键 = \"值\"`",
            en: "front matter written as YAML (---); gongkai uses TOML between +++ lines";
        /// No closing `+++`; `before` is the line where the body seems to begin, when known.
        Unclosed { before: Option<usize> } = "frontmatter.unclosed",
            zh: {
                match before {
                    Some(line) => format!(
                        "开头的设置没有用 +++ 结束：请在第 {line} 行（正文开始的地方）之前加一行 +++"
                    ),
                    None => "开头的设置没有用 +++ 结束：请在 title、date 等设置之后加一行 +++".into(),
                }
            },
            en: {
                match before {
                    Some(line) => format!(
                        "the front matter is not closed by a +++ line: add a line +++ before line {line}, where the text begins"
                    ),
                    None => "the front matter is not closed by a +++ line".into(),
                }
            };
        FenceTypo(w: String) = "frontmatter.fence-typo",
            zh: {
                let odd: Vec<String> =
                    w.chars().filter(|c| *c != '+' && *c != ' ').map(code_point).collect();
                let odd = if odd.is_empty() {
                    String::new()
                } else {
                    format!("，其中 {} 是全角字符", odd.join("、"))
                };
                format!("结束开头设置的一行要写成三个英文（半角）加号 +++（现在是 {w}{odd}）：请把这一行改成 +++")
            },
            en: "the closing line must be three ASCII plus signs +++ (found `{w}`)";
        Syntax(m: String) = "frontmatter.syntax",
            zh: { format!("设置的写法有误：{}", toml_message_zh(m)) },
            en: "TOML syntax error: {m}";
        Invalid(m: String) = "frontmatter.invalid",
            zh: { format!("设置的值不正确：{}", toml_message_zh(m)) },
            en: "invalid value: {m}";
        MissingKey(k: &'static str) = "frontmatter.missing-key",
            zh: {
                format!(
                    "缺少 `{k}`。请在开头的 +++ 之间加上一行，例如：{}",
                    match *k {
                        "title" => "title = \"关于……的公示\"",
                        "date" => "date = 2026-10-08",
                        _ => "",
                    }
                )
            },
            en: {
                format!(
                    "`{k}` is required; add it between the +++ lines, e.g. {}",
                    match *k {
                        "title" => "title = \"Notice of ...\"",
                        "date" => "date = 2026-10-08",
                        _ => "",
                    }
                )
            };
        EmptyTitle = "frontmatter.empty-title",
            zh: "标题（title）不能为空",
            en: "title is empty";
    }
}

/// Finds the `+++` fences. Tolerates a UTF-8 BOM and Windows line endings.
pub fn split(text: &str) -> Result<Split, FrontMatterError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line = rest.lines().next().unwrap_or("");
    if first_line.trim_end() == "---" {
        return Err(FrontMatterError::Yaml);
    }
    if first_line.trim_end() != "+++" {
        return Err(FrontMatterError::Missing);
    }
    let toml_start = start
        + rest.find('\n').map(|i| i + 1).ok_or(FrontMatterError::Unclosed { before: None })?;
    let mut pos = toml_start;
    let mut line = 2;
    while pos < text.len() {
        let end_of_line = text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(text.len());
        if text[pos..end_of_line].trim_end() == "+++" {
            return Ok(Split {
                toml_start,
                toml_end: pos,
                body_start: end_of_line,
                body_line: line + 1,
            });
        }
        pos = end_of_line;
        line += 1;
    }
    Err(FrontMatterError::Unclosed { before: None })
}

/// A file split and ready for TOML parsing.
pub struct Parsed<T> {
    pub front: T,
    pub split: Split,
    pub src: SourceText,
}

/// Parses front matter into `T`, checking every key against `T`'s own fields first
/// ([`toml_keys::schema`]). `required` keys missing from the table are reported at the opening
/// fence.
pub fn parse<T: DeserializeOwned + 'static>(
    path: &str,
    text: String,
    required: &[&'static str],
) -> Result<Parsed<T>, Vec<Diagnostic>> {
    let l = parse_lenient(path, text, required);
    match l.parsed {
        Some(p) if l.errors.is_empty() => Ok(p),
        _ => Err(l.errors),
    }
}

/// What [`parse_lenient`] made of a file.
pub struct Lenient<T> {
    /// The front matter without the keys that were wrong (`None` when nothing could be read, e.g.
    /// the fences are missing): enough for the later stages to check the body.
    pub parsed: Option<Parsed<T>>,
    /// Every problem of the front matter, not only the first.
    pub errors: Vec<Diagnostic>,
    /// Required keys that were missing or wrong and hold a stand-in value in `parsed`.
    pub placeholders: Vec<&'static str>,
}

/// [`parse`] that keeps going past mistakes, so a clerk sees all of them in one run
/// ([`toml_keys::read`]): required keys that are missing or wrong get a stand-in value.
pub fn parse_lenient<T: DeserializeOwned + 'static>(
    path: &str,
    text: String,
    required: &[&'static str],
) -> Lenient<T> {
    let none = |errors| Lenient { parsed: None, errors, placeholders: Vec::new() };
    let split = match split(&text) {
        Ok(s) => s,
        Err(FrontMatterError::Unclosed { .. }) => return none(vec![unclosed(path, &text)]),
        Err(e) => return none(vec![Diagnostic::error(path, e).with_line_snippet(&text, 1, 1, 1)]),
    };
    let src = SourceText::new(path, text, split.toml_start, split.toml_end);
    let rules = toml_keys::Rules {
        context: None,
        required,
        syntax: |m| FrontMatterError::Syntax(m).into(),
        invalid: |m| FrontMatterError::Invalid(m).into(),
        // At the opening fence: the key belongs between the fences, and has no line of its own.
        missing: |src, key| {
            Diagnostic::error(src.path.clone(), FrontMatterError::MissingKey(key))
                .with_line_snippet(&src.text, 1, 1, 3)
        },
        stand_in: |src, key| placeholder(key, &src.path),
    };
    let read = toml_keys::read::<T>(&src, &rules);
    Lenient {
        parsed: read.value.map(|front| Parsed { front, split, src }),
        errors: read.errors,
        placeholders: read.stand_ins,
    }
}

/// A stand-in for a required key that is missing or wrong: the file's path for a title, a date
/// for a date. It is never published (the front matter has errors, so the build stops).
fn placeholder(key: &str, path: &str) -> toml::de::DeValue<'static> {
    match key {
        "date" => toml::de::DeValue::String(std::borrow::Cow::Borrowed("1970-01-01")),
        _ => toml::de::DeValue::String(std::borrow::Cow::Owned(path.to_string())),
    }
}

/// Where the missing closing `+++` belongs: a line that was meant as the fence (`++`, `＋＋＋`),
/// else the first line that is not TOML (a blank line or the body's first line).
fn unclosed(path: &str, text: &str) -> Diagnostic {
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate().skip(1) {
        let t = line.trim();
        if t.chars().count() >= 2 && t.chars().all(|c| matches!(c, '+' | '＋' | ' ' | '\u{3000}'))
        {
            return Diagnostic::error(path, FrontMatterError::FenceTypo(t.to_string()))
                .with_line_snippet(text, n + 1, 1, line.chars().count());
        }
    }
    let looks_like_toml = |t: &str| {
        t.starts_with(['#', '[', ']', '}', '"', '\'', ','])
            || t.contains(['=', '＝'])
            || t.split_once(['：', ':']).is_some_and(|(k, _)| k.trim().is_ascii())
    };
    // A `#` line after a blank line is a Markdown heading, not a TOML comment.
    let mut after_blank = false;
    for (n, line) in lines.iter().enumerate().skip(1) {
        let t = line.trim();
        let heading = after_blank && t.starts_with('#');
        if !t.is_empty() && (heading || !looks_like_toml(t)) {
            return Diagnostic::error(path, FrontMatterError::Unclosed { before: Some(n + 1) })
                .with_line_snippet(text, n + 1, 1, 1);
        }
        after_blank = t.is_empty();
    }
    Diagnostic::error(path, FrontMatterError::Unclosed { before: None })
        .with_line_snippet(text, 1, 1, 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    fn posting(text: &str) -> Result<PostingFront, Vec<String>> {
        parse::<PostingFront>("content/a.md", text.to_string(), &["title", "date"])
            .map(|p| p.front)
            .map_err(|ds| ds.iter().map(|d| d.render(Lang::En)).collect())
    }

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}+++\r\ntitle = \"a\"\r\n+++\r\nbody\r\n";
        let s = split(text).unwrap();
        assert_eq!(&text[s.toml_start..s.toml_end], "title = \"a\"\r\n");
        assert_eq!(&text[s.body_start..], "body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn parses_a_posting() {
        let p = posting(
            "+++\ntitle = \"关于修路的决议\"\ndate = 2026-09-30\ntags = [\"修路\"]\n+++\n正文\n",
        )
        .unwrap();
        assert_eq!(p.title.get_ref(), "关于修路的决议");
        assert_eq!(crate::date::format_iso(p.date.get_ref().0), "2026-09-30");
    }

    #[test]
    fn unknown_key_is_reported_at_the_markdown_line() {
        let errs =
            posting("+++\ntitle = \"a\"\ndate = 2026-09-30\ntgas = [\"x\"]\n+++\n").unwrap_err();
        assert!(errs[0].starts_with("content/a.md:4:1: error: unknown key `tgas`"), "{errs:?}");
        assert!(errs[0].contains("did you mean `tags`?"), "{errs:?}");
    }

    #[test]
    fn the_keys_come_from_the_struct() {
        let errs = posting("+++\ntitel = \"a\"\ndate = 2026-09-30\n+++\n").unwrap_err();
        assert_eq!(
            errs[0].lines().next(),
            Some(
                "content/a.md:2:1: error: unknown key `titel` in the front matter; did you mean `title`?"
            ),
            "{errs:?}"
        );
        // Inside a table the struct types (the hand-written list once said the same).
        let errs = posting(
            "+++\ntitle = \"a\"\ndate = 2026-09-30\nyear_to_date_carried = { incme = \"1\", expense = \"2\" }\n+++\n",
        )
        .unwrap_err();
        assert!(
            errs[0].starts_with(
                "content/a.md:4:26: error: unknown key `incme` in [year_to_date_carried]; did you mean `income`?"
            ),
            "{errs:?}"
        );
        // Not a table at all: serde says what it expects, at the value.
        let errs = posting(
            "+++\ntitle = \"a\"\ndate = 2026-09-30\nyear_to_date_carried = \"9000\"\n+++\n",
        )
        .unwrap_err();
        assert_eq!(
            errs[0].lines().next(),
            Some(
                "content/a.md:4:24: error: invalid value: invalid type: string \"9000\", expected a table such as { income = \"30,000.00\", expense = \"12,500.00\" }"
            ),
            "{errs:?}"
        );
        // A section's `_index.md` has its own, shorter list.
        let errs = parse::<SectionFront>(
            "content/v/_index.md",
            "+++\ntitle = \"a\"\ndate = 2026-09-30\n+++\n".into(),
            &["title"],
        )
        .map(|_| ())
        .unwrap_err();
        assert_eq!(
            errs[0].render(Lang::En).lines().next(),
            Some(
                "content/v/_index.md:3:1: error: unknown key `date` in the front matter; allowed keys: title, description, weight, paginate"
            )
        );
    }

    #[test]
    fn missing_title_points_at_the_fence() {
        let errs = posting("+++\ndate = 2026-09-30\n+++\n").unwrap_err();
        assert!(errs[0].starts_with("content/a.md:1:1: error: `title` is required"), "{errs:?}");
    }

    #[test]
    fn bad_toml_points_at_the_markdown_line() {
        let errs =
            posting("+++\ntitle = \"a\"\ndate = 2026-09-30\nkind = \"决议公开\n+++\n").unwrap_err();
        assert!(errs[0].starts_with("content/a.md:4:"), "{errs:?}");
    }

    #[test]
    fn bad_date_points_at_the_value() {
        let errs = posting("+++\ntitle = \"a\"\ndate = \"2026-02-30\"\n+++\n").unwrap_err();
        assert!(errs[0].starts_with("content/a.md:3:8"), "{errs:?}");
    }

    #[test]
    fn every_mistake_of_one_front_matter_is_reported_and_the_rest_kept() {
        let text = "+++\ntitle = \"a\"\ndate = \"2026-02-30\"\ntgas = [\"x\"]\nweight = \"x\"\ncover = \"c.jpg\"\n[notice]\ndyas = 5\n+++\n正文\n";
        let l = parse_lenient::<PostingFront>("content/a.md", text.to_string(), &["title", "date"]);
        let at: Vec<String> = l.errors.iter().map(|d| d.location()).collect();
        assert_eq!(
            at,
            ["content/a.md:4:1", "content/a.md:8:1", "content/a.md:3:8", "content/a.md:5:10"]
        );
        assert_eq!(l.placeholders, ["date"]);
        let p = l.parsed.expect("the rest is kept");
        assert_eq!(p.front.title.get_ref(), "a");
        assert_eq!(p.front.cover.as_ref().map(|c| c.get_ref().as_str()), Some("c.jpg"));
        assert!(p.front.notice.is_none());
        // A syntax error hides nothing after it either.
        let text = "+++\ntitle = “a”\ndate = 2026.10.9\ntgas = 1\n+++\n";
        let l = parse_lenient::<PostingFront>("content/a.md", text.to_string(), &["title", "date"]);
        let at: Vec<String> = l.errors.iter().map(|d| d.location()).collect();
        assert_eq!(at, ["content/a.md:2:9", "content/a.md:3:12", "content/a.md:4:1"]);
        assert_eq!(l.placeholders, ["title", "date"]);
        assert!(l.parsed.is_some());
    }

    #[test]
    fn yaml_gets_a_hint() {
        let errs = posting("---\ntitle: a\n---\n").unwrap_err();
        assert!(errs[0].contains("YAML"), "{errs:?}");
    }
}
