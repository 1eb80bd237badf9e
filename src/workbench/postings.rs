//! The list of postings the workbench shows: by section, each with its state on the board
//! (草稿 / 未到发布日期 / 公示中 / 公示期满 / 已发布) worked out as the build does.

use crate::calendar::WorkCalendar;
use crate::diagnostic::Lang;
use crate::notice::{self, Count, Status};
use crate::site::Site;
use jiff::civil::Date;
use serde::Serialize;

crate::messages! {
    /// A posting's state on the board, as the list shows it.
    pub enum StateLabel {
        Draft = "workbench.state-draft", zh: "草稿", en: "draft";
        Future = "workbench.state-future", zh: "未到发布日期", en: "not yet due";
        /// `公示中（剩余 3 个工作日 / 截止 10月13日）`: the board's own words for the status.
        Notice { status: Status, count: Count } = "workbench.state-notice",
            zh: { format!("{}（{}）", status.label_zh(), status.detail_zh(*count)) },
            en: { format!("{}（{}）", status.label_en(), status.detail_en(*count)) };
        Published = "workbench.state-published", zh: "已发布", en: "published";
    }
}

/// One posting in the list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    /// Site-relative source path (`content/village/a.md`).
    pub path: String,
    pub section: String,
    pub section_title: String,
    pub title: String,
    pub date: String,
    pub kind: Option<String>,
    pub bundle: bool,
    /// `draft`, `future`, `notice-upcoming`, `notice-active`, `notice-ended`, `published`.
    pub state: &'static str,
    /// The state in words, e.g. `公示中（剩余 3 个工作日 / 截止 10月13日）`.
    pub label: String,
    /// The preview page (`village/a/`).
    pub url: String,
}

/// Every posting of `site` in section order, then by date (newest first).
pub fn rows(site: &Site, today: Date, lang: Lang) -> Vec<Row> {
    let cal = WorkCalendar::with_config(&site.config.calendar);
    let mut rows: Vec<(usize, Row)> = site
        .postings
        .iter()
        .map(|p| {
            let section = &site.sections[p.section];
            let notice = p
                .front
                .notice
                .as_ref()
                .and_then(|spec| notice::resolve(spec, p.date(), &cal, &p.src).ok());
            let (state, label) = if p.is_draft() {
                ("draft", StateLabel::Draft)
            } else if p.date() > today {
                ("future", StateLabel::Future)
            } else if let Some(n) = &notice {
                let status = n.status(today, &cal);
                let key = match status {
                    Status::Upcoming { .. } => "notice-upcoming",
                    Status::Active { .. } => "notice-active",
                    Status::Ended { .. } => "notice-ended",
                };
                (key, StateLabel::Notice { status, count: n.count })
            } else {
                ("published", StateLabel::Published)
            };
            let label = label.text(lang);
            let row = Row {
                path: p.source.clone(),
                section: section.id.clone(),
                section_title: section.title.clone(),
                title: p.title().to_string(),
                date: crate::date::format_iso(p.date()),
                kind: p.front.kind.clone(),
                bundle: p.bundle,
                state,
                label,
                url: p.url_dir.clone(),
            };
            (p.section, row)
        })
        .collect();
    rows.sort_by(|(sa, a), (sb, b)| {
        let wa = site.sections[*sa].weight;
        let wb = site.sections[*sb].weight;
        (wa, &a.section, std::cmp::Reverse(&a.date), &a.path).cmp(&(
            wb,
            &b.section,
            std::cmp::Reverse(&b.date),
            &b.path,
        ))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}
