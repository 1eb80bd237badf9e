//! A township portal: one folder with `portal.toml` listing village and community sites, each
//! built by the ordinary pipeline into its own sub-folder of the portal's output, plus the
//! township's pages over all of them (front page, compliance table, combined feed).
//!
//! Each village is built on its own (in parallel) with the ordinary atomic writer, so a village
//! whose sources have errors keeps its last good output and never stops the others. A village
//! whose sources, the build date and the gongkai version are all unchanged is not rebuilt: its
//! fingerprint and what the portal shows of it ([`crate::overview::Overview`]) are kept in the
//! portal's cache folder.

pub mod config;
pub mod pages;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::overview::Overview;
use crate::pipeline::{self, BuildOptions};
use config::{PortalConfig, Village};
use jiff::civil::Date;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use config::{PORTAL_FILE, is_portal};

/// What to build.
#[derive(Debug, Clone)]
pub struct PortalOptions {
    pub root: PathBuf,
    /// The portal's output (default `public/` beside portal.toml).
    pub out: PathBuf,
    pub today: Date,
    /// Fingerprints and overviews of the villages, and their photo caches.
    pub cache_dir: PathBuf,
    /// Build every village even when its fingerprint is unchanged.
    pub rebuild: bool,
    /// Replace files in the portal's root that gongkai did not write (`--force`).
    pub force: bool,
}

impl PortalOptions {
    pub fn new(root: impl Into<PathBuf>, today: Date) -> Self {
        let root = root.into();
        PortalOptions {
            out: root.join("public"),
            cache_dir: root.join(".gongkai-cache").join("portal"),
            root,
            today,
            rebuild: false,
            force: false,
        }
    }
}

/// How one village fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Built now.
    Built,
    /// Sources unchanged: its output is the last build's.
    Unchanged,
    /// Its build failed with this many errors; its last good output (if any) is kept.
    Failed { errors: usize },
}

impl State {
    pub fn zh(&self) -> &'static str {
        match self {
            State::Built => "已更新",
            State::Unchanged => "未变",
            State::Failed { .. } => "未能更新",
        }
    }
    pub fn key(&self) -> &'static str {
        match self {
            State::Built => "built",
            State::Unchanged => "unchanged",
            State::Failed { .. } => "failed",
        }
    }
}

/// One village's result.
#[derive(Debug)]
pub struct VillageResult {
    pub village: Village,
    pub state: State,
    /// Of this build, or of the last good one (unchanged, failed); `None` when never built.
    pub overview: Option<Overview>,
    /// Its errors (failed) or warnings (built).
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
}

/// The result of a portal build (its pages are written even when villages failed).
#[derive(Debug)]
pub struct PortalReport {
    pub config: PortalConfig,
    pub villages: Vec<VillageResult>,
    /// Warnings about the township's own pages (a village left out of the combined search).
    pub warnings: Diagnostics,
    pub elapsed: Duration,
}

impl PortalReport {
    pub fn failed(&self) -> impl Iterator<Item = &VillageResult> {
        self.villages.iter().filter(|v| matches!(v.state, State::Failed { .. }))
    }

    /// What the build did, in one line.
    pub fn line(&self) -> PortalSummary {
        let unchanged = self.villages.iter().filter(|v| v.state == State::Unchanged);
        PortalSummary {
            built: self.villages.iter().filter(|v| v.state == State::Built).count(),
            unchanged: unchanged.map(display_name).collect(),
            failed: self
                .villages
                .iter()
                .filter_map(|v| match v.state {
                    State::Failed { errors } => Some((display_name(v), errors)),
                    _ => None,
                })
                .collect(),
        }
    }
}

crate::messages! {
    /// What a portal build did: the villages built, those unchanged (skipped) by name, and
    /// those that failed with their error counts.
    pub struct PortalSummary {
        pub built: usize,
        pub unchanged: Vec<String>,
        pub failed: Vec<(String, usize)>,
    } = "portal.summary",
        zh: {
            let mut parts = vec![format!("{built} 个村已更新")];
            if !unchanged.is_empty() {
                // A county's hundreds of names would drown the line: the first few.
                let mut shown = unchanged.iter().take(5).cloned().collect::<Vec<_>>().join("、");
                if unchanged.len() > 5 {
                    shown.push_str(" 等");
                }
                parts.push(format!("{} 个未变，跳过（{shown}）", unchanged.len()));
            }
            if !failed.is_empty() {
                let names: Vec<String> =
                    failed.iter().map(|(v, errors)| format!("{v}（{errors} 个错误）")).collect();
                parts.push(format!("{} 个未能更新：{}", failed.len(), names.join("、")));
            }
            parts.join("，")
        },
        en: {
            let mut s = format!("{built} sites built, {} unchanged (skipped)", unchanged.len());
            if !failed.is_empty() {
                let names: Vec<String> =
                    failed.iter().map(|(v, errors)| format!("{v} ({errors} errors)")).collect();
                s.push_str(&format!(", {} failed: {}", failed.len(), names.join(", ")));
            }
            s
        };
}

