//! The template context of each page, and rendering the pages in parallel.

use super::listings::{archive_page_path, section_page_path, tag_page_path};
use super::*;
use crate::date::{format_iso, format_zh};
use crate::diagnostic::Diagnostic;
use crate::markdown::Rendered;
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::urls;
use minijinja::Value;
use serde::Serialize;

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    unit: &'a str,
    description: Option<&'a str>,
    base_url: String,
    language: &'a str,
    contact: &'a crate::config::Contact,
    sections: Vec<SectionLink>,
    /// Whether `boards/index.html` exists (the print layouts of the physical boards).
    has_boards: bool,
}

#[derive(Serialize, Clone)]
struct SectionLink {
    id: String,
    title: String,
    url: String,
    description: Option<String>,
    count: usize,
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct TagLink {
    name: String,
    url: String,
    count: usize,
}

/// Everything rendering needs, prepared once.
pub struct RenderInput<'a> {
    pub site: &'a Site,
    pub bodies: &'a [Rendered],
    pub extras: &'a [PostingExtras],
    /// Rendered intros of sections (by index) and the home page.
    pub section_intros: &'a [Option<String>],
    pub home_intro: Option<&'a str>,
    pub preview: bool,
    /// The 公开目录 as of the build date, for the home page's 本期应公开 panel.
    pub catalogue: Option<&'a crate::catalogue::Report>,
}

/// Renders the pages `jobs`, each from `listings`. Pages are independent, so they render in
/// parallel.
pub fn render_jobs(
    r: &Renderer,
    input: &RenderInput<'_>,
    listings: &Listings,
    jobs: &[Job],
    sink: &crate::output::Sink,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let pages = Pages::new(input, listings);
    let results: Vec<Result<OutputFile, Box<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            let (template, ctx) = pages.context(job);
            render_one(r, template, ctx, job.path(input.site), sink)
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => push_once(&mut diags, *d),
        }
    }
    (files, diags)
}

/// Renders one page and hands it to `sink`.
fn render_one(
    r: &Renderer,
    template: &'static str,
    ctx: Value,
    path: String,
    sink: &crate::output::Sink,
) -> Result<OutputFile, Box<Diagnostic>> {
    // Bytes nobody else holds are moved, not shared (a build without the page memo).
    let file = r.render_shared(template, ctx).map(|html| {
        let contents = match std::sync::Arc::try_unwrap(html) {
            Ok(bytes) => Contents::Bytes(bytes),
            Err(shared) => Contents::Shared(shared),
        };
        OutputFile { path, contents }
    })?;
    sink.emit(file).map_err(|e| Box::new(Diagnostic::error("public", e)))
}

/// Adds `d` unless it is there already: one broken template fails every page that uses it;
/// report it once.
pub fn push_once(diags: &mut Vec<Diagnostic>, d: Diagnostic) {
    if !diags.iter().any(|x| x.location() == d.location() && x.message.en() == d.message.en()) {
        diags.push(d);
    }
}

/// Posting pages rendered one at a time, each from a body its caller holds: the build renders a
/// page as soon as its body is made, so the bodies' HTML is never all held at once. `input`'s
/// `bodies` are not read; `listings` need only the sections' postings (the counts every page
/// shows), not the summaries.
pub struct PostingPages<'a> {
    renderer: &'a Renderer,
    pages: Pages<'a>,
}

impl<'a> PostingPages<'a> {
    pub fn new(renderer: &'a Renderer, input: &'a RenderInput<'a>, listings: &'a Listings) -> Self {
        PostingPages { renderer, pages: Pages::new(input, listings) }
    }

    /// Posting `i`'s page made from `body`, handed to `sink`.
    pub fn render(
        &self,
        i: usize,
        body: &Rendered,
        sink: &crate::output::Sink,
    ) -> Result<OutputFile, Box<Diagnostic>> {
        let path = Job::Posting(i).path(self.pages.input.site);
        let ctx = self.pages.posting(i, &path, body);
        render_one(self.renderer, "page.html", ctx, path, sink)
    }
}

