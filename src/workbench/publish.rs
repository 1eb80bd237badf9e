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
use crate::publish::target::Address;
use crate::publish::{self, Local, secrets};
use serde_json::{Value, json};

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
    let site = match crate::config::load(root) {
        Ok((c, _)) => c,
        Err(errors) => {
            let mut d = Diagnostics::new();
            d.extend(errors);
            return blocked(
                lang.pick("site.toml 有错误，没有发布。", "site.toml has errors").into(),
                &d,
            );
        }
    };
    let target = match site.publish.as_slice() {
        [] => {
            return json!({ "status": "blocked", "diagnostics": [], "summary": lang.pick(
                "site.toml 里还没有发布目标：请先写上 [[publish]] name 和 url（见使用说明的“发布”一节）。",
                "no [[publish]] target in site.toml") });
        }
        [one] => one.clone(),
        many => match many.iter().find(|t| t.name == target_name) {
            Some(t) => t.clone(),
            None => {
                let names: Vec<&str> = many.iter().map(|t| t.name.as_str()).collect();
                return json!({ "status": "choose", "targets": names, "diagnostics": [],
                    "summary": lang.pick("有几个发布目标，请选一个。", "choose a target") });
            }
        },
    };
    let addr = match Address::parse(&target, root) {
        Ok(a) => a,
        Err(u) => {
            return json!({ "status": "blocked", "diagnostics": [], "summary": format!(
                "{}: {u}", lang.pick("site.toml 里发布地址写得不对", "bad publish address")) });
        }
    };
    let label = publish::label(&addr, &target.url);
    let placeholders = crate::placeholders::find(root);
    if !placeholders.is_empty() {
        let mut d = Diagnostics::new();
        d.extend(placeholders);
        let n = d.items.len();
        return blocked(
            format!("网站里还有 {n} 处示例文字没有改成本村的真实信息（见下面每一处），没有发布。"),
            &d,
        );
    }
    let mut opts = BuildOptions::new(root, ctx.today);
    opts.enforce_change_notes = true;
    job.say(lang.pick(
        "正在生成并检查网站（这一步什么都不上传）…",
        "Building and checking the site (nothing is sent yet)…",
    ));
    if let Err(diags) = pipeline::build(&opts) {
        let n = diags.error_count();
        return blocked(
            format!("发布前的检查发现 {n} 个错误，没有发布。请按提示修改后再发布。"),
            &diags,
        );
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
    job.say(&format!("{} {label} …", lang.pick("正在连接", "Connecting to")));
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
            "summary": format!("{label} 上的网站已是最新，没有需要上传的文件。") });
    }
    let (new, replaced, removed) = (plan.new_count(), plan.replace_count(), plan.removals.len());
    let mb = prepared.upload_bytes() as f64 / 1_048_576.0;
    let counts = format!(
        "上传 {new} 个新文件、替换 {replaced} 个已有文件、删除 {removed} 个不再需要的文件（共 {mb:.1} MB）"
    );
    if !confirm {
        let mut files: Vec<String> = plan
            .uploads
            .iter()
            .map(|u| format!("{} {}", if u.replaces { "替换" } else { "上传" }, u.path))
            .collect();
        files.extend(plan.removals.iter().map(|r| format!("删除 {r}")));
        for f in &files {
            job.say(f);
        }
        return json!({ "status": "dry-run", "diagnostics": [], "files": files,
            "summary": format!("将{counts}到 {label}。确认发布吗？") });
    }
    job.say(&format!("{} {label}：{counts} …", lang.pick("正在上传到", "Uploading to")));
    let manifest = prepared.local.manifest_bytes.clone();
    let summary = match prepared.execute(true) {
        Ok(s) => s,
        Err(e) => return fail_msg(e.into()),
    };
    if let Err(e) = publish::record_published(root, &manifest) {
        return fail_msg(e.into());
    }
    json!({ "status": "published", "diagnostics": [], "summary": format!(
        "发布完成：上传 {} 个新文件，替换 {} 个，删除 {} 个，共 {:.1} MB。网站地址：{}",
        summary.uploaded, summary.replaced, summary.removed,
        summary.bytes as f64 / 1_048_576.0, site.base()) })
}
