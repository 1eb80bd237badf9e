//! `scan` and `mask_text` on arbitrary UTF-8: no panics, findings on character boundaries and in
//! order, and each replacement keeps the character count of its source (`masked` is the decoded
//! form for messages, so `%35` or `&#49;` may be shorter there).
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
        assert_eq!(f.replacement.chars().count(), original.chars().count());
        assert!(f.masked.contains('*'), "{original:?} masked as {:?}", f.masked);
        end = f.range.end;
    }
    let masked = mask_text(text, &findings);
    assert_eq!(masked.chars().count(), text.chars().count());
    // Known gap (issue 13, open): a rescan of the masked text can still read a number where
    // the scan joins kept digits across the stars or a line break; until the scanner and the
    // masking agree on that, this target checks the invariants above, which hold.
});
