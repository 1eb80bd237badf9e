//! `gongkai serve`: a live preview of the site while a clerk edits it.
//!
//! The site is generated into memory with drafts, future postings, badges and the preview banner
//! ([`BuildOptions::preview`]); nothing is written anywhere, so `public/` never changes. A
//! small HTTP server ([`http`]) serves the last good build; a watcher ([`watch`]) rebuilds after
//! each debounced batch of source changes; every open tab reloads, or shows the build's errors
//! over the last good pages, through Server-Sent Events ([`livereload`]). Because 公示 statuses
//! change with the calendar, the site is also rebuilt when its `next_change` date begins.
//!
//! Threads: the caller's thread runs the rebuild loop; each HTTP request is answered on a thread
//! of its own, at most [`HANDLERS`] at once; each event stream has its own thread. They share
//! only [`Shared`]: the current snapshot behind a lock held just long enough to clone an `Arc`,
//! the broadcaster and the `Host` names to answer ([`guard`]).
//!
//! The server keeps answering whatever some clients do: the patched tiny_http under `vendor/`
//! bounds each read and write, the time and size of a request head, and the number of
//! connections (see its `limits`), and reads a connection's next request only once the last one
//! is answered. A client that never reads a large file therefore holds one handler thread for
//! at most one write time-out, and the others go on answering.

pub mod guard;
/// `println!`/`eprintln!` that ignore a closed pipe: when whatever reads the preview's output
/// goes away (a closed console, a script that stopped reading), the rebuild loop must go on
/// instead of panicking on the write.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub mod http;
pub mod livereload;
pub mod says;
pub mod watch;

use crate::diagnostic::{Diagnostics, Lang};
use crate::output::Contents;
use crate::pipeline::{BuildOptions, Generated};
use http::Body;
use jiff::civil::Date;
use says::{ServeSays, Why};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

/// Most requests answered at once, each on its own thread (an event stream moves to its own
/// thread and frees its place). Past it, requests wait in tiny_http's queue, which holds at most
/// one per connection; a handler stuck on a client that stopped reading leaves within one write
/// time-out (10 s), so only this many such clients at once could delay everybody else. Half of
/// tiny_http's connection limit: a blocked handler costs little more than its stack.
pub const HANDLERS: usize = 256;

/// Codes of the warnings the preview shows in a bar: what `publish` (or `build` of a site
/// without targets) refuses but the preview never does.
const PUBLISH_BLOCKERS: &[&str] = &[
    "manifest.change-without-update",
    "manifest.update-too-early",
    "manifest.change-without-note",
    "record.deleted",
];

/// After a batch that changed one file, wait this long for more before rebuilding: one saved
/// file is the common case and must reach the browser fast. A little over the debouncer's tick,
/// so that the other half of an editor's save (a temporary file renamed over the posting)
/// settling one tick later still joins this rebuild.
const SETTLE: Duration = Duration::from_millis(watch::TICK.as_millis() as u64 + 1);

/// Once a batch has touched two or more source files, a burst is under way (unzipping, `git
/// checkout`, copying a folder in); wait this long of quiet before rebuilding, so that a writer
/// that stalls for a moment (a busy PC, antivirus scanning each file) still gives one rebuild
/// rather than one per stall.
const BURST_SETTLE: Duration = Duration::from_millis(250);

/// A burst never delays a rebuild by more than this.
const SETTLE_MAX: Duration = Duration::from_secs(2);

/// What `gongkai serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// First port to try; `0` lets the system pick one.
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    /// A fixed build date (`--today`); otherwise today in China, re-read on every build.
    pub today: Option<Date>,
    pub lang: Lang,
    pub quiet: bool,
    /// The workbench's password (`--password` / `GONGKAI_WB_PASSWORD`): needed on every
    /// workbench request when set; without it a non-loopback bind makes the workbench read-only.
    pub password: Option<String>,
    /// Called once a build's tail is done, while nothing else is being built: gives freed
    /// memory back to the system then rather than during the next save's rebuild (the command
    /// line sets it for its allocator; `None` does nothing).
    pub release_memory: Option<fn()>,
}

/// What is being served: output paths to their bytes, and the id of the build they came from.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: HashMap<String, Body>,
    pub build: String,
}

