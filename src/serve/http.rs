//! HTTP side of the preview: which bytes a URL gets, with which type, and which URLs are refused.
//!
//! The site is served from the last good build held in memory, so a URL can only ever reach a
//! page or file that the build produced: a path is decoded, checked to consist of normal
//! components only, then looked up by name. Files the build copies from disk (attachments,
//! photos) are read at request time after checking that they still resolve inside the site.
//! Before anything else, a request whose `Host` does not name this server is refused
//! ([`super::guard`]).

use super::livereload;
use super::says::HttpSays;
use super::{Shared, Snapshot};
use crate::mime::content_type;
use std::path::Path;
use tiny_http::{Header, Method, Request, Response};

/// Where a served file's bytes come from.
#[derive(Debug, Clone)]
pub enum Body {
    Memory(std::sync::Arc<Vec<u8>>),
    Disk(std::path::PathBuf),
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a plain path: traversal, encoded separators, NUL, invalid UTF-8…
    Forbidden,
}

/// A request path decoded into site-relative components.
#[derive(Debug, PartialEq, Eq)]
pub struct SitePath {
    /// Decoded, validated components (no `.`/`..`, no separators).
    pub parts: Vec<String>,
    /// The URL ended with `/` (or was `/`).
    pub dir: bool,
}

impl SitePath {
    /// The output file this path names first: `a/b` or, for a directory, `a/b/index.html`.
    pub fn key(&self) -> String {
        let joined = self.parts.join("/");
        if self.dir {
            if joined.is_empty() {
                "index.html".to_string()
            } else {
                format!("{joined}/index.html")
            }
        } else {
            joined
        }
    }
}

/// Decodes the path of a raw request target (`/tags/%E4%BF%AE%E8%B7%AF/?x=1`).
///
/// Every component is percent-decoded on its own, so an encoded `/` (`%2f`) or `\` (`%5c`)
/// cannot join or split components; any component that decodes to `.`, `..`, contains a
/// separator, a NUL, a drive colon or is not UTF-8 refuses the whole request. Empty components
/// (`//etc/passwd`) are refused too.
pub fn parse_target(target: &str) -> Result<SitePath, Refused> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/').ok_or(Refused::Forbidden)?;
    if rest.is_empty() {
        return Ok(SitePath { parts: Vec::new(), dir: true });
    }
    let (rest, dir) = match rest.strip_suffix('/') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let mut parts = Vec::new();
    for raw in rest.split('/') {
        let bytes = percent_decode(raw).ok_or(Refused::Forbidden)?;
        let part = String::from_utf8(bytes).map_err(|_| Refused::Forbidden)?;
        let bad = part.is_empty()
            || part == "."
            || part == ".."
            || part.contains(['/', '\\', '\0', ':'])
            || part.chars().any(char::is_control);
        if bad {
            return Err(Refused::Forbidden);
        }
        parts.push(part);
    }
    Ok(SitePath { parts, dir })
}

/// `%XX` decoding; `None` on a malformed escape. `+` stays `+` (it is not a space in paths).
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hi = (hex[0] as char).to_digit(16)?;
            let lo = (hex[1] as char).to_digit(16)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Whether `file` (a copy source from the build) still resolves inside `root`: a symlink put in
/// place after the build, or a folder swapped for one, must not expose files outside the site.
pub fn inside(root: &Path, file: &Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(file)) {
        (Ok(r), Ok(f)) => f.starts_with(&r) && f.is_file(),
        _ => false,
    }
}

/// Puts `snippet` before the last `</body>` (or at the end when there is none).
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = rfind(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?).rev().find(|&i| &hay[i..i + needle.len()] == needle)
}

/// Answers one request from the current snapshot. Never panics on bad input; write errors (a
/// tab closed mid-response) are ignored.
pub fn handle(req: Request, shared: &Shared) {
    let url = req.url().to_string();
    if let Some(refusal) = foreign_host(&req, shared) {
        let _ = req.respond(text(403, &refusal));
        return;
    }
    if url.starts_with(crate::workbench::PREFIX) {
        return crate::workbench::handle(req, &shared.workbench);
    }
    if !matches!(req.method(), Method::Get | Method::Head) {
        let _ = req.respond(text(405, &HttpSays::Method.line(shared.workbench.lang)));
        return;
    }
    let path_only = url.split(['?', '#']).next().unwrap_or("");
    match path_only {
        "/__gongkai/events" => {
            shared.hub.subscribe(req);
            return;
        }
        "/__gongkai/livereload.js" => {
            let _ = req.respond(bytes(
                200,
                livereload::SCRIPT.as_bytes().to_vec(),
                "text/javascript; charset=utf-8",
            ));
            return;
        }
        _ => {}
    }
    let Ok(target) = parse_target(&url) else {
        let _ = req.respond(text(403, &HttpSays::BadPath.line(shared.workbench.lang)));
        return;
    };
    let snapshot = shared.snapshot();
    let key = target.key();
    if let Some(body) = snapshot.files.get(&key) {
        let _ = respond_body(req, shared, &snapshot, &key, body, 200);
        return;
    }
    if !target.dir && snapshot.files.contains_key(&format!("{key}/index.html")) {
        // `/village` -> `/village/`, so the page's relative links resolve.
        let query = url.find('?').map(|i| &url[i..]).unwrap_or("");
        let location = format!("{path_only}/{query}");
        let r = Response::empty(301).with_header(header("Location", &location));
        let _ = req.respond(r.with_header(header("Cache-Control", "no-store")));
        return;
    }
    match snapshot.files.get("404.html") {
        Some(body) => {
            let _ = respond_body(req, shared, &snapshot, "404.html", body, 404);
        }
        None => {
            let page = format!(
                "{}{}</body></html>",
                HttpSays::NotFoundPage.text(shared.workbench.lang),
                livereload::script_tag(&snapshot.build)
            );
            let _ = req.respond(bytes(404, page.into_bytes(), "text/html; charset=utf-8"));
        }
    }
}

