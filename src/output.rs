//! Writes a finished build so that the output folder is never missing, partial or a mix of two
//! builds, and so that gongkai replaces only what it wrote there.
//!
//! Everything goes into a fresh staging folder beside the output. When every file is written
//! and synced to disk, the staging folder and the output are exchanged in one atomic step
//! (Linux `renameat2(RENAME_EXCHANGE)`, macOS `renamex_np(RENAME_SWAP)`). Where the OS or the
//! file system has no exchange (Windows, some network drives), two renames are needed; a small
//! journal beside the output records them first, and the next gongkai command of any kind
//! ([`recover`]) completes the swap before it does anything else.
//!
//! The output is locked for the whole build (a second run waits a few seconds, then says that
//! another gongkai is running). Files the previous manifest does not list (`.git`, `.htaccess`,
//! a host's own files) are not gongkai's: they are carried into the new output as hard links,
//! so at every instant one complete copy of them is in the output. A folder that is not empty
//! and holds no gongkai manifest is refused unless the user says `--force`. An output that is a
//! symbolic link (or a Windows junction) is followed: its target gets the new site, the link
//! stays.

use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A rendered page or copied file for the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Site-relative path with `/` separators.
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// Bytes another holder keeps too (a page the preview's page memo holds): the preview serves
    /// the one copy instead of holding each page twice.
    Shared(std::sync::Arc<Vec<u8>>),
    Copy(std::path::PathBuf),
    /// Already written to the staging folder (see [`crate::output::Sink`]); only its hash is kept.
    Written {
        sha256: String,
    },
}

/// Why the output folder is not a place gongkai may write the site to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum UnsafeOut {
    /// `--out` names an existing file.
    File,
    /// `--out` is the site folder itself.
    Site,
    /// `--out` is (inside) one of the site's source folders, e.g. `content`.
    Source(&'static str),
    /// `--out` is a folder that contains the site.
    ContainsSite,
}

crate::messages! {
    pub enum OutputError {
        Write { path: String, source: String } = "output.write",
            zh: "无法写入 {path}：{source}。请检查磁盘空间和文件夹权限；已发布的网站没有改动",
            en: "cannot write {path}: {source}";
        Swap { path: String, source: String } = "output.swap",
            zh: "无法替换输出文件夹 {path}：{source}。可能有程序（资源管理器、网页服务器）正在使用它，请关闭后重试；已发布的网站没有改动",
            en: "cannot replace {path}: {source}";
        Unsafe { path: String, why: UnsafeOut } = "output.unsafe",
            zh: {
                let what = match why {
                    UnsafeOut::File => "是一个文件，不是文件夹".to_string(),
                    UnsafeOut::Site => "就是网站文件夹本身".to_string(),
                    UnsafeOut::Source(d) => format!("在网站的源文件夹 {d} 里"),
                    UnsafeOut::ContainsSite => "包含了网站文件夹".to_string(),
                };
                format!(
                    "输出位置 {path} {what}，gongkai 不能把网站生成到这里（什么都没有写入）。请换一个单独的文件夹，例如 --out public（默认就是 public）"
                )
            },
            en: "output path {path} is not a folder gongkai may write the site to ({why:?})";
        Locked(p: String) = "output.locked",
            zh: "另一个 gongkai 正在生成或发布 {p}（例如定时生成，或另一个窗口里的 gongkai build / publish）。请等它结束后再运行；已发布的网站没有改动",
            en: "another gongkai is building or publishing into {p}; try again when it has finished";
        NotOurs { path: String, examples: String } = "output.not-ours",
            zh: "输出文件夹 {path} 里已经有文件（{examples}），但没有 gongkai 的清单 manifest.json，不像是 gongkai 生成的文件夹。为了不动您的文件，这次没有写入。请换一个空文件夹；确定要生成到这里时，加上 --force（里面原有的文件会保留）",
            en: "{path} is not empty and holds no gongkai manifest.json (it has {examples}); use an \
                empty folder, or add --force to build into it (its files are kept)";
        Collision { path: String } = "output.collision",
            zh: "输出文件夹里的 {path} 不是 gongkai 生成的，但这次生成要写一个同名文件。请把它移到别处或改名；确定要用生成的文件替换它时，加上 --force。已发布的网站没有改动",
            en: "{path} in the output folder was not written by gongkai, but this build makes a file of \
                the same name; move it away, or add --force to replace it";
    }
}

