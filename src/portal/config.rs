//! `portal.toml`: a township's name, address and the village and community sites it hosts.
//!
//! ```toml
//! title = "青石镇村务公开"
//! unit = "青石镇人民政府"
//! base_url = "https://example.org/qingshi-zhen/"
//!
//! [[sites]]
//! path = "下湾村"          # folder with its own site.toml, relative to portal.toml
//! name = "xiawan"          # folder in the portal's address; from the folder name if left out
//! ```

use crate::diagnostic::{Diagnostic, SourceText};
use crate::toml_keys;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file that makes a folder a portal.
pub const PORTAL_FILE: &str = "portal.toml";

/// Names the portal's own pages use at the top of its output.
const RESERVED: &[&str] = &[
    "compliance",
    "atom.xml",
    "index.html",
    "portal.css",
    "portal.js",
    "gongkai.css",
    "search",
    "static",
    "manifest.json",
];

#[derive(Debug, Clone, Deserialize)]
struct Raw {
    title: String,
    unit: String,
    base_url: String,
    #[serde(default)]
    sites: Vec<RawSite>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawSite {
    path: String,
    name: Option<String>,
}

/// A checked portal.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalConfig {
    pub title: String,
    pub unit: String,
    /// With exactly one trailing slash.
    pub base_url: String,
    pub sites: Vec<Village>,
}

/// One site of the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Village {
    /// Its folder in the portal's output and address (`xiawan`, `下湾村`).
    pub name: String,
    /// As written in portal.toml (shown in messages).
    pub path: String,
    /// The site folder.
    pub dir: PathBuf,
}

impl Village {
    /// The village's own base URL under the portal's.
    pub fn base_url(&self, portal: &PortalConfig) -> String {
        crate::feed::absolute(&portal.base_url, &format!("{}/", self.name))
    }
}

crate::messages! {
    pub enum PortalConfigError {
        Unreadable(e: String) = "portal.unreadable",
            zh: "无法读取 portal.toml：{e}",
            en: "portal.toml could not be read: {e}";
        Syntax(e: String) = "portal.syntax",
            zh: {
                format!("portal.toml 格式有误：{}", crate::toml_syntax::toml_message_zh(e))
            },
            en: "TOML syntax error: {e}";
        Invalid(e: String) = "portal.invalid",
            zh: {
                format!("portal.toml 中的值不正确：{}", crate::toml_syntax::toml_message_zh(e))
            },
            en: "invalid value: {e}";
        BaseUrl(v: String) = "portal.base-url",
            zh: "base_url 必须是完整网址，以 http:// 或 https:// 开头，例如 \"https://example.org/qingshi-zhen/\"（现在是 \"{v}\"）",
            en: "base_url must be a full URL starting with http:// or https:// (found \"{v}\")";
        NoSites = "portal.no-sites",
            zh: "portal.toml 里没有列出任何村的网站：请加上 [[sites]]，写 path = \"村网站文件夹\"",
            en: "portal.toml lists no sites: add [[sites]] with path = \"village folder\"";
        NoSite(p: String) = "portal.no-site",
            zh: "文件夹 {p} 里没有 site.toml：path 要写一个村（社区）网站的文件夹，相对于 portal.toml 所在的文件夹",
            en: "site folder `{p}` has no site.toml: write the folder of a village site, relative to portal.toml";
        BadName(n: String) = "portal.bad-name",
            zh: "网站名称 \"{n}\" 不能用作文件夹名：只能用字母、数字（可以是汉字）、- 和 _，例如 name = \"xiawan\"",
            en: "site name `{n}` is not usable as a folder: use letters, digits (Chinese is fine), - or _";
        Reserved(n: String) = "portal.reserved-name",
            zh: "网站名称 \"{n}\" 已被乡镇门户自己的页面使用，请换一个 name",
            en: "site name `{n}` is used by the portal's own pages; choose another name";
        Duplicate(n: String) = "portal.duplicate-name",
            zh: "网站名称 \"{n}\" 出现了两次：每个网站要有自己的 name",
            en: "site name `{n}` is given twice; each site needs its own name";
    }
}

