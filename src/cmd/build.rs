//! `gongkai build`

use super::Ctx;
use gongkai::pipeline::{self, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;

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
    opts.progress = (!ctx.quiet).then(|| ctx.lang.pick("处理图片", "images").to_string());
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
            let secs = report.elapsed.as_secs_f64();
            let warn = report.warnings.warning_count();
            ctx.say(
                &format!(
                    "已生成 {} 个页面（共 {} 个文件），用时 {:.1} 秒{}。输出在 {}",
                    report.pages,
                    report.files,
                    secs,
                    if warn > 0 { format!("，有 {warn} 条提醒") } else { String::new() },
                    opts.out.display()
                ),
                &format!(
                    "Built {} pages ({} files) in {:.1} s{}. Output: {}",
                    report.pages,
                    report.files,
                    secs,
                    if warn > 0 { format!(", {warn} warnings") } else { String::new() },
                    opts.out.display()
                ),
            );
            if let Some(c) = &report.catalogue {
                ctx.say(&c.line_zh(), &c.line_en());
            }
            if let Some(d) = report.next_change {
                ctx.say(
                    &format!(
                        "公示状态将在 {} 变化，请在那天（或每天定时）重新运行 gongkai build。",
                        gongkai::date::format_zh(d)
                    ),
                    &format!(
                        "The board changes on {}: rebuild then (or daily).",
                        gongkai::date::format_iso(d)
                    ),
                );
            }
            ExitCode::SUCCESS
        }
        Err(mut diags) => {
            diags.extend(placeholders);
            diags.sort();
            ctx.report(&diags);
            let n = diags.error_count();
            eprintln!(
                "{}",
                ctx.lang.pick(
                    &format!(
                        "生成失败：共 {n} 个错误，请按上面的提示修改。{} 里已发布的内容没有改动。",
                        opts.out.display()
                    ),
                    &format!(
                        "Build failed with {n} errors. Nothing in {} was changed.",
                        opts.out.display()
                    ),
                )
            );
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
            eprintln!(
                "{}",
                ctx.lang.pick(
                    "乡镇门户的页面没有生成，请按上面的提示修改（portal.toml 或输出文件夹）。",
                    "The portal's pages were not built; fix what is shown above (portal.toml or the output folder).",
                )
            );
            return ExitCode::from(1);
        }
    };
    for v in &report.villages {
        let name = portal::display_name(v);
        let (zh, en) = match v.state {
            State::Failed { .. } => ("未能更新：", "failed:"),
            _ if !ctx.quiet && v.diagnostics.warning_count() > 0 => ("的提醒：", "warnings:"),
            _ => continue,
        };
        let path = &v.village.path;
        eprintln!(
            "{}",
            ctx.lang.pick(&format!("—— {name}（{path}）{zh}"), &format!("—— {name} ({path}) {en}"))
        );
        ctx.report(&v.diagnostics);
    }
    if !ctx.quiet && report.warnings.warning_count() > 0 {
        eprintln!(
            "{}",
            ctx.lang.pick("—— 乡镇门户页面的提醒：", "—— the portal's pages, warnings:")
        );
        ctx.report(&report.warnings);
    }
    ctx.say(
        &format!(
            "{}。用时 {:.1} 秒，输出在 {}",
            report.line_zh(),
            report.elapsed.as_secs_f64(),
            opts.out.display()
        ),
        &format!(
            "{}. {:.1} s. Output: {}",
            report.line_en(),
            report.elapsed.as_secs_f64(),
            opts.out.display()
        ),
    );
    if report.failed().next().is_some() {
        if ctx.quiet {
            eprintln!("{}", ctx.lang.pick(&report.line_zh(), &report.line_en()));
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
