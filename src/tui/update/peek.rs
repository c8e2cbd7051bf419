//! The row peek (`p`): the first rows of the selected table, read from the live database
//! on a worker thread. The overlay opens at once saying it is reading; the rows (or the
//! reason there are none) arrive as an action, and one meant for a peek that was closed
//! or moved on to another table is dropped. Rows scroll with the keys every list uses,
//! Left and Right scroll sideways a column at a time, Space or Enter shows a row in full.

use super::super::action::Action;
use super::super::doc;
use super::super::state::{App, Effect, FullText, Overlay, PeekRows, PeekView, Tone};
use super::step;
use crate::model::{ObjectId, QualifiedName, SourceKind};
use crate::source::live::peek::Peek;

impl App {
    /// Opens the peek on `table`, or says why it cannot: only a live database has rows.
    pub(crate) fn start_peek(
        &mut self,
        table: Option<QualifiedName>,
        back: Option<Box<Overlay>>,
    ) -> Vec<Effect> {
        let restore = |app: &mut App, back: Option<Box<Overlay>>| {
            app.overlay = back.map(|b| *b).unwrap_or_default();
        };
        let Some(model) = &self.model else {
            restore(self, back);
            return Vec::new();
        };
        let source = model.catalog.meta.source;
        let Some(table) = table else {
            restore(self, back);
            self.status = Some(("select a table or view to peek at".into(), Tone::Error));
            return Vec::new();
        };
        if source != SourceKind::Live {
            let what = match source {
                SourceKind::Demo => "the demo schema",
                SourceKind::Snapshot => "a snapshot",
                _ => "migration files",
            };
            restore(self, back);
            self.status = Some((
                format!("no rows to peek at in {what}: rows are read from a live database only"),
                Tone::Error,
            ));
            return Vec::new();
        }
        self.overlay = Overlay::Peek(PeekView::loading(table.clone(), back));
        vec![Effect::Peek { table }]
    }

    /// The table selected in the tree, for `p` on the main screen.
    pub(crate) fn selected_table(&self) -> Option<QualifiedName> {
        match self.selected_object() {
            Some(ObjectId::Relation(q)) => Some(q.clone()),
            _ => None,
        }
    }

    /// A peek's result: shown if the peek waiting for it is still open.
    pub(crate) fn peek_arrived(&mut self, table: QualifiedName, result: Result<Peek, String>) {
        if let Overlay::Peek(view) = &mut self.overlay {
            if view.table == table && matches!(view.rows, PeekRows::Loading) {
                view.rows = match result {
                    Ok(peek) => PeekRows::Read(peek),
                    Err(message) => PeekRows::Failed(message),
                };
                view.row = 0;
                view.column = 0;
            }
        }
    }

    pub(crate) fn update_peek(&mut self, mut view: PeekView, action: Action) -> Vec<Effect> {
        let (rows, columns) = match &view.rows {
            PeekRows::Read(p) => (p.rows.len(), p.columns.len()),
            _ => (0, 0),
        };
        let page = self.page as isize;
        match action {
            Action::Escape | Action::Back | Action::Peek => {
                self.overlay = view.back.map(|b| *b).unwrap_or_default();
                return Vec::new();
            }
            Action::Up => view.row = step(view.row, -1, rows),
            Action::Down => view.row = step(view.row, 1, rows),
            Action::PageUp => view.row = step(view.row, -page, rows),
            Action::PageDown => view.row = step(view.row, page, rows),
            Action::Home => view.row = 0,
            Action::End => view.row = rows.saturating_sub(1),
            Action::Left => view.column = view.column.saturating_sub(1),
            Action::Right => view.column = step(view.column, 1, columns),
            Action::Reload => {
                view.rows = PeekRows::Loading;
                let table = view.table.clone();
                self.overlay = Overlay::Peek(view);
                return vec![Effect::Peek { table }];
            }
            Action::Enter | Action::ShowFull => {
                if let PeekRows::Read(peek) = &view.rows {
                    if let Some(doc) = doc::peek::doc(&view.table, peek, view.row) {
                        self.overlay = Overlay::Full(FullText {
                            doc,
                            scroll: 0,
                            back: Some(Box::new(Overlay::Peek(view))),
                            fixes: Vec::new(),
                        });
                        return Vec::new();
                    }
                }
            }
            _ => {}
        }
        self.overlay = Overlay::Peek(view);
        Vec::new()
    }
}
