//! Writing editions never destroys the last good one: an output folder that cannot
//! be written, a full disk and a build killed while it runs each leave the previous
//! edition as it was (or replaced whole), and no partial file behind.
//!
//! Tests that need a privilege (mounting a small tmpfs) say so and skip without it;
//! those that need an unwritable folder use `chmod` where it binds, else a read-only
//! mount, since root writes through `chmod 555`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use common::*;

const MANIFEST: &str = "title: Test\ndate: 2024-01-01\nchapters:\n  - chapters/*.md\n";

/// A small book in `dir/book`; `version` changes its text (and so its editions).
fn small_book(dir: &Path, version: u32) -> PathBuf {
    let book = dir.join("book");
    write_book(
        &book,
        &[
            ("book.yaml", MANIFEST),
            (
                "chapters/01.md",
                &format!("# One\n\nThe text of version {version}, with some words.\n"),
            ),
        ],
    );
    book
}

fn build(book: &Path, out: &Path) -> Output {
    bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Names and bytes of every file in `dir`.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.file_type().unwrap().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    v.sort();
    v
}

/// Builds version 1 into `out`; returns the files it wrote.
fn previous_edition(dir: &Path, out: &Path) -> Vec<(String, Vec<u8>)> {
    let book = small_book(dir, 1);
    let o = build(&book, out);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = files(out);
    assert_eq!(f.len(), 2, "{f:?}");
    f
}

fn assert_write_error(o: &Output) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "exit status; stderr:\n{err}");
    assert!(err.contains("error[E0021]"), "no E0021 in:\n{err}");
    assert!(
        err.contains("nothing was written") || err.contains("cannot"),
        "{err}"
    );
}

