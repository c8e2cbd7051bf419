//! Introspection of a generated large schema (2,000 tables, ~24,000 columns, ~6,000
//! indexes, 2,000 policies), next to `pg_dump --schema-only` of the same database.
//! Run with `scripts/bench`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use pglens::source::live::ConnParams;

const TABLES: usize = 2000;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    params: ConnParams,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (params, counts) = runtime.block_on(async {
        let db = common::TestDb::new("bench").await;
        let sql = include_str!("large_schema.sql").replace(":tables", &TABLES.to_string());
        db.exec(&sql).await;
        db.exec("ANALYZE").await;
        let counts = db.introspect().await.counts();
        (db.params.clone(), counts)
    });
    println!(
        "schema: {} tables, {} columns, {} indexes, {} policies, {} foreign keys",
        counts.tables, counts.columns, counts.indexes, counts.policies, counts.foreign_keys
    );
    report_pg_dump(&params);
    let _ = FIXTURE.set(Fixture { runtime, params });
    divan::main();
}

/// Times `pg_dump --schema-only` on the same database, as the yardstick.
fn report_pg_dump(params: &ConnParams) {
    let pg_dump = common::server()
        .cluster
        .as_ref()
        .map(|c| c.bin.join("pg_dump"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| "pg_dump".into());
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let status = std::process::Command::new(&pg_dump)
                .args([
                    "--schema-only",
                    "--no-password",
                    "-d",
                    &common::conninfo_string(params),
                ])
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run pg_dump");
            assert!(status.success(), "pg_dump failed");
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "pg_dump --schema-only: median {:.1} ms of 3 runs",
        times[1].as_secs_f64() * 1000.0
    );
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn introspect_2000_tables(bencher: divan::Bencher) {
    let fixture = FIXTURE.get().expect("fixture set up in main");
    bencher.bench(|| {
        fixture.runtime.block_on(async {
            pglens::source::live::load(&fixture.params, &mut |_| {})
                .await
                .expect("introspect")
        })
    });
}
