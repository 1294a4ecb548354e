//! Spec: the X connector archives every post, mention and DM across pages with their media, fetches only
//! what is new on later runs (no gaps, no duplicates), obeys X's rate limits without ever sending early,
//! stops at once on refused credentials and on the usage cap, keeps the daily cap, and warns about X's
//! reach limits. All against docket-testkit's fake X API, which verifies every OAuth 1.0a signature.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use docket_core::connector::x as x_connector;
use docket_core::ledger::Ledger;
use docket_core::mapping::Resolver;
use docket_core::model::RunSummary;
use docket_core::pipeline::{self, Job, PipelineOptions, Progress, ProgressFn, RetryPolicy};
use docket_core::secrets::{MemSecretStore, SecretStore, Sensitive};
use docket_core::sinks::dir::DirSink;
use docket_core::sources::x::oauth1::{authorization_header, Freshness};
use docket_core::sources::x::{ClientPolicy, RateLimits, XCredentials, XSettings};
use docket_core::{Code, Error};
use docket_testkit::fake_x::{self, FakeX, FakeXOptions, NewMedia, ME_ID};
use tokio_util::sync::CancellationToken;

const MAILBOX: &str = "compliance@contoso.com";

fn credentials() -> XCredentials {
    XCredentials {
        api_key: Sensitive::new(fake_x::API_KEY.into()),
        api_secret: Sensitive::new(fake_x::API_SECRET.into()),
        access_token: Sensitive::new(fake_x::ACCESS_TOKEN.into()),
        access_token_secret: Sensitive::new(fake_x::ACCESS_TOKEN_SECRET.into()),
    }
}

fn store() -> MemSecretStore {
    let store = MemSecretStore::default();
    let c = credentials();
    for (entry, value) in [
        (x_connector::API_KEY_ENTRY, c.api_key),
        (x_connector::API_SECRET_ENTRY, c.api_secret),
        (x_connector::ACCESS_TOKEN_ENTRY, c.access_token),
        (x_connector::ACCESS_TOKEN_SECRET_ENTRY, c.access_token_secret),
    ] {
        store.set(entry, &value).expect("stored");
    }
    store
}

fn settings(fake: &FakeX) -> XSettings {
    let mut settings = XSettings::new("@contoso");
    settings.api_base = fake.base.clone();
    settings.policy = ClientPolicy {
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(400),
        },
        max_rate_limited_attempts: 6,
        max_wait: Duration::from_secs(10),
    };
    settings
}

struct Run {
    summary: Result<RunSummary, Error>,
    events: Vec<Progress>,
}

async fn run_with(
    settings: XSettings,
    secrets: &dyn SecretStore,
    state: &Path,
    out: &Path,
    cancel_after_delivered: Option<usize>,
) -> Run {
    let ledger = Ledger::open(state).expect("ledger");
    let events = Arc::new(Mutex::new(Vec::new()));
    let cancel = CancellationToken::new();
    let (seen, stop) = (events.clone(), cancel.clone());
    let progress: ProgressFn = Arc::new(move |event: Progress| {
        let mut seen = seen.lock().expect("events");
        seen.push(event);
        let delivered = seen.iter().filter(|e| matches!(e, Progress::Delivered { .. })).count();
        if cancel_after_delivered.is_some_and(|n| delivered >= n) {
            stop.cancel();
        }
    });
    let source = x_connector::open_source(
        secrets,
        settings,
        Some(&ledger),
        RateLimits::default(),
        Some(progress.clone()),
    );
    let summary = match source {
        Err(e) => Err(e),
        Ok(source) => {
            pipeline::run(Job {
                source_label: "x:contoso".into(),
                source: Box::new(source),
                resolver: Arc::new(Resolver::new(None, true, Some(MAILBOX.into()))),
                sinks: vec![Arc::new(DirSink::new(out.to_path_buf()))],
                ledger: &ledger,
                options: PipelineOptions { concurrency: 2, ..PipelineOptions::default() },
                progress,
                cancel,
            })
            .await
        }
    };
    let events = events.lock().expect("events").clone();
    Run { summary, events }
}

async fn run(fake: &FakeX, state: &Path, out: &Path) -> RunSummary {
    let run = run_with(settings(fake), &store(), state, out, None).await;
    run.summary.unwrap_or_else(|e| panic!("the run failed: {e}"))
}

