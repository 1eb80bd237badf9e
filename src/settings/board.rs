//! The `[[boards]]` of site.toml (the physical 公开栏 and its tiles), as written, and their checks.

use crate::diagnostic::{Diagnostic, SourceText};
use crate::sheet::{Orientation, SheetPaper};
use serde::Deserialize;

/// One `[[boards]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardConfig {
    /// Folder name under `boards/` (letters, digits, `-`, `_`).
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub paper: BoardPaper,
    #[serde(default)]
    pub orientation: Option<Orientation>,
    #[serde(default = "one")]
    pub columns: u32,
    /// Postings of these sections (and their sub-sections)…
    #[serde(default)]
    pub sections: Vec<String>,
    /// …and/or of these kinds (both given: both must match).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Every 公示 open on the build date.
    #[serde(default)]
    pub active_notices: bool,
    /// The ledger postings of the latest finance period.
    #[serde(default)]
    pub latest_finance: bool,
    /// At most this many of the postings picked by `sections`/`kinds`, newest first.
    #[serde(default)]
    pub latest: Option<usize>,
    /// At most this many postings in all.
    #[serde(default)]
    pub max_items: Option<usize>,
    /// Print as tiles (default for boards larger than A3).
    #[serde(default)]
    pub tiles: Option<TileConfig>,
    /// Line and column of its `name` in site.toml, for warnings made when it is drawn.
    #[serde(skip)]
    pub at: Option<(usize, usize)>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TileConfig {
    #[serde(default = "a3")]
    pub paper: SheetPaper,
    #[serde(default)]
    pub orientation: Option<Orientation>,
    #[serde(default = "ten")]
    pub overlap_mm: f64,
    #[serde(default = "ten")]
    pub margin_mm: f64,
}

fn a3() -> SheetPaper {
    SheetPaper::A3
}

fn ten() -> f64 {
    10.0
}

impl Default for TileConfig {
    fn default() -> Self {
        TileConfig { paper: SheetPaper::A3, orientation: None, overlap_mm: 10.0, margin_mm: 10.0 }
    }
}

crate::messages! {
    pub enum BoardError {
        Name(n: String) = "board.name",
            zh: "公开栏名称 name = \"{n}\" 只能用汉字、字母、数字、- 和 _（它是输出文件夹的名字，不能有空格、/ 或 .），例如 name = \"公开栏\" 或 name = \"main-board\"",
            en: "board name `{n}` must use only letters (Chinese too), digits, `-` and `_`";
        Duplicate(n: String) = "board.duplicate",
            zh: "有两个公开栏都叫 \"{n}\"，请改掉一个的 name",
            en: "two boards are named `{n}`";
        Empty(n: String) = "board.empty",
            zh: "公开栏 \"{n}\" 没有选择任何内容：请写 sections（栏目）、kinds（类别）、active_notices = true（正在公示的）或 latest_finance = true（最新一期财务）",
            en: "board `{n}` selects nothing: set sections, kinds, active_notices or latest_finance";
        Columns(n: String) = "board.columns",
            zh: "公开栏 \"{n}\" 的 columns（分栏数）应在 1 到 24 之间",
            en: "board `{n}`: columns must be between 1 and 24";
        Size(n: String) = "board.size",
            zh: "公开栏 \"{n}\" 的尺寸 width_mm、height_mm（毫米）应在 50 到 20000 之间，例如 paper = {{ width_mm = 2400, height_mm = 1200 }}",
            en: "board `{n}`: width_mm and height_mm must be between 50 and 20000";
        Tiles(n: String) = "board.tiles",
            zh: "公开栏 \"{n}\" 的拼贴设置 overlap_mm（重叠）和 margin_mm（页边）应在 0 到 50 毫米之间",
            en: "board `{n}`: overlap_mm and margin_mm must be between 0 and 50";
        Overflow { board: String, first: String, needed: u32, columns: u32 } = "board.overflow",
            zh: "公开栏 \"{board}\" 的内容估计放不下：从“{first}”起排到了第 {needed} 栏，可这块公开栏只有 {columns} 栏，放不下的部分打印时会被裁掉。可以换更大的 paper、用 max_items 或 latest 少放几篇，或把长的内容写得短一些",
            en: "board `{board}`: the content does not seem to fit; from \"{first}\" on it needs about {needed} columns, the board has {columns}, and what does not fit is cut off when printed";
        TooTall {
            board: String,
            title: String,
            height: u32,
            column: u32,
            finance: bool,
        } = "board.too-tall",
            zh: {
                format!(
                    "公开栏 \"{board}\" 里的“{title}”一篇估计就有 {height} 毫米高，而一栏只有 {column} 毫米，打印时下面会被裁掉。可以换更高的 paper，或不把它放上这块公开栏{}",
                    if *finance {
                        "（账目很长时可以去掉 latest_finance，把账表另外打印成 A4 纸张贴）"
                    } else {
                        "（改用 kinds 或 latest 少选几篇，把它另外打印成 A4 纸张贴）"
                    }
                )
            },
            en: "board `{board}`: \"{title}\" alone is about {height} mm tall, a column only {column} mm; it is cut off when printed (finance: {finance})";
    }
}

