//! The one escaper for everything gongkai writes as markup: HTML pages, attributes, SVG, Atom and
//! the sitemap.
//!
//! One function so that a page, a feed and a chart cannot disagree about what is safe. It escapes
//! `& < > " '` (as `&#39;`, which HTML and XML both read) and drops the control characters XML 1.0
//! forbids, which a feed reader would otherwise reject and a page would show as boxes.

use std::borrow::Cow;

/// Escapes text for element content and quoted attribute values.
pub fn markup(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_work) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if forbidden(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_work(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'') || forbidden(c)
}

/// Characters XML 1.0 does not allow anywhere (tab, newline and carriage return are allowed).
fn forbidden(c: char) -> bool {
    ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

#[cfg(test)]
mod tests {
    use super::markup;

    #[test]
    fn escapes_the_five_and_drops_forbidden_controls() {
        assert_eq!(markup("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(markup("甲\u{1}乙\t丙\n"), "甲乙\t丙\n");
        assert!(matches!(markup("青石村"), std::borrow::Cow::Borrowed(_)));
    }
}
