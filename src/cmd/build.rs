//! `gongkai build`

use super::Ctx;
use gongkai::pipeline::{self, BuildOptions};
use gongkai::portal::PortalSummary;
use jiff::civil::Date;
use std::path::PathBuf;
use std::process::ExitCode;

gongkai::messages! {
    /// What `gongkai build` says.
    enum Says {
        /// The photo progress bar's label.
        Images = "build.images", zh: "处理图片", en: "images";
        NextChange(date: Date) = "build.next-change",
            zh: {
                format!(
                    "公示状态将在 {} 变化，请在那天（或每天定时）重新运行 gongkai build。",
                    gongkai::date::format_zh(*date)
                )
            },
            en: {
                format!("The board changes on {}: rebuild then (or daily).", gongkai::date::format_iso(*date))
            };
        Failed { errors: usize, out: String } = "build.failed",
            zh: "生成失败：共 {errors} 个错误，请按上面的提示修改。{out} 里已发布的内容没有改动。",
            en: "Build failed with {errors} errors. Nothing in {out} was changed.";
        PortalFailed = "build.portal-failed",
            zh: "乡镇门户的页面没有生成，请按上面的提示修改（portal.toml 或输出文件夹）。",
            en: "The portal's pages were not built; fix what is shown above (portal.toml or the output folder).";
        /// Heads the errors of a village that was not updated.
        VillageFailed { name: String, path: String } = "build.village-failed",
            zh: "—— {name}（{path}）未能更新：",
            en: "—— {name} ({path}) failed:";
        VillageWarnings { name: String, path: String } = "build.village-warnings",
            zh: "—— {name}（{path}）的提醒：",
            en: "—— {name} ({path}) warnings:";
        PortalWarnings = "build.portal-warnings",
            zh: "—— 乡镇门户页面的提醒：",
            en: "—— the portal's pages, warnings:";
        PortalBuilt { line: PortalSummary, secs: f64, out: String } = "build.portal-built",
            zh: { format!("{}。用时 {secs:.1} 秒，输出在 {out}", line.zh()) },
            en: { format!("{}. {secs:.1} s. Output: {out}", line.en()) };
    }
}

pub fn run(ctx: &Ctx, out: Option<PathBuf>, drafts: bool, force: bool) -> ExitCode {
    if gongkai::portal::is_portal(&ctx.root) {
        return run_portal(ctx, out, force);
    }
    let mut opts = BuildOptions::new(&ctx.root, ctx.today);
    if let Some(out) = out {
        if let Err(e) = gongkai::output::recover(&out) {
            eprintln!("{}", e.text(ctx.lang));
        }
        opts.out = out;
    }
    opts.drafts = drafts;
    opts.force = force;
    // Drawn only when stderr is a terminal (indicatif hides it otherwise), so logs stay clean.
    opts.progress = (!ctx.quiet).then(|| Says::Images.text(ctx.lang));
    // A site with publish targets is checked for change notes when it is published.
    opts.enforce_change_notes = !gongkai::record::published::has_targets(&ctx.root);
    // Placeholders left from `gongkai init` do not stop a build (the clerk may be trying things
    // out), but every build names them until they are replaced.
    let placeholders = gongkai::placeholders::find(&ctx.root);
    match pipeline::build(&opts) {
        Ok(mut report) => {
            report.warnings.extend(placeholders);
            report.warnings.sort();
            if !ctx.quiet {
                ctx.report(&report.warnings);
            }
            ctx.say(gongkai::pipeline::says::Built {
                pages: report.pages,
                files: report.files,
                secs: report.elapsed.as_secs_f64(),
                warnings: report.warnings.warning_count(),
                out: opts.out.display().to_string(),
            });
            if let Some(c) = &report.catalogue {
                ctx.say(c.line());
            }
            if let Some(d) = report.next_change {
                ctx.say(Says::NextChange(d));
            }
            ExitCode::SUCCESS
        }
        Err(mut diags) => {
            diags.extend(placeholders);
            diags.sort();
            ctx.report(&diags);
            let failed =
                Says::Failed { errors: diags.error_count(), out: opts.out.display().to_string() };
            eprintln!("{}", failed.text(ctx.lang));
            ExitCode::from(1)
        }
    }
}

/// `gongkai build` on a folder with portal.toml: every village, then the township's pages.
fn run_portal(ctx: &Ctx, out: Option<PathBuf>, force: bool) -> ExitCode {
    use gongkai::portal::{self, PortalOptions, State};
    let mut opts = PortalOptions::new(&ctx.root, ctx.today);
    opts.force = force;
    if let Some(out) = out {
        opts.out = out;
    }
    let report = match portal::build(&opts) {
        Ok(r) => r,
        Err(diags) => {
            ctx.report(&diags);
            eprintln!("{}", Says::PortalFailed.text(ctx.lang));
            return ExitCode::from(1);
        }
    };
    for v in &report.villages {
        let (name, path) = (portal::display_name(v), v.village.path.clone());
        let heading = match v.state {
            State::Failed { .. } => Says::VillageFailed { name, path },
            _ if !ctx.quiet && v.diagnostics.warning_count() > 0 => {
                Says::VillageWarnings { name, path }
            }
            _ => continue,
        };
        eprintln!("{}", heading.text(ctx.lang));
        ctx.report(&v.diagnostics);
    }
    if !ctx.quiet && report.warnings.warning_count() > 0 {
        eprintln!("{}", Says::PortalWarnings.text(ctx.lang));
        ctx.report(&report.warnings);
    }
    ctx.say(Says::PortalBuilt {
        line: report.line(),
        secs: report.elapsed.as_secs_f64(),
        out: opts.out.display().to_string(),
    });
    if report.failed().next().is_some() {
        if ctx.quiet {
            eprintln!("{}", report.line().text(ctx.lang));
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
