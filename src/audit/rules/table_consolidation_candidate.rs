//! # table-consolidation-candidate
//!
//! ## What it finds
//! Pairs of tables that look like two versions of one thing: names that nest
//! (`audit_log` / `audit_logs`, `assets` / `brand_assets`, `publishing_jobs` /
//! `publish_jobs`) or share their head noun (`brand_assets` / `media_assets`) with most
//! columns in common, or columns so alike that the names do not matter
//! (`automation_workflows` / `workflow_definitions`). Legacy twins, an old table beside the
//! new one that replaced it, show up here too. Bookkeeping columns (`id`, `created_at`,
//! `updated_at`, `deleted_at`) do not count as shared: every table has them. Each table is
//! reported once, against the table it would merge into: the one with more columns (the
//! newer design, usually), then more incoming foreign keys.
//!
//! ## Why it matters
//! Duplicate tables split the data: writers pick one, readers the other, policies and
//! indexes are maintained twice, and every report has to union them. Consolidating was the
//! heart of the seeds' cleanup plan (three asset tables into one, two content tables into
//! one, legacy connector tables into the new ones).
//!
//! ## Example
//! ```sql
//! CREATE TABLE failed_attempts (email text, ip_address inet, attempted_at timestamptz);
//! CREATE TABLE failed_login_attempts (id uuid PRIMARY KEY, email text, ip_address inet,
//!                                     user_agent text, attempted_at timestamptz);
//! ```
//!
//! ## Fix
//! A draft: back the table up into the `pglens_backup` schema (outside the API), copy its rows into
//! the kept table through the shared columns (`INSERT ... SELECT`, casting to the kept
//! table's types), then drop it. Review the column mapping: columns only the dropped table
//! has are lost, NOT NULL columns only the kept table has need defaults, and code, views
//! and foreign keys that use the dropped table must move first (the drop refuses while
//! anything depends on it).

use std::collections::BTreeSet;

use super::prelude::*;
use crate::audit::context::BACKUP_SCHEMA;

pub struct TableConsolidationCandidate;

static META: RuleMeta = RuleMeta {
    id: "table-consolidation-candidate",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "Two tables look like versions of one (consolidation candidate)",
    counterparts: &[],
};

/// Columns every table has, which say nothing about what a table is for.
const BOOKKEEPING: &[&str] = &["id", "created_at", "updated_at", "deleted_at"];
/// Share of the smaller table's columns that must also be in the other, and how many
/// columns must be shared, by kind of name match.
const SAME_NAME_SHARED: usize = 2;
const NESTED_NAMES: f64 = 0.35;
const NESTED_SHARED: usize = 3;
const SAME_HEAD_NOUN: f64 = 0.8;
/// Without any name likeness: columns must be nearly the same set, and not trivially few.
const ANY_NAMES_JACCARD: f64 = 0.85;
const ANY_NAMES_MIN_COLUMNS: usize = 5;

/// Name tokens, singular and without "-ing": `publishing_jobs` -> {publish, job}.
fn tokens(name: &str) -> BTreeSet<String> {
    name.split('_')
        .filter(|t| !t.is_empty())
        .map(|t| {
            let t = t
                .strip_suffix("ies")
                .map(|s| format!("{s}y"))
                .unwrap_or_else(|| t.to_string());
            let t = if t.len() > 3 && t.ends_with('s') && !t.ends_with("ss") {
                t[..t.len() - 1].to_string()
            } else {
                t
            };
            if t.len() > 6 && t.ends_with("ing") {
                t[..t.len() - 3].to_string()
            } else {
                t
            }
        })
        .collect()
}

fn head_noun(name: &str) -> Option<String> {
    name.rsplit('_')
        .next()
        .map(|t| tokens(t).into_iter().next().unwrap_or_default())
}

/// Column names other than the surrogate key: what a merge copies.
fn columns(t: &Relation) -> BTreeSet<&str> {
    t.columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| *c != "id")
        .collect()
}

/// Column names that say what the table holds.
fn meaningful(t: &Relation) -> BTreeSet<&str> {
    t.columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !BOOKKEEPING.contains(c))
        .collect()
}

