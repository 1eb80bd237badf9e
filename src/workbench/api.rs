//! Routes of the workbench: its page and assets, and the JSON API under `api/`. Reads are GET,
//! writes are POST and pass [`guard::check`] first; every answer is JSON with `error` (Chinese)
//! and `error_en` when something is refused or fails, and nothing is changed then.

use super::guard::{self, Refusal};
use super::jobs::Job;
use super::store::{self, StoreError};
use super::{Diag, PREFIX, State, form};
use crate::diagnostic::{Diagnostics, Lang, Msg};
use crate::pipeline::{self, BuildOptions};
use serde::Deserialize;
use serde_json::{Value, json};
use std::io::Read;
use tiny_http::{Header, Method, Request, Response};

const PAGE: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// The largest JSON request (a posting's text).
const MAX_JSON: u64 = 8 * 1024 * 1024;

crate::messages! {
    /// Why the workbench refuses or fails a request (answered as `error` and `error_en`).
    pub enum ApiError {
        TooLarge(mb: u64) = "workbench.too-large",
            zh: "文件太大：最多 {mb} MB。请先压缩或拆分后再上传。",
            en: "request body too large";
        Unreadable(reason: String) = "workbench.unreadable",
            zh: "读取请求失败：{reason}",
            en: "cannot read the request";
        Malformed(reason: String) = "workbench.malformed",
            zh: "请求的格式不对：{reason}",
            en: "malformed request: {reason}";
        Method = "workbench.method", zh: "只支持 GET 和 POST 请求", en: "GET or POST only";
        NoSuchAddress = "workbench.no-such-address", zh: "工作台里没有这个地址", en: "not found";
        NoSuchApi = "workbench.no-such-api", zh: "工作台里没有这个功能", en: "no such API";
        NoSuchJob = "workbench.no-such-job",
            zh: "没有找到这项任务（gongkai 可能重新启动过）。请再点一次按钮。",
            en: "no such job";
        FormErrors = "workbench.form-errors",
            zh: "表单里有没填好的地方，请看各项旁边的提示。",
            en: "the form has errors";
        SettingsErrors = "workbench.settings-errors",
            zh: "设置里有没填好的地方，请看各项旁边的提示。",
            en: "the settings have errors";
        NothingToMask { path: String, line: usize } = "workbench.nothing-to-mask",
            zh: "{path} 第 {line} 行没有找到要遮盖的号码（可能已经改过了）。请刷新后再看。",
            en: "no finding at that place";
        NothingToRemove { path: String, line: usize } = "workbench.nothing-to-remove",
            zh: "{path} 第 {line} 行没有找到要删除的号码（可能已经改过了）。请刷新后再看。",
            en: "no finding at that place";
        NotInBundle(path: String) = "workbench.not-in-bundle",
            zh: "{path} 不在任何一篇公开内容的文件夹里，工作台不能替它删除。请直接在文件夹里处理这个文件。",
            en: "the file is not in a posting's bundle";
        Published(path: String) = "workbench.published",
            zh: "{path} 已经发布过，不能直接删除：公开过的内容是公开记录，它的网址可能已印在二维码上。请写上撤回原因，工作台会在它的设置里加上 withdrawn（撤回日期和原因），这个网址以后显示撤回说明。",
            en: "published postings are withdrawn with a note, not deleted";
        /// Another job (`check`, `build` or `publish`) is running.
        Busy(kind: &'static str) = "workbench.busy",
            zh: {
                // The name the clerk knows the job by, from its button.
                let what = match *kind {
                    "check" => "检查",
                    "build" => "生成",
                    _ => "发布",
                };
                format!("正在{what}，一次只能做一件事。请等{what}完成后再点。")
            },
            en: "a {kind} is running; wait until it is done";
    }
}

crate::messages! {
    /// What is wrong with a value of the settings form; each code is the field's.
    pub enum SettingsError {
        TitleEmpty = "workbench.title", zh: "标题不能空着。", en: "title is required";
        BadDate(date: String) = "workbench.date",
            zh: "日期 “{date}” 看不懂，请写成 2026-09-30 这样（年-月-日）。",
            en: "date must look like 2026-09-30";
        BadDays { days: i64, max: i64 } = "workbench.days",
            zh: "公示天数 {days} 不对，请写 1 到 {max} 之间的整数。",
            en: "days out of range";
        UnknownCount = "workbench.count", zh: "请从列表里选怎么数天数。", en: "unknown count";
    }
}

crate::messages! {
    /// What 检查 and 生成 say as they run, and their summaries (the CLI's sentences, shorter
    /// in English).
    pub enum JobSays {
        Checking = "workbench.checking", zh: "正在检查整个网站…", en: "Checking the whole site…";
        Checked { errors: usize, warnings: usize, pages: usize } = "workbench.checked",
            zh: "检查完成：{errors} 个错误，{warnings} 条提醒，可以生成 {pages} 个页面。",
            en: "{errors} errors, {warnings} warnings";
        CheckFailed { errors: usize, warnings: usize } = "workbench.check-failed",
            zh: "检查完成：{errors} 个错误，{warnings} 条提醒。请按提示修改后再发布。",
            en: "{errors} errors, {warnings} warnings";
        Building(out: String) = "workbench.building",
            zh: "正在生成网站到 {out} …",
            en: "Building the site into {out} …";
        BuildFailed(errors: usize) = "workbench.build-failed",
            zh: "没有生成：共 {errors} 个错误，已发布的内容没有改动。请按提示修改。",
            en: "build failed";
    }
}

/// A status and a JSON body.
struct Answer {
    status: u16,
    body: Value,
}

fn ok(body: Value) -> Answer {
    Answer { status: 200, body }
}

/// Both texts: the page shows `error`, scripts and maintainers may read `error_en`.
fn fail(status: u16, m: impl Into<Msg>) -> Answer {
    let m = m.into();
    Answer { status, body: json!({ "error": m.zh(), "error_en": m.en() }) }
}

impl From<StoreError> for Answer {
    fn from(e: StoreError) -> Answer {
        let mut a = fail(e.status(), &e);
        if let StoreError::Conflict { current, version, .. } = &e {
            a.body["conflict"] = json!({ "current": current, "version": version });
        }
        a
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(req: Request, status: u16, body: Vec<u8>, ctype: &str) {
    let mut r = Response::from_data(body).with_status_code(status);
    for (n, v) in [
        ("Content-Type", ctype),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        // The workbench is never framed by another page (clickjacking).
        ("X-Frame-Options", "DENY"),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; frame-ancestors 'none'; frame-src 'self'",
        ),
    ] {
        if let Some(h) = header(n, v) {
            r.add_header(h);
        }
    }
    if status == 401 {
        if let Some(h) = header("WWW-Authenticate", "Basic realm=\"gongkai\", charset=\"UTF-8\"") {
            r.add_header(h);
        }
    }
    let _ = req.respond(r);
}

fn respond_json(req: Request, a: Answer) {
    let body = serde_json::to_vec(&a.body).unwrap_or_default();
    respond(req, a.status, body, "application/json; charset=utf-8");
}

/// `a=1&b=%E4%B8%AD` into pairs (percent-decoded; `+` is a space, as forms send it).
fn query(url: &str) -> Vec<(String, String)> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or("zz"), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> &'a str {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// The largest refused upload that is still read to its end before the refusal (see
/// [`read_body`]); reading 256 MiB from the local browser takes well under a second.
const DRAIN_MAX: u64 = 256 * 1024 * 1024;

fn read_body(req: &mut Request, limit: u64) -> Result<Vec<u8>, Answer> {
    let too_big = || fail(413, ApiError::TooLarge(limit / 1024 / 1024));
    if let Some(n) = req.body_length().filter(|&n| n as u64 > limit) {
        // Read the refused body before answering: a server that closes with a body unread
        // resets the connection, and the browser then shows "connection reset" instead of the
        // message naming the limit (a test saw it too, once in many runs). Past DRAIN_MAX the
        // sender is not a clerk's browser, and is answered at once.
        if n as u64 <= DRAIN_MAX {
            let _ = std::io::copy(&mut req.as_reader().take(n as u64), &mut std::io::sink());
        }
        return Err(too_big());
    }
    let mut buf = Vec::new();
    req.as_reader()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| fail(400, ApiError::Unreadable(e.to_string())))?;
    if buf.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(buf)
}

fn parse<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, Answer> {
    serde_json::from_slice(bytes).map_err(|e| fail(400, ApiError::Malformed(e.to_string())))
}

/// Entry point for every URL under [`PREFIX`].
pub fn handle(mut req: Request, state: &State) {
    let url = req.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("").to_string();
    let rest = path.strip_prefix(PREFIX).unwrap_or("").to_string();
    let method = req.method().clone();
    let write = match method {
        Method::Get | Method::Head => false,
        Method::Post => true,
        _ => {
            respond_json(req, fail(405, ApiError::Method));
            return;
        }
    };
    if let Err(r) = guard::check(&req, state, write) {
        respond_json(req, refusal(r));
        return;
    }
    match (write, rest.as_str()) {
        (false, "") => {
            let r = Response::empty(301)
                .with_header(header("Location", &format!("{PREFIX}/")).expect("valid header"));
            let _ = req.respond(r);
        }
        (false, "/") => {
            let page = PAGE
                .replace("__TOKEN__", &state.token)
                .replace("__READONLY__", if state.access.can_write() { "" } else { "1" });
            respond(req, 200, page.into_bytes(), "text/html; charset=utf-8");
        }
        (false, "/app.js") => {
            respond(req, 200, SCRIPT.as_bytes().to_vec(), "text/javascript; charset=utf-8")
        }
        (false, "/app.css") => {
            respond(req, 200, STYLE.as_bytes().to_vec(), "text/css; charset=utf-8")
        }
        _ => {
            let q = query(&url);
            let a = match rest.strip_prefix("/api/") {
                Some(name) => route(&mut req, state, write, name, &q).unwrap_or_else(|a| a),
                None => fail(404, ApiError::NoSuchAddress),
            };
            respond_json(req, a);
        }
    }
}

fn refusal(r: Refusal) -> Answer {
    fail(r.status(), r)
}

fn route(
    req: &mut Request,
    state: &State,
    write: bool,
    name: &str,
    q: &[(String, String)],
) -> Result<Answer, Answer> {
    let root = &state.root;
    Ok(match (write, name) {
        (false, "postings") => postings(state),
        (false, "file") => {
            let p = param(q, "path");
            let (text, version) = store::read(root, p)?;
            ok(json!({ "path": p, "text": text, "version": version }))
        }
        (false, "facts-of") => {
            // What the build makes of an existing posting's settings (its 公示 period, say).
            let p = param(q, "path");
            let (text, _) = store::read(root, p)?;
            let mut v = match crate::compose::draft_of(p, &text).map(|d| form::facts(&d, state)) {
                Some(Ok(f)) => serde_json::to_value(f).unwrap_or_default(),
                _ => json!({}),
            };
            // A finance posting: its totals and whether it chains to the previous period.
            let ledger = crate::compose::ledger_facts(root, p, state.today());
            if ledger.finance {
                v["ledger"] = serde_json::to_value(ledger).unwrap_or_default();
            }
            ok(v)
        }
        (false, "draft-of") => {
            let p = param(q, "path");
            let (text, version) = store::read(root, p)?;
            let d = crate::compose::draft_of(p, &text);
            ok(json!({ "draft": d, "version": version }))
        }
        (true, "settings") => {
            let s: Settings = parse(&read_body(req, MAX_JSON)?)?;
            let _w = lock(state);
            settings(state, &s)?
        }
        (false, "history") => ok(json!({ "versions": store::history(root, param(q, "path"))? })),
        (false, "version") => {
            let text = store::old_version(root, param(q, "path"), param(q, "id"))?;
            ok(json!({ "text": text }))
        }
        (true, "save") => {
            #[derive(Deserialize)]
            struct Save {
                path: String,
                text: String,
                base_version: String,
            }
            let s: Save = parse(&read_body(req, MAX_JSON)?)?;
            let _w = lock(state);
            let v = store::save(root, &s.path, s.text.as_bytes(), &s.base_version, state.history)?;
            ok(json!({ "version": v }))
        }
        (true, "restore") => {
            #[derive(Deserialize)]
            struct Restore {
                path: String,
                id: String,
                base_version: String,
            }
            let r: Restore = parse(&read_body(req, MAX_JSON)?)?;
            let _w = lock(state);
            let text = store::old_version(root, &r.path, &r.id)?;
            let v = store::save(root, &r.path, text.as_bytes(), &r.base_version, state.history)?;
            ok(json!({ "version": v, "text": text }))
        }
        (true, "facts") => {
            let d: crate::compose::Draft = parse(&read_body(req, MAX_JSON)?)?;
            match form::facts(&d, state) {
                Ok(f) => ok(serde_json::to_value(f).unwrap_or_default()),
                Err(errors) => ok(json!({ "errors": errors })),
            }
        }
        (true, "new") => {
            let d: crate::compose::Draft = parse(&read_body(req, MAX_JSON)?)?;
            let composed = match form::compose(&d, state) {
                Ok(c) => c,
                Err(errors) => {
                    let mut a = fail(422, ApiError::FormErrors);
                    a.body["fields"] = serde_json::to_value(errors).unwrap_or_default();
                    return Ok(a);
                }
            };
            let _w = lock(state);
            let full = store::resolve(root, &composed.rel_path)?;
            let single = composed.rel_path.strip_suffix("/index.md").map(|s| format!("{s}.md"));
            let bundled = composed.rel_path.strip_suffix(".md").map(|s| format!("{s}/index.md"));
            let twin = single.or(bundled).map(|t| root.join(t));
            if full.exists() || twin.is_some_and(|t| t.exists()) {
                return Err(StoreError::Exists(composed.rel_path).into());
            }
            let v =
                store::save(root, &composed.rel_path, composed.text.as_bytes(), "", state.history)?;
            ok(json!({ "path": composed.rel_path, "version": v, "text": composed.text }))
        }
        (true, "preview") => {
            #[derive(Deserialize)]
            struct Preview {
                text: String,
            }
            let p: Preview = parse(&read_body(req, MAX_JSON)?)?;
            ok(json!({ "html": form::preview_html(&p.text, state) }))
        }
        (true, "paste") => {
            #[derive(Deserialize)]
            struct Paste {
                html: String,
            }
            let p: Paste = parse(&read_body(req, MAX_JSON)?)?;
            ok(json!({ "markdown": form::html_to_markdown(&p.html) }))
        }
        (true, "upload") => upload(req, state, param(q, "posting"), param(q, "name"))?,
        (true, "import-docx") => import_docx(req, state, param(q, "section"), param(q, "name"))?,
        (true, "mask") => {
            #[derive(Deserialize)]
            struct Mask {
                path: String,
                line: usize,
                column: usize,
            }
            let m: Mask = parse(&read_body(req, MAX_JSON)?)?;
            let _w = lock(state);
            mask(state, &m.path, m.line, m.column)?
        }
        (true, "remove") => {
            #[derive(Deserialize)]
            struct Remove {
                path: String,
                #[serde(default)]
                line: usize,
                #[serde(default)]
                column: usize,
            }
            let m: Remove = parse(&read_body(req, MAX_JSON)?)?;
            let _w = lock(state);
            if m.path.ends_with(".md") {
                remove_text(state, &m.path, m.line, m.column)?
            } else {
                remove_file(state, &m.path)?
            }
        }
        (true, "delete") => {
            #[derive(Deserialize)]
            struct Delete {
                path: String,
                #[serde(default)]
                note: String,
            }
            let d: Delete = parse(&read_body(req, MAX_JSON)?)?;
            let _w = lock(state);
            delete(state, &d.path, d.note.trim())?
        }
        (true, "check") => {
            let ctx = JobCtx::of(state);
            let first = JobSays::Checking.text(ctx.lang);
            start(state, "check", Some(&first), move |job| check(&ctx, job))
        }
        (true, "build") => {
            let ctx = JobCtx::of(state);
            let out = BuildOptions::new(&ctx.root, ctx.today).out;
            let first = JobSays::Building(out.display().to_string()).text(ctx.lang);
            start(state, "build", Some(&first), move |job| build_site(&ctx, job))
        }
        (true, "publish") => {
            #[derive(Deserialize, Default)]
            #[serde(default)]
            struct Publish {
                target: String,
                confirm: bool,
            }
            let p: Publish = parse(&read_body(req, MAX_JSON)?)?;
            let ctx = JobCtx::of(state);
            let writing = state.writing.clone();
            start(state, "publish", None, move |job| {
                let _w = writing.lock().unwrap_or_else(|e| e.into_inner());
                super::publish::run(&ctx, &p.target, p.confirm, job)
            })
        }
        (false, "job") => {
            let id: u64 = param(q, "id").parse().unwrap_or(0);
            let from: usize = param(q, "from").parse().unwrap_or(0);
            match state.jobs.get(id) {
                Some(job) => ok(job.view(from)),
                None => fail(404, ApiError::NoSuchJob),
            }
        }
        _ => fail(404, ApiError::NoSuchApi),
    })
}

fn lock(state: &State) -> std::sync::MutexGuard<'_, ()> {
    state.writing.lock().unwrap_or_else(|e| e.into_inner())
}

