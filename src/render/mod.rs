//! Turns a loaded [`Site`] and its rendered Markdown bodies into HTML pages with minijinja.
//!
//! Templates only ever see plain serialisable data; every URL in it is site-relative and
//! percent-encoded, and templates prefix it with `root` (e.g. `../../`) so the output works from
//! any folder and from disk.

use crate::date::format_zh;
use crate::diagnostic::Diagnostic;
use crate::theme::Theme;
use crate::urls;
use minijinja::{Environment, Value};
use rayon::prelude::*;
use serde::Serialize;

pub mod catalogue;
mod listings;
mod page;

pub use listings::{Job, Listings, Summary, sort_postings, summary_for, summary_of, tag_path};
pub use page::{PostingPages, RenderInput, push_once, render_jobs, sheet_for, site_context};

/// What a posting page shows beyond its front matter and body (filled by later stages).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PostingExtras {
    pub attachments: Vec<AttachmentCtx>,
    /// The posting's 公示 period and its status on the build date.
    pub notice: Option<crate::notice::stage::NoticeView>,
    /// The posting's ledger and budget (`page.ledger`).
    pub ledger: Option<crate::ledger::Finance>,
    /// Income/expense chart as inline SVG.
    pub chart_svg: Option<String>,
    /// Fingerprint and change history (public record).
    pub record: Option<crate::record::stage::RecordView>,
    /// The cover photo as an `<img srcset>` tag.
    pub cover: Option<String>,
    pub gallery: Vec<GalleryCtx>,
    /// Site-relative paths of the ledger as open data.
    pub data_csv: Option<String>,
    pub data_json: Option<String>,
    pub data_xlsx: Option<String>,
    /// The printed sheet: paper, sign-off, online URL and its QR code (`page.sheet`).
    pub sheet: Option<crate::sheet::SheetView>,
    /// The review before publication (`page.signoff`).
    pub signoff: Vec<crate::signoff::Signoff>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GalleryCtx {
    /// A ready `<img>` tag.
    pub html: String,
    pub caption: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentCtx {
    pub label: String,
    /// Relative to the posting page.
    pub href: String,
    pub size: u64,
    pub size_text: String,
    #[serde(rename = "type")]
    pub kind: String,
}

crate::messages! {
    pub struct TemplateError { pub detail: String } = "template.error",
        zh: { format!("模板出错：{}", detail) },
        en: "template error: {detail}";
}

/// The template engine for one theme.
pub struct Renderer {
    env: Environment<'static>,
    theme: Theme,
    /// Pages of earlier preview builds by (template, context) hash; see [`crate::incremental`].
    pages: Option<PageMemo>,
}

type PageMemo = std::sync::Arc<crate::memo::Memo<crate::memo::Key, std::sync::Arc<Vec<u8>>>>;

impl Renderer {
    pub fn new(theme: Theme) -> Renderer {
        let mut env = Environment::new();
        // Keeps source snippets in template errors for clerks editing their own templates.
        env.set_debug(true);
        // A misspelt variable or an attribute of an undefined value is an error at the template's
        // line, not an empty spot on the page; `{% if x %}` on an undefined `x` stays allowed.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        // minijinja's HTML escaping also turns `/` into `&#x2f;`, which bloats every relative URL
        // (`..&#x2f;..&#x2f;`). Escaping the five HTML-significant characters is enough.
        env.set_formatter(|out, state, value| match (state.auto_escape(), value.as_str()) {
            (minijinja::AutoEscape::Html, Some(s)) if !value.is_safe() => {
                out.write_str(&crate::escape::markup(s)).map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
                })
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        let loader_theme = theme.clone();
        env.set_loader(move |name| Ok(loader_theme.template(name).map(|(text, _)| text)));
        env.add_filter("date_zh", |s: String| {
            crate::date::parse_date(&s).map(format_zh).unwrap_or(s)
        });
        // Money filters take fen (an integer, or a serialised amount's `fen` field).
        env.add_filter("money", |v: Value| {
            fen_of(&v).map(crate::money::format_money).unwrap_or_default()
        });
        env.add_filter("money_upper", |v: Value| {
            fen_of(&v).map(crate::money::to_upper_rmb).unwrap_or_default()
        });
        env.add_filter("wan", |v: Value, decimals: Option<u32>| {
            fen_of(&v)
                .map(|f| crate::money::format_wan(f, decimals.unwrap_or(2)))
                .unwrap_or_default()
        });
        Renderer { env, theme, pages: None }
    }

    /// Reuses a page whenever its template and complete context are the same as in an earlier
    /// build that used `memo` (the templates themselves are in the cache's global fingerprint).
    pub fn with_page_memo(mut self, memo: PageMemo) -> Renderer {
        self.pages = Some(memo);
        self
    }

    /// Adds a filter (ledger and notice modules register theirs).
    pub fn env_mut(&mut self) -> &mut Environment<'static> {
        &mut self.env
    }

    pub fn render(&self, template: &str, ctx: Value) -> Result<String, Box<Diagnostic>> {
        if self.pages.is_none() {
            return self.render_now(template, ctx);
        }
        let bytes = self.render_shared(template, ctx)?;
        // Rendered templates are UTF-8 text.
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// [`Renderer::render`] as bytes, shared with the page memo when there is one (the
    /// preview then holds each page once: in the memo, and served from it).
    pub fn render_shared(
        &self,
        template: &str,
        ctx: Value,
    ) -> Result<std::sync::Arc<Vec<u8>>, Box<Diagnostic>> {
        let Some(memo) = &self.pages else {
            return self.render_now(template, ctx).map(|h| std::sync::Arc::new(h.into_bytes()));
        };
        // The shape of each context (which fields are safe strings, numbers or booleans) is
        // fixed by the code that builds it, so hashing the values identifies the page.
        let key = crate::memo::KeyHasher::new().with(template).with(&ctx).key();
        let mut failed = None;
        let html = memo.get_or(key, || match self.render_now(template, ctx) {
            Ok(h) => std::sync::Arc::new(h.into_bytes()),
            Err(e) => {
                failed = Some(e);
                std::sync::Arc::default()
            }
        });
        if let Some(e) = failed {
            memo.forget(|k| *k == key);
            return Err(e);
        }
        Ok(html)
    }

    fn render_now(&self, template: &str, ctx: Value) -> Result<String, Box<Diagnostic>> {
        let tmpl = self.env.get_template(template).map_err(|e| self.error(template, e))?;
        tmpl.render(ctx).map_err(|e| self.error(template, e))
    }

    fn error(&self, template: &str, e: minijinja::Error) -> Box<Diagnostic> {
        let name = e.name().unwrap_or(template).to_string();
        let (source, display) = self
            .theme
            .template(&name)
            .unwrap_or_else(|| (String::new(), format!("templates/{name}")));
        let mut detail = e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string());
        if e.kind() == minijinja::ErrorKind::TemplateNotFound {
            detail = format!("找不到模板 {name} / template {name} not found");
        } else if e.kind() == minijinja::ErrorKind::UndefinedError {
            detail = format!(
                "用到了没有定义的变量或属性（{detail}）。请核对名字的拼写，或写成 {{% if 名字 is defined %}}…{{% endif %}}"
            );
        }
        let d = Diagnostic::error(display, TemplateError { detail });
        Box::new(match e.line() {
            Some(line) => d.with_line_snippet(&source, line, 1, 1),
            None => d,
        })
    }
}

/// Reads fen from a template value: an integer, or a money object with a `fen` field.
fn fen_of(v: &Value) -> Option<crate::money::Fen> {
    if let Ok(n) = i64::try_from(v.clone()) {
        return Some(crate::money::Fen(n));
    }
    let f = v.get_attr("fen").ok()?;
    i64::try_from(f).ok().map(crate::money::Fen)
}

/// Wraps serialisable data for templates.
fn v<T: Serialize>(x: T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// Site-relative, percent-encoded form of a site-relative path.
fn enc(path: &str) -> String {
    urls::relative("index.html", path)
}
