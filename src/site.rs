//! The data model: what `load` produces and every later stage only reads.

use crate::config::SiteConfig;
use crate::diagnostic::SourceText;
use crate::frontmatter::{PostingFront, SectionFront, Split};
use jiff::civil::Date;
use std::path::PathBuf;

/// A whole site as loaded from disk.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// Sections in display order; parents come before their children.
    pub sections: Vec<Section>,
    /// All postings, including drafts and future ones (see [`Posting::published`]).
    pub postings: Vec<Posting>,
    /// Non-Markdown files under `content/` published as they are (bundle files, loose files).
    pub files: Vec<ContentFile>,
    /// Optional home-page introduction from `content/_index.md`.
    pub home: Option<HomeIntro>,
    /// The date the board is built for (Asia/Shanghai today, or `--today`).
    pub today: Date,
}

#[derive(Debug, Clone)]
pub struct HomeIntro {
    pub src: SourceText,
    pub split: Split,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// `village` or, nested, `village/roads`.
    pub id: String,
    /// Display path of its `_index.md` (or of the folder when there is none).
    pub source: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub paginate: Option<usize>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Site-relative folder of its listing, e.g. `village/`.
    pub url_dir: String,
    /// Body of `_index.md`, with its source for positions.
    pub intro: Option<(SourceText, Split)>,
    #[allow(dead_code)]
    pub front: Option<SectionFront>,
}

#[derive(Debug, Clone)]
pub struct Posting {
    /// Display path, e.g. `content/village/2026-road/index.md`.
    pub source: String,
    pub abs_path: PathBuf,
    /// Folder that relative links and attachments resolve against.
    pub dir: PathBuf,
    /// A folder `name/index.md` whose other files are published beside it.
    pub bundle: bool,
    pub section: usize,
    pub slug: String,
    /// Site-relative folder of the page, e.g. `village/2026-road/`.
    pub url_dir: String,
    pub front: PostingFront,
    pub src: SourceText,
    pub split: Split,
    /// In the output of this build (not a draft, not future-dated, or a preview with drafts).
    pub published: bool,
}

impl Posting {
    pub fn title(&self) -> &str {
        self.front.title.get_ref()
    }
    pub fn date(&self) -> Date {
        self.front.date.get_ref().0
    }
    pub fn body(&self) -> &str {
        &self.src.text[self.split.body_start..]
    }
    /// Takes the Markdown body out, leaving the front matter (its errors' positions stay right).
    /// The build does this once every check has read the body: a 10,000-posting site's bodies
    /// are 100 MB.
    pub fn take_body(&mut self) -> String {
        let mut text = std::mem::take(&mut self.src.text);
        let start = self.split.body_start.min(text.len());
        self.src.text = text[..start].to_string();
        // The body's bytes move to the front of their own buffer: no copy of the whole is made.
        text.drain(..start);
        text
    }
    /// Site-relative URL of the page file.
    pub fn url(&self) -> String {
        format!("{}index.html", self.url_dir)
    }
    pub fn is_draft(&self) -> bool {
        self.front.draft
    }
}

/// A file copied into the output as it is.
#[derive(Debug, Clone)]
pub struct ContentFile {
    pub abs_path: PathBuf,
    /// Site-relative output path.
    pub out: String,
    /// Display path of the source.
    pub source: String,
}
