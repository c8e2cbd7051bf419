//! # implied-foreign-key
//!
//! ## What it finds
//! Columns named like references (`deal_id`, `workspace_id`, ...) with the same type as the
//! `id` of the table they name, but no foreign key: relationships the schema implies and
//! does not enforce (SchemaSpy's "implied relationships").
//!
//! ## Why it matters
//! Nothing stops orphans: rows pointing at deleted parents accumulate, cascades do not
//! happen, and tools (and people) reading the schema cannot see the relationship.
//!
//! ## Example
//! ```sql
//! CREATE TABLE tasks (deal_id uuid, ...);   -- deals.id is uuid; no REFERENCES
//! ```
//!
//! ## Fix
//! Add the foreign key `NOT VALID`, then `VALIDATE CONSTRAINT` (checks old rows without
//! blocking writes). Validation fails on orphans: decide whether to delete them or null the
//! column first. Add an index on the column too (see unindexed-foreign-key).

use super::prelude::*;

pub struct ImpliedForeignKey;

static META: RuleMeta = RuleMeta {
    id: "implied-foreign-key",
    severity: Severity::Info,
    category: Category::Integrity,
    summary: "Column looks like a reference but has no foreign key",
    counterparts: &["schemaspy:implied_relationships"],
};

impl Rule for ImpliedForeignKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for c in &t.columns {
                if t.foreign_keys().any(|(k, _)| k.columns.contains(&c.name)) {
                    continue;
                }
                let Some(target) = cx.table_for_reference(&c.name, &t.schema) else {
                    continue;
                };
                if target.schema == t.schema && target.name == t.name {
                    continue;
                }
                let Some(id) = target.column("id") else {
                    continue;
                };
                let target_pk = target.primary_key().is_some_and(|pk| pk.columns == ["id"]);
                if id.data_type != c.data_type || !target_pk {
                    continue;
                }
                let target_name = target.qualified_name();
                let constraint = fix::object_name(&[&t.name, &c.name, "fkey"]);
                let fix = Fix::review(
                    vec![
                        fix::add_foreign_key(t, &constraint, &[&c.name], &target_name, &["id"]),
                        fix::validate_constraint(t, &constraint),
                    ],
                    &["VALIDATE fails on rows whose parent is gone: delete them or set the column to NULL first."],
                );
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "{}.{}.{} looks like a reference to {target_name} but has no foreign key",
                            t.schema, t.name, c.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
