//! One client connection through the fault proxy: each request is read, the plan decides whether it is
//! faulted (or held in flight), and it is relayed to Azurite and answered accordingly. Owns the per-request
//! steps; the plan, the counters and the listener are the parent module's.

use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::wire::{read_body, read_head, storage_error, Head};
use super::{lock, unit, Fault, FaultPlan, Shared};

/// The two sides of one proxied connection: what the client sends and where its answers go, and the same
/// for Azurite.
struct Ends {
    from_client: BufReader<TcpStream>,
    to_client: TcpStream,
    from_upstream: BufReader<TcpStream>,
    to_upstream: TcpStream,
}

impl Ends {
    fn open(client: TcpStream, upstream: &str) -> Option<Ends> {
        let upstream = TcpStream::connect(upstream).ok()?;
        Some(Ends {
            to_client: client.try_clone().ok()?,
            to_upstream: upstream.try_clone().ok()?,
            from_client: BufReader::new(client),
            from_upstream: BufReader::new(upstream),
        })
    }

    /// Sends a request head and body on to Azurite.
    fn forward(&mut self, request: &Head, body: &[u8]) -> std::io::Result<()> {
        self.to_upstream.write_all(&request.raw)?;
        self.to_upstream.write_all(body)?;
        self.to_upstream.flush()
    }

    fn close(&self) {
        let _ = self.from_client.get_ref().shutdown(Shutdown::Both);
        let _ = self.from_upstream.get_ref().shutdown(Shutdown::Both);
    }
}

/// What the plan chose for one request.
struct Decision {
    plan: FaultPlan,
    fault: Fault,
    /// 1-based index among blob uploads; 0 for any other request.
    upload_no: u64,
    /// This upload is the one a test asked to hold in flight: `Some(relay_first)`.
    hold: Option<bool>,
}

/// What to do with the connection after a request.
enum Next {
    KeepOpen,
    Close,
}

pub(super) fn serve_connection(client: TcpStream, shared: &Shared) {
    let Some(mut ends) = Ends::open(client, &shared.upstream) else {
        return;
    };
    while let Some(request) = read_head(&mut ends.from_client) {
        let request_no = shared.counters.requests.fetch_add(1, Ordering::SeqCst);
        let next = serve_request(&mut ends, shared, &request, request_no);
        if matches!(next, Next::Close) {
            break;
        }
    }
    ends.close();
}

fn serve_request(ends: &mut Ends, shared: &Shared, request: &Head, request_no: u64) -> Next {
    let mut words = request.start_line.split_whitespace();
    let method = words.next().unwrap_or("");
    let target = words.next().unwrap_or("");
    let decision = decide(shared, request, method, target);

    if decision.fault == Fault::DropMidUpload && decision.hold.is_none() {
        drop_mid_upload(ends, request);
        return Next::Close;
    }
    let Some(mut body) = read_body(&mut ends.from_client, request, false) else { return Next::Close };
    if let Some(relay_first) = decision.hold {
        hold_in_flight(ends, shared, request, &body, relay_first);
        return Next::Close;
    }
    match decision.fault {
        Fault::Status503 => {
            let answer = storage_error(503, "Server Busy", "ServerBusy", "The server is busy.", request_no);
            if ends.to_client.write_all(&answer).is_err() || request.close {
                return Next::Close;
            }
            return Next::KeepOpen;
        }
        Fault::CorruptBody => corrupt(&mut body, decision.plan.seed, decision.upload_no),
        _ => {}
    }
    relay(ends, shared, request, &body, method, &decision, request_no)
}

