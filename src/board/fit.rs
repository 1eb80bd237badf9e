//! Will a board's cards fit its paper? A board of its own size (say 2400 × 1200 mm) has a fixed
//! height, and what does not fit runs off its right edge and is cut off when printed. The build
//! cannot lay text out as a browser does, so it estimates each card's height from the board page
//! it wrote — text length per block at the sizes board.css gives it, table rows, photos, the QR
//! footer — and fills the columns in order, as CSS columns do with cards that never break.
//! Checked against Chromium's layout in tests/print_sheets.rs: within about 15 % on the example
//! board, and the warning is given only past a margin that covers that.

/// Millimetres per typographic point.
const PT: f64 = 25.4 / 72.0;

/// One card's estimated height at zoom 1 (mm) and its title.
#[derive(Debug, Clone, PartialEq)]
pub struct CardEstimate {
    pub title: String,
    pub height_mm: f64,
}

/// Where the cards stop fitting: the first card that starts past the last column, or a card
/// taller than a whole column.
#[derive(Debug, Clone, PartialEq)]
pub enum Overflow {
    TooMany { first: String, needed: u32, columns: u32 },
    TooTall { title: String, height_mm: f64, column_mm: f64 },
}

/// The width a string takes in em: CJK and full-width characters one em, the rest about half.
fn ems(text: &str) -> f64 {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| if (c as u32) < 0x2E80 { 0.55 } else { 1.0 })
        .sum()
}

/// Lines that `text` takes at `pt` in a box `width_mm` wide (at least one when it has text).
fn lines(text: &str, pt: f64, width_mm: f64, indent_em: f64) -> f64 {
    let text = text.trim();
    if text.is_empty() {
        return 0.0;
    }
    let per_line = (width_mm / (pt * PT)).max(1.0);
    // The epsilon keeps a cell exactly as wide as its text on one line.
    ((ems(text) + indent_em) / per_line - 1e-9).ceil().max(1.0)
}

/// A start or end tag: its name (lower case), its class attribute, whether it closes.
struct Tag<'a> {
    name: String,
    class: &'a str,
    closing: bool,
}

fn parse_tag(inner: &str) -> Tag<'_> {
    let closing = inner.starts_with('/');
    let body = inner.trim_start_matches('/');
    let name: String =
        body.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    let class = body
        .find("class=\"")
        .map(|at| {
            let rest = &body[at + 7..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .unwrap_or("");
    Tag { name, class, closing }
}

/// Decodes the few entities the renderer writes, enough to count characters.
fn text_of(raw: &str) -> String {
    raw.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

/// Size (pt), line height and the vertical margins (mm) of a text block by its tag and class,
/// as board.css sets them.
fn block_style(tag: &str, class: &str) -> (f64, f64, f64, f64) {
    match (tag, class) {
        (_, c) if c.contains("card-banner") => (13.0, 1.5, 0.0, 0.0),
        (_, c) if c.contains("card-title") => (18.0, 1.35, 3.0, 0.0),
        (_, c) if c.contains("card-facts") || c.contains("card-notice") => (13.0, 1.5, 0.0, 0.0),
        (_, c) if c.contains("card-objections") => (13.0, 1.5, 4.0, 0.0),
        ("h2", _) => (15.0, 1.5, 4.0, 0.0),
        ("h3" | "h4" | "h5" | "h6", _) => (14.0, 1.5, 3.0, 0.0),
        ("caption", _) => (11.0, 1.5, 0.0, 0.0),
        ("p", "in-quote") => (12.0, 1.5, 1.5, 0.0),
        ("p", _) => (14.0, 1.5, 1.5, 2.0),
        _ => (14.0, 1.5, 1.0, 0.0),
    }
}

/// A table's height as a browser's automatic layout gives it: each column as wide as its
/// longest cell asks, shrunk in proportion when they do not all fit; rows as tall as their
/// tallest cell (11 pt, or 9.5 pt with six columns or more; line height 1.3; 0.6 mm padding).
fn table_height(rows: &[Vec<String>], inner: f64) -> f64 {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    if n == 0 {
        return 0.0;
    }
    let pt = if n >= 6 { 9.5 } else { 11.0 };
    let em = pt * PT;
    let pad = 2.4;
    // Per column: the narrowest it can be (a date, an amount or a Latin word never breaks; Chinese
    // breaks between any two characters) and the width its longest cell asks for.
    let mut min = vec![0.0f64; n];
    let mut max = vec![0.0f64; n];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            let c = c.trim();
            let unbreakable = c
                .split(|ch: char| ch.is_whitespace() || (ch as u32) >= 0x2E80)
                .map(ems)
                .fold(0.0, f64::max);
            let cjk = if c.chars().any(|ch| (ch as u32) >= 0x2E80) { 1.0 } else { 0.0 };
            min[i] = min[i].max(unbreakable.max(cjk) * em + pad);
            max[i] = max[i].max(ems(c) * em + pad);
        }
    }
    let (sum_min, sum_max): (f64, f64) = (min.iter().sum(), max.iter().sum());
    // As CSS automatic table layout: the longest lines when they fit, otherwise every column its
    // minimum plus a share of the rest in proportion to how much more it asks for.
    let widths: Vec<f64> = if sum_max <= inner {
        max.clone()
    } else if sum_min >= inner || sum_max <= sum_min {
        min.clone()
    } else {
        let spare = inner - sum_min;
        (0..n).map(|i| min[i] + spare * (max[i] - min[i]) / (sum_max - sum_min)).collect()
    };
    rows.iter()
        .map(|r| {
            let tallest = r
                .iter()
                .enumerate()
                .map(|(i, c)| lines(c, pt, (widths[i] - pad).max(em), 0.0))
                .fold(1.0f64, f64::max);
            tallest * em * 1.3 + 1.2 + 0.3
        })
        .sum()
}

/// Estimated heights of every `<article class="card">` in a board page, at zoom 1 in a column
/// `width_mm` wide (the column width divided by the card zoom).
pub fn estimate_cards(html: &str, width_mm: f64) -> Vec<CardEstimate> {
    // Inside the card's border and padding (1.5 pt border, 5 mm padding each side).
    let inner = (width_mm - 10.0 - 2.0 * 1.5 * PT).max(10.0);
    let mut cards = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<article class=\"card\"") {
        let body = &rest[at..];
        let end = body.find("</article>").map(|e| e + 10).unwrap_or(body.len());
        cards.push(estimate_card(&body[..end], inner));
        rest = &body[end..];
    }
    cards
}

