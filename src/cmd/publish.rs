//! `gongkai publish [NAME] [--to URL] [--dry-run] [--yes]`: build, compare with the server,
//! confirm, upload.

use super::Ctx;
use gongkai::config::{self, PublishTarget};
use gongkai::diagnostic::{Diagnostic, Diagnostics};
use gongkai::pipeline::{self, BuildOptions};
use gongkai::publish::error::PublishError;
use gongkai::publish::remote::NetConfig;
use gongkai::publish::says::{PlanCounts, PublishSays};
use gongkai::publish::target::Address;
use gongkai::publish::{self, Local, secrets};
use std::io::IsTerminal;
use std::process::ExitCode;

gongkai::messages! {
    /// What only `gongkai publish` says (the workbench has its own words for these steps).
    enum Says {
        Placeholders(count: usize) = "cmd.publish.placeholders",
            zh: "网站里还有 {count} 处示例文字没有改成本村的真实信息（见上面每一处的位置），没有发布。改好后再运行 gongkai publish。",
            en: "{count} placeholders from gongkai init are still in the site (see above); nothing was published.";
        CheckFailed(errors: usize) = "cmd.publish.check-failed",
            zh: "发布前的检查发现 {errors} 个错误，没有发布。请按上面的提示修改后再运行 gongkai publish。",
            en: "The check found {errors} errors; nothing was published.";
        DryRun { counts: PlanCounts, label: String } = "cmd.publish.dry-run",
            zh: { format!("试运行：将{}到 {label}。什么都没有改动；去掉 --dry-run 正式发布。", counts.zh()) },
            en: { format!("Dry run: would send {} to {label}. Nothing was changed.", counts.en()) };
        Confirm { counts: PlanCounts, label: String } = "cmd.publish.confirm",
            zh: { format!("将{}到 {label}。确认发布吗？输入 y 回车确认：", counts.zh()) },
            en: { format!("Send {} to {label}? [y/N] ", counts.en()) };
    }
}

pub struct Args {
    pub name: Option<String>,
    pub to: Option<String>,
    pub dry_run: bool,
    pub yes: bool,
}

fn fail(ctx: &Ctx, at: &str, e: PublishError) -> ExitCode {
    eprintln!("{}", Diagnostic::error(at, e).render(ctx.lang));
    ExitCode::from(1)
}

