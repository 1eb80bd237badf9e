//! China's official working-day calendar (法定节假日与调休).
//!
//! A day is a working day when it is Monday–Friday and not a listed holiday, or when it is a
//! weekend day listed as an adjusted working day (调休上班). The schedule is announced by the
//! General Office of the State Council each November for the next year; we keep our own copy in
//! `data/cn-work-calendar.toml` (2004–2026). A site can add or replace whole years, and add local
//! holidays, in the `[calendar]` table of `site.toml`:
//!
//! ```toml
//! [calendar]
//! # Local days off (e.g. set by an autonomous region): non-working, and public holidays for the
//! # calendar-extended rule. They do not make a year without data known.
//! local_holidays = [{ date = 2026-04-20, name = "三月三" }]
//!
//! [calendar.years.2027]            # replaces the built-in data for 2027 entirely
//! holidays = [
//!   { date = 2027-01-01, name = "元旦" },
//! ]
//! # Adjusted working weekend days: bare dates or { date, name } tables.
//! workdays = [2027-02-07, { date = 2027-02-20, name = "春节调休" }]
//! ```
//!
//! A year with no data is never guessed: every query touching it returns [`MissingYear`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Deserializer, de};
use toml::Spanned;

use crate::date::{DateValue, format_iso, parse_date};
use crate::diagnostic::{Diagnostic, SourceText};

const BUILTIN_DATA: &str = include_str!("../data/cn-work-calendar.toml");

crate::messages! {
    /// The calendar has no data for `year`: we refuse to guess which days are working days.
    #[derive(Copy, Eq)]
    pub struct MissingYear { pub year: i16 } = "calendar.missing-year",
        zh: {
            format!(
                "缺少 {y} 年的节假日安排，无法计算工作日。国务院办公厅公布 {y} 年放假安排后，\
                 请在 site.toml 中添加 [calendar.years.{y}]，填写 holidays（放假日期）和 workdays（调休上班日期）",
                y = year
            )
        },
        en: {
            format!(
                "the working-day calendar has no data for {y}, so working days cannot be counted. Once the \
                 State Council publishes the {y} holiday schedule, add [calendar.years.{y}] with `holidays` \
                 and `workdays` (adjusted working weekend days) to site.toml",
                y = year
            )
        };
}

/// One listed day: a bare date (`2027-02-07`) or a table (`{ date = 2027-02-07, name = "春节调休" }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayEntry {
    pub date: Date,
    pub name: Option<String>,
}

/// The key under which `toml` hands a native date to serde as a one-entry map.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for DayEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = DayEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2027-01-01 or { date = 2027-01-01, name = \"元旦\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DayEntry, E> {
                let date = parse_date(v).ok_or_else(|| E::custom(crate::date::BAD_DATE))?;
                Ok(DayEntry { date, name: None })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<DayEntry, A::Error> {
                let mut date = None;
                let mut name = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        TOML_DATETIME_KEY => {
                            let s: String = map.next_value()?;
                            let d = parse_date(&s)
                                .ok_or_else(|| de::Error::custom(crate::date::BAD_DATE))?;
                            return Ok(DayEntry { date: d, name: None });
                        }
                        "date" => date = Some(map.next_value::<DateValue>()?.0),
                        "name" => name = Some(map.next_value::<String>()?),
                        other => return Err(de::Error::unknown_field(other, &["date", "name"])),
                    }
                }
                let date = date.ok_or_else(|| de::Error::missing_field("date"))?;
                Ok(DayEntry { date, name })
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The `[calendar]` table of site.toml.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    /// Whole years, keyed `"2027"`; a year given here replaces the built-in data for that year.
    #[serde(default)]
    pub years: BTreeMap<Spanned<String>, YearConfig>,
    /// Extra non-working days of this place (e.g. ethnic festivals set by the autonomous region).
    /// They count as public holidays. They do not make a year without data known.
    #[serde(default)]
    pub local_holidays: Vec<Spanned<DayEntry>>,
}

/// One year of the schedule: holidays and adjusted working weekend days.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearConfig {
    #[serde(default)]
    pub holidays: Vec<Spanned<DayEntry>>,
    #[serde(default)]
    pub workdays: Vec<Spanned<DayEntry>>,
}

