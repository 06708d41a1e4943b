//! The `bookbind` command: parse arguments, call the library, print diagnostics and
//! a summary, exit 0 (ok), 1 (the book has errors) or 2 (bad command line).

mod cli;
mod progress;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use bookbind::{diag, BuildOptions, Format, Report};
use clap::Parser;
use cli::{Cli, Command};
use progress::with_bar;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A build hands back what its finished stages freed; `watch` and `serve`
    // keep it for the next rebuild.
    if !matches!(cli.command, Command::Watch { .. } | Command::Serve { .. }) {
        bookbind::tune_allocator();
    }
    let output = Output::of(&cli);
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
            let opts = match options(book, out, formats, epoch, report) {
                Ok(o) => o,
                Err(msg) => return usage_error(&msg),
            };
            let report = with_bar(!output.quiet, |progress| {
                if deny_warnings {
                    // Check first so that warnings can stop the build before anything is written.
                    let r = bookbind::check_with(&opts.input, epoch, None, None, progress);
                    if r.has_errors() || !r.diagnostics.is_empty() {
                        return r;
                    }
                }
                bookbind::build_with(&opts, None, progress)
            });
            finish(&report, &output, deny_warnings, true)
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
            let report = with_bar(!output.quiet, |progress| {
                bookbind::check_with(
                    &input,
                    epoch,
                    profile.map(Into::into),
                    target.map(Into::into),
                    progress,
                )
            });
            finish(&report, &output, deny_warnings, false)
        }
        Command::Watch { book, out, format } => {
            let opts = match options(book, out, formats_of(format), epoch, None) {
                Ok(o) => o,
                Err(msg) => return usage_error(&msg),
            };
            eprintln!("watching {}; Ctrl-C stops", describe(&opts.input));
            let result = bookbind::watch::watch(&opts, &bookbind::Quiet, |round| {
                show_round(&round, &output);
                true
            });
            watched(result, &output)
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
            let formats = vec![Format::Epub, Format::Pdf];
            let opts = match options(book, out, formats, epoch, None) {
                Ok(o) => o,
                Err(msg) => return usage_error(&msg),
            };
            let preview = match bookbind::serve::start(addr, log_requests) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{} {e}", output.error());
                    return ExitCode::from(1);
                }
            };
            eprintln!(
                "serving {} at http://{}/ (this computer only); Ctrl-C stops",
                describe(&opts.input),
                preview.addr
            );
            let result = bookbind::watch::watch(&opts, &bookbind::Quiet, |round| {
                // The preview first, then the terminal: once the terminal says a
                // build landed, the preview shows it.
                preview.show(&round);
                show_round(&round, &output);
                true
            });
            watched(result, &output)
        }
        Command::Init { new_dir } => match bookbind::init(&new_dir) {
            Ok(()) if output.quiet => ExitCode::SUCCESS,
            Ok(()) => {
                println!(
                    "created {} — build it with: bookbind build {}",
                    new_dir.display(),
                    new_dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{} {e}", output.error());
                ExitCode::from(1)
            }
        },
    }
}

/// What `build`, `watch` and `serve` build: the book named on the command line
/// (or why it cannot be one), the output folder, the editions.
fn options(
    book: Vec<std::path::PathBuf>,
    out: std::path::PathBuf,
    formats: Vec<Format>,
    epoch: Option<i64>,
    report: Option<std::path::PathBuf>,
) -> Result<BuildOptions, String> {
    Ok(BuildOptions {
        input: cli::input(book)?,
        out_dir: out,
        formats,
        source_date_epoch: epoch,
        report,
    })
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

/// How watching ended: it only ends when it fails (Ctrl-C ends the process).
fn watched(result: Result<(), bookbind::watch::WatchError>, output: &Output) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e}", output.error());
            ExitCode::from(1)
        }
    }
}