/// Every archived message, by the X id in its `X-Docket-Source-Id` header.
fn archived(out: &Path) -> BTreeMap<String, mail_parser::Message<'static>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "eml") {
                let bytes = std::fs::read(&path).expect("readable");
                let message =
                    mail_parser::MessageParser::default().parse(&bytes).expect("parses").into_owned();
                let id = message.header_raw("X-Docket-Source-Id").expect("source id").trim().to_string();
                assert!(found.insert(id.clone(), message).is_none(), "item {id} archived twice");
            }
        }
    }
    found
}

fn header(message: &mail_parser::Message<'_>, name: &str) -> Option<String> {
    message.header_raw(name).map(|v| v.trim().to_string())
}

fn all_ids(fake: &FakeX) -> Vec<String> {
    let (posts, mentions, dms) = fake.ids();
    let mut ids: Vec<String> = posts.into_iter().chain(mentions).chain(dms).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn every_post_mention_and_dm_is_archived_with_media_and_later_runs_fetch_only_what_is_new() {
    let fake = FakeX::start();
    fake.seed(8, 5, 7);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));

    let first = run(&fake, &state, &out).await;
    assert!(first.balances());
    assert_eq!((first.fetched, first.delivered), (20, 20), "{first:?}");
    assert_eq!(first.failed_total() + first.skipped_total(), 0);
    assert!(first.warnings.iter().any(|w| w.contains("3,200 most recent posts")), "{:?}", first.warnings);
    assert!(first.warnings.iter().any(|w| w.contains("last 30 days")), "{:?}", first.warnings);
    let pages = fake.requests().iter().filter(|r| r.endpoint == "GET /2/users/:id/tweets").count();
    assert!(pages >= 3, "posts came in several pages ({pages})");
    assert!(fake.requests().iter().any(|r| r.param("pagination_token").is_some()));

    let messages = archived(&out);
    assert_eq!(messages.keys().cloned().collect::<Vec<_>>(), all_ids(&fake));
    let (posts, mentions, dms) = fake.ids();
    let with_photo: Vec<_> = messages
        .values()
        .filter(|m| m.attachments().any(|a| a.contents().starts_with(b"\xFF\xD8\xFF")))
        .collect();
    assert!(with_photo.len() >= 3, "photos on posts and DMs are attached ({})", with_photo.len());
    for post in &posts {
        let m = &messages[post];
        assert_eq!(header(m, "X-Docket-Item-Kind").as_deref(), Some("post"));
        assert!(header(m, "X-Docket-X-Metrics").is_some_and(|v| v.contains("likes=")));
        let text = m.body_text(0).expect("text").into_owned();
        assert!(text.contains("https://contoso.com/notes/"), "t.co links expanded: {text}");
        assert!(!text.contains("https://t.co/"), "no t.co link is left: {text}");
        assert!(m.from().and_then(|f| f.first()).and_then(|a| a.address()) == Some("contoso@x.invalid"));
    }
    let replies: Vec<_> = messages.values().filter(|m| m.in_reply_to().as_text().is_some()).collect();
    assert!(!replies.is_empty(), "replies are threaded with In-Reply-To");
    for reply in replies {
        let parent = reply.in_reply_to().as_text().expect("parent").to_string();
        assert!(
            messages.values().any(|m| m.message_id() == Some(parent.as_str())),
            "the parent {parent} is archived too"
        );
    }
    for mention in &mentions {
        assert_eq!(header(&messages[mention], "X-Docket-Item-Kind").as_deref(), Some("mention"));
    }
    for dm in &dms {
        let m = &messages[dm];
        assert_eq!(header(m, "X-Docket-Item-Kind").as_deref(), Some("direct_message"));
        assert!(header(m, "X-Docket-X-Dm-Conversation-Id").is_some_and(|c| c.contains(ME_ID)));
    }

    // Second run: nothing old is fetched; posts and mentions are asked only for what is newer.
    let before = fake.requests().len();
    let second = run(&fake, &state, &out).await;
    assert_eq!(second.fetched, 0, "{second:?}");
    assert!(
        second.warnings.is_empty(),
        "no first-run warnings once checkpoints exist: {:?}",
        second.warnings
    );
    let later: Vec<_> = fake.requests().into_iter().skip(before).collect();
    let newest_post = posts.first().expect("posts").clone();
    let newest_mention = mentions.first().expect("mentions").clone();
    for r in later.iter().filter(|r| r.endpoint == "GET /2/users/:id/tweets") {
        assert_eq!(r.param("since_id"), Some(newest_post.as_str()));
    }
    for r in later.iter().filter(|r| r.endpoint == "GET /2/users/:id/mentions") {
        assert_eq!(r.param("since_id"), Some(newest_mention.as_str()));
    }
    assert_eq!(
        later.iter().filter(|r| r.endpoint == "GET /2/dm_events").count(),
        1,
        "one DM page reaches the checkpoint"
    );

    // Third run, after new items: exactly those.
    let new_post = fake.add_post("Closing remarks", &[NewMedia::Photo { size: 1500 }]);
    let new_mention = fake.add_mention("bob_fx", "thanks for the notes");
    let new_dm = fake.add_dm("carol_ops", "see you tomorrow", &[]);
    let third = run(&fake, &state, &out).await;
    assert_eq!((third.fetched, third.delivered, third.already_present), (3, 3, 0), "{third:?}");
    let messages = archived(&out);
    assert_eq!(messages.len(), 23);
    for id in [&new_post, &new_mention, &new_dm] {
        assert!(messages.contains_key(id), "{id} archived");
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    assert_eq!(fake.rejected_signatures(), 0);
}

