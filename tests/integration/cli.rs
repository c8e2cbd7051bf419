//! The `pglens` binary, run as a user would.

use crate::common::TestDb;

use crate::run_pglens as pglens;

#[test]
fn demo_prints_a_summary() {
    let (code, out, err) = pglens(&["--demo"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("source:   demo"), "{out}");
    assert!(out.contains("Supabase"), "{out}");
}

#[tokio::test]
async fn snapshot_then_open_the_snapshot() {
    let db = TestDb::with_demo("clisnap").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snap.json");
    let file = file.to_str().unwrap();
    let (code, _, err) = pglens(&["snapshot", &db.conninfo(), "-o", file]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = pglens(&[file]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("database: {}", db.name)), "{out}");
    let loaded = pglens::source::snapshot::load(std::path::Path::new(file)).unwrap();
    assert_eq!(
        loaded.relations.len(),
        db.introspect().await.relations.len()
    );
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["postgres://u:s3cret@127.0.0.1:1/db?sslmode=nope"],
            "invalid sslmode",
        ),
        (&["host=127.0.0.1 port=notaport"], "invalid port"),
        (
            &["./no/such/file.json"],
            "neither a file nor a connection string",
        ),
        (
            &["postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=2"],
            "cannot reach the server",
        ),
        (
            &[concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")],
            "not a pglens snapshot",
        ),
    ];
    for (args, expected) in cases {
        let (code, out, err) = pglens(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("s3cret"), "password leaked: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
