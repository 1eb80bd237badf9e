//! A publish address (`sftp://user@host/path/`, `s3://bucket/prefix`, a folder) taken apart.

use crate::config::PublishTarget;
use std::path::{Path, PathBuf};

/// Which protocol, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Folder(PathBuf),
    Ftp {
        tls: bool,
        server: Server,
    },
    /// `key`: the SSH key file from site.toml's `ssh_key`, if any.
    Sftp {
        server: Server,
        key: Option<PathBuf>,
    },
    WebDav {
        tls: bool,
        server: Server,
    },
    S3 {
        bucket: String,
        prefix: String,
        endpoint: String,
        region: String,
    },
}

/// Host, port, user and base folder of a server address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    /// The base folder, always starting and ending with `/`.
    pub path: String,
}

impl Server {
    /// `host:port`, with brackets for IPv6.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl Address {
    /// Parses `target.url` (already checked by the config, or by [`crate::config::publish_url_problem`]
    /// for `--to`); a relative folder is taken from the site folder.
    pub fn parse(target: &PublishTarget, site: &Path) -> Result<Address, String> {
        let url = target.url.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            let p = PathBuf::from(url);
            return Ok(Address::Folder(if p.is_absolute() { p } else { site.join(p) }));
        };
        let scheme = scheme.to_ascii_lowercase();
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let path = percent_decode(path);
        if scheme == "s3" {
            let bucket = authority.to_string();
            if bucket.is_empty() {
                return Err(url.to_string());
            }
            let prefix = path.trim_matches('/').to_string();
            let region = target.region.clone().unwrap_or_else(|| "us-east-1".into());
            let endpoint = match &target.endpoint {
                Some(e) => e.trim_end_matches('/').to_string(),
                None => format!("https://s3.{region}.amazonaws.com"),
            };
            return Ok(Address::S3 { bucket, prefix, endpoint, region });
        }
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(percent_decode(u)), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport).ok_or_else(|| url.to_string())?;
        let default_port = match scheme.as_str() {
            "ftp" | "ftps" => 21,
            "sftp" => 22,
            "webdav" => 80,
            _ => 443,
        };
        let mut base = path.clone();
        if !base.ends_with('/') {
            base.push('/');
        }
        let server = Server { host, port: port.unwrap_or(default_port), user, path: base };
        Ok(match scheme.as_str() {
            "ftp" => Address::Ftp { tls: false, server },
            "ftps" => Address::Ftp { tls: true, server },
            "sftp" => Address::Sftp {
                server,
                key: target.ssh_key.as_ref().map(|k| {
                    let p = PathBuf::from(k);
                    if p.is_absolute() { p } else { site.join(p) }
                }),
            },
            "webdav" => Address::WebDav { tls: false, server },
            "webdavs" => Address::WebDav { tls: true, server },
            _ => return Err(url.to_string()),
        })
    }

    /// The host name for messages.
    pub fn host(&self) -> String {
        match self {
            Address::Folder(p) => p.display().to_string(),
            Address::Ftp { server, .. }
            | Address::Sftp { server, .. }
            | Address::WebDav { server, .. } => server.host.clone(),
            Address::S3 { endpoint, .. } => endpoint.clone(),
        }
    }
}

fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((h.to_string(), port));
    }
    let (h, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse().ok()?)),
        None => (s, None),
    };
    if h.is_empty() {
        return None;
    }
    Some((h.to_string(), port))
}

/// `%E5%85%AC` → `公`; invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hexval(b[i + 1]), hexval(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hexval(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encodes a path for a URL, keeping `/` and the unreserved characters (RFC 3986).
pub fn percent_encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Address {
        Address::parse(&PublishTarget::from_url(url), Path::new("/site")).unwrap()
    }

    #[test]
    fn server_addresses() {
        assert_eq!(
            parse("sftp://qingshi@www.example.org/var/www/qingshi"),
            Address::Sftp {
                server: Server {
                    host: "www.example.org".into(),
                    port: 22,
                    user: Some("qingshi".into()),
                    path: "/var/www/qingshi/".into()
                },
                key: None
            }
        );
        let Address::Ftp { tls: true, server } = parse("ftps://u%40x@[::1]:2121") else { panic!() };
        assert_eq!((server.host.as_str(), server.port, server.path.as_str()), ("::1", 2121, "/"));
        assert_eq!(server.user.as_deref(), Some("u@x"));
        assert_eq!(server.authority(), "[::1]:2121");
    }

    #[test]
    fn s3_and_folder() {
        let mut t = PublishTarget::from_url("s3://board/qingshi/");
        t.endpoint = Some("http://127.0.0.1:9000/".into());
        assert_eq!(
            Address::parse(&t, Path::new("/site")).unwrap(),
            Address::S3 {
                bucket: "board".into(),
                prefix: "qingshi".into(),
                endpoint: "http://127.0.0.1:9000".into(),
                region: "us-east-1".into()
            }
        );
        assert_eq!(parse("out/usb"), Address::Folder(PathBuf::from("/site/out/usb")));
        assert_eq!(percent_encode_path("/a b/公.html"), "/a%20b/%E5%85%AC.html");
        assert_eq!(percent_decode("/%E5%85%AC/%zz"), "/公/%zz");
    }
}
