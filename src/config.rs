//! `site.toml`: the board's identity (title, publishing unit, contact) and build settings.

use crate::diagnostic::{Diagnostic, SourceText};
use crate::toml_keys;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Keys of a `[[publish]]` target that would hold a secret. [`PublishTarget`] accepts them only
/// so that they get their own error (secrets never live in site.toml) instead of "unknown key".
const SECRET_KEYS: &[&str] = &["password", "secret_access_key", "access_key_secret"];

/// URL schemes `gongkai publish` speaks; a `url` without `://` is a folder.
pub const PUBLISH_SCHEMES: &[&str] = &["ftp", "ftps", "sftp", "webdav", "webdavs", "s3"];

/// The limits of `gongkai serve` and its workbench a township may need to change (`[preview]`);
/// read when the preview starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PreviewConfig {
    /// The largest file the workbench takes (a scanned PDF, a phone video), in MB.
    pub upload_mb: u64,
    /// Earlier versions the workbench keeps of each file it saves.
    pub history: usize,
    /// Preview tabs that refresh by themselves at once (each holds one connection).
    pub live_reload_streams: usize,
}

impl Default for PreviewConfig {
    fn default() -> Self {
        PreviewConfig { upload_mb: 50, history: 50, live_reload_streams: 200 }
    }
}

impl PreviewConfig {
    /// Each key with its allowed range.
    const RANGES: [(&'static str, u64, u64); 3] =
        [("upload_mb", 1, 2048), ("history", 1, 1000), ("live_reload_streams", 1, 2000)];

    fn get(&self, key: &str) -> u64 {
        match key {
            "upload_mb" => self.upload_mb,
            "history" => self.history as u64,
            _ => self.live_reload_streams as u64,
        }
    }

    /// The largest upload in bytes.
    pub fn max_upload(&self) -> u64 {
        self.upload_mb * 1024 * 1024
    }

    /// What `site.toml` in `root` says; the defaults when it cannot be read (the build then
    /// reports why).
    pub fn of_site(root: &Path) -> PreviewConfig {
        load(root).map(|(c, _)| c.preview).unwrap_or_default()
    }
}

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
    pub ledger: crate::settings::ledger::LedgerConfig,
    /// Personal data: refuse (`block`, default) or `mask`; public numbers in `allow`.
    #[serde(default)]
    pub privacy: crate::settings::privacy::PrivacyConfig,
    /// Photo sizes and quality (`[images]`).
    #[serde(default)]
    pub images: crate::settings::images::ImageSettings,
    /// Paper and sign-off of printed sheets (`[print]`, `[print.sections.ID]`).
    #[serde(default)]
    pub print: crate::sheet::PrintConfig,
    /// Physical boards to lay out for printing (`[[boards]]`).
    #[serde(default)]
    pub boards: Vec<crate::settings::board::BoardConfig>,
    /// Which postings need a recorded review before publication (`[signoff]`).
    #[serde(default)]
    pub signoff: crate::signoff::SignoffConfig,
    /// Where `gongkai publish` uploads the site (`[[publish]]`).
    #[serde(default)]
    pub publish: Vec<PublishTarget>,
    /// Limits of the preview and its workbench (`[preview]`).
    #[serde(default)]
    pub preview: PreviewConfig,
}

/// One `[[publish]]` target: a server or a folder the site is uploaded to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishTarget {
    /// `gongkai publish NAME`
    pub name: String,
    /// `sftp://user@host/path/`, `ftp(s)://`, `webdav(s)://`, `s3://bucket/prefix` or a folder.
    pub url: String,
    /// S3-compatible service address, e.g. `https://oss-cn-hangzhou.aliyuncs.com`.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// S3 region, e.g. `cn-hangzhou` (default `us-east-1`).
    #[serde(default)]
    pub region: Option<String>,
    /// SSH private key file for sftp:// (default: the usual files in ~/.ssh).
    #[serde(default)]
    pub ssh_key: Option<String>,
    // Never used: present only so that a secret written here is reported by name.
    #[serde(default, rename = "password")]
    _password: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "secret_access_key")]
    _secret_access_key: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "access_key_secret")]
    _access_key_secret: Option<serde::de::IgnoredAny>,
}

