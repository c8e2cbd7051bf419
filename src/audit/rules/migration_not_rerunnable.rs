//! # migration-not-rerunnable
//!
//! ## What it finds
//! Migration files with statements that fail when the file runs a second time: `CREATE POLICY` or
//! `CREATE TRIGGER` with no `DROP ... IF EXISTS` for the same object before it in the file, and
//! `CREATE TABLE` or `CREATE INDEX` without `IF NOT EXISTS`. One finding per file, listing its
//! statements and lines.
//!
//! Whether that matters depends on how the file is run:
//! - **warning** for a file meant to be run again: its name has no version prefix (a schema
//!   script, Flyway's repeatable `R__` files) and it guards a third or more of its `CREATE TABLE`,
//!   `INDEX`, `SCHEMA`, `EXTENSION` and `TYPE` statements, or its name says it is a seed script, or
//!   it carries a `-- pglens: rerunnable` comment;
//! - **info** for a versioned migration (`001_`, `20240101120000_`, `V2__`) that guards a third or
//!   more of those statements: its tool applies it once and records it, so a second run only
//!   happens by hand after it failed halfway;
//! - nothing for files where guards are the exception (a stand-in here and there,
//!   `CREATE OR REPLACE FUNCTION`, which is idiomatic anyway), or a `pg_dump` output.
//!
//! ## Why it matters
//! A file that guards some of its statements is meant to survive a second run: by hand after it
//! failed halfway, or against a database that already has part of the schema. Every unguarded
//! statement then fails with "already exists" and stops the rest of the file.
//!
//! ## Example
//! ```sql
//! -- schema.sql, run by the deploy script on every release
//! CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY);
//! CREATE POLICY own_notes ON notes USING (true);   -- fails the second time
//! ```
//!
//! ## Fix
//! The guarded form of each statement listed, under a `-- line N` comment that says which
//! statement it replaces: `DROP POLICY IF EXISTS own_notes ON notes;` before the `CREATE POLICY`
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
use crate::model::migrations::{FileNaming, MigrationStatement, Migrations};

pub struct MigrationNotRerunnable;

static META: RuleMeta = RuleMeta {
    id: "migration-not-rerunnable",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "Migration file meant to be run again has unguarded statements",
    counterparts: &[],
};

/// How many of a file's statements the message names; the fix has them all.
const NAMED_IN_MESSAGE: usize = 5;

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
            let Some(severity) = severity(m, file, &statements) else {
                continue;
            };
            let unguarded: Vec<(&MigrationStatement, Vec<FixStatement>)> = statements
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((*s, guarded_form(&statements[..i], s)?)))
                .collect();
            let Some((first, _)) = unguarded.first() else {
                continue;
            };
            let mut named: Vec<String> = unguarded
                .iter()
                .take(NAMED_IN_MESSAGE)
                .map(|(s, _)| {
                    let object = s.object.as_deref().unwrap_or("");
                    format!("{} {object} (line {})", s.command, s.location.line)
                })
                .collect();
            if unguarded.len() > NAMED_IN_MESSAGE {
                named.push(format!("{} more", unguarded.len() - NAMED_IN_MESSAGE));
            }
            let fix = unguarded
                .iter()
                .flat_map(|(s, guarded)| {
                    guarded.iter().enumerate().map(move |(i, g)| match i {
                        0 => fix::as_written(&format!("-- line {}\n{}", s.location.line, g.sql)),
                        _ => g.clone(),
                    })
                })
                .collect();
            let count = match unguarded.len() {
                1 => "1 statement fails".to_string(),
                n => format!("{n} statements fail"),
            };
            out.push(
                META.finding(
                    ObjectRef::migration(&first.location),
                    format!("{count} when the file runs again: {}", named.join(", ")),
                )
                .with_severity(severity)
                .with_fix(Fix::safe(fix)),
            );
        }
    }
}

/// Warning for a file meant to be run again, info for a versioned migration written with
/// guards, None where guards are not the file's habit.
fn severity(m: &Migrations, file: &str, statements: &[&MigrationStatement]) -> Option<Severity> {
    if m.rerun_files.iter().any(|f| f == file) || FileNaming::is_seed_like(file) {
        return Some(Severity::Warning);
    }
    // Guards are the file's habit when a third or more of its CREATE TABLE / INDEX / SCHEMA /
    // EXTENSION / TYPE say IF NOT EXISTS. A guard here and there (a stand-in, `CREATE OR
    // REPLACE FUNCTION`) says nothing, and a pg_dump output has none.
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
        return None;
    }
    match FileNaming::of(file) {
        FileNaming::Versioned(_) => Some(Severity::Info),
        FileNaming::Repeatable | FileNaming::Unversioned => Some(Severity::Warning),
    }
}

/// The statements that replace `s` so that it runs twice; None when it already does.
/// `before` are the file's statements before it.
fn guarded_form(
    before: &[&MigrationStatement],
    s: &MigrationStatement,
) -> Option<Vec<FixStatement>> {
    let dropped_before = |command: &str| {
        before
            .iter()
            .any(|d| d.command == command && d.guarded && d.object == s.object)
    };
    match s.command.as_str() {
        "CREATE POLICY" if !dropped_before("DROP POLICY") => drop_first(s, "POLICY"),
        "CREATE TRIGGER" if !dropped_before("DROP TRIGGER") => drop_first(s, "TRIGGER"),
        "CREATE TABLE" | "CREATE INDEX" if !s.guarded => if_not_exists(s),
        _ => None,
    }
}

/// `DROP POLICY IF EXISTS name ON table`, then the statement as written.
fn drop_first(s: &MigrationStatement, kind: &str) -> Option<Vec<FixStatement>> {
    let object = s.object.as_deref()?;
    let table = s.table.as_deref()?;
    let name = object.strip_prefix(table)?.strip_prefix('.')?;
    let (schema, table) = table.split_once('.')?;
    Some(vec![
        fix::drop_object_on_table(kind, schema, table, name),
        fix::as_written(&s.text),
    ])
}

/// The statement with `IF NOT EXISTS` after `CREATE TABLE` / `CREATE [UNIQUE] INDEX`; an
/// unnamed index gets the name PostgreSQL would have chosen.
fn if_not_exists(s: &MigrationStatement) -> Option<Vec<FixStatement>> {
    let name = s
        .object
        .as_deref()
        .and_then(|o| o.split_once('.'))
        .map(|(_, n)| n);
    Some(vec![fix::as_written(&fix::guard_create(&s.text, name)?)])
}