#[tokio::test]
async fn a_429_mid_stream_waits_for_the_reset_and_no_request_goes_early() {
    let fake = FakeX::start_with(FakeXOptions { rate_limit: 2, ..FakeXOptions::default() });
    fake.seed(9, 4, 4);
    fake.inject_429(3, 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = run_with(settings(&fake), &store(), &tmp.path().join("s"), &tmp.path().join("o"), None).await;
    let summary = run.summary.expect("the run completes");
    assert_eq!((summary.fetched, summary.delivered), (17, 17));
    let requests = fake.requests();
    let limited: Vec<_> = requests.iter().filter(|r| r.status == 429).collect();
    assert_eq!(limited.len(), 1, "one injected 429 and no other: {:?}", fake.violations());
    assert!(fake.violations().is_empty(), "requests sent before the reset: {:?}", fake.violations());
    assert!(
        run.events.iter().any(|e| matches!(e, Progress::RateLimit { status } if status.remaining == Some(0) && status.next_request_at.is_some())),
        "the wait was reported with the next allowed request time"
    );
    assert_eq!(archived(&tmp.path().join("o")).len(), 17);
}

#[tokio::test]
async fn a_run_stopped_mid_window_keeps_its_checkpoint_and_the_rerun_archives_every_item_once() {
    let fake = FakeX::start();
    fake.seed(10, 4, 4);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));
    let stopped = run_with(settings(&fake), &store(), &state, &out, Some(5)).await;
    let stopped = stopped.summary.expect("a cancelled run still returns its summary");
    assert!(stopped.cancelled && stopped.delivered >= 5 && stopped.delivered < 18, "{stopped:?}");
    let ledger = Ledger::open(&state).expect("ledger");
    assert_eq!(
        ledger.checkpoint("x:contoso", "since_id:posts").expect("reads"),
        None,
        "the window is not committed"
    );
    drop(ledger);

    let resumed = run(&fake, &state, &out).await;
    assert_eq!(resumed.fetched, 18, "the whole window is fetched again");
    assert_eq!(resumed.delivered + resumed.already_present, 18);
    assert_eq!(resumed.already_present, stopped.delivered, "what the first run archived is recognised");
    let messages = archived(&out);
    assert_eq!(messages.keys().cloned().collect::<Vec<_>>(), all_ids(&fake), "every item exactly once");
    let ledger = Ledger::open(&state).expect("ledger");
    let (posts, _, _) = fake.ids();
    assert_eq!(ledger.checkpoint("x:contoso", "since_id:posts").expect("reads"), posts.first().cloned());
}

#[tokio::test]
async fn a_changed_signature_byte_is_refused_and_the_client_reports_an_auth_error_without_retrying() {
    let fake = FakeX::start();
    fake.seed(2, 0, 0);

    // The fake refuses a correctly signed request with one byte of its signature changed.
    let url = url::Url::parse(&format!("{}/2/users/me", fake.base)).expect("url");
    let header = authorization_header("GET", &url, &[], &credentials(), &Freshness::now());
    let start = header.expose().find("oauth_signature=\"").expect("signature") + "oauth_signature=\"".len();
    let mut tampered = header.expose().clone().into_bytes();
    tampered[start] = if tampered[start] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    let client = reqwest::Client::new();
    let answer = client.get(url.clone()).header("authorization", tampered).send().await.expect("answers");
    assert_eq!(answer.status().as_u16(), 401);
    assert_eq!(fake.rejected_signatures(), 1);
    let answer =
        client.get(url).header("authorization", header.expose().as_str()).send().await.expect("answers");
    assert_eq!(answer.status().as_u16(), 200, "the same request with the right signature is accepted");

    // A client whose signature is wrong (one character of the API secret differs) gets x_auth, at once.
    let secrets = store();
    let mut wrong = fake_x::API_SECRET.to_string();
    wrong.replace_range(0..1, "G");
    secrets.set(x_connector::API_SECRET_ENTRY, &Sensitive::new(wrong)).expect("stored");
    let before = fake.requests().len();
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = run_with(settings(&fake), &secrets, &tmp.path().join("s"), &tmp.path().join("o"), None).await;
    let error = run.summary.expect_err("refused");
    assert_eq!(error.code(), Code::XAuth, "{error}");
    assert!(error.code().is_input_problem());
    assert_eq!(fake.requests().len() - before, 1, "no retry loop");
    assert!(
        !error.to_string().contains(fake_x::API_SECRET) && !error.to_string().contains(fake_x::ACCESS_TOKEN)
    );

    let verify = x_connector::verify_account(&secrets, &fake.base).await.expect_err("refused");
    assert_eq!(verify.code(), Code::XAuth);
    let account = x_connector::verify_account(&store(), &fake.base).await.expect("verified");
    assert_eq!((account.username.as_str(), account.id.as_str()), ("contoso", ME_ID));
}

