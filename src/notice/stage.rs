//! The 公示 stage: resolves every posting's `[notice]` against the work calendar, checks the
//! stages of each series, and works out each notice's status on the build date.

use crate::calendar::WorkCalendar;
use crate::date::{format_iso, format_zh, format_zh_short};
use crate::diagnostic::Diagnostic;
use crate::notice::{self, Notice, SeriesMember, Status};
use crate::site::Site;
use jiff::civil::Date;
use serde::Serialize;

/// What templates see of a notice.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NoticeView {
    pub start: String,
    pub end: String,
    pub start_zh: String,
    pub end_zh: String,
    pub end_short: String,
    /// `upcoming`, `active` or `ended`.
    pub status: &'static str,
    /// 即将公示 / 公示中 / 公示期满
    pub label: &'static str,
    /// e.g. 剩余 3 个工作日 / 截止 10月13日
    pub detail: String,
    /// e.g. 2026年9月30日至2026年10月13日（5个工作日）
    pub period: String,
    pub objections: Option<String>,
    pub basis: Option<String>,
    pub series: Option<String>,
    pub stage: Option<String>,
    /// The other stages of the same matter, in order (includes this one, marked `current`).
    pub timeline: Vec<TimelineView>,
    /// The counted days of the period (ISO, space-separated: working days for a working-day
    /// count), so the page's script works out the status on the reader's own day; the build
    /// date's text stays as the fallback without JavaScript.
    pub counted: String,
    /// `个工作日` or `天`.
    pub unit: &'static str,
    /// The build date, `12月1日`: the fallback text says on which day it was true.
    pub as_of: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimelineView {
    pub stage: String,
    pub title: String,
    /// Site-relative page path of the stage's posting.
    pub path: String,
    pub start_zh: String,
    pub end_zh: String,
    pub label: &'static str,
    pub status: &'static str,
    pub current: bool,
}

/// Per-posting notices (by posting index) and the diagnostics found.
#[derive(Debug, Default)]
pub struct Notices {
    pub notices: Vec<Option<Notice>>,
    pub views: Vec<Option<NoticeView>>,
    /// The next date after the build date on which the output changes.
    pub next_change: Option<Date>,
}

fn status_key(s: &Status) -> &'static str {
    match s {
        Status::Upcoming { .. } => "upcoming",
        Status::Active { .. } => "active",
        Status::Ended { .. } => "ended",
    }
}

/// Runs the stage over every posting.
pub fn run(site: &Site, cal: &WorkCalendar) -> (Notices, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut notices: Vec<Option<Notice>> = Vec::with_capacity(site.postings.len());
    for p in &site.postings {
        let resolved = p.front.notice.as_ref().and_then(|spec| {
            notice::resolve(spec, p.date(), cal, &p.src).map_err(|ds| diags.extend(ds)).ok()
        });
        notices.push(resolved);
    }

    // Series are checked across published postings only: a draft stage is not yet on the board.
    let members: Vec<SeriesMember> = notices
        .iter()
        .enumerate()
        .filter(|(i, _)| site.postings[*i].published)
        .filter_map(|(i, n)| SeriesMember::from_notice(i, n.as_ref()?, &site.postings[i].src))
        .collect();
    diags.extend(notice::check_series(&members));
    let timelines = notice::timeline(&members);

    let views = notices
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let n = n.as_ref()?;
            let st = n.status(site.today, cal);
            let timeline = n
                .series
                .as_ref()
                .and_then(|s| timelines.get(s))
                .map(|entries| {
                    entries
                        .iter()
                        .map(|e| {
                            let other = notices[e.posting_id].as_ref();
                            let st = other.map(|o| o.status(site.today, cal)).unwrap_or(st);
                            TimelineView {
                                stage: e.stage.clone(),
                                title: site.postings[e.posting_id].title().to_string(),
                                path: crate::urls::relative(
                                    "index.html",
                                    &site.postings[e.posting_id].url(),
                                ),
                                start_zh: format_zh(e.start),
                                end_zh: format_zh(e.end),
                                label: st.label_zh(),
                                status: status_key(&st),
                                current: e.posting_id == i,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(NoticeView {
                start: format_iso(n.start),
                end: format_iso(n.end),
                start_zh: format_zh(n.start),
                end_zh: format_zh(n.end),
                end_short: format_zh_short(n.end),
                status: status_key(&st),
                label: st.label_zh(),
                detail: st.detail_zh(n.count),
                period: n.period_zh(),
                objections: n.objections.clone(),
                basis: n.basis.clone(),
                series: n.series.clone(),
                stage: n.stage.clone(),
                timeline,
                counted: counted_days(n, cal),
                unit: n.count.unit_zh(),
                as_of: format_zh_short(site.today),
            })
        })
        .collect();
    let next_change = next_change(site, &notices);
    (Notices { notices, views, next_change }, diags)
}

/// The next date after the build date on which the board changes: a 公示 of a published
/// posting starts or ends, or a future-dated posting appears. `notices` are the stage's, one per
/// posting (the preview gives the last build's when an edit cannot have changed them).
pub fn next_change(site: &Site, notices: &[Option<Notice>]) -> Option<Date> {
    let published: Vec<Notice> = notices
        .iter()
        .enumerate()
        .filter(|(i, _)| site.postings[*i].published)
        .filter_map(|(_, n)| n.clone())
        .collect();
    // Future-dated postings also change the board on the day they appear.
    let appear = site
        .postings
        .iter()
        .filter(|p| !p.is_draft() && p.date() > site.today)
        .map(|p| p.date())
        .min();
    [notice::next_change(&published, site.today), appear].into_iter().flatten().min()
}

/// The days that count towards `n`'s period: after the day of posting, through the end; for a
/// working-day count only working days (a day without calendar data counts, as the period's
/// end itself was already checked against the calendar).
fn counted_days(n: &Notice, cal: &WorkCalendar) -> String {
    let mut out = Vec::new();
    let mut d = n.start;
    while let Ok(next) = d.tomorrow() {
        if next > n.end || out.len() > 400 {
            break;
        }
        d = next;
        let counts = match n.count {
            notice::Count::Working => cal.is_working_day(d).unwrap_or(true),
            _ => true,
        };
        if counts {
            out.push(format_iso(d));
        }
    }
    out.join(" ")
}