/// The settings the editor's form changes in an existing posting; `None` leaves a key as it is.
#[derive(Deserialize)]
struct Settings {
    path: String,
    base_version: String,
    title: Option<String>,
    date: Option<String>,
    period: Option<String>,
    tags: Option<Vec<String>>,
    draft: Option<bool>,
    days: Option<i64>,
    count: Option<String>,
}

/// Writes the changed settings into the front matter (keeping the clerk's comments and key
/// order, [`crate::compose::set_keys`]) and saves, refusing a file changed since it was read.
fn settings(state: &State, s: &Settings) -> Result<Answer, Answer> {
    use crate::compose::{FieldError, toml_string};
    let root = &state.root;
    let (text, version) = store::read(root, &s.path)?;
    if version != s.base_version {
        return Err(StoreError::Conflict { path: s.path.clone(), current: text, version }.into());
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let mut changes: Vec<(&str, String)> = Vec::new();
    if let Some(t) = s.title.as_deref().map(str::trim) {
        if t.is_empty() {
            errors.push(field_error("title", SettingsError::TitleEmpty));
        } else {
            changes.push(("title", toml_string(t)));
        }
    }
    if let Some(d) = s.date.as_deref().map(str::trim) {
        match crate::date::parse_date(d) {
            Some(date) => changes.push(("date", crate::date::format_iso(date))),
            None => errors.push(field_error("date", SettingsError::BadDate(d.to_string()))),
        }
    }
    if let Some(p) = s.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        changes.push(("period", toml_string(p)));
    }
    if let Some(tags) = &s.tags {
        let list: Vec<String> =
            tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).map(toml_string).collect();
        changes.push(("tags", format!("[{}]", list.join(", "))));
    }
    if let Some(draft) = s.draft {
        changes.push(("draft", draft.to_string()));
    }
    if let Some(n) = s.days {
        if (1..=crate::notice::MAX_DAYS).contains(&n) {
            changes.push(("notice.days", n.to_string()));
        } else {
            let max = crate::notice::MAX_DAYS;
            errors.push(field_error("days", SettingsError::BadDays { days: n, max }));
        }
    }
    if let Some(c) = s.count.as_deref().filter(|c| !c.is_empty()) {
        match crate::notice::Count::parse(c) {
            Some(c) => changes.push(("notice.count", toml_string(c.as_str()))),
            None => errors.push(field_error("count", SettingsError::UnknownCount)),
        }
    }
    if !errors.is_empty() {
        let mut a = fail(422, ApiError::SettingsErrors);
        a.body["fields"] = serde_json::to_value(errors).unwrap_or_default();
        return Ok(a);
    }
    let pairs: Vec<(&str, &str)> = changes.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let new = match crate::compose::set_keys(&text, &pairs) {
        Ok(t) => t,
        Err(e) => {
            let mut a = field_fail(&e);
            a.body["fields"] = json!([e]);
            return Ok(a);
        }
    };
    let v = store::save(root, &s.path, new.as_bytes(), &version, state.history)?;
    Ok(ok(json!({ "version": v, "text": new })))
}

