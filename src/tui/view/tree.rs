//! The left pane: groups and their objects, each marked with its worst open finding.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_tree_widget::{Tree, TreeItem};

use super::widgets::{pane, severity_mark, shown, ViewState};
use crate::categorize::Group;
use crate::cleanup::Plan;
use crate::model::{ObjectId, QualifiedName, RelationKind};
use crate::tui::model::Model;
use crate::tui::state::{App, Focus, Node};
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, view: &mut ViewState, theme: &Theme) {
    let focused =
        app.focus == Focus::Tree && matches!(app.overlay, crate::tui::state::Overlay::None);
    let reading_as = app
        .model
        .as_ref()
        .and_then(|m| m.read_as.as_ref())
        .map(|r| format!("· as {} ", shown(&r.report.who())))
        .unwrap_or_default();
    let title = format!(" {} {reading_as}", app.grouping.label());
    let block = pane(focused, theme).title(Span::styled(title, theme.title));
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
                .top_level()
                .map(|m| tree_item(model, &app.plan, g, m, theme))
                .collect();
            let line = Line::from(vec![
                severity_mark(worst, theme),
                Span::raw(" "),
                // The platform's group is the application's background: muted.
                Span::styled(
                    shown(&g.name),
                    if g.platform {
                        theme.muted
                    } else {
                        theme.header
                    },
                ),
                Span::styled(format!(" ({})", g.top_level().count()), theme.muted),
            ]);
            TreeItem::new(g.name.clone(), line, children).ok()
        })
        .collect();
    // Sync the widget's selection and open groups from the app, which owns them.
    if let Some(node) = &app.selected {
        view.tree.select(node_path(app, node));
    }
    for g in &app.groups {
        if app.open_groups.contains(&g.name) {
            view.tree.open(vec![g.name.clone()]);
        } else {
            view.tree.close(std::slice::from_ref(&g.name));
        }
        let parents: std::collections::BTreeSet<&ObjectId> = g.parent.values().collect();
        for parent in parents {
            let path = node_path(app, &Node::Item(g.name.clone(), parent.clone()));
            if app.open_items.contains(parent) {
                view.tree.open(path);
            } else {
                view.tree.close(&path);
            }
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

/// An object's row, with its partitions nested under it.
fn tree_item<'a>(
    model: &Model,
    plan: &Plan,
    g: &Group,
    id: &ObjectId,
    theme: &Theme,
) -> TreeItem<'a, String> {
    let children: Vec<TreeItem<'a, String>> = g
        .children_of(id)
        .map(|c| tree_item(model, plan, g, c, theme))
        .collect();
    let mut line = item_line(model, plan, id, theme);
    if children.is_empty() {
        return TreeItem::new_leaf(id.label(), line);
    }
    line.spans.push(Span::styled(
        format!(" ({} partitions)", children.len()),
        theme.muted,
    ));
    let label = id.label();
    match TreeItem::new(label.clone(), line.clone(), children) {
        Ok(item) => item,
        Err(_) => TreeItem::new_leaf(label, line),
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
        ObjectId::Type { name, .. } => (name.clone(), ""),
    };
    let decision = match id {
        ObjectId::Relation(q) => plan
            .mark(q)
            .map(|m| format!(" [{}]", m.decision.tag()))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let mut spans = vec![
        severity_mark(model.worst(id), theme),
        Span::raw(" "),
        Span::raw(shown(&name)),
        Span::styled(kind, theme.muted),
        Span::styled(decision, theme.accent),
    ];
    if let ObjectId::Relation(q) = id {
        spans.extend(read_as_span(model, q, theme));
    }
    Line::from(spans)
}

/// What the user read as (`U`) sees of a table: its visible rows, a leak, or no access.
fn read_as_span(model: &Model, q: &QualifiedName, theme: &Theme) -> Option<Span<'static>> {
    use crate::rls::CommandResult;
    let read_as = model.read_as.as_ref()?;
    let t = read_as.table(q)?;
    let leak = read_as.leaks(q);
    let (text, style) = match &t.select {
        CommandResult::NotGranted if leak => (" · leak".to_string(), theme.critical),
        CommandResult::NotGranted => (" · no access".to_string(), theme.muted),
        CommandResult::Failed { .. } => (" · refused".to_string(), theme.warning),
        CommandResult::Counted { rows, bounded, .. } => {
            let rows = format!(" · {}", crate::rls::report::rows(*rows, *bounded));
            if leak {
                (format!("{rows}, leak"), theme.critical)
            } else {
                (rows, theme.muted)
            }
        }
    };
    Some(Span::styled(text, style))
}

/// The tree's identifier path for a node: group name, then the labels of the objects it
/// is nested under, then its own.
pub fn node_path(app: &App, node: &Node) -> Vec<String> {
    match node {
        Node::Group(g) => vec![g.clone()],
        Node::Item(g, id) => {
            let nested = app
                .group_of(g)
                .map_or_else(|| vec![id.clone()], |group| group.path_to(id));
            std::iter::once(g.clone())
                .chain(nested.iter().map(ObjectId::label))
                .collect()
        }
    }
}

/// The node at a tree path, for mouse clicks.
pub fn node_at(app: &App, path: &[String]) -> Option<Node> {
    let group = app.groups.iter().find(|g| Some(&g.name) == path.first())?;
    // The last label names the object; labels are unique within a group.
    match path.last() {
        Some(label) if path.len() > 1 => group
            .members
            .iter()
            .find(|m| &m.label() == label)
            .map(|m| Node::Item(group.name.clone(), m.clone())),
        _ => Some(Node::Group(group.name.clone())),
    }
}
