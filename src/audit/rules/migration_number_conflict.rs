//! # migration-number-conflict
//!
//! ## What it finds
//! Two migration files whose names start with the same number (`007_add_oauth.sql` and
//! `007_fix_rls.sql`; `7_` and `007_` count as the same), in one folder or across the folders given
//! together. Each later file is reported against the first; files whose names do not start with a
//! number are ignored.
//!
//! ## Why it matters
//! Migration tools order by number; with a tie the order depends on the tool, the file system or
//! the alphabet, and some tools record only the number as applied, so the second file never runs.
//!
//! ## Example
//! ```text
//! supabase/migrations/007_oauth.sql
//! server/migrations/007_rls.sql
//! ```
//!
//! ## Fix
//! Renumber one of them, after checking which one production has applied. No SQL is drafted.
//!
//! ## Fix safety
//! No fix is drafted: which file to renumber depends on what your databases have applied.
//! - Look in the migration tool's record of applied migrations (for example
//!   `supabase_migrations.schema_migrations`) on each database before renaming anything.
//! - Renumber the file that has not been applied. Renaming an applied file can make the tool run it
//!   again, or refuse to go on.
//! - If the tool recorded the number and skipped the second file, that file never ran: apply what
//!   it does, then renumber it.

use std::collections::BTreeMap;
use std::path::Path;

use super::migration_support::migrations;
use super::prelude::*;
use crate::model::Location;

pub struct MigrationNumberConflict;

static META: RuleMeta = RuleMeta {
    id: "migration-number-conflict",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "Two migration files share a number",
    counterparts: &[],
};

/// The leading number of a file name, as a number (`007` and `7` are the same).
fn number(file: &str) -> Option<u128> {
    let name = Path::new(file).file_name()?.to_string_lossy().into_owned();
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl Rule for MigrationNumberConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        let mut by_number: BTreeMap<u128, Vec<&String>> = BTreeMap::new();
        for f in &m.files {
            if let Some(n) = number(f) {
                by_number.entry(n).or_default().push(f);
            }
        }
        for files in by_number.values().filter(|f| f.len() > 1) {
            for later in &files[1..] {
                out.push(META.finding(
                    ObjectRef::migration(&Location {
                        file: (*later).clone(),
                        line: 1,
                    }),
                    format!("{later} has the same number as {}", files[0]),
                ));
            }
        }
    }
}
