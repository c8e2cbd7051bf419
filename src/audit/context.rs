//! Facts about a catalog that several rules need, computed once per audit run.

use std::collections::{BTreeSet, HashMap};

use crate::model::platform::SUPABASE_SCHEMAS;
use crate::model::{grants_allow, Catalog, QualifiedName, Relation};
use crate::sql::fix::BACKUP_SCHEMA;

/// Column names that scope a row to a tenant, in order of preference when tied.
pub const TENANT_COLUMN_CANDIDATES: &[&str] = &[
    "workspace_id",
    "tenant_id",
    "organization_id",
    "org_id",
    "company_id",
    "account_id",
    "team_id",
];

/// Days of statistics before usage findings propose dropping anything.
pub const STATS_TRUSTED_AFTER_DAYS: f64 = 7.0;

/// What rules read besides the catalog itself.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    /// True when the database has Supabase's auth schema and API roles.
    pub supabase: bool,
    /// Schemas the HTTP API exposes ([`Catalog::api_schemas`]).
    pub exposed_schemas: Vec<String>,
    /// The column most tables use to scope rows to a tenant, if any.
    pub tenant_column: Option<&'static str>,
    /// Columns on more than half of the application's tables (at least 10 of them), such as
    /// an ORM's `create_uid` / `write_date`: bookkeeping, not a sign of what a row belongs
    /// to or holds.
    pub bookkeeping: BTreeSet<&'a str>,
    relations_by_name: HashMap<(&'a str, &'a str), &'a Relation>,
    /// See [`Context::history_copies`]: two rules ask, and each answer parses every
    /// trigger function.
    history_copies: std::sync::OnceLock<BTreeSet<QualifiedName>>,
}

