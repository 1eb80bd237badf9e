//! The progress bar of an upload: files and bytes done of the total.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    files: usize,
    done: usize,
}

impl Progress {
    /// A bar on stderr (drawn only on a terminal), or none at all when `hidden`.
    pub fn new(files: usize, bytes: u64, hidden: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(bytes),
            if hidden { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() },
        );
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {msg} {elapsed}")
        {
            bar.set_style(style);
        }
        let p = Progress { bar, files, done: 0 };
        p.show();
        p
    }

    fn show(&self) {
        self.bar.set_message(format!("{}/{} 个文件", self.done, self.files));
    }

    /// One file of `bytes` is up.
    pub fn file_done(&mut self, bytes: u64) {
        self.done += 1;
        self.bar.inc(bytes);
        self.show();
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