fn field_error(field: &str, e: SettingsError) -> crate::compose::FieldError {
    crate::compose::FieldError {
        field: field.into(),
        code: e.code().into(),
        zh: e.zh(),
        en: e.en(),
        warning: false,
    }
}

/// A form error the library made (its texts are already both there) as a `422`.
fn field_fail(e: &crate::compose::FieldError) -> Answer {
    Answer { status: 422, body: json!({ "error": e.zh, "error_en": e.en }) }
}

crate::messages! {
    /// The list's label of a posting file the last preview build did not get to.
    pub enum Unbuilt {
        Elsewhere = "workbench.state-unbuilt",
            zh: "未生成（网站别处有错误）",
            en: "not built (errors elsewhere)";
        Errors = "workbench.state-failed", zh: "有错误，未生成", en: "errors, not built";
    }
}

/// The postings of the last preview build with their diagnostics, plus any posting file the
/// build did not get to (it failed on it) and the sections new postings can go in.
fn postings(state: &State) -> Answer {
    let last = state.last();
    let mut rows: Vec<Value> = Vec::new();
    let mut known: std::collections::BTreeSet<String> = Default::default();
    let belongs = |d: &Diag, path: &str, bundle: bool| {
        d.path == path
            || (bundle && path.strip_suffix("index.md").is_some_and(|dir| d.path.starts_with(dir)))
    };
    for r in &last.postings {
        known.insert(r.path.clone());
        let diags: Vec<&Diag> =
            last.diagnostics.iter().filter(|d| belongs(d, &r.path, r.bundle)).collect();
        let mut v = serde_json::to_value(r).unwrap_or_default();
        v["diagnostics"] = json!(diags);
        rows.push(v);
    }
    // Posting files not in the last good build (new, or where the build stopped).
    let content = state.root.join("content");
    let mut extra: Vec<String> = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_str()?;
            if !name.ends_with(".md") || name == "_index.md" || name.starts_with('.') {
                return None;
            }
            let rel = crate::diagnostic::display_path(&state.root, e.path());
            (!known.contains(&rel)).then_some(rel)
        })
        .collect();
    extra.sort();
    for path in extra {
        let bundle = path.ends_with("/index.md");
        let diags: Vec<&Diag> =
            last.diagnostics.iter().filter(|d| belongs(d, &path, bundle)).collect();
        let section = path.split('/').nth(1).unwrap_or("").to_string();
        rows.push(json!({
            "path": path, "section": section, "section_title": section,
            "title": path.rsplit('/').next().unwrap_or(""), "date": "", "kind": null,
            "bundle": bundle, "state": "unbuilt",
            "label": if diags.is_empty() { Unbuilt::Elsewhere } else { Unbuilt::Errors }
                .text(state.lang),
            "url": "", "diagnostics": diags,
        }));
    }
    let attached: Vec<&Diag> = last
        .diagnostics
        .iter()
        .filter(|d| {
            !rows.iter().any(|r| {
                let p = r["path"].as_str().unwrap_or("");
                belongs(d, p, r["bundle"].as_bool().unwrap_or(false))
            })
        })
        .collect();
    ok(json!({
        "postings": rows,
        "failed": last.failed,
        "other_diagnostics": attached,
        "sections": form::sections(&state.root),
        "today": crate::date::format_iso(state.today()),
    }))
}

