//! The explorer's state and its pure `update`: an [`Action`] in, the state changed, and
//! [`Effect`]s out for the runtime to perform (copy to the clipboard, write the ignore file,
//! reload, quit). No terminal, no clock, no I/O: everything here is testable as plain data.

use std::collections::{BTreeSet, HashMap};

use fuzzy_matcher::skim::SkimMatcherV2;

use super::action::Action;
use super::review::{MarkPrompt, TablesView};
use super::search::{Hit, SearchIndex};
use crate::audit::{self, Category, Finding, ObjectKind, Severity};
use crate::categorize::{self, CategoryConfig, Group, Grouping};
use crate::cleanup::evidence::Dependents;
use crate::cleanup::Plan;
use crate::model::{Catalog, ObjectId, QualifiedName};

/// Detail tabs, in order; `1`-`9` select them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    #[default]
    Columns,
    Indexes,
    Constraints,
    Policies,
    Triggers,
    Relationships,
    /// Usage evidence, dependents and the plan's decision.
    Usage,
    Findings,
    Definition,
}

impl Tab {
    pub const ALL: [Tab; 9] = [
        Tab::Columns,
        Tab::Indexes,
        Tab::Constraints,
        Tab::Policies,
        Tab::Triggers,
        Tab::Relationships,
        Tab::Usage,
        Tab::Findings,
        Tab::Definition,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Columns => "Columns",
            Tab::Indexes => "Indexes",
            Tab::Constraints => "Constraints",
            Tab::Policies => "Policies",
            Tab::Triggers => "Triggers",
            Tab::Relationships => "Relationships",
            Tab::Usage => "Usage",
            Tab::Findings => "Findings",
            Tab::Definition => "Definition",
        }
    }

    /// A short title for narrow terminals.
    pub fn short(self) -> &'static str {
        match self {
            Tab::Columns => "Cols",
            Tab::Indexes => "Idx",
            Tab::Constraints => "Cons",
            Tab::Policies => "Pol",
            Tab::Triggers => "Trig",
            Tab::Relationships => "Rel",
            Tab::Usage => "Use",
            Tab::Findings => "Find",
            Tab::Definition => "Def",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    fn offset(self, by: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[((self.index() as isize + by).rem_euclid(n)) as usize]
    }

    /// The tab where a finding about this kind of object shows as a marked row.
    pub fn for_kind(kind: ObjectKind) -> Tab {
        match kind {
            ObjectKind::Column => Tab::Columns,
            ObjectKind::Index => Tab::Indexes,
            ObjectKind::Constraint => Tab::Constraints,
            ObjectKind::Policy => Tab::Policies,
            ObjectKind::Trigger => Tab::Triggers,
            _ => Tab::Findings,
        }
    }
}

/// What was loaded, with everything derived from it once.
pub struct Model {
    pub catalog: Catalog,
    pub findings: Vec<Finding>,
    /// Indexes into `findings`, by the object the tree lists them under.
    pub by_object: HashMap<ObjectId, Vec<usize>>,
    pub search: SearchIndex,
    pub categories: CategoryConfig,
    /// What uses each table, computed once (every policy and function body read once).
    pub dependents: Dependents,
    /// Differences from another source (`--drift OTHER`), for the drift view.
    pub drift: Option<Drift>,
    /// Relations by name: the tree looks one up for every visible row on every frame.
    relation_index: HashMap<QualifiedName, usize>,
    /// Each object's worst open finding, kept current by [`Model::refresh_worst`]; the tree
    /// reads it for every visible row on every frame.
    worst: HashMap<ObjectId, Severity>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("relations", &self.catalog.relations.len())
            .field("findings", &self.findings.len())
            .finish_non_exhaustive()
    }
}

