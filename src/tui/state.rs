//! The explorer's state: the [`App`], what has focus, the open overlay and each overlay's
//! own state, and the [`Effect`]s `update` hands the runtime. Plain data: `update/` changes
//! it, `view/` reads it.

use std::collections::BTreeSet;

use fuzzy_matcher::skim::SkimMatcherV2;

use super::line::LineEdit;
use super::model::Model;
use super::search::{Hit, Incremental};
use super::tab::Tab;
use crate::audit::{Category, Severity};
use crate::categorize::{Group, Grouping, SchemaFilter};
use crate::cleanup::{Decision, Plan};
use crate::model::{ObjectId, QualifiedName};

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
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub line: LineEdit,
    pub hits: Vec<Hit>,
    pub selected: usize,
    /// What the last query matched, so typing on only re-reads that.
    pub incremental: Incremental,
}

impl SearchState {
    pub fn query(&self) -> &str {
        self.line.text()
    }
}

/// The schema-wide findings list and its filters.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FindingsView {
    pub min_severity: Option<Severity>,
    pub category: Option<Category>,
    pub rule: Option<&'static str>,
    /// Alike findings of many tables one by one instead of as one row.
    pub ungrouped: bool,
    /// The selected row (a finding, or a group of alike ones).
    pub selected: usize,
}

impl FindingsView {
    /// The findings shown, as indexes: critical first, then warnings, then information,
    /// each in report order.
    pub fn visible(&self, model: &Model, schemas: &SchemaFilter) -> Vec<usize> {
        let mut shown: Vec<usize> = model
            .findings
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                model.owners[*i]
                    .as_ref()
                    .is_none_or(|o| schemas.shows_object(o))
            })
            .filter(|(_, f)| self.min_severity.is_none_or(|s| f.severity >= s))
            .filter(|(_, f)| self.category.is_none_or(|c| f.category == c))
            .filter(|(_, f)| self.rule.is_none_or(|r| f.rule == r))
            .map(|(i, _)| i)
            .collect();
        shown.sort_by_key(|&i| std::cmp::Reverse(model.findings[i].severity));
        shown
    }

    /// The rows shown: each the findings it stands for (indexes into `model.findings`), one
    /// finding, or five or more alike findings of one rule on different tables unless
    /// `ungrouped`.
    pub fn rows(&self, model: &Model, schemas: &SchemaFilter) -> Vec<Vec<usize>> {
        let visible = self.visible(model, schemas);
        if self.ungrouped {
            return visible.into_iter().map(|i| vec![i]).collect();
        }
        crate::audit::groups::rows(&visible, |i| model.alike_ids[i])
    }
}

/// A question waiting for typed input.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub finding: usize,
    pub input: String,
    /// Suppress every finding of the finding's rule, not only this one (`S`).
    pub whole_rule: bool,
    /// The list the prompt was opened from (the findings list), which it returns to.
    pub back: Option<Box<Overlay>>,
}

/// What covers the main panes, if anything.
#[derive(Debug, Clone, Default)]
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
    /// A row, a finding or a definition in full, wrapped and scrolled.
    Full(FullText),
    /// The first rows of a table, read from the live database.
    Peek(PeekView),
    /// Asking whom to read as (`U`): a user's id or e-mail, or `anon`.
    ReadAs(ReadAsPrompt),
}

/// The `U` prompt: what has been typed, the users to choose from (read from `auth.users`
/// when it opened), and the choice under the cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadAsPrompt {
    pub input: String,
    /// None while they are read; the reason when they could not be.
    pub users: Option<Result<Vec<UserChoice>, String>>,
    pub cursor: usize,
}

/// A user of `auth.users`, as the `U` prompt offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChoice {
    pub id: String,
    pub email: Option<String>,
}

impl UserChoice {
    /// What `pglens rls --as` takes for this user: the e-mail, else the id.
    pub fn key(&self) -> &str {
        self.email.as_deref().unwrap_or(&self.id)
    }
}

impl ReadAsPrompt {
    /// `anon` and the users whose e-mail or id contains what has been typed (any case),
    /// those that start with it first: what Up, Down and Enter choose from.
    pub fn choices(&self) -> Vec<String> {
        let typed = self.input.trim().to_lowercase();
        let users = match &self.users {
            Some(Ok(users)) => users.as_slice(),
            _ => &[],
        };
        let mut found: Vec<(bool, String)> = std::iter::once("anon".to_string())
            .chain(users.iter().map(|u| u.key().to_string()))
            .filter_map(|key| {
                let id = users
                    .iter()
                    .find(|u| u.key() == key)
                    .map(|u| u.id.to_lowercase())
                    .unwrap_or_default();
                let lower = key.to_lowercase();
                let starts = lower.starts_with(&typed) || id.starts_with(&typed);
                (starts || lower.contains(&typed) || id.contains(&typed)).then_some((!starts, key))
            })
            .collect();
        found.sort_by_key(|(later, _)| *later);
        found.into_iter().map(|(_, key)| key).collect()
    }
}

