//! A plain-text summary of a catalog, printed by `pglens SOURCE --summary` and whenever
//! standard output is not a terminal.

pub mod code;

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::Catalog;
use crate::text::visible;

/// Renders the summary. Pure: the caller decides where it goes.
pub fn summary(catalog: &Catalog) -> String {
    let mut out = String::new();
    let meta = &catalog.meta;
    let _ = writeln!(out, "source:   {}", visible(&meta.source_label));
    if let Some(db) = &meta.database {
        let version = meta.server_version.as_deref().unwrap_or("unknown version");
        let _ = writeln!(
            out,
            "database: {} (PostgreSQL {})",
            visible(db),
            visible(version)
        );
    }
    if catalog.is_supabase() {
        let _ = writeln!(
            out,
            "flavour:  Supabase (auth schema and API roles present)"
        );
    }
    let c = catalog.counts();
    let _ = writeln!(
        out,
        "objects:  {} schemas, {} tables, {} views, {} materialized views, {} foreign tables",
        c.schemas, c.tables, c.views, c.materialized_views, c.foreign_tables
    );
    let _ = writeln!(
        out,
        "          {} columns, {} indexes, {} constraints ({} foreign keys), {} policies, {} triggers",
        c.columns, c.indexes, c.constraints, c.foreign_keys, c.policies, c.triggers
    );
    let _ = writeln!(
        out,
        "          {} functions, {} sequences, {} extensions, {} enum types",
        c.functions, c.sequences, c.extensions, c.enums
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "{:<24} {:>7} {:>8} {:>9}",
        "schema", "tables", "RLS on", "policies"
    );
    for (schema, row) in per_schema(catalog) {
        let _ = writeln!(
            out,
            "{:<24} {:>7} {:>8} {:>9}",
            visible(schema),
            row.tables,
            row.rls_on,
            row.policies
        );
    }
    out
}

#[derive(Default)]
struct SchemaRow {
    tables: usize,
    rls_on: usize,
    policies: usize,
}

fn per_schema(catalog: &Catalog) -> BTreeMap<&str, SchemaRow> {
    let mut rows: BTreeMap<&str, SchemaRow> = BTreeMap::new();
    for table in catalog.tables().filter(|t| t.extension.is_none()) {
        let row = rows.entry(table.schema.as_str()).or_default();
        row.tables += 1;
        row.rls_on += usize::from(table.rls_enabled);
        row.policies += table.policies.len();
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_the_demo_names_counts_and_schemas() {
        let text = summary(&crate::source::snapshot::demo());
        assert!(text.contains("source:   demo"), "{text}");
        assert!(text.contains("Supabase"), "{text}");
        assert!(text.lines().any(|l| l.starts_with("public ")), "{text}");
    }
}