impl Model {
    /// Builds the derived indexes. `findings` should already carry suppressions.
    pub fn new(catalog: Catalog, findings: Vec<Finding>, categories: CategoryConfig) -> Self {
        let mut by_object: HashMap<ObjectId, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if let Some(id) = owner_of(&catalog, f) {
                by_object.entry(id).or_default().push(i);
            }
        }
        let search = SearchIndex::build(&catalog);
        let dependents = Dependents::build(&catalog);
        let mut model = Model {
            catalog,
            findings,
            by_object,
            search,
            categories,
            dependents,
            drift: None,
            relation_index: HashMap::new(),
            worst: HashMap::new(),
        };
        model.relation_index = model
            .catalog
            .relations
            .iter()
            .enumerate()
            .map(|(i, r)| (r.qualified_name(), i))
            .collect();
        model.refresh_worst();
        model
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

/// The object the tree shows a finding under: its table or view, its function, the table a
/// sequence feeds, or its extension.
fn owner_of(catalog: &Catalog, f: &Finding) -> Option<ObjectId> {
    let o = &f.object;
    match (o.kind, &o.schema, &o.table, &o.name) {
        (ObjectKind::Function, Some(schema), _, Some(name)) => {
            let (fname, rest) = name.split_once('(')?;
            Some(ObjectId::Function {
                schema: schema.clone(),
                name: fname.to_string(),
                arguments: rest.strip_suffix(')')?.to_string(),
            })
        }
        (ObjectKind::Sequence, Some(schema), _, Some(name)) => catalog
            .sequences
            .iter()
            .find(|s| &s.schema == schema && &s.name == name)
            .and_then(|s| s.owned_by.as_ref())
            .map(|o| ObjectId::Relation(o.table.clone())),
        (ObjectKind::Extension, _, _, Some(name)) => {
            Some(ObjectId::Extension { name: name.clone() })
        }
        (_, Some(schema), Some(table), _) => Some(ObjectId::relation(schema, table)),
        _ => None,
    }
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
        Tab::Columns => named(
            ObjectKind::Column,
            r.columns.iter().map(|c| c.name.as_str()).collect(),
        ),
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
        Tab::Usage => model
            .dependents
            .of(q)
            .iter()
            .map(|d| DetailRow {
                name: Some(d.label.clone()),
                jump: Some(d.object.clone()).filter(|o| *o != *id),
                findings: Vec::new(),
            })
            .collect(),
        Tab::Findings | Tab::Definition => Vec::new(),
    }
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
                "({}) -> {}({})",
                c.columns.join(", "),
                fk.referenced_table,
                fk.referenced_columns.join(", ")
            ),
        });
    }
    for other in &catalog.relations {
        for (c, fk) in other.foreign_keys() {
            if &fk.referenced_table == q {
                out.push(Relationship {
                    kind: RelationshipKind::ReferencedBy,
                    other: other.qualified_name(),
                    label: format!("{}.{}({})", other.schema, other.name, c.columns.join(", ")),
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
        if f.rule == "implied-foreign-key" {
            if let (Some(column), Some(target)) = (&f.object.name, implied_target(&f.message)) {
                out.push(Relationship {
                    kind: RelationshipKind::Implied,
                    other: target.clone(),
                    label: format!("({column}) -> {target} (no foreign key)"),
                });
            }
        }
    }
    out
}

/// The table an implied-foreign-key finding names ("... a reference to schema.table but ...").
fn implied_target(message: &str) -> Option<QualifiedName> {
    let rest = message.split_once("a reference to ")?.1;
    let name = rest.split_once(" but")?.0;
    let (schema, table) = name.split_once('.')?;
    Some(QualifiedName::new(schema, table))
}

/// Where keyboard focus is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Tree,
    Detail,
}

/// A node of the tree: a group, or an object inside a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    Group(String),
    Item(String, ObjectId),
}

/// The fuzzy finder's state.
#[derive(Debug, Default)]
pub struct SearchState {
    pub query: String,
    pub hits: Vec<Hit>,
    pub selected: usize,
}

/// The schema-wide findings list and its filters.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FindingsView {
    pub min_severity: Option<Severity>,
    pub category: Option<Category>,
    pub rule: Option<&'static str>,
    pub selected: usize,
}

