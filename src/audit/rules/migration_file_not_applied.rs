//! # migration-file-not-applied
//!
//! ## What it finds
//! `.sql` files in a Supabase project's `supabase/migrations` folder whose names the Supabase CLI
//! does not take as migrations: anything but `<version>_<name>.sql`, where the version is digits
//! (`20240101120000_create_notes.sql`). `notes.sql`, `V2__notes.sql` or `2024-01-01_notes.sql` are
//! skipped by `supabase db push`, `supabase db reset` and `supabase start`, with only a line in
//! their output to say so. pglens skips them too, so its model is the database the CLI builds.
//!
//! ## Why it matters
//! The file was written to change the schema, and it never does: its tables, policies and grants
//! exist on the author's machine (who ran it by hand, or had it named differently) and nowhere
//! else. Policies a reviewer reads in it protect nothing.
//!
//! ## Example
//! ```text
//! supabase/migrations/20240101120000_init.sql
//! supabase/migrations/add_rls.sql        -- never applied
//! ```
//!
//! ## Fix
//! Rename the file with a version after the last applied one: `supabase migration new add_rls`
//! makes the name, then move the file's statements into it. Or delete it if its changes were made
//! another way.
//!
//! ## Fix safety
//! No SQL is drafted: the file has to be renamed. Once named, it runs on the next `db push` against
//! every database, including production: read it as a new migration, since it has never been
//! applied anywhere the CLI manages.

use super::migration_support::migrations;
use super::prelude::*;
use crate::model::Location;

pub struct MigrationFileNotApplied;

static META: RuleMeta = RuleMeta {
    id: "migration-file-not-applied",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "File in supabase/migrations that the Supabase CLI never applies",
    counterparts: &[],
};

impl Rule for MigrationFileNotApplied {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        for file in &m.unapplied_files {
            let at = Location {
                file: file.clone(),
                line: 1,
            };
            out.push(
                META.finding(
                    ObjectRef::migration(&at),
                    "the Supabase CLI skips this file: its name is not <version>_<name>.sql, so \
                 nothing in it is applied (pglens skipped it too)"
                        .to_string(),
                ),
            );
        }
    }
}
