//! Personal data on a public board: finds resident ID numbers, mobile numbers and bank card numbers
//! in postings and ledgers, and either blocks the build or masks them.
//!
//! # What is found
//! - **Resident ID (18 characters, GB 11643-1999)**: a known province code (11–15, 21–23, 31–37,
//!   41–46, 50–54, 61–65, 71, 81–83, 91), a real birth date `YYYYMMDD` from 1850 (the
//!   standard's own example 440524188001010014 was born in 1880) up to today (China time), a 3-digit sequence and the check character (`X`/`x` accepted). Also written `6-8-4`
//!   (`110105 19491231 002X`).
//! - **Old resident ID (15 digits)**: province code, `YYMMDD` (19YY) a real date, 3-digit sequence.
//! - **Mobile**: `1[3-9]` + 9 digits, also `138 1234 5678`, `138-1234-5678`, `1381234 5678`,
//!   `138 12345678`, `1381 2345 678`, `138 123 45678` (up to 4 groups of 3 or more digits),
//!   with an optional `+86`, `86` or `0086` prefix (`+86 138…`, `86-138…`, `+8613812345678`).
//! - **Bank card**: 16–19 digits passing the Luhn check, first digit 2–6 or 9 (UnionPay 62…,
//!   Visa 4…, Mastercard 2…/5…, JCB/Amex 3…, old domestic 9…), in one piece or in groups of 3
//!   or more digits (the last any length): `6222 0212 3456 7890 128`, `622202 1234567890128`.
//!
//! # How text is read
//! The scan reads a number as a reader sees it, in one linear pass ([`tokenize`]):
//! - Separators between digit groups, in any grouping and mixed: spaces (ASCII, no-break,
//!   ideographic, thin, several in a row), tabs, dashes, dots, middle dots `·`, slashes,
//!   underscores, and at most one line break inside a number. Groups shorter than 3 digits
//!   (except the last) do not join: that keeps dates (`2026-07-15`) apart.
//! - Left out, so the digits around them meet: zero-width spaces and joiners, word joiners, soft
//!   hyphens, BOMs; Markdown emphasis (`*`, `**`), inline code marks and `~`; Markdown backslash
//!   escapes; TOML line continuations. Three or more `*` are text (what masking writes).
//! - Decoded: HTML character references (`&#49;`, `&#x31;`, `&nbsp;`), TOML `\u`/`\U`
//!   escapes, percent-encoding in URLs (`tel:%2B86%20138…`), full-width and other compatibility
//!   digits (NFKC; superscripts and circled numbers are marks, not digits).
//! - In markup ([`TextKind::Markup`]) inline tags are nothing and other tags end a line; in RTF,
//!   control words are nothing.
//!
//! Findings keep the byte range of the source, so messages point at the source position.
//!
//! # What is not found (no false alarms)
//! A match is made of whole runs of digits: an 18-digit number inside a 25-digit number is not an ID.
//! Any non-digit around it is a boundary, so `身份证号11010519491231002X，` is found. Two runs
//! joined by one dot are an amount (`1234567.89`), unless both are long and sit in a chain of
//! separated groups (`6222 0212-3456.7890 128`). Dates, voucher numbers and landlines
//! (`0571-88886666`) do not match any pattern; numbers failing their checksum are not findings.
//!
//! # Overlaps
//! Candidates that overlap become one finding covering all of them, and every digit any of them
//! would hide is hidden; the finding is named after the best candidate (an ID before a bank
//! card before a mobile, then the longer). So an 18-digit ID with a phone-like stretch inside is
//! one ID, and `+86 138 1234 5678` is one mobile. After masking, what [`mask_text`] and
//! [`mask_markdown`] write is read again (only the stretch around each hidden digit, so the scan
//! stays linear) until nothing more is found: digits a match leaves visible, or the stars it
//! writes next to an emphasis mark, cannot combine with their neighbours into another readable
//! number, even across a line break.
//!
//! # Masking format
//! Every hidden digit becomes one ASCII `*`; separators, the `+86` prefix and the kept characters
//! stay exactly as written. The masked text therefore has **the same number of characters** as the
//! original, so line and column positions do not move.
//! - ID (18 or 15): only the last 4 characters kept: `**************002X`, `110105 19491231 002X`
//!   → `****** ******** 002X`.
//! - Mobile: the usual Chinese form, digits 4–7 of the 11 hidden: `138****5678`,
//!   `+86 138 **** 5678`.
//! - Bank card: only the last 4 digits kept: `************1111`, `6222 0212 3456 7890 128` →
//!   `**** **** **** ***0 128` (the grouping stays as written).
//!
//! In Markdown an `*` is emphasis syntax: use [`mask_markdown`] for Markdown sources, which writes
//! `\*` so the asterisks show literally.

mod office_place;
pub mod stage;

use std::collections::BTreeSet;
use std::ops::Range;

use jiff::civil::Date;

use crate::diagnostic::Diagnostic;
pub use crate::settings::privacy::{PrivacyConfig, PrivacyMode};

/// The kinds of personal data gongkai refuses to publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PiiKind {
    ResidentId,
    Mobile,
    BankCard,
}

impl PiiKind {
    /// `身份证号`, `手机号码`, `银行卡号`.
    pub fn zh(self) -> &'static str {
        match self {
            PiiKind::ResidentId => "身份证号",
            PiiKind::Mobile => "手机号码",
            PiiKind::BankCard => "银行卡号",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            PiiKind::ResidentId => "resident ID number",
            PiiKind::Mobile => "mobile phone number",
            PiiKind::BankCard => "bank card number",
        }
    }

    /// Lower wins when candidates overlap.
    fn priority(self) -> u8 {
        match self {
            PiiKind::ResidentId => 0,
            PiiKind::BankCard => 1,
            PiiKind::Mobile => 2,
        }
    }
}

/// One piece of personal data in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: PiiKind,
    /// Byte range in the scanned text (always on character boundaries).
    pub range: Range<usize>,
    /// The number as a reader sees it, masked (see the module docs): decoded (`&#49;` shows as
    /// `1`), without invisible characters; for messages.
    pub masked: String,
    /// The source text of `range` with each hidden character's source written as `*`s, one per
    /// source character, so lines keep their length; what [`mask_text`] writes.
    pub replacement: String,
    /// [`Finding::replacement`] with each hidden `*` escaped (`\*`) for Markdown.
    pub replacement_md: String,
}

/// Numbers that are meant to be public (the 监督电话, a collective's donation account): they are
/// never findings. Entries are normalised: full-width to ASCII, spaces and dashes removed, a
/// `+86`/`86`/`0086` prefix dropped from mobiles, `x` upper-cased. One entry may hold several
/// numbers separated by `/`, `、`, `,`, `，`, `;`, `；` or `|`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowList {
    numbers: BTreeSet<String>,
}

impl AllowList {
    pub fn new() -> Self {
        Self::default()
    }

    /// From `[privacy] allow` plus the site's 监督电话 (one or more strings).
    pub fn from_config<'a>(
        config: &'a PrivacyConfig,
        hotlines: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut list = AllowList::new();
        for entry in config.allow.iter().map(String::as_str).chain(hotlines) {
            list.add(entry);
        }
        list
    }

    /// Adds one entry (possibly several numbers, see the type docs).
    pub fn add(&mut self, entry: &str) {
        for part in entry.split(['/', '、', ',', '，', ';', '；', '|']) {
            let n = normalize_number(part);
            if !n.is_empty() {
                self.numbers.insert(n);
            }
        }
    }

    pub fn contains(&self, number: &str) -> bool {
        let n = normalize_number(number);
        !n.is_empty() && self.numbers.contains(&n)
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }
}

/// Digits (ASCII) and `X` of `s`, with a country prefix dropped from a mobile number.
fn normalize_number(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match class(c) {
            Class::Digit(d) => out.push((b'0' + d) as char),
            Class::X => out.push('X'),
            _ => {}
        }
    }
    if out.len() == 13 && out.starts_with("86") && is_mobile(&out[2..]) {
        out.drain(..2);
    } else if out.len() == 15 && out.starts_with("0086") && is_mobile(&out[4..]) {
        out.drain(..4);
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Digit(u8),
    X,
    Sep,
    /// A line break: at most one may fall inside a number.
    Newline,
    Plus,
    Dot,
    Other,
}

fn class(c: char) -> Class {
    match c {
        '0'..='9' => Class::Digit(c as u8 - b'0'),
        '０'..='９' => Class::Digit((c as u32 - '０' as u32) as u8),
        'X' | 'x' | 'Ｘ' | 'ｘ' => Class::X,
        ' '
        | '\t'
        | '\u{00A0}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}'
        | '-'
        | '－'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '/'
        | '／'
        | '_'
        | '＿'
        | '·'
        | '・'
        | '•'
        | '∙'
        | '\u{FF65}' => Class::Sep,
        '\n' => Class::Newline,
        '+' | '＋' => Class::Plus,
        '.' | '．' | '。' => Class::Dot,
        _ => Class::Other,
    }
}

/// Characters that never show or only format: zero-width spaces and joiners, the word joiner,
/// soft hyphens, BOMs, and the Markdown marks that can split a number without showing
/// (emphasis `*` and `**`, see [`tokenize`]; inline code `` ` ``, strike-through `~`). `\r` of
/// a CRLF line end too.
fn is_transparent(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{034F}'
            | '*'
            | '`'
            | '~'
            | '\r'
    )
}

