//! The explorer's pure `update`: an [`Action`] in, the state changed, and [`Effect`]s out for
//! the runtime to perform (copy to the clipboard, write the ignore file, reload, quit). No
//! terminal, no clock, no I/O: everything here is testable as plain data. This file routes
//! an action to the open overlay's update and handles the main screen; each overlay has its
//! own file.

mod definition;
mod drift;
mod findings;
mod full;
mod peek;
mod read_as;
mod review;
mod search;
mod suppress;

use super::action::Action;
use super::model::{detail_rows, DetailRow};
use super::state::{App, Effect, FindingsView, Focus, Node, Overlay, Password, Return, Tone};
use super::tab::Tab;
use crate::categorize;
use crate::model::ObjectId;

/// What the status line says while a reload (`r`) runs.
const RELOADING: &str = "reloading…";

impl App {
    pub(crate) fn regroup(&mut self) {
        let Some(model) = &self.model else { return };
        self.groups = categorize::group(
            &model.catalog,
            self.grouping,
            &model.categories,
            &self.schemas,
            &|id| model.worst(id),
        );
        // Keep the selected object selected, under whichever group now holds it; if it is
        // hidden now, the first group.
        let kept = match self.selected_object().cloned() {
            Some(id) => self.select_object(&id),
            None => {
                matches!(&self.selected, Some(Node::Group(g)) if self.groups.iter().any(|x| &x.name == g))
            }
        };
        if !kept {
            self.selected = self.groups.first().map(|g| Node::Group(g.name.clone()));
        }
    }

    /// Selects an object in the tree, opening its group. False if it is not listed.
    pub(crate) fn select_object(&mut self, id: &ObjectId) -> bool {
        let Some(group) = self.groups.iter().find(|g| g.members.contains(id)) else {
            return false;
        };
        self.open_groups.insert(group.name.clone());
        // A partition is shown under its parent, which opens.
        let path = group.path_to(id);
        self.open_items
            .extend(path[..path.len() - 1].iter().cloned());
        self.selected = Some(Node::Item(group.name.clone(), id.clone()));
        true
    }

    /// Goes to an object's tab, remembering where we were for Backspace.
    pub(crate) fn jump_to(&mut self, id: &ObjectId, tab: Tab) {
        self.jump(id, tab, None);
    }

