//! # inconsistent-soft-delete
//!
//! ## What it finds
//! Tables that mark deleted rows differently from the rest of the schema. pglens recognises three
//! markers: a `deleted_at` column; a boolean `is_deleted` or `deleted` column; and a `status`
//! column whose CHECK constraint or enum type allows `'deleted'` (a table with several counts under
//! the first of these). Reported when at least two markers are in use, on the tables that do not
//! use the most common one; on a tie `deleted_at` wins, then the boolean flag. Logs, histories,
//! audits, archives and event tables are left alone: they record deletions, they do not
//! soft-delete their own rows.
//!
//! ## Why it matters
//! Every query must remember which convention each table uses; one forgotten filter shows deleted
//! rows to users, and retention jobs miss tables that use another marker.
//!
//! ## Example
//! ```sql
//! CREATE TABLE orders   (id bigint PRIMARY KEY, deleted_at timestamptz);
//! CREATE TABLE invoices (id bigint PRIMARY KEY, deleted_at timestamptz);
//! CREATE TABLE comments (id bigint PRIMARY KEY, is_deleted boolean NOT NULL DEFAULT false);
//! -- comments is reported: the other tables use deleted_at
//! ```
//!
//! ## Fix
//! Move the table to the common marker. When that marker is `deleted_at`, pglens drafts adding a
//! `deleted_at timestamptz` column and setting it to `now()` on the rows the old marker says are
//! deleted; then switch queries to `deleted_at IS NULL` and drop the old marker once code no longer
//! uses it. When the common marker is a flag or a status, no SQL is drafted.
//!
//! ## Fix safety
//! pglens marks this fix for review: it changes rows, and queries must change with it.
//! - The backfill stamps the time the fix runs, not the time the rows were deleted. If the real
//!   time matters (retention jobs), take it from another column, such as `updated_at`, instead.
//! - The `UPDATE` touches every deleted row at once: on a large table it runs long, locks those
//!   rows, fires update triggers and leaves dead rows for vacuum. Batch it there.
//! - Until code sets `deleted_at` as well, rows deleted through the old marker are missing from it.
//!   The `UPDATE` skips rows already stamped, so run it again just before queries switch over.
//! - Nothing is dropped: the old marker stays until you remove it.

use super::prelude::*;

pub struct InconsistentSoftDelete;

static META: RuleMeta = RuleMeta {
    id: "inconsistent-soft-delete",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "Table marks deleted rows differently from the rest of the schema",
    counterparts: &[],
};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Pattern {
    DeletedAt,
    IsDeleted,
    DeletedStatus,
}

impl Pattern {
    fn describe(self) -> &'static str {
        match self {
            Pattern::DeletedAt => "a deleted_at timestamp",
            Pattern::IsDeleted => "an is_deleted flag",
            Pattern::DeletedStatus => "a 'deleted' status",
        }
    }
}

fn pattern_of(cx: &Context<'_>, t: &Relation) -> Option<Pattern> {
    // A log or history of deletions records them; it does not soft-delete its own rows.
    let words: Vec<&str> = t.name.split('_').collect();
    if words.iter().any(|w| {
        matches!(
            *w,
            "log" | "logs" | "history" | "histories" | "audit" | "archive" | "events"
        )
    }) {
        return None;
    }
    if t.has_column("deleted_at") {
        return Some(Pattern::DeletedAt);
    }
    if t.columns
        .iter()
        .any(|c| (c.name == "is_deleted" || c.name == "deleted") && c.data_type == "boolean")
    {
        return Some(Pattern::IsDeleted);
    }
    let status = t.column("status")?;
    let in_check = t.constraints.iter().any(|k| {
        k.kind == ConstraintKind::Check
            && k.columns == ["status"]
            && k.definition.contains("'deleted'")
    });
    let in_enum = match &status.type_kind {
        TypeKind::Enum { type_name } => cx.catalog.enums.iter().any(|e| {
            e.schema == type_name.schema
                && e.name == type_name.name
                && e.labels.iter().any(|l| l == "deleted")
        }),
        _ => false,
    };
    (in_check || in_enum).then_some(Pattern::DeletedStatus)
}

impl Rule for InconsistentSoftDelete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let tables: Vec<(&Relation, Pattern)> = cx
            .user_tables()
            .filter_map(|t| Some((t, pattern_of(cx, t)?)))
            .collect();
        let count = |p: Pattern| tables.iter().filter(|(_, q)| *q == p).count();
        let patterns = [
            Pattern::DeletedAt,
            Pattern::IsDeleted,
            Pattern::DeletedStatus,
        ];
        if patterns.iter().filter(|p| count(**p) > 0).count() < 2 {
            return;
        }
        // Most used wins; on a tie the earlier in `patterns` (deleted_at first).
        let common = patterns
            .iter()
            .copied()
            .max_by_key(|p| (count(*p), std::cmp::Reverse(*p)))
            .unwrap_or(Pattern::DeletedAt);
        for (t, p) in tables.iter().filter(|(_, p)| *p != common) {
            let mut finding = META.finding(
                ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                format!(
                    "{}.{} marks deleted rows with {}; most tables use {}",
                    t.schema,
                    t.name,
                    p.describe(),
                    common.describe()
                ),
            );
            if common == Pattern::DeletedAt {
                let condition = match p {
                    Pattern::IsDeleted => {
                        let flag = if t.has_column("is_deleted") {
                            "is_deleted"
                        } else {
                            "deleted"
                        };
                        fix::is_true(flag)
                    }
                    _ => fix::equals("status", "deleted"),
                };
                finding = finding.with_fix(Fix::review(
                    vec![
                        fix::add_column(t, "deleted_at", "timestamp with time zone", None),
                        fix::mark_deleted_where(t, "deleted_at", &condition),
                    ],
                    &["Switch queries to deleted_at IS NULL, then drop the old marker."],
                ));
            }
            out.push(finding);
        }
    }
}
