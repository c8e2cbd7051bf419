//! # security-definer-in-api
//!
//! ## What it finds
//! SECURITY DEFINER functions in an exposed schema that `anon` or `authenticated` may
//! execute (functions get EXECUTE for PUBLIC by default). Functions that belong to an
//! extension are left alone, and so are trigger functions: they cannot be called over the
//! API, only run as triggers. Critical when the body holds a key or token literal, or when
//! `anon` may call a function that changes data (`INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`);
//! information only for a read-only boolean check keyed on `auth.uid()` (`is_member(org)`),
//! which tells callers what they could read anyway.
//!
//! ## Why it matters
//! Every function in an exposed schema is an RPC endpoint. A SECURITY DEFINER function runs
//! with its owner's rights, bypassing row-level security, for whoever calls the endpoint.
//! Helpers used inside policies are the usual case: they need to exist, not to be callable.
//!
//! ## Example
//! ```sql
//! CREATE FUNCTION public.is_project_member(project uuid) RETURNS boolean
//!   LANGUAGE sql SECURITY DEFINER AS $$ ... $$;
//! ```
//!
//! ## Fix
//! Take the endpoint away. For a function no policy calls, pglens drafts `REVOKE EXECUTE ON
//! FUNCTION ... FROM PUBLIC, anon, authenticated`: it stays where it is, for the roles that
//! keep their own grants. A function a policy calls must stay executable by the roles the
//! policy applies to (the policy runs it as the caller), so pglens drafts moving it to a
//! schema the API does not expose instead: `CREATE SCHEMA IF NOT EXISTS private` and `ALTER
//! FUNCTION ... SET SCHEMA private`; the policies keep working, as they hold the function
//! itself, not its name.
//!
//! ## Fix safety
//! Marked for review either way.
//! - The revoke: API clients calling the function as an RPC get "permission denied"
//!   afterwards, and so do other roles that relied on the PUBLIC grant. Grant EXECUTE back
//!   to the roles that must call it. Triggers and other SECURITY DEFINER functions that call
//!   it as their owner are not affected.
//! - The move: anything that calls the function by name breaks until it is updated (API
//!   clients, other functions whose bodies name it, scheduled jobs). It fails if `private`
//!   already has a function with the same name and arguments, and gains nothing if `private`
//!   is itself exposed.
//!
//! Check first: search the application and other function bodies for the function's name.

use super::prelude::*;
use crate::sql::mentions::{functions_called, Mention};

/// Every function a policy expression calls, by `(schema if written, name)`.
fn called_in_policies(cx: &Context<'_>) -> Vec<Mention> {
    let texts: Vec<&str> = cx
        .catalog
        .relations
        .iter()
        .flat_map(|r| &r.policies)
        .flat_map(|p| [p.using.as_deref(), p.with_check.as_deref()])
        .flatten()
        .collect();
    crate::sql::parse::with_deep_stack(|| texts.iter().flat_map(|t| functions_called(t)).collect())
}

/// Whether a body carries a credential literal: a JWT (`eyJ...` with dots), a Stripe-style
/// secret key, or a PEM private key.
fn holds_secret(body: &str) -> bool {
    let jwt = body.match_indices("eyJ").any(|(i, _)| {
        let token: String = body[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        token.len() > 40 && token.matches('.').count() == 2
    });
    jwt || body.contains("sk_live_") || body.contains("-----BEGIN") && body.contains("PRIVATE KEY")
}

pub struct SecurityDefinerInApi;

static META: RuleMeta = RuleMeta {
    id: "security-definer-in-api",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "SECURITY DEFINER function callable through the API",
    counterparts: &[
        "splinter:0028_anon_security_definer_function_executable",
        "splinter:0029_authenticated_security_definer_function_executable",
    ],
};

/// Where pglens suggests keeping functions that must not be API endpoints.
const PRIVATE_SCHEMA: &str = "private";

impl Rule for SecurityDefinerInApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let in_policies = called_in_policies(cx);
        for f in &cx.catalog.functions {
            if !f.security_definer || f.extension.is_some() || !cx.is_exposed(&f.schema) {
                continue;
            }
            // A trigger function cannot be called over the API: it only runs as a trigger.
            if f.result == "trigger" || f.result == "event_trigger" {
                continue;
            }
            let callers: Vec<&str> = ["anon", "authenticated"]
                .into_iter()
                .filter(|r| cx.catalog.has_role(r) && grants_allow(&f.grants, r, "EXECUTE"))
                .collect();
            if callers.is_empty() {
                continue;
            }
            // A policy's helper must stay executable by the roles its policy applies to
            // (the policy runs it as them), so it moves out of the API's reach instead.
            let used_by_policy = in_policies.iter().any(|(schema, name)| {
                name == &f.name && schema.as_ref().is_none_or(|s| s == &f.schema)
            });
            let fix = if used_by_policy {
                Fix::review(
                    vec![fix::create_schema(PRIVATE_SCHEMA), fix::function_set_schema(f, PRIVATE_SCHEMA)],
                    &["A policy calls it, so EXECUTE stays: it moves out of the API instead. Policies keep working; SQL and clients that call it by name must say private.<name>.",
                      "Apply it after pglens's other drafts: those that restate a policy name it as public.<name> and fail once it has moved."],
                )
            } else {
                Fix::review(
                    vec![fix::revoke_execute(f, &["PUBLIC", "anon", "authenticated"])],
                    &["Clients calling it as an RPC get \"permission denied\" afterwards; grant EXECUTE back to the roles that must call it (service_role keeps its own grant on Supabase)."],
                )
            };
            let body = f.body.as_deref().unwrap_or_default();
            let (severity, what) = if holds_secret(body) {
                (
                    Severity::Critical,
                    ": its body holds a key or token literal",
                )
            } else if crate::sql::mentions::writes(body) {
                let anyone = callers.contains(&"anon");
                let severity = if anyone {
                    Severity::Critical
                } else {
                    Severity::Warning
                };
                (severity, ", and it changes data with its owner's rights")
            } else if f.result == "boolean" && body.contains("auth.uid()") {
                // A predicate about the caller (`is_member(org)` keyed on auth.uid()) tells
                // callers what they could read anyway.
                (
                    Severity::Info,
                    ": a read-only check keyed on the caller (auth.uid())",
                )
            } else {
                (META.severity, "")
            };
            out.push(
                META.finding(
                    ObjectRef::schema_object(ObjectKind::Function, &f.schema, &f.signature()),
                    format!(
                        "{} can call SECURITY DEFINER function {}.{}({}) through the API{what}",
                        callers.join(" and "),
                        f.schema,
                        f.name,
                        f.identity_arguments
                    ),
                )
                .with_severity(severity)
                .with_fix(fix),
            );
        }
    }
}
