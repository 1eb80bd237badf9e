//! What an imported document is made of, between the reader (.docx, later clipboard HTML) and
//! the Markdown writer: paragraphs with their role, inline runs, tables with merge marks.

/// A paragraph's role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Body,
    /// Word's Title style.
    Title,
    /// A heading style or outline level: 1 for Heading 1.
    Heading(u8),
}

/// A list item: depth from 0, and whether it is numbered 1. 2. 3. (`Some(n)`) or bulleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    pub level: u8,
    pub number: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A stretch of text with one formatting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text {
        text: String,
        bold: bool,
        italic: bool,
        strike: bool,
    },
    /// A line break inside the paragraph (Shift+Enter).
    Break,
    Link {
        url: String,
        text: String,
    },
    /// A footnote reference, by its number in the Markdown (1, 2, …).
    Footnote(usize),
    /// An embedded picture, by its index in [`super::Imported::images`].
    Image {
        index: usize,
        alt: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    pub role: Role,
    pub list: Option<ListItem>,
    pub align: Align,
    pub inlines: Vec<Inline>,
    /// Where it is in the document, for messages: `第12段“村道硬化…”`.
    pub at: String,
}

impl Paragraph {
    /// The plain text (no formatting, breaks as spaces).
    pub fn plain(&self) -> String {
        plain(&self.inlines)
    }

    /// Whether every visible character is bold (a hand-made heading or title).
    pub fn all_bold(&self) -> bool {
        let mut any = false;
        for i in &self.inlines {
            if let Inline::Text { text, bold, .. } = i
                && !text.trim().is_empty()
            {
                if !bold {
                    return false;
                }
                any = true;
            }
        }
        any
    }

    pub fn has_image(&self) -> bool {
        self.inlines.iter().any(|i| matches!(i, Inline::Image { .. }))
    }
}

/// The plain text of inlines.
pub fn plain(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text { text, .. } => s.push_str(text),
            Inline::Link { text, .. } => s.push_str(text),
            Inline::Break => s.push(' '),
            Inline::Footnote(_) | Inline::Image { .. } => {}
        }
    }
    s
}

/// One cell as the grid sees it: Markdown has no merged cells, so a merged cell's content stays
/// in its first grid cell and the cells it covered are empty (a warning says so).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub inlines: Vec<Inline>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    /// `表格2`.
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
}