crate::messages! {
    /// Problems in a `[calendar]` table.
    pub enum CalendarError {
        /// A year key that is not a year.
        BadYearKey { key: String } = "calendar.bad-year",
            zh: "“{key}”不是年份；请写成 [calendar.years.2027] 这样的四位年份",
            en: "`{key}` is not a year; write a four-digit year as in [calendar.years.2027]";
        /// A date listed under `[calendar.years.Y]` that is not in year Y.
        WrongYear { date: Date, year: i16 } = "calendar.wrong-year",
            zh: {
                format!(
                    "{} 不在 {year} 年内；请把它移到 [calendar.years.{}] 下",
                    format_iso(*date),
                    date.year()
                )
            },
            en: {
                format!(
                    "{} is not in {year}; move it under [calendar.years.{}]",
                    format_iso(*date),
                    date.year()
                )
            };
        /// A day listed both as holiday and as working day.
        HolidayIsWorkday { date: Date } = "calendar.holiday-is-workday",
            zh: {
                format!(
                    "{} 同时列为放假日和调休上班日；请核对国务院办公厅通知，只保留其中一处",
                    format_iso(*date)
                )
            },
            en: {
                format!(
                    "{} is listed both as a holiday and as a working day; check the State Council notice \
                     and keep only one",
                    format_iso(*date)
                )
            };
        /// A local holiday on an official adjusted working day.
        LocalHolidayOnWorkday { date: Date } = "calendar.local-holiday-on-workday",
            zh: {
                format!(
                    "地方节假日 {} 是法定调休上班日，本站按放假处理；如不放假，请从 local_holidays 中删除",
                    format_iso(*date)
                )
            },
            en: {
                format!(
                    "local holiday {} is an official adjusted working day; this site treats it as a day \
                     off. Remove it from local_holidays if offices are open",
                    format_iso(*date)
                )
            };
    }
}

#[derive(Clone, Debug, Default)]
struct YearData {
    holidays: BTreeMap<Date, String>,
    workdays: BTreeSet<Date>,
}

/// The working-day calendar: built-in years plus site overrides.
#[derive(Clone, Debug)]
pub struct WorkCalendar {
    years: BTreeMap<i16, YearData>,
    local_holidays: BTreeMap<Date, String>,
}

static BUILTIN: LazyLock<WorkCalendar> = LazyLock::new(|| {
    WorkCalendar::parse_data(BUILTIN_DATA).expect("data/cn-work-calendar.toml is valid")
});

fn parse_year_key(key: &str) -> Option<i16> {
    let key = key.trim();
    if key.len() != 4 {
        return None;
    }
    key.parse::<i16>().ok().filter(|y| (1900..=2200).contains(y))
}

