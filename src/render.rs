//! Turns a loaded [`Site`] and its rendered Markdown bodies into HTML pages with minijinja.
//!
//! Templates only ever see plain serialisable data; every URL in it is site-relative and
//! percent-encoded, and templates prefix it with `root` (e.g. `../../`) so the output works from
//! any folder and from disk.

use crate::date::{format_iso, format_zh};
use crate::diagnostic::{Diagnostic, Message};
use crate::markdown::Rendered;
use crate::site::{Posting, Site};
use crate::theme::Theme;
use crate::urls;
use minijinja::{Environment, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// A rendered page or copied file for the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Site-relative path with `/` separators.
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Vec<u8>),
    Copy(std::path::PathBuf),
    /// Already written to the staging folder (see [`crate::output::Sink`]); only its hash is kept.
    Written {
        sha256: String,
    },
}

/// What a posting page shows beyond its front matter and body (filled by later stages).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PostingExtras {
    pub attachments: Vec<AttachmentCtx>,
    /// The posting's 公示 period and its status on the build date.
    pub notice: Option<crate::enrich::notices::NoticeView>,
    /// The posting's ledger and budget (`page.ledger`).
    pub ledger: Option<crate::ledger::Finance>,
    /// Income/expense chart as inline SVG.
    pub chart_svg: Option<String>,
    /// Fingerprint and change history (public record).
    pub record: Option<crate::enrich::records::RecordView>,
    /// The cover photo as an `<img srcset>` tag.
    pub cover: Option<String>,
    pub gallery: Vec<GalleryCtx>,
    /// Site-relative paths of the ledger as open data.
    pub data_csv: Option<String>,
    pub data_json: Option<String>,
    pub data_xlsx: Option<String>,
    /// The printed sheet: paper, sign-off, online URL and its QR code (`page.sheet`).
    pub sheet: Option<crate::sheet::SheetView>,
    /// The review before publication (`page.signoff`).
    pub signoff: Vec<crate::signoff::Signoff>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GalleryCtx {
    /// A ready `<img>` tag.
    pub html: String,
    pub caption: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentCtx {
    pub label: String,
    /// Relative to the posting page.
    pub href: String,
    pub size: u64,
    pub size_text: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, thiserror::Error)]
#[error("template error: {detail}")]
pub struct TemplateError {
    pub detail: String,
}

impl Message for TemplateError {
    fn code(&self) -> &'static str {
        "template.error"
    }
    fn zh(&self) -> String {
        format!("模板出错：{}", self.detail)
    }
    fn en(&self) -> String {
        self.to_string()
    }
}

/// The template engine for one theme.
pub struct Renderer {
    env: Environment<'static>,
    theme: Theme,
    /// Pages of earlier preview builds by (template, context) hash; see [`crate::incremental`].
    pages: Option<PageMemo>,
}

type PageMemo =
    std::sync::Arc<crate::incremental::Memo<crate::incremental::Key, std::sync::Arc<String>>>;

impl Renderer {
    pub fn new(theme: Theme) -> Renderer {
        let mut env = Environment::new();
        // Keeps source snippets in template errors for clerks editing their own templates.
        env.set_debug(true);
        // A misspelt variable or an attribute of an undefined value is an error at the template's
        // line, not an empty spot on the page; `{% if x %}` on an undefined `x` stays allowed.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        // minijinja's HTML escaping also turns `/` into `&#x2f;`, which bloats every relative URL
        // (`..&#x2f;..&#x2f;`). Escaping the five HTML-significant characters is enough.
        env.set_formatter(|out, state, value| match (state.auto_escape(), value.as_str()) {
            (minijinja::AutoEscape::Html, Some(s)) if !value.is_safe() => {
                out.write_str(&escape_html(s)).map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
                })
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        let loader_theme = theme.clone();
        env.set_loader(move |name| Ok(loader_theme.template(name).map(|(text, _)| text)));
        env.add_filter("date_zh", |s: String| {
            crate::date::parse_date(&s).map(format_zh).unwrap_or(s)
        });
        // Money filters take fen (an integer, or a serialised amount's `fen` field).
        env.add_filter("money", |v: Value| {
            fen_of(&v).map(crate::money::format_money).unwrap_or_default()
        });
        env.add_filter("money_upper", |v: Value| {
            fen_of(&v).map(crate::money::to_upper_rmb).unwrap_or_default()
        });
        env.add_filter("wan", |v: Value, decimals: Option<u32>| {
            fen_of(&v)
                .map(|f| crate::money::format_wan(f, decimals.unwrap_or(2)))
                .unwrap_or_default()
        });
        Renderer { env, theme, pages: None }
    }

    /// Reuses a page whenever its template and complete context are the same as in an earlier
    /// build that used `memo` (the templates themselves are in the cache's global fingerprint).
    pub fn with_page_memo(mut self, memo: PageMemo) -> Renderer {
        self.pages = Some(memo);
        self
    }

    /// Adds a filter (ledger and notice modules register theirs).
    pub fn env_mut(&mut self) -> &mut Environment<'static> {
        &mut self.env
    }

