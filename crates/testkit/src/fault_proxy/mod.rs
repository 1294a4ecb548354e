//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1 for the proof suite: it sits between Docket and Azurite
//! (point a connection string's `BlobEndpoint` at it) and, for a chosen share of blob uploads, drops the
//! connection mid-upload, delays the answer, answers 500 or 503, or flips one byte of the request body. It
//! can also hold one upload in flight so a test can `kill -9` the client at that moment. It counts what it
//! did, and for every corrupted body it records what Azurite answered, so a test can prove that
//! `Content-MD5` made Azurite refuse each one. It relays everything else unchanged and knows nothing about
//! Docket.
//!
//! Requests are handled one at a time per connection (clients here do not pipeline). Bodies are framed by
//! `Content-Length` or chunked transfer encoding; only `Content-Length` bodies are ever corrupted.

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use relay::serve_connection;

mod relay;
mod wire;

/// What the proxy does to the uploads it picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Relay everything unchanged.
    None,
    /// Read the head and half the body, forward them to Azurite, then close both connections.
    DropMidUpload,
    /// Relay the request, then hold Azurite's answer back this long before relaying it.
    Delay(Duration),
    /// Relay the request (Azurite stores the blob), then answer `500 InternalError` instead of Azurite's
    /// answer: the write happened, the client cannot know.
    Status500AfterWrite,
    /// Answer `503 ServerBusy` without relaying anything: nothing is stored.
    Status503,
    /// Flip one byte of the body, relay it, and record Azurite's answer.
    CorruptBody,
}

/// A fault and the share of uploads it hits.
#[derive(Debug, Clone, Copy)]
pub struct FaultPlan {
    pub fault: Fault,
    /// Fraction of uploads picked, 0.0 to 1.0 (for `Delay`, of all requests).
    pub rate: f64,
    /// Seeds the pseudo-random choice of uploads (and of the corrupted byte).
    pub seed: u64,
}

impl FaultPlan {
    pub fn none() -> FaultPlan {
        FaultPlan { fault: Fault::None, rate: 0.0, seed: 0 }
    }
}

/// What the proxy saw and did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    pub requests: u64,
    /// Blob uploads (PUT with a body, not a container call).
    pub uploads: u64,
    /// Faults injected.
    pub injected: u64,
    /// Corrupted bodies Azurite refused (4xx).
    pub corrupted_refused: u64,
    /// Corrupted bodies Azurite accepted (2xx). Must stay 0.
    pub corrupted_accepted: u64,
}

/// A running proxy; it stops accepting when dropped.
pub struct FaultProxy {
    port: u16,
    shared: Arc<Shared>,
}

struct Shared {
    upstream: String,
    plan: Mutex<FaultPlan>,
    counters: Counters,
    /// The upload (by index in `counters.uploads`) to hold in flight, and whether to relay it first.
    hold: Mutex<Option<(u64, bool)>>,
    held: AtomicBool,
    /// Bumped to let a held connection go (it is then closed without an answer).
    hold_generation: AtomicU64,
    stopped: AtomicBool,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    uploads: AtomicU64,
    delay_picks: AtomicU64,
    injected: AtomicU64,
    corrupted_refused: AtomicU64,
    corrupted_accepted: AtomicU64,
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port relaying to `127.0.0.1:upstream_port`.
    pub fn start(upstream_port: u16, plan: FaultPlan) -> FaultProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("the fault proxy binds a loopback port");
        let port = listener.local_addr().expect("the proxy's address").port();
        let shared = Arc::new(Shared {
            upstream: format!("127.0.0.1:{upstream_port}"),
            plan: Mutex::new(plan),
            counters: Counters::default(),
            hold: Mutex::new(None),
            held: AtomicBool::new(false),
            hold_generation: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let shared = accepting.clone();
                std::thread::spawn(move || serve_connection(client, &shared));
            }
        });
        FaultProxy { port, shared }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/<account>`: the `BlobEndpoint` that routes through the proxy.
    pub fn blob_endpoint(&self, account: &str) -> String {
        format!("http://127.0.0.1:{}/{account}", self.port)
    }

    /// `connection` (a connection string naming `BlobEndpoint=…`) with its endpoint swapped for the proxy's.
    pub fn route(&self, connection: &str, upstream_endpoint: &str, account: &str) -> String {
        connection.replace(upstream_endpoint, &self.blob_endpoint(account))
    }

    pub fn set_plan(&self, plan: FaultPlan) {
        *lock(&self.shared.plan) = plan;
    }

    pub fn stats(&self) -> ProxyStats {
        let c = &self.shared.counters;
        ProxyStats {
            requests: c.requests.load(Ordering::SeqCst),
            uploads: c.uploads.load(Ordering::SeqCst),
            injected: c.injected.load(Ordering::SeqCst),
            corrupted_refused: c.corrupted_refused.load(Ordering::SeqCst),
            corrupted_accepted: c.corrupted_accepted.load(Ordering::SeqCst),
        }
    }

    /// Holds the `n`th upload from now in flight (never answered) until `release_hold`. With `relay_first`
    /// Azurite receives and stores it before the hold; without, it never sees it.
    pub fn hold_upload(&self, n: u64, relay_first: bool) {
        self.release_hold();
        let at = self.shared.counters.uploads.load(Ordering::SeqCst) + n.max(1);
        *lock(&self.shared.hold) = Some((at, relay_first));
    }

    /// Whether an upload is being held right now.
    pub fn holding(&self) -> bool {
        self.shared.held.load(Ordering::SeqCst)
    }

    /// Lets go of any held upload (its connection is closed unanswered) and disarms the hold.
    pub fn release_hold(&self) {
        *lock(&self.shared.hold) = None;
        self.shared.hold_generation.fetch_add(1, Ordering::SeqCst);
        self.shared.held.store(false, Ordering::SeqCst);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        self.release_hold();
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A pseudo-random number in [0, 1) from a seed and a counter (SplitMix64).
fn unit(seed: u64, n: u64) -> f64 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pick_is_deterministic_and_close_to_the_rate() {
        let picked = (1..=100_000).filter(|n| unit(7, *n) < 0.01).count();
        assert!((800..1200).contains(&picked), "{picked} of 100,000 picked at 1%");
        assert_eq!(unit(7, 42), unit(7, 42));
    }
}
