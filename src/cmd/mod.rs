//! One file per subcommand; each turns library results into messages and an exit code.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod print;
pub mod publish;
pub mod serve;

use gongkai::diagnostic::{Diagnostics, Lang};
use jiff::civil::Date;
use std::path::PathBuf;

/// What every subcommand needs.
pub struct Ctx {
    pub root: PathBuf,
    pub quiet: bool,
    pub today: Date,
    pub lang: Lang,
}

impl Ctx {
    pub fn new(root: PathBuf, quiet: bool, today: Option<&str>) -> Result<Ctx, String> {
        let lang = Lang::from_env();
        let today = match today {
            Some(s) => gongkai::date::parse_date(s).ok_or_else(|| {
                lang.pick(
                    "--today 的日期写得不对，请写成 2026-10-08 这样的格式",
                    "--today must be a date like 2026-10-08",
                )
                .to_string()
            })?,
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

    pub fn say(&self, zh: &str, en: &str) {
        if !self.quiet {
            println!("{}", self.lang.pick(zh, en));
        }
    }
}
