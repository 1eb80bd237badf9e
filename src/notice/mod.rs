//! 公示: publicity periods of postings, their status on the board, and linked postings (series).
//!
//! A posting's front matter may carry a `[notice]` table:
//!
//! ```toml
//! [notice]
//! start = 2026-09-30        # optional; default: the posting's `date`
//! days = 5                  # either `days` (with `count`) ...
//! count = "working"         # "working" | "calendar" | "calendar-extended"; required with `days`
//! # end = 2026-10-13        # ... or an explicit last day (then `count` is optional, default "calendar")
//! objections = "向村务监督委员会反映，电话 0571-1234567"   # optional; caller defaults to site contact
//! basis = "《浙江省农村最低生活保障实施办法》"              # optional (依据)
//! series = "2026-dibao"     # optional: id shared by the postings of one matter
//! stage = "第一榜"          # required with `series`; free text or a known stage
//! ```
//!
//! Counting (Civil Code §201–203): the day of posting (`start`) is not counted; the period runs
//! from the day after. `working` counts official working days (holidays and 调休 included).
//! `calendar` counts calendar days. `calendar-extended` counts calendar days and, when the last day
//! is not a working day (a public holiday or a weekend rest day; an adjusted working Saturday is a
//! working day), moves the end to the next working day.
//!
//! A notice is *Active* from `start` through `end` inclusive, *Upcoming* before `start` and
//! *Ended* from the day after `end`.

pub mod stage;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;

use crate::calendar::{MissingYear, WorkCalendar};
use crate::date::{format_iso, format_zh, format_zh_short};
use crate::diagnostic::{Diagnostic, Position, Snippet, SourceText};
pub use crate::settings::notice::NoticeSpec;

/// The longest period accepted in `days`.
pub const MAX_DAYS: i64 = 1000;

/// How the days of a period are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Count {
    /// Official working days (法定工作日).
    Working,
    /// Calendar days (自然日).
    Calendar,
    /// Calendar days, the end moved off a rest day to the next working day (Civil Code §203).
    CalendarExtended,
}

impl Count {
    pub const ALL: [Count; 3] = [Count::Working, Count::Calendar, Count::CalendarExtended];

    /// The spelling in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Count::Working => "working",
            Count::Calendar => "calendar",
            Count::CalendarExtended => "calendar-extended",
        }
    }

    pub fn parse(s: &str) -> Option<Count> {
        Count::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// The nearest valid spelling for a wrong one (also for Chinese words such as 工作日).
    pub fn suggest(s: &str) -> &'static str {
        let s = s.trim();
        if s.contains("工作") {
            return Count::Working.as_str();
        }
        if s.contains("顺延") {
            return Count::CalendarExtended.as_str();
        }
        if s.contains("自然") || s.contains("日历") || s == "天" {
            return Count::Calendar.as_str();
        }
        let lower = s.to_lowercase();
        Count::ALL
            .into_iter()
            .map(Count::as_str)
            .min_by_key(|c| strsim::levenshtein(&lower, c))
            .unwrap_or("working")
    }

    /// `个工作日` or `天`, as in "5个工作日".
    pub fn unit_zh(self) -> &'static str {
        match self {
            Count::Working => "个工作日",
            Count::Calendar | Count::CalendarExtended => "天",
        }
    }
}

/// A resolved publicity period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The day of posting; not counted in the period.
    pub start: Date,
    /// The last day of the period, inclusive.
    pub end: Date,
    pub count: Count,
    /// The length as written, when given as `days`.
    pub days: Option<u32>,
    pub objections: Option<String>,
    pub basis: Option<String>,
    pub series: Option<String>,
    pub stage: Option<String>,
    /// Span of the `stage` value in the TOML fragment.
    pub stage_span: Option<Range<usize>>,
}

impl Notice {
    /// `2026年9月30日至2026年10月13日（5个工作日）`
    pub fn period_zh(&self) -> String {
        let mut s = format!("{}至{}", format_zh(self.start), format_zh(self.end));
        if let Some(n) = self.days {
            s.push_str(&format!("（{n}{}）", self.count.unit_zh()));
        }
        s
    }

    /// Where the board stands on `today`.
    pub fn status(&self, today: Date, cal: &WorkCalendar) -> Status {
        status(self, today, cal)
    }
}

