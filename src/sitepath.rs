//! Paths stay inside the site: a file named in front matter (an attachment, `cover`, a `gallery`
//! photo, a ledger) or met while walking `content/`, `static/` or `templates/` is used only if it
//! is, after resolving every symlink, inside the site folder. Nothing outside is read, copied or
//! even measured: a posting could otherwise publish `/etc/passwd` or the clerk's own documents.
//!
//! Checked lexically first (absolute paths and `..` that climb out are refused without touching
//! the disk), then on disk: a symlink (or a Windows junction) whose target lies outside the site
//! is an error naming the link. This module imports nothing above `diagnostic`.

use std::path::{Component, Path, PathBuf};

crate::messages! {
    /// Why a path is refused.
    #[derive(Eq)]
    pub enum PathError {
        Absolute(f: String) = "path.absolute",
            zh: "`{f}` 是一个完整路径，指向网站文件夹以外的地方，gongkai 不会读取或公开它。请把文件复制到这篇内容所在的文件夹里，只写文件名，例如 file = \"名单.pdf\"",
            en: "`{f}` is an absolute path; name a file in this posting's folder instead";
        Escapes(f: String) = "path.escapes",
            zh: "`{f}` 用 .. 走出了 content 文件夹，gongkai 不会读取或公开那里的文件。请把文件复制到这篇内容所在的文件夹里，只写文件名",
            en: "`{f}` leads out of the content/ folder; name a file in this posting's folder instead";
        LinkOutside(f: String) = "path.link-outside",
            zh: "`{f}` 是一个快捷方式（符号链接），指向网站文件夹以外的地方，gongkai 不会读取或公开它。请删掉这个快捷方式，把真正要公开的文件复制进来",
            en: "`{f}` is a link to a place outside the site folder; copy the file into the site instead";
    }
}

/// Whether `file` as written is absolute on any OS (`/etc/passwd`, `\\server\share`, `C:\x`,
/// `C:x`): site files are written the same on Windows and elsewhere.
pub fn is_absolute_anywhere(file: &str) -> bool {
    let b = file.as_bytes();
    file.starts_with(['/', '\\'])
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
        || Path::new(file).is_absolute()
}

/// Resolves `file`, written in a posting in folder `dir` (inside `content`), to a path inside
/// `content`. Refuses absolute paths, `..` that climb out of `content`, and (when the file
/// exists) a file that, links resolved, is outside `root`. A missing file is returned as is:
/// the caller reports it as missing.
pub fn resolve_named(
    root: &Path,
    content: &Path,
    dir: &Path,
    file: &str,
) -> Result<PathBuf, PathError> {
    if is_absolute_anywhere(file) {
        return Err(PathError::Absolute(file.to_string()));
    }
    // Lexically: the folders below content/ that `dir` is in, then the parts of `file`.
    let mut depth = dir.strip_prefix(content).map(|r| r.components().count()).unwrap_or(0);
    for part in file.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth = depth.checked_sub(1).ok_or_else(|| PathError::Escapes(file.to_string()))?
            }
            _ => depth += 1,
        }
    }
    let path = dir.join(file);
    if path.components().any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
        && !path.starts_with(content)
    {
        return Err(PathError::Absolute(file.to_string()));
    }
    if std::fs::symlink_metadata(&path).is_ok() && !inside(root, &path) {
        return Err(PathError::LinkOutside(file.to_string()));
    }
    Ok(path)
}

/// Whether `path` (which exists), every link resolved, is inside `root`.
pub fn inside(root: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        // A dangling link or an unreadable folder: nothing there to publish.
        _ => false,
    }
}

/// For an entry met while walking a site folder: `Err` when it is a symlink (or junction) whose
/// target is outside `root` (or dangling); `Ok(true)` when it is a link inside the site.
pub fn check_link(root: &Path, path: &Path, shown: &str) -> Result<bool, PathError> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| is_link_or_junction(&m));
    if !is_link {
        return Ok(false);
    }
    if inside(root, path) { Ok(true) } else { Err(PathError::LinkOutside(shown.to_string())) }
}

#[cfg(windows)]
fn is_link_or_junction(m: &std::fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    // FILE_ATTRIBUTE_REPARSE_POINT: symlinks and junctions alike.
    m.file_type().is_symlink() || m.file_attributes() & 0x400 != 0
}

#[cfg(not(windows))]
fn is_link_or_junction(m: &std::fs::Metadata) -> bool {
    m.file_type().is_symlink()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_and_escaping_paths_are_refused_without_touching_the_disk() {
        let root = Path::new("/nonexistent-site");
        let content = root.join("content");
        let dir = content.join("village/2026-road");
        for f in ["/etc/passwd", "\\\\server\\share\\a.pdf", "C:\\Users\\a.pdf", "c:a.pdf"] {
            assert_eq!(
                resolve_named(root, &content, &dir, f),
                Err(PathError::Absolute(f.into())),
                "{f}"
            );
        }
        for f in ["../../../../etc/passwd", "../../../site.toml", "a/../../../../x"] {
            assert_eq!(
                resolve_named(root, &content, &dir, f),
                Err(PathError::Escapes(f.into())),
                "{f}"
            );
        }
        assert_eq!(
            resolve_named(root, &content, &dir, "../2026-well/a.pdf"),
            Ok(dir.join("../2026-well/a.pdf"))
        );
        assert_eq!(resolve_named(root, &content, &dir, "名单.pdf"), Ok(dir.join("名单.pdf")));
    }
}