crate::messages! {
    /// The warning that files not made by gongkai were kept in the output (top-level names).
    pub struct KeptForeign(pub f0: Vec<String>) = "output.kept-foreign",
        zh: {
            format!(
                "输出文件夹里有不是 gongkai 生成的文件：{}。它们已原样保留（gongkai 只替换它自己上次生成的文件）",
                f0.join("、")
            )
        },
        en: {
            format!(
                "files not made by gongkai are in the output folder: {}. They are kept as they are \
                 (gongkai replaces only the files it wrote)",
                f0.join(", ")
            )
        };
}

/// Where generated files go. `build` writes each file into the staging folder as soon as it is
/// made, so a 10,000-posting site never holds all its pages in memory; the preview and `check`
/// keep them in memory.
#[derive(Debug)]
pub enum Sink {
    Memory,
    Dir(PathBuf),
}

impl Sink {
    /// Takes a finished file: returns it as it is (memory) or writes it and returns its hash.
    pub fn emit(&self, f: OutputFile) -> Result<OutputFile, OutputError> {
        let Sink::Dir(dir) = self else { return Ok(f) };
        let bytes = match &f.contents {
            Contents::Written { .. } => return Ok(f),
            Contents::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
            Contents::Shared(b) => std::borrow::Cow::Borrowed(b.as_slice()),
            Contents::Copy(src) => {
                std::borrow::Cow::Owned(std::fs::read(src).map_err(|source| {
                    OutputError::Write { path: f.path.clone(), source: source.to_string() }
                })?)
            }
        };
        write_one(dir, &f.path, &bytes)?;
        let sha256 = crate::manifest::sha256_hex(&bytes);
        Ok(OutputFile { path: f.path, contents: Contents::Written { sha256 } })
    }

    /// `emit` for many files, in parallel.
    pub fn emit_all(&self, files: Vec<OutputFile>) -> Result<Vec<OutputFile>, OutputError> {
        if matches!(self, Sink::Memory) {
            return Ok(files);
        }
        files.into_par_iter().map(|f| self.emit(f)).collect()
    }
}

fn write_one(dir: &Path, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let target = dir.join(path.replace('/', std::path::MAIN_SEPARATOR_STR));
    if let Some(p) = target.parent() {
        std::fs::create_dir_all(p).map_err(|source| OutputError::Write {
            path: path.to_string(),
            source: source.to_string(),
        })?;
    }
    std::fs::write(&target, bytes)
        .map_err(|source| OutputError::Write { path: path.to_string(), source: source.to_string() })
}