crate::messages! {
    /// Problems in a `[notice]` table or among the postings of a series.
    pub enum NoticeError {
        EndBeforeStart { start: Date, end: Date } = "notice.end-before-start",
            zh: {
                format!(
                    "公示截止日 {} 早于开始日 {}；请改正 end，或改用 days = 天数",
                    format_iso(*end),
                    format_iso(*start)
                )
            },
            en: {
                format!(
                    "the notice ends on {} before it starts on {}; correct `end` or use `days = N`",
                    format_iso(*end),
                    format_iso(*start)
                )
            };
        EndAndDays = "notice.end-and-days",
            zh: "end 和 days 只能写一个；请删除其中一个（写 days 时还需写 count）",
            en: "give either `end` or `days`, not both; remove one (`days` also needs `count`)";
        NoLength = "notice.no-length",
            zh: "[notice] 缺少公示期：请写 end = 截止日期，或写 days = 5 和 \
                count = \"working\"（工作日）/ \"calendar\"（自然日）",
            en: "[notice] has no period: add `end = <last day>`, or `days = 5` \
                with `count = \"working\"` or `\"calendar\"`";
        DaysOutOfRange { days: i64 } = "notice.days-out-of-range",
            zh: "公示天数 {days} 无效；请写 1 到 {MAX_DAYS} 之间的整数",
            en: "`days = {days}` is not valid; use a whole number from 1 to {MAX_DAYS}";
        CountMissing { days: u32 } = "notice.count-missing",
            zh: "写了 days = {days}，但没写按什么计算；请加上 count = \"working\"（{days}个工作日）、\
                \"calendar\"（{days}个自然日）或 \"calendar-extended\"（自然日，最后一天遇节假日顺延）",
            en: "`days = {days}` needs `count`: add `count = \"working\"` ({days} working days), \
                `\"calendar\"` ({days} calendar days) or `\"calendar-extended\"` (calendar days, \
                extended past a holiday at the end)";
        UnknownCount { given: String, suggestion: &'static str } = "notice.unknown-count",
            zh: "count = \"{given}\" 无效；您是否想写 \"{suggestion}\"？可选值：\"working\"（工作日）、\
                \"calendar\"（自然日）、\"calendar-extended\"（自然日，遇节假日顺延）",
            en: "`count = \"{given}\"` is not valid; did you mean \"{suggestion}\"? Valid values: \
                \"working\", \"calendar\", \"calendar-extended\"";
        SeriesWithoutStage { series: String } = "notice.series-without-stage",
            zh: "写了 series = \"{series}\" 但没写 stage；请加上本次公示的阶段，如 stage = \"决议公开\" 或 \"第一榜\"",
            en: "`series = \"{series}\"` needs a `stage`, e.g. `stage = \"决议公开\"` or `\"第一榜\"`";
        DuplicateStage {
            series: String,
            stage: String,
            other: String,
        } = "notice.duplicate-stage",
            zh: "事项“{series}”的阶段“{stage}”已由 {other} 公示过；两处重复，请改正其中一处的 stage 或 series",
            en: "stage \"{stage}\" of series \"{series}\" is also claimed by {other}; change the \
                `stage` or `series` of one of them";
        StageOutOfOrder {
            series: String,
            stage: String,
            start: Date,
            other_stage: String,
            other: String,
            other_start: Date,
        } = "notice.stage-out-of-order",
            zh: {
                format!(
                    "事项“{series}”的“{stage}”（{}）早于前一阶段“{other_stage}”（{}，{other}）；\
                     请核对两处的日期或阶段",
                    format_iso(*start),
                    format_iso(*other_start)
                )
            },
            en: {
                format!(
                    "in series \"{series}\", \"{stage}\" ({}) comes before the earlier stage \
                     \"{other_stage}\" ({}, {other}); check the dates or stages of both",
                    format_iso(*start),
                    format_iso(*other_start)
                )
            };
    }
}

/// Finds the `[notice]` header (or a `notice = …` / `notice.… =` key) in a TOML fragment, to
/// point at the table as a whole.
fn notice_table_span(toml: &str) -> Range<usize> {
    let mut offset = 0;
    for line in toml.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = offset + line.len() - trimmed.len();
        if trimmed.starts_with("[notice]") {
            return lead..lead + "[notice]".len();
        }
        if let Some(rest) = trimmed.strip_prefix("notice") {
            if rest.trim_start().starts_with(['=', '.']) {
                return lead..lead + "notice".len();
            }
        }
        offset += line.len();
    }
    0..0
}

