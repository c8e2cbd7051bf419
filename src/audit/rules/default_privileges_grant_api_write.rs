//! # default-privileges-grant-api-write
//!
//! ## What it finds
//! Default privileges (`ALTER DEFAULT PRIVILEGES`) that give the API roles `anon` or
//! `authenticated` `INSERT`, `UPDATE` or `DELETE` on every table created later, in a
//! database that is not a Supabase project. On Supabase these defaults are the platform's
//! design (row-level security is what holds the API roles back, and
//! rls-disabled-in-exposed-schema reports a table that lacks it), so they are not reported
//! there; `TRUNCATE`, which row-level security does not filter, is reported everywhere by
//! truncate-granted-to-api-roles.
//!
//! ## Why it matters
//! With such a default, a new table is writable through the HTTP API (PostgREST) the moment
//! it is created, before anyone has decided who may write it. A table created without
//! row-level security, a staging table, a table meant for a back-office job: all of them
//! open to any client, the anonymous one included.
//!
//! ## Example
//! ```sql
//! ALTER DEFAULT PRIVILEGES IN SCHEMA api GRANT INSERT, UPDATE, DELETE ON TABLES TO anon;
//! ```
//!
//! ## Fix
//! Revoke the write privileges from the defaults and grant them table by table, in the
//! migration that creates each table together with its policies.
//!
//! ## Fix safety
//! Marked for review. It changes no data and no existing table (those keep their grants),
//! but it must run as the role named in `FOR ROLE` or a member of it, and migrations that
//! relied on the default must then grant explicitly, or the API can no longer write to the
//! tables they create.

use super::prelude::*;
use crate::model::{by_scope, DefaultObjects, DefaultPrivilege};

pub struct DefaultPrivilegesGrantApiWrite;

static META: RuleMeta = RuleMeta {
    id: "default-privileges-grant-api-write",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "Default privileges let the API write to every new table",
    counterparts: &[],
};

const WRITES: [&str; 3] = ["DELETE", "INSERT", "UPDATE"];

impl Rule for DefaultPrivilegesGrantApiWrite {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.supabase {
            return;
        }
        let to_clients = cx.catalog.default_privileges.iter().filter(|d| {
            d.objects == DefaultObjects::Tables
                && matches!(d.grantee.as_str(), "anon" | "authenticated")
                && d.privileges.iter().any(|p| WRITES.contains(&p.as_str()))
        });
        for ((role, schema), entries) in by_scope(to_clients) {
            let entries: Vec<(&DefaultPrivilege, Vec<&str>)> = entries
                .into_iter()
                .map(|d| {
                    (
                        d,
                        WRITES
                            .into_iter()
                            .filter(|w| d.privileges.iter().any(|p| p == w))
                            .collect(),
                    )
                })
                .collect();
            let who: Vec<String> = entries
                .iter()
                .map(|(d, w)| format!("{} ({})", d.grantee, w.join(", ")))
                .collect();
            let owner = crate::model::creator(role);
            out.push(
                META.finding(
                    ObjectRef::schema(schema),
                    format!(
                        "every table {owner} creates in {} is writable through the API by {}",
                        schema.unwrap_or("any schema"),
                        who.join(" and ")
                    ),
                )
                .distinguished_by(&format!("default:{role}"))
                .with_fix(Fix::review(
                    entries
                        .iter()
                        .map(|(d, w)| fix::revoke_default(d, w, &[&d.grantee]))
                        .collect(),
                    &["Run it as the role it names (FOR ROLE) or a member of it; migrations that relied on the default must then grant on each new table."],
                )),
            );
        }
    }
}
