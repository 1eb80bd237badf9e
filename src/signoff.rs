//! Sign-off before publication (审核签字): a posting's `[[signoff]]` entries, each naming the
//! reviewing body (民主理财小组, 村务监督委员会, 党支部), its reviewers, the review date and their
//! opinion. Finance postings (and the kinds a site names) must carry one unless the site opts
//! out; a review dated after publication is an error. The sign-off is shown on the page and the
//! printed sheet and recorded in the manifest; it is part of the front matter and so of the
//! posting's fingerprint.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::{DateValue, format_iso, format_zh};
use crate::diagnostic::Diagnostic;

/// One `[[signoff]]` entry as written. Every key is optional here so that a missing one is a
/// located message in plain words rather than a TOML error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffSpec {
    /// 民主理财小组, 村务监督委员会, 党支部 …
    #[serde(default)]
    pub body: Option<Spanned<String>>,
    /// The reviewers' names: `["张三", "李四"]` (one name may be written as a string).
    #[serde(default)]
    pub reviewers: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub date: Option<Spanned<DateValue>>,
    /// 审核意见, e.g. 经逐笔审核，收支属实.
    #[serde(default)]
    pub opinion: Option<Spanned<String>>,
}

/// `[signoff]` in site.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffConfig {
    /// Finance postings must carry a sign-off (`required = false` opts out).
    #[serde(default = "yes")]
    pub required: bool,
    /// Further kinds that need one, e.g. `["低保公示", "工程招标"]`.
    #[serde(default)]
    pub kinds: Vec<String>,
}

fn yes() -> bool {
    true
}

impl Default for SignoffConfig {
    fn default() -> Self {
        SignoffConfig { required: true, kinds: Vec::new() }
    }
}

/// A checked sign-off, as the page, the sheet and the manifest show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signoff {
    pub body: String,
    pub reviewers: Vec<String>,
    /// `2026-10-08`
    pub date: String,
    /// `2026年10月8日`
    #[serde(skip_deserializing, default)]
    pub date_zh: String,
    pub opinion: String,
}

crate::messages! {
    pub enum SignoffError {
        Missing { what: String, example_date: String } = "signoff.missing",
            zh: "{what}须经审核后才能公开，但没有审核记录：请在开头的 +++ 之间加上\n\
                [[signoff]]\nbody = \"民主理财小组\"\nreviewers = [\"张三\", \"李四\"]\n\
                date = {example_date}\nopinion = \"经逐笔审核，收支属实\"\n\
                （本村不要求时，在 site.toml 中写 [signoff] required = false）",
            en: "{what} must be reviewed before publication but has no [[signoff]] (body, reviewers, date, opinion); set [signoff] required = false in site.toml to opt out";
        NoBody = "signoff.no-body",
            zh: "审核记录缺少审核机构：请加上 body = \"民主理财小组\"（或 村务监督委员会、党支部）",
            en: "sign-off lacks body (the reviewing body)";
        NoReviewers = "signoff.no-reviewers",
            zh: "审核记录缺少审核人：请加上 reviewers = [\"张三\", \"李四\"]",
            en: "sign-off lacks reviewers";
        NoDate = "signoff.no-date",
            zh: "审核记录缺少审核日期：请加上 date = 2026-10-08",
            en: "sign-off lacks date";
        NoOpinion = "signoff.no-opinion",
            zh: "审核记录缺少审核意见：请加上 opinion = \"经逐笔审核，收支属实\"",
            en: "sign-off lacks opinion";
        BadReviewers = "signoff.bad-reviewers",
            zh: "审核人应写成名字的列表，例如 reviewers = [\"张三\", \"李四\"]",
            en: "reviewers must be a list of names";
        AfterPublication {
            review: String,
            published: String,
        } = "signoff.after-publication",
            zh: "审核日期 {review} 晚于发布日期 {published}：公开内容须先审核、后公开，请核对审核日期或发布日期",
            en: "review date {review} is after the publication date {published}";
    }
}

/// Whether a posting needs a sign-off under `cfg`: finance postings and the configured kinds.
pub fn required(cfg: &SignoffConfig, is_finance: bool, kind: Option<&str>) -> bool {
    cfg.required && (is_finance || kind.is_some_and(|k| cfg.kinds.iter().any(|x| x == k)))
}

