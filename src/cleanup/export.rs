//! The plan written out: a Markdown document for people (phases, each table with its
//! evidence, risks) and one SQL script for the database (backups, merges, drops in
//! dependency order, and a rollback section). pglens writes the script; it never runs it.
//!
//! The script runs in one transaction, so an error leaves the database as it was:
//! 1. every table that goes is copied into the `pglens_backup` schema (`CREATE TABLE ... AS`);
//! 2. merges copy rows into the kept tables (`INSERT ... SELECT`), recording the new rows'
//!    keys so the rollback can take exactly those out again;
//! 3. foreign keys of kept tables that point at a table that goes are detached;
//! 4. views and tables are dropped, dependents first, without CASCADE: anything the plan did
//!    not account for stops the script instead of vanishing with it.
//!
//! The rollback section, commented out, recreates each dropped table from its definition,
//! restores its rows from the backup, re-attaches the foreign keys and removes merged rows.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::evidence::{self, Dependent, Dependents};
use super::{Decision, Mark, Plan};
use crate::audit::BACKUP_SCHEMA;
use crate::model::{Catalog, QualifiedName, Relation};
use crate::sql::cleanup::{self as statements, MergeValue};
use crate::sql::{ddl, fix};

/// Why a plan cannot be exported at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExportError {
    #[error("{table} is to be merged into {into}, which is not in this source")]
    MissingTarget {
        table: QualifiedName,
        into: QualifiedName,
    },
    #[error("{table} is to be merged into {into}, which the plan also removes")]
    TargetRemoved {
        table: QualifiedName,
        into: QualifiedName,
    },
    #[error("{table} cannot be merged into itself")]
    IntoItself { table: QualifiedName },
    #[error("{table} is a {kind}; only tables can be merged")]
    NotATable {
        table: QualifiedName,
        kind: &'static str,
    },
}

/// The two documents.
#[derive(Debug, Clone)]
pub struct Export {
    pub markdown: String,
    pub sql: String,
}

/// A merge, resolved against the catalog.
struct Merge<'a> {
    from: &'a Relation,
    into: &'a Relation,
    values: Vec<MergeValue<'a>>,
    /// Columns only the merged table has: their data stays in the backup only.
    lost: Vec<&'a str>,
    /// NOT NULL columns of the kept table without a default that nothing fills.
    unfilled: Vec<&'a str>,
    /// The kept table's primary key and where the moved rows' keys are recorded.
    ledger: Option<(QualifiedName, Vec<&'a str>)>,
}

/// A foreign key of a kept table that points at a table the plan removes.
struct Detached<'a> {
    table: &'a Relation,
    name: &'a str,
    definition: &'a str,
    target: QualifiedName,
}

/// Everything both documents need, computed once.
struct Resolved<'a> {
    catalog: &'a Catalog,
    plan: &'a Plan,
    /// Relations that go (dropped or merged), in the order they are dropped.
    drop_order: Vec<&'a Relation>,
    merges: Vec<Merge<'a>>,
    detached: Vec<Detached<'a>>,
    /// Foreign keys between removed tables that form a cycle, detached before the drops.
    cycle_keys: Vec<Detached<'a>>,
    /// Dependents that would stop a drop, by the table they depend on.
    blockers: BTreeMap<QualifiedName, Vec<Dependent>>,
    /// Dependents that break when they run, by table.
    runtime: BTreeMap<QualifiedName, Vec<Dependent>>,
    /// Plan entries naming relations the source does not have.
    missing: Vec<&'a QualifiedName>,
    dependents: Dependents,
}

/// Writes the plan for this catalog. `plan_file` names the plan in both documents.
pub fn export(catalog: &Catalog, plan: &Plan, plan_file: &str) -> Result<Export, ExportError> {
    let resolved = resolve(catalog, plan)?;
    Ok(Export {
        markdown: markdown(&resolved, plan_file),
        sql: script(&resolved, plan_file),
    })
}

