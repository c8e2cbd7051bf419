//! Generated SQL must name exactly the intended objects, whatever their names hold. Names
//! built from hostile fragments (quotes, semicolons, backslashes, comment markers, unicode,
//! keywords, 63-byte names) make several rules fire; every fix statement is then run on
//! the server, which must see exactly one statement each (one CommandComplete), and a new
//! audit must show each finding resolved on the object it named.

use std::collections::BTreeSet;

use pglens::audit::{self, Selection};
use pglens::sql::{ident, qualified};
use tokio_postgres::SimpleQueryMessage;

use crate::common::TestDb;

const FRAGMENTS: &[&str] = &[
    "\"",
    "'",
    ";",
    "\\",
    " ",
    "ü",
    "列",
    "--",
    "/*",
    "*/",
    "$$",
    "Upper",
    "user",
    ")",
    "(",
    "%s",
    "drop table x",
    "\u{1F600}",
    "\t",
    "select",
];

/// Deterministic pseudo-random names: combinations of fragments, plus 63-byte names that
/// PostgreSQL's identifier limit truncates (one with multi-byte characters at the cut).
fn hostile_names(count: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut names: Vec<String> = (0..count)
        .map(|i| {
            let parts = 2 + (next() % 4) as usize;
            let mut name = format!("n{i}");
            for _ in 0..parts {
                name.push_str(FRAGMENTS[(next() % FRAGMENTS.len() as u64) as usize]);
            }
            name
        })
        .collect();
    names.push(format!("{}x", "é".repeat(31))); // exactly 63 bytes
    names.push("a".repeat(63));
    names
}

/// Rules whose fixes the hostile objects exercise.
const RULES: &[&str] = &[
    "table-without-primary-key",
    "unindexed-foreign-key",
    "array-column-without-gin",
    "updated-at-without-trigger",
    "unconstrained-value-column",
    "rls-disabled-in-exposed-schema",
    "not-valid-constraint",
];

fn setup_sql(schema: &str, name: &str) -> String {
    let parent = qualified(schema, name);
    let child_name = format!("c_{name}");
    let child = qualified(schema, &child_name);
    format!(
        "CREATE TABLE {parent} ({col} int PRIMARY KEY);
         CREATE TABLE {child} ({col} int REFERENCES {parent}, email text, tags text[],
                               updated_at timestamptz, amount numeric);
         ALTER TABLE {child} ADD CONSTRAINT {check} CHECK (amount > -1) NOT VALID;",
        col = ident(name),
        check = ident(&format!("k_{name}")),
    )
}

#[tokio::test]
async fn fixes_name_exactly_the_intended_objects() {
    let db = TestDb::with_supabase("hostile").await;
    let names = hostile_names(12);
    for name in &names {
        db.exec(&format!("CREATE SCHEMA {};", ident(name))).await;
        db.exec(&setup_sql(name, name)).await;
        db.exec(&setup_sql("public", name)).await;
    }
    let before = db.introspect().await;
    // Every name survives the round trip into the model (63 bytes is PostgreSQL's limit).
    for name in &names {
        assert!(
            before.relation(name, name).is_some(),
            "table {name:?} not read back"
        );
    }
    let selection = Selection {
        only: RULES.iter().map(|r| r.to_string()).collect(),
        skip: vec![],
    };
    let findings = audit::run(&before, &selection);
    let fired: BTreeSet<&str> = findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        fired.len(),
        RULES.len(),
        "every exercised rule fires: {fired:?}"
    );

    let tables_before = count_tables(&db).await;
    for f in &findings {
        let fix = f.fix.as_ref().expect("fix");
        for statement in &fix.statements {
            let messages = db
                .client
                .simple_query(&statement.sql)
                .await
                .unwrap_or_else(|e| {
                    panic!("fix failed for {:?}: {e:?}\n{}", f.object, statement.sql)
                });
            let completed = messages
                .iter()
                .filter(|m| matches!(m, SimpleQueryMessage::CommandComplete(_)))
                .count();
            assert_eq!(
                completed, 1,
                "not exactly one statement:\n{}",
                statement.sql
            );
        }
    }
    assert_eq!(
        count_tables(&db).await,
        tables_before,
        "fixes created or dropped tables"
    );

    let after = db.introspect().await;
    let remaining: Vec<String> = audit::run(&after, &selection)
        .into_iter()
        .map(|f| f.key)
        .collect();
    assert!(remaining.is_empty(), "not resolved: {remaining:#?}");
}

async fn count_tables(db: &TestDb) -> i64 {
    db.client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p')",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}
