//! Processes 200 synthetic 12 MP phone photos (4000×3000 JPEG with EXIF) cold, then warm.
//!
//! cargo run --release --example image_bench [-- <count>]
//!
//! Generating the inputs is not timed. To keep generation affordable, 25 distinct pictures are
//! drawn and each is written 8 times with a different EXIF/comment segment: every file has
//! different bytes (its own cache key) and is fully decoded, resized and encoded.

use std::time::Instant;

use gongkai::images::fixtures::{
    comment_segment, exif_app1, jpeg_bytes, landscape, splice_after_soi,
};
use gongkai::images::{ImageCache, ImageSettings, Job, process_many};
use rayon::prelude::*;

fn main() {
    let count: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().expect("temp dir");
    let distinct = count.div_ceil(8).max(1);
    let t = Instant::now();
    let bases: Vec<Vec<u8>> = (0..distinct)
        .into_par_iter()
        .map(|i| jpeg_bytes(&landscape(4000, 3000, i % 2 == 0, i as u32), 88))
        .collect();
    let mut jobs = Vec::new();
    let mut total_bytes = 0u64;
    for i in 0..count {
        let base = &bases[i % distinct];
        let orientation = if i % 5 == 0 { 6 } else { 1 };
        let with_exif = splice_after_soi(
            base,
            &exif_app1(Some(orientation), Some((28.0, 112.0 + i as f64 / 1000.0))),
        );
        let bytes = splice_after_soi(&with_exif, &comment_segment(&format!("photo {i}")));
        total_bytes += bytes.len() as u64;
        let path = dir.path().join(format!("IMG_{i:04}.jpg"));
        std::fs::write(&path, bytes).expect("write input");
        jobs.push(Job { source: path, referenced_from: ("bench.md".into(), i + 1, 1) });
    }
    println!(
        "generated {count} inputs ({:.1} MB, {:.1} MB average) in {:.1} s (not timed)",
        total_bytes as f64 / 1e6,
        total_bytes as f64 / 1e6 / count as f64,
        t.elapsed().as_secs_f64()
    );

    let cache = ImageCache::new(dir.path().join("cache")).expect("cache");
    let settings = ImageSettings::default();
    println!("rayon threads: {}", rayon::current_num_threads());

    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let cold = process_many(jobs.clone(), &settings, &cache, None);
    let cold_s = t.elapsed().as_secs_f64();
    let cold_cpu = cpu_seconds().zip(cpu0).map(|(a, b)| a - b);
    let ok = cold.iter().filter(|r| r.is_ok()).count();
    println!(
        "cold: {cold_s:.2} s for {count} images ({ok} ok, {:.0} ms per image per thread)",
        cold_s * 1000.0 * rayon::current_num_threads() as f64 / count as f64
    );

    if let Some(cpu) = cold_cpu {
        println!(
            "cold CPU time: {cpu:.1} s ({:.0} ms per image); on an idle 2-core machine cold would take about {:.1} s",
            cpu * 1000.0 / count as f64,
            cpu / rayon::current_num_threads() as f64
        );
    }

    let t = Instant::now();
    let warm = process_many(jobs, &settings, &cache, None);
    let warm_s = t.elapsed().as_secs_f64();
    let cached = warm.iter().filter(|r| r.as_ref().is_ok_and(|p| p.from_cache)).count();
    println!("warm: {warm_s:.3} s ({cached} of {count} from cache)");
}

/// User + system CPU seconds of this process (Linux `/proc/self/stat`; 100 ticks per second).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