/// The village's site title, or its folder name when it was never built.
pub fn display_name(v: &VillageResult) -> String {
    v.overview.as_ref().map(|o| short_title(&o.title)).unwrap_or_else(|| v.village.name.clone())
}

/// `下湾村三务公开栏` → `下湾村`: the board's own title without the board.
pub fn short_title(title: &str) -> String {
    for suffix in ["三务公开栏", "村务公开栏", "居务公开栏", "公开栏", "三务公开"]
    {
        if let Some(s) = title.strip_suffix(suffix)
            && !s.is_empty()
        {
            return s.to_string();
        }
    }
    title.to_string()
}

/// What the cache keeps per village.
#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    fingerprint: String,
    overview: Overview,
}

/// Builds every village and then the township's pages. `Err` only for a bad portal.toml or
/// when the township's pages cannot be written; village failures are in the report.
pub fn build(opts: &PortalOptions) -> Result<PortalReport, Diagnostics> {
    let started = Instant::now();
    let config = config::load(&opts.root).map_err(|ds| {
        let mut d = Diagnostics::new();
        d.extend(ds);
        d
    })?;
    let villages: Vec<VillageResult> =
        config.sites.par_iter().map(|v| build_village(opts, &config, v)).collect();
    let mut report =
        PortalReport { config, villages, warnings: Diagnostics::new(), elapsed: Duration::ZERO };
    // A portal built before its pages had a manifest: its pages are gongkai's (portal.css is
    // written by nothing else), so they are replaced rather than refused as foreign.
    let legacy = !opts.out.join(crate::manifest::MANIFEST_PATH).exists()
        && opts.out.join("portal.css").is_file();
    let (mut files, mut left_out) = pages::files(&report, &opts.out);
    // An unchanged village whose own search index cannot be read (damaged or deleted by hand) is
    // built again once, so the combined search mends itself instead of leaving it out.
    let stale: Vec<usize> = left_out
        .iter()
        .map(|l| l.village)
        .filter(|&i| report.villages[i].state == State::Unchanged)
        .collect();
    if !stale.is_empty() {
        let again = PortalOptions { rebuild: true, ..opts.clone() };
        for i in stale {
            let village = report.villages[i].village.clone();
            report.villages[i] = build_village(&again, &report.config, &village);
        }
        (files, left_out) = pages::files(&report, &opts.out);
    }
    for l in left_out {
        let v = &report.villages[l.village];
        let place = opts.out.join(&v.village.name).join("search").join("meta.js");
        let msg = SearchLeftOut { village: display_name(v), why: l.why };
        report.warnings.push(Diagnostic::warning(place.display().to_string(), msg));
    }
    crate::output::replace_files(&opts.out, &files, opts.force || legacy).map_err(|e| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(opts.out.display().to_string(), e));
        d
    })?;
    report.elapsed = started.elapsed();
    Ok(report)
}

fn cache_file(opts: &PortalOptions, v: &Village) -> PathBuf {
    opts.cache_dir.join(format!("{}.json", v.name))
}

