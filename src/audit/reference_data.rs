//! Reference data: small tables of labels that other tables point at (`gender`,
//! `release_status`, `res_currency`, `uom_category`). Their rows are written once and
//! almost never deleted, so a missing index on a foreign key to them costs nothing in
//! practice: findings about them are grouped and marked low priority instead of listed one
//! by one.

use std::collections::BTreeSet;

use crate::model::{Catalog, QualifiedName, Relation};

/// Column names that label a row.
const LABELS: &[&str] = &["name", "code", "label", "title", "symbol", "description"];

/// Everything else a label table may have besides labels and keys to other label tables.
const LABEL_EXTRAS: &[&str] = &[
    "id",
    "gid",
    "uuid",
    "parent",
    "parent_id",
    "child_order",
    "sort_order",
    "position",
    "sequence",
    "active",
    "color",
    "icon",
    "slug",
    "comment",
];

/// Last words of table names that name a kind of label.
const KINDS: &[&str] = &[
    "type",
    "types",
    "status",
    "statuses",
    "kind",
    "kinds",
    "category",
    "categories",
    "gender",
    "genders",
    "language",
    "languages",
    "script",
    "scripts",
    "currency",
    "currencies",
    "country",
    "countries",
    "format",
    "formats",
    "packaging",
    "unit",
    "units",
    "uom",
];

/// Columns that tie a row to a person: such a table holds user data, not labels.
const PEOPLE: &[&str] = &[
    "user_id",
    "owner_id",
    "author_id",
    "created_by",
    "profile_id",
];

/// The tables that look like reference data: at most eight columns besides the schema's
/// bookkeeping ones, one of them a label, no column tying a row to a person, named for a
/// kind of label (`*_type`, `*_status`, `currency`) or holding nothing but labels, ordering
/// and keys, and pointing (beyond themselves and bookkeeping columns) only at other
/// reference data.
pub fn tables(catalog: &Catalog, bookkeeping: &BTreeSet<&str>) -> BTreeSet<QualifiedName> {
    let shaped = |t: &Relation| {
        let own: Vec<&str> = t
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| !bookkeeping.contains(c))
            .collect();
        let kind_name = t
            .name
            .rsplit('_')
            .next()
            .is_some_and(|w| KINDS.contains(&w))
            || t.name.starts_with("uom_");
        let keyed = |c: &str| {
            t.foreign_keys()
                .any(|(k, _)| k.columns.iter().any(|x| x == c))
        };
        let only_labels = own
            .iter()
            .all(|c| LABELS.contains(c) || LABEL_EXTRAS.contains(c) || keyed(c));
        t.kind.is_table()
            && own.len() <= 8
            && own.iter().any(|c| LABELS.contains(c))
            && !own.iter().any(|c| PEOPLE.contains(c))
            && (kind_name || only_labels)
    };
    let mut found: BTreeSet<QualifiedName> = catalog
        .relations
        .iter()
        .filter(|t| shaped(t))
        .map(Relation::qualified_name)
        .collect();
    // Drop tables that point at something that is not reference data, until none does.
    loop {
        let before = found.len();
        let keep: BTreeSet<QualifiedName> = found
            .iter()
            .filter(|q| {
                catalog.relation(&q.schema, &q.name).is_some_and(|t| {
                    t.foreign_keys().all(|(c, fk)| {
                        fk.referenced_table == **q
                            || c.columns
                                .iter()
                                .all(|col| bookkeeping.contains(col.as_str()))
                            || found.contains(&fk.referenced_table)
                    })
                })
            })
            .cloned()
            .collect();
        found = keep;
        if found.len() == before {
            return found;
        }
    }
}
