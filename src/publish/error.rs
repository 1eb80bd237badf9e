//! What can go wrong while publishing, as typed messages a clerk can act on.

use crate::diagnostic::Lang;
use serde::Serialize;

/// The class of a remote failure: it decides the message and whether a retry may help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// Wrong user name, password, key or access key.
    Auth,
    /// No route, refused connection, unknown host name.
    Unreachable,
    /// TLS certificate expired, for another name, or not trusted.
    Certificate,
    /// Disk or account quota full.
    Quota,
    /// The server refuses to write (or delete) at this path.
    NotWritable,
    /// No answer within the time-out.
    Timeout,
    /// The connection broke off (reset, closed, server busy).
    Interrupted,
    /// Anything else the server said.
    Other,
}

/// One failed remote operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoteError {
    pub kind: Kind,
    /// What the server or the OS said, for the administrator.
    pub detail: String,
    /// The remote file concerned, when there is one.
    pub path: Option<String>,
}

impl RemoteError {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        RemoteError { kind, detail: detail.into(), path: None }
    }

    pub fn at(mut self, path: &str) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_string());
        }
        self
    }

    /// A retry after reconnecting may succeed.
    pub fn transient(&self) -> bool {
        matches!(self.kind, Kind::Unreachable | Kind::Timeout | Kind::Interrupted)
    }

    /// Classifies an OS-level I/O error.
    pub fn io(e: &std::io::Error) -> Self {
        use std::io::ErrorKind as E;
        let kind = match e.kind() {
            E::ConnectionRefused
            | E::HostUnreachable
            | E::NetworkUnreachable
            | E::AddrNotAvailable
            | E::NetworkDown => Kind::Unreachable,
            E::TimedOut | E::WouldBlock => Kind::Timeout,
            E::ConnectionReset
            | E::ConnectionAborted
            | E::BrokenPipe
            | E::UnexpectedEof
            | E::NotConnected => Kind::Interrupted,
            E::StorageFull | E::QuotaExceeded => Kind::Quota,
            E::PermissionDenied | E::ReadOnlyFilesystem => Kind::NotWritable,
            _ => Kind::Other,
        };
        RemoteError::new(kind, e.to_string())
    }
}

/// Why a publish stopped: what was tried, as every remote failure message shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failed {
    /// The address without secrets.
    pub target: String,
    pub host: String,
    pub err: RemoteError,
    pub attempts: u32,
}

impl Failed {
    /// `（文件 p）` / ` (file p)` when the failure concerns one remote file.
    fn at(&self, lang: Lang) -> String {
        let Some(p) = self.err.path.as_deref() else { return String::new() };
        match lang {
            Lang::Zh => format!("（文件 {p}）"),
            Lang::En => format!(" (file {p})"),
        }
    }

    /// `，已重试 N 次` after more than one attempt.
    fn tries(&self) -> String {
        let attempts = self.attempts;
        if attempts > 1 { format!("，已重试 {attempts} 次") } else { String::new() }
    }
}

const RESUME_ZH: &str =
    "已发布的网站仍然完整可用；问题解决后重新运行 gongkai publish，会接着上次继续。";
const RESUME_EN: &str =
    "The published site is still complete; run gongkai publish again to finish.";

