//! Who may do what: the per-run token, the same-origin checks, the `Host` check against DNS
//! rebinding, and the password on other interfaces. Each refusal is a typed reason with a
//! Chinese and an English text; the caller answers 403 (or 401 for a missing password).

use super::{Access, State};
use std::hash::{BuildHasher, Hasher};
use tiny_http::Request;

crate::messages! {
    /// Why a request is refused.
    #[derive(Copy, Eq)]
    pub enum Refusal {
        /// `Host` is a domain name or another port: a DNS-rebinding page.
        Host = "workbench.refused-host",
            zh: "拒绝：请求的网址不是本机的工作台地址（Host 不对）。请从 gongkai 窗口里显示的“工作台”地址打开。",
            en: "refused: the Host is not this workbench's address (DNS rebinding?)";
        /// `Origin` is another site, or `Sec-Fetch-Site` is not `same-origin`.
        CrossSite = "workbench.refused-cross-site",
            zh: "拒绝：这个请求来自别的网页，工作台只接受自己页面的修改。请在工作台页面里操作。",
            en: "refused: cross-site request";
        /// No token, or the wrong one (a page that is not the workbench).
        Token = "workbench.refused-token",
            zh: "拒绝：请求没有带工作台的口令（或口令已过期，gongkai 重新启动过）。请刷新工作台页面后再试。",
            en: "refused: missing or wrong workbench token; reload the workbench";
        /// Bound to another interface without a password.
        ReadOnly = "workbench.read-only",
            zh: "拒绝：工作台在局域网地址上只能查看，不能修改。要修改，请在本机打开，或启动时用 --password 设一个密码。",
            en: "refused: the workbench is read-only on a network address without --password";
        /// A password is set and the request does not carry it.
        Password = "workbench.password",
            zh: "需要密码：请输入启动 gongkai serve 时设置的工作台密码。",
            en: "the workbench password is required";
    }
}

impl Refusal {
    pub fn status(self) -> u16 {
        if self == Refusal::Password { 401 } else { 403 }
    }
}

/// 128 random bits as hex. `RandomState` is seeded from the operating system's random source
/// once per process (keys then step by one), and SipHash keyed with it is unpredictable to
/// anyone who does not know the keys: enough for a per-run token, without a new crate.
pub fn new_token() -> String {
    let mut out = String::new();
    for i in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

fn header<'a>(req: &'a Request, name: &'static str) -> Option<&'a str> {
    req.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

/// `Host` must be `localhost` or an IP literal with the server's port: a name an attacker's
/// DNS could point at 127.0.0.1 is never accepted.
pub fn host_ok(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return false };
    let (name, p) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once("]:") {
            Some((ip, p)) => (ip, p),
            None => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((n, p)) => (n, p),
            None => return false,
        }
    };
    if p.parse::<u16>().ok() != Some(port) {
        return false;
    }
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// Checks a request for reading (`write == false`) or for changing something.
pub fn check(req: &Request, state: &State, write: bool) -> Result<(), Refusal> {
    let port = state.addr.get().map(|a| a.port()).unwrap_or(0);
    let host = header(req, "Host");
    if !host_ok(host, port) {
        return Err(Refusal::Host);
    }
    if let Access::Password(pw) = &state.access {
        if !basic_auth_ok(header(req, "Authorization"), pw) {
            return Err(Refusal::Password);
        }
    }
    if !write {
        return Ok(());
    }
    if state.access == Access::ReadOnly {
        return Err(Refusal::ReadOnly);
    }
    if let Some(origin) = header(req, "Origin") {
        if Some(origin.trim_end_matches('/')) != host.map(|h| format!("http://{h}")).as_deref() {
            return Err(Refusal::CrossSite);
        }
    }
    if let Some(site) = header(req, "Sec-Fetch-Site") {
        if site != "same-origin" {
            return Err(Refusal::CrossSite);
        }
    }
    match header(req, "X-Gongkai-Token") {
        Some(t) if same(t.as_bytes(), state.token.as_bytes()) => Ok(()),
        _ => Err(Refusal::Token),
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn basic_auth_ok(value: Option<&str>, password: &str) -> bool {
    let Some(b64) = value.and_then(|v| v.strip_prefix("Basic ")) else { return false };
    let Some(decoded) = base64_decode(b64.trim()) else { return false };
    let text = String::from_utf8_lossy(&decoded);
    let given = text.split_once(':').map(|(_, p)| p).unwrap_or("");
    same(given.as_bytes(), password.as_bytes())
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let n = chunk.len().saturating_sub(1);
        out.extend_from_slice(&acc.to_be_bytes()[1..1 + n]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ip_literals_and_localhost_with_our_port_are_our_host() {
        assert!(host_ok(Some("127.0.0.1:1313"), 1313));
        assert!(host_ok(Some("localhost:1313"), 1313));
        assert!(host_ok(Some("[::1]:1313"), 1313));
        assert!(host_ok(Some("192.168.1.5:1313"), 1313));
        assert!(!host_ok(Some("evil.example:1313"), 1313));
        assert!(!host_ok(Some("127.0.0.1:80"), 1313));
        assert!(!host_ok(Some("127.0.0.1"), 1313));
        assert!(!host_ok(None, 1313));
    }

    #[test]
    fn basic_auth_takes_any_user_and_the_password() {
        // "文书:secret" and ":secret"
        assert!(basic_auth_ok(Some("Basic 5paH5LmmOnNlY3JldA=="), "secret"));
        assert!(basic_auth_ok(Some("Basic OnNlY3JldA=="), "secret"));
        assert!(!basic_auth_ok(Some("Basic OnNlY3JldA=="), "other"));
        assert!(!basic_auth_ok(None, "secret"));
    }

    #[test]
    fn tokens_differ_and_are_long() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
