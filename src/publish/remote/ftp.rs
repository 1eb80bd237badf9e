//! FTP and FTPS (explicit TLS, `AUTH TLS`) through suppaftp, passive mode.

use super::{NetConfig, Remote, parents, temp_name};
use crate::publish::error::{Kind, RemoteError};
use crate::publish::secrets::Secrets;
use crate::publish::target::Server;
use std::collections::HashSet;
use std::io::Cursor;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;
use suppaftp::types::FileType;
use suppaftp::{FtpError, RustlsConnector, RustlsFtpStream, Status};

pub struct Ftp {
    stream: RustlsFtpStream,
    base: String,
    made: HashSet<String>,
}

/// Connects with `timeout` and puts it on reads and writes too.
fn tcp(addr: std::net::SocketAddr, timeout: Duration) -> std::io::Result<TcpStream> {
    let s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    Ok(s)
}

impl Ftp {
    pub fn connect(
        tls: bool,
        server: &Server,
        secrets: &Secrets,
        net: &NetConfig,
    ) -> Result<Ftp, RemoteError> {
        let addr = server
            .authority()
            .to_socket_addrs()
            .map_err(|e| RemoteError::new(Kind::Unreachable, e.to_string()))?
            .next()
            .ok_or_else(|| RemoteError::new(Kind::Unreachable, "host name not found"))?;
        let sock = tcp(addr, net.timeout).map_err(|e| RemoteError::io(&e))?;
        let timeout = net.timeout;
        let mut stream = RustlsFtpStream::connect_with_stream(sock)
            .map_err(map)?
            .passive_stream_builder(move |a| tcp(a, timeout).map_err(FtpError::ConnectionError));
        if tls {
            let config = crate::publish::remote::http::tls_config();
            stream =
                stream.into_secure(RustlsConnector::from(config), &server.host).map_err(map)?;
        }
        let (user, pass) = match &server.user {
            Some(u) => (u.clone(), secrets.password.clone().unwrap_or_default()),
            None => ("anonymous".to_string(), "anonymous@".to_string()),
        };
        stream.login(user.as_str(), pass.as_str()).map_err(|e| {
            let mut e = map(e);
            if matches!(e.kind, Kind::Other | Kind::NotWritable) {
                e.kind = Kind::Auth;
            }
            e
        })?;
        stream.transfer_type(FileType::Binary).map_err(map)?;
        Ok(Ftp { stream, base: server.path.clone(), made: HashSet::new() })
    }

    fn full(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn mkdirs(&mut self, path: &str) {
        for dir in parents(path) {
            if self.made.insert(dir.to_string()) {
                // An existing folder answers 550; a real refusal shows at the upload.
                let full = self.full(dir);
                let _ = self.stream.mkdir(full);
            }
        }
    }
}

fn status(e: &FtpError) -> Option<u32> {
    match e {
        FtpError::UnexpectedResponse(r) => Some(r.status.code()),
        _ => None,
    }
}

fn map(e: FtpError) -> RemoteError {
    match &e {
        FtpError::ConnectionError(io) => RemoteError::io(io),
        FtpError::SecureError(s) => {
            let kind = if s.to_lowercase().contains("certificate") || s.contains("UnknownIssuer") {
                Kind::Certificate
            } else {
                Kind::Other
            };
            RemoteError::new(kind, s.clone())
        }
        FtpError::UnexpectedResponse(r) => {
            let text = String::from_utf8_lossy(&r.body).trim().to_string();
            let kind = match r.status {
                Status::NotLoggedIn => Kind::Auth,
                Status::ExceededStorage | Status::RequestedActionNotTaken => Kind::Quota,
                Status::FileUnavailable | Status::BadFilename | Status::PageTypeUnknown => {
                    Kind::NotWritable
                }
                Status::NotAvailable
                | Status::CannotOpenDataConnection
                | Status::TransferAborted => Kind::Interrupted,
                _ => Kind::Other,
            };
            RemoteError::new(kind, text)
        }
        _ => RemoteError::new(Kind::Interrupted, e.to_string()),
    }
}

impl Remote for Ftp {
    fn get(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        let full = self.full(path);
        match self.stream.retr_as_buffer(&full) {
            Ok(c) => Ok(Some(c.into_inner())),
            Err(e) if status(&e) == Some(550) => Ok(None),
            Err(e) => Err(map(e).at(path)),
        }
    }

    fn exists(&mut self, path: &str) -> Result<bool, RemoteError> {
        let full = self.full(path);
        match self.stream.size(&full) {
            Ok(_) => Ok(true),
            Err(e) if status(&e) == Some(550) => Ok(false),
            Err(e) => Err(map(e).at(path)),
        }
    }

    fn put(&mut self, path: &str, data: &[u8]) -> Result<(), RemoteError> {
        self.mkdirs(path);
        let tmp = self.full(&temp_name(path));
        let dest = self.full(path);
        self.stream.put_file(&tmp, &mut Cursor::new(data)).map_err(|e| map(e).at(path))?;
        if let Err(e) = self.stream.rename(&tmp, &dest) {
            // Some servers (IIS) refuse to rename onto an existing file: remove it first.
            if status(&e) == Some(550) || status(&e) == Some(553) {
                let _ = self.stream.rm(&dest);
                self.stream.rename(&tmp, &dest).map_err(|e| map(e).at(path))?;
            } else {
                return Err(map(e).at(path));
            }
        }
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<(), RemoteError> {
        let full = self.full(path);
        match self.stream.rm(&full) {
            Ok(()) => Ok(()),
            Err(e) if status(&e) == Some(550) => Ok(()),
            Err(e) => Err(map(e).at(path)),
        }
    }
}

impl Drop for Ftp {
    fn drop(&mut self) {
        let _ = self.stream.quit();
    }
}
