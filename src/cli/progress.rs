//! Progress of long commands on standard error: a bar on a terminal (indicatif), a few plain
//! lines otherwise (a log file or CI keeps a trace without control characters), and colours
//! only on a terminal without `NO_COLOR`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether standard error takes colours: a terminal, and `NO_COLOR` unset or empty
/// (<https://no-color.org>).
pub fn colours() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `text` in bold red when colours are on, as is otherwise.
pub fn red(text: &str) -> String {
    if colours() {
        format!("\x1b[1;31m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// The progress of one step of known length.
pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    /// The last tenth reported as a plain line.
    tenth: u64,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Starts reporting `label` over `total` units (rows, products).
    pub fn new(label: &str, total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let template = if colours() {
                "{msg:>12.cyan.bold} [{bar:40.cyan/blue}] {pos}/{len} ({eta})"
            } else {
                "{msg:>12} [{bar:40}] {pos}/{len} ({eta})"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label.to_owned());
            bar
        });
        if bar.is_none() {
            eprintln!("{label} : 0/{total}");
        }
        Progress {
            label: label.to_owned(),
            total,
            done: 0,
            tenth: 0,
            bar,
        }
    }

    /// Units done so far.
    pub fn done(&self) -> u64 {
        self.done
    }

    /// Counts `n` more units done.
    pub fn inc(&mut self, n: u64) {
        self.done += n;
        match &self.bar {
            Some(bar) => bar.inc(n),
            None => {
                // At most ten lines, whatever the size.
                let tenth = (self.done * 10).checked_div(self.total).unwrap_or(10);
                if tenth > self.tenth && self.done < self.total {
                    self.tenth = tenth;
                    eprintln!("{} : {}/{}", self.label, self.done, self.total);
                }
            }
        }
    }

    /// Ends the step: the bar is cleared, a plain line says it is complete.
    pub fn finish(self) {
        match self.bar {
            Some(bar) => bar.finish_and_clear(),
            None => eprintln!("{} : {}/{}", self.label, self.done, self.total),
        }
    }
}
