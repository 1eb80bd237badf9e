//! Writes a finished build so that `public/` is never half-written.
//!
//! Everything goes into a fresh staging folder beside the output; only when every file is
//! written is the old output swapped out and the new one renamed into place. A failed or
//! interrupted build leaves the published site exactly as it was, and files whose source is gone
//! disappear because the output is replaced as a whole.

use crate::diagnostic::Message;
use crate::render::{Contents, OutputFile};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("cannot replace {path}: {source}")]
    Swap { path: String, source: std::io::Error },
    #[error("output path {0} is not a folder gongkai may replace")]
    Unsafe(String),
}

impl Message for OutputError {
    fn code(&self) -> &'static str {
        match self {
            OutputError::Write { .. } => "output.write",
            OutputError::Swap { .. } => "output.swap",
            OutputError::Unsafe(_) => "output.unsafe",
        }
    }
    fn zh(&self) -> String {
        match self {
            OutputError::Write { path, source } => format!(
                "无法写入 {path}：{source}。请检查磁盘空间和文件夹权限；已发布的网站没有改动"
            ),
            OutputError::Swap { path, source } => format!(
                "无法替换输出文件夹 {path}：{source}。可能有程序（资源管理器、网页服务器）正在使用它，请关闭后重试；已发布的网站没有改动"
            ),
            OutputError::Unsafe(p) => format!(
                "输出位置 {p} 不能是网站文件夹本身或 content 等源文件夹，请换一个（默认是 public）"
            ),
        }
    }
    fn en(&self) -> String {
        self.to_string()
    }
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
            Contents::Copy(src) => std::borrow::Cow::Owned(
                std::fs::read(src)
                    .map_err(|source| OutputError::Write { path: f.path.clone(), source })?,
            ),
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
        std::fs::create_dir_all(p)
            .map_err(|source| OutputError::Write { path: path.to_string(), source })?;
    }
    std::fs::write(&target, bytes)
        .map_err(|source| OutputError::Write { path: path.to_string(), source })
}

/// A fresh staging folder beside `out` (leftovers of interrupted builds are removed first).
pub fn staging_for(out: &Path) -> Result<PathBuf, OutputError> {
    let (parent, name) = parent_and_name(out);
    std::fs::create_dir_all(&parent)
        .map_err(|source| OutputError::Write { path: parent.display().to_string(), source })?;
    clean_leftovers(&parent, &name);
    let staging = parent.join(format!(".{name}.gongkai-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|source| OutputError::Write { path: staging.display().to_string(), source })?;
    Ok(staging)
}

/// Swaps a completely written staging folder in as `out`; on failure the staging folder is
/// removed and `out` is left as it was.
pub fn swap_in(out: &Path, staging: &Path) -> Result<(), OutputError> {
    let (parent, name) = parent_and_name(out);
    let result = swap(out, staging, &parent, &name);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(staging);
    }
    result
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

/// Names that are kept from the old output when it is replaced (a deploy repository).
const KEEP: &[&str] = &[".git"];

/// Writes `files` to a staging folder, then swaps it in as `out`.
pub fn publish(out: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent)
        .map_err(|source| OutputError::Write { path: parent.display().to_string(), source })?;
    clean_leftovers(&parent, &name);
    let staging = parent.join(format!(".{name}.gongkai-new-{}", std::process::id()));
    let result = write_all(&staging, files).and_then(|()| swap(out, &staging, &parent, &name));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Writes files into `dir` (created fresh), in parallel.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)
        .map_err(|source| OutputError::Write { path: dir.display().to_string(), source })?;
    files.par_iter().try_for_each(|f| match &f.contents {
        Contents::Bytes(b) => write_one(dir, &f.path, b),
        Contents::Copy(src) => {
            let target = dir.join(f.path.replace('/', std::path::MAIN_SEPARATOR_STR));
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p)
                    .map_err(|source| OutputError::Write { path: f.path.clone(), source })?;
            }
            std::fs::copy(src, &target)
                .map(|_| ())
                .map_err(|source| OutputError::Write { path: f.path.clone(), source })
        }
        // Written by a Sink into this very folder already.
        Contents::Written { .. } => Ok(()),
    })
}

fn swap(out: &Path, staging: &Path, parent: &Path, name: &str) -> Result<(), OutputError> {
    let old = parent.join(format!(".{name}.gongkai-old-{}", std::process::id()));
    let had_old = out.exists();
    if had_old {
        for keep in KEEP {
            let from = out.join(keep);
            if from.exists() {
                let _ = std::fs::rename(&from, staging.join(keep));
            }
        }
        std::fs::rename(out, &old)
            .map_err(|source| OutputError::Swap { path: out.display().to_string(), source })?;
    }
    if let Err(source) = std::fs::rename(staging, out) {
        if had_old {
            let _ = std::fs::rename(&old, out);
        }
        return Err(OutputError::Swap { path: out.display().to_string(), source });
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Removes staging or old folders left behind by an interrupted build.
fn clean_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.gongkai-");
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
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

    #[test]
    fn replaces_output_and_drops_stale_files_but_keeps_git() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, &[file("a/index.html", "1"), file("old.html", "x")]).unwrap();
        std::fs::create_dir_all(out.join(".git")).unwrap();
        publish(&out, &[file("a/index.html", "2")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "2");
        assert!(!out.join("old.html").exists());
        assert!(out.join(".git").is_dir());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(leftovers.len(), 1, "only public/ remains");
    }
}
