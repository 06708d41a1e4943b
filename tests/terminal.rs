//! What the command prints on stderr: `-q` (errors only), `-v` (each stage's
//! time), colour and the progress bar only on a terminal (and colour not with
//! `NO_COLOR`), and plain text everywhere else, as these tests read it.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const MANIFEST: &str = "title: Test\nbibliography: refs.yaml\nchapters:\n  - chapters/*.md\n";

/// Two entries, one of them never cited: a warning (W0102), and the book builds.
const REFS: &str = "cited2020:\n  type: book\n  title: Cited\n  author: Doe, Jane\n  date: 2020\n\
                    unused2020:\n  type: book\n  title: Never Cited\n  author: Roe, Jo\n  date: 2020\n";

/// A book that builds with one warning.
fn warned_book(dir: &Path) {
    write_book(
        dir,
        &[
            ("book.yaml", MANIFEST),
            ("refs.yaml", REFS),
            ("chapters/01.md", "# One\n\nAs shown [@cited2020].\n"),
        ],
    );
}

fn run(args: &[&str]) -> (i32, String) {
    let o = bookbind(args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

#[test]
fn quiet_prints_nothing_for_a_book_with_a_warning_and_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    warned_book(&book);
    let out = dir.path().join("out");
    let (b, o) = (book.to_str().unwrap(), out.to_str().unwrap());
    // Without -q: the warning and the summary.
    let (status, err) = run(&["build", b, "--out", o]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("warning[W0102]"), "{err}");
    assert!(err.contains("bound "), "{err}");
    // With -q, before or after the subcommand: nothing, and the editions written.
    std::fs::remove_dir_all(&out).unwrap();
    for args in [
        ["-q", "build", b, "--out", o],
        ["build", "--quiet", b, "--out", o],
    ] {
        let (status, err) = run(&args);
        assert_eq!(status, 0, "{err}");
        assert_eq!(err, "", "-q printed something");
        assert!(out.join("test.epub").is_file() && out.join("test.pdf").is_file());
    }
    let (status, err) = run(&["check", "-q", b]);
    assert_eq!((status, err.as_str()), (0, ""));
    // A warning that fails the build is shown even with -q.
    let (status, err) = run(&["check", "-q", "--deny-warnings", b]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("warning[W0102]"), "{err}");
}

#[test]
fn quiet_still_prints_the_errors_of_a_broken_book() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    warned_book(&book);
    write_book(
        &book,
        &[("chapters/02.md", "# Two\n\nAs shown [@nobody1999].\n")],
    );
    let out = dir.path().join("out");
    let (status, err) = run(&[
        "build",
        "-q",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("error[E0006]"), "{err}");
    assert!(err.contains("02.md:3:12"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    // Errors only: the warning is not printed.
    assert!(!err.contains("W0102"), "{err}");
    assert!(!out.exists(), "something was written");
}

#[test]
fn verbose_lists_each_stage_with_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    warned_book(&book);
    let out = dir.path().join("out");
    let (status, err) = run(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-v",
    ]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("bound "), "{err}");
    let stages: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.strip_suffix(" ms"))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(_, ms)| ms.parse::<f64>().is_ok())
        .map(|(stage, _)| stage)
        .collect();
    for stage in [
        "load", "parse", "resolve", "lay out", "PDF", "EPUB", "write",
    ] {
        assert!(
            stages.contains(&stage),
            "no `{stage}` in {stages:?}:\n{err}"
        );
    }
    // A check has no editions to render or write.
    let (status, err) = run(&["-v", "check", book.to_str().unwrap()]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("  resolve "), "{err}");
    assert!(!err.contains("  write "), "{err}");
    // -q and -v together are a bad command line.
    let (status, _) = run(&["check", "-q", "-v", book.to_str().unwrap()]);
    assert_eq!(status, 2);
}

/// How many chapters the long book has (and one more part: its title page).
const PARTS: usize = 60;

