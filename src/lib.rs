//! gongkai turns a folder of Markdown postings, ledgers and photos into a static transparency
//! board (三务公开栏): a website that works from a USB stick, print sheets and a live preview.
//!
//! The pipeline is `load` -> checks and enrichment -> `render` -> `output`, driven by `build`.

pub mod board;
pub mod calendar;
pub mod catalogue;
pub mod compose;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod discovery;
pub mod escape;
pub mod feed;
pub mod frontmatter;
pub mod images;
pub mod import;
pub mod ledger;
pub mod limits;
pub mod load;
pub mod manifest;
pub mod markdown;
pub mod memo;
pub mod message;
pub mod mime;
pub mod money;
pub mod notice;
pub mod output;
pub mod overview;
pub mod pipeline;
pub mod placeholders;
pub mod portal;
pub mod print;
pub mod privacy;
pub mod publish;
pub mod qr;
pub mod record;
pub mod render;
pub mod search;
pub mod serve;
pub mod settings;
pub mod sheet;
pub mod signoff;
pub mod site;
pub mod sitepath;
pub mod theme;
pub mod toml_keys;
pub mod toml_syntax;
pub mod urls;
pub mod workbench;
