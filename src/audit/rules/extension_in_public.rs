//! # extension-in-public
//!
//! ## What it finds
//! Extensions installed into the `public` schema.
//!
//! ## Why it matters
//! Their functions and operators land in the schema the API exposes and that every role
//! searches first, cluttering it and turning extension functions into RPC endpoints.
//!
//! ## Example
//! ```sql
//! CREATE EXTENSION pg_trgm;   -- into public by default
//! ```
//!
//! ## Fix
//! Move it to an `extensions` schema (`ALTER EXTENSION ... SET SCHEMA`), for relocatable
//! extensions. Indexes using its operator classes keep working; SQL that names its functions
//! unqualified needs `extensions` on the search_path.

use super::prelude::*;

pub struct ExtensionInPublic;

static META: RuleMeta = RuleMeta {
    id: "extension-in-public",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "Extension installed in the public schema",
    counterparts: &["splinter:0014_extension_in_public"],
};

impl Rule for ExtensionInPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for e in &cx.catalog.extensions {
            if e.schema != "public" || e.name == "plpgsql" {
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
                finding = finding.with_fix(Fix::review(
                    vec![
                        fix::create_schema("extensions"),
                        fix::extension_set_schema(&e.name, "extensions"),
                    ],
                    &["Unqualified calls to its functions need extensions on the search_path."],
                ));
            }
            out.push(finding);
        }
    }
}
