//! The cleanup review: the sortable table list with usage evidence (`T`), marking a table
//! keep / drop / merge into X / investigate with a note (`m`), and exporting the plan (`E`).
//! The runtime saves the plan file and writes the export when asked through an [`Effect`].

use super::step;
use crate::cleanup::{Decision, Mark, Plan};
use crate::model::{ObjectId, QualifiedName, Relation, TableStats};
use crate::tui::action::Action;
use crate::tui::model::{merge_suggestion, Model};
use crate::tui::state::{App, Effect, MarkPrompt, MarkStage, Overlay, SortKey, TablesView, Tone};
use crate::tui::tab::Tab;

/// The tables the list shows: every table the tree lists, in the current grouping.
fn listed_tables<'m>(app: &App, model: &'m Model) -> Vec<&'m Relation> {
    let mut seen = std::collections::HashSet::new();
    app.groups
        .iter()
        .flat_map(|g| &g.members)
        .filter_map(|id| match id {
            ObjectId::Relation(q) => model.relation(q),
            _ => None,
        })
        .filter(|r| r.kind.is_table() && seen.insert((r.schema.as_str(), r.name.as_str())))
        .collect()
}

/// The value a table sorts by. Unknowns sort as the smallest value.
fn sort_value(model: &Model, plan: &Plan, r: &Relation, key: SortKey) -> (i64, String) {
    let stats = r.stats.as_ref();
    let num = |f: fn(&TableStats) -> Option<i64>| (stats.and_then(f).unwrap_or(-1), String::new());
    let text = |s: Option<String>| (0, s.unwrap_or_default());
    match key {
        SortKey::Name => text(Some(r.qualified_name().to_string())),
        SortKey::Rows => num(|s| s.estimated_rows),
        SortKey::Size => num(|s| s.total_bytes),
        SortKey::Reads => num(|s| s.activity().map(|a| a.reads)),
        SortKey::Writes => num(|s| s.activity().map(|a| a.writes)),
        SortKey::LastVacuum => text(stats.and_then(TableStats::last_vacuum)),
        SortKey::LastAnalyze => text(stats.and_then(TableStats::last_analyze)),
        SortKey::Dependents => (
            model.dependents().count_outside(&r.qualified_name()) as i64,
            String::new(),
        ),
        SortKey::Refs => (
            model
                .catalog
                .code
                .as_ref()
                .and_then(|c| c.uses_of(&r.qualified_name()))
                .map_or(-1, |n| n as i64),
            String::new(),
        ),
        SortKey::Time => (
            model
                .workload()
                .and_then(|w| w.time_on(&r.qualified_name()))
                .map_or(-1, |ms| ms.round() as i64),
            String::new(),
        ),
        SortKey::Decision => text(Some(
            plan.mark(&r.qualified_name())
                .map(|m| m.decision.tag().to_string())
                .unwrap_or_else(|| "~".into()),
        )),
    }
}

impl TablesView {
    /// Recomputes the order after a sort change or a new mark, keeping the selected table.
    fn refresh(&mut self, app: &App) {
        let Some(model) = &app.model else { return };
        let keep = self.order.get(self.selected).cloned();
        let filter = self.filter.text().to_lowercase();
        let mut rows: Vec<(&Relation, (i64, String))> = listed_tables(app, model)
            .into_iter()
            .filter(|r| {
                filter.is_empty()
                    || r.qualified_name()
                        .to_string()
                        .to_lowercase()
                        .contains(&filter)
            })
            .map(|r| (r, sort_value(model, &app.plan, r, self.sort)))
            .collect();
        let descending = self.descending;
        rows.sort_by(|(ra, a), (rb, b)| {
            let by_value = if descending { b.cmp(a) } else { a.cmp(b) };
            // Ties always by name, ascending, so the order is stable and readable. By
            // reference: a QualifiedName per comparison was 120,000 allocations a sort
            // on 5,000 tables.
            by_value.then_with(|| (&ra.schema, &ra.name).cmp(&(&rb.schema, &rb.name)))
        });
        self.order = rows.into_iter().map(|(r, _)| r.qualified_name()).collect();
        self.selected = keep
            .and_then(|k| self.order.iter().position(|q| *q == k))
            .unwrap_or(0)
            .min(self.order.len().saturating_sub(1));
    }

    fn selected_table(&self) -> Option<&QualifiedName> {
        self.order.get(self.selected)
    }
}

impl App {
    /// Opens the table list.
    pub(crate) fn open_tables(&mut self) {
        let mut view = TablesView {
            sort: SortKey::Size,
            descending: true,
            ..TablesView::default()
        };
        // Start on the table selected in the tree, if any.
        if let Some(ObjectId::Relation(q)) = self.selected_object() {
            view.order = vec![q.clone()];
        }
        view.refresh(self);
        self.overlay = Overlay::Tables(view);
    }

