//! Deadline rules at period ends, holidays and year boundaries; bad catalogue rules located.

use jiff::civil::date;

use super::*;
use crate::calendar::WorkCalendar;
use crate::diagnostic::Lang;

fn due(rule: &str, end: jiff::civil::Date) -> String {
    let v: toml::Value =
        toml::from_str::<toml::Table>(&format!("d = {rule}")).unwrap()["d"].clone();
    let d = Deadline::parse(&v).unwrap();
    match d.due(end, WorkCalendar::builtin()) {
        Ok(x) => crate::date::format_iso(x),
        Err(e) => format!("missing {}", e.year),
    }
}

#[test]
fn deadlines_at_period_ends_holidays_and_year_boundaries() {
    // 10 calendar days after Q3 ends.
    assert_eq!(due("{ days_after_period = 10 }", date(2026, 9, 30)), "2026-10-10");
    // Across the year boundary.
    assert_eq!(due("{ days_after_period = 10 }", date(2026, 12, 31)), "2027-01-10");
    // 每季度首月20日前: Q4 of 2025 is due 2026-01-20; February is short.
    assert_eq!(due("{ day_of_next_month = 20 }", date(2025, 12, 31)), "2026-01-20");
    assert_eq!(due("{ day_of_next_month = 31 }", date(2026, 1, 31)), "2026-02-28");
    // 5 working days after 2026-09-30: National Day week (10-01..10-07 holiday, 09-27 and 10-10
    // working Saturdays/Sundays per the official 2026 schedule) pushes the date into October.
    let cal = WorkCalendar::builtin();
    let mut d = date(2026, 9, 30);
    let mut n = 0;
    while n < 5 {
        d = d.tomorrow().unwrap();
        if cal.is_working_day(d).unwrap() {
            n += 1;
        }
    }
    assert_eq!(
        due("{ working_days_after_period = 5 }", date(2026, 9, 30)),
        crate::date::format_iso(d)
    );
    assert!(d > date(2026, 10, 7), "{d}");
    // 20 working days from an event on 2026-12-20 run into 2027, which the calendar lacks.
    assert_eq!(due("{ working_days_after_event = 20 }", date(2026, 12, 20)), "missing 2027");
}

#[test]
fn periods_of_each_frequency() {
    let q = Frequency::Quarterly.periods(2026);
    assert_eq!(q.len(), 4);
    assert_eq!((q[2].from, q[2].to), (date(2026, 7, 1), date(2026, 9, 30)));
    assert_eq!(q[2].label, "2026年第三季度");
    assert_eq!(Frequency::Monthly.periods(2026)[1].to, date(2026, 2, 28));
    assert_eq!(Frequency::HalfYearly.periods(2026)[1].label, "2026年下半年");
    assert_eq!(Frequency::Yearly.periods(2026)[0].to, date(2026, 12, 31));
    assert!(Frequency::Event.periods(2026).is_empty());
    // Every label reads back as its own range.
    for f in [Frequency::Monthly, Frequency::Quarterly, Frequency::HalfYearly, Frequency::Yearly] {
        for s in f.periods(2026) {
            assert_eq!(crate::ledger::parse_period(&s.label), Some((s.from, s.to)), "{}", s.label);
        }
    }
}

#[test]
fn the_builtin_catalogue_parses() {
    let c = builtin();
    assert!(c.items.len() >= 5);
    let f = c.items.iter().find(|i| i.id == "finance.income-expense").unwrap();
    assert_eq!(f.frequency, Frequency::Quarterly);
    assert_eq!(f.deadline, Deadline::DayOfNextMonth(20));
    assert!(f.basis.contains("村民委员会组织法"));
}

