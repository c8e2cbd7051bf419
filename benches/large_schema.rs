//! Benchmarks on a generated large schema (2,000 tables, 24,000 columns, 6,000 indexes,
//! 2,000 policies): introspecting it (next to `pg_dump --schema-only` of the same database,
//! printed as a yardstick) and auditing its model with every rule. Run with `scripts/bench`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use pglens::source::live::ConnParams;

const TABLES: usize = 2000;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    params: ConnParams,
    catalog: pglens::model::Catalog,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (params, catalog) = runtime.block_on(async {
        let db = common::TestDb::new("bench").await;
        let sql = include_str!("large_schema.sql").replace(":tables", &TABLES.to_string());
        db.exec(&sql).await;
        db.exec("ANALYZE").await;
        (db.params.clone(), db.introspect().await)
    });
    let counts = catalog.counts();
    println!(
        "schema: {} tables, {} columns, {} indexes, {} policies, {} foreign keys",
        counts.tables, counts.columns, counts.indexes, counts.policies, counts.foreign_keys
    );
    compare_with_pg_dump(&runtime, &params);
    let findings = pglens::audit::run(&catalog, &pglens::audit::Selection::default()).len();
    println!("audit: {findings} findings on the generated schema");
    let _ = FIXTURE.set(Fixture {
        runtime,
        params,
        catalog,
    });
    divan::main();
}

/// Times `pg_dump --schema-only` and pglens's introspection of the same database in
/// alternating rounds, so both see the same machine load, and prints both medians.
fn compare_with_pg_dump(runtime: &tokio::runtime::Runtime, params: &ConnParams) {
    let pg_dump = common::server()
        .cluster
        .as_ref()
        .map(|c| c.bin.join("pg_dump"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| "pg_dump".into());
    let conninfo = common::conninfo_string(params);
    let mut dump_times = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let status = std::process::Command::new(&pg_dump)
            .args(["--schema-only", "--no-password", "-d", &conninfo])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run pg_dump");
        assert!(status.success(), "pg_dump failed");
        dump_times.push(start.elapsed());
        let start = Instant::now();
        runtime
            .block_on(pglens::source::live::load(params, &mut |_| {}))
            .expect("introspect");
        ours.push(start.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    let (dump, mine) = (median(&mut dump_times), median(&mut ours));
    println!(
        "alternating rounds (7): pg_dump --schema-only median {dump:.0} ms, pglens introspection median {mine:.0} ms ({:.0}% of pg_dump)",
        100.0 * mine / dump
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

#[divan::bench(sample_count = 20)]
fn audit_2000_tables(bencher: divan::Bencher) {
    let fixture = FIXTURE.get().expect("fixture set up in main");
    bencher.bench(|| pglens::audit::run(&fixture.catalog, &pglens::audit::Selection::default()));
}