/// Turns a `[notice]` table into dates. `posting_date` is the posting's `date` (the default
/// start); `src` locates errors in the file.
pub fn resolve(
    spec: &NoticeSpec,
    posting_date: Date,
    cal: &WorkCalendar,
    src: &SourceText,
) -> Result<Notice, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let start = spec.start.as_ref().map(|s| s.get_ref().0).unwrap_or(posting_date);

    // `None` inside `Some` marks a count that was given but invalid (already reported).
    let count: Option<Option<Count>> = spec.count.as_ref().map(|c| {
        let parsed = Count::parse(c.get_ref());
        if parsed.is_none() {
            let given = c.get_ref().clone();
            let suggestion = Count::suggest(&given);
            errors.push(src.error_at(c.span(), NoticeError::UnknownCount { given, suggestion }));
        }
        parsed
    });

    let days: Option<(u32, Range<usize>)> = match &spec.days {
        None => None,
        Some(d) => {
            let n = *d.get_ref();
            if (1..=MAX_DAYS).contains(&n) {
                Some((n as u32, d.span()))
            } else {
                errors.push(src.error_at(d.span(), NoticeError::DaysOutOfRange { days: n }));
                None
            }
        }
    };

    let mut end = None;
    let mut final_count = Count::Calendar;
    match (&spec.end, &spec.days) {
        (Some(_), Some(d)) => errors.push(src.error_at(d.span(), NoticeError::EndAndDays)),
        (None, None) => {
            errors.push(src.error_at(notice_table_span(src.toml()), NoticeError::NoLength))
        }
        (Some(e), None) => {
            let e_date = e.get_ref().0;
            if e_date < start {
                errors.push(
                    src.error_at(e.span(), NoticeError::EndBeforeStart { start, end: e_date }),
                );
            }
            final_count = count.flatten().unwrap_or(Count::Calendar);
            end = Some(e_date);
        }
        (None, Some(d)) => match (count, &days) {
            (None, Some((n, _))) => {
                errors.push(src.error_at(d.span(), NoticeError::CountMissing { days: *n }))
            }
            (Some(Some(c)), Some((n, span))) => {
                final_count = c;
                match period_end(start, *n, c, cal) {
                    Ok(e) => end = Some(e),
                    Err(missing) => errors.push(src.error_at(span.clone(), missing)),
                }
            }
            // Invalid count or days: already reported.
            _ => {}
        },
    }

    let series = spec.series.as_ref().map(|s| s.get_ref().trim().to_string());
    let stage = spec.stage.as_ref().map(|s| s.get_ref().trim().to_string());
    if let (Some(s), None) = (&spec.series, &stage) {
        errors.push(
            src.error_at(s.span(), NoticeError::SeriesWithoutStage { series: s.get_ref().clone() }),
        );
    }

    match end {
        Some(end) if errors.is_empty() => Ok(Notice {
            start,
            end,
            count: final_count,
            days: days.map(|(n, _)| n),
            objections: spec.objections.clone(),
            basis: spec.basis.clone(),
            series,
            stage,
            stage_span: spec.stage.as_ref().map(Spanned::span),
        }),
        _ => Err(errors),
    }
}

/// The last day of a period of `n` days counted `count`-wise after `start`.
pub fn period_end(
    start: Date,
    n: u32,
    count: Count,
    cal: &WorkCalendar,
) -> Result<Date, MissingYear> {
    match count {
        Count::Working => cal.add_working_days(start, n),
        Count::Calendar => add_days(start, n),
        Count::CalendarExtended => {
            let mut end = add_days(start, n)?;
            while !cal.is_working_day(end)? {
                end = add_days(end, 1)?;
            }
            Ok(end)
        }
    }
}

fn add_days(d: Date, n: u32) -> Result<Date, MissingYear> {
    d.checked_add(jiff::Span::new().days(i64::from(n))).map_err(|_| MissingYear { year: d.year() })
}

fn days_between(a: Date, b: Date) -> i64 {
    b.duration_since(a).as_secs() / 86_400
}

/// Where a notice stands on a given day (serialised as data of the workbench's messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum Status {
    /// Before `start`.
    Upcoming { starts: Date },
    /// From `start` through `end` inclusive.
    Active {
        /// Working days after today up to and including `end`; `None` only when the calendar has
        /// no data for those days (possible for calendar-day notices only).
        remaining_working_days: Option<u32>,
        /// Calendar days after today up to and including `end` (0 on the last day).
        remaining_days: u32,
        end: Date,
    },
    /// After `end`.
    Ended { end: Date },
}

/// Where `notice` stands on `today`.
pub fn status(notice: &Notice, today: Date, cal: &WorkCalendar) -> Status {
    if today < notice.start {
        Status::Upcoming { starts: notice.start }
    } else if today <= notice.end {
        Status::Active {
            remaining_working_days: cal.working_days_between(today, notice.end).ok(),
            remaining_days: days_between(today, notice.end) as u32,
            end: notice.end,
        }
    } else {
        Status::Ended { end: notice.end }
    }
}

