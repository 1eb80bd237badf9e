//! `scan` and `mask_text` on arbitrary UTF-8: no panics, findings on character boundaries and in
//! order, each replacement keeps the character count of its source (`masked` is the decoded
//! form for messages, so `%35` or `&#49;` may be shorter there), and what masking writes, plain
//! or for Markdown, holds nothing a rescan finds.
#![no_main]

use gongkai::privacy::{AllowList, mask_markdown, mask_text, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let findings = scan(text, &AllowList::new());
    let mut end = 0;
    for f in &findings {
        assert!(f.range.start >= end, "findings overlap or are out of order");
        assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
        let original = &text[f.range.clone()];
        assert_eq!(f.replacement.chars().count(), original.chars().count());
        assert!(f.masked.contains('*'), "{original:?} masked as {:?}", f.masked);
        end = f.range.end;
    }
    let masked = mask_text(text, &findings);
    assert_eq!(masked.chars().count(), text.chars().count());
    let again = scan(&masked, &AllowList::new());
    assert!(again.is_empty(), "{text:?} masked as {masked:?} still shows {again:?}");
    let masked_md = mask_markdown(text, &findings);
    let again = scan(&masked_md, &AllowList::new());
    assert!(again.is_empty(), "{text:?} masked as {masked_md:?} still shows {again:?}");
});
