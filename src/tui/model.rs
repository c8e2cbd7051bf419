//! The loaded model as the explorer reads it: the catalog with its findings, indexed once
//! (relation lookup, worst finding per object, the finder's index, dependents), and the
//! rows each tab shows, defined once for update and render so their indexes agree.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::search::SearchIndex;
use super::tab::Tab;
use crate::audit::{Finding, ObjectKind, Related, Severity};
use crate::categorize::CategoryConfig;
use crate::cleanup::evidence::Dependents;
use crate::model::{Catalog, ObjectId, QualifiedName};

/// What was loaded, with everything derived from it once.
pub struct Model {
    /// Shared with the loader, which audits it while the explorer already shows it.
    pub catalog: Arc<Catalog>,
    /// False until the audit's findings have arrived (the tree is usable before).
    pub audited: bool,
    pub findings: Vec<Finding>,
    /// The object the tree lists each finding under, by finding index.
    pub owners: Vec<Option<ObjectId>>,
    /// Each finding's message with its table's name set aside (`audit::groups::pattern`),
    /// computed once: the findings list groups alike findings by it on every frame.
    pub patterns: Vec<String>,
    /// Each finding's (rule, pattern) as a number, so that grouping fifty thousand findings
    /// compares numbers, not strings.
    pub alike_ids: Vec<u32>,
    /// Indexes into `findings`, by the object the tree lists them under.
    pub by_object: HashMap<ObjectId, Vec<usize>>,
    /// The finder's index, built on first use or ahead of it by [`Model::warm_up`].
    search: Arc<OnceLock<SearchIndex>>,
    pub categories: CategoryConfig,
    /// What uses each table (every policy and function body read once), built like `search`.
    dependents: Arc<OnceLock<Dependents>>,
    /// Differences from another source (`--drift OTHER`), for the drift view.
    pub drift: Option<Drift>,
    /// Relations by name: the tree looks one up for every visible row on every frame.
    relation_index: HashMap<QualifiedName, usize>,
    /// Each object's worst open finding, kept current by [`Model::refresh_worst`]; the tree
    /// reads it for every visible row on every frame.
    worst: HashMap<ObjectId, Severity>,
    /// The objects with the most severe open findings, worst first, for the first screen.
    pub worst_objects: Vec<WorstObject>,
    /// Rules the source could not feed (no pg_stat_statements, no statistics), and why: the
    /// first screen names them, so their silence is not read as an all-clear.
    pub not_evaluated: Vec<crate::audit::NotEvaluated>,
    /// What one user saw when the tables were last read as them (`U`), until the next load.
    pub read_as: Option<ReadAs>,
}

/// The tables as one user saw them (`pglens rls`), looked up by name for the tree.
#[derive(Debug)]
pub struct ReadAs {
    pub report: crate::rls::RlsReport,
    index: HashMap<QualifiedName, usize>,
}

impl ReadAs {
    pub fn new(report: crate::rls::RlsReport) -> Self {
        let index = report
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (QualifiedName::new(&t.schema, &t.table), i))
            .collect();
        ReadAs { report, index }
    }

    /// What a table or view showed the user; None when it was not read (outside the API).
    pub fn table(&self, q: &QualifiedName) -> Option<&crate::rls::TableResult> {
        self.index.get(q).map(|i| &self.report.tables[*i])
    }

    /// Whether any command leaked rows of this table.
    pub fn leaks(&self, q: &QualifiedName) -> bool {
        self.report
            .leaks
            .iter()
            .any(|l| l.schema == q.schema && l.table == q.name)
    }
}

/// An object and its open findings by severity, for the first screen's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorstObject {
    pub id: ObjectId,
    /// Open critical, warning and info findings.
    pub counts: [usize; 3],
    /// The rule of its most severe finding.
    pub rule: &'static str,
}

/// How many objects the first screen lists.
const WORST_SHOWN: usize = 10;

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("relations", &self.catalog.relations.len())
            .field("findings", &self.findings.len())
            .finish_non_exhaustive()
    }
}

