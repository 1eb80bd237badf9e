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

/// The sort key that gives documents their ids: newest first (`YYYY-MM-DD` descending), then by
/// url. A site's index, the Markdown pass that feeds it and the portal's merged index all
/// order by it.
pub fn id_key<T: Ord>(date: T, url: T) -> (std::cmp::Reverse<T>, T) {
    (std::cmp::Reverse(date), url)
}

fn id_order(a: &SearchDoc, b: &SearchDoc) -> std::cmp::Ordering {
    id_key(&a.date, &a.url).cmp(&id_key(&b.date, &b.url))
}

/// A term's count in one document's body and its title/tag flags.
type Count = (u32, u32);

/// A postings list being built: its first and last document id, and its code without the
/// first id (so two lists of consecutive id ranges join by writing one delta between them).
struct List {
    first: u32,
    last: u32,
    rest: String,
}

impl List {
    fn push(&mut self, id: u32, value: u32) {
        if !self.rest.is_empty() {
            encode_number(&mut self.rest, id - self.last);
        }
        encode_number(&mut self.rest, value);
        self.last = id;
    }

    /// Appends `later`, whose ids all come after this list's.
    fn append(&mut self, later: List) {
        encode_number(&mut self.rest, later.first - self.last);
        self.rest.push_str(&later.rest);
        self.last = later.last;
    }

    /// The whole code: the first id (a delta from 0), then the rest.
    fn code(self) -> String {
        let mut code = String::with_capacity(self.rest.len() + 4);
        encode_number(&mut code, self.first);
        code.push_str(&self.rest);
        code
    }
}

/// The postings lists of documents with consecutive ids. Each worker of a parallel pass adds
/// documents in id order to its own ([`Postings::add`]); [`Postings::append`] joins two of
/// neighbouring id ranges, so a rayon `fold` and ordered `reduce` over documents in id order
/// give the postings of them all: the build's Markdown pass makes them this way, while it reads
/// each posting anyway, instead of a search stage reading every text again.
#[derive(Default)]
pub struct Postings {
    /// Chinese tokens as packed code points (see [`for_each_term`]), other words as text.
    cjk: FastMap<u64, List>,
    words: FastMap<String, List>,
    docs: u32,
    /// One document's term counts (cleared, capacity kept: growing fresh maps for each
    /// posting's ~6,000 tokens was a tenth of the stage).
    scratch: (FastMap<u64, Count>, FastMap<String, Count>),
}

impl Postings {
    /// Adds document `id` (larger than every id added before) with the fields of its
    /// [`SearchDoc`], its body given as the pieces of `text` (each piece tokenised apart, as if
    /// joined by line breaks).
    pub fn add<'t>(
        &mut self,
        id: u32,
        title: &str,
        tags: impl IntoIterator<Item = &'t str>,
        kind: Option<&'t str>,
        text: impl IntoIterator<Item = &'t str>,
    ) {
        let (cjk, words) = &mut self.scratch;
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
        add(title, 0, FLAG_TITLE);
        for tag in tags.into_iter().chain(kind) {
            add(tag, 0, FLAG_TAG);
        }
        for piece in text {
            add(piece, 1, 0);
        }
        let new = || List { first: id, last: id, rest: String::new() };
        for (k, (tf, flags)) in cjk.drain() {
            self.cjk.entry(k).or_insert_with(new).push(id, tf.min(TF_CAP) << 2 | flags);
        }
        for (w, (tf, flags)) in words.drain() {
            let list = match self.words.get_mut(&w) {
                Some(list) => list,
                None => self.words.entry(w).or_insert_with(new),
            };
            list.push(id, tf.min(TF_CAP) << 2 | flags);
        }
        self.docs += 1;
    }

    /// These postings followed by `later`'s, whose documents all have larger ids.
    pub fn append(mut self, mut later: Postings) -> Postings {
        // Join into the larger maps: only the smaller one's lists are moved.
        fn join<K: std::hash::Hash + Eq>(
            early: &mut FastMap<K, List>,
            later: &mut FastMap<K, List>,
        ) {
            if early.len() >= later.len() {
                for (k, list) in later.drain() {
                    match early.get_mut(&k) {
                        Some(e) => e.append(list),
                        None => {
                            early.insert(k, list);
                        }
                    }
                }
            } else {
                for (k, mut list) in early.drain() {
                    if let Some(l) = later.remove(&k) {
                        list.append(l);
                    }
                    later.insert(k, list);
                }
                std::mem::swap(early, later);
            }
        }
        join(&mut self.cjk, &mut later.cjk);
        join(&mut self.words, &mut later.words);
        self.docs += later.docs;
        self
    }

    /// How many documents were added.
    pub fn docs(&self) -> usize {
        self.docs as usize
    }

    /// Every term with its postings code, sorted by term (for deterministic output).
    fn encoded(self) -> Vec<(String, String)> {
        let mut encoded: Vec<(String, String)> = self
            .cjk
            .into_iter()
            .map(|(k, list)| (cjk_term(k), list.code()))
            .chain(self.words.into_iter().map(|(w, list)| (w, list.code())))
            .collect();
        encoded.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        encoded
    }
}

