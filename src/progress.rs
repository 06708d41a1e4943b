//! The progress bar on stderr (indicatif): the stages under way and, while the
//! print edition is laid out, its parts set of all.
//!
//! Drawn only on a terminal, and only once a build has run for `DELAY`, so that
//! short builds never flicker; cleared before anything else is printed. Knows
//! nothing of diagnostics or the summary.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

use bookbind::{Progress, Quiet, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before its bar is drawn: the guide builds in a fifth of
/// that, a long novel takes seconds.
const DELAY: Duration = Duration::from_secs(1);

/// How often the spinner turns and the elapsed time is redrawn once shown.
const TICK: Duration = Duration::from_millis(100);

/// Runs `work` with a progress bar on stderr when `show` is set and stderr is a
/// terminal (else with none), the bar drawn after `DELAY` and cleared when `work`
/// returns.
pub fn with_bar<T>(show: bool, work: impl FnOnce(&dyn Progress) -> T) -> T {
    if !show || !std::io::stderr().is_terminal() {
        return work(&Quiet);
    }
    // Hidden until the delay has passed: nothing is drawn for short builds.
    let bar = Bar {
        bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
        running: Mutex::new(Vec::new()),
    };
    bar.bar.set_style(style(false));
    let (done, finished) = mpsc::channel::<()>();
    let out = std::thread::scope(|s| {
        let shown = bar.bar.clone();
        s.spawn(move || {
            if finished.recv_timeout(DELAY) == Err(RecvTimeoutError::Timeout) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(TICK);
            }
        });
        let out = work(&bar);
        drop(done);
        out
    });
    bar.bar.finish_and_clear();
    out
}

/// The bar and the stages under way (the editions are rendered side by side).
struct Bar {
    bar: ProgressBar,
    running: Mutex<Vec<Stage>>,
}

impl Bar {
    /// The stages under way as the bar's message: `PDF, EPUB`.
    /// Between two stages, the last one's name stays.
    fn show_running(&self, running: &[Stage]) {
        if !running.is_empty() {
            let names: Vec<&str> = running.iter().map(|s| s.name()).collect();
            self.bar.set_message(names.join(", "));
        }
    }
}

impl Progress for Bar {
    fn stage(&self, stage: Stage) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.push(stage);
        if stage == Stage::LayOut {
            self.bar.set_position(0);
            self.bar.set_length(0);
            self.bar.set_style(style(true));
        }
        self.show_running(&running);
    }

    fn done(&self, stage: Stage, _took: Duration) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.retain(|s| *s != stage);
        if stage == Stage::LayOut {
            self.bar.set_style(style(false));
        }
        self.show_running(&running);
    }

    fn step(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        // Parts finish on several threads: a late tick must not move the bar back.
        if done as u64 > self.bar.position() {
            self.bar.set_position(done as u64);
        }
    }
}

/// The bar's look: a spinner and the stages, with the parts set while laying out.
fn style(counting: bool) -> ProgressStyle {
    let template = if counting {
        "{spinner} {msg} [{bar:30}] {pos}/{len} parts set  {elapsed}"
    } else {
        "{spinner} {msg}  {elapsed}"
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .progress_chars("=> ")
}
