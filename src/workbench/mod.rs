//! 工作台: the clerk's workbench inside `gongkai serve`, at `/__gongkai/wb/`.
//!
//! A small page (embedded HTML/JS/CSS, no CDN) lists every posting with its state, creates new
//! ones from a form, edits the Markdown beside a live preview, takes pasted Word tables, dropped
//! files and `.docx` imports, shows every diagnostic at its place and runs 检查 / 生成.
//! The files stay the source of truth: every write goes through [`store`] (atomic, with a history
//! of the last versions and a conflict check against the version the page opened).
//!
//! Security ([`guard`]): the preview server binds to loopback by default, but any web page the
//! clerk opens can send requests to it. So every request that changes something needs the
//! per-run token embedded in the workbench page, a same-origin `Origin`/`Sec-Fetch-Site`, and
//! a `Host` that is an IP literal or `localhost` with the server's port (a rebinding attacker's
//! domain name never is). On another interface (`--bind`) the workbench is read-only unless a
//! password is set; then every workbench request needs it (HTTP Basic).
//!
//! This module sits above `serve` only through [`State`], which the server owns and feeds after
//! every preview build (the postings and their diagnostics); `serve` calls [`handle`].

mod api;
mod form;
mod guard;
mod jobs;
pub mod postings;
mod publish;
pub mod store;

use crate::diagnostic::{Diagnostic, Diagnostics, Lang, Severity};
use jiff::civil::Date;
use serde::Serialize;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// URL prefix of everything the workbench serves.
pub const PREFIX: &str = "/__gongkai/wb";

/// Who may change files through the workbench.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Loopback: the token and same-origin checks are enough.
    Local,
    /// On another interface without a password: reads only.
    ReadOnly,
    /// Every workbench request needs this password (HTTP Basic, any user name).
    Password(String),
}

impl Access {
    /// Loopback binds write freely; others need a password or stay read-only.
    pub fn for_bind(bind: IpAddr, password: Option<String>) -> Access {
        match password.filter(|p| !p.is_empty()) {
            Some(p) => Access::Password(p),
            None if bind.is_loopback() => Access::Local,
            None => Access::ReadOnly,
        }
    }

    pub fn can_write(&self) -> bool {
        *self != Access::ReadOnly
    }
}

/// One diagnostic as the page shows it: plain data, in the server's language.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Diag {
    /// `error` or `warning`.
    pub severity: &'static str,
    pub code: &'static str,
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub location: String,
    pub message: String,
}

impl Diag {
    pub fn from(d: &Diagnostic, lang: Lang) -> Diag {
        let (line, column, sheet, cell) = d.position_parts();
        Diag {
            severity: if d.severity == Severity::Error { "error" } else { "warning" },
            code: d.message.code(),
            path: d.path.clone(),
            line,
            column,
            sheet,
            cell,
            location: d.location(),
            message: d.message.text(lang).to_string(),
        }
    }

    pub fn all(diags: &Diagnostics, lang: Lang) -> Vec<Diag> {
        diags.items.iter().map(|d| Diag::from(d, lang)).collect()
    }
}

/// What the last preview build said: the postings with their states, and its diagnostics.
#[derive(Debug, Default, Clone)]
pub struct Last {
    pub postings: Vec<postings::Row>,
    pub diagnostics: Vec<Diag>,
    /// The last build failed; `postings` are from the last good one.
    pub failed: bool,
}

/// The workbench's part of the preview server's shared state.
pub struct State {
    /// Canonical site folder.
    pub root: PathBuf,
    /// Random per run; embedded in the workbench page, required on every write.
    pub token: String,
    pub access: Access,
    /// `--today`, or the day in China on each request.
    pub today: Option<Date>,
    pub lang: Lang,
    /// The address the server listens on (known after binding).
    pub addr: OnceLock<SocketAddr>,
    last: RwLock<Last>,
    /// One write at a time, so the conflict check and the write see the same file.
    pub(crate) writing: Arc<Mutex<()>>,
    /// 检查 / 生成 / 发布 running or done, one at a time.
    pub(crate) jobs: jobs::Jobs,
    /// The largest upload in bytes (`[preview] upload_mb`).
    pub max_upload: u64,
    /// Earlier versions kept of each saved file (`[preview] history`).
    pub history: usize,
}

/// The workbench's list, held for the build being shown: see [`State::hold`].
pub struct Held<'a> {
    last: std::sync::RwLockWriteGuard<'a, Last>,
    state: &'a State,
}

impl Held<'_> {
    /// Puts in the postings and warnings of a good preview build.
    pub fn built(mut self, site: &crate::site::Site, warnings: &Diagnostics) {
        let lang = self.state.lang;
        let rows = postings::rows(site, self.state.today(), lang);
        *self.last = Last { postings: rows, diagnostics: Diag::all(warnings, lang), failed: false };
    }
}

impl State {
    pub fn new(
        root: PathBuf,
        access: Access,
        today: Option<Date>,
        lang: Lang,
        limits: crate::config::PreviewConfig,
    ) -> State {
        State {
            max_upload: limits.max_upload(),
            history: limits.history,
            root,
            token: guard::new_token(),
            access,
            today,
            lang,
            addr: OnceLock::new(),
            last: RwLock::new(Last::default()),
            writing: Arc::new(Mutex::new(())),
            jobs: jobs::Jobs::default(),
        }
    }

    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(crate::date::today_in_china)
    }

    /// Holds the list until [`Held::built`] fills it in. The preview takes it before the pages
    /// reload and fills it in after (working out 10,000 rows takes ~8 ms that a saved page need
    /// not wait for), so a request that comes with the reload waits for the new list rather than
    /// getting the previous build's.
    pub fn hold(&self) -> Held<'_> {
        Held { last: self.last.write().unwrap_or_else(|e| e.into_inner()), state: self }
    }

    /// After a failed preview build: its errors, and the postings as the files say now when
    /// they can still be read (a ledger or privacy error stops the build, not the list);
    /// otherwise those of the last good build.
    pub fn record_failed(&self, errors: &Diagnostics) {
        let opts = crate::load::LoadOptions { today: self.today(), include_unpublished: true };
        let rows = crate::load::load(&self.root, opts)
            .ok()
            .map(|site| postings::rows(&site, self.today(), self.lang));
        let mut last = self.last.write().unwrap_or_else(|e| e.into_inner());
        last.diagnostics = Diag::all(errors, self.lang);
        last.failed = true;
        if let Some(rows) = rows {
            last.postings = rows;
        }
    }

    pub fn last(&self) -> Last {
        self.last.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// `http://127.0.0.1:PORT/__gongkai/wb/` for the printed line.
    pub fn url(&self, base: &str) -> String {
        format!("{}{}/", base.trim_end_matches('/'), PREFIX)
    }
}

/// Answers one request under [`PREFIX`]. Never panics on bad input.
pub fn handle(req: tiny_http::Request, state: &State) {
    api::handle(req, state)
}