/// The `site` every template sees (title, unit, contact, top sections with their counts): one
/// definition for the pages, the boards and the 公开目录, so they cannot drift apart.
pub fn site_context(site: &Site, listings: &Listings) -> Value {
    let top_sections: Vec<SectionLink> = site
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.parent.is_none())
        .map(|(i, s)| SectionLink {
            id: s.id.clone(),
            title: s.title.clone(),
            url: enc(&format!("{}index.html", s.url_dir)),
            description: s.description.clone(),
            count: listings.by_section[i].len(),
        })
        .collect();
    let site_ctx = SiteCtx {
        title: &site.config.title,
        unit: &site.config.unit,
        description: site.config.description.as_deref(),
        base_url: site.config.base(),
        language: &site.config.language,
        contact: &site.config.contact,
        sections: top_sections,
        has_boards: !site.config.boards.is_empty(),
    };
    v(&site_ctx)
}

/// Builds the template context of each page.
struct Pages<'a> {
    input: &'a RenderInput<'a>,
    listings: &'a Listings,
    site_value: Value,
}

impl<'a> Pages<'a> {
    fn new(input: &'a RenderInput<'a>, listings: &'a Listings) -> Pages<'a> {
        Pages { input, listings, site_value: site_context(input.site, listings) }
    }

    fn base(&self, path: &str, current_section: &str) -> Value {
        let site = self.input.site;
        minijinja::context! {
            site => self.site_value.clone(),
            root => urls::root_prefix(path),
            current => path,
            current_section => current_section,
            canonical => urls::absolute(&site.config.base_url, path),
            preview => self.input.preview,
        }
    }

    fn list(&self, ids: &[usize]) -> Vec<Summary> {
        ids.iter().filter_map(|&i| self.listings.summaries[i].clone()).collect()
    }

    fn top_id(&self, si: usize) -> String {
        let site = self.input.site;
        let mut s = si;
        while let Some(p) = site.sections[s].parent {
            s = p;
        }
        site.sections[s].id.clone()
    }

    fn breadcrumbs(&self, si: usize) -> Vec<Link> {
        let site = self.input.site;
        let mut chain = Vec::new();
        let mut s = Some(si);
        while let Some(i) = s {
            chain.push(Link {
                title: site.sections[i].title.clone(),
                url: enc(&format!("{}index.html", site.sections[i].url_dir)),
            });
            s = site.sections[i].parent;
        }
        chain.reverse();
        chain
    }

    /// The template and context of a page.
    fn context(&self, job: &Job) -> (&'static str, Value) {
        let site = self.input.site;
        let input = self.input;
        let by_section = &self.listings.by_section;
        let path = job.path(site);
        match job {
            Job::Home => {
                let sections: Vec<Value> = site
                    .sections
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.parent.is_none())
                    .map(|(i, s)| {
                        let latest: Vec<usize> =
                            by_section[i].iter().take(site.config.home_latest).copied().collect();
                        minijinja::context! {
                            title => s.title.clone(),
                            url => enc(&format!("{}index.html", s.url_dir)),
                            postings => v(self.list(&latest)),
                            count => by_section[i].len(),
                        }
                    })
                    .collect();
                // The board: 公示 open now (and about to open), grouped by section, soonest end first.
                let notice_groups: Vec<Value> = site
                    .sections
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.parent.is_none())
                    .filter_map(|(si, s)| {
                        let mut ids: Vec<usize> = by_section[si]
                            .iter()
                            .copied()
                            .filter(|&i| {
                                input.extras[i].notice.as_ref().is_some_and(|n| n.status != "ended")
                            })
                            .collect();
                        if ids.is_empty() {
                            return None;
                        }
                        ids.sort_by_key(|&i| {
                            let n = input.extras[i].notice.as_ref();
                            (
                                n.map(|n| n.status != "active"),
                                n.map(|n| n.end.clone()),
                                site.postings[i].source.clone(),
                            )
                        });
                        Some(minijinja::context! {
                            title => s.title.clone(),
                            url => enc(&format!("{}index.html", s.url_dir)),
                            postings => v(self.list(&ids)),
                        })
                    })
                    .collect();
                let ctx = minijinja::context! {
                    home => minijinja::context! {
                        intro => input.home_intro,
                        sections => sections,
                        notices => notice_groups,
                        due_now => input.catalogue.map(|c| v(c.panel())),
                    },
                    ..self.base(&path, "")
                };
                ("index.html", ctx)
            }
            Job::Section { si, page, pages } => {
                let s = &site.sections[*si];
                let ids = &by_section[*si];
                let chunk = self.listings.section_page(site, *si, *page);
                let subsections: Vec<Value> = s
                    .children
                    .iter()
                    .map(|&c| {
                        minijinja::context! {
                            title => site.sections[c].title.clone(),
                            url => enc(&format!("{}index.html", site.sections[c].url_dir)),
                            count => by_section[c].len(),
                        }
                    })
                    .collect();
                // Finance periods of the section (first page only) with their closing
                // balances: each series in period order, then periods outside any series.
                let mut periods: Vec<(&crate::ledger::Finance, &crate::ledger::Period, usize)> =
                    if *page == 1 {
                        ids.iter()
                            .filter_map(|&i| {
                                let l = input.extras[i]
                                    .ledger
                                    .as_ref()
                                    .filter(|l| !l.rows.is_empty())?;
                                Some((l, l.period.as_ref()?, i))
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                periods.sort_by_key(|(l, p, i)| {
                    (
                        l.series.is_none(),
                        l.series.clone(),
                        p.from,
                        p.to,
                        site.postings[*i].source.clone(),
                    )
                });
                let periods: Vec<Value> = periods
                    .into_iter()
                    .map(|(l, period, i)| {
                        minijinja::context! {
                            period => period.text.clone(),
                            title => site.postings[i].title().to_string(),
                            url => enc(&site.postings[i].url()),
                            closing => v(l.totals.closing),
                        }
                    })
                    .collect();
                let ctx = minijinja::context! {
                    section => minijinja::context! {
                        id => s.id.clone(),
                        title => s.title.clone(),
                        description => s.description.clone(),
                        intro => input.section_intros[*si].clone(),
                        postings => v(self.list(chunk)),
                        subsections => subsections,
                        periods => periods,
                        breadcrumbs => v(self.breadcrumbs(*si)),
                    },
                    paginator => paginator(*page, *pages, |n| section_page_path(site, *si, n)),
                    ..self.base(&path, &self.top_id(*si))
                };
                ("section.html", ctx)
            }
            Job::Posting(i) => ("page.html", self.posting(*i, &path, &input.bodies[*i])),
            Job::TagIndex => {
                let all: Vec<TagLink> = self
                    .listings
                    .tags
                    .iter()
                    .map(|(t, ids)| TagLink {
                        name: t.clone(),
                        url: enc(&tag_path(t)),
                        count: ids.len(),
                    })
                    .collect();
                let ctx = minijinja::context! { tag => (), tags => v(all), ..self.base(&path, "") };
                ("tag.html", ctx)
            }
            Job::Tag { tag, page, pages } => {
                let ids = self.listings.tags.get(tag).map(Vec::as_slice).unwrap_or_default();
                let chunk = Listings::list_page(site, ids, *page);
                let ctx = minijinja::context! {
                    tag => minijinja::context! {
                        name => tag.clone(),
                        count => ids.len(),
                        postings => v(self.list(chunk)),
                    },
                    paginator => paginator(*page, *pages, |n| tag_page_path(tag, n)),
                    ..self.base(&path, "")
                };
                ("tag.html", ctx)
            }
            Job::Archive { page, pages } => {
                let all_years = &self.listings.archive_years;
                let year = |i: usize| site.postings[i].date().year();
                // This page's postings, grouped by year; a year begun on an earlier page goes on.
                let mut years: Vec<(i16, Vec<usize>)> = Vec::new();
                for &i in Listings::list_page(site, &self.listings.archive, *page) {
                    match years.last_mut() {
                        Some((y, ids)) if *y == year(i) => ids.push(i),
                        _ => years.push((year(i), vec![i])),
                    }
                }
                let count_of =
                    |y: i16| all_years.iter().find(|r| r.year == y).map_or(0, |r| r.count);
                let years: Vec<Value> = years
                    .iter()
                    .map(|(y, ids)| {
                        let starts_here =
                            all_years.iter().any(|r| r.year == *y && r.first_page == *page);
                        minijinja::context! {
                            year => y,
                            count => count_of(*y),
                            continued => !starts_here,
                            postings => v(self.list(ids)),
                        }
                    })
                    .collect();
                let year_links: Vec<Value> = all_years
                    .iter()
                    .map(|r| {
                        // Empty on the page the year starts on: the link is then `#y2026`.
                        let page_url =
                            (r.first_page != *page).then(|| enc(&archive_page_path(r.first_page)));
                        minijinja::context! { year => r.year, count => r.count, page_url => page_url }
                    })
                    .collect();
                let ctx = minijinja::context! {
                    years => years,
                    year_links => year_links,
                    paginator => paginator(*page, *pages, archive_page_path),
                    ..self.base(&path, "")
                };
                ("archive.html", ctx)
            }
            Job::Search => ("search.html", minijinja::context! { ..self.base(&path, "search") }),
            Job::NotFound => {
                // A server shows this page at any depth: only root-absolute links work here.
                let ctx =
                    minijinja::context! { root => site.config.base_path(), ..self.base(&path, "") };
                ("404.html", ctx)
            }
        }
    }

    fn posting(&self, i: usize, path: &str, body: &Rendered) -> Value {
        let site = self.input.site;
        let p = &site.postings[i];
        let e = &self.input.extras[i];
        let tags_ctx: Vec<Value> = p
            .front
            .tags
            .iter()
            .map(|t| minijinja::context! { name => t.get_ref().clone(), url => enc(&tag_path(t.get_ref())) })
            .collect();
        let top = self.top_id(p.section);
        let top_title = site.sections.iter().find(|s| s.id == top).map(|s| s.title.clone());
        minijinja::context! {
            page => minijinja::context! {
                title => p.title(),
                date => format_iso(p.date()),
                date_zh => format_zh(p.date()),
                updated => p.front.updated.as_ref().map(|u| format_iso(u.get_ref().0)),
                updated_zh => p.front.updated.as_ref().map(|u| format_zh(u.get_ref().0)),
                summary => summary_of(p, body),
                kind => p.front.kind.clone(),
                period => p.front.period.as_ref().map(|x| x.get_ref().clone()),
                unit => p.front.unit.clone(),
                content => Value::from(std::sync::Arc::clone(&body.html)),
                headings => body.headings.iter().map(|(l, t, id)| minijinja::context!{ level => l, text => t, id => id }).collect::<Vec<_>>(),
                url => enc(path),
                source => p.source.clone(),
                section => minijinja::context! {
                    id => site.sections[p.section].id.clone(),
                    title => site.sections[p.section].title.clone(),
                    url => enc(&format!("{}index.html", site.sections[p.section].url_dir)),
                    top_title => top_title,
                },
                breadcrumbs => v(self.breadcrumbs(p.section)),
                tags => tags_ctx,
                attachments => v(&e.attachments),
                draft => p.is_draft(),
                future => p.date() > site.today,
                notice => v(&e.notice),
                ledger => v(&e.ledger),
                record => v(&e.record),
                signoff => v(&e.signoff),
                cover => e.cover.clone().filter(|c| !cover_in_body(c, &body.html)).map(Value::from_safe_string),
                gallery => e.gallery.iter().map(|g| minijinja::context! { html => Value::from_safe_string(g.html.clone()), caption => g.caption.clone() }).collect::<Vec<_>>(),
                // Made here, page by page: 10,000 QR codes need not be held at once.
                sheet => v(e.sheet.clone().or_else(|| Some(crate::render::sheet_for(site, p)))),
                chart_svg => e.chart_svg.clone().map(Value::from_safe_string),
                data_csv => e.data_csv.as_ref().map(|d| urls::relative(path, d)),
                data_json => e.data_json.as_ref().map(|d| urls::relative(path, d)),
                data_xlsx => e.data_xlsx.as_ref().map(|d| urls::relative(path, d)),
                ledger_download => e.ledger.as_ref().and_then(|l| l.source_file.as_ref()).and_then(|f| {
                    let rel = urls::normalize(&format!("{}/{f}", crate::diagnostic::display_path(&site.root.join("content"), &p.dir)))?;
                    Some(urls::relative(path, &rel))
                }),
            },
            ..self.base(path, &top)
        }
    }
}

/// Whether the body already shows the cover photo (same `src`): then the page does not show it
/// twice, once above the text and again in it.
fn cover_in_body(cover: &str, body: &str) -> bool {
    cover
        .split_once("src=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .is_some_and(|(src, _)| body.contains(&format!("src=\"{src}\"")))
}

