//! `gongkai serve`

use super::Ctx;
use gongkai::serve::{ServeOptions, Server};
use std::net::IpAddr;
use std::process::ExitCode;

gongkai::messages! {
    /// What `gongkai serve` says before and after the preview runs.
    enum Says {
        BadBind(bind: String) = "cmd.serve.bad-bind",
            zh: "--bind 的地址 `{bind}` 写得不对，例如 127.0.0.1 或 0.0.0.0",
            en: "--bind `{bind}` is not an IP address (e.g. 127.0.0.1)";
        Stopped = "cmd.serve.stopped", zh: "已停止预览。", en: "Preview stopped.";
    }
}

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
            eprintln!("{}", Says::BadBind(args.bind).text(ctx.lang));
            return ExitCode::from(2);
        }
    };
    let lang = ctx.lang;
    // Ctrl+C: say goodbye and leave; nothing is written anywhere, so there is nothing to undo.
    let _ = ctrlc::set_handler(move || {
        println!("\n{}", Says::Stopped.text(lang));
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
        release_memory: Some(crate::release_memory),
    };
    match Server::new(opts).and_then(Server::run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}
