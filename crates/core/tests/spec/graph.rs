//! Spec: delivery through Microsoft Graph. Every message lands in the named folder of each mapped mailbox,
//! with Graph's message id in the ledger; a re-run creates no duplicate even from an empty ledger (the
//! Message-ID is looked up in the folder first); a 429 storm is ridden out with no loss and no request sent
//! before `Retry-After` has passed; tokens are renewed before they expire; where `importMime` is missing the
//! message is created as a draft; an unknown mailbox fails its rows and is kept. The mapping check names the
//! addresses the directory does not know. All against the Entra ID and Graph doubles (docket-testkit).

use std::sync::Arc;
use std::time::Duration;

use docket_core::connector;
use docket_core::identity::{AppCredentials, AppTokenSource, Cloud, GraphClient, ThrottlePolicy};
use docket_core::ledger::Ledger;
use docket_core::mapping::{MappingOptions, MappingTable, Resolver};
use docket_core::model::RunSummary;
use docket_core::model::SourceKind;
use docket_core::pipeline::{self, Job, PipelineOptions, RetryPolicy};
use docket_core::secrets::Sensitive;
use docket_core::sinks::graph::{GraphRoutes, GraphSink};
use docket_core::sinks::Sink;
use docket_core::sources::FakeSource;
use docket_testkit::fake_entra::{FakeEntra, CLIENT_ID, SECRET, TENANT};
use docket_testkit::fake_graph::FakeGraph;
use tokio_util::sync::CancellationToken;

use crate::pipeline::item;

const OWNER: &str = "owner@contoso.com";
const ALICE: &str = "alice@contoso.com";
/// A Global-cloud tenant: importMime first, the JSON route where it is refused; drafts not allowed.
const GLOBAL: GraphRoutes = GraphRoutes { import_mime: true, allow_drafts: false };

struct Tenant {
    entra: FakeEntra,
    graph: FakeGraph,
}

fn tenant() -> Tenant {
    let entra = FakeEntra::start();
    let graph = FakeGraph::start(&entra);
    graph.add_user(OWNER, "Compliance Owner");
    graph.add_user(ALICE, "Alice");
    Tenant { entra, graph }
}

impl Tenant {
    fn cloud(&self) -> Cloud {
        Cloud::Custom { authority: self.entra.authority.clone(), graph: self.graph.base.clone() }
    }

    fn client(&self) -> Arc<GraphClient> {
        connector::graph_client_for(AppCredentials {
            cloud: self.cloud(),
            tenant_id: TENANT.into(),
            client_id: CLIENT_ID.into(),
            client_secret: Sensitive::new(SECRET.into()),
        })
        .expect("a Graph client")
    }

    fn sink(&self, routes: GraphRoutes) -> Arc<GraphSink> {
        Arc::new(GraphSink::new(self.client(), TENANT, routes))
    }
}

/// The mapping every test uses: the items' sender's number to Alice, and the owner mailbox for everything.
fn resolver(dir: &std::path::Path) -> Resolver {
    let csv = dir.join("mapping.csv");
    std::fs::write(&csv, format!("Mobile,Email\n+447700900123,{ALICE}\n")).expect("mapping written");
    let table = MappingTable::load(&csv, &MappingOptions::default()).expect("mapping loads");
    Resolver::new(Some(table), true, Some(OWNER.into()))
}

async fn run(sink: Arc<dyn Sink>, ledger: &Ledger, resolver: Resolver, count: usize) -> RunSummary {
    run_items(sink, ledger, resolver, 0..count).await
}

