//! Frequencies, the periods of a year they give, and deadline rules: N calendar or working days
//! after a period ends, a fixed day of the following month, N working days after an event.
//! Working days come from the official holiday calendar; a year without data is an error, never
//! a guess.

use jiff::civil::Date;

use crate::calendar::{MissingYear, WorkCalendar};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
    /// 随时: one posting per matter.
    Event,
}

impl Frequency {
    pub fn parse(s: &str) -> Option<Frequency> {
        Some(match s.trim() {
            "monthly" | "每月" => Frequency::Monthly,
            "quarterly" | "每季度" => Frequency::Quarterly,
            "half-yearly" | "每半年" => Frequency::HalfYearly,
            "yearly" | "每年" => Frequency::Yearly,
            "event" | "随时" => Frequency::Event,
            _ => return None,
        })
    }

    pub fn zh(self) -> &'static str {
        match self {
            Frequency::Monthly => "每月",
            Frequency::Quarterly => "每季度",
            Frequency::HalfYearly => "每半年",
            Frequency::Yearly => "每年",
            Frequency::Event => "随时",
        }
    }

    /// The unit named in messages (`按季度公开`).
    pub fn unit(self) -> &'static str {
        match self {
            Frequency::Monthly => "月",
            Frequency::Quarterly => "季度",
            Frequency::HalfYearly => "半年",
            Frequency::Yearly => "年",
            Frequency::Event => "事项",
        }
    }

    /// The periods of `year` (none for events).
    pub fn periods(self, year: i16) -> Vec<PeriodSlot> {
        let months = match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::HalfYearly => 6,
            Frequency::Yearly => 12,
            Frequency::Event => return Vec::new(),
        };
        (0..12 / months)
            .filter_map(|i| {
                let m0 = (i * months + 1) as i8;
                let from = Date::new(year, m0, 1).ok()?;
                let to =
                    from.checked_add(jiff::Span::new().months(months)).ok()?.yesterday().ok()?;
                let label = match self {
                    Frequency::Monthly => format!("{year}年{m0}月"),
                    Frequency::Quarterly => {
                        format!("{year}年第{}季度", ["一", "二", "三", "四"][i as usize])
                    }
                    Frequency::HalfYearly => {
                        format!("{year}年{}", if i == 0 { "上半年" } else { "下半年" })
                    }
                    _ => format!("{year}年度"),
                };
                let short = match self {
                    Frequency::Monthly => format!("{m0}月"),
                    Frequency::Quarterly => format!("{}季度", ["一", "二", "三", "四"][i as usize]),
                    Frequency::HalfYearly => (if i == 0 { "上半年" } else { "下半年" }).into(),
                    _ => "全年".into(),
                };
                Some(PeriodSlot { from, to, label, short })
            })
            .collect()
    }
}

/// One period an item is due for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodSlot {
    pub from: Date,
    pub to: Date,
    /// `2026年第三季度`
    pub label: String,
    /// `三季度`, for table headers.
    pub short: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    DaysAfterPeriod(u32),
    WorkingDaysAfterPeriod(u32),
    /// By this day of the month after the period ends (the month's last day if shorter).
    DayOfNextMonth(u8),
    WorkingDaysAfterEvent(u32),
}

impl Deadline {
    /// Reads `{ days_after_period = 10 }` and the other three forms.
    pub fn parse(v: &toml::Value) -> Result<Deadline, String> {
        let Some(t) = v.as_table() else {
            return Err("应为一个表，例如 { day_of_next_month = 20 }".into());
        };
        if t.len() != 1 {
            return Err(format!("只能写一种时限，这里写了 {} 种", t.len()));
        }
        let Some((k, val)) = t.iter().next() else { return Err("没有写时限".into()) };
        let n = val.as_integer().ok_or_else(|| format!("{k} 的值应为整数"))?;
        let days = |max: i64| -> Result<u32, String> {
            if (1..=max).contains(&n) {
                Ok(n as u32)
            } else {
                Err(format!("{k} 应在 1 到 {max} 之间，这里是 {n}"))
            }
        };
        Ok(match k.as_str() {
            "days_after_period" => Deadline::DaysAfterPeriod(days(366)?),
            "working_days_after_period" => Deadline::WorkingDaysAfterPeriod(days(250)?),
            "day_of_next_month" => Deadline::DayOfNextMonth(days(31)? as u8),
            "working_days_after_event" => Deadline::WorkingDaysAfterEvent(days(250)?),
            other => return Err(format!("不认识的时限 “{other}”")),
        })
    }

    /// A per-event rule needs an event item and a period rule a periodic one.
    pub fn fits(self, f: Frequency) -> Result<(), String> {
        match (self, f) {
            (Deadline::WorkingDaysAfterEvent(_), Frequency::Event) => Ok(()),
            (Deadline::WorkingDaysAfterEvent(_), _) => {
                Err("working_days_after_event 只用于 frequency = \"event\" 的事项".into())
            }
            (_, Frequency::Event) => {
                Err("随时公开（event）的事项应写 working_days_after_event".into())
            }
            _ => Ok(()),
        }
    }

    pub fn zh(self) -> String {
        match self {
            Deadline::DaysAfterPeriod(n) => format!("期间结束后{n}日内"),
            Deadline::WorkingDaysAfterPeriod(n) => format!("期间结束后{n}个工作日内"),
            Deadline::DayOfNextMonth(d) => format!("期间结束后次月{d}日前"),
            Deadline::WorkingDaysAfterEvent(n) => format!("信息形成或变更之日起{n}个工作日内"),
        }
    }

    /// The last day to publish for a period ending on `end` (or an event on `end`).
    pub fn due(self, end: Date, cal: &WorkCalendar) -> Result<Date, MissingYear> {
        match self {
            Deadline::DaysAfterPeriod(n) => {
                Ok(end.checked_add(jiff::Span::new().days(n as i64)).unwrap_or(end))
            }
            Deadline::WorkingDaysAfterPeriod(n) | Deadline::WorkingDaysAfterEvent(n) => {
                cal.add_working_days(end, n)
            }
            Deadline::DayOfNextMonth(d) => {
                let first =
                    end.first_of_month().checked_add(jiff::Span::new().months(1)).unwrap_or(end);
                let day = (d as i8).min(first.days_in_month());
                Ok(Date::new(first.year(), first.month(), day).unwrap_or(first))
            }
        }
    }
}