impl Status {
    /// 即将公示 / 公示中 / 公示期满
    pub fn label_zh(&self) -> &'static str {
        match self {
            Status::Upcoming { .. } => "即将公示",
            Status::Active { .. } => "公示中",
            Status::Ended { .. } => "公示期满",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            Status::Upcoming { .. } => "upcoming",
            Status::Active { .. } => "open for objections",
            Status::Ended { .. } => "closed",
        }
    }

    /// `剩余 3 个工作日 / 截止 10月13日` (working count), `剩余 4 天 / 截止 10月13日` (calendar
    /// count), `今日截止 / 10月13日` on the last day, `10月1日起公示`, `已于 10月13日期满`.
    pub fn detail_zh(&self, count: Count) -> String {
        match *self {
            Status::Upcoming { starts } => format!("{}起公示", format_zh_short(starts)),
            Status::Active { remaining_working_days, remaining_days, end } => {
                let end_s = format_zh_short(end);
                if remaining_days == 0 {
                    return format!("今日截止 / {end_s}");
                }
                match (count, remaining_working_days) {
                    (Count::Working, Some(w)) => format!("剩余 {w} 个工作日 / 截止 {end_s}"),
                    _ => format!("剩余 {remaining_days} 天 / 截止 {end_s}"),
                }
            }
            Status::Ended { end } => format!("已于 {}期满", format_zh_short(end)),
        }
    }

    /// English counterpart of [`Status::detail_zh`].
    pub fn detail_en(&self, count: Count) -> String {
        match *self {
            Status::Upcoming { starts } => format!("starts {}", format_iso(starts)),
            Status::Active { remaining_working_days, remaining_days, end } => {
                let end_s = format_iso(end);
                if remaining_days == 0 {
                    return format!("last day today / {end_s}");
                }
                match (count, remaining_working_days) {
                    (Count::Working, Some(w)) => {
                        format!("{w} working day{} left / ends {end_s}", plural(w))
                    }
                    _ => format!(
                        "{remaining_days} day{} left / ends {end_s}",
                        plural(remaining_days)
                    ),
                }
            }
            Status::Ended { end } => format!("closed on {}", format_iso(end)),
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The next day, strictly after `today`, on which some notice's status changes (a start, or the
/// day after an end): when the board must be rebuilt.
pub fn next_change(notices: &[Notice], today: Date) -> Option<Date> {
    notices
        .iter()
        .flat_map(|n| [Some(n.start), add_days(n.end, 1).ok()])
        .flatten()
        .filter(|d| *d > today)
        .min()
}

// ---------------------------------------------------------------------------------------------
// Series: linked postings of one matter (决议公开 → 实施结果公开, 三榜公示, 发展党员 stages).

/// Stages with a known order; a series must not go backwards in time along them.
pub const STAGE_ORDERS: &[&[&str]] = &[
    &["决议公开", "实施结果公开"],
    &["第一榜", "第二榜", "第三榜"],
    &["积极分子", "发展对象", "预备党员", "转正"],
];

/// `(order family, rank)` of a known stage.
pub fn stage_rank(stage: &str) -> Option<(usize, usize)> {
    let stage = stage.trim();
    STAGE_ORDERS
        .iter()
        .enumerate()
        .find_map(|(f, order)| order.iter().position(|s| *s == stage).map(|r| (f, r)))
}

/// A position in a file kept for later messages (the file text itself is not kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub path: String,
    pub position: Position,
    pub snippet: Option<Snippet>,
}

impl Anchor {
    /// The position of `span` (relative to the TOML fragment) in `src`.
    pub fn new(src: &SourceText, span: Range<usize>) -> Anchor {
        let probe =
            src.error_at(span, crate::diagnostic::Msg::new("", (), String::new(), String::new()));
        Anchor { path: probe.path, position: probe.position, snippet: probe.snippet }
    }

    /// The file as a whole.
    pub fn file(path: impl Into<String>) -> Anchor {
        Anchor { path: path.into(), position: Position::File, snippet: None }
    }

    pub fn error(&self, msg: impl Into<crate::diagnostic::Msg>) -> Diagnostic {
        let mut d = Diagnostic::error(self.path.clone(), msg);
        d.position = self.position.clone();
        d.snippet = self.snippet.clone();
        d
    }

    /// `path:line:column`
    pub fn location(&self) -> String {
        match &self.position {
            Position::Text { line, column } => format!("{}:{line}:{column}", self.path),
            Position::Cell { sheet, cell } => format!("{}:{sheet}!{cell}", self.path),
            Position::CsvCell { cell, .. } => format!("{}:{cell}", self.path),
            Position::Place(place) => format!("{}:{place}", self.path),
            Position::File => self.path.clone(),
        }
    }
}

/// One posting's place in a series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesMember {
    pub posting_id: usize,
    pub series: String,
    pub stage: String,
    pub start: Date,
    pub end: Date,
    /// Where the posting's `stage` is written.
    pub anchor: Anchor,
}

impl SeriesMember {
    /// The member for a resolved notice, if it belongs to a series.
    pub fn from_notice(posting_id: usize, notice: &Notice, src: &SourceText) -> Option<Self> {
        let series = notice.series.clone()?;
        let stage = notice.stage.clone()?;
        let anchor = match &notice.stage_span {
            Some(span) => Anchor::new(src, span.clone()),
            None => Anchor::file(src.path.clone()),
        };
        Some(SeriesMember {
            posting_id,
            series,
            stage,
            start: notice.start,
            end: notice.end,
            anchor,
        })
    }
}

fn by_series(members: &[SeriesMember]) -> BTreeMap<&str, Vec<&SeriesMember>> {
    let mut groups: BTreeMap<&str, Vec<&SeriesMember>> = BTreeMap::new();
    for m in members {
        groups.entry(m.series.as_str()).or_default().push(m);
    }
    for group in groups.values_mut() {
        group.sort_by_key(|m| (m.start, m.posting_id));
    }
    groups
}