    pub fn render(&self, template: &str, ctx: Value) -> Result<String, Box<Diagnostic>> {
        let Some(memo) = &self.pages else { return self.render_now(template, ctx) };
        // The shape of each context (which fields are safe strings, numbers or booleans) is
        // fixed by the code that builds it, so hashing the values identifies the page.
        let key = crate::incremental::KeyHasher::new().with(template).with(&ctx).key();
        let mut failed = None;
        let html = memo.get_or(key, || match self.render_now(template, ctx) {
            Ok(h) => std::sync::Arc::new(h),
            Err(e) => {
                failed = Some(e);
                std::sync::Arc::default()
            }
        });
        if let Some(e) = failed {
            memo.forget(|k| *k == key);
            return Err(e);
        }
        Ok(String::clone(&html))
    }

    fn render_now(&self, template: &str, ctx: Value) -> Result<String, Box<Diagnostic>> {
        let tmpl = self.env.get_template(template).map_err(|e| self.error(template, e))?;
        tmpl.render(ctx).map_err(|e| self.error(template, e))
    }

    fn error(&self, template: &str, e: minijinja::Error) -> Box<Diagnostic> {
        let name = e.name().unwrap_or(template).to_string();
        let (source, display) = self
            .theme
            .template(&name)
            .unwrap_or_else(|| (String::new(), format!("templates/{name}")));
        let mut detail = e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string());
        if e.kind() == minijinja::ErrorKind::TemplateNotFound {
            detail = format!("找不到模板 {name} / template {name} not found");
        } else if e.kind() == minijinja::ErrorKind::UndefinedError {
            detail = format!(
                "用到了没有定义的变量或属性（{detail}）。请核对名字的拼写，或写成 {{% if 名字 is defined %}}…{{% endif %}}"
            );
        }
        let d = Diagnostic::error(display, TemplateError { detail });
        Box::new(match e.line() {
            Some(line) => d.with_line_snippet(&source, line, 1, 1),
            None => d,
        })
    }
}

/// Escapes `& < > " '` for HTML text and attribute values.
pub fn escape_html(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Reads fen from a template value: an integer, or a money object with a `fen` field.
fn fen_of(v: &Value) -> Option<crate::money::Fen> {
    if let Ok(n) = i64::try_from(v.clone()) {
        return Some(crate::money::Fen(n));
    }
    let f = v.get_attr("fen").ok()?;
    i64::try_from(f).ok().map(crate::money::Fen)
}

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
    pub notice: Option<crate::enrich::notices::NoticeView>,
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

/// Wraps serialisable data for templates.
fn v<T: Serialize>(x: T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// Site-relative, percent-encoded form of a site-relative path.
fn enc(path: &str) -> String {
    urls::relative("index.html", path)
}

/// Newest first; ties by weight, then title and source, so order never depends on the file system.
pub fn sort_postings(site: &Site, ids: &mut [usize]) {
    ids.sort_by(|&a, &b| {
        let (pa, pb) = (&site.postings[a], &site.postings[b]);
        pb.date()
            .cmp(&pa.date())
            .then(pa.front.weight.cmp(&pb.front.weight))
            .then(pa.title().cmp(pb.title()))
            .then(pa.source.cmp(&pb.source))
    });
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
        Listings { published, summaries, by_section, tags, archive }
    }

    /// Every page of the site, in a fixed order.
    pub fn jobs(&self, site: &Site) -> Vec<Job> {
        let mut jobs = vec![Job::Home];
        for (si, s) in site.sections.iter().enumerate() {
            let per = s.paginate.unwrap_or(site.config.paginate).max(1);
            let pages = self.by_section[si].len().div_ceil(per).max(1);
            for page in 1..=pages {
                jobs.push(Job::Section { si, page, pages });
            }
        }
        jobs.extend(self.published.iter().map(|&i| Job::Posting(i)));
        jobs.push(Job::TagIndex);
        jobs.extend(self.tags.keys().map(|t| Job::Tag(t.clone())));
        jobs.push(Job::Archive);
        jobs.push(Job::Search);
        jobs.push(Job::NotFound);
        jobs
    }

    /// The postings a section page lists.
    pub fn section_page(&self, site: &Site, si: usize, page: usize) -> &[usize] {
        let per = site.sections[si].paginate.unwrap_or(site.config.paginate).max(1);
        let ids = &self.by_section[si];
        let from = ((page - 1) * per).min(ids.len());
        &ids[from..(from + per).min(ids.len())]
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
    Section { si: usize, page: usize, pages: usize },
    Posting(usize),
    TagIndex,
    Tag(String),
    Archive,
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
            Job::Tag(t) => tag_path(t),
            Job::Archive => "archive/index.html".into(),
            Job::Search => "search/index.html".into(),
            Job::NotFound => "404.html".into(),
        }
    }
}

