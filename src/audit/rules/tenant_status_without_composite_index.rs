//! # tenant-status-without-composite-index
//!
//! ## What it finds
//! Tables that carry the database's tenant column (whichever of `workspace_id`, `tenant_id`,
//! `organization_id`, `org_id`, `company_id`, `account_id` and `team_id` the most tables
//! have, at least two) and a status-like column (`status`, `state` or `stage`), with no
//! valid index that serves "this tenant's rows in this status": none whose first two columns
//! are the tenant column and then the status column, no partial index on the tenant column
//! whose predicate fixes the status (`WHERE status = 'pending'`), and no index leading with
//! the status column (beside one, the composite is a guess about the workload). Nothing is
//! reported when no tenant column is found.
//!
//! ## Why it matters
//! Nearly every query on such a table filters by tenant and status ("open tasks of this
//! team"). With an index on the tenant column alone, PostgreSQL finds all of the tenant's
//! rows through it and then reads each one from the table to check its status: for a large
//! tenant, thousands of row reads to return a handful. An index on (tenant, status) leads
//! straight to the matching rows, and still serves queries on the tenant alone.
//!
//! ## Example
//! ```sql
//! CREATE TABLE tasks (id uuid PRIMARY KEY, team_id uuid NOT NULL, status text NOT NULL);
//! CREATE INDEX ON tasks (team_id);     -- but not (team_id, status)
//! ```
//!
//! ## Fix
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tasks_team_id_status ON tasks (team_id,
//! status)`. It costs some storage and write time.
//!
//! ## Fix safety
//! Marked for review: the finding is a guess from column names, not from the workload, so
//! check that queries really filter on both columns (`pg_stat_statements`) before paying
//! for another index. Once it exists, an index on the tenant column alone is covered by it
//! and can go (covered-index reports it). The build itself changes no data, and building
//! the index concurrently does not block reads or writes. It cannot run inside a transaction block, so a migration tool that
//! wraps each file in a transaction needs it in a step of its own. It waits for
//! transactions already running on the table and scans the table twice, which takes a while
//! on a big one. If it fails or is cancelled, it leaves an invalid index under that name,
//! and running it again does nothing because of `IF NOT EXISTS`: drop the invalid index
//! first. On a partitioned table, which refuses `CONCURRENTLY`, pglens drafts a plain `CREATE
//! INDEX` on the parent and marks it for review: it blocks writes to every partition while it
//! builds; on big partitions build each partition's index concurrently first.

use super::prelude::*;

pub struct TenantStatusWithoutCompositeIndex;

static META: RuleMeta = RuleMeta {
    id: "tenant-status-without-composite-index",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Tenant-scoped table with a status column lacks a (tenant, status) index",
    counterparts: &[],
};

const STATUS_COLUMNS: &[&str] = &["status", "state", "stage"];

impl Rule for TenantStatusWithoutCompositeIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(tenant) = cx.tenant_column else {
            return;
        };
        for t in cx.user_tables() {
            if !t.has_column(tenant) {
                continue;
            }
            let Some(status) = STATUS_COLUMNS.iter().find(|c| t.has_column(c)) else {
                continue;
            };
            // Served already: the composite itself; a partial index on the tenant that fixes
            // the status (`(organization_id, email) WHERE status = 'pending'`); or an index
            // on the status, beside which the composite is a guess about the workload.
            let covered = t.indexes.iter().filter(|i| i.valid).any(|i| {
                let lead: Vec<&str> = i.leading_columns().take(2).collect();
                let fixes_status = i
                    .predicate
                    .as_deref()
                    .is_some_and(|p| crate::sql::mentions::bare_names(p).contains(*status));
                lead == [tenant, *status]
                    || (lead.first() == Some(&tenant) && fixes_status)
                    || lead.first() == Some(status)
            });
            if covered {
                continue;
            }
            let name = fix::index_name(t, &[tenant, status]);
            let fix = Fix::index_build(
                t,
                fix::create_index(
                    t,
                    &name,
                    "btree",
                    &[fix::KeySpec::asc(tenant), fix::KeySpec::asc(status)],
                ),
            )
            .for_review(format!(
                "A guess from the column names: check that queries filter on both (pg_stat_statements) before building it. Once it exists, an index on ({tenant}) alone is redundant."
            ));
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} has no index on ({tenant}, {status}) for its per-tenant status queries",
                        t.schema, t.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