/// One significant character of the scanned text as the reader sees it: `ch` is the decoded
/// character, `start..end` the bytes of the source that spell it (one character, or an HTML
/// character reference, a `%XX` escape, a TOML `\uXXXX` escape; or a run of ideographs, `ch`
/// the first of them).
#[derive(Clone, Copy)]
struct Ch {
    start: usize,
    end: usize,
    ch: char,
    class: Class,
}

/// The characters of `text` that matter to the scan, decoded, in one linear pass. Invisible and
/// formatting characters (see [`is_transparent`]), Markdown backslash escapes and TOML line
/// continuations are left out, so the digits on either side of them meet.
fn tokenize(text: &str, kind: TextKind) -> Vec<Ch> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            let (len, decoded) = match c {
                // Markup: an inline tag (`<span>`, `<w:t>`) is nothing, so `<b>138</b>1234`
                // reads as one number; any other tag ends a line (table cells stay apart).
                b'<' if kind == TextKind::Markup => {
                    let len = b[i..].iter().position(|&c| c == b'>').map_or(1, |p| p + 1);
                    let inline = len > 1 && is_inline_tag(&text[i..i + len]);
                    (len, (len > 1 && !inline).then_some('\n').or((len == 1).then_some('<')))
                }
                b'\\' if kind == TextKind::Rtf => rtf_control(&text[i..]),
                b'{' | b'}' if kind == TextKind::Rtf => (1, None),
                // Emphasis is `*` or `**`; three or more stars are what masking writes, and
                // show as they are.
                b'*' => {
                    let n = b[i..].iter().take_while(|&&c| c == b'*').count();
                    if n >= 3 {
                        for k in i..i + n {
                            out.push(Ch { start: k, end: k + 1, ch: '*', class: Class::Other });
                        }
                    }
                    i += n;
                    continue;
                }
                b'&' => entity(&text[i..]).map_or((1, Some('&')), |(l, ch)| (l, ch)),
                // Only inside a URL: after a letter, digit or URL punctuation (`tel:%2B86`).
                b'%' if i > 0
                    && (b[i - 1].is_ascii_alphanumeric()
                        || b":/=?&#%+-._~".contains(&b[i - 1])) =>
                {
                    percent(&b[i..]).map_or((1, Some('%')), |(l, ch)| (l, Some(ch)))
                }
                b'\\' => {
                    let (len, ch, escaped) = backslash(&text[i..]);
                    // An escaped mark (`\*`) shows as itself: it is text, not formatting.
                    if let (Some(ch), true) = (ch, escaped) {
                        let cls = if ch == '*' { Class::Other } else { class(ch) };
                        out.push(Ch { start: i, end: i + len, ch, class: cls });
                        i += len;
                        continue;
                    }
                    (len, ch)
                }
                _ => (1, Some(c as char)),
            };
            if let Some(ch) = decoded.filter(|&ch| !is_transparent(ch)) {
                out.push(Ch { start: i, end: i + len, ch, class: class(ch) });
            }
            i += len;
            continue;
        }
        // Multi-byte character: decode it from the str.
        let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
        let len = ch.len_utf8();
        if is_ideograph(ch) && runs_are_tokens() {
            // A run of common ideographs is one token: each would be a letter that ends any
            // number, and a run ends it no differently (see [`is_cut`]). Chinese prose is most
            // of a posting, so this leaves a few tokens where there were thousands.
            let mut end = i + len;
            while let Some(next) = text[end..].chars().next().filter(|&c| is_ideograph(c)) {
                end += next.len_utf8();
            }
            out.push(Ch { start: i, end, ch, class: Class::Other });
            i = end;
            continue;
        }
        if !is_transparent(ch) {
            let mut cls = class(ch);
            let mut shown = ch;
            // Compatibility digits (`①`-free: only those that fold to one ASCII character, such
            // as mathematical `𝟏` or superscripts) count as digits after NFKC. CJK text folds to
            // itself: skip it cheaply.
            if cls == Class::Other && !('\u{3400}'..='\u{9FFF}').contains(&ch) && !is_marker(ch) {
                use unicode_normalization::UnicodeNormalization;
                let mut folded = std::iter::once(ch).nfkc();
                if let (Some(f), None) = (folded.next(), folded.next())
                    && f != ch
                    && f.is_ascii()
                {
                    shown = f;
                    cls = class(f);
                }
            }
            out.push(Ch { start: i, end: i + len, ch: shown, class: cls });
        }
        i += len;
    }
    out
}

/// Superscripts, subscripts and circled or parenthesised numbers fold to digits under NFKC
/// but are footnote and list marks (`①张三`, `m²`), never part of a written number.
fn is_marker(c: char) -> bool {
    matches!(
        c,
        '\u{00B2}' | '\u{00B3}' | '\u{00B9}' | '\u{2070}'..='\u{209F}' | '\u{2460}'..='\u{24FF}'
            | '\u{2776}'..='\u{2793}' | '\u{3251}'..='\u{32BF}'
    )
}

/// What kind of text is scanned: what counts as invisible formatting in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// Markdown, TOML, CSV, plain text.
    Plain,
    /// HTML, XML, SVG and the XML inside Office files: tags are formatting.
    Markup,
    /// RTF: control words and groups are formatting.
    Rtf,
}

/// Tags that sit inside a line of text (`<span>`, `<b>`, `<w:r>`, `<w:t>`, `<tspan>`…).
fn is_inline_tag(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
        .collect::<String>()
        .to_ascii_lowercase();
    let local = name.rsplit(':').next().unwrap_or(&name);
    matches!(
        local,
        "span"
            | "b"
            | "i"
            | "u"
            | "s"
            | "em"
            | "strong"
            | "a"
            | "font"
            | "sub"
            | "sup"
            | "small"
            | "big"
            | "mark"
            | "code"
            | "kbd"
            | "abbr"
            | "tspan"
            | "r"
            | "t"
            | "rpr"
            | "rfonts"
            | "sz"
            | "szcs"
            | "color"
            | "lang"
            | "proofErr"
            | "prooferr"
            | "bookmarkstart"
            | "bookmarkend"
            | "rt"
            | "is"
    ) || tag.starts_with("<!--")
        || tag.starts_with("<?")
}

/// An RTF control word or symbol at the start of `s`: a paragraph, line, cell or tab mark is a
/// line break, `\'hh` the character it encodes when ASCII, `\uN` the character N; the rest is
/// formatting.
fn rtf_control(s: &str) -> (usize, Option<char>) {
    let b = s.as_bytes();
    match b.get(1) {
        Some(b'\'') => {
            let v = s.get(2..4).and_then(|h| u8::from_str_radix(h, 16).ok());
            (4.min(b.len()), v.filter(u8::is_ascii).map(|v| v as char))
        }
        Some(c) if c.is_ascii_alphabetic() => {
            let word = b[1..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
            let mut j = 1 + word;
            if b.get(j) == Some(&b'-') {
                j += 1;
            }
            let num_start = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            let arg: Option<i64> = s[num_start..j].parse().ok();
            // One space ends a control word and belongs to it.
            if b.get(j) == Some(&b' ') {
                j += 1;
            }
            let ch = match &s[1..1 + word] {
                "par" | "line" | "cell" | "row" | "sect" | "page" => Some('\n'),
                "tab" => Some('\t'),
                "u" => arg.and_then(|v| char::from_u32(v.rem_euclid(65536) as u32)),
                _ => None,
            };
            (j, ch)
        }
        Some(&c) => (2, Some(c as char).filter(|c| !matches!(c, '\\' | '{' | '}' | '*'))),
        None => (1, None),
    }
}

/// An HTML character reference at the start of `s`: its length and the character (`None` for
/// an invisible one such as `&shy;`).
fn entity(s: &str) -> Option<(usize, Option<char>)> {
    let end = s.as_bytes().iter().take(12).position(|&c| c == b';')?;
    let name = &s[1..end];
    let ch = if let Some(num) = name.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(v)?
    } else {
        match name {
            "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
            "shy" | "zwsp" | "zwj" | "zwnj" | "NoBreak" | "ZeroWidthSpace" => {
                return Some((end + 1, None));
            }
            "middot" | "centerdot" => '·',
            "ndash" | "mdash" | "hyphen" | "dash" | "minus" => '-',
            "period" => '.',
            "plus" => '+',
            "lowbar" | "UnderBar" => '_',
            "sol" => '/',
            _ => return None,
        }
    };
    Some((end + 1, (!is_transparent(ch)).then_some(ch)))
}

/// `%3X` (a digit) or `%20`/`%2B`/`%2D`/`%2E`/`%2F` percent-encoding at the start of `b`, as
/// in link URLs and `tel:` links.
fn percent(b: &[u8]) -> Option<(usize, char)> {
    let hex = |c: u8| (c as char).to_digit(16);
    let v = hex(*b.get(1)?)? * 16 + hex(*b.get(2)?)?;
    matches!(v, 0x30..=0x39 | 0x20 | 0x2B | 0x2D | 0x2E | 0x2F).then(|| (3, v as u8 as char))
}