    pub(crate) fn update_tables(&mut self, mut view: TablesView, action: Action) -> Vec<Effect> {
        let len = view.order.len();
        let step = |by: isize| step(view.selected, by, len);
        if view.typing {
            match action {
                Action::Enter | Action::Escape => view.typing = false,
                Action::Up => view.selected = step(-1),
                Action::Down => view.selected = step(1),
                edit => {
                    if view.filter.apply(&edit) == Some(true) {
                        view.refresh(self);
                    }
                }
            }
            self.overlay = Overlay::Tables(view);
            return Vec::new();
        }
        match action {
            // Esc first clears a filter, then closes.
            Action::Escape if !view.filter.text().is_empty() => {
                view.filter = Default::default();
                view.refresh(self);
            }
            Action::Escape | Action::Tables => return Vec::new(),
            Action::Search => view.typing = true,
            Action::Up => view.selected = step(-1),
            Action::Down => view.selected = step(1),
            Action::PageUp => view.selected = step(-(self.page as isize)),
            Action::PageDown => view.selected = step(self.page as isize),
            Action::Home => view.selected = 0,
            Action::End => view.selected = len.saturating_sub(1),
            Action::Sort => {
                let (code_searched, workload_recorded) =
                    self.model.as_ref().map_or((false, false), |m| {
                        (m.catalog.code.is_some(), m.workload().is_some())
                    });
                view.sort = view.sort.next(code_searched, workload_recorded);
                view.descending = view.sort.descending_by_default();
                view.refresh(self);
            }
            Action::ReverseSort => {
                view.descending = !view.descending;
                view.refresh(self);
            }
            Action::Enter => {
                if let Some(q) = view.selected_table().cloned() {
                    self.coming_from = Some(Overlay::Tables(view.clone()));
                    self.jump_to(&ObjectId::Relation(q), Tab::Usage);
                    return Vec::new();
                }
            }
            Action::Mark => {
                if let Some(q) = view.selected_table().cloned() {
                    self.start_mark(q, Some(view));
                    return Vec::new();
                }
            }
            Action::ExportPlan => {
                self.overlay = Overlay::Tables(view);
                return self.export_plan();
            }
            Action::Peek => {
                let table = view.selected_table().cloned();
                return self.start_peek(table, Some(Box::new(Overlay::Tables(view))));
            }
            _ => {}
        }
        self.overlay = Overlay::Tables(view);
        Vec::new()
    }

    /// Opens the mark prompt for a table.
    pub(crate) fn start_mark(&mut self, table: QualifiedName, back: Option<TablesView>) {
        let is_table = self
            .model
            .as_ref()
            .and_then(|m| m.relation(&table))
            .is_some_and(|r| r.kind.is_table() || r.kind.is_view());
        if !is_table {
            self.status = Some((
                "only tables and views go in the cleanup plan".into(),
                Tone::Error,
            ));
            return;
        }
        self.overlay = Overlay::Mark(MarkPrompt {
            table,
            stage: MarkStage::Choose,
            decision: None,
            input: String::new(),
            back,
        });
    }

    pub(crate) fn update_mark(&mut self, mut prompt: MarkPrompt, action: Action) -> Vec<Effect> {
        if action == Action::Escape {
            self.status = Some(("plan unchanged".into(), Tone::Info));
            self.close_mark(prompt.back);
            return Vec::new();
        }
        match (&prompt.stage, action) {
            (MarkStage::Choose, Action::Input(c)) => return self.choose(prompt, c),
            (MarkStage::Target | MarkStage::Note, Action::Input(c)) => prompt.input.push(c),
            (MarkStage::Target | MarkStage::Note, Action::Back) => {
                prompt.input.pop();
            }
            (MarkStage::Target, Action::NextTab) => self.complete_target(&mut prompt),
            (MarkStage::Target, Action::Enter) => match self.resolve_target(&prompt) {
                Ok(into) => {
                    let map = match self.plan.mark(&prompt.table).map(|m| &m.decision) {
                        Some(Decision::Merge { into: old, map }) if *old == into => map.clone(),
                        _ => Default::default(),
                    };
                    prompt.decision = Some(Decision::Merge { into, map });
                    self.to_note(&mut prompt);
                }
                Err(e) => self.status = Some((e, Tone::Error)),
            },
            (MarkStage::Note, Action::Enter) => {
                let mark = Mark {
                    decision: prompt.decision.clone().unwrap_or(Decision::Investigate),
                    note: prompt.input.trim().to_string(),
                };
                self.status = Some((
                    format!("plan: {} {}", mark.decision.label(), prompt.table),
                    Tone::Info,
                ));
                self.plan.set(prompt.table.clone(), Some(mark.clone()));
                self.close_mark(prompt.back);
                return vec![Effect::SaveMark {
                    table: prompt.table,
                    mark: Some(mark),
                }];
            }
            _ => {}
        }
        self.overlay = Overlay::Mark(prompt);
        Vec::new()
    }

