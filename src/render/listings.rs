//! What each page lists: every posting as listings show it, and which postings each section,
//! tag and the archive list, in order.

use super::*;
use crate::date::{format_iso, format_zh};
use crate::markdown::Rendered;
use crate::site::{Posting, Site};
use serde::Serialize;
use std::collections::BTreeMap;

/// A posting as listings show it.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Summary {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_zh: String,
    pub kind: Option<String>,
    pub period: Option<String>,
    pub summary: Option<String>,
    pub section_title: String,
    pub draft: bool,
    pub future: bool,
    pub notice: Option<crate::notice::stage::NoticeView>,
}

/// Newest first; ties by weight, then title and source, so order never depends on the file system.
pub fn sort_postings(site: &Site, ids: &mut [usize]) {
    ids.sort_by(|&a, &b| list_order(site, a, b));
}

/// The order of postings in every list: newest first, then by weight, title and source path
/// (unique, so the order is total and a list sorts one way only).
fn list_order(site: &Site, a: usize, b: usize) -> std::cmp::Ordering {
    let (pa, pb) = (&site.postings[a], &site.postings[b]);
    pb.date()
        .cmp(&pa.date())
        .then(pa.front.weight.cmp(&pb.front.weight))
        .then(pa.title().cmp(pb.title()))
        .then(pa.source.cmp(&pb.source))
}

/// The archive's runs of postings of one year, with the page each starts on.
fn archive_years(site: &Site, archive: &[usize]) -> Vec<ArchiveYear> {
    let mut years: Vec<ArchiveYear> = Vec::new();
    for (k, &i) in archive.iter().enumerate() {
        let year = site.postings[i].date().year();
        match years.last_mut() {
            Some(run) if run.year == year => run.count += 1,
            _ => years.push(ArchiveYear {
                year,
                count: 1,
                first_page: k / site.config.paginate.max(1) + 1,
            }),
        }
    }
    years
}

/// Plain-text summary: the front matter's, or the start of the body.
pub fn summary_of(p: &Posting, body: &Rendered) -> Option<String> {
    if let Some(s) = &p.front.summary {
        return Some(s.clone());
    }
    // The first sentence-like line: table cells (月份, 金额) are short and make poor summaries.
    let mut lines = body.text.lines().map(str::trim).filter(|l| !l.is_empty() && *l != p.title());
    let first = lines.clone().find(|l| l.chars().count() >= 12).or_else(|| lines.next())?;
    let mut s: String = first.chars().take(90).collect();
    if first.chars().count() > 90 {
        s.push('…');
    }
    Some(s)
}

/// The listings every page draws from: each posting as listings show it, and which postings
/// each section, tag and the archive list, in order. Made once per build; the preview's
/// incremental builds compare two of them to find the pages an edit touches.
#[derive(Clone, Debug, PartialEq)]
pub struct Listings {
    /// Published postings by index.
    pub published: Vec<usize>,
    /// By posting index; `None` for postings not in this build's output.
    pub summaries: Vec<Option<Summary>>,
    /// Postings of each section including its sub-sections, newest first.
    pub by_section: Vec<Vec<usize>>,
    /// Postings of each tag, newest first.
    pub tags: BTreeMap<String, Vec<usize>>,
    /// Every published posting, newest first.
    pub archive: Vec<usize>,
    /// The archive's runs of one year, in archive order: what every archive page's year links
    /// show, worked out once (and compared by the preview to see whether they changed).
    pub archive_years: Vec<ArchiveYear>,
}

/// A run of postings of one year in the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveYear {
    pub year: i16,
    pub count: usize,
    /// The archive page the run starts on (from 1).
    pub first_page: usize,
}

/// How many pages `len` entries make at `per` to a page (an empty list has one page).
pub fn page_count(len: usize, per: usize) -> usize {
    len.div_ceil(per.max(1)).max(1)
}

/// The entries page `page` (from 1) of `ids` shows at `per` to a page.
fn page_slice(ids: &[usize], per: usize, page: usize) -> &[usize] {
    let per = per.max(1);
    let from = (page.saturating_sub(1) * per).min(ids.len());
    &ids[from..(from + per).min(ids.len())]
}

impl Listings {
    pub fn new(site: &Site, bodies: &[Rendered], extras: &[PostingExtras]) -> Listings {
        let summaries = (0..site.postings.len())
            .map(|i| summary_for(site, i, &bodies[i], &extras[i]))
            .collect();
        Listings::from_summaries(site, summaries)
    }

    /// The listings of `site` given every posting's summary.
    pub fn from_summaries(site: &Site, summaries: Vec<Option<Summary>>) -> Listings {
        let published: Vec<usize> =
            (0..site.postings.len()).filter(|&i| site.postings[i].published).collect();
        let mut by_section: Vec<Vec<usize>> = vec![Vec::new(); site.sections.len()];
        for &i in &published {
            let mut s = Some(site.postings[i].section);
            while let Some(si) = s {
                by_section[si].push(i);
                s = site.sections[si].parent;
            }
        }
        for ids in &mut by_section {
            sort_postings(site, ids);
        }
        let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in &published {
            for t in &site.postings[i].front.tags {
                let name = t.get_ref().trim().to_string();
                if !name.is_empty() {
                    tags.entry(name).or_default().push(i);
                }
            }
        }
        for ids in tags.values_mut() {
            ids.dedup();
            sort_postings(site, ids);
        }
        let mut archive = published.clone();
        sort_postings(site, &mut archive);
        let archive_years = archive_years(site, &archive);
        Listings { published, summaries, by_section, tags, archive, archive_years }
    }

