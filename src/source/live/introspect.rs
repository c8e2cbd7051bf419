//! Reads a [`Catalog`] from a live database.
//!
//! One `READ ONLY` transaction at `REPEATABLE READ`, so every query sees the same snapshot;
//! `statement_timeout` and `lock_timeout` bound it. One query per object kind, each returning
//! a single JSON document shaped like the model, so serde does the mapping; the largest
//! (relations, columns, indexes and their keys, constraints) return plain rows instead,
//! decoded in `relations.rs`, `columns.rs`, `indexes.rs` and `constraints.rs`, because
//! building a JSON object per row cost the server more than reading the catalogs. Only the simple
//! query protocol is used: no named prepared statements, so transaction-mode poolers work.
//! Nothing in this module can change the database: the transaction is read-only and ends in
//! ROLLBACK.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::connect::{classify_query_error, LiveError};
use super::constraints::{self, ConstraintRow};
use super::indexes;
use crate::model::version::{Feature, FIRST_UNTESTED, MIN_SUPPORTED, SUPPORTED_RANGE};
use crate::model::{
    Bucket, Catalog, Column, CompositeType, DefaultPrivilege, Domain, EnumType, Extension,
    Function, Index, Meta, Policy, Publication, Relation, Role, SchemaDef, Sequence, SourceKind,
    Trigger, API_ROLES,
};

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
const INDEX_KEYS: CatalogQuery = CatalogQuery {
    what: "index keys",
    sql: include_str!("sql/index_keys.sql"),
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
const COMPOSITES: CatalogQuery = CatalogQuery {
    what: "composite types",
    sql: include_str!("sql/composites.sql"),
};
const PUBLICATIONS: CatalogQuery = CatalogQuery {
    what: "publications",
    sql: include_str!("sql/publications.sql"),
};
const DEFAULT_PRIVILEGES: CatalogQuery = CatalogQuery {
    what: "default privileges",
    sql: include_str!("sql/default_privileges.sql"),
};
/// Run only when the server settings say `storage.buckets` can be read.
const BUCKETS: CatalogQuery = CatalogQuery {
    what: "storage buckets",
    sql: include_str!("sql/buckets.sql"),
};

// Queries for what only newer servers have, each run only where its feature exists
// (`model::version::Feature`); everything else reads the same on every supported version.

/// [`Feature::NullsNotDistinct`]: `pg_index.indnullsnotdistinct`.
const NULLS_NOT_DISTINCT: CatalogQuery = CatalogQuery {
    what: "NULLS NOT DISTINCT indexes",
    sql: include_str!("sql/nulls_not_distinct.sql"),
};
/// [`Feature::LastScanTimes`]: `pg_stat_all_tables.last_seq_scan` / `last_idx_scan`.
const LAST_SCANS: CatalogQuery = CatalogQuery {
    what: "last scan times",
    sql: include_str!("sql/last_scans.sql"),
};

/// How many steps [`introspect`] reports through its progress callback (at most).
pub const STEPS: usize = 20;

/// Progress of an introspection: step `done` of [`STEPS`], now reading `what`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub what: &'static str,
}

/// The `what` of offline progress, whose `done` is a percentage.
const SQL_FILES: &str = "SQL files";

impl Progress {
    /// Before the first query: the connection is being made (TLS, authentication), which
    /// can take up to connect_timeout on a slow or distant server.
    pub const CONNECTING: Progress = Progress {
        done: 0,
        what: "connecting",
    };

    /// Before the source is even opened: the loader has just started.
    pub const STARTING: Progress = Progress {
        done: 0,
        what: "starting",
    };

    /// Reading SQL files offline, `percent` of their bytes done.
    pub fn sql_files(percent: usize) -> Progress {
        Progress {
            done: percent,
            what: SQL_FILES,
        }
    }

