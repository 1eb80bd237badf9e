//! SFTP over SSH with russh and russh-sftp (pure Rust, so it builds for Windows too).
//!
//! Login: the SSH key named in site.toml (`ssh_key`) or `GONGKAI_PUBLISH_SSH_KEY`, else the usual
//! keys in `~/.ssh`, else the SSH agent (Unix), else the password. The server's host key is
//! checked against `~/.ssh/known_hosts`: a changed key is refused, a first contact is recorded
//! there (as OpenSSH's `accept-new`). A page is replaced in one step with OpenSSH's
//! `posix-rename@openssh.com`; servers without it get remove-then-rename.

use super::{NetConfig, Remote, parents, temp_name};
use crate::publish::error::{Kind, RemoteError};
use crate::publish::secrets::Secrets;
use crate::publish::target::Server;
use russh::client::{self, Handle};
use russh::keys::{PrivateKeyWithHashAlg, PublicKey};
use russh_sftp::client::{RawSftpSession, SftpSession, error::Error as SftpError};
use russh_sftp::protocol::{Packet, StatusCode};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// The SSH key file to try first (`GONGKAI_PUBLISH_SSH_KEY`).
pub const SSH_KEY_VAR: &str = "GONGKAI_PUBLISH_SSH_KEY";
/// The passphrase of an encrypted key.
pub const KEY_PASSPHRASE_VAR: &str = "GONGKAI_PUBLISH_KEY_PASSPHRASE";

pub struct Sftp {
    rt: tokio::runtime::Runtime,
    _handle: Handle<Client>,
    sftp: SftpSession,
    /// A second SFTP channel for the extension request the high-level session does not offer.
    raw: Option<RawSftpSession>,
    base: String,
    made: HashSet<String>,
    timeout: Duration,
}

pub struct Client {
    host: String,
    port: u16,
    /// Set when the host key differs from the recorded one.
    changed: Arc<Mutex<Option<String>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            return Ok(false);
        };
        Ok(check_host_key(&self.host, self.port, key, &self.changed))
    }
}

fn check_host_key(host: &str, port: u16, key: &PublicKey, changed: &Mutex<Option<String>>) -> bool {
    match russh::keys::check_known_hosts(host, port, key) {
        Ok(true) => true,
        Err(russh::keys::Error::KeyChanged { line }) => {
            if let Ok(mut c) = changed.lock() {
                *c = Some(format!(
                    "服务器的 SSH 身份（主机密钥）和 ~/.ssh/known_hosts 第 {line} 行记下的不一样 / host key changed"
                ));
            }
            false
        }
        // First contact (or no known_hosts yet): record it, as `ssh` with accept-new does.
        _ => {
            let _ = russh::keys::known_hosts::learn_known_hosts(host, port, key);
            true
        }
    }
}

fn ssh_err(e: russh::Error) -> RemoteError {
    match e {
        russh::Error::IO(io) => RemoteError::io(&io),
        russh::Error::ConnectionTimeout | russh::Error::KeepaliveTimeout => {
            RemoteError::new(Kind::Timeout, e.to_string())
        }
        other => RemoteError::new(Kind::Interrupted, other.to_string()),
    }
}

fn sftp_err(e: SftpError) -> RemoteError {
    match &e {
        SftpError::Status(s) => {
            let kind = match s.status_code {
                StatusCode::PermissionDenied | StatusCode::NoSuchFile => Kind::NotWritable,
                StatusCode::NoConnection | StatusCode::ConnectionLost => Kind::Interrupted,
                _ => {
                    // OpenSSH sends a generic failure for a full disk; its text says so.
                    let m = s.error_message.to_lowercase();
                    if m.contains("space") || m.contains("quota") {
                        Kind::Quota
                    } else {
                        Kind::Other
                    }
                }
            };
            RemoteError::new(kind, e.to_string())
        }
        SftpError::Timeout => RemoteError::new(Kind::Timeout, e.to_string()),
        _ => RemoteError::new(Kind::Interrupted, e.to_string()),
    }
}

