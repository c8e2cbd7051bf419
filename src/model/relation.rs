//! Relations (tables, views, ...) and what hangs off them: columns, constraints, indexes,
//! policies, triggers and usage statistics.

use serde::{Deserialize, Serialize};

use super::{Grant, Provenance, QualifiedName};

/// A table, view, materialized view or foreign table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub schema: String,
    pub name: String,
    pub kind: RelationKind,
    /// Set when this relation is a partition: its parent and bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOf>,
    /// The partition key of a partitioned table, e.g. `RANGE (created_at)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
    /// The tables this one inherits from (`INHERITS (parent)`), partitioning aside: the old
    /// way of splitting a table into children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QualifiedName>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub rls_enabled: bool,
    pub rls_forced: bool,
    /// Storage / view options as `key=value` strings (`security_invoker=true`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The view's query, as the server prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_definition: Option<String>,
    /// Relations a view or materialized view reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<QualifiedName>,
    /// The extension that owns this relation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    #[serde(default)]
    pub indexes: Vec<Index>,
    #[serde(default)]
    pub policies: Vec<Policy>,
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    /// Grants as the ACL lists them, less the owner's own (an owner holds every privilege;
    /// it is listed only when it is one of the API roles, [`super::API_ROLES`]).
    #[serde(default)]
    pub grants: Vec<Grant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<TableStats>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    ForeignTable,
}

impl RelationKind {
    /// Ordinary or partitioned table: something that stores rows of its own.
    pub fn is_table(self) -> bool {
        matches!(self, RelationKind::Table | RelationKind::PartitionedTable)
    }

    pub fn is_view(self) -> bool {
        matches!(self, RelationKind::View | RelationKind::MaterializedView)
    }

    pub fn label(self) -> &'static str {
        match self {
            RelationKind::Table => "table",
            RelationKind::PartitionedTable => "partitioned table",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
            RelationKind::ForeignTable => "foreign table",
        }
    }
}

/// A partition's parent and its bound (`FOR VALUES FROM (...) TO (...)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOf {
    pub parent: QualifiedName,
    pub bound: String,
}

impl Relation {
    /// The relation's kind in a word or two, for a narrow column: a partition says it is
    /// one (`partition`), and its parent is the partitioned table (`partitioned`).
    pub fn short_kind(&self) -> &'static str {
        match self.kind {
            RelationKind::Table if self.partition_of.is_some() => "partition",
            RelationKind::Table => "table",
            RelationKind::PartitionedTable => "partitioned",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "mat. view",
            RelationKind::ForeignTable => "foreign",
        }
    }

    /// A relation with nothing in it yet: no columns, constraints, grants or statistics.
    pub fn empty(schema: impl Into<String>, name: impl Into<String>, kind: RelationKind) -> Self {
        Relation {
            schema: schema.into(),
            name: name.into(),
            kind,
            partition_of: None,
            partition_key: None,
            inherits: Vec::new(),
            owner: String::new(),
            comment: None,
            rls_enabled: false,
            rls_forced: false,
            options: Vec::new(),
            view_definition: None,
            reads: Vec::new(),
            extension: None,
            columns: Vec::new(),
            constraints: Vec::new(),
            indexes: Vec::new(),
            policies: Vec::new(),
            triggers: Vec::new(),
            grants: Vec::new(),
            stats: None,
            provenance: Provenance::default(),
        }
    }

    pub fn qualified_name(&self) -> QualifiedName {
        QualifiedName::new(&self.schema, &self.name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.column(name).is_some()
    }

    /// Value of a storage or view option, e.g. `option("security_invoker")`.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.iter().find_map(|o| {
            let (k, v) = o.split_once('=')?;
            (k == key).then_some(v)
        })
    }

    /// Whether a boolean option is on (`true`, `on`, `yes`, `1`, as PostgreSQL accepts).
    pub fn option_enabled(&self, key: &str) -> bool {
        self.option(key).is_some_and(|v| {
            matches!(
                v.to_ascii_lowercase().as_str(),
                "true" | "on" | "yes" | "1" | "t" | "y"
            )
        })
    }

    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints
            .iter()
            .find(|c| c.kind == ConstraintKind::PrimaryKey)
    }

    pub fn foreign_keys(&self) -> impl Iterator<Item = (&Constraint, &ForeignKey)> {
        self.constraints
            .iter()
            .filter_map(|c| c.foreign_key.as_ref().map(|fk| (c, fk)))
    }

    /// Whether a value can be written into this column: not generated, not an identity
    /// that only the sequence may fill.
    fn writable(c: &Column) -> bool {
        c.generated.is_none() && c.identity != Some(Identity::Always)
    }

    /// What merging this table's rows into `into` copies: `(column, its type in into)` for
    /// every column both have, except the surrogate key `id` (the kept table numbers its own
    /// rows) and columns `into` computes itself.
    pub fn merge_columns<'a>(&'a self, into: &'a Relation) -> Vec<(&'a str, &'a str)> {
        self.columns
            .iter()
            .filter(|c| c.name != "id")
            .filter_map(|c| {
                let target = into.column(&c.name).filter(|t| Self::writable(t))?;
                Some((c.name.as_str(), target.data_type.as_str()))
            })
            .collect()
    }
}

