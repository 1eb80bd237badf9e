//! `site.toml`: the board's identity (title, publishing unit, contact) and build settings.

use crate::diagnostic::{Diagnostic, Message, SourceText};
use crate::toml_keys::{self, Key, Shape};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The keys `site.toml` accepts, for the typo check.
pub const SITE_KEYS: &[Key] = &[
    Key("title", Shape::Value),
    Key("unit", Shape::Value),
    Key("base_url", Shape::Value),
    Key("language", Shape::Value),
    Key("description", Shape::Value),
    Key("theme", Shape::Value),
    Key("sections", Shape::Value),
    Key("unsafe_html", Shape::Value),
    Key("paginate", Shape::Value),
    Key("home_latest", Shape::Value),
    Key("contact", Shape::Table(CONTACT_KEYS)),
    Key("calendar", Shape::Table(CALENDAR_KEYS)),
    Key("ledger", Shape::Table(&[Key("columns", Shape::Value)])),
    Key("privacy", Shape::Table(&[Key("mode", Shape::Value), Key("allow", Shape::Value)])),
    Key(
        "images",
        Shape::Table(&[
            Key("widths", Shape::Value),
            Key("jpeg_quality", Shape::Value),
            Key("max_pixels", Shape::Value),
        ]),
    ),
    Key("print", Shape::Table(crate::sheet::PRINT_KEYS)),
    Key("boards", Shape::Tables(crate::board::BOARD_KEYS)),
    Key("signoff", Shape::Table(crate::signoff::CONFIG_KEYS)),
    // `[[publish]]` targets of `gongkai publish`, checked where they are read.
    Key("publish", Shape::Value),
];

const CALENDAR_KEYS: &[Key] = &[
    Key(
        "years",
        Shape::Map(&Shape::Table(&[Key("holidays", Shape::Value), Key("workdays", Shape::Value)])),
    ),
    Key("local_holidays", Shape::Value),
];

const CONTACT_KEYS: &[Key] = &[
    Key("phone", Shape::Value),
    Key("address", Shape::Value),
    Key("committee", Shape::Value),
    Key("email", Shape::Value),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// e.g. 青石村三务公开栏
    pub title: String,
    /// Publishing body (公开单位), e.g. 青石镇青石村村民委员会.
    pub unit: String,
    /// Where the site is hosted, possibly with a sub-path. Used only for absolute URLs
    /// (canonical link, feeds, sitemap, QR codes); internal links are always relative.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Order of the top-level sections; sections not listed follow in name order.
    #[serde(default = "default_sections")]
    pub sections: Vec<String>,
    /// Raw HTML in Markdown is dropped unless this is set.
    #[serde(default)]
    pub unsafe_html: bool,
    /// Postings per page of a section listing.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// Latest postings per section on the home page.
    #[serde(default = "default_home_latest")]
    pub home_latest: usize,
    #[serde(default)]
    pub contact: Contact,
    /// Next year's official schedule before gongkai ships it, and local holidays.
    #[serde(default)]
    pub calendar: crate::calendar::CalendarConfig,
    /// Extra ledger column names (`[ledger] columns = { "收入金额" = "income" }`).
    #[serde(default)]
    pub ledger: crate::ledger::LedgerConfig,
    /// Personal data: refuse (`block`, default) or `mask`; public numbers in `allow`.
    #[serde(default)]
    pub privacy: crate::privacy::PrivacyConfig,
    /// Photo sizes and quality (`[images]`).
    #[serde(default)]
    pub images: crate::images::ImageSettings,
    /// Paper and sign-off of printed sheets (`[print]`, `[print.sections.ID]`).
    #[serde(default)]
    pub print: crate::sheet::PrintConfig,
    /// Physical boards to lay out for printing (`[[boards]]`).
    #[serde(default)]
    pub boards: Vec<crate::board::BoardConfig>,
    /// Which postings need a recorded review before publication (`[signoff]`).
    #[serde(default)]
    pub signoff: crate::signoff::SignoffConfig,
    /// `[[publish]]` targets, read by `gongkai publish` (here only accepted).
    #[serde(default)]
    pub publish: Option<toml::Value>,
}

/// How villagers object or ask (监督电话, 举报地址, supervision committee).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// 监督电话
    pub phone: Option<String>,
    /// 举报地址
    pub address: Option<String>,
    /// 村务监督委员会 or 民主理财小组
    pub committee: Option<String>,
    pub email: Option<String>,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_sections() -> Vec<String> {
    vec!["village".into(), "party".into(), "finance".into()]
}
fn default_paginate() -> usize {
    20
}
fn default_home_latest() -> usize {
    5
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("site.toml not found")]
    Missing { root: String },
    #[error("site.toml could not be read: {0}")]
    Unreadable(String),
    #[error("TOML syntax error: {0}")]
    Syntax(String),
    #[error("invalid value: {0}")]
    Invalid(String),
    #[error("base_url must start with http:// or https://")]
    BaseUrl(String),
    #[error("paginate must be at least 1")]
    Paginate,
}

