//! Fuzz target: arbitrary bytes as a mapping CSV, read with or without a default region. Every problem
//! must be reported (a `MappingError`), never a panic.
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
    // One parse per input (parsing phone numbers is most of the cost): the input's length picks whether a
    // default region is set, so the fuzzer explores both without a byte taken from the CSV. `from_reader`
    // runs the same `parse` as `check_bytes`, then builds the table.
    let default_region = (data.len() % 2 == 1).then(|| "GB".to_string());
    let options = MappingOptions { default_region };
    let _ = MappingTable::from_reader("fuzz.csv", data, &options);
    }
);
