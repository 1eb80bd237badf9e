//! Site-relative paths and the relative links between pages.
//!
//! Every internal link in the output is relative, so one `public/` folder works at a domain
//! root, under a sub-path, and opened from disk (`file://`, a USB stick). Links name
//! `index.html` explicitly because a browser opening files from disk does not add it.

/// The prefix that leads from the folder of `from` (a site-relative file path such as
/// `village/2026-road/index.html`) back to the site root: `../../`.
pub fn root_prefix(from: &str) -> String {
    let depth = from.matches('/').count();
    "../".repeat(depth)
}

/// A relative link from the page file `from` to the site-relative `to`, percent-encoded.
/// Both are site-relative paths with `/` separators.
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let (to_path, fragment) = match to.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (to, None),
    };
    let to_parts: Vec<&str> = to_path.split('/').collect();
    let common = from_dir.iter().zip(to_parts.iter()).take_while(|(a, b)| a == b).count();
    // Never share the last component of `to` (a file name) with a folder of `from`.
    let common = common.min(to_parts.len().saturating_sub(1));
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(
        &to_parts[common..].iter().map(|p| encode_segment(p)).collect::<Vec<_>>().join("/"),
    );
    if out.is_empty() {
        out.push_str("./");
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&encode_fragment(f));
    }
    out
}

/// Percent-encodes one path segment (UTF-8), leaving RFC 3986 unreserved characters.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes a fragment; non-ASCII heading ids stay readable in the address bar either way.
pub fn encode_fragment(s: &str) -> String {
    encode_segment(s)
}

/// Decodes `%XX` sequences (for reading links back, e.g. in the preview server and tests).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Joins a site-relative path to `base_url` (which may carry a sub-path) for absolute URLs.
pub fn absolute(base_url: &str, rel: &str) -> String {
    let base = format!("{}/", base_url.trim_end_matches('/'));
    let rel = rel.strip_suffix("index.html").unwrap_or(rel);
    let encoded: Vec<String> = rel.split('/').map(encode_segment).collect();
    format!("{base}{}", encoded.join("/"))
}

/// Normalises a `/`-separated path: drops `.` and resolves `..`. Returns None when it climbs
/// above the start.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_pages() {
        assert_eq!(relative("index.html", "village/a/index.html"), "village/a/index.html");
        assert_eq!(relative("village/a/index.html", "index.html"), "../../index.html");
        assert_eq!(
            relative("village/a/index.html", "party/b/index.html"),
            "../../party/b/index.html"
        );
        assert_eq!(relative("village/a/index.html", "village/a/photo.jpg"), "photo.jpg");
        assert_eq!(relative("village/a/index.html", "village/index.html"), "../index.html");
        assert_eq!(relative("village/a/index.html", "village/a/index.html#x"), "index.html#x");
    }

    #[test]
    fn chinese_segments_are_encoded() {
        assert_eq!(
            relative("index.html", "tags/修路/index.html"),
            "tags/%E4%BF%AE%E8%B7%AF/index.html"
        );
        assert_eq!(decode("tags/%E4%BF%AE%E8%B7%AF/"), "tags/修路/");
    }

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("village/page/2/index.html"), "../../../");
    }

    #[test]
    fn absolute_keeps_sub_path() {
        assert_eq!(
            absolute("https://example.org/qingshi", "village/a/index.html"),
            "https://example.org/qingshi/village/a/"
        );
        assert_eq!(
            absolute("https://example.org/qingshi/", "index.html"),
            "https://example.org/qingshi/"
        );
    }

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(normalize("village/a/../b.md").as_deref(), Some("village/b.md"));
        assert_eq!(normalize("../x"), None);
    }
}
