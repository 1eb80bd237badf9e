//! Print sheets: how each posting prints for the physical board (公开栏).
//!
//! Paper and sign-off come, most specific first, from the posting's `print = { … }`, the
//! section's `[print.sections.ID]` (the nearest ancestor section that has one), the site's
//! `[print]`, and the defaults (A4 portrait; 审核人 and the supervision committee, plus
//! 民主理财小组 for finance postings; a stamp box). The issuer (发布单位) comes the same way
//! (`issuer = "中共青石村支部委员会"`): a 党务 posting is issued by the party branch, not by the
//! village committee; without a setting, `party` postings name the unit's 党支部.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A sheet size every printer and browser knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum SheetPaper {
    #[default]
    #[serde(rename = "A4", alias = "a4")]
    A4,
    #[serde(rename = "A3", alias = "a3")]
    A3,
}

impl SheetPaper {
    /// Width and height in millimetres, portrait.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            SheetPaper::A4 => (210.0, 297.0),
            SheetPaper::A3 => (297.0, 420.0),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            SheetPaper::A4 => "A4",
            SheetPaper::A3 => "A3",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum Orientation {
    #[default]
    #[serde(rename = "portrait", alias = "纵向")]
    Portrait,
    #[serde(rename = "landscape", alias = "横向")]
    Landscape,
}

impl Orientation {
    pub fn name(self) -> &'static str {
        match self {
            Orientation::Portrait => "portrait",
            Orientation::Landscape => "landscape",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Orientation::Portrait => "纵向",
            Orientation::Landscape => "横向",
        }
    }
    /// `(w, h)` of portrait dimensions turned to this orientation.
    pub fn apply(self, (w, h): (f64, f64)) -> (f64, f64) {
        let (short, long) = if w <= h { (w, h) } else { (h, w) };
        match self {
            Orientation::Portrait => (short, long),
            Orientation::Landscape => (long, short),
        }
    }
}

/// One layer of print settings; unset keys fall through to the next layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintSettings {
    #[serde(default)]
    pub paper: Option<SheetPaper>,
    #[serde(default)]
    pub orientation: Option<Orientation>,
    /// Who signs, in order, e.g. `["审核人", "村务监督委员会"]`.
    #[serde(default)]
    pub signoff: Option<Vec<String>>,
    /// A box for the publishing unit's stamp (盖章处).
    #[serde(default)]
    pub stamp: Option<bool>,
    /// The issuing unit named on the page, the sheet and the board.
    #[serde(default)]
    pub issuer: Option<String>,
    /// A formal title block on the sheet (红头): the issuing unit in red over a red rule.
    #[serde(default)]
    pub letterhead: Option<bool>,
}

/// `[print]` in site.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintConfig {
    #[serde(default)]
    pub paper: Option<SheetPaper>,
    #[serde(default)]
    pub orientation: Option<Orientation>,
    #[serde(default)]
    pub signoff: Option<Vec<String>>,
    #[serde(default)]
    pub stamp: Option<bool>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub letterhead: Option<bool>,
    /// Per section id (`finance`, `village/roads`).
    #[serde(default)]
    pub sections: BTreeMap<String, PrintSettings>,
}

/// The resolved print settings of one sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetSettings {
    pub paper: SheetPaper,
    pub orientation: Orientation,
    pub signoff: Vec<String>,
    pub stamp: bool,
    /// `None`: the site's unit (or, for 党务, its party branch).
    pub issuer: Option<String>,
    /// 红头: the issuer in red over a red rule above the title (off unless asked for).
    pub letterhead: bool,
}

impl SheetSettings {
    /// The named `@page` rule in print.css, e.g. `a3-landscape`.
    pub fn page_name(&self) -> String {
        format!("{}-{}", self.paper.name().to_ascii_lowercase(), self.orientation.name())
    }
    /// `A4 纵向`
    pub fn label(&self) -> String {
        format!("{} {}", self.paper.name(), self.orientation.zh())
    }
}

/// Default signers for a top-level section.
fn default_signoff(top_section: &str, committee: Option<&str>) -> Vec<String> {
    let committee = committee.unwrap_or("村务监督委员会").to_string();
    match top_section {
        "finance" => vec!["审核人".into(), "民主理财小组".into(), committee],
        "party" => vec!["审核人".into(), "党支部".into()],
        _ => vec!["审核人".into(), committee],
    }
}

