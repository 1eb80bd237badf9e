//! Boards (公开栏): `[[boards]]` in site.toml picks postings (active 公示, the latest finance
//! period, sections, kinds) and lays them out in columns as compact sheets for one physical
//! board: `boards/NAME/index.html` (print-ready), `boards/NAME/tiles.html` for boards larger
//! than a sheet, and `boards/index.html` listing every board with what it holds.
//!
//! Selection uses the build's `today`, never the wall clock, so output is deterministic.

pub mod fit;
pub mod layout;
pub mod tile;

use crate::date::format_zh;
use crate::diagnostic::Diagnostic;
use crate::markdown::Rendered;
use crate::output::{Contents, OutputFile};
use crate::render::{PostingExtras, Renderer};
pub use crate::settings::board::{BoardConfig, BoardError, TileConfig, locate, validate};
use crate::site::Site;
use crate::urls;
use jiff::civil::Date;
use minijinja::Value;
use serde::Serialize;

// What a board is as written lives in `settings::board`; here, what it means for the layout.
impl BoardConfig {
    pub fn geometry(&self) -> layout::Geometry {
        layout::geometry(&self.name, self.paper, self.orientation)
    }

    /// The tiling, for boards larger than A3 or with `[boards.tiles]`.
    pub fn tiles(&self) -> Option<tile::TileGrid> {
        let g = self.geometry();
        let big = g.width.max(g.height) > 420.0 || g.width.min(g.height) > 297.0;
        let cfg = match (&self.tiles, big) {
            (Some(t), _) => t.clone(),
            (None, true) => TileConfig::default(),
            (None, false) => return None,
        };
        Some(tile::grid(
            g.width,
            g.height,
            cfg.paper,
            cfg.orientation,
            cfg.margin_mm,
            cfg.overlap_mm,
        ))
    }

    /// What the board shows, in words; `section_title` names a section id.
    pub fn describe(&self, section_title: impl Fn(&str) -> String) -> Vec<String> {
        let mut out = Vec::new();
        if self.active_notices {
            out.push("正在公示的全部内容".to_string());
        }
        if self.latest_finance {
            out.push("最新一期财务公开".to_string());
        }
        if !self.sections.is_empty() || !self.kinds.is_empty() {
            let mut s = String::new();
            if !self.sections.is_empty() {
                let names: Vec<String> = self.sections.iter().map(|s| section_title(s)).collect();
                s.push_str(&names.join("、"));
            }
            if !self.kinds.is_empty() {
                if !s.is_empty() {
                    s.push('中');
                }
                s.push_str(&format!("类别为{}的内容", self.kinds.join("、")));
            } else {
                s.push_str("的内容");
            }
            if let Some(n) = self.latest {
                s.push_str(&format!("（最新 {n} 篇）"));
            }
            out.push(s);
        }
        if let Some(n) = self.max_items {
            out.push(format!("最多 {n} 篇"));
        }
        out
    }
}

/// What selection needs to know about a posting.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub section_id: String,
    pub kind: Option<String>,
    pub date: Date,
    pub title: String,
    pub source: String,
    /// The 公示 is open on the build date; its end date (ISO) for ordering.
    pub notice_active: Option<String>,
    /// End of the ledger period of a posting with ledger rows.
    pub finance_to: Option<Date>,
}

/// Why a posting is on a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Reason {
    ActiveNotice,
    LatestFinance,
    Matched,
}

impl Reason {
    pub fn zh(self) -> &'static str {
        match self {
            Reason::ActiveNotice => "正在公示",
            Reason::LatestFinance => "最新一期财务公开",
            Reason::Matched => "按栏目/类别选入",
        }
    }
}

