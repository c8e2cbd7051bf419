//! The audit engine: rules are pure functions of a [`Catalog`] that return [`Finding`]s.
//!
//! - `rules/`: one file per rule; its module doc comment is the rule's documentation, and
//!   the registry below embeds it, so `pglens rules ID` prints what the code says.
//! - `context.rs`: facts several rules need (exposed schemas, the tenant column, index
//!   coverage), computed once per run; `search_path.rs` and `reference_data.rs`: the path
//!   a function resolves with today, and small label tables.
//! - `ignore.rs`: the ignore file; suppressed findings stay in the report, marked.
//! - `format.rs`: text, JSON, SARIF and Markdown output; `groups.rs`: alike findings of many
//!   tables as one group, for reports at volume.
//!
//! Fix SQL is built only in `crate::sql::fix`, where every identifier is quoted.

mod context;
pub mod format;
pub mod groups;
pub mod ignore;
mod reference_data;
mod registry;
#[cfg(test)]
mod rule_tests;
mod rules;
mod search_path;
#[cfg(test)]
mod testing;

pub use crate::sql::fix::FixStatement;
pub use context::{Context, TENANT_COLUMN_CANDIDATES};
pub use registry::{all_rules, find_rule, RuleEntry};

use std::borrow::Cow;

use serde::Serialize;

use crate::model::{Catalog, QualifiedName};

/// How bad a finding is, matching the seeds' red / yellow / green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Security,
    Integrity,
    Performance,
    Maintainability,
    Migrations,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Integrity => "integrity",
            Category::Performance => "performance",
            Category::Maintainability => "maintainability",
            Category::Migrations => "migrations",
        }
    }
}

/// The kind of object a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Table,
    Column,
    Index,
    Constraint,
    Policy,
    Trigger,
    View,
    MaterializedView,
    ForeignTable,
    Function,
    Sequence,
    Extension,
    Schema,
    /// A statement of a migration file, named `file:line`.
    Migration,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Index => "index",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Policy => "policy",
            ObjectKind::Trigger => "trigger",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized_view",
            ObjectKind::ForeignTable => "foreign_table",
            ObjectKind::Function => "function",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Extension => "extension",
            ObjectKind::Schema => "schema",
            ObjectKind::Migration => "migration",
        }
    }
}

/// What a finding points at: `schema.table` and, for parts of a table, the part's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ObjectRef {
    pub kind: ObjectKind,
    pub schema: Option<String>,
    /// The table (or view) the object belongs to, or is.
    pub table: Option<String>,
    /// The column, index, policy, ... name; for functions, `name(argument types)`.
    pub name: Option<String>,
}

impl ObjectRef {
    pub fn relation(kind: ObjectKind, schema: &str, table: &str) -> Self {
        Self {
            kind,
            schema: Some(schema.into()),
            table: Some(table.into()),
            name: None,
        }
    }

    pub fn part(kind: ObjectKind, schema: &str, table: &str, name: &str) -> Self {
        Self {
            kind,
            schema: Some(schema.into()),
            table: Some(table.into()),
            name: Some(name.into()),
        }
    }

    /// A place in a migration file.
    pub fn migration(at: &crate::model::Location) -> Self {
        Self {
            kind: ObjectKind::Migration,
            schema: None,
            table: None,
            name: Some(format!("{}:{}", at.file, at.line)),
        }
    }

    /// A schema as a whole; None for the whole database (defaults for every schema).
    pub fn schema(schema: Option<&str>) -> Self {
        Self {
            kind: ObjectKind::Schema,
            schema: schema.map(str::to_string),
            table: None,
            name: None,
        }
    }

    pub fn schema_object(kind: ObjectKind, schema: &str, name: &str) -> Self {
        Self {
            kind,
            schema: Some(schema.into()),
            table: None,
            name: Some(name.into()),
        }
    }

