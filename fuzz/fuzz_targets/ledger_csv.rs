//! A CSV ledger from arbitrary bytes (UTF-8, GBK or garbage): reading, checking, exporting and
//! reporting never panic, and every diagnostic renders.
#![no_main]

use gongkai::diagnostic::Lang;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // Also with a real header in front, so the fuzzer reaches the rows quickly.
    let mut with_header = "日期,凭证号,摘要,科目,收入,支出,余额\n".as_bytes().to_vec();
    with_header.extend_from_slice(bytes);
    for input in [bytes, with_header.as_slice()] {
        let (_finance, diags) = gongkai::ledger::read_csv_bytes(input);
        for d in diags {
            let _ = (d.render(Lang::Zh), d.render(Lang::En), d.location());
        }
    }
});
