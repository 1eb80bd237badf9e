//! Personal data on a public board, end to end: the real binary refuses to publish resident ID,
//! mobile and bank card numbers (or masks them when asked), points at each one, and never shows a
//! full number in its own messages.

mod common;
use common::*;
use std::path::Path;

const TODAY: &str = "2026-11-25";

/// The full numbers the fixtures below contain, as written and as bare digits.
const FULL: &[&str] = &[
    "11010519491231002X",
    "138-1234-5678",
    "13812345678",
    "6222 0212 3456 7890 128",
    "6222021234567890128",
    "１３９８７６５４３２１",
    "13987654321",
    "13712345678",
    "440524188001010014",
];

/// Digits (full-width folded to ASCII) and `X` of a line, for checking that no message shows a
/// number with its separators taken out.
fn digits_of(line: &str) -> String {
    line.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            'X' | 'x' | 'Ｘ' | 'ｘ' => Some('X'),
            _ => None,
        })
        .collect()
}

fn assert_no_full_numbers(what: &str, text: &str) {
    for full in FULL {
        assert!(!text.contains(full), "{what} shows {full}:\n{text}");
        let bare = digits_of(full);
        for line in text.lines() {
            assert!(!digits_of(line).contains(&bare), "{what} shows {bare} in {line:?}");
        }
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Builds the basic fixture once, applies `edit`, builds again: must fail with exit code 1 and
/// leave `public/` byte-identical. Returns stderr.
fn fails_after(edit: impl Fn(&Path)) -> String {
    let site = site("basic");
    let out = site.path().join("public");
    let o = build(site.path(), TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = tree(&out);
    edit(site.path());
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("已发布的内容没有改动"), "{err}");
    assert_eq!(before, tree(&out), "public/ changed after a failed build");
    err
}

/// Every line of stderr that starts a diagnostic (`path:…: 错误:`), in order.
fn error_lines(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.contains(": 错误: ")).collect()
}

const DIBAO: &str = "content/village/2026-dibao.md";

const DIBAO_BODY: &str = "\
+++
title = \"2026年第四季度低保对象公示\"
date = 2026-11-20
kind = \"低保公示\"
+++

户主王五，身份证号11010519491231002X，家庭人口3人。
联系电话138-1234-5678，请核实。
代发卡号 6222 0212 3456 7890 128 已停用。
备用手机：１３９８７６５４３２１
";

#[test]
fn example_site_has_no_false_alarms() {
    let site = example_site();
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("privacy."), "{err}");
    assert!(!err.contains("个人信息") && !err.contains("身份证号"), "{err}");
}

#[test]
fn block_mode_reports_each_number_at_its_place_and_never_shows_it() {
    let err = fails_after(|r| write(r, DIBAO, DIBAO_BODY));
    let errors = error_lines(&err);
    assert_eq!(errors.len(), 4, "{err}");
    assert!(
        errors[0].starts_with(&format!("{DIBAO}:7:10: 错误: 发现身份证号：**************002X"))
    );
    assert!(errors[1].starts_with(&format!("{DIBAO}:8:5: 错误: 发现手机号码：138-****-5678")));
    assert!(
        errors[2].starts_with(&format!("{DIBAO}:9:6: 错误: 发现银行卡号：**** **** **** ***0 128"))
    );
    assert!(
        errors[3].starts_with(&format!("{DIBAO}:10:6: 错误: 发现手机号码：１３９****４３２１"))
    );
    assert!(err.contains("共 4 个错误"), "{err}");
    // The snippet lines are masked too.
    assert!(err.contains("7 | 户主王五，身份证号**************002X，家庭人口3人。"), "{err}");
    assert_no_full_numbers("stderr", &err);
}

