//! Addresses of published postings keep answering for good: a posting withdrawn with a note
//! leaves a withdrawal notice (the note and its last 核验码) at its URL, and a posting that was
//! renamed or moved (found by its unchanged fingerprint, so the clerk need not say so) leaves a
//! static redirect page (`<meta http-equiv=refresh>`, relative, so it works on any host and
//! from file://). Printed QR codes carry these URLs. Deleting a published posting without a
//! withdrawal is an error that says what to type.

use crate::date::{format_iso, format_zh};
use crate::diagnostic::Diagnostic;
use crate::escape::markup as escape_html;
use crate::manifest::{ChangeVerdict, Manifest, Moved};
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use std::collections::{BTreeMap, BTreeSet};

crate::messages! {
    /// A published posting that is no longer published, without a withdrawal.
    pub struct Gone {
        pub source: String,
        pub url: String,
        /// The file is still there (made a draft again).
        pub still_there: bool,
    } = "record.deleted",
        zh: {
            let what = if *still_there {
                "已经发布过，不能改回草稿"
            } else {
                "已经发布过，但文件被删除了（或改了名又改了内容）"
            };
            format!(
                "{} {what}：公开过的内容是公开记录，它的网址 {} 可能已印在二维码上。请{}在开头的设置（+++ 之间）里加上一行 withdrawn = {{ date = 2026-10-20, note = \"撤回原因\" }}（写上实际日期和原因），这个网址就会显示撤回说明和原来的核验码",
                source,
                url,
                if *still_there { "" } else { "把文件放回原处，" },
            )
        },
        en: {
            format!(
                "{} was published (at {}) and is no longer: a public record is withdrawn, not \
                 deleted. {}add `withdrawn = {{ date = 2026-10-20, note = \"reason\" }}` to its \
                 front matter; its address then shows the note and its last 核验码",
                source,
                url,
                if *still_there { "" } else { "Put the file back and " },
            )
        };
}

/// What every old address shows after this build, and an error (a warning when `enforce`
/// is off) for each published posting that is simply gone.
pub fn run(
    site: &Site,
    previous: &Manifest,
    verdicts: &[ChangeVerdict],
    enforce: bool,
) -> (BTreeMap<String, Moved>, Vec<Diagnostic>) {
    let live: BTreeSet<String> =
        site.postings.iter().filter(|p| p.published).map(|p| p.url()).collect();
    let new_by_fingerprint: BTreeMap<&str, &str> = verdicts
        .iter()
        .filter_map(|v| match v {
            ChangeVerdict::New { record, .. } => {
                Some((record.fingerprint.as_str(), record.url.as_str()))
            }
            _ => None,
        })
        .collect();
    let by_source: BTreeMap<&str, usize> =
        site.postings.iter().enumerate().map(|(i, p)| (p.source.as_str(), i)).collect();
    let mut moved: BTreeMap<String, Moved> = previous.moved.clone();
    let mut diags = Vec::new();
    for v in verdicts {
        let ChangeVerdict::Removed { source, record } = v else { continue };
        if live.contains(&record.url) {
            // Its address still shows a posting (a file turned into a bundle, say).
            continue;
        }
        let here = by_source.get(source.as_str()).map(|&i| &site.postings[i]);
        match here {
            Some(p) if p.front.withdrawn.is_some() => {
                let w = p.front.withdrawn.as_ref().map(|w| (w.date.0, w.note.clone()));
                if let Some((date, note)) = w {
                    moved.insert(
                        record.url.clone(),
                        Moved::Withdrawn {
                            title: p.title().to_string(),
                            date: format_iso(date),
                            note,
                            fingerprint: record.fingerprint.clone(),
                        },
                    );
                }
            }
            // Built as of a day before its date (`--today` in the past): not the clerk's doing.
            Some(p) if !p.is_draft() && p.date() > site.today => {}
            None if new_by_fingerprint.contains_key(record.fingerprint.as_str()) => {
                let to = new_by_fingerprint[record.fingerprint.as_str()].to_string();
                moved.insert(record.url.clone(), Moved::Redirect { to });
            }
            _ => {
                let gone = Gone {
                    source: source.clone(),
                    url: record.url.clone(),
                    still_there: here.is_some(),
                };
                let mut d = match here {
                    Some(p) => Diagnostic::error(source.clone(), gone).with_line_snippet(
                        &p.src.text,
                        1,
                        1,
                        3,
                    ),
                    None => Diagnostic::error(source.clone(), gone),
                };
                if !enforce {
                    d.severity = crate::diagnostic::Severity::Warning;
                }
                diags.push(d);
            }
        }
    }
    // An address a published posting occupies again is that posting's.
    moved.retain(|url, _| !live.contains(url));
    // A posting renamed twice: the first address points straight at the last.
    let snapshot = moved.clone();
    for m in moved.values_mut() {
        if let Moved::Redirect { to } = m {
            for _ in 0..32 {
                match snapshot.get(to.as_str()) {
                    Some(Moved::Redirect { to: next }) if next != to => *to = next.clone(),
                    _ => break,
                }
            }
        }
    }
    (moved, diags)
}

/// The pages at the old addresses.
pub fn pages(site: &Site, moved: &BTreeMap<String, Moved>) -> Vec<OutputFile> {
    let site_title = escape_html(&site.config.title);
    moved
        .iter()
        .map(|(url, m)| {
            let home = crate::urls::relative(url, "index.html");
            let html = match m {
                Moved::Redirect { to } => {
                    let rel = escape_html(&crate::urls::relative(url, to)).into_owned();
                    let abs = format!("{}/{}", site.config.base_url.trim_end_matches('/'), to);
                    format!(
                        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
                         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
                         <meta http-equiv=\"refresh\" content=\"0; url={rel}\">\n\
                         <link rel=\"canonical\" href=\"{}\">\n<meta name=\"robots\" content=\"noindex\">\n\
                         <title>已移到新地址 - {site_title}</title>\n</head>\n<body>\n\
                         <p>这篇公开内容已移到新地址：<a href=\"{rel}\">{rel}</a></p>\n\
                         <p><a href=\"{home}\">返回{site_title}</a></p>\n</body>\n</html>\n",
                        escape_html(&abs)
                    )
                }
                Moved::Withdrawn { title, date, note, fingerprint } => {
                    let date_zh = crate::date::parse_date(date).map(format_zh).unwrap_or(date.clone());
                    format!(
                        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
                         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
                         <meta name=\"robots\" content=\"noindex\">\n\
                         <title>已撤回：{t} - {site_title}</title>\n</head>\n<body>\n<main class=\"withdrawn\">\n\
                         <h1>已撤回：{t}</h1>\n\
                         <p class=\"withdrawn-date\">本条公开内容已于 {date_zh} 撤回。</p>\n\
                         <p class=\"withdrawn-note\">撤回说明：{n}</p>\n\
                         <p class=\"withdrawn-code\">撤回前的核验码：<code>{short}</code>（完整：<code>{fingerprint}</code>）</p>\n\
                         <p><a href=\"{home}\">返回{site_title}</a></p>\n</main>\n</body>\n</html>\n",
                        t = escape_html(title),
                        n = escape_html(note),
                        short = crate::manifest::short(fingerprint),
                    )
                }
            };
            OutputFile { path: url.clone(), contents: Contents::Bytes(html.into_bytes()) }
        })
        .collect()
}