impl PublishTarget {
    /// A target given on the command line (`--to URL`).
    pub fn from_url(url: &str) -> PublishTarget {
        PublishTarget {
            name: String::new(),
            url: url.to_string(),
            endpoint: None,
            region: None,
            ssh_key: None,
            _password: None,
            _secret_access_key: None,
            _access_key_secret: None,
        }
    }
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

crate::messages! {
    pub enum ConfigError {
        Missing { root: String } = "config.missing",
            zh: "在 {root} 找不到 site.toml。请在网站文件夹里运行，或用 --root 指定网站文件夹；新建网站请运行 gongkai init 文件夹名",
            en: "no site.toml in {root}; run inside the site folder or pass --root; create a site with `gongkai init DIR`";
        Unreadable(e: String) = "config.unreadable",
            zh: "无法读取 site.toml：{e}",
            en: "site.toml could not be read: {e}";
        Syntax(e: String) = "config.syntax",
            zh: { format!("site.toml 格式有误：{}", crate::toml_syntax::toml_message_zh(e)) },
            en: "TOML syntax error: {e}";
        MissingKey(k: &'static str) = "config.missing-key",
            zh: {
                let example = match *k {
                    "title" => "title = \"某某村村务公开\"",
                    "unit" => "unit = \"某某村村民委员会\"",
                    "base_url" => "base_url = \"https://example.gov.cn/村名/\"",
                    _ => "",
                };
                format!("site.toml 缺少必须填写的设置项 {k}，请加上一行，例如 {example}")
            },
            en: "site.toml: `{k}` is required; add a line such as `{k} = \"...\"`";
        Invalid(e: String) = "config.invalid",
            zh: {
                format!("site.toml 中的值不正确：{}", crate::toml_syntax::toml_message_zh(e))
            },
            en: "invalid value: {e}";
        BaseUrl(v: String) = "config.base-url",
            zh: "base_url 必须是完整网址，以 http:// 或 https:// 开头，例如 \"https://example.org/qingshi/\"（现在是 \"{v}\"）",
            en: "base_url must be a full URL starting with http:// or https://, e.g. \"https://example.org/qingshi/\" (found \"{v}\")";
        Paginate = "config.paginate",
            zh: "paginate（每页条数）至少为 1",
            en: "paginate must be at least 1";
        PreviewRange { key: &'static str, value: u64, min: u64, max: u64 } = "config.preview",
            zh: {
                format!(
                    "[preview] 里的 {key} = {value} 不行：请写 {min} 到 {max} 之间的整数（不写就用默认值 {}）",
                    PreviewConfig::default().get(key)
                )
            },
            en: "[preview] {key} = {value}: write a whole number from {min} to {max}";
        PublishSecret(k: String) = "config.publish-secret",
            zh: "密码不能写在 site.toml 里（网站文件夹会用 U 盘拷来拷去，谁都能看到）：请删掉 {k} 这一行。\
                发布时密码从环境变量 GONGKAI_PUBLISH_PASSWORD（S3 用 GONGKAI_S3_SECRET_ACCESS_KEY）读取，没有设置时 gongkai publish 会当场询问",
            en: "`{k}` must not be written in site.toml: secrets come from environment variables or a prompt";
        PublishUrlPassword = "config.publish-url-password",
            zh: "发布地址里不能带密码（“用户名:密码@”）：请只写“用户名@”，\
                密码从环境变量 GONGKAI_PUBLISH_PASSWORD 读取，或在发布时输入",
            en: "the publish url contains a password (`user:password@`): remove the password, it comes from GONGKAI_PUBLISH_PASSWORD or a prompt";
        PublishScheme(u: String) = "config.publish-url",
            zh: "发布地址 \"{u}\" 的开头不认识：请写 sftp://、ftp://、ftps://、webdav://、webdavs://、s3:// 开头的地址，\
                或者一个文件夹路径（如 \"E:\\公开栏\"）",
            en: "unknown publish address `{u}`: use sftp://, ftp://, ftps://, webdav://, webdavs://, s3:// or a folder path";
        PublishName(n: String) = "config.publish-name",
            zh: "[[publish]] 的 name \"{n}\" 不能为空、不能重复，只能用字母、数字、- 和 _，例如 name = \"township\"",
            en: "[[publish]] name `{n}` must be one word (letters, digits, - or _) and unique";
        PublishS3Endpoint(n: String) = "config.publish-endpoint",
            zh: "发布目标 {n} 是 s3:// 地址，还需要写 endpoint（服务地址，例如 endpoint = \"https://oss-cn-hangzhou.aliyuncs.com\"）或 region",
            en: "publish target `{n}`: s3:// needs `endpoint` (e.g. \"https://oss-cn-hangzhou.aliyuncs.com\") or `region`";
    }
}

/// Reads and checks `site.toml`; on success also returns its warnings (e.g. a local holiday on
/// an official working day), which the build reports with the rest.
pub fn load(root: &Path) -> Result<(SiteConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
    strict(read(root))
}

/// Reads `site.toml` as far as it can be read: its diagnostics, and a config whenever one could
/// be made of what was right (a misspelt, mistyped or unparsable setting left at its default).
/// The build uses this so that one run shows site.toml's errors and the postings' together; a
/// config that came with errors must not publish anything. `None` only when there is no file,
/// or not even the required settings could be read.
pub fn read(root: &Path) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let path = root.join("site.toml");
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let missing = ConfigError::Missing { root: root.display().to_string() };
            return (None, vec![Diagnostic::error("site.toml", missing)]);
        }
        Err(e) => {
            let unreadable = ConfigError::Unreadable(e.to_string());
            return (None, vec![Diagnostic::error("site.toml", unreadable)]);
        }
    };
    parse_lenient(&SourceText::toml_file("site.toml", text))
}

