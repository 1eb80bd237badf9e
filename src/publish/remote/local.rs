//! A folder target: a USB stick, a network share, a local web root.

use super::{Remote, temp_name};
use crate::publish::error::RemoteError;
use std::io::Write;
use std::path::PathBuf;

pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub fn new(root: PathBuf) -> Folder {
        Folder { root }
    }

    fn full(&self, path: &str) -> PathBuf {
        // Manifest paths always use `/`; PathBuf::join of each part keeps Windows happy.
        let mut p = self.root.clone();
        p.extend(path.split('/'));
        p
    }
}

impl Remote for Folder {
    fn get(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        match std::fs::read(self.full(path)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(RemoteError::io(&e).at(path)),
        }
    }

    fn exists(&mut self, path: &str) -> Result<bool, RemoteError> {
        Ok(self.full(path).symlink_metadata().is_ok())
    }

    fn put(&mut self, path: &str, data: &[u8]) -> Result<(), RemoteError> {
        let dest = self.full(path);
        let tmp = self.full(&temp_name(path));
        let write = || -> std::io::Result<()> {
            if let Some(dir) = dest.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(data)?;
            // On a USB stick pulled out right after, the data must already be on it.
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &dest)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            RemoteError::io(&e).at(path)
        })
    }

    fn delete(&mut self, path: &str) -> Result<(), RemoteError> {
        match std::fs::remove_file(self.full(path)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(RemoteError::io(&e).at(path)),
        }
    }
}