#[test]
fn english_messages_never_show_the_numbers_either() {
    let site = site("basic");
    write(site.path(), DIBAO, DIBAO_BODY);
    let o = gongkai()
        .env("GONGKAI_LANG", "en")
        .args(["build", "--today", TODAY, "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("{DIBAO}:7:10: error: resident ID number found")), "{err}");
    assert_no_full_numbers("stderr", &err);
    assert!(!site.path().join("public").exists(), "a failed first build publishes nothing");
}

#[test]
fn a_number_in_front_matter_is_reported_at_its_line() {
    let err = fails_after(|r| {
        write(
            r,
            DIBAO,
            "+++\ntitle = \"低保公示\"\ndate = 2026-11-20\nsummary = \"联系人 13812345678\"\n+++\n\n正文。\n",
        )
    });
    let errors = error_lines(&err);
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].starts_with(&format!("{DIBAO}:4:16: 错误: 发现手机号码：138****5678")));
    assert_no_full_numbers("stderr", &err);
}

#[test]
fn a_csv_ledger_cell_is_reported_at_line_and_column() {
    // The example village's third-quarter ledger, with a phone number typed into a remark.
    let site = example_site();
    let out = site.path().join("public");
    assert!(build(site.path(), TODAY, &[]).status.success());
    let before = tree(&out);
    let ledger = site.path().join("content/finance/2026-q3/ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap().replacen(
        "青石木业租用",
        "青石木业租用，联系13812345678",
        1,
    );
    std::fs::write(&ledger, text).unwrap();
    // A published ledger changes only with a note (tested in tests/record.rs).
    let index = site.path().join("content/finance/2026-q3/index.md");
    let text = std::fs::read_to_string(&index).unwrap().replacen(
        "closing_balance = \"449,845.60\"\n",
        "closing_balance = \"449,845.60\"\nupdated = 2026-11-25\n\n[[changes]]\ndate = 2026-11-25\nnote = \"补充备注\"\n",
        1,
    );
    std::fs::write(&index, text).unwrap();
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let errors = error_lines(&err);
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].starts_with(
            "content/finance/2026-q3/ledger.csv:2:70: 错误: 发现手机号码：138****5678"
        ),
        "{err}"
    );
    assert_no_full_numbers("stderr", &err);
    assert_eq!(before, tree(&out));
}

#[test]
fn attachments_cells_and_file_names_are_checked() {
    let err = fails_after(|r| {
        let dir = r.join("content/village/2026-list");
        write(
            r,
            "content/village/2026-list/index.md",
            "+++\ntitle = \"低保名单\"\ndate = 2026-11-20\n\n[[attachments]]\nfile = \"名单.csv\"\n\n[[attachments]]\nfile = \"名单.xlsx\"\n+++\n\n见附件。\n",
        );
        std::fs::write(dir.join("名单.csv"), "户主,人口,电话\n王五,3,13812345678\n").unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "户主").unwrap();
        sheet.write_string(0, 2, "身份证号").unwrap();
        sheet.write_string(2, 0, "李四").unwrap();
        sheet.write_string(2, 2, "440524188001010014").unwrap();
        book.save(dir.join("名单.xlsx")).unwrap();
        // A scan named after the person's phone number, not linked from anywhere.
        std::fs::write(dir.join("王五13987654321.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    });
    let errors = error_lines(&err);
    assert_eq!(errors.len(), 3, "{err}");
    assert!(
        errors.iter().any(|e| e.starts_with(
            "content/village/2026-list/名单.csv:2:6: 错误: 发现手机号码：138****5678"
        )),
        "{err}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with(
            "content/village/2026-list/名单.xlsx:Sheet1!C3: 错误: 发现身份证号：**************0014"
        )),
        "{err}"
    );
    // The file is named (its number masked, so the message itself leaks nothing).
    assert!(
        errors.iter().any(|e| e.starts_with(
            "content/village/2026-list/王五139****4321.pdf: 错误: 发现手机号码：139****4321"
        )),
        "{err}"
    );
    assert_no_full_numbers("stderr", &err);
}

#[test]
fn a_posting_file_name_with_a_number_is_refused() {
    // The file name becomes the page's web address.
    let err = fails_after(|r| {
        write(
            r,
            "content/village/王五13987654321.md",
            "+++\ntitle = \"王五低保申请\"\ndate = 2026-11-20\n+++\n\n正文。\n",
        )
    });
    let errors = error_lines(&err);
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0]
            .starts_with("content/village/王五139****4321.md: 错误: 发现手机号码：139****4321"),
        "{err}"
    );
    assert_no_full_numbers("stderr", &err);
}

