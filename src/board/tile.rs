//! Tiles: a board larger than any printer's paper, printed as overlapping A3 (or A4) sheets
//! with crop marks and a number on each for assembly.
//!
//! Every tile page has a blank margin (printers cannot print to the edge; crop marks and the
//! tile's number live there) around a window of the board. Neighbouring windows overlap by
//! `overlap` millimetres so the sheets can be glued over each other without a gap.

use crate::sheet::{Orientation, SheetPaper};
use serde::Serialize;

/// One tile: its place in the grid (1-based) and the board area its window shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tile {
    pub row: usize,
    pub col: usize,
    /// Top-left corner of the window on the board, in mm.
    pub x: f64,
    pub y: f64,
    /// 第 2 行第 3 列，共 2×7 张
    pub label: String,
}

/// The whole tiling of one board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TileGrid {
    pub rows: usize,
    pub cols: usize,
    pub paper: &'static str,
    pub orientation: &'static str,
    /// Named @page rule, e.g. `a3-landscape`.
    pub page_name: String,
    pub page_w: f64,
    pub page_h: f64,
    pub margin: f64,
    pub overlap: f64,
    /// Size of each window (the printed board area of a tile).
    pub window_w: f64,
    pub window_h: f64,
    pub tiles: Vec<Tile>,
}

/// How many windows of `window` mm overlapping by `overlap` mm cover `length` mm.
fn count(length: f64, window: f64, overlap: f64) -> usize {
    if length <= window {
        return 1;
    }
    ((length - overlap) / (window - overlap) - 1e-9).ceil() as usize
}

/// Tiles a `board_w` × `board_h` mm board on `paper` with the given margin and overlap. The
/// sheet orientation is chosen to need fewer sheets (landscape on a tie) unless `orientation`
/// is given.
pub fn grid(
    board_w: f64,
    board_h: f64,
    paper: SheetPaper,
    orientation: Option<Orientation>,
    margin: f64,
    overlap: f64,
) -> TileGrid {
    let make = |o: Orientation| {
        let (pw, ph) = o.apply(paper.size_mm());
        let (ww, wh) = (pw - 2.0 * margin, ph - 2.0 * margin);
        let cols = count(board_w, ww, overlap);
        let rows = count(board_h, wh, overlap);
        (o, pw, ph, ww, wh, rows, cols)
    };
    let (o, page_w, page_h, window_w, window_h, rows, cols) = match orientation {
        Some(o) => make(o),
        None => {
            let l = make(Orientation::Landscape);
            let p = make(Orientation::Portrait);
            if p.5 * p.6 < l.5 * l.6 { p } else { l }
        }
    };
    let mut tiles = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            tiles.push(Tile {
                row: r + 1,
                col: c + 1,
                x: c as f64 * (window_w - overlap),
                y: r as f64 * (window_h - overlap),
                label: format!("第 {} 行第 {} 列，共 {rows}×{cols} 张", r + 1, c + 1),
            });
        }
    }
    TileGrid {
        rows,
        cols,
        paper: paper.name(),
        orientation: o.name(),
        page_name: format!("{}-{}", paper.name().to_ascii_lowercase(), o.name()),
        page_w,
        page_h,
        margin,
        overlap,
        window_w,
        window_h,
        tiles,
    }
}

