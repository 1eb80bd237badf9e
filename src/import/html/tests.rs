//! Clipboard HTML as Word 2016 and WPS put it on the clipboard (tests/fixtures/paste), and the
//! small cases one at a time.

use super::*;

fn fixture(name: &str) -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paste").join(name);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn word_2016_headings_bold_lists_links_and_full_width_text() {
    let md = html_to_markdown(&fixture("word2016-决议公开.html"));
    let expected = "## 关于实施青石村至下湾组村道硬化工程的决议公开

## 一、决议事项

根据“四议两公开”工作程序，经村党支部提议、村“两委”会议商议、党员大会审议，**村民代表会议于2026年5月12日表决通过**，实施青石村至下湾组村道硬化工程。详见[招标结果公示](https://example.org/qingshi/village/2026-road-tender/)。

## 二、实施内容

1. 道路全长2.3公里，路面宽4.5米；
   - 水泥混凝土路面厚20厘米
2. 总投资**８０万元**（全角数字），资金来源见附表。

### （一）监督方式

村民如有意见，请向村务监督委员会反映。
";
    assert_eq!(md, expected);
    assert!(!md.contains("隐藏"), "hidden text is not pasted");
    assert!(!md.contains("Normal") && !md.contains("font"), "no Office XML or CSS");
}

#[test]
fn word_2016_table_with_merged_header_keeps_every_cell() {
    let md = html_to_markdown(&fixture("word2016-低保表格.html"));
    let expected = "**青石村2026年度低保评议结果（第一榜）**

经村民代表会议民主评议，现将结果公示如下：\\
（公示期：2026年9月8日至15日）

| 序号 | 户主 | 家庭情况 |  | 评议结果 |
| ---: | --- | --- | --- | --- |
|  |  | **人口** | **类别** |  |
| 1 | 刘某英 | 3 | 新增 | 同意 （28票） |
| 2 | 陈某生 | 2 | 退出 | 收入超过标准\\|不再享受 |

图1　评议会议现场
";
    assert_eq!(md, expected);
    assert!(!md.contains("alert"), "scripts are dropped");
    assert!(!md.contains("clip_image"), "pictures are dropped without a broken link");
}

#[test]
fn wps_headings_lists_table_and_breaks() {
    let md = html_to_markdown(&fixture("wps-党费通知.html"));
    let expected = "## 党费收缴情况说明

### 收缴情况

本支部现有党员43名，**全部按时足额缴纳**。第三季度共收缴党费**１，４４６．００元**。

1. 7月应缴43人，实缴43人；
2. 9月应缴43人，实缴42人（1人外出务工，已补缴）。

| 月份 | 人数 |  | 金额（元） |
| --- | --- | --- | ---: |
| 7月 | 应缴43 | 实缴43 | 486.00 |
| 9月 | 应缴43 | 实缴42 | 474.00 |

联系人：王秀英\\
地址：青石村村委会二楼
";
    assert_eq!(md, expected);
}