/// The output folder as the user named it and the folder actually written (a symbolic link or
/// junction followed), with the parent and name the staging folder, lock and journal use.
#[derive(Debug, Clone)]
pub struct Target {
    /// As given (shown in messages).
    pub shown: PathBuf,
    /// The real folder: `shown`, or the target of the link `shown` is.
    pub dir: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Target {
    /// Resolves `out`, following it when it is a link (creating a missing link target).
    pub fn resolve(out: &Path) -> Result<Target, OutputError> {
        let mut dir = out.to_path_buf();
        let is_link = std::fs::symlink_metadata(out).map(|m| m.file_type().is_symlink());
        if let Ok(true) = is_link {
            if std::fs::metadata(out).is_err()
                && let Ok(to) = std::fs::read_link(out)
            {
                // A dangling link (the web root was removed): make its target, keep the link.
                let to = match out.parent() {
                    Some(p) if to.is_relative() => p.join(to),
                    _ => to,
                };
                std::fs::create_dir_all(&to).map_err(|source| OutputError::Write {
                    path: shown(out),
                    source: source.to_string(),
                })?;
            }
            dir = std::fs::canonicalize(out).map_err(|source| OutputError::Write {
                path: shown(out),
                source: source.to_string(),
            })?;
        }
        let (parent, name) = parent_and_name(&dir);
        Ok(Target { shown: out.to_path_buf(), dir, parent, name })
    }

    fn sibling(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.gongkai-{what}", self.name))
    }

    fn journal(&self) -> PathBuf {
        self.sibling("journal")
    }

    fn files_journal(&self) -> PathBuf {
        self.sibling("files-journal")
    }
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

fn parent_and_name(out: &Path) -> (PathBuf, String) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

/// Refuses an output that is a file, the site folder, inside a source folder of the site, or a
/// folder containing the site; checked before anything is written.
pub fn check_target(root: &Path, out: &Path) -> Result<(), OutputError> {
    let unsafe_out = |why| Err(OutputError::Unsafe { path: shown(out), why });
    if std::fs::metadata(out).map(|m| !m.is_dir()).unwrap_or(false) {
        return unsafe_out(UnsafeOut::File);
    }
    let out = absolute_canonical(out);
    let root = absolute_canonical(root);
    if out == root {
        return unsafe_out(UnsafeOut::Site);
    }
    for d in SOURCE_FOLDERS {
        if out.starts_with(root.join(d)) {
            return unsafe_out(UnsafeOut::Source(d));
        }
    }
    if root.starts_with(&out) {
        return unsafe_out(UnsafeOut::ContainsSite);
    }
    Ok(())
}

/// Folders of a site that hold what the user wrote (never an output).
const SOURCE_FOLDERS: [&str; 7] =
    ["content", "templates", "themes", "static", "data", ".gongkai", ".gongkai-cache"];

/// `p` made absolute with links resolved, also when its last parts do not exist yet.
fn absolute_canonical(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            let mut c = c;
            for part in rest.iter().rev() {
                c.push(part);
            }
            return c;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// How long a second run waits for the first to finish before it gives up.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// An exclusive lock on an output folder, released when dropped (also when the process dies).
#[derive(Debug)]
pub struct OutputLock {
    _file: std::fs::File,
}

/// Locks `t` against other gongkai runs, waiting up to [`LOCK_WAIT`]. The OS releases the
/// lock when the process ends in any way, so a killed build never leaves the site locked.
// `File::try_lock` is Rust 1.89; the crate already needs 1.88 (let chains). Raising
// `rust-version` would also turn on clippy's let-chain lints across the whole tree.
#[allow(clippy::incompatible_msrv)]
pub fn lock(t: &Target) -> Result<OutputLock, OutputError> {
    std::fs::create_dir_all(&t.parent).map_err(|source| OutputError::Write {
        path: shown(&t.parent),
        source: source.to_string(),
    })?;
    let path = t.sibling("lock");
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(
            |source| OutputError::Write { path: shown(&path), source: source.to_string() },
        )?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(OutputLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(OutputError::Locked(shown(&t.shown)));
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(OutputError::Write { path: shown(&path), source: source.to_string() });
            }
        }
    }
}

/// Completes a swap a killed run left half done (see the module docs). Every gongkai command
/// calls it first for the site's output; it does nothing when there is no journal.
pub fn recover(out: &Path) -> Result<(), OutputError> {
    let t = Target::resolve(out)?;
    if !t.journal().exists() && !t.files_journal().exists() {
        return Ok(());
    }
    let _lock = lock(&t)?;
    recover_locked(&t)
}

fn recover_locked(t: &Target) -> Result<(), OutputError> {
    recover_files_locked(t)?;
    let journal = t.journal();
    let Ok(text) = std::fs::read_to_string(&journal) else { return Ok(()) };
    let mut lines = text.lines();
    let (Some("gongkai-swap-v1"), Some(new), Some(old)) =
        (lines.next(), lines.next(), lines.next())
    else {
        // Written only partly: the swap had not started.
        return remove_journal(t);
    };
    let (new, old) = (t.parent.join(new), t.parent.join(old));
    if !t.dir.exists() {
        // Killed between the two renames: the staging folder is complete (it was synced
        // before the journal was written), so finish the swap.
        let from = if new.is_dir() { &new } else { &old };
        std::fs::rename(from, &t.dir).map_err(|source| OutputError::Swap {
            path: shown(&t.shown),
            source: source.to_string(),
        })?;
        sync_dir(&t.parent);
    }
    remove_journal(t)
}

fn remove_journal(t: &Target) -> Result<(), OutputError> {
    match std::fs::remove_file(t.journal()) {
        Ok(()) => {
            sync_dir(&t.parent);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OutputError::Swap { path: shown(&t.shown), source: source.to_string() }),
    }
}

/// A locked output with a fresh staging folder to write the new build into.
#[derive(Debug)]
pub struct Prepared {
    pub target: Target,
    pub staging: PathBuf,
    /// Paths the previous manifest lists (gongkai's own files); `None` when there was none.
    owned: Option<BTreeSet<String>>,
    force: bool,
    _lock: OutputLock,
}

/// Locks the output, finishes an interrupted swap, removes leftover staging folders, checks
/// that the output is gongkai's (or `force`), and makes a fresh staging folder.
pub fn prepare(out: &Path, force: bool) -> Result<Prepared, OutputError> {
    let target = Target::resolve(out)?;
    let lock = lock(&target)?;
    recover_locked(&target)?;
    clean_leftovers(&target);
    let manifest_path = target.dir.join(crate::manifest::MANIFEST_PATH);
    let owned = match crate::manifest::Manifest::read(&manifest_path) {
        Some(m) => Some(m.files.into_keys().collect::<BTreeSet<_>>()),
        // A damaged manifest (the build warns about it): the folder is gongkai's, and what
        // it cannot tell apart, it keeps only for hidden names (`.git`, `.htaccess`).
        None if manifest_path.exists() => Some(visible_files(&target.dir)),
        None => None,
    };
    if owned.is_none() && !force {
        let mut names: Vec<String> = std::fs::read_dir(&target.dir)
            .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        if !names.is_empty() {
            names.sort();
            let more = names.len().saturating_sub(3);
            let mut examples = names.into_iter().take(3).collect::<Vec<_>>().join("、");
            if more > 0 {
                examples.push_str(&format!(" 等 {} 项", more + 3));
            }
            return Err(OutputError::NotOurs { path: shown(out), examples });
        }
    }
    let staging = target.sibling(&format!("new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|source| OutputError::Write {
        path: shown(&staging),
        source: source.to_string(),
    })?;
    Ok(Prepared { target, staging, owned, force, _lock: lock })
}

impl Prepared {
    /// Gives up: removes the staging folder; the output stays as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    /// Swaps the completely written staging folder in as the output, carrying over the files
    /// that are not gongkai's. Returns those files' top-level names (for one warning). On
    /// failure the staging folder is removed and the output is left as it was.
    pub fn swap_in(self) -> Result<Vec<String>, OutputError> {
        let result = self.swap_steps();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        result
    }

