//! A board of its own size has a fixed height: `gongkai build` warns, at the board's `name` in
//! site.toml, when its cards do not fit (they would be cut off in print), and says nothing when
//! they do. The estimate is checked against real layout in headless Chromium: the board it
//! warns about overflows its columns, the one it accepts does not.

mod common;
use common::*;
use std::path::Path;

/// Appended to a board page: writes whether its columns overflow (content past the right edge,
/// where extra columns go) into `#fit`, for `--dump-dom`.
const MEASURE: &str = r#"<script>
window.addEventListener('load', function () {
  var c = document.querySelector('.board-columns');
  var p = document.createElement('pre');
  p.id = 'fit';
  p.textContent = (c.scrollWidth > c.clientWidth + 1 ? 'overflows ' : 'fits ') + c.scrollWidth + ' ' + c.clientWidth;
  document.body.appendChild(p);
});
</script>"#;

fn measured(public: &Path, board: &str) -> String {
    let page = public.join(format!("boards/{board}/measure.html"));
    let html = std::fs::read_to_string(public.join(format!("boards/{board}/index.html"))).unwrap();
    std::fs::write(&page, html.replace("</body>", &format!("{MEASURE}</body>"))).unwrap();
    let dom = dump_dom(&file_url(&page, ""));
    let doc = scraper::Html::parse_document(&dom);
    text_of(&doc, "#fit")
}

const SMALL_BOARD: &str = "\n[[boards]]\nname = \"small\"\ntitle = \"小公开栏\"\n\
paper = { width_mm = 1200, height_mm = 600 }\ncolumns = 3\nactive_notices = true\n\
latest_finance = true\nsections = [\"village\", \"party\"]\nlatest = 4\n";

const CROWDED: &str = "\n[[boards]]\nname = \"crowded\"\ntitle = \"村务栏\"\n\
paper = { width_mm = 1500, height_mm = 700 }\ncolumns = 4\nsections = [\"village\", \"party\"]\nlatest = 8\n";

const NOTICES_ONLY: &str = "\n[[boards]]\nname = \"notices\"\ntitle = \"公示栏\"\n\
paper = { width_mm = 1200, height_mm = 900 }\ncolumns = 3\nactive_notices = true\n";

#[test]
fn a_board_whose_cards_do_not_fit_is_warned_about_at_its_name() {
    let site = example_site();
    let o = build(site.path(), "2026-10-09", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The example's 2.4 m board holds its cards: no warning, and none overflow in Chromium.
    assert!(!stderr(&o).contains("估计"), "{}", stderr(&o));
    let public = site.path().join("public");
    assert!(measured(&public, "main-board").starts_with("fits"));

    // A 1.2 m × 0.6 m board with the quarter's whole ledger on it.
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    let line = toml.lines().count() + 3;
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}{SMALL_BOARD}{NOTICES_ONLY}{CROWDED}"),
    )
    .unwrap();
    let o = build(site.path(), "2026-10-09", &[]);
    assert!(o.status.success(), "a warning, not an error: {}", stderr(&o));
    let err = stderr(&o);
    let warned: Vec<&str> = err.lines().filter(|l| l.contains("估计")).collect();
    assert_eq!(warned.len(), 2, "{err}");
    assert!(
        warned[0].starts_with(&format!("site.toml:{line}:1: 警告: 公开栏 \"small\" 里的“青石村2026年第三季度财务收支公开”一篇估计就有")),
        "{err}"
    );
    assert!(warned[0].contains("去掉 latest_finance"), "{err}");
    assert!(measured(&public, "small").starts_with("overflows"), "Chromium agrees");
    // Eight postings on four columns of 0.6 m: the first card left over is named, with the
    // number of columns the cards take (Chromium lays them out over 7 too).
    assert!(
        warned[1].contains("公开栏 \"crowded\" 的内容估计放不下：从“青石村村道硬化工程招标结果公示”起排到了第 7 栏，可这块公开栏只有 4 栏"),
        "{err}"
    );
    let crowded = measured(&public, "crowded");
    let nums: Vec<f64> = crowded.split(' ').skip(1).map(|n| n.parse().unwrap()).collect();
    assert!(crowded.starts_with("overflows"), "{crowded}");
    let columns = (nums[0] / nums[1] * 4.0).round();
    assert!((6.0..=8.0).contains(&columns), "Chromium needs {columns} columns");
    // The notices-only board of the same width fits, and is not warned about.
    assert!(measured(&public, "notices").starts_with("fits"));
}
