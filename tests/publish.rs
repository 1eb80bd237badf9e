//! `gongkai publish` end to end against real servers that each test starts on 127.0.0.1 with an
//! ephemeral port (installed by scripts/setup/publish.sh): pyftpdlib (FTP), OpenSSH's sshd with
//! its own config and keys (SFTP), wsgidav (WebDAV), moto's server mode (S3, with signature
//! checks on), and a folder target. For each: the first
//! publish makes the remote byte-identical to public/; an edit uploads only the changed files
//! (counted on the server side: new inodes on disk, or moto's request log); a foreign file
//! survives; a connection cut mid-upload leaves a working site and the rerun ends identical; a
//! wrong password gives the clear error and changes nothing.
#![cfg(unix)]

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-10-20";
const JOURNAL: &str = ".gongkai-publish.json";

fn venv_bin(name: &str) -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
    let p = cache.join("gongkai/publish-venv/bin").join(name);
    assert!(p.exists(), "{} missing: run scripts/setup/publish.sh", p.display());
    p
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(mut cmd: Command, port: u16, log: PathBuf) -> Server {
        let out = std::fs::File::create(&log).unwrap();
        let child =
            cmd.stdin(Stdio::null()).stdout(out.try_clone().unwrap()).stderr(out).spawn().unwrap();
        let mut s = Server { child, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("server exited ({status}): {}", s.log_text());
            }
            assert!(Instant::now() < deadline, "server did not start: {}", s.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback TCP proxy that forwards to `target` and, once more than `cut_after` bytes went
/// from client to server, drops every connection and stops listening (a cable pulled out).
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
}

impl Proxy {
    fn new(target: u16, cut_after: u64) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicU64::new(0));
        let flag = cut.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut open: Vec<TcpStream> = Vec::new();
            // Bounded: the proxy ends by itself after two minutes.
            while !flag.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(120) {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                            continue;
                        };
                        open.push(client.try_clone().unwrap());
                        open.push(server.try_clone().unwrap());
                        let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                        let (sent, flag2) = (sent.clone(), flag.clone());
                        std::thread::spawn(move || {
                            pump(client, server, Some((sent, cut_after, flag2)))
                        });
                        std::thread::spawn(move || pump(s2, c2, None));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            for s in open {
                let _ = s.shutdown(std::net::Shutdown::Both);
            }
            // The listener is dropped here: new connections are refused.
        });
        Proxy { port, cut }
    }
}

fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    count: Option<(Arc<AtomicU64>, u64, Arc<AtomicBool>)>,
) {
    let mut buf = [0u8; 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some((sent, limit, cut)) = &count {
            if sent.fetch_add(n as u64, Ordering::SeqCst) + n as u64 > *limit {
                cut.store(true, Ordering::SeqCst);
                break;
            }
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = from.shutdown(std::net::Shutdown::Both);
    let _ = to.shutdown(std::net::Shutdown::Both);
}

/// `gongkai publish --to URL --yes` with `env`, no terminal.
fn publish(site: &Path, url: &str, env: &[(&str, String)]) -> Output {
    let mut cmd = gongkai();
    cmd.arg("publish")
        .arg("--root")
        .arg(site)
        .args(["--today", TODAY, "--to", url, "--yes"])
        .env("GONGKAI_PUBLISH_TIMEOUT", "5")
        .env_remove("GONGKAI_PUBLISH_PASSWORD")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("GONGKAI_PUBLISH_SSH_KEY")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok(o: &Output) {
    assert!(o.status.success(), "publish failed:\n{}\n{}", stdout(o), stderr(o));
}

fn add_posting(site: &Path, slug: &str, body: &str) {
    std::fs::write(
        site.join(format!("content/village/{slug}.md")),
        format!("+++\ntitle = \"村道修缮进展 {slug}\"\ndate = 2026-10-10\nkind = \"村务公开\"\n+++\n\n{body}\n"),
    )
    .unwrap();
}

/// A posting of about 300 KB, so that cutting the connection lands inside an upload.
fn add_big_posting(site: &Path) {
    let para = "村道硬化工程进展顺利，施工队按计划推进，请村民注意出行安全。\n\n".repeat(3000);
    add_posting(site, "2026-big", &para);
}

/// path → SHA-256 of the manifest's `files`.
fn manifest_files(bytes: &[u8]) -> BTreeMap<String, String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    v["files"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn sha(bytes: &[u8]) -> String {
    gongkai::manifest::sha256_hex(bytes)
}

/// Paths the new manifest lists with content the old one does not have, plus the manifest.
fn changed(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut s: BTreeSet<String> =
        new.iter().filter(|(p, h)| old.get(*p) != Some(*h)).map(|(p, _)| p.clone()).collect();
    s.insert("manifest.json".into());
    s
}

/// Every file's inode: a file replaced by temp-and-rename gets a new one.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, e.metadata().unwrap().ino());
        }
    }
    out
}

fn new_inodes(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeSet<String> {
    after.iter().filter(|(p, i)| before.get(*p) != Some(*i)).map(|(p, _)| p.clone()).collect()
}

/// The remote equals public/ plus exactly the `foreign` files, byte for byte.
fn assert_mirror(mut remote: BTreeMap<String, Vec<u8>>, public: &Path, foreign: &[(&str, &[u8])]) {
    for (path, bytes) in foreign {
        assert_eq!(remote.remove(*path).as_deref(), Some(*bytes), "foreign file {path} changed");
    }
    let local = tree(public);
    let rk: Vec<&String> = remote.keys().collect();
    let lk: Vec<&String> = local.keys().collect();
    assert_eq!(rk, lk, "remote and public/ hold different files");
    for (p, b) in &local {
        assert!(remote[p] == *b, "{p} differs on the remote");
    }
}

/// After a cut-off publish the remote is still a working site: its manifest is complete (the
/// old one), each file it lists is whole (old or new content, never a part), and the journal
/// shows the upload had started.
fn assert_working(remote: &BTreeMap<String, Vec<u8>>, new_manifest: &[u8]) {
    assert!(remote.contains_key(JOURNAL), "the cut came before any upload; cut later");
    let m = remote.get("manifest.json").expect("remote manifest kept");
    assert_ne!(m.as_slice(), new_manifest, "the cut came after the manifest; cut earlier");
    let new = manifest_files(new_manifest);
    for (path, want) in manifest_files(m) {
        let got = remote.get(&path).unwrap_or_else(|| panic!("{path} missing after the cut"));
        let h = sha(got);
        assert!(h == want || new.get(&path) == Some(&h), "{path} is partial after the cut");
    }
}

// ---------------------------------------------------------------------------------------------
// Folder target

#[test]
fn folder_target_mirrors_updates_only_changes_and_keeps_foreign_files() {
    let site = site("basic");
    let remote = tempfile::tempdir().unwrap();
    let dest = remote.path().join("web");
    let url = dest.to_str().unwrap().to_string();

    ok(&publish(site.path(), &url, &[]));
    assert_mirror(tree(&dest), &site.path().join("public"), &[]);
    let first = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    assert_eq!(std::fs::read(site.path().join(".gongkai/published.json")).unwrap(), first);

    // Dry run: lists the changes, writes nothing to the target.
    let mut dry = gongkai();
    dry.arg("publish").arg("--root").arg(site.path()).args(["--today", TODAY, "--to", &url]);
    add_posting(site.path(), "2026-new", "路灯已修好。");
    let o = dry.arg("--dry-run").stdin(Stdio::null()).output().unwrap();
    ok(&o);
    let out = stdout(&o);
    assert!(out.contains("上传 village/2026-new/index.html"), "{out}");
    assert!(out.contains("替换 village/index.html") && out.contains("什么都没有改动"), "{out}");
    assert!(!dest.join("village/2026-new/index.html").exists());

    // Without --yes and without a terminal: refused, nothing changed.
    let o = gongkai()
        .arg("publish")
        .arg("--root")
        .arg(site.path())
        .args(["--today", TODAY, "--to", &url])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("gongkai publish --yes"), "{}", stderr(&o));
    assert_eq!(std::fs::read(dest.join("manifest.json")).unwrap(), first);

    // A foreign file survives; the edit replaces only what changed.
    std::fs::write(dest.join("foreign.txt"), b"not ours").unwrap();
    let before = inodes(&dest);
    let o = publish(site.path(), &url, &[]);
    ok(&o);
    let second = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    let expect = changed(&manifest_files(&first), &manifest_files(&second));
    assert_eq!(new_inodes(&before, &inodes(&dest)), expect);
    assert_mirror(tree(&dest), &site.path().join("public"), &[("foreign.txt", b"not ours")]);
}

#[test]
fn folder_target_refuses_to_overwrite_files_no_manifest_lists() {
    let site = site("basic");
    let remote = tempfile::tempdir().unwrap();
    std::fs::write(remote.path().join("index.html"), b"<p>the township's own page</p>").unwrap();
    let o = publish(site.path(), remote.path().to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("不是 gongkai 发布的文件") && err.contains("index.html"), "{err}");
    assert_eq!(tree(remote.path()).len(), 1, "nothing may be uploaded");
    assert!(!site.path().join(".gongkai/published.json").exists());
}

#[test]
fn folder_target_cut_off_by_a_blocked_path_finishes_on_the_next_run() {
    let site = site("basic");
    let remote = tempfile::tempdir().unwrap();
    let dest = remote.path().join("web");
    let url = dest.to_str().unwrap().to_string();
    ok(&publish(site.path(), &url, &[]));
    // A file where the new posting's folder must go stops the publish half-way.
    add_big_posting(site.path());
    std::fs::write(dest.join("village/2026-big"), b"x").unwrap();
    let o = publish(site.path(), &url, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("接着上次继续"), "{}", stderr(&o));
    let new_manifest = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    let mut remote_now = tree(&dest);
    remote_now.remove("village/2026-big");
    assert_working(&remote_now, &new_manifest);
    std::fs::remove_file(dest.join("village/2026-big")).unwrap();
    ok(&publish(site.path(), &url, &[]));
    assert_mirror(tree(&dest), &site.path().join("public"), &[]);
}

#[test]
fn password_in_site_toml_is_refused_before_anything_is_built() {
    let site = site("basic");
    let toml = site.path().join("site.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[[publish]]\nname = \"township\"\nurl = \"ftp://clerk@127.0.0.1/\"\npassword = \"123456\"\n");
    std::fs::write(&toml, text).unwrap();
    let o = gongkai()
        .arg("build")
        .arg("--root")
        .arg(site.path())
        .args(["--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("site.toml:14:1: 错误: 密码不能写在 site.toml 里"), "{err}");
    assert!(err.contains("GONGKAI_PUBLISH_PASSWORD"), "{err}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_site_with_errors_is_not_published() {
    let site = site("basic");
    std::fs::write(site.path().join("content/village/broken.md"), "+++\ntitle = \n+++\n").unwrap();
    let remote = tempfile::tempdir().unwrap();
    let o = publish(site.path(), remote.path().to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("没有发布"), "{}", stderr(&o));
    assert!(tree(remote.path()).is_empty());
}

// ---------------------------------------------------------------------------------------------
// FTP: pyftpdlib. The cut: the server is killed while it receives a throttled upload.

const FTPD: &str = r#"
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, ThrottledDTPHandler
from pyftpdlib.servers import FTPServer
port, root, limit = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
auth = DummyAuthorizer()
auth.add_user("clerk", "secret", root, perm="elradfmwMT")
handler = FTPHandler
handler.authorizer = auth
if limit > 0:
    dtp = ThrottledDTPHandler
    dtp.read_limit = limit
    handler.dtp_handler = dtp
FTPServer(("127.0.0.1", port), handler).serve_forever()
"#;

fn ftp_server(dir: &Path, root: &Path, port: u16, limit: u32, name: &str) -> Server {
    let script = dir.join("ftpd.py");
    std::fs::write(&script, FTPD).unwrap();
    let mut cmd = Command::new(venv_bin("python"));
    cmd.arg(&script).arg(port.to_string()).arg(root).arg(limit.to_string());
    Server::start(cmd, port, dir.join(name))
}

#[test]
fn ftp_publish_end_to_end() {
    let site = site("basic");
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("www");
    std::fs::create_dir(&root).unwrap();
    let port = free_port();
    let mut server = ftp_server(work.path(), &root, port, 0, "ftp.log");
    let url = format!("ftp://clerk@127.0.0.1:{port}/");
    let good = [("GONGKAI_PUBLISH_PASSWORD", "secret".to_string())];

    // Wrong password: the clear error, nothing written.
    let o = publish(site.path(), &url, &[("GONGKAI_PUBLISH_PASSWORD", "wrong".into())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("被拒绝：用户名或密码"), "{}", stderr(&o));
    assert!(tree(&root).is_empty());

    // First publish: byte-identical.
    ok(&publish(site.path(), &url, &good));
    assert_mirror(tree(&root), &site.path().join("public"), &[]);

    // An edit uploads only the changed files; a foreign file survives.
    let first = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    std::fs::write(root.join("foreign.txt"), b"township").unwrap();
    add_posting(site.path(), "2026-new", "路灯已修好。");
    let before = inodes(&root);
    ok(&publish(site.path(), &url, &good));
    let second = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    assert_eq!(
        new_inodes(&before, &inodes(&root)),
        changed(&manifest_files(&first), &manifest_files(&second))
    );
    let stor = server.log_text().matches("STOR ").count();
    assert!(stor > 0);
    assert_mirror(tree(&root), &site.path().join("public"), &[("foreign.txt", b"township")]);

    // Killed mid-upload: a throttled server (40 KB/s) is killed while the big page goes up.
    server.kill();
    let mut slow = ftp_server(work.path(), &root, port, 40_000, "ftp-slow.log");
    add_big_posting(site.path());
    let mut cmd = gongkai();
    cmd.arg("publish")
        .arg("--root")
        .arg(site.path())
        .args(["--today", TODAY, "--to", &url, "--yes"])
        .env("GONGKAI_PUBLISH_TIMEOUT", "5")
        .env("GONGKAI_PUBLISH_PASSWORD", "secret")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    // Once the journal is in place the files follow; the big ones take seconds at 40 KB/s.
    while !root.join(JOURNAL).exists() {
        assert!(Instant::now() < deadline, "no upload started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    slow.kill();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("接着上次继续"), "{}", stderr(&o));
    let new_manifest = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    let mut now = tree(&root);
    now.retain(|p, _| !p.ends_with(".gongkai-tmp"));
    assert_working(&now, &new_manifest);

    let _server = ftp_server(work.path(), &root, port, 0, "ftp-again.log");
    ok(&publish(site.path(), &url, &good));
    assert_mirror(tree(&root), &site.path().join("public"), &[("foreign.txt", b"township")]);
}

// ---------------------------------------------------------------------------------------------
// WebDAV: wsgidav on cheroot, Basic auth. The cut: a proxy that drops the connection.

fn webdav_server(dir: &Path, root: &Path, port: u16) -> Server {
    let config = dir.join("wsgidav.yaml");
    std::fs::write(
        &config,
        format!(
            "host: 127.0.0.1\nport: {port}\nserver: cheroot\nprovider_mapping:\n  \"/\": {}\n\
http_authenticator:\n  accept_basic: true\n  accept_digest: false\n  default_to_digest: false\n\
simple_dc:\n  user_mapping:\n    \"*\":\n      \"clerk\":\n        password: \"secret\"\nverbose: 3\n",
            root.display()
        ),
    )
    .unwrap();
    let mut cmd = Command::new(venv_bin("wsgidav"));
    cmd.arg("--config").arg(&config);
    Server::start(cmd, port, dir.join("wsgidav.log"))
}

#[test]
fn webdav_publish_end_to_end() {
    let site = site("basic");
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("www");
    std::fs::create_dir(&root).unwrap();
    let port = free_port();
    let _server = webdav_server(work.path(), &root, port);
    let url = format!("webdav://clerk@127.0.0.1:{port}/");
    let good = [("GONGKAI_PUBLISH_PASSWORD", "secret".to_string())];

    let o = publish(site.path(), &url, &[("GONGKAI_PUBLISH_PASSWORD", "wrong".into())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("被拒绝：用户名或密码"), "{}", stderr(&o));
    assert!(tree(&root).is_empty());

    ok(&publish(site.path(), &url, &good));
    assert_mirror(tree(&root), &site.path().join("public"), &[]);

    let first = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    std::fs::write(root.join("foreign.txt"), b"township").unwrap();
    add_posting(site.path(), "2026-new", "路灯已修好。");
    let before = inodes(&root);
    ok(&publish(site.path(), &url, &good));
    let second = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    assert_eq!(
        new_inodes(&before, &inodes(&root)),
        changed(&manifest_files(&first), &manifest_files(&second))
    );
    assert_mirror(tree(&root), &site.path().join("public"), &[("foreign.txt", b"township")]);

    // Cut after 150 KB: inside the uploads of the 300 KB posting (its page and search data).
    add_big_posting(site.path());
    let proxy = Proxy::new(port, 150_000);
    let o = publish(site.path(), &format!("webdav://clerk@127.0.0.1:{}/", proxy.port), &good);
    assert!(proxy.cut.load(Ordering::SeqCst));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("接着上次继续"), "{}", stderr(&o));
    let new_manifest = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    let mut now = tree(&root);
    now.retain(|p, _| !p.ends_with(".gongkai-tmp"));
    assert_working(&now, &new_manifest);

    ok(&publish(site.path(), &url, &good));
    assert_mirror(tree(&root), &site.path().join("public"), &[("foreign.txt", b"township")]);
}

// ---------------------------------------------------------------------------------------------
// S3: moto's server with IAM authentication on (signatures are checked). The bucket is read
// back with boto3.

const S3_SETUP: &str = r#"
import json, sys, boto3
url = sys.argv[1]
kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **kw)
iam.create_user(UserName="clerk")
key = iam.create_access_key(UserName="clerk")["AccessKey"]
iam.put_user_policy(UserName="clerk", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
s3 = boto3.client("s3", **kw)
s3.create_bucket(Bucket="board")
s3.put_object(Bucket="board", Key="qingshi/foreign.txt", Body=b"township")
print(key["AccessKeyId"], key["SecretAccessKey"])
"#;

const S3_DUMP: &str = r#"
import os, sys, boto3
url, key, secret, out = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="board"):
    for o in page.get("Contents", []):
        path = os.path.join(out, o["Key"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(s3.get_object(Bucket="board", Key=o["Key"])["Body"].read())
"#;

struct S3Test {
    work: tempfile::TempDir,
    server: Server,
    endpoint: String,
    key: String,
    secret: String,
}

impl S3Test {
    fn start() -> S3Test {
        let work = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut cmd = Command::new(venv_bin("moto_server"));
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // The setup script's five requests run unauthenticated; all later ones are checked.
            .env("INITIAL_NO_AUTH_ACTION_COUNT", "5");
        let server = Server::start(cmd, port, work.path().join("moto.log"));
        let endpoint = format!("http://127.0.0.1:{port}");
        let script = work.path().join("setup.py");
        std::fs::write(&script, S3_SETUP).unwrap();
        let o = Command::new(venv_bin("python")).arg(&script).arg(&endpoint).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let mut parts = out.split_whitespace();
        let key = parts.next().unwrap().to_string();
        let secret = parts.next().unwrap().to_string();
        std::fs::write(work.path().join("dump.py"), S3_DUMP).unwrap();
        S3Test { work, server, endpoint, key, secret }
    }

    /// The objects under `board/qingshi/`, by relative key.
    fn remote(&self) -> BTreeMap<String, Vec<u8>> {
        let out = tempfile::tempdir().unwrap();
        let o = Command::new(venv_bin("python"))
            .arg(self.work.path().join("dump.py"))
            .args([&self.endpoint, &self.key, &self.secret])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        tree(&out.path().join("qingshi"))
    }

    /// Keys PUT since the log had `from` bytes (moto logs each request).
    fn puts_since(&self, from: usize) -> BTreeSet<String> {
        self.server.log_text()[from..]
            .lines()
            .filter_map(|l| l.split("\"PUT /board/qingshi/").nth(1))
            .filter_map(|r| r.split(' ').next())
            .map(percent_decode)
            .filter(|p| p != JOURNAL)
            .collect()
    }

    fn env(&self, secret: &str) -> Vec<(&'static str, String)> {
        vec![
            ("GONGKAI_S3_ACCESS_KEY_ID", self.key.clone()),
            ("GONGKAI_S3_SECRET_ACCESS_KEY", secret.to_string()),
        ]
    }
}

const FOREIGN: &[(&str, &[u8])] = &[("foreign.txt", b"township")];

#[test]
fn s3_publish_end_to_end() {
    let s3 = S3Test::start();
    let site = site("basic");
    let toml = site.path().join("site.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(&format!(
        "\n[[publish]]\nname = \"oss\"\nurl = \"s3://board/qingshi/\"\nendpoint = \"{}\"\nregion = \"us-east-1\"\n",
        s3.endpoint
    ));
    std::fs::write(&toml, text).unwrap();
    let run = |env: &[(&str, String)]| -> Output {
        let mut cmd = gongkai();
        cmd.arg("publish")
            .arg("--root")
            .arg(site.path())
            .args(["--today", TODAY, "oss", "--yes"])
            .env("GONGKAI_PUBLISH_TIMEOUT", "5")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let good = s3.env(&s3.secret);

    let o = run(&s3.env("wrong-secret"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("被拒绝：用户名或密码"), "{}", stderr(&o));
    assert_eq!(s3.remote().into_keys().collect::<Vec<_>>(), ["foreign.txt"]);

    // No key pair and no terminal: a clear error naming the variable.
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("GONGKAI_S3_ACCESS_KEY_ID"), "{}", stderr(&o));

    ok(&run(&good));
    assert_mirror(s3.remote(), &site.path().join("public"), FOREIGN);

    let first = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    add_posting(site.path(), "2026-new", "路灯已修好。");
    let mark = s3.server.log_text().len();
    ok(&run(&good));
    let second = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    assert_eq!(s3.puts_since(mark), changed(&manifest_files(&first), &manifest_files(&second)));
    assert_mirror(s3.remote(), &site.path().join("public"), FOREIGN);

    // Cut mid-upload through the proxy (`--to` with the target's name keeps its region).
    add_big_posting(site.path());
    let port: u16 = s3.endpoint.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = Proxy::new(port, 150_000);
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text = text.replace(&s3.endpoint, &format!("http://127.0.0.1:{}", proxy.port));
    std::fs::write(&toml, &text).unwrap();
    let o = run(&good);
    assert!(proxy.cut.load(Ordering::SeqCst));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let new_manifest = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    assert_working(&s3.remote(), &new_manifest);
    std::fs::write(&toml, text.replace(&format!("http://127.0.0.1:{}", proxy.port), &s3.endpoint))
        .unwrap();
    ok(&run(&good));
    assert_mirror(s3.remote(), &site.path().join("public"), FOREIGN);
}

// ---------------------------------------------------------------------------------------------
// SFTP: OpenSSH's sshd on a high port with its own config, host key and the test's client key
// (the system sshd is not used). The client's HOME is a temp folder holding that key.

fn keygen(path: &Path) {
    let o = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn sshd(dir: &Path, port: u16) -> (Server, PathBuf) {
    let home = dir.join("home");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    keygen(&dir.join("hostkey"));
    keygen(&home.join(".ssh/id_ed25519"));
    std::fs::copy(home.join(".ssh/id_ed25519.pub"), dir.join("authorized_keys")).unwrap();
    let config = dir.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/hostkey\nPidFile {d}/sshd.pid\n\
AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nPermitRootLogin yes\n\
PasswordAuthentication yes\nKbdInteractiveAuthentication no\nUsePAM no\n\
Subsystem sftp internal-sftp\nLogLevel VERBOSE\n",
            d = dir.display()
        ),
    )
    .unwrap();
    // sshd's privilege separation folder; the package makes it only when its service starts.
    let _ = std::fs::create_dir_all("/run/sshd");
    let mut cmd = Command::new("/usr/sbin/sshd");
    cmd.arg("-D").arg("-e").arg("-f").arg(&config);
    (Server::start(cmd, port, dir.join("sshd.log")), home)
}

fn user() -> String {
    let o = Command::new("id").arg("-un").output().unwrap();
    stdout(&o).trim().to_string()
}

#[test]
fn sftp_publish_end_to_end() {
    let site = site("basic");
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("www");
    std::fs::create_dir(&root).unwrap();
    let port = free_port();
    let (_server, home) = sshd(work.path(), port);
    let url = |port: u16| format!("sftp://{}@127.0.0.1:{port}{}/", user(), root.display());
    let with_key = [("HOME", home.display().to_string())];

    // No key and a wrong password: the clear error, nothing written.
    let empty_home = work.path().join("empty-home");
    std::fs::create_dir(&empty_home).unwrap();
    let o = publish(
        site.path(),
        &url(port),
        &[("HOME", empty_home.display().to_string()), ("GONGKAI_PUBLISH_PASSWORD", "wrong".into())],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("被拒绝：用户名或密码（或密钥）不对"), "{}", stderr(&o));
    assert!(tree(&root).is_empty());

    // First publish with the key from HOME/.ssh: byte-identical, host key recorded.
    ok(&publish(site.path(), &url(port), &with_key));
    assert_mirror(tree(&root), &site.path().join("public"), &[]);
    let known = std::fs::read_to_string(home.join(".ssh/known_hosts")).unwrap();
    assert!(known.contains(&format!("[127.0.0.1]:{port}")), "{known}");

    let first = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    std::fs::write(root.join("foreign.txt"), b"township").unwrap();
    add_posting(site.path(), "2026-new", "路灯已修好。");
    let before = inodes(&root);
    ok(&publish(site.path(), &url(port), &with_key));
    let second = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    assert_eq!(
        new_inodes(&before, &inodes(&root)),
        changed(&manifest_files(&first), &manifest_files(&second))
    );
    assert_mirror(tree(&root), &site.path().join("public"), &[("foreign.txt", b"township")]);

    // The SSH connection cut mid-upload (through the proxy; the proxy's port is another host
    // entry for known_hosts, learnt the same way).
    add_big_posting(site.path());
    let proxy = Proxy::new(port, 150_000);
    let o = publish(site.path(), &url(proxy.port), &with_key);
    assert!(proxy.cut.load(Ordering::SeqCst));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("接着上次继续"), "{}", stderr(&o));
    let new_manifest = std::fs::read(site.path().join("public/manifest.json")).unwrap();
    let mut now = tree(&root);
    now.retain(|p, _| !p.ends_with(".gongkai-tmp"));
    assert_working(&now, &new_manifest);

    ok(&publish(site.path(), &url(port), &with_key));
    assert_mirror(tree(&root), &site.path().join("public"), &[("foreign.txt", b"township")]);
}