impl Message for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            ConfigError::Missing { .. } => "config.missing",
            ConfigError::Unreadable(_) => "config.unreadable",
            ConfigError::Syntax(_) => "config.syntax",
            ConfigError::Invalid(_) => "config.invalid",
            ConfigError::BaseUrl(_) => "config.base-url",
            ConfigError::Paginate => "config.paginate",
        }
    }
    fn zh(&self) -> String {
        match self {
            ConfigError::Missing { root } => format!(
                "在 {root} 找不到 site.toml。请在网站文件夹里运行，或用 --root 指定网站文件夹；新建网站请运行 gongkai init 文件夹名"
            ),
            ConfigError::Unreadable(e) => format!("无法读取 site.toml：{e}"),
            ConfigError::Syntax(e) => {
                format!("site.toml 格式有误：{}", crate::frontmatter::toml_message_zh(e))
            }
            ConfigError::Invalid(e) => {
                format!("site.toml 中的值不正确：{}", crate::frontmatter::toml_message_zh(e))
            }
            ConfigError::BaseUrl(v) => format!(
                "base_url 必须是完整网址，以 http:// 或 https:// 开头，例如 \"https://example.org/qingshi/\"（现在是 \"{v}\"）"
            ),
            ConfigError::Paginate => "paginate（每页条数）至少为 1".into(),
        }
    }
    fn en(&self) -> String {
        match self {
            ConfigError::Missing { root } => format!(
                "no site.toml in {root}; run inside the site folder or pass --root; create a site with `gongkai init DIR`"
            ),
            ConfigError::BaseUrl(v) => format!(
                "base_url must be a full URL starting with http:// or https://, e.g. \"https://example.org/qingshi/\" (found \"{v}\")"
            ),
            other => other.to_string(),
        }
    }
}

/// Reads and checks `site.toml`; on success also returns its warnings (e.g. a local holiday on
/// an official working day), which the build reports with the rest.
pub fn load(root: &Path) -> Result<(SiteConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = root.join("site.toml");
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![Diagnostic::error(
                "site.toml",
                ConfigError::Missing { root: root.display().to_string() },
            )]);
        }
        Err(e) => {
            return Err(vec![Diagnostic::error(
                "site.toml",
                ConfigError::Unreadable(e.to_string()),
            )]);
        }
    };
    let src = SourceText::toml_file("site.toml", text);
    parse_with_warnings(&src)
}

/// Parses site.toml's text.
pub fn parse(src: &SourceText) -> Result<SiteConfig, Vec<Diagnostic>> {
    parse_with_warnings(src).map(|(c, _)| c)
}

/// [`parse`], keeping the warnings.
pub fn parse_with_warnings(
    src: &SourceText,
) -> Result<(SiteConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
    let table = match toml::de::DeTable::parse(src.toml()) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            return Err(vec![src.error_at(span, ConfigError::Syntax(e.message().to_string()))]);
        }
    };
    let mut errors = toml_keys::check(table.get_ref(), SITE_KEYS, "site.toml", src);
    if !errors.is_empty() {
        return Err(errors);
    }
    let config: SiteConfig = match toml::from_str(src.toml()) {
        Ok(c) => c,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            return Err(vec![src.error_at(span, ConfigError::Invalid(e.message().to_string()))]);
        }
    };
    if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
        let span = toml_keys::key_span(table.get_ref(), &["base_url"]).unwrap_or(0..0);
        errors.push(src.error_at(span, ConfigError::BaseUrl(config.base_url.clone())));
    }
    if config.paginate == 0 {
        let span = toml_keys::key_span(table.get_ref(), &["paginate"]).unwrap_or(0..0);
        errors.push(src.error_at(span, ConfigError::Paginate));
    }
    errors.extend(config.calendar.validate(src));
    errors.extend(crate::board::validate(&config.boards, table.get_ref(), src));
    if errors.iter().any(Diagnostic::is_error) { Err(errors) } else { Ok((config, errors)) }
}

impl SiteConfig {
    /// base_url with exactly one trailing slash.
    pub fn base(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }

    /// The path part of base_url (`/qingshi/`), used only by the 404 page, which a server may
    /// show at any depth so relative links cannot work there.
    pub fn base_path(&self) -> String {
        let after_scheme = self.base_url.split_once("://").map(|(_, r)| r).unwrap_or("");
        match after_scheme.find('/') {
            Some(i) => format!("{}/", after_scheme[i..].trim_end_matches('/')),
            None => "/".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    fn parse_str(s: &str) -> Result<SiteConfig, Vec<String>> {
        let src = SourceText::toml_file("site.toml", s);
        parse(&src).map_err(|ds| ds.iter().map(|d| d.render(Lang::En)).collect())
    }

    const OK: &str = "title = \"青石村三务公开栏\"\nunit = \"青石村村民委员会\"\nbase_url = \"https://example.org/qingshi\"\n";

    #[test]
    fn defaults_apply() {
        let c = parse_str(OK).unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.sections, ["village", "party", "finance"]);
        assert_eq!(c.base(), "https://example.org/qingshi/");
        assert_eq!(c.base_path(), "/qingshi/");
    }

    #[test]
    fn typo_is_an_error_with_suggestion() {
        let errs = parse_str(&format!("{OK}tilte = \"x\"\n")).unwrap_err();
        assert!(errs[0].starts_with("site.toml:4:1: error: unknown key `tilte`"), "{errs:?}");
        assert!(errs[0].contains("did you mean `title`?"));
    }

    #[test]
    fn contact_typo_is_found() {
        let errs = parse_str(&format!("{OK}[contact]\nphnoe = \"1\"\n")).unwrap_err();
        assert!(errs[0].contains("site.toml:5:1") && errs[0].contains("`phone`"), "{errs:?}");
    }

    #[test]
    fn bad_base_url_points_at_it() {
        let errs =
            parse_str("title = \"a\"\nunit = \"b\"\nbase_url = \"example.org\"\n").unwrap_err();
        assert!(errs[0].starts_with("site.toml:3:1"), "{errs:?}");
    }

    #[test]
    fn missing_title_is_reported() {
        let errs = parse_str("unit = \"b\"\nbase_url = \"https://a.cn/\"\n").unwrap_err();
        assert!(errs[0].contains("title"), "{errs:?}");
    }
}
