//! M1: how fast a mapping CSV is checked (`MappingTable::check_bytes`, what `docket mapping check` and the
//! wizard's mapping step run) when its numbers come from many countries, against a file of the same size
//! with numbers from one country, checked in the same run. Phone number validation compiles each region's
//! patterns on first use, so a file that mixes regions is the slow case; this figure shows it stays close
//! to the single-country one. It touches no storage.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use docket_core::mapping::{MappingOptions, MappingTable};

use crate::report::{Figure, Target, Unit};
use crate::BenchError;

/// Mixed files are held to this fraction of the single-country rate.
const TARGET_RATIO: f64 = 0.5;

/// Eight country codes, written as people write them. +1 numbers move through area codes of the United
/// States and Canada, which the phone metadata keeps as separate regions.
fn mixed_number(n: usize) -> String {
    const US_CA_AREAS: [u32; 12] = [201, 202, 212, 305, 312, 415, 617, 713, 416, 514, 604, 403];
    let line = n % 10_000;
    match n % 8 {
        0 | 1 => format!("+1 {} {} {:04}", US_CA_AREAS[n / 8 % US_CA_AREAS.len()], 234 + n / 96 % 600, line),
        2 => format!("+44 7700 9{:05}", n % 1000),
        3 => format!("+49 30 {:08}", 12_000_000 + line),
        4 => format!("+33 6 12 {:02} {:02} {:02}", n / 10_000 % 100, line / 100, line % 100),
        5 => format!("+31 6 {:08}", 12_000_000 + line),
        6 => format!("+91 98{:03} {:05}", n / 10_000 % 1000, line),
        _ => format!("+61 4 12 {:03} {:03}", n / 1000 % 1000, n % 1000),
    }
}

/// UK mobile numbers only; distinct for n < 100,000,000.
fn uk_number(n: usize) -> String {
    format!("+44 7911 {:06}", n % 1_000_000)
}

fn csv(rows: usize, number: fn(usize) -> String) -> Vec<u8> {
    let mut out = String::from("MobileNumber,EmailAddress\n");
    for n in 0..rows {
        let _ = writeln!(out, "{},user{n}@contoso.com", number(n));
    }
    out.into_bytes()
}

/// Seconds to check the file, and the number of rows that mapped.
fn check_seconds(name: &str, bytes: &[u8]) -> Result<(f64, usize), BenchError> {
    let options = MappingOptions::default();
    let start = Instant::now();
    let report = black_box(MappingTable::check_bytes(name, bytes, &options)?);
    Ok((start.elapsed().as_secs_f64(), report.entries))
}

pub fn measure(rows: usize) -> Result<Vec<Figure>, BenchError> {
    let uk = csv(rows, uk_number);
    let mixed = csv(rows, mixed_number);
    // The phone metadata is loaded on the first number read anywhere; load it before either is timed.
    check_seconds("warm-up.csv", &csv(1, uk_number))?;
    // The single-country file first, so its patterns are all the mixed file finds already compiled.
    let (uk_seconds, uk_mapped) = check_seconds("uk.csv", &uk)?;
    let (mixed_seconds, mixed_mapped) = check_seconds("mixed.csv", &mixed)?;
    println!(
        "M1 detail: {rows} rows each; one country: {uk_mapped} mapped, {uk_seconds:.3} s; eight country codes: \
         {mixed_mapped} mapped, {mixed_seconds:.3} s"
    );
    Ok(vec![Figure {
        id: "M1",
        what: format!("mapping CSV check, {rows} rows, eight country codes"),
        unit: Unit::PerSecond,
        measured: rows as f64 / mixed_seconds,
        baseline_label: "the same number of UK rows".into(),
        baseline: rows as f64 / uk_seconds,
        target: Target::RatioAtLeast(TARGET_RATIO),
    }])
}