/// Picks the postings (indices into `cands`) for `board`: active 公示 first (soonest end
/// first), then the latest finance period, then section/kind matches newest first; each posting
/// once; at most `max_items`.
pub fn select(board: &BoardConfig, cands: &[Candidate]) -> Vec<(usize, Reason)> {
    let mut out: Vec<(usize, Reason)> = Vec::new();
    let push = |out: &mut Vec<(usize, Reason)>, ids: Vec<usize>, r: Reason| {
        for i in ids {
            if !out.iter().any(|(j, _)| *j == i) {
                out.push((i, r));
            }
        }
    };
    if board.active_notices {
        let mut ids: Vec<usize> =
            (0..cands.len()).filter(|&i| cands[i].notice_active.is_some()).collect();
        ids.sort_by(|&a, &b| {
            (&cands[a].notice_active, &cands[a].source)
                .cmp(&(&cands[b].notice_active, &cands[b].source))
        });
        push(&mut out, ids, Reason::ActiveNotice);
    }
    if board.latest_finance
        && let Some(latest) = cands.iter().filter_map(|c| c.finance_to).max()
    {
        let mut ids: Vec<usize> =
            (0..cands.len()).filter(|&i| cands[i].finance_to == Some(latest)).collect();
        ids.sort_by(|&a, &b| cands[a].source.cmp(&cands[b].source));
        push(&mut out, ids, Reason::LatestFinance);
    }
    if !board.sections.is_empty() || !board.kinds.is_empty() {
        let in_section = |c: &Candidate| {
            board.sections.is_empty()
                || board.sections.iter().any(|s| {
                    let s = s.trim_matches('/');
                    c.section_id == s || c.section_id.starts_with(&format!("{s}/"))
                })
        };
        let of_kind = |c: &Candidate| {
            board.kinds.is_empty() || c.kind.as_ref().is_some_and(|k| board.kinds.contains(k))
        };
        let mut ids: Vec<usize> =
            (0..cands.len()).filter(|&i| in_section(&cands[i]) && of_kind(&cands[i])).collect();
        ids.sort_by(|&a, &b| {
            let (ca, cb) = (&cands[a], &cands[b]);
            cb.date.cmp(&ca.date).then(ca.title.cmp(&cb.title)).then(ca.source.cmp(&cb.source))
        });
        if let Some(n) = board.latest {
            ids.truncate(n);
        }
        push(&mut out, ids, Reason::Matched);
    }
    if let Some(n) = board.max_items {
        out.truncate(n);
    }
    out
}

/// Selection candidates for every published posting (`None` for unpublished ones).
fn candidates(site: &Site, extras: &[PostingExtras]) -> Vec<Candidate> {
    site.postings
        .iter()
        .enumerate()
        .map(|(i, p)| Candidate {
            section_id: site.sections[p.section].id.clone(),
            kind: p.front.kind.clone(),
            date: p.date(),
            title: p.title().to_string(),
            source: p.source.clone(),
            notice_active: extras[i]
                .notice
                .as_ref()
                .filter(|n| n.status == "active")
                .map(|n| n.end.clone()),
            finance_to: extras[i]
                .ledger
                .as_ref()
                .filter(|l| !l.rows.is_empty())
                .map(|l| l.period.as_ref().map(|p| p.to).unwrap_or_else(|| p.date())),
        })
        .collect()
}

/// Makes the body HTML of a posting work from a board page: relative links and images point
/// back into the posting's folder, and ids are dropped (many postings share one page).
pub fn rebase_html(html: &str, board_page: &str, posting_page: &str) -> String {
    let posting_dir =
        posting_page.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
    let prefix = format!("{}{}", urls::root_prefix(board_page), posting_dir);
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    loop {
        let next = [" href=\"", " src=\"", " data-print-src=\"", " srcset=\"", " id=\""]
            .iter()
            .filter_map(|pat| rest.find(pat).map(|i| (i, *pat)))
            .min_by_key(|(i, _)| *i);
        let Some((i, pat)) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i]);
        let after = &rest[i + pat.len()..];
        let end = after.find('"').unwrap_or(after.len());
        let value = &after[..end];
        if pat == " id=\"" {
            // dropped
        } else if pat == " srcset=\"" {
            // `a-480.jpg 480w, a-960.jpg 960w`: each candidate points into the posting folder.
            let rebased: Vec<String> =
                value.split(',').map(|c| format!("{prefix}{}", c.trim())).collect();
            out.push_str(pat);
            out.push_str(&rebased.join(", "));
            out.push('"');
        } else {
            out.push_str(pat);
            let absolute = value.contains("://")
                || value.starts_with('/')
                || value.starts_with("mailto:")
                || value.starts_with("tel:")
                || value.starts_with("data:");
            if absolute || value.is_empty() {
                out.push_str(value);
            } else if let Some(frag) = value.strip_prefix('#') {
                out.push_str(&format!("{prefix}index.html#{frag}"));
            } else {
                out.push_str(&prefix);
                out.push_str(value);
            }
            out.push('"');
        }
        rest = &after[(end + 1).min(after.len())..];
    }
    out
}

