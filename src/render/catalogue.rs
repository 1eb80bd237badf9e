//! The 公开目录 page (`catalogue/index.html`): every item with its periods of the year, due
//! dates, states and the postings that fulfil them.

use minijinja::Value;

use super::Renderer;
use crate::catalogue::Report;
use crate::diagnostic::Diagnostic;
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::urls;

/// Where the page is published.
pub const PATH: &str = "catalogue/index.html";

/// Renders the page with `site_ctx` (the `site` value base.html expects).
pub fn render(
    renderer: &Renderer,
    site: &Site,
    site_ctx: Value,
    report: &Report,
) -> Result<OutputFile, Box<Diagnostic>> {
    let ctx = minijinja::context! {
        report => Value::from(minijinja::value::Serde(report)),
        today_zh => crate::date::format_zh(site.today),
        site => site_ctx,
        root => urls::root_prefix(PATH),
        current => PATH,
        current_section => "",
        canonical => urls::absolute(&site.config.base_url, PATH),
        preview => false,
    };
    let html = renderer.render("catalogue.html", ctx)?;
    Ok(OutputFile { path: PATH.to_string(), contents: Contents::Bytes(html.into_bytes()) })
}