#[test]
fn bad_rules_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[item]]\nid = \"a\"\nname = \"甲\"\nfrequency = \"weekly\"\ndeadline = { day_of_next_month = 20 }\n\n\
[[item]]\nid = \"b\"\nname = \"乙\"\nfrequency = \"quarterly\"\ndeadline = { day_of_next_month = 40 }\n\n\
[[item]]\nid = \"c\"\nfrequency = \"event\"\ndeadline = { days_after_period = 3, day_of_next_month = 2 }\n\n\
[[item]]\nid = \"a\"\nname = \"重复\"\nfrequency = \"quarterly\"\ndeadline = { working_days_after_event = 5 }\n";
    std::fs::write(dir.path().join(FILE), text).unwrap();
    let mut diags = Vec::new();
    let (cat, _) = load(dir.path(), &mut diags);
    let got: Vec<String> =
        diags.iter().map(|d| format!("{}: {}", d.location(), d.message.text(Lang::Zh))).collect();
    assert_eq!(
        got,
        vec![
            "catalogue.toml:4:13: 公开频次 “weekly” 无法识别：应为 monthly（每月）、quarterly（每季度）、half-yearly（每半年）、yearly（每年）或 event（随时）".to_string(),
            "catalogue.toml:11:12: 公开时限写得不对（day_of_next_month 应在 1 到 31 之间，这里是 40）：应写作 { days_after_period = 10 }、{ working_days_after_period = 20 }、{ day_of_next_month = 20 } 或 { working_days_after_event = 20 }".to_string(),
            "catalogue.toml:13:1: 公开目录的这一项缺少 name：每项都要有 id、name、frequency 和 deadline".to_string(),
            "catalogue.toml:16:12: 公开时限写得不对（只能写一种时限，这里写了 2 种）：应写作 { days_after_period = 10 }、{ working_days_after_period = 20 }、{ day_of_next_month = 20 } 或 { working_days_after_event = 20 }".to_string(),
            "catalogue.toml:22:12: 公开时限写得不对（working_days_after_event 只用于 frequency = \"event\" 的事项）：应写作 { days_after_period = 10 }、{ working_days_after_period = 20 }、{ day_of_next_month = 20 } 或 { working_days_after_event = 20 }".to_string(),
            "catalogue.toml:19:6: 公开目录中 id “a” 出现了两次：每项的 id 要各不相同".to_string(),
        ]
    );
    // Bad items are left out; the built-in ones stay.
    assert!(cat.items.iter().all(|i| !["a", "b", "c"].contains(&i.id.as_str())));
    assert!(cat.items.iter().any(|i| i.id == "finance.income-expense"));
    // A syntax error is located too.
    std::fs::write(dir.path().join(FILE), "[[item]\nid = 1\n").unwrap();
    let mut diags = Vec::new();
    load(dir.path(), &mut diags);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].location().starts_with("catalogue.toml:1:"), "{}", diags[0].location());
}

#[test]
fn unknown_keys_are_located_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let text = "soon_day = 3\n\n[[item]]\nid = \"a\"\nnmae = \"甲\"\nfrequency = \"monthly\"\ndeadline = { day_of_next_month = 20 }\n";
    std::fs::write(dir.path().join(FILE), text).unwrap();
    let mut diags = Vec::new();
    let (cat, soon) = load(dir.path(), &mut diags);
    let got: Vec<String> =
        diags.iter().map(|d| format!("{}: {}", d.location(), d.message.text(Lang::Zh))).collect();
    assert_eq!(
        got,
        [
            "catalogue.toml:1:1: catalogue.toml 中没有 `soon_day` 这个设置项，你是不是想写 `soon_days`？",
            "catalogue.toml:5:1: [item] 中没有 `nmae` 这个设置项，你是不是想写 `name`？",
        ]
    );
    assert_eq!(diags[1].message.en(), "unknown key `nmae` in [item]; did you mean `name`?");
    // The file is not used, as when serde refused it.
    assert_eq!((cat, soon), (builtin(), SOON_DAYS));
}

#[test]
fn replace_drops_the_builtin_items_and_extension_overrides_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let item = "[[item]]\nid = \"party.dues\"\nname = \"党费\"\nkinds = [\"党费收缴\"]\nfrequency = \"quarterly\"\ndeadline = { day_of_next_month = 20 }\n";
    std::fs::write(dir.path().join(FILE), item).unwrap();
    let mut diags = Vec::new();
    let (cat, soon) = load(dir.path(), &mut diags);
    assert!(diags.is_empty());
    assert_eq!(soon, SOON_DAYS);
    assert_eq!(cat.items.len(), builtin().items.len());
    let dues = cat.items.iter().find(|i| i.id == "party.dues").unwrap();
    assert_eq!(dues.frequency, Frequency::Quarterly);
    std::fs::write(dir.path().join(FILE), format!("replace = true\nsoon_days = 3\n{item}"))
        .unwrap();
    let (cat, soon) = load(dir.path(), &mut diags);
    assert!(diags.is_empty());
    assert_eq!((cat.items.len(), soon), (1, 3));
}
