//! # seq-scan-heavy-table
//!
//! ## What it finds
//! Tables that are read mostly by sequential scans over many rows: at least 10,000 rows,
//! at least 50 sequential scans since statistics were reset, sequential scans at least half
//! of all its scans, and each one reading 10,000 rows or more on average. This is the
//! seq-scan ratio check of `pg_stat_user_tables` that schema audits run by hand, with the
//! row counts added so that a small lookup table, which PostgreSQL rightly scans whole, stays
//! quiet. Where `pg_stat_statements` is readable the finding names the heaviest statements
//! that touch the table; `workload-missing-index` then proposes the index they lack.
//!
//! ## Why it matters
//! Every sequential scan reads the whole table. On a table that keeps growing, queries that
//! were fast at launch get slower with every row, fill the cache with pages nobody needed,
//! and compete with each other for I/O.
//!
//! ## Example
//! ```text
//! public.leads: 2,400 sequential scans read 96,000,000 rows (40,000 a scan; 98% of its
//! scans) in the 12 days since statistics were reset
//! ```
//!
//! ## Fix
//! Find the statements behind the scans (the finding lists them when `pg_stat_statements`
//! is readable) and index what they filter on, or give them a `LIMIT`. pglens proposes no
//! statement here: which index helps depends on the statements, and `workload-missing-index`
//! drafts it from them.
//!
//! ## Fix safety
//! No fix is proposed. Some sequential scans are right: a report that reads the whole table,
//! a nightly export, `pg_dump`. Check what runs them before indexing anything.

use super::prelude::*;
use crate::model::index_candidates::{rows, BIG_TABLE_ROWS};
use crate::model::workload::grouped;

pub struct SeqScanHeavyTable;

static META: RuleMeta = RuleMeta {
    id: "seq-scan-heavy-table",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Table read mostly by sequential scans over many rows",
    counterparts: &["pghero:sequential_scans"],
};

/// Fewer sequential scans than this is too little to judge by.
const MIN_SEQ_SCANS: i64 = 50;
/// The statements named as evidence.
const STATEMENTS_SHOWN: usize = 3;

impl Rule for SeqScanHeavyTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn unmet(&self, cx: &Context<'_>) -> Option<String> {
        cx.missing_table_statistics().or_else(|| {
            let counted = cx.user_tables().any(|t| {
                t.stats
                    .as_ref()
                    .is_some_and(|s| s.seq_rows_read.is_some())
            });
            (!counted).then(|| "no count of the rows sequential scans read (a snapshot taken before pglens read them)".into())
        })
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables().filter(|t| t.kind == RelationKind::Table) {
            let Some(s) = t.stats.as_ref() else { continue };
            let (Some(seq), Some(read)) = (s.seq_scans, s.seq_rows_read) else {
                continue;
            };
            let index = s.index_scans.unwrap_or(0);
            let per_scan = if seq > 0 { read / seq } else { 0 };
            if rows(t).unwrap_or(0) < BIG_TABLE_ROWS
                || seq < MIN_SEQ_SCANS
                || seq < index
                || per_scan < BIG_TABLE_ROWS
            {
                continue;
            }
            let share = 100 * seq / (seq + index).max(1);
            let mut message = format!(
                "{}.{}: {} sequential scans read {} rows ({} a scan; {share}% of its scans) {}",
                t.schema,
                t.name,
                grouped(seq),
                grouped(read),
                grouped(per_scan),
                cx.stats_span()
            );
            message.push_str(&statements_behind(cx, t));
            out.push(META.finding(
                ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                message,
            ));
        }
    }
}

/// "; the heaviest statements on it: ..." from the workload, or why it cannot say.
fn statements_behind(cx: &Context<'_>, t: &Relation) -> String {
    let table = t.qualified_name();
    match cx.workload() {
        Ok(w) => {
            let shown: Vec<String> = w
                .statements_on(&table)
                .filter(|s| s.kind.explainable())
                .take(STATEMENTS_SHOWN)
                .map(|s| format!("`{}` ({})", s.one_line(100), s.counters()))
                .collect();
            if shown.is_empty() {
                "; pg_stat_statements recorded no query or change of it among the heaviest statements".into()
            } else {
                format!("; the heaviest statements on it: {}", shown.join("; "))
            }
        }
        Err(why) => format!("; which statements scan it is unknown: {why}"),
    }
}