    /// Goes to an object, remembering where we were for Backspace.
    pub(crate) fn jump(&mut self, id: &ObjectId, tab: Tab, row_name: Option<&str>) {
        let from = self.selected_object().cloned();
        let overlay = self.coming_from.take();
        if !self.select_object(id) {
            self.status = Some((format!("{} is not listed", id.label()), Tone::Error));
            return;
        }
        if overlay.is_some() || from.as_ref().is_some_and(|f| f != id) {
            self.history.push(Return {
                object: from,
                overlay,
            });
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

    pub(crate) fn rows(&self) -> Vec<DetailRow> {
        match (&self.model, self.selected_object()) {
            (Some(m), Some(id)) => detail_rows(m, id, self.tab),
            _ => Vec::new(),
        }
    }

    /// Applies one action. Returns the effects the runtime must carry out.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Loaded(model) => {
                self.close_full_text();
                // The reload this answers is over (a failed one says so instead).
                if self.status.as_ref().is_some_and(|(s, _)| s == RELOADING) {
                    self.status = None;
                }
                self.model = Some(*model);
                self.loading = None;
                let first_open = self.selected.is_none();
                self.regroup();
                if first_open {
                    if let Some(g) = self.groups.first() {
                        self.open_groups.insert(g.name.clone());
                    }
                    // A plan made for another database must not be mistaken for this one's.
                    let mismatch = self
                        .model
                        .as_ref()
                        .and_then(|m| self.plan.mismatch(&m.catalog));
                    if let Some(m) = mismatch {
                        self.status = Some((m, Tone::Error));
                    }
                }
                Vec::new()
            }
            Action::FindingsArrived(findings) => {
                self.close_full_text();
                if let Some(model) = &mut self.model {
                    model.set_findings(findings);
                    self.regroup();
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
            Action::ExportWouldOverwrite(other) => {
                self.export_would_overwrite(other);
                Vec::new()
            }
            Action::Resize { width, height } => {
                self.size = (width, height);
                self.page = usize::from(height.saturating_sub(8)).max(1);
                Vec::new()
            }
            Action::PeekArrived { table, result } => {
                self.peek_arrived(table, *result);
                Vec::new()
            }
            Action::RlsArrived { who, result } => {
                self.rls_arrived(&who, *result);
                Vec::new()
            }
            Action::UsersArrived(users) => {
                self.users_arrived(users);
                Vec::new()
            }
            Action::Quit => vec![Effect::Quit],
            other => self.update_for_mode(other),
        }
    }

    pub(crate) fn update_for_mode(&mut self, action: Action) -> Vec<Effect> {
        match std::mem::take(&mut self.overlay) {
            Overlay::Search(state) => self.update_search(state, action),
            Overlay::Suppress(prompt) => self.update_prompt(prompt, action),
            Overlay::Password(typed) => self.update_password(typed.0, action),
            Overlay::Findings(view) => self.update_findings(view, action),
            Overlay::Tables(view) => self.update_tables(view, action),
            Overlay::Mark(prompt) => self.update_mark(prompt, action),
            Overlay::Drift(selected) => self.update_drift(selected, action),
            Overlay::Full(full) => self.update_full(full, action),
            Overlay::Peek(view) => self.update_peek(view, action),
            Overlay::ReadAs(prompt) => self.update_read_as(prompt, action),
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

    pub(crate) fn update_main(&mut self, action: Action) -> Vec<Effect> {
        self.status = None;
        if self.focus == Focus::Detail && self.tab == Tab::Definition {
            let page = self.definition_page() as isize;
            let by = match action {
                Action::Up => Some(-1),
                Action::Down => Some(1),
                Action::PageUp => Some(-page),
                Action::PageDown => Some(page),
                Action::Home => Some(isize::MIN / 2),
                Action::End => Some(isize::MAX / 2),
                _ => None,
            };
            if let Some(by) = by {
                self.scroll_definition(by);
                return Vec::new();
            }
        }
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
                if let Some(back) = self.history.pop() {
                    if let Some(prev) = &back.object {
                        self.select_object(prev);
                        self.row = 0;
                    }
                    if let Some(overlay) = back.overlay {
                        self.overlay = overlay;
                    }
                }
            }
            Action::NextTab => self.set_tab(self.tab.offset(1)),
            Action::PrevTab => self.set_tab(self.tab.offset(-1)),
            Action::Tab(n) => {
                if let Some(t) = Tab::ALL.get(usize::from(n)) {
                    self.set_tab(*t);
                }
            }
            Action::Search => self.open_search(),
            Action::ShowFull => self.show_full(),
            Action::Findings => self.overlay = Overlay::Findings(FindingsView::default()),
            Action::Help => self.overlay = Overlay::Help(0),
            Action::CycleGrouping => {
                // Migration files, or a database compared with them (`--drift FOLDER`).
                let from_migrations = self.model.as_ref().is_some_and(|m| {
                    m.catalog.migrations.is_some()
                        || m.catalog
                            .relations
                            .iter()
                            .any(|r| r.provenance.defined.is_some())
                });
                self.grouping = self.grouping.next(from_migrations);
                self.regroup();
                self.status = Some((format!("grouped by {}", self.grouping.label()), Tone::Info));
            }
            Action::TogglePlatform => {
                self.schemas.hide_platform = !self.schemas.hide_platform;
                self.regroup();
                let said = if self.schemas.hide_platform {
                    "platform schemas hidden"
                } else {
                    "platform schemas shown (last group)"
                };
                self.status = Some((said.into(), Tone::Info));
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
            Action::ExportPlan => return self.export_plan(),
            Action::Peek => return self.start_peek(self.selected_table(), None),
            Action::ReadAs => return self.start_read_as(),
            Action::CopyFix => return self.copy_fix(),
            Action::CopyAll => return self.copy_all(),
            Action::Suppress => self.start_suppress(false),
            Action::SuppressRule => self.start_suppress(true),
            Action::Reload => {
                self.status = Some((RELOADING.into(), Tone::Info));
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

    /// The full-text view names findings by index: a new model or new findings make
    /// those stale, so it closes, back to what it was opened from.
    fn close_full_text(&mut self) {
        if let Overlay::Full(full) = &mut self.overlay {
            self.overlay = full.back.take().map(|b| *b).unwrap_or_default();
        }
    }

    pub(crate) fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.row = 0;
    }

    pub(crate) fn move_by(&mut self, by: isize) {
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

    pub(crate) fn left(&mut self) {
        if self.focus == Focus::Detail {
            self.focus = Focus::Tree;
            return;
        }
        match self.selected.clone() {
            Some(Node::Item(group, id)) => {
                // Close an open parent, else go up: to the parent, or the group.
                if self.open_items.remove(&id) {
                    return;
                }
                let parent = self
                    .group_of(&group)
                    .and_then(|g| g.parent.get(&id).cloned());
                self.selected = Some(match parent {
                    Some(parent) => Node::Item(group, parent),
                    None => Node::Group(group),
                });
            }
            Some(Node::Group(group)) => {
                self.open_groups.remove(&group);
            }
            None => {}
        }
    }

    pub(crate) fn right(&mut self) {
        match self.selected.clone() {
            Some(Node::Group(group)) => {
                self.open_groups.insert(group);
            }
            Some(Node::Item(group, id)) => {
                let has_children = self
                    .group_of(&group)
                    .is_some_and(|g| g.children_of(&id).next().is_some());
                if has_children && !self.open_items.contains(&id) {
                    self.open_items.insert(id);
                } else {
                    self.focus = Focus::Detail;
                }
            }
            None => {}
        }
    }

    pub(crate) fn toggle_group(&mut self, group: String) {
        if !self.open_groups.remove(&group) {
            self.open_groups.insert(group);
        }
    }

    pub(crate) fn enter(&mut self) {
        match (self.focus, self.selected.clone()) {
            (Focus::Tree, Some(Node::Group(group))) => self.toggle_group(group),
            (Focus::Tree, Some(Node::Item(..))) => self.focus = Focus::Detail,
            (Focus::Detail, _) => {
                let target = self.rows().get(self.row).and_then(|r| r.jump.clone());
                if let Some(target) = target {
                    self.jump(&target, self.tab, None);
                } else if self.tab == Tab::Findings {
                    self.jump_to_finding_row();
                } else {
                    // Nowhere to go: show the row (a policy, an index) in full.
                    self.show_full();
                }
            }
            _ => {}
        }
    }

    pub(crate) fn update_password(&mut self, mut typed: String, action: Action) -> Vec<Effect> {
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
}

/// Moves an index by `by` within `0..len`, clamping at both ends.
pub(crate) fn step(current: usize, by: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let target = current as isize + by;
    target.clamp(0, len as isize - 1) as usize
}