fn weekday_is_workday(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl WorkCalendar {
    /// The embedded official calendar (2004–2026), parsed once.
    pub fn builtin() -> &'static WorkCalendar {
        &BUILTIN
    }

    /// A calendar with no data at all (every query gives [`MissingYear`]); useful in tests.
    pub fn empty() -> WorkCalendar {
        WorkCalendar { years: BTreeMap::new(), local_holidays: BTreeMap::new() }
    }

    /// Parses a calendar file in the format of `data/cn-work-calendar.toml`.
    pub fn parse_data(text: &str) -> Result<WorkCalendar, toml::de::Error> {
        let raw: BTreeMap<String, YearConfig> = toml::from_str(text)?;
        let mut cal = WorkCalendar::empty();
        for (key, year) in &raw {
            let Some(y) = parse_year_key(key) else {
                return Err(<toml::de::Error as de::Error>::custom(format!("bad year `{key}`")));
            };
            cal.years.insert(y, YearData::from_config(year));
        }
        Ok(cal)
    }

    /// The built-in calendar with the site's `[calendar]` table applied. Invalid year keys are
    /// skipped; report them with [`CalendarConfig::validate`].
    pub fn with_config(config: &CalendarConfig) -> WorkCalendar {
        WorkCalendar::builtin().overlay(config)
    }

    /// Validates `config` against `src` (site.toml) and returns the calendar, or all problems.
    pub fn from_config(
        config: &CalendarConfig,
        src: &SourceText,
    ) -> Result<WorkCalendar, Vec<Diagnostic>> {
        let diags = config.validate(src);
        if diags.iter().any(Diagnostic::is_error) {
            Err(diags)
        } else {
            Ok(WorkCalendar::with_config(config))
        }
    }

    /// This calendar with `config` applied: its years replace ours, its local holidays are added.
    pub fn overlay(&self, config: &CalendarConfig) -> WorkCalendar {
        let mut cal = self.clone();
        for (key, year) in &config.years {
            if let Some(y) = parse_year_key(key.get_ref()) {
                cal.years.insert(y, YearData::from_config(year));
            }
        }
        for entry in &config.local_holidays {
            let e = entry.get_ref();
            cal.local_holidays.insert(e.date, e.name.clone().unwrap_or_default());
        }
        cal
    }

    /// Years with data, ascending.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.keys().copied()
    }

    fn year(&self, date: Date) -> Result<&YearData, MissingYear> {
        self.years.get(&date.year()).ok_or(MissingYear { year: date.year() })
    }

    /// Whether offices work on `date` (weekdays, minus holidays, plus adjusted working weekends).
    pub fn is_working_day(&self, date: Date) -> Result<bool, MissingYear> {
        let y = self.year(date)?;
        if y.holidays.contains_key(&date) || self.local_holidays.contains_key(&date) {
            return Ok(false);
        }
        Ok(y.workdays.contains(&date) || weekday_is_workday(date))
    }

    /// Whether `date` is a listed public holiday (official or local); ordinary weekends are not.
    pub fn is_holiday(&self, date: Date) -> Result<bool, MissingYear> {
        let y = self.year(date)?;
        Ok(y.holidays.contains_key(&date) || self.local_holidays.contains_key(&date))
    }

    /// The holiday's name (`国庆节`), if `date` is a listed holiday with a name.
    pub fn holiday_name(&self, date: Date) -> Option<&str> {
        let official = self.years.get(&date.year()).and_then(|y| y.holidays.get(&date));
        official
            .or_else(|| self.local_holidays.get(&date))
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The date `n` working days after `start` (the start day itself is not counted; `n = 0`
    /// gives `start`).
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, MissingYear> {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: Date) -> Result<Date, MissingYear> {
        self.add_working_days(date, 1)
    }

    /// The number of working days in `(a, b]`: after `a`, up to and including `b`. 0 if `b <= a`.
    pub fn working_days_between(&self, a: Date, b: Date) -> Result<u32, MissingYear> {
        let mut n = 0;
        let mut d = a;
        while d < b {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                n += 1;
            }
        }
        Ok(n)
    }
}

/// The next calendar day; jiff's range ends at 9999-12-31, far beyond any data.
fn next_day(d: Date) -> Result<Date, MissingYear> {
    d.tomorrow().map_err(|_| MissingYear { year: d.year() })
}

impl YearData {
    fn from_config(year: &YearConfig) -> YearData {
        let mut data = YearData::default();
        for h in &year.holidays {
            let h = h.get_ref();
            data.holidays.insert(h.date, h.name.clone().unwrap_or_default());
        }
        for w in &year.workdays {
            data.workdays.insert(w.get_ref().date);
        }
        data
    }
}

