//! Printing to PDF with a locally installed Chromium, Chrome or Edge in headless mode.
//!
//! Everything about the layout is in the pages' CSS (`@page` sizes, margin boxes with page
//! numbers), so printing from the browser by hand gives the same result; the browser is only
//! asked to print without its own header and footer.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Browser executables looked up on PATH, in order.
pub const BROWSER_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
    "microsoft-edge",
    "microsoft-edge-stable",
];

/// Usual install paths on Windows and macOS.
pub const INSTALL_PATHS: &[&str] = &[
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Chromium\Application\chrome.exe",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
];

crate::messages! {
    /// Why no PDF could be printed.
    pub enum PrintError {
        NoBrowser = "print.no-browser",
            zh: "找不到 Chromium、Chrome 或 Edge 浏览器，无法生成 PDF。请安装其中一个（Windows 自带 Edge；Linux 可运行 apt-get install chromium），或者把环境变量 GONGKAI_BROWSER 设为浏览器程序的完整路径。也可以用浏览器打开网页，按“打印本页”按钮手动打印，效果相同。",
            en: "no Chromium, Chrome or Edge found: install one, or set GONGKAI_BROWSER to its path";
        BadEnv(path: String) = "print.bad-browser-path",
            zh: "环境变量 GONGKAI_BROWSER 指向 {path}，但这个文件不存在。请改成浏览器程序（chrome.exe、msedge.exe 或 chromium）的完整路径。",
            en: "GONGKAI_BROWSER points to {path}, which does not exist";
        Spawn(reason: String) = "print.spawn",
            zh: "无法启动浏览器：{reason}",
            en: "the browser could not be started: {reason}";
        Failed(reason: String) = "print.failed",
            zh: "浏览器没有生成 PDF：{reason}",
            en: "the browser did not write the PDF: {reason}";
    }
}

/// Finds a browser: GONGKAI_BROWSER, then PATH, then the usual install paths.
pub fn find_browser() -> Result<PathBuf, PrintError> {
    if let Some(v) = std::env::var_os("GONGKAI_BROWSER").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(&v);
        if p.is_file() {
            return Ok(p);
        }
        if let Some(found) = on_path(&p.to_string_lossy()) {
            return Ok(found);
        }
        return Err(PrintError::BadEnv(p.display().to_string()));
    }
    for name in BROWSER_NAMES {
        if let Some(p) = on_path(name) {
            return Ok(p);
        }
    }
    windows_install_paths()
        .into_iter()
        .chain(INSTALL_PATHS.iter().map(PathBuf::from))
        .find(|p| p.is_file())
        .ok_or(PrintError::NoBrowser)
}

/// Edge and Chrome where Windows actually put them: under `%ProgramFiles%`,
/// `%ProgramFiles(x86)%` (not always on drive C:) and, for Chrome installed without
/// administrator rights, `%LOCALAPPDATA%`. Empty where those variables are not set.
pub fn windows_install_paths() -> Vec<PathBuf> {
    install_paths_under(|var| std::env::var_os(var))
}

