//! Reads a [`Catalog`] from a live database.
//!
//! One `READ ONLY` transaction at `REPEATABLE READ`, so every query sees the same snapshot;
//! `statement_timeout` and `lock_timeout` bound it. One query per object kind, each returning
//! a single JSON document shaped like the model, so serde does the mapping. Only the simple
//! query protocol is used: no named prepared statements, so transaction-mode poolers work.
//! Nothing in this module can change the database: the transaction is read-only and ends in
//! ROLLBACK.

use std::collections::HashMap;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::connect::{classify_query_error, LiveError};
use crate::model::{
    Catalog, Column, Constraint, Domain, EnumType, Extension, Function, Index, Meta, Policy,
    Relation, SchemaDef, Sequence, SourceKind, Trigger,
};

/// Oldest `server_version_num` pglens reads.
pub const MIN_SERVER_VERSION: u32 = 130000;
/// First major version pglens has not been tested against.
pub const FIRST_UNTESTED_VERSION: u32 = 190000;

/// One catalog query: a name for messages and progress, and its text.
struct CatalogQuery {
    what: &'static str,
    sql: &'static str,
}

const META: CatalogQuery = CatalogQuery {
    what: "server settings",
    sql: include_str!("sql/meta.sql"),
};
const SCHEMAS: CatalogQuery = CatalogQuery {
    what: "schemas",
    sql: include_str!("sql/schemas.sql"),
};
const RELATIONS: CatalogQuery = CatalogQuery {
    what: "tables and views",
    sql: include_str!("sql/relations.sql"),
};
const COLUMNS: CatalogQuery = CatalogQuery {
    what: "columns",
    sql: include_str!("sql/columns.sql"),
};
const CONSTRAINTS: CatalogQuery = CatalogQuery {
    what: "constraints",
    sql: include_str!("sql/constraints.sql"),
};
const INDEXES: CatalogQuery = CatalogQuery {
    what: "indexes",
    sql: include_str!("sql/indexes.sql"),
};
const POLICIES: CatalogQuery = CatalogQuery {
    what: "row-level security policies",
    sql: include_str!("sql/policies.sql"),
};
const TRIGGERS: CatalogQuery = CatalogQuery {
    what: "triggers",
    sql: include_str!("sql/triggers.sql"),
};
const FUNCTIONS: CatalogQuery = CatalogQuery {
    what: "functions",
    sql: include_str!("sql/functions.sql"),
};
const SEQUENCES: CatalogQuery = CatalogQuery {
    what: "sequences",
    sql: include_str!("sql/sequences.sql"),
};
const EXTENSIONS: CatalogQuery = CatalogQuery {
    what: "extensions",
    sql: include_str!("sql/extensions.sql"),
};
const ENUMS: CatalogQuery = CatalogQuery {
    what: "enum types",
    sql: include_str!("sql/enums.sql"),
};
const DOMAINS: CatalogQuery = CatalogQuery {
    what: "domains",
    sql: include_str!("sql/domains.sql"),
};

/// How many steps [`introspect`] reports through its progress callback.
pub const STEPS: usize = 13;

/// Progress of an introspection: step `done` of [`STEPS`], now reading `what`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub what: &'static str,
}

/// Options for an introspection.
#[derive(Debug, Clone)]
pub struct IntrospectOptions {
    /// Per-statement limit; a catalog query that runs longer is cancelled by the server.
    pub statement_timeout: Duration,
    /// A label for the source, safe to show (no password).
    pub source_label: String,
}

impl Default for IntrospectOptions {
    fn default() -> Self {
        Self {
            statement_timeout: Duration::from_secs(60),
            source_label: String::new(),
        }
    }
}

/// Reads the whole catalog. `progress` is called before each step.
pub async fn introspect(
    client: &Client,
    options: &IntrospectOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Catalog, LiveError> {
    // Values are integers we format ourselves, never user text.
    let begin = format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; \
         SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = 5000; \
         SET LOCAL search_path = pg_catalog",
        options.statement_timeout.as_millis()
    );
    client
        .batch_execute(&begin)
        .await
        .map_err(|e| classify_query_error(&e, "a read-only transaction"))?;
    let result = read_all(client, options, progress).await;
    // Read-only, so nothing to keep: always roll back. A failure here cannot lose anything.
    let _ = client.batch_execute("ROLLBACK").await;
    result
}

