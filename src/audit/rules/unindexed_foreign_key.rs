//! # unindexed-foreign-key
//!
//! ## What it finds
//! Foreign keys whose columns are not the leading columns of any valid index on the
//! referencing table.
//!
//! ## Why it matters
//! Deleting or updating a parent row makes PostgreSQL look for children; without an index
//! that is a sequential scan of the child table, under lock, for every parent row. Joins
//! from parent to children are slow for the same reason.
//!
//! ## Example
//! ```sql
//! CREATE TABLE scheduled_content (content_id uuid REFERENCES content_items(id), ...);
//! ```
//!
//! ## Fix
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS ... (content_id)`. Safe; it must run outside a
//! transaction block, and on a big table takes a while.

use super::prelude::*;

pub struct UnindexedForeignKey;

static META: RuleMeta = RuleMeta {
    id: "unindexed-foreign-key",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Foreign key without an index on its columns",
    counterparts: &["splinter:0001_unindexed_foreign_keys"],
};

impl Rule for UnindexedForeignKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for (c, fk) in t.foreign_keys() {
                if Context::has_index_leading_with(t, &c.columns) {
                    continue;
                }
                let cols: Vec<&str> = c.columns.iter().map(String::as_str).collect();
                let keys: Vec<fix::KeySpec<'_>> =
                    cols.iter().map(|c| fix::KeySpec::asc(c)).collect();
                let fix = Fix::safe(vec![fix::create_index(
                    t,
                    &fix::index_name(t, &cols),
                    "btree",
                    &keys,
                )])
                .note("CREATE INDEX CONCURRENTLY cannot run inside a transaction block.");
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Constraint, &t.schema, &t.name, &c.name),
                        format!(
                            "foreign key {}.{}({}) -> {} has no index",
                            t.schema,
                            t.name,
                            cols.join(", "),
                            fk.referenced_table
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