/// A column of a relation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// 1-based position among the relation's live columns, as `attnum` numbers them.
    pub position: i32,
    pub name: String,
    /// The type as SQL spells it, with modifiers: `character varying(50)`, `text[]`.
    pub data_type: String,
    pub type_kind: TypeKind,
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The generation expression of a generated column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// A collation other than the type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Privileges granted on this column alone (`GRANT SELECT (email) ON t TO role`), on
    /// top of the table's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Grant>,
}

/// What sort of type a column has, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// A plain base type (integer, text, uuid, timestamptz, ...).
    Base,
    /// An array; `element` is the element type as SQL spells it.
    Array {
        element: String,
    },
    Json,
    Jsonb,
    /// A user-defined enum type.
    Enum {
        type_name: QualifiedName,
    },
    /// A domain over `base`.
    Domain {
        type_name: QualifiedName,
        base: String,
    },
    Composite,
    Range,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    pub kind: GeneratedKind,
    pub expression: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneratedKind {
    Stored,
    /// PostgreSQL 18's computed-on-read columns.
    Virtual,
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintKind,
    /// Constrained columns, in constraint order (empty for expression-only checks).
    pub columns: Vec<String>,
    /// The definition as the server prints it: `FOREIGN KEY (x) REFERENCES t(id)`.
    pub definition: String,
    /// False for a constraint added `NOT VALID` and not yet validated.
    pub validated: bool,
    pub deferrable: bool,
    pub initially_deferred: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<ForeignKey>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Exclusion,
    /// PostgreSQL 18 records NOT NULL as constraints too.
    NotNull,
}

impl ConstraintKind {
    /// The kind in words: `primary key`, `foreign key`, `not null`.
    pub fn label(self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey => "primary key",
            ConstraintKind::Unique => "unique",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::Check => "check",
            ConstraintKind::Exclusion => "exclusion",
            ConstraintKind::NotNull => "not null",
        }
    }
}

