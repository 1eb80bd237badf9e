//! How people and machines find postings: the offline Chinese search index, Atom feeds per
//! site and section, `sitemap.xml` and `robots.txt`. Runs after the Markdown stage, on plain
//! data, and returns output files.

use crate::feed::{self, FeedEntry};
use crate::markdown::Rendered;
use crate::output::{Contents, OutputFile};
use crate::render::{PostingExtras, sort_postings, summary_of};
use crate::search::{self, SearchDoc};
use crate::site::Site;
use crate::urls;
use std::borrow::Cow;

/// The documents of the search index (taking the bodies' plain text), newest first.
pub fn search_docs<'a>(
    site: &'a Site,
    bodies: &mut [Rendered],
    extras: &[PostingExtras],
) -> Vec<SearchDoc<'a>> {
    published_in_order(site)
        .into_iter()
        .map(|i| search_doc(site, i, std::mem::take(&mut bodies[i].text), &extras[i]))
        .collect()
}

/// The published postings in the order of their search ids ([`search::id_key`]).
pub fn search_order(site: &Site) -> Vec<usize> {
    let mut ids: Vec<usize> =
        (0..site.postings.len()).filter(|&i| site.postings[i].published).collect();
    ids.sort_by_cached_key(|&i| {
        let p = &site.postings[i];
        search::id_key(crate::date::format_iso(p.date()), p.url())
    });
    ids
}

/// Adds posting `i`'s terms to `postings` as search document `id`: the same title, tags, kind
/// and text (its Markdown, `markdown`, then its ledger 摘要) that its [`search_doc`] holds.
pub fn add_search_terms(
    site: &Site,
    i: usize,
    markdown: &str,
    extras: &PostingExtras,
    id: u32,
    postings: &mut search::Postings,
) {
    let p = &site.postings[i];
    let tags = p.front.tags.iter().map(|t| t.get_ref().as_str());
    let text = std::iter::once(markdown).chain(ledger_summaries(extras));
    postings.add(id, p.title(), tags, p.front.kind.as_deref(), text);
}

/// The search index of the published postings, whose terms a Markdown pass put into
/// `postings`: a document holds its text (the Markdown, taken out of `site`) only when its
/// snippet is cut from it (no excerpt).
pub fn search_files_from(
    site: &mut Site,
    bodies: &mut [Rendered],
    extras: &[PostingExtras],
    postings: search::Postings,
) -> Vec<OutputFile> {
    let docs: Vec<SearchDoc<'static>> = search_order(site)
        .into_iter()
        .map(|i| {
            let excerpt = std::mem::take(&mut bodies[i].text);
            let text = if excerpt.is_empty() {
                search_text(Cow::Owned(site.postings[i].take_body()), &extras[i])
            } else {
                Cow::Borrowed("")
            };
            search_doc_of(site, i, text, excerpt, &extras[i])
        })
        .collect();
    search_files(search::build_index_from(docs, postings, &Default::default()))
}

/// The published postings in listing order.
fn published_in_order(site: &Site) -> Vec<usize> {
    let mut ids: Vec<usize> =
        (0..site.postings.len()).filter(|&i| site.postings[i].published).collect();
    sort_postings(site, &mut ids);
    ids
}

/// The search document of posting `i`; `excerpt` is its body's plain text.
pub fn search_doc<'a>(
    site: &'a Site,
    i: usize,
    excerpt: String,
    extras: &PostingExtras,
) -> SearchDoc<'a> {
    let text = search_text(Cow::Borrowed(site.postings[i].body()), extras);
    search_doc_of(site, i, text, excerpt, extras)
}

/// What a posting's search document indexes as its text: its Markdown (markup characters are
/// separators to the tokenizer, so no second copy of every text is kept; snippets come from
/// the rendered plain text), then its ledger 摘要, a line each ("修路" finds the quarter that
/// paid for it).
fn search_text<'a>(mut markdown: Cow<'a, str>, extras: &PostingExtras) -> Cow<'a, str> {
    for summary in ledger_summaries(extras) {
        let t = markdown.to_mut();
        t.push('\n');
        t.push_str(summary);
    }
    markdown
}

/// The ledger 摘要 a posting's search document indexes after its Markdown.
fn ledger_summaries(extras: &PostingExtras) -> impl Iterator<Item = &str> {
    extras.ledger.iter().flat_map(|l| l.rows.iter().map(|r| r.summary.as_str()))
}