/// Saves an uploaded file into a posting's bundle folder (making a single-file posting a
/// bundle) and answers with what a build says about that folder.
fn upload(req: &mut Request, state: &State, posting: &str, name: &str) -> Result<Answer, Answer> {
    let root = &state.root;
    let name = store::sanitize_name(name)?;
    if !posting.ends_with(".md") || posting.ends_with("/_index.md") {
        return Err(StoreError::BadPath(posting.to_string()).into());
    }
    let posting_path = store::resolve(root, posting)?;
    if !posting_path.is_file() {
        return Err(StoreError::NotFound(posting.to_string()).into());
    }
    let bytes = read_body(req, state.max_upload)?;
    let _w = lock(state);
    let posting = store::make_bundle(root, posting)?;
    let dir = posting.strip_suffix("index.md").unwrap_or(&posting).to_string();
    let rel = format!("{dir}{name}");
    let dest = store::resolve(root, &rel)?;
    let io = |e: std::io::Error| StoreError::Io(rel.clone(), e.to_string());
    if let Ok(old) = std::fs::read(&dest) {
        store::keep(root, &rel, &old, state.history).map_err(io)?;
    }
    store::write_atomic(&dest, &bytes).map_err(io)?;
    let diags: Vec<Diag> =
        preview_check(state).into_iter().filter(|d| d.path.starts_with(&dir)).collect();
    Ok(ok(json!({ "posting": posting, "file": rel, "name": name, "diagnostics": diags })))
}

