//! # sequence-near-overflow
//!
//! ## What it finds
//! Sequences (serial and identity columns included) that have used more than 75% of their
//! range: the lowest of their MAXVALUE, the maximum of their own type, and the maximum of the
//! column they feed. Sequences never used yet and descending sequences are skipped.
//! Sequences the inspecting role may not read are reported once per schema, at info, as not
//! evaluated.
//!
//! ## Why it matters
//! When an `integer` id column reaches 2,147,483,647, every insert fails. Widening the
//! column rewrites the table, which is much easier at 75% than at 100% on a Friday night.
//!
//! ## Example
//! ```text
//! events.id serial, whose sequence events_id_seq is at 1,900,000,000 of 2,147,483,647
//! ```
//!
//! ## Fix
//! `ALTER TABLE ... ALTER COLUMN id TYPE bigint` (when the sequence feeds a column that is
//! not already `bigint`) and `ALTER SEQUENCE ... AS bigint`.
//!
//! ## Fix safety
//! Marked for review. The column change rewrites the table and its indexes under an
//! exclusive lock that blocks reads and writes until it finishes: on a table this size, plan
//! a maintenance window (or add a `bigint` column, backfill it in batches and swap it in,
//! which pglens does not draft). PostgreSQL refuses the change while a view or policy uses
//! the column. Columns in other tables that reference this id stay `integer` and overflow at
//! the same point: widen them too, each one another rewrite. Application code that reads the
//! id into a 32-bit integer must be ready for larger values.
//!
//! `ALTER SEQUENCE ... AS bigint` raises the limit only when the sequence's MAXVALUE was its
//! old type's default; a MAXVALUE set explicitly stays and must be raised with `ALTER
//! SEQUENCE ... MAXVALUE`.

use super::prelude::*;

pub struct SequenceNearOverflow;

static META: RuleMeta = RuleMeta {
    id: "sequence-near-overflow",
    severity: Severity::Critical,
    category: Category::Integrity,
    summary: "Sequence has used more than 75% of its range",
    counterparts: &["pghero:sequence_danger"],
};

const THRESHOLD: f64 = 0.75;

fn type_max(data_type: &str) -> Option<i64> {
    match data_type {
        "smallint" => Some(i64::from(i16::MAX)),
        "integer" => Some(i64::from(i32::MAX)),
        "bigint" => Some(i64::MAX),
        _ => None,
    }
}

impl Rule for SequenceNearOverflow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn unmet(&self, cx: &Context<'_>) -> Option<String> {
        // A live sequence never used has no value yet, and unreadable ones get findings of
        // their own (`not_evaluated` below): only offline sources know no values at all.
        let offline = cx.catalog.meta.source != crate::model::SourceKind::Live;
        let known = cx.catalog.sequences.iter().any(|s| s.last_value.is_some());
        (offline && !known && !cx.catalog.sequences.is_empty())
            .then(|| "no sequence values in this source (offline sources have none)".into())
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        not_evaluated(cx, out);
        for s in &cx.catalog.sequences {
            let Some(last) = s.last_value else { continue };
            let owner = s.owned_by.as_ref().and_then(|o| {
                let table = cx.relation(&o.table)?;
                Some((table, table.column(&o.column)?))
            });
            let column_max = owner.and_then(|(_, c)| type_max(&c.data_type));
            let limit = [Some(s.max_value), type_max(&s.data_type), column_max]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(i64::MAX);
            let used = last as f64 / limit as f64;
            if s.increment <= 0 || used <= THRESHOLD {
                continue;
            }
            let seq_name = QualifiedName::new(&s.schema, &s.name);
            let mut statements = Vec::new();
            if let Some((table, column)) = owner.filter(|(_, c)| c.data_type != "bigint") {
                statements.push(fix::alter_column_type(table, &column.name, "bigint"));
            }
            // A maximum below its type's own was set by hand, and AS bigint keeps it.
            let hand_set = type_max(&s.data_type).is_some_and(|m| s.max_value < m);
            statements.push(fix::sequence_as_bigint(&seq_name, hand_set));
            out.push(
                META.finding(
                    ObjectRef::schema_object(ObjectKind::Sequence, &s.schema, &s.name),
                    format!(
                        "sequence {}.{} is at {last} of {limit} ({:.0}% used)",
                        s.schema,
                        s.name,
                        used * 100.0
                    ),
                )
                .with_fix({
                    let fix = Fix::review(
                        statements,
                        &["The column type change rewrites the table under an exclusive lock; columns referencing it need the same change."],
                    );
                    if hand_set {
                        fix.note(format!("Its MAXVALUE {} was set by hand: NO MAXVALUE lifts it, so check nothing relies on the bound (a fixed-width number format).", s.max_value))
                    } else {
                        fix
                    }
                }),
            );
        }
    }
}

/// Sequences the inspecting role may not read cannot be checked; one info finding per
/// schema says so, instead of an all-clear that was never earned.
fn not_evaluated(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut by_schema: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for s in cx.catalog.sequences.iter().filter(|s| s.unreadable) {
        by_schema.entry(&s.schema).or_default().push(&s.name);
    }
    for (schema, names) in by_schema {
        let shown = crate::text::first_and_more(names.iter(), 5);
        out.push(
            META.finding(
                ObjectRef::schema(Some(schema)),
                format!(
                    "not evaluated for {} sequence(s) in {schema} this role cannot read ({shown}): grant it USAGE or SELECT on them, or audit as a role that has it",
                    names.len(),
                ),
            )
            .with_severity(Severity::Info),
        );
    }
}
