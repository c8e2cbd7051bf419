//! The embedded demo snapshot must equal what introspecting `assets/demo/schema.sql` gives.
//! Regenerate it with `PGLENS_UPDATE_DEMO=1 cargo test --test integration demo_snapshot`.

use pglens::model::{Catalog, SourceKind};
use pglens::source::snapshot;

use crate::common::TestDb;

const SNAPSHOT_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/demo/demo.snapshot.json"
);

/// What the embedded demo holds: the schema without run-to-run noise, owned by `postgres`.
fn normalise(catalog: Catalog, owner: &str) -> Catalog {
    let mut c = catalog.without_volatile();
    c.meta.source = SourceKind::Demo;
    let rename = |o: &mut String| {
        if o == owner {
            *o = "postgres".into();
        }
    };
    c.schemas.iter_mut().for_each(|s| rename(&mut s.owner));
    c.relations.iter_mut().for_each(|r| rename(&mut r.owner));
    c.functions.iter_mut().for_each(|f| rename(&mut f.owner));
    c
}

#[tokio::test]
async fn embedded_demo_matches_the_demo_sql() {
    let db = TestDb::with_demo("demosnap").await;
    let live = normalise(db.introspect().await, &db.params.user);
    if std::env::var_os("PGLENS_UPDATE_DEMO").is_some() {
        std::fs::write(SNAPSHOT_PATH, snapshot::to_json(&live)).expect("write demo snapshot");
        return;
    }
    let text = std::fs::read_to_string(SNAPSHOT_PATH).expect("read demo snapshot");
    let embedded = snapshot::from_json(&text, SNAPSHOT_PATH).expect("parse demo snapshot");
    if embedded != live {
        let (a, b) = (snapshot::to_json(&embedded), snapshot::to_json(&live));
        let first_diff = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "assets/demo/demo.snapshot.json is stale (first difference at line {}):\n  embedded: {}\n  live:     {}\n\
             regenerate with PGLENS_UPDATE_DEMO=1 cargo test --test integration demo_snapshot",
            first_diff + 1,
            a.lines().nth(first_diff).unwrap_or(""),
            b.lines().nth(first_diff).unwrap_or("")
        );
    }
}
