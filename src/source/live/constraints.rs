//! Decodes the constraints query (`sql/constraints.sql`, one row per constraint) and names
//! its key columns from the columns already read: the query returns attribute numbers, which
//! are the columns' positions.

use std::collections::HashMap;

use tokio_postgres::SimpleQueryRow;

use super::introspect::Child;
use crate::model::{Constraint, ConstraintKind, FkAction, ForeignKey, QualifiedName, Relation};

/// A constraint whose columns are still attribute numbers.
pub(super) struct ConstraintRow {
    child: Child<Constraint>,
    keys: Vec<i32>,
    referenced_keys: Vec<i32>,
}

pub(super) fn decode(row: &SimpleQueryRow) -> Result<ConstraintRow, String> {
    let text = |i: usize| row.get(i).map(str::to_string);
    let required = |i: usize| text(i).ok_or_else(|| format!("field {i} is null"));
    let flag = |i: usize| row.get(i) == Some("t");
    let attnums = |i: usize| -> Result<Vec<i32>, String> {
        row.get(i)
            .map(|json| serde_json::from_str(json).map_err(|e| format!("constraint keys: {e}")))
            .transpose()
            .map(Option::unwrap_or_default)
    };
    let kind = match row.get(3) {
        Some("p") => ConstraintKind::PrimaryKey,
        Some("u") => ConstraintKind::Unique,
        Some("f") => ConstraintKind::ForeignKey,
        Some("c") => ConstraintKind::Check,
        _ => ConstraintKind::Exclusion,
    };
    let foreign_key = match (kind, text(9), text(10)) {
        (ConstraintKind::ForeignKey, Some(schema), Some(table)) => Some(ForeignKey {
            referenced_table: QualifiedName::new(schema, table),
            referenced_columns: Vec::new(),
            on_delete: action(row.get(12)),
            on_update: action(row.get(13)),
        }),
        _ => None,
    };
    Ok(ConstraintRow {
        child: Child {
            schema: required(0)?,
            table: required(1)?,
            item: Constraint {
                name: required(2)?,
                kind,
                columns: Vec::new(),
                definition: required(5)?,
                validated: flag(6),
                deferrable: flag(7),
                initially_deferred: flag(8),
                foreign_key,
                provenance: Default::default(),
            },
        },
        keys: attnums(4)?,
        referenced_keys: attnums(11)?,
    })
}

fn action(code: Option<&str>) -> FkAction {
    match code {
        Some("r") => FkAction::Restrict,
        Some("c") => FkAction::Cascade,
        Some("n") => FkAction::SetNull,
        Some("d") => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The constraints with their columns named, from `relations`' columns (already attached).
/// A number no column has (a system column such as `tableoid` in a CHECK) is left out.
pub(super) fn name_columns(
    relations: &[Relation],
    rows: Vec<ConstraintRow>,
) -> Vec<Child<Constraint>> {
    let by_name: HashMap<(&str, &str), &Relation> = relations
        .iter()
        .map(|r| ((r.schema.as_str(), r.name.as_str()), r))
        .collect();
    let names = |relation: Option<&&Relation>, keys: &[i32]| -> Vec<String> {
        let Some(relation) = relation else {
            return Vec::new();
        };
        keys.iter()
            .filter_map(|&n| relation.columns.iter().find(|c| c.position == n))
            .map(|c| c.name.clone())
            .collect()
    };
    rows.into_iter()
        .map(|mut row| {
            let owner = by_name.get(&(row.child.schema.as_str(), row.child.table.as_str()));
            row.child.item.columns = names(owner, &row.keys);
            if let Some(fk) = row.child.item.foreign_key.as_mut() {
                let target = by_name.get(&(
                    fk.referenced_table.schema.as_str(),
                    fk.referenced_table.name.as_str(),
                ));
                fk.referenced_columns = names(target, &row.referenced_keys);
            }
            row.child
        })
        .collect()
}
