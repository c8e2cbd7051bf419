//! The embedded demo snapshot must equal what introspecting `assets/demo/schema.sql` gives.
//! Regenerate it with `PGLENS_UPDATE_DEMO=1 cargo test --test integration demo_snapshot`, on
//! PostgreSQL [`SNAPSHOT_MAJOR`].
//!
//! On every other supported major (`scripts/test-matrix`), the demo must read the same and
//! audit the same, except where that version genuinely differs; each such difference is
//! asserted here, by version, and then set aside.

use std::collections::BTreeSet;

use pglens::audit::{self, Selection};
use pglens::model::version::Feature;
use pglens::model::{Catalog, SourceKind};
use pglens::source::snapshot;

use crate::common::TestDb;

const SNAPSHOT_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/demo/demo.snapshot.json"
);

/// The major the embedded snapshot is generated on (the machine's default server).
const SNAPSHOT_MAJOR: u32 = 15;

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
    // Roles are the cluster's: another server has other superusers.
    c.roles.retain(|r| !r.superuser || r.name == owner);
    c.roles.iter_mut().for_each(|r| rename(&mut r.name));
    c
}

fn embedded() -> Catalog {
    let text = std::fs::read_to_string(SNAPSHOT_PATH).expect("read demo snapshot");
    snapshot::from_json(&text, SNAPSHOT_PATH).expect("parse demo snapshot")
}

/// Panics with the first line where two catalogs' JSON differ.
fn assert_same(embedded: &Catalog, live: &Catalog, context: &str) {
    if embedded == live {
        return;
    }
    let (a, b) = (snapshot::to_json(embedded), snapshot::to_json(live));
    let first_diff = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    panic!(
        "{context} (first difference at line {}):\n  embedded: {}\n  live:     {}",
        first_diff + 1,
        a.lines().nth(first_diff).unwrap_or(""),
        b.lines().nth(first_diff).unwrap_or("")
    );
}

#[tokio::test]
async fn embedded_demo_matches_the_demo_sql() {
    let db = TestDb::with_demo("demosnap").await;
    let raw = db.introspect().await;
    let version = raw
        .meta
        .server_version_num
        .expect("a live server has a version");
    let live = normalise(raw, &db.params.user);
    if std::env::var_os("PGLENS_UPDATE_DEMO").is_some() {
        assert_eq!(
            version / 10_000,
            SNAPSHOT_MAJOR,
            "generate the snapshot on PostgreSQL {SNAPSHOT_MAJOR}"
        );
        std::fs::write(SNAPSHOT_PATH, snapshot::to_json(&live)).expect("write demo snapshot");
        return;
    }
    if version / 10_000 == SNAPSHOT_MAJOR {
        assert_same(
            &embedded(),
            &live,
            "assets/demo/demo.snapshot.json is stale; regenerate with \
             PGLENS_UPDATE_DEMO=1 cargo test --test integration demo_snapshot",
        );
        return;
    }
    let (mut expected, mut live) = (embedded(), live);
    set_aside_version_differences(&mut expected, &mut live, version);
    assert_same(
        &expected,
        &live,
        &format!("PostgreSQL {version} reads the demo differently from {SNAPSHOT_MAJOR}"),
    );
}

/// Asserts each difference a version genuinely has, then removes it from both sides.
fn set_aside_version_differences(expected: &mut Catalog, live: &mut Catalog, version: u32) {
    // security_invoker exists from 15 on; the demo sets it only where it can.
    for view in ["pipeline_summary", "leads_active"] {
        let options = &live.relation("public", view).unwrap().options;
        assert_eq!(
            options.iter().any(|o| o == "security_invoker=true"),
            Feature::SecurityInvoker.in_version(version),
            "{view} on {version}: {options:?}"
        );
    }
    // Partitions inherit their parent's identity column from 17 on.
    let partition_identity = |c: &Catalog| {
        c.relations
            .iter()
            .filter(|r| r.partition_of.is_some())
            .flat_map(|r| &r.columns)
            .any(|col| col.identity.is_some())
    };
    assert_eq!(
        partition_identity(live),
        Feature::PartitionIdentity.in_version(version),
        "partition identity on {version}"
    );
    // From 15 on, the public schema belongs to pg_database_owner.
    let public_owner = |c: &Catalog| {
        c.schemas
            .iter()
            .find(|s| s.name == "public")
            .map(|s| s.owner.clone())
    };
    assert_eq!(
        public_owner(live).as_deref() == Some("pg_database_owner"),
        version >= 150_000,
        "public's owner on {version}"
    );
    for c in [&mut *expected, &mut *live] {
        for s in c.schemas.iter_mut().filter(|s| s.name == "public") {
            s.owner = String::new();
        }
        for r in &mut c.relations {
            if r.kind.is_view() {
                r.options.retain(|o| !o.starts_with("security_invoker"));
                // pg_get_viewdef's layout changes between majors (16 stopped qualifying
                // single-table columns); what a view reads is compared instead.
                r.view_definition = None;
            }
            if r.partition_of.is_some() {
                r.columns.iter_mut().for_each(|col| col.identity = None);
            }
        }
        // Extensions ship different versions (and functions) with each major.
        c.functions.retain(|f| f.extension.is_none());
        for e in &mut c.extensions {
            e.installed_version = String::new();
            e.default_version = None;
        }
    }
}

/// The demo audits the same on every supported major, except for findings that depend on
/// a feature the version lacks.
#[tokio::test]
async fn demo_audit_is_the_same_on_this_version() {
    let db = TestDb::with_demo("demoaudit").await;
    let raw = db.introspect().await;
    let version = raw
        .meta
        .server_version_num
        .expect("a live server has a version");
    let mut live = normalise(raw, &db.params.user);
    live.meta.server_version_num = Some(version);
    let mut expected = embedded();
    expected.meta.server_version_num = Some(SNAPSHOT_MAJOR * 10_000);
    let keys = |c: &Catalog| -> BTreeSet<String> {
        audit::run(c, &Selection::default())
            .into_iter()
            .map(|f| f.key)
            .collect()
    };
    let (want, got) = (keys(&expected), keys(&live));
    let extra: Vec<&String> = got.difference(&want).collect();
    let missing: Vec<&String> = want.difference(&got).collect();
    let expected_extra: Vec<String> = if Feature::SecurityInvoker.in_version(version) {
        Vec::new()
    } else {
        // Without security_invoker, the two views that use it run as their owner.
        vec![
            "view-without-security-invoker:view:public.leads_active".into(),
            "view-without-security-invoker:view:public.pipeline_summary".into(),
        ]
    };
    assert_eq!(
        extra.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        expected_extra,
        "findings only on {version}"
    );
    assert!(
        missing.is_empty(),
        "findings missing on {version}: {missing:?}"
    );
}