/// A backslash at the start of `s`: a TOML `\uXXXX`/`\UXXXXXXXX` escape (the character), a
/// TOML line continuation (`\`, optional spaces, a line break and the spaces after it:
/// nothing), or a Markdown escape (`\-`: the backslash is nothing, the character after it is
/// read normally; an escaped `*` is a visible star). The flag says a character was escaped.
fn backslash(s: &str) -> (usize, Option<char>, bool) {
    let b = s.as_bytes();
    let digits = match b.get(1) {
        Some(b'u') => 4,
        Some(b'U') => 8,
        _ => 0,
    };
    if digits > 0
        && let Some(hex) = s.get(2..2 + digits)
        && let Ok(v) = u32::from_str_radix(hex, 16)
        && let Some(ch) = char::from_u32(v)
    {
        return (2 + digits, Some(ch), false);
    }
    let mut j = 1;
    while matches!(b.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    if matches!(b.get(j), Some(b'\n' | b'\r')) {
        while matches!(b.get(j), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            j += 1;
        }
        return (j, None, false);
    }
    match b.get(1) {
        Some(&c) if c.is_ascii_punctuation() => (2, Some(c as char), true),
        _ => (1, None, false),
    }
}

/// A maximal run of digits: `chars[first..=last]`.
struct Run {
    first: usize,
    last: usize,
    /// Integer or fraction part of a decimal number.
    decimal: bool,
}

impl Run {
    /// How many digits the run has.
    fn len(&self) -> usize {
        self.last + 1 - self.first
    }

    /// The run's digits, as ASCII.
    fn digits(&self, chars: &[Ch]) -> String {
        chars[self.first..=self.last]
            .iter()
            .filter_map(|c| match c.class {
                Class::Digit(d) => Some((b'0' + d) as char),
                _ => None,
            })
            .collect()
    }
}

/// A candidate match over `chars[first..=last]`.
struct Candidate {
    kind: PiiKind,
    first: usize,
    last: usize,
    /// Number of digits (and X) in it, for preferring longer matches.
    weight: usize,
    /// Index (in `chars`) of the first significant character: for a mobile the first digit of
    /// the 11-digit national number; otherwise `first`.
    national_start: usize,
    /// The normalised number, for the allow list.
    number: String,
    /// Indices (in `chars`) of the characters masking hides.
    hidden: Vec<usize>,
}

/// Finds personal data in `text`. Findings are sorted by position and never overlap.
pub fn scan(text: &str, allow: &AllowList) -> Vec<Finding> {
    scan_on(text, allow, crate::date::today_in_china())
}

/// [`scan`] as of a given day (birth dates after it are impossible); builds pass their `--today`.
pub fn scan_on(text: &str, allow: &AllowList, today: Date) -> Vec<Finding> {
    scan_kind(text, allow, today, TextKind::Plain)
}

/// [`scan_on`] for a text of the given kind (markup, RTF).
pub fn scan_kind(text: &str, allow: &AllowList, today: Date, kind: TextKind) -> Vec<Finding> {
    let chars = tokenize(text, kind);
    // One flag per character: hidden by masking.
    let mut hidden = vec![false; chars.len()];
    // Where the text may be cut for a rescan; worked out only for a text with a finding.
    let mut cuts: Option<Vec<usize>> = None;

    // Find candidates, hide their digits, then read again exactly what masking writes (both
    // `mask_text` and `mask_markdown`), until nothing new turns up: digits a match leaves visible
    // (a card's last group, a mobile's ends) or its stars (a lone `*` is Markdown emphasis, so
    // `138*1234*5678` reads on across it) could otherwise still form a readable number. Only
    // the stretch between two letters around each newly hidden character is read again, so the
    // whole scan stays linear in the text; every round hides at least one more character.
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut new: Vec<Candidate> =
        detect(&chars, today).into_iter().filter(|c| !allow.contains(&c.number)).collect();
    let mut first_round = true;
    while !new.is_empty() {
        // A later round's match that lies wholly inside earlier findings (digits they left
        // visible reading on across the stars) only hides more of them; one that reaches
        // further is a finding of its own.
        let inside = |c: &Candidate, found: &[Candidate]| {
            let covered = |i: usize| found.iter().any(|o| o.first <= i && i <= o.last);
            (c.first..=c.last)
                .filter(|&i| matches!(chars[i].class, Class::Digit(_) | Class::X))
                .chain(c.hidden.iter().copied())
                .all(covered)
        };
        let own: Vec<bool> = new.iter().map(|c| first_round || !inside(c, &candidates)).collect();
        let mut dirty = Vec::new();
        for c in &new {
            for &i in &c.hidden {
                if !hidden[i] {
                    hidden[i] = true;
                    dirty.push(i);
                }
            }
        }
        candidates.extend(new.into_iter().zip(own).filter_map(|(c, own)| own.then_some(c)));
        first_round = false;
        new = Vec::new();
        dirty.sort_unstable();
        let cuts = cuts
            .get_or_insert_with(|| (0..chars.len()).filter(|&i| is_cut(text, &chars[i])).collect());
        let mut done_until = 0;
        for d in dirty {
            if d < done_until {
                continue;
            }
            // The stretch between the letters around `d`: cutting the text there reads it
            // exactly as the whole text is read (a letter ends every number and escape).
            let k = cuts.partition_point(|&c| c <= d);
            let lo = if k == 0 { 0 } else { cuts[k - 1] };
            let hi = cuts.get(k).copied().unwrap_or(chars.len());
            done_until = hi;
            for escape in [false, true] {
                new.extend(
                    rescan(text, &chars, &hidden, lo..hi, kind, today, escape)
                        .into_iter()
                        .filter(|c| !allow.contains(&c.number)),
                );
            }
        }
    }

    // Overlapping candidates become one finding covering all of them, named after the best
    // (an ID before a card before a mobile; then the longer).
    candidates.sort_by_key(|c| (c.first, c.last));
    let mut findings = Vec::new();
    let mut k = 0;
    while k < candidates.len() {
        let (first, mut last) = (candidates[k].first, candidates[k].last);
        let mut best = &candidates[k];
        k += 1;
        while k < candidates.len() && candidates[k].first <= last {
            let c = &candidates[k];
            last = last.max(c.last);
            if (c.kind.priority(), std::cmp::Reverse(c.weight))
                < (best.kind.priority(), std::cmp::Reverse(best.weight))
            {
                best = c;
            }
            k += 1;
        }
        let range = chars[first].start..chars[last].end;
        let (replacement, replacement_md) = replacements(text, &chars, &hidden, first, last);
        findings.push(Finding {
            kind: best.kind,
            range,
            masked: (first..=last).map(|i| if hidden[i] { '*' } else { chars[i].ch }).collect(),
            replacement,
            replacement_md,
        });
    }
    findings
}

/// [`scan_on`] over a long text (a file) in pieces of about 256 KiB cut at line breaks that no
/// number can span (no digit on either side), so memory stays small whatever the file's size.
pub fn scan_long(text: &str, allow: &AllowList, today: Date, kind: TextKind) -> Vec<Finding> {
    const PIECE: usize = 256 * 1024;
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    while start < b.len() {
        let mut end = (start + PIECE).min(b.len());
        while end < b.len() {
            // A line break, comma, bar or tag bracket with no digit on either side; a text with
            // none for another piece's length is cut anyway (at a character boundary).
            let safe = b"\n,|<>;".contains(&b[end])
                && !b[end - 1].is_ascii_digit()
                && !b.get(end + 1).is_some_and(u8::is_ascii_digit);
            if safe || (end - start > 2 * PIECE && text.is_char_boundary(end)) {
                break;
            }
            end += 1;
        }
        for f in scan_kind(&text[start..end], allow, today, kind) {
            out.push(Finding { range: f.range.start + start..f.range.end + start, ..f });
        }
        start = end;
    }
    out
}

/// `char::is_alphabetic` with the common CJK ideographs answered without the table lookup
/// (every character of U+4E00–U+9FFF is alphabetic); the scan asks once per character.
fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    is_ideograph(c) || c.is_alphabetic()
}

/// Whether [`tokenize`] makes a run of ideographs one token; the tests read texts both ways.
fn runs_are_tokens() -> bool {
    #[cfg(test)]
    return !tests::ONE_BY_ONE.get();
    #[cfg(not(test))]
    true
}

/// The common CJK ideographs (U+4E00–U+9FFF): letters, never digits, separators or marks, and
/// NFKC leaves them as they are.
fn is_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A character where the text may be cut and each side read alone exactly as within the whole
/// text: one source character standing alone (not part of an escape, entity or tag), a letter,
/// an ideograph (or a run of them) or plain punctuation (`，` `,` `;` `(`…), never a star, `X`,
/// `+` or a character that starts an escape. No number, escape, entity, tag or Markdown mark
/// reaches across one without swallowing it, and masking never changes it.
fn is_cut(text: &str, c: &Ch) -> bool {
    // A run of ideographs (one token, see [`tokenize`]); an escape or entity that spells one
    // starts with `&`, `%` or `\\`, never with the ideograph itself.
    if c.class == Class::Other && text[c.start..].chars().next().is_some_and(is_ideograph) {
        return true;
    }
    let mut source = text[c.start..c.end].chars();
    let (Some(ch), None) = (source.next(), source.next()) else { return false };
    // Punctuation first: it is common and answered without a table lookup.
    c.class == Class::Other
        && (matches!(
            ch,
            ',' | ';'
                | ':'
                | '('
                | ')'
                | '|'
                | '='
                | '"'
                | '\''
                | '!'
                | '?'
                | '，'
                | '、'
                | '；'
                | '：'
                | '（'
                | '）'
                | '《'
                | '》'
                | '【'
                | '】'
                | '！'
                | '？'
                | '“'
                | '”'
                | '‘'
                | '’'
        ) || is_alphabetic(ch))
}

