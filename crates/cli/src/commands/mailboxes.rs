//! `docket mailboxes check`: the mapping's mailboxes resolved in Microsoft 365 through Graph, before any run.
//! Exit 2 when an address is not a user or has no usable mailbox.

use docket_core::connector;
use docket_core::mapping::MappingOptions;
use docket_core::model::SourceKind;
use docket_core::Error;

use crate::args::MailboxesCheckArgs;
use crate::exit::{self, Exit};
use crate::target;

pub async fn check(args: MailboxesCheckArgs) -> Exit {
    let report = match check_inner(&args).await {
        Ok(report) => report,
        Err(e) => return exit::report(&e, args.json),
    };
    if args.json {
        outln!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        for check in &report.mailboxes {
            let folder = match check.folder_exists {
                Some(true) => format!("folder {:?} exists", report.folder),
                Some(false) => format!("folder {:?} will be created", report.folder),
                None => String::new(),
            };
            let status = serde_json::to_value(check.status).ok().and_then(|v| v.as_str().map(str::to_string));
            outln!("{}: {} {folder}", check.address, status.unwrap_or_default());
            if let Some(detail) = &check.detail {
                outln!("  {detail}");
            }
        }
        errln!(
            "{} mailboxes checked: {} not Microsoft 365 users, {} without a usable mailbox",
            report.mailboxes.len(),
            report.unknown.len(),
            report.unusable.len()
        );
        if !report.unknown.is_empty() {
            errln!(
                "items for unknown addresses are not imported (they are kept as unmapped): fix these rows of the \
                 mapping, or create the users, then run again"
            );
        }
    }
    if report.all_ok() {
        Exit::Ok
    } else {
        Exit::BadInput
    }
}

async fn check_inner(args: &MailboxesCheckArgs) -> Result<docket_core::identity::MailboxReport, Error> {
    let kind = SourceKind::parse(&args.kind).ok_or_else(|| {
        docket_core::config::ConfigError::cli(
            "--kind",
            format!("{:?} is not one of whatsapp, telegram or x", args.kind),
        )
    })?;
    let (graph, _tenant) = target::app_graph(&args.cloud)?;
    let options = MappingOptions { default_region: args.default_region.clone() };
    connector::check_mailboxes(
        &graph,
        args.mapping.as_deref(),
        &options,
        args.mailbox.as_deref(),
        kind,
        args.folder.as_deref(),
    )
    .await
}