/// The `403` text for a request whose `Host` is not this server ([`super::guard`]).
fn foreign_host(req: &Request, shared: &Shared) -> Option<String> {
    let hosts: Vec<&str> =
        req.headers().iter().filter(|h| h.field.equiv("Host")).map(|h| h.value.as_str()).collect();
    let http10 = *req.http_version() == tiny_http::HTTPVersion(1, 0);
    match shared.hosts.get() {
        Some(allowed) if allowed.allows(&hosts, http10) => None,
        Some(allowed) => Some(allowed.refusal(hosts.first().copied())),
        None => Some(HttpSays::NotReady.both()),
    }
}

fn respond_body(
    req: Request,
    shared: &Shared,
    snapshot: &Snapshot,
    key: &str,
    body: &Body,
    status: u16,
) -> std::io::Result<()> {
    let ctype = content_type(key);
    match body {
        Body::Memory(b) if ctype.starts_with("text/html") => {
            let html = inject(b, &livereload::script_tag(&snapshot.build));
            req.respond(bytes(status, html, ctype))
        }
        // Shared with the snapshot, not copied: many slow clients of a large file cost one copy.
        Body::Memory(b) => {
            let body = std::io::Cursor::new(SharedBytes(b.clone()));
            let r = Response::new(status.into(), Vec::new(), body, Some(b.len()), None);
            req.respond(typed(r, ctype))
        }
        Body::Disk(p) => {
            let file = inside(&shared.root, p).then(|| std::fs::File::open(p).ok()).flatten();
            match file {
                Some(f) => {
                    let r = Response::from_file(f)
                        .with_status_code(status)
                        .with_header(header("Content-Type", ctype))
                        .with_header(header("Cache-Control", "no-store"))
                        .with_header(header("X-Content-Type-Options", "nosniff"));
                    req.respond(r)
                }
                None => req.respond(text(404, &HttpSays::FileGone.line(shared.workbench.lang))),
            }
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn bytes(status: u16, body: Vec<u8>, ctype: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    typed(Response::from_data(body).with_status_code(status), ctype)
}

fn typed<R: std::io::Read>(r: Response<R>, ctype: &str) -> Response<R> {
    r.with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// The bytes of a snapshot's file, read by a response without copying them.
struct SharedBytes(std::sync::Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn text(status: u16, msg: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    bytes(status, msg.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(t: &str) -> Result<String, Refused> {
        parse_target(t).map(|p| p.key())
    }

    #[test]
    fn plain_and_chinese_paths_decode() {
        assert_eq!(key("/").unwrap(), "index.html");
        assert_eq!(key("/village/").unwrap(), "village/index.html");
        assert_eq!(key("/static/gongkai.css?v=1").unwrap(), "static/gongkai.css");
        assert_eq!(key("/tags/%E4%BF%AE%E8%B7%AF/").unwrap(), "tags/修路/index.html");
        assert_eq!(key("/village").unwrap(), "village");
    }

    #[test]
    fn traversal_in_every_form_is_refused() {
        for t in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/.%2e/x",
            "/a%2f..%2f..%2fetc",
            "/..%5c..%5cwindows",
            "/a\\..\\b",
            "//etc/passwd",
            "/%00",
            "/a%00.html",
            "/C:/Windows",
            "/%ff%fe",
            "/%zz",
            "/./index.html",
            "etc/passwd",
            "http://evil/x",
        ] {
            assert_eq!(key(t), Err(Refused::Forbidden), "{t}");
        }
    }

    #[test]
    fn injects_before_last_body_close() {
        assert_eq!(inject(b"<p></body></html>", "<s>"), b"<p><s></body></html>");
        assert_eq!(inject(b"plain", "<s>"), b"plain<s>");
    }
}