/// Parses site.toml's text.
pub fn parse(src: &SourceText) -> Result<SiteConfig, Vec<Diagnostic>> {
    parse_with_warnings(src).map(|(c, _)| c)
}

/// [`parse`], keeping the warnings.
pub fn parse_with_warnings(
    src: &SourceText,
) -> Result<(SiteConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
    strict(parse_lenient(src))
}

/// A config only when nothing in it was wrong.
fn strict(
    (config, diags): (Option<SiteConfig>, Vec<Diagnostic>),
) -> Result<(SiteConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
    match config {
        Some(c) if !diags.iter().any(Diagnostic::is_error) => Ok((c, diags)),
        _ => Err(diags),
    }
}

/// [`read`] for a text: every error of site.toml ([`toml_keys::read`]), and the config made of
/// the rest. A required text that is missing (title, unit, base_url) reads as empty: the
/// postings are still checked, and nothing is published.
pub fn parse_lenient(src: &SourceText) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let rules = toml_keys::Rules {
        context: Some("site.toml"),
        required: &["title", "unit", "base_url"],
        syntax: |e| ConfigError::Syntax(e).into(),
        invalid: |e| ConfigError::Invalid(e).into(),
        missing: |src, key| src.error_at(0..0, ConfigError::MissingKey(key)),
        stand_in: |_, _| toml::de::DeValue::String("".into()),
    };
    let read = toml_keys::read::<SiteConfig>(src, &rules);
    let mut errors = read.errors;
    let (Some(mut config), Ok(table)) = (read.value, toml::de::DeTable::parse(&read.text)) else {
        return (None, errors);
    };
    // A base_url that is missing was reported as missing already.
    if let Some(span) = toml_keys::key_span(table.get_ref(), &["base_url"])
        && !read.stand_ins.contains(&"base_url")
        && !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://"))
    {
        errors.push(src.error_at(span, ConfigError::BaseUrl(config.base_url.clone())));
    }
    if config.paginate == 0 {
        let span = toml_keys::key_span(table.get_ref(), &["paginate"]).unwrap_or(0..0);
        errors.push(src.error_at(span, ConfigError::Paginate));
        config.paginate = default_paginate();
    }
    errors.extend(config.calendar.validate(src));
    errors.extend(crate::settings::board::validate(&config.boards, table.get_ref(), src));
    crate::settings::board::locate(&mut config.boards, table.get_ref(), src);
    errors.extend(validate_publish(&config.publish, table.get_ref(), src));
    for (key, min, max) in PreviewConfig::RANGES {
        let value = config.preview.get(key);
        if !(min..=max).contains(&value) {
            let span = toml_keys::key_span(table.get_ref(), &["preview", key]).unwrap_or(0..0);
            errors.push(src.error_at(span, ConfigError::PreviewRange { key, value, min, max }));
        }
    }
    (Some(config), errors)
}