/// Resolves the settings for a posting in section `section_id` (e.g. `village/roads`).
pub fn resolve(
    config: &PrintConfig,
    committee: Option<&str>,
    section_id: &str,
    front: Option<&PrintSettings>,
) -> SheetSettings {
    // The posting, then the section and its ancestors (nearest first), then [print].
    let mut layers: Vec<&PrintSettings> = front.into_iter().collect();
    let mut id = section_id;
    loop {
        if let Some(s) = config.sections.get(id) {
            layers.push(s);
        }
        match id.rsplit_once('/') {
            Some((parent, _)) => id = parent,
            None => break,
        }
    }
    let site = PrintSettings {
        paper: config.paper,
        orientation: config.orientation,
        signoff: config.signoff.clone(),
        stamp: config.stamp,
        issuer: config.issuer.clone(),
        letterhead: config.letterhead,
    };
    layers.push(&site);
    let top = section_id.split('/').next().unwrap_or("");
    SheetSettings {
        paper: layers.iter().find_map(|l| l.paper).unwrap_or_default(),
        orientation: layers.iter().find_map(|l| l.orientation).unwrap_or_default(),
        signoff: layers
            .iter()
            .find_map(|l| l.signoff.clone())
            .unwrap_or_else(|| default_signoff(top, committee)),
        stamp: layers.iter().find_map(|l| l.stamp).unwrap_or(true),
        issuer: layers.iter().find_map(|l| l.issuer.clone()).filter(|i| !i.trim().is_empty()),
        letterhead: layers.iter().find_map(|l| l.letterhead).unwrap_or(false),
    }
}

/// The issuing unit of a sheet: the setting, else the site's unit; for 党务 without a setting
/// the unit's party branch (`青石镇青石村村民委员会` → `青石镇青石村党支部`).
pub fn issuer(settings: &SheetSettings, unit: &str, section_id: &str) -> String {
    if let Some(i) = &settings.issuer {
        return i.clone();
    }
    if section_id.split('/').next() == Some("party") {
        for suffix in ["村民委员会", "村委会", "居民委员会", "居委会"] {
            if let Some(stem) = unit.strip_suffix(suffix) {
                return format!("{stem}党支部");
            }
        }
        return format!("{unit}党支部");
    }
    unit.to_string()
}

/// What templates see as `page.sheet`.
#[derive(Debug, Clone, Serialize)]
pub struct SheetView {
    pub paper: &'static str,
    pub orientation: &'static str,
    /// Named @page rule, e.g. `a4-portrait`.
    pub page_name: String,
    /// `A4 纵向`
    pub label: String,
    pub signoff: Vec<String>,
    pub stamp: bool,
    pub letterhead: bool,
    /// The issuing unit (发布单位), see [`issuer`].
    pub issuer: String,
    /// The posting's online address (from base_url, ASCII), which the QR code encodes.
    pub url: String,
    /// The same address as people read it (`https://example.org/青石村/…`).
    pub display_url: String,
    /// Inline SVG of the QR code.
    pub qr_svg: String,
    /// Recorded reviews (`[[signoff]]`), printed in place of the blank lines of their roles;
    /// `signoff` then keeps only the roles still to sign by hand.
    pub signed: Vec<crate::signoff::Signoff>,
}

impl SheetView {
    pub fn new(settings: &SheetSettings, url: String, issuer: String) -> SheetView {
        let qr_svg = crate::qr::svg(&url, "二维码：扫码查看网上原文").unwrap_or_default();
        SheetView {
            paper: settings.paper.name(),
            orientation: settings.orientation.name(),
            page_name: settings.page_name(),
            label: settings.label(),
            signoff: settings.signoff.clone(),
            stamp: settings.stamp,
            letterhead: settings.letterhead,
            issuer,
            display_url: crate::urls::decode(&url),
            url,
            qr_svg,
            signed: Vec::new(),
        }
    }
}

