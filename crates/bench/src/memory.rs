//! P4: peak resident memory of a real `docket run` process (release build, `VmHWM`), beside the same-run
//! floor of the same binary doing no import (`docket runs` on the same state: runtime, SQLite, nothing
//! else). Three runs: small chat messages at N and at 10×N into a `dir:` folder (memory must stay flat as
//! the count grows), items near the 10 MB limit, eight in flight (`--concurrency 8`), into Azurite, and a
//! zip bomb: a small zip whose one media member inflates to 1 GiB, which the run must hold as `oversize`
//! after reading at most the 10 MB limit of it.

use std::io::Write;
use std::path::Path;

use docket_testkit::azurite::Azurite;

use crate::child::{docket, run_ok};
use crate::report::{Figure, Target, Unit};
use crate::BenchError;

const OWNER: &str = "owner@contoso.com";
/// 7 MiB attachments render to about 9.6 MB messages.
const LARGE_ATTACHMENT: usize = 7 * 1024 * 1024;

/// Peak MB of `docket run` importing `zip` into `target`, the floor (`docket runs`) on its state, and the
/// run's JSON summary.
fn peak_of_run(
    zip: &Path,
    target: &str,
    work: &Path,
    extra: &[&str],
    env: &[(&str, String)],
) -> Result<(f64, f64, String), BenchError> {
    let state = work.join("state");
    let mut cmd = docket()?;
    cmd.args(["run", "--source", &format!("whatsapp:{}", zip.display()), "--target", target, "--state"])
        .arg(&state)
        .args(["--mailbox", OWNER, "--json"])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = run_ok(cmd, "P4 run")?;
    if !run.stdout.contains("\"failed\":{}") {
        return Err(format!("P4: the run failed items: {}", run.stdout).into());
    }
    let mut floor = docket()?;
    floor.args(["runs", "--state"]).arg(&state);
    let floor = run_ok(floor, "P4 floor")?;
    Ok((run.peak_mb, floor.peak_mb, run.stdout))
}

/// A WhatsApp zip of `count` messages, each sending a different incompressible 7 MiB PDF.
fn large_zip(dir: &Path, count: usize) -> Result<std::path::PathBuf, BenchError> {
    let path = dir.join("WhatsApp Chat - Large Files.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!(
            "14/03/2024, 10:{i:02} - +44 7700 900123: DOC-20240314-WA{i:04}.pdf (file attached)\nsigned copy {i}\n"
        ));
    }
    zip.start_file("WhatsApp Chat with Large Files.txt", stored)?;
    zip.write_all(text.as_bytes())?;
    for i in 0..count {
        zip.start_file(format!("DOC-20240314-WA{i:04}.pdf"), stored)?;
        zip.write_all(&crate::large_item::incompressible(LARGE_ATTACHMENT, i as u64 + 99))?;
    }
    zip.finish()?;
    Ok(path)
}

/// A WhatsApp zip whose one message attaches a member of `mib` MiB of zeros, deflated to about a thousandth.
fn bomb_zip(dir: &Path, mib: u64) -> Result<std::path::PathBuf, BenchError> {
    let path = dir.join("WhatsApp Chat - Bomb.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(mib >= 4 * 1024);
    zip.start_file("WhatsApp Chat with Bomb.txt", deflated)?;
    zip.write_all(
        b"14/03/2024, 10:00 - +44 7700 900123: DOC-20240314-WA0001.pdf (file attached)\nthe report\n",
    )?;
    zip.start_file("DOC-20240314-WA0001.pdf", deflated)?;
    std::io::copy(&mut std::io::Read::take(std::io::repeat(0), mib * 1024 * 1024), &mut zip)?;
    zip.finish()?;
    Ok(path)
}

pub fn measure(small: usize, large: usize, bomb_mib: u64) -> Result<Vec<Figure>, BenchError> {
    let mut figures = Vec::new();
    let mut peaks = Vec::new();
    for count in [small, small * 10] {
        let work = tempfile::tempdir()?;
        let (zip, items) =
            docket_testkit::exports::write_android_zip(work.path(), "Memory Desk", count, false)?;
        let target = format!("dir:{}", work.path().join("out").display());
        let (peak, floor, _) = peak_of_run(&zip, &target, work.path(), &[], &[])?;
        println!("P4 detail: {items} small items into dir: peak {peak:.1} MB, floor {floor:.1} MB");
        figures.push(Figure {
            id: "P4",
            what: format!("peak RSS, {items} small items → dir:"),
            unit: Unit::Megabytes,
            measured: peak,
            baseline_label: "same binary, no import (`docket runs`)".into(),
            baseline: floor,
            target: Target::MegabytesAtMost(100.0),
        });
        peaks.push((items, peak));
    }
    if let [(n, at_n), (ten_n, at_ten_n)] = peaks[..] {
        figures.push(Figure {
            id: "P4",
            what: format!("peak RSS growth, {ten_n} vs {n} items (flat)"),
            unit: Unit::Megabytes,
            measured: at_ten_n,
            baseline_label: format!("peak RSS at {n} items"),
            baseline: at_n,
            target: Target::TimesBaselineAtMost(1.25),
        });
    }

    let work = tempfile::tempdir()?;
    let zip = large_zip(work.path(), large)?;
    let azurite = Azurite::start();
    let env = [("DOCKET_STORAGE_CONNECTION_STRING", azurite.connection_string())];
    let (peak, floor, _) =
        peak_of_run(&zip, "azure:bench-memory", work.path(), &["--concurrency", "8"], &env)?;
    println!("P4 detail: {large} items of ~9.6 MB, 8 in flight, into Azurite: peak {peak:.1} MB, floor {floor:.1} MB");
    figures.push(Figure {
        id: "P4",
        what: format!("peak RSS, {large} ~9.6 MB items, 8 in flight → Azurite"),
        unit: Unit::Megabytes,
        measured: peak,
        baseline_label: "same binary, no import (`docket runs`)".into(),
        baseline: floor,
        target: Target::MegabytesAtMost(300.0),
    });

    let work = tempfile::tempdir()?;
    let zip = bomb_zip(work.path(), bomb_mib)?;
    let zip_mb = std::fs::metadata(&zip)?.len() as f64 / 1e6;
    let target = format!("dir:{}", work.path().join("out").display());
    let (peak, floor, summary) = peak_of_run(&zip, &target, work.path(), &["--timezone", "UTC"], &[])?;
    if !summary.contains("\"oversize\":1") {
        return Err(format!("P4: the zip bomb's item was not held as oversize: {summary}").into());
    }
    println!(
        "P4 detail: a {zip_mb:.1} MB zip whose member inflates to {bomb_mib} MiB: held as oversize, peak {peak:.1} MB, \
         floor {floor:.1} MB"
    );
    figures.push(Figure {
        id: "P4",
        what: format!("peak RSS, a zip member of {bomb_mib} MiB (zip bomb) held as oversize"),
        unit: Unit::Megabytes,
        measured: peak,
        baseline_label: "same binary, no import (`docket runs`)".into(),
        baseline: floor,
        target: Target::MegabytesAtMost(100.0),
    });
    Ok(figures)
}