/// Checks the `[[publish]]` targets: no secrets, known schemes, unique names.
fn validate_publish(
    targets: &[PublishTarget],
    table: &toml::de::DeTable<'_>,
    src: &SourceText,
) -> Vec<Diagnostic> {
    use toml::de::DeValue;
    let item = |i: usize| -> Option<&toml::de::DeTable<'_>> {
        let (_, v) = table.iter().find(|(k, _)| k.get_ref() == "publish")?;
        match v.get_ref() {
            DeValue::Array(items) => match items.get(i)?.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            },
            _ => None,
        }
    };
    let span_of = |i: usize, key: &str| -> std::ops::Range<usize> {
        item(i)
            .and_then(|t| t.iter().find(|(k, _)| k.get_ref() == key).map(|(k, _)| k.span()))
            .or_else(|| toml_keys::key_span(table, &["publish"]))
            .unwrap_or(0..0)
    };
    let mut out = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        if let Some(tbl) = item(i) {
            for (k, _) in tbl.iter() {
                if SECRET_KEYS.contains(&k.get_ref().as_ref()) {
                    out.push(
                        src.error_at(k.span(), ConfigError::PublishSecret(k.get_ref().to_string())),
                    );
                }
            }
        }
        let ok_name = !t.name.is_empty()
            && t.name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            && !targets[..i].iter().any(|o| o.name == t.name);
        if !ok_name {
            out.push(src.error_at(span_of(i, "name"), ConfigError::PublishName(t.name.clone())));
        }
        match publish_url_problem(&t.url) {
            Some(e) => out.push(src.error_at(span_of(i, "url"), e)),
            None => {
                if t.url.starts_with("s3://") && t.endpoint.is_none() && t.region.is_none() {
                    out.push(src.error_at(
                        span_of(i, "url"),
                        ConfigError::PublishS3Endpoint(t.name.clone()),
                    ));
                }
            }
        }
    }
    out
}