/// The candidates a reader finds in what masking writes for `chars[toks]` (plainly, or with
/// `\*` for Markdown), as indices into `chars`: the stretch is masked as [`mask_with`] would,
/// tokenized and detected again. Only candidates that hide a character not yet hidden.
fn rescan(
    text: &str,
    chars: &[Ch],
    hidden: &[bool],
    toks: Range<usize>,
    kind: TextKind,
    today: Date,
    escape: bool,
) -> Vec<Candidate> {
    let a = if toks.start == 0 { 0 } else { chars[toks.start].start };
    let b = chars.get(toks.end).map_or(text.len(), |c| c.start);
    let star = if escape { "\\*" } else { "*" };
    let mut masked = String::with_capacity(b - a);
    // origin[k]: the source byte that masked byte k stands for.
    let mut origin: Vec<usize> = Vec::with_capacity(b - a);
    let mut pos = a;
    for i in toks {
        if !hidden[i] {
            continue;
        }
        let c = &chars[i];
        masked.push_str(&text[pos..c.start]);
        origin.extend(pos..c.start);
        for _ in text[c.start..c.end].chars() {
            masked.push_str(star);
            origin.extend(std::iter::repeat_n(c.start, star.len()));
        }
        pos = c.end;
    }
    masked.push_str(&text[pos..b]);
    origin.extend(pos..b);
    let view = tokenize(&masked, kind);
    // The source character a character of the masked text was read from.
    let at = |m: usize| {
        let s = origin[view[m].start];
        let k = chars.partition_point(|c| c.start <= s);
        (k > 0 && s < chars[k - 1].end).then(|| k - 1)
    };
    detect(&view, today)
        .into_iter()
        .filter_map(|mut c| {
            c.first = at(c.first)?;
            c.last = at(c.last)?;
            c.national_start = at(c.national_start)?;
            let mut own: Vec<usize> = c.hidden.iter().filter_map(|&m| at(m)).collect();
            own.dedup();
            c.hidden = own;
            c.hidden.iter().any(|&i| !hidden[i]).then_some(c)
        })
        .collect()
}

/// The source text of `chars[first..=last]` with every hidden character written as one `*` per
/// source character (so lines keep their length), plainly and escaped for Markdown.
fn replacements(
    text: &str,
    chars: &[Ch],
    hidden: &[bool],
    first: usize,
    last: usize,
) -> (String, String) {
    let (mut plain, mut md) = (String::new(), String::new());
    let mut pos = chars[first].start;
    for i in first..=last {
        if !hidden[i] {
            continue;
        }
        let c = &chars[i];
        plain.push_str(&text[pos..c.start]);
        md.push_str(&text[pos..c.start]);
        for _ in text[c.start..c.end].chars() {
            plain.push('*');
            md.push_str("\\*");
        }
        pos = c.end;
    }
    plain.push_str(&text[pos..chars[last].end]);
    md.push_str(&text[pos..chars[last].end]);
    (plain, md)
}

/// Whether the characters between two digit runs join them into one number: one to three
/// separators (spaces, tabs, dashes, dots, middle dots, slashes, underscores, at most one line
/// break), counted after invisible characters and Markdown marks are left out.
fn joins(gap: &[Ch]) -> bool {
    (1..=3).contains(&gap.len())
        && gap.iter().all(|c| matches!(c.class, Class::Sep | Class::Dot | Class::Newline))
        && gap.iter().filter(|c| c.class == Class::Newline).count() <= 1
}

/// Every candidate in `chars` (characters already hidden count as non-digits), overlapping ones
/// included.
fn detect(chars: &[Ch], today: Date) -> Vec<Candidate> {
    // Maximal digit runs.
    let mut runs: Vec<Run> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Class::Digit(_) = chars[i].class {
            let first = i;
            while let Some(Class::Digit(_)) = chars.get(i).map(|c| c.class) {
                i += 1;
            }
            runs.push(Run { first, last: i - 1, decimal: false });
        } else {
            i += 1;
        }
    }

    // Decimal numbers: exactly two runs joined by one dot (`1234567.89`) are an amount. Three or
    // more runs joined by dots (`138.1234.5678`) are a number written with dots.
    let dot_after: Vec<bool> = (0..runs.len())
        .map(|k| {
            runs.get(k + 1).is_some_and(|next| {
                next.first == runs[k].last + 2 && chars[runs[k].last + 1].class == Class::Dot
            })
        })
        .collect();
    let mut k = 0;
    while k < runs.len() {
        let start = k;
        while dot_after[k] {
            k += 1;
        }
        // Unless both parts are long and the pair sits in a longer chain of separated groups
        // (`6222 0212-3456.7890 128`): amounts have short fractions or stand alone.
        if k == start + 1 {
            // On one line: a CSV row's amount must not chain with the next row's date.
            let joined = |a: usize, b: usize| {
                let gap = &chars[runs[a].last + 1..runs[b].first];
                joins(gap) && gap.iter().all(|c| c.class != Class::Newline)
            };
            let in_chain =
                (start > 0 && joined(start - 1, start)) || (k + 1 < runs.len() && joined(k, k + 1));
            let long = runs[start].len() >= 3 && runs[k].len() >= 3;
            if !(long && in_chain) {
                runs[start].decimal = true;
                runs[k].decimal = true;
            }
        }
        k += 1;
    }

    // Chains: runs joined by separators.
    let mut chains: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for k in 0..runs.len() {
        let joined_to_next =
            runs.get(k + 1).is_some_and(|next| joins(&chars[runs[k].last + 1..next.first]));
        if !joined_to_next {
            chains.push(start..k + 1);
            start = k + 1;
        }
    }

    let mut candidates = Vec::new();
    for chain in chains {
        for a in chain.clone() {
            for b in a..chain.end.min(a + 7) {
                let sub = &runs[a..=b];
                if sub.iter().any(|r| r.decimal) {
                    break;
                }
                // Most runs are amounts and dates, too short for any pattern.
                if sub.iter().map(Run::len).sum::<usize>() < MIN_DIGITS {
                    continue;
                }
                // One line break at most inside a number.
                let breaks = chars[sub[0].first..=sub[sub.len() - 1].last]
                    .iter()
                    .filter(|c| c.class == Class::Newline)
                    .count();
                if breaks > 1 {
                    break;
                }
                candidates_for(chars, sub, today, &mut candidates);
            }
        }
    }
    for c in &mut candidates {
        c.hidden = hidden_chars(chars, c);
    }
    candidates
}

/// The fewest digits any pattern of [`candidates_for`] has: a mobile's 11 (IDs have 15 or 18,
/// bank cards 16 to 19).
const MIN_DIGITS: usize = 11;

/// Adds every pattern matched by exactly the runs `sub` (one chain, consecutive).
fn candidates_for(chars: &[Ch], sub: &[Run], today: Date, out: &mut Vec<Candidate>) {
    let groups: Vec<usize> = sub.iter().map(Run::len).collect();
    let digits: String = sub.iter().map(|r| r.digits(chars)).collect();
    let first = sub[0].first;
    let last = sub[sub.len() - 1].last;
    let x_after = matches!(chars.get(last + 1).map(|c| c.class), Some(Class::X));
    // Groups a person writes: none shorter than 3 digits but the last (`6222 0212 3456 7890
    // 128`, `1101 0519 4912 3100 2X`); dates and short codes (`2026-07-15`) have shorter ones.
    let written = |groups: &[usize], min_last: usize| {
        groups.len() == 1
            || (groups[..groups.len() - 1].iter().all(|&g| g >= 3)
                && groups[groups.len() - 1] >= min_last)
    };

    // Resident IDs: the checksum and the birth date make any grouping safe to accept.
    if written(&groups, 1) {
        if digits.len() == 18 && valid_id18(&digits, today) {
            out.push(cand(PiiKind::ResidentId, first, last, digits.clone()));
        } else if digits.len() == 17 && x_after {
            let id = format!("{digits}X");
            if valid_id18(&id, today) {
                out.push(cand(PiiKind::ResidentId, first, last + 1, id));
            }
        } else if digits.len() == 15 && valid_id15(&digits) {
            out.push(cand(PiiKind::ResidentId, first, last, digits.clone()));
        }
    }

    // Bank cards.
    if (16..=19).contains(&digits.len())
        && written(&groups, 1)
        && matches!(digits.as_bytes()[0], b'2'..=b'6' | b'9')
        && luhn(&digits)
    {
        out.push(cand(PiiKind::BankCard, first, last, digits.clone()));
    }

    // Mobiles, with an optional country prefix: a run `86`/`0086` before the number, or the
    // prefix written together with it (`8613812345678`, `008613812345678`).
    let glued = ["86", "0086"]
        .into_iter()
        .find(|p| sub.len() == 1 && digits.len() == 11 + p.len() && digits.starts_with(p));
    let (national_runs, national_digits, prefixed, national_start) =
        if sub.len() >= 2 && matches!(&digits[..groups[0]], "86" | "0086") {
            (&sub[1..], digits[groups[0]..].to_string(), true, sub[1].first)
        } else if let Some(p) = glued {
            (sub, digits[p.len()..].to_string(), true, first + p.len())
        } else {
            (sub, digits.clone(), false, first)
        };
    let ngroups: Vec<usize> = national_runs.iter().map(Run::len).collect();
    // A mobile's digits carry no checksum: only groups of 3 or more, at most 4 of them
    // (`138 1234 5678`, `1381 2345 678`, `138 123 45678`).
    let grouping_ok = if ngroups.len() == 1 {
        ngroups[0] == 11 || glued.is_some()
    } else {
        ngroups.len() <= 4 && ngroups.iter().all(|&g| g >= 3)
    };
    if grouping_ok && is_mobile(&national_digits) {
        let plus = prefixed && first > 0 && chars[first - 1].class == Class::Plus;
        out.push(Candidate {
            kind: PiiKind::Mobile,
            first: if plus { first - 1 } else { first },
            last,
            weight: digits.len(),
            national_start,
            number: national_digits,
            hidden: Vec::new(),
        });
    }
}