/// How alike two tables are, if alike enough: the share of the smaller one's columns the
/// other has.
fn likeness(a: &Relation, b: &Relation) -> Option<f64> {
    let (ca, cb) = (meaningful(a), meaningful(b));
    let shared = ca.intersection(&cb).count();
    let smaller = ca.len().min(cb.len());
    if smaller == 0 {
        return None;
    }
    let overlap = shared as f64 / smaller as f64;
    let (ta, tb) = (tokens(&a.name), tokens(&b.name));
    let same_name = ta == tb;
    let nested = ta.is_subset(&tb) || tb.is_subset(&ta);
    let same_head = head_noun(&a.name) == head_noun(&b.name);
    let jaccard = shared as f64 / ca.union(&cb).count() as f64;
    let alike = (same_name && shared >= SAME_NAME_SHARED)
        || (nested && overlap >= NESTED_NAMES && shared >= NESTED_SHARED)
        || (same_head && overlap >= SAME_HEAD_NOUN && shared >= NESTED_SHARED)
        || (jaccard >= ANY_NAMES_JACCARD && smaller >= ANY_NAMES_MIN_COLUMNS);
    alike.then_some(overlap)
}

fn incoming(cx: &Context<'_>, t: &Relation) -> usize {
    let q = t.qualified_name();
    cx.user_tables()
        .flat_map(|o| o.foreign_keys())
        .filter(|(_, fk)| fk.referenced_table == q)
        .count()
}

impl Rule for TableConsolidationCandidate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let tables: Vec<&Relation> = cx
            .user_tables()
            .filter(|t| t.kind == RelationKind::Table)
            .collect();
        let rank = |t: &Relation| {
            (
                t.columns.len(),
                incoming(cx, t),
                std::cmp::Reverse(t.name.clone()),
            )
        };
        for t in &tables {
            // The best table `t` could merge into: alike, in the same schema, ranked higher.
            let target = tables
                .iter()
                .filter(|o| o.schema == t.schema && o.name != t.name && rank(o) > rank(t))
                .filter_map(|o| likeness(t, o).map(|l| (o, l)))
                .max_by(|(a, la), (b, lb)| la.total_cmp(lb).then_with(|| rank(a).cmp(&rank(b))));
            let Some((keep, overlap)) = target else {
                continue;
            };
            let (mine, theirs) = (meaningful(t), meaningful(keep));
            let shared: Vec<&str> = mine.intersection(&theirs).copied().collect();
            let only_mine: Vec<&str> = mine.difference(&theirs).copied().collect();
            let copied: Vec<&str> = columns(t).intersection(&columns(keep)).copied().collect();
            let mapping: Vec<(&str, &str)> = copied
                .iter()
                .filter_map(|c| keep.column(c).map(|k| (*c, k.data_type.as_str())))
                .collect();
            let backup = fix::object_name(&[&t.schema, &t.name]);
            let fix = Fix::review(
                vec![
                    fix::create_schema(BACKUP_SCHEMA),
                    fix::backup_table(t, BACKUP_SCHEMA, &backup),
                    fix::copy_rows(t, keep, &mapping),
                    fix::drop_table(t),
                ],
                &[
                    "Columns only the dropped table has are not copied; NOT NULL columns only the kept table has need defaults.",
                    "Move code, views and foreign keys that use the dropped table first: the drop refuses while anything depends on it.",
                ],
            );
            let lost = if only_mine.is_empty() {
                String::new()
            } else {
                format!("; only {} has {}", t.name, only_mine.join(", "))
            };
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} looks like a version of {}.{}: {:.0}% of its columns are shared ({}){lost}",
                        t.schema,
                        t.name,
                        keep.schema,
                        keep.name,
                        overlap * 100.0,
                        shared.join(", ")
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn name_tokens() {
        assert_eq!(tokens("publishing_jobs"), tokens("publish_jobs"));
        assert_eq!(tokens("audit_logs"), tokens("audit_log"));
        assert!(tokens("failed_attempts").is_subset(&tokens("failed_login_attempts")));
        assert_eq!(
            tokens("companies").into_iter().collect::<Vec<_>>(),
            ["company"]
        );
        assert_eq!(
            tokens("status").into_iter().collect::<Vec<_>>(),
            ["statu"],
            "singular by rule, consistently"
        );
    }
}