    /// What a status line says: `opening the source…`, `connecting…`, `reading indexes (3/9)…` or
    /// `reading SQL files (40%)…`.
    pub fn describe(&self) -> String {
        if *self == Progress::CONNECTING {
            "connecting…".into()
        } else if *self == Progress::STARTING {
            "opening the source…".into()
        } else if self.what == SQL_FILES {
            format!("reading {SQL_FILES} ({}%)…", self.done)
        } else {
            format!("reading {} ({}/{STEPS})…", self.what, self.done + 1)
        }
    }
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

/// Reads the whole catalog over `primary`, sharing the work with `helper` when one is given.
///
/// With a helper, `primary` exports its snapshot and the helper imports it, so both see
/// exactly the same catalog state and the model is as consistent as a single transaction's.
/// If the helper cannot join (a statement-mode pooler, an old server, a permission), the
/// work runs on `primary` alone. `progress` is called as each query is sent.
pub async fn introspect(
    primary: &Client,
    helper: Option<&Client>,
    options: &IntrospectOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Catalog, LiveError> {
    begin(primary, options, None)
        .await
        .map_err(|e| classify_query_error(&e, "a read-only transaction"))?;
    let helper = match helper {
        Some(h) => join_snapshot(primary, h, options).await,
        None => None,
    };
    let stepper = RefCell::new(Stepper { done: 0, progress });
    let result = read_all(primary, helper.unwrap_or(primary), options, &stepper).await;
    // Read-only, so nothing to keep: always roll back. A failure here cannot lose anything.
    if let Some(h) = helper {
        let _ = h.batch_execute("ROLLBACK").await;
    }
    let _ = primary.batch_execute("ROLLBACK").await;
    result
}

/// Starts the read-only transaction, optionally on an exported snapshot.
async fn begin(
    client: &Client,
    options: &IntrospectOptions,
    snapshot: Option<&str>,
) -> Result<(), tokio_postgres::Error> {
    // SET TRANSACTION SNAPSHOT must come before any other statement of the transaction.
    let import = snapshot
        .map(|id| format!("SET TRANSACTION SNAPSHOT {}; ", quote_literal(id)))
        .unwrap_or_default();
    // The timeout is an integer we format ourselves, never user text.
    let sql = format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; {import}\
         SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = 5000; \
         SET LOCAL search_path = pg_catalog",
        options.statement_timeout.as_millis()
    );
    client.batch_execute(&sql).await
}

/// Moves `helper` onto `primary`'s snapshot; None if that is not possible here.
async fn join_snapshot<'a>(
    primary: &Client,
    helper: &'a Client,
    options: &IntrospectOptions,
) -> Option<&'a Client> {
    let messages = match primary.simple_query("SELECT pg_export_snapshot()").await {
        Ok(m) => m,
        Err(_) => {
            // The failed call aborted the primary's transaction (a pooler, a revoked
            // function): start it again and read everything over one connection. If the
            // new BEGIN fails too, the first query says why.
            let _ = primary.batch_execute("ROLLBACK").await;
            let _ = begin(primary, options, None).await;
            return None;
        }
    };
    let id = messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => row.get(0).map(str::to_string),
        _ => None,
    })?;
    match begin(helper, options, Some(&id)).await {
        Ok(()) => Some(helper),
        Err(_) => {
            let _ = helper.batch_execute("ROLLBACK").await;
            None
        }
    }
}

/// A string literal for SQL: single quotes doubled, standard_conforming_strings assumed on
/// (the default since 9.1, and set by every pooler we know).
fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Counts steps and forwards them to the caller's progress callback.
struct Stepper<'a> {
    done: usize,
    progress: &'a mut dyn FnMut(Progress),
}

/// What the catalog queries return, before assembly.
struct Parts {
    meta: RawMeta,
    schemas: Vec<SchemaDef>,
    relations: Vec<Relation>,
    columns: Vec<Child<Column>>,
    constraints: Vec<ConstraintRow>,
    indexes: Vec<Child<Index>>,
    policies: Vec<Child<Policy>>,
    triggers: Vec<Child<Trigger>>,
    functions: Vec<Function>,
    sequences: Vec<Sequence>,
    extensions: Vec<Extension>,
    enums: Vec<EnumType>,
    domains: Vec<Domain>,
    composites: Vec<CompositeType>,
    publications: Vec<Publication>,
    default_privileges: Vec<DefaultPrivilege>,
    buckets: Vec<Bucket>,
}