/// The foreign-key half of a constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub referenced_table: QualifiedName,
    pub referenced_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl ForeignKey {
    /// The actions other than the default, as psql prints them: `ON DELETE CASCADE`,
    /// `ON UPDATE SET NULL`; empty for `NO ACTION` both ways.
    pub fn actions(&self) -> String {
        [("ON DELETE", self.on_delete), ("ON UPDATE", self.on_update)]
            .into_iter()
            .filter(|(_, a)| *a != FkAction::NoAction)
            .map(|(on, a)| format!("{on} {}", a.sql()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Column {
    /// What psql's `\d` prints in its Default column: the default expression, or how the
    /// column is generated (`generated always as identity`, `generated always as (price *
    /// qty) stored`).
    pub fn default_shown(&self) -> Option<String> {
        if let Some(g) = &self.generated {
            let kind = match g.kind {
                GeneratedKind::Stored => "stored",
                GeneratedKind::Virtual => "virtual",
            };
            return Some(format!("generated always as ({}) {kind}", g.expression));
        }
        match self.identity {
            Some(Identity::Always) => Some("generated always as identity".into()),
            Some(Identity::ByDefault) => Some("generated by default as identity".into()),
            None => self.default.clone(),
        }
    }
}

impl FkAction {
    /// The action as SQL spells it after `ON DELETE` / `ON UPDATE`.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// An index on a table or materialized view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// Access method: btree, gin, gist, brin, hash, spgist, ...
    pub method: String,
    /// Key columns and expressions, in index order.
    pub keys: Vec<IndexKey>,
    /// Non-key `INCLUDE` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// The partial-index condition, as the server prints it (fully parenthesised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    pub unique: bool,
    pub primary: bool,
    /// False for an index left behind by a failed `CREATE INDEX CONCURRENTLY`.
    pub valid: bool,
    /// `NULLS NOT DISTINCT` (PostgreSQL 15+).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    /// Storage options as `key=value` strings (`fillfactor=70`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The constraint this index implements, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// Size from the planner's page count (see [`TableStats`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<i64>,
    /// Index scans since statistics were reset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scans: Option<i64>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

/// One key of an index: a column, or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    /// Set when the key is a plain column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Set when the key is an expression, as the server prints it in CREATE INDEX
    /// (parenthesised unless a plain function call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub descending: bool,
    /// Set only when NULLs sort against the direction's default (NULLS LAST for ASC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls: Option<NullsOrder>,
    /// Operator class, when not the default for the key's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<QualifiedName>,
    /// Collation, when not the column's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualifiedName>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NullsOrder {
    First,
    Last,
}

impl IndexKey {
    /// A plain ascending key on a column, as a key constraint's index has.
    pub fn on_column(name: impl Into<String>) -> Self {
        IndexKey {
            column: Some(name.into()),
            expression: None,
            descending: false,
            nulls: None,
            opclass: None,
            collation: None,
        }
    }
}

impl Index {
    /// The plain key columns up to the first expression key.
    pub fn leading_columns(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map_while(|k| k.column.as_deref())
    }

    /// Whether the index's first keys are exactly `columns`, in any order: it can look a
    /// row up by them (a foreign key's, for instance).
    pub fn leads_with(&self, columns: &[String]) -> bool {
        let leading: Vec<&str> = self.leading_columns().take(columns.len()).collect();
        leading.len() == columns.len() && columns.iter().all(|c| leading.contains(&c.as_str()))
    }
}

/// A row-level security policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub command: PolicyCommand,
    pub permissive: bool,
    /// Role names the policy applies to; `public` means every role.
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl Policy {
    /// Whether it applies to the API's client roles: `anon`, `authenticated`, or every role
    /// (`public`).
    pub fn applies_to_api_clients(&self) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r.as_str(), "anon" | "authenticated" | "public"))
    }
}

impl PolicyCommand {
    pub fn sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

/// A user-defined trigger (internal constraint triggers are not listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub timing: TriggerTiming,
    pub events: Vec<TriggerEvent>,
    pub level: TriggerLevel,
    pub function: QualifiedName,
    pub enabled: TriggerEnabled,
    /// `CREATE TRIGGER ...` as the server prints it.
    pub definition: String,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    Insert,
    Update,
    Delete,
    Truncate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerLevel {
    Row,
    Statement,
}

/// `pg_trigger.tgenabled`: when the trigger fires with respect to `session_replication_role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEnabled {
    /// Fires in origin and local modes (the default).
    Origin,
    Disabled,
    Replica,
    Always,
}

/// Usage statistics for one relation, from `pg_class` and the statistics collector.
///
/// Sizes are the planner's page counts times the block size: exact as of the last VACUUM,
/// ANALYZE or index build (autovacuum keeps them current), and absent for a table that was
/// never analyzed. Reading exact sizes would open every relation and double the time a
/// large schema takes to read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableStats {
    /// Planner's row estimate; None when the table was never analyzed.
    pub estimated_rows: Option<i64>,
    /// Table + TOAST + indexes, in bytes.
    pub total_bytes: Option<i64>,
    /// Heap + TOAST (+ free-space and visibility maps), without indexes.
    pub table_bytes: Option<i64>,
    /// All indexes together.
    pub index_bytes: Option<i64>,
    pub seq_scans: Option<i64>,
    /// Rows those sequential scans read (`seq_tup_read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq_rows_read: Option<i64>,
    pub index_scans: Option<i64>,
    pub inserts: Option<i64>,
    pub updates: Option<i64>,
    pub deletes: Option<i64>,
    pub live_rows: Option<i64>,
    pub dead_rows: Option<i64>,
    pub last_vacuum: Option<String>,
    pub last_autovacuum: Option<String>,
    pub last_analyze: Option<String>,
    pub last_autoanalyze: Option<String>,
    /// When a scan last read the table (PostgreSQL 16 and later record it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_read: Option<String>,
}

/// Reads and writes of a table, from its statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    pub reads: i64,
    pub writes: i64,
}

impl TableStats {
    /// Scans and row changes since statistics were reset; None without statistics.
    pub fn activity(&self) -> Option<Activity> {
        let sum = |vals: &[Option<i64>]| -> Option<i64> {
            vals.iter()
                .try_fold(0i64, |acc, v| Some(acc.saturating_add((*v)?)))
        };
        Some(Activity {
            reads: sum(&[self.seq_scans, self.index_scans])?,
            writes: sum(&[self.inserts, self.updates, self.deletes])?,
        })
    }

    /// The last vacuum, manual or automatic.
    pub fn last_vacuum(&self) -> Option<String> {
        latest(&self.last_vacuum, &self.last_autovacuum)
    }

    /// The last analyze, manual or automatic.
    pub fn last_analyze(&self) -> Option<String> {
        latest(&self.last_analyze, &self.last_autoanalyze)
    }
}

/// The later of the manual and automatic timestamps, as the server printed them (ISO
/// format, so the larger string is the later time).
fn latest(manual: &Option<String>, auto: &Option<String>) -> Option<String> {
    match (manual, auto) {
        (Some(a), Some(b)) => Some(a.max(b).clone()),
        (a, b) => a.clone().or_else(|| b.clone()),
    }
}