/// Whether `root` holds a portal (portal.toml and no site.toml of its own).
pub fn is_portal(root: &Path) -> bool {
    root.join(PORTAL_FILE).is_file() && !root.join("site.toml").is_file()
}

/// Reads and checks `root/portal.toml`.
pub fn load(root: &Path) -> Result<PortalConfig, Vec<Diagnostic>> {
    let text = match std::fs::read(root.join(PORTAL_FILE)) {
        Ok(b) => String::from_utf8_lossy(&b).trim_start_matches('\u{feff}').to_string(),
        Err(e) => {
            return Err(vec![Diagnostic::error(
                PORTAL_FILE,
                PortalConfigError::Unreadable(e.to_string()),
            )]);
        }
    };
    parse(&SourceText::toml_file(PORTAL_FILE, text), root)
}

/// Parses portal.toml's text; site folders are resolved against `root`.
pub fn parse(src: &SourceText, root: &Path) -> Result<PortalConfig, Vec<Diagnostic>> {
    let table = match toml::de::DeTable::parse(src.toml()) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let parser = src.error_at(span, PortalConfigError::Syntax(e.message().to_string()));
            return Err(crate::toml_syntax::syntax_diagnostics(src, parser));
        }
    };
    let mut errors =
        toml_keys::check(table.get_ref(), toml_keys::schema::<Raw>(), Some(PORTAL_FILE), src);
    if !errors.is_empty() {
        return Err(errors);
    }
    let raw: Raw = match toml::from_str(src.toml()) {
        Ok(c) => c,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            return Err(vec![
                src.error_at(span, PortalConfigError::Invalid(e.message().to_string())),
            ]);
        }
    };
    let top = |key: &str| toml_keys::key_span(table.get_ref(), &[key]).unwrap_or(0..0);
    if !(raw.base_url.starts_with("http://") || raw.base_url.starts_with("https://")) {
        errors
            .push(src.error_at(top("base_url"), PortalConfigError::BaseUrl(raw.base_url.clone())));
    }
    if raw.sites.is_empty() {
        errors.push(src.error_at(top("title"), PortalConfigError::NoSites));
    }
    let site_span = |i: usize, key: &str| site_key_span(table.get_ref(), i, key).unwrap_or(0..0);
    let mut sites: Vec<Village> = Vec::new();
    for (i, s) in raw.sites.iter().enumerate() {
        let dir = root.join(&s.path);
        if !dir.join("site.toml").is_file() {
            errors.push(
                src.error_at(site_span(i, "path"), PortalConfigError::NoSite(s.path.clone())),
            );
            continue;
        }
        let (name, span) = match &s.name {
            Some(n) => (n.clone(), site_span(i, "name")),
            None => (derive_name(&dir), site_span(i, "path")),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            errors.push(src.error_at(span, PortalConfigError::BadName(name)));
            continue;
        }
        if RESERVED.contains(&name.as_str()) {
            errors.push(src.error_at(span, PortalConfigError::Reserved(name)));
            continue;
        }
        if sites.iter().any(|v| v.name == name) {
            errors.push(src.error_at(span, PortalConfigError::Duplicate(name)));
            continue;
        }
        sites.push(Village { name, path: s.path.clone(), dir });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PortalConfig {
        title: raw.title,
        unit: raw.unit,
        base_url: format!("{}/", raw.base_url.trim_end_matches('/')),
        sites,
    })
}

