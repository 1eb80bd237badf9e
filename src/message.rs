//! The message catalogue: every message a clerk can see is defined once, with its stable code and
//! its Chinese and English text side by side, by the [`messages!`](crate::messages) macro.
//!
//! A message is plain data (`Clone`, `PartialEq`, serialised as its code and fields); text in a
//! language is produced only when it is shown, and the language is chosen at the edge (the CLI in
//! `src/cmd`, the preview's overlay, the workbench, JSON output), never below.

use serde::Serialize;

/// Which language messages are shown in. Clerks read Chinese; maintainers may set `GONGKAI_LANG=en`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// One message of the catalogue as written in its definition, for the catalogue's own checks.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub code: &'static str,
    /// The Chinese text's source (a format string, or the block that builds it).
    pub zh: &'static str,
    /// The English text's source.
    pub en: &'static str,
}

/// A message as a [`crate::diagnostic::Diagnostic`] carries it: its code and fields as data, with
/// both texts, so a copy is the same message and two messages compare as data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Msg {
    pub code: &'static str,
    /// The message's fields by name (`{"sheet": "三季度", ...}`).
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    #[serde(skip)]
    zh: String,
    #[serde(skip)]
    en: String,
}

impl Msg {
    /// Builds a message from its parts; the `messages!` macro does this for every message.
    pub fn new(code: &'static str, fields: impl Serialize, zh: String, en: String) -> Msg {
        let fields = match serde_json::to_value(fields) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("code");
                map
            }
            _ => serde_json::Map::new(),
        };
        Msg { code, fields, zh, en }
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn zh(&self) -> &str {
        &self.zh
    }

    pub fn en(&self) -> &str {
        &self.en
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Defines messages, each once with its code, Chinese and English text side by side:
///
/// ```ignore
/// crate::messages! {
///     /// Problems of a ledger.
///     pub enum LedgerError {
///         TotalMismatch { what: Total, declared: Fen, computed: Fen } = "ledger.total-mismatch",
///             zh: { format!("{}填写为 {} 元", what.zh(), format_yuan(*declared)) },
///             en: { format!("{} declared {}", what.en(), format_yuan(*declared)) };
///         MissingDate = "ledger.missing-date", zh: "这一行缺少日期", en: "row has no date";
///         Locked(path: String) = "output.locked", zh: "{path} 已锁定", en: "{path} is locked";
///         /// A limit problem, shown as the limit's own message.
///         Limit(limit: LimitError) => limit;
///     }
/// }
/// crate::messages! {
///     pub struct MissingYear { pub year: i16 } = "calendar.missing-year",
///         zh: "缺少 {year} 年的节假日安排", en: "no calendar for {year}";
/// }
/// ```
///
/// A text is either a format string whose `{name}`s are the message's fields, or a block building
/// the text from the fields (bound by reference), for amounts, lists and optional parts such as
/// a did-you-mean suggestion. A tuple variant names its parts (`Locked(path: String)`), so the
/// texts and the serialised form can use them. `Variant(field: Type) => field;` wraps another
/// message type and shows its message unchanged.
///
/// The type gets `Debug`, `Clone`, `PartialEq`, `Serialize` (`{"code": ..., field: value, ...}`),
/// `Display` (the English text), `std::error::Error`, `code()`, `zh()`, `en()`, `text(lang)`,
/// `CATALOGUE` (for the catalogue's checks) and `Into<Msg>`.
#[macro_export]
macro_rules! messages {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($body:tt)* }) => {
        $crate::messages!(@munch [$(#[$m])*] [$vis] $name [] [] $($body)*);
    };
    ($(#[$m:meta])* $vis:vis struct $name:ident
        { $($(#[$fm:meta])* $fv:vis $f:ident : $t:ty),* $(,)? }
        = $code:literal, zh: $zh:tt, en: $en:tt;) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq)]
        $vis struct $name { $($(#[$fm])* $fv $f: $t),* }
        $crate::messages!(@impls $name [[[Self { $($f),* }] [$($f)*] $code $zh $en]] []);
    };
    ($(#[$m:meta])* $vis:vis struct $name:ident
        ( $($(#[$fm:meta])* $fv:vis $f:ident : $t:ty),* $(,)? )
        = $code:literal, zh: $zh:tt, en: $en:tt;) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq)]
        $vis struct $name ($($(#[$fm])* $fv $t),*);
        $crate::messages!(@impls $name [[[Self ( $($f),* )] [$($f)*] $code $zh $en]] []);
    };
    // `Variant { field: Type, ... } = "code", zh: ..., en: ...;`
    (@munch $m:tt $vis:tt $name:ident [$($msg:tt)*] $via:tt
        $(#[$vm:meta])* $v:ident { $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)? }
        = $code:literal, zh: $zh:tt, en: $en:tt; $($rest:tt)*) => {
        $crate::messages!(@munch $m $vis $name
            [$($msg)* [[$(#[$vm])*] $v [{ $($(#[$fm])* $f: $t),* }] [Self::$v { $($f),* }] [$($f)*] $code $zh $en]]
            $via $($rest)*);
    };
    // `Variant(field: Type, ...) = "code", zh: ..., en: ...;` (a tuple variant with named parts)
    (@munch $m:tt $vis:tt $name:ident [$($msg:tt)*] $via:tt
        $(#[$vm:meta])* $v:ident ( $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)? )
        = $code:literal, zh: $zh:tt, en: $en:tt; $($rest:tt)*) => {
        $crate::messages!(@munch $m $vis $name
            [$($msg)* [[$(#[$vm])*] $v [( $($(#[$fm])* $t),* )] [Self::$v ( $($f),* )] [$($f)*] $code $zh $en]]
            $via $($rest)*);
    };
    // `Variant = "code", zh: ..., en: ...;`
    (@munch $m:tt $vis:tt $name:ident [$($msg:tt)*] $via:tt
        $(#[$vm:meta])* $v:ident
        = $code:literal, zh: $zh:tt, en: $en:tt; $($rest:tt)*) => {
        $crate::messages!(@munch $m $vis $name
            [$($msg)* [[$(#[$vm])*] $v [] [Self::$v] [] $code $zh $en]]
            $via $($rest)*);
    };
    // `Variant(inner: Type) => inner;` shows another message type's message.
    (@munch $m:tt $vis:tt $name:ident $msg:tt [$($via:tt)*]
        $(#[$vm:meta])* $v:ident ( $f:ident : $t:ty ) => $f2:ident; $($rest:tt)*) => {
        $crate::messages!(@munch $m $vis $name $msg
            [$($via)* [[$(#[$vm])*] $v $f $t]] $($rest)*);
    };
    (@munch [$($m:tt)*] [$vis:vis] $name:ident
        [$([[$($vm:tt)*] $v:ident [$($decl:tt)*] $pat:tt $fs:tt $code:literal $zh:tt $en:tt])*]
        [$([[$($wm:tt)*] $w:ident $wf:ident $wt:ty])*]) => {
        $($m)*
        #[derive(Debug, Clone, PartialEq)]
        $vis enum $name {
            $($($vm)* $v $($decl)*,)*
            $($($wm)* $w($wt),)*
        }
        $crate::messages!(@impls $name [$([$pat $fs $code $zh $en])*] [$([$w $wf])*]);
    };
    (@impls $name:ident
        [$([[$($pat:tt)*] [$($f:ident)*] $code:literal $zh:tt $en:tt])*]
        [$([$w:ident $wf:ident])*]) => {
        #[allow(unused_variables)]
        impl $name {
            /// Every message of this type as defined (a wrapped type lists its own).
            pub const CATALOGUE: &'static [$crate::message::Entry] = &[
                $($crate::message::Entry { code: $code, zh: stringify!($zh), en: stringify!($en) },)*
            ];

            /// Stable machine-readable code, e.g. `ledger.total-mismatch`.
            pub fn code(&self) -> &'static str {
                match self {
                    $($($pat)* => $code,)*
                    $(Self::$w($wf) => $wf.code(),)*
                }
            }

            pub fn zh(&self) -> String {
                match self {
                    $($($pat)* => $crate::messages!(@text $zh),)*
                    $(Self::$w($wf) => $wf.zh(),)*
                }
            }

            pub fn en(&self) -> String {
                match self {
                    $($($pat)* => $crate::messages!(@text $en),)*
                    $(Self::$w($wf) => $wf.en(),)*
                }
            }

            /// The text in `lang`.
            pub fn text(&self, lang: $crate::message::Lang) -> String {
                match lang {
                    $crate::message::Lang::Zh => self.zh(),
                    $crate::message::Lang::En => self.en(),
                }
            }
        }

        impl ::serde::Serialize for $name {
            #[allow(unused_variables)]
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                #[allow(unreachable_patterns)]
                let mut map = match self {
                    $(Self::$w($wf) => return ::serde::Serialize::serialize($wf, serializer),)*
                    _ => serializer.serialize_map(None)?,
                };
                map.serialize_entry("code", self.code())?;
                #[allow(unreachable_patterns)]
                match self {
                    $($($pat)* => { $(map.serialize_entry(stringify!($f), $f)?;)* })*
                    _ => {}
                }
                map.end()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.en())
            }
        }

        impl ::std::error::Error for $name {}

        impl From<$name> for $crate::message::Msg {
            fn from(m: $name) -> Self {
                $crate::message::Msg::new(m.code(), &m, m.zh(), m.en())
            }
        }

        impl From<&$name> for $crate::message::Msg {
            fn from(m: &$name) -> Self {
                $crate::message::Msg::new(m.code(), m, m.zh(), m.en())
            }
        }
    };
    (@text $s:literal) => { format!($s) };
    (@text $b:block) => {{
        let text: String = $b.into();
        text
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::PiiKind;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }

    /// The end (exclusive) of the string literal starting at `i` (`"…"`, with escapes).
    fn literal_end(s: &[u8], i: usize) -> usize {
        let mut j = i + 1;
        while j < s.len() && s[j] != b'"' {
            j += if s[j] == b'\\' { 2 } else { 1 };
        }
        j + 1
    }

    /// The end (exclusive) of the text starting at `i`: a literal or a `{ … }` block.
    fn text_end(s: &[u8], i: usize) -> usize {
        if s[i] == b'"' {
            return literal_end(s, i);
        }
        assert_eq!(s[i], b'{', "a text is a literal or a block");
        let (mut depth, mut j) = (0, i);
        loop {
            match s[j] {
                b'"' => {
                    j = literal_end(s, j);
                    continue;
                }
                b'\'' if j + 2 < s.len() && s[j + 2] == b'\'' => j += 2,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
    }

    /// Every message written with `messages!` in `src/`: (code, zh text, en text, file).
    fn catalogue() -> Vec<(String, String, String, String)> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut out = Vec::new();
        for f in files {
            if f.ends_with("message.rs") {
                continue; // the macro's own documentation
            }
            let text = std::fs::read_to_string(&f).unwrap();
            let s = text.as_bytes();
            let mut at = 0;
            // `crate::messages!` in the library, `gongkai::messages!` in the CLI.
            while let Some(found) = text[at..].find("messages! {") {
                let start = at + found + "messages! ".len();
                let end = text_end(s, start);
                let block = &text[start..end];
                // `= "code",` followed by `zh:` starts each message.
                let mut k = 0;
                while let Some(eq) = block[k..].find("= \"") {
                    let c0 = k + eq + 2;
                    let c1 = literal_end(block.as_bytes(), c0);
                    let code = block[c0 + 1..c1 - 1].to_string();
                    let rest = block[c1..].trim_start_matches([',', ' ', '\n']);
                    let Some(zh_rest) = rest.strip_prefix("zh: ") else {
                        k = c1;
                        continue;
                    };
                    let z0 = block.len() - zh_rest.len();
                    let z1 = text_end(block.as_bytes(), z0);
                    let after = block[z1..].trim_start_matches([',', ' ', '\n']);
                    let en_rest = after.strip_prefix("en: ").unwrap_or_else(|| {
                        panic!("{}: `{code}` has no en text after its zh", f.display())
                    });
                    let e0 = block.len() - en_rest.len();
                    let e1 = text_end(block.as_bytes(), e0);
                    let shown = f.strip_prefix(&src).unwrap().display().to_string();
                    out.push((code, block[z0..z1].into(), block[e0..e1].into(), shown));
                    k = e1;
                }
                at = end;
            }
        }
        out
    }

    /// A text's words: a literal's content, or the string literals of a block.
    fn words(text: &str) -> String {
        let s = text.as_bytes();
        let mut out = String::new();
        let mut j = 0;
        while j < s.len() {
            if s[j] == b'"' {
                let e = literal_end(s, j);
                out.push_str(&text[j + 1..e - 1]);
                j = e;
            } else {
                j += 1;
            }
        }
        out
    }

    #[test]
    fn every_code_is_unique_and_every_message_has_both_texts() {
        let all = catalogue();
        // The scan sees what the macro sees (checked on types this module can name).
        let ledger = all.iter().filter(|m| m.3 == "ledger/error.rs").count();
        assert_eq!(ledger, crate::ledger::LedgerError::CATALOGUE.len());
        let notice = all.iter().filter(|m| m.3 == "notice/mod.rs").count();
        assert_eq!(notice, crate::notice::NoticeError::CATALOGUE.len());
        assert!(all.len() > 200, "only {} messages found", all.len());

        // Texts built by a function (one text for several codes, or words another module owns)
        // are checked by building them.
        let mut built: Vec<(String, String, String)> =
            [PiiKind::ResidentId, PiiKind::Mobile, PiiKind::BankCard]
                .into_iter()
                .map(|k| {
                    let m = crate::privacy::PrivacyError::found(k, "138****5678".into());
                    (m.code().to_string(), m.zh(), m.en())
                })
                .collect();
        let end = jiff::civil::Date::new(2026, 10, 13).unwrap();
        let notice = crate::workbench::postings::StateLabel::Notice {
            status: crate::notice::Status::Ended { end },
            count: crate::notice::Count::Working,
        };
        built.push((notice.code().to_string(), notice.zh(), notice.en()));
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let mut problems = Vec::new();
        for (code, zh, en, file) in &all {
            if let Some(other) = seen.insert(code, file) {
                problems.push(format!("{code} is defined twice ({other}, {file})"));
            }
            let valid = !code.is_empty()
                && code.contains('.')
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c));
            if !valid {
                problems.push(format!("{file}: code `{code}` is not like `ledger.total-mismatch`"));
            }
            let (zh, en) = match built.iter().find(|b| &b.0 == code) {
                Some((_, z, e)) => (&format!("\"{z}\""), &format!("\"{e}\"")),
                None => (zh, en),
            };
            for (lang, text) in [("zh", zh), ("en", en)] {
                if words(text).trim().is_empty() {
                    problems.push(format!("{file}: {code} has an empty {lang} text"));
                }
            }
            if !words(zh).chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                problems.push(format!("{file}: the zh text of {code} has no Chinese"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_message_is_data_with_both_texts() {
        let m = crate::calendar::MissingYear { year: 2031 };
        let msg: Msg = m.into();
        assert_eq!(msg.code(), "calendar.missing-year");
        assert_eq!(msg.fields.get("year"), Some(&serde_json::json!(2031)));
        assert_eq!(msg.text(Lang::Zh), m.zh());
        assert_eq!(msg.text(Lang::En), m.en());
        assert_eq!(msg, Msg::from(&m));
        assert_ne!(msg, Msg::from(crate::calendar::MissingYear { year: 2032 }));
        assert_eq!(
            serde_json::to_value(&msg).unwrap(),
            serde_json::json!({ "code": "calendar.missing-year", "year": 2031 })
        );
        assert_eq!(m.to_string(), m.en(), "Display is the English text");
    }
}