fn section_page_path(site: &Site, si: usize, page: usize) -> String {
    if page <= 1 {
        format!("{}index.html", site.sections[si].url_dir)
    } else {
        format!("{}page/{page}/index.html", site.sections[si].url_dir)
    }
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
            let path = job.path(input.site);
            let file = r
                .render(template, ctx)
                .map(|html| OutputFile { path, contents: Contents::Bytes(html.into_bytes()) })?;
            sink.emit(file).map_err(|e| Box::new(Diagnostic::error("public", e)))
        })
        .collect();

    let mut files = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => {
                // One broken template fails every page that uses it; report it once.
                if !diags.iter().any(|x: &Diagnostic| {
                    x.location() == d.location() && x.message.en() == d.message.en()
                }) {
                    diags.push(*d);
                }
            }
        }
    }
    (files, diags)
}

/// Builds the template context of each page.
struct Pages<'a> {
    input: &'a RenderInput<'a>,
    listings: &'a Listings,
    site_value: Value,
}

impl<'a> Pages<'a> {
    fn new(input: &'a RenderInput<'a>, listings: &'a Listings) -> Pages<'a> {
        let site = input.site;
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
        Pages { input, listings, site_value: v(&site_ctx) }
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
                let page_links: Vec<Value> = (1..=*pages)
                    .map(|n| minijinja::context! { n => n, url => enc(&section_page_path(site, *si, n)) })
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
                    paginator => minijinja::context! {
                        current => page,
                        total => pages,
                        pages => page_links,
                        prev => (*page > 1).then(|| enc(&section_page_path(site, *si, page - 1))),
                        next => (page < pages).then(|| enc(&section_page_path(site, *si, page + 1))),
                    },
                    ..self.base(&path, &self.top_id(*si))
                };
                ("section.html", ctx)
            }
            Job::Posting(i) => ("page.html", self.posting(*i, &path)),
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
            Job::Tag(t) => {
                let ids = self.listings.tags.get(t).map(Vec::as_slice).unwrap_or_default();
                let ctx = minijinja::context! {
                    tag => minijinja::context! { name => t.clone(), postings => v(self.list(ids)) },
                    ..self.base(&path, "")
                };
                ("tag.html", ctx)
            }
            Job::Archive => {
                let mut years: Vec<(i16, Vec<usize>)> = Vec::new();
                for &i in &self.listings.archive {
                    let y = site.postings[i].date().year();
                    match years.last_mut() {
                        Some((yy, ids)) if *yy == y => ids.push(i),
                        _ => years.push((y, vec![i])),
                    }
                }
                let years: Vec<Value> = years
                    .iter()
                    .map(
                        |(y, ids)| minijinja::context! { year => y, postings => v(self.list(ids)) },
                    )
                    .collect();
                let ctx = minijinja::context! { years => years, ..self.base(&path, "") };
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

    fn posting(&self, i: usize, path: &str) -> Value {
        let site = self.input.site;
        let input = self.input;
        let p = &site.postings[i];
        let body = &input.bodies[i];
        let e = &input.extras[i];
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
                content => body.html.clone(),
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
                sheet => v(e.sheet.clone().or_else(|| Some(crate::sheet::for_posting(site, p)))),
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

/// Site-relative page path of a tag.
pub fn tag_path(tag: &str) -> String {
    let clean: String = tag
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    format!("tags/{}/index.html", clean.to_lowercase())
}

/// Whether the body already shows the cover photo (same `src`): then the page does not show it
/// twice, once above the text and again in it.
fn cover_in_body(cover: &str, body: &str) -> bool {
    cover
        .split_once("src=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .is_some_and(|(src, _)| body.contains(&format!("src=\"{src}\"")))
}