fn install_paths_under(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Vec<PathBuf> {
    const APPS: &[&str] = &[
        r"Microsoft\Edge\Application\msedge.exe",
        r"Google\Chrome\Application\chrome.exe",
        r"Chromium\Application\chrome.exe",
    ];
    let mut out = Vec::new();
    for var_name in ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"] {
        let Some(base) = var(var_name).filter(|v| !v.is_empty()) else { continue };
        for app in APPS {
            out.push(PathBuf::from(&base).join(app));
        }
    }
    out
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for ext in ["", ".exe"] {
            let candidate = dir.join(format!("{name}{ext}"));
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// A `file://` URL for a local file.
pub fn file_url(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    file_url_of(&abs.to_string_lossy())
}

/// The `file://` URL of an absolute path written the Unix or the Windows way: `C:\村\a.html`,
/// the `\\?\C:\…` form `canonicalize` returns on Windows, and UNC shares `\\server\share\…`
/// (also as `\\?\UNC\server\share\…`), which become `file://server/share/…`.
pub fn file_url_of(path: &str) -> String {
    let s = path.replace('\\', "/");
    let (host, rest) = if let Some(unc) = s.strip_prefix("//?/UNC/") {
        unc.split_once('/').unwrap_or((unc, ""))
    } else if let Some(local) = s.strip_prefix("//?/") {
        ("", local)
    } else if let Some(unc) = s.strip_prefix("//") {
        unc.split_once('/').unwrap_or((unc, ""))
    } else {
        ("", s.as_str())
    };
    let rest = rest.trim_start_matches('/');
    let encoded: Vec<String> = rest.split('/').map(crate::urls::encode_segment).collect();
    let mut joined = encoded.join("/");
    // Keep a drive letter's colon: `C:/`, not `C%3A/`.
    let bytes = rest.as_bytes();
    if host.is_empty() && bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        joined = joined.replacen("%3A", ":", 1);
    }
    format!("file://{}/{joined}", crate::urls::encode_segment(host))
}

/// Flags for running Chromium headless and quiet: no sandbox (containers, root), no GPU, and
/// nothing that reaches the network by itself. Tests and benchmarks use the same list.
pub const HEADLESS_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Prints the page at `url` to `pdf` with `browser`.
pub fn print_to_pdf(browser: &Path, url: &str, pdf: &Path) -> Result<(), PrintError> {
    let profile = tempfile::tempdir().map_err(|e| PrintError::Spawn(e.to_string()))?;
    let pdf_abs = if pdf.is_absolute() {
        pdf.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(pdf)).unwrap_or_else(|_| pdf.to_path_buf())
    };
    let _ = std::fs::remove_file(&pdf_abs);
    let out = Command::new(browser)
        .args(HEADLESS_FLAGS)
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf_abs.display()))
        .arg(url)
        .output()
        .map_err(|e| PrintError::Spawn(format!("{}: {e}", browser.display())))?;
    let ok = std::fs::metadata(&pdf_abs).map(|m| m.len() > 0).unwrap_or(false);
    if !ok {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(PrintError::Failed(format!(
            "{} ({})",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_encoded() {
        let u = file_url(Path::new("/tmp/青石 村/index.html"));
        assert_eq!(u, "file:///tmp/%E9%9D%92%E7%9F%B3%20%E6%9D%91/index.html");
    }

    #[test]
    fn windows_paths_become_file_urls_without_backslashes() {
        let cun = "%E9%9D%92%E7%9F%B3%E6%9D%91"; // 青石村
        let cases = [
            (
                r"C:\Users\文书\青石村\public\index.html",
                format!("file:///C:/Users/%E6%96%87%E4%B9%A6/{cun}/public/index.html"),
            ),
            (
                r"\\?\D:\三务 公开\a.html",
                "file:///D:/%E4%B8%89%E5%8A%A1%20%E5%85%AC%E5%BC%80/a.html".to_string(),
            ),
            (r"\\server\share\青石村\index.html", format!("file://server/share/{cun}/index.html")),
            (
                r"\\?\UNC\server\share\青石村\index.html",
                format!("file://server/share/{cun}/index.html"),
            ),
            (r"D:/发布/a:b.html", "file:///D:/%E5%8F%91%E5%B8%83/a%3Ab.html".to_string()),
        ];
        for (path, want) in cases {
            let got = file_url_of(path);
            assert_eq!(got, want, "{path}");
            assert!(!got.contains('\\'), "{got}");
        }
    }

    #[test]
    fn windows_browsers_are_looked_for_where_windows_installed_them() {
        let env = |var: &str| match var {
            "ProgramFiles" => Some(r"D:\Program Files".into()),
            "LOCALAPPDATA" => Some(r"C:\Users\文书\AppData\Local".into()),
            _ => None,
        };
        let paths: Vec<String> =
            install_paths_under(env).iter().map(|p| p.to_string_lossy().into_owned()).collect();
        assert_eq!(paths.len(), 6, "{paths:?}");
        // Edge first: every Windows 10/11 PC has it.
        assert!(paths[0].starts_with(r"D:\Program Files"), "{paths:?}");
        assert!(paths[0].ends_with(r"Microsoft\Edge\Application\msedge.exe"), "{paths:?}");
        assert!(paths[4].starts_with(r"C:\Users\文书\AppData\Local"), "{paths:?}");
        assert!(paths[4].ends_with(r"Google\Chrome\Application\chrome.exe"), "{paths:?}");
        assert!(install_paths_under(|_| None).is_empty());
    }
}
