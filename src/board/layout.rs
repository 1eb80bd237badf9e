//! Board paper and page geometry.

pub use crate::settings::board::{BoardPaper, PaperSize};
use crate::sheet::Orientation;

/// Where a board's content goes on paper.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Page (board) width and height in mm, orientation applied.
    pub width: f64,
    pub height: f64,
    /// Blank border inside the page.
    pub margin: f64,
    /// Named @page rule for this board.
    pub page_name: String,
    /// A standard sheet (several pages flow) or one custom board.
    pub is_sheet: bool,
    /// `A4 纵向` / `2400 × 1200 毫米`
    pub label: String,
}

/// The geometry of a board named `name`.
pub fn geometry(name: &str, paper: BoardPaper, orientation: Option<Orientation>) -> Geometry {
    match paper {
        BoardPaper::Sheet(p) => {
            let o = orientation.unwrap_or_default();
            let (width, height) = o.apply(p.size_mm());
            Geometry {
                width,
                height,
                margin: 12.0,
                page_name: format!("{}-{}", p.name().to_ascii_lowercase(), o.name()),
                is_sheet: true,
                label: format!("{} {}", p.name(), o.zh()),
            }
        }
        BoardPaper::Custom(PaperSize { width_mm, height_mm }) => {
            let (w, h) = (width_mm as f64, height_mm as f64);
            let (width, height) = match orientation {
                Some(o) => o.apply((w, h)),
                None => (w, h),
            };
            Geometry {
                width,
                height,
                margin: (width.min(height) / 40.0).clamp(10.0, 40.0),
                page_name: format!("board-{name}"),
                is_sheet: false,
                label: format!("{width} × {height} 毫米"),
            }
        }
    }
}

/// Gap between columns, mm (board.css `column-gap`).
pub const COLUMN_GAP: f64 = 8.0;

impl Geometry {
    /// Width of one column in mm.
    pub fn column_width(&self, columns: u32) -> f64 {
        let n = columns.max(1) as f64;
        let inner =
            if self.is_sheet { self.width - 2.0 * 16.0 } else { self.width - 2.0 * self.margin };
        (inner - (n - 1.0) * COLUMN_GAP) / n
    }

    /// How much to enlarge (or shrink) each posting so that a column holds about one A4 sheet's
    /// width of text: big boards get big type, read from further away.
    pub fn card_zoom(&self, columns: u32) -> f64 {
        let z = (self.column_width(columns) / 180.0).clamp(0.8, 3.0);
        (z * 100.0).round() / 100.0
    }

    /// Zoom for showing the board on a screen about 1000 CSS px wide (1 mm = 3.78 px).
    pub fn screen_zoom(&self) -> f64 {
        let px = self.width * 96.0 / 25.4;
        ((1000.0 / px).min(1.0) * 1000.0).round() / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::SheetPaper;
    use serde::Deserialize;

    #[test]
    fn sheets_and_custom_boards() {
        let g = geometry("a", BoardPaper::Sheet(SheetPaper::A4), None);
        assert_eq!((g.width, g.height, g.page_name.as_str()), (210.0, 297.0, "a4-portrait"));
        assert_eq!((g.card_zoom(1), g.card_zoom(2)), (0.99, 0.8));
        let g = geometry("a", BoardPaper::Sheet(SheetPaper::A3), Some(Orientation::Landscape));
        assert_eq!((g.width, g.height, g.label.as_str()), (420.0, 297.0, "A3 横向"));
        let g = geometry(
            "main",
            BoardPaper::Custom(PaperSize { width_mm: 2400, height_mm: 1200 }),
            None,
        );
        assert_eq!((g.width, g.height, g.page_name.as_str()), (2400.0, 1200.0, "board-main"));
        assert!(!g.is_sheet && g.screen_zoom() < 0.2);
        // 6 columns of (2400 − 2·30 − 5·8) / 6 ≈ 383 mm: about twice an A4 text width.
        assert!((g.column_width(6) - 383.33).abs() < 0.01);
        assert_eq!(g.card_zoom(6), 2.13);
        let g = geometry(
            "m",
            BoardPaper::Custom(PaperSize { width_mm: 1200, height_mm: 2400 }),
            Some(Orientation::Landscape),
        );
        assert_eq!((g.width, g.height), (2400.0, 1200.0));
    }

    #[test]
    fn paper_parses_from_toml() {
        #[derive(Deserialize)]
        struct T {
            paper: BoardPaper,
        }
        let t: T = toml::from_str("paper = \"A3\"").unwrap();
        assert_eq!(t.paper, BoardPaper::Sheet(SheetPaper::A3));
        let t: T = toml::from_str("paper = { width_mm = 2400, height_mm = 1200 }").unwrap();
        assert_eq!(t.paper, BoardPaper::Custom(PaperSize { width_mm: 2400, height_mm: 1200 }));
        assert!(toml::from_str::<T>("paper = \"B5\"").is_err());
    }
}
