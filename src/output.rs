//! Writing editions: each to a temporary file in the output folder (`.NAME.PID.tmp`),
//! flushed and synced, then renamed over the old one. A failed or killed build
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
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        // A file left by an earlier process with our number is ours to replace; a
        // new file (never through a link planted there) is created in its place.
        match fs::symlink_metadata(&tmp) {
            Ok(m) if !m.is_dir() => fs::remove_file(&tmp)?,
            _ => {}
        }
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    match result {
        Ok(()) => {
            sync_dir(dir);
            remove_stale(dir, &name);
            Ok(())
        }
        Err(source) => {
            // Only a file we created; a directory in the way is not ours.
            if fs::symlink_metadata(&tmp).is_ok_and(|m| m.is_file()) {
                let _ = fs::remove_file(&tmp);
            }
            Err(WriteError::Write {
                path: path.to_path_buf(),
                source,
            })
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