impl Model {
    /// The recorded workload, when the source read one.
    pub fn workload(&self) -> Option<&crate::model::workload::Workload> {
        self.catalog.workload.as_ref().and_then(|w| w.recorded())
    }

    /// Builds the derived indexes. `findings` should already carry suppressions.
    pub fn new(
        catalog: impl Into<Arc<Catalog>>,
        findings: Vec<Finding>,
        categories: CategoryConfig,
    ) -> Self {
        let mut model = Model::unaudited(catalog.into(), categories);
        model.set_findings(findings);
        model
    }

    /// The model before the audit: everything but the findings, which
    /// [`Model::set_findings`] adds when they arrive.
    pub fn unaudited(catalog: Arc<Catalog>, categories: CategoryConfig) -> Self {
        let relation_index = catalog
            .relations
            .iter()
            .enumerate()
            .map(|(i, r)| (r.qualified_name(), i))
            .collect();
        Model {
            catalog,
            audited: false,
            findings: Vec::new(),
            owners: Vec::new(),
            patterns: Vec::new(),
            alike_ids: Vec::new(),
            by_object: HashMap::new(),
            search: Arc::default(),
            categories,
            dependents: Arc::default(),
            drift: None,
            relation_index,
            worst: HashMap::new(),
            worst_objects: Vec::new(),
            not_evaluated: Vec::new(),
            read_as: None,
        }
    }

    /// The finder's index over every object.
    pub fn search(&self) -> &SearchIndex {
        self.search
            .get_or_init(|| SearchIndex::build(&self.catalog))
    }

    /// What depends on each table.
    pub fn dependents(&self) -> &Dependents {
        self.dependents
            .get_or_init(|| Dependents::build(&self.catalog))
    }

    /// Work that builds the finder's and the Usage tab's indexes, for another thread to run
    /// once the model is handed over: the tree shows without waiting for them (a quarter of
    /// a second on 5,000 tables), and they are ready before anyone asks. Asking first waits
    /// for the build already under way rather than starting another.
    pub fn warm_up(&self) -> impl FnOnce() + Send + 'static {
        let (catalog, search, dependents) = (
            Arc::clone(&self.catalog),
            Arc::clone(&self.search),
            Arc::clone(&self.dependents),
        );
        move || {
            search.get_or_init(|| SearchIndex::build(&catalog));
            dependents.get_or_init(|| Dependents::build(&catalog));
        }
    }

    /// The audit's findings (suppressions already applied), and every index over them.
    pub fn set_findings(&mut self, findings: Vec<Finding>) {
        let owners = owners(&self.catalog, &findings);
        let patterns: Vec<String> = findings.iter().map(crate::audit::groups::pattern).collect();
        let mut ids: HashMap<(&str, &str), u32> = HashMap::new();
        let alike_ids = findings
            .iter()
            .zip(&patterns)
            .map(|(f, p)| {
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                *ids.entry((f.rule, p.as_str())).or_insert(next)
            })
            .collect();
        let mut by_object: HashMap<ObjectId, Vec<usize>> = HashMap::new();
        for (i, owner) in owners.iter().enumerate() {
            if let Some(id) = owner {
                by_object.entry(id.clone()).or_default().push(i);
            }
        }
        self.findings = findings;
        self.owners = owners;
        self.alike_ids = alike_ids;
        self.patterns = patterns;
        self.by_object = by_object;
        self.not_evaluated =
            crate::audit::not_evaluated(&self.catalog, &crate::audit::Selection::default());
        self.audited = true;
        self.refresh_worst();
    }

    /// Shows the tables as one user saw them: the report for the tree and tabs, and its
    /// leaks as critical findings in place of an earlier user's. The audit's findings keep
    /// their indexes (leaks come after them).
    pub fn set_read_as(&mut self, report: crate::rls::RlsReport) {
        let leak_rule = crate::rls::findings::LEAK.id;
        let mut findings: Vec<Finding> = std::mem::take(&mut self.findings)
            .into_iter()
            .filter(|f| f.rule != leak_rule)
            .collect();
        findings.extend(crate::rls::findings::findings(&report, &self.catalog));
        self.set_findings(findings);
        self.read_as = Some(ReadAs::new(report));
    }

    /// Recomputes the worst-finding cache (after a suppression).
    pub fn refresh_worst(&mut self) {
        self.worst = self
            .by_object
            .iter()
            .filter_map(|(id, list)| {
                list.iter()
                    .map(|i| &self.findings[*i])
                    .filter(|f| f.suppressed.is_none())
                    .map(|f| f.severity)
                    .max()
                    .map(|s| (id.clone(), s))
            })
            .collect();
        let mut worst: Vec<WorstObject> = self
            .by_object
            .iter()
            .filter_map(|(id, list)| {
                let open: Vec<&Finding> = list
                    .iter()
                    .map(|i| &self.findings[*i])
                    .filter(|f| f.suppressed.is_none())
                    .collect();
                let top = open.iter().max_by_key(|f| f.severity)?;
                let count = |s: Severity| open.iter().filter(|f| f.severity == s).count();
                Some(WorstObject {
                    id: id.clone(),
                    counts: [
                        count(Severity::Critical),
                        count(Severity::Warning),
                        count(Severity::Info),
                    ],
                    rule: top.rule,
                })
            })
            .collect();
        worst.sort_by(|a, b| b.counts.cmp(&a.counts).then_with(|| a.id.cmp(&b.id)));
        worst.truncate(WORST_SHOWN);
        self.worst_objects = worst;
    }

    /// A relation by name, in constant time.
    pub fn relation(&self, q: &QualifiedName) -> Option<&crate::model::Relation> {
        self.relation_index
            .get(q)
            .map(|i| &self.catalog.relations[*i])
    }

    pub fn findings_of(&self, id: &ObjectId) -> &[usize] {
        self.by_object.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The worst open (not suppressed) finding of an object.
    pub fn worst(&self, id: &ObjectId) -> Option<Severity> {
        self.worst.get(id).copied()
    }

    /// Open findings by severity: (critical, warning, info).
    pub fn open_counts(&self) -> (usize, usize, usize) {
        let open = |s| {
            self.findings
                .iter()
                .filter(|f| f.severity == s && f.suppressed.is_none())
                .count()
        };
        (
            open(Severity::Critical),
            open(Severity::Warning),
            open(Severity::Info),
        )
    }
}