#[tokio::test]
async fn the_usage_cap_ends_the_run_cleanly_with_a_clear_reason() {
    let fake = FakeX::start();
    fake.seed(3, 0, 0);
    fake.set_usage_capped(true);
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = run_with(settings(&fake), &store(), &tmp.path().join("s"), &tmp.path().join("o"), None).await;
    let error = run.summary.expect_err("stopped");
    assert_eq!(error.code(), Code::XUsageCap);
    assert!(error.to_string().contains("usage cap"), "{error}");
    assert_eq!(fake.requests().len(), 1, "no retries against a usage cap");
}

#[tokio::test]
async fn the_daily_cap_stops_at_the_cap_and_the_next_day_continues_without_a_gap() {
    let fake = FakeX::start();
    fake.seed(6, 2, 2);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));
    let capped = |cap| {
        let mut s = settings(&fake);
        s.daily_cap = cap;
        s
    };
    let first = run_with(capped(4), &store(), &state, &out, None).await.summary.expect("runs");
    assert_eq!(first.delivered, 4);
    assert!(
        first.warnings.iter().any(|w| w.contains("daily cap") && w.contains("leaves 6 for the next run")),
        "{:?}",
        first.warnings
    );
    let second = run_with(capped(4), &store(), &state, &out, None).await.summary.expect("runs");
    assert_eq!(second.fetched, 0, "the cap is used up for today");
    assert!(
        second.warnings.iter().any(|w| w.contains("daily cap of 4 items is reached")),
        "{:?}",
        second.warnings
    );
    // A day later (modelled by a larger cap): the rest, oldest first, and nothing twice.
    let third = run_with(capped(100), &store(), &state, &out, None).await.summary.expect("runs");
    assert_eq!((third.fetched, third.delivered, third.already_present), (6, 6, 0), "{third:?}");
    assert_eq!(archived(&out).keys().cloned().collect::<Vec<_>>(), all_ids(&fake));
}

#[tokio::test]
async fn reach_limits_are_warned_about_when_the_oldest_item_is_at_the_limit() {
    let fake = FakeX::start_with(FakeXOptions { posts_reach: 5, ..FakeXOptions::default() });
    fake.seed(8, 1, 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut s = settings(&fake);
    s.reach.posts = 5;
    let run = run_with(s, &store(), &tmp.path().join("s"), &tmp.path().join("o"), None).await;
    let summary = run.summary.expect("runs");
    assert_eq!(summary.fetched, 7, "X returns only the 5 most recent posts");
    assert!(
        summary.warnings.iter().any(|w| w.contains("X returned 5 posts") && w.contains("reach limit")),
        "{:?}",
        summary.warnings
    );
    assert!(run
        .events
        .iter()
        .any(|e| matches!(e, Progress::Warning { message, .. } if message.contains("reach limit"))));
}

#[tokio::test]
async fn the_best_video_that_fits_is_attached_and_a_video_too_large_is_held_as_oversize_with_its_url() {
    let fake = FakeX::start();
    let fits = fake.add_post(
        "clip",
        &[NewMedia::Video { variants: vec![(2_176_000, 11_000_000), (832_000, 40_000), (256_000, 9_000)] }],
    );
    let too_large = fake.add_post(
        "long clip",
        &[NewMedia::Video { variants: vec![(2_176_000, 12_000_000), (832_000, 10_600_000)] }],
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));
    let summary = run(&fake, &state, &out).await;
    assert_eq!((summary.delivered, summary.skipped.get("oversize").copied()), (1, Some(1)), "{summary:?}");
    let messages = archived(&out);
    let video = messages[&fits].attachments().next().expect("the video is attached");
    assert_eq!(video.contents().len(), 40_000, "the highest bit rate that fits");
    let ledger = Ledger::open(&state).expect("ledger");
    let held = ledger.held(None, 10).expect("held");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].source_id, too_large);
    let original = ledger.original(&held[0].item_key).expect("reads").expect("the original is kept");
    assert!(
        original.contains(&format!("{}/media/", fake.base)),
        "the original keeps the video's URL: {original}"
    );
}

