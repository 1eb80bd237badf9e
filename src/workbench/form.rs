//! Adapters from the workbench's routes to the library: the 新建 form ([`crate::compose`]: the
//! facts computed as the clerk types, the new posting's text in the README's format), the live
//! preview with the site's Markdown options, and the clipboard's HTML as Markdown
//! ([`crate::import::html`]).

use super::State;
use crate::calendar::WorkCalendar;
use crate::compose::{self, Composed, Draft, Facts, FieldError};
use std::path::Path;

pub use crate::compose::slugify;

crate::messages! {
    /// A site.toml problem shown on the form (the field error keeps the problem's own code).
    pub struct SiteToml(message: crate::message::Msg) = "workbench.site-toml",
        zh: { format!("site.toml 有错误：{}", message.zh()) },
        en: { format!("site.toml: {}", message.en()) };
}

/// The facts of a draft on the server's day, with the site's own calendar and settings.
pub fn facts(d: &Draft, state: &State) -> Result<Facts, Vec<FieldError>> {
    let cfg = config(state)?;
    let cal = WorkCalendar::with_config(&cfg.calendar);
    Ok(compose::facts(d, state.today(), &cal, &state.root, &cfg))
}

fn config(state: &State) -> Result<crate::config::SiteConfig, Vec<FieldError>> {
    crate::config::load(&state.root).map(|(c, _)| c).map_err(|errors| {
        errors
            .iter()
            .map(|e| {
                let says = SiteToml(e.message.clone());
                FieldError {
                    field: "site".into(),
                    code: e.message.code().into(),
                    zh: says.zh(),
                    en: says.en(),
                    warning: false,
                }
            })
            .collect()
    })
}

/// The new posting's file, or the form's errors.
pub fn compose(d: &Draft, state: &State) -> Result<Composed, Vec<FieldError>> {
    compose::write(d, &state.root, state.today())
}

/// The body of a posting's text (after the `+++` front matter), as the site renders it.
pub fn preview_html(text: &str, _state: &State) -> String {
    let body = match text.strip_prefix("+++") {
        Some(rest) => match rest.find("\n+++") {
            Some(i) => {
                let after = &rest[i + 4..];
                after.split_once('\n').map(|(_, b)| b).unwrap_or("")
            }
            None => "",
        },
        None => text,
    };
    comrak::markdown_to_html(body, &crate::markdown::options(false))
}

/// Clipboard HTML (Word, WPS, a web page) as Markdown.
pub fn html_to_markdown(html: &str) -> String {
    crate::import::html::html_to_markdown(html)
}

/// The sections new postings can go in (as the form offers them) with their titles.
pub fn sections(root: &Path) -> Vec<serde_json::Value> {
    compose::sections_of(&root.join("content"))
        .into_iter()
        .map(|id| {
            let dir = id.split('/').fold(root.join("content"), |p, c| p.join(c));
            let title = section_title(&dir).unwrap_or_else(|| id.clone());
            serde_json::json!({ "id": id, "title": title })
        })
        .collect()
}

fn section_title(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("_index.md")).ok()?;
    let rest = text.trim_start_matches('\u{feff}').strip_prefix("+++")?;
    let front = &rest[..rest.find("\n+++")?];
    let v: toml::Table = toml::from_str(front).ok()?;
    v.get("title")?.as_str().map(str::to_string)
}