fn cand(kind: PiiKind, first: usize, last: usize, number: String) -> Candidate {
    Candidate {
        kind,
        first,
        last,
        weight: number.len(),
        national_start: first,
        number,
        hidden: Vec::new(),
    }
}

fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// Province-level codes in the first two digits of a resident ID.
fn valid_province(d: &str) -> bool {
    matches!(
        d.get(..2).and_then(|p| p.parse::<u8>().ok()),
        Some(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83 | 91)
    )
}

/// 18 characters, ASCII digits and an upper-case `X` at most in the last place.
fn valid_id18(id: &str, today: Date) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !valid_province(id) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) =
        (id[6..10].parse::<i16>(), id[10..12].parse::<i8>(), id[12..14].parse::<i8>())
    else {
        return false;
    };
    if y < 1850 || !Date::new(y, m, d).is_ok_and(|date| date <= today) {
        return false;
    }
    let s: u32 = b[..17].iter().zip(W).map(|(c, w)| (c - b'0') as u32 * w).sum();
    CHECK[(s % 11) as usize] == b[17]
}

fn valid_id15(id: &str) -> bool {
    if id.len() != 15 || !valid_province(id) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) =
        (id[6..8].parse::<i16>(), id[8..10].parse::<i8>(), id[10..12].parse::<i8>())
    else {
        return false;
    };
    Date::new(1900 + y, m, d).is_ok()
}

/// The Luhn checksum of a string of ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = (c - b'0') as u32;
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The characters of candidate `c` that masking hides (see the module docs).
fn hidden_chars(chars: &[Ch], c: &Candidate) -> Vec<usize> {
    let significant: Vec<usize> = (c.national_start..=c.last)
        .filter(|&i| matches!(chars[i].class, Class::Digit(_) | Class::X))
        .collect();
    let n = significant.len();
    significant
        .into_iter()
        .enumerate()
        .filter(|&(pos, _)| match c.kind {
            PiiKind::ResidentId | PiiKind::BankCard => pos + 4 < n,
            PiiKind::Mobile => (3..7).contains(&pos),
        })
        .map(|(_, i)| i)
        .collect()
}

/// `text` with every finding replaced by its masked form (plain text: `*` as is).
pub fn mask_text(text: &str, findings: &[Finding]) -> String {
    mask_with(text, findings, false)
}

/// Like [`mask_text`] for Markdown sources: each `*` is written `\*` so it is not emphasis.
pub fn mask_markdown(text: &str, findings: &[Finding]) -> String {
    mask_with(text, findings, true)
}

fn mask_with(text: &str, findings: &[Finding], escape: bool) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.range.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for f in sorted {
        // Ignore findings that overlap an earlier one or do not fit the text.
        if f.range.start < pos || text.get(f.range.clone()).is_none() {
            continue;
        }
        out.push_str(&text[pos..f.range.start]);
        out.push_str(if escape { &f.replacement_md } else { &f.replacement });
        pos = f.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

crate::messages! {
    /// Errors of this module: personal data in a posting or ledger; `masked` is the only form
    /// ever shown. One message per kind of number, so each has its own code.
    #[derive(Eq)]
    pub enum PrivacyError {
        ResidentId { masked: String } = "privacy.resident-id",
            zh: { found_zh(PiiKind::ResidentId, masked) },
            en: { found_en(PiiKind::ResidentId, masked) };
        Mobile { masked: String } = "privacy.mobile",
            zh: { found_zh(PiiKind::Mobile, masked) },
            en: { found_en(PiiKind::Mobile, masked) };
        BankCard { masked: String } = "privacy.bank-card",
            zh: { found_zh(PiiKind::BankCard, masked) },
            en: { found_en(PiiKind::BankCard, masked) };
    }
}

impl PrivacyError {
    /// The message for a number of `kind`, shown as `masked`.
    pub fn found(kind: PiiKind, masked: String) -> PrivacyError {
        match kind {
            PiiKind::ResidentId => PrivacyError::ResidentId { masked },
            PiiKind::Mobile => PrivacyError::Mobile { masked },
            PiiKind::BankCard => PrivacyError::BankCard { masked },
        }
    }

    /// The last 4 significant characters of the masked number (kept in every format).
    fn last4(masked: &str) -> String {
        let kept: Vec<char> =
            masked.chars().filter(|c| matches!(class(*c), Class::Digit(_) | Class::X)).collect();
        kept[kept.len().saturating_sub(4)..].iter().collect()
    }
}

/// The text of [`PrivacyError`] in Chinese; [`found_en`] is the same in English.
fn found_zh(kind: PiiKind, masked: &str) -> String {
    let k = kind.zh();
    let last4 = PrivacyError::last4(masked);
    let allow = if kind == PiiKind::ResidentId {
        ""
    } else {
        "；如果这是应当公开的号码（如监督电话、集体账户），把它加入 site.toml 的 [privacy] allow 列表"
    };
    format!(
        "发现{k}：{masked}（此处已遮盖）。公开栏上不得出现完整的{k}。修改方法：删除它；或只保留后4位\
         （写成“尾号{last4}”）；或在本篇开头的设置（+++ 之间）中写 privacy = \"mask\"（全站则在 site.toml 中写 \
         [privacy] mode = \"mask\"），由 gongkai 自动遮盖{allow}。"
    )
}

fn found_en(kind: PiiKind, masked: &str) -> String {
    let k = kind.en();
    let last4 = PrivacyError::last4(masked);
    let allow = if kind == PiiKind::ResidentId {
        ""
    } else {
        "; if it is meant to be public (a supervision hotline, a collective's account), add it \
         to the [privacy] allow list in site.toml"
    };
    format!(
        "{k} found: {masked} (masked here). A full {k} must not appear on a public board. To \
         fix: delete it; or keep only the last 4 characters (write \"ending {last4}\"); or write \
         privacy = \"mask\" in this posting's front matter (for the whole site: [privacy] \
         mode = \"mask\" in site.toml) and gongkai masks it{allow}."
    )
}

/// One error per finding at its line and column; the snippet line is masked too (every finding
/// on it), so the full number never appears in a message.
pub fn diagnostics_for(path: &str, text: &str, findings: &[Finding]) -> Vec<Diagnostic> {
    // Masking keeps the number of characters, so masked lines line up with the original.
    let masked_text = mask_text(text, findings);
    findings
        .iter()
        .map(|f| {
            let msg = PrivacyError::found(f.kind, f.masked.clone());
            let mut d = Diagnostic::error(path, msg).at_span(text, f.range.clone());
            if let (Some(snippet), crate::diagnostic::Position::Text { line, .. }) =
                (d.snippet.as_mut(), &d.position)
            {
                snippet.line = masked_text.lines().nth(line - 1).unwrap_or("").to_string();
            }
            d
        })
        .collect()
}

/// What to publish for one Markdown text, and what to report.
#[derive(Debug)]
pub struct Checked {
    /// The text to render: masked (with `\*`) in `Mask` mode, unchanged in `Block` mode.
    pub text: String,
    /// One error per finding in `Block` mode; none in `Mask` mode.
    pub diagnostics: Vec<Diagnostic>,
    /// How many numbers were found (and masked in `Mask` mode).
    pub found: usize,
}

/// Scans a Markdown text (`path` for messages) and applies `mode`: the usual entry point for a
/// posting's body.
pub fn check_markdown(path: &str, text: &str, allow: &AllowList, mode: PrivacyMode) -> Checked {
    let findings = scan(text, allow);
    let found = findings.len();
    match mode {
        PrivacyMode::Block => Checked {
            text: text.to_string(),
            diagnostics: diagnostics_for(path, text, &findings),
            found,
        },
        PrivacyMode::Mask => {
            Checked { text: mask_markdown(text, &findings), diagnostics: Vec::new(), found }
        }
    }
}

/// Scans spreadsheet cells given as `(sheet, cell address, text)`; each finding becomes an error
/// at `path:sheet!cell` (no snippet; the message shows the masked number).
///
/// Numeric cells must be passed as their text: a long number stored as a float has already lost
/// digits and will fail the checksums.
pub fn scan_cells<'a>(
    path: &str,
    cells: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    allow: &AllowList,
) -> Vec<Diagnostic> {
    scan_cells_on(path, cells, allow, crate::date::today_in_china())
}

