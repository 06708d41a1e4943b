//! `watch`: a book built again whenever one of its files changes, reusing what
//! did not change (`Cache`: each file's parse, each part's setting).
//!
//! What is watched: the book folder and everything under it (a book given as
//! files: the folders holding them), and the folder of every other file the last
//! build read (an included file, a bibliography beside the book). Changes are
//! gathered for `SETTLE` (an editor's save is several events: a temporary file,
//! a rename) and then the book is built once. Not watched: the output folder (our
//! own writes), hidden files and folders (`.git`, editors' `.swp`), backups
//! (`name~`). A build that fails writes nothing (as `build` does), so the last good
//! editions stay, and the next change builds again.
//!
//! Filesystem events come from the notify crate (inotify, FSEvents, ReadDirectoryChangesW);
//! this module only decides which matter and when to build. Reading a file is an
//! event too (inotify's open and close): those are dropped, or every build would
//! start the next.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use crate::{build_with, load, BuildOptions, Cache, Progress, Report};

/// How long the files must be quiet before a rebuild: long enough to take an
/// editor's save (write, rename, change of attributes) as one change, short
/// enough not to be felt.
pub const SETTLE: Duration = Duration::from_millis(80);

/// Why watching stopped.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch `{path}`: {source}")]
    Watch {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
    #[error("the file watcher stopped: {0}")]
    Stopped(String),
    #[error("nothing to watch: the book could not be read")]
    Nothing,
}

/// What happened in one round of watching, for the caller to show.
pub struct Round<'a> {
    /// The build's report (diagnostics, files written, time).
    pub report: &'a Report,
    /// What the build reused and redid, and the editions it wrote.
    pub cache: &'a Cache,
    /// The changed files that started it (empty for the first build).
    pub changed: &'a [PathBuf],
}

/// Builds the book, then again after every change to its files, telling
/// `progress` of each build's stages and calling `after` with each build.
/// Returns only when watching fails (also when the first build found no book
/// folder to watch: `WatchError::Nothing`), or when `after` returns false.
pub fn watch(
    opts: &BuildOptions,
    progress: &dyn Progress,
    mut after: impl FnMut(Round<'_>) -> bool,
) -> Result<(), WatchError> {
    // Watching starts before the first build: a change made while it runs
    // builds again.
    let out = absolute(&opts.out_dir);
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| WatchError::Watch {
        path: PathBuf::from("."),
        source: e,
    })?;
    let mut watched: BTreeSet<(PathBuf, bool)> = BTreeSet::new();
    add(
        &mut watcher,
        &mut watched,
        &roots(&opts.input, &Report::default()),
    )?;
    let mut cache = Cache::default();
    let report = build_with(opts, Some(&mut cache), progress);
    let mut roots = roots(&opts.input, &report);
    add(&mut watcher, &mut watched, &roots)?;
    let nothing = watched.is_empty();
    if !after(Round {
        report: &report,
        cache: &cache,
        changed: &[],
    }) {
        return Ok(());
    }
    if nothing {
        return Err(WatchError::Nothing);
    }
    loop {
        // While the author writes: copies of what the next rebuild reuses.
        cache.prepare();
        add(&mut watcher, &mut watched, &roots)?;
        // The first change, then every other until the files are quiet.
        let mut events = vec![next(&rx)?];
        loop {
            match rx.recv_timeout(SETTLE) {
                Ok(e) => events.push(e.map_err(|e| WatchError::Stopped(e.to_string()))?),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(e) => return Err(WatchError::Stopped(e.to_string())),
            }
        }
        let changed = relevant(&events, &out, &watched);
        if changed.is_empty() {
            continue;
        }
        // The keys of parses and settings read text, settings and pictures, not
        // font files: a font changed in place sets everything anew.
        if changed.iter().any(|p| is_font(p)) {
            cache.clear();
        }
        let report = build_with(opts, Some(&mut cache), progress);
        roots.extend(self::roots(&opts.input, &report));
        if !after(Round {
            report: &report,
            cache: &cache,
            changed: &changed,
        }) {
            return Ok(());
        }
    }
}

