//! The progress bar of `fep batch`: bytes and elements per second with an ETA, on standard
//! error, only when it is a terminal and the input is large (or forced with --progress).

use std::time::Duration;

use frontend_parse::{Input, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::ProgressChoice;
use crate::style;

/// Inputs smaller than this finish before a bar is worth drawing.
const LARGE: u64 = 64 << 20;

/// A progress bar, or nothing.
pub(super) struct Bar {
    drawn: Option<ProgressBar>,
    /// Bytes of the inputs finished so far, and the read position of the current one.
    done: u64,
    current: (usize, u64),
    elements: u64,
}

impl Bar {
    pub(super) fn new(choice: ProgressChoice, quiet: bool, inputs: &[Input]) -> Self {
        let sizes: Option<u64> = inputs
            .iter()
            .map(|input| std::fs::metadata(input.name()).ok().map(|m| m.len()))
            .sum();
        let show = match choice {
            ProgressChoice::Never => false,
            ProgressChoice::Always => true,
            ProgressChoice::Auto => {
                !quiet && style::stderr_is_terminal() && sizes.is_none_or(|total| total >= LARGE)
            }
        };
        let drawn = show.then(|| {
            let bar = match sizes {
                Some(total) => ProgressBar::new(total),
                None => ProgressBar::no_length(),
            };
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
            let template = if sizes.is_some() {
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}"
            } else {
                "{spinner} [{elapsed_precise}] {bytes} {bytes_per_sec} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Self {
            drawn,
            done: 0,
            current: (0, 0),
            elements: 0,
        }
    }

    /// A block was read.
    pub(super) fn bytes(&mut self, progress: &Progress<'_>) {
        if progress.input != self.current.0 {
            self.done += self.current.1;
            self.current = (progress.input, 0);
        }
        self.current.1 = progress.read;
        if let Some(bar) = &self.drawn {
            bar.set_position(self.done + self.current.1);
        }
    }

    /// Elements were delivered.
    pub(super) fn elements(&mut self, count: u64) {
        self.elements += count;
        if let Some(bar) = &self.drawn {
            let seconds = bar.elapsed().as_secs_f64().max(1e-3);
            #[allow(clippy::cast_precision_loss)] // a rate for display
            let rate = self.elements as f64 / seconds;
            bar.set_message(format!("{} elements ({rate:.0}/s)", self.elements));
        }
    }

    /// The run is over: remove the bar.
    pub(super) fn finish(&self) {
        if let Some(bar) = &self.drawn {
            bar.finish_and_clear();
        }
    }
}