/// Runs every catalog query: the version check first, then two lanes of roughly equal cost
/// (they run side by side when `a` and `b` are different connections, and pipelined on one
/// connection otherwise).
async fn read_all(
    a: &Client,
    b: &Client,
    options: &IntrospectOptions,
    stepper: &RefCell<Stepper<'_>>,
) -> Result<Catalog, LiveError> {
    let meta: RawMeta = fetch(a, &META, stepper).await?;
    check_version(&meta)?;
    let version = meta.server_version_num;
    // The columns and relations queries of a few thousand tables pass the planner's
    // jit_above_cost, and compiling them took longer (50-120 ms each, more on a backend
    // loading LLVM for the first time) than running them. Only where the server knows
    // the setting: a failed SET would abort the transaction, and with it the load.
    let clients: &[&Client] = if std::ptr::eq(a, b) { &[a] } else { &[a, b] };
    for client in clients {
        client
            .batch_execute(
                "SELECT set_config('jit', 'off', true) WHERE current_setting('jit', true) IS NOT NULL",
            )
            .await
            .map_err(|e| classify_query_error(&e, "the JIT setting"))?;
    }
    let lane_a = async {
        let nnd: Vec<IndexRef> = if Feature::NullsNotDistinct.in_version(version) {
            fetch(a, &NULLS_NOT_DISTINCT, stepper).await?
        } else {
            Vec::new()
        };
        Ok::<_, LiveError>((
            nnd,
            fetch_rows(a, &INDEXES, stepper, indexes::decode_index).await?,
            fetch_rows(a, &INDEX_KEYS, stepper, indexes::decode_key).await?,
            fetch(a, &POLICIES, stepper).await?,
            fetch(a, &SCHEMAS, stepper).await?,
            fetch(a, &FUNCTIONS, stepper).await?,
            fetch(a, &SEQUENCES, stepper).await?,
            fetch(a, &PUBLICATIONS, stepper).await?,
            fetch(a, &DEFAULT_PRIVILEGES, stepper).await?,
            fetch(a, &COMPOSITES, stepper).await?,
        ))
    };
    // The lanes as measured on 5,000 tables: a) indexes ~100 ms, index keys ~135,
    // policies ~210 (pg_get_expr locks and opens every table with a policy; no other
    // query opens tables); b) relations ~50, columns ~300 (60,000 rows), constraints ~170.
    let lane_b = async {
        Ok::<_, LiveError>((
            fetch_rows(b, &RELATIONS, stepper, super::relations::decode).await?,
            fetch_rows(b, &COLUMNS, stepper, super::columns::decode).await?,
            fetch_rows(b, &CONSTRAINTS, stepper, constraints::decode).await?,
            fetch(b, &TRIGGERS, stepper).await?,
            fetch(b, &EXTENSIONS, stepper).await?,
            fetch(b, &ENUMS, stepper).await?,
            fetch(b, &DOMAINS, stepper).await?,
            if meta.buckets_readable {
                fetch(b, &BUCKETS, stepper).await?
            } else {
                Vec::new()
            },
            if Feature::LastScanTimes.in_version(version) {
                fetch(b, &LAST_SCANS, stepper).await?
            } else {
                Vec::new()
            },
        ))
    };
    let (
        (
            nnd,
            indexes,
            index_keys,
            policies,
            schemas,
            functions,
            sequences,
            publications,
            default_privileges,
            composites,
        ),
        (
            relations,
            columns,
            constraints,
            triggers,
            extensions,
            enums,
            domains,
            buckets,
            last_scans,
        ),
    ) = tokio::try_join!(lane_a, lane_b)?;
    let mut indexes = indexes::join(indexes, index_keys);
    mark_nulls_not_distinct(&mut indexes, &nnd);
    let mut relations: Vec<Relation> = relations;
    mark_last_reads(&mut relations, last_scans);
    if version < 140_000 {
        forget_unanalyzed_sizes(&mut relations);
    }
    let installed = super::workload::Extensions {
        stat_statements: meta.stat_statements_schema.clone(),
        hypopg: meta.hypopg_schema.clone(),
    };
    let mut catalog = assemble(
        Parts {
            meta,
            schemas,
            relations,
            columns,
            constraints,
            indexes,
            policies,
            triggers,
            functions,
            sequences,
            extensions,
            enums,
            domains,
            composites,
            publications,
            default_privileges,
            buckets,
        },
        options,
    );
    // Last, on one connection: it reads the finished catalog to resolve names.
    super::workload::read(a, &installed, &mut catalog).await;
    Ok(catalog)
}

