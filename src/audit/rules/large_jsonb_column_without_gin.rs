//! # large-jsonb-column-without-gin
//!
//! ## What it finds
//! `jsonb` columns with no GIN index, on tables with at least 10,000 rows (by the planner's
//! estimate; tables without statistics are left alone).
//!
//! ## Why it matters
//! Filters such as `company_data @> '{"industry": "SaaS"}'` or `company_data ? 'domain'`
//! scan the whole table without a GIN index. Small tables do not care, which is why only
//! large ones are reported.
//!
//! ## Example
//! ```sql
//! CREATE TABLE leads (company_data jsonb, ...);   -- 2 million rows, no GIN index
//! ```
//!
//! ## Fix
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS ... USING gin (company_data)`. Safe; if queries
//! only use `@>`, the smaller `jsonb_path_ops` operator class is worth considering.

use super::array_column_without_gin::{gin_index_fix, has_gin};
use super::prelude::*;

pub struct LargeJsonbColumnWithoutGin;

static META: RuleMeta = RuleMeta {
    id: "large-jsonb-column-without-gin",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "jsonb column on a large table without a GIN index",
    counterparts: &[],
};

/// Row count from which a missing GIN index is worth a finding.
const MIN_ROWS: i64 = 10_000;

impl Rule for LargeJsonbColumnWithoutGin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            let rows = t.stats.as_ref().and_then(|s| s.estimated_rows).unwrap_or(0);
            if rows < MIN_ROWS {
                continue;
            }
            for c in &t.columns {
                if c.type_kind != TypeKind::Jsonb || has_gin(t, &c.name) {
                    continue;
                }
                let fix = gin_index_fix(t, &c.name);
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "jsonb column {}.{}.{} on a table of about {rows} rows has no GIN index",
                            t.schema, t.name, c.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
