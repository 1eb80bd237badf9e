//! The `[privacy]` table of site.toml and a posting's `privacy` key, as written.

use serde::Deserialize;

/// How a site or a posting treats personal data: refuse to build (`block`, the default) or
/// publish with the numbers masked (`mask`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrivacyMode {
    #[default]
    Block,
    Mask,
}

impl PrivacyMode {
    /// A posting's own `privacy = "…"` overrides the site's `[privacy] mode`.
    pub fn effective(site: PrivacyMode, posting: Option<PrivacyMode>) -> PrivacyMode {
        posting.unwrap_or(site)
    }
}

/// `[privacy]` in site.toml:
///
/// ```toml
/// [privacy]
/// mode = "block"                    # or "mask"; default "block"
/// allow = ["0571-88886666", "138 1234 5678"]   # numbers that are meant to be public
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyConfig {
    #[serde(default)]
    pub mode: PrivacyMode,
    #[serde(default)]
    pub allow: Vec<String>,
}
