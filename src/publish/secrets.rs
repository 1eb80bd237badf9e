//! Where a publish's secrets come from: environment variables, else a prompt on the terminal.
//! Never site.toml (the config check refuses them there).

use super::error::PublishError;
use super::target::Address;

/// The FTP/SFTP/WebDAV password.
pub const PASSWORD_VAR: &str = "GONGKAI_PUBLISH_PASSWORD";
/// The S3 access key pair (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` are read when unset).
pub const S3_KEY_ID_VAR: &str = "GONGKAI_S3_ACCESS_KEY_ID";
pub const S3_SECRET_VAR: &str = "GONGKAI_S3_SECRET_ACCESS_KEY";

/// The secrets a connection may use.
#[derive(Default, Clone)]
pub struct Secrets {
    pub password: Option<String>,
    pub s3_key_id: Option<String>,
    pub s3_secret: Option<String>,
}

// Keep secrets out of debug output.
impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

fn env(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
}

/// Gathers what `addr` needs; asks on the terminal when `interactive`.
pub fn gather(addr: &Address, interactive: bool) -> Result<Secrets, PublishError> {
    let mut s = Secrets::default();
    match addr {
        Address::Folder(_) => {}
        Address::Ftp { server, .. }
        | Address::WebDav { server, .. }
        | Address::Sftp { server, .. } => {
            // A server address without a user name logs in anonymously (FTP) or not at all.
            if let Some(user) = &server.user {
                // SFTP logs in with a key or the SSH agent when there is one: no question then.
                let sftp_key = match addr {
                    Address::Sftp { key, .. } => {
                        !super::remote::sftp::key_files(key.as_ref()).is_empty()
                            || std::env::var_os("SSH_AUTH_SOCK").is_some()
                    }
                    _ => false,
                };
                s.password = match env(&[PASSWORD_VAR]) {
                    Some(p) => Some(p),
                    None if sftp_key => None,
                    None if interactive => Some(prompt(&format!(
                        "请输入 {user}@{} 的密码（输入时不显示）：",
                        server.host
                    ))?),
                    // Without a terminal SFTP still tries the key files and fails clearly.
                    None if matches!(addr, Address::Sftp { .. }) => None,
                    None => {
                        return Err(PublishError::NoSecret {
                            var: PASSWORD_VAR, what: "登录密码"
                        });
                    }
                };
            }
        }
        Address::S3 { .. } => {
            s.s3_key_id = match env(&[S3_KEY_ID_VAR, "AWS_ACCESS_KEY_ID"]) {
                Some(k) => Some(k),
                None if interactive => Some(prompt_plain("请输入 S3 的 AccessKey ID：")?),
                None => {
                    return Err(PublishError::NoSecret {
                        var: S3_KEY_ID_VAR,
                        what: "S3 的 AccessKey ID",
                    });
                }
            };
            s.s3_secret = match env(&[S3_SECRET_VAR, "AWS_SECRET_ACCESS_KEY"]) {
                Some(k) => Some(k),
                None if interactive => {
                    Some(prompt("请输入 S3 的 AccessKey Secret（输入时不显示）：")?)
                }
                None => {
                    return Err(PublishError::NoSecret {
                        var: S3_SECRET_VAR,
                        what: "S3 的 AccessKey Secret",
                    });
                }
            };
        }
    }
    Ok(s)
}

fn prompt(text: &str) -> Result<String, PublishError> {
    rpassword::prompt_password(text).map_err(|_| PublishError::Cancelled)
}

fn prompt_plain(text: &str) -> Result<String, PublishError> {
    use std::io::Write;
    eprint!("{text}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|_| PublishError::Cancelled)?;
    Ok(line.trim().to_string())
}