async fn read_all(
    client: &Client,
    options: &IntrospectOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Catalog, LiveError> {
    let mut step = 0;
    let mut next = |what| {
        progress(Progress { done: step, what });
        step += 1;
    };

    next(META.what);
    let raw_meta: RawMeta = fetch(client, &META).await?;
    check_version(&raw_meta)?;

    next(SCHEMAS.what);
    let schemas: Vec<SchemaDef> = fetch(client, &SCHEMAS).await?;
    next(RELATIONS.what);
    let mut relations: Vec<Relation> = fetch(client, &RELATIONS).await?;
    next(COLUMNS.what);
    let columns: Vec<Child<Column>> = fetch(client, &COLUMNS).await?;
    next(CONSTRAINTS.what);
    let constraints: Vec<Child<Constraint>> = fetch(client, &CONSTRAINTS).await?;
    next(INDEXES.what);
    let indexes: Vec<Child<Index>> = fetch(client, &INDEXES).await?;
    next(POLICIES.what);
    let policies: Vec<Child<Policy>> = fetch(client, &POLICIES).await?;
    next(TRIGGERS.what);
    let triggers: Vec<Child<Trigger>> = fetch(client, &TRIGGERS).await?;
    next(FUNCTIONS.what);
    let functions: Vec<Function> = fetch(client, &FUNCTIONS).await?;
    next(SEQUENCES.what);
    let sequences: Vec<Sequence> = fetch(client, &SEQUENCES).await?;
    next(EXTENSIONS.what);
    let extensions: Vec<Extension> = fetch(client, &EXTENSIONS).await?;
    next(ENUMS.what);
    let enums: Vec<EnumType> = fetch(client, &ENUMS).await?;
    next(DOMAINS.what);
    let domains: Vec<Domain> = fetch(client, &DOMAINS).await?;

    attach_children(&mut relations, columns, |r| &mut r.columns);
    attach_children(&mut relations, constraints, |r| &mut r.constraints);
    attach_children(&mut relations, indexes, |r| &mut r.indexes);
    attach_children(&mut relations, policies, |r| &mut r.policies);
    attach_children(&mut relations, triggers, |r| &mut r.triggers);

    let mut roles_present = raw_meta.roles_present.clone();
    roles_present.push("PUBLIC".into());
    Ok(Catalog {
        meta: Meta {
            server_version_num: Some(raw_meta.server_version_num),
            server_version: Some(raw_meta.server_version),
            database: Some(raw_meta.database),
            source: SourceKind::Live,
            source_label: options.source_label.clone(),
            stats_reset: raw_meta.stats_reset,
            stats_age_seconds: raw_meta.stats_age_seconds,
            captured_at: Some(raw_meta.captured_at),
        },
        schemas,
        relations,
        functions,
        sequences,
        extensions,
        enums,
        domains,
        roles_present,
        exposed_schemas: raw_meta.exposed_schemas.map(|s| parse_schema_list(&s)),
    })
}

fn check_version(meta: &RawMeta) -> Result<(), LiveError> {
    if meta.server_version_num < MIN_SERVER_VERSION {
        return Err(LiveError::UnsupportedVersion {
            version: meta.server_version.clone(),
        });
    }
    Ok(())
}

/// True when the server is newer than any version pglens was tested on.
pub fn is_untested_version(catalog: &Catalog) -> bool {
    catalog
        .meta
        .server_version_num
        .is_some_and(|v| v >= FIRST_UNTESTED_VERSION)
}

/// `public, "My Schema"` -> `["public", "My Schema"]`, as PostgREST reads the setting.
fn parse_schema_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().trim_matches('"').to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Runs one catalog query and decodes its single JSON value.
async fn fetch<T: DeserializeOwned>(client: &Client, query: &CatalogQuery) -> Result<T, LiveError> {
    let messages = client
        .simple_query(query.sql)
        .await
        .map_err(|e| classify_query_error(&e, query.what))?;
    let text = messages
        .iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(row) => row.get(0),
            _ => None,
        })
        .ok_or_else(|| LiveError::Decode {
            what: query.what.into(),
            detail: "the query returned no rows".into(),
        })?;
    serde_json::from_str(text).map_err(|e| LiveError::Decode {
        what: query.what.into(),
        detail: e.to_string(),
    })
}

/// A row of a child query: the owning relation and the child itself.
#[derive(Deserialize)]
struct Child<T> {
    schema: String,
    table: String,
    item: T,
}

/// Moves each child onto its relation. Children arrive sorted, so order is preserved.
fn attach_children<T>(
    relations: &mut [Relation],
    children: Vec<Child<T>>,
    field: impl Fn(&mut Relation) -> &mut Vec<T>,
) {
    let index: HashMap<(&str, &str), usize> = relations
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.schema.as_str(), r.name.as_str()), i))
        .collect();
    let mut placed: Vec<(usize, T)> = Vec::with_capacity(children.len());
    for child in children {
        // A child of a relation the relations query did not return (e.g. created between
        // queries cannot happen in one snapshot; an index on a TOAST table can) is skipped.
        if let Some(&i) = index.get(&(child.schema.as_str(), child.table.as_str())) {
            placed.push((i, child.item));
        }
    }
    for (i, item) in placed {
        field(&mut relations[i]).push(item);
    }
}

#[derive(Deserialize)]
struct RawMeta {
    server_version_num: u32,
    server_version: String,
    database: String,
    captured_at: String,
    stats_reset: Option<String>,
    stats_age_seconds: Option<f64>,
    roles_present: Vec<String>,
    exposed_schemas: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_list_parsing() {
        assert_eq!(
            parse_schema_list(r#"public, storage,"My Schema" ,"#),
            ["public", "storage", "My Schema"]
        );
    }
}
