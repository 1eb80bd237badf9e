//! What a clerk writes in site.toml and in front matter for each capability, as plain types.
//!
//! The data model (`config`, `frontmatter`, `site`) holds these; the capability that acts on
//! them (`notice`, `privacy`, `images`, `ledger`, `board`) imports them from here. Keeping the
//! written form below the model lets each capability own its stage (which reads the model)
//! without an import cycle between the model and the capabilities.

pub mod board;
pub mod images;
pub mod ledger;
pub mod notice;
pub mod privacy;