/// Every check of a preview build (drafts included), for the files just changed.
fn preview_check(state: &State) -> Vec<Diag> {
    let mut opts = BuildOptions::new(&state.root, state.today());
    opts.drafts = true;
    opts.preview = true;
    opts.enforce_change_notes = false;
    match pipeline::generate(&opts) {
        Ok(g) => Diag::all(&g.warnings, state.lang),
        Err(d) => Diag::all(&d, state.lang),
    }
}

fn allow_list(state: &State) -> crate::privacy::AllowList {
    match crate::config::load(&state.root) {
        Ok((cfg, _)) => {
            crate::privacy::AllowList::from_config(&cfg.privacy, cfg.contact.phone.as_deref())
        }
        Err(_) => crate::privacy::AllowList::new(),
    }
}

fn import_docx(
    req: &mut Request,
    state: &State,
    section: &str,
    name: &str,
) -> Result<Answer, Answer> {
    let root = &state.root;
    let name = store::sanitize_name(name)?;
    let bytes = read_body(req, state.max_upload)?;
    let imported = crate::import::docx_to_posting(&bytes, &name, &allow_list(state))
        .map_err(|e| fail(422, e))?;
    let section = if section.is_empty() { "village" } else { section };
    let today = state.today();
    let title = imported.front.title.clone().unwrap_or_else(|| name.clone());
    let date = imported.front.date.unwrap_or(today);
    let mut slug = form::slugify(&title);
    if slug.is_empty() {
        slug = "import".into();
    }
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name).to_string();
    let text = imported.posting_text(&name, &stem, today);
    let _w = lock(state);
    let base = format!("content/{section}/{}-{slug}", crate::date::format_iso(date));
    let mut n = 1;
    let stem_rel = loop {
        let cand = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        if !root.join(format!("{cand}.md")).exists() && !root.join(&cand).exists() {
            break cand;
        }
        n += 1;
    };
    let rel = if imported.images.is_empty() {
        format!("{stem_rel}.md")
    } else {
        format!("{stem_rel}/index.md")
    };
    let path = store::resolve(root, &rel)?;
    let io = |e: std::io::Error| StoreError::Io(rel.clone(), e.to_string());
    if let Some(dir) = path.parent() {
        for img in &imported.images {
            store::write_atomic(&dir.join(store::sanitize_name(&img.name)?), &img.bytes)
                .map_err(io)?;
        }
    }
    let v = store::save(root, &rel, text.as_bytes(), "", state.history)?;
    let personal = imported.personal.len();
    Ok(ok(json!({ "path": rel, "version": v, "text": text, "personal": personal })))
}

