//! Full-text search for a static site that also works from `file://`.
//! (The HTML contract is documented below and in `src/search/README.md`.)

mod index;
mod tokenize;

pub use index::{
    FORMAT_VERSION, IndexOptions, META_PATH, SearchDoc, build_index, build_index_with,
    decode_numbers, encode_number, term_hash, term_shard,
};
pub use tokenize::{
    Segment, for_each_token, is_cjk, is_word, normalize_char, query_terms, segments, tokenize,
};

/// The browser client, to be written to `static/search.js`.
pub const SEARCH_JS: &str = include_str!("search.js");
/// Styles for the search page, to be written to `static/search.css` (or appended to the theme's).
pub const SEARCH_CSS: &str = include_str!("search.css");
