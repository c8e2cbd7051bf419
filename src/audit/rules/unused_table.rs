//! # unused-table
//!
//! ## What it finds
//! Tables that have not been read (no index scan, and no sequential scan beyond the one each
//! index build makes) nor written (no insert, update or delete) since statistics were last
//! reset. The finding says how long that is,
//! so "never used" after yesterday's reset is not mistaken for "never used in a year".
//! Tables without statistics (snapshots taken without them, offline sources) are left alone.
//!
//! ## Why it matters
//! Unused tables are the first thing a cleanup removes: the seeds' plan dropped fifteen.
//! Each one still costs backups, migrations, policies to maintain, and a reader's attention.
//!
//! ## Example
//! `legacy_exports`, no scans and no writes in the 120 days since statistics were reset.
//!
//! ## Fix
//! Back it up into the `pglens_backup` schema, then drop it. Check first: statistics count
//! only this server (read replicas and other databases are not counted), and a table read
//! once a year by a report is still used. Not safe to paste blindly.

use super::prelude::*;
use crate::audit::context::BACKUP_SCHEMA;

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
            let fix = Fix::review(
                vec![
                    fix::create_schema(BACKUP_SCHEMA),
                    fix::backup_table(t),
                    fix::drop_table(t),
                ],
                &[
                    "Statistics count only this server: check read replicas and scheduled jobs before dropping.",
                    "The drop refuses while views or foreign keys depend on the table; move them first.",
                ],
            )
            .in_transaction();
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} was neither read nor written {when}",
                        t.schema, t.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
