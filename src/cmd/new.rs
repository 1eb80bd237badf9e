//! `gongkai new SECTION "标题"`: a new posting from an archetype, dated today.

use super::Ctx;
use std::path::Path;
use std::process::ExitCode;

gongkai::messages! {
    /// What `gongkai new` says.
    enum Says {
        NoSection(section: String) = "new.no-section",
            zh: "栏目 {section} 不存在（应在 content/ 下有这个文件夹）。可用：village（村务）、party（党务）、finance（财务）",
            en: "section {section} does not exist under content/; use village, party or finance";
        Exists(path: String) = "new.exists",
            zh: "{path} 已经存在，没有覆盖",
            en: "{path} already exists; not overwritten";
        Created(path: String) = "new.created",
            zh: "已新建 {path}。写好后删去 draft = true 这一行，再运行 gongkai build 发布。",
            en: "Created {path}. Remove `draft = true` when it is ready, then run gongkai build.";
    }
}

const ARCHETYPE: &str = r#"+++
title = "{title}"
date = {date}
# kind = "决议公开"        # 类别，例如 决议公开、实施结果公开、党费收缴、财务收支
# period = "2026年第四季度" # 公开的时间范围
# tags = ["村道"]
draft = true              # 写好并核对后，删去这一行或改为 false 再发布
+++

（在这里写正文。可以用表格：）

| 项目 | 金额（元） |
| --- | ---: |
| 示例 | 0.00 |
"#;

pub fn run(ctx: &Ctx, section: &str, title: &str, bundle: bool) -> ExitCode {
    let section = section.trim_matches(['/', '\\']).replace('\\', "/");
    let dir = ctx.root.join("content").join(&section);
    if let Some(code) = ctx.require_site() {
        return code;
    }
    if !dir.is_dir() {
        eprintln!("{}", Says::NoSection(section).text(ctx.lang));
        return ExitCode::from(2);
    }
    let slug =
        format!("{}-{}", gongkai::date::format_iso(ctx.today), gongkai::compose::slugify(title));
    let text = ARCHETYPE
        .replace("{title}", &title.replace('\\', "\\\\").replace('"', "\\\""))
        .replace("{date}", &gongkai::date::format_iso(ctx.today));
    let archetype = ctx.root.join("archetypes").join("default.md");
    let text = std::fs::read_to_string(&archetype)
        .map(|t| {
            t.replace("{title}", &title.replace('"', "\\\""))
                .replace("{date}", &gongkai::date::format_iso(ctx.today))
        })
        .unwrap_or(text);
    let path =
        if bundle { dir.join(&slug).join("index.md") } else { dir.join(format!("{slug}.md")) };
    if path.exists() || (bundle && dir.join(format!("{slug}.md")).exists()) {
        eprintln!("{}", Says::Exists(path.display().to_string()).text(ctx.lang));
        return ExitCode::from(1);
    }
    if let Err(e) = write(&path, &text) {
        eprintln!("{}: {e}", path.display());
        return ExitCode::from(1);
    }
    ctx.say(Says::Created(path.display().to_string()));
    ExitCode::SUCCESS
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(path, text)
}