impl<'a> Context<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        let supabase = catalog.is_supabase();
        let exposed_schemas = catalog.api_schemas();
        let relations_by_name = catalog
            .relations
            .iter()
            .map(|r| ((r.schema.as_str(), r.name.as_str()), r))
            .collect();
        let mut cx = Context {
            catalog,
            supabase,
            exposed_schemas,
            tenant_column: None,
            bookkeeping: BTreeSet::new(),
            relations_by_name,
            history_copies: std::sync::OnceLock::new(),
        };
        cx.tenant_column = cx.most_common_tenant_column();
        cx.bookkeeping = cx.bookkeeping_columns();
        cx
    }

    pub fn relation(&self, name: &QualifiedName) -> Option<&'a Relation> {
        self.relations_by_name
            .get(&(name.schema.as_str(), name.name.as_str()))
            .copied()
    }

    pub fn relation_named(&self, schema: &str, name: &str) -> Option<&'a Relation> {
        self.relations_by_name.get(&(schema, name)).copied()
    }

    pub fn is_exposed(&self, schema: &str) -> bool {
        self.exposed_schemas.iter().any(|s| s == schema)
    }

    /// Whether the schema belongs to the platform (or to pglens's own backups) rather than
    /// the application.
    pub fn is_managed_schema(&self, schema: &str) -> bool {
        schema == BACKUP_SCHEMA || (self.supabase && SUPABASE_SCHEMAS.contains(&schema))
    }

    /// The application's relations: not created by an extension, not in a managed schema.
    pub fn user_relations(&self) -> impl Iterator<Item = &'a Relation> + '_ {
        self.catalog
            .relations
            .iter()
            .filter(|r| r.extension.is_none() && !self.is_managed_schema(&r.schema))
    }

    /// The application's tables, partitions left out (they share their parent's design).
    pub fn user_tables(&self) -> impl Iterator<Item = &'a Relation> + '_ {
        self.user_relations()
            .filter(|r| r.kind.is_table() && r.partition_of.is_none())
    }

    /// History copies: tables that another table's trigger functions write to and that
    /// carry most of that table's columns (`orders_history`, filled by a trigger on
    /// `orders`). Their columns repeat the source's values rather than describe rows of their
    /// own. A table a trigger only starts (a profile created at sign-up) is not a copy.
    pub fn history_copies(&self) -> &BTreeSet<QualifiedName> {
        self.history_copies
            .get_or_init(|| self.find_history_copies())
    }

    fn find_history_copies(&self) -> BTreeSet<QualifiedName> {
        let mut out = BTreeSet::new();
        crate::sql::parse::with_deep_stack(|| {
            for source in &self.catalog.relations {
                for trigger in &source.triggers {
                    let Some(f) = self.catalog.functions.iter().find(|f| {
                        f.schema == trigger.function.schema && f.name == trigger.function.name
                    }) else {
                        continue;
                    };
                    for (schema, name) in crate::sql::mentions::in_function(f) {
                        let schema = schema.unwrap_or_else(|| source.schema.clone());
                        let Some(target) = self.relation_named(&schema, &name) else {
                            continue;
                        };
                        if !std::ptr::eq(target, source) && copies_columns_of(target, source) {
                            out.insert(target.qualified_name());
                        }
                    }
                }
            }
        });
        out
    }

    /// The tables that inherit from `table` (`INHERITS`, partitioning aside).
    pub fn inheritors_of<'b>(
        &'b self,
        table: &'b Relation,
    ) -> impl Iterator<Item = &'a Relation> + 'b {
        self.catalog.relations.iter().filter(move |r| {
            r.inherits
                .iter()
                .any(|p| p.schema == table.schema && p.name == table.name)
        })
    }

    /// The partitions of a partitioned table (none for any other relation).
    pub fn partitions_of<'b>(
        &'b self,
        table: &'b Relation,
    ) -> impl Iterator<Item = &'a Relation> + 'b {
        self.catalog.relations.iter().filter(move |r| {
            r.partition_of
                .as_ref()
                .is_some_and(|p| p.parent.schema == table.schema && p.parent.name == table.name)
        })
    }

    /// What the application's code says about a table (`--code`): "no references in 120
    /// files of code", "3 references in code (2 files; first src/a.ts:12)". None without a
    /// scan.
    pub fn code_evidence(&self, table: &Relation) -> Option<String> {
        self.catalog.code.as_ref()?.summary(&table.qualified_name())
    }

    /// True when the code uses the table: a client call, an ORM declaration, SQL, or the
    /// name as a string of its own (mentions, types and definitions are not uses).
    pub fn used_in_code(&self, table: &Relation) -> bool {
        self.catalog
            .code
            .as_ref()
            .and_then(|c| c.uses_of(&table.qualified_name()))
            .is_some_and(|n| n > 0)
    }

    /// Why table usage statistics are missing, when no application table has its read and
    /// write counters: what the source is, or that the role could not read them.
    pub fn missing_table_statistics(&self) -> Option<String> {
        let mut tables = self.user_tables().peekable();
        tables.peek()?;
        let counted = tables.any(|t| {
            t.stats
                .as_ref()
                .is_some_and(|s| s.seq_scans.is_some() && s.inserts.is_some())
        });
        (!counted).then(|| format!("no table usage statistics in {}", self.source_words()))
    }

    /// Why index scan counts are missing, when no index of an application table has one.
    pub fn missing_index_statistics(&self) -> Option<String> {
        let mut indexes = self.user_tables().flat_map(|t| &t.indexes).peekable();
        indexes.peek()?;
        let counted = indexes.any(|i| i.scans.is_some());
        (!counted).then(|| format!("no index scan counts in {}", self.source_words()))
    }

    /// What the source is, for "not evaluated" reasons.
    fn source_words(&self) -> &'static str {
        use crate::model::SourceKind;
        match self.catalog.meta.source {
            SourceKind::SqlFiles => "migration files",
            SourceKind::Snapshot => "this snapshot (taken without them)",
            SourceKind::Demo => "the demo",
            SourceKind::Live => "this database (the role may not read pg_stat_user_tables)",
        }
    }

    /// How long statistics have been counting, in seconds: since the last reset, or when
    /// they were never reset, at least since the server started. None when the source
    /// cannot say (a snapshot or files).
    pub fn stats_age_seconds(&self) -> Option<f64> {
        self.catalog.meta.statistics_window().map(|(age, _)| age)
    }

    /// True when statistics have counted for less than [`STATS_TRUSTED_AFTER_DAYS`]:
    /// usage findings then say so and propose no `DROP`, since a weekly job or a monthly
    /// report has not had its chance to show up yet.
    pub fn stats_too_young(&self) -> bool {
        self.stats_age_seconds()
            .is_some_and(|s| s < STATS_TRUSTED_AFTER_DAYS * 86400.0)
    }

    /// How long statistics have been collected, as the end of a sentence ("in the 12 days
    /// since statistics were reset"), so usage findings never read a fresh reset as disuse.
    pub fn stats_age_phrase(&self) -> String {
        let young = if self.stats_too_young() {
            format!(
                " (too soon to be sure: pglens proposes no DROP before statistics cover {} days)",
                STATS_TRUSTED_AFTER_DAYS
            )
        } else {
            String::new()
        };
        format!("{}{young}", self.stats_span())
    }

    /// How long the statistics have counted, as words: "in the 12 days since statistics
    /// were reset", "in the minutes since the server started (statistics were never reset)".
    pub fn stats_span(&self) -> String {
        let meta = &self.catalog.meta;
        let since = match (meta.stats_age_seconds, meta.server_age_seconds) {
            (Some(_), _) => "since statistics were reset",
            (None, Some(_)) => "since the server started (statistics were never reset)",
            (None, None) => return "since statistics collection began".into(),
        };
        let seconds = self.stats_age_seconds().unwrap_or(0.0);
        let span = match seconds {
            s if s >= 2.0 * 86400.0 => format!("in the {} days", (s / 86400.0).floor()),
            s if s >= 2.0 * 3600.0 => format!("in the {} hours", (s / 3600.0).floor()),
            _ => "in the minutes".into(),
        };
        format!("{span} {since}")
    }

    /// The recorded workload, or why there is none (for "not evaluated").
    pub fn workload(&self) -> Result<&crate::model::workload::Workload, String> {
        use crate::model::workload::WorkloadRecord;
        match &self.catalog.workload {
            // The reading role sees only its own statements (its catalog reads touch no
            // table of the application) while others' are hidden: nothing to judge by.
            Some(WorkloadRecord::Recorded(w))
                if w.hidden > 0 && w.statements.iter().all(|s| s.relations.is_empty()) =>
            {
                Err(format!(
                    "the reading role may not see the text of the {} statements other roles ran (grant it pg_read_all_stats)",
                    w.hidden
                ))
            }
            Some(WorkloadRecord::Recorded(w)) => Ok(w),
            Some(WorkloadRecord::Unavailable { reason }) => Err(reason.clone()),
            None => Err(format!("no recorded workload in {}", self.source_words())),
        }
    }

    /// The application's tables that the API exposes with row-level security off.
    pub fn exposed_tables_without_rls(&self) -> impl Iterator<Item = &'a Relation> + '_ {
        self.user_tables()
            .filter(|t| !t.rls_enabled && self.is_exposed(&t.schema))
    }

    /// Whether the API roles (anon or authenticated) may read the relation.
    pub fn api_can_read(&self, relation: &Relation) -> bool {
        ["anon", "authenticated"].iter().any(|role| {
            self.catalog.has_role(role) && grants_allow(&relation.grants, role, "SELECT")
        })
    }

    /// True when some valid index's leading key columns are exactly `columns` (any order),
    /// or start with them. A partial index counts when its predicate only leaves out rows
    /// where those columns are null (`WHERE fk IS NOT NULL`, as ORMs create them): a
    /// foreign-key lookup never looks for null.
    pub fn has_index_leading_with(relation: &Relation, columns: &[String]) -> bool {
        relation.indexes.iter().any(|i| {
            let serves_lookups = match &i.predicate {
                None => true,
                Some(p) => only_excludes_nulls(p, columns),
            };
            i.valid && serves_lookups && i.leads_with(columns)
        })
    }

    /// The tenant column most of the application's tables carry (at least two tables).
    fn most_common_tenant_column(&self) -> Option<&'static str> {
        let mut best: Option<(&'static str, usize)> = None;
        for candidate in TENANT_COLUMN_CANDIDATES {
            let count = self
                .user_tables()
                .filter(|t| t.has_column(candidate))
                .count();
            if count >= 2 && best.is_none_or(|(_, c)| count > c) {
                best = Some((candidate, count));
            }
        }
        best.map(|(c, _)| c)
    }

    /// See [`Context::bookkeeping`].
    fn bookkeeping_columns(&self) -> BTreeSet<&'a str> {
        let tables: Vec<&Relation> = self.user_tables().collect();
        if tables.len() < 10 {
            return BTreeSet::new();
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for t in &tables {
            for c in &t.columns {
                *counts.entry(c.name.as_str()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|(_, n)| *n * 2 > tables.len())
            .map(|(c, _)| c)
            .collect()
    }

    /// Tables that tenant columns point at (e.g. `workspaces`): they define tenancy.
    pub fn tenant_tables(&self) -> BTreeSet<QualifiedName> {
        let Some(column) = self.tenant_column else {
            return BTreeSet::new();
        };
        self.user_tables()
            .flat_map(|t| t.foreign_keys())
            .filter(|(c, _)| c.columns.len() == 1 && c.columns[0] == column)
            .map(|(_, fk)| fk.referenced_table.clone())
            .collect()
    }

    /// Resolves a `thing_id` column to the table it most likely refers to: `things`,
    /// `thing` (or `thingies` for `thingy`), in the same schema, then `public`, then `auth`.
    pub fn table_for_reference(&self, column: &str, from_schema: &str) -> Option<&'a Relation> {
        let stem = column.strip_suffix("_id")?;
        if stem.is_empty() {
            return None;
        }
        let names = plural_forms(stem);
        [from_schema, "public", "auth"].iter().find_map(|schema| {
            names.iter().find_map(|n| {
                self.relation_named(schema, n)
                    .filter(|r| r.kind.is_table() && r.partition_of.is_none())
            })
        })
    }
}

