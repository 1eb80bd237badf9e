//! `parse_amount` on arbitrary bytes: never panics; whatever it accepts formats back to an amount
//! it reads as the same number (in every format gongkai prints).
#![no_main]

use gongkai::money::{format_money, format_plain, format_wan, format_yuan, parse_amount, to_upper_rmb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(fen) = parse_amount(&text) {
        let _ = (to_upper_rmb(fen), format_wan(fen, 1), format_wan(fen, 2));
        for shown in [format_plain(fen), format_money(fen), format_yuan(fen)] {
            assert_eq!(parse_amount(&shown), Ok(fen), "{text:?} -> {fen:?} -> {shown:?}");
        }
    }
});
