//! Fuzz target: arbitrary bytes as a mapping CSV, checked with and without a default region. Every problem
//! must be reported (a `MappingReport` or `MappingError`), never a panic.
#![no_main]

use docket_core::mapping::{MappingOptions, MappingTable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // The phone-number metadata is built on first use, which takes over a second under AddressSanitizer:
        // build it here so the first input is not reported as a timeout.
        let _ = MappingTable::check_bytes("warm-up.csv", b"phone,email\n+44 7700 900123,a@contoso.com\n", &MappingOptions::default());
    },
    |data: &[u8]| {
    for default_region in [None, Some("GB".to_string())] {
        let options = MappingOptions { default_region };
        let _ = MappingTable::check_bytes("fuzz.csv", data, &options);
        let _ = MappingTable::from_reader("fuzz.csv", data, &options);
    }
    }
);
