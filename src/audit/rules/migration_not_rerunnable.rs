//! # migration-not-rerunnable
//!
//! ## What it finds
//! In a migration file written to be run more than once (a third or more of its `CREATE TABLE`,
//! `INDEX`, `SCHEMA`, `EXTENSION` and `TYPE` statements say `IF NOT EXISTS`): `CREATE POLICY` or
//! `CREATE TRIGGER` with no `DROP ... IF EXISTS` for the same object before it in the file, and
//! `CREATE TABLE` or `CREATE INDEX` without `IF NOT EXISTS`. Files where guards are the exception
//! (a few stand-ins, `CREATE OR REPLACE FUNCTION`, which is idiomatic anyway) are left alone.
//!
//! ## Why it matters
//! Migration files get run again: by hand after a file failed halfway, or against a database that
//! already has part of the schema. A file that guards some of its statements is meant to survive
//! that, but every unguarded statement then fails with "already exists" and stops the rest of the
//! file.
//!
//! ## Example
//! ```sql
//! CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY);
//! CREATE POLICY own_notes ON notes USING (true);   -- fails the second time
//! ```
//!
//! ## Fix
//! The guarded form: `DROP POLICY IF EXISTS own_notes ON notes;` before the `CREATE POLICY`
//! (likewise for triggers), `CREATE TABLE IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS` (which needs
//! an index name: pglens fills in the one PostgreSQL would choose).
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: each statement does what it did the first time, and a
//! second run no longer fails.
//! - `IF NOT EXISTS` silently skips an object of that name that already exists, even with a
//!   different definition: a re-run does not bring an older table or index up to date (see
//!   migration-duplicate-definition).
//! - For an index the file leaves unnamed, check that the name pglens filled in is the one your
//!   databases have (`\di`). PostgreSQL adds a number when the name is taken; if yours did, the
//!   re-run builds a second copy.
//! - Between the `DROP` and the `CREATE` the table is without that policy or trigger (writes in
//!   between skip the trigger). Both statements also lock the table for a moment. Run the file in a
//!   transaction so nobody sees the gap.

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
            // Meant to be run again only when guards are the file's habit: a third or more of
            // its CREATE TABLE / INDEX / SCHEMA / EXTENSION / TYPE say IF NOT EXISTS. A guard
            // here and there (a stand-in, `CREATE OR REPLACE FUNCTION`, which is idiomatic
            // anyway) says nothing.
            let guardable: Vec<&&MigrationStatement> = statements
                .iter()
                .filter(|s| {
                    matches!(
                        s.command.as_str(),
                        "CREATE TABLE"
                            | "CREATE INDEX"
                            | "CREATE SCHEMA"
                            | "CREATE EXTENSION"
                            | "CREATE TYPE"
                    )
                })
                .collect();
            let guarded = guardable.iter().filter(|s| s.guarded).count();
            if guarded == 0 || guarded * 3 < guardable.len() {
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
