//! # reference-type-mismatch
//!
//! ## What it finds
//! Text columns named like references (`workspace_id`, `brand_id`, ...) without a foreign
//! key, where the table they name has a `uuid` or integer `id`: the seeds' `workspace_id TEXT`
//! next to `workspaces.id UUID`.
//!
//! ## Why it matters
//! The column cannot carry a foreign key, so nothing stops it from holding ids that do not
//! exist, or values that are not ids at all; joins need casts and cannot use indexes, and
//! policies comparing it with a uuid fail or silently never match.
//!
//! ## Example
//! ```sql
//! CREATE TABLE milestones (workspace_id text NOT NULL, ...);   -- workspaces.id is uuid
//! ```
//!
//! ## Fix
//! Convert the column (`ALTER COLUMN ... TYPE uuid USING workspace_id::uuid`) and add the
//! foreign key. The conversion fails on values that are not valid ids: clean those first.

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
