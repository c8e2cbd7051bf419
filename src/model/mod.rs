//! The schema model: everything pglens knows about a database, as plain data.
//!
//! No I/O, no async. A [`Catalog`] is produced by a source (a live database, migration
//! files, or a snapshot) and consumed by the audit rules and the explorer; rules never go
//! back to the database, so anything a rule needs must be here.
//!
//! Objects are identified by name (schema + name, plus argument types for functions), never
//! by OID: offline sources have no OIDs, and the explorer's selection must survive a reload.
//! Every list is kept sorted by the source so that snapshots and output are stable.

mod access;
pub mod code;
pub mod index_candidates;
pub mod migrations;
mod objects;
pub mod platform;
mod privileges;
mod relation;
#[cfg(test)]
pub mod testing;
pub mod version;
pub mod workload;

pub use access::*;
pub use objects::*;
pub use privileges::*;
pub use relation::*;

use serde::{Deserialize, Serialize};

/// Version of the snapshot JSON layout. Bump when a change would make old snapshots
/// deserialize into something different from what they meant.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

/// Roles whose privileges matter to Supabase's API (PostgREST) and so to the audit.
/// `PUBLIC` is the pseudo-role every role belongs to.
pub const API_ROLES: [&str; 4] = ["anon", "authenticated", "service_role", "PUBLIC"];

/// A whole database's schema, as one value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub meta: Meta,
    pub schemas: Vec<SchemaDef>,
    pub relations: Vec<Relation>,
    pub functions: Vec<Function>,
    pub sequences: Vec<Sequence>,
    pub extensions: Vec<Extension>,
    pub enums: Vec<EnumType>,
    pub domains: Vec<Domain>,
    /// Composite types (`CREATE TYPE name AS (...)`); older snapshots have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub composites: Vec<CompositeType>,
    /// Which of [`API_ROLES`] exist in the cluster (`PUBLIC` always does).
    pub roles_present: Vec<String>,
    /// The cluster's roles (predefined `pg_*` roles aside), when the source knows them: a
    /// live database does, migration files do not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// `pgrst.db_schemas`: the schemas PostgREST exposes, when the database says so.
    pub exposed_schemas: Option<Vec<String>>,
    /// The migration files an offline source was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrations: Option<migrations::Migrations>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publications: Vec<Publication>,
    /// Default privileges granted to the API roles (see [`API_ROLES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_privileges: Vec<DefaultPrivilege>,
    /// Supabase Storage buckets, when `storage.buckets` exists and can be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<Bucket>,
    /// References to the tables, views and functions in the application's code, when
    /// `--code` named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<code::CodeReferences>,
    /// The statements `pg_stat_statements` recorded, or why they could not be read; None for
    /// sources that have no workload (migration files, the demo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<workload::WorkloadRecord>,
}

/// Facts about the source as a whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// `server_version_num`, e.g. 150018. None for offline sources.
    pub server_version_num: Option<u32>,
    /// Human form of the server version, e.g. "15.18".
    pub server_version: Option<String>,
    pub database: Option<String>,
    pub source: SourceKind,
    /// A label for the source that is safe to show: never contains a password.
    pub source_label: String,
    /// When statistics were last reset (`pg_stat_database.stats_reset`), as the server printed it.
    pub stats_reset: Option<String>,
    /// Seconds between the statistics reset and the capture, so "never scanned" can be read
    /// against how long anyone was counting.
    pub stats_age_seconds: Option<f64>,
    /// When the model was captured, as the server printed `now()`.
    pub captured_at: Option<String>,
    /// Seconds the server had been up at the capture (`pg_postmaster_start_time()`): when
    /// statistics were never reset, they have counted at least that long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_age_seconds: Option<f64>,
    /// The `search_path` a session of the reading role starts with (`"$user", public,
    /// extensions`), which is what unqualified names in functions resolve through today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_path: Option<String>,
}

impl Meta {
    /// How long statistics have been counting, in seconds, and whether that is a lower
    /// bound: since the last reset, or, never reset, at least since the server started.
    pub fn statistics_window(&self) -> Option<(f64, bool)> {
        match (self.stats_age_seconds, self.server_age_seconds) {
            (Some(age), _) => Some((age, false)),
            (None, Some(up)) => Some((up, true)),
            (None, None) => None,
        }
    }
}

/// Where a catalog came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    #[default]
    Live,
    SqlFiles,
    Snapshot,
    Demo,
}

/// A `schema.name` pair. Displays unquoted; use the SQL quoting helper to build SQL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// A typed, name-based identity for objects the explorer lists: stable across reloads and
/// meaningful for offline sources, which have no OIDs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectId {
    Relation(QualifiedName),
    Function {
        schema: String,
        name: String,
        arguments: String,
    },
    Extension {
        name: String,
    },
    /// An enum or a domain.
    Type {
        schema: String,
        name: String,
    },
}

