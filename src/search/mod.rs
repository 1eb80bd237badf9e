//! Full-text search for a static site that also works from `file://`.
//!
//! [`build_index`] turns [`SearchDoc`]s into script files under `search/`; the pipeline writes
//! them, [`SEARCH_JS`] as `static/search.js` and [`SEARCH_CSS`] as `static/search.css`.
//! `src/search/README.md` has the details (format, ranking, benchmark).
//!
//! # HTML contract of `search.js`
//!
//! The search page (`search/index.html`, rendered by the pipeline's template) contains:
//!
//! ```html
//! <div id="gongkai-search" data-root="../">          <!-- required; data-root = page → site root -->
//!   <form id="search-form" role="search">             <!-- optional -->
//!     <input id="search-q" name="q" type="search">    <!-- required -->
//!     <select id="search-section" name="section"><option value="">全部栏目</option></select> <!-- optional -->
//!     <select id="search-year" name="year"><option value="">全部年份</option></select>         <!-- optional -->
//!   </form>
//!   <p id="search-status" aria-live="polite"></p>     <!-- optional -->
//!   <ol id="search-results"></ol>                     <!-- required -->
//!   <button id="search-more" type="button" hidden>更多结果</button> <!-- optional, created if absent -->
//! </div>
//! <script src="../static/search.js"></script>
//! ```
//!
//! Optional `data-index` on the container overrides where the index lives (default
//! `data-root + "search/"`). Result links are `data-root + url`. `?q=`, `&section=` (section
//! id) and `&year=` are read on load and kept up to date with `history.replaceState`. Results
//! are `<li class="search-hit">` with `a.search-hit-title`, `.search-hit-meta` (section, `<time>`,
//! status) and `p.search-hit-snippet`, matches in `<mark>`; text is inserted with DOM APIs only.
//! The container gets `data-state="done"` once results are rendered.

mod index;
mod merge;
mod tokenize;

pub use index::{
    FORMAT_VERSION, IndexOptions, META_PATH, Postings, SearchDoc, build_index, build_index_from,
    build_index_of, build_index_with, decode_numbers, encode_number, id_key, term_hash, term_shard,
};
pub use merge::{IndexPart, Merged, merge_indexes};
pub use tokenize::{
    Segment, for_each_token, is_cjk, is_word, normalize_char, query_terms, segments, tokenize,
};

/// The browser client, to be written to `static/search.js`.
pub const SEARCH_JS: &str = include_str!("search.js");
/// Styles for the search page, to be written to `static/search.css` (or appended to the theme's).
pub const SEARCH_CSS: &str = include_str!("search.css");