impl Snapshot {
    fn from_generated(g: Generated, build: String) -> Snapshot {
        let files = g
            .files
            .into_iter()
            .filter_map(|f| {
                let body = match f.contents {
                    Contents::Bytes(b) => Body::Memory(Arc::new(b)),
                    Contents::Shared(b) => Body::Memory(b),
                    Contents::Copy(p) => Body::Disk(p),
                    // The preview generates into memory; nothing is ever written for it.
                    Contents::Written { .. } => return None,
                };
                Some((f.path, body))
            })
            .collect();
        Snapshot { files, build }
    }
}

impl Snapshot {
    /// What is served after build `g` (its search index and manifest still pending): for an
    /// update, these files with the changed ones replaced; for a full build, its files plus this
    /// snapshot's `tail_paths` (the last search index and manifest) until its own are made.
    /// Returns it with the tail paths it carries over, which [`complete`] replaces.
    pub fn next(
        &self,
        mut g: Generated,
        tail_paths: &HashSet<String>,
        build: String,
    ) -> (Snapshot, HashSet<String>) {
        let snapshot = match g.removed.take() {
            Some(removed) => {
                let mut files = self.files.clone();
                for path in removed {
                    files.remove(&path);
                }
                files.extend(Snapshot::from_generated(g, String::new()).files);
                Snapshot { files, build }
            }
            None => {
                let mut snapshot = Snapshot::from_generated(g, build);
                for path in tail_paths {
                    if let (Some(body), false) =
                        (self.files.get(path), snapshot.files.contains_key(path))
                    {
                        snapshot.files.insert(path.clone(), body.clone());
                    }
                }
                snapshot
            }
        };
        let carried =
            tail_paths.iter().filter(|p| snapshot.files.contains_key(*p)).cloned().collect();
        (snapshot, carried)
    }
}

/// State shared by the rebuild loop, the tail worker and the HTTP workers.
pub struct Shared {
    /// Canonical site folder; files copied from disk must resolve inside it.
    pub root: PathBuf,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Held while a new snapshot is made from the current one and put in its place, so the
    /// rebuild loop and the tail worker never overwrite each other's.
    publish: Mutex<()>,
    /// Paths of the files the last finished tail made (search index, manifest): served from
    /// the previous build until this build's are made.
    tail_paths: Mutex<HashSet<String>>,
    pub hub: livereload::Hub,
    /// The `Host` names answered, set once the socket is bound; until then nothing is.
    pub hosts: OnceLock<guard::Hosts>,
    /// The clerk's workbench at `/__gongkai/wb/` (its token, access and the last build's list).
    pub workbench: crate::workbench::State,
}

