//! Crash points for the proof suite: named places in the pipeline where a test can make the process die
//! as abruptly as `kill -9` (`std::process::abort`: no destructor, flush or commit runs) or make a worker
//! panic. Only builds with the `test-hooks` feature have them (the CLI's tests turn it on through a
//! dev-dependency; `cargo build --release` and the packages leave it off, where `reached` does nothing and
//! the variable is never read). In such a build `DOCKET_TEST_CRASH=<point>:<n>` aborts the `n`th time
//! `<point>` is reached, and `DOCKET_TEST_CRASH=<point>:<n>:panic` panics there instead. It decides nothing
//! else.

#[cfg(feature = "test-hooks")]
use std::sync::atomic::AtomicU64;
#[cfg(feature = "test-hooks")]
use std::sync::atomic::Ordering;
#[cfg(feature = "test-hooks")]
use std::sync::OnceLock;

/// The environment variable that arms a crash point.
pub const ENV: &str = "DOCKET_TEST_CRASH";

/// Where in an item's trip a crash can be forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// The source has just handed over an item (fetching).
    Fetched,
    /// The item has just been rendered and hashed, nothing of it written (converting).
    Converted,
    /// The sink has just created the object; the ledger does not know yet (between upload and commit).
    Uploaded,
    /// Inside a ledger transaction, after one more row was written and before the commit.
    LedgerCommit,
}

impl CrashPoint {
    pub const ALL: [CrashPoint; 4] =
        [CrashPoint::Fetched, CrashPoint::Converted, CrashPoint::Uploaded, CrashPoint::LedgerCommit];

    pub fn as_str(self) -> &'static str {
        match self {
            CrashPoint::Fetched => "fetched",
            CrashPoint::Converted => "converted",
            CrashPoint::Uploaded => "uploaded",
            CrashPoint::LedgerCommit => "ledger_commit",
        }
    }
}

#[cfg(feature = "test-hooks")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Abort,
    Panic,
}

#[cfg(feature = "test-hooks")]
#[derive(Debug)]
struct Armed {
    point: CrashPoint,
    at: u64,
    action: Action,
    hits: AtomicU64,
}

#[cfg(feature = "test-hooks")]
static ARMED: OnceLock<Option<Armed>> = OnceLock::new();

/// Whether this build has the crash hooks (the `test-hooks` feature).
pub const COMPILED_IN: bool = cfg!(feature = "test-hooks");

/// Marks that `point` was reached; in a build without the hooks, nothing happens.
#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub fn reached(_point: CrashPoint) {}

/// Marks that `point` was reached; dies there if the environment armed it for this hit.
#[cfg(feature = "test-hooks")]
pub fn reached(point: CrashPoint) {
    let Some(armed) = ARMED.get_or_init(|| crate::config::env::var(ENV).as_deref().and_then(parse)) else {
        return;
    };
    if armed.point != point {
        return;
    }
    let hit = armed.hits.fetch_add(1, Ordering::SeqCst) + 1;
    if hit != armed.at {
        return;
    }
    match armed.action {
        Action::Abort => {
            eprintln!("docket: {ENV}: aborting at {} #{hit}", point.as_str());
            std::process::abort();
        }
        Action::Panic => panic!("{ENV}: forced panic at {} #{hit}", point.as_str()),
    }
}

#[cfg(feature = "test-hooks")]
fn parse(text: &str) -> Option<Armed> {
    let mut parts = text.trim().split(':');
    let name = parts.next()?;
    let point = CrashPoint::ALL.into_iter().find(|p| p.as_str() == name)?;
    let at = parts.next()?.parse().ok().filter(|n| *n > 0)?;
    let action = match parts.next() {
        None | Some("abort") => Action::Abort,
        Some("panic") => Action::Panic,
        Some(_) => return None,
    };
    Some(Armed { point, at, action, hits: AtomicU64::new(0) })
}

#[cfg(all(test, feature = "test-hooks"))]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_settings_arm_a_point() {
        let armed = parse("uploaded:12").expect("armed");
        assert_eq!((armed.point, armed.at, armed.action), (CrashPoint::Uploaded, 12, Action::Abort));
        let armed = parse("converted:3:panic").expect("armed");
        assert_eq!((armed.point, armed.action), (CrashPoint::Converted, Action::Panic));
        for bad in ["", "uploaded", "uploaded:0", "uploaded:x", "nowhere:3", "fetched:1:explode"] {
            assert!(parse(bad).is_none(), "{bad:?} must not arm anything");
        }
    }
}