/// Masks the privacy finding that starts at `line`:`column` of `rel` (as the diagnostic says).
fn mask(state: &State, rel: &str, line: usize, column: usize) -> Result<Answer, Answer> {
    let root = &state.root;
    let (text, version) = store::read(root, rel)?;
    let Some(f) = finding_at(state, &text, line, column) else {
        return Ok(fail(404, ApiError::NothingToMask { path: rel.into(), line }));
    };
    let masked = crate::privacy::mask_markdown(&text, std::slice::from_ref(&f));
    let v = store::save(root, rel, masked.as_bytes(), &version, state.history)?;
    Ok(ok(json!({ "version": v, "text": masked, "masked": f.masked })))
}

/// The privacy finding of `text` the diagnostic at `line`:`column` names (or the first on that
/// line, when the text moved a little since).
fn finding_at(
    state: &State,
    text: &str,
    line: usize,
    column: usize,
) -> Option<crate::privacy::Finding> {
    let findings = crate::privacy::scan_on(text, &allow_list(state), state.today());
    let at = |f: &crate::privacy::Finding| {
        let l = crate::diagnostic::locate(text, f.range.start);
        (l.line, l.column)
    };
    let exact = findings.iter().position(|f| at(f) == (line, column));
    let i = exact.or_else(|| findings.iter().position(|f| at(f).0 == line))?;
    findings.into_iter().nth(i)
}

