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
//! `ALTER FUNCTION ... SET search_path = public, extensions`: the schemas the function's
//! unqualified names resolve through today (the reading role's `search_path`, without
//! `"$user"`), so it keeps resolving them the same way whoever calls it. When the body
//! provably names nothing through the path (every table and function it uses is
//! schema-qualified, and no extension lives on the path), pglens pins `search_path = ''`
//! instead, the strictest form.
//!
//! ## Fix safety
//! Marked for review. The statement is instant and rewrites nothing, and the pinned path is
//! the one the function resolves with today for the role pglens read the database as. Two
//! things can still differ: a caller whose own `search_path` reached other schemas (the
//! function found objects there before and will not now), and a schema on the pinned path
//! where untrusted roles can create objects (revoke `CREATE` on it, or qualify the names
//! and pin `''`). Call the function once per branch after the change.

use super::prelude::*;
use crate::audit::search_path::SearchPaths;

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
        let paths = SearchPaths::new(cx.catalog);
        // Reading bodies parses them, which needs the parser's deep stack.
        crate::sql::parse::with_deep_stack(|| self.check_with(cx, &paths, out));
    }
}

impl SecurityDefinerMutableSearchPath {
    fn check_with(&self, cx: &Context<'_>, paths: &SearchPaths, out: &mut Vec<Finding>) {
        for f in &cx.catalog.functions {
            if !f.security_definer
                || f.pinned_search_path().is_some()
                || f.extension.is_some()
                || cx.is_managed_schema(&f.schema)
            {
                continue;
            }
            let path = paths.pin_for(f);
            let note = if path.is_empty() {
                "Every name in the body is schema-qualified, so the path is pinned empty; call the function once per branch after the change."
            } else {
                "The path pinned is the one the function resolves with today; callers whose own search_path reached other schemas lose them. Call the function once per branch after the change."
            };
            let fix = Fix::review(vec![fix::function_pin_search_path(f, &path)], &[note]);
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
