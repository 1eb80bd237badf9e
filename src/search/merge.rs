//! One index over several sites (a township portal's combined search), made from the sites'
//! own index files, so a site whose pages did not change is not tokenised again.
//!
//! Every part's documents get the part's URL prefix (`xiawan/`) and its sections become
//! `prefix/section` titled `下湾村 · 财务公开`, so a hit says which village it is from. Postings
//! are decoded, their document ids mapped into the merged order (newest first, then URL, as in
//! [`super::build_index`]) and encoded again; term frequencies and title/tag flags are kept, so
//! ranking is the same as a site's own.

use super::index::{
    DocOut, FORMAT_VERSION, IndexOptions, META_PATH, decode_numbers, doc_files, encode_number,
    id_key, meta_file, term_files, year_of,
};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// One site whose index goes into the merged one.
pub struct IndexPart<'a> {
    /// Path from the merged index's root to the site's root, URL-encoded and ending in `/`.
    pub prefix: String,
    /// Shown before the site's section titles (`下湾村`).
    pub label: String,
    /// Reads a file of the site by its site-relative path (`search/meta.js`).
    #[allow(clippy::type_complexity)]
    pub read: Box<dyn Fn(&str) -> Option<String> + Sync + 'a>,
}

/// The merged index's files and the parts left out (index missing, damaged or of another
/// format version), by position, with the reason in English.
#[derive(Debug, Default)]
pub struct Merged {
    pub files: Vec<(String, String)>,
    pub left_out: Vec<(usize, String)>,
}

#[derive(Deserialize)]
struct Meta {
    version: u32,
    docs: usize,
    #[serde(rename = "termShards")]
    term_shards: u32,
    #[serde(rename = "docShardSize")]
    doc_shard_size: usize,
    sections: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct DocsShard {
    docs: Vec<DocOut<'static>>,
}

#[derive(Deserialize)]
struct TextShard {
    text: Vec<String>,
}

#[derive(Deserialize)]
struct TermsShard {
    terms: HashMap<String, String>,
}

struct PartDoc {
    doc: DocOut<'static>,
    /// The whole text when `doc.m` is 1, else empty.
    text: String,
    /// Section key in the merged index and its title.
    section: String,
}

struct Part {
    docs: Vec<PartDoc>,
    sections: Vec<(String, String)>,
    /// Term → decoded postings (id delta, value, …).
    terms: Vec<(String, Vec<u32>)>,
}

/// The object a shard file pushes.
fn payload(js: &str) -> Option<&str> {
    let start = js.find(".push(")? + ".push(".len();
    let end = js.rfind(')')?;
    js.get(start..end)
}

fn parse<T: for<'de> Deserialize<'de>>(p: &IndexPart, path: &str) -> Result<T, String> {
    let text = (p.read)(path).ok_or_else(|| format!("{path} is missing"))?;
    let body = payload(&text).ok_or_else(|| format!("{path} is not a search index file"))?;
    serde_json::from_str(body).map_err(|e| format!("{path}: {e}"))
}

fn read_part(p: &IndexPart) -> Result<Part, String> {
    let meta: Meta = parse(p, META_PATH)?;
    if meta.version != FORMAT_VERSION {
        return Err(format!(
            "{META_PATH} is of index format {} (this gongkai reads {FORMAT_VERSION}); build the site again",
            meta.version
        ));
    }
    let key = p.prefix.trim_end_matches('/');
    let sections: Vec<(String, String)> = meta
        .sections
        .iter()
        .map(|(id, title)| (format!("{key}/{id}"), format!("{} · {title}", p.label)))
        .collect();
    let mut docs = Vec::with_capacity(meta.docs);
    for n in 0..meta.docs.div_ceil(meta.doc_shard_size.max(1)) {
        let shard: DocsShard = parse(p, &format!("search/docs/{n}.js"))?;
        let texts: Vec<String> = if shard.docs.iter().any(|d| d.m == 1) {
            parse::<TextShard>(p, &format!("search/text/{n}.js"))?.text
        } else {
            Vec::new()
        };
        for (j, mut doc) in shard.docs.into_iter().enumerate() {
            let section = sections.get(doc.s).map(|s| s.0.clone()).ok_or_else(|| {
                format!("search/docs/{n}.js: section {} is not in meta.js", doc.s)
            })?;
            let text =
                if doc.m == 1 { texts.get(j).cloned().unwrap_or_default() } else { String::new() };
            doc.u = format!("{}{}", p.prefix, doc.u).into();
            docs.push(PartDoc { doc, text, section });
        }
    }
    if docs.len() != meta.docs {
        return Err(format!(
            "{META_PATH} counts {} pages, its shards hold {}",
            meta.docs,
            docs.len()
        ));
    }
    let mut terms = Vec::new();
    for n in 0..meta.term_shards {
        let path = format!("search/terms/{n}.js");
        let shard: TermsShard = parse(p, &path)?;
        for (term, code) in shard.terms {
            let nums =
                decode_numbers(&code).ok_or_else(|| format!("{path}: bad postings of {term}"))?;
            terms.push((term, nums));
        }
    }
    Ok(Part { docs, sections, terms })
}

/// Merges the parts' indexes (read in parallel). A part that cannot be read is left out and
/// named in [`Merged::left_out`]; the others are still searchable.
pub fn merge_indexes(parts: &[IndexPart], opts: &IndexOptions) -> Merged {
    let read: Vec<Result<Part, String>> = parts.par_iter().map(read_part).collect();
    let mut left_out = Vec::new();
    let mut ok: Vec<Part> = Vec::new();
    for (i, r) in read.into_iter().enumerate() {
        match r {
            Ok(p) => ok.push(p),
            Err(why) => left_out.push((i, why)),
        }
    }

    // The merged order: newest first, then URL; `global[part][local]` is the new id.
    let mut order: Vec<(usize, usize)> = ok
        .iter()
        .enumerate()
        .flat_map(|(p, part)| (0..part.docs.len()).map(move |j| (p, j)))
        .collect();
    order.sort_by_key(|&(p, j)| {
        let d = &ok[p].docs[j].doc;
        id_key(&*d.d, &*d.u)
    });
    let mut global: Vec<Vec<u32>> = ok.iter().map(|p| vec![0; p.docs.len()]).collect();
    for (id, &(p, j)) in order.iter().enumerate() {
        global[p][j] = id as u32;
    }

    let sections: BTreeMap<&str, &str> =
        ok.iter().flat_map(|p| p.sections.iter().map(|(k, t)| (k.as_str(), t.as_str()))).collect();
    let section_index: HashMap<&str, usize> =
        sections.keys().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut years: Vec<u32> =
        order.iter().filter_map(|&(p, j)| year_of(&ok[p].docs[j].doc.d)).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();

    // Postings: every part's lists mapped to the new ids, then sorted and encoded again.
    let mut postings: HashMap<&str, Vec<(u32, u32)>> = HashMap::new();
    for (p, part) in ok.iter().enumerate() {
        for (term, nums) in &part.terms {
            let list = postings.entry(term.as_str()).or_default();
            let mut local = 0u32;
            for pair in nums.chunks_exact(2) {
                local += pair[0];
                if let Some(&id) = global[p].get(local as usize) {
                    list.push((id, pair[1]));
                }
            }
        }
    }
    let mut encoded: Vec<(&str, String)> = postings
        .into_par_iter()
        .map(|(term, mut list)| {
            list.sort_unstable();
            let mut code = String::with_capacity(list.len() * 2);
            let mut prev = 0;
            for (id, value) in list {
                encode_number(&mut code, id - prev);
                encode_number(&mut code, value);
                prev = id;
            }
            (term, code)
        })
        .collect();
    encoded.sort_unstable_by(|a, b| a.0.cmp(b.0));

    let mut files = term_files(encoded, opts);
    let shards = files.len() as u32;
    let shard_size = opts.doc_shard_size.max(1);
    let mut core = String::new();
    for (n, chunk) in order.chunks(shard_size).enumerate() {
        let mut docs = Vec::with_capacity(chunk.len());
        let mut texts = Vec::with_capacity(chunk.len());
        for &(p, j) in chunk {
            let d = &ok[p].docs[j];
            let s = section_index[d.section.as_str()];
            encode_number(&mut core, s as u32);
            let year = year_of(&d.doc.d)
                .and_then(|y| years.iter().position(|&x| x == y))
                .map_or(0, |i| i as u32 + 1);
            encode_number(&mut core, year);
            docs.push(DocOut { s, ..d.doc.clone() });
            texts.push(d.text.clone());
        }
        files.extend(doc_files(n, &docs, &texts));
    }
    let sections_list: Vec<[&str; 2]> = sections.iter().map(|(k, v)| [*k, *v]).collect();
    files.push(meta_file(order.len(), shards, shard_size, &sections_list, &years, &core));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Merged { files, left_out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{SearchDoc, build_index};

    fn doc(url: &str, title: &str, date: &str, text: &str) -> SearchDoc<'static> {
        SearchDoc {
            url: url.into(),
            title: title.into(),
            section: "village".into(),
            section_title: "村务公开".into(),
            date: date.into(),
            text: text.to_string().into(),
            ..Default::default()
        }
    }

    fn part(prefix: &str, label: &str, files: Vec<(String, String)>) -> IndexPart<'static> {
        let files: HashMap<String, String> = files.into_iter().collect();
        IndexPart {
            prefix: prefix.into(),
            label: label.into(),
            read: Box::new(move |p| files.get(p).cloned()),
        }
    }