/// 删除 for a privacy finding in a posting's text: the number goes, the rest of the line stays.
fn remove_text(state: &State, rel: &str, line: usize, column: usize) -> Result<Answer, Answer> {
    let (text, version) = store::read(&state.root, rel)?;
    let Some(f) = finding_at(state, &text, line, column) else {
        return Ok(fail(404, ApiError::NothingToRemove { path: rel.into(), line }));
    };
    let mut new = text.clone();
    new.replace_range(f.range.clone(), "");
    let v = store::save(&state.root, rel, new.as_bytes(), &version, state.history)?;
    Ok(ok(json!({ "version": v, "text": new, "removed": f.masked })))
}

/// 删除 for a privacy finding inside a file of a posting's bundle: the file leaves the
/// posting's `attachments` (saved with history like every save) and goes to the recycle folder.
fn remove_file(state: &State, rel: &str) -> Result<Answer, Answer> {
    let root = &state.root;
    let path = store::resolve(root, rel)?;
    if !path.is_file() {
        return Err(StoreError::NotFound(rel.to_string()).into());
    }
    // The bundle the file belongs to: the nearest folder above it with an index.md.
    let mut dir = rel;
    let posting = loop {
        let Some((up, _)) = dir.rsplit_once('/') else {
            return Ok(fail(422, ApiError::NotInBundle(rel.into())));
        };
        dir = up;
        let candidate = format!("{dir}/index.md");
        if root.join(&candidate).is_file() {
            break candidate;
        }
    };
    let file = &rel[dir.len() + 1..];
    let (text, version) = store::read(root, &posting)?;
    let edited = match crate::compose::remove_attachment(&text, file) {
        Ok(t) => t,
        Err(e) => return Ok(field_fail(&e)),
    };
    let v = match &edited {
        Some(new) => store::save(root, &posting, new.as_bytes(), &version, state.history)?,
        None => version,
    };
    let to = store::recycle(root, rel)?;
    Ok(ok(json!({
        "posting": posting,
        "version": v,
        "text": edited.unwrap_or(text),
        "recycled": to,
    })))
}

/// Moves an unpublished posting to the recycle folder; a published one is withdrawn instead
/// (its address must keep answering), which needs the note the build asks for.
fn delete(state: &State, rel: &str, note: &str) -> Result<Answer, Answer> {
    let root = &state.root;
    let path = store::resolve(root, rel)?;
    // A section's own `_index.md` is not a posting: deleting it would break the section.
    if rel.ends_with("/_index.md") {
        return Err(StoreError::BadPath(rel.to_string()).into());
    }
    if !rel.ends_with(".md") || !path.is_file() {
        return Err(StoreError::NotFound(rel.to_string()).into());
    }
    let opts = BuildOptions::new(root, state.today());
    let published = crate::manifest::Manifest::read(&opts.previous_manifest())
        .is_some_and(|m| m.postings.contains_key(rel));
    if !published {
        let to = store::recycle(root, rel)?;
        return Ok(ok(json!({ "recycled": to })));
    }
    if note.is_empty() {
        return Ok(fail(409, ApiError::Published(rel.into())));
    }
    let (text, version) = store::read(root, rel)?;
    let value = format!(
        "{{ date = {}, note = {} }}",
        crate::date::format_iso(state.today()),
        crate::compose::toml_string(note)
    );
    let new = match crate::compose::set_keys(&text, &[("withdrawn", value.as_str())]) {
        Ok(t) => t,
        Err(e) => return Ok(field_fail(&e)),
    };
    let v = store::save(root, rel, new.as_bytes(), &version, state.history)?;
    Ok(ok(json!({ "withdrawn": rel, "version": v })))
}

