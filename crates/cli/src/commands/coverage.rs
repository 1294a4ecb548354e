//! `docket coverage`: per chat, the period its exports cover (first and last message), how many messages
//! the ledger holds, and the gaps no export covered. Reads the ledger only; never creates a state folder.

use docket_core::ledger::Ledger;

use super::state_dir;
use crate::args::CoverageArgs;
use crate::exit::{self, Exit};

pub fn coverage(args: CoverageArgs) -> Exit {
    let state = match state_dir(&args.state) {
        Ok(state) => state,
        Err(e) => return exit::report(&e, args.json),
    };
    let chats = match Ledger::open_existing(&state).and_then(|l| l.coverage()) {
        Ok(chats) => chats,
        Err(e) => return exit::report(&e.into(), args.json),
    };
    if args.json {
        outln!("{}", serde_json::to_string(&chats).unwrap_or_default());
        return Exit::Ok;
    }
    if chats.is_empty() {
        outln!("no export has been imported with this state folder yet");
        return Exit::Ok;
    }
    for chat in chats {
        outln!("{} chat \"{}\"", chat.source, chat.chat);
        outln!("  first message  {}", chat.first);
        outln!("  last message   {}", chat.last);
        outln!("  messages       {} (from {} export runs)", chat.messages, chat.exports);
        if chat.gaps.is_empty() {
            outln!("  gaps           none");
        }
        for gap in &chat.gaps {
            outln!("  gap            no export covers {} to {}", gap.after, gap.before);
        }
    }
    Exit::Ok
}
