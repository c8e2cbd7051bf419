//! # missing-tenant-column
//!
//! ## What it finds
//! Tables without the tenant column (the one most tables use, such as `workspace_id`) whose
//! foreign-key parent is scoped by it (the parent's column references the tenant table): a
//! child row that cannot say which tenant it belongs to.
//!
//! ## Why it matters
//! Row-level security on the child then needs a join to the parent on every row, or is
//! skipped and the table leaks across tenants. The seeds' `asset_approvals` is the case.
//!
//! ## Example
//! ```sql
//! CREATE TABLE assets (id uuid PRIMARY KEY, workspace_id uuid NOT NULL REFERENCES workspaces);
//! CREATE TABLE asset_approvals (id uuid PRIMARY KEY, asset_id uuid REFERENCES assets);
//! ```
//!
//! ## Fix
//! Add the column (referencing the same tenant table as the parent's), backfill it from the
//! parent, make it NOT NULL, and index it. The backfill must run before SET NOT NULL; rows
//! without a parent stay NULL and make SET NOT NULL fail, which is the point.

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
