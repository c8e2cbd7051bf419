//! # outdated-extension
//!
//! ## What it finds
//! Extensions whose installed version is older than the version the server ships.
//!
//! ## Why it matters
//! The server's binaries were upgraded but the extension's SQL objects were not: fixes and
//! security patches in the newer extension script are missing, and some functions may not
//! match the library underneath.
//!
//! ## Example
//! `pg_trgm` installed at 1.5 on a server whose default is 1.6.
//!
//! ## Fix
//! `ALTER EXTENSION ... UPDATE`. Read the extension's release notes first: updates can
//! change behaviour and take locks.

use super::prelude::*;

pub struct OutdatedExtension;

static META: RuleMeta = RuleMeta {
    id: "outdated-extension",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "Extension older than the version the server ships",
    counterparts: &["splinter:0022_extension_versions_outdated"],
};

impl Rule for OutdatedExtension {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for e in &cx.catalog.extensions {
            let Some(default) = &e.default_version else {
                continue;
            };
            if default == &e.installed_version {
                continue;
            }
            out.push(
                META.finding(
                    ObjectRef { kind: ObjectKind::Extension, schema: None, table: None, name: Some(e.name.clone()) },
                    format!("extension {} is at {}; the server ships {default}", e.name, e.installed_version),
                )
                .with_fix(Fix::review(
                    vec![fix::extension_update(&e.name)],
                    &["Read the extension's release notes: an update can change behaviour and take locks."],
                )),
            );
        }
    }
}