    fn swap_steps(&self) -> Result<Vec<String>, OutputError> {
        let t = &self.target;
        let had_old = t.dir.is_dir();
        let kept = if had_old { self.carry_foreign()? } else { Vec::new() };
        sync_tree(&self.staging);
        fault_point("swap");
        if !had_old {
            std::fs::rename(&self.staging, &t.dir).map_err(|source| OutputError::Swap {
                path: shown(&t.shown),
                source: source.to_string(),
            })?;
            sync_dir(&t.parent);
            return Ok(kept);
        }
        match exchange(&self.staging, &t.dir) {
            Ok(()) => sync_dir(&t.parent),
            Err(_) => self.swap_with_journal()?,
        }
        fault_point("swapped");
        // The staging folder's name now holds the previous build.
        remove_tree(&self.staging);
        Ok(kept)
    }

    /// Two renames, recorded first in a journal that [`recover`] reads after a crash.
    fn swap_with_journal(&self) -> Result<(), OutputError> {
        let t = &self.target;
        let swap_err = |source: std::io::Error| OutputError::Swap {
            path: shown(&t.shown),
            source: source.to_string(),
        };
        let old = t.sibling(&format!("old-{}", std::process::id()));
        let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
        let (Some(new_name), Some(old_name)) = (name(&self.staging), name(&old)) else {
            return Err(swap_err(std::io::Error::other("no folder name")));
        };
        write_synced(&t.journal(), format!("gongkai-swap-v1\n{new_name}\n{old_name}\n").as_bytes())
            .map_err(swap_err)?;
        sync_dir(&t.parent);
        std::fs::rename(&t.dir, &old).map_err(|e| {
            let _ = remove_journal(t);
            swap_err(e)
        })?;
        fault_point("swap-mid");
        if let Err(e) = std::fs::rename(&self.staging, &t.dir) {
            let _ = std::fs::rename(&old, &t.dir);
            let _ = remove_journal(t);
            return Err(swap_err(e));
        }
        sync_dir(&t.parent);
        remove_journal(t)?;
        remove_tree(&old);
        Ok(())
    }