    /// The listings after postings `moved` changed a sort key (date, weight, title) but not
    /// their section, tags or draft status: every list is still in order but for them, so each
    /// is taken out of the lists it is in and put back where it now belongs. The same lists as
    /// [`Listings::from_summaries`] makes, without sorting 10,000 postings again (~12 ms).
    pub fn reposition(&mut self, site: &Site, moved: &[usize]) {
        let lists = self
            .by_section
            .iter_mut()
            .chain(self.tags.values_mut())
            .chain(std::iter::once(&mut self.archive));
        for ids in lists {
            let here: Vec<usize> = moved.iter().copied().filter(|m| ids.contains(m)).collect();
            if here.is_empty() {
                continue;
            }
            ids.retain(|i| !here.contains(i));
            for m in here {
                let at = ids.partition_point(|&i| list_order(site, i, m).is_lt());
                ids.insert(at, m);
            }
        }
        self.archive_years = archive_years(site, &self.archive);
    }

    /// Every page of the site, in a fixed order.
    pub fn jobs(&self, site: &Site) -> Vec<Job> {
        let mut jobs = vec![Job::Home];
        for (si, s) in site.sections.iter().enumerate() {
            let per = s.paginate.unwrap_or(site.config.paginate);
            let pages = page_count(self.by_section[si].len(), per);
            for page in 1..=pages {
                jobs.push(Job::Section { si, page, pages });
            }
        }
        jobs.extend(self.published.iter().map(|&i| Job::Posting(i)));
        jobs.push(Job::TagIndex);
        let per = site.config.paginate;
        for (t, ids) in &self.tags {
            let pages = page_count(ids.len(), per);
            jobs.extend((1..=pages).map(|page| Job::Tag { tag: t.clone(), page, pages }));
        }
        let pages = page_count(self.archive.len(), per);
        jobs.extend((1..=pages).map(|page| Job::Archive { page, pages }));
        jobs.push(Job::Search);
        jobs.push(Job::NotFound);
        jobs
    }

    /// The postings page `page` of a list paginated `site.config.paginate` to a page (a tag's,
    /// the archive's) shows.
    pub fn list_page<'a>(site: &Site, ids: &'a [usize], page: usize) -> &'a [usize] {
        page_slice(ids, site.config.paginate, page)
    }

    /// The postings a section page lists.
    pub fn section_page(&self, site: &Site, si: usize, page: usize) -> &[usize] {
        let per = site.sections[si].paginate.unwrap_or(site.config.paginate);
        page_slice(&self.by_section[si], per, page)
    }
}

/// A posting as listings show it (`None` when it is not in this build's output).
pub fn summary_for(
    site: &Site,
    i: usize,
    body: &Rendered,
    extras: &PostingExtras,
) -> Option<Summary> {
    let p = &site.postings[i];
    p.published.then(|| Summary {
        title: p.title().to_string(),
        url: enc(&p.url()),
        date: format_iso(p.date()),
        date_zh: format_zh(p.date()),
        kind: p.front.kind.clone(),
        period: p.front.period.as_ref().map(|x| x.get_ref().clone()),
        summary: summary_of(p, body),
        section_title: site.sections[p.section].title.clone(),
        draft: p.is_draft(),
        future: p.date() > site.today,
        notice: extras.notice.clone(),
    })
}

/// One page to render.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    Home,
    Section {
        si: usize,
        page: usize,
        pages: usize,
    },
    Posting(usize),
    TagIndex,
    /// One page of a tag's postings (`site.config.paginate` to a page, like a section's).
    Tag {
        tag: String,
        page: usize,
        pages: usize,
    },
    /// One page of every posting, newest first, grouped by year.
    Archive {
        page: usize,
        pages: usize,
    },
    Search,
    NotFound,
}

impl Job {
    /// Site-relative path of the page.
    pub fn path(&self, site: &Site) -> String {
        match self {
            Job::Home => "index.html".into(),
            Job::Section { si, page, .. } => section_page_path(site, *si, *page),
            Job::Posting(i) => site.postings[*i].url(),
            Job::TagIndex => "tags/index.html".into(),
            Job::Tag { tag, page, .. } => tag_page_path(tag, *page),
            Job::Archive { page, .. } => archive_page_path(*page),
            Job::Search => "search/index.html".into(),
            Job::NotFound => "404.html".into(),
        }
    }
}

pub(super) fn section_page_path(site: &Site, si: usize, page: usize) -> String {
    paginated(&site.sections[si].url_dir, page)
}

/// Site-relative page path of a tag.
pub fn tag_path(tag: &str) -> String {
    tag_page_path(tag, 1)
}

/// Site-relative path of page `page` of a tag (page 1 is [`tag_path`]).
pub fn tag_page_path(tag: &str, page: usize) -> String {
    let clean: String = tag
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    let dir = format!("tags/{}/", clean.to_lowercase());
    paginated(&dir, page)
}

/// Site-relative path of page `page` of the archive.
pub fn archive_page_path(page: usize) -> String {
    paginated("archive/", page)
}

/// `dir` + `index.html` for the first page, `dir` + `page/N/index.html` for the others, as a
/// section's pages are named.
fn paginated(dir: &str, page: usize) -> String {
    if page <= 1 { format!("{dir}index.html") } else { format!("{dir}page/{page}/index.html") }
}
