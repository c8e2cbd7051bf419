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
//! When the table already has a filled `id` column (NOT NULL, an identity or a serial),
//! make it the key: `ADD PRIMARY KEY (id)`. Otherwise add a surrogate key: `ADD COLUMN id
//! bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY` (or `pk_id` when `id` is taken). If a
//! natural key exists (columns that are unique and not null), make that the primary key
//! instead.
//!
//! ## Fix safety
//! For a partitioned table no statement is drafted: its key must include the partition key,
//! and which columns identify a row there is the schema's decision. Nor for a table with
//! inheritance children and no `id`: PostgreSQL refuses to add an identity column to it.
//! Otherwise marked for review. `ADD PRIMARY KEY (id)` fails if a value repeats or is null,
//! and builds its index under an exclusive lock; with `INHERITS`, each table's key holds
//! only in that table. Adding the identity column numbers every existing row, rewriting the
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
            // An `id` that is already filled (NOT NULL, an identity, a serial) becomes the key.
            let filled_id = t.column("id").is_some_and(|c| {
                c.not_null
                    || c.identity.is_some()
                    || c.default
                        .as_deref()
                        .is_some_and(|d| d.starts_with("nextval("))
            });
            if filled_id {
                out.push(finding.with_fix(Fix::review(
                    vec![fix::add_primary_key(t, &["id"])],
                    &["Fails if id repeats or is null somewhere; builds the key's index under an exclusive lock. With INHERITS, each table's key is its own: a key on the parent does not cover its children."],
                )));
                continue;
            }
            // PostgreSQL refuses to add an identity column to a table with children.
            if cx.inheritors_of(t).next().is_some() {
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
