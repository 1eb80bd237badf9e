//! Checks and enrichers that run between loading and rendering: each reads the loaded
//! [`Site`](crate::site::Site) and returns plain per-posting data plus diagnostics.

pub mod bundle_files;
pub mod finance;
pub mod images;
pub mod moved;
pub mod notices;
pub mod privacy;
pub mod records;