    /// Hard-links (or copies) into the staging folder every file and folder of the output that
    /// the previous manifest does not list. Returns their top-level names.
    fn carry_foreign(&self) -> Result<Vec<String>, OutputError> {
        let empty = BTreeSet::new();
        let owned = self.owned.as_ref().unwrap_or(&empty);
        let mut top: BTreeSet<String> = BTreeSet::new();
        for entry in walkdir::WalkDir::new(&self.target.dir).min_depth(1) {
            let Ok(e) = entry else { continue };
            let rel = crate::diagnostic::display_path(&self.target.dir, e.path());
            if rel == crate::manifest::MANIFEST_PATH {
                continue;
            }
            let ft = e.file_type();
            let to = self.staging.join(e.path().strip_prefix(&self.target.dir).unwrap_or(e.path()));
            if ft.is_dir() {
                let prefix = format!("{rel}/");
                let has_owned =
                    owned.range(prefix.clone()..).next().is_some_and(|p| p.starts_with(&prefix));
                if !has_owned {
                    // Wholly foreign (e.g. `.git`): make it now, its files follow.
                    std::fs::create_dir_all(&to).map_err(|source| OutputError::Write {
                        path: rel.clone(),
                        source: source.to_string(),
                    })?;
                    top.insert(rel.split('/').next().unwrap_or(&rel).to_string());
                }
                continue;
            }
            if owned.contains(&rel) {
                continue;
            }
            top.insert(rel.split('/').next().unwrap_or(&rel).to_string());
            if std::fs::symlink_metadata(&to).is_ok() {
                if self.force {
                    continue;
                }
                return Err(OutputError::Collision { path: rel });
            }
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p).map_err(|source| OutputError::Write {
                    path: rel.clone(),
                    source: source.to_string(),
                })?;
            }
            if std::fs::hard_link(e.path(), &to).is_err() {
                std::fs::copy(e.path(), &to).map_err(|source| OutputError::Write {
                    path: rel.clone(),
                    source: source.to_string(),
                })?;
            }
        }
        Ok(top.into_iter().collect())
    }
}

/// Swaps two folders atomically; an error means the OS or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    if std::env::var_os("GONGKAI_TEST_NO_EXCHANGE").is_some() {
        return Err(std::io::Error::other("exchange disabled for a test"));
    }
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(target_os = "macos")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two NUL-terminated paths that outlive the call.
    let r = unsafe { libc::renamex_np(a.as_ptr(), b.as_ptr(), libc::RENAME_SWAP) };
    if r == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Flushes every staged file and folder to disk before the swap makes them the output.
