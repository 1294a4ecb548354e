//! The progress bar on stderr, shown only when stderr is a terminal. It adapts the pipeline's progress
//! callback; it never decides anything.

use std::io::IsTerminal;
use std::sync::Arc;

use docket_core::pipeline::{Progress, ProgressFn};
use indicatif::{ProgressBar, ProgressStyle};

pub fn for_stderr() -> ProgressFn {
    if !std::io::stderr().is_terminal() {
        return docket_core::pipeline::progress::silent();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let counts = std::sync::Mutex::new((0u64, 0u64, 0u64, 0u64, 0u64));
    Arc::new(move |event| {
        let Ok(mut c) = counts.lock() else { return };
        match event {
            Progress::Fetched { fetched, .. } => c.0 = fetched,
            Progress::Delivered { already_present: false, .. } => c.1 += 1,
            Progress::Delivered { already_present: true, .. } => c.2 += 1,
            Progress::Skipped { .. } => c.3 += 1,
            Progress::Failed { .. } => c.4 += 1,
            Progress::Finished { .. } => {
                bar.finish_and_clear();
                return;
            }
            Progress::Warning { message, .. } => {
                bar.println(format!("warning: {message}"));
                return;
            }
            Progress::RateLimit { status } => {
                if let Some(at) = status.next_request_at {
                    bar.set_message(format!("waiting for X's rate limit on {} until {at}", status.endpoint));
                    bar.tick();
                }
                return;
            }
            Progress::Started { .. } => {}
        }
        bar.set_message(format!(
            "fetched {} · delivered {} · already present {} · skipped {} · failed {}",
            c.0, c.1, c.2, c.3, c.4
        ));
        bar.tick();
    })
}
