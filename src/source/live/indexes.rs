//! Decodes the indexes query (`sql/indexes.sql`, one row per index) and the index keys
//! query (`sql/index_keys.sql`, one row per key or INCLUDE column), and joins them by the
//! index's oid.

use std::collections::HashMap;

use tokio_postgres::SimpleQueryRow;

use super::introspect::Child;
use crate::model::{Index, IndexKey, NullsOrder, QualifiedName};

/// An index and its oid, which its keys name.
pub(super) struct IndexRow {
    oid: u32,
    child: Child<Index>,
}

/// One key or INCLUDE column of an index.
pub(super) struct KeyRow {
    index: u32,
    ordinal: u32,
    is_key: bool,
    key: IndexKey,
}

pub(super) fn decode_index(row: &SimpleQueryRow) -> Result<IndexRow, String> {
    let text = |i: usize| row.get(i).map(str::to_string);
    let required = |i: usize| text(i).ok_or_else(|| format!("field {i} is null"));
    let flag = |i: usize| row.get(i) == Some("t");
    let options = match row.get(9) {
        Some(json) => serde_json::from_str(json).map_err(|e| format!("index options: {e}"))?,
        None => Vec::new(),
    };
    Ok(IndexRow {
        oid: number(row, 3)?,
        child: Child {
            schema: required(0)?,
            table: required(1)?,
            item: Index {
                name: required(2)?,
                method: required(4)?,
                keys: Vec::new(),
                include: Vec::new(),
                predicate: text(5),
                unique: flag(6),
                primary: flag(7),
                valid: flag(8),
                nulls_not_distinct: false,
                options,
                constraint: text(10),
                size_bytes: row.get(11).map(|_| number(row, 11)).transpose()?,
                scans: row.get(12).map(|_| number(row, 12)).transpose()?,
                provenance: Default::default(),
            },
        },
    })
}

pub(super) fn decode_key(row: &SimpleQueryRow) -> Result<KeyRow, String> {
    let text = |i: usize| row.get(i).map(str::to_string);
    let name = |schema: usize, name: usize| match (text(schema), text(name)) {
        (Some(s), Some(n)) => Some(QualifiedName::new(s, n)),
        _ => None,
    };
    // Bit 1 is DESC; bit 2 is NULLS FIRST, worth noting only when it differs from the
    // direction's default (NULLS FIRST for DESC, NULLS LAST for ASC).
    let option: i32 = row.get(5).map(|_| number(row, 5)).transpose()?.unwrap_or(0);
    let descending = option & 1 == 1;
    let nulls_first = option & 2 == 2;
    let nulls = (nulls_first != descending).then_some(if nulls_first {
        NullsOrder::First
    } else {
        NullsOrder::Last
    });
    Ok(KeyRow {
        index: number(row, 0)?,
        ordinal: number(row, 1)?,
        is_key: row.get(2) == Some("t"),
        key: IndexKey {
            column: text(3),
            expression: text(4),
            descending,
            nulls,
            opclass: name(6, 7),
            collation: name(8, 9),
        },
    })
}

/// The indexes with their keys, in key order, and INCLUDE columns.
pub(super) fn join(indexes: Vec<IndexRow>, mut keys: Vec<KeyRow>) -> Vec<Child<Index>> {
    keys.sort_by_key(|k| (k.index, k.ordinal));
    let mut by_index: HashMap<u32, Vec<KeyRow>> = HashMap::with_capacity(indexes.len());
    for key in keys {
        by_index.entry(key.index).or_default().push(key);
    }
    indexes
        .into_iter()
        .map(|IndexRow { oid, mut child }| {
            for k in by_index.remove(&oid).unwrap_or_default() {
                if k.is_key {
                    child.item.keys.push(k.key);
                } else if let Some(column) = k.key.column {
                    child.item.include.push(column);
                }
            }
            child
        })
        .collect()
}

fn number<T: std::str::FromStr>(row: &SimpleQueryRow, i: usize) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    row.get(i)
        .ok_or_else(|| format!("field {i} is null"))?
        .parse()
        .map_err(|e| format!("field {i} is not a number: {e}"))
}