/// What is wrong with a publish address, if anything (also used for `--to`).
pub fn publish_url_problem(url: &str) -> Option<ConfigError> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return if url.trim().is_empty() {
            Some(ConfigError::PublishScheme(url.to_string()))
        } else {
            None
        };
    };
    if !PUBLISH_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
        // `file://` and drive letters are folders too, but say the plain form.
        return Some(ConfigError::PublishScheme(url.to_string()));
    }
    let authority = rest.split('/').next().unwrap_or("");
    if let Some((userinfo, _)) = authority.rsplit_once('@')
        && userinfo.contains(':')
    {
        return Some(ConfigError::PublishUrlPassword);
    }
    None
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
    fn preview_limits_have_defaults_ranges_and_known_keys() {
        assert_eq!(parse_str(OK).unwrap().preview, PreviewConfig::default());
        let c = parse_str(&format!("{OK}[preview]\nupload_mb = 200\nhistory = 5\n")).unwrap();
        assert_eq!((c.preview.upload_mb, c.preview.history), (200, 5));
        assert_eq!(c.preview.live_reload_streams, 200);
        assert_eq!(c.preview.max_upload(), 200 * 1024 * 1024);
        let errs = parse_str(&format!("{OK}[preview]\nhistroy = 5\n")).unwrap_err();
        assert!(errs[0].starts_with("site.toml:5:1: error: unknown key `histroy`"), "{errs:?}");
        assert!(errs[0].contains("`history`"), "{errs:?}");
        let errs = parse_str(&format!("{OK}[preview]\n\nhistory = 0\n")).unwrap_err();
        assert!(
            errs[0].starts_with(
                "site.toml:6:1: error: [preview] history = 0: write a whole number from 1 to 1000"
            ),
            "{errs:?}"
        );
    }

    #[test]
    fn nested_typos_are_located_in_their_tables() {
        // `[publish.ftp]` opens a table inside the last `[[publish]]`, which has no such key.
        let errs = parse_str(&format!(
            "{OK}[[publish]]\nname = \"t\"\nurl = \"ftp://b/\"\n[publish.ftp]\nhost = \"b\"\n"
        ))
        .unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "site.toml:7:10: error: unknown key `ftp` in [publish]; allowed keys: name, url, \
                 endpoint, region, ssh_key, password, secret_access_key, access_key_secret"
            ),
            "{errs:?}"
        );
        let errs = parse_str(&format!(
            "{OK}[[boards]]\nname = \"main\"\ntitle = \"公开栏\"\n[boards.tiles]\noverlap = 5\n"
        ))
        .unwrap_err();
        assert!(
            errs[0].starts_with(
                "site.toml:8:1: error: unknown key `overlap` in [boards.tiles]; did you mean `overlap_mm`?"
            ),
            "{errs:?}"
        );
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
    fn publish_targets_parse() {
        let c = parse_str(&format!(
            "{OK}[[publish]]\nname = \"township\"\nurl = \"sftp://qingshi@www.example.org/var/www/\"\n\n[[publish]]\nname = \"usb\"\nurl = \"E:\\\\公开栏\"\n"
        ))
        .unwrap();
        assert_eq!(c.publish.len(), 2);
        assert_eq!(c.publish[0].name, "township");
        assert_eq!(c.publish[1].url, "E:\\公开栏");
    }

    #[test]
    fn publish_password_is_an_error_at_its_line() {
        let errs = parse_str(&format!(
            "{OK}[[publish]]\nname = \"t\"\nurl = \"ftp://a@b/\"\npassword = \"123456\"\n"
        ))
        .unwrap_err();
        assert!(
            errs[0].starts_with("site.toml:7:1: error: `password` must not be written"),
            "{errs:?}"
        );
        let errs = parse_str(&format!("{OK}[[publish]]\nname = \"t\"\nurl = \"ftp://a:pw@b/\"\n"))
            .unwrap_err();
        assert!(
            errs[0].contains("site.toml:6:1") && errs[0].contains("contains a password"),
            "{errs:?}"
        );
    }

    #[test]
    fn publish_bad_scheme_and_typo() {
        let errs = parse_str(&format!("{OK}[[publish]]\nname = \"t\"\nurl = \"http://b/\"\n"))
            .unwrap_err();
        assert!(errs[0].contains("unknown publish address"), "{errs:?}");
        let errs = parse_str(&format!("{OK}[[publish]]\nname = \"t\"\nurll = \"ftp://b/\"\n"))
            .unwrap_err();
        assert!(errs[0].contains("unknown key `urll`") && errs[0].contains("`url`"), "{errs:?}");
    }

    #[test]
    fn missing_title_is_reported() {
        let errs = parse_str("unit = \"b\"\nbase_url = \"https://a.cn/\"\n").unwrap_err();
        assert!(errs[0].contains("title"), "{errs:?}");
    }

    #[test]
    fn every_syntax_error_is_reported_and_the_rest_read() {
        // Two lines the parser refuses (neither a full-width character), then a misspelt key
        // and a wrong value: all four in one run, each at its own line.
        let text = format!(
            "{OK}paginate = 20 20\n[contact]\nphone = \"0571-1\nemail = 5\nadress = \"村委会\"\ncommittee = \"监委会\"\n"
        );
        let (config, diags) = parse_lenient(&SourceText::toml_file("site.toml", text));
        let at: Vec<String> = diags.iter().map(|d| d.location()).collect();
        let mut lines: Vec<&str> = at.iter().map(|a| a.split(':').nth(1).unwrap_or("")).collect();
        lines.sort();
        assert_eq!(lines, ["4", "6", "7", "8"], "{at:?}");
        let config = config.expect("the rest is read");
        assert_eq!(config.title, "青石村三务公开栏");
        // The table that had mistakes is left out as a whole: its checks would echo them.
        assert!(config.contact.committee.is_none());
    }
}
