//! The workbench's file operations: paths confined to the site folder, versions by SHA-256,
//! atomic saves that refuse to overwrite a file changed since it was opened, a history of the
//! last [`HISTORY_KEEP`] (or `[preview] history`) versions of each file under `.gongkai-cache/history/`, the recycle
//! folder, and sanitised upload names.

use std::path::{Path, PathBuf};

/// The default of `[preview] history`: earlier versions kept per file.
pub const HISTORY_KEEP: usize = 50;

/// Where deleted postings go, inside the site folder (outside `content/`, so never built).
pub const RECYCLE_DIR: &str = ".gongkai-recycle";

crate::messages! {
    /// Why a file operation failed; shown to the clerk in both languages.
    #[derive(Eq)]
    pub enum StoreError {
        /// A path with `..`, a backslash, a drive, or outside the folders the workbench edits.
        BadPath(path: String) = "store.bad-path",
            zh: "拒绝：路径 “{path}” 不在网站文件夹的 content/ 里（不能有 ..、反斜杠或盘符）。请只打开列表里的文件。",
            en: "refused: {path} is not a file under content/";
        NotFound(path: String) = "store.not-found",
            zh: "找不到文件 {path}（可能已被移走或删除）。请刷新列表。",
            en: "{path} not found";
        /// The file changed on disk since the page read it.
        Conflict { path: String, current: String, version: String } = "store.conflict",
            zh: "{path} 在打开后被别的程序改过了。为了不覆盖别人的修改，没有保存。请对比两个版本，选一个保留。",
            en: "{path} changed on disk since it was opened; not saved";
        Io(path: String, reason: String) = "store.io",
            zh: "写入 {path} 失败：{reason}",
            en: "cannot write {path}: {reason}";
        BadName(name: String) = "store.bad-name",
            zh: "文件名 “{name}” 不能用：请改成普通的文件名（可以有中文，不要有 / \\ : * ? \" < > |）。",
            en: "file name {name:?} cannot be used";
        Exists(path: String) = "store.exists",
            zh: "{path} 已经存在，没有覆盖。请换一个标题或日期。",
            en: "{path} already exists; not overwritten";
    }
}

impl StoreError {
    pub fn status(&self) -> u16 {
        match self {
            StoreError::BadPath(_) | StoreError::BadName(_) => 403,
            StoreError::NotFound(_) => 404,
            StoreError::Conflict { .. } | StoreError::Exists(_) => 409,
            StoreError::Io(..) => 500,
        }
    }
}

/// The version of some bytes: their SHA-256 in hex (`""` for a file that does not exist).
pub fn version(bytes: &[u8]) -> String {
    crate::manifest::sha256_hex(bytes)
}

/// Checks a site-relative path the page sent (`content/village/a.md`) and joins it to `root`.
/// Only `/`-separated normal components under `content/` (or `site.toml`) are accepted, and
/// the deepest existing folder on the way must still resolve inside the site (no symlink out).
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf, StoreError> {
    let bad = || StoreError::BadPath(rel.to_string());
    if rel.is_empty() || rel.contains('\\') || rel.starts_with('/') || rel.contains('\0') {
        return Err(bad());
    }
    let parts: Vec<&str> = rel.split('/').collect();
    let normal = parts.iter().all(|p| {
        !p.is_empty()
            && *p != "."
            && *p != ".."
            && !p.contains(':')
            && !p.chars().any(char::is_control)
    });
    let allowed = rel == "site.toml" || (parts.len() >= 2 && parts[0] == "content");
    if !normal || !allowed {
        return Err(bad());
    }
    let path = parts.iter().fold(root.to_path_buf(), |p, c| p.join(c));
    let root_c = std::fs::canonicalize(root).map_err(|_| bad())?;
    let mut probe = path.clone();
    while !probe.exists() {
        match probe.parent() {
            Some(p) => probe = p.to_path_buf(),
            None => return Err(bad()),
        }
    }
    match std::fs::canonicalize(&probe) {
        Ok(c) if c.starts_with(&root_c) => Ok(path),
        _ => Err(bad()),
    }
}

