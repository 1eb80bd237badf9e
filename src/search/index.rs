//! The inverted index, written as plain `<script>` files so it loads from `file://`.
//!
//! Layout (all under `search/` in the site):
//! - `search/meta.js`: counts, section list, year list and the `core` table (section and year
//!   of every document, for filters) — loaded once per page.
//! - `search/terms/N.js`: term shard N. A term lives in shard `fnv1a(term as UTF-16) & (shards-1)`;
//!   the shard maps each term to its postings list.
//! - `search/docs/N.js`: documents `N*docShardSize ..` with url, title, date, status, tags and the
//!   lead excerpt snippets are cut from — loaded only for the results shown.
//! - `search/text/N.js`: the whole plain text (up to [`IndexOptions::text_chars`]) of those
//!   documents whose text is longer than the excerpt, so a word found deep in a long posting is
//!   still shown in its snippet. Loaded only when a shown result's excerpt lacks a query term;
//!   documents marked `m:1` in the docs shard have an entry.
//!
//! Every file is `window.GONGKAI_SEARCH_SHARDS.push({...})`, so a dynamically inserted
//! `<script>` can load it where `fetch()` of JSON would be refused (`file://`).
//!
//! Documents get ids in order newest first (date descending, then url), so "newer first"
//! is "smaller id first". A postings list is a string of numbers in a variable-length base-32
//! code (see [`encode_number`]): for each document, the id delta from the previous one
//! (the first is absolute), then `tf << 2 | in_tags << 1 | in_title`, where `tf` counts the
//! term in the body text (capped at 255).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

/// A small, fast, non-cryptographic hash for the tokenizer's maps (term strings are not
/// attacker-controlled in a way that matters for a build): FxHash, as in rustc.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write_u64(&mut self, n: u64) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(K);
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A term while indexing: Chinese tokens as packed code points, other words as text.
enum TermKey {
    Cjk(u64),
    Word(String),
}

/// Packs a one- or two-character CJK token into a u64 (21 bits a character, plus a length bit).
#[cfg(test)]
fn cjk_key(tok: &str) -> Option<u64> {
    let mut chars = tok.chars();
    let a = chars.next()?;
    if !super::tokenize::is_cjk(a) {
        return None;
    }
    match (chars.next(), chars.next()) {
        (None, _) => Some(a as u64),
        (Some(b), None) => Some(1 << 42 | (a as u64) << 21 | b as u64),
        _ => None,
    }
}

/// The tokens of `text` as [`for_each_token`](super::tokenize::for_each_token) makes them,
/// Chinese ones packed into a u64 (21 bits a character, plus a length bit; `cjk`) and words as
/// text (`word`), without building a string per Chinese token: the index
/// builder's hot loop over every posting's text.
fn for_each_term(text: &str, mut cjk: impl FnMut(u64), mut word: impl FnMut(&str)) {
    let mut buf = String::new();
    let mut prev: Option<char> = None;
    for c in text.chars().map(super::tokenize::normalize_char) {
        if super::tokenize::is_cjk(c) {
            if !buf.is_empty() {
                word(&buf);
                buf.clear();
            }
            if let Some(p) = prev {
                cjk(1 << 42 | (p as u64) << 21 | c as u64);
            }
            cjk(c as u64);
            prev = Some(c);
        } else {
            prev = None;
            if super::tokenize::is_word(c) {
                buf.push(c);
            } else if !buf.is_empty() {
                word(&buf);
                buf.clear();
            }
        }
    }
    if !buf.is_empty() {
        word(&buf);
    }
}

/// The token a packed Chinese key was made from.
fn cjk_term(k: u64) -> String {
    let ch = |v: u64| char::from_u32((v & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
    if k >> 42 == 1 { [ch(k >> 21), ch(k)].iter().collect() } else { ch(k).to_string() }
}

use serde::Serialize;

#[cfg(test)]
use super::tokenize::for_each_token;

/// One page to index. The pipeline fills it from a posting's front matter and text. The text
/// may be borrowed: a 10,000-posting site need not copy 100 MB of text into its index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct SearchDoc<'a> {
    /// Site-relative URL, e.g. `party/2026-dues/index.html`.
    pub url: String,
    pub title: String,
    /// Section id, e.g. `party`.
    pub section: String,
    /// Section title, e.g. `党务公开`.
    pub section_title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub kind: Option<String>,
    /// e.g. `公示中`.
    pub status: Option<String>,
    pub tags: Vec<String>,
    /// Body text (plain text or Markdown source: markup characters are separators), including
    /// ledger 摘要 lines.
    pub text: std::borrow::Cow<'a, str>,
    /// Plain text that result snippets are cut from; when empty, the start of `text`.
    #[serde(default)]
    pub excerpt: String,
}

impl SearchDoc<'_> {
    /// The same document owning its text.
    pub fn into_owned(self) -> SearchDoc<'static> {
        SearchDoc { text: std::borrow::Cow::Owned(self.text.into_owned()), ..self }
    }
}

