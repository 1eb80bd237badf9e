//! A per-month (or per-科目) income/expense bar chart as inline SVG: deterministic, no
//! JavaScript, scales with its container (viewBox, width 100%), accessible (`role="img"`,
//! `<title>`, `<desc>`), Chinese labels. Every bar carries its value, and expense bars are
//! hatched, so the series differ by more than colour; text is 16 units in a 640-unit-wide
//! chart that the theme never draws narrower than 36rem, so it grows with the font setting.

use std::fmt::Write;

use super::{Bucket, Finance};
use crate::money::{Fen, format_money};

const W: f64 = 640.0;
const H: f64 = 320.0;
const LEFT: f64 = 76.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 36.0;
const INCOME: &str = "#2e7d32";
const EXPENSE: &str = "#c62828";

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    crate::escape::markup(s)
}

/// The smallest of 1, 2, 2.5, 5 × 10^k fen that is ≥ `max`.
fn nice_max(max: i64) -> i64 {
    let mut p: i64 = 100; // at least 1 元
    loop {
        for m in [10, 20, 25, 50] {
            let v = p / 10 * m;
            if v >= max {
                return v;
            }
        }
        p = p.saturating_mul(10);
        if p > i64::MAX / 100 {
            return max;
        }
    }
}

fn axis_label(v: i64, wan: bool) -> String {
    if wan {
        let s = crate::money::format_wan(Fen(v), 2);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        crate::money::format_yuan(Fen(v)).trim_end_matches(".00").to_string()
    }
}

/// The chart of a ledger: by month when it covers two months or more, else by 科目.
pub fn chart_svg(f: &Finance) -> String {
    let (buckets, by): (&[Bucket], &str) =
        if f.by_month.len() >= 2 { (&f.by_month, "月份") } else { (&f.by_category, "科目") };
    let title = match &f.period {
        Some(p) => format!("{} 收支情况（按{by}）", p.text),
        None => format!("收支情况（按{by}）"),
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="ledger-chart-title ledger-chart-desc" font-family="sans-serif" font-size="16">"#
    );
    let _ = write!(s, r#"<title id="ledger-chart-title">{}</title>"#, esc(&title));
    let desc: Vec<String> = buckets
        .iter()
        .map(|b| {
            format!("{}：收入{}，支出{}", b.label, format_money(b.income), format_money(b.expense))
        })
        .collect();
    let desc = if desc.is_empty() { "无收支数据".to_string() } else { desc.join("；") };
    let _ = write!(s, r#"<desc id="ledger-chart-desc">{}</desc>"#, esc(&desc));
    // Expense bars are hatched: the two series differ by more than red and green.
    let _ = write!(
        s,
        r##"<defs><pattern id="ledger-chart-hatch" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="7" height="7" fill="{EXPENSE}"/><line x1="0" y1="0" x2="0" y2="7" stroke="#fff" stroke-width="3"/></pattern></defs>"##
    );
    // Legend
    let _ = write!(
        s,
        r#"<rect x="{LEFT}" y="10" width="16" height="16" fill="{INCOME}"/><text x="{}" y="24">收入</text><rect x="{}" y="10" width="16" height="16" fill="url(#ledger-chart-hatch)" stroke="{EXPENSE}"/><text x="{}" y="24">支出</text>"#,
        LEFT + 20.0,
        LEFT + 72.0,
        LEFT + 92.0
    );
    let max = buckets.iter().map(|b| b.income.0.max(b.expense.0)).max().unwrap_or(0).max(0);
    let top = nice_max(max.max(1));
    let wan = top >= 10_000_000; // ≥ 10 万元: axis in 万元
    let unit = if wan { "万元" } else { "元" };
    let _ = write!(s, r#"<text x="{}" y="24" text-anchor="end">单位：{unit}</text>"#, W - RIGHT);
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    let y_of = |v: i64| TOP + plot_h - (v as f64 / top as f64) * plot_h;
    for i in 0..=4 {
        let v = top / 4 * i;
        let y = y_of(v);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#ccc" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            axis_label(v, wan)
        );
    }
    if buckets.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">无收支数据</text>"#,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0
        );
    }
    let n = buckets.len().max(1) as f64;
    let group = plot_w / n;
    let bar = (group * 0.36).min(48.0);
    for (i, b) in buckets.iter().enumerate() {
        let cx = LEFT + group * (i as f64 + 0.5);
        for (k, (v, color, what)) in
            [(b.income, INCOME, "收入"), (b.expense, "url(#ledger-chart-hatch)", "支出")]
                .into_iter()
                .enumerate()
        {
            let x = if k == 0 { cx - bar - 1.0 } else { cx + 1.0 };
            let y = y_of(v.0.max(0));
            let h = TOP + plot_h - y;
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="{color}"><title>{} {what} {}</title></rect>"#,
                esc(&b.label),
                format_money(v)
            );
            if v.0 > 0 {
                // The value over its bar, in the axis unit; small so neighbours do not touch.
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="13">{}</text>"#,
                    x + bar / 2.0,
                    y - 4.0,
                    axis_label(v.0, wan)
                );
            }
        }
        let _ = write!(
            s,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            H - BOTTOM + 18.0,
            esc(&b.label)
        );
    }
    s.push_str("</svg>");
    s
}
