//! What WebDAV and S3 share: one HTTP client (ureq on rustls with ring, time-outs on every call)
//! and the mapping of HTTP failures to what a clerk is told.

use super::NetConfig;
use crate::publish::error::{Kind, RemoteError};
use std::sync::Arc;

/// TLS with the Mozilla root certificates built in (no system store needed; same on Windows).
pub fn tls_config() -> Arc<rustls::ClientConfig> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth());
    match config {
        Ok(c) => Arc::new(c),
        // The ring provider supports the default versions; this arm is never taken.
        Err(_) => Arc::new(
            rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
        ),
    }
}

/// An HTTP client that returns 4xx/5xx as responses and allows WebDAV's methods.
pub fn agent(net: &NetConfig) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .allow_non_standard_methods(true)
        .timeout_connect(Some(net.timeout))
        .timeout_global(Some(net.timeout * 4))
        .timeout_recv_response(Some(net.timeout))
        .max_redirects(0)
        .build()
        .new_agent()
}

/// A transport failure (no HTTP status).
pub fn map_error(e: ureq::Error) -> RemoteError {
    let text = e.to_string();
    let kind = match &e {
        ureq::Error::Io(io) => return RemoteError::io(io),
        ureq::Error::Timeout(_) => Kind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Kind::Unreachable,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
            if text.to_lowercase().contains("certificate") {
                Kind::Certificate
            } else {
                Kind::Other
            }
        }
        ureq::Error::Protocol(_) | ureq::Error::BodyStalled => Kind::Interrupted,
        _ => Kind::Other,
    };
    RemoteError::new(kind, text)
}

/// A failing HTTP status, with the server's own words (S3 sends an XML `<Code>`).
pub fn status_error(status: u16, body: &[u8]) -> RemoteError {
    let body = String::from_utf8_lossy(body);
    let code = between(&body, "<Code>", "</Code>").unwrap_or_default();
    let kind = match (status, code.as_str()) {
        (_, "InvalidAccessKeyId" | "SignatureDoesNotMatch") | (401, _) => Kind::Auth,
        (_, "QuotaExceeded" | "EntityTooLarge") | (507 | 413, _) => Kind::Quota,
        (403 | 405 | 409 | 423, _) => Kind::NotWritable,
        (408 | 429 | 500 | 502 | 503 | 504, _) => Kind::Interrupted,
        _ => Kind::Other,
    };
    let detail =
        if code.is_empty() { format!("HTTP {status}") } else { format!("HTTP {status} {code}") };
    RemoteError::new(kind, detail)
}

fn between(s: &str, a: &str, b: &str) -> Option<String> {
    let i = s.find(a)? + a.len();
    let j = s[i..].find(b)? + i;
    Some(s[i..j].to_string())
}

/// Standard base64 (for HTTP Basic auth).
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(T[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads a response body whole (pages and manifests are small; limit 1 GiB).
pub fn body(resp: ureq::http::Response<ureq::Body>) -> Result<Vec<u8>, RemoteError> {
    resp.into_body().with_config().limit(1 << 30).read_to_vec().map_err(map_error)
}

pub use crate::mime::content_type;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64("用户:pw".as_bytes()), "55So5oi3OnB3");
    }

    #[test]
    fn statuses_map_to_kinds() {
        assert_eq!(status_error(401, b"").kind, Kind::Auth);
        assert_eq!(status_error(403, b"<Code>SignatureDoesNotMatch</Code>").kind, Kind::Auth);
        assert_eq!(status_error(403, b"<Code>AccessDenied</Code>").kind, Kind::NotWritable);
        assert_eq!(status_error(507, b"").kind, Kind::Quota);
        assert!(status_error(503, b"").transient());
    }
}