/// The row peek (`p`): which table, what has been read, and where the cursor is.
#[derive(Debug, Clone)]
pub struct PeekView {
    pub table: QualifiedName,
    pub rows: PeekRows,
    /// The selected row.
    pub row: usize,
    /// The first column shown: Left and Right scroll sideways one column at a time.
    pub column: usize,
    /// The list the peek was opened from (the table list), which Esc returns to.
    pub back: Option<Box<Overlay>>,
}

/// Where a peek is: waiting for the server, read, or refused.
#[derive(Debug, Clone)]
pub enum PeekRows {
    Loading,
    Read(crate::source::live::peek::Peek),
    Failed(String),
}

impl PeekView {
    pub fn loading(table: QualifiedName, back: Option<Box<Overlay>>) -> Self {
        PeekView {
            table,
            rows: PeekRows::Loading,
            row: 0,
            column: 0,
            back,
        }
    }
}

/// The full-text view: what it shows, how far it is scrolled, and the overlay it was
/// opened from (the findings list), which Esc returns to.
#[derive(Debug, Clone)]
pub struct FullText {
    pub doc: crate::tui::doc::Doc,
    pub scroll: usize,
    pub back: Option<Box<Overlay>>,
    /// The findings whose fixes `y` copies: the one shown, or the shown row's findings
    /// that have a fix; none for a definition.
    pub fixes: Vec<usize>,
}

/// How far the Definition tab is scrolled, for the object it was scrolled on: another
/// object's definition starts at its top.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefinitionScroll {
    pub object: Option<ObjectId>,
    pub offset: usize,
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
        target: crate::audit::ignore::IgnoreTarget,
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
    /// Write the plan's Markdown and SQL; over an export made for another source only
    /// when `overwrite` (the user pressed `E` again after being told).
    ExportPlan {
        overwrite: bool,
    },
    /// Read the first rows of a table from the live database, on a worker thread.
    Peek {
        table: QualifiedName,
    },
    /// Read every API table as `who` (`pglens rls`), on a worker thread.
    ReadAs {
        who: String,
    },
    /// Read the users of `auth.users` the `U` prompt offers, on a worker thread.
    ListUsers,
    Reload,
    Quit,
}

/// A place Backspace returns to: the object that was selected, and the list that was
/// open (with its filter and cursor) when a jump left it.
#[derive(Debug, Clone)]
pub struct Return {
    pub object: Option<ObjectId>,
    pub overlay: Option<Overlay>,
}

/// The whole explorer state.
pub struct App {
    pub model: Option<Model>,
    pub loading: Option<crate::source::live::Progress>,
    pub source_label: String,
    pub grouping: Grouping,
    /// Which schemas the tree, the lists and the finder show.
    pub schemas: SchemaFilter,
    pub groups: Vec<Group>,
    pub open_groups: BTreeSet<String>,
    /// Partitioned tables whose partitions are shown under them.
    pub open_items: BTreeSet<ObjectId>,
    pub selected: Option<Node>,
    pub focus: Focus,
    pub tab: Tab,
    pub row: usize,
    /// Where Backspace goes back to.
    pub history: Vec<Return>,
    /// The list a jump is made from (`T`, `F`, the finder), so Backspace reopens it as it
    /// was; set by the list's update just before it jumps.
    pub(crate) coming_from: Option<Overlay>,
    pub overlay: Overlay,
    pub status: Option<(String, Tone)>,
    /// Rows a page jump moves; set from the terminal size.
    pub page: usize,
    /// The cleanup plan's decisions; outlives reloads.
    pub plan: Plan,
    /// The other source an existing export was written for, after `E` found it: the next
    /// `E` writes over it.
    pub export_pending: Option<String>,
    /// Decisions whose save failed, kept over what the file holds until one succeeds.
    pub(crate) unsaved: std::collections::BTreeMap<QualifiedName, Option<crate::cleanup::Mark>>,
    pub(crate) matcher: SkimMatcherV2,
    /// The finder's last query, offered again when it reopens.
    pub last_query: String,
    /// The terminal's size (columns, rows), for the views whose scrolling depends on it.
    pub size: (u16, u16),
    pub definition_scroll: DefinitionScroll,
}

