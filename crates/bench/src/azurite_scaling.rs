//! Not a figure: the investigation behind P2's and P3's caveat. How fast Azurite accepts raw create-only
//! PUTs as it fills, with disk persistence and with `--inMemoryPersistence`, and whether a fresh container
//! in the same emulator is as slow as the full one (that would mean the cost grows with the whole account,
//! not with the container). `docket-bench --azurite-scaling [BLOBS]` prints one line per step.

use std::sync::Arc;
use std::time::Instant;

use docket_testkit::azurite::Azurite;
use futures::StreamExt;

use crate::raw_put::RawPut;
use crate::BenchError;

const STEP: usize = 2_000;
const CONCURRENCY: usize = 16;

async fn put_batch(raw: &Arc<RawPut>, prefix: &str, from: usize, count: usize) -> Result<f64, BenchError> {
    let body = vec![b'x'; 2_000];
    let started = Instant::now();
    let results: Vec<_> = futures::stream::iter((from..from + count).map(|i| {
        let (raw, body, name) = (raw.clone(), body.clone(), format!("{prefix}/{i:08}.eml"));
        tokio::spawn(async move { raw.put(&name, body).await })
    }))
    .buffer_unordered(CONCURRENCY)
    .collect()
    .await;
    for result in results {
        result??;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

pub async fn investigate(blobs: usize) -> Result<(), BenchError> {
    for in_memory in [false, true] {
        let (label, azurite) =
            if in_memory { ("in-memory", Azurite::start_in_memory()) } else { ("disk", Azurite::start()) };
        let full = Arc::new(RawPut::create(&azurite, "scaling-full").await?);
        let mut done = 0;
        while done < blobs {
            let rate = put_batch(&full, "m", done, STEP).await?;
            done += STEP;
            println!(
                "azurite {label}: blobs {:>7} → {:>7} in one container: {rate:>6.0} PUT/s",
                done - STEP,
                done
            );
        }
        let fresh = Arc::new(RawPut::create(&azurite, "scaling-fresh").await?);
        let rate = put_batch(&fresh, "m", 0, STEP).await?;
        println!("azurite {label}: first {STEP} blobs into a NEW container beside {done}: {rate:>6.0} PUT/s");
    }
    Ok(())
}
