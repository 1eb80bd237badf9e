//! gongkai turns a folder of Markdown postings, ledgers and photos into a static transparency
//! board (三务公开栏): a website that works from a USB stick, print sheets and a live preview.

pub mod date;
pub mod diagnostic;
pub mod manifest;
pub mod privacy;
