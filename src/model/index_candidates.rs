//! Indexes the recorded workload asks for: columns that frequent or slow statements filter,
//! join or sort on, on tables big enough for it to matter, that no valid index leads with.
//!
//! Pure, over the model: the `workload-missing-index` rule reports these, and the live
//! source asks the planner about the same list with HypoPG, so both agree on what a
//! candidate is.

use std::collections::BTreeMap;

use super::workload::{ColumnRole, RecordedStatement, Workload};
use super::{Catalog, QualifiedName, Relation, RelationKind};

/// A statement is worth an index when it runs this often and costs this much in all...
pub const FREQUENT_CALLS: i64 = 50;
pub const FREQUENT_TOTAL_MS: f64 = 500.0;
/// ...or when each run is this slow (and it ran more than once).
pub const SLOW_MEAN_MS: f64 = 100.0;
/// Below this many rows a sequential scan is as good as an index.
pub const BIG_TABLE_ROWS: i64 = 10_000;
/// The widest index suggested.
const MAX_COLUMNS: usize = 3;

/// One suggested index and the statements that would use it, heaviest first (indexes into
/// [`Workload::statements`]).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexCandidate {
    pub relation: QualifiedName,
    pub columns: Vec<String>,
    pub statements: Vec<usize>,
}

/// Whether a statement's counters make it worth an index.
pub fn heavy(s: &RecordedStatement) -> bool {
    (s.calls >= FREQUENT_CALLS && s.total_ms >= FREQUENT_TOTAL_MS)
        || (s.calls > 1 && s.mean_ms() >= SLOW_MEAN_MS)
}

