//! `gongkai` with no arguments — what a double-click on gongkai.exe does.
//!
//! A clerk who unzips the download and double-clicks the exe has no terminal and no idea of
//! subcommands. So: find the site folder (the current folder, the exe's folder, or one folder
//! beside the exe that holds a site.toml), or offer to create one with the example content; then
//! start the preview and open the browser on it, saying in plain Chinese what is going on.

use super::Ctx;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Name of the folder created beside the exe when no site is found.
pub const NEW_SITE_DIR: &str = "我的公开栏";

gongkai::messages! {
    /// What a double-click on gongkai.exe says and asks.
    enum Says {
        Starting(site: String) = "start.starting",
            zh: "网站文件夹：{site}\n正在生成预览，稍后会自动打开浏览器。\n\
                 · 浏览器里打开的是“工作台”：在那里新建、修改、检查和生成公开内容，不用记事本，也不用命令行。\n\
                 · 也可以用记事本或 WPS 修改这个文件夹里的 site.toml 和 content 文件夹里的内容，保存后浏览器里的页面会自动刷新。\n\
                 · 预览不改动已发布的内容；要生成正式网站，请在这个窗口外运行 gongkai build（见使用说明）。\n\
                 · 用完后直接关闭这个窗口（或按 Ctrl+C）就停止预览。",
            en: "Site folder: {site}\nStarting the preview; the browser opens shortly. Edit site.toml and the files under content/, \
                 pages reload on save. Close this window (or press Ctrl+C) to stop.";
        Placeholders(count: usize) = "start.placeholders",
            zh: "还有 {count} 处示例内容要改成真实的（改完之前网站不能发布）：",
            en: "{count} placeholders left to replace before publishing:";
        Several = "start.several",
            zh: "这里有几个网站文件夹：",
            en: "There are several site folders here:";
        AskNumber = "start.ask-number",
            zh: "请输入要预览的编号，然后按回车：",
            en: "Number to preview: ";
        NoSuchNumber = "start.no-such-number",
            zh: "没有这个编号。",
            en: "No such number.";
        NoSite(dir: String) = "start.no-site",
            zh: "这里还没有网站文件夹（含 site.toml 的文件夹）。\n可以新建一个带示例内容的网站：{dir}",
            en: "No site folder here. A new site with example content can be created: {dir}";
        AskCreate = "start.ask-create",
            zh: "要新建吗？直接按回车表示“是”，输入 n 再按回车表示“否”：",
            en: "Create it? Press Enter for yes, type n and Enter for no: ";
        NoAnswer = "start.no-answer",
            zh: "没有收到回答，什么也没做。",
            en: "No answer; nothing done.";
        Declined = "start.declined",
            zh: "好的，什么也没做。也可以把网站文件夹放到 gongkai.exe 旁边，再双击 gongkai.exe。",
            en: "Nothing done. Put a site folder beside gongkai.exe and double-click it again.";
    }
}

pub fn run(ctx: &Ctx, root_given: bool) -> ExitCode {
    let here = ctx.root.clone();
    let exe_dir = std::env::current_exe().ok().and_then(|p| p.parent().map(Path::to_path_buf));
    let site = if root_given {
        Some(here)
    } else {
        match find_site(&here, exe_dir.as_deref()) {
            Found::One(dir) => Some(dir),
            Found::Several(dirs) => choose(ctx, &dirs),
            Found::None => offer_new(ctx, exe_dir.as_deref().unwrap_or(&here)),
        }
    };
    let Some(site) = site else {
        return super::console::finish(ctx, ExitCode::from(1));
    };
    // `.` says nothing to a clerk; the full path says where to look in Explorer.
    let site = std::path::absolute(&site).unwrap_or(site);
    ctx.say(Says::Starting(site.display().to_string()));
    let left = gongkai::placeholders::find(&site);
    if !left.is_empty() && !ctx.quiet {
        println!("{}", Says::Placeholders(left.len()).text(ctx.lang));
        for d in &left {
            println!("  {}  {}", d.location(), d.message.text(ctx.lang));
        }
    }
    let ctx = Ctx { root: site, quiet: ctx.quiet, today: ctx.today, lang: ctx.lang };
    let code = super::serve::run(
        &ctx,
        super::serve::Args {
            port: 1313,
            bind: "127.0.0.1".into(),
            open: std::env::var_os("GONGKAI_NO_BROWSER").is_none(),
            // A share does not report file changes: check the files instead (as `--poll`).
            poll: on_network_share(&ctx.root.to_string_lossy()),
            fixed_today: false,
            password: None,
        },
    );
    super::console::finish(&ctx, code)
}

