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
//!
//! This file resolves a plan against a catalog; `script.rs` and `markdown.rs` write it.

mod markdown;
mod script;

/// How the Markdown plan begins: the source's label follows, which tells a later export
/// whose plan the file holds.
pub const MARKDOWN_TITLE: &str = "# Cleanup plan:";

use std::collections::{BTreeMap, BTreeSet};

use super::evidence::{self, Dependent, Dependents};
use super::{Decision, Plan};
use crate::model::{Catalog, QualifiedName, Relation};
use crate::sql::cleanup::MergeValue;
use crate::sql::fix;

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
    /// Two tables whose backups would share a name.
    #[error("{0}; rename one or leave one out of the plan")]
    BackupCollision(String),
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
        markdown: markdown::markdown(&resolved, plan_file),
        sql: script::script(&resolved, plan_file),
    })
}

/// Two tables backed up under one name would lose the second backup, and with it the rows
/// of a table the script then drops. Names are built to differ; this proves it per plan.
fn check_backup_names(drops: &[&Relation], merges: &[Merge<'_>]) -> Result<(), ExportError> {
    let mut seen: BTreeMap<QualifiedName, QualifiedName> = BTreeMap::new();
    let tables = drops.iter().filter(|r| r.kind.is_table());
    let backups = tables.map(|r| (fix::backup_of(r), r.qualified_name()));
    let ledgers = merges.iter().filter_map(|m| {
        m.ledger
            .as_ref()
            .map(|(q, _)| (q.clone(), m.from.qualified_name()))
    });
    for (backup, table) in backups.chain(ledgers) {
        if let Some(first) = seen.insert(backup.clone(), table.clone()) {
            return Err(ExportError::BackupCollision(format!(
                "{first} and {table} would both be backed up as {backup}"
            )));
        }
    }
    Ok(())
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
    check_backup_names(&drop_order, &merges)?;
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
            fix::merged_keys_of(from),
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