impl TileGrid {
    /// An SVG map of the board with every tile's outline and number, `width` px wide.
    pub fn map_svg(&self, board_w: f64, board_h: f64) -> String {
        let total_w =
            board_w.max((self.cols - 1) as f64 * (self.window_w - self.overlap) + self.window_w);
        let total_h =
            board_h.max((self.rows - 1) as f64 * (self.window_h - self.overlap) + self.window_h);
        let mut s = format!(
            r##"<svg class="tile-map" xmlns="http://www.w3.org/2000/svg" viewBox="-5 -5 {} {}" role="img" aria-label="拼贴示意图：共 {}×{} 张">"##,
            total_w + 10.0,
            total_h + 10.0,
            self.rows,
            self.cols
        );
        for t in &self.tiles {
            s.push_str(&format!(
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#1f4e79" stroke-width="2" stroke-dasharray="8 4"/>"##,
                t.x, t.y, self.window_w, self.window_h
            ));
        }
        s.push_str(&format!(
            r##"<rect x="0" y="0" width="{board_w}" height="{board_h}" fill="#a4161a" fill-opacity="0.08" stroke="#a4161a" stroke-width="6"/>"##
        ));
        let font = (self.window_h / 5.0).min(self.window_w / 5.0);
        for t in &self.tiles {
            s.push_str(&format!(
                r##"<text x="{}" y="{}" font-size="{font}" text-anchor="middle" dominant-baseline="middle" fill="#1f2328">{}-{}</text>"##,
                t.x + self.window_w / 2.0,
                t.y + self.window_h / 2.0,
                t.row,
                t.col
            ));
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every point of the board lies in some window; neighbours overlap by exactly `overlap`.
    fn check_cover(g: &TileGrid, w: f64, h: f64) {
        assert_eq!(g.tiles.len(), g.rows * g.cols);
        let right = g.tiles.iter().map(|t| t.x + g.window_w).fold(0.0, f64::max);
        let bottom = g.tiles.iter().map(|t| t.y + g.window_h).fold(0.0, f64::max);
        assert!(right >= w && bottom >= h, "covers {right}×{bottom} of {w}×{h}");
        // One tile fewer in either direction would not cover the board.
        if g.cols > 1 {
            assert!((g.cols - 2) as f64 * (g.window_w - g.overlap) + g.window_w < w);
        }
        if g.rows > 1 {
            assert!((g.rows - 2) as f64 * (g.window_h - g.overlap) + g.window_h < h);
        }
        for t in &g.tiles {
            if t.col > 1 {
                let left = g.tiles.iter().find(|u| u.row == t.row && u.col == t.col - 1).unwrap();
                assert!((left.x + g.window_w - t.x - g.overlap).abs() < 1e-9);
            }
            if t.row > 1 {
                let up = g.tiles.iter().find(|u| u.col == t.col && u.row == t.row - 1).unwrap();
                assert!((up.y + g.window_h - t.y - g.overlap).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn big_board_on_a3_with_overlap() {
        let g = grid(2400.0, 1200.0, SheetPaper::A3, None, 10.0, 10.0);
        // A3 landscape: 400 × 277 mm windows; 7 columns (7·390+10 = 2740 ≥ 2400, 6 would give
        // 2350), 5 rows (5·267+10 = 1345 ≥ 1200; 4 give 1078).
        assert_eq!((g.orientation, g.rows, g.cols), ("landscape", 5, 7));
        assert_eq!((g.window_w, g.window_h), (400.0, 277.0));
        assert_eq!(g.page_name, "a3-landscape");
        check_cover(&g, 2400.0, 1200.0);
        assert_eq!(g.tiles[0].label, "第 1 行第 1 列，共 5×7 张");
        let t = g.tiles.iter().find(|t| t.row == 2 && t.col == 3).unwrap();
        assert_eq!(t.label, "第 2 行第 3 列，共 5×7 张");
        assert_eq!((t.x, t.y), (780.0, 267.0));
    }

    #[test]
    fn small_and_exact_boards() {
        let g = grid(300.0, 200.0, SheetPaper::A3, None, 10.0, 10.0);
        assert_eq!((g.rows, g.cols), (1, 1));
        check_cover(&g, 300.0, 200.0);
        // Exactly two windows wide: 2·400 − 10.
        let g = grid(790.0, 277.0, SheetPaper::A3, Some(Orientation::Landscape), 10.0, 10.0);
        assert_eq!((g.rows, g.cols), (1, 2));
        check_cover(&g, 790.0, 277.0);
        let g = grid(791.0, 278.0, SheetPaper::A3, Some(Orientation::Landscape), 10.0, 10.0);
        assert_eq!((g.rows, g.cols), (2, 3));
        check_cover(&g, 791.0, 278.0);
    }

    #[test]
    fn tall_board_prefers_portrait_sheets() {
        let g = grid(800.0, 2200.0, SheetPaper::A3, None, 10.0, 10.0);
        assert_eq!(g.orientation, "portrait");
        check_cover(&g, 800.0, 2200.0);
        assert!(g.map_svg(800.0, 2200.0).contains(">1-1<"));
    }
}
