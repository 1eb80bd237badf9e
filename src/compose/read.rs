//! An existing posting back into the form, so the workbench can show a posting's settings in the
//! same fields it was created with (and [`super::facts`] can check them). Changes go back to the
//! file through [`super::set_keys`], which keeps what the form does not show.

use super::{AttachmentDraft, Draft, Kind, Number, SignoffDraft};
use crate::date::format_iso;
use crate::frontmatter::{self, PostingFront};

/// The form of the posting `text` at `rel_path` (`content/party/x.md` or
/// `content/finance/2026-q3/index.md`); `None` when its front matter does not read (the build's
/// messages say why). `existing` is set to `rel_path`, so that [`super::facts`] does not report the
/// posting's own file as taken.
pub fn draft_of(rel_path: &str, text: &str) -> Option<Draft> {
    let rel = rel_path.replace('\\', "/");
    let inner = rel.strip_prefix("content/")?;
    let (bundle, section) = match inner.strip_suffix("/index.md") {
        Some(folder) => (true, folder.rsplit_once('/')?.0.to_string()),
        None => (false, inner.rsplit_once('/')?.0.to_string()),
    };
    let split = frontmatter::split(text).ok()?;
    let front: PostingFront = toml::from_str(&text[split.toml_start..split.toml_end]).ok()?;
    let kind = Kind::from(front.kind.clone().unwrap_or_default());
    let notice = front.notice.as_ref();
    let series = match notice.and_then(|n| n.series.as_ref()) {
        Some(s) => Some(s.get_ref().clone()),
        None => front.series.as_ref().map(|s| s.get_ref().clone()),
    };
    let ledger = front.ledger.as_ref().and_then(|l| l.get_ref().as_str().map(str::to_string));
    let signoff = front
        .signoff
        .iter()
        .map(|s| SignoffDraft {
            body: s.body.as_ref().map(|b| b.get_ref().clone()).unwrap_or_default(),
            reviewers: match s.reviewers.as_ref().map(|r| r.get_ref()) {
                Some(toml::Value::String(one)) => vec![one.clone()],
                Some(toml::Value::Array(items)) => {
                    items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect()
                }
                _ => Vec::new(),
            },
            date: s.date.as_ref().map(|d| format_iso(d.get_ref().0)),
            opinion: s.opinion.as_ref().map(|o| o.get_ref().clone()).unwrap_or_default(),
        })
        .collect();
    Some(Draft {
        section,
        kind,
        title: front.title.get_ref().clone(),
        date: Some(format_iso(front.date.get_ref().0)),
        period: front.period.as_ref().map(|p| p.get_ref().clone()),
        tags: front.tags.iter().map(|t| t.get_ref().clone()).collect(),
        summary: front.summary.clone(),
        attachments: front
            .attachments
            .iter()
            .map(|a| AttachmentDraft { file: a.file.get_ref().clone(), label: a.label.clone() })
            .collect(),
        days: notice.and_then(|n| n.days.as_ref()).map(|d| Number::Int(*d.get_ref())),
        count: notice.and_then(|n| n.count.as_ref()).map(|c| c.get_ref().clone()),
        series,
        stage: notice.and_then(|n| n.stage.as_ref()).map(|s| s.get_ref().clone()),
        basis: notice.and_then(|n| n.basis.clone()),
        objections: notice.and_then(|n| n.objections.clone()),
        ledger,
        signoff,
        draft: front.draft,
        bundle,
        existing: Some(rel),
    })
}