impl FindingsView {
    /// The findings shown, as indexes, in report order.
    pub fn visible(&self, model: &Model) -> Vec<usize> {
        model
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| self.min_severity.is_none_or(|s| f.severity >= s))
            .filter(|(_, f)| self.category.is_none_or(|c| f.category == c))
            .filter(|(_, f)| self.rule.is_none_or(|r| f.rule == r))
            .map(|(i, _)| i)
            .collect()
    }
}

/// A question waiting for typed input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub finding: usize,
    pub input: String,
}

/// What covers the main panes, if anything.
#[derive(Debug, Default)]
pub enum Overlay {
    #[default]
    None,
    Search(SearchState),
    Findings(FindingsView),
    /// Help, scrolled down by this many lines.
    Help(usize),
    Suppress(Prompt),
    /// The table list with usage evidence, sortable.
    Tables(TablesView),
    /// Marking a table for the cleanup plan.
    Mark(MarkPrompt),
    /// Differences from the `--drift` source; the selected row.
    Drift(usize),
    /// Asking for the database password; what has been typed (shown masked).
    Password(Password),
}

/// A password typed at the prompt. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(********)")
    }
}

/// How a status message should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

/// Side effects for the runtime to perform; `update` never performs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Copy {
        text: String,
        what: String,
    },
    Suppress {
        key: String,
        reason: String,
    },
    /// Write `App::plan` to the plan file.
    /// Save one table's decision (None: removed) into the plan file.
    SaveMark {
        table: QualifiedName,
        mark: Option<crate::cleanup::Mark>,
    },
    /// Connect again with this password.
    Reconnect {
        password: Password,
    },
    /// Write the plan's Markdown and SQL beside the plan file.
    ExportPlan,
    Reload,
    Quit,
}

/// The whole explorer state.
pub struct App {
    pub model: Option<Model>,
    pub loading: Option<crate::source::live::Progress>,
    pub source_label: String,
    pub grouping: Grouping,
    pub groups: Vec<Group>,
    pub open_groups: BTreeSet<String>,
    pub selected: Option<Node>,
    pub focus: Focus,
    pub tab: Tab,
    pub row: usize,
    pub history: Vec<ObjectId>,
    pub overlay: Overlay,
    pub status: Option<(String, Tone)>,
    /// Rows a page jump moves; set from the terminal size.
    pub page: usize,
    /// The cleanup plan's decisions; outlives reloads.
    pub plan: Plan,
    /// Decisions whose save failed, kept over what the file holds until one succeeds.
    unsaved: std::collections::BTreeMap<QualifiedName, Option<crate::cleanup::Mark>>,
    matcher: SkimMatcherV2,
}

impl App {
    pub fn new(source_label: String) -> Self {
        App {
            model: None,
            loading: None,
            source_label,
            grouping: Grouping::default(),
            groups: Vec::new(),
            open_groups: BTreeSet::new(),
            selected: None,
            focus: Focus::Tree,
            tab: Tab::Columns,
            row: 0,
            history: Vec::new(),
            overlay: Overlay::None,
            status: None,
            page: 10,
            plan: Plan::default(),
            unsaved: Default::default(),
            matcher: SkimMatcherV2::default(),
        }
    }

    /// The object selected in the tree, if an object (not a group) is selected.
    pub fn selected_object(&self) -> Option<&ObjectId> {
        match &self.selected {
            Some(Node::Item(_, id)) => Some(id),
            _ => None,
        }
    }

    /// The tree's visible rows: groups, and the members of open groups.
    pub fn visible_nodes(&self) -> Vec<Node> {
        let mut rows = Vec::new();
        for g in &self.groups {
            rows.push(Node::Group(g.name.clone()));
            if self.open_groups.contains(&g.name) {
                rows.extend(
                    g.members
                        .iter()
                        .map(|m| Node::Item(g.name.clone(), m.clone())),
                );
            }
        }
        rows
    }