/// A tmpfs mounted for the test, unmounted when dropped. None without the privilege.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(at.to_path_buf()))
    }

    fn remount(&self, options: &str) -> bool {
        Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn an_output_path_below_a_regular_file_is_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_book(dir.path(), 1);
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"a file").unwrap();
    let o = build(&book, &file.join("out"));
    assert_write_error(&o);
    assert!(stderr(&o).contains("not-a-folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), b"a file");
    let o = build(&book, Path::new("/dev/full"));
    assert_write_error(&o);
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_is_an_error_and_the_previous_edition_stays() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let before = previous_edition(dir.path(), &out);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let chmod_binds = std::fs::write(out.join("probe"), b"x").is_err();
    let _ = std::fs::remove_file(out.join("probe"));
    // As root, chmod does not stop writes: a read-only mount does.
    let mount;
    let out = if chmod_binds {
        out
    } else {
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
        let ro = dir.path().join("ro");
        mount = Mount::tmpfs(&ro, "size=4m");
        let Some(m) = &mount else {
            eprintln!("skipped: running as root and not allowed to mount a read-only tmpfs");
            return;
        };
        for (name, bytes) in &before {
            std::fs::write(ro.join(name), bytes).unwrap();
        }
        assert!(m.remount("ro"), "cannot remount the tmpfs read-only");
        assert!(std::fs::write(ro.join("probe"), b"x").is_err());
        ro
    };
    let book = small_book(dir.path(), 2);
    let o = build(&book, &out);
    assert_write_error(&o);
    assert_eq!(files(&out), before, "the previous edition changed");
    if chmod_binds {
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_full_disk_is_an_error_and_the_previous_edition_stays() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("small-disk");
    let Some(_mount) = Mount::tmpfs(&out, "size=512k") else {
        eprintln!("skipped: not allowed to mount a small tmpfs (needs CAP_SYS_ADMIN); see a_file_size_limit_is_an_error_like_a_full_disk");
        return;
    };
    let before = previous_edition(dir.path(), &out);
    // Fill the disk to the last byte.
    {
        use std::io::Write;
        let mut f = std::fs::File::create(out.join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        while f.write_all(&block[..1]).is_ok() {}
    }
    let filler = std::fs::read(out.join("filler")).unwrap();
    let book = small_book(dir.path(), 2);
    let o = build(&book, &out);
    assert_write_error(&o);
    assert!(
        stderr(&o).contains("No space left") || stderr(&o).contains("space"),
        "{}",
        stderr(&o)
    );
    let mut after = files(&out);
    after.retain(|(n, _)| n != "filler");
    assert_eq!(
        after, before,
        "the previous edition changed or a file was left"
    );
    assert_eq!(
        std::fs::read(out.join("filler")).unwrap().len(),
        filler.len()
    );
}

/// Builds `book` into `out` with no file allowed past `blocks` blocks of 512
/// bytes (`ulimit -f` in POSIX sh), SIGXFSZ ignored: a write past it fails
/// (EFBIG), as on a full disk.
#[cfg(unix)]
fn build_with_file_limit(book: &Path, out: &Path, blocks: usize) -> Output {
    Command::new("sh")
        .args([
            "-c",
            &format!("ulimit -f {blocks} && trap '' XFSZ && exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_bookbind"),
            "build",
            book.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_is_an_error_like_a_full_disk() {
    // `ulimit -f` makes writes fail past 4 KB (EFBIG) once SIGXFSZ is ignored, as a
    // full disk does, with no privilege needed.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let before = previous_edition(dir.path(), &out);
    let book = small_book(dir.path(), 2);
    let o = build_with_file_limit(&book, &out, 8);
    assert_write_error(&o);
    assert_eq!(
        files(&out),
        before,
        "the previous edition changed or a file was left"
    );
}

/// An edition that cannot be written keeps the other from being put in place:
/// the two editions stay from one source. A file size limit between the
/// EPUB's size and the PDF's lets the EPUB's temporary file be written and
/// stops the PDF's.
#[cfg(unix)]
#[test]
fn one_edition_that_cannot_be_written_keeps_the_other_from_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let before = previous_edition(dir.path(), &out);
    let size = |ext: &str| {
        before
            .iter()
            .find(|(n, _)| n.ends_with(ext))
            .map(|(_, b)| b.len())
            .unwrap()
    };
    let (epub, pdf) = (size(".epub"), size(".pdf"));
    let blocks = (epub + pdf) / 2 / 512;
    assert!(
        epub + 256 < blocks * 512 && blocks * 512 + 256 < pdf,
        "the limit must fall between the EPUB ({epub} bytes) and the PDF ({pdf})"
    );
    let book = small_book(dir.path(), 2);
    let o = build_with_file_limit(&book, &out, blocks);
    assert_write_error(&o);
    assert!(stderr(&o).contains(".pdf"), "{}", stderr(&o));
    assert_eq!(
        files(&out),
        before,
        "an edition was replaced, or a file was left"
    );
}

// ---------------------------------------------------------------------------
// Killed mid-build

/// A book big enough that building it takes a while: many chapters of text and an
/// incompressible image, so that writing takes a while too.
fn big_book(dir: &Path, version: u32) -> PathBuf {
    let book = dir.join("big");
    let mut files: Vec<(String, String)> = vec![(
        "book.yaml".into(),
        "title: Test\ndate: 2024-01-01\nchapters:\n  - chapters/*.md\n".into(),
    )];
    let para = "The quick brown fox jumps over the lazy dog, and the dog, being lazy, \
                lets it; nothing in this sentence is worth reading twice. ";
    for c in 0..6 {
        let mut md = format!("# Chapter {c} of version {version}\n\n");
        for p in 0..12 {
            md.push_str(&format!("{p}. {}\n\n", para.repeat(3)));
        }
        if c == 0 {
            md.push_str("![noise](../images/noise.png)\n");
        }
        files.push((format!("chapters/{c:02}.md"), md));
    }
    let f: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_book(&book, &f);
    std::fs::create_dir_all(book.join("images")).unwrap();
    std::fs::write(book.join("images/noise.png"), noise_png(512 << 10)).unwrap();
    book
}

/// A structurally complete PNG of about `n` bytes of noise.
fn noise_png(n: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(n);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while data.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.extend(x.to_le_bytes());
    }
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [
        (&b"IHDR"[..], &[0u8, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0][..]),
        (b"IDAT", &data),
        (b"IEND", &[]),
    ] {
        v.extend((body.len() as u32).to_be_bytes());
        v.extend(kind);
        v.extend(body);
        v.extend([0, 0, 0, 0]); // CRC: not checked by bookbind
    }
    v
}

fn spawn_build(book: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_bookbind"))
        .args(["build", book.to_str().unwrap(), "--out"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The EPUB opens and every XML file in it parses.
fn assert_valid_epub(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.epub");
    std::fs::write(&p, bytes).unwrap();
    let epub = Epub::open(&p);
    for (name, b) in &epub.files {
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            parse_xml(std::str::from_utf8(b).unwrap())
                .unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
        }
    }
}

#[test]
fn killing_the_build_at_any_moment_leaves_the_previous_edition_or_the_new_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The previous edition (version 1), and what version 2 gives when left alone.
    let v1 = big_book(&dir.path().join("v1"), 1);
    let v2 = big_book(&dir.path().join("v2"), 2);
    let o = build(&v1, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let old = files(&out);
    let reference = dir.path().join("reference");
    let start = Instant::now();
    let o = build(&v2, &reference);
    let took = start.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    let new = files(&reference);
    assert_ne!(old, new);
    for (name, bytes) in old.iter().chain(&new) {
        if name.ends_with(".epub") {
            assert_valid_epub(bytes);
        } else {
            assert!(bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"));
        }
    }

    // Kill at spread-out moments, and then as soon as a temporary file appears,
    // that is, while an edition is being written.
    let (mut replaced, mut mid_write) = (0, 0);
    let moments = [Some(0.0), Some(0.3), Some(0.6), Some(0.9), None, None, None];
    let mut killed: Vec<u32> = Vec::new();
    for moment in moments {
        let mut child = spawn_build(&v2, &out);
        let pid = child.id();
        killed.push(pid);
        match moment {
            Some(f) => std::thread::sleep(took.mul_f64(f)),
            None => {
                let tmp = format!(".{pid}.tmp");
                let deadline = Instant::now() + took * 4;
                while Instant::now() < deadline
                    && !std::fs::read_dir(&out)
                        .unwrap()
                        .flatten()
                        .any(|e| e.file_name().to_string_lossy().ends_with(&tmp))
                {
                    std::hint::spin_loop();
                }
            }
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for (name, bytes) in files(&out) {
            let is_old = old.iter().any(|(n, b)| *n == name && *b == bytes);
            let is_new = new.iter().any(|(n, b)| *n == name && *b == bytes);
            // A temporary file of a killed build, left in the folder.
            let own_tmp = name.starts_with('.')
                && killed.iter().any(|p| name.ends_with(&format!(".{p}.tmp")));
            replaced += usize::from(is_new && !is_old);
            mid_write += usize::from(name.ends_with(&format!(".{pid}.tmp")));
            assert!(
                is_old || is_new || own_tmp,
                "after a kill at {moment:?} × {took:?}: `{name}` ({} bytes) is neither the previous edition nor the new one",
                bytes.len()
            );
        }
    }
    eprintln!(
        "build: {took:?}; after the kills: {replaced} editions found replaced whole, \
         {mid_write} temporary files left by a kill during a write"
    );
    assert!(mid_write > 0, "no kill landed while an edition was written");

    // The next build succeeds and leaves no temporary file behind.
    let o = build(&v2, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        files(&out),
        new,
        "temporary files were left, or the edition differs"
    );
}

#[test]
fn a_stale_temporary_file_from_a_killed_build_is_removed_by_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let before = previous_edition(dir.path(), &out);
    // Process numbers never reach 2^32 - 1: no live process owns these.
    let stale = out.join(".test.epub.4294967295.tmp");
    let stale_pdf = out.join(".test.pdf.4294967294.tmp");
    let other = out.join(".notes.txt.4294967295.tmp");
    for p in [&stale, &stale_pdf, &other] {
        std::fs::write(p, b"half an edition").unwrap();
    }
    let o = build(&small_book(dir.path(), 2), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists() && !stale_pdf.exists(), "{:?}", files(&out));
    assert!(other.exists(), "a file of another name was removed");
    assert_eq!(files(&out).len(), before.len() + 1);
}