/// When a table was last read.
#[derive(Deserialize)]
struct LastScan {
    schema: String,
    table: String,
    last_read: String,
}

fn mark_last_reads(relations: &mut [Relation], scans: Vec<LastScan>) {
    let mut by_name: std::collections::HashMap<(String, String), String> = scans
        .into_iter()
        .map(|s| ((s.schema, s.table), s.last_read))
        .collect();
    for r in relations {
        if let (Some(stats), Some(at)) = (
            r.stats.as_mut(),
            by_name.remove(&(r.schema.clone(), r.name.clone())),
        ) {
            stats.last_read = Some(at);
        }
    }
}

/// PostgreSQL 13 reports `reltuples = 0` (not -1) for a table never vacuumed or analyzed,
/// so "0 rows, 0 bytes" there means "not counted yet" unless a vacuum or analyze ran.
fn forget_unanalyzed_sizes(relations: &mut [Relation]) {
    for stats in relations.iter_mut().filter_map(|r| r.stats.as_mut()) {
        let never_counted = [
            &stats.last_vacuum,
            &stats.last_autovacuum,
            &stats.last_analyze,
            &stats.last_autoanalyze,
        ]
        .iter()
        .all(|t| t.is_none());
        if never_counted && stats.estimated_rows == Some(0) && stats.table_bytes == Some(0) {
            stats.estimated_rows = None;
            stats.table_bytes = None;
        }
    }
}

/// An index named by its table.
#[derive(Deserialize)]
struct IndexRef {
    schema: String,
    table: String,
    index: String,
}

fn mark_nulls_not_distinct(indexes: &mut [Child<Index>], marked: &[IndexRef]) {
    for m in marked {
        if let Some(child) = indexes
            .iter_mut()
            .find(|c| c.schema == m.schema && c.table == m.table && c.item.name == m.index)
        {
            child.item.nulls_not_distinct = true;
        }
    }
}

/// Builds the catalog from the queries' results, in a stable order.
fn assemble(p: Parts, options: &IntrospectOptions) -> Catalog {
    let mut relations = p.relations;
    attach_children(&mut relations, p.columns, |r| &mut r.columns);
    // Constraints name their columns by position, so they come after the columns.
    for relation in &mut relations {
        relation.columns.sort_by_key(|c| c.position);
    }
    let constraints = constraints::name_columns(&relations, p.constraints);
    attach_children(&mut relations, constraints, |r| &mut r.constraints);
    attach_children(&mut relations, p.indexes, |r| &mut r.indexes);
    attach_children(&mut relations, p.policies, |r| &mut r.policies);
    attach_children(&mut relations, p.triggers, |r| &mut r.triggers);
    for relation in &mut relations {
        sort_children(relation);
        add_index_totals(relation);
    }
    relations.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    let mut schemas = p.schemas;
    schemas.sort_by(|a, b| a.name.cmp(&b.name));
    let mut functions = p.functions;
    functions.sort_by(|a, b| {
        (&a.schema, &a.name, &a.identity_arguments).cmp(&(
            &b.schema,
            &b.name,
            &b.identity_arguments,
        ))
    });
    let mut sequences = p.sequences;
    sequences.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    let mut extensions = p.extensions;
    extensions.sort_by(|a, b| a.name.cmp(&b.name));
    let mut enums = p.enums;
    enums.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    let mut domains = p.domains;
    domains.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    let mut composites = p.composites;
    composites.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));

    let meta = p.meta;
    let roles = relevant_roles(meta.roles, &relations);
    let mut roles_present = meta.roles_present;
    roles_present.push("PUBLIC".into());
    Catalog {
        meta: Meta {
            server_version_num: Some(meta.server_version_num),
            server_version: Some(meta.server_version),
            database: Some(meta.database),
            source: SourceKind::Live,
            source_label: options.source_label.clone(),
            stats_reset: meta.stats_reset,
            stats_age_seconds: meta.stats_age_seconds,
            server_age_seconds: meta.server_age_seconds,
            captured_at: Some(meta.captured_at),
            search_path: Some(meta.search_path),
        },
        schemas,
        relations,
        functions,
        sequences,
        extensions,
        enums,
        domains,
        composites,
        roles_present,
        roles,
        exposed_schemas: meta.exposed_schemas.map(|s| parse_schema_list(&s)),
        migrations: None,
        publications: p.publications,
        default_privileges: p.default_privileges,
        buckets: p.buckets,
        code: None,
        workload: None,
    }
}