/// [`scan_cells`] as of a given day.
pub fn scan_cells_on<'a>(
    path: &str,
    cells: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    allow: &AllowList,
    today: Date,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (sheet, cell, value) in cells {
        for f in scan_on(value, allow, today) {
            let msg = PrivacyError::found(f.kind, f.masked);
            out.push(Diagnostic::error(path, msg).at_cell(sheet, cell));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    thread_local! {
        /// Makes [`tokenize`] read each ideograph as a token of its own.
        pub(super) static ONE_BY_ONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn find(text: &str) -> Vec<Finding> {
        scan(text, &AllowList::new())
    }

    #[test]
    fn runs_of_ideographs_as_one_token_find_exactly_the_same() {
        // Random texts of ideographs, digits (plain, full-width, escaped, as entities),
        // separators, marks and masks: the findings with each ideograph a token of its own
        // and with each run one token must be the same.
        const PIECES: &[&str] = &[
            "村",
            "张三",
            "身份证号",
            "电话",
            "1",
            "3",
            "8",
            "0",
            "5",
            "9",
            "13812345678",
            "11010519491231002",
            "X",
            "x",
            "６",
            " ",
            "-",
            "\n",
            "\n\n",
            "，",
            "。",
            ".",
            "*",
            "**",
            "***",
            "&#49;",
            "&#x4E00;",
            "%31",
            "\\",
            "\\*",
            "+86",
            "`",
            "\u{200B}",
            "a",
            "|",
            "<b>",
            "</b>",
            "<p>",
            "6222021234567890128",
            "㐀",
            "一",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let today = crate::date::parse_date("2026-12-07").expect("a date");
        for round in 0..20_000 {
            let n = 1 + (next() % 24) as usize;
            let text: String =
                (0..n).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
            for kind in [TextKind::Plain, TextKind::Markup] {
                let runs = scan_kind(&text, &AllowList::new(), today, kind);
                ONE_BY_ONE.set(true);
                let single = scan_kind(&text, &AllowList::new(), today, kind);
                ONE_BY_ONE.set(false);
                assert_eq!(runs, single, "round {round}: {text:?}");
            }
        }
    }

    #[test]
    fn the_cjk_fast_path_agrees_with_is_alphabetic() {
        for c in ('\u{3000}'..='\u{A000}').chain(['a', '1', '，', 'é']) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
    }

    fn kinds(text: &str) -> Vec<(PiiKind, &str)> {
        find(text).into_iter().map(|f| (f.kind, &text[f.range])).collect()
    }

    #[test]
    fn finds_valid_18_digit_ids() {
        assert_eq!(kinds("11010519491231002X"), [(PiiKind::ResidentId, "11010519491231002X")]);
        assert_eq!(kinds("440524188001010014"), [(PiiKind::ResidentId, "440524188001010014")]);
        assert_eq!(kinds("320102199003071239"), [(PiiKind::ResidentId, "320102199003071239")]);
    }

    #[test]
    fn chinese_text_around_an_id_is_a_boundary() {
        let text = "户主张三，身份证号11010519491231002X，家庭人口3人。";
        let f = find(text);
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].range.clone()], "11010519491231002X");
        assert_eq!(f[0].masked, "**************002X");
    }

    #[test]
    fn lowercase_and_fullwidth_x() {
        assert_eq!(kinds("51012319850101001x")[0].0, PiiKind::ResidentId);
        assert_eq!(kinds("号码11010519491231002ｘ。")[0].1, "11010519491231002ｘ");
    }

    #[test]
    fn rejects_wrong_check_character() {
        assert!(find("110105194912310021").is_empty());
        assert!(find("440524188001010015").is_empty());
        // Right checksums but impossible birth dates: 2000-02-30 and month 13.
        assert!(find("110105200002301237").is_empty());
        assert!(find("11010519901301123X").is_empty());
    }

    #[test]
    fn rejects_future_birth_dates_and_unknown_provinces() {
        let today = Date::new(2026, 11, 25).unwrap();
        // 2027-01-01 birth date with a valid checksum is not an ID (yet).
        let mut id = String::from("11010520270101001");
        id.push(check_char(&id));
        assert!(scan_on(&id, &AllowList::new(), today).is_empty());
        let mut id = String::from("00010519491231002");
        id.push(check_char(&id));
        assert!(scan_on(&id, &AllowList::new(), today).is_empty());
    }

    fn check_char(s: &str) -> char {
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let s: u32 = s.bytes().zip(W).map(|(c, w)| (c - b'0') as u32 * w).sum();
        b"10X98765432"[(s % 11) as usize] as char
    }

    #[test]
    fn an_id_inside_a_longer_number_is_not_an_id() {
        assert!(find("1234110105194912310021234").is_empty());
        assert!(find("0440524188001010014").is_empty());
    }

    #[test]
    fn finds_old_15_digit_ids() {
        let f = find("老身份证 110105491231002 已换领");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, PiiKind::ResidentId);
        assert_eq!(f[0].masked, "***********1002");
        // Month 13 and Feb 30 are not dates.
        assert!(find("110105491331002").is_empty());
        assert!(find("110105490230002").is_empty());
    }

    #[test]
    fn finds_ids_written_in_groups() {
        let text = "110105 19491231 002X";
        let f = find(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, PiiKind::ResidentId);
        assert_eq!(f[0].masked, "****** ******** 002X");
    }

    #[test]
    fn an_id_containing_a_phone_like_run_reports_only_the_id() {
        // 13819199001 inside looks like a mobile, but the run is 18 long: only the ID is found.
        let mut id = String::from("11381919900101001");
        id.push(check_char(&id));
        assert_eq!(kinds(&id), [(PiiKind::ResidentId, id.as_str())]);
        // An 18-character ID that is also Luhn-valid stays an ID.
        let f = find("身份证 440524188001010014 卡号");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, PiiKind::ResidentId);
    }

    #[test]
    fn finds_mobiles_in_all_common_spellings() {
        for (text, number, masked) in [
            ("电话13812345678。", "13812345678", "138****5678"),
            ("电话 138 1234 5678 联系", "138 1234 5678", "138 **** 5678"),
            ("电话138-1234-5678", "138-1234-5678", "138-****-5678"),
            ("+86 138 1234 5678", "+86 138 1234 5678", "+86 138 **** 5678"),
            ("+8613812345678", "+8613812345678", "+86138****5678"),
            ("008613812345678", "008613812345678", "0086138****5678"),
            ("0086 138 1234 5678", "0086 138 1234 5678", "0086 138 **** 5678"),
            ("86-138-1234-5678", "86-138-1234-5678", "86-138-****-5678"),
            ("联系人：王五 19912345678", "19912345678", "199****5678"),
            ("手机：１３８１２３４５６７８", "１３８１２３４５６７８", "１３８****５６７８"),
        ] {
            let f = find(text);
            assert_eq!(f.len(), 1, "{text}");
            assert_eq!(f[0].kind, PiiKind::Mobile, "{text}");
            assert_eq!(&text[f[0].range.clone()], number, "{text}");
            assert_eq!(f[0].masked, masked, "{text}");
            assert_eq!(f[0].masked.chars().count(), number.chars().count());
        }
    }

    #[test]
    fn not_mobiles() {
        assert!(find("12345678901").is_empty(), "starts 12");
        assert!(find("10086123456").is_empty(), "starts 10");
        assert!(find("0571-88886666").is_empty(), "landline");
        assert!(find("（0571）88886666").is_empty(), "landline");
        assert!(find("138123456789").is_empty(), "12 digits");
        assert!(find("213812345678").is_empty(), "inside a longer run");
    }

    #[test]
    fn finds_luhn_valid_cards() {
        for (text, masked) in [
            ("4111111111111111", "************1111"),
            ("6228480012345671", "************5671"),
            ("6222 0212 3456 7890 128", "**** **** **** ***0 128"),
            ("6222-0212-3456-7890-128", "****-****-****-***0-128"),
            ("6222021234567890128", "***************0128"),
            ("4111 1111 1111 1111", "**** **** **** 1111"),
        ] {
            let f = find(&format!("开户行农商行，卡号{text}。"));
            assert_eq!(f.len(), 1, "{text}");
            assert_eq!(f[0].kind, PiiKind::BankCard, "{text}");
            assert_eq!(f[0].masked, masked);
        }
    }

    #[test]
    fn rejects_luhn_invalid_cards_and_odd_groupings() {
        assert!(find("4111111111111112").is_empty());
        assert!(find("6222 0212 3456 7890 129").is_empty());
        assert!(find("6222 0212 3456 7890 00 7").is_empty());
        assert!(find("2026-07-15 2026-09-30").is_empty(), "dates next to each other");
    }

    #[test]
    fn fullwidth_card() {
        let f = find("卡号４１１１１１１１１１１１１１１１");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, PiiKind::BankCard);
        assert_eq!(f[0].masked, "************１１１１");
    }

    #[test]
    fn no_false_alarms_in_finance_text() {
        let text = "\
2026年三季度财务收支公开（公开期间 2026-10-13 至 2026-10-20）
| 日期 | 凭证号 | 摘要 | 收入（元） | 支出（元） | 余额（元） |
|---|---|---|---|---|---|
| 2026-07-01 | 记-0301 | 期初余额 | | | 289,546.52 |
| 2026-07-15 | 记-0302 | 上级拨付道路维修款 | 1234567.89 | | 1,524,114.41 |
| 2026-09-30 | 记-0345 | 支付工程款 | | 120,000.00 | 1,404,114.41 |
本月合计 20260930 核对，合计 123456789012345678 分，编号 12345678901，
监督电话：0571-88886666，举报地址：青石村村委会。审核人：民主理财小组 2026年10月13日
";
        assert_eq!(find(text), []);
    }

    #[test]
    fn decimal_numbers_are_amounts() {
        assert!(find("13812345678.00").is_empty());
        assert!(find("0.4111111111111111").is_empty());
    }

    #[test]
    fn overlapping_candidates_resolve_to_one() {
        // A phone written after its country code, and an ID next to a phone on one line.
        let text = "张三 11010519491231002X 13812345678";
        let f = find(text);
        assert_eq!(
            f.iter().map(|f| f.kind).collect::<Vec<_>>(),
            [PiiKind::ResidentId, PiiKind::Mobile]
        );
        assert!(f[0].range.end <= f[1].range.start);
    }

    #[test]
    fn numbers_listed_with_spaces_are_all_found() {
        // Found by the fuzzer: a phone followed by a card on one space-separated line.
        let text = "1611111 1192 4111111111111111";
        let f = find(text);
        assert_eq!(
            f.iter().map(|f| f.kind).collect::<Vec<_>>(),
            [PiiKind::Mobile, PiiKind::BankCard]
        );
        // Four or more stars read as text, not emphasis: nothing joins across them, so each
        // number keeps its usual visible digits.
        let masked = mask_text(text, &f);
        assert_eq!(masked, "161**** 1192 ************1111");
        assert_eq!(find(&masked), []);
        assert_eq!(find(&mask_markdown(text, &f)), []);
        let text = "王五 138 1234 5678 6222 0212 3456 7890 128";
        let masked = mask_text(text, &find(text));
        assert!(!masked.contains("1234") && !masked.contains("6222"), "{masked}");
        assert!(find(&masked).is_empty(), "{masked}");
    }

    /// `prefix` followed by the digit that makes it pass the Luhn check.
    fn luhn_complete(prefix: &str) -> String {
        (0..10).map(|d| format!("{prefix}{d}")).find(|n| luhn(n)).unwrap_or_default()
    }

    #[test]
    fn masking_leaves_nothing_readable_across_stars_or_neighbours() {
        // A mobile's kept `5678` reads on into the card groups after it once `1234` is hidden.
        let card_after_mobile = format!("电话13812345678 {}。", {
            let c = luhn_complete("567811112222333");
            format!("{} {} {} {}", &c[..4], &c[4..8], &c[8..12], &c[12..])
        });
        // A card's kept last group starts a mobile with the groups after it.
        let mobile_after_card = "卡号4111 1111 1111 1111 1381 2345 678";
        let cases: &[(&str, &[&str])] = &[
            ("电话138*1234*5678。", &["1234"]),
            ("电话**138**12345678。", &["1234"]),
            ("电话*138*1234 5678 备用", &["1234"]),
            ("电话138*12345678*，", &["1234"]),
            ("卡号4111*1111*1111*1111，", &["4111*1111"]),
            ("身份证**110105**19491231002X。", &["110105", "19491231"]),
            ("电话138**1234**5678\n13912345678", &["1234", "91234"]),
            (&card_after_mobile, &["1234", "1111 2222"]),
            (mobile_after_card, &["1111 1111", "2345"]),
        ];
        for &(text, gone) in cases {
            let f = find(text);
            assert!(!f.is_empty(), "{text:?}");
            for masked in [mask_text(text, &f), mask_markdown(text, &f)] {
                assert_eq!(find(&masked), [], "{text:?} -> {masked:?}");
                for g in gone {
                    assert!(!masked.contains(g), "{text:?} -> {masked:?} shows {g}");
                }
            }
        }
    }

    #[test]
    fn digits_left_by_one_match_cannot_form_another() {
        // A card's visible last group next to more digit groups is scanned again after masking.
        let text = "4111 1111 1111 1111 1381 2345 678";
        let f = find(text);
        let masked = mask_text(text, &f);
        assert!(find(&masked).is_empty(), "{masked}");
        assert!(!masked.contains("1111 1111"), "{masked}");
    }

    #[test]
    fn mask_text_replaces_every_finding() {
        let text =
            "户主：李四，身份证11010519491231002X，电话138-1234-5678，卡号4111111111111111。";
        let f = find(text);
        assert_eq!(f.len(), 3);
        let masked = mask_text(text, &f);
        assert_eq!(
            masked,
            "户主：李四，身份证**************002X，电话138-****-5678，卡号************1111。"
        );
        assert_eq!(masked.chars().count(), text.chars().count());
        assert!(mask_markdown(text, &f).contains("138-\\*\\*\\*\\*-5678"));
    }

    #[test]
    fn allow_list_skips_public_numbers() {
        let cfg: PrivacyConfig = toml::from_str(
            "mode = \"mask\"\nallow = [\"+86 139-1234-5678\", \"4111 1111 1111 1111\"]",
        )
        .unwrap();
        assert_eq!(cfg.mode, PrivacyMode::Mask);
        let allow = AllowList::from_config(&cfg, ["监督电话 138 1234 5678 / 0571-88886666"]);
        let text = "监督电话13812345678，13912345678，13712345678，卡4111111111111111";
        let f = scan(text, &allow);
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].range.clone()], "13712345678");
        assert!(allow.contains("１３８ １２３４ ５６７８"));
        assert!(!allow.contains("13712345678"));
    }

    #[test]
    fn privacy_config_defaults_and_rejects_unknown_keys() {
        let cfg: PrivacyConfig = toml::from_str("").unwrap();
        assert_eq!(cfg, PrivacyConfig { mode: PrivacyMode::Block, allow: vec![] });
        assert!(toml::from_str::<PrivacyConfig>("mode = \"hide\"").is_err());
        assert!(toml::from_str::<PrivacyConfig>("allowed = []").is_err());
        assert_eq!(
            PrivacyMode::effective(PrivacyMode::Block, Some(PrivacyMode::Mask)),
            PrivacyMode::Mask
        );
        assert_eq!(PrivacyMode::effective(PrivacyMode::Mask, None), PrivacyMode::Mask);
    }

    #[test]
    fn messages_never_show_the_full_number() {
        let text = "# 低保名单\n\n| 户主 | 身份证号 | 电话 |\n|---|---|---|\n| 王五 | 44052418800101001４ | +86 138 1234 5678 |\n卡号 6222 0212 3456 7890 128\n";
        let f = find(text);
        assert_eq!(f.len(), 3);
        let ds = diagnostics_for("content/dibao.md", text, &f);
        assert_eq!(ds.len(), 3);
        assert_eq!(ds[0].location(), "content/dibao.md:5:8");
        assert_eq!(ds[1].location(), "content/dibao.md:5:29");
        assert_eq!(ds[2].location(), "content/dibao.md:6:4");
        let fulls =
            ["440524188001010014", "44052418800101001４", "13812345678", "6222021234567890128"];
        for d in &ds {
            for lang in [Lang::Zh, Lang::En] {
                let out = d.render(lang);
                let digits: String = out
                    .chars()
                    .filter_map(|c| match class(c) {
                        Class::Digit(d) => Some((b'0' + d) as char),
                        Class::X => Some('X'),
                        _ => None,
                    })
                    .collect();
                for full in fulls {
                    assert!(!out.contains(full), "{out}");
                    assert!(!digits.contains(&normalize_number(full)), "{out}");
                }
                let snippet = d.snippet.as_ref().unwrap();
                assert!(snippet.line.contains('*'), "{out}");
            }
        }
        let zh = ds[0].render(Lang::Zh);
        assert!(zh.contains("身份证号"), "{zh}");
        assert!(zh.contains("**************001４"), "{zh}");
        assert!(zh.contains("privacy = \"mask\""), "{zh}");
        assert!(zh.contains("[privacy] mode = \"mask\""), "{zh}");
        assert!(zh.contains("后4位"), "{zh}");
        let en = ds[1].render(Lang::En);
        assert!(en.contains("mobile phone number"), "{en}");
        assert!(en.contains("[privacy] allow"), "{en}");
        assert_eq!(ds[2].message.code(), "privacy.bank-card");
    }

    #[test]
    fn check_markdown_blocks_or_masks() {
        let text = "联系人电话：13812345678，监督电话：13912345678。";
        let mut allow = AllowList::new();
        allow.add("139-1234-5678");
        let blocked = check_markdown("content/a.md", text, &allow, PrivacyMode::Block);
        assert_eq!((blocked.found, blocked.diagnostics.len()), (1, 1));
        assert_eq!(blocked.text, text);
        let masked = check_markdown("content/a.md", text, &allow, PrivacyMode::Mask);
        assert!(masked.diagnostics.is_empty());
        assert_eq!(masked.text, "联系人电话：138\\*\\*\\*\\*5678，监督电话：13912345678。");
    }

    #[test]
    fn cells_point_at_sheet_and_cell() {
        let ds = scan_cells(
            "ledgers/2026q3.xlsx",
            [("三季度", "D17", "11010519491231002X"), ("三季度", "D18", "289,546.52")],
            &AllowList::new(),
        );
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].location(), "ledgers/2026q3.xlsx:三季度!D17");
        assert!(!ds[0].render(Lang::Zh).contains("11010519491231002X"));
    }

    /// Each disguise: (text, kind, the source text found, masked as messages show it).
    fn check_disguises(cases: &[(&str, PiiKind, &str, &str)]) {
        for &(text, kind, source, masked) in cases {
            let f = find(text);
            assert_eq!(f.len(), 1, "{text:?}: {f:?}");
            assert_eq!(f[0].kind, kind, "{text:?}");
            assert_eq!(&text[f[0].range.clone()], source, "{text:?}");
            assert_eq!(f[0].masked, masked, "{text:?}");
            // What masking publishes is clean when scanned again, in either form.
            assert_eq!(find(&mask_markdown(text, &f)), [], "{text:?}");
            assert_eq!(find(&mask_text(text, &f)), [], "{text:?}");
        }
    }

    #[test]
    fn disguise_separators_in_any_grouping() {
        use PiiKind::*;
        check_disguises(&[
            (
                "身份证 1101 0519 4912 3100 2X。",
                ResidentId,
                "1101 0519 4912 3100 2X",
                "**** **** **** **00 2X",
            ),
            (
                "身份证 110105 1949 1231 002X。",
                ResidentId,
                "110105 1949 1231 002X",
                "****** **** **** 002X",
            ),
            ("电话 1381 2345 678。", Mobile, "1381 2345 678", "138* ***5 678"),
            ("电话 138 123 45678。", Mobile, "138 123 45678", "138 *** *5678"),
            (
                "卡号 622202 1234567890128。",
                BankCard,
                "622202 1234567890128",
                "****** *********0128",
            ),
            (
                "卡号 6222 0212 3456 7890 128。",
                BankCard,
                "6222 0212 3456 7890 128",
                "**** **** **** ***0 128",
            ),
            ("电话 138  1234  5678。", Mobile, "138  1234  5678", "138  ****  5678"),
            (
                "卡号 4111  1111  1111  1111。",
                BankCard,
                "4111  1111  1111  1111",
                "****  ****  ****  1111",
            ),
            ("电话 138 1234\n5678。", Mobile, "138 1234\n5678", "138 ****\n5678"),
            ("电话\t138\t1234\t5678\t", Mobile, "138\t1234\t5678", "138\t****\t5678"),
            (
                "身份证 110105\t19491231\t002X",
                ResidentId,
                "110105\t19491231\t002X",
                "******\t********\t002X",
            ),
            ("电话 138.1234.5678。", Mobile, "138.1234.5678", "138.****.5678"),
            (
                "卡号 6222.0212.3456.7890.128。",
                BankCard,
                "6222.0212.3456.7890.128",
                "****.****.****.***0.128",
            ),
            ("电话 138·1234·5678。", Mobile, "138·1234·5678", "138·****·5678"),
            (
                "身份证 110105·19491231·002X。",
                ResidentId,
                "110105·19491231·002X",
                "******·********·002X",
            ),
            ("电话 138/1234/5678。", Mobile, "138/1234/5678", "138/****/5678"),
            (
                "卡号 6222/0212/3456/7890/128。",
                BankCard,
                "6222/0212/3456/7890/128",
                "****/****/****/***0/128",
            ),
            ("电话 138_1234_5678。", Mobile, "138_1234_5678", "138_****_5678"),
            (
                "身份证 110105_19491231_002X。",
                ResidentId,
                "110105_19491231_002X",
                "******_********_002X",
            ),
            ("电话 138-1234 5678。", Mobile, "138-1234 5678", "138-**** 5678"),
            (
                "卡号 6222 0212-3456.7890 128。",
                BankCard,
                "6222 0212-3456.7890 128",
                "**** ****-****.***0 128",
            ),
        ]);
    }

    #[test]
    fn disguise_invisible_and_encoded_characters() {
        use PiiKind::*;
        check_disguises(&[
            (
                "电话138\u{200B}1234\u{200B}5678。",
                Mobile,
                "138\u{200B}1234\u{200B}5678",
                "138****5678",
            ),
            (
                "身份证1101\u{200B}0519491231002X。",
                ResidentId,
                "1101\u{200B}0519491231002X",
                "**************002X",
            ),
            ("电话13812\u{2060}345678。", Mobile, "13812\u{2060}345678", "138****5678"),
            (
                "卡号4111\u{2060}1111\u{2060}1111\u{2060}1111",
                BankCard,
                "4111\u{2060}1111\u{2060}1111\u{2060}1111",
                "************1111",
            ),
            (
                "身份证110105\u{AD}19491231002X。",
                ResidentId,
                "110105\u{AD}19491231002X",
                "**************002X",
            ),
            ("电话138\u{AD}1234\u{AD}5678。", Mobile, "138\u{AD}1234\u{AD}5678", "138****5678"),
            ("电话138&nbsp;1234&nbsp;5678。", Mobile, "138&nbsp;1234&nbsp;5678", "138 **** 5678"),
            (
                "卡号6222&nbsp;0212&nbsp;3456&nbsp;7890&nbsp;128",
                BankCard,
                "6222&nbsp;0212&nbsp;3456&nbsp;7890&nbsp;128",
                "**** **** **** ***0 128",
            ),
            ("电话&#49;3812345678。", Mobile, "&#49;3812345678", "138****5678"),
            ("电话138&#x31;234&#X35;678。", Mobile, "138&#x31;234&#X35;678", "138****5678"),
            ("title = \"电话138\\u00312345678\"", Mobile, "138\\u00312345678", "138****5678"),
            (
                "title = \"电话\\U0000003138 1234 5678\"",
                Mobile,
                "\\U0000003138 1234 5678",
                "138 **** 5678",
            ),
            (
                "body = \"\"\"电话138\\\n    12345678\"\"\"",
                Mobile,
                "138\\\n    12345678",
                "138****5678",
            ),
            (
                "body = \"\"\"身份证110105\\\n  19491231002X\"\"\"",
                ResidentId,
                "110105\\\n  19491231002X",
                "**************002X",
            ),
            (
                "[拨打](tel:%2B86%20138%201234%205678)",
                Mobile,
                "%2B86%20138%201234%205678",
                "+86 138 **** 5678",
            ),
            ("[拨打](tel:138%2D1234%2D5678)", Mobile, "138%2D1234%2D5678", "138-****-5678"),
            ("电话𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖。", Mobile, "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "138****5678"),
            ("①13812345678", Mobile, "13812345678", "138****5678"),
        ]);
    }

    #[test]
    fn disguise_markdown_splitting_a_number() {
        use PiiKind::*;
        check_disguises(&[
            ("电话**138**12345678。", Mobile, "138**12345678", "138****5678"),
            ("电话138*1234*5678。", Mobile, "138*1234*5678", "138****5678"),
            ("电话`138`1234`5678`。", Mobile, "138`1234`5678", "138****5678"),
            ("身份证`110105`19491231002X", ResidentId, "110105`19491231002X", "**************002X"),
            ("电话138\\-1234\\-5678。", Mobile, "138\\-1234\\-5678", "138-****-5678"),
            (
                "卡号6222\\_0212\\_3456\\_7890\\_128",
                BankCard,
                "6222\\_0212\\_3456\\_7890\\_128",
                "****_****_****_***0_128",
            ),
            ("电话~~138~~12345678", Mobile, "138~~12345678", "138****5678"),
        ]);
    }

    #[test]
    fn no_false_alarms_with_the_new_separators() {
        let text = "\
公开期间 2026.10.13 至 2026.10.20，2026/10/13 张贴，2026_10_13 存档。
| 2026-07-01 | 记-0301 | 期初余额 | 289 546.52 | 1 524 114.41 |
凭证号 记·0301 记·0302 记·0303，第 1/2 页，版本 1.2.3，面积 120m²。
2026-07-03,记-0702,保洁员工资,保洁费,,1800.005
2026-07-04,记-0703,保洁员工资,保洁费,,1800.00
合计 1234567.89 元；13812345678.00 元；7890.128 元；
日期 2026-07-15 2026-09-30 2026-10-01；编号 0301 0302 0303 0304；
4111 1111 1111 1112（校验不通过）；110105 19491231 0021（校验不通过）；
**合计**：*1,234.00* 元；`记-0345`；\\*\\*\\*\\*5678；138****5678（已遮盖）
";
        assert_eq!(find(text), []);
    }

    proptest::proptest! {
        #[test]
        fn scan_never_panics_and_ranges_are_char_boundaries(s in "\\PC*") {
            let f = find(&s);
            for x in &f {
                proptest::prop_assert!(s.is_char_boundary(x.range.start));
                proptest::prop_assert!(s.is_char_boundary(x.range.end));
                proptest::prop_assert_eq!(x.masked.chars().count(), s[x.range.clone()].chars().count());
            }
            let masked = mask_text(&s, &f);
            proptest::prop_assert_eq!(masked.chars().count(), s.chars().count());
        }

        #[test]
        fn digit_soup_is_clean_after_masking(s in "[0-9０-９xX +\\-.一]{0,60}") {
            let f = find(&s);
            // Markdown masking: what a posting publishes (plain `*` may be emphasis in Markdown).
            let masked = mask_markdown(&s, &f);
            for x in &f {
                proptest::prop_assert!(s.is_char_boundary(x.range.start) && s.is_char_boundary(x.range.end));
                proptest::prop_assert!(x.masked.contains('*'));
            }
            proptest::prop_assert_eq!(find(&masked), vec![]);
        }

        #[test]
        fn star_soup_is_clean_after_masking(s in "[0-9*\\\\ \n`x-]{0,60}") {
            let f = find(&s);
            for masked in [mask_text(&s, &f), mask_markdown(&s, &f)] {
                proptest::prop_assert_eq!(find(&masked), vec![], "{:?} -> {:?}", s, masked);
            }
        }

        #[test]
        fn grouped_numbers_are_clean_after_masking(
            s in "(\\+?86[ -])?([1-9][0-9]{0,5}[ -]){0,5}[0-9]{1,19}[xX]?"
        ) {
            let f = find(&s);
            let masked = mask_markdown(&s, &f);
            proptest::prop_assert_eq!(find(&masked), vec![], "{} -> {}", s, masked);
        }

        #[test]
        fn valid_ids_are_always_found(
            region in "(11|32|44|51)[0-9]{4}", y in 1900i16..2020, m in 1i8..=12, d in 1i8..=28,
            seq in "[0-9]{3}", before in "[^0-9０-９%&\\\\\\p{N}]{0,3}", after in "[^0-9０-９xXｘＸ\\p{N}]{0,3}"
        ) {
            let mut id = format!("{region}{y:04}{m:02}{d:02}{seq}");
            id.push(check_char(&id));
            let text = format!("{before}{id}{after}");
            let f = find(&text);
            proptest::prop_assert_eq!(f.len(), 1);
            proptest::prop_assert_eq!(f[0].kind, PiiKind::ResidentId);
            proptest::prop_assert_eq!(&text[f[0].range.clone()], id.as_str());
        }
    }
}