impl Shared {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
    fn replace(&self, s: Snapshot) {
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(s);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The last steps of a preview build, made on the tail worker after the tabs reloaded.
struct TailJob {
    build: String,
    pending: crate::pipeline::Pending,
    /// Files of the snapshot that are the previous build's tail, to be replaced.
    carried: HashSet<String>,
}

/// The preview server; [`Server::run`] blocks, rebuilding on changes.
pub struct Server {
    opts: ServeOptions,
    shared: Arc<Shared>,
    builds: u64,
    /// The warnings the last build printed: a save prints only the ones that are new, so the
    /// same warning (a `privacy = "mask"` note) is not repeated on every save.
    printed: std::collections::BTreeSet<String>,
    started: u64,
    next_change: Option<Date>,
    /// What the previous builds made, so a save re-does only what depends on the saved file.
    cache: Arc<crate::pipeline::cache::Cache>,
    /// Makes the search index and the manifest of each build after its pages are shown.
    tail: mpsc::Sender<TailJob>,
}

impl Server {
    pub fn new(opts: ServeOptions) -> Result<Server, String> {
        let root = std::fs::canonicalize(&opts.root).map_err(|e| {
            let root = opts.root.display().to_string();
            ServeSays::NoSiteFolder { reason: e.to_string(), root }.text(opts.lang)
        })?;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        // `[preview]` in site.toml, read once: a change applies when the preview is restarted.
        let limits = crate::config::PreviewConfig::of_site(&root);
        let shared = Arc::new(Shared {
            root: root.clone(),
            snapshot: RwLock::new(Arc::new(Snapshot::default())),
            publish: Mutex::new(()),
            tail_paths: Mutex::new(HashSet::new()),
            hub: livereload::Hub::default(),
            hosts: OnceLock::new(),
            workbench: crate::workbench::State::new(
                root.clone(),
                crate::workbench::Access::for_bind(opts.bind, opts.password.clone()),
                opts.today,
                opts.lang,
                limits,
            ),
        });
        shared.hub.set_limit(limits.live_reload_streams);
        let cache = Arc::new(crate::pipeline::cache::Cache::new());
        let tail =
            start_tail_worker(shared.clone(), cache.clone(), &opts).map_err(|e| e.to_string())?;
        Ok(Server {
            opts: ServeOptions { root, ..opts },
            shared,
            builds: 0,
            printed: std::collections::BTreeSet::new(),
            started,
            next_change: None,
            cache,
            tail,
        })
    }

    pub fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    fn say(&self, m: ServeSays) {
        if !self.opts.quiet {
            outln!("{}", m.text(self.opts.lang));
            let _ = std::io::stdout().flush();
        }
    }

    fn build_options(&self) -> BuildOptions {
        let today = self.opts.today.unwrap_or_else(crate::date::today_in_china);
        let mut b = BuildOptions::new(&self.opts.root, today);
        b.drafts = true;
        b.preview = true;
        // The preview shows every edit; a missing change note is a warning until publishing.
        b.enforce_change_notes = false;
        b
    }

    /// Builds once and publishes the result to open tabs. `why` names what changed;
    /// `changed` are the files saved since the last build.
    pub fn rebuild(&mut self, why: Option<Why>, changed: &[PathBuf]) {
        let started = Instant::now();
        let mut timings = crate::pipeline::Timings::new();
        let result = crate::pipeline::generate_preview(&self.build_options(), &self.cache, changed);
        timings.mark("serve: build");
        match result {
            Ok(mut g) => {
                self.builds += 1;
                let build = format!("{:x}-{}", self.started, self.builds);
                self.next_change = g.next_change;
                let pages = g.pages;
                let updated = g.removed.as_ref().map(|_| g.files.len());
                if updated.is_none() {
                    self.cache.finish(true);
                }
                let warnings = std::mem::take(&mut g.warnings);
                let list = self.shared.workbench.hold();
                let site = Arc::clone(&g.site);
                let pending = g.pending.take();
                let carried = {
                    let _publishing = lock(&self.shared.publish);
                    let previous = self.shared.snapshot();
                    let tail_paths = lock(&self.shared.tail_paths).clone();
                    let (snapshot, carried) = previous.next(g, &tail_paths, build.clone());
                    drop(previous);
                    self.shared.replace(snapshot);
                    carried
                };
                timings.mark("serve: snapshot");
                // What `publish` would refuse is shown in a bar over the updated page.
                let notes: Vec<String> = warnings
                    .items
                    .iter()
                    .filter(|d| PUBLISH_BLOCKERS.contains(&d.message.code()))
                    .map(|d| d.render(self.opts.lang))
                    .collect();
                let notes = (!notes.is_empty()).then(|| (notes.join("\n\n"), notes.len()));
                self.shared.hub.reload_with_notes(&build, notes);
                let ms = started.elapsed().as_millis();
                timings.mark("serve: reload");
                if let Some(pending) = pending {
                    let _ = self.tail.send(TailJob { build, pending, carried });
                }
                list.built(&site, &warnings);
                drop(site);
                timings.mark("serve: workbench");
                timings.report();
                let now: Vec<String> =
                    warnings.items.iter().map(|d| d.render(self.opts.lang)).collect();
                if !self.opts.quiet {
                    for text in now.iter().filter(|t| !self.printed.contains(*t)) {
                        errln!("{text}\n");
                    }
                }
                self.printed = now.into_iter().collect();
                let tabs = self.shared.hub.clients();
                self.say(ServeSays::Rebuilt { why, updated, pages, ms, tabs });
            }
            Err(diags) => {
                self.shared.workbench.record_failed(&diags);
                report(&diags, self.opts.lang);
                let n = diags.error_count();
                let text = diags
                    .items
                    .iter()
                    .map(|d| d.render(self.opts.lang))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                self.shared.hub.failed(text, n);
                errln!("{}", ServeSays::BuildFailed { why, errors: n }.text(self.opts.lang));
            }
        }
    }

    /// Binds, serves and rebuilds until the process is stopped.
    pub fn run(mut self) -> Result<(), String> {
        // Watch first: a file saved during the first build or before the URL is printed must
        // still cause a rebuild.
        let (tx, rx) = mpsc::channel();
        let mut watcher = watch::Watcher::start(&self.opts.root, self.opts.poll, tx)
            .map_err(|e| ServeSays::CannotWatch(e.to_string()).text(self.opts.lang))?;
        self.say(ServeSays::Building);
        self.rebuild(None, &[]);
        let listener = self.bind()?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let url = local_url(addr);
        let _ = self.shared.hosts.set(guard::Hosts::for_addr(addr, &url));
        let server = tiny_http::Server::from_listener(listener, None).map_err(|e| e.to_string())?;
        let shared = self.shared.clone();
        std::thread::Builder::new()
            .name("gongkai-http".into())
            .spawn(move || dispatch(&server, &shared))
            .map_err(|e| e.to_string())?;
        let _ = self.shared.workbench.addr.set(addr);
        let wb_url = self.shared.workbench.url(&url);
        // One parseable line each, always printed (tests and scripts read them).
        outln!("{}", ServeSays::PreviewAt(url.clone()).text(self.opts.lang));
        outln!("{}", ServeSays::WorkbenchAt(wb_url.clone()).text(self.opts.lang));
        let _ = std::io::stdout().flush();
        if addr.ip().is_unspecified() {
            errln!("{}", ServeSays::OpenToNetwork.text(self.opts.lang));
        }
        self.say(ServeSays::ReloadHint);
        if self.opts.open {
            open_browser(&wb_url);
        }

        loop {
            let wait = self.until_next_change().unwrap_or(Duration::from_secs(3600));
            let first = match rx.recv_timeout(wait.min(Duration::from_secs(3600))) {
                Ok(batch) => batch,
                Err(RecvTimeoutError::Timeout) => {
                    if self.until_next_change() == Some(Duration::ZERO) {
                        self.rebuild(Some(Why::DateChanged), &[]);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            };
            let burst_start = Instant::now();
            let mut changed: Vec<PathBuf> = Vec::new();
            // Once true for this burst it stays true: `changed` is not read again on every batch
            // of a 10,000-file copy.
            let mut burst = false;
            let mut next = Some(first);
            while let Some(batch) = next.take() {
                match batch {
                    Ok(events) => {
                        for e in events {
                            if let Some(dir) = watch::new_source_dir(&self.opts.root, &e) {
                                let _ = watcher.watch(&dir, notify::RecursiveMode::Recursive);
                            }
                            if watch::is_relevant(&self.opts.root, &e) {
                                changed.extend(e.event.paths.iter().cloned());
                            }
                        }
                    }
                    Err(errors) => {
                        for e in errors {
                            let says = ServeSays::WatchError(e.to_string());
                            errln!("{}", says.text(self.opts.lang));
                        }
                        // Events may have been lost: the rebuild re-reads every file.
                        changed.push(self.opts.root.join("site.toml"));
                        self.cache.invalidate(std::slice::from_ref(&self.opts.root));
                    }
                }
                if burst_start.elapsed() < SETTLE_MAX {
                    burst = burst || self.touches_several_sources(&changed);
                    let settle = if burst {
                        BURST_SETTLE.min(SETTLE_MAX.saturating_sub(burst_start.elapsed()))
                    } else {
                        SETTLE
                    };
                    next = rx.recv_timeout(settle).ok();
                }
            }
            if !changed.is_empty() {
                self.cache.invalidate(&changed);
                let why = self.describe(&changed);
                self.rebuild(why, &changed);
            }
        }
    }

    /// Whether `changed` names two or more distinct source files (a rename counts as two).
    fn touches_several_sources(&self, changed: &[PathBuf]) -> bool {
        let mut sources = changed.iter().filter(|p| watch::is_source_path(&self.opts.root, p));
        match sources.next() {
            Some(first) => sources.any(|p| p != first),
            None => false,
        }
    }

    /// The saved source files by name (`None` when none of them is a source file).
    fn describe(&self, changed: &[PathBuf]) -> Option<Why> {
        let mut rel: Vec<String> = changed
            .iter()
            .filter(|p| watch::is_source_path(&self.opts.root, p))
            .map(|p| crate::diagnostic::display_path(&self.opts.root, p))
            .collect();
        rel.sort();
        rel.dedup();
        let count = rel.len();
        rel.into_iter().next().map(|first| Why::Files { first, count })
    }

    /// Time until the Beijing midnight that starts `next_change` (zero once it has passed).
    fn until_next_change(&self) -> Option<Duration> {
        if self.opts.today.is_some() {
            return None;
        }
        Some(until_beijing_midnight(self.next_change?, jiff::Timestamp::now()))
    }

    /// The first free port from `--port` on (up to 20 tries), or any free port for `--port 0`.
    fn bind(&self) -> Result<TcpListener, String> {
        let ip = self.opts.bind;
        if self.opts.port == 0 {
            return TcpListener::bind((ip, 0)).map_err(|e| e.to_string());
        }
        let mut port = self.opts.port;
        for _ in 0..20 {
            match TcpListener::bind((ip, port)) {
                Ok(l) => return Ok(l),
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    let next = port.checked_add(1).ok_or_else(|| e.to_string())?;
                    self.say(ServeSays::PortInUse { port, next });
                    port = next;
                }
                Err(e) => return Err(format!("{ip}:{port}: {e}")),
            }
        }
        Err(ServeSays::NoFreePort.text(self.opts.lang))
    }
}

/// Starts the thread that makes each build's search index and manifest after its pages are
/// shown. It works on one build at a time, skips builds already superseded, and publishes its
/// files only while its build is still the one being served.
fn start_tail_worker(
    shared: Arc<Shared>,
    cache: Arc<crate::pipeline::cache::Cache>,
    opts: &ServeOptions,
) -> std::io::Result<mpsc::Sender<TailJob>> {
    let (quiet, lang, release_memory) = (opts.quiet, opts.lang, opts.release_memory);
    let (tx, rx) = mpsc::channel::<TailJob>();
    // Its own single thread, so that the next save's pages never queue behind index work.
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(std::io::Error::other)?;
    std::thread::Builder::new().name("gongkai-tail".into()).spawn(move || {
        while let Ok(mut job) = rx.recv() {
            while let Ok(newer) = rx.try_recv() {
                job = newer;
            }
            let started = Instant::now();
            let current = shared.snapshot();
            if current.build != job.build {
                continue;
            }
            let (files, tail) =
                pool.install(|| complete(&current.files, &job.carried, job.pending, &cache));
            drop(current);
            let published = {
                let _publishing = lock(&shared.publish);
                let still = shared.snapshot().build == job.build;
                if still {
                    *lock(&shared.tail_paths) = tail;
                    shared.replace(Snapshot { files, build: job.build.clone() });
                }
                still
            };
            cache.finish_tail();
            if published && !quiet {
                let says = ServeSays::TailDone(started.elapsed().as_millis());
                outln!("{}", says.text(lang));
                let _ = std::io::stdout().flush();
            }
            if let Some(release) = release_memory {
                release();
            }
        }
    })?;
    Ok(tx)
}

/// The files of a preview build with its feeds, search index and manifest: `files` without the
/// `carried` ones (the previous build's), plus the pending files. Returns them and the paths of
/// the files that were pending.
pub fn complete(
    files: &HashMap<String, Body>,
    carried: &HashSet<String>,
    pending: crate::pipeline::Pending,
    cache: &crate::pipeline::cache::Cache,
) -> (HashMap<String, Body>, HashSet<String>) {
    use rayon::prelude::*;
    let mut out: HashMap<String, Body> = files
        .iter()
        .filter(|(p, _)| !carried.contains(*p))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    let mut tail = HashSet::new();
    for f in pending.feed_files().into_iter().chain(pending.search_files(cache)) {
        if let Contents::Bytes(b) = f.contents {
            tail.insert(f.path.clone());
            out.insert(f.path, Body::Memory(Arc::new(b)));
        }
    }
    let sha = |b: &[u8]| {
        cache.sha256.get_or(crate::pipeline::cache::bytes_key(b), || crate::manifest::sha256_hex(b))
    };
    // As `build` does: files copied from disk are read for their checksum.
    let hashes: Vec<(String, String)> = out
        .par_iter()
        .map(|(p, b)| {
            let h = match b {
                Body::Memory(m) => sha(m),
                Body::Disk(d) => {
                    std::fs::read(d).map(|b| crate::manifest::sha256_hex(&b)).unwrap_or_default()
                }
            };
            (p.clone(), h)
        })
        .collect();
    let manifest = pending.manifest(hashes);
    if let Contents::Bytes(b) = manifest.contents {
        tail.insert(manifest.path.clone());
        out.insert(manifest.path, Body::Memory(Arc::new(b)));
    }
    (out, tail)
}

/// From `now` to 00:00 China Standard Time on `date` (zero once it has passed).
fn until_beijing_midnight(date: Date, now: jiff::Timestamp) -> Duration {
    let midnight = jiff::tz::Offset::constant(8)
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(now);
    Duration::try_from(midnight.duration_since(now)).unwrap_or(Duration::ZERO)
}

fn report(diags: &Diagnostics, lang: Lang) {
    for d in &diags.items {
        errln!("{}\n", d.render(lang));
    }
}

/// `http://127.0.0.1:1313/`; a wildcard address is shown as the loopback one to open locally.
fn local_url(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{}/", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{}/", addr.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", addr.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", addr.port()),
    }
}

/// Hands each request to a thread of its own, waiting while [`HANDLERS`] are busy.
fn dispatch(server: &tiny_http::Server, shared: &Arc<Shared>) {
    let busy = Arc::new((Mutex::new(0usize), Condvar::new()));
    loop {
        // `recv` fails only when the server is shutting down.
        let Ok(req) = server.recv() else { return };
        let place = Handler::enter(&busy);
        let shared = shared.clone();
        // If no thread can be started the request is dropped, which answers it with a 500.
        let _ = std::thread::Builder::new().name("gongkai-http-req".into()).spawn(move || {
            let _place = place;
            // A bug in one request must not take the server down with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                http::handle(req, &shared)
            }));
        });
    }
}

