//! # tenant-status-without-composite-index
//!
//! ## What it finds
//! Tenant-scoped tables with a status-like column (`status`, `state`, `stage`) and no index
//! that leads with the tenant column followed by it.
//!
//! ## Why it matters
//! Nearly every query on such a table filters by tenant and status ("open tasks of this
//! workspace"). A single-column index on the tenant column leaves PostgreSQL reading every
//! row of the tenant to filter the status; the seeds measured 10-100x on large tables.
//!
//! ## Example
//! ```sql
//! CREATE TABLE leads (workspace_id uuid, status lead_status, ...);
//! CREATE INDEX ON leads (workspace_id);     -- but not (workspace_id, status)
//! ```
//!
//! ## Fix
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_workspace_id_status ON leads
//! (workspace_id, status)`. Safe; it costs some storage and write time.

use super::prelude::*;

pub struct TenantStatusWithoutCompositeIndex;

static META: RuleMeta = RuleMeta {
    id: "tenant-status-without-composite-index",
    severity: Severity::Warning,
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
            let covered = t.indexes.iter().any(|i| {
                let lead: Vec<&str> = i.leading_columns().take(2).collect();
                i.valid && lead == [tenant, status]
            });
            if covered {
                continue;
            }
            let name = fix::index_name(t, &[tenant, status]);
            let fix = Fix::safe(vec![fix::create_index(
                t,
                &name,
                "btree",
                &[fix::KeySpec::asc(tenant), fix::KeySpec::asc(status)],
            )])
            .note("CREATE INDEX CONCURRENTLY cannot run inside a transaction block.");
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
