//! The `[notice]` table of a posting's front matter (a 公示 period), as written.

use crate::date::DateValue;
use serde::Deserialize;
use toml::Spanned;

/// The `[notice]` table as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeSpec {
    pub start: Option<Spanned<DateValue>>,
    pub end: Option<Spanned<DateValue>>,
    pub days: Option<Spanned<i64>>,
    pub count: Option<Spanned<String>>,
    pub objections: Option<String>,
    pub basis: Option<String>,
    pub series: Option<Spanned<String>>,
    pub stage: Option<Spanned<String>>,
}