    /// The merged index is the index of all pages with their prefixed URLs (same terms and
    /// postings as indexing them together), and a broken part is left out, named.
    #[test]
    fn merged_index_equals_one_built_over_all_pages() {
        let a = vec![
            doc("a/1/index.html", "修路公示", "2026-09-01", "村里修路 花费 1200 元"),
            doc("a/2/index.html", "低保评议", "2026-10-02", "低保 对象 评议"),
        ];
        let b = vec![doc("b/1/index.html", "电梯加装", "2026-09-15", "加装电梯 修路")];
        let merged = merge_indexes(
            &[
                part("xiawan/", "下湾村", build_index(&a)),
                part("qs/", "青石社区", build_index(&b)),
                part("broken/", "坏", vec![("search/meta.js".into(), "nonsense".into())]),
            ],
            &IndexOptions::default(),
        );
        assert_eq!(merged.left_out.len(), 1);
        assert_eq!(merged.left_out[0].0, 2);
        let mut all: Vec<SearchDoc> = a
            .iter()
            .map(|d| SearchDoc {
                url: format!("xiawan/{}", d.url),
                section: "xiawan/village".into(),
                section_title: "下湾村 · 村务公开".into(),
                ..d.clone()
            })
            .chain(b.iter().map(|d| SearchDoc {
                url: format!("qs/{}", d.url),
                section: "qs/village".into(),
                section_title: "青石社区 · 村务公开".into(),
                ..d.clone()
            }))
            .collect();
        all.sort_by(|x, y| x.url.cmp(&y.url));
        let direct: HashMap<String, String> = build_index(&all).into_iter().collect();
        let got: HashMap<String, String> = merged.files.into_iter().collect();
        assert_eq!(got.len(), direct.len());
        for (path, text) in &direct {
            assert_eq!(got.get(path), Some(text), "{path}");
        }
    }
}
