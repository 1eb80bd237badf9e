//! Which requests the preview answers at all: only those that name this server in `Host`.
//!
//! DNS rebinding: a web page the clerk opens (`http://evil.example/`) can make its own name
//! resolve to 127.0.0.1 and then read the preview (drafts included) or, once the workbench
//! writes files, change them, because to the browser it is all the same origin. Its requests
//! still say `Host: evil.example`; a name the server does not know is refused. An address
//! written as an IP literal cannot be rebound, so when the server listens on every interface
//! (`--bind 0.0.0.0`) any IP literal with its port is accepted: that is how a phone on the
//! village network reaches it. HTTP/1.0 allowed leaving `Host` out; such a request is answered.

use std::net::{IpAddr, SocketAddr};

/// The `Host` values this server answers, computed once its socket is bound.
#[derive(Debug, Clone)]
pub struct Hosts {
    /// `127.0.0.1:1313`, `localhost:1313`, `[::1]:1313` and the bound address, lower case.
    names: Vec<String>,
    port: u16,
    /// Bound to every interface: any IP literal with `port` names this server.
    any_ip: bool,
    /// The address to tell a refused client to open instead.
    url: String,
}

impl Hosts {
    pub fn for_addr(addr: SocketAddr, url: &str) -> Hosts {
        let port = addr.port();
        let mut names: Vec<String> =
            ["127.0.0.1", "localhost", "[::1]"].iter().map(|h| format!("{h}:{port}")).collect();
        let bound = match addr.ip() {
            IpAddr::V4(ip) => format!("{ip}:{port}"),
            IpAddr::V6(ip) => format!("[{ip}]:{port}"),
        };
        if !names.contains(&bound) {
            names.push(bound);
        }
        Hosts { names, port, any_ip: addr.ip().is_unspecified(), url: url.to_string() }
    }

    /// Whether a request with these `Host` header values (usually one) is answered. `http10`:
    /// the request is HTTP/1.0, which may leave `Host` out.
    pub fn allows(&self, hosts: &[&str], http10: bool) -> bool {
        match hosts {
            [] => http10,
            [one] => self.allows_one(one.trim()),
            // Two `Host` headers: which one a proxy or the browser meant is anybody's guess.
            _ => false,
        }
    }

    fn allows_one(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.names.contains(&host) {
            return true;
        }
        self.any_ip && ip_literal_port(&host).is_some_and(|p| p == self.port)
    }

    /// The `403` text: what was refused and what to open instead, in Chinese and English.
    pub fn refusal(&self, host: Option<&str>) -> String {
        let host: String =
            host.unwrap_or("").chars().filter(|c| !c.is_control()).take(100).collect();
        let says = super::says::HttpSays::ForeignHost {
            host,
            url: self.url.clone(),
            port: self.port,
            lan: self.any_ip,
        };
        says.both()
    }
}

/// The port of `1.2.3.4:80` or `[fe80::1]:80`; `None` for a name or a missing port.
fn ip_literal_port(host: &str) -> Option<u16> {
    let (is_ip, port) = match host.strip_prefix('[') {
        Some(rest) => {
            let (ip, port) = rest.split_once("]:")?;
            (ip.parse::<std::net::Ipv6Addr>().is_ok(), port)
        }
        None => {
            let (ip, port) = host.rsplit_once(':')?;
            (ip.parse::<std::net::Ipv4Addr>().is_ok(), port)
        }
    };
    if is_ip { port.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(addr: &str) -> Hosts {
        Hosts::for_addr(addr.parse().unwrap(), "http://127.0.0.1:1313/")
    }

    #[test]
    fn loopback_names_with_the_port_are_this_server() {
        let h = hosts("127.0.0.1:1313");
        for ok in ["127.0.0.1:1313", "localhost:1313", "LocalHost:1313", "[::1]:1313"] {
            assert!(h.allows(&[ok], false), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1313",
            "127.0.0.1:1314",
            "127.0.0.1",
            "localhost",
            "localhost.evil.example:1313",
            "192.168.1.5:1313",
            "",
        ] {
            assert!(!h.allows(&[bad], false), "{bad}");
        }
        assert!(!h.allows(&[], false), "HTTP/1.1 needs a Host");
        assert!(h.allows(&[], true), "HTTP/1.0 may leave it out");
        assert!(!h.allows(&["127.0.0.1:1313", "evil.example"], false));
    }

    #[test]
    fn a_bound_address_and_on_every_interface_any_ip_literal() {
        let h = hosts("192.168.1.5:8080");
        assert!(h.allows(&["192.168.1.5:8080"], false));
        assert!(!h.allows(&["10.0.0.1:8080"], false));
        let all = hosts("0.0.0.0:8080");
        assert!(all.allows(&["10.0.0.7:8080"], false));
        assert!(all.allows(&["[fe80::1]:8080"], false));
        assert!(!all.allows(&["10.0.0.7:8081"], false));
        assert!(!all.allows(&["village.example:8080"], false), "a name can be rebound");
        assert!(!all.allows(&["1.2.3.4.evil.example:8080"], false));
    }

    #[test]
    fn the_refusal_names_the_host_and_the_way_in() {
        let text = hosts("127.0.0.1:1313").refusal(Some("evil.example\r\n:1"));
        assert!(text.contains("“evil.example:1”"), "{text}");
        assert!(text.contains("http://127.0.0.1:1313/") && text.contains("拒绝访问"));
        assert!(!text.contains("IP 地址加端口"));
        let lan = hosts("0.0.0.0:1313").refusal(None);
        assert!(lan.contains("IP 地址加端口") && lan.contains("“”"), "{lan}");
    }
}