/// `deal` -> [`deals`, `deal`]; `company` -> [`companies`, `company`]; `status` -> [`statuses`, `status`].
/// Whether `copy` has at least two columns and 80% of `source`'s column names.
fn copies_columns_of(copy: &Relation, source: &Relation) -> bool {
    let shared = source
        .columns
        .iter()
        .filter(|c| copy.has_column(&c.name))
        .count();
    shared >= 2 && shared * 5 >= source.columns.len() * 4
}

fn plural_forms(stem: &str) -> Vec<String> {
    let plural = if let Some(base) = stem
        .strip_suffix('y')
        .filter(|b| !b.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{base}ies")
    } else if stem.ends_with('s')
        || stem.ends_with('x')
        || stem.ends_with("ch")
        || stem.ends_with("sh")
    {
        format!("{stem}es")
    } else {
        format!("{stem}s")
    };
    vec![plural, stem.to_string()]
}

/// Whether an index predicate is `c IS NOT NULL` (ANDed, parenthesised as the server
/// prints it) for some of `columns` and nothing else.
fn only_excludes_nulls(predicate: &str, columns: &[String]) -> bool {
    let text = predicate.trim();
    let text = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text);
    text.split(" AND ").all(|part| {
        let part = part
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        let Some(column) = part.strip_suffix(" IS NOT NULL") else {
            return false;
        };
        let column = column.trim().trim_matches('"');
        columns.iter().any(|c| c == column)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_excluding_predicates() {
        let cols = vec!["company_id".to_string()];
        assert!(only_excludes_nulls("(company_id IS NOT NULL)", &cols));
        assert!(only_excludes_nulls("company_id IS NOT NULL", &cols));
        assert!(!only_excludes_nulls(
            "(company_id IS NOT NULL) AND (active)",
            &cols
        ));
        assert!(!only_excludes_nulls("(other_id IS NOT NULL)", &cols));
        assert!(!only_excludes_nulls("(company_id > 0)", &cols));
    }

    #[test]
    fn plurals() {
        assert_eq!(plural_forms("deal")[0], "deals");
        assert_eq!(plural_forms("company")[0], "companies");
        assert_eq!(plural_forms("key")[0], "keys");
        assert_eq!(plural_forms("status")[0], "statuses");
        assert_eq!(plural_forms("content_item")[0], "content_items");
    }
}
