//! # dual-tenant-scope
//!
//! ## What it finds
//! Tables that carry both `workspace_id` and `tenant_id`: two columns that each claim to scope the
//! row. The workspace table itself is not flagged (a table that tenant columns point at, or one
//! named `workspaces`): its `tenant_id` says which tenant owns the workspace, not a second scope.
//!
//! ## Why it matters
//! Queries, policies and indexes pick one column or the other, and the two drift apart: a row can
//! be visible through one scope and not the other, which is how tenant data leaks. Every policy and
//! composite index has to be written twice.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (
//!   id           uuid PRIMARY KEY,
//!   workspace_id uuid REFERENCES workspaces,
//!   tenant_id    uuid,   -- a second scope
//!   name         text
//! );
//! ```
//!
//! ## Fix
//! Settle on one scope column. pglens drafts keeping `workspace_id` and dropping `tenant_id` (if
//! `tenant_id` is the one to keep, write the drop the other way). Before the drop, compare the two
//! columns on every row (directly, `workspace_id IS DISTINCT FROM tenant_id`, when they hold the
//! same ids; through the workspace's own `tenant_id` when they do not), settle each mismatch, and
//! move queries, policies and indexes that use `tenant_id` over to `workspace_id`.
//!
//! ## Fix safety
//! pglens marks this fix for review: `ALTER TABLE ... DROP COLUMN IF EXISTS tenant_id` destroys
//! data.
//! - The column's values are gone for good, and pglens drafts no backup: copy them out first if you
//!   may need them.
//! - Code that reads or writes `tenant_id` fails once it is gone: deploy the code change first.
//! - Views and policies that use the column make the drop fail; indexes and constraints on it,
//!   composite indexes such as `(tenant_id, status)` included, are dropped with it.
//! - The drop is quick but takes an exclusive lock on the table: it waits behind running queries
//!   and blocks others while it waits.

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