/// One build of `watch` or `serve`: what changed, the diagnostics and summary as
/// `build` prints them, and how much was set again.
fn show_round(round: &bookbind::watch::Round<'_>, output: &Output) {
    if !round.changed.is_empty() && !output.quiet {
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
    let _ = finish(round.report, output, false, true);
    if !round.changed.is_empty() && !round.report.has_errors() && !output.quiet {
        let (sets, pages) = (&round.cache.sets, &round.cache.pages);
        let code = &round.cache.highlights;
        let highlighted = match code.blocks {
            0 => String::new(),
            all => format!(
                ", {} of {all} code blocks highlighted again",
                all - code.reused
            ),
        };
        let drawn = match pages.drawn_pages + pages.reused_pages {
            0 => String::new(),
            all => format!(", {} of {all} pages drawn again", pages.drawn_pages),
        };
        eprintln!(
            "  {} of {} parts set again{highlighted}{drawn}",
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
    eprintln!("{} {msg}", Output::default().error());
    ExitCode::from(2)
}

/// What the command prints besides errors, and how: `-q`, `-v`, and colour.
#[derive(Debug, Clone)]
pub struct Output {
    /// Errors only: no warnings, no summary line, no progress bar.
    pub quiet: bool,
    /// Each stage's time after the summary.
    pub verbose: bool,
    /// rustc's colours: stderr is a terminal and `NO_COLOR` is not set.
    pub color: bool,
}

impl Output {
    fn of(cli: &Cli) -> Output {
        Output {
            quiet: cli.quiet,
            verbose: cli.verbose,
            ..Output::default()
        }
    }

    /// `error:`, red and bold as the diagnostics' headers when in colour.
    fn error(&self) -> &'static str {
        if self.color {
            "\x1b[0m\x1b[1m\x1b[38;5;9merror:\x1b[0m"
        } else {
            "error:"
        }
    }
}

impl Default for Output {
    fn default() -> Output {
        Output {
            quiet: false,
            verbose: false,
            color: wants_color(
                std::io::stderr().is_terminal(),
                std::env::var_os("NO_COLOR"),
            ),
        }
    }
}

/// Colour only on a terminal, and not when `NO_COLOR` is set to anything but the
/// empty string (https://no-color.org).
fn wants_color(terminal: bool, no_color: Option<OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Prints a build's or check's outcome to stderr as `out` asks: the diagnostics
/// (errors only with `-q`, unless `--deny-warnings` makes warnings fail too), the
/// summary line (`bound …` or `checked …`; the failure line even with `-q`), and
/// with `-v` each stage's time. Its exit code: 1 when the book failed.
fn finish(report: &Report, out: &Output, deny_warnings: bool, built: bool) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = report.diagnostics.len() - errors;
    let text = if out.quiet && !deny_warnings {
        let errors = report.diagnostics.iter().filter(|d| d.is_error());
        let errors: Vec<diag::Diagnostic> = errors.cloned().collect();
        diag::render_styled(&report.sources, &errors, out.color)
    } else {
        diag::render_styled(&report.sources, &report.diagnostics, out.color)
    };
    let _ = err.write_all(text.as_bytes());
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    if failed {
        let _ = writeln!(
            err,
            "{} {} error{}{}; nothing was written",
            out.error(),
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
        stage_times(&mut err, out, &report.stages);
        return ExitCode::from(1);
    }
    match &report.book {
        Some(book) if !out.quiet => summary(&mut err, report, book, warnings, built),
        _ => {}
    }
    stage_times(&mut err, out, &report.stages);
    ExitCode::SUCCESS
}

/// `bound 19 parts, 5215 words in 0.16 s: FILES (N warnings)`.
fn summary(
    err: &mut impl Write,
    report: &Report,
    book: &bookbind::model::Book,
    warnings: usize,
    built: bool,
) {
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

/// With `-v`: each stage's time, one a line (`  load 21 ms`), in the order they
/// ended; the editions' overlap, as they are rendered side by side.
fn stage_times(err: &mut impl Write, out: &Output, stages: &[(bookbind::Stage, Duration)]) {
    if !out.verbose {
        return;
    }
    for (stage, took) in stages {
        let ms = took.as_secs_f64() * 1000.0;
        let _ = if ms < 10.0 {
            writeln!(err, "  {} {ms:.1} ms", stage.name())
        } else {
            writeln!(err, "  {} {ms:.0} ms", stage.name())
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_and_without_no_color() {
        assert!(wants_color(true, None));
        // NO_COLOR set to the empty string counts as unset (no-color.org).
        assert!(wants_color(true, Some(OsString::new())));
        assert!(!wants_color(true, Some("1".into())));
        assert!(!wants_color(true, Some("0".into())));
        assert!(!wants_color(false, None));
    }

    #[test]
    fn quiet_and_verbose_are_flags_of_every_subcommand() {
        let cli = Cli::try_parse_from(["bookbind", "build", "-q", "book"]).expect("parses");
        assert!(cli.quiet && !cli.verbose);
        let cli = Cli::try_parse_from(["bookbind", "-v", "check"]).expect("parses");
        assert!(cli.verbose);
        let both = Cli::try_parse_from(["bookbind", "check", "-q", "-v"]);
        assert!(both.is_err(), "-q and -v together are a usage error");
    }
}
