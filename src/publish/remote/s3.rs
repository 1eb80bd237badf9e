//! S3-compatible object storage (AWS, Aliyun OSS, Tencent COS, MinIO) with AWS Signature V4.
//! A PUT replaces an object in one step, so no temporary name is needed.
//!
//! Addressing: path style (`endpoint/bucket/key`) for an IP address or `localhost` (MinIO and
//! test servers), virtual-hosted (`bucket.endpoint/key`) otherwise, which OSS and COS require.

use super::http::{agent, body, content_type, map_error, status_error};
use super::{NetConfig, Remote};
use crate::manifest::sha256_hex;
use crate::publish::error::{Kind, RemoteError};
use crate::publish::secrets::Secrets;
use crate::publish::target::percent_encode_path;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use ureq::http::{Method, Request};

pub struct S3 {
    agent: ureq::Agent,
    /// `http(s)://host[:port]`
    origin: String,
    host: String,
    /// `/bucket/prefix/` (path style) or `/prefix/`, percent-encoded.
    key_base: String,
    prefix: String,
    region: String,
    key_id: String,
    secret: String,
}

impl S3 {
    pub fn connect(
        bucket: &str,
        prefix: &str,
        endpoint: &str,
        region: &str,
        secrets: &Secrets,
        net: &NetConfig,
    ) -> Result<S3, RemoteError> {
        let (scheme, host) = endpoint.split_once("://").unwrap_or(("https", endpoint));
        let host = host.trim_end_matches('/');
        let bare = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
        let path_style = bare == "localhost"
            || bare.parse::<std::net::IpAddr>().is_ok()
            || bare.trim_matches(['[', ']']).parse::<std::net::Ipv6Addr>().is_ok();
        let (host, key_base) = if path_style {
            (host.to_string(), format!("/{bucket}/"))
        } else {
            (format!("{bucket}.{host}"), "/".to_string())
        };
        let prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
        let s3 = S3 {
            agent: agent(net),
            origin: format!("{scheme}://{host}"),
            host,
            key_base,
            prefix,
            region: region.to_string(),
            key_id: secrets.s3_key_id.clone().unwrap_or_default(),
            secret: secrets.s3_secret.clone().unwrap_or_default(),
        };
        // Checks keys and bucket: HEAD of the manifest answers 200 or 404, else 403.
        s3.call("HEAD", crate::manifest::MANIFEST_PATH, Vec::new())?;
        Ok(s3)
    }

    fn call(&self, method: &str, path: &str, data: Vec<u8>) -> Result<(u16, Vec<u8>), RemoteError> {
        let uri_path = percent_encode_path(&format!("{}{}{path}", self.key_base, self.prefix));
        let payload = sha256_hex(&data);
        let now = jiff::Timestamp::now();
        let amz_date = now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let day = &amz_date[..8];
        let canonical = format!(
            "{method}\n{uri_path}\n\nhost:{}\nx-amz-content-sha256:{payload}\nx-amz-date:{amz_date}\n\nhost;x-amz-content-sha256;x-amz-date\n{payload}",
            self.host
        );
        let scope = format!("{day}/{}/s3/aws4_request", self.region);
        let to_sign =
            format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", sha256_hex(canonical.as_bytes()));
        let mut key = hmac(format!("AWS4{}", self.secret).as_bytes(), day.as_bytes());
        for part in [self.region.as_bytes(), b"s3", b"aws4_request"] {
            key = hmac(&key, part);
        }
        let signature: String =
            hmac(&key, to_sign.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}",
            self.key_id
        );
        let method_v = Method::from_bytes(method.as_bytes())
            .map_err(|e| RemoteError::new(Kind::Other, e.to_string()))?;
        let req = Request::builder()
            .method(method_v)
            .uri(format!("{}{uri_path}", self.origin))
            .header("x-amz-date", &amz_date)
            .header("x-amz-content-sha256", &payload)
            .header("Authorization", auth)
            .header("Content-Type", content_type(path))
            .body(data)
            .map_err(|e| RemoteError::new(Kind::Other, e.to_string()))?;
        let resp = self.agent.run(req).map_err(|e| map_error(e).at(path))?;
        let status = resp.status().as_u16();
        let bytes = body(resp).map_err(|e| e.at(path))?;
        if (200..300).contains(&status) || status == 404 {
            Ok((status, bytes))
        } else if method == "HEAD" && status == 403 {
            // A HEAD answer has no body to tell a wrong key from a refused bucket.
            Err(RemoteError::new(Kind::Auth, format!("HTTP {status}")).at(path))
        } else {
            Err(status_error(status, &bytes).at(path))
        }
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else { return Vec::new() };
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

impl Remote for S3 {
    fn get(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        let (status, bytes) = self.call("GET", path, Vec::new())?;
        Ok((status != 404).then_some(bytes))
    }

    fn exists(&mut self, path: &str) -> Result<bool, RemoteError> {
        Ok(self.call("HEAD", path, Vec::new())?.0 != 404)
    }

    fn put(&mut self, path: &str, data: &[u8]) -> Result<(), RemoteError> {
        self.call("PUT", path, data.to_vec()).map(|_| ())
    }

    fn delete(&mut self, path: &str) -> Result<(), RemoteError> {
        self.call("DELETE", path, Vec::new()).map(|_| ())
    }
}