pub fn run(ctx: &Ctx, args: Args) -> ExitCode {
    let site = match config::load(&ctx.root) {
        Ok((c, _)) => c,
        Err(errors) => {
            let mut d = Diagnostics::new();
            d.extend(errors);
            ctx.report(&d);
            return ExitCode::from(1);
        }
    };
    let target = match choose(&site.publish, &args) {
        Ok(t) => t,
        Err(e) => return fail(ctx, "site.toml", e),
    };
    let addr = match Address::parse(&target, &ctx.root) {
        Ok(a) => a,
        Err(u) => {
            return fail(
                ctx,
                "site.toml",
                PublishError::BadAddress(config::ConfigError::PublishScheme(u)),
            );
        }
    };
    let label = publish::label(&addr, &target.url);

    // A new site never goes online with init's placeholders (某某村, 0000-0000000, 示例 postings).
    let placeholders = gongkai::placeholders::find(&ctx.root);
    if !placeholders.is_empty() {
        let mut d = Diagnostics::new();
        d.extend(placeholders);
        ctx.report(&d);
        eprintln!("{}", Says::Placeholders(d.items.len()).text(ctx.lang));
        return ExitCode::from(1);
    }

    // The normal build, with every check: a site with errors is never published.
    let mut opts = BuildOptions::new(&ctx.root, ctx.today);
    // What goes online must carry a note for every change to a published posting.
    opts.enforce_change_notes = true;
    match pipeline::build(&opts) {
        Ok(report) => {
            if !ctx.quiet {
                ctx.report(&report.warnings);
            }
        }
        Err(diags) => {
            ctx.report(&diags);
            eprintln!("{}", Says::CheckFailed(diags.error_count()).text(ctx.lang));
            return ExitCode::from(1);
        }
    }
    // Hold the output lock from here on: a build started meanwhile waits, so every file uploaded
    // comes from the one build whose manifest goes up last.
    let _lock = match gongkai::output::Target::resolve(&opts.out)
        .and_then(|t| gongkai::output::lock(&t))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{}", Diagnostic::error(opts.out.display().to_string(), e).render(ctx.lang));
            return ExitCode::from(1);
        }
    };
    let local = match Local::read(&opts.out) {
        Ok(l) => l,
        Err(e) => return fail(ctx, &label, e),
    };

    let interactive = std::io::stdin().is_terminal();
    let secrets = match secrets::gather(&addr, interactive) {
        Ok(s) => s,
        Err(e) => return fail(ctx, &label, e),
    };
    ctx.say(PublishSays::Connecting(label.clone()));
    let prepared =
        match publish::prepare(&addr, &target.url, &secrets, NetConfig::from_env(), local) {
            Ok(p) => p,
            Err(e) => return fail(ctx, &label, e),
        };
    let plan = &prepared.plan;
    let (new, replaced, removed) = (plan.new_count(), plan.replace_count(), plan.removals.len());
    if plan.is_empty() {
        ctx.say(PublishSays::UpToDate(label.clone()));
        if !args.dry_run
            && let Err(e) = publish::record_published(&ctx.root, &prepared.local.manifest_bytes)
        {
            return fail(ctx, &label, e);
        }
        return ExitCode::SUCCESS;
    }
    let mb = prepared.upload_bytes() as f64 / 1_048_576.0;
    let counts = PlanCounts { new, replaced, removed, mb };
    if args.dry_run {
        // The list goes to stdout even with --quiet: it is what was asked for.
        for u in &plan.uploads {
            let path = u.path.clone();
            let line =
                if u.replaces { PublishSays::Replace(path) } else { PublishSays::Upload(path) };
            println!("{}", line.text(ctx.lang));
        }
        if plan.manifest_changes {
            println!("{}", PublishSays::Manifest.text(ctx.lang));
        }
        for r in &plan.removals {
            println!("{}", PublishSays::Remove(r.clone()).text(ctx.lang));
        }
        println!("{}", Says::DryRun { counts, label }.text(ctx.lang));
        return ExitCode::SUCCESS;
    }
    if !args.yes {
        if !interactive {
            return fail(ctx, &label, PublishError::NeedsYes);
        }
        eprint!("{}", Says::Confirm { counts, label: label.clone() }.text(ctx.lang));
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        let a = answer.trim().to_lowercase();
        if !(a == "y" || a == "yes" || a == "是") {
            return fail(ctx, &label, PublishError::Cancelled);
        }
    }
    let manifest = prepared.local.manifest_bytes.clone();
    let summary = match prepared.execute(ctx.quiet) {
        Ok(s) => s,
        Err(e) => return fail(ctx, &label, e),
    };
    if let Err(e) = publish::record_published(&ctx.root, &manifest) {
        return fail(ctx, &label, e);
    }
    ctx.say(PublishSays::Published {
        uploaded: summary.uploaded,
        replaced: summary.replaced,
        removed: summary.removed,
        mb: summary.bytes as f64 / 1_048_576.0,
        site: site.base(),
    });
    ExitCode::SUCCESS
}

/// The target named on the command line, the `--to` address, or the only one in site.toml.
fn choose(targets: &[PublishTarget], args: &Args) -> Result<PublishTarget, PublishError> {
    if let Some(url) = &args.to {
        if let Some(e) = config::publish_url_problem(url) {
            return Err(PublishError::BadAddress(e));
        }
        // `--to` with a name borrows that target's endpoint and region (S3).
        let mut t = PublishTarget::from_url(url);
        if let Some(base) = args.name.as_ref().and_then(|n| targets.iter().find(|t| &t.name == n)) {
            t.endpoint = base.endpoint.clone();
            t.region = base.region.clone();
            t.ssh_key = base.ssh_key.clone();
        }
        return Ok(t);
    }
    let known: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    match &args.name {
        Some(n) => targets
            .iter()
            .find(|t| &t.name == n)
            .cloned()
            .ok_or(PublishError::UnknownTarget { name: n.clone(), known }),
        None => match targets {
            [] => Err(PublishError::NoTarget),
            [one] => Ok(one.clone()),
            _ => Err(PublishError::WhichTarget { known }),
        },
    }
}
