//! The workbench in real headless Chromium, driven over the DevTools protocol as a clerk would
//! use it: create a 发展党员 公示 through the form (the end date counted across 国庆), paste a
//! Word table, drop a ledger with a bad cell, mask a phone number, meet a conflicting edit made
//! on disk, and restore an older version. A screenshot at 1366×768 goes to
//! `target/screenshots/workbench.png` (the README's picture is a copy of it).
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium`); without it this test fails.

mod common;
use common::cdp::{Cdp, browser, screenshot, serve, wait_line};
use common::copy_dir;
use serde_json::json;
use std::path::Path;

const TODAY: &str = "2026-09-28";

const LEDGER_POSTING: &str = "+++
title = \"测试村2026年第三季度财务收支公开\"
date = 2026-09-28
kind = \"财务收支\"
period = \"2026年第三季度\"
ledger = \"ledger.csv\"
opening_balance = \"1,000.00\"

[[signoff]]
body = \"民主理财小组\"
reviewers = [\"张三\", \"李四\"]
date = 2026-09-28
opinion = \"经逐笔审核，收支属实\"
+++

本季度收支如下。
";

const PHONE_POSTING: &str = "+++
title = \"关于临时救助的公示\"
date = 2026-09-28
+++

申请人张三，联系电话 13812345678，已经审核。
";

/// A Word table as Word puts it on the clipboard (mso classes and styles, `<o:p>`).
const WORD_HTML: &str = r#"<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><!--StartFragment--><p class=MsoNormal><b><span style='font-family:宋体'>发展对象名单</span></b><o:p></o:p></p><table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'><tr style='mso-yfti-irow:0'><td width=100 style='border:solid windowtext 1.0pt'><p class=MsoNormal><span style='font-family:宋体'>姓名</span><o:p></o:p></p></td><td width=100><p class=MsoNormal><span>性别</span><o:p></o:p></p></td></tr><tr style='mso-yfti-irow:1'><td><p class=MsoNormal><span>陈晓燕</span><o:p></o:p></p></td><td><p class=MsoNormal><span>女</span><o:p></o:p></p></td></tr></table><!--EndFragment--></body></html>"#;

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Sets a form control's value as typing would, firing `input`.
fn set(cdp: &mut Cdp, id: &str, value: &str) {
    cdp.eval(&format!(
        "(function(){{var e=document.getElementById({});e.value={};e.dispatchEvent(new Event('input',{{bubbles:true}}));}})()",
        js(id),
        js(value)
    ));
}

fn click(cdp: &mut Cdp, selector: &str) {
    let found = cdp.eval(&format!(
        "(function(){{var e=document.querySelector({});if(!e)return false;e.click();return true;}})()",
        js(selector)
    ));
    assert_eq!(found, json!(true), "no element {selector}");
}

fn open_posting(cdp: &mut Cdp, path: &str) {
    let sel = format!(".posting[data-path=\"{path}\"]");
    cdp.wait_true(
        &format!("{path} in the list"),
        &format!("!!document.querySelector({})", js(&sel)),
    );
    click(cdp, &sel);
    cdp.wait_true(
        &format!("{path} in the editor"),
        &format!("document.getElementById('ed-path').textContent === {}", js(path)),
    );
}

fn text_of(cdp: &mut Cdp, id: &str) -> String {
    cdp.eval(&format!("document.getElementById({}).innerText", js(id)))
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_clerk_writes_checks_and_fixes_postings_in_the_workbench() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    copy_dir(Path::new("tests/fixtures/serve-site"), root);
    std::fs::write(root.join("content/village/q3.md"), LEDGER_POSTING).unwrap();
    std::fs::write(root.join("content/village/jiuzhu.md"), PHONE_POSTING).unwrap();
    let (_serve, out) = serve(root, TODAY);
    let wb = wait_line(&out, "工作台 ").trim_start_matches("工作台 ").trim().to_string();

    let (_chrome, mut cdp, _profile) = browser(16);
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": false}),
    );
    cdp.call("Page.navigate", json!({"url": wb}));
    cdp.wait_true("the list", "document.querySelectorAll('.posting').length >= 4");

    // 1. A 发展党员 公示 through the form: 5 working days from 2026-09-30 run across 国庆
    //    (10月1日–7日 off, Saturday 10月10日 a working day) to 2026-10-13.
    click(&mut cdp, "#btn-new");
    cdp.wait_true("the form", "!document.getElementById('new').hidden");
    assert_eq!(
        cdp.eval("document.querySelector('input[name=kind]:checked').value"),
        json!("发展党员")
    );
    cdp.eval("document.getElementById('f-section').value = 'village'");
    set(&mut cdp, "f-title", "关于接收李明同志为中共预备党员的公示");
    set(&mut cdp, "f-date", "2026-09-30");
    set(&mut cdp, "f-days", "5");
    set(&mut cdp, "f-series", "发展党员-李明");
    let end = cdp.wait_for(
        "the end date",
        "(document.getElementById('fact-end')||{}).innerText || ''",
        |v| v.as_str().is_some_and(|t| t.contains("2026年9月30日至")),
    );
    let end = end.as_str().unwrap();
    assert!(end.contains("2026年10月13日") && end.contains("5个工作日"), "{end}");
    // A wrong date is named beside its field.
    set(&mut cdp, "f-date", "2026.9.30");
    cdp.wait_for("the date error", "document.getElementById('e-date').innerText", |v| {
        v.as_str().is_some_and(|t| t.contains("2026-09-30"))
    });
    set(&mut cdp, "f-date", "2026-09-30");
    cdp.wait_true("the error to clear", "document.getElementById('e-date').innerText === ''");
    click(&mut cdp, "#btn-create");
    let created = "content/village/2026-09-30-关于接收李明同志为中共预备党员的公示.md";
    cdp.wait_true(
        "the new posting in the editor",
        &format!("document.getElementById('ed-path').textContent === {}", js(created)),
    );
    // The editor says what the build makes of the settings: the period, and that it has not begun.
    let facts =
        cdp.wait_for("the editor facts", "document.getElementById('ed-facts').innerText", |v| {
            v.as_str().is_some_and(|t| !t.is_empty())
        });
    assert!(facts.as_str().unwrap().contains("至2026年10月13日（5个工作日）"), "{facts}");
    // The settings can be changed in form fields too: 7 days instead of 5, comments kept.
    cdp.wait_true("the settings", "document.getElementById('s-days').value === '5'");
    cdp.eval("document.getElementById('settings').open = true");
    set(&mut cdp, "s-days", "7");
    click(&mut cdp, "#btn-settings-save");
    cdp.wait_for("settings saved", "document.getElementById('status').innerText", |v| {
        v.as_str().is_some_and(|t| t.starts_with("已保存设置"))
    });
    let seven = std::fs::read_to_string(root.join(created)).unwrap();
    assert!(seven.contains("\ndays = 7\n") && seven.contains("# 公开日期"), "{seven}");
    assert!(
        seven.contains("\n# tags = ") && !seven.contains("\ntags ="),
        "untouched keys stay: {seven}"
    );
    cdp.wait_for("the new period", "document.getElementById('ed-facts').innerText", |v| {
        v.as_str().is_some_and(|t| t.contains("7个工作日"))
    });
    set(&mut cdp, "s-days", "5");
    click(&mut cdp, "#btn-settings-save");
    cdp.wait_true(
        "back to 5 days",
        "document.getElementById('text').value.indexOf('\\ndays = 5\\n') >= 0",
    );
    let text = std::fs::read_to_string(root.join(created)).unwrap();
    // The file is what the README's format says: the settings between +++ lines, then the body.
    let (front, body) = text
        .strip_prefix("+++\n")
        .and_then(|t| t.split_once("\n+++\n"))
        .unwrap_or_else(|| panic!("no front matter: {text}"));
    let front: toml::Table = toml::from_str(front).unwrap();
    assert_eq!(front["title"].as_str(), Some("关于接收李明同志为中共预备党员的公示"));
    assert_eq!(front["date"].to_string(), "2026-09-30");
    assert_eq!(front["kind"].as_str(), Some("发展党员"));
    assert_eq!(front["draft"].as_bool(), Some(true));
    let notice = front["notice"].as_table().unwrap();
    assert_eq!(notice["days"].as_integer(), Some(5));
    assert_eq!(notice["count"].as_str(), Some("working"));
    assert_eq!(notice["series"].as_str(), Some("发展党员-李明"));
    assert_eq!(notice["stage"].as_str(), Some("预备党员"));
    assert!(!body.trim().is_empty());

    // 2. A phone number in a posting: one click on 遮盖.
    open_posting(&mut cdp, "content/village/jiuzhu.md");
    cdp.wait_true("the mask button", "!!document.querySelector('#diags button.mask')");
    click(&mut cdp, "#diags button.mask");
    cdp.wait_for("masked", "document.getElementById('text').value", |v| {
        v.as_str().is_some_and(|t| !t.contains("13812345678"))
    });
    let masked = std::fs::read_to_string(root.join("content/village/jiuzhu.md")).unwrap();
    assert!(!masked.contains("13812345678") && masked.contains("138"), "{masked}");

    // 3. A ledger with a bad cell, dropped on the editor: the message names the cell.
    open_posting(&mut cdp, "content/village/q3.md");
    let csv = "日期,凭证号,摘要,收入,支出\n2026-07-03,记-001,收取租金,\"3,500.00\",\n2026-07-05,记-002,支付电费,,\"3l1.60\"\n";
    cdp.eval(&format!(
        "(function(){{var dt=new DataTransfer();dt.items.add(new File([{}],'ledger.csv',{{type:'text/csv'}}));\
         var d=document.getElementById('drop');d.dispatchEvent(new DragEvent('drop',{{dataTransfer:dt,bubbles:true,cancelable:true}}));}})()",
        js(csv)
    ));
    cdp.wait_true(
        "the bundle",
        "document.getElementById('ed-path').textContent === 'content/village/q3/index.md'",
    );
    let diags = cdp.wait_for("the cell error", "document.getElementById('diags').innerText", |v| {
        v.as_str().is_some_and(|t| t.contains("3l1.60"))
    });
    let diags = diags.as_str().unwrap();
    assert!(
        diags.contains("（ledger.csv 的 E3 格，第 3 行）") && diags.contains("支出"),
        "{diags}"
    );
    assert!(!diags.contains("审核"), "{diags}");
    assert_eq!(std::fs::read_to_string(root.join("content/village/q3/ledger.csv")).unwrap(), csv);
    // Corrected and dropped again: the message goes.
    let fixed = csv.replace("3l1.60", "311.60");
    cdp.eval(&format!(
        "(function(){{var dt=new DataTransfer();dt.items.add(new File([{}],'ledger.csv',{{type:'text/csv'}}));\
         var d=document.getElementById('drop');d.dispatchEvent(new DragEvent('drop',{{dataTransfer:dt,bubbles:true,cancelable:true}}));}})()",
        js(&fixed)
    ));
    cdp.wait_for("the error to go", "document.getElementById('diags').innerText", |v| {
        v.as_str().is_some_and(|t| !t.contains("3l1.60"))
    });
    assert_eq!(std::fs::read_to_string(root.join("content/village/q3/ledger.csv")).unwrap(), fixed);
    // The editor shows the ledger's totals as the build computes them. Wait for the new ones:
    // the old (the bad amount counted as nothing) stay shown until the facts request returns.
    cdp.wait_for("the ledger facts", "document.getElementById('ed-facts').innerText", |v| {
        v.as_str().is_some_and(|t| t.contains("收入 3,500.00 元，支出 311.60 元，期末 4,188.40 元"))
    });
    // The replaced ledger is kept in the history.
    assert!(root.join(".gongkai-cache/history/content/village/q3/ledger.csv/000001").is_file());

    // 4. Someone else changes the file on disk while it is open: never overwritten.
    open_posting(&mut cdp, "content/village/road.md");
    let road = root.join("content/village/road.md");
    let original = std::fs::read_to_string(&road).unwrap();
    let theirs = original.replace("原始版本。", "U 盘拷来的版本。");
    std::fs::write(&road, &theirs).unwrap();
    let mine = original.replace("原始版本。", "工作台里的修改。");
    set(&mut cdp, "text", &mine);
    click(&mut cdp, "#btn-save");
    cdp.wait_true("the conflict dialog", "document.getElementById('conflict').open");
    assert_eq!(cdp.eval("document.getElementById('conflict-disk').value"), json!(theirs),);
    assert_eq!(std::fs::read_to_string(&road).unwrap(), theirs);
    screenshot_dir_copy(&mut cdp, "workbench-conflict.png");
    click(&mut cdp, "#btn-keep-mine");
    cdp.wait_for("saved", "document.getElementById('status').innerText", |v| {
        v.as_str().is_some_and(|t| t.starts_with("已保存"))
    });
    assert_eq!(std::fs::read_to_string(&road).unwrap(), mine);

    // 5. History: the version from the USB stick comes back.
    click(&mut cdp, "#btn-history");
    cdp.wait_true(
        "the history",
        "document.querySelectorAll('#history-list button.restore').length >= 1",
    );
    click(&mut cdp, "#history-list button.restore");
    cdp.wait_for("restored", "document.getElementById('text').value", |v| {
        v.as_str().is_some_and(|t| t.contains("U 盘拷来的版本"))
    });
    assert_eq!(std::fs::read_to_string(&road).unwrap(), theirs);

    // 6. Unsaved typing survives a reload (local storage) and is offered back.
    set(&mut cdp, "text", &original.replace("原始版本。", "还没保存的字。"));
    cdp.call("Page.reload", json!({}));
    cdp.wait_true("the list", "document.querySelectorAll('.posting').length >= 4");
    open_posting(&mut cdp, "content/village/road.md");
    cdp.wait_true("the draft offer", "!document.getElementById('draft-offer').hidden");
    click(&mut cdp, "#btn-draft-restore");
    assert!(text_of(&mut cdp, "status").contains("已恢复"));
    assert!(
        cdp.eval("document.getElementById('text').value")
            .as_str()
            .unwrap()
            .contains("还没保存的字")
    );

    // 7. Back in the new 公示: paste from Word into the body: the table arrives as a Markdown table.
    open_posting(&mut cdp, created);
    cdp.eval("var t=document.getElementById('text'); t.focus(); t.setSelectionRange(t.value.length, t.value.length);");
    cdp.eval(&format!(
        "(function(){{var dt=new DataTransfer();dt.setData('text/html',{});dt.setData('text/plain','姓名 性别');\
         document.getElementById('text').dispatchEvent(new ClipboardEvent('paste',{{clipboardData:dt,bubbles:true,cancelable:true}}));}})()",
        js(WORD_HTML)
    ));
    let body = cdp.wait_for("the pasted table", "document.getElementById('text').value", |v| {
        v.as_str().is_some_and(|t| t.contains("陈晓燕"))
    });
    let body = body.as_str().unwrap();
    assert!(body.contains("| 姓名 | 性别 |"), "{body}");
    assert!(body.contains("| 陈晓燕 | 女 |"), "{body}");
    assert!(
        body.contains("真实姓名。\n\n**发展对象名单**"),
        "pasted blocks start a paragraph: {body}"
    );
    assert!(!body.contains("mso") && !body.contains("<"), "{body}");
    cdp.wait_true("the preview table", "!!document.querySelector('#preview table')");
    click(&mut cdp, "#btn-save");
    cdp.wait_for("saved", "document.getElementById('status').innerText", |v| {
        v.as_str().is_some_and(|t| t.starts_with("已保存"))
    });
    assert!(std::fs::read_to_string(root.join(created)).unwrap().contains("| 陈晓燕 | 女 |"));
    // The files on disk build with the command line.
    let built = common::build(root, TODAY, &[]);
    assert!(built.status.success(), "{}", common::stderr(&built));

    // The picture for the README: the editor with a posting, at 1366×768.
    let shots = common::repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    cdp.wait_true("the preview", "!!document.querySelector('#preview table')");
    cdp.eval("var t=document.getElementById('text');t.setSelectionRange(0,0);t.scrollTop=0;t.dispatchEvent(new Event('scroll'));");
    screenshot(&mut cdp, &shots.join("workbench.png"), 1366, 768.0);
    // Nothing scrolls sideways at 1366 px, and every control is reachable by keyboard.
    assert_eq!(cdp.eval("document.documentElement.scrollWidth <= window.innerWidth"), json!(true));
}

fn screenshot_dir_copy(cdp: &mut Cdp, name: &str) {
    let shots = common::repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    screenshot(cdp, &shots.join(name), 1366, 768.0);
}

/// At 200 % text (the browser's font size setting) the workbench still fits 1366 px and its
/// controls stay at least 44 px tall.
#[test]
fn the_workbench_fits_at_double_text_size() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/serve-site"), site.path());
    let (_serve, out) = serve(site.path(), TODAY);
    let wb = wait_line(&out, "工作台 ").trim_start_matches("工作台 ").trim().to_string();
    let (_chrome, mut cdp, _profile) = browser(32);
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": false}),
    );
    cdp.call("Page.navigate", json!({"url": wb}));
    cdp.wait_true("the list", "document.querySelectorAll('.posting').length >= 2");
    click(&mut cdp, ".posting");
    cdp.wait_true("the editor", "!document.getElementById('editor').hidden");
    let report = cdp.eval(
        "(function(){var small=[];document.querySelectorAll('button, .button, input, select').forEach(function(b){\
         var r=b.getBoundingClientRect(); if(r.width===0||b.closest('[hidden]')||b.classList.contains('visually-hidden'))return;\
         if(b.type==='checkbox'||b.type==='radio') r=b.parentElement.getBoundingClientRect();\
         if(r.height<43.5) small.push(b.textContent.trim()||b.id);});\
         var fs=parseFloat(getComputedStyle(document.body).fontSize);\
         var wide=[];document.querySelectorAll('body *').forEach(function(e){var r=e.getBoundingClientRect();\
         if(r.right>window.innerWidth+0.5&&!e.closest('[hidden], dialog:not([open])'))wide.push(e.tagName+'#'+e.id+'.'+e.className+' '+Math.round(r.right));});\
         return JSON.stringify({scroll:document.documentElement.scrollWidth, vw:window.innerWidth, small:small, fs:fs, wide:wide.slice(0,8)});})()",
    );
    let r: serde_json::Value = serde_json::from_str(report.as_str().unwrap()).unwrap();
    assert!(r["scroll"].as_f64() <= r["vw"].as_f64(), "{r}");
    assert_eq!(r["small"], json!([]), "{r}");
    assert!(r["fs"].as_f64().unwrap() >= 32.0, "{r}");

    // Every control has a name a screen reader says, and the keyboard focus is visible.
    let unnamed = cdp.eval(
        "Array.prototype.filter.call(document.querySelectorAll('input, select, textarea'), function(e){\
         return !(e.labels && e.labels.length) && !e.getAttribute('aria-label');}).map(function(e){return e.id;})",
    );
    assert_eq!(unnamed, json!([]), "controls without a label");
    cdp.eval("document.getElementById('btn-check').focus(); document.activeElement.blur();");
    for _ in 0..3 {
        for kind in ["keyDown", "keyUp"] {
            cdp.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}),
            );
        }
    }
    let ring = cdp.eval(
        "(function(){var e=document.activeElement;return e&&e!==document.body?e.tagName+' '+getComputedStyle(e).outlineStyle:'none';})()",
    );
    assert!(ring.as_str().is_some_and(|r| r.ends_with(" solid")), "focus ring: {ring}");

    // 200 % page zoom on a 1366 px screen leaves 683 CSS px: the panes stack, nothing is cut.
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 683, "height": 384, "deviceScaleFactor": 2, "mobile": false}),
    );
    cdp.wait_true(
        "no sideways scrolling at 683 px",
        "document.documentElement.scrollWidth <= window.innerWidth",
    );
}

/// 打印 and 发布 from the workbench's buttons. 打印这篇 opens the posting's own page, which is its
/// print sheet: the page's `window.open` is watched (a headless browser has no second window to
/// print from), the sheet is loaded and printed with `Page.printToPDF`, and `pdftotext` finds the
/// title and the text in the PDF. 发布 shows the dry run (what would be sent), asks, and after 确定
/// the folder target named in site.toml holds exactly the site in `public/`, byte for byte.
#[test]
fn a_clerk_prints_a_posting_and_publishes_to_a_folder() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    copy_dir(Path::new("tests/fixtures/serve-site"), root);
    let dest = tempfile::tempdir().unwrap();
    let url = dest.path().display().to_string().replace('\\', "\\\\").replace('"', "\\\"");
    let toml = root.join("site.toml");
    let mut cfg = std::fs::read_to_string(&toml).unwrap();
    cfg.push_str(&format!("\n[[publish]]\nname = \"u盘\"\nurl = \"{url}\"\n"));
    std::fs::write(&toml, cfg).unwrap();
    let (_serve, out) = serve(root, "2026-10-08");
    let wb = wait_line(&out, "工作台 ").trim_start_matches("工作台 ").trim().to_string();
    let (_chrome, mut cdp, _profile) = browser(16);
    cdp.call("Page.enable", json!({}));
    cdp.call("Page.navigate", json!({"url": wb}));
    cdp.wait_true("the workbench", "!!document.querySelector('.posting')");

    // 打印这篇
    open_posting(&mut cdp, "content/village/road.md");
    cdp.eval("window.__opened = []; window.open = function (u) { window.__opened.push(u); return null; };");
    click(&mut cdp, "#btn-print-one");
    let opened = cdp.wait_for("the print window", "window.__opened[0] || ''", |v| {
        v.as_str().is_some_and(|s| !s.is_empty())
    });
    let opened = opened.as_str().unwrap().to_string();
    let origin = wb.trim_end_matches('/').trim_end_matches("/__gongkai/wb").to_string();
    cdp.call("Page.navigate", json!({"url": format!("{origin}{opened}")}));
    cdp.wait_true(
        "the posting's sheet",
        "document.readyState === 'complete' && document.body.innerText.indexOf('关于修路的决议') >= 0",
    );
    let pdf =
        cdp.call("Page.printToPDF", json!({"printBackground": true, "preferCSSPageSize": true}));
    let pdf = common::cdp::base64_decode(pdf["result"]["data"].as_str().expect("pdf data"));
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let file = site.path().join("road.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext").arg(&file).arg("-").output().unwrap();
    assert!(text.status.success(), "pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).replace(char::is_whitespace, "");
    assert!(text.contains("关于修路的决议"), "the title is on the sheet: {text}");
    assert!(text.contains("村民代表会议通过修路决议"), "and the text: {text}");
    std::fs::remove_file(&file).unwrap();

    // 发布: the dry run first, nothing sent until 确定.
    cdp.call("Page.navigate", json!({"url": wb}));
    cdp.wait_true("the workbench", "!!document.querySelector('.posting')");
    click(&mut cdp, "#btn-publish");
    cdp.wait_true("the confirmation", "document.getElementById('confirm').open");
    let ask = text_of(&mut cdp, "confirm-msg");
    assert!(ask.contains("确认发布吗") && ask.contains("上传 "), "{ask}");
    let listed = text_of(&mut cdp, "report-list");
    assert!(listed.contains("上传 index.html"), "{listed}");
    let progress = text_of(&mut cdp, "report-progress");
    assert!(progress.contains("正在连接 "), "the job's progress lines are shown: {progress}");
    assert!(std::fs::read_dir(dest.path()).unwrap().next().is_none(), "a dry run sends nothing");
    click(&mut cdp, "#btn-confirm-yes");
    let done =
        cdp.wait_for("published", "document.getElementById('report-summary').innerText", |v| {
            v.as_str().is_some_and(|t| t.starts_with("发布完成"))
        });
    assert!(done.as_str().unwrap().contains("https://example.org/test/"), "{done}");
    let public = common::tree(&root.join("public"));
    assert!(public.contains_key("index.html") && public.len() > 3, "{:?}", public.keys());
    assert_eq!(common::tree(dest.path()), public, "the folder holds the site byte for byte");
}
