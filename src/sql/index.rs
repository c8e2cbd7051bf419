//! `CREATE INDEX` rendered from the model, in the form `pg_get_indexdef` prints, so live
//! and offline sources show the same text.

use std::fmt::Write;

use super::{ident, literal, qualified, qualified_name};
use crate::model::{Index, IndexKey, NullsOrder, QualifiedName, Relation, RelationKind};

/// The `CREATE INDEX` statement for `index` on `table`, in the form `pg_get_indexdef` prints.
pub fn create_index(table: &Relation, index: &Index) -> String {
    let mut sql = String::from("CREATE ");
    if index.unique {
        sql.push_str("UNIQUE ");
    }
    let only = if table.kind == RelationKind::PartitionedTable {
        "ONLY "
    } else {
        ""
    };
    let _ = write!(
        sql,
        "INDEX {} ON {only}{} USING {} ({})",
        ident(&index.name),
        qualified(&table.schema, &table.name),
        index.method,
        index_keys(index)
    );
    if !index.include.is_empty() {
        let cols: Vec<String> = index.include.iter().map(|c| ident(c)).collect();
        let _ = write!(sql, " INCLUDE ({})", cols.join(", "));
    }
    if index.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if !index.options.is_empty() {
        let opts: Vec<String> = index
            .options
            .iter()
            .map(|o| match o.split_once('=') {
                Some((k, v)) => format!("{k}={}", literal(v)),
                None => o.clone(),
            })
            .collect();
        let _ = write!(sql, " WITH ({})", opts.join(", "));
    }
    if let Some(predicate) = &index.predicate {
        // The predicate is kept as the server prints it unprettified: already parenthesised.
        let _ = write!(sql, " WHERE {predicate}");
    }
    sql
}

fn index_keys(index: &Index) -> String {
    let keys: Vec<String> = index.keys.iter().map(key).collect();
    keys.join(", ")
}

/// One index key as `CREATE INDEX` writes it: the column or expression, then a collation
/// and an operator class other than the defaults, the direction and the NULLs order.
pub fn key(k: &IndexKey) -> String {
    let mut key = match (&k.column, &k.expression) {
        (Some(c), _) => ident(c),
        // The server's per-key text is already parenthesised as CREATE INDEX needs.
        (None, Some(e)) => e.clone(),
        (None, None) => String::new(),
    };
    if let Some(c) = &k.collation {
        let _ = write!(key, " COLLATE {}", catalog_object_name(c));
    }
    if let Some(o) = &k.opclass {
        let _ = write!(key, " {}", catalog_object_name(o));
    }
    if k.descending {
        key.push_str(" DESC");
    }
    match k.nulls {
        Some(NullsOrder::First) => key.push_str(" NULLS FIRST"),
        Some(NullsOrder::Last) => key.push_str(" NULLS LAST"),
        None => {}
    }
    key
}

/// Built-in operator classes and collations print bare, as `pg_get_indexdef` does.
fn catalog_object_name(o: &QualifiedName) -> String {
    if o.schema == "pg_catalog" {
        ident(&o.name)
    } else {
        qualified_name(o)
    }
}