/// A UNC path such as `\\server\share\青石村` (also in its `\\?\UNC\` form).
pub fn on_network_share(path: &str) -> bool {
    path.starts_with(r"\\?\UNC\") || (path.starts_with(r"\\") && !path.starts_with(r"\\?\"))
}

/// Where a site was found.
#[derive(Debug, PartialEq)]
pub enum Found {
    One(PathBuf),
    Several(Vec<PathBuf>),
    None,
}

/// The current folder if it is a site, else the exe's folder, else the folders beside the exe
/// (sorted by name, so the choice offered is stable).
pub fn find_site(here: &Path, exe_dir: Option<&Path>) -> Found {
    if here.join("site.toml").is_file() {
        return Found::One(here.to_path_buf());
    }
    let Some(exe_dir) = exe_dir else { return Found::None };
    if exe_dir.join("site.toml").is_file() {
        return Found::One(exe_dir.to_path_buf());
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(exe_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("site.toml").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    match dirs.len() {
        0 => Found::None,
        1 => Found::One(dirs.remove(0)),
        _ => Found::Several(dirs),
    }
}

/// Reads one answer line; `None` when input has ended (no one to ask).
fn ask(prompt: &str) -> Option<String> {
    use std::io::Write;
    print!("{prompt}");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim().to_string()),
    }
}

fn choose(ctx: &Ctx, dirs: &[PathBuf]) -> Option<PathBuf> {
    ctx.say(Says::Several);
    for (i, d) in dirs.iter().enumerate() {
        println!("  {}. {}", i + 1, d.file_name().unwrap_or(d.as_os_str()).to_string_lossy());
    }
    let answer = ask(&Says::AskNumber.text(ctx.lang))?;
    let picked =
        answer.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| dirs.get(i));
    if picked.is_none() {
        eprintln!("{}", Says::NoSuchNumber.text(ctx.lang));
    }
    picked.cloned()
}

/// Whether an answer to a yes/no question (default yes) means yes.
pub fn is_yes(answer: &str) -> bool {
    let a = answer.trim().to_lowercase();
    a.is_empty() || matches!(a.as_str(), "y" | "yes" | "是" | "好" | "要" | "1")
}

fn offer_new(ctx: &Ctx, base: &Path) -> Option<PathBuf> {
    let dir = base.join(NEW_SITE_DIR);
    ctx.say(Says::NoSite(dir.display().to_string()));
    let prompt = Says::AskCreate.text(ctx.lang);
    let Some(answer) = ask(&prompt) else {
        eprintln!("{}", Says::NoAnswer.text(ctx.lang));
        return None;
    };
    if !is_yes(&answer) {
        ctx.say(Says::Declined);
        return None;
    }
    if super::init::run(ctx, &dir) != ExitCode::SUCCESS {
        return None;
    }
    Some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_is_looked_for_here_then_beside_the_exe() {
        let t = tempfile::tempdir().unwrap();
        let here = t.path().join("here");
        let exe = t.path().join("下载 文件夹");
        std::fs::create_dir_all(&here).unwrap();
        std::fs::create_dir_all(exe.join("空文件夹")).unwrap();
        assert_eq!(find_site(&here, Some(&exe)), Found::None);
        assert_eq!(find_site(&here, None), Found::None);
        std::fs::create_dir_all(exe.join("青石村")).unwrap();
        std::fs::write(exe.join("青石村/site.toml"), "").unwrap();
        assert_eq!(find_site(&here, Some(&exe)), Found::One(exe.join("青石村")));
        std::fs::create_dir_all(exe.join("下湾村")).unwrap();
        std::fs::write(exe.join("下湾村/site.toml"), "").unwrap();
        assert_eq!(
            find_site(&here, Some(&exe)),
            Found::Several(vec![exe.join("下湾村"), exe.join("青石村")])
        );
        std::fs::write(exe.join("site.toml"), "").unwrap();
        assert_eq!(find_site(&here, Some(&exe)), Found::One(exe.clone()));
        std::fs::write(here.join("site.toml"), "").unwrap();
        assert_eq!(find_site(&here, Some(&exe)), Found::One(here.clone()));
    }

    #[test]
    fn sites_on_a_share_are_polled() {
        assert!(on_network_share(r"\\server\share\青石村"));
        assert!(on_network_share(r"\\?\UNC\server\share\青石村"));
        assert!(!on_network_share(r"\\?\C:\Users\文书\我的公开栏"));
        assert!(!on_network_share(r"D:\青石村"));
        assert!(!on_network_share("/home/文书/青石村"));
    }

    #[test]
    fn enter_means_yes() {
        for yes in ["", " ", "y", "Y", "是", "yes"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["n", "N", "否", "no", "x"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
