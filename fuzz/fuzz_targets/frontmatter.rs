//! A posting's front matter on arbitrary UTF-8: parsing never panics, and every diagnostic
//! (with its position and snippet) renders in both languages.
#![no_main]

use gongkai::diagnostic::Lang;
use gongkai::frontmatter::{PostingFront, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    // Most inputs should look like front matter, so half of them get the fences for free.
    for candidate in [text.to_string(), format!("+++\n{text}\n+++\n正文")] {
        match parse::<PostingFront>("content/a.md", candidate, &["title", "date"]) {
            Ok(parsed) => {
                let _ = (parsed.front.title.get_ref(), &parsed.src.text[parsed.split.body_start..]);
            }
            Err(diags) => {
                for d in diags {
                    let _ = (d.render(Lang::Zh), d.render(Lang::En), d.location());
                }
            }
        }
    }
});
