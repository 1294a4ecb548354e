//! Writing to stdout and stderr without panicking. `println!` panics when the reader has gone away
//! (`docket runs | head`); a script's pipe closing early must not turn a finished import into a crash report.
//! A closed pipe is ignored (the command still ends with its own exit code); any other write error is
//! reported once on stderr if stderr can take it.

use std::io::Write;

/// Writes one line to stdout (see the module doc).
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            error_line(format_args!("docket: cannot write the output: {error}"));
        }
    }
}

/// Writes one line to stderr, ignoring a failure (there is nowhere left to report it).
pub fn error_line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// `println!` that never panics.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::out::line(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::out::error_line(format_args!($($arg)*)) };
}