fn no_such_file(e: &SftpError) -> bool {
    matches!(e, SftpError::Status(s) if s.status_code == StatusCode::NoSuchFile)
}

/// Key files to try: the named one, else the usual ones in `~/.ssh`.
pub fn key_files(named: Option<&PathBuf>) -> Vec<PathBuf> {
    if let Some(p) = named {
        return vec![p.clone()];
    }
    if let Some(p) = std::env::var_os(SSH_KEY_VAR).filter(|v| !v.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    let Some(home) = home else { return Vec::new() };
    let ssh = PathBuf::from(home).join(".ssh");
    ["id_ed25519", "id_ecdsa", "id_rsa"]
        .iter()
        .map(|n| ssh.join(n))
        .filter(|p| p.is_file())
        .collect()
}

impl Sftp {
    pub fn connect(
        server: &Server,
        key: Option<&PathBuf>,
        secrets: &Secrets,
        net: &NetConfig,
    ) -> Result<Sftp, RemoteError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| RemoteError::io(&e))?;
        let timeout = net.timeout;
        let user = server.user.clone().unwrap_or_default();
        let changed = Arc::new(Mutex::new(None));
        let handler =
            Client { host: server.host.clone(), port: server.port, changed: changed.clone() };
        let config = Arc::new(client::Config {
            inactivity_timeout: Some(timeout * 2),
            ..Default::default()
        });
        let authority = server.authority();
        let limit =
            |d: Duration| move |_| RemoteError::new(Kind::Timeout, format!("{} s", d.as_secs()));
        let handle = rt.block_on(async {
            tokio::time::timeout(timeout, client::connect(config, authority.as_str(), handler))
                .await
                .map_err(limit(timeout))?
                .map_err(ssh_err)
        });
        // A refused host key ends the connection with a generic error: say why instead.
        if let Ok(Some(why)) = changed.lock().map(|c| c.clone()) {
            return Err(RemoteError::new(Kind::Certificate, why));
        }
        let mut handle = handle?;
        let authed = rt.block_on(async {
            let rsa_hash = handle.best_supported_rsa_hash().await.ok().flatten().flatten();
            for path in key_files(key) {
                let pass = std::env::var(KEY_PASSPHRASE_VAR).ok();
                // An unreadable or encrypted key without its passphrase is skipped.
                let Ok(k) = russh::keys::load_secret_key(&path, pass.as_deref()) else { continue };
                let k = PrivateKeyWithHashAlg::new(Arc::new(k), rsa_hash);
                let r = tokio::time::timeout(timeout, handle.authenticate_publickey(&user, k))
                    .await
                    .map_err(limit(timeout))?
                    .map_err(ssh_err)?;
                if r.success() {
                    return Ok(true);
                }
            }
            #[cfg(unix)]
            if let Ok(mut agent) = russh::keys::agent::client::AgentClient::connect_env().await
                && let Ok(ids) = agent.request_identities().await
            {
                for id in ids {
                    let public = id.public_key().into_owned();
                    if let Ok(r) = handle
                        .authenticate_publickey_with(&user, public, rsa_hash, &mut agent)
                        .await
                        && r.success()
                    {
                        return Ok(true);
                    }
                }
            }
            if let Some(pw) = &secrets.password {
                let r = tokio::time::timeout(timeout, handle.authenticate_password(&user, pw))
                    .await
                    .map_err(limit(timeout))?
                    .map_err(ssh_err)?;
                return Ok(r.success());
            }
            Ok::<bool, RemoteError>(false)
        })?;
        if !authed {
            return Err(RemoteError::new(
                Kind::Auth,
                format!("用户 {user} 的 SSH 密钥和密码都没有被接受 / no key or password accepted"),
            ));
        }
        let (sftp, raw) = rt.block_on(async {
            let open = || async {
                let ch = handle.channel_open_session().await.map_err(ssh_err)?;
                ch.request_subsystem(true, "sftp").await.map_err(ssh_err)?;
                Ok::<_, RemoteError>(ch.into_stream())
            };
            let sftp = tokio::time::timeout(timeout, async {
                SftpSession::new(open().await?).await.map_err(sftp_err)
            })
            .await
            .map_err(limit(timeout))??;
            sftp.set_timeout(timeout.as_secs().max(1));
            let raw = tokio::time::timeout(timeout, async {
                let raw = RawSftpSession::new(open().await?);
                raw.set_timeout(timeout.as_secs().max(1));
                let v = raw.init().await.map_err(sftp_err)?;
                Ok::<_, RemoteError>(
                    v.extensions.contains_key("posix-rename@openssh.com").then_some(raw),
                )
            })
            .await
            .ok()
            .and_then(Result::ok)
            .flatten();
            Ok::<_, RemoteError>((sftp, raw))
        })?;
        Ok(Sftp {
            rt,
            _handle: handle,
            sftp,
            raw,
            base: server.path.clone(),
            made: HashSet::new(),
            timeout,
        })
    }

    fn full(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs `fut` with the time-out on this connection's runtime.
    fn run<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, RemoteError>>,
    ) -> Result<T, RemoteError> {
        let t = self.timeout * 4;
        self.rt.block_on(async {
            tokio::time::timeout(t, fut)
                .await
                .map_err(|_| RemoteError::new(Kind::Timeout, format!("{} s", t.as_secs())))?
        })
    }
}

