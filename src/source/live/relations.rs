//! Decodes the relations query (`sql/relations.sql`), which returns one plain text row per
//! relation rather than a JSON document: on a large schema the server spent more time
//! building a JSON object per relation than reading the catalogs. The few parts only some
//! relations have (a partition's parent, a view's reads, grants) come as small JSON texts.

use serde::de::DeserializeOwned;
use tokio_postgres::SimpleQueryRow;

use crate::model::{Provenance, Relation, RelationKind, TableStats};

/// One row of the relations query, in its column order.
pub(super) fn decode(row: &SimpleQueryRow) -> Result<Relation, String> {
    let text = |i: usize| row.get(i).map(str::to_string);
    let required = |i: usize| text(i).ok_or_else(|| format!("field {i} is null"));
    let flag = |i: usize| row.get(i) == Some("t");
    let number = |i: usize| -> Result<Option<i64>, String> {
        row.get(i)
            .map(|v| {
                v.parse()
                    .map_err(|e| format!("field {i} is not a number: {e}"))
            })
            .transpose()
    };
    let kind = match row.get(2) {
        Some("r") => RelationKind::Table,
        Some("p") => RelationKind::PartitionedTable,
        Some("v") => RelationKind::View,
        Some("m") => RelationKind::MaterializedView,
        Some("f") => RelationKind::ForeignTable,
        other => return Err(format!("unexpected relation kind {other:?}")),
    };
    Ok(Relation {
        schema: required(0)?,
        name: required(1)?,
        kind,
        partition_of: json(row, 3)?,
        partition_key: text(4),
        inherits: json(row, 5)?.unwrap_or_default(),
        owner: required(6)?,
        comment: text(7),
        rls_enabled: flag(8),
        rls_forced: flag(9),
        options: json(row, 10)?.unwrap_or_default(),
        view_definition: text(11),
        reads: json(row, 12)?.unwrap_or_default(),
        extension: text(13),
        columns: Vec::new(),
        constraints: Vec::new(),
        indexes: Vec::new(),
        policies: Vec::new(),
        triggers: Vec::new(),
        grants: json(row, 14)?.unwrap_or_default(),
        stats: Some(TableStats {
            estimated_rows: number(15)?,
            total_bytes: None,
            table_bytes: number(16)?,
            index_bytes: None,
            seq_scans: number(17)?,
            seq_rows_read: number(27)?,
            index_scans: None,
            inserts: number(18)?,
            updates: number(19)?,
            deletes: number(20)?,
            live_rows: number(21)?,
            dead_rows: number(22)?,
            last_vacuum: text(23),
            last_autovacuum: text(24),
            last_analyze: text(25),
            last_autoanalyze: text(26),
            last_read: None,
        }),
        provenance: Provenance::default(),
    })
}

/// A field holding a JSON text, or None when it is null.
fn json<T: DeserializeOwned>(row: &SimpleQueryRow, i: usize) -> Result<Option<T>, String> {
    row.get(i)
        .map(|v| serde_json::from_str(v).map_err(|e| format!("field {i}: {e}")))
        .transpose()
}
