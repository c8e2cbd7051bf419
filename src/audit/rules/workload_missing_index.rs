//! # workload-missing-index
//!
//! ## What it finds
//! Indexes the recorded workload asks for. For each statement `pg_stat_statements` recorded
//! that is frequent (50 calls and half a second in all) or slow (100 ms a call), pglens reads
//! the statement with PostgreSQL's parser and takes the columns it compares with a value
//! (`=`, `IN`, `= ANY`, `<`, `BETWEEN`) on each table of 10,000 rows or more; when no valid
//! index of that table leads with any of those columns, it suggests one: the equality columns
//! first, then one range column, three at most. A join column counts when the join starts
//! from filtered rows of the other table, and a sort column when the statement has a `LIMIT`.
//! Conditions under `OR` or `NOT` and expressions over a column (`lower(email) = $1`) are left
//! out, as is an index on a lone boolean column. Statements that would use the same index
//! are one finding, with the heaviest named as evidence.
//!
//! Where HypoPG is installed in the database, pglens asks the planner: it creates the index
//! hypothetically (in its session's memory only) and compares the generic plan's estimated
//! cost of the heaviest statement without and with it. A suggestion the planner would not
//! use is dropped; one it would use says by how much the estimate falls. Without HypoPG the
//! finding says it is unconfirmed. pglens never installs anything.
//!
//! ## Why it matters
//! A statement that filters a big table on a column no index leads with reads the whole
//! table every time: the cost grows with the table, and the statements the application runs
//! most are the ones that matter.
//!
//! ## Example
//! ```text
//! public.leads: no index leads with (status) for `SELECT * FROM leads WHERE status = $1`
//! (1,204 calls, 31 ms mean, 37 s in all); with the index the planner's estimate falls from
//! 1,693 to 8 (HypoPG)
//! ```
//!
//! ## Fix
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_status ON public.leads (status)`.
//!
//! ## Fix safety
//! Marked safe to paste when the planner confirmed it (HypoPG): it changes no data and
//! building concurrently blocks neither reads nor writes; it cannot run inside a transaction
//! block, waits for transactions already using the table, scans the table twice, and leaves
//! an invalid index to drop if it fails. Otherwise marked for review: the suggestion comes
//! from the statement's text alone, and a column with few distinct values may not be worth
//! an index at all. Every index costs each insert and update on the table; check the write
//! rate of a table that takes many writes first.

use super::prelude::*;
use crate::model::index_candidates::{index_candidates, IndexCandidate};
use crate::model::workload::{grouped, one_line, HypotheticalIndex, Workload};

pub struct WorkloadMissingIndex;

static META: RuleMeta = RuleMeta {
    id: "workload-missing-index",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "Frequent or slow statements filter on columns no index leads with",
    counterparts: &["pghero:suggested_indexes", "dexter"],
};

impl Rule for WorkloadMissingIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn unmet(&self, cx: &Context<'_>) -> Option<String> {
        cx.workload().err()
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Ok(workload) = cx.workload() else { return };
        for c in index_candidates(cx.catalog, workload) {
            let Some(t) = cx.relation(&c.relation) else {
                continue;
            };
            let verdict = workload.hypothetical_for(&c.relation, &c.columns);
            if verdict.is_some_and(|h| h.error.is_none() && !h.used) {
                // The planner would not use it: the text was misleading.
                continue;
            }
            out.push(finding(
                t,
                &c,
                workload,
                verdict,
                workload.hypothetical.is_some(),
            ));
        }
    }
}

fn finding(
    t: &Relation,
    c: &IndexCandidate,
    workload: &Workload,
    verdict: Option<&HypotheticalIndex>,
    hypopg: bool,
) -> Finding {
    let heaviest = &workload.statements[c.statements[0]];
    let others = match c.statements.len() - 1 {
        0 => String::new(),
        1 => " and 1 more statement".into(),
        n => format!(" and {n} more statements"),
    };
    let planner = match verdict {
        Some(HypotheticalIndex {
            cost_before: Some(before),
            cost_after: Some(after),
            ..
        }) => format!(
            "with the index the planner's estimate falls from {} to {} (HypoPG)",
            grouped(before.round() as i64),
            grouped(after.round() as i64)
        ),
        Some(HypotheticalIndex {
            error: Some(e),
            query,
            ..
        }) => format!(
            "unconfirmed: the planner could not be asked about `{}` ({e})",
            one_line(query, 60)
        ),
        _ if hypopg => "unconfirmed: none of its statements can be explained".into(),
        _ => "unconfirmed: HypoPG is not installed, so the planner was not asked".into(),
    };
    let message = format!(
        "{}.{}: no index leads with ({}) for `{}` ({}){others}; {planner}",
        t.schema,
        t.name,
        c.columns.join(", "),
        heaviest.one_line(120),
        heaviest.counters()
    );
    let cols: Vec<&str> = c.columns.iter().map(String::as_str).collect();
    let keys: Vec<fix::KeySpec<'_>> = cols.iter().map(|c| fix::KeySpec::asc(c)).collect();
    let create = fix::create_index(t, &fix::index_name(t, &cols), "btree", &keys);
    let confirmed = verdict.is_some_and(|h| h.used);
    let fix = if confirmed {
        Fix::index_build(t, create)
    } else {
        Fix::review(
            vec![create],
            &[
                "Suggested from the statements' text alone: check that the column has enough distinct values to be worth an index (EXPLAIN the statement after building it).",
                "CREATE INDEX CONCURRENTLY cannot run inside a transaction block.",
            ],
        )
    };
    META.finding(
        ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
        message,
    )
    .distinguished_by(&c.columns.join(","))
    .with_fix(fix)
}