/// What each board of the site shows: posting numbers with the reason, board by board.
fn picks(site: &Site, extras: &[PostingExtras]) -> Vec<Vec<(usize, Reason)>> {
    let published: Vec<usize> =
        (0..site.postings.len()).filter(|&i| site.postings[i].published).collect();
    let all = candidates(site, extras);
    let cands: Vec<Candidate> = published.iter().map(|&i| all[i].clone()).collect();
    let board_picks = |b| select(b, &cands).into_iter().map(|(c, r)| (published[c], r)).collect();
    site.config.boards.iter().map(board_picks).collect()
}

/// The postings some board shows (their bodies are on the board pages): the build keeps only
/// these bodies' HTML until the boards are rendered.
pub fn shown(site: &Site, extras: &[PostingExtras]) -> std::collections::BTreeSet<usize> {
    picks(site, extras).into_iter().flatten().map(|(i, _)| i).collect()
}

/// Renders every board page. Nothing is produced when the site has no boards.
pub fn render(
    renderer: &Renderer,
    site: &Site,
    bodies: &[Rendered],
    extras: &[PostingExtras],
    listings: &crate::render::Listings,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let boards = &site.config.boards;
    let mut files = Vec::new();
    let mut diags = Vec::new();
    if boards.is_empty() {
        return (files, diags);
    }
    let top_title = |si: usize| {
        let mut s = si;
        while let Some(p) = site.sections[s].parent {
            s = p;
        }
        site.sections[s].title.clone()
    };
    let today_zh = format_zh(site.today);
    let section_title = |id: &str| {
        let id = id.trim_matches('/');
        site.sections
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let site_ctx = crate::render::site_context(site, listings);
    let mut listing = Vec::new();
    for (b, picked) in boards.iter().zip(picks(site, extras)) {
        let geo = b.geometry();
        let tiles = b.tiles();
        let page_path = format!("boards/{}/index.html", b.name);
        let cards: Vec<Value> = picked
            .iter()
            .map(|&(i, r)| {
                let p = &site.postings[i];
                minijinja::context! {
                    title => p.title(),
                    url => urls::relative(&page_path, &p.url()),
                    banner => top_title(p.section),
                    kind => p.front.kind.clone(),
                    period => p.front.period.as_ref().map(|x| x.get_ref().clone()),
                    date_zh => format_zh(p.date()),
                    reason => r.zh(),
                    notice => sv(&extras[i].notice),
                    ledger => sv(&extras[i].ledger),
                    record => sv(&extras[i].record),
                    sheet => sv(extras[i].sheet.clone().or_else(|| Some(crate::render::sheet_for(site, &site.postings[i])))),
                    content => Value::from_safe_string(rebase_html(&bodies[i].html, &page_path, &p.url())),
                }
            })
            .collect();
        let board_ctx = minijinja::context! {
            name => b.name.clone(),
            title => b.title.clone(),
            label => geo.label.clone(),
            width => geo.width,
            height => geo.height,
            margin => geo.margin,
            page_name => geo.page_name.clone(),
            is_sheet => geo.is_sheet,
            screen_zoom => geo.screen_zoom(),
            columns => b.columns,
            card_zoom => geo.card_zoom(b.columns),
            describe => b.describe(section_title),
            today_zh => today_zh.clone(),
            cards => cards,
            tiles => sv(&tiles),
        };
        let base = |path: &str| {
            minijinja::context! {
                site => site_ctx.clone(),
                root => urls::root_prefix(path),
                current => path,
                current_section => "",
                canonical => urls::absolute(&site.config.base_url, path),
                preview => false,
            }
        };
        let mut jobs = vec![(
            page_path.clone(),
            "board.html",
            minijinja::context! { board => board_ctx.clone(), mode => "board", ..base(&page_path) },
        )];
        if let Some(t) = &tiles {
            let path = format!("boards/{}/tiles.html", b.name);
            jobs.push((
                path.clone(),
                "board.html",
                minijinja::context! {
                    board => board_ctx.clone(),
                    mode => "tiles",
                    map_svg => Value::from_safe_string(t.map_svg(geo.width, geo.height)),
                    ..base(&path)
                },
            ));
        }
        for (path, tmpl, ctx) in jobs {
            match renderer.render(tmpl, ctx) {
                Ok(html) => {
                    if path == page_path && !geo.is_sheet {
                        diags.extend(overflow_warning(b, &geo, &html));
                    }
                    files.push(OutputFile { path, contents: Contents::Bytes(html.into_bytes()) })
                }
                Err(d) => diags.push(*d),
            }
        }
        listing.push(minijinja::context! {
            name => b.name.clone(),
            title => b.title.clone(),
            label => geo.label,
            columns => b.columns,
            describe => b.describe(section_title),
            url => format!("{}/index.html", urls::encode_segment(&b.name)),
            tiles_url => tiles.as_ref().map(|_| format!("{}/tiles.html", urls::encode_segment(&b.name))),
            tiles => tiles.as_ref().map(|t| minijinja::context! { rows => t.rows, cols => t.cols, paper => t.paper }),
            items => picked.iter().map(|&(i, r)| {
                let p = &site.postings[i];
                minijinja::context! {
                    title => p.title(),
                    url => urls::relative("boards/index.html", &p.url()),
                    banner => top_title(p.section),
                    date_zh => format_zh(p.date()),
                    reason => r.zh(),
                }
            }).collect::<Vec<_>>(),
        });
    }
    let path = "boards/index.html".to_string();
    let ctx = minijinja::context! {
        boards => listing,
        today_zh => today_zh,
        site => site_ctx.clone(),
        root => urls::root_prefix(&path),
        current => path.clone(),
        current_section => "",
        canonical => urls::absolute(&site.config.base_url, &path),
        preview => false,
    };
    match renderer.render("boards.html", ctx) {
        Ok(html) => files.push(OutputFile { path, contents: Contents::Bytes(html.into_bytes()) }),
        Err(d) => diags.push(*d),
    }
    (files, diags)
}

/// Height of a board-size canvas's head (title 60 pt, meta line, rule and spacing; board.css).
const BOARD_HEAD_MM: f64 = 49.0;

/// How far an estimate may exceed a column before the board is said not to fit: the estimates
/// run a few per cent high (see [`fit`]), so a board that fits is not warned about.
const FIT_SLACK: f64 = 0.08;

/// A warning, at the board's `name` in site.toml, when a board of its own size (fixed height)
/// seems not to hold its cards. Boards on standard sheets flow onto more sheets instead.
fn overflow_warning(b: &BoardConfig, geo: &layout::Geometry, html: &str) -> Option<Diagnostic> {
    let zoom = geo.card_zoom(b.columns);
    let column_mm = geo.height - 2.0 * geo.margin - BOARD_HEAD_MM;
    let cards = fit::estimate_cards(html, geo.column_width(b.columns) / zoom);
    let msg = match fit::check(&cards, zoom, b.columns, column_mm, FIT_SLACK)? {
        fit::Overflow::TooMany { first, needed, columns } => {
            BoardError::Overflow { board: b.name.clone(), first, needed, columns }
        }
        fit::Overflow::TooTall { title, height_mm, column_mm } => BoardError::TooTall {
            board: b.name.clone(),
            title,
            height: height_mm as u32,
            column: column_mm as u32,
            finance: b.latest_finance,
        },
    };
    let d = Diagnostic::warning("site.toml", msg);
    Some(match b.at {
        Some((line, column)) => d.at(line, column),
        None => d,
    })
}

/// Wraps serialisable data for templates.
fn sv<T: Serialize>(x: T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceText;

    fn board(s: &str) -> BoardConfig {
        toml::from_str(&format!("name = \"b\"\ntitle = \"B\"\n{s}")).unwrap()
    }

    fn cand(
        section: &str,
        kind: Option<&str>,
        date: &str,
        active_end: Option<&str>,
        fin: Option<&str>,
    ) -> Candidate {
        Candidate {
            section_id: section.into(),
            kind: kind.map(Into::into),
            date: date.parse().unwrap(),
            title: format!("{section}-{date}"),
            source: format!("content/{section}/{date}.md"),
            notice_active: active_end.map(Into::into),
            finance_to: fin.map(|f| f.parse().unwrap()),
        }
    }

    fn cands() -> Vec<Candidate> {
        vec![
            cand("village", Some("低保公示"), "2026-09-08", None, None),
            cand("village", Some("低保公示"), "2026-10-01", Some("2026-10-12"), None),
            cand("party", Some("发展党员"), "2026-09-30", Some("2026-10-10"), None),
            cand("finance", Some("财务收支"), "2026-07-08", None, Some("2026-06-30")),
            cand("finance", Some("财务收支"), "2026-10-09", None, Some("2026-09-30")),
            cand("party/dues", Some("党费收缴"), "2026-10-05", None, None),
            cand("party", None, "2026-08-01", None, None),
        ]
    }

    #[test]
    fn union_in_order_without_duplicates() {
        let b = board("active_notices = true\nlatest_finance = true\nsections = [\"party\"]\n");
        let got = select(&b, &cands());
        assert_eq!(
            got,
            [
                (2, Reason::ActiveNotice), // ends 10-10, before 10-12
                (1, Reason::ActiveNotice),
                (4, Reason::LatestFinance),
                (5, Reason::Matched), // sub-section party/dues, newest first
                (6, Reason::Matched)  // party 09-30 already on as a notice
            ]
        );
    }

    #[test]
    fn sections_and_kinds_both_must_match() {
        let b = board("sections = [\"village\"]\nkinds = [\"低保公示\"]\n");
        assert_eq!(select(&b, &cands()).iter().map(|x| x.0).collect::<Vec<_>>(), [1, 0]);
        let b = board("kinds = [\"发展党员\", \"党费收缴\"]\n");
        assert_eq!(select(&b, &cands()).iter().map(|x| x.0).collect::<Vec<_>>(), [5, 2]);
        // `village` does not match a section `villages`.
        let mut c = cands();
        c[0].section_id = "villages".into();
        let b = board("sections = [\"village\"]\n");
        assert_eq!(select(&b, &c).iter().map(|x| x.0).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn latest_and_max_items_limit() {
        let b = board("sections = [\"party\"]\nlatest = 1\n");
        assert_eq!(select(&b, &cands()).iter().map(|x| x.0).collect::<Vec<_>>(), [5]);
        let b = board("active_notices = true\nsections = [\"finance\"]\nmax_items = 3\n");
        assert_eq!(select(&b, &cands()).iter().map(|x| x.0).collect::<Vec<_>>(), [2, 1, 4]);
        let b = board("latest_finance = true\n");
        assert_eq!(select(&b, &[]), []);
    }

    #[test]
    fn describes_itself() {
        let b = board(
            "active_notices = true\nlatest_finance = true\nsections = [\"party\"]\nlatest = 3\n",
        );
        let title =
            |id: &str| if id == "party" { "党务公开".to_string() } else { id.to_string() };
        assert_eq!(
            b.describe(title),
            ["正在公示的全部内容", "最新一期财务公开", "党务公开的内容（最新 3 篇）"]
        );
        let b = board("sections = [\"village\"]\nkinds = [\"低保公示\"]\nmax_items = 4\n");
        assert_eq!(b.describe(title), ["village中类别为低保公示的内容", "最多 4 篇"]);
    }

    fn site_errors(extra: &str) -> Vec<String> {
        let text = format!("title = \"t\"\nunit = \"u\"\nbase_url = \"https://a.cn/\"\n{extra}");
        let src = SourceText::toml_file("site.toml", text);
        match crate::config::parse(&src) {
            Ok(_) => Vec::new(),
            Err(ds) => ds.iter().map(|d| d.render(crate::diagnostic::Lang::Zh)).collect(),
        }
    }

    #[test]
    fn board_config_is_checked() {
        assert!(
            site_errors("[[boards]]\nname = \"a\"\ntitle = \"A\"\nsections = [\"party\"]\n")
                .is_empty()
        );
        let errs = site_errors(
            "[[boards]]\nname = \"公开 栏\"\ntitle = \"A\"\nactive_notices = true\n\
             [[boards]]\nname = \"b\"\ntitle = \"B\"\n\
             [[boards]]\nname = \"b\"\ntitle = \"C\"\nlatest_finance = true\ncolumns = 0\n",
        );
        assert_eq!(errs.len(), 4, "{errs:#?}");
        assert!(
            errs[0].starts_with("site.toml:5:1") && errs[0].contains("只能用汉字、字母、数字"),
            "{errs:#?}"
        );
        assert!(
            errs[1].starts_with("site.toml:9:1") && errs[1].contains("没有选择任何内容"),
            "{errs:#?}"
        );
        assert!(errs.iter().any(|e| e.starts_with("site.toml:12:1") && e.contains("有两个公开栏")));
        assert!(errs.iter().any(|e| e.contains("columns")));
        // Chinese names work, as they do for postings (the folder is boards/公开栏/).
        assert!(
            site_errors("[[boards]]\nname = \"公开栏\"\ntitle = \"A\"\nsections = [\"party\"]\n")
                .is_empty()
        );
        let typo = site_errors(
            "[[boards]]\nname = \"a\"\ntitle = \"A\"\nmax_itmes = 3\nsections = [\"x\"]\n",
        );
        assert!(typo[0].contains("max_itmes") && typo[0].contains("max_items"), "{typo:?}");
        let size = site_errors(
            "[[boards]]\nname = \"a\"\ntitle = \"A\"\nsections = [\"x\"]\npaper = { width_mm = 20, height_mm = 1200 }\n",
        );
        assert!(size[0].contains("width_mm"), "{size:?}");
        let print = site_errors("[print]\npaper = \"A3\"\n[print.sections.finance]\nsignof = []\n");
        assert!(print[0].contains("signoff"), "{print:?}");
    }

    #[test]
    fn tiles_only_for_big_boards() {
        assert!(board("sections = [\"a\"]\n").tiles().is_none());
        let big = board("sections = [\"a\"]\npaper = { width_mm = 2400, height_mm = 1200 }\n");
        let t = big.tiles().unwrap();
        assert_eq!((t.rows, t.cols, t.paper), (5, 7, "A3"));
        let forced = board("sections = [\"a\"]\npaper = \"A3\"\n[tiles]\npaper = \"A4\"\n");
        assert_eq!(forced.tiles().unwrap().paper, "A4");
    }

    #[test]
    fn rebased_links_point_into_the_posting() {
        let html = r##"<h2 id="a">x</h2><p><a href="#a">a</a> <img src="photo.jpg" alt=""> <a href="../b/index.html">b</a> <a href="https://x.cn/">x</a></p>"##;
        let out = rebase_html(html, "boards/main/index.html", "village/r/index.html");
        assert_eq!(
            out,
            r##"<h2>x</h2><p><a href="../../village/r/index.html#a">a</a> <img src="../../village/r/photo.jpg" alt=""> <a href="../../village/r/../b/index.html">b</a> <a href="https://x.cn/">x</a></p>"##
        );
    }
}
