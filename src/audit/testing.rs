//! Running one rule on a catalog from [`crate::model::testing::CatalogBuilder`].

use crate::audit::{self, Finding, Selection};
use crate::model::Catalog;

/// The findings of one rule on a catalog.
pub fn findings_of(catalog: &Catalog, rule: &str) -> Vec<Finding> {
    audit::run(
        catalog,
        &Selection {
            only: vec![rule.into()],
            skip: Vec::new(),
        },
    )
}

/// The objects one rule reports, as `schema.table.name` paths, sorted.
pub fn reported(catalog: &Catalog, rule: &str) -> Vec<String> {
    let mut paths: Vec<String> = findings_of(catalog, rule)
        .iter()
        .map(|f| f.object.path())
        .collect();
    paths.sort();
    paths
}