/// The sheet of a posting of `site`.
pub fn sheet_for(site: &crate::site::Site, p: &crate::site::Posting) -> crate::sheet::SheetView {
    let settings = crate::sheet::resolve(
        &site.config.print,
        site.config.contact.committee.as_deref(),
        &site.sections[p.section].id,
        p.front.print.as_ref(),
    );
    let section = &site.sections[p.section].id;
    // The posting's own `unit` (公开单位, e.g. from an imported document) names it exactly.
    let issuer = match p.front.unit.as_deref().map(str::trim) {
        Some(u) if !u.is_empty() => u.to_string(),
        _ => crate::sheet::issuer(&settings, &site.config.unit, section),
    };
    let mut view = crate::sheet::SheetView::new(
        &settings,
        crate::sheet::ascii_url(&crate::urls::absolute(&site.config.base_url, &p.url())),
        issuer,
    );
    view.signed = crate::signoff::views(&p.front.signoff, p.date(), &p.src);
    view.signoff = crate::signoff::unfilled_roles(&view.signoff, &view.signed);
    view
}

/// The paginator of page `page` of `pages`, `path_of(n)` being page n's site-relative path.
fn paginator(page: usize, pages: usize, path_of: impl Fn(usize) -> String) -> Value {
    let links: Vec<Value> = page_window(page, pages)
        .into_iter()
        .map(|(n, gap)| minijinja::context! { n => n, url => enc(&path_of(n)), gap_before => gap })
        .collect();
    minijinja::context! {
        current => page,
        total => pages,
        pages => links,
        prev => (page > 1).then(|| enc(&path_of(page - 1))),
        next => (page < pages).then(|| enc(&path_of(page + 1))),
    }
}

