//! `pglens diff OLD NEW` between a live database and a snapshot of it, as a user runs it.

use serde_json::Value;

use crate::common::TestDb;
use crate::run_pglens as pglens;

#[tokio::test]
async fn diff_reports_drift_between_a_snapshot_and_the_live_schema() {
    let db = TestDb::new("drift").await;
    db.exec(
        "CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, plan text DEFAULT 'free');
         CREATE INDEX accounts_email ON accounts (email);
         CREATE TABLE legacy (id int);
         CREATE VIEW account_emails AS SELECT id, email FROM accounts;",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("before.json");
    let (code, _, err) = pglens(&["snapshot", &db.conninfo(), "-o", snapshot.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot.to_str().unwrap();

    let (code, out, err) = pglens(&["diff", before, &db.conninfo()]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(out.contains("no differences"), "{out}");

    db.exec(
        "ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
         ALTER TABLE accounts ADD COLUMN tenant_id int;
         DROP INDEX accounts_email;
         CREATE INDEX accounts_email ON accounts (lower(email));
         DROP TABLE legacy;
         ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
         CREATE POLICY own ON accounts FOR SELECT USING (id = 1);",
    )
    .await;
    let (code, out, err) = pglens(&["diff", before, &db.conninfo(), "--format", "json"]);
    assert_eq!(code, 1, "differences exit 1: {err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, String, String)> = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = match d["table"].as_str() {
                Some(t) => format!(
                    "{}.{t}.{}",
                    d["schema"].as_str().unwrap(),
                    d["name"].as_str().unwrap()
                ),
                None => format!(
                    "{}.{}",
                    d["schema"].as_str().unwrap(),
                    d["name"].as_str().unwrap()
                ),
            };
            (
                d["change"].as_str().unwrap().into(),
                d["kind"].as_str().unwrap().into(),
                path,
            )
        })
        .collect();
    let expect = |change: &str, kind: &str, path: &str| {
        (change.to_string(), kind.to_string(), path.to_string())
    };
    for wanted in [
        expect("changed", "column", "public.accounts.plan"),
        expect("only_in_new", "column", "public.accounts.tenant_id"),
        expect("changed", "index", "public.accounts.accounts_email"),
        expect("only_in_old", "table", "public.legacy"),
        expect("only_in_old", "column", "public.legacy.id"),
        expect("changed", "table", "public.accounts"),
        expect("only_in_new", "policy", "public.accounts.own"),
    ] {
        assert!(found.contains(&wanted), "{wanted:?} missing from {found:?}");
    }
    assert_eq!(found.len(), 7, "nothing else differs: {found:?}");
    let plan = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "plan")
        .unwrap();
    assert_eq!(plan["old"], "text DEFAULT 'free'::text");
    assert_eq!(plan["new"], "text NOT NULL DEFAULT 'free'::text");

    let (code, out, _) = pglens(&["diff", before, &db.conninfo(), "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("| only in old | table | `public.legacy` |"),
        "{out}"
    );

    let (code, _, err) = pglens(&["diff", before, "/nonexistent/snapshot.json"]);
    assert_eq!(code, 2, "an unreadable side is an error, not a difference");
    assert!(err.contains("/nonexistent/snapshot.json"), "{err}");
}

/// A migration folder against a database that ran only part of it: the drift, and which
/// migration ran last.
#[tokio::test]
async fn diff_tells_which_migration_ran_last() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations");
    let db = TestDb::new("ranlast").await;
    for file in ["001_base.sql", "002_alter.sql"] {
        db.exec(&std::fs::read_to_string(dir.join(file)).unwrap())
            .await;
    }
    let (code, out, err) = pglens(&[
        "diff",
        dir.to_str().unwrap(),
        &db.conninfo(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let progress = &json["migrations"];
    assert!(
        progress["last_applied"]
            .as_str()
            .unwrap()
            .ends_with("002_alter.sql"),
        "{progress}"
    );
    assert!(
        progress["first_missing"]
            .as_str()
            .unwrap()
            .ends_with("003_security.sql"),
        "{progress}"
    );
    let differences = json["differences"].as_array().unwrap();
    assert!(
        differences
            .iter()
            .any(|d| d["change"] == "only_in_old" && d["name"] == "account_orders"),
        "the view 003 creates is missing from the database: {out}"
    );
    assert!(
        differences.iter().all(|d| d["change"] != "only_in_new"),
        "the database has nothing the folder lacks: {out}"
    );
    let only_old = differences
        .iter()
        .find(|d| d["change"] == "only_in_old")
        .unwrap();
    assert!(
        only_old["defined"]
            .as_str()
            .unwrap()
            .contains("003_security.sql:"),
        "{only_old}"
    );
}
