//! # tenant-fk-to-users
//!
//! ## What it finds
//! A single-column foreign key on a tenant column (`tenant_id`, `workspace_id`,
//! `organization_id`, `org_id`, `team_id`) that points at a users table (a table named
//! `users`, `profiles` or `user_profiles`, in any schema) instead of the tenants table.
//! `account_id` columns are left alone.
//!
//! ## Why it matters
//! A tenant is not a user. Rows end up owned by whichever user created them; when that user
//! leaves, a cascading key deletes the tenant's data, and policies comparing `tenant_id` with
//! `auth.uid()` silently turn a team into a single person.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id uuid PRIMARY KEY,
//!   team_id uuid NOT NULL REFERENCES auth.users(id));
//! ```
//!
//! ## Fix
//! Point the key at the tenants table: drop the constraint, map every user id to its tenant,
//! and add the new key `NOT VALID` before validating it. pglens drafts the drop and, when it
//! finds the tenants table (`teams` for `team_id`), the new key and its validation; the
//! mapping in between is yours to write.
//!
//! ## Fix safety
//! Marked for review: the mapping is application knowledge, and the draft does not contain
//! it. Run as drafted, the drop and the `NOT VALID` key succeed, `VALIDATE` fails on the old
//! user ids, and the new key already applies to new writes, so inserts that still carry a
//! user id are refused. Between the drop and the new key, rewrite every row's value from
//! its user's id to its tenant's id, and change the application and the policies that
//! compare the column with `auth.uid()` in the same release. The new key has no ON DELETE
//! action, whatever the old one had: add one if you want it. When pglens finds no tenants
//! table, the draft only drops the key, leaving the column unchecked: add the right key
//! yourself.

use super::prelude::*;
use crate::audit::context::TENANT_COLUMN_CANDIDATES;

pub struct TenantFkToUsers;

static META: RuleMeta = RuleMeta {
    id: "tenant-fk-to-users",
    severity: Severity::Warning,
    category: Category::Integrity,
    summary: "Tenant column references a users table",
    counterparts: &[],
};

fn is_users_table(name: &QualifiedName) -> bool {
    matches!(name.name.as_str(), "users" | "profiles" | "user_profiles")
}

impl Rule for TenantFkToUsers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for (c, fk) in t.foreign_keys() {
                let [column] = c.columns.as_slice() else {
                    continue;
                };
                if !TENANT_COLUMN_CANDIDATES.contains(&column.as_str())
                    || column == "account_id"
                    || !is_users_table(&fk.referenced_table)
                {
                    continue;
                }
                let tenants = column.strip_suffix("_id").and_then(|stem| {
                    cx.table_for_reference(column, &t.schema)
                        .filter(|r| r.name != "users" && r.name.starts_with(stem))
                });
                let mut statements = vec![fix::drop_constraint(t, &c.name)];
                if let Some(target) = tenants {
                    statements.push(fix::add_foreign_key(
                        t,
                        &c.name,
                        &[column],
                        &target.qualified_name(),
                        &["id"],
                    ));
                    statements.push(fix::validate_constraint(t, &c.name));
                }
                let fix = Fix::review(
                    statements,
                    &["Between dropping and re-adding the key, rewrite every row's value from its user's id to its tenant's id; VALIDATE fails until that is done."],
                );
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Constraint, &t.schema, &t.name, &c.name),
                        format!(
                            "{}.{}.{column} references {} instead of a tenants table",
                            t.schema, t.name, fk.referenced_table
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