/// One of the [`HANDLERS`] places, given back when dropped.
struct Handler(Arc<(Mutex<usize>, Condvar)>);

impl Handler {
    fn enter(busy: &Arc<(Mutex<usize>, Condvar)>) -> Handler {
        let (count, freed) = &**busy;
        let mut n = lock(count);
        while *n >= HANDLERS {
            n = freed.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n += 1;
        Handler(busy.clone())
    }
}

impl Drop for Handler {
    fn drop(&mut self) {
        let (count, freed) = &*self.0;
        *lock(count) -= 1;
        freed.notify_one();
    }
}

fn open_browser(url: &str) {
    let mut cmd = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    let _ = cmd
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_turns_over_at_beijing_midnight() {
        let date = Date::new(2026, 10, 9).unwrap();
        // 2026-10-08 15:00 UTC is 23:00 in Beijing: one hour to go.
        let now: jiff::Timestamp = "2026-10-08T15:00:00Z".parse().unwrap();
        assert_eq!(until_beijing_midnight(date, now), Duration::from_secs(3600));
        let after: jiff::Timestamp = "2026-10-08T16:00:01Z".parse().unwrap();
        assert_eq!(until_beijing_midnight(date, after), Duration::ZERO);
    }

    /// What a tab sees once the pending files are made is exactly what `generate` makes.
    #[test]
    fn pages_first_then_search_and_manifest_equal_a_full_build() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let mut opts = BuildOptions::new(&root, Date::new(2026, 10, 8).unwrap());
        opts.drafts = true;
        opts.preview = true;
        let tmp = tempfile::tempdir().unwrap();
        opts.cache_dir = tmp.path().to_path_buf();
        opts.out = tmp.path().join("public");
        let bytes = |b: &Body| match b {
            Body::Memory(m) => m.to_vec(),
            Body::Disk(d) => std::fs::read(d).unwrap(),
        };
        let full: std::collections::BTreeMap<String, Vec<u8>> =
            Snapshot::from_generated(crate::pipeline::generate(&opts).unwrap(), String::new())
                .files
                .iter()
                .map(|(p, b)| (p.clone(), bytes(b)))
                .collect();
        let cache = crate::pipeline::cache::Cache::new();
        for _ in 0..2 {
            let mut g = crate::pipeline::generate_preview(&opts, &cache, &[]).unwrap();
            let pending = g.pending.take().unwrap();
            let snap = Snapshot::from_generated(g, String::new());
            assert!(!snap.files.contains_key(crate::manifest::MANIFEST_PATH));
            let (files, tail) = complete(&snap.files, &HashSet::new(), pending, &cache);
            cache.finish(true);
            assert!(tail.contains(crate::manifest::MANIFEST_PATH));
            let got: std::collections::BTreeMap<String, Vec<u8>> =
                files.iter().map(|(p, b)| (p.clone(), bytes(b))).collect();
            assert_eq!(got.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>());
            for (p, b) in &full {
                assert!(got[p] == *b, "{p} differs");
            }
        }
    }

    #[test]
    fn urls_are_printed_for_opening_locally() {
        assert_eq!(local_url("0.0.0.0:1313".parse().unwrap()), "http://127.0.0.1:1313/");
        assert_eq!(local_url("[::]:80".parse().unwrap()), "http://[::1]:80/");
        assert_eq!(local_url("127.0.0.1:5".parse().unwrap()), "http://127.0.0.1:5/");
    }
}