#[cfg(target_os = "linux")]
fn sync_tree(dir: &Path) {
    use std::os::fd::AsRawFd;
    // One syncfs flushes the whole file system, far cheaper than an fsync per file.
    if let Ok(f) = std::fs::File::open(dir) {
        // SAFETY: a valid open descriptor.
        unsafe { libc::syncfs(f.as_raw_fd()) };
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_tree(dir: &Path) {
    for e in walkdir::WalkDir::new(dir).contents_first(true).into_iter().flatten() {
        if e.file_type().is_file() {
            if let Ok(f) = std::fs::OpenOptions::new().write(true).open(e.path()) {
                let _ = f.sync_all();
            }
        } else if e.file_type().is_dir() {
            sync_dir(e.path());
        }
    }
}

/// Removes a previous build's folder, its subfolders in parallel: 30,000 files take one thread
/// a third of a second even on tmpfs, most of a build's last step. Best effort, as
/// `remove_dir_all` is: whatever is left is a leftover the next build removes.
fn remove_tree(dir: &Path) {
    // Two levels down (sections, then their postings) gives enough pieces to share out.
    let subdirs = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect()
    };
    let pieces: Vec<PathBuf> = subdirs(dir).iter().flat_map(|d| subdirs(d)).collect();
    pieces.par_iter().for_each(|d| {
        let _ = std::fs::remove_dir_all(d);
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// Makes a folder's entries (renames, new files) durable; not possible on Windows, where the
/// file system journals them.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// A test-only fault-injection point: with `GONGKAI_TEST_PAUSE_AT` naming it, the build sleeps
/// here for `GONGKAI_TEST_PAUSE_MS` (default 300) so a test can kill it inside the swap window.
fn fault_point(name: &str) {
    if let Some(at) = std::env::var_os("GONGKAI_TEST_PAUSE_AT")
        && at.to_string_lossy().split(',').any(|a| a == name)
    {
        let ms =
            std::env::var("GONGKAI_TEST_PAUSE_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
        std::thread::sleep(Duration::from_millis(ms));
    }
}

/// What [`replace_files`] changed in the output.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// Files written because they are new or their bytes changed.
    pub written: Vec<String>,
    /// Files of the previous manifest this build no longer makes.
    pub removed: Vec<String>,
}

/// Writes `files` into an output folder that other builds share (a township portal's root,
/// which holds the villages' own folders), under the same rules as a site build: the folder is
/// locked, the files gongkai owns there are those its `manifest.json` lists, everything else is
/// kept, and a file of the same name that gongkai did not write is a [`OutputError::Collision`]
/// unless `force`. Only files whose bytes changed are replaced.
///
/// The changed files and the new manifest are first written and synced in a staging folder
/// beside the output, then a journal lists the moves, then each file is renamed into place
/// (one atomic step per file, so no page is ever half written), stale files are removed and
/// the manifest goes last. A run killed during the moves is completed by the next gongkai
/// command ([`recover`]), so the pages are never left a mix of two builds for longer.
pub fn replace_files(
    out: &Path,
    files: &[(String, Vec<u8>)],
    force: bool,
) -> Result<Replaced, OutputError> {
    let t = Target::resolve(out)?;
    std::fs::create_dir_all(&t.dir).map_err(|source| OutputError::Write {
        path: shown(&t.shown),
        source: source.to_string(),
    })?;
    let _lock = lock(&t)?;
    recover_locked(&t)?;
    clean_leftovers(&t);
    let previous = crate::manifest::Manifest::read(&t.dir.join(crate::manifest::MANIFEST_PATH));
    let owned: BTreeSet<String> =
        previous.map(|m| m.files.into_keys().collect()).unwrap_or_default();
    let mut manifest = crate::manifest::Manifest::new();
    let mut report = Replaced::default();
    for (path, bytes) in files {
        manifest.add_file(path.clone(), bytes);
        let target = t.dir.join(path.replace('/', std::path::MAIN_SEPARATOR_STR));
        match std::fs::read(&target) {
            Ok(old) if old == *bytes => {}
            Ok(_) if !owned.contains(path) && !force => {
                return Err(OutputError::Collision { path: path.clone() });
            }
            _ => report.written.push(path.clone()),
        }
    }
    let new_paths: BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    report.removed = owned
        .iter()
        .filter(|p| !new_paths.contains(p.as_str()) && p.as_str() != crate::manifest::MANIFEST_PATH)
        .cloned()
        .collect();
    let manifest_json = manifest.to_json();
    let manifest_path = t.dir.join(crate::manifest::MANIFEST_PATH);
    let manifest_changed =
        std::fs::read(&manifest_path).ok().as_deref() != Some(manifest_json.as_bytes());
    if report.written.is_empty() && report.removed.is_empty() && !manifest_changed {
        return Ok(report);
    }

    let staging = t.sibling(&format!("new-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let staged = (|| -> Result<(), OutputError> {
        std::fs::create_dir_all(&staging).map_err(|source| OutputError::Write {
            path: shown(&staging),
            source: source.to_string(),
        })?;
        for (path, bytes) in files {
            if report.written.contains(path) {
                write_one(&staging, path, bytes)?;
            }
        }
        write_one(&staging, crate::manifest::MANIFEST_PATH, manifest_json.as_bytes())?;
        sync_tree(&staging);
        let name =
            staging.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut journal = format!("gongkai-files-v1\n{name}\n");
        for p in &report.written {
            journal.push_str(&format!("put\t{p}\n"));
        }
        for p in &report.removed {
            journal.push_str(&format!("del\t{p}\n"));
        }
        journal.push_str(&format!("put\t{}\nend\n", crate::manifest::MANIFEST_PATH));
        write_synced(&t.files_journal(), journal.as_bytes()).map_err(|source| {
            OutputError::Write { path: shown(&t.files_journal()), source: source.to_string() }
        })?;
        sync_dir(&t.parent);
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = std::fs::remove_file(t.files_journal());
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    recover_files_locked(&t)?;
    Ok(report)
}

/// Carries out a complete files journal of [`replace_files`] (again, after a kill: a move
/// already done finds its staged file gone and is skipped); a journal without its `end` line
/// was cut short before any move, so it is dropped with its staging folder.
fn recover_files_locked(t: &Target) -> Result<(), OutputError> {
    let journal = t.files_journal();
    let Ok(text) = std::fs::read_to_string(&journal) else { return Ok(()) };
    let lines: Vec<&str> = text.lines().collect();
    let drop_journal = || match std::fs::remove_file(&journal) {
        Ok(()) => {
            sync_dir(&t.parent);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OutputError::Swap { path: shown(&t.shown), source: source.to_string() }),
    };
    let (true, Some(&"gongkai-files-v1"), Some(name), Some(&"end")) =
        (lines.len() >= 3, lines.first(), lines.get(1), lines.last())
    else {
        return drop_journal();
    };
    let staging = t.parent.join(name);
    let swap_err = |source: std::io::Error| OutputError::Swap {
        path: shown(&t.shown),
        source: source.to_string(),
    };
    for (i, line) in lines[2..lines.len() - 1].iter().enumerate() {
        let Some((op, path)) = line.split_once('\t') else { continue };
        let native = path.replace('/', std::path::MAIN_SEPARATOR_STR);
        let target = t.dir.join(&native);
        match op {
            "put" => {
                let from = staging.join(&native);
                if !from.exists() {
                    continue;
                }
                if let Some(p) = target.parent() {
                    std::fs::create_dir_all(p).map_err(swap_err)?;
                }
                std::fs::rename(&from, &target).map_err(swap_err)?;
            }
            "del" => match std::fs::remove_file(&target) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(swap_err(e)),
                _ => {}
            },
            _ => {}
        }
        if i == 0 {
            fault_point("files-mid");
        }
    }
    sync_dir(&t.dir);
    drop_journal()?;
    let _ = std::fs::remove_dir_all(&staging);
    Ok(())
}

/// Writes `files` to a fresh folder `out` (the print command's temporary site).
pub fn publish(out: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let p = prepare(out, true)?;
    if let Err(e) = write_all(&p.staging, files) {
        p.abandon();
        return Err(e);
    }
    p.swap_in().map(|_| ())
}

/// Writes files into `dir` (created fresh), in parallel.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Write {
        path: dir.display().to_string(),
        source: source.to_string(),
    })?;
    files.par_iter().try_for_each(|f| match &f.contents {
        Contents::Bytes(b) => write_one(dir, &f.path, b),
        Contents::Shared(b) => write_one(dir, &f.path, b),
        Contents::Copy(src) => {
            let target = dir.join(f.path.replace('/', std::path::MAIN_SEPARATOR_STR));
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p).map_err(|source| OutputError::Write {
                    path: f.path.clone(),
                    source: source.to_string(),
                })?;
            }
            std::fs::copy(src, &target).map(|_| ()).map_err(|source| OutputError::Write {
                path: f.path.clone(),
                source: source.to_string(),
            })
        }
        // Written by a Sink into this very folder already.
        Contents::Written { .. } => Ok(()),
    })
}