    fn regroup(&mut self) {
        let Some(model) = &self.model else { return };
        self.groups = categorize::group(&model.catalog, self.grouping, &model.categories, &|id| {
            model.worst(id)
        });
        // Keep the selected object selected, under whichever group now holds it.
        if let Some(id) = self.selected_object().cloned() {
            self.select_object(&id);
        } else if !matches!(&self.selected, Some(Node::Group(g)) if self.groups.iter().any(|x| &x.name == g))
        {
            self.selected = self.groups.first().map(|g| Node::Group(g.name.clone()));
        }
    }

    /// Selects an object in the tree, opening its group. False if it is not listed.
    fn select_object(&mut self, id: &ObjectId) -> bool {
        let Some(group) = self.groups.iter().find(|g| g.members.contains(id)) else {
            return false;
        };
        self.open_groups.insert(group.name.clone());
        self.selected = Some(Node::Item(group.name.clone(), id.clone()));
        true
    }

    /// Goes to an object's tab, remembering where we were for Backspace.
    pub(super) fn jump_to(&mut self, id: &ObjectId, tab: Tab) {
        self.jump(id, tab, None);
    }

    /// Goes to an object, remembering where we were for Backspace.
    fn jump(&mut self, id: &ObjectId, tab: Tab, row_name: Option<&str>) {
        let from = self.selected_object().cloned();
        if !self.select_object(id) {
            self.status = Some((format!("{} is not listed", id.label()), Tone::Error));
            return;
        }
        if let Some(from) = from.filter(|f| f != id) {
            self.history.push(from);
        }
        self.focus = Focus::Detail;
        self.tab = tab;
        self.row = 0;
        if let (Some(name), Some(model)) = (row_name, &self.model) {
            let rows = detail_rows(model, id, tab);
            self.row = rows
                .iter()
                .position(|r| r.name.as_deref() == Some(name))
                .unwrap_or(0);
        }
    }

    fn rows(&self) -> Vec<DetailRow> {
        match (&self.model, self.selected_object()) {
            (Some(m), Some(id)) => detail_rows(m, id, self.tab),
            _ => Vec::new(),
        }
    }

    /// The finding the user means by "this finding": the findings view's selection, the
    /// detail row's, or the selected object's worst.
    fn current_finding(&self) -> Option<usize> {
        let model = self.model.as_ref()?;
        if let Overlay::Findings(view) = &self.overlay {
            return view.visible(model).get(view.selected).copied();
        }
        let id = self.selected_object()?;
        if self.focus == Focus::Detail {
            if let Some(row) = self.rows().get(self.row) {
                if let Some(i) = row.findings.first() {
                    return Some(*i);
                }
            }
        }
        model
            .findings_of(id)
            .iter()
            .copied()
            .filter(|i| model.findings[*i].fix.is_some())
            .max_by_key(|i| {
                (
                    model.findings[*i].suppressed.is_none(),
                    model.findings[*i].severity,
                )
            })
    }

