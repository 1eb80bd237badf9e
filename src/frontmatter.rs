//! Front matter: the `+++`-fenced TOML block at the top of every Markdown file.
//!
//! Positions matter more than anywhere else here: a clerk who mistypes a key must be told the
//! line of the Markdown file, not of the TOML fragment, so every span is shifted by the
//! fragment's offset (see [`SourceText`]).

use crate::date::DateValue;
use crate::diagnostic::{Diagnostic, Message, SourceText};
use crate::toml_keys::{self, Key, Shape};
use serde::Deserialize;
use toml::Spanned;

/// Keys a posting's front matter accepts.
pub const POSTING_KEYS: &[Key] = &[
    Key("title", Shape::Value),
    Key("date", Shape::Value),
    Key("updated", Shape::Value),
    Key("draft", Shape::Value),
    Key("summary", Shape::Value),
    Key("tags", Shape::Value),
    Key("kind", Shape::Value),
    Key("period", Shape::Value),
    Key("unit", Shape::Value),
    Key("attachments", Shape::Tables(ATTACHMENT_KEYS)),
    Key("weight", Shape::Value),
    Key("slug", Shape::Value),
    Key("notice", Shape::Table(NOTICE_KEYS)),
    // Finance keys; the ledger module checks the inside of `ledger` and `budget` itself.
    Key("ledger", Shape::Value),
    Key("opening_balance", Shape::Value),
    Key("closing_balance", Shape::Value),
    Key("income_total", Shape::Value),
    Key("expense_total", Shape::Value),
    Key("series", Shape::Value),
    Key("budget", Shape::Value),
    Key("cover", Shape::Value),
    Key("gallery", Shape::Value),
    Key("publish_originals", Shape::Value),
    Key("privacy", Shape::Value),
    Key("changes", Shape::Tables(&[Key("date", Shape::Value), Key("note", Shape::Value)])),
    Key("withdrawn", Shape::Table(&[Key("date", Shape::Value), Key("note", Shape::Value)])),
    Key("print", Shape::Table(crate::sheet::PRINT_SETTING_KEYS)),
    Key("signoff", Shape::Tables(crate::signoff::SIGNOFF_KEYS)),
    Key("fulfils", Shape::Value),
    Key("event_date", Shape::Value),
];

const NOTICE_KEYS: &[Key] = &[
    Key("start", Shape::Value),
    Key("end", Shape::Value),
    Key("days", Shape::Value),
    Key("count", Shape::Value),
    Key("objections", Shape::Value),
    Key("basis", Shape::Value),
    Key("series", Shape::Value),
    Key("stage", Shape::Value),
];

const ATTACHMENT_KEYS: &[Key] = &[Key("file", Shape::Value), Key("label", Shape::Value)];

/// Keys a section's `_index.md` accepts.
pub const SECTION_KEYS: &[Key] = &[
    Key("title", Shape::Value),
    Key("description", Shape::Value),
    Key("weight", Shape::Value),
    Key("paginate", Shape::Value),
];

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
    pub notice: Option<crate::notice::NoticeSpec>,
    /// The ledger: a file name (`ledger.xlsx`) or a table with inline rows.
    #[serde(default)]
    pub ledger: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub opening_balance: Option<Spanned<toml::Value>>,
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
    pub gallery: Option<Spanned<Vec<crate::images::GalleryItem>>>,
    /// Also publish each photo at full size (re-encoded, without metadata).
    #[serde(default)]
    pub publish_originals: bool,
    /// `mask` publishes personal data masked instead of refusing to build.
    #[serde(default)]
    pub privacy: Option<crate::privacy::PrivacyMode>,
    /// What changed since the posting was first published, and why.
    #[serde(default)]
    pub changes: Vec<crate::manifest::ChangeNote>,
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
    /// A published posting taken back (`withdrawn = { date, note }`): its page becomes a
    /// withdrawal notice with the note, for good.
    #[serde(default)]
    pub withdrawn: Option<crate::manifest::ChangeNote>,
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

#[derive(Debug, thiserror::Error)]
pub enum FrontMatterError {
    #[error("the file must start with a +++ line")]
    Missing,
    #[error("front matter written as YAML (---); gongkai uses TOML between +++ lines")]
    Yaml,
    #[error("the front matter is not closed by a +++ line")]
    Unclosed,
    #[error(
        "the front matter is not closed by a +++ line: add a line +++ before line {0}, where the text begins"
    )]
    UnclosedBefore(usize),
    #[error("the closing line must be three ASCII plus signs +++ (found `{0}`)")]
    FenceTypo(String),
    #[error("TOML syntax error: {0}")]
    Syntax(String),
    #[error("invalid value: {0}")]
    Invalid(String),
    #[error("`{0}` is required")]
    MissingKey(&'static str),
    #[error("title is empty")]
    EmptyTitle,
}

