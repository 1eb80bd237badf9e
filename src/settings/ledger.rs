//! The `[ledger]` table of site.toml, as written.

use serde::Deserialize;
use std::collections::BTreeMap;

/// `[ledger]` in site.toml.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerConfig {
    /// Extra header names: `columns = { "收入金额" = "income" }`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}
