//! `gongkai publish`: puts the built site on the township's server, incrementally and safely.
//!
//! The remote `manifest.json` says what is online. A publish compares it with the local one and
//! uploads only new and changed files: assets first, then pages, `manifest.json` last, then it
//! removes what the old manifest listed and the new one does not. Before the first upload it
//! writes a journal of every path it may write ([`plan::JOURNAL_PATH`]), so a cut-off publish
//! leaves a working site (each file is replaced in one step) and the next run finishes it.
//! Files that no gongkai manifest lists are never overwritten or removed.
//!
//! Layers: [`target`] parses the address, [`secrets`] finds passwords, [`remote`] speaks each
//! protocol, [`plan`] computes the diff; this module runs them in order.

pub mod error;
pub mod plan;
pub mod progress;
pub mod remote;
pub mod says;
pub mod secrets;
pub mod target;

use crate::manifest::{MANIFEST_PATH, Manifest};
use error::{Kind, PublishError, RemoteError};
use plan::{JOURNAL_PATH, Journal, Plan};
use remote::{NetConfig, Retrying};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use target::Address;

/// Where the last published manifest is copied, relative to the site folder (the build reads
/// it as what is already published).
pub const PUBLISHED_COPY: &str = crate::record::published::PUBLISHED_PATH;

/// The built site about to be published.
pub struct Local {
    pub out: PathBuf,
    pub manifest_bytes: Vec<u8>,
    /// path → SHA-256, as the manifest lists them.
    pub files: BTreeMap<String, String>,
}

impl Local {
    /// Reads `out/manifest.json`.
    pub fn read(out: &Path) -> Result<Local, PublishError> {
        let path = out.join(MANIFEST_PATH);
        let missing = || PublishError::NoLocalManifest(path.display().to_string());
        let bytes = std::fs::read(&path).map_err(|_| missing())?;
        let manifest = Manifest::parse(&String::from_utf8_lossy(&bytes)).ok_or_else(missing)?;
        Ok(Local { out: out.to_path_buf(), manifest_bytes: bytes, files: manifest.files })
    }

    fn bytes_of(&self, path: &str) -> Result<Vec<u8>, RemoteError> {
        let mut p = self.out.clone();
        p.extend(path.split('/'));
        std::fs::read(&p).map_err(|e| {
            RemoteError::new(Kind::Other, format!("本机文件 {} 读不出来：{e}", p.display()))
        })
    }

    /// Size in bytes of a local file (0 if it cannot be read; the upload then says why).
    pub fn size_of(&self, path: &str) -> u64 {
        let mut p = self.out.clone();
        p.extend(path.split('/'));
        std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0)
    }
}

/// A connected publish with its plan, ready to be shown and run.
pub struct Prepared<'a> {
    remote: Retrying<'a>,
    pub plan: Plan,
    pub local: Local,
    label: String,
    host: String,
}

/// What a finished publish did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub uploaded: usize,
    pub replaced: usize,
    pub removed: usize,
    pub bytes: u64,
}

/// The address without secrets, for messages.
pub fn label(addr: &Address, url: &str) -> String {
    match addr {
        Address::Folder(p) => p.display().to_string(),
        _ => url.to_string(),
    }
}

fn remote_err(label: &str, host: &str, attempts: u32) -> impl Fn(RemoteError) -> PublishError {
    move |err| PublishError::remote(label.to_string(), host.to_string(), err, attempts.max(1))
}

