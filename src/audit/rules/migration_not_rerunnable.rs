//! # migration-not-rerunnable
//!
//! ## What it finds
//! In a migration file written to be run more than once (it already guards some statements
//! with `IF NOT EXISTS`, `IF EXISTS` or `OR REPLACE`): `CREATE POLICY` or `CREATE TRIGGER`
//! with no `DROP ... IF EXISTS` for the same object before it in the file, and
//! `CREATE TABLE` or `CREATE INDEX` without `IF NOT EXISTS`.
//!
//! ## Why it matters
//! The seeds' migrations were re-run by hand after partial failures; every unguarded
//! statement then failed with "already exists" and stopped the rest of the file.
//!
//! ## Example
//! ```sql
//! CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY);
//! CREATE POLICY own_notes ON notes USING (true);   -- fails the second time
//! ```
//!
//! ## Fix
//! The guarded form: `DROP POLICY IF EXISTS own_notes ON notes;` before the `CREATE POLICY`
//! (likewise for triggers), `CREATE TABLE IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`
//! (which needs an index name: pglens fills in the one PostgreSQL would choose).

use super::migration_support::migrations;
use super::prelude::*;
use crate::model::migrations::MigrationStatement;

pub struct MigrationNotRerunnable;

static META: RuleMeta = RuleMeta {
    id: "migration-not-rerunnable",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "Statement in a re-runnable migration file is not guarded",
    counterparts: &[],
};

impl Rule for MigrationNotRerunnable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        for file in &m.files {
            let statements: Vec<&MigrationStatement> = m
                .statements
                .iter()
                .filter(|s| &s.location.file == file)
                .collect();
            if !statements.iter().any(|s| s.guarded) {
                continue;
            }
            for (i, s) in statements.iter().enumerate() {
                let dropped_before = |command: &str| {
                    statements[..i]
                        .iter()
                        .any(|d| d.command == command && d.guarded && d.object == s.object)
                };
                let fix = match s.command.as_str() {
                    "CREATE POLICY" if !dropped_before("DROP POLICY") => drop_first(s, "POLICY"),
                    "CREATE TRIGGER" if !dropped_before("DROP TRIGGER") => drop_first(s, "TRIGGER"),
                    "CREATE TABLE" | "CREATE INDEX" if !s.guarded => if_not_exists(s),
                    _ => None,
                };
                let Some(fix) = fix else { continue };
                out.push(
                    META.finding(
                        ObjectRef::migration(&s.location),
                        format!(
                            "{} {} fails when the file runs again",
                            s.command,
                            s.object.as_deref().unwrap_or("")
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

/// `DROP POLICY IF EXISTS name ON table`, then the statement as written.
fn drop_first(s: &MigrationStatement, kind: &str) -> Option<Fix> {
    let object = s.object.as_deref()?;
    let table = s.table.as_deref()?;
    let name = object.strip_prefix(table)?.strip_prefix('.')?;
    let (schema, table) = table.split_once('.')?;
    Some(Fix::safe(vec![
        fix::drop_object_on_table(kind, schema, table, name),
        fix::as_written(&s.text),
    ]))
}

/// The statement with `IF NOT EXISTS` after `CREATE TABLE` / `CREATE [UNIQUE] INDEX`; an
/// unnamed index gets the name PostgreSQL would have chosen.
fn if_not_exists(s: &MigrationStatement) -> Option<Fix> {
    let name = s
        .object
        .as_deref()
        .and_then(|o| o.split_once('.'))
        .map(|(_, n)| n);
    Some(Fix::safe(vec![fix::as_written(&fix::guard_create(
        &s.text, name,
    )?)]))
}
