//! # missing-tenant-column
//!
//! ## What it finds
//! Tables without the tenant column whose foreign-key parent is scoped by it (the parent's tenant
//! column references the tenant table): child rows that cannot say which tenant they belong to. The
//! tenant column is the one of `workspace_id`, `tenant_id`, `organization_id`, `org_id`,
//! `account_id` and `team_id` that most tables have (at least two). The tenant table itself is not
//! reported, and a parent whose tenant column has no foreign key to the tenant table does not
//! count.
//!
//! ## Why it matters
//! Row-level security on the child then needs a join to the parent on every row, or is skipped and
//! the table leaks across tenants: a member of one tenant can read or change another tenant's rows
//! through it.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id uuid PRIMARY KEY, workspace_id uuid NOT NULL REFERENCES workspaces);
//! CREATE TABLE tasks (id uuid PRIMARY KEY, project_id uuid REFERENCES projects);
//! -- tasks is reported: it has no workspace_id, though its parent projects has one
//! ```
//!
//! ## Fix
//! Add the column, with the parent's type and referencing the same tenant table (with the same
//! `ON DELETE` action); backfill it from the parent through the foreign key; make it NOT NULL; and
//! index it. pglens drafts these four statements. Then add row-level security policies that use the
//! new column.
//!
//! ## Fix safety
//! pglens marks this fix for review: it changes every row, and inserts must supply the new column
//! afterwards.
//! - Rows whose parent key is NULL or points nowhere keep a NULL tenant, and `SET NOT NULL` then
//!   fails, which is the point: settle those rows first.
//! - After `SET NOT NULL`, every insert into the table must supply the tenant column. Change the
//!   application (or add a trigger that copies it from the parent) before that step, or inserts
//!   fail.
//! - Rows inserted between the backfill and `SET NOT NULL` have no tenant: run the backfill again
//!   right before it.
//! - The backfill is one `UPDATE` of every row: on a large table it runs long, locks rows, fires
//!   update triggers and bloats the table. Batch it there.
//! - `SET NOT NULL` reads the whole table under an exclusive lock, blocking reads and writes while
//!   it runs. Adding a column that references the tenant table also locks that table for a moment.
//! - `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block: run it on its own.
//! - The column protects nothing until policies use it.

use super::prelude::*;

pub struct MissingTenantColumn;

static META: RuleMeta = RuleMeta {
    id: "missing-tenant-column",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Table lacks the tenant column its foreign-key parent has",
    counterparts: &[],
};

impl Rule for MissingTenantColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(tenant) = cx.tenant_column else {
            return;
        };
        let tenant_tables = cx.tenant_tables();
        for t in cx.user_tables() {
            if t.has_column(tenant) || tenant_tables.contains(&t.qualified_name()) {
                continue;
            }
            // The first parent (by constraint name) whose tenant column really scopes it: a
            // foreign key to a tenant table. A text `workspace_id` with no key is no scope.
            let parent = t.foreign_keys().find_map(|(c, fk)| {
                let p = cx.relation(&fk.referenced_table)?;
                let col = p.column(tenant)?;
                let scoped = p.foreign_keys().any(|(pc, pfk)| {
                    pc.columns.len() == 1
                        && pc.columns[0] == tenant
                        && tenant_tables.contains(&pfk.referenced_table)
                });
                scoped.then_some((c, fk, p, col))
            });
            let Some((_, fk, parent, parent_col)) = parent else {
                continue;
            };
            // Where the parent's tenant column points, so the new one points there too.
            let target = parent
                .foreign_keys()
                .find(|(c, _)| c.columns.len() == 1 && c.columns[0] == tenant)
                .map(|(_, pfk)| pfk);
            let references = target.and_then(|pfk| {
                Some((
                    &pfk.referenced_table,
                    pfk.referenced_columns.first()?.as_str(),
                    pfk.on_delete,
                ))
            });
            let child_keys: Vec<String> = t
                .foreign_keys()
                .find(|(_, f)| f.referenced_table == fk.referenced_table)
                .map(|(c, _)| c.columns.clone())
                .unwrap_or_default();
            let fix = Fix::review(
                vec![
                    fix::add_column(t, tenant, &parent_col.data_type, references),
                    fix::backfill_from_parent(
                        t,
                        tenant,
                        &parent.qualified_name(),
                        tenant,
                        &child_keys,
                        &fk.referenced_columns,
                    ),
                    fix::set_not_null(t, tenant),
                    fix::create_index(t, &fix::index_name(t, &[tenant]), "btree", &[fix::KeySpec::asc(tenant)]),
                ],
                &["Backfill before SET NOT NULL: rows whose parent is missing keep NULL and make it fail; settle them first.",
                  "Then add row-level security on the new column.",
                  "CREATE INDEX CONCURRENTLY cannot run inside a transaction block."],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} has no {tenant} though its parent {}.{} does",
                        t.schema, t.name, parent.schema, parent.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