impl App {
    pub fn new(source_label: String) -> Self {
        App {
            model: None,
            loading: None,
            source_label,
            grouping: Grouping::default(),
            schemas: SchemaFilter::default(),
            groups: Vec::new(),
            open_groups: BTreeSet::new(),
            open_items: BTreeSet::new(),
            selected: None,
            focus: Focus::Tree,
            tab: Tab::Columns,
            row: 0,
            history: Vec::new(),
            coming_from: None,
            overlay: Overlay::None,
            status: None,
            page: 10,
            plan: Plan::default(),
            export_pending: None,
            unsaved: Default::default(),
            matcher: SkimMatcherV2::default(),
            last_query: String::new(),
            size: (80, 24),
            definition_scroll: DefinitionScroll::default(),
        }
    }

    /// Whether the loader is still working: reading the source, or auditing what the tree
    /// already shows.
    pub fn awaiting_loader(&self) -> bool {
        self.loading.is_some() || self.model.as_ref().is_some_and(|m| !m.audited)
    }

    /// The whole screen, as the last resize gave it.
    pub(crate) fn screen(&self) -> ratatui::layout::Rect {
        ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1)
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
                for m in g.top_level() {
                    self.push_item(g, m, &mut rows);
                }
            }
        }
        rows
    }

    /// An item and, when it is open, what is nested under it.
    fn push_item(&self, g: &Group, id: &ObjectId, rows: &mut Vec<Node>) {
        rows.push(Node::Item(g.name.clone(), id.clone()));
        if self.open_items.contains(id) {
            for child in g.children_of(id) {
                self.push_item(g, child, rows);
            }
        }
    }

    /// The group an item is listed in.
    pub fn group_of(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
}

/// Columns the table list sorts by, in the order `o` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Rows,
    Size,
    Reads,
    Writes,
    LastVacuum,
    LastAnalyze,
    Dependents,
    /// References in the application's code (`--code`).
    Refs,
    /// Time the recorded statements that touch the table took (`pg_stat_statements`).
    Time,
    Decision,
}

impl SortKey {
    pub(crate) const ALL: [SortKey; 11] = [
        SortKey::Name,
        SortKey::Rows,
        SortKey::Size,
        SortKey::Reads,
        SortKey::Writes,
        SortKey::LastVacuum,
        SortKey::LastAnalyze,
        SortKey::Dependents,
        SortKey::Refs,
        SortKey::Time,
        SortKey::Decision,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Rows => "rows",
            SortKey::Size => "size",
            SortKey::Reads => "reads",
            SortKey::Writes => "writes",
            SortKey::LastVacuum => "vacuumed",
            SortKey::LastAnalyze => "analyzed",
            SortKey::Dependents => "dependents",
            SortKey::Refs => "uses in code",
            SortKey::Time => "time in statements",
            SortKey::Decision => "decision",
        }
    }

    /// The next key; references only when the code was searched, statement time only when
    /// a workload was recorded.
    pub(crate) fn next(self, code_searched: bool, workload_recorded: bool) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        let next = SortKey::ALL[(i + 1) % SortKey::ALL.len()];
        let offered = match next {
            SortKey::Refs => code_searched,
            SortKey::Time => workload_recorded,
            _ => true,
        };
        if offered {
            next
        } else {
            next.next(code_searched, workload_recorded)
        }
    }

    /// Numbers sort largest first by default: the big, busy or entangled tables first.
    pub(crate) fn descending_by_default(self) -> bool {
        !matches!(self, SortKey::Name | SortKey::Decision)
    }
}

/// The table list's state. `order` is computed by `update`, so render and Enter agree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TablesView {
    pub sort: SortKey,
    pub descending: bool,
    pub selected: usize,
    pub order: Vec<QualifiedName>,
    /// Only tables whose `schema.name` contains this (case-insensitive); `/` edits it.
    pub filter: LineEdit,
    /// The filter is being typed: keys are text until Enter or Esc.
    pub typing: bool,
}

/// Where the mark prompt is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkStage {
    /// Waiting for k / d / m / i / x.
    Choose,
    /// Typing the table to merge into.
    Target,
    /// Typing the note.
    Note,
}

/// Marking one table for the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkPrompt {
    pub table: QualifiedName,
    pub stage: MarkStage,
    pub decision: Option<Decision>,
    pub input: String,
    /// The table list to return to, when the prompt was opened from it.
    pub back: Option<TablesView>,
}