/// Every file under `dir` outside hidden folders and without a hidden name.
fn visible_files(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| crate::diagnostic::display_path(dir, e.path()))
        .collect()
}

/// Removes staging or old folders left behind by an interrupted build (under the lock, so no
/// running build's staging folder is touched).
fn clean_leftovers(t: &Target) {
    let prefix = format!(".{}.gongkai-", t.name);
    if let Ok(entries) = std::fs::read_dir(&t.parent) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix(&prefix)
                && (rest.starts_with("new-") || rest.starts_with("old-"))
            {
                remove_tree(&e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, s: &str) -> OutputFile {
        OutputFile { path: path.into(), contents: Contents::Bytes(s.as_bytes().to_vec()) }
    }

    fn build(out: &Path, files: &[OutputFile]) -> Vec<String> {
        let p = prepare(out, false).unwrap();
        write_all(&p.staging, files).unwrap();
        let mut m = crate::manifest::Manifest::new();
        for f in files {
            if let Contents::Bytes(b) = &f.contents {
                m.add_file(f.path.clone(), b);
            }
        }
        std::fs::write(p.staging.join("manifest.json"), m.to_json()).unwrap();
        p.swap_in().unwrap()
    }

    #[test]
    fn replaces_output_and_drops_stale_files_but_keeps_foreign_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[file("a/index.html", "1"), file("old.html", "x")]);
        std::fs::create_dir_all(out.join(".git/objects")).unwrap();
        std::fs::write(out.join(".git/objects/x"), "obj").unwrap();
        std::fs::write(out.join("a/.htaccess"), "deny").unwrap();
        let kept = build(&out, &[file("a/index.html", "2")]);
        assert_eq!(kept, vec![".git".to_string(), "a".to_string()]);
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "2");
        assert!(!out.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(out.join(".git/objects/x")).unwrap(), "obj");
        assert_eq!(std::fs::read_to_string(out.join("a/.htaccess")).unwrap(), "deny");
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, vec![".public.gongkai-lock".to_string(), "public".to_string()]);
    }

    #[test]
    fn a_foreign_file_in_the_way_is_an_error_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[file("index.html", "1")]);
        std::fs::write(out.join("robots.txt"), "mine").unwrap();
        let p = prepare(&out, false).unwrap();
        write_all(&p.staging, &[file("index.html", "2"), file("robots.txt", "gongkai")]).unwrap();
        let err = p.swap_in().unwrap_err();
        assert!(matches!(&err, OutputError::Collision { path } if path == "robots.txt"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("robots.txt")).unwrap(), "mine");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "1");
    }

    #[test]
    fn an_interrupted_two_rename_swap_is_completed_by_recover() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let t = Target::resolve(&out).unwrap();
        // The state a kill between the two renames leaves: no output, both folders, a journal.
        let new = t.sibling("new-1");
        let old = t.sibling("old-1");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("index.html"), "new").unwrap();
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(
            t.journal(),
            "gongkai-swap-v1\n.public.gongkai-new-1\n.public.gongkai-old-1\n",
        )
        .unwrap();
        recover(&out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert!(!t.journal().exists());
    }

    #[test]
    fn remove_tree_removes_every_level_and_nothing_a_link_points_to() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("keep.txt"), "keep").unwrap();
        let old = tmp.path().join("old");
        for i in 0..20 {
            let d = old.join(format!("section-{}", i % 3)).join(format!("p{i}")).join("deep");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("index.html"), "x").unwrap();
        }
        std::fs::write(old.join("index.html"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, old.join("section-0/link")).unwrap();
        remove_tree(&old);
        assert!(!old.exists());
        assert_eq!(std::fs::read_to_string(outside.join("keep.txt")).unwrap(), "keep");
    }
}
