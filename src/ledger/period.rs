//! The period a posting covers: `2026年第三季度`, `2026年7月`, `2026年上半年`, `2026年`, or
//! explicit from/to dates.

use std::ops::Range;

use jiff::civil::Date;

use super::error::LedgerError;
use super::{Loc, Origin, Period};
use crate::diagnostic::Diagnostic;

/// The `period` of a posting: its text (with span in the TOML fragment) and optional explicit
/// dates, which win over the text.
#[derive(Clone, Debug, Default)]
pub struct PeriodSpec {
    pub text: String,
    /// Span of the text in `src.toml()`, for messages.
    pub span: Option<Range<usize>>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl PeriodSpec {
    pub fn new(text: impl Into<String>) -> PeriodSpec {
        PeriodSpec { text: text.into(), ..PeriodSpec::default() }
    }

    pub(crate) fn resolve(&self, post: &Origin, diags: &mut Vec<Diagnostic>) -> Option<Period> {
        let loc = self.span.clone().map(Loc::Span).unwrap_or(Loc::File);
        let (from, to) = match (self.from, self.to) {
            (Some(f), Some(t)) => (f, t),
            _ => match parse_period(&self.text) {
                Some((f, t)) => (self.from.unwrap_or(f), self.to.unwrap_or(t)),
                None => {
                    diags.push(
                        post.warning(&loc, LedgerError::PeriodUnknown { text: self.text.clone() }),
                    );
                    return None;
                }
            },
        };
        if from > to {
            diags.push(post.error(&loc, LedgerError::PeriodReversed));
            return None;
        }
        let text = if self.text.trim().is_empty() {
            format!("{}至{}", crate::date::format_zh(from), crate::date::format_zh(to))
        } else {
            self.text.trim().to_string()
        };
        Some(Period { from, to, text })
    }
}

fn zh_number(s: &str) -> Option<i8> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i8>() {
        return Some(n);
    }
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c).map(|p| p as i8);
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        ['十'] => Some(10),
        [c] => digit(*c),
        ['十', c] => Some(10 + digit(*c)?),
        [c, '十'] => Some(digit(*c)? * 10),
        _ => None,
    }
}

fn month_end(y: i16, m: i8) -> Option<Date> {
    Some(Date::new(y, m, 1).ok()?.last_of_month())
}

/// Parses `2026年第三季度` / `2026年第3季度` / `2026年三季度`, `2026年7月`, `2026年7-9月`,
/// `2026年上半年` / `下半年`, `2026年` / `2026年度`, and `2026-Q3` into the first and last day.
pub fn parse_period(text: &str) -> Option<(Date, Date)> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '—' | '~' | '～' | '至' => '-',
            _ => c,
        })
        .collect();
    let lower = s.to_ascii_lowercase();
    if let Some((y, q)) = lower.split_once("-q") {
        let y: i16 = y.parse().ok()?;
        let q: i8 = q.parse().ok()?;
        return quarter(y, q);
    }
    let (y, rest) = s.split_once('年')?;
    let y: i16 = y.parse().ok()?;
    if !(1900..=2200).contains(&y) {
        return None;
    }
    let rest = rest.trim_end_matches("份");
    if rest.is_empty() || rest == "度" || rest == "全年" {
        return Some((Date::new(y, 1, 1).ok()?, Date::new(y, 12, 31).ok()?));
    }
    match rest {
        "上半年" => return Some((Date::new(y, 1, 1).ok()?, Date::new(y, 6, 30).ok()?)),
        "下半年" => return Some((Date::new(y, 7, 1).ok()?, Date::new(y, 12, 31).ok()?)),
        _ => {}
    }
    if let Some(q) = rest.strip_suffix("季度") {
        let q = q.trim_start_matches('第');
        return quarter(y, zh_number(q)?);
    }
    let m = rest.strip_suffix('月')?;
    if let Some((a, b)) = m.split_once('-') {
        let a = zh_number(a.trim_end_matches('月'))?;
        let b = zh_number(b)?;
        if a > b {
            return None;
        }
        return Some((Date::new(y, a, 1).ok()?, month_end(y, b)?));
    }
    let m = zh_number(m)?;
    Some((Date::new(y, m, 1).ok()?, month_end(y, m)?))
}

fn quarter(y: i16, q: i8) -> Option<(Date, Date)> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let m = (q - 1) * 3 + 1;
    Some((Date::new(y, m, 1).ok()?, month_end(y, m + 2)?))
}
