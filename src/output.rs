//! Writing editions: each to a temporary file in the output folder (`.NAME.PID.tmp`),
//! flushed and synced (`stage`), then renamed over the old one (`Staged::commit`:
//! a build does so only when every edition is staged). A failed or killed build
//! leaves the previous edition as it was; a killed build may leave its temporary
//! file, which the next successful write of the same edition removes.
//!
//! Knows nothing of the formats; writes bytes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot create output folder `{path}`: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    stage(path, bytes)?.commit()
}

/// An edition written and synced to its temporary file, not yet in its place:
/// `commit` puts it there; dropped uncommitted, it removes the file. A build
/// stages each edition as soon as it is rendered (the disk sync of one overlaps
/// the rendering of the other) and commits them only when all rendered.
#[must_use = "a staged file is removed unless committed"]
pub struct Staged {
    path: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

/// Writes `bytes` to the temporary file of `path` (`.NAME.PID.tmp`, beside it)
/// and syncs it. One process stages one file per path at a time.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staged = Staged {
        path: path.to_path_buf(),
        tmp: dir.join(format!(".{name}.{}.tmp", std::process::id())),
        committed: false,
    };
    let written = (|| {
        // A file left by an earlier process with our number is ours to replace; a
        // new file (never through a link planted there) is created in its place.
        match fs::symlink_metadata(&staged.tmp) {
            Ok(m) if !m.is_dir() => fs::remove_file(&staged.tmp)?,
            _ => {}
        }
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&staged.tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    // Failed, `staged` is dropped here: the file it began is removed.
    written.map_err(|source| staged.failed(source))?;
    Ok(staged)
}

impl Staged {
    /// Renames the temporary file over `path`, makes that durable, and removes
    /// the temporary files killed builds left for it.
    pub fn commit(mut self) -> Result<(), WriteError> {
        if let Err(source) = fs::rename(&self.tmp, &self.path) {
            return Err(self.failed(source));
        }
        self.committed = true;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        sync_dir(dir);
        if let Some(name) = self.path.file_name() {
            remove_stale(dir, &name.to_string_lossy());
        }
        Ok(())
    }

    fn failed(&self, source: std::io::Error) -> WriteError {
        WriteError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Only a file we created; a directory in the way is not ours.
        if !self.committed && fs::symlink_metadata(&self.tmp).is_ok_and(|m| m.is_file()) {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Makes the rename durable (best effort: not every system syncs folders).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Removes the temporary files of `name` left by builds that were killed: those of
/// processes no longer running (where `/proc` tells), else those older than an hour.
fn remove_stale(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    let me = std::process::id();
    let proc_fs = Path::new("/proc/self").exists();
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".tmp"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me || !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let stale = if proc_fs {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if stale {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("book.epub");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_staged_file_is_in_place_only_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("book.epub");
        write_atomic(&p, b"old").unwrap();
        let staged = stage(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read(&staged.tmp).unwrap(), b"new");
        staged.commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_staged_file_dropped_uncommitted_leaves_the_old_one_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("book.epub");
        write_atomic(&p, b"old").unwrap();
        let staged = stage(&p, b"new").unwrap();
        let tmp = staged.tmp.clone();
        assert!(tmp.exists());
        drop(staged);
        assert!(!tmp.exists(), "the temporary file is still there");
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_files_of_killed_builds_are_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("book.epub");
        // No process has a number this high (Linux caps them at 2^22).
        let stale = dir.path().join(".book.epub.4294967295.tmp");
        let other = dir.path().join(".other.epub.4294967295.tmp");
        fs::write(&stale, b"half").unwrap();
        fs::write(&other, b"half").unwrap();
        write_atomic(&p, b"whole").unwrap();
        assert!(!stale.exists(), "the stale temporary file is still there");
        assert!(other.exists(), "another edition's file was touched");
    }

    #[test]
    fn a_link_where_the_temporary_file_goes_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"keep").unwrap();
        let p = dir.path().join("book.epub");
        let tmp = dir
            .path()
            .join(format!(".book.epub.{}.tmp", std::process::id()));
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, &tmp).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read(&p).unwrap(), b"new");
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("book.epub");
        write_atomic(&p, b"good").unwrap();
        // A directory where the temporary file would go makes the write fail.
        let blocker = dir
            .path()
            .join(format!(".book.epub.{}.tmp", std::process::id()));
        fs::create_dir(&blocker).unwrap();
        assert!(write_atomic(&p, b"bad").is_err());
        assert_eq!(fs::read(&p).unwrap(), b"good");
    }
}
