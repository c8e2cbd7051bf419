//! # table-without-primary-key
//!
//! ## What it finds
//! Tables with no primary key.
//!
//! ## Why it matters
//! Without a key, duplicate rows cannot be told apart or deleted one at a time, logical
//! replication cannot replicate updates and deletes, and the Supabase table editor and most
//! ORMs cannot edit rows.
//!
//! ## Example
//! ```sql
//! CREATE TABLE audit_log (user_id uuid, action text, created_at timestamptz);
//! ```
//!
//! ## Fix
//! Add a surrogate key: `ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`
//! (or `pk_id` when `id` is taken). It rewrites the table under an exclusive lock; if a
//! natural key exists, make that the primary key instead.

use super::prelude::*;

pub struct TableWithoutPrimaryKey;

static META: RuleMeta = RuleMeta {
    id: "table-without-primary-key",
    severity: Severity::Warning,
    category: Category::Integrity,
    summary: "Table has no primary key",
    counterparts: &["splinter:0004_no_primary_key"],
};

impl Rule for TableWithoutPrimaryKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            if t.primary_key().is_some() {
                continue;
            }
            let column = if t.has_column("id") { "pk_id" } else { "id" };
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!("{}.{} has no primary key", t.schema, t.name),
                )
                .with_fix(Fix::review(
                    vec![fix::add_identity_primary_key(t, column)],
                    &["Rewrites the table under an exclusive lock; prefer a natural key if the table has one."],
                )),
            );
        }
    }
}