/// The index of documents, each with its text (held apart, so it can be let go).
fn index_with_texts<'d>(
    docs: Vec<(&'d SearchDoc<'d>, Cow<'d, str>)>,
    opts: &IndexOptions,
) -> Vec<(String, String)> {
    let mut order = docs;
    order.sort_by(|(a, _), (b, _)| id_order(a, b));
    // Documents are tokenised in parallel, each worker's run of ids into its own postings,
    // joined in id order. A text is let go once tokenised, unless its snippet is cut from it.
    let postings = order
        .par_iter_mut()
        .enumerate()
        .fold(Postings::default, |mut p, (id, (d, text))| {
            p.add(id as u32, &d.title, d.tags.iter().map(|t| &**t), d.kind.as_deref(), [&**text]);
            if !d.excerpt.is_empty() {
                *text = Cow::Borrowed("");
            }
            p
        })
        .reduce(Postings::default, Postings::append);
    index_files(order, postings, opts)
}

/// The index files of documents whose terms are in `postings`, made by [`Postings::add`] in
/// the order of [`build_index_of`]'s ids (newest first, then by url); a document's text is
/// needed only when its excerpt is empty (its snippet is cut from the text).
pub fn build_index_from(
    docs: Vec<SearchDoc<'_>>,
    postings: Postings,
    opts: &IndexOptions,
) -> Vec<(String, String)> {
    let mut docs = docs;
    docs.sort_by(id_order);
    let texts: Vec<Cow<str>> = docs.iter_mut().map(|d| std::mem::take(&mut d.text)).collect();
    index_files(docs.iter().zip(texts).collect(), postings, opts)
}

/// The files of documents in id order, each with its text (for snippets when it has no
/// excerpt), and their postings.
fn index_files(
    order: Vec<(&SearchDoc, Cow<str>)>,
    postings: Postings,
    opts: &IndexOptions,
) -> Vec<(String, String)> {
    assert_eq!(postings.docs(), order.len(), "postings of other documents than the index's");
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
    let mut core = String::new();
    for (d, _) in &order {
        encode_number(&mut core, section_index[d.section.as_str()] as u32);
        let year_code = year_of(&d.date)
            .and_then(|y| years.iter().position(|&x| x == y))
            .map_or(0, |i| i as u32 + 1);
        encode_number(&mut core, year_code);
    }

    let mut files = term_files(postings.encoded(), opts);
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
pub(super) fn term_files<T: AsRef<str> + Send>(
    encoded: Vec<(T, String)>,
    opts: &IndexOptions,
) -> Vec<(String, String)> {
    let shards = match opts.term_shards {
        Some(n) => n.max(1).next_power_of_two(),
        None => {
            let total: usize = encoded.iter().map(|(t, s)| entry_bytes(t.as_ref(), s)).sum();
            (total.div_ceil(opts.target_shard_bytes.max(1)) as u32)
                .max(1)
                .next_power_of_two()
                .min(4096)
        }
    };
    let mut shard_terms: Vec<Vec<(T, String)>> = (0..shards).map(|_| Vec::new()).collect();
    for (term, s) in encoded {
        shard_terms[term_shard(term.as_ref(), shards) as usize].push((term, s));
    }
    // Shards are independent: written in parallel, collected in order.
    shard_terms
        .into_par_iter()
        .enumerate()
        .map(|(n, terms)| {
            let size: usize = terms.iter().map(|(t, s)| entry_bytes(t.as_ref(), s)).sum();
            let mut body = String::with_capacity(SCRIPT_HEAD.len() + size + 64);
            // Written in place rather than through `script`: a second copy of every shard.
            body.push_str(SCRIPT_HEAD);
            let _ = write!(body, "{{\"kind\":\"terms\",\"shard\":{n},\"terms\":{{");
            for (i, (term, s)) in terms.into_iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(&js_string(term.as_ref()));
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
    fn postings_made_in_runs_and_joined_give_the_same_index() {
        // Documents without an excerpt too (their snippet is cut from the text), and terms in
        // some runs only, in every run, or first seen in a later run.
        let docs: Vec<SearchDoc<'static>> = (0..300)
            .map(|i| SearchDoc {
                url: format!("village/{i}/index.html"),
                title: format!("第{i}号公开事项"),
                section: ["village", "party"][i % 2].into(),
                section_title: ["村务公开", "党务公开"][i % 2].into(),
                date: format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                tags: vec![format!("标签{}", i % 7)],
                kind: (i % 5 == 0).then(|| "决议公开".to_string()),
                text: format!(
                    "修路{i} 低保评议 {} 党费收缴 word{}",
                    "村集体收入".repeat(i % 40),
                    i / 50
                )
                .into(),
                excerpt: if i % 3 == 0 { String::new() } else { format!("摘要{i}") },
                ..Default::default()
            })
            .collect();
        let opts = IndexOptions { excerpt_chars: 10, text_chars: 200, ..Default::default() };
        let whole = build_index_of(docs.iter().collect(), &opts);
        assert!(whole.iter().any(|(path, _)| path.starts_with("search/text/")));
        let mut order: Vec<&SearchDoc> = docs.iter().collect();
        order.sort_by(|a, b| id_order(a, b));
        for runs in [1, 2, 7, 300] {
            let parts = order.chunks(order.len().div_ceil(runs)).enumerate().map(|(n, run)| {
                let mut p = Postings::default();
                for (j, d) in run.iter().enumerate() {
                    let id = (n * order.len().div_ceil(runs) + j) as u32;
                    p.add(id, &d.title, d.tags.iter().map(|t| &**t), d.kind.as_deref(), [&*d.text]);
                }
                p
            });
            // Joined from the right as well as from the left: either side may be the larger.
            let parts: Vec<Postings> = parts.collect();
            let postings = if runs % 2 == 0 {
                parts.into_iter().reduce(Postings::append).unwrap()
            } else {
                parts.into_iter().rev().reduce(|later, early| early.append(later)).unwrap()
            };
            assert_eq!(build_index_from(docs.clone(), postings, &opts), whole, "{runs} runs");
        }
    }
}
