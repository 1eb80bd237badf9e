//! The township's own pages: the front page (every village's 公示, finance and 公开目录 state),
//! the printable compliance table (villages × catalogue items) and the combined Atom feed.
//!
//! Written from the villages' [`Overview`]s only, so a skipped or failed village shows what is
//! online for it. Links are relative (the portal works from a USB stick too); the styles are
//! the default theme's plus a few table rules; nothing is fetched from elsewhere.

use super::{PortalReport, State, VillageResult};
use crate::escape::markup as esc;
use crate::feed::{self, FeedEntry};
use crate::overview::Overview;
use std::path::Path;

const PORTAL_CSS: &str = r#"/* The township portal: tables over the villages; prints on A4 landscape. */
.wrap-wide { max-width: 80rem; margin: 0 auto; padding: 0 1rem; }
.portal-table { border-collapse: collapse; width: 100%; font-size: .95rem; margin: 1rem 0; }
.portal-table th, .portal-table td { border: 1px solid var(--line); padding: .35rem .5rem; vertical-align: top; text-align: left; }
.portal-table thead th { background: var(--soft); }
.portal-table th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer; color: var(--link); min-height: 2rem; }
.portal-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.portal-table th[data-key], .portal-table th.name { white-space: nowrap; }
.portal-table small { display: inline-block; }
.portal-search { margin: 1rem 0 1.5rem; }
.portal-search input[type=search] { font: inherit; min-height: 2.5rem; width: min(100%, 24rem); padding: 0 .5rem; }
.portal-search select, .portal-search button { font: inherit; min-height: 2.5rem; }
.portal-table ul { margin: 0; padding-left: 1.1rem; }
.state-built { color: var(--ok); font-weight: 700; }
.state-unchanged { color: var(--muted); }
.state-failed { color: #fff; background: var(--accent); font-weight: 700; padding: 0 .3rem; border-radius: .2rem; }
.cell-overdue { background: #f8d7d5; font-weight: 700; }
.cell-due-soon { background: #fff3cd; }
.cell-on-time { background: #e3f1e6; }
.cell-late { background: #fde9d4; }
.latest-overdue, .latest-late { font-weight: 700; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .5rem; border: 1px solid var(--line); }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  .site-header, .noprint { display: none; }
  body { font-size: 9pt; }
  .portal-table { font-size: 8pt; }
  .portal-table th, .portal-table td { padding: 1mm 1.5mm; }
  .portal-table tr { break-inside: avoid; }
  .cell-overdue, .cell-due-soon, .cell-on-time, .cell-late, .state-failed { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Sorts a table by a clicked header (numbers by `data-value`); without JavaScript the table
/// stays in the portal.toml order.
const PORTAL_JS: &str = r#"document.querySelectorAll('table[data-sortable] th[data-key]').forEach(function (th) {
  var b = document.createElement('button'); b.type = 'button'; b.textContent = th.textContent;
  th.textContent = ''; th.appendChild(b);
  b.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], i = th.cellIndex;
    var desc = th.getAttribute('aria-sort') === 'ascending';
    table.querySelectorAll('th').forEach(function (o) { o.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, c) {
      var x = a.cells[i].getAttribute('data-value') || a.cells[i].textContent;
      var y = c.cells[i].getAttribute('data-value') || c.cells[i].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh-CN');
      return desc ? -r : r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"#;

/// Every file of the township's pages: (path under the output, bytes), sorted by path. The
/// combined search index is merged from the villages' own indexes in `out` (see
/// [`search_index`]).
/// Also returns the villages left out of the combined search.
pub fn files(report: &PortalReport, out: &Path) -> (Vec<(String, Vec<u8>)>, Vec<LeftOut>) {
    let (index, left_out) = search_index(report, out);
    let theme_css = crate::theme::Theme::new(Path::new(""), "default")
        .static_files()
        .into_iter()
        .find(|(p, _)| p == "static/gongkai.css")
        .and_then(|(_, s)| match s {
            crate::theme::StaticSource::Embedded(b) => Some(b.to_vec()),
            crate::theme::StaticSource::Disk(p) => std::fs::read(p).ok(),
        })
        .unwrap_or_default();
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("index.html".into(), front_page(report, &left_out).into_bytes()),
        ("compliance/index.html".into(), compliance_page(report).into_bytes()),
        ("atom.xml".into(), atom(report).into_bytes()),
        ("gongkai.css".into(), theme_css),
        ("portal.css".into(), PORTAL_CSS.as_bytes().to_vec()),
        ("portal.js".into(), PORTAL_JS.as_bytes().to_vec()),
        ("static/search.js".into(), crate::search::SEARCH_JS.as_bytes().to_vec()),
        ("static/search.css".into(), crate::search::SEARCH_CSS.as_bytes().to_vec()),
    ];
    files.extend(index.into_iter().map(|(p, s)| (p, s.into_bytes())));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    (files, left_out)
}

/// A village left out of the combined search: its position in the report's villages, and why
/// (in English, from the index reader).
#[derive(Debug)]
pub struct LeftOut {
    pub village: usize,
    pub why: String,
}

/// The combined search index (`search/…`): every village's own index (as last built, also for
/// a skipped or failed village) merged, its pages referenced as `village/…` relative to the
/// portal's root. No page is tokenised again. A village without a readable index is left out
/// and returned with the reason, so the clerk is told and the front page says so.
pub fn search_index(report: &PortalReport, out: &Path) -> (Vec<(String, String)>, Vec<LeftOut>) {
    let built: Vec<usize> =
        (0..report.villages.len()).filter(|&i| report.villages[i].overview.is_some()).collect();
    let parts: Vec<crate::search::IndexPart> = built
        .iter()
        .map(|&i| {
            let v = &report.villages[i];
            let dir = out.join(&v.village.name);
            crate::search::IndexPart {
                prefix: format!("{}/", crate::urls::encode_segment(&v.village.name)),
                label: super::display_name(v),
                read: Box::new(move |p| {
                    std::fs::read_to_string(dir.join(p.replace('/', std::path::MAIN_SEPARATOR_STR)))
                        .ok()
                }),
            }
        })
        .collect();
    let merged = crate::search::merge_indexes(&parts, &Default::default());
    let left_out = merged.left_out.into_iter();
    let left_out = left_out.filter_map(|(i, why)| Some(LeftOut { village: *built.get(i)?, why }));
    (merged.files, left_out.collect())
}

/// The latest build date among the villages: the date the pages' statuses are counted for.
fn built_for(report: &PortalReport) -> String {
    report
        .villages
        .iter()
        .filter_map(|v| v.overview.as_ref())
        .map(|o| o.built_for.clone())
        .max()
        .unwrap_or_default()
}

fn head(title: &str, prefix: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
<link rel=\"stylesheet\" href=\"{prefix}gongkai.css\">\n<link rel=\"stylesheet\" href=\"{prefix}portal.css\">\n\
<link rel=\"stylesheet\" href=\"{prefix}static/search.css\">\n\
<link rel=\"alternate\" type=\"application/atom+xml\" href=\"{prefix}atom.xml\" title=\"最新公开\">\n</head>\n",
        esc(title)
    )
}

fn header(report: &PortalReport, prefix: &str) -> String {
    format!(
        "<header class=\"site-header\"><div class=\"wrap-wide\"><a class=\"site-title\" href=\"{prefix}index.html\">{}</a>\
<p class=\"site-unit\">{}</p></div></header>\n",
        esc(&report.config.title),
        esc(&report.config.unit)
    )
}

fn state_cell(v: &VillageResult) -> String {
    let text = match v.state {
        State::Failed { errors } => format!("未能更新（{errors} 个错误）"),
        ref s => s.zh().to_string(),
    };
    format!("<td class=\"state\"><span class=\"state-{}\">{text}</span></td>", v.state.key())
}

fn village_link(v: &VillageResult, rel: &str, prefix: &str) -> String {
    let path = format!("{}/{rel}", v.village.name);
    let encoded: Vec<String> = path.split('/').map(crate::urls::encode_segment).collect();
    format!("{prefix}{}", encoded.join("/"))
}

fn front_page(report: &PortalReport, left_out: &[LeftOut]) -> String {
    let mut h = head(&report.config.title, "");
    h.push_str("<body>\n");
    h.push_str(&header(report, ""));
    h.push_str("<main class=\"wrap-wide\" id=\"main\">\n");
    h.push_str(&format!("<h1 class=\"page-title\">{}</h1>\n", esc(&report.config.title)));
    let built_for = built_for(report);
    h.push_str(&format!(
        "<p class=\"lead\">共 {} 个村（社区）。公示和公开目录的状态按 {} 计算。\
<a href=\"compliance/index.html\">公开目录执行情况表（可打印）</a> · <a href=\"atom.xml\">订阅最新公开（Atom）</a></p>\n",
        report.villages.len(),
        esc(&built_for)
    ));
    h.push_str(
        "<section class=\"portal-search noprint\" aria-labelledby=\"search-title\">\
<h2 id=\"search-title\">搜索各村（社区）的公开内容</h2>\
<div id=\"gongkai-search\" data-root=\"\">\
<form id=\"search-form\" role=\"search\" action=\"index.html\">\
<input id=\"search-q\" name=\"q\" type=\"search\" placeholder=\"例如：低保 或 修路\" aria-label=\"搜索各村公开内容\"> \
<select id=\"search-year\" name=\"year\" aria-label=\"年份\"><option value=\"\">全部年份</option></select> \
<button type=\"submit\">搜索</button></form>\
<p id=\"search-status\" aria-live=\"polite\"></p><ol id=\"search-results\"></ol></div>",
    );
    if !left_out.is_empty() {
        let names: Vec<String> = left_out
            .iter()
            .map(|l| esc(&super::display_name(&report.villages[l.village])).into_owned())
            .collect();
        h.push_str(&format!(
            "<p class=\"search-note\" id=\"search-left-out\">暂时搜不到{}的内容：它的搜索索引需要重新生成。</p>",
            names.join("、")
        ));
    }
    h.push_str("</section>\n");
    h.push_str(
        "<table class=\"portal-table\" id=\"villages\" data-sortable>\n<thead><tr>\
<th data-key=\"name\">村（社区）</th><th data-key=\"state\">状态</th><th>公示中</th>\
<th data-key=\"finance\">最新财务公开</th><th data-key=\"on-time\">按时公开</th><th data-key=\"late\">逾期公开</th>\
<th data-key=\"due-soon\">即将到期</th><th data-key=\"overdue\">逾期未公开</th></tr></thead>\n<tbody>\n",
    );
    for v in &report.villages {
        h.push_str(&format!(
            "<tr data-village=\"{}\" data-state=\"{}\">",
            esc(&v.village.name),
            v.state.key()
        ));
        let name = super::display_name(v);
        if v.overview.is_some() {
            h.push_str(&format!(
                "<th scope=\"row\" class=\"name\"><a href=\"{}\">{}</a></th>",
                village_link(v, "index.html", ""),
                esc(&name)
            ));
        } else {
            h.push_str(&format!("<th scope=\"row\" class=\"name\">{}</th>", esc(&name)));
        }
        h.push_str(&state_cell(v));
        let empty = Overview::default();
        let o = v.overview.as_ref().unwrap_or(&empty);
        h.push_str(&format!("<td class=\"notices\" data-value=\"{}\">", o.notices.len()));
        if o.notices.is_empty() {
            h.push_str("<span class=\"empty\">无</span>");
        } else {
            h.push_str("<ul>");
            for n in &o.notices {
                h.push_str(&format!(
                    "<li><a href=\"{}\">{}</a><br><small>{}</small></li>",
                    village_link(v, &n.path, ""),
                    esc(&n.title),
                    esc(&n.period)
                ));
            }
            h.push_str("</ul>");
        }
        h.push_str("</td>");
        match &o.finance {
            Some(f) => h.push_str(&format!(
                "<td class=\"finance\" data-value=\"{}\"><a href=\"{}\">{}</a><br>期末余额 <span class=\"closing\">{}</span></td>",
                esc(&f.period_end),
                village_link(v, &f.path, ""),
                esc(&f.period),
                esc(&f.closing)
            )),
            None => h.push_str("<td class=\"finance\" data-value=\"\"><span class=\"empty\">无</span></td>"),
        }
        match &o.catalogue {
            Some(c) => {
                for (class, n) in [
                    ("on-time", c.on_time),
                    ("late", c.late),
                    ("due-soon", c.due_soon),
                    ("overdue", c.overdue),
                ] {
                    h.push_str(&format!("<td class=\"num c-{class}\" data-value=\"{n}\">{n}</td>"));
                }
            }
            None => h.push_str(&"<td class=\"num\">—</td>".repeat(4)),
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    h.push_str(
        "<p class=\"noprint\">“未变”：村的内容和生成日期都没有变，沿用上次生成的网站。\
“未能更新”：这次生成出错，网上仍是上次生成成功的内容；请该村按错误提示修改后重新生成。</p>\n",
    );
    h.push_str(
        "</main>\n<script src=\"portal.js\"></script>\n<script src=\"static/search.js\"></script>\n</body>\n</html>\n",
    );
    h
}

fn compliance_page(report: &PortalReport) -> String {
    // Columns: every item any village's catalogue has, in the order first met.
    let mut items: Vec<(String, String)> = Vec::new();
    for o in report.villages.iter().filter_map(|v| v.overview.as_ref()) {
        for c in o.catalogue.iter().flat_map(|c| &c.current) {
            if !items.iter().any(|(id, _)| id == &c.id) {
                items.push((c.id.clone(), c.name.clone()));
            }
        }
    }
    let title = format!("{} 公开目录执行情况", report.config.title);
    let mut h = head(&title, "../");
    h.push_str("<body>\n");
    h.push_str(&header(report, "../"));
    h.push_str("<main class=\"wrap-wide\" id=\"main\">\n");
    h.push_str(&format!("<h1 class=\"page-title\">{}</h1>\n", esc(&title)));
    let built_for = built_for(report);
    h.push_str(&format!(
        "<p>按 {} 计算：每项显示当前应公开的一期（有逾期的先显示逾期的一期）。\
<span class=\"noprint\">在浏览器里按“打印”可打印（A4 横向）。</span></p>\n\
<p class=\"legend\"><span class=\"cell-on-time\">已公开</span><span class=\"cell-late\">逾期公开</span>\
<span class=\"cell-due-soon\">即将到期</span><span class=\"cell-overdue\">逾期未公开</span></p>\n",
        esc(&built_for)
    ));
    h.push_str(
        "<table class=\"portal-table\" id=\"compliance\" data-sortable>\n<thead><tr>\
<th data-key=\"name\">村（社区）</th><th data-key=\"overdue\">逾期未公开</th>",
    );
    for (id, name) in &items {
        h.push_str(&format!("<th data-item=\"{}\">{}</th>", esc(id), esc(name)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for v in &report.villages {
        h.push_str(&format!(
            "<tr data-village=\"{}\"><th scope=\"row\" class=\"name\">{}",
            esc(&v.village.name),
            esc(&super::display_name(v))
        ));
        if let State::Failed { errors } = v.state {
            h.push_str(&format!(
                "<br><span class=\"state-failed\">未能更新（{errors} 个错误）</span>"
            ));
        }
        h.push_str("</th>");
        let cells = v.overview.as_ref().and_then(|o| o.catalogue.as_ref());
        match cells {
            Some(c) => h.push_str(&format!(
                "<td class=\"num c-overdue\" data-value=\"{0}\">{0}</td>",
                c.overdue
            )),
            // No catalogue state known: sorted after every village with one.
            None => h.push_str("<td class=\"num c-overdue\" data-value=\"-1\">—</td>"),
        }
        for (id, _) in &items {
            match cells.and_then(|c| c.current.iter().find(|c| &c.id == id)) {
                Some(c) => h.push_str(&compliance_cell(v, c)),
                None => {
                    h.push_str(&format!("<td data-item=\"{}\" data-state=\"none\">—</td>", esc(id)))
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</tbody>\n</table>\n</main>\n<script src=\"../portal.js\"></script>\n</body>\n</html>\n",
    );
    h
}

/// One village × item cell: the catalogue's state for the period that matters now (as
/// `src/catalogue` computed it), the period, its deadline and, when published, the date with a
/// link to the posting, so a reviewer sees on paper whether the disclosure was on time.
fn compliance_cell(v: &VillageResult, c: &crate::overview::CurrentCell) -> String {
    let mut text = esc(&c.state_zh).into_owned();
    let unit = if c.working_days { "个工作日" } else { "天" };
    if c.state == "overdue" || c.state == "late" {
        text.push_str(&format!("（{} {unit}）", c.days));
    } else if c.state == "due-soon" {
        text.push_str(&format!("（还有 {} {unit}）", c.days));
    }
    let mut lines = format!("<span class=\"cell-state\">{text}</span>");
    if !c.period.is_empty() {
        lines.push_str(&format!("<br><small class=\"period\">{}</small>", esc(&c.period)));
    }
    if let Some(due) = &c.due {
        lines.push_str(&format!("<br><small class=\"due\">期限 {}</small>", esc(due)));
    }
    if let Some(date) = &c.published {
        let when = match &c.posting_path {
            Some(path) => format!("<a href=\"../{}\">{}</a>", village_link(v, path, ""), esc(date)),
            None => esc(date).into_owned(),
        };
        lines.push_str(&format!("<br><small class=\"published\">公开于 {when}</small>"));
    }
    if let Some(l) = &c.latest {
        let mut text = format!("{}：{}", esc(&l.period), esc(&l.state_zh));
        if let Some(date) = &l.published {
            let date = match &l.posting_path {
                Some(path) => {
                    format!("<a href=\"../{}\">{}</a>", village_link(v, path, ""), esc(date))
                }
                None => esc(date).into_owned(),
            };
            text.push_str(&format!(" {date}"));
        }
        let unit = if l.working_days { "个工作日" } else { "天" };
        match l.state.as_str() {
            "on-time" => text.push_str("（按时）"),
            "late" | "overdue" => text.push_str(&format!("（{} {unit}）", l.days)),
            _ => {}
        }
        lines.push_str(&format!(
            "<br><small class=\"latest latest-{}\" data-state=\"{}\">最近一期 {text}</small>",
            esc(&l.state),
            esc(&l.state)
        ));
    }
    format!(
        "<td class=\"cell-{0}\" data-item=\"{1}\" data-state=\"{0}\">{lines}</td>",
        esc(&c.state),
        esc(&c.id),
    )
}

fn atom(report: &PortalReport) -> String {
    let mut entries: Vec<FeedEntry> = Vec::new();
    for v in &report.villages {
        let Some(o) = &v.overview else { continue };
        let village = super::short_title(&o.title);
        for e in &o.feed {
            let Some(published) = crate::date::parse_date(&e.published) else { continue };
            entries.push(FeedEntry {
                title: format!("{village}：{}", e.title),
                url_abs: e.url_abs.clone(),
                id: e.id.clone(),
                published,
                updated: e.updated.as_deref().and_then(crate::date::parse_date),
                summary: e.summary.clone(),
                section_title: e.section.clone(),
            });
        }
    }
    let base = &report.config.base_url;
    feed::atom(
        &report.config.title,
        &feed::absolute(base, "atom.xml"),
        base,
        &report.config.unit,
        &entries,
        jiff::civil::Date::constant(2000, 1, 1),
    )
}
