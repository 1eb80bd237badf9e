//! What comrak itself costs on a corpus, option by option (one thread, parse and HTML):
//! the floor under the build's markdown stage, and the price of each extension we turn on. The
//! last line is that floor as the build meets it: our options on every core.
//!
//!     cargo run --release --example comrak_cost -- /dev/shm/b10k/content [postings]
//!
//! (`GONGKAI_BENCH_DIR=/dev/shm/b10k cargo bench --bench build` leaves the bench site there.)
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: comrak_cost <content folder> [postings]")?;
    let limit: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(2000);
    let mut files = Vec::new();
    walk(Path::new(&dir), &mut files)?;
    files.truncate(limit);
    let mut bodies = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f)?;
        bodies.push(text.splitn(3, "+++").nth(2).unwrap_or("").to_string());
    }
    let bytes: usize = bodies.iter().map(String::len).sum();
    println!("{} bodies, {:.1} MB", bodies.len(), bytes as f64 / 1e6);

    let ours = || gongkai::markdown::options(false);
    let with = |f: fn(&mut comrak::Options<'static>)| {
        let mut o = ours();
        f(&mut o);
        o
    };
    let variants: Vec<(&str, comrak::Options)> = vec![
        ("CommonMark", comrak::Options::default()),
        ("CommonMark + tables", {
            let mut o = comrak::Options::default();
            o.extension.table = true;
            o
        }),
        ("gongkai", ours()),
        ("gongkai - tables", with(|o| o.extension.table = false)),
        ("gongkai - footnotes", with(|o| o.extension.footnotes = false)),
        ("gongkai - autolink", with(|o| o.extension.autolink = false)),
        ("gongkai - cjk emphasis", with(|o| o.extension.cjk_friendly_emphasis = false)),
        ("gongkai + sourcepos_chars", with(|o| o.parse.sourcepos_chars = true)),
    ];
    for (name, o) in &variants {
        let start = Instant::now();
        for b in &bodies {
            let arena = comrak::Arena::new();
            let _ = comrak::parse_document(&arena, b, o);
        }
        let parse = start.elapsed();
        let start = Instant::now();
        for b in &bodies {
            let arena = comrak::Arena::new();
            let root = comrak::parse_document(&arena, b, o);
            let mut html = String::with_capacity(b.len() * 2);
            comrak::format_html(root, o, &mut html)?;
        }
        let both = start.elapsed();
        println!(
            "{name:28} parse {:7.1} ms   parse + html {:7.1} ms",
            parse.as_secs_f64() * 1e3,
            both.as_secs_f64() * 1e3
        );
    }
    let o = ours();
    let start = Instant::now();
    bodies.par_iter().try_for_each(|b| {
        let arena = comrak::Arena::new();
        let root = comrak::parse_document(&arena, b, &o);
        let mut html = String::with_capacity(b.len() * 2);
        comrak::format_html(root, &o, &mut html)
    })?;
    println!(
        "{:28} parse + html {:7.1} ms on {} threads",
        "gongkai, all cores",
        start.elapsed().as_secs_f64() * 1e3,
        rayon::current_num_threads()
    );
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    Ok(())
}
