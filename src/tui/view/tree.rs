//! The left pane: groups and their objects, each marked with its worst open finding.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_tree_widget::{Tree, TreeItem};

use super::{node_path, severity_mark, ViewState};
use crate::cleanup::Plan;
use crate::model::{ObjectId, RelationKind};
use crate::tui::app::{App, Focus, Model};
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, view: &mut ViewState, theme: &Theme) {
    let focused = app.focus == Focus::Tree && matches!(app.overlay, crate::tui::app::Overlay::None);
    let title = format!(" {} ", app.grouping.label());
    let block = super::pane(focused, theme).title(Span::styled(title, theme.title));
    let Some(model) = &app.model else {
        let text = match &app.loading {
            Some(step) => step.describe(),
            None => "nothing loaded".into(),
        };
        frame.render_widget(Paragraph::new(text).style(theme.muted).block(block), area);
        return;
    };
    let items: Vec<TreeItem<'_, String>> = app
        .groups
        .iter()
        .filter_map(|g| {
            let worst = g.members.iter().filter_map(|m| model.worst(m)).max();
            let children: Vec<TreeItem<'_, String>> = g
                .members
                .iter()
                .map(|m| TreeItem::new_leaf(m.label(), item_line(model, &app.plan, m, theme)))
                .collect();
            let line = Line::from(vec![
                severity_mark(worst, theme),
                Span::raw(" "),
                Span::styled(super::shown(&g.name), theme.header),
                Span::styled(format!(" ({})", g.members.len()), theme.muted),
            ]);
            TreeItem::new(g.name.clone(), line, children).ok()
        })
        .collect();
    // Sync the widget's selection and open groups from the app, which owns them.
    if let Some(node) = &app.selected {
        view.tree.select(node_path(node));
    }
    for g in &app.groups {
        if app.open_groups.contains(&g.name) {
            view.tree.open(vec![g.name.clone()]);
        } else {
            view.tree.close(std::slice::from_ref(&g.name));
        }
    }
    match Tree::new(&items) {
        Ok(tree) => {
            let tree = tree
                .block(block)
                .highlight_style(theme.selection)
                .node_closed_symbol("▸ ")
                .node_open_symbol("▾ ")
                .node_no_children_symbol("  ");
            frame.render_stateful_widget(tree, area, &mut view.tree);
        }
        Err(e) => frame.render_widget(
            Paragraph::new(format!("cannot draw tree: {e}")).block(block),
            area,
        ),
    }
}

/// A tree row: worst finding, name, kind, and the cleanup plan's decision if any.
fn item_line(model: &Model, plan: &Plan, id: &ObjectId, theme: &Theme) -> Line<'static> {
    let (name, kind) = match id {
        ObjectId::Relation(q) => {
            let kind = model.relation(q).map(|r| r.kind);
            let name = if q.schema == "public" {
                q.name.clone()
            } else {
                q.to_string()
            };
            let suffix = match kind {
                Some(RelationKind::View) => " view",
                Some(RelationKind::MaterializedView) => " matview",
                Some(RelationKind::ForeignTable) => " foreign",
                Some(RelationKind::PartitionedTable) => " partitioned",
                _ => "",
            };
            (name, suffix)
        }
        ObjectId::Function {
            name, arguments, ..
        } => (format!("{name}({arguments})"), ""),
        ObjectId::Extension { name } => (name.clone(), ""),
    };
    let decision = match id {
        ObjectId::Relation(q) => plan
            .mark(q)
            .map(|m| format!(" [{}]", m.decision.tag()))
            .unwrap_or_default(),
        _ => String::new(),
    };
    Line::from(vec![
        severity_mark(model.worst(id), theme),
        Span::raw(" "),
        Span::raw(super::shown(&name)),
        Span::styled(kind, theme.muted),
        Span::styled(decision, theme.accent),
    ])
}
