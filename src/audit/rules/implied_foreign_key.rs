//! # implied-foreign-key
//!
//! ## What it finds
//! Columns named like references (`project_id`, `customer_id`, ...) that no foreign key covers,
//! where a table of that name (`projects` or `project`; `customers` or `customer`) exists in the
//! same schema, else in `public`, else in `auth`, and has a primary key on a single `id` column of
//! the same type: relationships the schema implies and does not enforce (SchemaSpy's "implied
//! relationships"). A column that would point at its own table is left alone, and so are
//! history copies (a table another table's trigger writes to and that carries most of its
//! columns), whose ids must outlive the rows they name.
//!
//! ## Why it matters
//! Nothing stops orphans: rows pointing at deleted parents accumulate, cascades do not happen, and
//! tools (and people) reading the schema cannot see the relationship.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id bigint PRIMARY KEY, name text);
//! CREATE TABLE tasks (id bigint PRIMARY KEY, project_id bigint);   -- no REFERENCES
//! ```
//!
//! ## Fix
//! Add the foreign key in two steps. pglens drafts
//! `ADD CONSTRAINT <table>_<column>_fkey ... NOT VALID`, which checks only new rows, then
//! `VALIDATE CONSTRAINT`, which checks the existing ones without blocking writes. Add an index on
//! the column too (see unindexed-foreign-key).
//!
//! ## Fix safety
//! pglens marks this fix for review: a new constraint can refuse what the application does today.
//! - The match is made by name: check that the column really refers to that table.
//! - `VALIDATE` fails on orphans, rows whose parent is gone; the constraint then stays `NOT VALID`.
//!   Find them first, and delete them or set the column to NULL:
//! ```sql
//! SELECT t.* FROM tasks t LEFT JOIN projects p ON p.id = t.project_id
//! WHERE t.project_id IS NOT NULL AND p.id IS NULL;
//! ```
//! - From the first statement on, inserts and updates that name a missing parent fail (an import
//!   that writes children before parents, for one).
//! - The key has no `ON DELETE` action, so deleting a parent that still has children fails. If
//!   parents are deleted with children left behind, add `ON DELETE CASCADE` or `ON DELETE SET NULL`
//!   to the draft, whichever is intended.
//! - Adding the constraint briefly locks both tables against writes; validation reads the whole
//!   table (long on a big one) while reads and writes go on.
//! - `ADD CONSTRAINT` fails on a second run because the constraint exists: after fixing the rows,
//!   run only the `VALIDATE`.

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
        // A history table copies ids that must outlive the rows they name.
        let copies = cx.history_copies();
        for t in cx.user_tables() {
            if copies.contains(&t.qualified_name()) {
                continue;
            }
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
                    .related(Related::ImpliedReference {
                        table: target_name.clone(),
                    })
                    .with_fix(fix),
                );
            }
        }
    }
}
