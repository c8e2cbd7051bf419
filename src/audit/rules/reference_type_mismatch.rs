//! # reference-type-mismatch
//!
//! ## What it finds
//! Text columns (`text`, `varchar`, `char`) named like references (`project_id`,
//! `customer_id`, ...) without a foreign key, where the table they name (`projects` or
//! `project`, looked up in the column's own schema, then `public`, then `auth`) has an `id` of
//! type `uuid`, `integer` or `bigint`: `project_id text` next to `projects.id uuid`. A column
//! that names its own table is left alone.
//!
//! ## Why it matters
//! The column cannot carry a foreign key, so nothing stops it from holding ids that do not
//! exist, or values that are not ids at all; joins need casts and cannot use indexes, and
//! policies comparing it with a uuid fail or silently never match.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id uuid PRIMARY KEY, name text);
//! CREATE TABLE tasks (id uuid PRIMARY KEY, project_id text NOT NULL, title text);
//! ```
//!
//! ## Fix
//! Convert the column to the type of the id it refers to (`ALTER COLUMN project_id TYPE uuid
//! USING project_id::uuid`), then add the foreign key `NOT VALID` and `VALIDATE` it.
//!
//! ## Fix safety
//! Marked for review. The type change rewrites the table and its indexes under an exclusive
//! lock that blocks reads and writes until it finishes, which can take long on a big table.
//! It fails, changing nothing, on the first value that does not cast (an empty string, a
//! name instead of an id), and PostgreSQL refuses it while a view or a policy uses the
//! column: drop and recreate those around it. The foreign key is added without checking old
//! rows and applies to new writes at once; `VALIDATE CONSTRAINT` then checks the old rows and
//! fails on ids with no row in the referenced table. Code that compares the column with text
//! or stores other values in it must change at the same time.
//!
//! Check first: query for values that are not valid ids and for ids with no matching row,
//! clean them, and run the change at a quiet time.

use super::prelude::*;

pub struct ReferenceTypeMismatch;

static META: RuleMeta = RuleMeta {
    id: "reference-type-mismatch",
    severity: Severity::Warning,
    category: Category::Integrity,
    summary: "Reference column stored as text while the referenced id is uuid or integer",
    counterparts: &[],
};

fn is_text(data_type: &str) -> bool {
    data_type == "text"
        || data_type.starts_with("character varying")
        || data_type.starts_with("character(")
}

fn is_id_type(data_type: &str) -> bool {
    matches!(data_type, "uuid" | "integer" | "bigint")
}

impl Rule for ReferenceTypeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for c in &t.columns {
                if !is_text(&c.data_type)
                    || t.foreign_keys().any(|(k, _)| k.columns.contains(&c.name))
                {
                    continue;
                }
                let Some(target) = cx.table_for_reference(&c.name, &t.schema) else {
                    continue;
                };
                if target.schema == t.schema && target.name == t.name {
                    continue;
                }
                let Some(id) = target.column("id").filter(|id| is_id_type(&id.data_type)) else {
                    continue;
                };
                let target_name = target.qualified_name();
                let constraint = fix::object_name(&[&t.name, &c.name, "fkey"]);
                let fix = Fix::review(
                    vec![
                        fix::alter_column_type(t, &c.name, &id.data_type),
                        fix::add_foreign_key(t, &constraint, &[&c.name], &target_name, &["id"]),
                        fix::validate_constraint(t, &constraint),
                    ],
                    &["The type change fails on values that are not valid ids, and rewrites the table under an exclusive lock.",
                      "VALIDATE fails on ids with no row in the referenced table; clean those first."],
                );
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "{}.{}.{} is {} but refers to {target_name}.id, which is {}",
                            t.schema, t.name, c.name, c.data_type, id.data_type
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