impl ObjectId {
    pub fn relation(schema: &str, name: &str) -> Self {
        ObjectId::Relation(QualifiedName::new(schema, name))
    }

    /// How the object is named on screen.
    pub fn label(&self) -> String {
        match self {
            ObjectId::Relation(q) => q.to_string(),
            ObjectId::Function {
                schema,
                name,
                arguments,
            } => format!("{schema}.{name}({arguments})"),
            ObjectId::Extension { name } => name.clone(),
            ObjectId::Type { schema, name } => format!("{schema}.{name}"),
        }
    }
}

/// Where an object was defined and altered. Empty for live sources, whose objects simply
/// exist; the offline source fills in file:line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defined: Option<Location>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub altered: Vec<Location>,
}

impl Provenance {
    pub fn is_empty(&self) -> bool {
        self.defined.is_none() && self.altered.is_empty()
    }
}

/// A position in a source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

/// The privileges one role (or PUBLIC) holds by grant on one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Role name, or `PUBLIC`.
    pub grantee: String,
    /// Privilege keywords as SQL spells them: SELECT, INSERT, EXECUTE, ...
    pub privileges: Vec<String>,
}

/// True when `grants` give `role` the privilege `privilege` (directly or through PUBLIC).
pub fn grants_allow(grants: &[Grant], role: &str, privilege: &str) -> bool {
    grants.iter().any(|g| {
        (g.grantee == role || g.grantee == "PUBLIC") && g.privileges.iter().any(|p| p == privilege)
    })
}

impl Catalog {
    /// Finds a function by schema, name and identity arguments.
    pub fn function(&self, schema: &str, name: &str, arguments: &str) -> Option<&Function> {
        self.functions
            .iter()
            .find(|f| f.schema == schema && f.name == name && f.identity_arguments == arguments)
    }

    /// Finds a relation by schema and name.
    pub fn relation(&self, schema: &str, name: &str) -> Option<&Relation> {
        self.relations
            .iter()
            .find(|r| r.schema == schema && r.name == name)
    }

    /// Tables proper: ordinary and partitioned tables, not views.
    pub fn tables(&self) -> impl Iterator<Item = &Relation> {
        self.relations.iter().filter(|r| r.kind.is_table())
    }

    /// Whether the database looks like a Supabase project: an `auth` schema and the API roles.
    pub fn is_supabase(&self) -> bool {
        self.schemas.iter().any(|s| s.name == "auth")
            && self.roles_present.iter().any(|r| r == "anon")
            && self.roles_present.iter().any(|r| r == "authenticated")
    }

    /// Schemas the HTTP API exposes: `pgrst.db_schemas` when the database says, `public` on
    /// Supabase otherwise, none on plain PostgreSQL.
    pub fn api_schemas(&self) -> Vec<String> {
        match &self.exposed_schemas {
            Some(list) => list.clone(),
            None if self.is_supabase() => vec!["public".into()],
            None => Vec::new(),
        }
    }

    /// Whether `role` exists in the cluster the catalog was read from.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles_present.iter().any(|r| r == role)
    }

    /// Counts of objects by kind, for summaries and tests.
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            schemas: self.schemas.len(),
            functions: self.functions.len(),
            sequences: self.sequences.len(),
            extensions: self.extensions.len(),
            enums: self.enums.len(),
            ..Counts::default()
        };
        for r in &self.relations {
            match r.kind {
                RelationKind::Table | RelationKind::PartitionedTable => c.tables += 1,
                RelationKind::View => c.views += 1,
                RelationKind::MaterializedView => c.materialized_views += 1,
                RelationKind::ForeignTable => c.foreign_tables += 1,
            }
            c.columns += r.columns.len();
            c.indexes += r.indexes.len();
            c.constraints += r.constraints.len();
            c.foreign_keys += r.foreign_keys().count();
            c.policies += r.policies.len();
            c.triggers += r.triggers.len();
        }
        c
    }

    /// Drops what changes from run to run without the schema changing: statistics, sizes,
    /// server and capture facts. Two captures of the same schema are equal after this.
    /// Sequence positions stay: they are what overflow checks read.
    pub fn without_volatile(mut self) -> Self {
        self.meta = Meta {
            source: self.meta.source,
            ..Meta::default()
        };
        self.workload = None;
        for r in &mut self.relations {
            r.stats = None;
            for i in &mut r.indexes {
                i.size_bytes = None;
                i.scans = None;
            }
        }
        self
    }
}

/// Object counts by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub schemas: usize,
    pub tables: usize,
    pub views: usize,
    pub materialized_views: usize,
    pub foreign_tables: usize,
    pub columns: usize,
    pub indexes: usize,
    pub constraints: usize,
    pub foreign_keys: usize,
    pub policies: usize,
    pub triggers: usize,
    pub functions: usize,
    pub sequences: usize,
    pub extensions: usize,
    pub enums: usize,
}