/// Connects, reads the remote manifest and journal, and plans; refuses if a path the site
/// needs holds a file that no gongkai manifest lists.
pub fn prepare<'a>(
    addr: &'a Address,
    url: &str,
    secrets: &'a secrets::Secrets,
    net: NetConfig,
    local: Local,
) -> Result<Prepared<'a>, PublishError> {
    let label = label(addr, url);
    let host = addr.host();
    let mut remote = match Retrying::open(addr, secrets, net) {
        Ok(r) => r,
        Err(e) => return Err(remote_err(&label, &host, net.attempts)(e)),
    };
    let mut foreign = Vec::new();
    let fail = |r: &Retrying<'_>, e: RemoteError| remote_err(&label, &host, r.last_attempts)(e);
    let remote_manifest = match remote.run(|c| c.get(MANIFEST_PATH)) {
        Ok(b) => b,
        Err(e) => return Err(fail(&remote, e)),
    };
    let remote_files = match &remote_manifest {
        Some(b) => match Manifest::parse(&String::from_utf8_lossy(b)) {
            Some(m) => Some(m.files),
            None => {
                foreign.push(MANIFEST_PATH.to_string());
                None
            }
        },
        None => None,
    };
    let journal = match remote.run(|c| c.get(JOURNAL_PATH)) {
        Ok(Some(b)) => match Journal::parse(&b) {
            Some(j) => Some(j),
            None => {
                foreign.push(JOURNAL_PATH.to_string());
                None
            }
        },
        Ok(None) => None,
        Err(e) => return Err(fail(&remote, e)),
    };
    let same = remote_manifest.as_deref() == Some(local.manifest_bytes.as_slice());
    let plan = plan::plan(&local.files, remote_files.as_ref(), journal.as_ref(), same);
    for path in &plan.unlisted {
        match remote.run(|c| c.exists(path)) {
            Ok(true) => foreign.push(path.clone()),
            Ok(false) => {}
            Err(e) => return Err(fail(&remote, e)),
        }
    }
    if !foreign.is_empty() {
        return Err(PublishError::Foreign { target: label, paths: foreign });
    }
    Ok(Prepared { remote, plan, local, label, host })
}

impl Prepared<'_> {
    /// Bytes the uploads will send.
    pub fn upload_bytes(&self) -> u64 {
        self.plan.uploads.iter().map(|u| self.local.size_of(&u.path)).sum::<u64>()
            + self.local.manifest_bytes.len() as u64
    }

    /// Runs the plan: journal, assets, pages, manifest, removals, journal removed.
    pub fn execute(mut self, hidden_progress: bool) -> Result<Summary, PublishError> {
        let mut summary = Summary::default();
        if self.plan.is_empty() {
            return Ok(summary);
        }
        let total = self.upload_bytes();
        let mut progress =
            progress::Progress::new(self.plan.uploads.len() + 1, total, hidden_progress);
        let label = self.label.clone();
        let host = self.host.clone();
        let result = (|| -> Result<(), (RemoteError, u32)> {
            let remote = &mut self.remote;
            let journal = self.plan.journal.to_json();
            remote.run(|c| c.put(JOURNAL_PATH, &journal)).map_err(|e| (e, remote.last_attempts))?;
            for up in &self.plan.uploads {
                let data = self.local.bytes_of(&up.path).map_err(|e| (e, 1))?;
                remote.run(|c| c.put(&up.path, &data)).map_err(|e| (e, remote.last_attempts))?;
                progress.file_done(data.len() as u64);
                summary.bytes += data.len() as u64;
                if up.replaces {
                    summary.replaced += 1;
                } else {
                    summary.uploaded += 1;
                }
            }
            let manifest = &self.local.manifest_bytes;
            remote
                .run(|c| c.put(MANIFEST_PATH, manifest))
                .map_err(|e| (e, remote.last_attempts))?;
            progress.file_done(manifest.len() as u64);
            summary.bytes += manifest.len() as u64;
            for path in &self.plan.removals {
                remote.run(|c| c.delete(path)).map_err(|e| (e, remote.last_attempts))?;
                summary.removed += 1;
            }
            remote.run(|c| c.delete(JOURNAL_PATH)).map_err(|e| (e, remote.last_attempts))?;
            Ok(())
        })();
        progress.finish();
        result.map_err(|(e, attempts)| remote_err(&label, &host, attempts)(e))?;
        Ok(summary)
    }
}

/// Writes a byte copy of the manifest just published to `<site>/.gongkai/published.json`
/// (temporary file and rename, so a crash leaves the old copy or the new one).
pub fn record_published(site: &Path, manifest: &[u8]) -> Result<(), PublishError> {
    use std::io::Write;
    let dest = site.join(PUBLISHED_COPY);
    let err = |e: std::io::Error| PublishError::LocalCopy(e.to_string());
    let dir = dest.parent().unwrap_or(site);
    std::fs::create_dir_all(dir).map_err(err)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(manifest).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(&dest).map_err(|e| err(e.error))?;
    Ok(())
}