    pub(crate) fn choose(&mut self, mut prompt: MarkPrompt, key: char) -> Vec<Effect> {
        let decision = match key {
            'k' => Decision::Keep,
            'd' => Decision::Drop,
            'i' => Decision::Investigate,
            'm' => {
                let suggested = self
                    .model
                    .as_ref()
                    .and_then(|m| merge_suggestion(m, &prompt.table));
                let current = match self.plan.mark(&prompt.table).map(|m| &m.decision) {
                    Some(Decision::Merge { into, .. }) => Some(into.clone()),
                    _ => None,
                };
                prompt.input = current
                    .or(suggested)
                    .map(|q| q.to_string())
                    .unwrap_or_default();
                prompt.stage = MarkStage::Target;
                self.overlay = Overlay::Mark(prompt);
                return Vec::new();
            }
            'x' => {
                self.plan.set(prompt.table.clone(), None);
                self.status = Some((format!("plan: {} removed", prompt.table), Tone::Info));
                self.close_mark(prompt.back);
                return vec![Effect::SaveMark {
                    table: prompt.table,
                    mark: None,
                }];
            }
            _ => {
                self.overlay = Overlay::Mark(prompt);
                return Vec::new();
            }
        };
        prompt.decision = Some(decision);
        self.to_note(&mut prompt);
        self.overlay = Overlay::Mark(prompt);
        Vec::new()
    }

    pub(crate) fn to_note(&self, prompt: &mut MarkPrompt) {
        prompt.stage = MarkStage::Note;
        prompt.input = self
            .plan
            .mark(&prompt.table)
            .map(|m| m.note.clone())
            .unwrap_or_default();
    }

    /// The merge target typed: `schema.table`, or `table` in the marked table's schema.
    pub(crate) fn resolve_target(&self, prompt: &MarkPrompt) -> Result<QualifiedName, String> {
        let typed = prompt.input.trim();
        let q = match typed.split_once('.') {
            Some((s, t)) => QualifiedName::new(s, t),
            None => QualifiedName::new(&prompt.table.schema, typed),
        };
        let model = self.model.as_ref().ok_or("nothing loaded")?;
        match model.relation(&q) {
            _ if q == prompt.table => Err("a table cannot merge into itself".into()),
            Some(r) if r.kind.is_table() => Ok(q),
            Some(_) => Err(format!("{q} is not a table")),
            None => Err(format!("no table {q}")),
        }
    }

    /// Tab in the merge target: completes the typed name as far as the tables that start
    /// with it agree (in the marked table's schema unless the text names one), and says
    /// which they are when they differ.
    pub(crate) fn complete_target(&mut self, prompt: &mut MarkPrompt) {
        let Some(model) = self.model.as_ref() else {
            return;
        };
        let typed = prompt.input.trim().to_string();
        let qualified = typed.contains('.');
        let candidates: Vec<String> = model
            .catalog
            .relations
            .iter()
            .filter(|r| r.kind.is_table() && r.qualified_name() != prompt.table)
            .map(|r| {
                if qualified {
                    r.qualified_name().to_string()
                } else if r.schema == prompt.table.schema {
                    r.name.clone()
                } else {
                    String::new()
                }
            })
            .filter(|name| !name.is_empty() && name.starts_with(&typed))
            .collect();
        let Some(first) = candidates.first() else {
            self.status = Some((format!("no table starts with {typed}"), Tone::Error));
            return;
        };
        let common = candidates.iter().fold(first.clone(), |common, c| {
            common
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        if common.len() > typed.len() {
            prompt.input = common;
        }
        if candidates.len() > 1 {
            let shown = crate::text::first_and_more(candidates.iter(), 5);
            self.status = Some((format!("{} tables: {shown}", candidates.len()), Tone::Info));
        }
    }

    pub(crate) fn close_mark(&mut self, back: Option<TablesView>) {
        self.overlay = match back {
            Some(mut view) => {
                view.refresh(self);
                Overlay::Tables(view)
            }
            None => Overlay::None,
        };
    }
}

impl App {
    /// `E`: export the plan; over an export made for another source only when this is the
    /// second `E` after being told so.
    pub(crate) fn export_plan(&mut self) -> Vec<Effect> {
        let overwrite = self.export_pending.take().is_some();
        vec![Effect::ExportPlan { overwrite }]
    }

    /// The runtime found an export made for `other`: say so, and let the next `E` write.
    pub(crate) fn export_would_overwrite(&mut self, other: String) {
        self.status = Some((
            format!("the plan export beside the plan file was written for {other}: E again writes over it"),
            Tone::Error,
        ));
        self.export_pending = Some(other);
    }
}