impl CalendarConfig {
    /// Checks year keys, that each date is in its year, that no day is both holiday and working
    /// day (errors) and that local holidays do not fall on official adjusted working days
    /// (warning). Positions refer to `src`, the site.toml text.
    pub fn validate(&self, src: &SourceText) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (key, year) in &self.years {
            let Some(y) = parse_year_key(key.get_ref()) else {
                out.push(src.error_at(
                    key.span(),
                    CalendarError::BadYearKey { key: key.get_ref().clone() },
                ));
                continue;
            };
            for e in year.holidays.iter().chain(&year.workdays) {
                let date = e.get_ref().date;
                if date.year() != y {
                    out.push(src.error_at(e.span(), CalendarError::WrongYear { date, year: y }));
                }
            }
            let holidays: BTreeSet<Date> = year.holidays.iter().map(|h| h.get_ref().date).collect();
            for w in &year.workdays {
                let date = w.get_ref().date;
                if holidays.contains(&date) {
                    out.push(src.error_at(w.span(), CalendarError::HolidayIsWorkday { date }));
                }
            }
        }
        let cal = WorkCalendar::with_config(self);
        for l in &self.local_holidays {
            let date = l.get_ref().date;
            if cal.years.get(&date.year()).is_some_and(|y| y.workdays.contains(&date)) {
                out.push(src.warning_at(l.span(), CalendarError::LocalHolidayOnWorkday { date }));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::builtin()
    }

    #[test]
    fn builtin_covers_2004_to_2026() {
        let years: Vec<i16> = cal().years().collect();
        assert_eq!(years.first(), Some(&2004));
        assert_eq!(years.last(), Some(&2026));
        assert_eq!(years.len(), 23);
    }

    #[test]
    fn holidays_weekends_and_adjusted_workdays() {
        // 国庆 2026: Oct 1–7 off, Saturday Oct 10 is a working day.
        assert_eq!(cal().is_working_day(d("2026-10-01")), Ok(false));
        assert_eq!(cal().is_holiday(d("2026-10-01")), Ok(true));
        assert_eq!(cal().holiday_name(d("2026-10-01")), Some("国庆节"));
        assert_eq!(cal().is_working_day(d("2026-10-08")), Ok(true));
        assert_eq!(cal().is_working_day(d("2026-10-10")), Ok(true));
        assert_eq!(cal().is_holiday(d("2026-10-10")), Ok(false));
        // An ordinary Sunday: not working, but not a listed holiday either.
        assert_eq!(cal().is_working_day(d("2026-10-11")), Ok(false));
        assert_eq!(cal().is_holiday(d("2026-10-11")), Ok(false));
        assert_eq!(cal().holiday_name(d("2026-10-11")), None);
        // 春节 2026: Saturday Feb 14 is a working day.
        assert_eq!(cal().is_working_day(d("2026-02-14")), Ok(true));
        assert_eq!(cal().is_working_day(d("2026-02-16")), Ok(false));
    }

    #[test]
    fn working_days_across_national_day() {
        assert_eq!(cal().add_working_days(d("2026-09-30"), 5), Ok(d("2026-10-13")));
        assert_eq!(cal().add_working_days(d("2026-02-12"), 5), Ok(d("2026-02-26")));
        assert_eq!(cal().working_days_between(d("2026-09-30"), d("2026-10-13")), Ok(5));
        assert_eq!(cal().add_working_days(d("2026-09-30"), 0), Ok(d("2026-09-30")));
        assert_eq!(cal().next_working_day(d("2026-09-30")), Ok(d("2026-10-08")));
    }

    #[test]
    fn working_days_across_the_new_year() {
        // 2025-12-30 Tue: Dec 31 (1), Jan 1–3 元旦, Sun Jan 4 adjusted working day (2),
        // Jan 5 (3), Jan 6 (4), Jan 7 (5).
        assert_eq!(cal().add_working_days(d("2025-12-30"), 5), Ok(d("2026-01-07")));
        assert_eq!(cal().working_days_between(d("2025-12-30"), d("2026-01-07")), Ok(5));
    }

    #[test]
    fn missing_year_is_never_guessed() {
        assert_eq!(cal().is_working_day(d("2027-01-04")), Err(MissingYear { year: 2027 }));
        assert_eq!(cal().is_holiday(d("2003-01-01")), Err(MissingYear { year: 2003 }));
        // 2026-12-24 Thu + 10 working days runs into 2027.
        assert_eq!(cal().add_working_days(d("2026-12-24"), 10), Err(MissingYear { year: 2027 }));
        let m = MissingYear { year: 2027 };
        assert!(m.zh().contains("[calendar.years.2027]"), "{}", m.zh());
        assert!(m.en().contains("[calendar.years.2027]"), "{}", m.en());
    }

    const SITE: &str = r#"title = "青石村"

[calendar]
local_holidays = [{ date = 2026-04-20, name = "三月三" }]

[calendar.years.2027]
holidays = [
  { date = 2027-01-01, name = "元旦" },
]
workdays = [2027-01-03]
"#;

    #[derive(Deserialize)]
    struct Site {
        #[allow(dead_code)]
        title: String,
        calendar: CalendarConfig,
    }

    #[test]
    fn site_override_adds_a_year_and_local_holidays() {
        let site: Site = toml::from_str(SITE).unwrap();
        let src = SourceText::toml_file("site.toml", SITE);
        let cal = WorkCalendar::from_config(&site.calendar, &src).unwrap();
        assert_eq!(cal.is_working_day(d("2027-01-01")), Ok(false));
        assert_eq!(cal.holiday_name(d("2027-01-01")), Some("元旦"));
        assert_eq!(cal.is_working_day(d("2027-01-03")), Ok(true)); // a Sunday made working
        assert_eq!(cal.is_working_day(d("2027-01-04")), Ok(true));
        assert_eq!(cal.add_working_days(d("2026-12-24"), 10), Ok(d("2027-01-07")));
        // Local holiday: a Monday off, and a public holiday for the extension rule.
        assert_eq!(cal.is_working_day(d("2026-04-20")), Ok(false));
        assert_eq!(cal.is_holiday(d("2026-04-20")), Ok(true));
        assert_eq!(cal.holiday_name(d("2026-04-20")), Some("三月三"));
        // The built-in calendar is untouched.
        assert_eq!(WorkCalendar::builtin().is_working_day(d("2026-04-20")), Ok(true));
    }

    #[test]
    fn site_year_replaces_builtin_year() {
        let text = "[years.2026]\nholidays = []\nworkdays = []\n";
        let cfg: CalendarConfig = toml::from_str(text).unwrap();
        let cal = WorkCalendar::with_config(&cfg);
        assert_eq!(cal.is_working_day(d("2026-10-01")), Ok(true));
        assert_eq!(cal.is_working_day(d("2026-10-10")), Ok(false));
    }

    #[test]
    fn holiday_listed_as_workday_is_an_error_at_its_position() {
        let text = "x = 1\n\n[calendar.years.2027]\nholidays = [{ date = 2027-01-01, name = \"元旦\" }]\nworkdays = [2027-01-03, 2027-01-01]\n";
        let site: Site = toml::from_str(&format!("title = \"t\"\n{text}")).unwrap_or_else(|e| {
            panic!("{e}");
        });
        let full = format!("title = \"t\"\n{text}");
        let src = SourceText::toml_file("site.toml", full.as_str());
        let diags = WorkCalendar::from_config(&site.calendar, &src).unwrap_err();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].message.code(), "calendar.holiday-is-workday");
        assert_eq!(diags[0].location(), "site.toml:6:25");
    }

    #[test]
    fn wrong_year_and_bad_key_are_errors() {
        let text = "[years.2027]\nholidays = [2026-12-31]\n[years.20x7]\n";
        let cfg: CalendarConfig = toml::from_str(text).unwrap();
        let src = SourceText::toml_file("site.toml", text);
        let diags = cfg.validate(&src);
        let mut got: Vec<(String, &str)> =
            diags.iter().map(|d| (d.location(), d.message.code())).collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("site.toml:2:13".to_string(), "calendar.wrong-year"),
                ("site.toml:3:8".to_string(), "calendar.bad-year"),
            ]
        );
    }

    #[test]
    fn local_holiday_on_adjusted_workday_warns() {
        let text = "local_holidays = [2026-10-10]\n";
        let cfg: CalendarConfig = toml::from_str(text).unwrap();
        let src = SourceText::toml_file("site.toml", text);
        let diags = cfg.validate(&src);
        assert_eq!(diags.len(), 1);
        assert!(!diags[0].is_error());
        assert_eq!(diags[0].location(), "site.toml:1:19");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<CalendarConfig>("year = {}").is_err());
        assert!(toml::from_str::<CalendarConfig>("[years.2027]\nholiday = []").is_err());
        assert!(
            toml::from_str::<CalendarConfig>(
                "local_holidays = [{ date = 2027-01-01, nme = \"x\" }]"
            )
            .is_err()
        );
    }

    #[test]
    fn builtin_data_is_consistent() {
        for (year, data) in &cal().years {
            for date in data.holidays.keys().chain(&data.workdays) {
                assert_eq!(date.year(), *year, "{date} listed under {year}");
            }
            for w in &data.workdays {
                assert!(!data.holidays.contains_key(w), "{w} is both holiday and workday");
                assert!(!weekday_is_workday(*w), "adjusted workday {w} is not a weekend day");
            }
            assert!(data.holidays.len() >= 11, "{year} has only {} holidays", data.holidays.len());
        }
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2004i16..=2026, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
    }

    proptest! {
        #[test]
        fn add_then_count_round_trips(start in any_date(), n in 0u32..60) {
            match cal().add_working_days(start, n) {
                Ok(end) => {
                    if n > 0 {
                        prop_assert_eq!(cal().is_working_day(end), Ok(true));
                    }
                    prop_assert_eq!(cal().working_days_between(start, end), Ok(n));
                }
                Err(missing) => prop_assert_eq!(missing.year, 2027),
            }
        }
    }
}
