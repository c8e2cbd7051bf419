//! The SQL script: backups, merges, detached keys, drops in order, and the commented
//! rollback section.

use std::fmt::Write;

use super::{Detached, Resolved};
use crate::sql::cleanup as statements;
use crate::sql::fix::BACKUP_SCHEMA;
use crate::sql::{ddl, fix};

fn statement(out: &mut String, sql: &str) {
    let _ = writeln!(out, "{};", crate::sql::printable(sql));
}

/// A comment line; names in it are shown with escapes, so none can end the comment.
fn note(out: &mut String, text: &str) {
    out.push_str(&crate::sql::comment(text));
    out.push('\n');
}

pub(super) fn script(x: &Resolved<'_>, plan_file: &str) -> String {
    let mut out = String::new();
    let source = &x.catalog.meta.source_label;
    note(
        &mut out,
        &format!("Cleanup script for {source}, from {plan_file}."),
    );
    out.push_str(
        "-- Written by pglens, which never runs it. Read every statement, try it on a copy, then run:\n\
         --   psql -v ON_ERROR_STOP=1 -f <this file>\n\
         -- It runs in one transaction: if any statement fails, nothing has changed.\n\n",
    );
    if x.drop_order.is_empty() {
        out.push_str("-- The plan drops and merges nothing.\n");
        return out;
    }
    for (table, deps) in &x.blockers {
        for d in deps {
            note(
                &mut out,
                &format!(
                    "BLOCKER: {} {} uses {table}; the drop below fails until it is changed or removed.",
                    d.kind.label(),
                    d.label
                ),
            );
        }
    }
    if !x.blockers.is_empty() {
        out.push('\n');
    }
    let mut step = 0;
    let mut heading = |out: &mut String, text: &str| {
        step += 1;
        out.push('\n');
        note(out, &format!("{step}. {text}"));
    };
    out.push_str("BEGIN;\n");
    heading(&mut out, "Back up every table that goes.");
    statement(&mut out, &fix::create_schema(BACKUP_SCHEMA).sql);
    for r in x.drop_order.iter().filter(|r| r.kind.is_table()) {
        statement(&mut out, &fix::backup_table(r).sql);
    }
    if !x.merges.is_empty() {
        heading(&mut out, "Merge rows into the tables that stay.");
    }
    for m in &x.merges {
        note(
            &mut out,
            &format!("{} -> {}", m.from.qualified_name(), m.into.qualified_name()),
        );
        if !m.unfilled.is_empty() {
            note(
                &mut out,
                &format!(
                    "WARNING: nothing fills {} (NOT NULL, no default): add `map` entries in the plan.",
                    m.unfilled.join(", ")
                ),
            );
        }
        let ledger = m.ledger.as_ref().map(|(q, key)| (q, key.as_slice()));
        if let Some((q, key)) = ledger {
            statement(&mut out, &statements::key_ledger(m.into, key, q));
        }
        statement(
            &mut out,
            &statements::merge_rows(m.from, m.into, &m.values, ledger),
        );
    }
    let detach: Vec<&Detached<'_>> = x.detached.iter().chain(&x.cycle_keys).collect();
    if !detach.is_empty() {
        heading(
            &mut out,
            "Detach foreign keys that point at tables that go.",
        );
    }
    for d in &detach {
        statement(&mut out, &fix::drop_constraint(d.table, d.name).sql);
    }
    heading(
        &mut out,
        "Drop, dependents first. No CASCADE: anything unplanned stops the script.",
    );
    for r in &x.drop_order {
        let sql = if r.kind.is_view() {
            statements::drop_view(r)
        } else {
            fix::drop_table(r).sql
        };
        statement(&mut out, &sql);
    }
    out.push_str("\nCOMMIT;\n\n");
    out.push_str(&commented(&rollback(x)));
    out
}

/// The rollback statements, to be shown commented out.
fn rollback(x: &Resolved<'_>) -> String {
    let mut out = String::from(
        "-- ROLLBACK: undoes the script after it has committed. Remove one leading \"-- \" from\n\
         -- every line below and run it as one script. It recreates each table from its\n\
         -- definition, restores its rows from pglens_backup, re-attaches foreign keys and\n\
         -- takes merged rows out again. Privileges (GRANTs) are not restored.\n\
         BEGIN;\n",
    );
    for m in &x.merges {
        if let Some((ledger, key)) = &m.ledger {
            statement(&mut out, &statements::unmerge_rows(m.into, ledger, key));
        } else {
            note(
                &mut out,
                &format!(
                    "{} has no primary key, so the rows merged into it cannot be told apart: restore it from a dump.",
                    m.into.qualified_name()
                ),
            );
        }
    }
    // Recreate in reverse drop order: referenced tables before the tables and views that
    // need them.
    for r in x.drop_order.iter().rev() {
        // Keys inside a cycle cannot be created with their table (the other one does not
        // exist yet); they are added back at the end with the detached ones.
        let mut definition = (*r).clone();
        definition.constraints.retain(|c| {
            !x.cycle_keys
                .iter()
                .any(|k| k.name == c.name && k.table.qualified_name() == r.qualified_name())
        });
        out.push_str(&ddl::relation(&definition));
        if r.kind.is_table() {
            statement(&mut out, &statements::restore_rows(r, &fix::backup_of(r)));
        }
    }
    for d in x.detached.iter().chain(&x.cycle_keys) {
        statement(
            &mut out,
            &statements::add_constraint(d.table, d.name, d.definition),
        );
    }
    out.push_str("COMMIT;\n");
    out
}

/// Every line commented out. PostgreSQL ends a `--` comment at a carriage return as well as
/// at a newline, so a `\r` inside a default or a check (server-printed text, not quoted by
/// pglens) starts a new commented line too; otherwise the rest of that line would run.
fn commented(text: &str) -> String {
    text.lines()
        .flat_map(|l| l.split('\r'))
        .map(|l| {
            if l.is_empty() {
                "--\n".to_string()
            } else {
                format!("-- {l}\n")
            }
        })
        .collect()
}