fn estimate_card(card: &str, inner: f64) -> CardEstimate {
    // Padding (2 × 4 mm), borders, the head's rule and spacing, the margin below the card.
    let mut height = 8.0 + 2.0 * 1.5 * PT + 5.0 + 6.0;
    let mut title = String::new();
    // The innermost open text block: (tag, class, text so far).
    let mut block: Option<(String, String, String)> = None;
    // Table state: the rows so far, the cells of the current row.
    let mut table_rows: Vec<Vec<String>> = Vec::new();
    let mut row_cells: Vec<String> = Vec::new();
    let mut in_cell = false;
    let mut in_table = false;
    let mut in_foot = false;
    let mut signers = 0usize;
    let mut has_qr = false;
    let mut in_quote = false;
    let mut rest = card;
    while !rest.is_empty() {
        let (text, tag) = match rest.find('<') {
            Some(0) => ("", Some(())),
            Some(i) => (&rest[..i], Some(())),
            None => (rest, None),
        };
        if !text.is_empty() {
            let t = text_of(text);
            if in_cell {
                if let Some(c) = row_cells.last_mut() {
                    c.push_str(&t);
                }
            } else if let Some((_, _, b)) = block.as_mut() {
                b.push_str(&t);
            }
            rest = &rest[text.len()..];
        }
        if tag.is_none() {
            break;
        }
        let close = rest.find('>').map(|i| i + 1).unwrap_or(rest.len());
        let raw = &rest[1..close.saturating_sub(1).max(1)];
        rest = &rest[close..];
        if raw.starts_with('!') {
            continue;
        }
        let t = parse_tag(raw);
        let name = t.name.as_str();
        match (name, t.closing) {
            ("svg", false) if t.class.contains("qr") => has_qr = true,
            // A chart or other drawing: about 2:3 of the width.
            ("svg", false) if !in_foot => height += inner * 0.6,
            ("img", _) => height += 45.0 + 2.0,
            ("blockquote", closing) => {
                in_quote = !closing;
                height += 2.0;
            }
            ("footer", false) if t.class.contains("card-foot") => in_foot = true,
            ("span", false) if t.class.contains("card-signer") => signers += 1,
            ("table", false) => {
                in_table = true;
                table_rows.clear();
                height += 4.0;
            }
            ("table", true) => {
                in_table = false;
                height += table_height(&table_rows, inner);
            }
            ("tr", false) => row_cells.clear(),
            ("td" | "th", false) if in_table => {
                in_cell = true;
                row_cells.push(String::new());
            }
            ("td" | "th", true) => in_cell = false,
            ("tr", true) if in_table => table_rows.push(std::mem::take(&mut row_cells)),
            (
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "caption" | "dt" | "dd",
                false,
            ) if !in_cell && !in_foot => {
                let class = if in_quote && name == "p" { "in-quote" } else { t.class };
                block = Some((name.to_string(), class.to_string(), String::new()));
            }
            (
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "caption" | "dt" | "dd",
                true,
            ) => {
                if let Some((tag, class, text)) = block.take() {
                    if tag == name {
                        let (pt, lh, margin, indent) = block_style(&tag, &class);
                        let width = if tag == "li" { inner - 8.0 } else { inner };
                        height += lines(&text, pt, width, indent) * pt * PT * lh + margin;
                        if class.contains("card-title") {
                            title = text.trim().to_string();
                        }
                    } else {
                        block = Some((tag, class, text));
                    }
                }
            }
            _ => {}
        }
    }
    if in_foot || signers > 0 || has_qr {
        // The footer: signature lines beside the issuer and the QR code with its two lines.
        let sign = signers as f64 * (6.0 + 3.0);
        let qr = if has_qr { 32.0 + 2.0 * 11.0 * PT * 1.3 } else { 0.0 };
        height += sign.max(qr) + 2.0 + 1.0;
    }
    CardEstimate { title, height_mm: height }
}

