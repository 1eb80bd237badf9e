//! Atom 1.0 feed (RFC 4287), sitemap (sitemaps.org 0.9) and robots.txt.
//!
//! Everything here is deterministic: dates come from postings (never the build time), entries
//! and URLs are sorted, and times are written as midnight China Standard Time
//! (`2026-10-08T00:00:00+08:00`), since a posting has a day, not a time.

use crate::escape::markup as xml_escape;
use jiff::civil::Date;

/// One posting in the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEntry {
    pub title: String,
    /// Absolute URL of the page, e.g. from [`absolute`].
    pub url_abs: String,
    /// Stable id: a `tag:` URI or the absolute URL. Must not change when the posting is edited.
    pub id: String,
    pub published: Date,
    pub updated: Option<Date>,
    /// Plain text; may be empty (then no `<summary>` is written).
    pub summary: String,
    /// Written as the entry's `<category term="…"/>`.
    pub section_title: String,
}

impl FeedEntry {
    fn last_change(&self) -> Date {
        self.updated.map_or(self.published, |u| u.max(self.published))
    }
}

/// RFC 3339 timestamp at midnight China Standard Time.
pub fn rfc3339(d: Date) -> String {
    format!("{:04}-{:02}-{:02}T00:00:00+08:00", d.year(), d.month(), d.day())
}

/// An Atom 1.0 feed.
///
/// `feed_url_abs` is the feed's own address (its `<id>` and `rel="self"` link), `site_url_abs`
/// the board's home page, `author` the publishing unit (e.g. `青石村村务监督委员会`).
/// Entries are written newest first (by published date, then id). The feed's `<updated>` is the
/// newest entry's `updated` (or `published`) date; `updated_if_empty` is used only when there
/// are no entries — pass a date from the content (e.g. the site's newest page), never "today".
pub fn atom<'e>(
    feed_title: &str,
    feed_url_abs: &str,
    site_url_abs: &str,
    author: &str,
    entries: impl IntoIterator<Item = &'e FeedEntry>,
    updated_if_empty: Date,
) -> String {
    let mut sorted: Vec<&FeedEntry> = entries.into_iter().collect();
    sorted.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.url_abs.cmp(&b.url_abs))
    });
    let updated = sorted.iter().map(|e| e.last_change()).max().unwrap_or(updated_if_empty);

    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    x.push_str(&format!("  <id>{}</id>\n", xml_escape(feed_url_abs)));
    x.push_str(&format!("  <title>{}</title>\n", xml_escape(feed_title)));
    x.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(feed_url_abs)
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(site_url_abs)
    ));
    x.push_str(&format!("  <author>\n    <name>{}</name>\n  </author>\n", xml_escape(author)));
    x.push_str("  <generator>gongkai</generator>\n");
    for e in sorted {
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.id)));
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&e.title)));
        x.push_str(&format!("    <updated>{}</updated>\n", rfc3339(e.last_change())));
        x.push_str(&format!("    <published>{}</published>\n", rfc3339(e.published)));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&e.url_abs)
        ));
        if !e.section_title.is_empty() {
            x.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(&e.section_title)));
        }
        if !e.summary.trim().is_empty() {
            x.push_str(&format!("    <summary>{}</summary>\n", xml_escape(e.summary.trim())));
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// A sitemap (sitemaps.org 0.9): URLs sorted and deduplicated (keeping the latest `lastmod`).
/// A sitemap holds at most 50,000 URLs; a transparency board is far below that.
pub fn sitemap(urls: &[(String, Option<Date>)]) -> String {
    let mut sorted: Vec<(&str, Option<Date>)> =
        urls.iter().map(|(u, d)| (u.as_str(), *d)).collect();
    sorted.sort();
    let mut merged: Vec<(&str, Option<Date>)> = Vec::with_capacity(sorted.len());
    for (u, d) in sorted {
        match merged.last_mut() {
            Some(last) if last.0 == u => last.1 = last.1.max(d),
            _ => merged.push((u, d)),
        }
    }
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (u, d) in merged {
        x.push_str("  <url>\n");
        x.push_str(&format!("    <loc>{}</loc>\n", xml_escape(u)));
        if let Some(d) = d {
            x.push_str(&format!(
                "    <lastmod>{:04}-{:02}-{:02}</lastmod>\n",
                d.year(),
                d.month(),
                d.day()
            ));
        }
        x.push_str("  </url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// `robots.txt` allowing everything and pointing at the sitemap.
pub fn robots(sitemap_abs_url: &str) -> String {
    format!("User-agent: *\nDisallow:\n\nSitemap: {sitemap_abs_url}\n")
}

/// Joins `base_url` (e.g. `https://example.org/qingshi/`, with or without the trailing slash)
/// and a site-relative path (`party/2026-党费/index.html`; a leading `./` or `/` is ignored),
/// percent-encoding what a URL may not contain literally: non-ASCII (as UTF-8 bytes), spaces,
/// controls, `"<>\^`{|}` and a `%` not starting an escape. Existing `%XX` escapes, `?` and `#`
/// are kept. Host names are left alone (no IDNA).
pub fn absolute(base_url: &str, rel: &str) -> String {
    let mut rel = rel;
    loop {
        if let Some(r) = rel.strip_prefix("./") {
            rel = r;
        } else if let Some(r) = rel.strip_prefix('/') {
            rel = r;
        } else {
            break;
        }
    }
    let base = base_url.trim_end_matches('/');
    percent_encode_url(&format!("{base}/{rel}"))
}

fn percent_encode_url(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &b) in bytes.iter().enumerate() {
        let keep = match b {
            b'%' => {
                bytes.len() > i + 2
                    && bytes[i + 1].is_ascii_hexdigit()
                    && bytes[i + 2].is_ascii_hexdigit()
            }
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' | b' ' => false,
            0x21..=0x7E => true,
            _ => false,
        };
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
