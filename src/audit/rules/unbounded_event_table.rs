//! # unbounded-event-table
//!
//! ## What it finds
//! Event, log, metrics, history, outbox and audit tables (a word of the name, plural or not)
//! that are neither partitioned nor indexed by their time column (the first of
//! `created_at`, `occurred_at`, `logged_at`, `recorded_at`, `attempted_at`, `received_at` and
//! `timestamp` they have; an index counts whatever position the column has in it), when they
//! are large (a million rows or inserts) or their size is unknown (no statistics). A table
//! split into children with `INHERITS` counts as partitioned; its children are checked
//! like any table.
//!
//! ## Why it matters
//! These tables only grow. Without a time index, every retention `DELETE ... WHERE
//! created_at < now() - interval '90 days'` and every "latest events" query scans the whole
//! table; without partitions, old data cannot be dropped cheaply, and each delete leaves
//! dead rows for vacuum to clean up.
//!
//! ## Example
//! ```sql
//! CREATE TABLE events (id serial PRIMARY KEY, payload jsonb, created_at timestamptz);
//! ```
//!
//! ## Fix
//! Index the time column now (`CREATE INDEX CONCURRENTLY IF NOT EXISTS ... (created_at
//! DESC)`), then plan retention (a scheduled delete) or monthly range partitions (`PARTITION
//! BY RANGE (created_at)`), which needs a new table and a copy: pglens drafts only the index.
//!
//! ## Fix safety
//! Marked safe to paste: the index changes no data, and building it concurrently does not
//! block reads or writes. It cannot run inside a transaction block, so a migration tool that
//! wraps each file in a transaction needs it in a step of its own. On a table this size the
//! build takes a while, scanning the table twice and waiting for transactions already
//! running on it. If it fails or is cancelled, it leaves an invalid index under that name,
//! and running it again does nothing because of `IF NOT EXISTS`: drop the invalid index
//! first. The retention and partitioning steps are not drafted; they delete or move data,
//! so plan them separately.

use super::prelude::*;

pub struct UnboundedEventTable;

static META: RuleMeta = RuleMeta {
    id: "unbounded-event-table",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "Growing event/log table without partitioning or a time index",
    counterparts: &[],
};

const NAME_HINTS: &[&str] = &["event", "log", "metric", "history", "outbox", "audit"];
const TIME_COLUMNS: &[&str] = &[
    "created_at",
    "occurred_at",
    "logged_at",
    "recorded_at",
    "attempted_at",
    "received_at",
    "timestamp",
];
const LARGE: i64 = 1_000_000;

fn looks_like_event_table(name: &str) -> bool {
    name.split('_').any(|word| {
        let word = word.trim_end_matches('s');
        NAME_HINTS.contains(&word)
    })
}

impl Rule for UnboundedEventTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            // Split into children with INHERITS, the way partitioning was done before
            // PostgreSQL 10: each child is checked on its own.
            if t.kind != RelationKind::Table
                || !looks_like_event_table(&t.name)
                || cx.inheritors_of(t).next().is_some()
            {
                continue;
            }
            let Some(time) = TIME_COLUMNS.iter().find(|c| t.has_column(c)) else {
                continue;
            };
            let indexed = t
                .indexes
                .iter()
                .any(|i| i.valid && i.keys.iter().any(|k| k.column.as_deref() == Some(*time)));
            if indexed {
                continue;
            }
            let stats = t.stats.as_ref();
            let rows = stats.and_then(|s| s.estimated_rows);
            let inserts = stats.and_then(|s| s.inserts);
            let large = rows.is_some_and(|r| r >= LARGE) || inserts.is_some_and(|i| i >= LARGE);
            if rows.is_some() && !large {
                continue;
            }
            let size = match rows {
                Some(r) => format!("about {r} rows"),
                None => "size unknown".into(),
            };
            let fix = Fix::safe(vec![fix::create_index(
                t,
                &fix::index_name(t, &[time]),
                "btree",
                &[fix::KeySpec { column: time, descending: true }],
            )])
            .note("CREATE INDEX CONCURRENTLY cannot run inside a transaction block.")
            .note(format!(
                "Then plan retention (a scheduled DELETE ... WHERE {time} < now() - interval '90 days') or monthly partitions (PARTITION BY RANGE ({time}))."
            ));
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} ({size}) grows without partitions or an index on {time}",
                        t.schema, t.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