/// Checks all series: a stage claimed twice in one series, and known stages going backwards in
/// time (a later stage posted strictly before an earlier one). Each error sits at the offending
/// posting's `stage` and names the other posting.
pub fn check_series(members: &[SeriesMember]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (series, group) in by_series(members) {
        let mut first_by_stage: HashMap<&str, &SeriesMember> = HashMap::new();
        for m in &group {
            match first_by_stage.get(m.stage.as_str()) {
                Some(first) => out.push(m.anchor.error(NoticeError::DuplicateStage {
                    series: series.to_string(),
                    stage: m.stage.clone(),
                    other: first.anchor.location(),
                })),
                None => {
                    first_by_stage.insert(m.stage.as_str(), m);
                }
            }
        }
        // Group is sorted by start: a pair (a before b) is backwards when a's stage ranks after b's.
        for (i, a) in group.iter().enumerate() {
            let Some((fa, ra)) = stage_rank(&a.stage) else { continue };
            for b in &group[i + 1..] {
                let Some((fb, rb)) = stage_rank(&b.stage) else { continue };
                if fa == fb && ra > rb && a.start < b.start {
                    out.push(a.anchor.error(NoticeError::StageOutOfOrder {
                        series: series.to_string(),
                        stage: a.stage.clone(),
                        start: a.start,
                        other_stage: b.stage.clone(),
                        other: b.anchor.location(),
                        other_start: b.start,
                    }));
                }
            }
        }
    }
    out
}

/// One posting on a series' timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    pub posting_id: usize,
    pub stage: String,
    pub start: Date,
    pub end: Date,
}

