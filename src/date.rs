//! Calendar dates as clerks write them, and "today" as the board sees it.
//!
//! Front matter may say `date = 2026-09-30` (a TOML date), `date = "2026-09-30"` or a full
//! datetime; only the calendar day matters for a posting. Dates are `jiff::civil::Date`.

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, de};

/// A date read from TOML, accepting a TOML date, a datetime (its day) or a `YYYY-MM-DD` string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateValue(pub Date);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = DateValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date such as 2026-09-30")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateValue, E> {
                parse_date(v).map(DateValue).ok_or_else(|| E::custom(BAD_DATE))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<DateValue, A::Error> {
                // toml hands its native dates to serde as a one-entry map.
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let date = dt.date.ok_or_else(|| de::Error::custom(BAD_DATE))?;
                Date::new(date.year as i16, date.month as i8, date.day as i8)
                    .map(DateValue)
                    .map_err(|_| de::Error::custom(BAD_DATE))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The serde message for a malformed date; front matter code turns it into a friendly diagnostic.
pub const BAD_DATE: &str = "invalid date, expected YYYY-MM-DD";

/// Parses `2026-09-30`, `2026-9-30`, `2026/09/30` or `2026-09-30T10:00:00` (the day part).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let day_part = s.split(['T', ' ']).next()?;
    let mut it = day_part.split(['-', '/']);
    let y: i16 = it.next()?.parse().ok()?;
    let m: i8 = it.next()?.parse().ok()?;
    let d: i8 = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Date::new(y, m, d).ok()
}

/// Today in China Standard Time (UTC+8, no daylight saving since 1991), whatever the machine's
/// own time zone is: a board in 青石村 turns over at Beijing midnight.
pub fn today_in_china() -> Date {
    let offset = jiff::tz::Offset::constant(8);
    offset.to_datetime(jiff::Timestamp::now()).date()
}

/// `2026年10月13日`
pub fn format_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `10月13日`
pub fn format_zh_short(d: Date) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// `2026-10-13`
pub fn format_iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        a: DateValue,
        b: DateValue,
        c: DateValue,
    }

    #[test]
    fn reads_toml_dates_strings_and_datetimes() {
        let t: T =
            toml::from_str("a = 2026-09-30\nb = \"2026-9-1\"\nc = 2026-01-02T08:00:00+08:00")
                .unwrap();
        assert_eq!(format_iso(t.a.0), "2026-09-30");
        assert_eq!(format_iso(t.b.0), "2026-09-01");
        assert_eq!(format_iso(t.c.0), "2026-01-02");
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(parse_date("2026-02-30").is_none());
        assert!(toml::from_str::<T>("a = \"2026-13-01\"\nb=2026-01-01\nc=2026-01-01").is_err());
    }

    #[test]
    fn formats_chinese() {
        let d = parse_date("2026-10-13").unwrap();
        assert_eq!(format_zh(d), "2026年10月13日");
        assert_eq!(format_zh_short(d), "10月13日");
    }
}
