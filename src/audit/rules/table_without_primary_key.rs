//! # table-without-primary-key
//!
//! ## What it finds
//! Tables with no primary key (a unique constraint does not count). Partitions are checked
//! through their parent.
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
//! (or `pk_id` when `id` is taken). If a natural key exists (columns that are unique and not
//! null), make that the primary key instead.
//!
//! ## Fix safety
//! For a partitioned table no statement is drafted: its key must include the partition key,
//! and which columns identify a row there is the schema's decision. Otherwise marked for
//! review. Adding the identity column numbers every existing row, rewriting the
//! table and building the key's index under an exclusive lock that blocks reads and writes
//! until it finishes: long on a big table. `GENERATED ALWAYS` refuses inserts that supply
//! their own value for the new column, so code that copies rows in with `SELECT *` or an
//! explicit value needs a column list (or `OVERRIDING SYSTEM VALUE`). On a partitioned table
//! the statement fails: a primary key there must include the partitioning columns.
//!
//! Check first: whether a natural key exists, and when the table can be locked for the
//! rewrite.

use super::prelude::*;

pub struct TableWithoutPrimaryKey;

static META: RuleMeta = RuleMeta {
    id: "table-without-primary-key",
    severity: Severity::Info,
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
            let finding = META.finding(
                ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                format!("{}.{} has no primary key", t.schema, t.name),
            );
            // A partitioned table's key must include its partition key, and which columns
            // identify a row there is the schema's decision: no statement is drafted.
            if t.kind == RelationKind::PartitionedTable {
                out.push(finding);
                continue;
            }
            let column = if t.has_column("id") { "pk_id" } else { "id" };
            out.push(finding.with_fix(Fix::review(
                vec![fix::add_identity_primary_key(t, column)],
                &["Rewrites the table under an exclusive lock; prefer a natural key if the table has one."],
            )));
        }
    }
}
