//! QR codes on printed sheets ("一村一码"): each posting links to its online version.
//!
//! Encoding uses the `qrcode` crate; the SVG is written here from the module matrix so it has
//! no XML prolog (it is inlined into HTML), scales with CSS through its `viewBox`, and keeps the
//! four-module quiet zone that scanners need.

use qrcode::EcLevel;

/// Modules of white border around the code (the QR standard asks for 4).
pub const QUIET_ZONE: usize = 4;

/// The module matrix of `text`: `(width, dark)` with `dark[y * width + x]`, without quiet zone.
pub fn matrix(text: &str) -> Option<(usize, Vec<bool>)> {
    // M (15 % recovery) keeps codes for long URLs small enough to scan from a board.
    let ec_level = EcLevel::M;
    let bits = qrcode::bits::encode_auto(text.as_bytes(), ec_level).ok()?;
    let version = bits.version();
    let data = bits.into_bytes();
    let (encoded, ec_data) = qrcode::ec::construct_codewords(&data, version, ec_level).ok()?;
    let mut canvas = qrcode::canvas::Canvas::new(version, ec_level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&encoded, &ec_data);
    // One fixed mask instead of scoring all eight: scoring costs ~0.3 ms a code, 3 s of CPU
    // for a 10,000-posting site, while every conforming reader decodes any of the masks (the
    // print tests decode the printed codes with rqrr).
    canvas.apply_mask(qrcode::canvas::MaskPattern::Checkerboard);
    let width = usize::try_from(version.width()).ok()?;
    let dark = canvas.into_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Some((width, dark))
}

/// An inline SVG QR code for `text`; `label` becomes its accessible name.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let (width, dark) = matrix(text)?;
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if dark[y * width + x] {
                // One run of dark modules on this row becomes one rectangle.
                let start = x;
                while x < width && dark[y * width + x] {
                    x += 1;
                }
                // `M{x} {y}h{w}v1h-{w}z`, written without `format!` (a page's code has
                // hundreds of runs; 10,000 pages made this a tenth of a build's CPU time).
                path.push('M');
                push_number(&mut path, start + QUIET_ZONE);
                path.push(' ');
                push_number(&mut path, y + QUIET_ZONE);
                path.push('h');
                push_number(&mut path, x - start);
                path.push_str("v1h-");
                push_number(&mut path, x - start);
                path.push('z');
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        concat!(
            r#"<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" "#,
            r#"shape-rendering="crispEdges" role="img" aria-label="{label}">"#,
            r##"<rect width="{s}" height="{s}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
        ),
        s = size,
        label = escape_attr(label),
        path = path
    ))
}

/// Appends `n` in decimal.
fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut v = n;
    loop {
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        out.push(d as char);
    }
}

fn escape_attr(s: &str) -> std::borrow::Cow<'_, str> {
    crate::escape::markup(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 100, 12_345, usize::MAX] {
            let mut s = String::from("x");
            push_number(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    /// Rasterises the SVG's path (only the `M x y h w v1 h-w z` runs this module writes) at
    /// `scale` pixels per module and decodes it with rqrr.
    fn decode_svg(svg: &str, scale: usize) -> String {
        let view = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
        let size: usize = view.split(' ').next().unwrap().parse().unwrap();
        let d = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let px = size * scale;
        let mut img = vec![255u8; px * px];
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let nums: Vec<usize> = run
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            let (x, y, w) = (nums[0], nums[1], nums[2]);
            for yy in y * scale..(y + 1) * scale {
                for xx in x * scale..(x + w) * scale {
                    img[yy * px + xx] = 0;
                }
            }
        }
        let mut prep = rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| img[y * px + x]);
        let grids = prep.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the SVG");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn svg_decodes_to_the_url() {
        let url = "https://example.org/qingshi/village/2026-dibao-round1/";
        let svg = svg(url, "扫码查看网上原文").unwrap();
        assert!(svg.starts_with("<svg") && !svg.contains("<?xml"), "inline SVG: {svg:.80}");
        assert!(svg.contains("aria-label=\"扫码查看网上原文\""));
        assert_eq!(decode_svg(&svg, 4), url);
    }

    #[test]
    fn chinese_and_percent_encoded_urls_decode() {
        let url = "https://example.org/%E9%9D%92%E7%9F%B3/tags/%E4%BD%8E%E4%BF%9D/";
        assert_eq!(decode_svg(&svg(url, "x").unwrap(), 3), url);
    }

    #[test]
    fn quiet_zone_is_blank() {
        let (w, _) = matrix("https://a.cn/").unwrap();
        let s = svg("https://a.cn/", "x").unwrap();
        assert!(s.contains(&format!("viewBox=\"0 0 {} {}\"", w + 8, w + 8)));
        // No run starts inside the quiet zone.
        let d = s.split(" d=\"").nth(1).unwrap();
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let x: usize = run.split(' ').next().unwrap().parse().unwrap();
            assert!(x >= QUIET_ZONE && x < w + QUIET_ZONE);
        }
    }
}
