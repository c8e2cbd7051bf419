//! # function-search-path-mutable
//!
//! ## What it finds
//! Ordinary (SECURITY INVOKER) functions and procedures that do not set `search_path` in
//! their definition, in the application's schemas (not extension members, not schemas the
//! platform manages). SECURITY DEFINER functions are security-definer-mutable-search-path's
//! business. A function used by a row-level security policy, an index expression or
//! predicate, a CHECK constraint or a generated column is reported on its own, as a
//! warning; the others are reported once per schema, as information, so that a schema of
//! two hundred helper functions reads as one line.
//!
//! ## Why it matters
//! Without a pinned path, an unqualified name in the body (`members`, `now()`, `=`) is
//! looked up through the search path of whoever is running it at the time. For a policy
//! that is each querying role; for an index or constraint it includes maintenance jobs,
//! `pg_dump`/restore (which runs with an empty path) and superusers with their own settings.
//! A role that can create objects in a schema earlier on someone's path can shadow a name
//! the function uses and have its code run inside a policy check; and an index whose
//! expression resolves differently on restore is built wrong, or the restore fails.
//!
//! ## Example
//! ```sql
//! CREATE FUNCTION public.is_member(team uuid) RETURNS boolean LANGUAGE sql STABLE
//!   AS $$ SELECT EXISTS (SELECT 1 FROM members WHERE team_id = team) $$;
//! CREATE POLICY read_team ON public.docs FOR SELECT USING (public.is_member(team_id));
//! ```
//!
//! ## Fix
//! `ALTER FUNCTION ... SET search_path = public, extensions`: the schemas its unqualified
//! names resolve through today (the reading role's `search_path`, without `"$user"`), or
//! `search_path = ''` when the body provably names nothing through the path.
//!
//! ## Fix safety
//! Marked for review. The statement is instant and rewrites nothing, and the pinned path is
//! the one the function resolves with today, so for the role pglens read the database as it
//! behaves the same. A caller whose own path reached other schemas loses them. A `SET`
//! clause also stops the planner from inlining a SQL function into the query that calls it
//! (a policy helper evaluated per row gets slower), so measure a hot policy after the change.
//! The grouped finding lists one statement per function: review them together, as one
//! migration.

use super::prelude::*;
use crate::audit::search_path::{used_by_schema_objects, SearchPaths};
use crate::model::{Function, FunctionKind};

pub struct FunctionSearchPathMutable;

static META: RuleMeta = RuleMeta {
    id: "function-search-path-mutable",
    severity: Severity::Info,
    category: Category::Security,
    summary: "Function without a pinned search_path",
    counterparts: &["splinter:0011_function_search_path_mutable"],
};

const NOTE: &str = "The path pinned is the one each function resolves with today; a SET clause also stops a SQL function from being inlined, so measure hot policies after the change.";

impl Rule for FunctionSearchPathMutable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        crate::sql::parse::with_deep_stack(|| check_here(cx, out));
    }
}

fn check_here(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let paths = SearchPaths::new(cx.catalog);
    let used = used_by_schema_objects(cx.catalog);
    let mut by_schema: std::collections::BTreeMap<&str, Vec<&Function>> = Default::default();
    for f in &cx.catalog.functions {
        let candidate = !f.security_definer
            && matches!(f.kind, FunctionKind::Function | FunctionKind::Procedure)
            && f.pinned_search_path().is_none()
            && f.extension.is_none()
            && f.language != "c"
            && f.language != "internal"
            && !cx.is_managed_schema(&f.schema);
        if !candidate {
            continue;
        }
        let Some(place) = used.get(&f.name) else {
            by_schema.entry(&f.schema).or_default().push(f);
            continue;
        };
        out.push(
            META.finding(
                ObjectRef::schema_object(ObjectKind::Function, &f.schema, &f.signature()),
                format!(
                    "{} is used by {place} and resolves names through the search_path of whoever runs it",
                    f.signature()
                ),
            )
            .with_severity(Severity::Warning)
            .with_fix(Fix::review(
                vec![fix::function_pin_search_path(f, &paths.pin_for(f))],
                &[NOTE],
            )),
        );
    }
    for (schema, functions) in by_schema {
        let shown = crate::text::first_and_more(functions.iter().map(|f| f.signature()), 5);
        out.push(
            META.finding(
                ObjectRef::schema(Some(schema)),
                format!(
                    "{} in {schema} {} names through the caller's search_path: {shown}",
                    if functions.len() == 1 {
                        "1 function".to_string()
                    } else {
                        format!("{} functions", functions.len())
                    },
                    if functions.len() == 1 {
                        "resolves"
                    } else {
                        "resolve"
                    },
                ),
            )
            .with_fix(Fix::review(
                functions
                    .iter()
                    .map(|f| fix::function_pin_search_path(f, &paths.pin_for(f)))
                    .collect(),
                &[NOTE],
            )),
        );
    }
}
