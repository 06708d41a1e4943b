//! Command-line definitions (clap) and their translation into typed options.
//!
//! Parses arguments only; runs nothing.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "bookbind",
    version,
    about = "Binds a book written in Markdown into an EPUB 3 and a print-ready PDF",
    long_about = "Binds a book written in Markdown into an EPUB 3 and a print-ready PDF.\n\n\
                  A book is a folder with a book.yaml that lists its front matter, chapters and back matter,\n\
                  or an mdBook (book.toml and SUMMARY.md), or Markdown files given in order (as pandoc takes them).\n\
                  Exit status: 0 ok, 1 the book has errors, 2 bad command line."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print errors only: no warnings, no summary line, no progress bar
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print how long each stage took (load, parse, resolve, lay out, PDF,
    /// EPUB, write)
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the editions of a book into the output folder
    Build {
        /// The book folder (holding book.yaml, or an mdBook's book.toml), or
        /// Markdown files to bind in the order given
        #[arg(default_value = "book", value_name = "BOOK")]
        book: Vec<PathBuf>,
        /// Where to write the editions
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// Editions to build, comma-separated
        #[arg(
            long,
            short,
            value_enum,
            value_delimiter = ',',
            default_value = "epub,pdf"
        )]
        format: Vec<FormatArg>,
        /// Write the print layout report (pages, lines, widows, orphans, hyphenation,
        /// word spacing) as JSON to FILE
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Load, parse and resolve a book and report every problem; write nothing
    Check {
        /// The book folder (holding book.yaml, or an mdBook's book.toml), or
        /// Markdown files in order
        #[arg(default_value = "book", value_name = "BOOK")]
        book: Vec<PathBuf>,
        /// Also render the EPUB in memory and report what this store or device
        /// would refuse (kindle: Send to Kindle's E999 and KDP's rejections)
        #[arg(long, value_enum, value_name = "TARGET")]
        target: Option<TargetArg>,
        /// Treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
        /// Also lay the book out for a print-on-demand service and report what it
        /// would reject (trim, page count, pictures below 300 ppi, margins); the
        /// manifest's `pdf.profile` is checked without it
        #[arg(long, value_enum, value_name = "SERVICE")]
        profile: Option<ProfileArg>,
    },
    /// Build the editions, then build them again whenever a file of the book
    /// changes (Markdown, the manifest, a picture, a font, the bibliography),
    /// reusing every part that did not change; Ctrl-C stops
    Watch {
        /// The book folder (holding book.yaml, or an mdBook's book.toml), or
        /// Markdown files in order
        #[arg(default_value = "book", value_name = "BOOK")]
        book: Vec<PathBuf>,
        /// Where to write the editions
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// Editions to build, comma-separated
        #[arg(
            long,
            short,
            value_enum,
            value_delimiter = ',',
            default_value = "epub,pdf"
        )]
        format: Vec<FormatArg>,
    },
    /// Watch the book as `watch` does and show its editions in a web browser
    /// at http://127.0.0.1:PORT/ (this computer only); pages reload when a
    /// rebuild lands. Ctrl-C stops
    Serve {
        /// The book folder (holding book.yaml, or an mdBook's book.toml), or
        /// Markdown files in order
        #[arg(default_value = "book", value_name = "BOOK")]
        book: Vec<PathBuf>,
        /// Where to write the editions
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// The port to listen on (0: any free port)
        #[arg(long, short, default_value_t = bookbind::serve::DEFAULT_PORT)]
        port: u16,
        /// The address to listen on: a loopback address only (127.0.0.1, ::1,
        /// localhost); the preview is never reachable from other computers
        #[arg(long, default_value = "127.0.0.1")]
        address: String,
        /// Print each request the preview answers
        #[arg(long)]
        log_requests: bool,
    },
    /// Create a new book folder with a book.yaml, one chapter and a bibliography
    Init {
        /// The folder to create
        new_dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Epub,
    Pdf,
    /// The print cover (back, spine, front) as one PDF
    Cover,
}

impl From<FormatArg> for bookbind::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Epub => bookbind::Format::Epub,
            FormatArg::Pdf => bookbind::Format::Pdf,
            FormatArg::Cover => bookbind::Format::Cover,
        }
    }
}

/// A print-on-demand service (`check --profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Amazon KDP, paperback
    Kdp,
    /// IngramSpark, paperback
    Ingram,
    /// Lulu, paperback
    Lulu,
}

impl From<ProfileArg> for bookbind::model::PrintService {
    fn from(p: ProfileArg) -> Self {
        match p {
            ProfileArg::Kdp => bookbind::model::PrintService::Kdp,
            ProfileArg::Ingram => bookbind::model::PrintService::Ingram,
            ProfileArg::Lulu => bookbind::model::PrintService::Lulu,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Kindle,
}

impl From<TargetArg> for bookbind::Target {
    fn from(t: TargetArg) -> Self {
        match t {
            TargetArg::Kindle => bookbind::Target::Kindle,
        }
    }
}

/// What the command line names: one folder, or files (a missing path is left to
/// the loader, which reports it as a book error).
pub fn input(paths: Vec<PathBuf>) -> Result<bookbind::load::Input, String> {
    if let [one] = paths.as_slice() {
        if !one.is_file() {
            return Ok(bookbind::load::Input::Folder(one.clone()));
        }
    }
    if let Some(dir) = paths.iter().find(|p| p.is_dir()) {
        return Err(format!(
            "`{}` is a folder: give one book folder, or Markdown files",
            dir.display()
        ));
    }
    Ok(bookbind::load::Input::Files(paths))
}