/// Percent-encodes every byte outside printable ASCII, so a QR code holds a plain ASCII URL
/// (scanners disagree on the character set of non-ASCII bytes) even when base_url has
/// Chinese in it.
pub fn ascii_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_postings_are_issued_by_the_branch() {
        let plain = resolve(&PrintConfig::default(), None, "party/dues", None);
        assert_eq!(issuer(&plain, "青石镇青石村村民委员会", "party/dues"), "青石镇青石村党支部");
        assert_eq!(issuer(&plain, "青石镇青石村村民委员会", "village"), "青石镇青石村村民委员会");
        assert_eq!(issuer(&plain, "东风社区居民委员会", "party"), "东风社区党支部");
        let c =
            cfg("issuer = \"青石村两委\"\n[sections.party]\nissuer = \"中共青石村支部委员会\"\n");
        let set = resolve(&c, None, "party/dues", None);
        assert_eq!(issuer(&set, "青石村村民委员会", "party/dues"), "中共青石村支部委员会");
        let site = resolve(&c, None, "village", None);
        assert_eq!(issuer(&site, "青石村村民委员会", "village"), "青石村两委");
        let front = PrintSettings {
            issuer: Some("青石村民主理财小组".into()),
            ..Default::default()
        };
        let own = resolve(&c, None, "party", Some(&front));
        assert_eq!(issuer(&own, "青石村村民委员会", "party"), "青石村民主理财小组");
    }

    fn cfg(s: &str) -> PrintConfig {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn defaults_are_a4_portrait_with_section_signers() {
        let s = resolve(&PrintConfig::default(), Some("青石村村务监督委员会"), "finance", None);
        assert_eq!(s.page_name(), "a4-portrait");
        assert_eq!(s.signoff, ["审核人", "民主理财小组", "青石村村务监督委员会"]);
        assert!(s.stamp);
        let v = resolve(&PrintConfig::default(), None, "village/roads", None);
        assert_eq!(v.signoff, ["审核人", "村务监督委员会"]);
    }

    #[test]
    fn posting_beats_section_beats_site() {
        let c = cfg(
            "paper = \"A4\"\nsignoff = [\"审核人\"]\n[sections.finance]\npaper = \"A3\"\n[sections.\"village/roads\"]\norientation = \"横向\"\n",
        );
        assert_eq!(resolve(&c, None, "finance", None).page_name(), "a3-portrait");
        assert_eq!(resolve(&c, None, "finance/2026", None).page_name(), "a3-portrait");
        assert_eq!(resolve(&c, None, "village/roads", None).page_name(), "a4-landscape");
        assert_eq!(resolve(&c, None, "party", None).signoff, ["审核人"]);
        let front = PrintSettings {
            paper: Some(SheetPaper::A4),
            orientation: Some(Orientation::Landscape),
            ..Default::default()
        };
        let s = resolve(&c, None, "finance", Some(&front));
        assert_eq!((s.page_name(), s.label()), ("a4-landscape".into(), "A4 横向".into()));
    }

    #[test]
    fn qr_urls_are_ascii() {
        assert_eq!(
            ascii_url("https://example.org/测试 村/village/a/"),
            "https://example.org/%E6%B5%8B%E8%AF%95%20%E6%9D%91/village/a/"
        );
    }

    fn front(text: &str) -> Result<Option<PrintSettings>, Vec<String>> {
        use crate::frontmatter::{PostingFront, parse};
        parse::<PostingFront>(
            "content/a.md",
            format!("+++\ntitle = \"t\"\ndate = 2026-10-08\n{text}\n+++\nbody\n"),
            &["title", "date"],
        )
        .map(|p| p.front.print)
        .map_err(|ds| ds.iter().map(|d| d.render(crate::diagnostic::Lang::En)).collect())
    }

    #[test]
    fn front_matter_print_table() {
        let p = front("print = { paper = \"A3\", orientation = \"landscape\" }").unwrap().unwrap();
        assert_eq!((p.paper, p.orientation), (Some(SheetPaper::A3), Some(Orientation::Landscape)));
        let p = front("[print]\norientation = \"横向\"\nsignoff = [\"审核人\"]\nstamp = false")
            .unwrap()
            .unwrap();
        assert_eq!(p.orientation, Some(Orientation::Landscape));
        assert_eq!(
            (p.signoff.as_deref(), p.stamp),
            (Some(&["审核人".to_string()][..]), Some(false))
        );
        let errs = front("print = { papr = \"A3\" }").unwrap_err();
        assert!(
            errs[0].starts_with("content/a.md:4:") && errs[0].contains("did you mean `paper`"),
            "{errs:?}"
        );
        let errs = front("print = { paper = \"A5\" }").unwrap_err();
        assert!(errs[0].contains("content/a.md:4:"), "{errs:?}");
    }

    #[test]
    fn unknown_paper_is_an_error() {
        assert!(toml::from_str::<PrintSettings>("paper = \"B5\"").is_err());
    }
}