/// Reads a file's text and version.
pub fn read(root: &Path, rel: &str) -> Result<(String, String), StoreError> {
    let path = resolve(root, rel)?;
    let bytes = std::fs::read(&path).map_err(|_| StoreError::NotFound(rel.to_string()))?;
    let v = version(&bytes);
    Ok((String::from_utf8_lossy(&bytes).into_owned(), v))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".gongkai-save-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn history_dir(root: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(root.join(".gongkai-cache").join("history"), |p, c| p.join(c))
}

/// One kept version of a file.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Version {
    /// Its name in the history folder (`000012`).
    pub id: String,
    pub bytes: u64,
    /// When it was replaced, Beijing time (`2026-10-09 14:03:12`).
    pub saved: String,
    pub version: String,
}

/// Keeps `bytes` (the content about to be replaced) as the newest version of `rel`.
pub fn keep(root: &Path, rel: &str, bytes: &[u8], versions: usize) -> std::io::Result<()> {
    let dir = history_dir(root, rel);
    std::fs::create_dir_all(&dir)?;
    let mut ids = ids(&dir);
    let next = ids.last().map(|n| n + 1).unwrap_or(1);
    write_atomic(&dir.join(format!("{next:06}")), bytes)?;
    ids.push(next);
    let excess = ids.len().saturating_sub(versions.max(1));
    for old in &ids[..excess] {
        let _ = std::fs::remove_file(dir.join(format!("{old:06}")));
    }
    Ok(())
}

fn ids(dir: &Path) -> Vec<u64> {
    let mut ids: Vec<u64> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
                .collect()
        })
        .unwrap_or_default();
    ids.sort_unstable();
    ids
}

/// The kept versions of `rel`, newest first.
pub fn history(root: &Path, rel: &str) -> Result<Vec<Version>, StoreError> {
    resolve(root, rel)?;
    let dir = history_dir(root, rel);
    let mut out = Vec::new();
    for id in ids(&dir).into_iter().rev() {
        let name = format!("{id:06}");
        let p = dir.join(&name);
        let Ok(bytes) = std::fs::read(&p) else { continue };
        let saved = std::fs::metadata(&p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| jiff::Timestamp::try_from(t).ok())
            .map(|t| jiff::tz::Offset::constant(8).to_datetime(t))
            .map(|z| z.strftime("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        out.push(Version { id: name, bytes: bytes.len() as u64, saved, version: version(&bytes) });
    }
    Ok(out)
}

/// The text of a kept version.
pub fn old_version(root: &Path, rel: &str, id: &str) -> Result<String, StoreError> {
    resolve(root, rel)?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::NotFound(format!("{rel} #{id}")));
    }
    std::fs::read(history_dir(root, rel).join(id))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|_| StoreError::NotFound(format!("{rel} #{id}")))
}

/// Saves `bytes` as `rel` if the file is still at `base` (its version when the page opened it;
/// `""` for a file that must not exist yet). The previous content goes to the history first.
/// Returns the new version.
pub fn save(
    root: &Path,
    rel: &str,
    bytes: &[u8],
    base: &str,
    versions: usize,
) -> Result<String, StoreError> {
    let path = resolve(root, rel)?;
    let io = |e: std::io::Error| StoreError::Io(rel.to_string(), e.to_string());
    let current = match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let current_version = current.as_deref().map(version).unwrap_or_default();
    if current_version != base {
        return Err(StoreError::Conflict {
            path: rel.to_string(),
            current: current
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
            version: current_version,
        });
    }
    if let Some(old) = &current {
        if old.as_slice() == bytes {
            return Ok(current_version);
        }
        keep(root, rel, old, versions).map_err(io)?;
    }
    write_atomic(&path, bytes).map_err(io)?;
    Ok(version(bytes))
}

/// A file name from the browser made safe: the last component only, no characters Windows
/// refuses, no leading dots, no reserved device names; Chinese and spaces are kept.
pub fn sanitize_name(name: &str) -> Result<String, StoreError> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !"<>:\"|?*".contains(*c))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .chars()
        .take(120)
        .collect();
    let stem = cleaned.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if cleaned.is_empty() || reserved || cleaned == "index.md" {
        return Err(StoreError::BadName(name.to_string()));
    }
    Ok(cleaned)
}