#[tokio::test]
async fn credentials_for_another_account_are_refused_before_anything_is_archived() {
    let fake = FakeX::start();
    fake.seed(1, 0, 0);
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut s = settings(&fake);
    s.account = "someone_else".into();
    let error = run_with(s, &store(), &tmp.path().join("s"), &tmp.path().join("o"), None)
        .await
        .summary
        .expect_err("refused");
    assert_eq!(error.code(), Code::BadConfig);
    assert!(error.to_string().contains("@contoso"), "{error}");
}

#[tokio::test]
async fn with_an_x_handle_mapping_a_dm_goes_to_every_participant_that_maps() {
    let fake = FakeX::start();
    fake.seed(1, 0, 2);
    let tmp = tempfile::tempdir().expect("tempdir");
    let csv = tmp.path().join("x-mapping.csv");
    std::fs::write(&csv, "XHandle,EmailAddress\n@alice_trades,alice@contoso.com\n").expect("written");
    let table = docket_core::mapping::XHandleTable::load(&csv).expect("loads");
    let ledger = Ledger::open(&tmp.path().join("state")).expect("ledger");
    let source =
        x_connector::open_source(&store(), settings(&fake), Some(&ledger), RateLimits::default(), None)
            .expect("opens");
    let out = tmp.path().join("out");
    let summary = pipeline::run(Job {
        source_label: "x:contoso".into(),
        source: Box::new(source),
        resolver: Arc::new(Resolver::new(None, true, Some(MAILBOX.into())).with_x_handles(table)),
        sinks: vec![Arc::new(DirSink::new(out.clone()))],
        ledger: &ledger,
        options: PipelineOptions::default(),
        progress: pipeline::progress::silent(),
        cancel: CancellationToken::new(),
    })
    .await
    .expect("runs");
    assert_eq!(summary.fetched, 3);
    // seed(1, 0, 2): the post mentions @alice_trades, the first DM is with her, the second with @bob_fx.
    let (posts, _, dms) = fake.ids();
    assert_eq!(summary.deliveries, 5, "the post and the DM with Alice also go to her mailbox: {summary:?}");
    let alices = archived(&out.join("alice@contoso.com"));
    assert_eq!(alices.keys().cloned().collect::<Vec<_>>(), vec![posts[0].clone(), dms[1].clone()]);
    assert_eq!(archived(&out.join(MAILBOX)).len(), 3);
}

#[test]
fn the_fuzz_seeds_decode_into_items_that_render() {
    use docket_core::model::ItemKind;
    use docket_core::sources::x::records::decode_items;
    use docket_core::sources::x::XAccount;
    let account = XAccount { id: ME_ID.into(), username: "contoso".into(), name: "Contoso".into() };
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/x_json");
    let read = |name: &str| std::fs::read(seeds.join(name)).expect("seed");
    let posts = read("posts_page");
    let items = decode_items(&posts[1..], ItemKind::Post, &account).expect("decodes");
    assert_eq!(items.len(), 1);
    let post = &items[0];
    assert_eq!(post.text, "@alice_trades Market update https://contoso.com/notes");
    assert!(post.reply_to.is_some() && post.references.len() == 2, "reply and quote threaded: {post:?}");
    assert!(post.recipients.iter().any(|p| p.display_name == "@alice_trades"));
    let rendered = docket_core::attachments::load_and_render(post).expect("renders");
    let text = String::from_utf8_lossy(&rendered.bytes);
    assert!(
        text.contains("In-Reply-To:") && text.contains("X-Docket-X-Metrics: likes=3; reposts=1"),
        "{text}"
    );
    let dms = read("dm_page");
    let items = decode_items(&dms[1..], ItemKind::DirectMessage, &account).expect("decodes");
    assert_eq!(items[0].recipients.len(), 1, "the account is the other participant");
    assert_eq!(items[0].recipients[0].display_name, "@contoso");
    let errors = read("errors_only");
    assert_eq!(decode_items(&errors[1..], ItemKind::Mention, &account).expect("decodes").len(), 0);
}