/// The cluster's roles that bear on this database: superusers, the API roles, every role
/// that owns a relation, holds a grant on one or is named by a policy, and every role that
/// inherits from one of those. Roles are cluster-wide; the rest belong to other databases.
fn relevant_roles(roles: Vec<Role>, relations: &[Relation]) -> Vec<Role> {
    let mut named: HashSet<&str> = API_ROLES.into_iter().collect();
    for r in relations {
        named.insert(&r.owner);
        let grants = r
            .grants
            .iter()
            .chain(r.columns.iter().flat_map(|c| &c.grants));
        named.extend(grants.map(|g| g.grantee.as_str()));
        named.extend(r.policies.iter().flat_map(|p| &p.roles).map(String::as_str));
    }
    let keep: Vec<bool> = roles
        .iter()
        .map(|role| {
            role.superuser
                || named.contains(role.name.as_str())
                || role.member_of.iter().any(|m| named.contains(m.as_str()))
        })
        .collect();
    roles
        .into_iter()
        .zip(keep)
        .filter_map(|(role, keep)| keep.then_some(role))
        .collect()
}

fn check_version(meta: &RawMeta) -> Result<(), LiveError> {
    if meta.server_version_num < MIN_SUPPORTED {
        return Err(LiveError::UnsupportedVersion {
            version: meta.server_version.clone(),
        });
    }
    Ok(())
}

/// A warning for a server newer than any version pglens was tested on: it is read as the
/// newest known one, which may miss what the new version added.
pub fn version_warning(catalog: &Catalog) -> Option<String> {
    let untested = catalog
        .meta
        .server_version_num
        .is_some_and(|v| v >= FIRST_UNTESTED);
    untested.then(|| {
        format!(
            "PostgreSQL {} is newer than the versions pglens was tested with ({SUPPORTED_RANGE}); \
             it is read as PostgreSQL 18 and what it added may be missing",
            catalog.meta.server_version.as_deref().unwrap_or("?")
        )
    })
}

/// `public, "My Schema"` -> `["public", "My Schema"]`, as PostgREST reads the setting.
fn parse_schema_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().trim_matches('"').to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Runs one catalog query and decodes its single JSON value.
async fn fetch<T: DeserializeOwned>(
    client: &Client,
    query: &CatalogQuery,
    stepper: &RefCell<Stepper<'_>>,
) -> Result<T, LiveError> {
    let messages = run(client, query, stepper).await?;
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

/// Runs one catalog query that returns plain rows and decodes each with `decode`.
async fn fetch_rows<T>(
    client: &Client,
    query: &CatalogQuery,
    stepper: &RefCell<Stepper<'_>>,
    decode: impl Fn(&tokio_postgres::SimpleQueryRow) -> Result<T, String>,
) -> Result<Vec<T>, LiveError> {
    let messages = run(client, query, stepper).await?;
    messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(decode(row)),
            _ => None,
        })
        .collect::<Result<_, _>>()
        .map_err(|detail| LiveError::Decode {
            what: query.what.into(),
            detail,
        })
}