/// Makes the single-file posting `content/x/a.md` the bundle `content/x/a/index.md` (same URL),
/// keeping its history under the new name. Returns the posting's path after the move.
pub fn make_bundle(root: &Path, rel: &str) -> Result<String, StoreError> {
    if rel.ends_with("/index.md") {
        return Ok(rel.to_string());
    }
    let Some(stem) = rel.strip_suffix(".md") else {
        return Err(StoreError::BadPath(rel.to_string()));
    };
    let from = resolve(root, rel)?;
    let new_rel = format!("{stem}/index.md");
    let to = resolve(root, &new_rel)?;
    if to.exists() {
        return Err(StoreError::Exists(new_rel));
    }
    let io = |e: std::io::Error| StoreError::Io(rel.to_string(), e.to_string());
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::rename(&from, &to).map_err(io)?;
    let (old_h, new_h) = (history_dir(root, rel), history_dir(root, &new_rel));
    if old_h.is_dir() {
        if let Some(p) = new_h.parent() {
            let _ = std::fs::create_dir_all(p);
        }
        let _ = std::fs::rename(old_h, new_h);
    }
    Ok(new_rel)
}

/// Moves a posting (its file, or its bundle folder) to the recycle folder, under the same
/// relative path and a free numbered name. Returns where it went (site-relative).
pub fn recycle(root: &Path, rel: &str) -> Result<String, StoreError> {
    let path = resolve(root, rel)?;
    let (what, what_rel) = match rel.strip_suffix("/index.md") {
        Some(dir) => (path.parent().map(Path::to_path_buf).unwrap_or(path.clone()), dir),
        None => (path.clone(), rel),
    };
    if !what.exists() {
        return Err(StoreError::NotFound(rel.to_string()));
    }
    let mut n = 1;
    let dest_rel = loop {
        let candidate = if n == 1 {
            format!("{RECYCLE_DIR}/{what_rel}")
        } else {
            format!("{RECYCLE_DIR}/{what_rel}.{n}")
        };
        if !root.join(&candidate).exists() {
            break candidate;
        }
        n += 1;
    };
    let dest = dest_rel.split('/').fold(root.to_path_buf(), |p, c| p.join(c));
    let io = |e: std::io::Error| StoreError::Io(rel.to_string(), e.to_string());
    if let Some(p) = dest.parent() {
        std::fs::create_dir_all(p).map_err(io)?;
    }
    std::fs::rename(&what, &dest).map_err(io)?;
    Ok(dest_rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_under_content() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("content/village")).unwrap();
        assert!(resolve(t.path(), "content/village/a.md").is_ok());
        assert!(resolve(t.path(), "content/village/新 文件.md").is_ok());
        assert!(resolve(t.path(), "site.toml").is_ok());
        for bad in [
            "../etc/passwd",
            "content/../site.toml",
            "content/village/../../x",
            "/etc/passwd",
            "content\\village\\a.md",
            "C:/Windows/x",
            "content//a.md",
            "public/index.html",
            ".gongkai-cache/x",
            "content",
            "",
        ] {
            assert!(resolve(t.path(), bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_keep_chinese_and_lose_what_windows_refuses() {
        assert_eq!(sanitize_name("账目 三季度.csv").unwrap(), "账目 三季度.csv");
        assert_eq!(sanitize_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(sanitize_name("C:\\Users\\文书\\照片1.jpg").unwrap(), "照片1.jpg");
        assert_eq!(sanitize_name("a<b>:c?.pdf").unwrap(), "abc.pdf");
        assert_eq!(sanitize_name(".hidden").unwrap(), "hidden");
        for bad in ["", "..", "CON.txt", "com1", "index.md", "///"] {
            assert!(sanitize_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn saves_keep_history_and_refuse_stale_versions() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("content/v")).unwrap();
        let rel = "content/v/a.md";
        let v1 = save(t.path(), rel, b"one", "", HISTORY_KEEP).unwrap();
        let v2 = save(t.path(), rel, b"two", &v1, HISTORY_KEEP).unwrap();
        assert!(matches!(
            save(t.path(), rel, b"three", &v1, HISTORY_KEEP),
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(std::fs::read(t.path().join(rel)).unwrap(), b"two");
        let h = history(t.path(), rel).unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(old_version(t.path(), rel, &h[0].id).unwrap(), "one");
        let mut v = v2;
        for i in 0..60 {
            v = save(t.path(), rel, format!("v{i}").as_bytes(), &v, HISTORY_KEEP).unwrap();
        }
        assert_eq!(history(t.path(), rel).unwrap().len(), HISTORY_KEEP);
    }
}
