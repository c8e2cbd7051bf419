//! # security-definer-in-api
//!
//! ## What it finds
//! SECURITY DEFINER functions in an exposed schema that `anon` or `authenticated` may
//! execute (functions get EXECUTE for PUBLIC by default). Functions that belong to an
//! extension are left alone.
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
//! Move the function to a schema the API does not expose: pglens drafts `CREATE SCHEMA IF NOT
//! EXISTS private` and `ALTER FUNCTION ... SET SCHEMA private`. Policies that use it keep
//! working (they refer to the function itself, not its name); code that calls it by name
//! must use the new schema.
//!
//! ## Fix safety
//! Marked for review. Anything that calls the function by name breaks until it is updated:
//! API clients calling it as an RPC, other functions whose bodies name it, scheduled jobs.
//! Policies, triggers, views and column defaults keep working, as they hold the function
//! itself. The move fails if `private` already has a function with the same name and
//! arguments, and gains nothing if `private` is itself exposed. The function keeps its
//! owner, grants and SECURITY DEFINER; if clients must keep calling it as an endpoint, do not
//! move it: revoke EXECUTE from the roles that should not call it instead.
//!
//! Check first: search the application and other function bodies for the function's name.

use super::prelude::*;

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
        for f in &cx.catalog.functions {
            if !f.security_definer || f.extension.is_some() || !cx.is_exposed(&f.schema) {
                continue;
            }
            let callers: Vec<&str> = ["anon", "authenticated"]
                .into_iter()
                .filter(|r| cx.catalog.has_role(r) && grants_allow(&f.grants, r, "EXECUTE"))
                .collect();
            if callers.is_empty() {
                continue;
            }
            let fix = Fix::review(
                vec![fix::create_schema(PRIVATE_SCHEMA), fix::function_set_schema(f, PRIVATE_SCHEMA)],
                &["Policies using the function keep working; SQL and clients that call it by name must say private.<name>."],
            );
            out.push(
                META.finding(
                    ObjectRef::schema_object(
                        ObjectKind::Function,
                        &f.schema,
                        &format!("{}({})", f.name, f.identity_arguments),
                    ),
                    format!(
                        "{} can call SECURITY DEFINER function {}.{}({}) through the API",
                        callers.join(" and "),
                        f.schema,
                        f.name,
                        f.identity_arguments
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