/// Reports the step, then sends the query.
async fn run(
    client: &Client,
    query: &CatalogQuery,
    stepper: &RefCell<Stepper<'_>>,
) -> Result<Vec<SimpleQueryMessage>, LiveError> {
    {
        // Not held across the await below: the two lanes share it on one task.
        let mut s = stepper.borrow_mut();
        let done = s.done;
        (s.progress)(Progress {
            done,
            what: query.what,
        });
        s.done += 1;
    }
    client
        .simple_query(query.sql)
        .await
        .map_err(|e| classify_query_error(&e, query.what))
}

/// A row of a child query: the owning relation and the child itself.
#[derive(Deserialize)]
pub(super) struct Child<T> {
    pub(super) schema: String,
    pub(super) table: String,
    pub(super) item: T,
}

/// Puts children in a stable order: columns by position, everything else by name. Sorting
/// here rather than in SQL keeps the order independent of the server's collation and
/// spares the server a sort on JSON keys.
fn sort_children(relation: &mut Relation) {
    relation.columns.sort_by_key(|c| c.position);
    relation.constraints.sort_by(|a, b| a.name.cmp(&b.name));
    relation.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    relation.policies.sort_by(|a, b| a.name.cmp(&b.name));
    relation.triggers.sort_by(|a, b| a.name.cmp(&b.name));
    relation.reads.sort();
}

/// The relations query reads heap + TOAST size only and no index scans; indexes bring their
/// own sizes and scans, so the table's totals are added up here instead of asking the server
/// twice (the pg_stat_all_tables view would aggregate them over the whole database).
fn add_index_totals(relation: &mut Relation) {
    let Some(stats) = relation.stats.as_mut() else {
        return;
    };
    let index_bytes: i64 = relation.indexes.iter().filter_map(|i| i.size_bytes).sum();
    stats.index_bytes = Some(index_bytes);
    stats.total_bytes = stats.table_bytes.map(|t| t + index_bytes);
    if relation.kind.is_table() || relation.kind == crate::model::RelationKind::MaterializedView {
        stats.index_scans = Some(relation.indexes.iter().filter_map(|i| i.scans).sum());
    }
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
    #[serde(default)]
    server_age_seconds: Option<f64>,
    roles_present: Vec<String>,
    #[serde(default)]
    roles: Vec<Role>,
    exposed_schemas: Option<String>,
    search_path: String,
    buckets_readable: bool,
    #[serde(default)]
    stat_statements_schema: Option<String>,
    #[serde(default)]
    hypopg_schema: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_outside_the_tested_range_are_named() {
        let mut catalog = Catalog::default();
        catalog.meta.server_version_num = Some(180_004);
        assert_eq!(version_warning(&catalog), None);
        catalog.meta.server_version_num = Some(190_000);
        catalog.meta.server_version = Some("19beta1".into());
        let w = version_warning(&catalog).unwrap();
        assert!(
            w.contains("PostgreSQL 19beta1") && w.contains("13 to 18"),
            "{w}"
        );
        let old = RawMeta {
            server_version_num: 120_022,
            server_version: "12.22".into(),
            database: "app".into(),
            captured_at: String::new(),
            stats_reset: None,
            stats_age_seconds: None,
            server_age_seconds: None,
            roles_present: Vec::new(),
            roles: Vec::new(),
            exposed_schemas: None,
            search_path: "public".into(),
            buckets_readable: false,
            stat_statements_schema: None,
            hypopg_schema: None,
        };
        let e = check_version(&old).unwrap_err().to_string();
        assert!(
            e.contains("PostgreSQL 12.22 is not supported") && e.contains(SUPPORTED_RANGE),
            "{e}"
        );
    }

    #[test]
    fn schema_list_parsing() {
        assert_eq!(
            parse_schema_list(r#"public, storage,"My Schema" ,"#),
            ["public", "storage", "My Schema"]
        );
    }
}