impl Message for FrontMatterError {
    fn code(&self) -> &'static str {
        match self {
            FrontMatterError::Missing => "frontmatter.missing",
            FrontMatterError::Yaml => "frontmatter.yaml",
            FrontMatterError::Unclosed | FrontMatterError::UnclosedBefore(_) => {
                "frontmatter.unclosed"
            }
            FrontMatterError::FenceTypo(_) => "frontmatter.fence-typo",
            FrontMatterError::Syntax(_) => "frontmatter.syntax",
            FrontMatterError::Invalid(_) => "frontmatter.invalid",
            FrontMatterError::MissingKey(_) => "frontmatter.missing-key",
            FrontMatterError::EmptyTitle => "frontmatter.empty-title",
        }
    }
    fn zh(&self) -> String {
        match self {
            FrontMatterError::Missing => "文件开头缺少 +++ 行。每篇公开内容要以 +++ 开头，写上 title（标题）和 date（日期），再以 +++ 结束，例如：\n+++\ntitle = \"关于……的公示\"\ndate = 2026-10-08\n+++".into(),
            FrontMatterError::Yaml => "开头的设置用了 --- （YAML 格式）；gongkai 用 +++ 包起来的 TOML 格式，请把两行 --- 改成 +++，并把 `键: 值` 写成 `键 = \"值\"`".into(),
            FrontMatterError::Unclosed => "开头的设置没有用 +++ 结束：请在 title、date 等设置之后加一行 +++".into(),
            FrontMatterError::UnclosedBefore(line) => format!(
                "开头的设置没有用 +++ 结束：请在第 {line} 行（正文开始的地方）之前加一行 +++"
            ),
            FrontMatterError::FenceTypo(w) => {
                let odd: Vec<String> =
                    w.chars().filter(|c| *c != '+' && *c != ' ').map(code_point).collect();
                let odd = if odd.is_empty() {
                    String::new()
                } else {
                    format!("，其中 {} 是全角字符", odd.join("、"))
                };
                format!("结束开头设置的一行要写成三个英文（半角）加号 +++（现在是 {w}{odd}）：请把这一行改成 +++")
            }
            FrontMatterError::Syntax(m) => format!("设置的写法有误：{}", toml_message_zh(m)),
            FrontMatterError::Invalid(m) => format!("设置的值不正确：{}", toml_message_zh(m)),
            FrontMatterError::MissingKey(k) => format!(
                "缺少 `{k}`。请在开头的 +++ 之间加上一行，例如：{}",
                match *k {
                    "title" => "title = \"关于……的公示\"",
                    "date" => "date = 2026-10-08",
                    _ => "",
                }
            ),
            FrontMatterError::EmptyTitle => "标题（title）不能为空".into(),
        }
    }
    fn en(&self) -> String {
        match self {
            FrontMatterError::MissingKey(k) => format!(
                "`{k}` is required; add it between the +++ lines, e.g. {}",
                match *k {
                    "title" => "title = \"Notice of ...\"",
                    "date" => "date = 2026-10-08",
                    _ => "",
                }
            ),
            other => other.to_string(),
        }
    }
}

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
    if m.contains("invalid type") {
        if m.contains("expected a string") {
            return format!("这里应写文字，并用英文双引号括起来，例如 \"……\"（{m}）");
        }
        if m.contains("expected a boolean") {
            return format!("这里应写 true（是）或 false（否）（{m}）");
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

/// A TOML mistake a clerk typically makes, found by scanning the text when the parser fails:
/// the parser's own message ("invalid string", "expected `=`") does not say what to type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClerkToml {
    /// Full-width quotes “ ” ‘ ’ around text instead of `"`.
    FullWidthQuote { chars: Vec<char>, fixed: String },
    /// Full-width ＝ or ： between a key and its value.
    FullWidthSign { ch: char, fixed: String },
    /// `2026.10.9`, `2026/10/9`, `2026年10月9日`, `2026-10-9`: a date the clerk meant.
    Date { written: String, iso: String, fixed: String },
    /// The same, but the day does not exist (2026.2.30).
    NoSuchDate { written: String },
    /// A string opened with `"` and not closed on its line.
    UnclosedString { fixed: String },
}

fn code_point(c: char) -> String {
    format!("{c} (U+{:04X})", c as u32)
}

fn code_points(chars: &[char]) -> (String, String) {
    let list: Vec<String> = chars.iter().map(|c| code_point(*c)).collect();
    (list.join("、"), list.join(", "))
}

impl Message for ClerkToml {
    fn code(&self) -> &'static str {
        match self {
            ClerkToml::FullWidthQuote { .. } => "toml.full-width-quote",
            ClerkToml::FullWidthSign { .. } => "toml.full-width-sign",
            ClerkToml::Date { .. } => "toml.date-format",
            ClerkToml::NoSuchDate { .. } => "toml.no-such-date",
            ClerkToml::UnclosedString { .. } => "toml.unclosed-string",
        }
    }
    fn zh(&self) -> String {
        match self {
            ClerkToml::FullWidthQuote { chars, fixed } => format!(
                "这里用了全角引号 {}，文字要用英文（半角）双引号 \" 括起来。请把这一行改成：{fixed}",
                code_points(chars).0
            ),
            ClerkToml::FullWidthSign { ch, fixed } => format!(
                "这里用了全角{} {}，设置项和值之间要用英文（半角）等号 =。请把这一行改成：{fixed}",
                if *ch == '＝' { "等号" } else { "冒号" },
                code_point(*ch)
            ),
            ClerkToml::Date { written, iso, fixed } => format!(
                "日期要写成 年-月-日，用半角短横线 - 连接，月和日写两位数：请把 {written} 改成 {iso}，即：{fixed}"
            ),
            ClerkToml::NoSuchDate { written } => {
                format!("日期 {written} 不存在，请检查月份和日子，并写成 2026-10-08 这样的格式")
            }
            ClerkToml::UnclosedString { fixed } => {
                format!("文字缺少结尾的英文双引号 \"：请在文字末尾加上 \"，把这一行改成：{fixed}")
            }
        }
    }
    fn en(&self) -> String {
        match self {
            ClerkToml::FullWidthQuote { chars, fixed } => format!(
                "full-width quote {}: text must be enclosed in ASCII double quotes \"; write the line as: {fixed}",
                code_points(chars).1
            ),
            ClerkToml::FullWidthSign { ch, fixed } => format!(
                "full-width {} {}: put an ASCII = between the key and its value; write the line as: {fixed}",
                if *ch == '＝' { "equals sign" } else { "colon" },
                code_point(*ch)
            ),
            ClerkToml::Date { written, iso, fixed } => format!(
                "a date is written year-month-day with - and two-digit month and day: write {iso} instead of {written}, i.e. {fixed}"
            ),
            ClerkToml::NoSuchDate { written } => format!(
                "the date {written} does not exist; check the month and day and write it like 2026-10-08"
            ),
            ClerkToml::UnclosedString { fixed } => format!(
                "the text is missing its closing double quote \"; add it at the end: {fixed}"
            ),
        }
    }
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
fn clerk_date(s: &str) -> Option<(usize, String, Option<String>, usize)> {
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
    let toml_start = start + rest.find('\n').map(|i| i + 1).ok_or(FrontMatterError::Unclosed)?;
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
    Err(FrontMatterError::Unclosed)
}

/// A file split and ready for TOML parsing.
pub struct Parsed<T> {
    pub front: T,
    pub split: Split,
    pub src: SourceText,
}

/// Parses front matter into `T`, checking every key against `keys` first.
/// `required` keys missing from the table are reported at the opening fence.
pub fn parse<T: for<'de> Deserialize<'de>>(
    path: &str,
    text: String,
    keys: &'static [Key],
    required: &[&'static str],
) -> Result<Parsed<T>, Vec<Diagnostic>> {
    let split = match split(&text) {
        Ok(s) => s,
        Err(FrontMatterError::Unclosed) => return Err(vec![unclosed(path, &text)]),
        Err(e) => {
            let diag = Diagnostic::error(path, e).with_line_snippet(&text, 1, 1, 1);
            return Err(vec![diag]);
        }
    };
    let src = SourceText::new(path, text, split.toml_start, split.toml_end);
    let table = match toml::de::DeTable::parse(src.toml()) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let parser = src.error_at(span, FrontMatterError::Syntax(e.message().to_string()));
            return Err(syntax_diagnostics(&src, parser));
        }
    };
    let mut errors = toml_keys::check(table.get_ref(), keys, front_matter_context(), &src);
    for key in required {
        if !table.get_ref().iter().any(|(k, _)| k.get_ref() == key) {
            let fence = Diagnostic::error(path, FrontMatterError::MissingKey(key))
                .with_line_snippet(&src.text, 1, 1, 3);
            errors.push(fence);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match toml::from_str::<T>(src.toml()) {
        Ok(front) => Ok(Parsed { front, split, src }),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            Err(vec![src.error_at(span, FrontMatterError::Invalid(e.message().to_string()))])
        }
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
            return Diagnostic::error(path, FrontMatterError::UnclosedBefore(n + 1))
                .with_line_snippet(text, n + 1, 1, 1);
        }
        after_blank = t.is_empty();
    }
    Diagnostic::error(path, FrontMatterError::Unclosed).with_line_snippet(text, 1, 1, 3)
}

fn front_matter_context() -> &'static str {
    match crate::diagnostic::Lang::from_env() {
        crate::diagnostic::Lang::Zh => "开头的设置（+++ 之间）",
        crate::diagnostic::Lang::En => "the front matter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    fn posting(text: &str) -> Result<PostingFront, Vec<String>> {
        parse::<PostingFront>("content/a.md", text.to_string(), POSTING_KEYS, &["title", "date"])
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
    fn yaml_gets_a_hint() {
        let errs = posting("---\ntitle: a\n---\n").unwrap_err();
        assert!(errs[0].contains("YAML"), "{errs:?}");
    }

    #[test]
    fn notice_keys_match_the_notice_module() {
        let ours: Vec<&str> = NOTICE_KEYS.iter().map(|k| k.0).collect();
        assert_eq!(ours, crate::notice::NOTICE_KEYS);
    }

    fn clerk(toml: &str) -> Vec<(String, String)> {
        let src = SourceText::toml_file("site.toml", toml);
        clerk_mistakes(&src).iter().map(|d| (d.location(), d.message.text(Lang::Zh))).collect()
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
    }
}
