//! # covered-index
//!
//! ## What it finds
//! Non-unique B-tree indexes whose key columns are the leading columns of a wider index on
//! the same table (PgHero's "covered by" check).
//!
//! ## Why it matters
//! The wider index serves every query the narrow one serves, so the narrow one only costs
//! writes, space and cache.
//!
//! ## Example
//! ```sql
//! CREATE INDEX idx_deals_workspace       ON deals (workspace_id);
//! CREATE INDEX idx_deals_workspace_stage ON deals (workspace_id, stage, value DESC);
//! ```
//!
//! ## Fix
//! `DROP INDEX CONCURRENTLY IF EXISTS` the narrow index. Safe for queries; the wider index
//! is somewhat larger to scan, which rarely matters.

use super::prelude::*;
use crate::model::Index;

pub struct CoveredIndex;

static META: RuleMeta = RuleMeta {
    id: "covered-index",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Index made redundant by a wider index starting with the same columns",
    counterparts: &["pghero:duplicate_indexes"],
};

fn plain_btree(i: &Index) -> bool {
    i.valid
        && i.method == "btree"
        && i.predicate.is_none()
        && i.keys.iter().all(|k| k.column.is_some())
}

/// True when `wide`'s keys start with all of `narrow`'s, in the same order and direction.
fn covers(wide: &Index, narrow: &Index) -> bool {
    wide.name != narrow.name
        && wide.keys.len() > narrow.keys.len()
        && wide.keys.iter().zip(&narrow.keys).all(|(w, n)| w == n)
}

impl Rule for CoveredIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for narrow in t
                .indexes
                .iter()
                .filter(|i| plain_btree(i) && !i.unique && i.constraint.is_none())
            {
                let Some(wide) = t
                    .indexes
                    .iter()
                    .find(|w| plain_btree(w) && covers(w, narrow))
                else {
                    continue;
                };
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Index, &t.schema, &t.name, &narrow.name),
                        format!(
                            "index {} on {}.{} is covered by {}",
                            narrow.name, t.schema, t.name, wide.name
                        ),
                    )
                    .with_fix(
                        Fix::safe(vec![fix::drop_index(&t.schema, &narrow.name)])
                            .note("DROP INDEX CONCURRENTLY cannot run inside a transaction block."),
                    ),
                );
            }
        }
    }
}