/// Where board `i`'s `name` key is in site.toml (or its `[[boards]]` key).
fn name_span(table: &toml::de::DeTable<'_>, i: usize) -> std::ops::Range<usize> {
    use toml::de::DeValue;
    let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref() == "boards") else {
        return 0..0;
    };
    if let DeValue::Array(items) = v.get_ref()
        && let Some(item) = items.get(i)
        && let DeValue::Table(t) = item.get_ref()
        && let Some((nk, _)) = t.iter().find(|(nk, _)| nk.get_ref() == "name")
    {
        return nk.span();
    }
    k.span()
}

/// Records where each board is written, for the warnings of [`render`].
pub fn locate(boards: &mut [BoardConfig], table: &toml::de::DeTable<'_>, src: &SourceText) {
    for (i, b) in boards.iter_mut().enumerate() {
        let at = crate::diagnostic::locate(&src.text, name_span(table, i).start + src.toml_offset);
        b.at = Some((at.line, at.column));
    }
}

/// Checks every board; errors point at the board's `name`.
pub fn validate(
    boards: &[BoardConfig],
    table: &toml::de::DeTable<'_>,
    src: &SourceText,
) -> Vec<Diagnostic> {
    let span_of = |i: usize| name_span(table, i);
    let mut out = Vec::new();
    for (i, b) in boards.iter().enumerate() {
        let mut err = |e: BoardError| out.push(src.error_at(span_of(i), e));
        if b.name.is_empty() || !b.name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            err(BoardError::Name(b.name.clone()));
        }
        if boards[..i].iter().any(|o| o.name == b.name) {
            err(BoardError::Duplicate(b.name.clone()));
        }
        if b.sections.is_empty() && b.kinds.is_empty() && !b.active_notices && !b.latest_finance {
            err(BoardError::Empty(b.name.clone()));
        }
        if !(1..=24).contains(&b.columns) {
            err(BoardError::Columns(b.name.clone()));
        }
        if let BoardPaper::Custom(PaperSize { width_mm, height_mm }) = b.paper
            && !((50..=20000).contains(&width_mm) && (50..=20000).contains(&height_mm))
        {
            err(BoardError::Size(b.name.clone()));
        }
        if let Some(t) = &b.tiles
            && !((0.0..=50.0).contains(&t.overlap_mm) && (0.0..=50.0).contains(&t.margin_mm))
        {
            err(BoardError::Tiles(b.name.clone()));
        }
    }
    out
}

/// The paper of a board: a standard sheet or the board's own size in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BoardPaper {
    Sheet(SheetPaper),
    Custom(PaperSize),
}

/// `paper = { width_mm = 2400, height_mm = 1200 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct PaperSize {
    pub width_mm: u32,
    pub height_mm: u32,
}

impl<'de> Deserialize<'de> for BoardPaper {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{Error, StrDeserializer};
        super::string_or_table(
            d,
            |s| {
                let name = StrDeserializer::<Error>::new(s);
                SheetPaper::deserialize(name).map(BoardPaper::Sheet).map_err(|e| e.to_string())
            },
            BoardPaper::Custom,
        )
    }
}

impl Default for BoardPaper {
    fn default() -> Self {
        BoardPaper::Sheet(SheetPaper::A4)
    }
}