    /// Applies one action. Returns the effects the runtime must carry out.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Loaded(model) => {
                self.model = Some(*model);
                self.loading = None;
                let first_open = self.selected.is_none();
                self.regroup();
                if first_open {
                    if let Some(g) = self.groups.first() {
                        self.open_groups.insert(g.name.clone());
                    }
                }
                Vec::new()
            }
            Action::LoadFailed(message) => {
                self.loading = None;
                let kept = if self.model.is_some() {
                    " (showing what was loaded before)"
                } else {
                    ""
                };
                self.status = Some((format!("{message}{kept}"), Tone::Error));
                Vec::new()
            }
            Action::PasswordNeeded => {
                self.loading = None;
                self.overlay = Overlay::Password(Password(String::new()));
                self.status = Some((
                    format!("{} asks for a password", self.source_label),
                    Tone::Info,
                ));
                Vec::new()
            }
            Action::PlanSaved { table, mut plan } => {
                self.unsaved.remove(&table);
                for (t, mark) in &self.unsaved {
                    plan.set(t.clone(), mark.clone());
                }
                self.plan = plan;
                Vec::new()
            }
            Action::PlanNotSaved {
                table,
                mark,
                message,
            } => {
                self.unsaved.insert(table, mark);
                self.status = Some((
                    format!("{message} (the mark is kept until you quit)"),
                    Tone::Error,
                ));
                Vec::new()
            }
            Action::Progress(step) => {
                self.loading = Some(step);
                Vec::new()
            }
            Action::Notice(message) => {
                self.status = Some((message, Tone::Info));
                Vec::new()
            }
            Action::Failure(message) => {
                self.status = Some((message, Tone::Error));
                Vec::new()
            }
            Action::Resize { height, .. } => {
                self.page = usize::from(height.saturating_sub(8)).max(1);
                Vec::new()
            }
            Action::Quit => vec![Effect::Quit],
            other => self.update_for_mode(other),
        }
    }

    fn update_for_mode(&mut self, action: Action) -> Vec<Effect> {
        match std::mem::take(&mut self.overlay) {
            Overlay::Search(state) => self.update_search(state, action),
            Overlay::Suppress(prompt) => self.update_prompt(prompt, action),
            Overlay::Password(typed) => self.update_password(typed.0, action),
            Overlay::Findings(view) => self.update_findings(view, action),
            Overlay::Tables(view) => self.update_tables(view, action),
            Overlay::Mark(prompt) => self.update_mark(prompt, action),
            Overlay::Drift(selected) => self.update_drift(selected, action),
            Overlay::Help(offset) => {
                let offset = match action {
                    Action::Escape | Action::Help | Action::Enter => return Vec::new(),
                    Action::Up => offset.saturating_sub(1),
                    Action::Down => offset + 1,
                    Action::PageUp => offset.saturating_sub(self.page),
                    Action::PageDown => offset + self.page,
                    Action::Home => 0,
                    _ => offset,
                };
                self.overlay = Overlay::Help(offset);
                Vec::new()
            }
            Overlay::None => self.update_main(action),
        }
    }

    fn update_main(&mut self, action: Action) -> Vec<Effect> {
        self.status = None;
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(self.page as isize)),
            Action::PageDown => self.move_by(self.page as isize),
            Action::Home => self.move_by(isize::MIN / 2),
            Action::End => self.move_by(isize::MAX / 2),
            Action::Left | Action::Escape => self.left(),
            Action::Right => self.right(),
            Action::Enter => self.enter(),
            Action::Back => {
                if let Some(prev) = self.history.pop() {
                    self.select_object(&prev);
                    self.row = 0;
                }
            }
            Action::NextTab => self.set_tab(self.tab.offset(1)),
            Action::PrevTab => self.set_tab(self.tab.offset(-1)),
            Action::Tab(n) => {
                if let Some(t) = Tab::ALL.get(usize::from(n)) {
                    self.set_tab(*t);
                }
            }
            Action::Search => self.overlay = Overlay::Search(SearchState::default()),
            Action::Findings => self.overlay = Overlay::Findings(FindingsView::default()),
            Action::Help => self.overlay = Overlay::Help(0),
            Action::CycleGrouping => {
                self.grouping = self.grouping.next();
                self.regroup();
                self.status = Some((format!("grouped by {}", self.grouping.label()), Tone::Info));
            }
            Action::Tables => self.open_tables(),
            Action::Drift => match self.model.as_ref().and_then(|m| m.drift.as_ref()) {
                Some(_) => self.overlay = Overlay::Drift(0),
                None => {
                    self.status = Some((
                        "no drift to show: open pglens with --drift OTHER to compare".into(),
                        Tone::Error,
                    ))
                }
            },
            Action::Mark => match self.selected_object().cloned() {
                Some(ObjectId::Relation(q)) => self.start_mark(q, None),
                _ => self.status = Some(("select a table to mark".into(), Tone::Error)),
            },
            Action::ExportPlan => return vec![Effect::ExportPlan],
            Action::CopyFix => return self.copy_fix(),
            Action::CopyAll => return self.copy_all(),
            Action::Suppress => self.start_suppress(),
            Action::Reload => {
                self.status = Some(("reloading...".into(), Tone::Info));
                return vec![Effect::Reload];
            }
            Action::Select(node) => {
                self.selected = Some(node);
                self.focus = Focus::Tree;
                self.row = 0;
            }
            Action::SelectRow(row) => {
                self.focus = Focus::Detail;
                self.row = row;
            }
            _ => {}
        }
        Vec::new()
    }

    fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.row = 0;
    }

    fn move_by(&mut self, by: isize) {
        match self.focus {
            Focus::Detail => {
                let n = self.rows().len();
                self.row = step(self.row, by, n);
            }
            Focus::Tree => {
                let nodes = self.visible_nodes();
                let current = self
                    .selected
                    .as_ref()
                    .and_then(|s| nodes.iter().position(|n| n == s))
                    .unwrap_or(0);
                if let Some(node) = nodes.get(step(current, by, nodes.len())) {
                    self.selected = Some(node.clone());
                    self.row = 0;
                }
            }
        }
    }

    fn left(&mut self) {
        if self.focus == Focus::Detail {
            self.focus = Focus::Tree;
            return;
        }
        match self.selected.clone() {
            Some(Node::Item(group, _)) => self.selected = Some(Node::Group(group)),
            Some(Node::Group(group)) => {
                self.open_groups.remove(&group);
            }
            None => {}
        }
    }

    fn right(&mut self) {
        match self.selected.clone() {
            Some(Node::Group(group)) => {
                self.open_groups.insert(group);
            }
            Some(Node::Item(..)) => self.focus = Focus::Detail,
            None => {}
        }
    }

    fn toggle_group(&mut self, group: String) {
        if !self.open_groups.remove(&group) {
            self.open_groups.insert(group);
        }
    }

    fn enter(&mut self) {
        match (self.focus, self.selected.clone()) {
            (Focus::Tree, Some(Node::Group(group))) => self.toggle_group(group),
            (Focus::Tree, Some(Node::Item(..))) => self.focus = Focus::Detail,
            (Focus::Detail, _) => {
                let target = self.rows().get(self.row).and_then(|r| r.jump.clone());
                if let Some(target) = target {
                    self.jump(&target, self.tab, None);
                } else if self.tab == Tab::Findings {
                    self.jump_to_finding_row();
                }
            }
            _ => {}
        }
    }

    /// From the Findings tab, Enter opens the tab where the finding's row is marked.
    fn jump_to_finding_row(&mut self) {
        let Some(i) = self
            .rows()
            .get(self.row)
            .and_then(|r| r.findings.first().copied())
        else {
            return;
        };
        let Some(model) = &self.model else { return };
        let f = &model.findings[i];
        let tab = Tab::for_kind(f.object.kind);
        if tab != Tab::Findings {
            let name = f.object.name.clone();
            self.tab = tab;
            let rows = self.rows();
            self.row = rows.iter().position(|r| r.name == name).unwrap_or(0);
        }
    }

    fn copy_fix(&mut self) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let Some(i) = self.current_finding() else {
            self.status = Some(("no finding selected".into(), Tone::Error));
            return Vec::new();
        };
        let f = &model.findings[i];
        match &f.fix {
            Some(_) => vec![Effect::Copy {
                text: audit::format::fix_script(&[f], &self.source_label, &f.message),
                what: format!("fix for {}", f.key),
            }],
            None => {
                self.status = Some((format!("{} has no fix SQL", f.rule), Tone::Error));
                Vec::new()
            }
        }
    }

    fn copy_all(&mut self) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let (ids, title): (Vec<ObjectId>, String) = match &self.selected {
            Some(Node::Item(_, id)) => (vec![id.clone()], id.label()),
            Some(Node::Group(name)) => (
                self.groups
                    .iter()
                    .find(|g| &g.name == name)
                    .map(|g| g.members.clone())
                    .unwrap_or_default(),
                format!("category {name}"),
            ),
            None => return Vec::new(),
        };
        let findings: Vec<&Finding> = ids
            .iter()
            .flat_map(|id| model.findings_of(id).iter().map(|i| &model.findings[*i]))
            .filter(|f| f.fix.is_some() && f.suppressed.is_none())
            .collect();
        if findings.is_empty() {
            self.status = Some((
                format!("no open findings with fix SQL in {title}"),
                Tone::Error,
            ));
            return Vec::new();
        }
        vec![Effect::Copy {
            text: audit::format::fix_script(&findings, &self.source_label, &title),
            what: format!("{} fixes for {title}", findings.len()),
        }]
    }

    fn start_suppress(&mut self) {
        match self.current_finding() {
            Some(i) => {
                self.overlay = Overlay::Suppress(Prompt {
                    finding: i,
                    input: String::new(),
                })
            }
            None => self.status = Some(("no finding selected".into(), Tone::Error)),
        }
    }

    fn update_search(&mut self, mut state: SearchState, action: Action) -> Vec<Effect> {
        match action {
            Action::Escape => return Vec::new(),
            Action::Enter => {
                let hit = state.hits.get(state.selected).map(|h| h.entry);
                if let (Some(e), Some(model)) = (hit, &self.model) {
                    let entry = model.search.entries[e].clone();
                    self.jump(&entry.target, entry.tab, entry.row.as_deref());
                }
                return Vec::new();
            }
            Action::Up => state.selected = state.selected.saturating_sub(1),
            Action::Down => state.selected = step(state.selected, 1, state.hits.len()),
            Action::Input(c) => {
                state.query.push(c);
                self.refresh_hits(&mut state);
            }
            Action::Back => {
                state.query.pop();
                self.refresh_hits(&mut state);
            }
            _ => {}
        }
        self.overlay = Overlay::Search(state);
        Vec::new()
    }

    fn refresh_hits(&self, state: &mut SearchState) {
        state.hits = self
            .model
            .as_ref()
            .map(|m| m.search.search(&self.matcher, &state.query))
            .unwrap_or_default();
        state.selected = 0;
    }

    fn update_password(&mut self, mut typed: String, action: Action) -> Vec<Effect> {
        match action {
            Action::Escape => {
                self.status = Some((
                    "no password given: nothing loaded (r tries again)".into(),
                    Tone::Error,
                ));
                Vec::new()
            }
            Action::Enter => {
                self.status = None;
                self.loading = Some(crate::source::live::Progress::CONNECTING);
                vec![Effect::Reconnect {
                    password: Password(typed),
                }]
            }
            Action::Input(c) => {
                typed.push(c);
                self.overlay = Overlay::Password(Password(typed));
                Vec::new()
            }
            Action::Back => {
                typed.pop();
                self.overlay = Overlay::Password(Password(typed));
                Vec::new()
            }
            _ => {
                self.overlay = Overlay::Password(Password(typed));
                Vec::new()
            }
        }
    }

    fn update_prompt(&mut self, mut prompt: Prompt, action: Action) -> Vec<Effect> {
        match action {
            Action::Escape => {
                self.status = Some(("not suppressed".into(), Tone::Info));
                Vec::new()
            }
            Action::Enter if prompt.input.trim().is_empty() => {
                self.status = Some(("a reason is required".into(), Tone::Error));
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
            Action::Enter => {
                let Some(model) = self.model.as_mut() else {
                    return Vec::new();
                };
                let Some(f) = model.findings.get_mut(prompt.finding) else {
                    return Vec::new();
                };
                let reason = prompt.input.trim().to_string();
                f.suppressed = Some(reason.clone());
                let key = f.key.clone();
                model.refresh_worst();
                if self.grouping == Grouping::Severity {
                    self.regroup();
                }
                vec![Effect::Suppress { key, reason }]
            }
            Action::Input(c) => {
                prompt.input.push(c);
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
            Action::Back => {
                prompt.input.pop();
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
            _ => {
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
        }
    }

    fn update_drift(&mut self, selected: usize, action: Action) -> Vec<Effect> {
        let Some(drift) = self.model.as_ref().and_then(|m| m.drift.as_ref()) else {
            return Vec::new();
        };
        let len = drift.differences.len();
        let selected = match action {
            Action::Escape | Action::Drift => return Vec::new(),
            Action::Up => selected.saturating_sub(1),
            Action::Down => step(selected, 1, len),
            Action::PageUp => step(selected, -(self.page as isize), len),
            Action::PageDown => step(selected, self.page as isize, len),
            Action::Home => 0,
            Action::End => len.saturating_sub(1),
            Action::Enter => {
                let target = drift.differences.get(selected).map(|d| {
                    let table = d.table.clone().unwrap_or_else(|| d.name.clone());
                    (ObjectId::relation(&d.schema, &table), d.kind)
                });
                if let Some((id, kind)) = target {
                    let tab = match kind {
                        "column" => Tab::Columns,
                        "index" => Tab::Indexes,
                        "constraint" => Tab::Constraints,
                        "policy" => Tab::Policies,
                        _ => Tab::Definition,
                    };
                    self.jump(&id, tab, None);
                    return Vec::new();
                }
                selected
            }
            _ => selected,
        };
        self.overlay = Overlay::Drift(selected);
        Vec::new()
    }

    fn update_findings(&mut self, mut view: FindingsView, action: Action) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let visible = view.visible(model);
        match action {
            Action::Escape | Action::Findings => return Vec::new(),
            Action::Up => view.selected = view.selected.saturating_sub(1),
            Action::Down => view.selected = step(view.selected, 1, visible.len()),
            Action::PageUp => {
                view.selected = step(view.selected, -(self.page as isize), visible.len())
            }
            Action::PageDown => {
                view.selected = step(view.selected, self.page as isize, visible.len())
            }
            Action::Home => view.selected = 0,
            Action::End => view.selected = visible.len().saturating_sub(1),
            Action::CycleSeverityFilter => {
                view.min_severity = match view.min_severity {
                    None => Some(Severity::Warning),
                    Some(Severity::Warning) => Some(Severity::Critical),
                    _ => None,
                };
                view.selected = 0;
            }
            Action::CycleCategoryFilter => {
                let cats = [
                    Category::Security,
                    Category::Integrity,
                    Category::Performance,
                    Category::Maintainability,
                ];
                view.category = match view
                    .category
                    .and_then(|c| cats.iter().position(|x| *x == c))
                {
                    None => Some(cats[0]),
                    Some(i) if i + 1 < cats.len() => Some(cats[i + 1]),
                    Some(_) => None,
                };
                view.selected = 0;
            }
            Action::CycleRuleFilter => {
                let mut rules: Vec<&'static str> = model.findings.iter().map(|f| f.rule).collect();
                rules.sort_unstable();
                rules.dedup();
                view.rule = match view.rule.and_then(|r| rules.iter().position(|x| *x == r)) {
                    None => rules.first().copied(),
                    Some(i) => rules.get(i + 1).copied(),
                };
                view.selected = 0;
            }
            Action::Enter => {
                if let Some(&i) = visible.get(view.selected) {
                    let f = &model.findings[i];
                    let tab = Tab::for_kind(f.object.kind);
                    let row = f.object.name.clone();
                    if let Some(owner) = owner_of(&model.catalog, f) {
                        self.jump(&owner, tab, row.as_deref());
                    }
                    return Vec::new();
                }
            }
            Action::CopyFix | Action::Suppress => {
                self.overlay = Overlay::Findings(view);
                return if action == Action::CopyFix {
                    self.copy_fix()
                } else {
                    self.start_suppress();
                    Vec::new()
                };
            }
            _ => {}
        }
        self.overlay = Overlay::Findings(view);
        Vec::new()
    }
}

/// Moves an index by `by` within `0..len`, clamping at both ends.
pub(super) fn step(current: usize, by: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let target = current as isize + by;
    target.clamp(0, len as isize - 1) as usize
}