/// The pasted Markdown renders as the board renders Markdown: the table is a table, the list a
/// list, nothing else (no stray raw HTML).
#[test]
fn pasted_markdown_renders_to_real_structure() {
    let md = html_to_markdown(&fixture("word2016-低保表格.html"));
    let opts = crate::markdown::options(false);
    let html = comrak::markdown_to_html(&md, &opts);
    let doc = scraper::Html::parse_fragment(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let heads: Vec<String> =
        doc.select(&sel("table thead th")).map(|c| c.text().collect::<String>()).collect();
    assert_eq!(heads, ["序号", "户主", "家庭情况", "", "评议结果"]);
    assert_eq!(doc.select(&sel("table tbody tr")).count(), 3);
    let md = html_to_markdown(&fixture("word2016-决议公开.html"));
    let html = comrak::markdown_to_html(&md, &opts);
    let doc = scraper::Html::parse_fragment(&html);
    assert_eq!(doc.select(&sel("ol > li")).count(), 2);
    assert_eq!(doc.select(&sel("ol > li ul > li")).count(), 1);
    assert_eq!(doc.select(&sel("strong")).count(), 2);
}

#[test]
fn real_lists_nest_by_depth_and_count_from_start() {
    let md = html_to_markdown(
        "<ol start=3><li>三</li><li>四<ul><li>甲</li><li><p>乙</p></li></ul></li></ol><p>完</p>",
    );
    assert_eq!(md, "3. 三\n4. 四\n   - 甲\n   - 乙\n\n完\n");
}

#[test]
fn nbsp_entities_conditional_comments_and_wrapped_chinese() {
    let md = html_to_markdown(
        "<!--StartFragment--><p>&nbsp;&nbsp;村务\r\n公开&nbsp;栏<![if !supportLineBreakNewLine]><br>\
         <![endif]></p><p><o:p>&nbsp;</o:p></p><p>A&amp;B &lt;x&gt; 1. 不是列表</p>\
         <p>1. 行首数字</p><!--EndFragment-->",
    );
    assert_eq!(md, "村务公开 栏\n\nA&B \\<x\\> 1. 不是列表\n\n1\\. 行首数字\n");
}

#[test]
fn merged_rows_and_columns_leave_covered_cells_empty() {
    let md = html_to_markdown(
        "<table><tr><th rowspan=2>项目</th><th colspan=2>金额</th></tr>\
         <tr><td>预算</td><td>实际</td></tr>\
         <tr><td rowspan=2>路基</td><td>1,000.00</td><td>900.00</td></tr>\
         <tr><td>2,000.00</td><td>2,100.00</td></tr></table>",
    );
    assert_eq!(
        md,
        "| 项目 | 金额 |  |\n| --- | --- | --- |\n|  | 预算 | 实际 |\n| 路基 | 1,000.00 | 900.00 |\n|  | 2,000.00 | 2,100.00 |\n"
    );
}

#[test]
fn links_other_than_web_addresses_keep_their_text() {
    let md = html_to_markdown(
        "<p><a href='file:///C:/x.docx'>本地文件</a>、<a href='#_Toc1'>目录</a>、\
         <a href='javascript:alert(1)'>脚本</a>、<a href='mailto:a@b.cn'>邮件</a></p>",
    );
    assert_eq!(md, "本地文件、目录、脚本、[邮件](mailto:a@b.cn)\n");
}

#[test]
fn empty_and_picture_only_paste_gives_nothing() {
    assert_eq!(html_to_markdown(""), "");
    assert_eq!(html_to_markdown("<p><img src='x.png'></p><p>&nbsp;</p>"), "");
}

#[test]
fn paste_and_docx_import_write_the_same_markdown() {
    // The same content as the blocks the .docx reader makes, through the same writer.
    use crate::import::model::*;
    let text =
        |t: &str, bold: bool| Inline::Text { text: t.into(), bold, italic: false, strike: false };
    let blocks = vec![
        Block::Paragraph(Paragraph {
            role: Role::Heading(1),
            list: None,
            align: Align::Left,
            inlines: vec![text("一、基本情况", true)],
            at: String::new(),
        }),
        Block::Paragraph(Paragraph {
            role: Role::Body,
            list: Some(ListItem { level: 0, number: Some(1) }),
            align: Align::Left,
            inlines: vec![text("收入", false), text("合计", true)],
            at: String::new(),
        }),
    ];
    let mut from_docx = blocks.clone();
    crate::import::shape::headings(&mut from_docx);
    let docx_md = crate::import::write::write(&from_docx, &[], &[]).text;
    let pasted = html_to_markdown("<h1>一、基本情况</h1><ol><li>收入<b>合计</b></li></ol>");
    assert_eq!(pasted, docx_md);
}

#[test]
fn numbered_headings_and_chinese_list_numbers_stay_text() {
    let md = html_to_markdown(
        "<h1 style='mso-list:l1 level1 lfo2'><![if !supportLists]><span style='mso-list:Ignore'>1.\
         <span>&nbsp;&nbsp;</span></span><![endif]>总则</h1>\
         <p class=MsoListParagraph style='mso-list:l2 level1 lfo3'><![if !supportLists]>\
         <span style='mso-list:Ignore'>一、</span><![endif]>基本情况</p>",
    );
    assert_eq!(md, "## 1. 总则\n\n## 一、基本情况\n");
}

#[test]
fn absurd_nesting_is_read_without_overflowing_the_stack() {
    let html =
        format!("<p>前{}深处{}后</p>", "<span><b>".repeat(20_000), "</b></span>".repeat(20_000));
    let md = std::thread::Builder::new()
        // The default stack of a spawned thread (the preview server answers on such threads).
        .stack_size(2 * 1024 * 1024)
        .spawn(move || html_to_markdown(&html))
        .unwrap()
        .join()
        .unwrap();
    assert!(md.contains("前") && md.contains("深处") && md.contains("后"), "{md}");
}

/// Clerks paste ledger rows from Excel: a table of bare cells, a line break inside a cell, a
/// merged 合计 label; amounts line up on the right.
#[test]
fn excel_2016_rows_become_a_table() {
    let md = html_to_markdown(&fixture("excel2016-收支明细.html"));
    let expected = "| 日期 | 摘要 | 收入 | 支出 |
| --- | --- | ---: | ---: |
| 2026/7/3 | 收取集体厂房租金 （青石木业） | 3,500.00 |  |
| 2026/7/3 | 购买防汛沙袋和雨具 |  | 1,275.00 |
| 本月合计 |  | 3,500.00 | 1,275.00 |
";
    assert_eq!(md, expected);
}