fn read_cached(path: &Path) -> Option<Cached> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn build_village(opts: &PortalOptions, config: &PortalConfig, v: &Village) -> VillageResult {
    let started = Instant::now();
    let base_url = v.base_url(config);
    let out = opts.out.join(&v.name);
    let cache_path = cache_file(opts, v);
    let cached = read_cached(&cache_path);
    let fingerprint = fingerprint(&v.dir, opts.today, &base_url);
    let done = |state, overview, diagnostics| VillageResult {
        village: v.clone(),
        state,
        overview,
        diagnostics,
        elapsed: started.elapsed(),
    };
    if let Some(c) = &cached
        && !opts.rebuild
        && c.fingerprint == fingerprint
        && out.join(crate::manifest::MANIFEST_PATH).is_file()
    {
        return done(State::Unchanged, Some(c.overview.clone()), Diagnostics::new());
    }
    let mut bo = BuildOptions::new(&v.dir, opts.today);
    bo.out = out;
    bo.cache_dir = opts.cache_dir.join("sites").join(&v.name);
    bo.base_url = Some(base_url);
    bo.enforce_change_notes = !crate::record::published::has_targets(&v.dir);
    if let Err(e) = crate::output::recover(&bo.out) {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(bo.out.display().to_string(), e));
        return done(State::Failed { errors: 1 }, cached.map(|c| c.overview), d);
    }
    match pipeline::build(&bo) {
        Ok(r) => {
            let overview = r.overview.map(|o| Overview::clone(&o)).unwrap_or_default();
            let entry = Cached { fingerprint, overview: overview.clone() };
            // A cache that cannot be written only means the next build is not skipped.
            if std::fs::create_dir_all(&opts.cache_dir).is_ok()
                && let Ok(json) = serde_json::to_vec_pretty(&entry)
            {
                let tmp = cache_path.with_extension("json.tmp");
                if std::fs::write(&tmp, json).is_ok() {
                    let _ = std::fs::rename(&tmp, &cache_path);
                }
            }
            done(State::Built, Some(overview), r.warnings)
        }
        Err(d) => done(State::Failed { errors: d.error_count() }, cached.map(|c| c.overview), d),
    }
}

crate::messages! {
    /// A village whose own search index could not be read: the combined search goes on without it.
    pub struct SearchLeftOut { pub village: String, pub why: String } = "portal.search-left-out",
        zh: "{village}的搜索索引读不出来（文件损坏或被删改），乡镇门户的联合搜索里暂时搜不到这个村（社区）的内容，其余各村照常可搜。请按上面的提示把这个村改好，再运行一次 gongkai build",
        en: "the search index of {village} cannot be read ({why}); the portal's combined search \
            leaves that village out until it is built again";
}

/// The parts of a site folder its output is made from.
const SOURCE_PARTS: &[&str] =
    &["site.toml", "catalogue.toml", "content", "static", "templates", "themes", "data"];

/// A 128-bit hash (hex) over every source file's path, size and contents, the build date (公示
/// and 公开目录 states change with it), the base URL and the gongkai version.
pub fn fingerprint(dir: &Path, today: Date, base_url: &str) -> String {
    use xxhash_rust::xxh3::Xxh3;
    let mut h = Xxh3::new();
    let mut part = |b: &[u8]| {
        h.update(&(b.len() as u64).to_le_bytes());
        h.update(b);
    };
    part(b"gongkai-portal-v1");
    part(env!("CARGO_PKG_VERSION").as_bytes());
    part(crate::date::format_iso(today).as_bytes());
    part(base_url.as_bytes());
    for name in SOURCE_PARTS {
        let p = dir.join(name);
        for e in walkdir::WalkDir::new(&p).sort_by_file_name().into_iter().flatten() {
            if !e.file_type().is_file() && !e.path_is_symlink() {
                continue;
            }
            let rel = crate::diagnostic::display_path(dir, e.path());
            part(rel.as_bytes());
            match std::fs::read(e.path()) {
                Ok(bytes) => part(&bytes),
                // An unreadable file changes the key (the build will report it).
                Err(err) => part(err.to_string().as_bytes()),
            }
        }
    }
    format!("{:032x}", h.digest128())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_fingerprint_follows_sources_and_date() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("site.toml"), "title = \"a\"").unwrap();
        std::fs::create_dir_all(t.path().join("content/village")).unwrap();
        std::fs::write(t.path().join("content/village/a.md"), "x").unwrap();
        let d = Date::constant(2026, 10, 8);
        let a = fingerprint(t.path(), d, "https://a/");
        assert_eq!(a, fingerprint(t.path(), d, "https://a/"));
        assert_ne!(a, fingerprint(t.path(), Date::constant(2026, 10, 9), "https://a/"));
        assert_ne!(a, fingerprint(t.path(), d, "https://b/"));
        // Output and caches are not sources.
        std::fs::create_dir_all(t.path().join("public")).unwrap();
        std::fs::write(t.path().join("public/index.html"), "y").unwrap();
        assert_eq!(a, fingerprint(t.path(), d, "https://a/"));
        std::fs::write(t.path().join("content/village/a.md"), "z").unwrap();
        assert_ne!(a, fingerprint(t.path(), d, "https://a/"));
    }

    #[test]
    fn portal_short_titles() {
        assert_eq!(short_title("下湾村三务公开栏"), "下湾村");
        assert_eq!(short_title("青石社区居务公开栏"), "青石社区");
        assert_eq!(short_title("青石社区"), "青石社区");
    }
}
