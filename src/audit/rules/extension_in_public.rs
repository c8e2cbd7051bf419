//! # extension-in-public
//!
//! ## What it finds
//! Extensions installed into the `public` schema, where the API exposes `public` (`plpgsql` is
//! left alone).
//!
//! ## Why it matters
//! Their functions and operators land in the schema the API exposes and that every role searches
//! first, cluttering it and turning extension functions into RPC endpoints.
//!
//! ## Example
//! ```sql
//! CREATE EXTENSION pg_trgm;   -- into public by default
//! ```
//!
//! ## Fix
//! Move the extension to a schema of its own. For an extension that can be relocated, pglens drafts
//! `CREATE SCHEMA IF NOT EXISTS extensions` and `ALTER EXTENSION ... SET SCHEMA extensions`. An
//! extension that cannot be relocated gets no draft: it has to be dropped and created again in the
//! new schema (`CREATE EXTENSION ... SCHEMA extensions`).
//!
//! ## Fix safety
//! pglens marks this fix for review: moving the extension changes how its functions are found by
//! name.
//! - Indexes, column defaults and views that use its types, operators or functions keep working:
//!   they refer to them directly, not by name.
//! - Function bodies and application SQL that call its functions unqualified (`similarity(a, b)`)
//!   stop finding them, and so do functions that pin their `search_path` to `public` and
//!   bodies that write `public.similarity(...)`. The fix's notes list the application's
//!   functions whose bodies call the extension's functions by name. Add
//!   `extensions` to the search_path of the roles and functions concerned, or qualify the calls.
//! - Roles that call its functions need `USAGE` on the new schema
//!   (`GRANT USAGE ON SCHEMA extensions TO ...`), unless the schema already exists with those
//!   grants.
//! - For an extension that cannot be relocated, no fix is drafted. Dropping it with `CASCADE` also
//!   drops what depends on it (indexes, and columns of its types, with their data): plan that move
//!   with care.

use super::prelude::*;

pub struct ExtensionInPublic;

static META: RuleMeta = RuleMeta {
    id: "extension-in-public",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "Extension installed in the public schema",
    counterparts: &["splinter:0014_extension_in_public"],
};

/// The application's functions whose bodies name one of the extension's functions (bare
/// or as `public.name`): they resolve it by name, so moving the extension breaks them.
fn callers_by_name(cx: &Context<'_>, extension: &str) -> Vec<String> {
    let members: std::collections::BTreeSet<String> = cx
        .catalog
        .functions
        .iter()
        .filter(|f| f.extension.as_deref() == Some(extension))
        .map(|f| f.name.to_lowercase())
        .collect();
    if members.is_empty() {
        return Vec::new();
    }
    cx.catalog
        .functions
        .iter()
        .filter(|f| f.extension.is_none() && !cx.is_managed_schema(&f.schema))
        .filter(|f| {
            f.body.as_deref().is_some_and(|body| {
                let lower = body.to_lowercase();
                crate::sql::mentions::bare_names(body)
                    .iter()
                    .any(|n| members.contains(n))
                    || members
                        .iter()
                        .any(|m| lower.contains(&format!("public.{m}(")))
            })
        })
        .map(|f| format!("{}.{}", f.schema, f.signature()))
        .collect()
}

impl Rule for ExtensionInPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for e in &cx.catalog.extensions {
            // Only where the API exposes public: elsewhere its functions are no endpoint.
            if e.schema != "public" || e.name == "plpgsql" || !cx.is_exposed("public") {
                continue;
            }
            let mut finding = META.finding(
                ObjectRef {
                    kind: ObjectKind::Extension,
                    schema: None,
                    table: None,
                    name: Some(e.name.clone()),
                },
                format!("extension {} is installed in public", e.name),
            );
            if e.relocatable {
                let mut fix = Fix::review(
                    vec![
                        fix::create_schema("extensions"),
                        fix::extension_set_schema(&e.name, "extensions"),
                    ],
                    &["Unqualified calls to its functions need extensions on the search_path."],
                );
                let callers = callers_by_name(cx, &e.name);
                if !callers.is_empty() {
                    fix = fix.note(format!(
                        "These functions call its functions by name and stop finding them once it moves, unless extensions is on their search_path: {}.",
                        callers.join(", ")
                    ));
                }
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}