/// Page numbers a paginated list links to, each with whether numbers are left out before it: every
/// page when there are at most [`PAGE_LINKS_ALL`], otherwise the first, the last and two either
/// side of `current`. Linking every page made each page's size grow with the page count, so a
/// list's pages together grew with its square (1,000 pages of 2 held a million links).
pub(super) fn page_window(current: usize, pages: usize) -> Vec<(usize, bool)> {
    let shown =
        |n: usize| pages <= PAGE_LINKS_ALL || n == 1 || n == pages || n.abs_diff(current) <= 2;
    let mut out = Vec::new();
    let mut last = 0;
    for n in (1..=pages).filter(|&n| shown(n)) {
        out.push((n, n > last + 1));
        last = n;
    }
    out
}

/// Up to this many pages, the paginator links every page.
const PAGE_LINKS_ALL: usize = 9;

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn page_window_links_all_of_few_pages_and_a_window_of_many() {
        let all: Vec<(usize, bool)> = (1..=9).map(|n| (n, false)).collect();
        assert_eq!(page_window(5, 9), all);
        assert_eq!(page_window(1, 500), [(1, false), (2, false), (3, false), (500, true)]);
        assert_eq!(
            page_window(250, 500),
            [
                (1, false),
                (248, true),
                (249, false),
                (250, false),
                (251, false),
                (252, false),
                (500, true)
            ]
        );
        assert_eq!(
            page_window(4, 10),
            [(1, false), (2, false), (3, false), (4, false), (5, false), (6, false), (10, true)]
        );
        assert_eq!(page_window(1, 1), [(1, false)]);
    }
}
