//! # inconsistent-soft-delete
//!
//! ## What it finds
//! Tables that mark deleted rows differently from the rest of the schema: a `deleted_at`
//! timestamp here, an `is_deleted` flag there, a `'deleted'` status elsewhere. Reported when
//! at least two patterns are in use, on the tables that do not follow the most common one
//! (`deleted_at` wins a tie, as the seeds recommend).
//!
//! ## Why it matters
//! Every query must remember which convention each table uses; one forgotten filter shows
//! deleted rows to users, and retention jobs miss tables that use another marker.
//!
//! ## Example
//! ```sql
//! leads.deleted_at timestamptz; content_items.is_deleted boolean;
//! clients.status CHECK (status IN ('active', 'inactive', 'deleted'))
//! ```
//!
//! ## Fix
//! Add the common marker and backfill it from the table's own (when the common marker is
//! `deleted_at`); drop the old marker once code has switched. Not safe to paste blindly:
//! queries must change with it.

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