async fn run_items(
    sink: Arc<dyn Sink>,
    ledger: &Ledger,
    resolver: Resolver,
    numbers: std::ops::Range<usize>,
) -> RunSummary {
    let items = numbers.map(|n| Ok(item(n))).collect();
    pipeline::run(Job {
        source_label: "whatsapp:spec".into(),
        source: Box::new(FakeSource::new(SourceKind::WhatsApp, items)),
        resolver: Arc::new(resolver),
        sinks: vec![sink],
        ledger,
        options: PipelineOptions {
            folder: Some("Chat Archive".into()),
            concurrency: 8,
            retry: RetryPolicy {
                max_attempts: 3,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(20),
            },
            batch_size: 16,
        },
        progress: Arc::new(|_| {}),
        cancel: CancellationToken::new(),
    })
    .await
    .expect("the run completes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_lands_in_the_named_folder_of_each_mapped_mailbox_with_its_graph_id_recorded() {
    let tenant = tenant();
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    let sink = tenant.sink(GLOBAL);

    let summary = run(sink.clone(), &ledger, resolver(dir.path()), 20).await;

    assert_eq!((summary.fetched, summary.delivered, summary.deliveries), (20, 20, 40), "{summary:?}");
    for mailbox in [OWNER, ALICE] {
        let messages = tenant.graph.messages(mailbox, "Chat Archive");
        assert_eq!(messages.len(), 20, "{mailbox}");
        assert!(messages.iter().all(|m| !m.is_draft), "importMime makes real messages");
        let mut ids: Vec<_> = messages.iter().map(|m| m.internet_message_id.clone()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 20);
        assert_eq!(tenant.graph.folders(mailbox), vec!["Chat Archive".to_string()]);
    }
    let recorded = ledger.remote_ids(&sink.target_id()).expect("remote ids");
    assert_eq!(recorded.len(), 40);
    let stored: Vec<String> =
        tenant.graph.messages(OWNER, "Chat Archive").into_iter().map(|m| m.id).collect();
    for (_, mailbox, id) in recorded.iter().filter(|(_, m, _)| m == OWNER) {
        assert!(stored.contains(id), "{mailbox}: {id} is Graph's id of a stored message");
    }
    assert!(tenant.graph.violations().is_empty(), "{:?}", tenant.graph.violations());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_creates_no_duplicate_even_with_an_empty_ledger() {
    let tenant = tenant();
    let dir = tempfile::tempdir().expect("tempdir");
    let first_ledger = Ledger::open(&dir.path().join("a")).expect("ledger");
    run(tenant.sink(GLOBAL), &first_ledger, resolver(dir.path()), 10).await;

    let again = run(tenant.sink(GLOBAL), &first_ledger, resolver(dir.path()), 10).await;
    let fresh_ledger = Ledger::open(&dir.path().join("b")).expect("ledger");
    let fresh = run(tenant.sink(GLOBAL), &fresh_ledger, resolver(dir.path()), 10).await;

    assert_eq!((again.already_present, again.deliveries), (10, 0));
    assert_eq!((fresh.already_present, fresh.deliveries), (10, 0), "found by Message-ID in the folder");
    assert_eq!(
        fresh_ledger.remote_ids(&format!("graph:{TENANT}")).expect("ids").len(),
        20,
        "ids recorded anyway"
    );
    assert_eq!(tenant.graph.messages(OWNER, "Chat Archive").len(), 10);
    assert_eq!(tenant.graph.messages(ALICE, "Chat Archive").len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_ridden_out_without_loss_or_an_early_retry() {
    let tenant = tenant();
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    tenant.graph.storm(6, 1, 429);

    let summary = run(tenant.sink(GLOBAL), &ledger, resolver(dir.path()), 12).await;

    assert_eq!((summary.delivered, summary.deliveries), (12, 24), "{summary:?}");
    assert!(summary.failed.is_empty(), "{summary:?}");
    assert_eq!(tenant.graph.messages(OWNER, "Chat Archive").len(), 12);
    assert_eq!(tenant.graph.messages(ALICE, "Chat Archive").len(), 12);
    assert!(tenant.graph.throttled_answers() >= 6);
    assert_eq!(tenant.graph.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_with_retry_after_is_treated_like_a_429() {
    let tenant = tenant();
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    tenant.graph.storm(3, 1, 503);

    let summary = run(tenant.sink(GLOBAL), &ledger, resolver(dir.path()), 4).await;

    assert_eq!(summary.deliveries, 8, "{summary:?}");
    assert_eq!(tenant.graph.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_renewed_before_they_expire() {
    let tenant = tenant();
    tenant.entra.set_token_lifetime(Duration::from_secs(2));
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    let sink = tenant.sink(GLOBAL);

    run(sink.clone(), &ledger, resolver(dir.path()), 3).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let later = run_items(sink, &ledger, resolver(dir.path()), 3..6).await;

    assert_eq!(later.deliveries, 6);
    assert!(tenant.entra.tokens_issued() >= 2, "a new token was fetched");
    assert_eq!(tenant.graph.expired_tokens_seen(), 0, "no request carried an expired token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_import_mime_messages_are_created_as_received_mail_through_the_json_route() {
    let tenant = tenant();
    tenant.graph.disable_import_mime();
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    let sink = tenant.sink(GLOBAL);

    let summary = run(sink.clone(), &ledger, resolver(dir.path()), 5).await;

    assert_eq!((summary.delivered, summary.drafts, summary.deliveries), (5, 0, 10), "{summary:?}");
    let messages = tenant.graph.messages(OWNER, "Chat Archive");
    assert_eq!(messages.len(), 5);
    assert!(messages.iter().all(|m| !m.is_draft), "PidTagMessageFlags set at creation: not drafts");
    assert!(messages
        .iter()
        .all(|m| m.received_date_time.is_some() && m.received_date_time == m.sent_date_time));
    let rows = ledger.mailbox_rows(&sink.target_id()).expect("rows");
    assert!(rows.iter().all(|r| r.read_back.as_ref().is_some_and(|b| !b.is_draft)), "read back and kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailbox_where_import_mime_loses_the_time_fails_that_item_and_takes_the_json_route() {
    let tenant = tenant();
    tenant.graph.stamp_import_time_as_received();
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    let options =
        PipelineOptions { folder: Some("Chat Archive".into()), concurrency: 1, ..PipelineOptions::default() };
    let summary = pipeline::run(Job {
        source_label: "whatsapp:spec".into(),
        source: Box::new(FakeSource::new(SourceKind::WhatsApp, (0..4).map(|n| Ok(item(n))).collect())),
        resolver: Arc::new(owner_only()),
        sinks: vec![tenant.sink(GLOBAL)],
        ledger: &ledger,
        options,
        progress: Arc::new(|_| {}),
        cancel: CancellationToken::new(),
    })
    .await
    .expect("the run completes");

    assert_eq!(
        summary.failed.get("wrong_time"),
        Some(&1),
        "the first item is reported, not delivered: {summary:?}"
    );
    assert_eq!(summary.delivered, 3, "{summary:?}");
    let messages = tenant.graph.messages(OWNER, "Chat Archive");
    assert_eq!(messages.len(), 4, "the wrong-time message is left in place, nothing deleted");
    assert_eq!(messages.iter().filter(|m| m.route == "json").count(), 3, "the rest took the JSON route");
    let held = ledger.held(None, 10).expect("held");
    assert!(held.iter().any(|h| h.detail.as_deref().is_some_and(|d| d.contains("received at"))), "{held:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_come_only_when_the_connector_allows_them_and_are_counted_apart() {
    let tenant = tenant();
    tenant.graph.disable_import_mime();
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    let sink = tenant.sink(GraphRoutes { import_mime: true, allow_drafts: true });

    let summary = run(sink, &ledger, resolver(dir.path()), 5).await;

    assert_eq!((summary.delivered, summary.drafts), (0, 5), "drafts are never delivered: {summary:?}");
    let counts = summary.targets.get(&format!("graph:{TENANT}")).expect("per-target counts");
    assert_eq!((counts.delivered, counts.drafts), (0, 10));
    let totals = ledger.source_totals("whatsapp:spec").expect("totals");
    assert_eq!((totals.delivered, totals.drafts), (0, 10), "the dashboard's counts keep drafts apart too");
    let messages = tenant.graph.messages(OWNER, "Chat Archive");
    assert!(
        messages.iter().all(|m| m.is_draft),
        "POST .../messages with MIME always makes drafts (documented)"
    );
    let mime = String::from_utf8_lossy(&messages[0].mime).into_owned();
    assert!(mime.contains("Message-ID: <") && mime.contains("X-Docket-"), "the MIME arrives whole");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailbox_the_directory_does_not_know_fails_its_rows_and_is_kept_for_a_later_run() {
    let tenant = tenant();
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");
    let resolver = Resolver::new(None, true, Some("ghost@contoso.com".into()));
    let items = (0..2).map(|n| Ok(item(n))).collect();

    let summary = pipeline::run(Job {
        source_label: "whatsapp:ghost".into(),
        source: Box::new(FakeSource::new(SourceKind::WhatsApp, items)),
        resolver: Arc::new(resolver),
        sinks: vec![tenant.sink(GLOBAL)],
        ledger: &ledger,
        options: PipelineOptions { folder: None, ..PipelineOptions::default() },
        progress: Arc::new(|_| {}),
        cancel: CancellationToken::new(),
    })
    .await
    .expect("the run completes");

    assert_eq!(summary.failed.get("mailbox_not_found"), Some(&2), "{summary:?}");
    let held = ledger.held(None, 10).expect("held rows");
    assert_eq!(held.len(), 2);
    assert!(held[0]
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("ghost@contoso.com") && d.contains("mailboxes check")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mapping_check_names_addresses_unknown_to_the_directory_before_any_run() {
    let tenant = tenant();
    tenant.graph.add_user_without_mailbox("nolicence@contoso.com", "No Licence");
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("mapping.csv");
    std::fs::write(
        &csv,
        format!("Mobile,Email\n+447700900123,{ALICE}\n+447700900456,ghost@contoso.com\n+12025550143,nolicence@contoso.com\n"),
    )
    .expect("written");

    let report = connector::check_mailboxes(
        &tenant.client(),
        Some(&csv),
        &MappingOptions::default(),
        Some("Owner@Contoso.com"),
        SourceKind::Telegram,
        None,
    )
    .await
    .expect("the check runs");

    assert_eq!(report.unknown, vec!["ghost@contoso.com".to_string()]);
    assert_eq!(report.unusable, vec!["nolicence@contoso.com".to_string()]);
    assert_eq!(report.folder, "Telegram Archiver");
    assert_eq!(report.mailboxes.len(), 4);
    let owner = report.mailboxes.iter().find(|m| m.address == OWNER).expect("owner checked");
    assert_eq!((owner.display_name.as_deref(), owner.folder_exists), (Some("Compliance Owner"), Some(false)));
    assert!(tenant.graph.messages(OWNER, "Telegram Archiver").is_empty(), "the check changes nothing");
}

#[tokio::test]
async fn the_graph_double_refuses_missing_unknown_and_expired_tokens() {
    let tenant = tenant();
    tenant.entra.set_token_lifetime(Duration::from_secs(1));
    let url = format!("{}/v1.0/users/{OWNER}", tenant.graph.base);
    let http = reqwest::Client::new();
    let token = {
        let form = [
            ("grant_type", "client_credentials".to_string()),
            ("client_id", CLIENT_ID.to_string()),
            ("client_secret", SECRET.to_string()),
            ("scope", format!("{}/.default", tenant.graph.base)),
        ];
        let answer: serde_json::Value = http
            .post(format!("{}/{TENANT}/oauth2/v2.0/token", tenant.entra.authority))
            .form(&form)
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("json");
        answer["access_token"].as_str().expect("a token").to_string()
    };

    let fresh = http.get(&url).bearer_auth(&token).send().await.expect("answer").status();
    let missing = http.get(&url).send().await.expect("answer").status();
    let forged = http.get(&url).bearer_auth("eyJ0eXAi.forged").send().await.expect("answer").status();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = http.get(&url).bearer_auth(&token).send().await.expect("answer");
    let expired_status = expired.status();
    let body: serde_json::Value = expired.json().await.unwrap_or_default();

    assert_eq!(fresh.as_u16(), 200);
    assert_eq!((missing.as_u16(), forged.as_u16(), expired_status.as_u16()), (401, 401, 401));
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert_eq!(tenant.graph.expired_tokens_seen(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connectors_graph_target_delivers_with_the_client_secret_from_the_keychain() {
    let tenant = tenant();
    let state = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let store = docket_core::secrets::MemSecretStore::default();
    docket_core::secrets::SecretStore::set(
        &store,
        connector::AZURE_CLIENT_SECRET_ENTRY,
        &Sensitive::new(SECRET.into()),
    )
    .expect("stored");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let request = connector::RunPlan {
        source_kind: SourceKind::WhatsApp,
        location: root.join("samples/whatsapp/WhatsApp Chat with Trading Desk.txt").display().to_string(),
        timezone: "Europe/London".into(),
        date_order: None,
        mapping_csv: None,
        auto_map: true,
        owner_mailbox: Some(OWNER.into()),
        folder: Some("Trading Desk".into()),
        default_region: None,
        targets: vec![connector::PlanTarget::Graph {
            cloud: docket_core::identity::CloudName::Global,
            tenant_id: TENANT.into(),
            client_id: CLIENT_ID.into(),
            allow_drafts: false,
        }],
        concurrency: connector::DEFAULT_CONCURRENCY,
    };
    // A plan names only Microsoft's clouds; the doubles come in through the environment, as in the app's tests.
    std::env::set_var(docket_core::config::env::AUTHORITY_BASE, &tenant.entra.authority);
    std::env::set_var(docket_core::config::env::GRAPH_BASE, &tenant.graph.base);

    let summary =
        connector::run_import(&request, &store, &ledger, Arc::new(|_| {}), CancellationToken::new())
            .await
            .expect("the import runs");

    assert!(summary.fetched > 0 && summary.failed.is_empty(), "{summary:?}");
    assert_eq!(tenant.graph.messages(OWNER, "Trading Desk").len() as u64, summary.delivered);
    assert_eq!(ledger.remote_ids(&format!("graph:{TENANT}")).expect("ids").len() as u64, summary.deliveries);
}

fn owner_only() -> Resolver {
    Resolver::new(None, true, Some(OWNER.into()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_mailbox_request_budget_is_kept_and_the_double_notices_a_client_that_ignores_it() {
    let tenant = tenant();
    // A budget of 6 requests per 2 s stands in for Graph's 10,000 per 10 minutes. Four items for one mailbox
    // take 10 requests (find and create the folder, then a lookup and an import per item).
    tenant.graph.set_budget(6, Duration::from_secs(2));
    let credentials = AppCredentials {
        cloud: tenant.cloud(),
        tenant_id: TENANT.into(),
        client_id: CLIENT_ID.into(),
        client_secret: Sensitive::new(SECRET.into()),
    };
    let policy = ThrottlePolicy {
        max_concurrent: 4,
        budget: 6,
        window: Duration::from_secs(2),
        ..ThrottlePolicy::default()
    };
    let tokens = Arc::new(AppTokenSource::new(credentials));
    let client = GraphClient::with_policy(&tenant.cloud(), tokens, policy).expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(&dir.path().join("kept")).expect("ledger");
    let started = std::time::Instant::now();

    let kept =
        run(Arc::new(GraphSink::new(Arc::new(client), TENANT, GLOBAL)), &ledger, owner_only(), 4).await;

    assert_eq!(kept.deliveries, 4);
    assert!(started.elapsed() >= Duration::from_secs(2), "the budget made it wait: {:?}", started.elapsed());
    assert_eq!(tenant.graph.violations(), Vec::<String>::new());

    // The same work from a client that assumes a larger budget is caught by the double.
    let ledger = Ledger::open(&dir.path().join("ignored")).expect("ledger");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    run_items(tenant.sink(GLOBAL), &ledger, owner_only(), 10..14).await;
    assert!(
        tenant.graph.violations().iter().any(|v| v.contains("more than 6 requests")),
        "{:?}",
        tenant.graph.violations()
    );
}

#[tokio::test]
async fn the_graph_double_records_a_request_sent_before_retry_after_elapsed() {
    let tenant = tenant();
    let http = reqwest::Client::new();
    let form = [
        ("grant_type", "client_credentials".to_string()),
        ("client_id", CLIENT_ID.to_string()),
        ("client_secret", SECRET.to_string()),
        ("scope", format!("{}/.default", tenant.graph.base)),
    ];
    let answer: serde_json::Value = http
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", tenant.entra.authority))
        .form(&form)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let token = answer["access_token"].as_str().expect("a token").to_string();
    let url = format!("{}/v1.0/users/{OWNER}/mailFolders", tenant.graph.base);
    tenant.graph.storm(1, 2, 429);

    let first = http.get(&url).bearer_auth(&token).send().await.expect("answer");
    let retry_after = first.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let impatient = http.get(&url).bearer_auth(&token).send().await.expect("answer").status();

    assert_eq!((first.status().as_u16(), retry_after.as_deref()), (429, Some("2")));
    assert_eq!(impatient.as_u16(), 429, "still throttled");
    let violations = tenant.graph.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].contains("before Retry-After elapsed"), "{violations:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_than_four_requests_are_in_flight_for_one_mailbox_and_the_double_notices_five() {
    let tenant = tenant();
    tenant.graph.set_latency(Duration::from_millis(60));
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("ledger");

    // Sixteen items at once, all for one mailbox: the pipeline would send sixteen requests together.
    let summary = run(tenant.sink(GLOBAL), &ledger, owner_only(), 16).await;

    assert_eq!(summary.deliveries, 16);
    assert_eq!(tenant.graph.violations(), Vec::<String>::new());

    let http = reqwest::Client::new();
    let form = [
        ("grant_type", "client_credentials".to_string()),
        ("client_id", CLIENT_ID.to_string()),
        ("client_secret", SECRET.to_string()),
        ("scope", format!("{}/.default", tenant.graph.base)),
    ];
    let answer: serde_json::Value = http
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", tenant.entra.authority))
        .form(&form)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let token = answer["access_token"].as_str().expect("a token").to_string();
    let url = format!("{}/v1.0/users/{OWNER}/mailFolders", tenant.graph.base);
    let burst = (0..6).map(|_| http.get(&url).bearer_auth(&token).send());
    let answers = futures::future::join_all(burst).await;

    assert!(answers.iter().all(|a| a.as_ref().is_ok_and(|r| r.status().is_success())));
    assert!(
        tenant.graph.violations().iter().any(|v| v.contains("concurrent requests for owner@contoso.com")),
        "{:?}",
        tenant.graph.violations()
    );
}