/// The folders to watch: the book folder (recursively), else each given file's
/// folder, and the folder of every file the build read outside those.
fn roots(input: &load::Input, report: &Report) -> BTreeSet<(PathBuf, bool)> {
    let mut out = BTreeSet::new();
    let mut under: Vec<PathBuf> = Vec::new();
    match input {
        load::Input::Folder(dir) => {
            let dir = absolute(dir);
            under.push(dir.clone());
            out.insert((dir, true));
        }
        load::Input::Files(files) => {
            for f in files {
                out.insert((folder_of(&absolute(f)), false));
            }
        }
    }
    for (_, file) in report.sources.iter() {
        let path = absolute(&file.path);
        if under.iter().any(|u| path.starts_with(u)) {
            continue;
        }
        let dir = folder_of(&path);
        if dir.is_dir() {
            out.insert((dir, false));
        }
    }
    out
}

/// Watches each of `roots` not watched yet.
fn add(
    watcher: &mut impl Watcher,
    watched: &mut BTreeSet<(PathBuf, bool)>,
    roots: &BTreeSet<(PathBuf, bool)>,
) -> Result<(), WatchError> {
    for (path, recursive) in roots {
        // A folder that is not there (a book that failed to load) is not watched;
        // the build said why.
        if path.exists() && watched.insert((path.clone(), *recursive)) {
            let mode = if *recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            watcher.watch(path, mode).map_err(|e| WatchError::Watch {
                path: path.clone(),
                source: e,
            })?;
        }
    }
    Ok(())
}

/// The next event, waiting as long as it takes.
fn next(rx: &mpsc::Receiver<notify::Result<notify::Event>>) -> Result<notify::Event, WatchError> {
    match rx.recv() {
        Ok(Ok(e)) => Ok(e),
        Ok(Err(e)) => Err(WatchError::Stopped(e.to_string())),
        Err(e) => Err(WatchError::Stopped(e.to_string())),
    }
}

/// The changed files that are the book's: changed (not only read), not in the
/// output folder, not hidden below the folder watched (the book may itself be in
/// a hidden folder), not an editor's backup. Sorted, each once.
fn relevant(
    events: &[notify::Event],
    out: &Path,
    watched: &BTreeSet<(PathBuf, bool)>,
) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
        .flat_map(|e| e.paths.iter().cloned())
        .filter(|p| !p.starts_with(out))
        .filter(|p| {
            let below = watched
                .iter()
                .filter_map(|(root, _)| p.strip_prefix(root).ok())
                .min_by_key(|rest| rest.components().count())
                .unwrap_or(p);
            !below.components().any(|c| {
                let name = c.as_os_str().to_string_lossy();
                name.starts_with('.') && name != "." && name != ".."
            })
        })
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // vim's probe of a folder's write permission is a file named 4913.
            !(name.ends_with('~')
                || name.ends_with(".swp")
                || name.ends_with(".swx")
                || name == "4913")
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

fn is_font(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "ttf" | "otf" | "ttc" | "otc" | "woff" | "woff2"))
}

/// `p` made absolute against the current folder (not canonical: a symlinked book
/// folder is watched where the user named it, which is where events say).
fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn folder_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};

    fn event(p: &str) -> notify::Event {
        notify::Event::new(EventKind::Modify(ModifyKind::Any)).add_path(PathBuf::from(p))
    }

    #[test]
    fn changes_in_the_output_hidden_files_and_backups_are_not_the_books() {
        let events = [
            event("/b/chapters/one.md"),
            event("/b/out/book.pdf"),
            event("/b/.git/index"),
            event("/b/chapters/.one.md.swp"),
            event("/b/chapters/one.md~"),
            event("/b/chapters/4913"),
            event("/b/chapters/one.md"),
            event("/b/fonts/Body.otf"),
            notify::Event::new(EventKind::Access(AccessKind::Any))
                .add_path(PathBuf::from("/b/chapters/two.md")),
            notify::Event::new(EventKind::Create(CreateKind::File))
                .add_path(PathBuf::from("/b/chapters/three.md")),
        ];
        let watched = BTreeSet::from([(PathBuf::from("/b"), true)]);
        let got = relevant(&events, Path::new("/b/out"), &watched);
        // A book in a hidden folder (a temporary one) is still watched.
        let hidden = BTreeSet::from([(PathBuf::from("/tmp/.tmpX/b"), true)]);
        assert_eq!(
            relevant(
                &[event("/tmp/.tmpX/b/one.md")],
                Path::new("/tmp/.tmpX/out"),
                &hidden
            ),
            [PathBuf::from("/tmp/.tmpX/b/one.md")]
        );
        assert_eq!(
            got,
            [
                PathBuf::from("/b/chapters/one.md"),
                PathBuf::from("/b/chapters/three.md"),
                PathBuf::from("/b/fonts/Body.otf")
            ]
        );
        assert!(is_font(&got[2]) && !is_font(&got[0]));
    }
}
