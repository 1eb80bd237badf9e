//! One `gongkai check` shows every error of a site (issue 14): a posting whose front matter is
//! wrong still has its body checked, a GBK file is one located error and hides nothing else,
//! and the checks after loading run on whatever loaded.

mod common;

use common::{gongkai, site, stderr};
use std::path::Path;

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The first line of each diagnostic in the report (location, severity, message).
fn headers(report: &str) -> Vec<&str> {
    report.lines().filter(|l| l.starts_with("content/") || l.starts_with("site.toml")).collect()
}

#[test]
fn one_check_reports_every_error_of_the_site_with_its_place() {
    let s = site("basic");
    let root = s.path();
    // One posting: a date written the Chinese way, a misspelt key, a phone number, a dead link.
    write(
        root,
        "content/village/clerk.md",
        "+++\ntitle = \"关于修路的公示\"\ndate = 2026.10.9\ntgas = [\"修路\"]\n+++\n\n联系人：张三，电话 13812345678。\n\n详见[名单](名单.md)。\n".as_bytes(),
    );
    // A posting saved as GBK by Notepad on Chinese Windows.
    let gbk = encoding_rs::GBK
        .encode("+++\ntitle = \"关于低保的公示\"\ndate = 2026-10-09\n+++\n\n本村低保名单如下。\n")
        .0;
    write(root, "content/village/gbk.md", &gbk);
    // A link out of content/.
    write(
        root,
        "content/village/link.md",
        "+++\ntitle = \"关于财务的说明\"\ndate = 2026-10-09\n+++\n\n见[网站设置](../../site.toml)。\n"
            .as_bytes(),
    );
    // A posting whose front matter has no closing +++ is still one error, not the end of the run.
    write(
        root,
        "content/party/open.md",
        "+++\ntitle = \"党费\"\ndate = 2026-10-09\n\n正文。\n".as_bytes(),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", root.join("content/village/passwd.txt")).unwrap();

    let o =
        gongkai().args(["check", "--today", "2026-11-25", "--root"]).arg(root).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let mut want = vec![
        "content/party/open.md:5:1: 错误: 开头的设置没有用 +++ 结束：请在第 5 行（正文开始的地方）之前加一行 +++",
        "content/village/clerk.md:3:12: 错误: 日期要写成 年-月-日，用半角短横线 - 连接，月和日写两位数：请把 2026.10.9 改成 2026-10-09，即：date = 2026-10-09",
        "content/village/clerk.md:4:1: 错误: 开头的设置（+++ 之间）中没有 `tgas` 这个设置项，你是不是想写 `tags`？",
        "content/village/clerk.md:7:11: 错误: 发现手机号码：138****5678（此处已遮盖）。公开栏上不得出现完整的手机号码。修改方法：删除它；或只保留后4位（写成“尾号5678”）；或在本篇开头的设置（+++ 之间）中写 privacy = \"mask\"（全站则在 site.toml 中写 [privacy] mode = \"mask\"），由 gongkai 自动遮盖；如果这是应当公开的号码（如监督电话、集体账户），把它加入 site.toml 的 [privacy] allow 列表。",
        "content/village/clerk.md:9:3: 错误: 链接指向的文件 `名单.md` 不存在。请检查文件名和路径（相对于本文件所在的文件夹，例如 ../party/2026-dues.md）",
        "content/village/gbk.md:2:10: 错误: 这个文件不是 UTF-8 编码，看起来是用 GBK（简体中文 Windows 默认的 ANSI 编码）保存的，gongkai 读不了。请改存为 UTF-8：用记事本打开，点“文件 → 另存为”，“编码”选 UTF-8，再保存；用 WPS 打开的，点“文件 → 另存为”，文件类型选“纯文本”，编码选“Unicode (UTF-8)”，保存后把扩展名改回 .md",
        "content/village/link.md:6:2: 错误: 链接 `../../site.toml` 指到了 content 文件夹之外，网站上无法打开",
    ];
    if cfg!(unix) {
        want.push("content/village/passwd.txt: 错误: `content/village/passwd.txt` 是一个快捷方式（符号链接），指向网站文件夹以外的地方，gongkai 不会读取或公开它。请删掉这个快捷方式，把真正要公开的文件复制进来");
    }
    assert_eq!(headers(&err), want, "{err}");
    // The GBK line is shown as the clerk sees it, the caret under its first Chinese character;
    // the phone number is masked in the snippet too.
    assert!(err.contains("2 | title = \"关于低保的公示\"\n  |          ^^\n"), "{err}");
    assert!(!err.contains("13812345678"), "{err}");
    assert!(err.contains(&format!("检查完成：{} 个错误", want.len())), "{err}");
    assert!(!root.join("public").exists(), "nothing is written");

    // `build` reports the same and writes nothing either.
    let o = common::build(root, "2026-11-25", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(headers(&stderr(&o)), want);
    assert!(!root.join("public").exists(), "nothing is written");

    // In English too, with the same places.
    let o = gongkai()
        .env("GONGKAI_LANG", "en")
        .args(["check", "--today", "2026-11-25", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let en = stderr(&o);
    assert!(
        en.contains(
            "content/village/gbk.md:2:10: error: this file is not UTF-8 text; it looks like GBK"
        ),
        "{en}"
    );
    assert!(en.contains("content/village/clerk.md:7:11: error: "), "{en}");
}

#[test]
fn a_wrong_value_and_an_unknown_key_in_a_table_are_reported_together() {
    let (err, h) = failed_posting(
        "+++\ntitle = \"关于修路的公示\"\ndate = \"2026-02-30\"\nweight = \"一\"\n[notice]\ndyas = 5\n+++\n\n电话 13812345678。\n",
    );
    assert_eq!(
        locations(&h),
        [
            "content/village/clerk.md:3:8",
            "content/village/clerk.md:4:10",
            "content/village/clerk.md:6:1",
            "content/village/clerk.md:9:4"
        ],
        "{err}"
    );
    assert!(h[0].contains("日期写得不对，请写成 2026-10-08 这样的格式"), "{err}");
    assert!(h[2].contains("[notice] 中没有 `dyas` 这个设置项，你是不是想写 `days`？"), "{err}");
    assert!(h[3].contains("发现手机号码：138****5678"), "{err}");
}

#[test]
fn every_wrong_value_of_one_table_is_reported_in_one_run_without_echoes() {
    // Both values of the notice are wrong: one run names both, and not also "no period".
    let (err, h) = failed_posting(
        "+++\ntitle = \"关于修路的公示\"\ndate = 2026-10-09\n[notice]\ndays = \"五\"\ncount = 5\n+++\n\n正文。\n",
    );
    assert_eq!(
        locations(&h),
        ["content/village/clerk.md:5:8", "content/village/clerk.md:6:9"],
        "{err}"
    );
    assert!(h[0].contains("这里应写一个整数，不加引号"), "{err}");
    assert!(h[1].contains("这里应写文字，并用英文双引号括起来"), "{err}");
}

/// The `path:line:column` of each diagnostic line.
fn locations(lines: &[String]) -> Vec<&str> {
    lines.iter().map(|l| l.split(": ").next().unwrap_or("")).collect()
}

/// `check` on the basic site with `text` as one more posting, which must fail.
fn failed_posting(text: &str) -> (String, Vec<String>) {
    let s = site("basic");
    write(s.path(), "content/village/clerk.md", text.as_bytes());
    failed_check(s.path())
}

/// `check` on `root`, which must fail: its report, and the report's diagnostic lines.
fn failed_check(root: &Path) -> (String, Vec<String>) {
    let o =
        gongkai().args(["check", "--today", "2026-11-25", "--root"]).arg(root).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let h = headers(&err).into_iter().map(str::to_string).collect();
    (err, h)
}

#[test]
fn an_error_in_site_toml_does_not_hide_the_postings_errors_and_nothing_is_published() {
    let s = site("basic");
    let root = s.path();
    // A first build publishes; the run with the mistakes must leave it exactly as it was.
    let o = common::build(root, "2026-11-25", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let published = common::tree(&root.join("public"));
    // site.toml: a misspelt key, a number in quotes, a table's value of the wrong type.
    write(
        root,
        "site.toml",
        "title = \"测试村三务公开栏\"\nunit = \"测试镇测试村村民委员会\"\nbase_url = \"https://example.org/ceshi/\"\npaginate = \"二十\"\nhome_lates = 3\n\n[contact]\nphone = 5\naddress = \"测试镇人民政府\"\n".as_bytes(),
    );
    write(
        root,
        "content/village/clerk.md",
        "+++\ntitle = \"关于修路的公示\"\ndate = 2026-10-09\ntgas = [\"修路\"]\n+++\n\n联系人电话 13812345678。\n"
            .as_bytes(),
    );
    let want = [
        "content/village/clerk.md:4:1: 错误: 开头的设置（+++ 之间）中没有 `tgas` 这个设置项，你是不是想写 `tags`？",
        "content/village/clerk.md:7:7: 错误: 发现手机号码：138****5678",
        "site.toml:4:12: 错误: site.toml 中的值不正确：这里应写一个整数，不加引号，例如 20",
        "site.toml:5:1: 错误: site.toml 中没有 `home_lates` 这个设置项，你是不是想写 `home_latest`？",
        "site.toml:8:9: 错误: site.toml 中的值不正确：这里应写文字，并用英文双引号括起来",
    ];
    for cmd in ["check", "build"] {
        let o =
            gongkai().args([cmd, "--today", "2026-11-25", "--root"]).arg(root).output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        let h = headers(&err);
        assert_eq!(h.len(), want.len(), "{cmd}: {err}");
        for (got, want) in h.iter().zip(want) {
            assert!(got.starts_with(want), "{cmd}: {got}\nwanted {want}\n{err}");
        }
        assert!(err.contains(&format!("{} 个错误", want.len())), "{cmd}: {err}");
        assert_eq!(common::tree(&root.join("public")), published, "{cmd} changed public/");
    }
    // A site.toml the parser cannot read at all still lets the postings be checked.
    write(root, "site.toml", "title = “测试村”\nunit = \"测试镇测试村村民委员会\"\nbase_url = \"https://example.org/ceshi/\"\n".as_bytes());
    let (err, h) = failed_check(root);
    assert!(h.iter().any(|l| l.starts_with("site.toml:1:9: 错误: ")), "{err}");
    assert!(h.iter().any(|l| l.starts_with(want[0])), "{err}");
    // Required settings missing: each named once, and the postings still checked.
    write(root, "site.toml", "title = \"测试村三务公开栏\"\n".as_bytes());
    let (err, h) = failed_check(root);
    assert_eq!(h.len(), 4, "{err}");
    assert!(h[0].starts_with(want[0]) && h[1].starts_with(want[1]), "{err}");
    assert!(h[2].contains("缺少必须填写的设置项 unit"), "{err}");
    assert!(h[3].contains("缺少必须填写的设置项 base_url"), "{err}");
    assert_eq!(common::tree(&root.join("public")), published);
}
