//! 发布 from the workbench: the same steps as `gongkai publish` (placeholders, a full build with
//! every check and change notes enforced, the output lock, the plan against the server's
//! manifest), as library calls. The page asks twice: first a dry run that lists what would be
//! sent, then, after the clerk confirms, the upload. Secrets come from the environment only
//! (there is no terminal to ask); when one is missing the message says which variable to set.

use super::Diag;
use super::api::JobCtx;
use super::jobs::Job;
use crate::diagnostic::{Diagnostics, Msg};
use crate::pipeline::{self, BuildOptions};
use crate::publish::remote::NetConfig;
use crate::publish::says::{PlanCounts, PublishSays};
use crate::publish::target::Address;
use crate::publish::{self, Local, secrets};
use serde_json::{Value, json};

crate::messages! {
    /// What the workbench's 发布 says in its own words (the page has no terminal to point at).
    pub enum WbPublishSays {
        SiteToml = "workbench.publish-site-toml",
            zh: "site.toml 有错误，没有发布。",
            en: "site.toml has errors";
        NoTarget = "workbench.publish-no-target",
            zh: "site.toml 里还没有发布目标：请先写上 [[publish]] name 和 url（见使用说明的“发布”一节）。",
            en: "no [[publish]] target in site.toml";
        Choose = "workbench.publish-choose",
            zh: "有几个发布目标，请选一个。",
            en: "choose a target";
        BadAddress(reason: String) = "workbench.publish-bad-address",
            zh: "site.toml 里发布地址写得不对: {reason}",
            en: "bad publish address: {reason}";
        Placeholders(count: usize) = "workbench.publish-placeholders",
            zh: "网站里还有 {count} 处示例文字没有改成本村的真实信息（见下面每一处），没有发布。",
            en: "{count} placeholders from gongkai init are still in the site (see below); nothing was published.";
        Checking = "workbench.publish-checking",
            zh: "正在生成并检查网站（这一步什么都不上传）…",
            en: "Building and checking the site (nothing is sent yet)…";
        CheckFailed(errors: usize) = "workbench.publish-check-failed",
            zh: "发布前的检查发现 {errors} 个错误，没有发布。请按提示修改后再发布。",
            en: "The check found {errors} errors; nothing was published.";
        Confirm { counts: PlanCounts, label: String } = "workbench.publish-confirm",
            zh: { format!("将{}到 {label}。确认发布吗？", counts.zh()) },
            en: { format!("Send {} to {label}?", counts.en()) };
        Uploading { counts: PlanCounts, label: String } = "workbench.publish-uploading",
            zh: { format!("正在上传到 {label}：{} …", counts.zh()) },
            en: { format!("Uploading to {label}: {} …", counts.en()) };
    }
}

/// What the page gets: `status` is `blocked` (errors, nothing sent), `dry-run` (the plan),
/// `up-to-date` or `published`; `summary` is the CLI's sentence.
/// Every step says what it does on `job` (the CLI's sentences), and the result's summary last.
pub(crate) fn run(ctx: &JobCtx, target_name: &str, confirm: bool, job: &Job) -> Value {
    let v = steps(ctx, target_name, confirm, job);
    job.say(v["summary"].as_str().unwrap_or(""));
    v
}

