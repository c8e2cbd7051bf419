//! # outdated-extension
//!
//! ## What it finds
//! Extensions whose installed version differs from the default version the server's extension files
//! provide, normally because it is older. Extensions without a default version on the server are
//! skipped.
//!
//! ## Why it matters
//! The server's binaries were upgraded but the extension's SQL objects were not: fixes and security
//! patches in the newer extension script are missing, and some functions may not match the library
//! underneath.
//!
//! ## Example
//! `pg_trgm` installed at 1.5 on a server whose default is 1.6. To list them:
//! ```sql
//! SELECT name, installed_version, default_version FROM pg_available_extensions
//! WHERE installed_version IS NOT NULL AND installed_version <> default_version;
//! ```
//!
//! ## Fix
//! `ALTER EXTENSION ... UPDATE`, which pglens drafts: it moves the extension to the server's
//! default version.
//!
//! ## Fix safety
//! pglens marks this fix for review: an update runs the extension's upgrade scripts.
//! - Read the release notes of every version in between: functions can change behaviour or
//!   signature, and code that calls them may need to change.
//! - The scripts can take strong locks on the extension's objects and on tables that use them, and
//!   some rebuild things, so they can run long.
//! - There is usually no way back, since extensions rarely ship downgrade scripts: try the update
//!   on a copy of the database first.
//! - It fails when the extension ships no update path from the installed version.
//! - On a managed platform, the provider may update some extensions itself: check its documentation
//!   first.

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
