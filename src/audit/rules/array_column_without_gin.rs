//! # array-column-without-gin
//!
//! ## What it finds
//! Array columns (`text[]`, `uuid[]`, ...) of the application's tables with no valid GIN index
//! whose first key is the column, when they are searched for a member: a tag-like name (`tags`,
//! `labels`, `categories`, `keywords`, `roles`, `scopes`, ...) or a function body, policy or view
//! that uses `@>`, `<@`, `&&` or `= ANY (...)` on them. An array read whole (an embedding, a list
//! of addresses) is left alone. Partitions are not checked one by one; their parent table is.
//!
//! ## Why it matters
//! A B-tree index cannot answer "does this array contain X", so searches such as
//! `tags @> ARRAY['urgent']` or `tags && ARRAY['urgent', 'late']` read every row of the table. A
//! GIN index indexes each element and turns them into an index lookup, often orders of magnitude
//! faster on a large table. (`'urgent' = ANY(tags)` cannot use a GIN index either: write it as
//! `tags @> ARRAY['urgent']`.)
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id bigint PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}');
//! SELECT * FROM projects WHERE tags @> ARRAY['urgent'];   -- reads the whole table
//! ```
//!
//! ## Fix
//! Create a GIN index on the column. pglens drafts
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_<table>_<column> ON ... USING gin (<column>)`. If
//! nobody searches inside the array, skip the index and suppress the finding: a GIN index makes
//! writes to the column slower and takes space.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: building an index changes no data, and `CONCURRENTLY` lets
//! reads and writes go on while it builds.
//! - `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block: run it on its own, not
//!   inside a migration tool's transaction.
//! - On a large table the build takes a while and adds I/O load; it also waits for transactions
//!   already using the table to finish.
//! - A build that fails or is cancelled leaves an invalid index of that name behind, and
//!   `IF NOT EXISTS` then skips it on a retry: drop the invalid index first (see invalid-index).
//!   Likewise, if an index of that name already exists (say a B-tree), nothing is created.
//! - PostgreSQL refuses `CONCURRENTLY` on a partitioned table: there pglens drafts the index on
//!   the parent without it, for review, since it blocks writes while it builds; on big
//!   partitions create each partition's index concurrently first.

use super::prelude::*;

pub struct ArrayColumnWithoutGin;

static META: RuleMeta = RuleMeta {
    id: "array-column-without-gin",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Array column without a GIN index",
    counterparts: &[],
};

/// `CREATE INDEX CONCURRENTLY ... USING gin (column)`, shared with the jsonb rule.
pub fn gin_index_fix(t: &Relation, column: &str) -> Fix {
    Fix::index_build(
        t,
        fix::create_index(
            t,
            &fix::index_name(t, &[column]),
            "gin",
            &[fix::KeySpec::asc(column)],
        ),
    )
}

/// Whether some valid GIN index leads with `column`.
pub fn has_gin(t: &Relation, column: &str) -> bool {
    t.indexes
        .iter()
        .any(|i| i.valid && i.method == "gin" && i.leading_columns().next() == Some(column))
}

/// Names of arrays that are searched for a member: tags and their kin.
fn tag_like(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "tags",
        "tag",
        "labels",
        "label",
        "categories",
        "keywords",
        "topics",
        "roles",
        "permissions",
        "scopes",
        "flags",
        "groups",
        "skills",
        "interests",
    ];
    name.split('_').any(|w| WORDS.contains(&w))
}

/// Function bodies, policy conditions and view definitions, lower-cased.
fn searched_texts(cx: &Context<'_>) -> Vec<String> {
    let functions = cx
        .catalog
        .functions
        .iter()
        .filter_map(|f| f.body.as_deref());
    let relations = cx.catalog.relations.iter().flat_map(|r| {
        r.policies
            .iter()
            .flat_map(|p| [p.using.as_deref(), p.with_check.as_deref()])
            .chain([r.view_definition.as_deref()])
            .flatten()
    });
    functions.chain(relations).map(str::to_lowercase).collect()
}

/// Whether some text searches the column with a containment or overlap operator or
/// `= ANY (column)`.
fn searched_by_containment(texts: &[String], column: &str) -> bool {
    let column = column.to_lowercase();
    texts.iter().any(|t| {
        t.match_indices(column.as_str()).any(|(at, _)| {
            let around = &t[at.saturating_sub(12)..(at + column.len() + 12).min(t.len())];
            ["@>", "<@", "&&", "any ("]
                .iter()
                .any(|op| around.contains(op))
                || around.contains("any(")
        })
    })
}

impl Rule for ArrayColumnWithoutGin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let texts = searched_texts(cx);
        for t in cx.user_tables() {
            for c in &t.columns {
                if !matches!(c.type_kind, TypeKind::Array { .. }) || has_gin(t, &c.name) {
                    continue;
                }
                // A GIN index serves containment searches; an array nobody searches that
                // way (an embedding, a list of ids read whole) does not need one.
                if !tag_like(&c.name) && !searched_by_containment(&texts, &c.name) {
                    continue;
                }
                let fix = gin_index_fix(t, &c.name);
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "array column {}.{}.{} has no GIN index; containment searches scan the table",
                            t.schema, t.name, c.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