/// Fills `columns` columns of `column_mm` height with the cards in order (each card whole, at
/// `zoom`); `slack` is the fraction an estimate may exceed before it counts as not fitting.
pub fn check(
    cards: &[CardEstimate],
    zoom: f64,
    columns: u32,
    column_mm: f64,
    slack: f64,
) -> Option<Overflow> {
    let limit = column_mm * (1.0 + slack);
    let mut used = 0.0;
    let mut column = 1u32;
    let mut first = None;
    for c in cards {
        let h = c.height_mm * zoom;
        if h > limit {
            return Some(Overflow::TooTall {
                title: c.title.clone(),
                height_mm: h.round(),
                column_mm: column_mm.round(),
            });
        }
        if used + h > limit && used > 0.0 {
            column += 1;
            used = 0.0;
        }
        if column > columns && first.is_none() {
            first = Some(c.title.clone());
        }
        used += h;
    }
    first.map(|first| Overflow::TooMany { first, needed: column, columns })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(title: &str, body: &str) -> String {
        format!(
            "<article class=\"card\"><header class=\"card-head\"><p class=\"card-banner\">村务公开</p>\
             <h2 class=\"card-title\">{title}</h2><p class=\"card-facts\">公开单位：某村</p></header>\
             <div class=\"card-body prose\">{body}</div></article>"
        )
    }

    #[test]
    fn longer_text_and_more_rows_are_taller() {
        let short = card("甲", "<p>一段话。</p>");
        let long = card("乙", &format!("<p>{}</p>", "很长的正文".repeat(200)));
        let rows = "<tr><td>2026-07-01</td><td>收承包费</td></tr>".repeat(40);
        let table = card("丙", &format!("<table><tbody>{rows}</tbody></table>"));
        let est = estimate_cards(&(short + &long + &table), 180.0);
        assert_eq!(est.len(), 3);
        assert_eq!(est[0].title, "甲");
        assert!(est[1].height_mm > est[0].height_mm + 100.0, "{est:?}");
        assert!(est[2].height_mm > est[0].height_mm + 150.0, "{est:?}");
    }

    #[test]
    fn columns_fill_in_order_and_name_the_first_card_left_over() {
        let c = |t: &str, h: f64| CardEstimate { title: t.into(), height_mm: h };
        let cards = [c("一", 300.0), c("二", 300.0), c("三", 300.0)];
        assert_eq!(check(&cards, 1.0, 2, 650.0, 0.0), None);
        assert_eq!(
            check(&cards, 1.0, 1, 650.0, 0.0),
            Some(Overflow::TooMany { first: "三".into(), needed: 2, columns: 1 })
        );
        assert_eq!(
            check(&cards, 1.0, 1, 290.0, 0.1),
            Some(Overflow::TooMany { first: "二".into(), needed: 3, columns: 1 })
        );
        assert_eq!(
            check(&cards, 2.5, 3, 650.0, 0.0),
            Some(Overflow::TooTall { title: "一".into(), height_mm: 750.0, column_mm: 650.0 })
        );
    }
}
