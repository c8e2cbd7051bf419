//! Who gets to see what beyond a table's own grants and policies: logical-replication
//! publications (Supabase Realtime streams the tables of `supabase_realtime`), default
//! privileges for objects not created yet, and Supabase Storage buckets.

use serde::{Deserialize, Serialize};

use super::QualifiedName;

/// A publication (`CREATE PUBLICATION`): the tables whose changes it streams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub name: String,
    /// `FOR ALL TABLES`: every table, present and future.
    #[serde(default)]
    pub all_tables: bool,
    /// The tables it names (for `FOR ALL TABLES`, as the server lists them: every table).
    #[serde(default)]
    pub tables: Vec<QualifiedName>,
}

impl Publication {
    pub fn includes(&self, schema: &str, name: &str) -> bool {
        self.all_tables
            || self
                .tables
                .iter()
                .any(|t| t.schema == schema && t.name == name)
    }
}

/// What kind of future object a default privilege applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultObjects {
    Tables,
    Sequences,
    Functions,
    Types,
    Schemas,
}

impl DefaultObjects {
    /// The word `ALTER DEFAULT PRIVILEGES ... ON <word>` uses.
    pub fn as_sql(self) -> &'static str {
        match self {
            DefaultObjects::Tables => "TABLES",
            DefaultObjects::Sequences => "SEQUENCES",
            DefaultObjects::Functions => "FUNCTIONS",
            DefaultObjects::Types => "TYPES",
            DefaultObjects::Schemas => "SCHEMAS",
        }
    }
}

/// One grant that objects created later receive automatically (`ALTER DEFAULT PRIVILEGES
/// [FOR ROLE role] [IN SCHEMA schema] GRANT privileges ON objects TO grantee`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultPrivilege {
    /// The role whose new objects get the grant; empty when a migration did not say (the
    /// role that runs it).
    #[serde(default)]
    pub role: String,
    /// The schema it is limited to; None for every schema.
    #[serde(default)]
    pub schema: Option<String>,
    pub objects: DefaultObjects,
    /// A role name, or `PUBLIC`.
    pub grantee: String,
    /// Privilege names as `aclexplode` prints them (`SELECT`, `TRUNCATE`, `EXECUTE`).
    pub privileges: Vec<String>,
}

/// A Supabase Storage bucket: a row of `storage.buckets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub id: String,
    pub name: String,
    /// A public bucket serves its files by URL to anyone, without a policy.
    #[serde(default)]
    pub public: bool,
}

/// The role pglens takes migration files to run as, whose `ALTER DEFAULT PRIVILEGES FOR
/// ROLE` entries the tables they create receive: Supabase's, and a new cluster's superuser.
pub const MIGRATION_ROLE: &str = "postgres";

/// Whose future objects, and where: the role and the schema (None: every schema) a
/// default privilege applies to.
pub type DefaultScope<'a> = (&'a str, Option<&'a str>);

impl DefaultPrivilege {
    pub fn scope(&self) -> DefaultScope<'_> {
        (self.role.as_str(), self.schema.as_deref())
    }

    /// Whether a table like `r` (its owner, its schema) would receive this grant when
    /// created: the next table of that kind gets what this says.
    pub fn covers_tables_like(&self, r: &super::Relation) -> bool {
        // Migrations do not say who owns a table: they run as MIGRATION_ROLE.
        let creator = if r.owner.is_empty() {
            MIGRATION_ROLE
        } else {
            r.owner.as_str()
        };
        self.applies_to(DefaultObjects::Tables, creator, &r.schema)
    }

    /// Whether an object of kind `objects` that `creator` makes in `schema` receives this
    /// grant. An entry of no role (a migration's `ALTER DEFAULT PRIVILEGES` without `FOR
    /// ROLE`) is the migration role's.
    pub fn applies_to(&self, objects: DefaultObjects, creator: &str, schema: &str) -> bool {
        self.objects == objects
            && (self.role.is_empty() || self.role == creator)
            && self.schema.as_deref().is_none_or(|s| s == schema)
    }
}

/// Whose new objects a default privilege covers, for a message: the role, or the role that
/// runs the migration when it names none.
pub fn creator(role: &str) -> &str {
    if role.is_empty() {
        "the migration's role"
    } else {
        role
    }
}

/// Default privileges grouped by scope, in a stable order: one finding per role and schema.
pub fn by_scope<'a>(
    entries: impl Iterator<Item = &'a DefaultPrivilege>,
) -> std::collections::BTreeMap<DefaultScope<'a>, Vec<&'a DefaultPrivilege>> {
    let mut groups: std::collections::BTreeMap<DefaultScope<'a>, Vec<&'a DefaultPrivilege>> =
        Default::default();
    for d in entries {
        groups.entry(d.scope()).or_default().push(d);
    }
    groups
}