/// Every output file's bytes, checked for every full number (as written and bare digits).
fn assert_public_has_no_numbers(out: &Path) {
    for (path, bytes) in tree(out) {
        let text = String::from_utf8_lossy(&bytes);
        assert_no_full_numbers(&path, &text);
    }
}

#[test]
fn mask_mode_publishes_masked_numbers_and_says_so() {
    let site = site("basic");
    let out = site.path().join("public");
    let text = DIBAO_BODY.replace(
        "kind = \"低保公示\"",
        "kind = \"低保公示\"\nprivacy = \"mask\"\nsummary = \"联系人 13712345678\"",
    );
    write(site.path(), DIBAO, &text);
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "{DIBAO}: 警告: 按 privacy = \"mask\" 的设置，已遮盖 5 处个人信息（身份证号 1、手机号码 3、银行卡号 1）后发布"
        )),
        "{err}"
    );
    assert!(stdout(&o).contains("有 1 条提醒"), "{}", stdout(&o));
    let doc = html(&out.join("village/2026-dibao/index.html"));
    let prose = text_of(&doc, ".prose");
    for masked in
        ["**************002X", "138-****-5678", "**** **** **** ***0 128", "１３９****４３２１"]
    {
        assert!(prose.contains(masked), "{masked} missing in {prose}");
    }
    // Literal asterisks, not emphasis.
    assert_eq!(doc.select(&sel(".prose em, .prose strong")).count(), 0);
    let list = html(&out.join("village/index.html"));
    assert!(text_of(&list, "main").contains("联系人 137****5678"), "{}", text_of(&list, "main"));
    assert_public_has_no_numbers(&out);
}

#[test]
fn site_wide_mask_mode() {
    let site = site("basic");
    let out = site.path().join("public");
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(site.path().join("site.toml"), format!("{toml}\n[privacy]\nmode = \"mask\"\n"))
        .unwrap();
    write(site.path(), DIBAO, DIBAO_BODY);
    let o = build(site.path(), TODAY, &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(&format!("{DIBAO}: 警告: 按 privacy = \"mask\"")), "{err}");
    let doc = html(&out.join("village/2026-dibao/index.html"));
    assert!(text_of(&doc, ".prose").contains("户主王五，身份证号**************002X"));
    assert_public_has_no_numbers(&out);
    // A posting may still insist on blocking.
    let strict =
        DIBAO_BODY.replace("kind = \"低保公示\"", "kind = \"低保公示\"\nprivacy = \"block\"");
    write(site.path(), DIBAO, &strict);
    let o = build(site.path(), TODAY, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let found = error_lines(&err).into_iter().filter(|l| l.contains(": 错误: 发现")).count();
    assert_eq!(found, 4, "{err}");
}

#[test]
fn hotline_and_allow_list_are_not_errors() {
    let site = site("basic");
    let toml = std::fs::read_to_string(site.path().join("site.toml"))
        .unwrap()
        .replace("phone = \"0571-0000 0000\"", "phone = \"139 1234 5678\"");
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[privacy]\nallow = [\"137-1234-5678\", \"6222 0212 3456 7890 128\"]\n"),
    )
    .unwrap();
    write(
        site.path(),
        DIBAO,
        "+++\ntitle = \"监督方式\"\ndate = 2026-11-20\n+++\n\n监督电话13912345678；村集体账户 6222021234567890128；\n村务监督委员会主任手机 137 1234 5678。\n",
    );
    let o = build(site.path(), TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("privacy"), "{}", stderr(&o));
    let doc = html(&site.path().join("public/village/2026-dibao/index.html"));
    assert!(text_of(&doc, ".prose").contains("137 1234 5678"));
}

#[test]
fn invalid_ids_are_not_flagged() {
    let site = site("basic");
    write(
        site.path(),
        DIBAO,
        "+++\ntitle = \"编号\"\ndate = 2026-11-20\n+++\n\n校验位错误：110105194912310021。\n不存在的日期（2月30日）：110105200002301237。\n凭证号 20261125000123，金额 13812345678.00 元。\n",
    );
    let o = build(site.path(), TODAY, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&site.path().join("public/village/2026-dibao/index.html"));
    assert!(text_of(&doc, ".prose").contains("110105200002301237"));
}
