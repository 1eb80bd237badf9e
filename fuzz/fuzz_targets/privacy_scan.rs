//! `scan` and `mask_text` on arbitrary UTF-8: no panics, findings on character boundaries and in
//! order, masking keeps the character count, and nothing is found again in the masked text.
#![no_main]

use gongkai::privacy::{AllowList, mask_text, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let findings = scan(text, &AllowList::new());
    let mut end = 0;
    for f in &findings {
        assert!(f.range.start >= end, "findings overlap or are out of order");
        assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
        let original = &text[f.range.clone()];
        assert_eq!(f.masked.chars().count(), original.chars().count());
        assert!(f.masked.contains('*'), "{original:?} masked as {:?}", f.masked);
        end = f.range.end;
    }
    let masked = mask_text(text, &findings);
    assert_eq!(masked.chars().count(), text.chars().count());
    // Every finding's digits were hidden: scanning the masked text finds nothing.
    let again = scan(&masked, &AllowList::new());
    assert!(again.is_empty(), "still found after masking: {again:?} in {masked:?}");
});
