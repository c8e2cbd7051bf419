//! # dual-tenant-scope
//!
//! ## What it finds
//! Tables that carry both `workspace_id` and `tenant_id`: two columns that each claim to
//! scope the row.
//!
//! ## Why it matters
//! Queries, policies and indexes pick one column or the other, and the two drift apart: a
//! row can be visible through one scope and not the other, which is how tenant data leaks.
//! Every policy and composite index has to be written twice.
//!
//! ## Example
//! ```sql
//! CREATE TABLE cmo_campaigns (id uuid PRIMARY KEY, workspace_id uuid, tenant_id uuid, ...);
//! ```
//!
//! ## Fix
//! Audit the rows where the two disagree, then keep `workspace_id` and drop `tenant_id`
//! (the seeds' option A). Not safe to paste: dropping the column loses data, and code that
//! reads `tenant_id` must change first. The workspace table itself, whose `tenant_id` says
//! which tenant owns the workspace, is not flagged.

use super::prelude::*;

pub struct DualTenantScope;

static META: RuleMeta = RuleMeta {
    id: "dual-tenant-scope",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Table has both workspace_id and tenant_id",
    counterparts: &[],
};

impl Rule for DualTenantScope {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let tenant_tables = cx.tenant_tables();
        for t in cx.user_tables() {
            if !(t.has_column("workspace_id") && t.has_column("tenant_id")) {
                continue;
            }
            // The workspace table's tenant_id is its owner, not a second scope.
            if tenant_tables.contains(&t.qualified_name()) || t.name == "workspaces" {
                continue;
            }
            let fix = Fix::review(
                vec![fix::drop_column(t, "tenant_id")],
                &[
                    "First compare the two columns: SELECT count(*) FILTER (WHERE workspace_id IS DISTINCT FROM tenant_id) ... and settle every mismatch.",
                    "Change code and policies that read tenant_id before dropping it; the drop loses that data.",
                ],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} is scoped by both workspace_id and tenant_id",
                        t.schema, t.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