/// Tuning knobs; [`build_index`] uses the defaults.
#[derive(Clone, Debug)]
pub struct IndexOptions {
    /// Number of term shards (rounded up to a power of two); `None` chooses from the size.
    pub term_shards: Option<u32>,
    /// With `term_shards: None`: aim for term shards of about this many bytes.
    pub target_shard_bytes: usize,
    /// Documents per `search/docs/N.js` file.
    pub doc_shard_size: usize,
    /// Characters of body text kept per document for snippets.
    pub excerpt_chars: usize,
    /// Characters of body text kept per document in the text shards, for snippets of words
    /// beyond the excerpt (a posting's body is far shorter than this in practice).
    pub text_chars: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            term_shards: None,
            target_shard_bytes: 96 * 1024,
            doc_shard_size: 50,
            excerpt_chars: 200,
            text_chars: 20_000,
        }
    }
}

/// Site-relative path of the file `search.js` loads first.
pub const META_PATH: &str = "search/meta.js";
/// Format version written into `meta.js`; `search.js` refuses other versions.
pub const FORMAT_VERSION: u32 = 2;

const TF_CAP: u32 = 255;
const FLAG_TITLE: u32 = 1;
const FLAG_TAG: u32 = 2;

/// Digits that end a number (values 0–31).
const LAST_DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Digits that continue a number (values 0–31).
const MORE_DIGITS: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$";

/// Appends `n` in the postings code: base 32, most significant digit first, every digit but the
/// last from `wxyzA–Z_$`, the last from `0–9a–v`. Numbers below 32 take one character.
pub fn encode_number(out: &mut String, n: u32) {
    let mut digits = [0u8; 7];
    let mut len = 0;
    let mut v = n;
    loop {
        digits[len] = (v & 31) as u8;
        len += 1;
        v >>= 5;
        if v == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let table = if i == 0 { LAST_DIGITS } else { MORE_DIGITS };
        out.push(table[digits[i] as usize] as char);
    }
}

/// Decodes a string written with [`encode_number`] (for tests and tools).
pub fn decode_numbers(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    for b in s.bytes() {
        if let Some(d) = LAST_DIGITS.iter().position(|&x| x == b) {
            out.push(acc.checked_mul(32)? + d as u32);
            acc = 0;
        } else if let Some(d) = MORE_DIGITS.iter().position(|&x| x == b) {
            acc = acc.checked_mul(32)? + d as u32;
        } else {
            return None;
        }
    }
    (acc == 0).then_some(out)
}

