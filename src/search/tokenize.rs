//! The tokenizer shared by the index builder and `search.js` (which mirrors it line by line).
//!
//! Rules, applied to Unicode scalar values (JavaScript iterates code points with `for…of`):
//! 1. Normalise: full-width ASCII `！`…`～` (U+FF01–U+FF5E) becomes its half-width form,
//!    the ideographic space U+3000 becomes a space, ASCII letters are lowercased.
//! 2. CJK characters (Han, including extensions and 〇, kana, Hangul) form runs; a run yields
//!    each character and each pair of neighbouring characters (bigram), in reading order:
//!    `修路费` → `修`, `修路`, `路`, `路费`, `费`.
//! 3. ASCII letters and digits (plus Latin-1/Latin Extended letters, kept as they are) form
//!    words: `GDP` → `gdp`, `2025` → `2025`.
//! 4. Everything else (Chinese and ASCII punctuation, spaces, symbols) separates.
//!
//! A CJK run and a word touching each other are separate: `2025年` → `2025`, `年`.

/// One normalised character: full-width ASCII to half-width, U+3000 to space, ASCII lowercase.
pub fn normalize_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Is this (normalised) character part of a CJK run?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3007 // 〇
        | 0x3040..=0x30FF // hiragana, katakana
        | 0x3400..=0x4DBF // extension A
        | 0x4E00..=0x9FFF // unified ideographs
        | 0xAC00..=0xD7AF // hangul syllables
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0x20000..=0x323AF // extensions B–H and compatibility supplement
    )
}

/// Is this (normalised) character part of a word?
pub fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c as u32, 0xC0..=0x24F if c != '\u{D7}' && c != '\u{F7}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Sep,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if is_word(c) {
        Class::Word
    } else {
        Class::Sep
    }
}

/// A piece of text between separators: a CJK run or a word, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Cjk(String),
    Word(String),
}

/// Splits text into normalised CJK runs and words.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for_each_segment(text, |class_is_cjk, s| {
        out.push(if class_is_cjk {
            Segment::Cjk(s.to_string())
        } else {
            Segment::Word(s.to_string())
        })
    });
    out
}

fn for_each_segment(text: &str, mut f: impl FnMut(bool, &str)) {
    let mut buf = String::new();
    let mut cur = Class::Sep;
    for c in text.chars().map(normalize_char) {
        let k = class(c);
        if k != cur && !buf.is_empty() {
            f(cur == Class::Cjk, &buf);
            buf.clear();
        }
        cur = k;
        if k != Class::Sep {
            buf.push(c);
        }
    }
    if !buf.is_empty() {
        f(cur == Class::Cjk, &buf);
    }
}

/// Calls `f` with every token of `text`, in order, without allocating a string per token.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    for_each_segment(text, |is_cjk_run, seg| {
        if !is_cjk_run {
            f(seg);
            return;
        }
        let mut prev: Option<(usize, usize)> = None; // byte range of the previous character
        for (i, c) in seg.char_indices() {
            let end = i + c.len_utf8();
            if let Some((p, _)) = prev {
                f(&seg[p..end]);
            }
            f(&seg[i..end]);
            prev = Some((i, end));
        }
    });
}

/// All tokens of `text`: CJK characters and bigrams, lowercased words and numbers.
///
/// Characters and bigrams come in reading order: `修路费` → `修`, `修路`, `路`, `路费`, `费`.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// The terms a query must all match (AND): each word; for a CJK run of two or more characters
/// its bigrams (so `修路` needs the bigram 修路, not just 修 and 路 somewhere); for a lone CJK
/// character, that character. Sorted and deduplicated.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in segments(query) {
        match seg {
            Segment::Word(w) => out.push(w),
            Segment::Cjk(run) => {
                let chars: Vec<char> = run.chars().collect();
                if chars.len() == 1 {
                    out.push(run);
                } else {
                    for w in chars.windows(2) {
                        out.push(w.iter().collect());
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokenize(s)
    }

    #[test]
    fn mixed_text() {
        assert_eq!(
            toks("党费 2025年第3季度 GDP增长"),
            [
                "党", "党费", "费", "2025", "年", "年第", "第", "3", "季", "季度", "度", "gdp",
                "增", "增长", "长"
            ]
        );
    }

    #[test]
    fn cjk_run_chars_and_bigrams() {
        assert_eq!(toks("修路费"), ["修", "修路", "路", "路费", "费"]);
        assert_eq!(toks("路"), ["路"]);
    }

    #[test]
    fn punctuation_separates() {
        assert_eq!(toks("低保，五保。"), ["低", "低保", "保", "五", "五保", "保"]);
        assert_eq!(toks("a,b.c-d"), ["a", "b", "c", "d"]);
        assert_eq!(toks("《通知》（第2号）"), ["通", "通知", "知", "第", "2", "号"]);
        assert_eq!(toks("「修路」、“低保”"), ["修", "修路", "路", "低", "低保", "保"]);
    }

    #[test]
    fn full_width_ascii_is_normalised() {
        assert_eq!(toks("ＧＤＰ２０２５"), ["gdp2025"]);
        assert_eq!(toks("ＡＢＣ　１２３"), ["abc", "123"]);
        assert_eq!(toks("第３季度"), ["第", "3", "季", "季度", "度"]);
    }

    #[test]
    fn words_are_lowercased_and_numbers_whole() {
        assert_eq!(toks("Village WiFi 2026"), ["village", "wifi", "2026"]);
        assert_eq!(toks("12,000.50元"), ["12", "000", "50", "元"]);
    }

    #[test]
    fn empty_and_symbols() {
        assert!(toks("").is_empty());
        assert!(toks(" ，。！？…—·@#%&*").is_empty());
    }

    #[test]
    fn supplementary_plane_han() {
        // 𠀀 is U+20000 (a surrogate pair in JavaScript).
        assert_eq!(toks("𠀀村"), ["𠀀", "𠀀村", "村"]);
    }

    #[test]
    fn query_terms_use_bigrams() {
        assert_eq!(query_terms("修路"), ["修路"]);
        assert_eq!(query_terms("党员大会"), ["党员", "员大", "大会"]);
        assert_eq!(query_terms("党费 2025"), ["2025", "党费"]);
        assert_eq!(query_terms("路"), ["路"]);
        assert!(query_terms("，。").is_empty());
    }
}
