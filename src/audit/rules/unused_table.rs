//! # unused-table
//!
//! ## What it finds
//! Tables that have not been read (no index scan, and no sequential scan beyond the one each
//! index build makes) nor written (no insert, update or delete) since statistics were last
//! reset. The finding says how long that is, so "never used" after yesterday's reset is not
//! mistaken for "never used in a year". Tables without statistics (snapshots taken without
//! them, offline sources) are left alone, and so are partitioned tables and partitions.
//!
//! ## Why it matters
//! Unused tables are often left over from features that were removed or replaced, and are
//! the easiest thing a cleanup can remove. Each one still costs backups, migrations,
//! policies to maintain, and a reader's attention.
//!
//! ## Example
//! ```text
//! public.legacy_exports: no scans and no writes in the 120 days since statistics were reset;
//! no references in 1204 files of code
//! ```
//!
//! ## Fix
//! Back it up into the `pglens_backup` schema (outside the API), then drop it. pglens
//! drafts, as one transaction:
//!
//! ```sql
//! CREATE SCHEMA IF NOT EXISTS pglens_backup;
//! CREATE TABLE pglens_backup."public.legacy_exports" AS TABLE public.legacy_exports;
//! DROP TABLE IF EXISTS public.legacy_exports;
//! ```
//!
//! ## Fix safety
//! No fix while statistics cover less than a week (since the last reset, or since the
//! server started when they were never reset): the finding says it is too soon to be
//! sure, and proposes nothing to run.
//!
//! Marked for review. Statistics count only this server: read replicas are not counted, and
//! a table read once a year by a report is still used. The backup holds the rows only, not
//! the indexes, constraints, defaults, triggers, policies or grants, and sequences owned by
//! the table's columns are dropped with it: restoring means recreating those too. The drop
//! has no CASCADE, so it refuses while views or foreign keys depend on the table, and
//! because the script is one transaction, that failure (or an existing backup of the same
//! name) leaves everything as it was. Make sure nothing writes to the table while it runs:
//! a row written between the backup and the drop is lost.
//!
//! Check first: replicas, scheduled jobs and reports, and the code, for any use of the
//! table. With `--code DIR` the finding says how often the application's code names the
//! table ("no references in 1,204 files of code", or the references), and the fix's notes
//! warn when the code still queries it.

use super::prelude::*;
use crate::sql::fix::BACKUP_SCHEMA;

pub struct UnusedTable;

static META: RuleMeta = RuleMeta {
    id: "unused-table",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "Table neither read nor written since statistics were reset",
    counterparts: &["pghero:unused_tables"],
};

impl Rule for UnusedTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn unmet(&self, cx: &Context<'_>) -> Option<String> {
        cx.missing_table_statistics()
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let when = cx.stats_age_phrase();
        for t in cx.user_tables().filter(|t| t.kind == RelationKind::Table) {
            let Some(s) = &t.stats else { continue };
            // Building an index scans the table once; that many sequential scans are not use.
            let builds = i64::try_from(t.indexes.len()).unwrap_or(i64::MAX);
            let unread = s.seq_scans.is_some_and(|n| n <= builds) && s.index_scans == Some(0);
            let unwritten = [s.inserts, s.updates, s.deletes]
                .iter()
                .all(|c| *c == Some(0));
            // Only when every counter is known: missing statistics prove nothing.
            if !(unread && unwritten) {
                continue;
            }
            let code = cx.code_evidence(t);
            let mut notes = vec![
                "Statistics count only this server: check read replicas and scheduled jobs before dropping.",
                "The drop refuses while views or foreign keys depend on the table; move them first.",
            ];
            if cx.used_in_code(t) {
                notes.push("The application's code still uses the table (see the references): remove those uses first.");
            }
            let fix = Fix::review(
                vec![
                    fix::create_schema(BACKUP_SCHEMA),
                    fix::backup_table(t),
                    fix::drop_table(t),
                ],
                &notes,
            )
            .in_transaction();
            let finding = META.finding(
                ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                match code {
                    Some(code) => format!(
                        "{}.{} was neither read nor written {when}; {code}",
                        t.schema, t.name
                    ),
                    None => format!(
                        "{}.{} was neither read nor written {when}",
                        t.schema, t.name
                    ),
                },
            );
            // Young statistics prove nothing yet: the finding says so, with nothing to run.
            out.push(if cx.stats_too_young() {
                finding
            } else {
                finding.with_fix(fix)
            });
        }
    }
}
