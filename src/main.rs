//! The `bookbind` command: parse arguments, call the library, print diagnostics and
//! a summary, exit 0 (ok), 1 (the book has errors) or 2 (bad command line).

mod cli;

use std::io::Write;
use std::process::ExitCode;

use bookbind::{diag, BuildOptions, Format, Report};
use clap::Parser;
use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let epoch = match source_date_epoch() {
        Ok(e) => e,
        Err(msg) => return usage_error(&msg),
    };
    match cli.command {
        Command::Build {
            book,
            out,
            format,
            deny_warnings,
            report,
        } => {
            let formats = formats_of(format);
            if report.is_some() && !formats.contains(&Format::Pdf) {
                return usage_error("--report describes the print layout: add `pdf` to --format");
            }
            let input = match cli::input(book) {
                Ok(i) => i,
                Err(msg) => return usage_error(&msg),
            };
            let opts = BuildOptions {
                input,
                out_dir: out,
                formats,
                source_date_epoch: epoch,
                report,
            };
            let report = if deny_warnings {
                // Check first so that warnings can stop the build before anything is written.
                let r = bookbind::check_input(&opts.input, epoch);
                if r.has_errors() || !r.diagnostics.is_empty() {
                    r
                } else {
                    bookbind::build(&opts)
                }
            } else {
                bookbind::build(&opts)
            };
            finish(&report, deny_warnings, true)
        }
        Command::Check {
            book,
            target,
            deny_warnings,
            profile,
        } => {
            let input = match cli::input(book) {
                Ok(i) => i,
                Err(msg) => return usage_error(&msg),
            };
            let report = bookbind::check_for(
                &input,
                epoch,
                profile.map(Into::into),
                target.map(Into::into),
            );
            finish(&report, deny_warnings, false)
        }
        Command::Watch { book, out, format } => {
            let input = match cli::input(book) {
                Ok(i) => i,
                Err(msg) => return usage_error(&msg),
            };
            let opts = BuildOptions {
                input,
                out_dir: out,
                formats: formats_of(format),
                source_date_epoch: epoch,
                report: None,
            };
            eprintln!("watching {}; Ctrl-C stops", describe(&opts.input));
            let result = bookbind::watch::watch(&opts, |round| {
                show_round(&round);
                true
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve {
            book,
            out,
            port,
            address,
            log_requests,
        } => {
            let addr = match bookbind::serve::address(&address, port) {
                Ok(a) => a,
                Err(e) => return usage_error(&e.to_string()),
            };
            let input = match cli::input(book) {
                Ok(i) => i,
                Err(msg) => return usage_error(&msg),
            };
            let opts = BuildOptions {
                input,
                out_dir: out,
                formats: vec![Format::Epub, Format::Pdf],
                source_date_epoch: epoch,
                report: None,
            };
            let preview = match bookbind::serve::start(addr, log_requests) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            };
            eprintln!(
                "serving {} at http://{}/ (this computer only); Ctrl-C stops",
                describe(&opts.input),
                preview.addr
            );
            let result = bookbind::watch::watch(&opts, |round| {
                // The preview first, then the terminal: once the terminal says a
                // build landed, the preview shows it.
                let mut shown = preview.shown.lock().unwrap_or_else(|e| e.into_inner());
                shown.generation += 1;
                if round.report.has_errors() {
                    shown.failure = Some(diag::render(
                        &round.report.sources,
                        &round.report.diagnostics,
                    ));
                } else {
                    shown.failure = None;
                    if let Some(book) = &round.report.book {
                        shown.title = book.meta.title.clone();
                    }
                    for (f, bytes) in &round.cache.editions {
                        match f {
                            Format::Epub => shown.epub = Some(bytes.clone()),
                            Format::Pdf => shown.pdf = Some(bytes.clone()),
                            Format::Cover => {}
                        }
                    }
                }
                drop(shown);
                show_round(&round);
                true
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { new_dir } => match bookbind::init(&new_dir) {
            Ok(()) => {
                println!(
                    "created {} — build it with: bookbind build {}",
                    new_dir.display(),
                    new_dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
}

/// The formats asked for, each once, in the order given.
fn formats_of(args: Vec<cli::FormatArg>) -> Vec<Format> {
    let mut formats: Vec<Format> = Vec::new();
    for f in args {
        let f = Format::from(f);
        if !formats.contains(&f) {
            formats.push(f);
        }
    }
    formats
}

/// The book as the user named it, for messages.
fn describe(input: &bookbind::load::Input) -> String {
    match input {
        bookbind::load::Input::Folder(d) => d.display().to_string(),
        bookbind::load::Input::Files(f) => format!("{} files", f.len()),
    }
}

/// One build of `watch` or `serve`: what changed, the diagnostics and summary as
/// `build` prints them, and how much was set again.
fn show_round(round: &bookbind::watch::Round<'_>) {
    if !round.changed.is_empty() {
        let names: Vec<String> = round
            .changed
            .iter()
            .take(3)
            .map(|p| p.display().to_string())
            .collect();
        let more = round.changed.len().saturating_sub(3);
        eprintln!(
            "changed: {}{}",
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    let _ = finish(round.report, false, true);
    if !round.changed.is_empty() && !round.report.has_errors() {
        let sets = &round.cache.sets;
        eprintln!(
            "  {} of {} parts set again",
            sets.set,
            sets.set + sets.reused
        );
    }
}

fn source_date_epoch() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("SOURCE_DATE_EPOCH must be a number of seconds, not `{v}`")),
        _ => Ok(None),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn finish(report: &Report, deny_warnings: bool, built: bool) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(diag::render(&report.sources, &report.diagnostics).as_bytes());
    let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = report.diagnostics.len() - errors;
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    if failed {
        let _ = writeln!(
            err,
            "error: {} error{}{}; nothing was written",
            errors,
            if errors == 1 { "" } else { "s" },
            if warnings > 0 {
                format!(
                    ", {warnings} warning{}",
                    if warnings == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
        return ExitCode::from(1);
    }
    if let Some(book) = &report.book {
        let files: Vec<String> = report
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let _ = writeln!(
            err,
            "{} {} parts, {} words in {:.2} s{}{}",
            if built { "bound" } else { "checked" },
            book.parts.len(),
            book.word_count(),
            report.seconds,
            if files.is_empty() {
                String::new()
            } else {
                format!(": {}", files.join(", "))
            },
            if warnings > 0 {
                format!(
                    " ({warnings} warning{})",
                    if warnings == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
    }
    ExitCode::SUCCESS
}