/// What a job needs of [`State`], owned, for its own thread.
pub(crate) struct JobCtx {
    pub root: std::path::PathBuf,
    pub today: jiff::civil::Date,
    pub lang: Lang,
}

impl JobCtx {
    fn of(state: &State) -> JobCtx {
        JobCtx { root: state.root.clone(), today: state.today(), lang: state.lang }
    }
}

/// Starts a job, answering `202` with its id, or `409` naming the one that is running.
fn start<F>(state: &State, kind: &'static str, first: Option<&str>, work: F) -> Answer
where
    F: FnOnce(&Job) -> Value + Send + 'static,
{
    match state.jobs.start(kind, first, work) {
        Ok(job) => Answer { status: 202, body: json!({ "job": job.id, "kind": kind }) },
        Err(running) => {
            let mut a = fail(409, ApiError::Busy(running.kind));
            a.body["job"] = json!(running.id);
            a
        }
    }
}

/// Each diagnostic as the CLI prints it, as progress lines.
fn say_all(job: &Job, diags: &Diagnostics, lang: Lang) {
    for d in &diags.items {
        job.say(&d.render(lang));
    }
}

/// `gongkai check`: every validation, nothing written; the CLI's summary line.
fn check(ctx: &JobCtx, job: &Job) -> Value {
    let opts = BuildOptions::new(&ctx.root, ctx.today);
    let (mut diags, pages) = match pipeline::generate(&opts) {
        Ok(g) => (g.warnings, Some(g.pages)),
        Err(d) => (d, None),
    };
    diags.extend(crate::placeholders::find(&ctx.root));
    diags.sort();
    say_all(job, &diags, ctx.lang);
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    let says = match pages {
        Some(pages) => JobSays::Checked { errors, warnings, pages },
        None => JobSays::CheckFailed { errors, warnings },
    };
    let a = summary(ctx.lang, &diags, says);
    job.say(a.body["summary"].as_str().unwrap_or(""));
    a.body
}

/// `gongkai build`: the real site into `public/`.
fn build_site(ctx: &JobCtx, job: &Job) -> Value {
    let mut opts = BuildOptions::new(&ctx.root, ctx.today);
    opts.enforce_change_notes = !crate::record::published::has_targets(&ctx.root);
    let placeholders = crate::placeholders::find(&ctx.root);
    let mut a = match pipeline::build(&opts) {
        Ok(mut report) => {
            report.warnings.extend(placeholders);
            report.warnings.sort();
            say_all(job, &report.warnings, ctx.lang);
            let says = pipeline::says::Built {
                pages: report.pages,
                files: report.files,
                secs: report.elapsed.as_secs_f64(),
                warnings: report.warnings.warning_count(),
                out: opts.out.display().to_string(),
            };
            let mut a = summary(ctx.lang, &report.warnings, says);
            a.body["ok"] = json!(true);
            a
        }
        Err(mut diags) => {
            diags.extend(placeholders);
            diags.sort();
            say_all(job, &diags, ctx.lang);
            let mut a = summary(ctx.lang, &diags, JobSays::BuildFailed(diags.error_count()));
            a.body["ok"] = json!(false);
            a
        }
    };
    job.say(a.body["summary"].as_str().unwrap_or(""));
    std::mem::take(&mut a.body)
}

fn summary(lang: Lang, diags: &Diagnostics, says: impl Into<Msg>) -> Answer {
    let says: Msg = says.into();
    ok(json!({
        "errors": diags.error_count(),
        "warnings": diags.warning_count(),
        "diagnostics": Diag::all(diags, lang),
        "summary": says.text(lang),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_chinese_and_plus() {
        let q = query("/x?path=content%2F%E6%9D%91.md&name=a+b.csv&x");
        assert_eq!(param(&q, "path"), "content/村.md");
        assert_eq!(param(&q, "name"), "a b.csv");
        assert_eq!(param(&q, "x"), "");
        assert_eq!(decode("%zz%4"), "%zz%4");
    }
}
