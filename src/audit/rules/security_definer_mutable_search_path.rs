//! # security-definer-mutable-search-path
//!
//! ## What it finds
//! SECURITY DEFINER functions that do not set `search_path` in their definition (any
//! `SET search_path` counts, whatever its value). Functions that belong to an extension or
//! live in a schema the platform manages (such as Supabase's `auth` and `storage`) are left
//! alone.
//!
//! ## Why it matters
//! Such a function runs with its owner's rights but resolves unqualified names through the
//! caller's `search_path`. A caller who can create objects in any schema on that path can
//! shadow a table or operator the function uses and run code as the owner.
//!
//! ## Example
//! ```sql
//! CREATE FUNCTION public.is_project_member(project uuid) RETURNS boolean
//!   LANGUAGE sql SECURITY DEFINER AS $$ ... $$;
//! ```
//!
//! ## Fix
//! `ALTER FUNCTION ... SET search_path = ''`. Every name in the body must then be
//! schema-qualified (`public.members`); built-ins from `pg_catalog`, such as `now()`, still
//! resolve.
//!
//! ## Fix safety
//! Marked for review. The statement itself is instant and rewrites nothing; the risk is in
//! the body. With an empty search_path, every table, function, type and operator outside
//! `pg_catalog` must be schema-qualified (`public.members`, `extensions.uuid_generate_v4()`).
//! Names are resolved when the function runs, not when the ALTER runs, so an unqualified one
//! fails with "does not exist" the next time its code path executes.
//!
//! Check first: read the body, qualify every name it uses, and call the function once per
//! branch after the change. If the function needs a search path, pin a fixed list of schemas
//! that only trusted roles can create objects in rather than leaving it open.

use super::prelude::*;

pub struct SecurityDefinerMutableSearchPath;

static META: RuleMeta = RuleMeta {
    id: "security-definer-mutable-search-path",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "SECURITY DEFINER function without a pinned search_path",
    counterparts: &["splinter:0011_function_search_path_mutable"],
};

impl Rule for SecurityDefinerMutableSearchPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for f in &cx.catalog.functions {
            if !f.security_definer
                || f.pinned_search_path().is_some()
                || f.extension.is_some()
                || cx.is_managed_schema(&f.schema)
            {
                continue;
            }
            let fix = Fix::review(
                vec![fix::function_pin_search_path(f)],
                &["With an empty search_path every name in the body must be schema-qualified; check the body first."],
            );
            out.push(
                META.finding(
                    ObjectRef::schema_object(ObjectKind::Function, &f.schema, &f.signature()),
                    format!(
                        "SECURITY DEFINER function {}.{}({}) resolves names through the caller's search_path",
                        f.schema, f.name, f.identity_arguments
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