crate::messages! {
    /// A publish that cannot go on; every variant says what to do next. A failure of the server
    /// is one message per [`Kind`] (see [`PublishError::remote`]).
    pub enum PublishError {
        /// Wrong user name, password or key.
        Auth(f: Failed) = "publish.auth",
            zh: {
                let (target, d) = (&f.target, &f.err.detail);
                format!(
                    "登录 {target} 被拒绝：用户名或密码（或密钥）不对（服务器说：{d}）。\
请核对环境变量 GONGKAI_PUBLISH_PASSWORD 里的密码（S3 是 GONGKAI_S3_ACCESS_KEY_ID 和 GONGKAI_S3_SECRET_ACCESS_KEY），\
或向乡镇网站管理员确认用户名和密码。网站没有改动。"
                )
            },
            en: {
                let (target, d) = (&f.target, &f.err.detail);
                format!(
                    "login to {target} refused: wrong user name, password or key ({d}). Check GONGKAI_PUBLISH_PASSWORD (S3: GONGKAI_S3_ACCESS_KEY_ID, GONGKAI_S3_SECRET_ACCESS_KEY). Nothing was changed."
                )
            };
        Unreachable(f: Failed) = "publish.unreachable",
            zh: {
                let (host, d, tries) = (&f.host, &f.err.detail, f.tries());
                format!(
                    "连不上服务器 {host}{tries}（{d}）。请检查电脑是否联网，site.toml 里的地址和端口是否写对；\
在村委会以外的网络可能要先连 VPN。{RESUME_ZH}"
                )
            },
            en: {
                let (host, d, attempts) = (&f.host, &f.err.detail, f.attempts);
                format!(
                    "cannot reach {host} after {attempts} attempts ({d}). Check the network and the address. {RESUME_EN}"
                )
            };
        Certificate(f: Failed) = "publish.certificate",
            zh: {
                let (host, d) = (&f.host, &f.err.detail);
                format!(
                    "服务器 {host} 的安全证书有问题（{d}）：可能已过期、名称不符或不是受信任的机构签发。\
请把这段话发给网站管理员，证书修好之前不要发布。网站没有改动。"
                )
            },
            en: {
                let (host, d) = (&f.host, &f.err.detail);
                format!(
                    "the TLS certificate of {host} is not valid ({d}). Ask the administrator to fix it. Nothing was changed."
                )
            };
        Quota(f: Failed) = "publish.quota",
            zh: {
                let (d, at) = (&f.err.detail, f.at(Lang::Zh));
                format!("服务器空间已满{at}（{d}）。请让网站管理员加大空间或清理旧文件。{RESUME_ZH}")
            },
            en: {
                let (d, at) = (&f.err.detail, f.at(Lang::En));
                format!("the server's space is full{at} ({d}). {RESUME_EN}")
            };
        NotWritable(f: Failed) = "publish.not-writable",
            zh: {
                let (target, d, at) = (&f.target, &f.err.detail, f.at(Lang::Zh));
                format!(
                    "服务器不允许写入{at}（{d}）。请让网站管理员给这个账号开通 {target} 的写权限，\
或在 site.toml 里改成正确的文件夹。{RESUME_ZH}"
                )
            },
            en: {
                let (target, d, at) = (&f.target, &f.err.detail, f.at(Lang::En));
                format!(
                    "the server does not allow writing{at} ({d}); ask the administrator for write access to {target}. {RESUME_EN}"
                )
            };
        Timeout(f: Failed) = "publish.timeout",
            zh: {
                let (host, d, at, tries) = (&f.host, &f.err.detail, f.at(Lang::Zh), f.tries());
                format!("服务器 {host} 长时间没有响应{tries}{at}（{d}）。网络可能太慢或断了。{RESUME_ZH}")
            },
            en: {
                let (host, d, at, attempts) = (&f.host, &f.err.detail, f.at(Lang::En), f.attempts);
                format!(
                    "{host} did not answer in time after {attempts} attempts{at} ({d}). {RESUME_EN}"
                )
            };
        Interrupted(f: Failed) = "publish.interrupted",
            zh: {
                let (host, d, at, tries) = (&f.host, &f.err.detail, f.at(Lang::Zh), f.tries());
                format!("与服务器 {host} 的连接断开了{tries}{at}（{d}）。{RESUME_ZH}")
            },
            en: {
                let (host, d, at, attempts) = (&f.host, &f.err.detail, f.at(Lang::En), f.attempts);
                format!(
                    "the connection to {host} broke off after {attempts} attempts{at} ({d}). {RESUME_EN}"
                )
            };
        /// Anything else the server said.
        Remote(f: Failed) = "publish.remote",
            zh: {
                let (target, d, at) = (&f.target, &f.err.detail, f.at(Lang::Zh));
                format!("发布到 {target} 时出错{at}：{d}。{RESUME_ZH}")
            },
            en: {
                let (target, d, at) = (&f.target, &f.err.detail, f.at(Lang::En));
                format!("publishing to {target} failed{at}: {d}. {RESUME_EN}")
            };
        /// Remote files at paths the site would write that no gongkai manifest lists.
        Foreign { target: String, paths: Vec<String> } = "publish.foreign-file",
            zh: {
                format!(
                    "{target} 上已经有 {} 个不是 gongkai 发布的文件，和要上传的文件同名：{}。\
为了不覆盖别人的文件，这次什么都没有上传。请和网站管理员确认：这些文件可以删掉，就请管理员删掉后再发布；\
不能删，就在 site.toml 的 url 里换一个专用的空文件夹。",
                    paths.len(),
                    list(paths)
                )
            },
            en: {
                format!(
                    "{target} already holds {} files not published by gongkai at paths the site needs: {}. Nothing was uploaded; ask the administrator to remove them or use an empty folder.",
                    paths.len(),
                    list(paths)
                )
            };
        /// No `[[publish]]` in site.toml and no `--to`.
        NoTarget = "publish.no-target",
            zh: "site.toml 里还没有发布目标。请加上：\n[[publish]]\nname = \"township\"\nurl = \"sftp://用户名@服务器地址/网站文件夹/\"\n或者临时用 gongkai publish --to 地址",
            en: "no [[publish]] target in site.toml; add one or pass --to URL";
        UnknownTarget { name: String, known: Vec<String> } = "publish.unknown-target",
            zh: { format!("site.toml 里没有名为 {name} 的发布目标；现有的是：{}", known.join("、")) },
            en: { format!("no publish target named {name}; known: {}", known.join(", ")) };
        /// Several targets and no name given.
        WhichTarget { known: Vec<String> } = "publish.which-target",
            zh: {
                format!(
                    "site.toml 里有多个发布目标，请说明发布到哪一个，例如 gongkai publish {}（可选：{}）",
                    known.first().map(String::as_str).unwrap_or(""),
                    known.join("、")
                )
            },
            en: { format!("several publish targets; name one of: {}", known.join(", ")) };
        /// A bad `--to` address (the same check as site.toml's).
        BadAddress(e: crate::config::ConfigError) => e;
        /// Not a terminal, so no question can be asked, and no `--yes`.
        NeedsYes = "publish.needs-yes",
            zh: "现在不是在命令窗口里交互运行，没法询问是否确认发布。\
先用 gongkai publish --dry-run 看看会改动什么，确认无误后用 gongkai publish --yes 发布。",
            en: "not running in a terminal, so no confirmation can be asked: check with --dry-run, then pass --yes";
        /// A secret is needed, none is in the environment, and there is no terminal to ask.
        NoSecret { var: &'static str, what: &'static str } = "publish.no-secret",
            zh: "需要{what}，但环境变量 {var} 没有设置，现在又不能当场询问（不是在命令窗口里运行）。\
请先设置 {var}（Windows：set {var}=…；或在计划任务的环境里设置），再运行 gongkai publish。",
            en: "{what} needed: set {var} (no terminal to ask)";
        /// sftp:// without a user name.
        NoUser { target: String } = "publish.no-user",
            zh: "发布地址 {target} 里没有用户名：请写成 sftp://用户名@服务器地址/文件夹/",
            en: "{target} has no user name: write sftp://user@host/path/";
        /// The clerk answered no.
        Cancelled = "publish.cancelled",
            zh: "已取消，什么都没有上传。",
            en: "cancelled; nothing was uploaded";
        /// The output has no manifest.json (the build did not run?).
        NoLocalManifest(path: String) = "publish.no-manifest",
            zh: "找不到 {path}：请先运行 gongkai build，生成成功后再发布。",
            en: "{path} not found: run gongkai build first";
        /// `<site>/.gongkai/published.json` could not be written.
        LocalCopy(reason: String) = "publish.local-copy",
            zh: "网站已经发布成功，但无法在本机记下发布的内容（.gongkai/published.json：{reason}）。\
请检查网站文件夹是否可写，然后再运行一次 gongkai publish。",
            en: "published, but .gongkai/published.json could not be written ({reason}); run gongkai publish again";
    }
}

impl PublishError {
    /// The message for a failed remote operation, by the class of the failure.
    pub fn remote(target: String, host: String, err: RemoteError, attempts: u32) -> PublishError {
        let kind = err.kind;
        let f = Failed { target, host, err, attempts };
        match kind {
            Kind::Auth => PublishError::Auth(f),
            Kind::Unreachable => PublishError::Unreachable(f),
            Kind::Certificate => PublishError::Certificate(f),
            Kind::Quota => PublishError::Quota(f),
            Kind::NotWritable => PublishError::NotWritable(f),
            Kind::Timeout => PublishError::Timeout(f),
            Kind::Interrupted => PublishError::Interrupted(f),
            Kind::Other => PublishError::Remote(f),
        }
    }
}

/// At most ten paths, then a count.
fn list(paths: &[String]) -> String {
    let mut s: Vec<&str> = paths.iter().take(10).map(String::as_str).collect();
    let more;
    if paths.len() > 10 {
        more = format!("…（共 {} 个）", paths.len());
        s.push(&more);
    }
    s.join("、")
}