/// The loaded source compared with another one.
#[derive(Debug, Clone)]
pub struct Drift {
    /// The other source's label.
    pub against: String,
    pub differences: Vec<crate::diff::Difference>,
    pub progress: Option<crate::diff::MigrationProgress>,
}

/// The object the tree shows each finding under: its table or view, its function, the
/// table a sequence feeds, or its extension. Functions are looked up by the name a finding
/// gives them (`name(argument types)`), never parsed out of it.
fn owners(catalog: &Catalog, findings: &[Finding]) -> Vec<Option<ObjectId>> {
    let functions: HashMap<(&str, String), ObjectId> = catalog
        .functions
        .iter()
        .map(|f| ((f.schema.as_str(), f.signature()), f.object_id()))
        .collect();
    let sequences: HashMap<(&str, &str), &QualifiedName> = catalog
        .sequences
        .iter()
        .filter_map(|s| {
            Some((
                (s.schema.as_str(), s.name.as_str()),
                &s.owned_by.as_ref()?.table,
            ))
        })
        .collect();
    findings
        .iter()
        .map(|f| {
            let o = &f.object;
            match (o.kind, o.schema.as_deref(), &o.table, &o.name) {
                (ObjectKind::Function, Some(schema), _, Some(name)) => {
                    functions.get(&(schema, name.clone())).cloned()
                }
                (ObjectKind::Sequence, Some(schema), _, Some(name)) => sequences
                    .get(&(schema, name.as_str()))
                    .map(|table| ObjectId::Relation((*table).clone())),
                (ObjectKind::Extension, _, _, Some(name)) => {
                    Some(ObjectId::Extension { name: name.clone() })
                }
                (_, Some(schema), Some(table), _) => Some(ObjectId::relation(schema, table)),
                _ => None,
            }
        })
        .collect()
}

