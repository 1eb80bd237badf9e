//! One file per subcommand; each turns library results into messages and an exit code.

pub mod build;
pub mod check;
pub mod console;
pub mod import;
pub mod init;
pub mod new;
pub mod print;
pub mod publish;
pub mod serve;
pub mod start;

use gongkai::diagnostic::{Diagnostics, Lang, Msg};
use jiff::civil::Date;
use std::path::PathBuf;

gongkai::messages! {
    /// What every subcommand may say before its own work.
    enum Says {
        BadToday = "cmd.bad-today",
            zh: "--today 的日期写得不对，请写成 2026-10-08 这样的格式",
            en: "--today must be a date like 2026-10-08";
        NoSite = "cmd.no-site",
            zh: "这里不是网站文件夹（找不到 site.toml）。请在网站文件夹里运行，或用 --root 指定",
            en: "no site.toml here; run inside the site folder or pass --root";
    }
}

/// The language of every message: `GONGKAI_LANG` starting with `en` selects English, anything
/// else Chinese. Read here, at the edge, and passed down; the library never looks.
pub fn lang_from_env() -> Lang {
    match std::env::var("GONGKAI_LANG") {
        Ok(v) if v.to_ascii_lowercase().starts_with("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// What every subcommand needs.
pub struct Ctx {
    pub root: PathBuf,
    pub quiet: bool,
    pub today: Date,
    pub lang: Lang,
}

impl Ctx {
    pub fn new(root: PathBuf, quiet: bool, today: Option<&str>) -> Result<Ctx, String> {
        let lang = lang_from_env();
        let today = match today {
            Some(s) => gongkai::date::parse_date(s).ok_or_else(|| Says::BadToday.text(lang))?,
            None => gongkai::date::today_in_china(),
        };
        Ok(Ctx { root, quiet, today, lang })
    }

    /// Prints every diagnostic, errors and warnings, to stderr.
    pub fn report(&self, diags: &Diagnostics) {
        for d in &diags.items {
            eprintln!("{}\n", d.render(self.lang));
        }
    }

    /// `Some(exit code 2)`, after saying so, when `--root` (or the current folder) holds no
    /// site.toml: the commands that add to a site need one.
    pub fn require_site(&self) -> Option<std::process::ExitCode> {
        if self.root.join("site.toml").is_file() {
            return None;
        }
        eprintln!("{}", Says::NoSite.text(self.lang));
        Some(std::process::ExitCode::from(2))
    }

    /// Prints a message to stdout in the chosen language, unless `--quiet`.
    pub fn say(&self, m: impl Into<Msg>) {
        if !self.quiet {
            println!("{}", m.into().text(self.lang));
        }
    }
}
