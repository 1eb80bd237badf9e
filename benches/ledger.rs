//! A 100,000-row cash journal: generate the CSV, then read, check, and render every row to
//! HTML-ish text. Run with `cargo bench --bench ledger`; prints the time of each stage.

use std::fmt::Write as _;
use std::time::Instant;

use gongkai::diagnostic::SourceText;
use gongkai::ledger::{FinanceInput, LedgerConfig, PeriodSpec, chart_svg, load, to_csv};
use gongkai::money::{Fen, format_plain, format_yuan};

fn main() {
    const N: usize = 100_000;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content/finance/big");
    std::fs::create_dir_all(&dir).unwrap();

    let t0 = Instant::now();
    let mut csv = String::from("日期,凭证号,摘要,科目,收入,支出,经办人,备注\n");
    let (mut income, mut expense) = (Fen::ZERO, Fen::ZERO);
    let mut x: u64 = 42;
    for i in 0..N {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let day = 1 + (i * 365 / N) as i64;
        let d = jiff::civil::date(2026, 1, 1).checked_add(jiff::Span::new().days(day - 1)).unwrap();
        let amount = Fen(((x >> 33) % 5_000_000) as i64 + 1);
        let (inc, exp) = if (x >> 20) % 3 == 0 {
            income += amount;
            (format_yuan(amount), String::new())
        } else {
            expense += amount;
            (String::new(), format_plain(amount))
        };
        let _ = writeln!(
            csv,
            "{},记-{:06},摘要第{i}笔,科目{},\"{inc}\",{exp},出纳,",
            gongkai::date::format_iso(d),
            i + 1,
            i % 12
        );
    }
    std::fs::write(dir.join("ledger.csv"), &csv).unwrap();
    let gen_time = t0.elapsed();

    let fm = format!(
        "period = \"2026年度\"\nledger = \"ledger.csv\"\nopening_balance = \"1,000,000.00\"\nincome_total = \"{}\"\nexpense_total = \"{}\"\n",
        format_yuan(income),
        format_yuan(expense)
    );
    let text = format!("+++\n{fm}+++\n");
    let src = SourceText::new("content/finance/big/index.md", text, 4, 4 + fm.len());
    #[derive(serde::Deserialize)]
    struct Fm {
        ledger: Option<toml::Spanned<toml::Value>>,
        opening_balance: Option<toml::Spanned<toml::Value>>,
        income_total: Option<toml::Spanned<toml::Value>>,
        expense_total: Option<toml::Spanned<toml::Value>>,
    }
    let parsed: Fm = toml::from_str(src.toml()).unwrap();
    let input = FinanceInput {
        ledger: parsed.ledger,
        opening_balance: parsed.opening_balance,
        income_total: parsed.income_total,
        expense_total: parsed.expense_total,
        period: Some(PeriodSpec::new("2026年度")),
        ..FinanceInput::default()
    };

    let t1 = Instant::now();
    let (finance, diags) = load(&input, &dir, tmp.path(), &src, &LedgerConfig::default());
    let load_time = t1.elapsed();
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| d.location()).take(3).collect::<Vec<_>>()
    );
    let f = finance.unwrap();
    assert_eq!(f.rows.len(), N);

    let t2 = Instant::now();
    let mut html = String::with_capacity(N * 160);
    html.push_str("<table><thead><tr><th>日期</th><th>凭证号</th><th>摘要</th><th>收入</th><th>支出</th><th>余额</th></tr></thead><tbody>\n");
    for r in &f.rows {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            gongkai::date::format_iso(r.date),
            r.voucher,
            r.summary,
            r.income.map(format_yuan).unwrap_or_default(),
            r.expense.map(format_yuan).unwrap_or_default(),
            format_yuan(r.balance)
        );
    }
    html.push_str("</tbody></table>");
    let svg = chart_svg(&f);
    let render_time = t2.elapsed();
    let t3 = Instant::now();
    let open = to_csv(&f);
    let csv_time = t3.elapsed();

    println!(
        "100,000 rows: generate {:.0} ms; read+check {:.0} ms; render HTML {:.0} ms ({} KB) + chart ({} bytes); to_csv {:.0} ms ({} KB); read+check+render {:.0} ms",
        gen_time.as_secs_f64() * 1e3,
        load_time.as_secs_f64() * 1e3,
        render_time.as_secs_f64() * 1e3,
        html.len() / 1024,
        svg.len(),
        csv_time.as_secs_f64() * 1e3,
        open.len() / 1024,
        (load_time + render_time).as_secs_f64() * 1e3,
    );
}