/// One row of a detail tab: what it names (for marking and jumping) and its findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailRow {
    /// The column, index, constraint, policy or trigger the row shows.
    pub name: Option<String>,
    /// Where Enter goes (Relationships rows).
    pub jump: Option<ObjectId>,
    /// Findings that point at this row.
    pub findings: Vec<usize>,
}

/// The rows of a tab for an object. Render and update both use this, so a row index means
/// the same thing to both.
pub fn detail_rows(model: &Model, id: &ObjectId, tab: Tab) -> Vec<DetailRow> {
    let own = model.findings_of(id);
    let marked = |kind: ObjectKind, name: &str| -> Vec<usize> {
        own.iter()
            .copied()
            .filter(|i| {
                let o = &model.findings[*i].object;
                o.kind == kind && o.name.as_deref() == Some(name)
            })
            .collect()
    };
    let named = |kind: ObjectKind, names: Vec<&str>| -> Vec<DetailRow> {
        names
            .into_iter()
            .map(|n| DetailRow {
                name: Some(n.to_string()),
                jump: None,
                findings: marked(kind, n),
            })
            .collect()
    };
    if tab == Tab::Findings {
        return own
            .iter()
            .map(|i| DetailRow {
                name: None,
                jump: None,
                findings: vec![*i],
            })
            .collect();
    }
    let ObjectId::Relation(q) = id else {
        return Vec::new();
    };
    let Some(r) = model.relation(q) else {
        return Vec::new();
    };
    match tab {
        // Enter on a foreign-key column opens the table it references.
        Tab::Columns => r
            .columns
            .iter()
            .map(|c| DetailRow {
                name: Some(c.name.clone()),
                jump: r
                    .foreign_keys()
                    .find(|(k, _)| k.columns.first() == Some(&c.name))
                    .map(|(_, fk)| ObjectId::Relation(fk.referenced_table.clone())),
                findings: marked(ObjectKind::Column, &c.name),
            })
            .collect(),
        Tab::Indexes => named(
            ObjectKind::Index,
            r.indexes.iter().map(|i| i.name.as_str()).collect(),
        ),
        Tab::Constraints => named(
            ObjectKind::Constraint,
            r.constraints.iter().map(|c| c.name.as_str()).collect(),
        ),
        Tab::Policies => named(
            ObjectKind::Policy,
            r.policies.iter().map(|p| p.name.as_str()).collect(),
        ),
        // The relation's findings about grants and RLS (an open table, TRUNCATE for the
        // API) are on its own row in the tree; a role's row is for reading its access.
        Tab::Grants => model
            .catalog
            .access(r)
            .into_iter()
            .map(|a| DetailRow {
                name: Some(a.role),
                jump: None,
                findings: Vec::new(),
            })
            .collect(),
        Tab::Triggers => named(
            ObjectKind::Trigger,
            r.triggers.iter().map(|t| t.name.as_str()).collect(),
        ),
        Tab::Relationships => relationships(model, q)
            .into_iter()
            .map(|rel| DetailRow {
                name: Some(rel.label),
                jump: Some(ObjectId::Relation(rel.other)),
                findings: Vec::new(),
            })
            .collect(),
        // What depends on the table in the database, where the code names it, then the
        // recorded statements that touch it.
        Tab::Usage => model
            .dependents()
            .of(q)
            .iter()
            .map(|d| DetailRow {
                name: Some(d.label.clone()),
                jump: Some(d.object.clone()).filter(|o| *o != *id),
                findings: Vec::new(),
            })
            .chain(code_references(model, q).iter().map(|r| DetailRow {
                name: Some(format!("{}:{}", r.file, r.line)),
                jump: None,
                findings: Vec::new(),
            }))
            .chain(
                recorded_statements(model, q)
                    .into_iter()
                    .map(|s| DetailRow {
                        name: Some(s.one_line(200)),
                        jump: None,
                        findings: Vec::new(),
                    }),
            )
            .collect(),
        Tab::Findings | Tab::Definition => Vec::new(),
    }
}

/// How many recorded statements the Usage tab lists for a table, heaviest first.
pub const STATEMENTS_LISTED: usize = 20;