/// The postings of each series in order: known stages in their order first, then free-text
/// stages; ties by start date, then posting id.
pub fn timeline(members: &[SeriesMember]) -> BTreeMap<String, Vec<TimelineEntry>> {
    by_series(members)
        .into_iter()
        .map(|(series, group)| {
            let mut entries: Vec<&SeriesMember> = group;
            entries.sort_by_key(|m| {
                let known = stage_rank(&m.stage);
                (known.is_none(), known.unwrap_or((0, 0)), m.start, m.posting_id)
            });
            let entries = entries
                .into_iter()
                .map(|m| TimelineEntry {
                    posting_id: m.posting_id,
                    stage: m.stage.clone(),
                    start: m.start,
                    end: m.end,
                })
                .collect();
            (series.to_string(), entries)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarConfig;
    use crate::date::DateValue;
    use crate::date::parse_date;
    use serde::Deserialize;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::builtin()
    }

    #[derive(Deserialize)]
    struct Front {
        date: DateValue,
        notice: NoticeSpec,
    }

    /// A Markdown file with `+++` front matter, as the site reader sees it.
    fn posting(path: &str, front: &str) -> (SourceText, Front) {
        let text = format!("+++\n{front}+++\n正文\n");
        let start = 4;
        let end = start + front.len();
        let src = SourceText::new(path, text, start, end);
        let parsed: Front = toml::from_str(src.toml()).unwrap_or_else(|e| panic!("{e}"));
        (src, parsed)
    }

    fn resolve_with(front: &str, cal: &WorkCalendar) -> Result<Notice, Vec<Diagnostic>> {
        let (src, f) = posting("content/gongshi.md", front);
        resolve(&f.notice, f.date.0, cal, &src)
    }

    fn resolve_front(front: &str) -> Result<Notice, Vec<Diagnostic>> {
        resolve_with(front, cal())
    }

    fn only_error(front: &str) -> (String, &'static str, String, String) {
        let errs = resolve_front(front).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        let e = &errs[0];
        (e.location(), e.message.code(), e.message.zh().to_string(), e.message.en().to_string())
    }

    #[test]
    fn five_working_days_over_national_day() {
        let n =
            resolve_front("date = 2026-09-30\n[notice]\ndays = 5\ncount = \"working\"\n").unwrap();
        assert_eq!((n.start, n.end), (d("2026-09-30"), d("2026-10-13")));
        assert_eq!(n.count, Count::Working);
        assert_eq!(n.days, Some(5));
        assert_eq!(n.period_zh(), "2026年9月30日至2026年10月13日（5个工作日）");
    }

    #[test]
    fn five_working_days_over_spring_festival() {
        let n =
            resolve_front("date = 2026-02-12\n[notice]\ndays = 5\ncount = \"working\"\n").unwrap();
        assert_eq!(n.end, d("2026-02-26"));
    }

    #[test]
    fn explicit_start_overrides_posting_date() {
        let n = resolve_front(
            "date = 2026-09-20\n[notice]\nstart = 2025-12-30\ndays = 5\ncount = \"working\"\n",
        )
        .unwrap();
        assert_eq!((n.start, n.end), (d("2025-12-30"), d("2026-01-07")));
    }

    #[test]
    fn explicit_end_and_optional_fields() {
        let n = resolve_front(
            "date = 2026-09-30\n[notice]\nend = 2026-10-09\nbasis = \"村民代表会议决议\"\n\
             objections = \"村务监督委员会\"\nseries = \"road\"\nstage = \"决议公开\"\n",
        )
        .unwrap();
        assert_eq!(n.end, d("2026-10-09"));
        assert_eq!(n.count, Count::Calendar);
        assert_eq!(n.days, None);
        assert_eq!(n.basis.as_deref(), Some("村民代表会议决议"));
        assert_eq!(n.objections.as_deref(), Some("村务监督委员会"));
        assert_eq!(n.series.as_deref(), Some("road"));
        assert_eq!(n.stage.as_deref(), Some("决议公开"));
        assert!(n.stage_span.is_some());
    }

    #[test]
    fn calendar_versus_calendar_extended() {
        // 2026-09-28 + 5 calendar days = Oct 3, in 国庆: extended to Thu Oct 8.
        let plain =
            resolve_front("date = 2026-09-28\n[notice]\ndays = 5\ncount = \"calendar\"\n").unwrap();
        assert_eq!(plain.end, d("2026-10-03"));
        let ext =
            resolve_front("date = 2026-09-28\n[notice]\ndays = 5\ncount = \"calendar-extended\"\n")
                .unwrap();
        assert_eq!(ext.end, d("2026-10-08"));
        // Ending on an adjusted working Saturday (Oct 10) is not extended.
        let sat =
            resolve_front("date = 2026-10-07\n[notice]\ndays = 3\ncount = \"calendar-extended\"\n")
                .unwrap();
        assert_eq!(sat.end, d("2026-10-10"));
        // Ending on an ordinary Sunday moves to Monday.
        let sun =
            resolve_front("date = 2026-10-08\n[notice]\ndays = 3\ncount = \"calendar-extended\"\n")
                .unwrap();
        assert_eq!(sun.end, d("2026-10-12"));
        // Tender results: 3 calendar days, no calendar data needed at all.
        let far =
            resolve_front("date = 2030-05-01\n[notice]\ndays = 3\ncount = \"calendar\"\n").unwrap();
        assert_eq!(far.end, d("2030-05-04"));
    }

    #[test]
    fn missing_year_2027_and_site_override() {
        let front = "date = 2026-12-24\n[notice]\ndays = 10\ncount = \"working\"\n";
        let (loc, code, zh, en) = only_error(front);
        assert_eq!(loc, "content/gongshi.md:4:8");
        assert_eq!(code, "calendar.missing-year");
        assert!(zh.contains("2027") && zh.contains("[calendar.years.2027]"), "{zh}");
        assert!(en.contains("[calendar.years.2027]"), "{en}");

        let site = "[years.2027]\nholidays = [{ date = 2027-01-01, name = \"元旦\" }]\n\
                    workdays = [2027-01-03]\n";
        let cfg: CalendarConfig = toml::from_str(site).unwrap();
        let cal = WorkCalendar::with_config(&cfg);
        let n = resolve_with(front, &cal).unwrap();
        assert_eq!(n.end, d("2027-01-07"));
    }

    #[test]
    fn calendar_extended_needs_the_end_year() {
        // Ends 2027-01-01 as calendar days: fine; extended needs 2027 data.
        assert!(
            resolve_front("date = 2026-12-29\n[notice]\ndays = 3\ncount = \"calendar\"\n").is_ok()
        );
        let (loc, code, ..) =
            only_error("date = 2026-12-29\n[notice]\ndays = 3\ncount = \"calendar-extended\"\n");
        assert_eq!((loc.as_str(), code), ("content/gongshi.md:4:8", "calendar.missing-year"));
    }

    #[test]
    fn end_before_start() {
        let (loc, code, zh, en) = only_error("date = 2026-09-30\n[notice]\nend = 2026-09-29\n");
        assert_eq!(loc, "content/gongshi.md:4:7");
        assert_eq!(code, "notice.end-before-start");
        assert!(zh.contains("2026-09-29") && zh.contains("days"), "{zh}");
        assert!(en.contains("before it starts"), "{en}");
    }

    #[test]
    fn rendered_error_underlines_the_value() {
        let errs = resolve_front("date = 2026-09-30\n[notice]\ndays = 5\ncount = \"工作日\"\n")
            .unwrap_err();
        let out = errs[0].render(crate::diagnostic::Lang::Zh);
        assert!(
            out.starts_with(
                "content/gongshi.md:5:9: 错误: count = \"工作日\" 无效；您是否想写 \"working\""
            ),
            "{out}"
        );
        assert!(out.ends_with("5 | count = \"工作日\"\n  |         ^^^^^^^^"), "{out}");
    }

    proptest::proptest! {
        #[test]
        fn extended_end_is_a_working_day_not_before_the_plain_end(
            y in 2004i16..=2026, m in 1i8..=12, day in 1i8..=28, n in 1u32..30,
        ) {
            let start = Date::new(y, m, day).unwrap();
            let plain = period_end(start, n, Count::Calendar, cal()).unwrap();
            match period_end(start, n, Count::CalendarExtended, cal()) {
                Ok(ext) => {
                    proptest::prop_assert!(ext >= plain);
                    proptest::prop_assert_eq!(cal().is_working_day(ext), Ok(true));
                    let mut d = plain;
                    while d < ext {
                        proptest::prop_assert_eq!(cal().is_working_day(d), Ok(false));
                        d = d.tomorrow().unwrap();
                    }
                }
                Err(missing) => proptest::prop_assert_eq!(missing.year, 2027),
            }
        }
    }

    #[test]
    fn end_and_days() {
        let (loc, code, ..) = only_error(
            "date = 2026-09-30\n[notice]\nend = 2026-10-09\ndays = 5\ncount = \"working\"\n",
        );
        assert_eq!((loc.as_str(), code), ("content/gongshi.md:5:8", "notice.end-and-days"));
    }

    #[test]
    fn neither_end_nor_days_points_at_the_table() {
        let (loc, code, zh, en) =
            only_error("title = \"低保公示\"\ndate = 2026-09-30\n\n[notice]\nbasis = \"x\"\n");
        assert_eq!(loc, "content/gongshi.md:5:1");
        assert_eq!(code, "notice.no-length");
        assert!(zh.contains("end") && zh.contains("days"), "{zh}");
        assert!(en.contains("count = \"working\""), "{en}");
        // Inline table form.
        let (loc, ..) = only_error("date = 2026-09-30\nnotice = { basis = \"x\" }\n");
        assert_eq!(loc, "content/gongshi.md:3:1");
    }

    #[test]
    fn days_zero_or_negative() {
        let (loc, code, ..) =
            only_error("date = 2026-09-30\n[notice]\ndays = 0\ncount = \"working\"\n");
        assert_eq!((loc.as_str(), code), ("content/gongshi.md:4:8", "notice.days-out-of-range"));
        let (loc, code, ..) =
            only_error("date = 2026-09-30\n[notice]\ncount = \"working\"\ndays = -3\n");
        assert_eq!((loc.as_str(), code), ("content/gongshi.md:5:8", "notice.days-out-of-range"));
    }

    #[test]
    fn days_without_count() {
        let (loc, code, zh, en) = only_error("date = 2026-09-30\n[notice]\ndays = 7\n");
        assert_eq!((loc.as_str(), code), ("content/gongshi.md:4:8", "notice.count-missing"));
        assert!(zh.contains("count = \"working\""), "{zh}");
        assert!(en.contains("count = \"working\""), "{en}");
    }

    #[test]
    fn unknown_count_suggests_nearest() {
        let (loc, code, zh, en) =
            only_error("date = 2026-09-30\n[notice]\ndays = 5\ncount = \"workng\"\n");
        assert_eq!((loc.as_str(), code), ("content/gongshi.md:5:9", "notice.unknown-count"));
        assert!(zh.contains("\"working\"？"), "{zh}");
        assert!(en.contains("did you mean \"working\""), "{en}");
        assert_eq!(Count::suggest("calender"), "calendar");
        assert_eq!(Count::suggest("calendar_extended"), "calendar-extended");
        assert_eq!(Count::suggest("工作日"), "working");
        assert_eq!(Count::suggest("自然日"), "calendar");
    }

    #[test]
    fn several_errors_at_once_and_cjk_columns() {
        let errs = resolve_front(
            "date = 2026-09-30\n[notice]\nend = 2026-10-09\ndays = 0\ncount = \"days\"\n",
        )
        .unwrap_err();
        let got: Vec<(String, &str)> =
            errs.iter().map(|e| (e.location(), e.message.code())).collect();
        assert_eq!(
            got,
            [
                ("content/gongshi.md:6:9".to_string(), "notice.unknown-count"),
                ("content/gongshi.md:5:8".to_string(), "notice.days-out-of-range"),
                ("content/gongshi.md:5:8".to_string(), "notice.end-and-days"),
            ]
        );
        // Columns count characters: the value after Chinese text on the same line.
        let errs =
            resolve_front("date = 2026-09-30\n[notice]\nseries = \"修路\"\nend = 2026-10-09\n")
                .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].location(), "content/gongshi.md:4:10");
        assert_eq!(errs[0].message.code(), "notice.series-without-stage");
    }

    #[test]
    fn unknown_notice_key_is_rejected_by_serde() {
        assert!(toml::from_str::<NoticeSpec>("end = 2026-10-09\nstatge = \"x\"").is_err());
    }

    fn notice(start: &str, end: &str, count: Count) -> Notice {
        Notice {
            start: d(start),
            end: d(end),
            count,
            days: None,
            objections: None,
            basis: None,
            series: None,
            stage: None,
            stage_span: None,
        }
    }

    #[test]
    fn status_around_start_and_end() {
        let n = notice("2026-09-30", "2026-10-13", Count::Working);
        let s = status(&n, d("2026-09-29"), cal());
        assert_eq!(s, Status::Upcoming { starts: d("2026-09-30") });
        assert_eq!(s.label_zh(), "即将公示");
        assert_eq!(s.detail_zh(Count::Working), "9月30日起公示");

        let s = status(&n, d("2026-09-30"), cal());
        assert_eq!(
            s,
            Status::Active {
                remaining_working_days: Some(5),
                remaining_days: 13,
                end: d("2026-10-13")
            }
        );
        assert_eq!(s.label_zh(), "公示中");
        assert_eq!(s.detail_zh(Count::Working), "剩余 5 个工作日 / 截止 10月13日");
        assert_eq!(s.detail_zh(Count::Calendar), "剩余 13 天 / 截止 10月13日");
        assert_eq!(s.detail_en(Count::Working), "5 working days left / ends 2026-10-13");

        let s = status(&n, d("2026-10-12"), cal());
        assert_eq!(s.detail_zh(Count::Working), "剩余 1 个工作日 / 截止 10月13日");

        let s = status(&n, d("2026-10-13"), cal());
        assert_eq!(
            s,
            Status::Active {
                remaining_working_days: Some(0),
                remaining_days: 0,
                end: d("2026-10-13")
            }
        );
        assert_eq!(s.detail_zh(Count::Working), "今日截止 / 10月13日");

        let s = status(&n, d("2026-10-14"), cal());
        assert_eq!(s, Status::Ended { end: d("2026-10-13") });
        assert_eq!(s.label_zh(), "公示期满");
        assert_eq!(s.detail_zh(Count::Working), "已于 10月13日期满");
    }

    #[test]
    fn status_without_calendar_data_still_counts_days() {
        let n = notice("2030-05-01", "2030-05-04", Count::Calendar);
        let s = status(&n, d("2030-05-02"), cal());
        assert_eq!(
            s,
            Status::Active {
                remaining_working_days: None,
                remaining_days: 2,
                end: d("2030-05-04")
            }
        );
        assert_eq!(s.detail_zh(Count::Calendar), "剩余 2 天 / 截止 5月4日");
    }

    #[test]
    fn next_change_is_a_start_or_the_day_after_an_end() {
        let ns = [
            notice("2026-09-30", "2026-10-13", Count::Working),
            notice("2026-10-20", "2026-10-23", Count::Calendar),
        ];
        assert_eq!(next_change(&ns, d("2026-09-29")), Some(d("2026-09-30")));
        assert_eq!(next_change(&ns, d("2026-09-30")), Some(d("2026-10-14")));
        assert_eq!(next_change(&ns, d("2026-10-14")), Some(d("2026-10-20")));
        assert_eq!(next_change(&ns, d("2026-10-20")), Some(d("2026-10-24")));
        assert_eq!(next_change(&ns, d("2026-10-24")), None);
        assert_eq!(next_change(&[], d("2026-10-24")), None);
    }

    fn member(id: usize, path: &str, series: &str, stage: &str, start: &str) -> SeriesMember {
        let front = format!(
            "date = {start}\n[notice]\ndays = 5\ncount = \"working\"\nseries = \"{series}\"\nstage = \"{stage}\"\n"
        );
        let (src, f) = posting(path, &front);
        let n = resolve(&f.notice, f.date.0, cal(), &src).unwrap();
        SeriesMember::from_notice(id, &n, &src).unwrap()
    }

    #[test]
    fn duplicate_stage_names_both_postings() {
        let ms = [
            member(0, "content/a.md", "dibao-2026", "第一榜", "2026-03-02"),
            member(1, "content/b.md", "dibao-2026", "第一榜", "2026-03-09"),
            member(2, "content/c.md", "other", "第一榜", "2026-03-09"),
        ];
        let diags = check_series(&ms);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].location(), "content/b.md:7:9");
        assert_eq!(diags[0].message.code(), "notice.duplicate-stage");
        let zh = diags[0].message.zh();
        assert!(zh.contains("content/a.md:7:9") && zh.contains("第一榜"), "{zh}");
    }

    #[test]
    fn backwards_stage_order_is_an_error() {
        let ms = [
            member(0, "content/result.md", "road", "实施结果公开", "2026-03-02"),
            member(1, "content/decision.md", "road", "决议公开", "2026-04-01"),
        ];
        let diags = check_series(&ms);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].location(), "content/result.md:7:9");
        assert_eq!(diags[0].message.code(), "notice.stage-out-of-order");
        let en = diags[0].message.en();
        assert!(en.contains("content/decision.md:7:9") && en.contains("2026-04-01"), "{en}");

        // In order, same day, and free-text stages are fine.
        let ok = [
            member(0, "content/1.md", "dj", "积极分子", "2025-03-03"),
            member(1, "content/2.md", "dj", "发展对象", "2026-03-02"),
            member(2, "content/3.md", "dj", "预备党员", "2026-03-02"),
            member(3, "content/4.md", "dj", "补充说明", "2025-01-06"),
        ];
        assert!(check_series(&ok).is_empty());
    }

    #[test]
    fn timeline_orders_known_stages_then_dates() {
        let ms = [
            member(0, "content/3.md", "dibao", "第三榜", "2026-04-01"),
            member(1, "content/note.md", "dibao", "更正说明", "2026-03-20"),
            member(2, "content/1.md", "dibao", "第一榜", "2026-03-02"),
            member(3, "content/2.md", "dibao", "第二榜", "2026-03-16"),
            member(4, "content/x.md", "road", "决议公开", "2026-05-06"),
        ];
        let t = timeline(&ms);
        let stages: Vec<&str> = t["dibao"].iter().map(|e| e.stage.as_str()).collect();
        assert_eq!(stages, ["第一榜", "第二榜", "第三榜", "更正说明"]);
        assert_eq!(t["road"].len(), 1);
        assert_eq!(t["dibao"][0].posting_id, 2);
        assert_eq!(t["dibao"][0].end, d("2026-03-09"));
    }
}
