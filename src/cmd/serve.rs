//! `gongkai serve`

use super::Ctx;
use gongkai::serve::{ServeOptions, Server};
use std::net::IpAddr;
use std::process::ExitCode;

pub struct Args {
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub poll: bool,
    /// `--today` was given: keep that date instead of following the calendar.
    pub fixed_today: bool,
    /// The workbench's password, if any.
    pub password: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> ExitCode {
    let bind: IpAddr = match args.bind.trim_matches(['[', ']']).parse() {
        Ok(ip) => ip,
        Err(_) if args.bind == "localhost" => IpAddr::from([127, 0, 0, 1]),
        Err(_) => {
            eprintln!(
                "{}",
                ctx.lang.pick(
                    &format!("--bind 的地址 `{}` 写得不对，例如 127.0.0.1 或 0.0.0.0", args.bind),
                    &format!("--bind `{}` is not an IP address (e.g. 127.0.0.1)", args.bind),
                )
            );
            return ExitCode::from(2);
        }
    };
    let lang = ctx.lang;
    // Ctrl+C: say goodbye and leave; nothing is written anywhere, so there is nothing to undo.
    let _ = ctrlc::set_handler(move || {
        println!("{}", lang.pick("\n已停止预览。", "\nPreview stopped."));
        std::process::exit(0);
    });
    let opts = ServeOptions {
        root: ctx.root.clone(),
        bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
        today: args.fixed_today.then_some(ctx.today),
        lang: ctx.lang,
        quiet: ctx.quiet,
        password: args.password,
    };
    match Server::new(opts).and_then(Server::run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}