/// The table's row count as the statistics or the planner last saw it.
pub fn rows(t: &Relation) -> Option<i64> {
    let s = t.stats.as_ref()?;
    match (s.live_rows, s.estimated_rows) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Every candidate of the workload, in table and column order.
pub fn index_candidates(catalog: &Catalog, workload: &Workload) -> Vec<IndexCandidate> {
    let mut found: BTreeMap<(QualifiedName, Vec<String>), Vec<usize>> = BTreeMap::new();
    for (i, s) in workload.statements.iter().enumerate() {
        if !heavy(s) {
            continue;
        }
        for table in &s.relations {
            let Some(t) = catalog.relation(&table.schema, &table.name) else {
                continue;
            };
            // Partitioned parents refuse CREATE INDEX CONCURRENTLY, and views have no index.
            if !matches!(t.kind, RelationKind::Table | RelationKind::MaterializedView)
                || rows(t).unwrap_or(0) < BIG_TABLE_ROWS
            {
                continue;
            }
            if let Some(columns) = wanted(s, t) {
                found.entry((table.clone(), columns)).or_default().push(i);
            }
        }
    }
    found
        .into_iter()
        .map(|((relation, columns), statements)| IndexCandidate {
            relation,
            columns,
            statements,
        })
        .collect()
}

/// The index `s` would like on `t`, or None when an index already serves it (or nothing
/// could): equality columns first, then one range column; a join column; the sort columns of
/// a statement with `LIMIT`.
fn wanted(s: &RecordedStatement, t: &Relation) -> Option<Vec<String>> {
    let table = t.qualified_name();
    let of = |role: ColumnRole| -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        for u in s
            .columns
            .iter()
            .filter(|u| u.relation == table && u.role == role)
        {
            if t.has_column(&u.column) && !cols.contains(&u.column) {
                cols.push(u.column.clone());
            }
        }
        cols
    };
    // A join column wants an index only when the join starts from a filtered row of the
    // other side (a nested loop looks this table up once per row); joining whole tables
    // hashes them instead.
    let driven = s
        .columns
        .iter()
        .any(|u| u.relation != table && matches!(u.role, ColumnRole::Equality | ColumnRole::Range));
    let (equality, range, sort) = (
        of(ColumnRole::Equality),
        of(ColumnRole::Range),
        of(ColumnRole::Sort),
    );
    let join = if driven {
        of(ColumnRole::Join)
    } else {
        Vec::new()
    };
    let searched: Vec<&String> = equality.iter().chain(&range).chain(&join).collect();
    let leads_with_one = |cols: &[&String]| {
        t.indexes.iter().any(|i| {
            i.valid
                && i.leading_columns()
                    .next()
                    .is_some_and(|first| cols.iter().any(|c| c.as_str() == first))
        })
    };
    let mut columns: Vec<String> = if !searched.is_empty() {
        if leads_with_one(&searched) {
            return None;
        }
        if equality.is_empty() && range.is_empty() {
            join.into_iter().take(1).collect()
        } else {
            let mut cols: Vec<String> = equality.into_iter().take(MAX_COLUMNS).collect();
            if cols.len() < MAX_COLUMNS {
                cols.extend(range.into_iter().take(1));
            }
            cols
        }
    } else if s.limited && !sort.is_empty() {
        if leads_with_one(&sort.iter().take(1).collect::<Vec<_>>()) {
            return None;
        }
        sort.into_iter().take(2).collect()
    } else {
        return None;
    };
    // An index on a lone boolean splits the table in two: rarely worth it.
    if let [only] = columns.as_slice() {
        if t.column(only).is_some_and(|c| c.data_type == "boolean") {
            return None;
        }
    }
    columns.truncate(MAX_COLUMNS);
    Some(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::CatalogBuilder;
    use crate::model::workload::{ColumnUse, StatementKind};
    use crate::model::TableStats;

    /// `public.leads` with `rows` live rows, and an index on `indexed` when given.
    fn catalog(rows: i64, indexed: Option<&str>) -> Catalog {
        let mut b = CatalogBuilder::plain()
            .table(
                "public.leads",
                &[
                    ("id", "uuid"),
                    ("workspace_id", "uuid"),
                    ("status", "text"),
                    ("created_at", "timestamp with time zone"),
                    ("archived", "boolean"),
                ],
            )
            .with("public.leads", |t| {
                t.stats = Some(TableStats {
                    live_rows: Some(rows),
                    ..TableStats::default()
                })
            });
        if let Some(column) = indexed {
            b = b.index("public.leads", "leads_idx", &[column]);
        }
        b.build()
    }

    fn statement(calls: i64, total_ms: f64, uses: &[(&str, ColumnRole)]) -> RecordedStatement {
        let leads = QualifiedName::new("public", "leads");
        RecordedStatement {
            query: "SELECT ...".into(),
            calls,
            total_ms,
            rows: calls,
            kind: StatementKind::Select,
            relations: vec![leads.clone()],
            columns: uses
                .iter()
                .map(|(c, role)| ColumnUse {
                    relation: leads.clone(),
                    column: c.to_string(),
                    role: *role,
                })
                .collect(),
            limited: false,
        }
    }

    fn candidates(catalog: Catalog, statements: Vec<RecordedStatement>) -> Vec<Vec<String>> {
        let workload = Workload {
            statements,
            ..Workload::default()
        };
        index_candidates(&catalog, &workload)
            .into_iter()
            .map(|c| c.columns)
            .collect()
    }

    #[test]
    fn equality_columns_then_one_range_column() {
        use ColumnRole::*;
        let s = statement(
            500,
            2_000.0,
            &[
                ("workspace_id", Equality),
                ("created_at", Range),
                ("status", Equality),
            ],
        );
        assert_eq!(
            candidates(catalog(50_000, None), vec![s]),
            [["workspace_id", "status", "created_at"]]
        );
    }

    #[test]
    fn quiet_when_rare_cheap_small_indexed_or_boolean() {
        use ColumnRole::*;
        let filter = [("workspace_id", Equality)];
        let heavy = || statement(500, 2_000.0, &filter);
        assert!(candidates(catalog(50_000, None), vec![statement(3, 30.0, &filter)]).is_empty());
        assert!(candidates(catalog(500, None), vec![heavy()]).is_empty());
        assert!(candidates(catalog(50_000, Some("workspace_id")), vec![heavy()]).is_empty());
        let flag = [("archived", Equality)];
        assert!(candidates(catalog(50_000, None), vec![statement(500, 2_000.0, &flag)]).is_empty());
        // The look-alike's control: an index on another column does not serve the filter.
        assert_eq!(
            candidates(catalog(50_000, Some("status")), vec![heavy()]),
            [["workspace_id"]]
        );
    }

    #[test]
    fn a_slow_statement_counts_even_when_rare() {
        let s = statement(4, 1_600.0, &[("status", ColumnRole::Equality)]);
        assert_eq!(candidates(catalog(50_000, None), vec![s]), [["status"]]);
    }

    #[test]
    fn sorting_needs_a_limit() {
        let sort = [("created_at", ColumnRole::Sort)];
        assert!(candidates(catalog(50_000, None), vec![statement(500, 2_000.0, &sort)]).is_empty());
        let mut limited = statement(500, 2_000.0, &sort);
        limited.limited = true;
        assert_eq!(
            candidates(catalog(50_000, None), vec![limited]),
            [["created_at"]]
        );
    }
}