/// A book long enough to take over a second to build (two in a release build on
/// two cores, many more in a debug build).
fn long_book(dir: &Path) {
    let paragraph = "Words follow words across the line until the paragraph is long enough \
                     to break over several lines, with hyphenation and justification. "
        .repeat(6);
    let chapter = format!("# A chapter\n\n{}", format!("{paragraph}\n\n").repeat(40));
    let mut files = vec![(
        "book.yaml".to_string(),
        "title: Long\nchapters:\n  - chapters/*.md\n".to_string(),
    )];
    for i in 0..PARTS {
        files.push((format!("chapters/{i:02}.md"), chapter.clone()));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    write_book(dir, &files);
}

/// The seconds of a summary line, `bound … in 1.23 s: …`.
fn seconds(err: &str) -> f64 {
    err.split(" in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn no_escapes_and_no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    long_book(&book);
    write_book(
        &book,
        &[("chapters/99.md", "# Last\n\nAs shown [@nobody1999].\n")],
    );
    // stderr is a pipe here, and NO_COLOR is not set: plain text all the same.
    let o = Command::new(env!("CARGO_BIN_EXE_bookbind"))
        .args(["check", book.to_str().unwrap()])
        .env_remove("NO_COLOR")
        .output()
        .expect("bookbind runs");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E0006]"), "{err}");
    assert!(
        !err.contains('\x1b'),
        "an escape sequence on a pipe: {err:?}"
    );
    assert!(!err.contains('\r'), "a bar redrawn on a pipe: {err:?}");
    // A long build: still nothing but the summary.
    std::fs::remove_file(book.join("chapters/99.md")).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_bookbind"))
        .args(["build", book.to_str().unwrap(), "--out"])
        .arg(&out)
        .env_remove("NO_COLOR")
        .output()
        .expect("bookbind runs");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(err.lines().count(), 1, "more than the summary: {err:?}");
    assert!(
        err.starts_with(&format!("bound {} parts", PARTS + 1)),
        "{err:?}"
    );
    assert!(!err.contains('\x1b') && !err.contains('\r'), "{err:?}");
    eprintln!("the long book took {} s", seconds(&err));
}

/// Runs `bookbind ARGS` on a pseudo-terminal (util-linux `script`), with
/// `NO_COLOR` as given, on one thread (so that the long book takes long enough to
/// show its bar in a release build too); None when `script` is not installed.
fn on_terminal(args: &[&str], no_color: Option<&str>) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_bookbind");
    let command = std::iter::once(bin)
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut c = Command::new("script");
    c.args(["-qec", &command, "/dev/null"])
        .env("RAYON_NUM_THREADS", "1");
    match no_color {
        Some(v) => c.env("NO_COLOR", v),
        None => c.env_remove("NO_COLOR"),
    };
    let o = c.output().ok().filter(|o| o.status.code().is_some())?;
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn on_a_terminal_diagnostics_are_coloured_unless_no_color_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    warned_book(&book);
    let b = book.to_str().unwrap();
    let Some(coloured) = on_terminal(&["check", b], None) else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    assert!(coloured.contains("warning[W0102]"), "{coloured:?}");
    assert!(
        coloured.contains("\x1b[38;5;11mwarning[W0102]"),
        "a warning is yellow: {coloured:?}"
    );
    // NO_COLOR set to anything but the empty string: plain.
    let plain = on_terminal(&["check", b], Some("1")).unwrap_or_default();
    assert!(plain.contains("warning[W0102]"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
    let empty = on_terminal(&["check", b], Some("")).unwrap_or_default();
    assert!(
        empty.contains('\x1b'),
        "an empty NO_COLOR is unset: {empty:?}"
    );
}

#[test]
fn on_a_terminal_a_long_build_shows_its_progress_and_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    long_book(&book);
    let out = dir.path().join("out");
    let (b, o) = (book.to_str().unwrap(), out.to_str().unwrap());
    let Some(shown) = on_terminal(&["build", b, "--out", o], Some("1")) else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    let summary = shown
        .rfind(" parts, ")
        .and_then(|i| shown[..i].rfind("bound"));
    let Some(summary) = summary else {
        panic!("no summary: {shown:?}");
    };
    if seconds(&shown) < 1.3 {
        eprintln!(
            "skipped: the build took {} s, too short for a bar",
            seconds(&shown)
        );
        return;
    }
    // Drawn (the stages under way, the parts set while laying out) ...
    let bar = &shown[..summary];
    assert!(
        ["parts set", "EPUB", "PDF", "write"]
            .iter()
            .any(|s| bar.contains(s)),
        "no bar: {shown:?}"
    );
    // ... and cleared (the line erased) before the summary, which has its own line.
    assert!(bar.ends_with("\r\x1b[2K"), "not cleared: {shown:?}");
    assert!(!shown[summary..].contains("parts set"), "{shown:?}");
    // Not with -q.
    let quiet = on_terminal(&["build", "-q", b, "--out", o], Some("1")).unwrap_or_default();
    assert!(!quiet.contains("parts set"), "{quiet:?}");
}
