//! Hostile and busy clients of a running `gongkai serve`, shared by `tests/serve_guard.rs` (which
//! asserts the server keeps answering) and `benches/serve_guard.rs` (which measures how fast).
//!
//! Each kind of client runs on its own threads until the [`Attack`] is dropped; every socket has
//! time-outs, so nothing here can hang a test.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `Host` header value of the server on `port`.
pub fn host(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

fn connect(port: u16) -> Option<TcpStream> {
    let s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.set_write_timeout(Some(Duration::from_secs(5))).ok()?;
    Some(s)
}

/// One `GET` on a new connection with `Connection: close`, read to the end. Returns the status
/// and how long the whole answer took; `Err` when there was no complete answer within `limit`.
pub fn timed_get(port: u16, path: &str, limit: Duration) -> Result<(u16, Duration), String> {
    let started = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(limit)).map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(limit)).map_err(|e| e.to_string())?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", host(port));
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if started.elapsed() > limit {
            return Err(format!("no complete answer within {limit:?}"));
        }
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) => return Err(format!("after {:?}: {e}", started.elapsed())),
        }
    }
    let took = started.elapsed();
    let head = String::from_utf8_lossy(&all[..all.len().min(64)]).into_owned();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).ok_or(head)?;
    Ok((status, took))
}

/// What to run against the server.
pub struct Mix {
    pub port: u16,
    /// A multi-megabyte file of the site, asked for by the clients that never read.
    pub big: String,
    pub never_readers: usize,
    pub normal: usize,
}

/// Clients at work until dropped.
pub struct Attack {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    /// Answers the normal clients got, and requests of theirs that failed or took over 10 s.
    pub answered: Arc<AtomicUsize>,
    pub failed: Arc<AtomicUsize>,
}

impl Attack {
    pub fn start(mix: &Mix) -> Attack {
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicUsize::new(0));
        let mut threads = Vec::new();
        let port = mix.port;
        let h = host(port);
        let mut spawn = |f: Box<dyn FnOnce(&AtomicBool) + Send>| {
            let stop = stop.clone();
            threads.push(std::thread::spawn(move || f(&stop)));
        };
        // Ask for the big file and never read a byte; ask again every 12 s (past the server's
        // write time-out), so the pressure never lets up.
        for _ in 0..mix.never_readers {
            let req = format!("GET {} HTTP/1.1\r\nHost: {h}\r\n\r\n", mix.big);
            spawn(Box::new(move |stop| {
                while !stop.load(Ordering::Relaxed) {
                    let held =
                        connect(port).and_then(|mut s| s.write_all(req.as_bytes()).ok().map(|_| s));
                    pause(stop, Duration::from_secs(12));
                    drop(held);
                }
            }));
        }
        // Pipelined requests for the big file on one connection, never read.
        let req = format!("GET {} HTTP/1.1\r\nHost: {h}\r\n\r\n", mix.big).repeat(2000);
        spawn(Box::new(move |stop| {
            let held = connect(port).map(|mut s| {
                let _ = s.write_all(req.as_bytes());
                s
            });
            pause(stop, Duration::from_secs(3600));
            drop(held);
        }));
        // Garbage: a TLS hello, binary noise, a request line without end, bare line feeds.
        spawn(Box::new(move |stop| {
            let junk: [&[u8]; 5] = [
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                b"\xff\xfe\xfd\x00\x00\r\n\r\n",
                b"\x00\x01\x02 garbage\r\n\r\n",
                b"GET / HTTP/1.1\n\n\n\n",
                b"GE",
            ];
            let mut held = Vec::new();
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if let Some(mut s) = connect(port) {
                    let _ = s.write_all(junk[i % junk.len()]);
                    held.push(s);
                }
                if held.len() > 20 {
                    held.remove(0);
                }
                pause(stop, Duration::from_millis(100));
            }
        }));
        // A head that never ends, and one sent a byte a second (slowloris), each renewed when
        // the server closes it.
        for slow in [false, true] {
            let h = h.clone();
            spawn(Box::new(move |stop| {
                while !stop.load(Ordering::Relaxed) {
                    let Some(mut s) = connect(port) else { break };
                    let start = format!("GET / HTTP/1.1\r\nHost: {h}\r\n");
                    if s.write_all(start.as_bytes()).is_err() {
                        continue;
                    }
                    if slow {
                        while !stop.load(Ordering::Relaxed) && s.write_all(b"a").is_ok() {
                            pause(stop, Duration::from_secs(1));
                        }
                    } else {
                        // Until the server gives up on it.
                        let _ = s.read(&mut [0u8; 256]);
                        let _ = s.read(&mut [0u8; 256]);
                    }
                    pause(stop, Duration::from_millis(200));
                }
            }));
        }
        // A huge head: megabytes of one header.
        let hh = h.clone();
        spawn(Box::new(move |stop| {
            while !stop.load(Ordering::Relaxed) {
                let Some(mut s) = connect(port) else { break };
                let _ = write!(s, "GET / HTTP/1.1\r\nHost: {hh}\r\nX-Big: ");
                let chunk = [b'a'; 64 * 1024];
                for _ in 0..64 {
                    if stop.load(Ordering::Relaxed) || s.write_all(&chunk).is_err() {
                        break;
                    }
                }
                pause(stop, Duration::from_millis(500));
            }
        }));
        // A huge body announced and never sent, as a GET and as a POST.
        for method in ["GET", "POST"] {
            let h = h.clone();
            spawn(Box::new(move |stop| {
                while !stop.load(Ordering::Relaxed) {
                    let Some(mut s) = connect(port) else { break };
                    let _ = write!(
                        s,
                        "{method} / HTTP/1.1\r\nHost: {h}\r\nContent-Length: 99999999999\r\n\r\nabc"
                    );
                    pause(stop, Duration::from_secs(3));
                }
            }));
        }
        // Normal clients, each fetching a page every 200 ms or so.
        for i in 0..mix.normal {
            let (answered, failed) = (answered.clone(), failed.clone());
            spawn(Box::new(move |stop| {
                let paths = ["/", "/village/", "/static/gongkai.css", "/village/road/", "/nope"];
                let mut k = i;
                while !stop.load(Ordering::Relaxed) {
                    match timed_get(port, paths[k % paths.len()], Duration::from_secs(10)) {
                        Ok(_) => answered.fetch_add(1, Ordering::Relaxed),
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                    k += 1;
                    pause(stop, Duration::from_millis(200));
                }
            }));
        }
        Attack { stop, threads, answered, failed }
    }
}

/// Sleeps `d`, waking early when `stop` is set.
fn pause(stop: &AtomicBool, d: Duration) {
    let until = Instant::now() + d;
    while !stop.load(Ordering::Relaxed) && Instant::now() < until {
        std::thread::sleep(
            Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())),
        );
    }
}

impl Drop for Attack {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}