/// An SSH string: u32 big-endian length, then the bytes.
fn ssh_string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

impl Remote for Sftp {
    fn get(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        let full = self.full(path);
        let sftp = &self.sftp;
        self.run(async {
            match sftp.read(full).await {
                Ok(b) => Ok(Some(b)),
                Err(e) if no_such_file(&e) => Ok(None),
                Err(e) => Err(sftp_err(e).at(path)),
            }
        })
    }

    fn exists(&mut self, path: &str) -> Result<bool, RemoteError> {
        let full = self.full(path);
        let sftp = &self.sftp;
        self.run(async { sftp.try_exists(full).await.map_err(|e| sftp_err(e).at(path)) })
    }

    fn put(&mut self, path: &str, data: &[u8]) -> Result<(), RemoteError> {
        let dirs: Vec<String> = parents(path)
            .into_iter()
            .filter(|d| !self.made.contains(*d))
            .map(str::to_string)
            .collect();
        let tmp = self.full(&temp_name(path));
        let dest = self.full(path);
        let base = self.base.clone();
        let (sftp, raw) = (&self.sftp, self.raw.as_ref());
        self.run(async {
            for d in &dirs {
                // An existing folder fails here; a real refusal shows at the upload.
                let _ = sftp.create_dir(format!("{base}{d}")).await;
            }
            let mut f = sftp.create(tmp.clone()).await.map_err(|e| sftp_err(e).at(path))?;
            f.write_all(data).await.map_err(|e| RemoteError::io(&e).at(path))?;
            f.shutdown().await.map_err(|e| RemoteError::io(&e).at(path))?;
            drop(f);
            if let Some(raw) = raw {
                let mut req = Vec::new();
                ssh_string(&mut req, &tmp);
                ssh_string(&mut req, &dest);
                match raw.extended("posix-rename@openssh.com", req).await {
                    Ok(Packet::Status(s)) if s.status_code == StatusCode::Ok => return Ok(()),
                    Ok(Packet::Status(s)) => {
                        return Err(sftp_err(SftpError::Status(s)).at(path));
                    }
                    Ok(_) => {}
                    Err(e) => return Err(sftp_err(e).at(path)),
                }
            }
            let _ = sftp.remove_file(dest.clone()).await;
            sftp.rename(tmp, dest).await.map_err(|e| sftp_err(e).at(path))
        })?;
        self.made.extend(dirs);
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<(), RemoteError> {
        let full = self.full(path);
        let sftp = &self.sftp;
        self.run(async {
            match sftp.remove_file(full).await {
                Ok(()) => Ok(()),
                Err(e) if no_such_file(&e) => Ok(()),
                Err(e) => Err(sftp_err(e).at(path)),
            }
        })
    }
}