/// The recorded statements that touch a table, heaviest first (at most
/// [`STATEMENTS_LISTED`]); empty without a recorded workload.
pub fn recorded_statements<'a>(
    model: &'a Model,
    q: &'a QualifiedName,
) -> Vec<&'a crate::model::workload::RecordedStatement> {
    model
        .workload()
        .map(|w| w.statements_on(q).take(STATEMENTS_LISTED).collect())
        .unwrap_or_default()
}

/// Where the application's code names a table (`--code`); empty without a scan.
pub fn code_references<'a>(
    model: &'a Model,
    q: &QualifiedName,
) -> &'a [crate::model::code::CodeReference] {
    model
        .catalog
        .code
        .as_ref()
        .and_then(|c| c.of(q))
        .unwrap_or_default()
}

/// How two relations are related, from the selected one's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationshipKind {
    References,
    ReferencedBy,
    Implied,
    ReadBy,
    Reads,
}

impl RelationshipKind {
    pub fn label(self) -> &'static str {
        match self {
            RelationshipKind::References => "references",
            RelationshipKind::ReferencedBy => "referenced by",
            RelationshipKind::Implied => "implied ref.",
            RelationshipKind::ReadBy => "read by view",
            RelationshipKind::Reads => "reads",
        }
    }
}

/// A relationship of the selected relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub kind: RelationshipKind,
    pub other: QualifiedName,
    /// `(a, b) -> (id)` or the column that implies it.
    pub label: String,
}

/// ` ON DELETE CASCADE` after a foreign key's label; nothing for the default actions.
fn action_suffix(fk: &crate::model::ForeignKey) -> String {
    match fk.actions() {
        a if a.is_empty() => a,
        a => format!(" {a}"),
    }
}

/// Outgoing and incoming foreign keys, implied references, and views either way.
pub fn relationships(model: &Model, q: &QualifiedName) -> Vec<Relationship> {
    let catalog = &model.catalog;
    let mut out = Vec::new();
    let Some(r) = model.relation(q) else {
        return out;
    };
    for (c, fk) in r.foreign_keys() {
        out.push(Relationship {
            kind: RelationshipKind::References,
            other: fk.referenced_table.clone(),
            label: format!(
                "({}) -> {}({}){}",
                c.columns.join(", "),
                fk.referenced_table,
                fk.referenced_columns.join(", "),
                action_suffix(fk)
            ),
        });
    }
    for other in &catalog.relations {
        for (c, fk) in other.foreign_keys() {
            if &fk.referenced_table == q {
                out.push(Relationship {
                    kind: RelationshipKind::ReferencedBy,
                    other: other.qualified_name(),
                    label: format!(
                        "{}.{}({}){}",
                        other.schema,
                        other.name,
                        c.columns.join(", "),
                        action_suffix(fk)
                    ),
                });
            }
        }
        if other.reads.contains(q) {
            out.push(Relationship {
                kind: RelationshipKind::ReadBy,
                other: other.qualified_name(),
                label: format!("{} {}", other.kind.label(), other.qualified_name()),
            });
        }
    }
    for read in &r.reads {
        out.push(Relationship {
            kind: RelationshipKind::Reads,
            other: read.clone(),
            label: read.to_string(),
        });
    }
    for i in model.findings_of(&ObjectId::Relation(q.clone())) {
        let f = &model.findings[*i];
        if let (Some(column), Some(Related::ImpliedReference { table })) =
            (&f.object.name, &f.related)
        {
            out.push(Relationship {
                kind: RelationshipKind::Implied,
                other: table.clone(),
                label: format!("({column}) -> {table} (no foreign key)"),
            });
        }
    }
    out
}

/// The table a consolidation finding suggests merging into.
pub fn merge_suggestion(model: &Model, table: &QualifiedName) -> Option<QualifiedName> {
    model
        .findings_of(&ObjectId::Relation(table.clone()))
        .iter()
        .find_map(|i| match &model.findings[*i].related {
            Some(Related::VersionOf { table }) => Some(table.clone()),
            _ => None,
        })
}
