//! What was published and what changed: per-posting fingerprints and change notes (the record
//! stage, which writes `manifest.json` in the format of [`crate::manifest`]), the "already
//! published" baseline, and the withdrawal and redirect
//! pages of postings that were taken down or renamed.

pub mod moved;
pub mod published;
pub mod stage;
