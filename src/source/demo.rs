//! The embedded demo: the snapshot of `assets/demo/schema.sql`, plus made-up usage
//! statistics (`assets/demo/usage.toml`) so that the cleanup review has something to show.
//! The statistics are labelled as invented in that file and in the README.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::snapshot;
use crate::model::{Catalog, SourceKind, TableStats};

const DEMO_SNAPSHOT: &str = include_str!("../../assets/demo/demo.snapshot.json");
const DEMO_USAGE: &str = include_str!("../../assets/demo/usage.toml");

/// The statistics window the usage file describes: its reset and capture times.
const STATS_WINDOW_DAYS: f64 = 30.0;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Usage {
    stats_reset: String,
    captured_at: String,
    default: Profile,
    tables: BTreeMap<String, Profile>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Profile {
    rows: i64,
    kb: i64,
    seq: i64,
    idx: i64,
    ins: i64,
    upd: i64,
    del: i64,
    vacuum: Option<String>,
    analyze: Option<String>,
    /// Last scan; tables that were read default to the capture time.
    read: Option<String>,
}

impl Profile {
    fn stats(&self, captured_at: &str) -> TableStats {
        let total = self.kb * 1024;
        let indexes = total / 5;
        TableStats {
            estimated_rows: Some(self.rows),
            total_bytes: Some(total),
            table_bytes: Some(total - indexes),
            index_bytes: Some(indexes),
            seq_scans: Some(self.seq),
            // A sequential scan reads the whole table (one that stops at a LIMIT is rarer).
            seq_rows_read: Some(self.seq.saturating_mul(self.rows)),
            index_scans: Some(self.idx),
            inserts: Some(self.ins),
            updates: Some(self.upd),
            deletes: Some(self.del),
            live_rows: Some(self.rows),
            dead_rows: Some(self.upd / 10),
            last_vacuum: None,
            last_autovacuum: self.vacuum.clone(),
            last_analyze: None,
            last_autoanalyze: self.analyze.clone(),
            last_read: self
                .read
                .clone()
                .or_else(|| (self.seq + self.idx > 0).then(|| captured_at.to_string())),
        }
    }
}

/// The demo catalog, statistics included.
pub fn catalog() -> Catalog {
    // Both embedded files are checked by tests; an error here is a build defect, shown as an
    // empty catalog labelled with the reason rather than a crash.
    let result = snapshot::from_json(DEMO_SNAPSHOT, "embedded demo")
        .map_err(|e| e.to_string())
        .and_then(|c| with_usage(c, DEMO_USAGE));
    let mut catalog = result.unwrap_or_else(|e| Catalog {
        meta: crate::model::Meta {
            source_label: format!("demo (unreadable: {e})"),
            ..Default::default()
        },
        ..Default::default()
    });
    catalog.meta.source = SourceKind::Demo;
    if catalog.meta.source_label.is_empty() {
        catalog.meta.source_label = "demo".into();
    }
    catalog
}

/// The catalog with the usage file's statistics on every ordinary table of `public`.
fn with_usage(mut catalog: Catalog, text: &str) -> Result<Catalog, String> {
    let usage: Usage = toml::from_str(text).map_err(|e| format!("demo usage: {e}"))?;
    if let Some(unknown) = usage
        .tables
        .keys()
        .find(|t| catalog.relation("public", t).is_none())
    {
        return Err(format!("demo usage names {unknown}, which the demo lacks"));
    }
    for r in catalog
        .relations
        .iter_mut()
        .filter(|r| r.schema == "public" && r.kind.is_table())
    {
        let profile = usage.tables.get(&r.name).unwrap_or(&usage.default);
        r.stats = Some(profile.stats(&usage.captured_at));
    }
    catalog.meta.stats_reset = Some(usage.stats_reset);
    catalog.meta.captured_at = Some(usage.captured_at);
    catalog.meta.stats_age_seconds = Some(STATS_WINDOW_DAYS * 86_400.0);
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_carries_its_usage() {
        let demo = catalog();
        assert_eq!(demo.meta.source_label, "demo");
        let audit_log = demo.relation("public", "audit_log").unwrap();
        let stats = audit_log.stats.as_ref().unwrap();
        assert_eq!(
            (stats.estimated_rows, stats.index_scans),
            (Some(184_000), Some(0))
        );
        assert!(demo.relation("public", "leads").unwrap().stats.is_some());
        assert!(demo.relation("auth", "users").unwrap().stats.is_none());
    }

    #[test]
    fn unknown_tables_in_the_usage_file_are_refused() {
        let snapshot = snapshot::from_json(DEMO_SNAPSHOT, "demo").unwrap();
        let text = DEMO_USAGE.replace("\ntenants =", "\ntenantz =");
        let e = with_usage(snapshot, &text).unwrap_err();
        assert!(e.contains("tenantz"), "{e}");
    }
}