/// The backup table of a relation in [`BACKUP_SCHEMA`].
pub fn backup_of(r: &Relation) -> QualifiedName {
    QualifiedName::new(BACKUP_SCHEMA, fix::object_name(&[&r.schema, &r.name]))
}

fn ledger_of(r: &Relation) -> QualifiedName {
    QualifiedName::new(
        BACKUP_SCHEMA,
        fix::object_name(&[&r.schema, &r.name, "merged_keys"]),
    )
}

fn resolve<'a>(catalog: &'a Catalog, plan: &'a Plan) -> Result<Resolved<'a>, ExportError> {
    let find = |q: &QualifiedName| catalog.relation(&q.schema, &q.name);
    let mut removed: Vec<&Relation> = Vec::new();
    let mut missing = Vec::new();
    for (q, mark) in &plan.marks {
        match find(q) {
            Some(r) if mark.decision.removes() => removed.push(r),
            Some(_) => {}
            None => missing.push(q),
        }
    }
    let removed_names: BTreeSet<QualifiedName> =
        removed.iter().map(|r| r.qualified_name()).collect();
    let mut merges = Vec::new();
    for (q, mark) in &plan.marks {
        let (Decision::Merge { into, map }, Some(from)) = (&mark.decision, find(q)) else {
            continue;
        };
        merges.push(resolve_merge(catalog, &removed_names, from, into, map)?);
    }
    let (drop_order, cycle_keys) = drop_order(&removed, &removed_names);
    let dependents = Dependents::build(catalog);
    let mut detached = Vec::new();
    let mut blockers: BTreeMap<QualifiedName, Vec<Dependent>> = BTreeMap::new();
    let mut runtime: BTreeMap<QualifiedName, Vec<Dependent>> = BTreeMap::new();
    for r in &removed {
        let name = r.qualified_name();
        for d in dependents.of(&name).iter().cloned() {
            let from_removed = matches!(&d.object, crate::model::ObjectId::Relation(o) if removed_names.contains(o));
            if from_removed {
                continue;
            }
            match d.kind {
                evidence::DependentKind::ForeignKey => {}
                _ if d.blocks_drop => blockers.entry(name.clone()).or_default().push(d),
                _ => runtime.entry(name.clone()).or_default().push(d),
            }
        }
        for other in catalog.relations.iter() {
            if removed_names.contains(&other.qualified_name()) {
                continue;
            }
            for (c, fk) in other.foreign_keys() {
                if fk.referenced_table == name {
                    detached.push(Detached {
                        table: other,
                        name: &c.name,
                        definition: &c.definition,
                        target: name.clone(),
                    });
                }
            }
        }
    }
    Ok(Resolved {
        catalog,
        plan,
        drop_order,
        merges,
        detached,
        cycle_keys,
        blockers,
        runtime,
        missing,
        dependents,
    })
}

fn resolve_merge<'a>(
    catalog: &'a Catalog,
    removed: &BTreeSet<QualifiedName>,
    from: &'a Relation,
    into: &QualifiedName,
    map: &'a BTreeMap<String, String>,
) -> Result<Merge<'a>, ExportError> {
    let table = from.qualified_name();
    if &table == into {
        return Err(ExportError::IntoItself { table });
    }
    let target =
        catalog
            .relation(&into.schema, &into.name)
            .ok_or_else(|| ExportError::MissingTarget {
                table: table.clone(),
                into: into.clone(),
            })?;
    if removed.contains(into) {
        return Err(ExportError::TargetRemoved {
            table,
            into: into.clone(),
        });
    }
    for r in [from, target] {
        if !r.kind.is_table() {
            return Err(ExportError::NotATable {
                table: r.qualified_name(),
                kind: r.kind.label(),
            });
        }
    }
    let mut values: Vec<MergeValue<'a>> = from
        .merge_columns(target)
        .into_iter()
        .filter(|(name, _)| !map.contains_key(*name))
        .map(|(name, data_type)| MergeValue::Column { name, data_type })
        .collect();
    values.extend(map.iter().map(|(target, sql)| MergeValue::Expression {
        target: target.as_str(),
        sql: sql.as_str(),
    }));
    let filled: BTreeSet<&str> = values
        .iter()
        .map(|v| match v {
            MergeValue::Column { name, .. } => *name,
            MergeValue::Expression { target, .. } => *target,
        })
        .collect();
    let lost = from
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| *c != "id" && !filled.contains(c))
        .collect();
    let unfilled = target
        .columns
        .iter()
        .filter(|c| {
            c.not_null
                && c.default.is_none()
                && c.identity.is_none()
                && c.generated.is_none()
                && !filled.contains(c.name.as_str())
        })
        .map(|c| c.name.as_str())
        .collect();
    let ledger = target.primary_key().map(|pk| {
        (
            ledger_of(from),
            pk.columns.iter().map(String::as_str).collect(),
        )
    });
    Ok(Merge {
        from,
        into: target,
        values,
        lost,
        unfilled,
        ledger,
    })
}