/// Checks the sign-off of a posting published on `published` and returns what can be shown.
/// `need` says it is required; `what` names the posting for the message (财务公开).
pub fn check(
    specs: &[SignoffSpec],
    need: bool,
    what: &str,
    published: jiff::civil::Date,
    src: &crate::diagnostic::SourceText,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Signoff> {
    if specs.is_empty() {
        if need {
            diags.push(
                Diagnostic::error(
                    src.path.clone(),
                    SignoffError::Missing {
                        what: what.to_string(),
                        example_date: format_iso(published),
                    },
                )
                .with_line_snippet(&src.text, 1, 1, 3),
            );
        }
        return Vec::new();
    }
    // Where to point for a missing key: the `[[signoff]]` header (the text gives no span of an
    // array-of-tables entry), found by its position among the headers.
    let headers: Vec<usize> = header_offsets(src);
    let mut out = Vec::new();
    for (n, s) in specs.iter().enumerate() {
        let at = |msg: SignoffError| match headers.get(n) {
            Some(&off) => Diagnostic::error(src.path.clone(), msg)
                .at_span(&src.text, off..off + "[[signoff]]".len()),
            None => Diagnostic::error(src.path.clone(), msg),
        };
        let before = diags.len();
        let body = s.body.as_ref().map(|b| b.get_ref().trim().to_string()).unwrap_or_default();
        if body.is_empty() {
            diags.push(match &s.body {
                Some(b) => src.error_at(b.span(), SignoffError::NoBody),
                None => at(SignoffError::NoBody),
            });
        }
        let reviewers = match &s.reviewers {
            None => None,
            Some(v) => match v.get_ref() {
                toml::Value::String(one) => Some(vec![one.trim().to_string()]),
                toml::Value::Array(items) => {
                    let names: Option<Vec<String>> =
                        items.iter().map(|i| i.as_str().map(|x| x.trim().to_string())).collect();
                    match names {
                        Some(n) => Some(n),
                        None => {
                            diags.push(src.error_at(v.span(), SignoffError::BadReviewers));
                            Some(vec![String::from("?")])
                        }
                    }
                }
                _ => {
                    diags.push(src.error_at(v.span(), SignoffError::BadReviewers));
                    Some(vec![String::from("?")])
                }
            },
        };
        let reviewers: Vec<String> =
            reviewers.unwrap_or_default().into_iter().filter(|r| !r.is_empty()).collect();
        if reviewers.is_empty() {
            diags.push(match &s.reviewers {
                Some(v) => src.error_at(v.span(), SignoffError::NoReviewers),
                None => at(SignoffError::NoReviewers),
            });
        }
        let date = match &s.date {
            None => {
                diags.push(at(SignoffError::NoDate));
                None
            }
            Some(d) => {
                let day = d.get_ref().0;
                if day > published {
                    diags.push(src.error_at(
                        d.span(),
                        SignoffError::AfterPublication {
                            review: format_iso(day),
                            published: format_iso(published),
                        },
                    ));
                }
                Some(day)
            }
        };
        let opinion =
            s.opinion.as_ref().map(|o| o.get_ref().trim().to_string()).unwrap_or_default();
        if opinion.is_empty() {
            diags.push(match &s.opinion {
                Some(o) => src.error_at(o.span(), SignoffError::NoOpinion),
                None => at(SignoffError::NoOpinion),
            });
        }
        if let (Some(date), true) = (date, diags.len() == before) {
            out.push(Signoff {
                body,
                reviewers,
                date: format_iso(date),
                date_zh: format_zh(date),
                opinion,
            });
        }
    }
    out
}

/// The sign-offs that can be shown (the build reports the others through [`check`]).
pub fn views(
    specs: &[SignoffSpec],
    published: jiff::civil::Date,
    src: &crate::diagnostic::SourceText,
) -> Vec<Signoff> {
    check(specs, false, "", published, src, &mut Vec::new())
}

/// Byte offsets in the file of each `[[signoff]]` header line of the front matter.
fn header_offsets(src: &crate::diagnostic::SourceText) -> Vec<usize> {
    let toml = src.toml();
    let mut out = Vec::new();
    let mut off = 0;
    for line in toml.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("[[signoff]]") {
            out.push(src.toml_offset + off + (line.len() - t.len()));
        }
        off += line.len();
    }
    out
}

/// The printed sheet's sign-off roles with those filled by a sign-off left out: a role is
/// filled when its name and the reviewing body name each other (民主理财小组 fills
/// 民主理财小组, 青石村村务监督委员会 fills 村务监督委员会).
pub fn unfilled_roles(roles: &[String], signed: &[Signoff]) -> Vec<String> {
    roles
        .iter()
        .filter(|role| {
            !signed.iter().any(|s| {
                !s.body.is_empty()
                    && (role.contains(s.body.as_str()) || s.body.contains(role.as_str()))
            })
        })
        .cloned()
        .collect()
}
