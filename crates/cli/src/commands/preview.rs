//! `docket preview`: the exact bytes `run` writes for one item, on stdout; where they would go, on stderr.

use std::io::Write;

use docket_core::config::ConfigError;
use docket_core::mapping::Resolution;

use crate::args::PreviewArgs;
use crate::exit::{self, Exit};
use crate::plan::{self, EnvThenKeychain};

pub async fn preview(args: PreviewArgs) -> Exit {
    match preview_inner(&args).await {
        Ok(exit) => exit,
        Err(e) => exit::report(&e, false),
    }
}

async fn preview_inner(args: &PreviewArgs) -> Result<Exit, docket_core::Error> {
    let plan = plan::from_flags(&args.source, None)?;
    plan.validate_source()?;
    let resolver = plan.resolver()?;
    let mut source = plan.open_source(&EnvThenKeychain, None, None)?;
    let wanted = args.item.max(1);
    let mut index = 0;
    while let Some(item) = source.next_item().await? {
        index += 1;
        if index < wanted {
            continue;
        }
        let folder = args.source.folder.clone().unwrap_or_else(|| item.source.default_folder().to_string());
        match resolver.resolve(&item) {
            Resolution::Mailboxes(m) => {
                errln!("item {index} ({}) goes to {} in folder {folder:?}", item.key, m.join(", "))
            }
            Resolution::Unmapped { reason } => {
                errln!("item {index} ({}) is not imported: {reason}", item.key)
            }
        }
        return match docket_core::attachments::load_and_render(&item) {
            Ok(rendered) => {
                let mut out = std::io::stdout().lock();
                let written = out.write_all(&rendered.bytes).and_then(|_| out.flush());
                Ok(if written.is_ok() { Exit::Ok } else { Exit::Failed })
            }
            Err(e) => {
                errln!("docket: item {index} is not converted: {e}");
                Ok(Exit::Failed)
            }
        };
    }
    Err(ConfigError::cli(
        "--item",
        format!("the source has {index} item(s); choose a number from 1 to {index}"),
    )
    .into())
}