fn steps(ctx: &JobCtx, target_name: &str, confirm: bool, job: &Job) -> Value {
    let lang = ctx.lang;
    let root = &ctx.root;
    let blocked = |summary: String, diags: &Diagnostics| {
        for d in &diags.items {
            job.say(&d.render(lang));
        }
        json!({ "status": "blocked", "summary": summary, "diagnostics": Diag::all(diags, lang) })
    };
    let fail_msg =
        |e: Msg| json!({ "status": "blocked", "summary": e.text(lang), "diagnostics": [] });
    let blocked_by = |m: WbPublishSays| json!({ "status": "blocked", "diagnostics": [], "summary": m.text(lang) });
    let site = match crate::config::load(root) {
        Ok((c, _)) => c,
        Err(errors) => {
            let mut d = Diagnostics::new();
            d.extend(errors);
            return blocked(WbPublishSays::SiteToml.text(lang), &d);
        }
    };
    let target = match site.publish.as_slice() {
        [] => {
            return blocked_by(WbPublishSays::NoTarget);
        }
        [one] => one.clone(),
        many => match many.iter().find(|t| t.name == target_name) {
            Some(t) => t.clone(),
            None => {
                let names: Vec<&str> = many.iter().map(|t| t.name.as_str()).collect();
                return json!({ "status": "choose", "targets": names, "diagnostics": [],
                    "summary": WbPublishSays::Choose.text(lang) });
            }
        },
    };
    let addr = match Address::parse(&target, root) {
        Ok(a) => a,
        Err(u) => {
            return blocked_by(WbPublishSays::BadAddress(u));
        }
    };
    let label = publish::label(&addr, &target.url);
    let placeholders = crate::placeholders::find(root);
    if !placeholders.is_empty() {
        let mut d = Diagnostics::new();
        d.extend(placeholders);
        return blocked(WbPublishSays::Placeholders(d.items.len()).text(lang), &d);
    }
    let mut opts = BuildOptions::new(root, ctx.today);
    opts.enforce_change_notes = true;
    job.say(&WbPublishSays::Checking.text(lang));
    if let Err(diags) = pipeline::build(&opts) {
        return blocked(WbPublishSays::CheckFailed(diags.error_count()).text(lang), &diags);
    }
    let _lock =
        match crate::output::Target::resolve(&opts.out).and_then(|t| crate::output::lock(&t)) {
            Ok(l) => l,
            Err(e) => return fail_msg(e.into()),
        };
    let local = match Local::read(&opts.out) {
        Ok(l) => l,
        Err(e) => return fail_msg(e.into()),
    };
    let secrets = match secrets::gather(&addr, false) {
        Ok(s) => s,
        Err(e) => return fail_msg(e.into()),
    };
    job.say(&PublishSays::Connecting(label.clone()).text(lang));
    let prepared =
        match publish::prepare(&addr, &target.url, &secrets, NetConfig::from_env(), local) {
            Ok(p) => p,
            Err(e) => return fail_msg(e.into()),
        };
    let plan = &prepared.plan;
    if plan.is_empty() {
        if confirm {
            if let Err(e) = publish::record_published(root, &prepared.local.manifest_bytes) {
                return fail_msg(e.into());
            }
        }
        return json!({ "status": "up-to-date", "diagnostics": [],
            "summary": PublishSays::UpToDate(label).text(lang) });
    }
    let (new, replaced, removed) = (plan.new_count(), plan.replace_count(), plan.removals.len());
    let mb = prepared.upload_bytes() as f64 / 1_048_576.0;
    let counts = PlanCounts { new, replaced, removed, mb };
    if !confirm {
        let files: Vec<String> = plan
            .uploads
            .iter()
            .map(|u| {
                let path = u.path.clone();
                if u.replaces { PublishSays::Replace(path) } else { PublishSays::Upload(path) }
            })
            .chain(plan.removals.iter().map(|r| PublishSays::Remove(r.clone())))
            .map(|line| line.text(lang))
            .collect();
        for f in &files {
            job.say(f);
        }
        return json!({ "status": "dry-run", "diagnostics": [], "files": files,
            "summary": WbPublishSays::Confirm { counts, label }.text(lang) });
    }
    job.say(&WbPublishSays::Uploading { counts, label }.text(lang));
    let manifest = prepared.local.manifest_bytes.clone();
    let summary = match prepared.execute(true) {
        Ok(s) => s,
        Err(e) => return fail_msg(e.into()),
    };
    if let Err(e) = publish::record_published(root, &manifest) {
        return fail_msg(e.into());
    }
    let published = PublishSays::Published {
        uploaded: summary.uploaded,
        replaced: summary.replaced,
        removed: summary.removed,
        mb: summary.bytes as f64 / 1_048_576.0,
        site: site.base(),
    };
    json!({ "status": "published", "diagnostics": [], "summary": published.text(lang) })
}
