//! One trait over every way a site reaches a server, and the retrying wrapper around it.
//!
//! Each transport writes a file so that a visitor sees the old or the new content, never a part:
//! upload to a temporary name beside it, then rename over it (FTP, SFTP, WebDAV, folders); S3
//! replaces an object atomically by itself.

mod ftp;
mod http;
mod local;
mod s3;
pub mod sftp;
mod webdav;

use super::error::RemoteError;
use super::secrets::Secrets;
use super::target::Address;
use std::time::Duration;

/// The operations a publish needs, on paths relative to the target's base folder (`a/b.html`).
pub trait Remote {
    /// The file's bytes, or `None` if there is no such file.
    fn get(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError>;
    fn exists(&mut self, path: &str) -> Result<bool, RemoteError>;
    /// Writes the whole file, replacing any old one in one step where the protocol allows.
    fn put(&mut self, path: &str, data: &[u8]) -> Result<(), RemoteError>;
    /// Removes the file; a file already gone is fine.
    fn delete(&mut self, path: &str) -> Result<(), RemoteError>;
}

/// Network settings shared by every transport.
#[derive(Debug, Clone, Copy)]
pub struct NetConfig {
    /// Limit on every single network call (connect, read, write).
    pub timeout: Duration,
    /// Tries of one operation before giving up on a transient error.
    pub attempts: u32,
    /// Wait before the first retry; doubled for each next one.
    pub backoff: Duration,
}

impl NetConfig {
    /// 30 s per call and 4 tries; `GONGKAI_PUBLISH_TIMEOUT` (seconds) changes the time-out.
    pub fn from_env() -> NetConfig {
        let timeout = std::env::var("GONGKAI_PUBLISH_TIMEOUT")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(Duration::from_secs(30));
        NetConfig { timeout, attempts: 4, backoff: Duration::from_millis(500) }
    }
}

/// Opens a connection to `addr`.
pub fn connect(
    addr: &Address,
    secrets: &Secrets,
    net: &NetConfig,
) -> Result<Box<dyn Remote>, RemoteError> {
    Ok(match addr {
        Address::Folder(p) => Box::new(local::Folder::new(p.clone())),
        Address::Ftp { tls, server } => Box::new(ftp::Ftp::connect(*tls, server, secrets, net)?),
        Address::WebDav { tls, server } => {
            Box::new(webdav::WebDav::connect(*tls, server, secrets, net)?)
        }
        Address::S3 { bucket, prefix, endpoint, region } => {
            Box::new(s3::S3::connect(bucket, prefix, endpoint, region, secrets, net)?)
        }
        Address::Sftp { server, key } => {
            Box::new(sftp::Sftp::connect(server, key.as_ref(), secrets, net)?)
        }
    })
}

/// A connection that reconnects and retries, with growing waits, on transient errors.
pub struct Retrying<'a> {
    addr: &'a Address,
    secrets: &'a Secrets,
    net: NetConfig,
    conn: Option<Box<dyn Remote>>,
    /// Attempts used by the last failed operation, for the message.
    pub last_attempts: u32,
}

impl<'a> Retrying<'a> {
    /// Connects once (with retries), so a wrong password shows before anything is planned.
    pub fn open(
        addr: &'a Address,
        secrets: &'a Secrets,
        net: NetConfig,
    ) -> Result<Retrying<'a>, RemoteError> {
        let mut r = Retrying { addr, secrets, net, conn: None, last_attempts: 0 };
        r.run(|_| Ok(()))?;
        Ok(r)
    }

    /// Runs `op` on a live connection, retrying transient failures.
    pub fn run<T>(
        &mut self,
        mut op: impl FnMut(&mut dyn Remote) -> Result<T, RemoteError>,
    ) -> Result<T, RemoteError> {
        let mut wait = self.net.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match self.conn.as_mut() {
                Some(c) => op(c.as_mut()),
                None => match connect(self.addr, self.secrets, &self.net) {
                    Ok(c) => {
                        let c = self.conn.insert(c);
                        op(c.as_mut())
                    }
                    Err(e) => Err(e),
                },
            };
            match result {
                Ok(v) => return Ok(v),
                Err(e) if e.transient() && attempt < self.net.attempts => {
                    self.conn = None;
                    std::thread::sleep(wait);
                    wait *= 2;
                }
                Err(e) => {
                    self.last_attempts = attempt;
                    self.conn = None;
                    return Err(e);
                }
            }
        }
    }
}

/// `dir/.name.gongkai-tmp`: the temporary name a file is uploaded under before the rename.
pub(crate) fn temp_name(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/.{name}.gongkai-tmp"),
        None => format!(".{path}.gongkai-tmp"),
    }
}

/// The parent folders of `path`, outermost first (`a/b/c.html` → `a`, `a/b`).
pub(crate) fn parents(path: &str) -> Vec<&str> {
    path.match_indices('/').map(|(i, _)| &path[..i]).filter(|p| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_and_parents() {
        assert_eq!(temp_name("a/b/c.html"), "a/b/.c.html.gongkai-tmp");
        assert_eq!(temp_name("index.html"), ".index.html.gongkai-tmp");
        assert_eq!(parents("a/b/c.html"), ["a", "a/b"]);
        assert!(parents("c.html").is_empty());
    }
}
