//! The promise behind "safe to paste": on a real server, applying *every* safe fix of a
//! schema, in the order the audit lists them, succeeds; the audit afterwards shows none of
//! the findings they fixed and nothing new; and the schema still works: `pg_dump
//! --schema-only` of it restores into an empty database, and each table's triggers still
//! run on an update (inside a transaction that is rolled back).
//!
//! The schemas are the demo and the shape fixtures, written after real public schemas
//! (`tests/fixtures/shapes/README.md`), so the fixes meet partitions, inheritance, ORM
//! partial indexes, Supabase policies and trigger functions they were not written for.

use std::collections::BTreeSet;
use std::path::PathBuf;

use pglens::audit::{self, Finding, Selection};

use crate::common::{pg_dump_for, TestDb};

fn fixture(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shapes")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keys(findings: &[Finding]) -> BTreeSet<String> {
    findings.iter().map(|f| f.key.clone()).collect()
}

async fn server_major(db: &TestDb) -> u32 {
    let num: i32 = db
        .client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .expect("server version")
        .get(0);
    u32::try_from(num / 10_000).unwrap_or(0)
}

/// Statistics back to zero, so that usage findings compare like with like: loading the
/// schema and running the fixes read tables too, which no application did.
async fn reset_statistics(db: &TestDb) {
    if server_major(db).await < 15 {
        // Before PostgreSQL 15 a backend sends its counts to the collector at most every
        // 500 ms: counts of the fixes just run could arrive after the reset and be taken
        // for an application's reads (a flaky "new finding" under load). Let them go first.
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        db.exec("SELECT 1").await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    } else {
        // From PostgreSQL 15 a backend keeps its counts and flushes them to shared memory
        // when idle, at most once a second: the fixes' own reads could land after the
        // reset. Flush them now, then reset.
        db.exec("SELECT pg_stat_force_next_flush()").await;
        db.exec("SELECT 1").await;
    }
    db.exec("SELECT pg_stat_reset()").await;
    // Before PostgreSQL 15 the statistics collector applies the reset a moment later.
    for _ in 0..50 {
        let row = db
            .client
            .query_one(
                "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0)::int8 FROM pg_stat_user_tables",
                &[],
            )
            .await
            .expect("table statistics");
        if row.get::<_, i64>(0) == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn applies_every_safe_fix(name: &str, db: TestDb) {
    reset_statistics(&db).await;
    let before = audit::run(&db.introspect().await, &Selection::default());
    let safe: Vec<&Finding> = before
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.safe))
        .collect();
    for f in &safe {
        for statement in f.fix.iter().flat_map(|x| &x.statements) {
            if let Err(detail) = db.try_exec(&statement.sql).await {
                panic!(
                    "{name}: the safe fix of {} failed: {detail}\n{}",
                    f.key, statement.sql
                );
            }
        }
    }

    reset_statistics(&db).await;
    let after = audit::run(&db.introspect().await, &Selection::default());
    let fixed: BTreeSet<String> = safe.iter().map(|f| f.key.clone()).collect();
    let still: Vec<String> = keys(&after).intersection(&fixed).cloned().collect();
    assert!(
        still.is_empty(),
        "{name}: still reported after its safe fix: {still:?}"
    );
    let new: Vec<String> = after
        .iter()
        .filter(|f| !keys(&before).contains(&f.key))
        .map(|f| format!("{}: {}", f.key, f.message))
        .collect();
    assert!(
        new.is_empty(),
        "{name}: the safe fixes brought new findings: {new:#?}"
    );

    still_works(name, &db).await;
}

/// `pg_dump --schema-only` restores into an empty database, and every table's triggers
/// run on an update of one of its rows, rolled back.
async fn still_works(name: &str, db: &TestDb) {
    let tables = db
        .client
        .query(
            "SELECT DISTINCT format('%I.%I', n.nspname, c.relname)
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE NOT t.tgisinternal AND c.relkind = 'r'",
            &[],
        )
        .await
        .expect("tables with triggers");
    for row in tables {
        let table: String = row.get(0);
        let sql = format!(
            "BEGIN; UPDATE {table} t SET {first} = t.{first} WHERE ctid = (SELECT ctid FROM {table} LIMIT 1); ROLLBACK;",
            first = first_column(db, &table).await
        );
        if let Err(e) = db.client.batch_execute(&sql).await {
            let _ = db.client.batch_execute("ROLLBACK").await;
            panic!("{name}: an update of {table} fails after the safe fixes: {e:?}");
        }
    }

    let major = server_major(db).await;
    let Some(pg_dump) = pg_dump_for(major) else {
        eprintln!("{name}: no pg_dump for PostgreSQL {major} here; the restore check is skipped");
        return;
    };
    let out = std::process::Command::new(&pg_dump)
        .args(["--schema-only", "--dbname", &db.conninfo()])
        .output()
        .expect("run pg_dump");
    assert!(
        out.status.success(),
        "{name}: pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // psql's meta-commands (`\restrict` in recent dumps) are not SQL.
    let dump: String = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n");
    let restored = TestDb::new("restored").await;
    if let Err(e) = restored.client.batch_execute(&dump).await {
        panic!("{name}: the schema-only dump does not restore: {e:?}");
    }
}

/// A column to assign to itself, so that UPDATE triggers fire without changing the row.
async fn first_column(db: &TestDb, table: &str) -> String {
    let row = db
        .client
        .query_one(
            "SELECT quote_ident(attname) FROM pg_attribute
             WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped
               AND attgenerated = '' AND attidentity <> 'a'
             ORDER BY attnum LIMIT 1",
            &[&table],
        )
        .await
        .expect("a writable column");
    row.get(0)
}

#[tokio::test]
async fn the_demo() {
    applies_every_safe_fix("demo", TestDb::with_demo("safe_demo").await).await;
}

macro_rules! fixtures {
    ($($name:ident: $file:expr;)*) => {
        $(#[tokio::test]
        async fn $name() {
            let db = TestDb::with_schema(stringify!($name), &fixture($file)).await;
            applies_every_safe_fix($file, db).await;
        })*
    };
}

fixtures! {
    supabase_chat: "supabase_chat.sql";
    supabase_saas: "supabase_saas.sql";
    supabase_social: "supabase_social.sql";
    erp: "erp.sql";
    music: "music.sql";
    partitions: "partitions.sql";
}