/// FNV-1a (32 bit) over the UTF-16 code units of `term`; `search.js` computes the same.
pub fn term_hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for u in term.encode_utf16() {
        h ^= u as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Which term shard holds `term` when there are `shards` (a power of two).
pub fn term_shard(term: &str, shards: u32) -> u32 {
    term_hash(term) & (shards - 1)
}

/// Builds the index files with [`IndexOptions::default`]: `(path relative to site root, contents)`,
/// sorted by path. Same input, same bytes.
pub fn build_index(docs: &[SearchDoc]) -> Vec<(String, String)> {
    build_index_with(docs, &IndexOptions::default())
}

/// A JSON string literal that is also a safe JavaScript literal (U+2028/2029 escaped).
pub(super) fn js_string(s: &str) -> String {
    let json = serde_json::to_string(s).expect("strings serialize");
    match escape_seps(&json) {
        Cow::Borrowed(_) => json,
        Cow::Owned(escaped) => escaped,
    }
}

/// What every index file starts and ends with, around its payload (see the module docs).
const SCRIPT_HEAD: &str = "window.GONGKAI_SEARCH_SHARDS=window.GONGKAI_SEARCH_SHARDS||[];window.GONGKAI_SEARCH_SHARDS.push(";
const SCRIPT_TAIL: &str = ");\n";

pub(super) fn script(payload: &str) -> String {
    [SCRIPT_HEAD, payload, SCRIPT_TAIL].concat()
}

pub(super) fn year_of(date: &str) -> Option<u32> {
    let y = date.get(..4)?;
    if y.bytes().all(|b| b.is_ascii_digit()) { y.parse().ok() } else { None }
}

fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for word in text.split_whitespace() {
        if n >= max_chars {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            n += 1;
        }
        for c in word.chars() {
            if n >= max_chars {
                break;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// One document of a `search/docs/N.js` shard (read back when a portal merges site indexes).
#[derive(Serialize, serde::Deserialize, Clone, Debug)]
pub(super) struct DocOut<'a> {
    pub u: std::borrow::Cow<'a, str>,
    pub t: std::borrow::Cow<'a, str>,
    pub s: usize,
    pub d: std::borrow::Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub st: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "no_tags")]
    pub g: std::borrow::Cow<'a, [String]>,
    pub x: String,
    /// 1 when `search/text/N.js` holds more of the text than `x`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub m: u8,
}

fn no_tags(g: &[String]) -> bool {
    g.is_empty()
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// Builds the index files with explicit options. See the module docs for the layout.
pub fn build_index_with(docs: &[SearchDoc], opts: &IndexOptions) -> Vec<(String, String)> {
    build_index_of(docs.iter().collect(), opts)
}

/// `build_index_with` over borrowed documents (the preview keeps each in an `Arc`).
pub fn build_index_of(docs: Vec<&SearchDoc>, opts: &IndexOptions) -> Vec<(String, String)> {
    index_with_texts(docs.into_iter().map(|d| (d, Cow::Borrowed(&*d.text))).collect(), opts)
}

/// [`build_index_of`] for documents it may use up: each text is let go as soon as it is
/// tokenised (unless its snippet is cut from it), so a publishing build does not hold every
/// posting's Markdown while the index grows. The same files.
pub fn build_index_owned(
    mut docs: Vec<SearchDoc<'_>>,
    opts: &IndexOptions,
) -> Vec<(String, String)> {
    let texts: Vec<Cow<str>> = docs.iter_mut().map(|d| std::mem::take(&mut d.text)).collect();
    index_with_texts(docs.iter().zip(texts).collect(), opts)
}

/// The index of documents, each with its text (held apart, so it can be let go).
fn index_with_texts<'d>(
    docs: Vec<(&'d SearchDoc<'d>, Cow<'d, str>)>,
    opts: &IndexOptions,
) -> Vec<(String, String)> {
    // Newest first, then by url: ids are positions in this order.
    let mut order = docs;
    order.sort_by(|(a, _), (b, _)| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));

    // Sections (sorted by id; title from the newest doc naming it) and years (newest first).
    let mut sections: BTreeMap<&str, &str> = BTreeMap::new();
    let mut years: Vec<u32> = Vec::new();
    for (d, _) in &order {
        sections.entry(&d.section).or_insert(&d.section_title);
        if let Some(y) = year_of(&d.date) {
            years.push(y);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let section_index: HashMap<&str, usize> =
        sections.keys().enumerate().map(|(i, s)| (*s, i)).collect();

    // Postings. Documents are tokenised in parallel, a block at a time (the costly part; blocks
    // keep memory flat), then merged in id order so every postings list is sorted by id.
    // Chinese tokens (a character or a bigram) are keyed by their code points packed into a
    // u64, so the hot loop neither allocates nor hashes strings.
    // Each worker keeps its two maps from document to document (cleared, capacity kept):
    // growing fresh maps for each posting's ~6,000 tokens was a tenth of the stage.
    type Maps = (FastMap<u64, (u32, u32)>, FastMap<String, (u32, u32)>);
    let tokenize =
        |(cjk, words): &mut Maps, d: &SearchDoc, text: &str| -> Vec<(TermKey, u32, u32)> {
            cjk.clear();
            words.clear();
            let mut add = |text: &str, tf: u32, flag: u32| {
                for_each_term(
                    text,
                    |k| {
                        let e = cjk.entry(k).or_insert((0, 0));
                        e.0 += tf;
                        e.1 |= flag;
                    },
                    |w| {
                        let e = match words.get_mut(w) {
                            Some(e) => e,
                            None => words.entry(w.to_string()).or_insert((0, 0)),
                        };
                        e.0 += tf;
                        e.1 |= flag;
                    },
                )
            };
            add(&d.title, 0, FLAG_TITLE);
            for tag in d.tags.iter().chain(d.kind.iter()) {
                add(tag, 0, FLAG_TAG);
            }
            add(text, 1, 0);
            let mut out: Vec<(TermKey, u32, u32)> = Vec::with_capacity(cjk.len() + words.len());
            out.extend(cjk.drain().map(|(k, (tf, f))| (TermKey::Cjk(k), tf, f)));
            out.extend(words.drain().map(|(w, (tf, f))| (TermKey::Word(w), tf, f)));
            out
        };
    let mut cjk_ids: FastMap<u64, u32> = FastMap::default();
    let mut word_ids: FastMap<String, u32> = FastMap::default();
    // Each postings list is encoded as it grows (previous id, code so far): a 10,000-page site
    // has ~15 million postings, and a `(u32, u32)` pair each would cost 120 MB.
    let mut postings: Vec<(u32, String)> = Vec::new();
    let mut core = String::new();
    const BLOCK: usize = 128;
    type Doc<'d> = (&'d SearchDoc<'d>, Cow<'d, str>);
    let tokenize_block = |docs: &[Doc]| -> Vec<Vec<(TermKey, u32, u32)>> {
        docs.par_iter().map_init(Maps::default, |maps, (d, text)| tokenize(maps, d, text)).collect()
    };
    let mut merge = |first: usize, docs: &mut [Doc], per_doc: Vec<Vec<(TermKey, u32, u32)>>| {
        for (j, ((d, text), terms)) in docs.iter_mut().zip(per_doc).enumerate() {
            let id = (first + j) as u32;
            for (term, tf, flags) in terms {
                let next = postings.len() as u32;
                let t = match term {
                    TermKey::Cjk(k) => *cjk_ids.entry(k).or_insert(next),
                    TermKey::Word(w) => match word_ids.get(&w) {
                        Some(&t) => t,
                        None => {
                            word_ids.insert(w, next);
                            next
                        }
                    },
                };
                if t == next {
                    postings.push((0, String::new()));
                }
                let (prev, code) = &mut postings[t as usize];
                encode_number(code, id - *prev);
                encode_number(code, tf.min(TF_CAP) << 2 | flags);
                *prev = id;
            }
            encode_number(&mut core, section_index[d.section.as_str()] as u32);
            let year_code = year_of(&d.date)
                .and_then(|y| years.iter().position(|&x| x == y))
                .map_or(0, |i| i as u32 + 1);
            encode_number(&mut core, year_code);
            // Tokenised: only a snippet still needs the text, when there is no excerpt.
            if !d.excerpt.is_empty() {
                *text = Cow::Borrowed("");
            }
        }
    };
    // The merge is one thread's work: block k is merged while block k + 1 is tokenised.
    let mut pending = Some(tokenize_block(&order[..BLOCK.min(order.len())]));
    let mut rest: &mut [Doc] = &mut order;
    let mut first = 0;
    while !rest.is_empty() {
        let Some(per_doc) = pending.take() else { break };
        let (this, after) = rest.split_at_mut(BLOCK.min(rest.len()));
        let next = &after[..BLOCK.min(after.len())];
        let ((), tokenized) = rayon::join(
            || merge(first, this, per_doc),
            || (!next.is_empty()).then(|| tokenize_block(next)),
        );
        pending = tokenized;
        first += this.len();
        rest = after;
    }
    let term_ids: Vec<(String, u32)> =
        cjk_ids.into_iter().map(|(k, t)| (cjk_term(k), t)).chain(word_ids).collect();

    // Encode postings, sorted by term for deterministic output.
    let mut encoded: Vec<(&str, String)> = term_ids
        .iter()
        .map(|(term, t)| (term.as_str(), std::mem::take(&mut postings[*t as usize].1)))
        .collect();
    encoded.sort_unstable_by(|a, b| a.0.cmp(b.0));

    let mut files = term_files(encoded, opts);
    let shards = files.len() as u32;

    let shard_size = opts.doc_shard_size.max(1);
    // Doc shards hold every document's text (~100 MB for 10,000 postings): made in parallel,
    // collected in order.
    let doc_shards: Vec<Vec<(String, String)>> = order
        .par_chunks(shard_size)
        .enumerate()
        .map(|(n, chunk)| {
            let mut texts: Vec<String> = Vec::with_capacity(chunk.len());
            let out: Vec<DocOut> = chunk
                .iter()
                .map(|(d, text)| {
                    let source: &str = if d.excerpt.is_empty() { text } else { &d.excerpt };
                    // The excerpt is the start of the whole (whitespace-collapsed) text.
                    let full = excerpt(source, opts.text_chars.max(opts.excerpt_chars));
                    let x: String = full.chars().take(opts.excerpt_chars).collect();
                    let more = full.len() > x.len();
                    texts.push(if more { full } else { String::new() });
                    DocOut {
                        u: std::borrow::Cow::Borrowed(&d.url),
                        t: std::borrow::Cow::Borrowed(&d.title),
                        s: section_index[d.section.as_str()],
                        d: std::borrow::Cow::Borrowed(&d.date),
                        k: d.kind.as_deref().map(std::borrow::Cow::Borrowed),
                        st: d.status.as_deref().map(std::borrow::Cow::Borrowed),
                        g: std::borrow::Cow::Borrowed(&d.tags),
                        x,
                        m: u8::from(more),
                    }
                })
                .collect();
            doc_files(n, &out, &texts)
        })
        .collect();
    files.extend(doc_shards.into_iter().flatten());

    let sections_list: Vec<[&str; 2]> = sections.iter().map(|(k, v)| [*k, *v]).collect();
    files.push(meta_file(order.len(), shards, shard_size, &sections_list, &years, &core));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The term shards of `encoded` (term, postings code), sorted by term; as many shards (a
/// power of two) as [`IndexOptions`] asks for or the size needs. Takes the codes: each is let
/// go once copied into its shard, so the index is not held twice (at 10,000 postings the
/// codes are ~20 MB).
pub(super) fn term_files(
    encoded: Vec<(&str, String)>,
    opts: &IndexOptions,
) -> Vec<(String, String)> {
    let shards = match opts.term_shards {
        Some(n) => n.max(1).next_power_of_two(),
        None => {
            let total: usize = encoded.iter().map(|(t, s)| entry_bytes(t, s)).sum();
            (total.div_ceil(opts.target_shard_bytes.max(1)) as u32)
                .max(1)
                .next_power_of_two()
                .min(4096)
        }
    };
    let mut shard_terms: Vec<Vec<(&str, String)>> = vec![Vec::new(); shards as usize];
    for (term, s) in encoded {
        shard_terms[term_shard(term, shards) as usize].push((term, s));
    }
    // Shards are independent: written in parallel, collected in order.
    shard_terms
        .into_par_iter()
        .enumerate()
        .map(|(n, terms)| {
            let size: usize = terms.iter().map(|(t, s)| entry_bytes(t, s)).sum();
            let mut body = String::with_capacity(SCRIPT_HEAD.len() + size + 64);
            // Written in place rather than through `script`: a second copy of every shard.
            body.push_str(SCRIPT_HEAD);
            let _ = write!(body, "{{\"kind\":\"terms\",\"shard\":{n},\"terms\":{{");
            for (i, (term, s)) in terms.into_iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(&js_string(term));
                body.push(':');
                body.push('"');
                body.push_str(&s); // postings alphabet needs no escaping
                body.push('"');
            }
            body.push_str("}}");
            body.push_str(SCRIPT_TAIL);
            (format!("search/terms/{n}.js"), body)
        })
        .collect()
}

/// About how many bytes a term's entry takes in its shard (quotes, colon, comma).
fn entry_bytes(term: &str, code: &str) -> usize {
    term.len() + code.len() + 6
}

/// `search/docs/N.js` and, when some document is longer than its excerpt, `search/text/N.js`.
pub(super) fn doc_files(n: usize, docs: &[DocOut], texts: &[String]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let docs_json = serde_json::to_string(docs).expect("docs serialize");
    let body = format!("{{\"kind\":\"docs\",\"shard\":{n},\"docs\":{docs_json}}}");
    files.push((format!("search/docs/{n}.js"), script(&escape_seps(&body))));
    // A shard none of whose documents is longer than its excerpt needs no text file.
    if texts.iter().any(|t| !t.is_empty()) {
        let text_json = serde_json::to_string(texts).expect("texts serialize");
        let body = format!("{{\"kind\":\"text\",\"shard\":{n},\"text\":{text_json}}}");
        files.push((format!("search/text/{n}.js"), script(&escape_seps(&body))));
    }
    files
}

/// `search/meta.js`.
pub(super) fn meta_file(
    docs: usize,
    shards: u32,
    shard_size: usize,
    sections: &[[&str; 2]],
    years: &[u32],
    core: &str,
) -> (String, String) {
    let meta = format!(
        "{{\"kind\":\"meta\",\"version\":{FORMAT_VERSION},\"docs\":{docs},\"termShards\":{shards},\
         \"docShardSize\":{shard_size},\"sections\":{},\"years\":{},\"core\":\"{core}\"}}",
        escape_seps(&serde_json::to_string(sections).expect("serialize")),
        serde_json::to_string(years).expect("serialize"),
    );
    (META_PATH.to_string(), script(&meta))
}

fn escape_seps(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\u{2028}', '\u{2029}']) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_code_round_trips() {
        let nums = [0, 1, 31, 32, 33, 1023, 1024, 65_535, 1 << 20, u32::MAX];
        let mut s = String::new();
        for n in nums {
            encode_number(&mut s, n);
        }
        assert_eq!(decode_numbers(&s).unwrap(), nums);
        let mut one = String::new();
        encode_number(&mut one, 31);
        assert_eq!(one, "v");
    }

    #[test]
    fn hash_is_fnv1a_over_utf16() {
        assert_eq!(term_hash(""), 0x811c_9dc5);
        // "a" = 0x61: (0x811c9dc5 ^ 0x61) * 0x01000193 mod 2^32
        assert_eq!(term_hash("a"), 0xe40c_292c);
    }

    #[test]
    fn terms_are_the_tokens() {
        let text = "党费 2025年第3季度 GDP增长，修路费ＡＢＣ　１２３𠀀村 a,b.c-d 12,000.50元";
        let from_terms = std::cell::RefCell::new(Vec::new());
        for_each_term(
            text,
            |k| from_terms.borrow_mut().push(cjk_term(k)),
            |w| from_terms.borrow_mut().push(w.to_string()),
        );
        let from_terms = from_terms.into_inner();
        let mut tokens = Vec::new();
        for_each_token(text, |t| {
            assert_eq!(cjk_key(t).map(cjk_term).as_deref().unwrap_or(t), t);
            tokens.push(t.to_string())
        });
        assert_eq!(from_terms, tokens);
    }

    #[test]
    fn excerpt_collapses_whitespace() {
        assert_eq!(excerpt("  一\n\n二  三 ", 10), "一 二 三");
        assert_eq!(excerpt("一二三四五", 3), "一二三");
    }

    #[test]
    fn an_index_of_documents_it_uses_up_is_the_same() {
        // More than one tokenising block, and documents without an excerpt (their snippet is cut
        // from the text, which must then outlive the tokenising).
        let docs: Vec<SearchDoc<'static>> = (0..300)
            .map(|i| SearchDoc {
                url: format!("village/{i}/index.html"),
                title: format!("第{i}号公开事项"),
                section: ["village", "party"][i % 2].into(),
                section_title: ["村务公开", "党务公开"][i % 2].into(),
                date: format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                tags: vec![format!("标签{}", i % 7)],
                text: format!("修路{i} 低保评议 {} 党费收缴", "村集体收入".repeat(i % 40)).into(),
                excerpt: if i % 3 == 0 { String::new() } else { format!("摘要{i}") },
                ..Default::default()
            })
            .collect();
        let opts = IndexOptions { excerpt_chars: 10, text_chars: 200, ..Default::default() };
        let borrowed = build_index_of(docs.iter().collect(), &opts);
        assert!(borrowed.iter().any(|(path, _)| path.starts_with("search/text/")));
        assert_eq!(build_index_owned(docs, &opts), borrowed);
    }
}