/// A folder name from the site folder's own name: letters and digits kept (Chinese too, like
/// board names), ASCII lower-cased, anything else a dash.
pub fn derive_name(dir: &Path) -> String {
    // `../..` names the folder it leads to.
    let full = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let base = full
        .components()
        .rfind(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut s = String::new();
    for c in base.chars() {
        if c.is_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_string()
}

/// The span of `key` in the `i`-th `[[sites]]` table (or of the table itself).
fn site_key_span(
    table: &toml::de::DeTable<'_>,
    i: usize,
    key: &str,
) -> Option<std::ops::Range<usize>> {
    use toml::de::DeValue;
    let (k, v) = table.iter().find(|(k, _)| k.get_ref() == "sites")?;
    let DeValue::Array(items) = v.get_ref() else { return Some(k.span()) };
    let item = items.get(i)?;
    let DeValue::Table(t) = item.get_ref() else { return Some(item.span()) };
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(k, _)| k.span()).or(Some(k.span()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    fn parse_in(dir: &Path, s: &str) -> Result<PortalConfig, Vec<String>> {
        parse(&SourceText::toml_file(PORTAL_FILE, s), dir)
            .map_err(|ds| ds.iter().map(|d| d.render(Lang::En)).collect())
    }

    fn portal_with(villages: &[&str]) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        for v in villages {
            std::fs::create_dir_all(t.path().join(v)).unwrap();
            std::fs::write(t.path().join(v).join("site.toml"), "").unwrap();
        }
        t
    }

    const HEAD: &str =
        "title = \"青石镇\"\nunit = \"青石镇人民政府\"\nbase_url = \"https://example.org/zhen\"\n";

    #[test]
    fn portal_sites_and_names() {
        let t = portal_with(&["下湾村", "Qing Shi"]);
        let c = parse_in(
            t.path(),
            &format!(
                "{HEAD}[[sites]]\npath = \"下湾村\"\n[[sites]]\npath = \"Qing Shi\"\n[[sites]]\npath = \"下湾村\"\nname = \"xiawan2\"\n"
            ),
        )
        .unwrap();
        let names: Vec<&str> = c.sites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["下湾村", "qing-shi", "xiawan2"]);
        assert_eq!(c.base_url, "https://example.org/zhen/");
        assert_eq!(
            c.sites[0].base_url(&c),
            "https://example.org/zhen/%E4%B8%8B%E6%B9%BE%E6%9D%91/"
        );
    }

    #[test]
    fn portal_typo_is_located_with_suggestion() {
        let t = portal_with(&["a"]);
        let errs = parse_in(t.path(), &format!("{HEAD}[[sites]]\npaht = \"a\"\n")).unwrap_err();
        assert!(errs[0].starts_with("portal.toml:5:1: error: unknown key `paht`"), "{errs:?}");
        assert!(errs[0].contains("did you mean `path`?"), "{errs:?}");
    }

    #[test]
    fn portal_missing_folder_duplicate_and_reserved_names_are_located() {
        let t = portal_with(&["a", "b"]);
        let errs = parse_in(
            t.path(),
            &format!(
                "{HEAD}[[sites]]\npath = \"nowhere\"\n[[sites]]\npath = \"a\"\nname = \"x\"\n[[sites]]\npath = \"b\"\nname = \"x\"\n[[sites]]\npath = \"b\"\nname = \"compliance\"\n[[sites]]\npath = \"b\"\nname = \"a/b\"\n"
            ),
        )
        .unwrap_err();
        assert!(
            errs[0].starts_with("portal.toml:5:1") && errs[0].contains("no site.toml"),
            "{errs:?}"
        );
        assert!(errs[1].starts_with("portal.toml:11:1") && errs[1].contains("twice"), "{errs:?}");
        assert!(
            errs[2].starts_with("portal.toml:14:1") && errs[2].contains("portal's own"),
            "{errs:?}"
        );
        assert!(
            errs[3].starts_with("portal.toml:17:1") && errs[3].contains("not usable"),
            "{errs:?}"
        );
        assert_eq!(errs.len(), 4);
    }

    #[test]
    fn portal_bad_base_url_and_no_sites() {
        let t = portal_with(&[]);
        let errs = parse_in(t.path(), "title = \"a\"\nunit = \"b\"\nbase_url = \"example.org\"\n")
            .unwrap_err();
        assert!(errs[0].starts_with("portal.toml:3:1") && errs[0].contains("http"), "{errs:?}");
        assert!(errs[1].contains("lists no sites"), "{errs:?}");
    }
}