/// The order to drop removed relations in: a relation goes before everything it reads or
/// references, so views go before their tables and referencing tables before referenced
/// ones. Foreign keys that form a cycle are returned to be detached first.
fn drop_order<'a>(
    removed: &[&'a Relation],
    names: &BTreeSet<QualifiedName>,
) -> (Vec<&'a Relation>, Vec<Detached<'a>>) {
    // What each removed relation needs to outlive: the removed relations it reads or
    // references.
    let needs = |r: &Relation| -> BTreeSet<QualifiedName> {
        let own = r.qualified_name();
        r.reads
            .iter()
            .cloned()
            .chain(r.foreign_keys().map(|(_, fk)| fk.referenced_table.clone()))
            .filter(|q| names.contains(q) && *q != own)
            .collect()
    };
    let mut left: Vec<&Relation> = removed.to_vec();
    left.sort_by_key(|r| (!r.kind.is_view(), r.qualified_name()));
    let needs_of: Vec<BTreeSet<QualifiedName>> = left.iter().map(|r| needs(r)).collect();
    let mut needs_of: BTreeMap<QualifiedName, BTreeSet<QualifiedName>> = left
        .iter()
        .map(|r| r.qualified_name())
        .zip(needs_of)
        .collect();
    // How many relations still to drop need each one.
    let mut needed_by: BTreeMap<QualifiedName, usize> = BTreeMap::new();
    for needs in needs_of.values() {
        for q in needs {
            *needed_by.entry(q.clone()).or_default() += 1;
        }
    }
    let mut order = Vec::new();
    let mut cycle_keys = Vec::new();
    while !left.is_empty() {
        // Droppable now: nothing left still needs it.
        let free = left
            .iter()
            .position(|r| needed_by.get(&r.qualified_name()).copied().unwrap_or(0) == 0);
        if let Some(i) = free {
            for q in needs_of
                .remove(&left[i].qualified_name())
                .unwrap_or_default()
            {
                if let Some(n) = needed_by.get_mut(&q) {
                    *n = n.saturating_sub(1);
                }
            }
        }
        match free {
            Some(i) => order.push(left.remove(i)),
            None => {
                // A foreign-key cycle: detach the keys inside it, then drop in name order.
                let still: BTreeSet<QualifiedName> =
                    left.iter().map(|r| r.qualified_name()).collect();
                for r in &left {
                    for (c, fk) in r.foreign_keys() {
                        if still.contains(&fk.referenced_table)
                            && fk.referenced_table != r.qualified_name()
                        {
                            cycle_keys.push(Detached {
                                table: r,
                                name: &c.name,
                                definition: &c.definition,
                                target: fk.referenced_table.clone(),
                            });
                        }
                    }
                }
                order.append(&mut left);
            }
        }
    }
    (order, cycle_keys)
}

fn statement(out: &mut String, sql: &str) {
    let _ = writeln!(out, "{sql};");
}