/// The search document of posting `i` whose indexed text is `text` ([`search_text`]).
fn search_doc_of<'a>(
    site: &Site,
    i: usize,
    text: Cow<'a, str>,
    excerpt: String,
    extras: &PostingExtras,
) -> SearchDoc<'a> {
    let p = &site.postings[i];
    let top = top_section(site, p.section);
    SearchDoc {
        url: p.url(),
        title: p.title().to_string(),
        section: site.sections[top].id.clone(),
        section_title: site.sections[top].title.clone(),
        date: crate::date::format_iso(p.date()),
        kind: p.front.kind.clone(),
        status: extras.notice.as_ref().map(|n| n.label.to_string()),
        tags: p.front.tags.iter().map(|t| t.get_ref().clone()).collect(),
        text,
        excerpt,
    }
}

/// Search index files of `docs`, the search script and stylesheet.
pub fn search_files_of(docs: Vec<&SearchDoc>) -> Vec<OutputFile> {
    search_files(search::build_index_of(docs, &Default::default()))
}

fn search_files(index: Vec<(String, String)>) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = index
        .into_iter()
        .map(|(path, s)| OutputFile { path, contents: Contents::Bytes(s.into_bytes()) })
        .collect();
    files.push(OutputFile {
        path: "static/search.js".into(),
        contents: Contents::Bytes(search::SEARCH_JS.as_bytes().to_vec()),
    });
    files.push(OutputFile {
        path: "static/search.css".into(),
        contents: Contents::Bytes(search::SEARCH_CSS.as_bytes().to_vec()),
    });
    files
}

fn top_section(site: &Site, mut s: usize) -> usize {
    while let Some(p) = site.sections[s].parent {
        s = p;
    }
    s
}

/// Posting `i` as a feed shows it (`None` when it is not published).
pub fn feed_entry(site: &Site, i: usize, body: &Rendered) -> Option<FeedEntry> {
    let p = &site.postings[i];
    if !p.published {
        return None;
    }
    let url_abs = urls::absolute(&site.config.base(), &p.url());
    Some(FeedEntry {
        title: p.title().to_string(),
        id: url_abs.clone(),
        url_abs,
        published: p.date(),
        updated: p.front.updated.as_ref().map(|u| u.get_ref().0),
        summary: summary_of(p, body).unwrap_or_default(),
        section_title: site.sections[top_section(site, p.section)].title.clone(),
    })
}

/// `atom.xml` for the whole site and `SECTION/atom.xml` for each top-level section, from every
/// posting's entry (by posting index).
pub fn feeds_of(site: &Site, entries: &[Option<FeedEntry>]) -> Vec<OutputFile> {
    use rayon::prelude::*;
    let base = site.config.base();
    // The site's feed, then one per top section (`None`: every entry); made in parallel, the
    // site's alone holds every posting.
    let mut feeds: Vec<(Option<usize>, String, String, String)> =
        vec![(None, site.config.title.clone(), "atom.xml".into(), base.clone())];
    for (si, s) in site.sections.iter().enumerate().filter(|(_, s)| s.parent.is_none()) {
        feeds.push((
            Some(si),
            format!("{} - {}", s.title, site.config.title),
            format!("{}atom.xml", s.url_dir),
            urls::absolute(&base, &format!("{}index.html", s.url_dir)),
        ));
    }
    feeds
        .into_par_iter()
        .map(|(section, title, path, page)| {
            let entries = entries
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    section.is_none_or(|si| top_section(site, site.postings[*i].section) == si)
                })
                .filter_map(|(_, e)| e.as_ref());
            let xml = feed::atom(
                &title,
                &urls::absolute(&base, &path),
                &page,
                &site.config.unit,
                entries,
                site.today,
            );
            OutputFile { path, contents: Contents::Bytes(xml.into_bytes()) }
        })
        .collect()
}

/// `sitemap.xml` over every HTML page, and `robots.txt` pointing at it.
pub fn sitemap(site: &Site, pages: &[OutputFile]) -> Vec<OutputFile> {
    sitemap_of(site, pages.iter().map(|f| f.path.as_str()))
}

/// `sitemap` from the site-relative paths of the output files.
pub fn sitemap_of<'a>(site: &Site, paths: impl Iterator<Item = &'a str>) -> Vec<OutputFile> {
    let base = site.config.base();
    let posting_dates: std::collections::BTreeMap<String, jiff::civil::Date> = site
        .postings
        .iter()
        .filter(|p| p.published)
        .map(|p| (p.url(), p.front.updated.as_ref().map(|u| u.get_ref().0).unwrap_or(p.date())))
        .collect();
    let urls_list: Vec<(String, Option<jiff::civil::Date>)> = paths
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .map(|p| (urls::absolute(&base, p), posting_dates.get(p).copied()))
        .collect();
    let sitemap_url = urls::absolute(&base, "sitemap.xml");
    vec![
        OutputFile {
            path: "sitemap.xml".into(),
            contents: Contents::Bytes(feed::sitemap(&urls_list).into_bytes()),
        },
        OutputFile {
            path: "robots.txt".into(),
            contents: Contents::Bytes(feed::robots(&sitemap_url).into_bytes()),
        },
    ]
}