/// Picks the fault for this request from the plan, and counts the upload and the injection.
fn decide(shared: &Shared, request: &Head, method: &str, target: &str) -> Decision {
    let counters = &shared.counters;
    let is_upload = method == "PUT"
        && request.content_length.is_some_and(|n| n > 0)
        && !request.chunked
        && !target.contains("restype=");
    let plan = *lock(&shared.plan);
    let mut fault = Fault::None;
    let mut upload_no = 0;
    if is_upload {
        upload_no = counters.uploads.fetch_add(1, Ordering::SeqCst) + 1;
        if !matches!(plan.fault, Fault::Delay(_)) && unit(plan.seed, upload_no) < plan.rate {
            fault = plan.fault;
        }
    }
    if let Fault::Delay(_) = plan.fault {
        let n = counters.delay_picks.fetch_add(1, Ordering::SeqCst);
        if unit(plan.seed, n) < plan.rate {
            fault = plan.fault;
        }
    }
    if fault != Fault::None {
        counters.injected.fetch_add(1, Ordering::SeqCst);
    }
    let hold = match *lock(&shared.hold) {
        Some((at, relay_first)) if is_upload && at == upload_no => Some(relay_first),
        _ => None,
    };
    Decision { plan, fault, upload_no, hold }
}

/// Takes half the body from the client and passes the head and that half on; the caller then hangs up on
/// both sides.
fn drop_mid_upload(ends: &mut Ends, request: &Head) {
    let half = request.content_length.unwrap_or(0) / 2;
    let mut part = vec![0u8; half];
    let _ = ends.from_client.read_exact(&mut part);
    let _ = ends.forward(request, &part);
}

/// Keeps the upload in flight until the test lets it go; with `relay_first`, Azurite stores the blob first
/// and its answer is kept from the client. The connection is then closed without an answer.
fn hold_in_flight(ends: &mut Ends, shared: &Shared, request: &Head, body: &[u8], relay_first: bool) {
    if relay_first {
        if ends.forward(request, body).is_err() {
            return;
        }
        // Wait for Azurite's answer, so the blob is surely stored.
        let Some(answer) = read_head(&mut ends.from_upstream) else { return };
        let _ = read_body(&mut ends.from_upstream, &answer, answer.close);
    }
    let generation = shared.hold_generation.load(Ordering::SeqCst);
    shared.held.store(true, Ordering::SeqCst);
    while shared.hold_generation.load(Ordering::SeqCst) == generation
        && !shared.stopped.load(Ordering::SeqCst)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Flips one byte of the body, at a place chosen by the seed and the upload's number.
fn corrupt(body: &mut [u8], seed: u64, upload_no: u64) {
    if body.is_empty() {
        return;
    }
    let at = (unit(seed ^ 0xC0FF_EE00, upload_no) * body.len() as f64) as usize;
    body[at.min(body.len() - 1)] ^= 0x20 | (1 << (upload_no % 5));
}

/// Relays the request to Azurite and its answer to the client: replaced by a 500 after the write, or held
/// back for a delay, when that is the fault. Counts how Azurite answered a corrupted body.
fn relay(
    ends: &mut Ends,
    shared: &Shared,
    request: &Head,
    body: &[u8],
    method: &str,
    decision: &Decision,
    request_no: u64,
) -> Next {
    if ends.forward(request, body).is_err() {
        return Next::Close;
    }
    let Some(answer) = read_head(&mut ends.from_upstream) else { return Next::Close };
    let status: u16 = answer.start_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let no_body = method == "HEAD" || status == 204 || status == 304 || (100..200).contains(&status);
    let answer_body = if no_body {
        Vec::new()
    } else {
        match read_body(&mut ends.from_upstream, &answer, true) {
            Some(b) => b,
            None => return Next::Close,
        }
    };
    let counters = &shared.counters;
    match decision.fault {
        Fault::CorruptBody if (200..300).contains(&status) => {
            counters.corrupted_accepted.fetch_add(1, Ordering::SeqCst);
        }
        Fault::CorruptBody if (400..500).contains(&status) => {
            counters.corrupted_refused.fetch_add(1, Ordering::SeqCst);
        }
        _ => {}
    }
    let relayed = match decision.fault {
        Fault::Status500AfterWrite => {
            let text = "The server encountered an internal error. Please retry the request.";
            ends.to_client.write_all(&storage_error(
                500,
                "Internal Server Error",
                "InternalError",
                text,
                request_no,
            ))
        }
        fault => {
            if let Fault::Delay(pause) = fault {
                std::thread::sleep(pause);
            }
            ends.to_client.write_all(&answer.raw).and_then(|()| ends.to_client.write_all(&answer_body))
        }
    };
    if relayed.is_err() || request.close || answer.close {
        return Next::Close;
    }
    Next::KeepOpen
}
