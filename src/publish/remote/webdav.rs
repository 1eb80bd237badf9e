//! WebDAV (RFC 4918): PUT to a temporary name, then MOVE over the page with `Overwrite: T`.

use super::http::{agent, base64, body, content_type, map_error, status_error};
use super::{NetConfig, Remote, parents, temp_name};
use crate::publish::error::RemoteError;
use crate::publish::secrets::Secrets;
use crate::publish::target::{Server, percent_encode_path};
use std::collections::HashSet;
use ureq::http::{Method, Request};

pub struct WebDav {
    agent: ureq::Agent,
    /// `http://host:port/base/`, percent-encoded.
    base: String,
    auth: Option<String>,
    made: HashSet<String>,
}

impl WebDav {
    pub fn connect(
        tls: bool,
        server: &Server,
        secrets: &Secrets,
        net: &NetConfig,
    ) -> Result<WebDav, RemoteError> {
        let scheme = if tls { "https" } else { "http" };
        let base =
            format!("{scheme}://{}{}", server.authority(), percent_encode_path(&server.path));
        let auth = server.user.as_ref().map(|u| {
            let pw = secrets.password.clone().unwrap_or_default();
            format!("Basic {}", base64(format!("{u}:{pw}").as_bytes()))
        });
        let dav = WebDav { agent: agent(net), base, auth, made: HashSet::new() };
        // Checks the address and the password before anything is planned.
        dav.call("PROPFIND", "", &[("Depth", "0")], Vec::new())?;
        Ok(dav)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, percent_encode_path(path))
    }

    /// Sends one request; returns the status and body of a 2xx or 404 answer.
    fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        data: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), RemoteError> {
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|e| RemoteError::new(crate::publish::error::Kind::Other, e.to_string()))?;
        let mut req = Request::builder().method(method).uri(self.url(path));
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(data)
            .map_err(|e| RemoteError::new(crate::publish::error::Kind::Other, e.to_string()))?;
        let resp = self.agent.run(req).map_err(|e| map_error(e).at(path))?;
        let status = resp.status().as_u16();
        let bytes = body(resp).map_err(|e| e.at(path))?;
        if (200..300).contains(&status) || status == 404 {
            Ok((status, bytes))
        } else {
            Err(status_error(status, &bytes).at(path))
        }
    }
}

impl Remote for WebDav {
    fn get(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        let (status, bytes) = self.call("GET", path, &[], Vec::new())?;
        Ok((status != 404).then_some(bytes))
    }

    fn exists(&mut self, path: &str) -> Result<bool, RemoteError> {
        Ok(self.call("HEAD", path, &[], Vec::new())?.0 != 404)
    }

    fn put(&mut self, path: &str, data: &[u8]) -> Result<(), RemoteError> {
        for dir in parents(path) {
            if !self.made.contains(dir) {
                // 405 means the folder is there already.
                match self.call("MKCOL", &format!("{dir}/"), &[], Vec::new()) {
                    Ok(_) => {}
                    Err(e) if e.detail.starts_with("HTTP 405") => {}
                    Err(e) => return Err(e),
                }
                self.made.insert(dir.to_string());
            }
        }
        let tmp = temp_name(path);
        self.call("PUT", &tmp, &[("Content-Type", content_type(path))], data.to_vec())?;
        let dest = self.url(path);
        self.call("MOVE", &tmp, &[("Destination", &dest), ("Overwrite", "T")], Vec::new())
            .map_err(|e| e.at(path))?;
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<(), RemoteError> {
        self.call("DELETE", path, &[], Vec::new()).map(|_| ())
    }
}