    /// `schema.table.name`, skipping what is absent; for display and keys.
    pub fn path(&self) -> String {
        [&self.schema, &self.table, &self.name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// The SQL that resolves a finding, with what a reviewer must know before running it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub statements: Vec<FixStatement>,
    /// Mostly fixed sentences, borrowed rather than copied into each of thousands of
    /// findings.
    pub notes: Vec<Cow<'static, str>>,
    /// True when the statements can be pasted as they are: no data loss, no guesswork.
    pub safe: bool,
}

impl Fix {
    /// A fix that builds an index: safe on an ordinary table, where it is built
    /// `CONCURRENTLY`; for review on a partitioned table, which refuses `CONCURRENTLY`, so
    /// the build blocks writes to every partition while it runs.
    pub fn index_build(t: &crate::model::Relation, statement: FixStatement) -> Self {
        if t.kind == crate::model::RelationKind::PartitionedTable {
            Fix::review(
                vec![statement],
                &["A partitioned table refuses CREATE INDEX CONCURRENTLY: this builds the index on every partition at once and blocks writes to each while it builds. On big partitions, build each partition's index CONCURRENTLY first; this then only attaches them."],
            )
        } else {
            Fix::safe(vec![statement])
                .note("CREATE INDEX CONCURRENTLY cannot run inside a transaction block.")
        }
    }

    /// A fix that can be pasted as it is.
    pub fn safe(statements: Vec<FixStatement>) -> Self {
        Self {
            statements,
            notes: Vec::new(),
            safe: true,
        }
    }

    /// A fix a reviewer must read first; `notes` say why.
    pub fn review<N: Into<Cow<'static, str>> + Clone>(
        statements: Vec<FixStatement>,
        notes: &[N],
    ) -> Self {
        Self {
            statements,
            notes: notes.iter().cloned().map(Into::into).collect(),
            safe: false,
        }
    }

    /// The same statements, but for review: `why` says what to check first.
    pub fn for_review(mut self, why: impl Into<Cow<'static, str>>) -> Self {
        self.safe = false;
        self.notes.insert(0, why.into());
        self
    }

    pub fn note(mut self, note: impl Into<Cow<'static, str>>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The same fix as one transaction: when a statement fails (a backup that cannot be
    /// made), the ones after it (the drop) do not take effect. For fixes that destroy data
    /// only after copying it.
    pub fn in_transaction(mut self) -> Self {
        let begin = FixStatement {
            sql: "BEGIN".into(),
            outside_transaction: false,
        };
        let commit = FixStatement {
            sql: "COMMIT".into(),
            outside_transaction: false,
        };
        self.statements.insert(0, begin);
        self.statements.push(commit);
        self
    }

    /// The statements as one script, each ending in a semicolon.
    pub fn script(&self) -> String {
        self.statements
            .iter()
            .map(|s| format!("{};", s.sql))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Another table a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "relation", rename_all = "snake_case")]
pub enum Related {
    /// The finding's column looks like a reference to this table (implied-foreign-key).
    ImpliedReference { table: QualifiedName },
    /// The finding's table looks like a version of this one, to merge into it
    /// (table-consolidation-candidate).
    VersionOf { table: QualifiedName },
}

/// A problem found in the schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable across runs: rule id and object, for ignore files.
    pub key: String,
    pub rule: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub object: ObjectRef,
    pub message: String,
    /// Another table the finding is about, and how, as data for tools and the explorer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Related>,
    pub fix: Option<Fix>,
    /// The reason given in the ignore file, when suppressed.
    pub suppressed: Option<String>,
}

/// A rule's fixed facts.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable, readable id: names the smell, not the remedy.
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The same check in other tools (`splinter:0001_unindexed_foreign_keys`, ...).
    pub counterparts: &'static [&'static str],
}

impl RuleMeta {
    /// A finding of this rule about `object`.
    pub fn finding(&'static self, object: ObjectRef, message: String) -> Finding {
        Finding {
            key: format!("{}:{}:{}", self.id, object.kind.as_str(), object.path()),
            rule: self.id,
            severity: self.severity,
            category: self.category,
            object,
            message,
            related: None,
            fix: None,
            suppressed: None,
        }
    }
}

impl Finding {
    /// Makes the key unique where one object carries several findings of a rule (the
    /// overlapping policy sets of one table, named by their first policy).
    pub fn distinguished_by(mut self, part: &str) -> Self {
        self.key = format!("{}:{part}", self.key);
        self
    }

    pub fn related(mut self, related: Related) -> Self {
        self.related = Some(related);
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// A finding less or more severe than its rule's default (a rule that could not look
    /// says so at info).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// A check over the whole catalog. Implementations are pure: no I/O, no clock.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
    /// Why the rule cannot judge this source, when it lacks what the rule reads (usage
    /// statistics, sequence values): the report then says "not evaluated" instead of
    /// letting silence read as an all-clear.
    fn unmet(&self, _cx: &Context<'_>) -> Option<String> {
        None
    }
}

/// A selected rule that could not judge the source, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NotEvaluated {
    pub rule: &'static str,
    pub reason: String,
}

/// The selected rules the source cannot feed, with the reason for each.
pub fn not_evaluated(catalog: &Catalog, selection: &Selection) -> Vec<NotEvaluated> {
    let cx = Context::new(catalog);
    all_rules()
        .iter()
        .filter(|e| selection.wants(e.rule.meta().id))
        .filter_map(|e| {
            e.rule.unmet(&cx).map(|reason| NotEvaluated {
                rule: e.rule.meta().id,
                reason,
            })
        })
        .collect()
}

/// Which rules to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these rule ids (all when empty).
    pub only: Vec<String>,
    pub skip: Vec<String>,
}

impl Selection {
    fn wants(&self, id: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|o| o == id))
            && !self.skip.iter().any(|s| s == id)
    }
}

/// Runs the selected rules and returns findings sorted by object, then severity.
pub fn run(catalog: &Catalog, selection: &Selection) -> Vec<Finding> {
    let cx = Context::new(catalog);
    let mut findings = Vec::new();
    for entry in all_rules() {
        if selection.wants(entry.rule.meta().id) {
            entry.rule.check(&cx, &mut findings);
        }
    }
    findings.sort_by(|a, b| {
        (
            &a.object.schema,
            &a.object.table,
            b.severity,
            a.rule,
            &a.object.name,
        )
            .cmp(&(
                &b.object.schema,
                &b.object.table,
                a.severity,
                b.rule,
                &b.object.name,
            ))
    });
    // A rule may reach the same finding twice (an object seen from two sides); only an
    // identical finding is dropped. Different findings must differ in key, which
    // `tests/integration/shapes.rs` checks on real-shaped schemas.
    findings.dedup_by(|a, b| a == b);
    // Grown by doubling, the list can be almost twice its length: on 5,000 tables, 7 MB
    // the explorer would hold for as long as it runs.
    findings.shrink_to_fit();
    findings
}
