//! # truncate-granted-to-api-roles
//!
//! ## What it finds
//! `TRUNCATE` held by the API roles `anon` or `authenticated`: on tables of a schema the
//! API exposes (one finding per schema), and in default privileges that give it to every
//! table created later (one finding per role and schema they apply to). Supabase's own
//! platform role (`supabase_admin`) is left alone: a project cannot change its defaults.
//!
//! ## Why it matters
//! Row-level security filters `SELECT`, `INSERT`, `UPDATE` and `DELETE`, never `TRUNCATE`:
//! a role that holds it can empty the table whatever the policies say. The HTTP API never
//! sends `TRUNCATE`, so the grant is unused by the app, but any path that runs SQL as these
//! roles (an invoker function that builds a statement, a leaked direct connection as
//! `authenticated`) can wipe a table. `GRANT ALL`, in a migration or in Supabase's default
//! privileges for `public`, is how it usually arrives.
//!
//! ## Example
//! ```sql
//! ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated;
//! ```
//!
//! ## Fix
//! `REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM anon, authenticated` for the tables
//! there now, and `ALTER DEFAULT PRIVILEGES [FOR ROLE owner] IN SCHEMA public REVOKE
//! TRUNCATE ON TABLES FROM anon, authenticated` for those created later.
//!
//! ## Fix safety
//! The `REVOKE` on existing tables is marked safe to paste: it changes no data, cannot
//! fail (on a table the running role does not own it only warns), and nothing the API does
//! needs `TRUNCATE`. The default-privileges change is marked for review: it must run as the
//! role named in `FOR ROLE` or a member of it, or PostgreSQL refuses it, and tables created
//! before it keep their grant (the first statement covers those).

use super::prelude::*;
use crate::model::{by_scope, DefaultObjects};

pub struct TruncateGrantedToApiRoles;

static META: RuleMeta = RuleMeta {
    id: "truncate-granted-to-api-roles",
    severity: Severity::Info,
    category: Category::Security,
    summary: "API roles hold TRUNCATE, which row-level security does not filter",
    counterparts: &[],
};

/// The API roles that should never empty a table.
const API_CLIENTS: [&str; 2] = ["anon", "authenticated"];

/// The platform's own role, whose default privileges a project cannot change.
const PLATFORM_ROLE: &str = "supabase_admin";

impl Rule for TruncateGrantedToApiRoles {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for schema in &cx.exposed_schemas {
            // Partitions count: the REVOKE covers them, and each can be truncated alone.
            let tables: Vec<&Relation> = cx
                .user_relations()
                .filter(|t| t.kind.is_table())
                .filter(|t| &t.schema == schema && holders(&t.grants).next().is_some())
                .collect();
            let Some(first) = tables.first() else {
                continue;
            };
            let mut roles: Vec<&str> = tables.iter().flat_map(|t| holders(&t.grants)).collect();
            roles.sort_unstable();
            roles.dedup();
            let names = crate::text::first_and_more(tables.iter().map(|t| t.name.as_str()), 5);
            out.push(
                META.finding(
                    ObjectRef::schema(Some(schema)),
                    format!(
                        "{} can TRUNCATE {} table{} in {schema} ({names}), bypassing row-level security",
                        roles.join(" and "),
                        tables.len(),
                        if tables.len() == 1 { "" } else { "s" },
                    ),
                )
                .with_fix(Fix::safe(vec![fix::revoke_on_all_tables(
                    &first.schema,
                    &["TRUNCATE"],
                    &roles,
                )])),
            );
        }
        let truncating = cx.catalog.default_privileges.iter().filter(|d| {
            d.objects == DefaultObjects::Tables
                && API_CLIENTS.contains(&d.grantee.as_str())
                && d.privileges.iter().any(|p| p == "TRUNCATE")
                && d.role != PLATFORM_ROLE
        });
        for ((role, schema), entries) in by_scope(truncating) {
            let grantees: Vec<&str> = entries.iter().map(|d| d.grantee.as_str()).collect();
            let scope = schema.unwrap_or("every schema");
            let owner = crate::model::creator(role);
            out.push(
                META.finding(
                    ObjectRef::schema(schema),
                    format!(
                        "default privileges give {} TRUNCATE on every table {owner} creates in {scope}",
                        grantees.join(" and ")
                    ),
                )
                .distinguished_by(&format!("default:{role}"))
                .with_fix(Fix::review(
                    vec![fix::revoke_default(entries[0], &["TRUNCATE"], &grantees)],
                    &["Run it as the role it names (FOR ROLE) or a member of it; tables created before keep their grant."],
                )),
            );
        }
    }
}

/// The API client roles a table's grants give TRUNCATE to directly.
fn holders(grants: &[crate::model::Grant]) -> impl Iterator<Item = &str> {
    grants
        .iter()
        .filter(|g| API_CLIENTS.contains(&g.grantee.as_str()))
        .filter(|g| g.privileges.iter().any(|p| p == "TRUNCATE"))
        .map(|g| g.grantee.as_str())
}