fn script(x: &Resolved<'_>, plan_file: &str) -> String {
    let mut out = String::new();
    let source = &x.catalog.meta.source_label;
    let _ = writeln!(out, "-- Cleanup script for {source}, from {plan_file}.");
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
            let _ = writeln!(
                out,
                "-- BLOCKER: {} {} uses {table}; the drop below fails until it is changed or removed.",
                d.kind.label(),
                d.label
            );
        }
    }
    if !x.blockers.is_empty() {
        out.push('\n');
    }
    let mut step = 0;
    let mut heading = |out: &mut String, text: &str| {
        step += 1;
        let _ = writeln!(out, "\n-- {step}. {text}");
    };
    out.push_str("BEGIN;\n");
    heading(&mut out, "Back up every table that goes.");
    statement(&mut out, &fix::create_schema(BACKUP_SCHEMA).sql);
    for r in x.drop_order.iter().filter(|r| r.kind.is_table()) {
        let backup = backup_of(r);
        statement(
            &mut out,
            &fix::backup_table(r, &backup.schema, &backup.name).sql,
        );
    }
    if !x.merges.is_empty() {
        heading(&mut out, "Merge rows into the tables that stay.");
    }
    for m in &x.merges {
        let _ = writeln!(
            out,
            "-- {} -> {}",
            m.from.qualified_name(),
            m.into.qualified_name()
        );
        if !m.unfilled.is_empty() {
            let _ = writeln!(
                out,
                "-- WARNING: nothing fills {} (NOT NULL, no default): add `map` entries in the plan.",
                m.unfilled.join(", ")
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
            let _ = writeln!(
                out,
                "-- {} has no primary key, so the rows merged into it cannot be told apart: restore it from a dump.",
                m.into.qualified_name()
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
            statement(&mut out, &statements::restore_rows(r, &backup_of(r)));
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

fn commented(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "--\n".to_string()
            } else {
                format!("-- {l}\n")
            }
        })
        .collect()
}

fn markdown(x: &Resolved<'_>, plan_file: &str) -> String {
    let mut out = String::new();
    let meta = &x.catalog.meta;
    let _ = writeln!(out, "# Cleanup plan: {}\n", meta.source_label);
    let _ = writeln!(
        out,
        "Written by pglens from `{plan_file}`{}. The SQL script beside this file carries it out; pglens never runs it.\n",
        meta.captured_at
            .as_deref()
            .map(|t| format!(" against the schema as of {}", evidence::short_time(t)))
            .unwrap_or_default()
    );
    summary(&mut out, x);
    out.push_str("## Phase 1: Prepare\n\n");
    out.push_str("- [ ] Review this plan with the team; every decision below carries its note.\n");
    out.push_str("- [ ] Take a full backup (`pg_dump --format=custom`), and one per table that goes:\n\n```sh\n");
    for r in x.drop_order.iter().filter(|r| r.kind.is_table()) {
        let file = format!("{}.dump", fix::object_name(&[&r.schema, &r.name]));
        let _ = writeln!(out, "{}", statements::pg_dump_command(r, &file));
    }
    out.push_str("```\n\n");
    match meta.stats_age_seconds {
        Some(age) => {
            let _ = writeln!(
                out,
                "- [ ] Usage below was counted over {} of statistics; make sure that window covers monthly jobs and reports.",
                evidence::age_words(age)
            );
        }
        None => out.push_str(
            "- [ ] The source does not say how long statistics have been counting: confirm usage on production (`pg_stat_user_tables`) over a full business cycle before dropping anything.\n",
        ),
    }
    for (q, m) in x.plan.with_tag("investigate") {
        let _ = writeln!(out, "- [ ] Investigate `{q}`{}", note_suffix(m));
    }
    out.push('\n');
    let mut phase = 2;
    if !x.merges.is_empty() {
        let _ = writeln!(out, "## Phase {phase}: Consolidate\n");
        phase += 1;
        for m in &x.merges {
            merge_section(&mut out, x, m);
        }
    }
    let drops: Vec<&&Relation> = x
        .drop_order
        .iter()
        .filter(|r| {
            matches!(
                x.plan.mark(&r.qualified_name()).map(|m| &m.decision),
                Some(Decision::Drop)
            )
        })
        .collect();
    if !drops.is_empty() {
        let _ = writeln!(out, "## Phase {phase}: Drop\n");
        phase += 1;
        out.push_str(
            "| table | rows | size | use | dependents | note |\n|---|---|---|---|---|---|\n",
        );
        for r in drops {
            let q = r.qualified_name();
            let _ = writeln!(
                out,
                "| `{q}` | {} | {} | {} | {} | {} |",
                rows(r),
                size(r),
                use_cell(x.catalog, r),
                dependents_cell(x, &q),
                x.plan.mark(&q).map(|m| cell(&m.note)).unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Phase {phase}: Validate\n");
    out.push_str("- [ ] Row counts: every merged table's rows are in its new table; every dropped table's rows are in `pglens_backup`.\n");
    out.push_str("- [ ] Watch error logs for 48 hours for SQL naming a dropped table.\n");
    out.push_str("- [ ] Drop the `pglens_backup` schema once the team signs off (keep it at least 30 days).\n\n");
    risks(&mut out, x);
    let kept: Vec<(&QualifiedName, &Mark)> = x.plan.with_tag("keep").collect();
    if !kept.is_empty() {
        out.push_str("## Kept\n\n");
        for (q, m) in kept {
            let _ = writeln!(out, "- `{q}`{}", note_suffix(m));
        }
        out.push('\n');
    }
    out
}

fn summary(out: &mut String, x: &Resolved<'_>) {
    let count = |tag| x.plan.with_tag(tag).count();
    let tables_now = x
        .catalog
        .relations
        .iter()
        .filter(|r| r.kind.is_table() && r.partition_of.is_none() && r.extension.is_none())
        .filter(|r| r.schema != BACKUP_SCHEMA)
        .count();
    let going = x.drop_order.iter().filter(|r| r.kind.is_table()).count();
    out.push_str("## Summary\n\n");
    let _ = writeln!(
        out,
        "- Tables: {tables_now} today, {} after this plan.",
        tables_now.saturating_sub(going)
    );
    let _ = writeln!(
        out,
        "- Decisions: {} drop, {} merge, {} keep, {} investigate.",
        count("drop"),
        count("merge"),
        count("keep"),
        count("investigate")
    );
    let bytes: i64 = x
        .drop_order
        .iter()
        .filter_map(|r| r.stats.as_ref()?.total_bytes)
        .sum();
    if bytes > 0 {
        let _ = writeln!(
            out,
            "- Space the removed tables use today: {}.",
            evidence::human_bytes(bytes)
        );
    }
    out.push('\n');
}

fn merge_section(out: &mut String, x: &Resolved<'_>, m: &Merge<'_>) {
    let (from, into) = (m.from.qualified_name(), m.into.qualified_name());
    let _ = writeln!(out, "### `{from}` into `{into}`\n");
    if let Some(mark) = x.plan.mark(&from).filter(|m| !m.note.is_empty()) {
        let _ = writeln!(out, "{}\n", mark.note);
    }
    let _ = writeln!(
        out,
        "- Evidence: {} rows, {}; {}.",
        rows(m.from),
        size(m.from),
        evidence::usage_summary(x.catalog, m.from)
    );
    let mapping: Vec<String> = m
        .values
        .iter()
        .map(|v| match v {
            MergeValue::Column { name, .. } => format!("`{name}`"),
            MergeValue::Expression { target, sql } => format!("`{target}` = `{sql}`"),
        })
        .collect();
    let _ = writeln!(out, "- Copies: {}.", mapping.join(", "));
    if !m.lost.is_empty() {
        let _ = writeln!(
            out,
            "- Not copied (only in `{from}`; kept in the backup): {}.",
            m.lost
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !m.unfilled.is_empty() {
        let _ = writeln!(
            out,
            "- **Will fail:** `{into}` requires {} and nothing fills it; add a `map` entry to the plan.",
            m.unfilled.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        );
    }
    let _ = writeln!(
        out,
        "- Dependents to move first: {}.",
        dependents_cell(x, &from)
    );
    if m.ledger.is_none() {
        let _ = writeln!(
            out,
            "- `{into}` has no primary key: the rollback cannot pick out the merged rows."
        );
    }
    out.push('\n');
}

fn risks(out: &mut String, x: &Resolved<'_>) {
    out.push_str("## Risks\n\n");
    let mut any = false;
    for (table, deps) in &x.blockers {
        for d in deps {
            any = true;
            let _ = writeln!(
                out,
                "- **Blocker:** {} {} uses `{table}`; the script stops at its drop until that is changed or removed.",
                d.kind.label(),
                d.label
            );
        }
    }
    for d in &x.detached {
        any = true;
        let _ = writeln!(
            out,
            "- Foreign key `{}` on `{}` points at `{}`; the script detaches it (the rollback puts it back). Repoint the column or drop it.",
            d.name,
            d.table.qualified_name(),
            d.target
        );
    }
    for (table, deps) in &x.runtime {
        for d in deps.iter().filter(|d| !d.goes_with_table) {
            any = true;
            let _ = writeln!(
                out,
                "- {} {} mentions `{table}`: it will fail when it runs after the drop.",
                d.kind.label(),
                d.label
            );
        }
    }
    for m in &x.merges {
        if !m.lost.is_empty() {
            any = true;
            let _ = writeln!(
                out,
                "- Data loss: `{}` has {} that `{}` has no place for.",
                m.from.qualified_name(),
                m.lost.join(", "),
                m.into.qualified_name()
            );
        }
    }
    for r in x
        .drop_order
        .iter()
        .filter(|r| r.stats.is_none() && r.kind.is_table())
    {
        any = true;
        let _ = writeln!(
            out,
            "- Unknown usage: `{}` has no statistics in this source.",
            r.qualified_name()
        );
    }
    for q in &x.missing {
        any = true;
        let _ = writeln!(
            out,
            "- `{q}` is in the plan but not in this source; it was left out."
        );
    }
    if !any {
        out.push_str("- None found in the schema. Application code can still name these tables: search the code base before running.\n");
    }
    out.push('\n');
}

fn dependents_cell(x: &Resolved<'_>, q: &QualifiedName) -> String {
    let deps: Vec<String> = x
        .dependents
        .of(q)
        .iter()
        .filter(|d| !d.goes_with_table)
        .map(|d| format!("{} {}", d.kind.label(), d.label))
        .collect();
    if deps.is_empty() {
        "none".into()
    } else {
        cell(&deps.join("; "))
    }
}

/// The usage summary, with when a scan last read the table where the server records it.
fn use_cell(catalog: &Catalog, r: &Relation) -> String {
    let last = r
        .stats
        .as_ref()
        .and_then(|s| s.last_read.as_deref())
        .map(|t| format!(" (last read {})", evidence::short_time(t)))
        .unwrap_or_default();
    cell(&format!("{}{last}", evidence::usage_summary(catalog, r)))
}

fn rows(r: &Relation) -> String {
    r.stats
        .as_ref()
        .and_then(|s| s.estimated_rows)
        .map(evidence::human_count)
        .unwrap_or_else(|| "unknown".into())
}

fn size(r: &Relation) -> String {
    r.stats
        .as_ref()
        .and_then(|s| s.total_bytes)
        .map(evidence::human_bytes)
        .unwrap_or_else(|| "size unknown".into())
}

fn note_suffix(m: &Mark) -> String {
    if m.note.is_empty() {
        String::new()
    } else {
        format!(": {}", m.note)
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
