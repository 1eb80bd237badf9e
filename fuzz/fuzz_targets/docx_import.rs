//! `docx_to_posting` on arbitrary document.xml text inside a real zip package: no panics, and a
//! converted body is non-empty Markdown ending in a newline or empty.
#![no_main]

use std::io::Write;

use gongkai::import::docx_to_posting;
use gongkai::privacy::AllowList;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|xml: &str| {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    if let Ok(imported) = docx_to_posting(buf.get_ref(), "fuzz.docx", &AllowList::new()) {
        assert!(imported.body.is_empty() || imported.body.ends_with('\n'));
        for p in &imported.personal {
            assert!(imported.body.is_char_boundary(p.range.start));
        }
    }
});
