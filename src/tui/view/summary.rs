//! The first screen, before an object is selected: what was loaded, its schemas, the open
//! findings, and the objects with the worst of them.

use std::collections::BTreeMap;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::{fit, severity_mark, shown};
use crate::audit::Severity;
use crate::model::platform::is_platform_schema;
use crate::model::RelationKind;
use crate::tui::model::Model;
use crate::tui::theme::Theme;

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    block: Block<'_>,
    model: &Model,
    label: &str,
    theme: &Theme,
) {
    let width = usize::from(area.width.saturating_sub(4));
    let mut lines = vec![source_line(model, label, theme)];
    lines.extend(schema_lines(model, width, theme));
    let (critical, warning, info) = model.open_counts();
    if model.audited {
        lines.push(Line::from(vec![
            Span::styled("findings  ", theme.muted),
            severity_mark(Some(Severity::Critical), theme),
            Span::raw(format!(" {critical} critical  ")),
            severity_mark(Some(Severity::Warning), theme),
            Span::raw(format!(" {warning} warning  ")),
            severity_mark(Some(Severity::Info), theme),
            Span::raw(format!(" {info} info, open")),
        ]));
    } else {
        lines.push(Line::from(vec![
            Span::styled("findings  ", theme.muted),
            Span::raw("auditing… (browse meanwhile)"),
        ]));
    }
    if !model.worst_objects.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Worst first (open critical, warning, info)",
            theme.header,
        ));
        for w in &model.worst_objects {
            let [c, wa, i] = w.counts;
            let worst = if c > 0 {
                Severity::Critical
            } else if wa > 0 {
                Severity::Warning
            } else {
                Severity::Info
            };
            let counts = format!(" {c:>3} {wa:>3} {i:>3}  ");
            // One line each: the name gets most of the room, the rule what is left.
            let name = shown(&w.id.label());
            let room = width.saturating_sub(counts.len() + 3);
            let name_width = name.chars().count().min((room * 3 / 5).max(12));
            let rule_width = room.saturating_sub(name_width);
            lines.push(Line::from(vec![
                severity_mark(Some(worst), theme),
                Span::styled(counts, theme.muted),
                Span::raw(fit(&name, name_width)),
                Span::styled(format!("  {}", fit(w.rule, rule_width)), theme.muted),
            ]));
        }
    }
    if model.audited && !model.not_evaluated.is_empty() {
        // Rules that could not judge this source, so that their silence is not taken for an
        // all-clear.
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Not evaluated here (the source lacks what they read)",
            theme.header,
        ));
        for n in &model.not_evaluated {
            let text = format!("{}: {}", n.rule, n.reason);
            lines.push(Line::styled(
                fit(&text, width.saturating_sub(2)),
                theme.muted,
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter opens a group · / finds anything by name · F lists every finding · T lists \
         tables · P hides the platform · ? shows all keys",
        theme.muted,
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn source_line(model: &Model, label: &str, theme: &Theme) -> Line<'static> {
    let meta = &model.catalog.meta;
    let mut text = shown(label);
    if let Some(version) = &meta.server_version {
        text.push_str(&format!(" · PostgreSQL {}", shown(version)));
    }
    if model.catalog.is_supabase() {
        text.push_str(" · Supabase");
    }
    Line::from(vec![
        Span::styled("source    ", theme.muted),
        Span::raw(text),
    ])
}

/// One line per application schema with what it holds; the platform's on one line.
fn schema_lines(model: &Model, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    #[derive(Default)]
    struct Counts {
        tables: usize,
        views: usize,
        functions: usize,
    }
    let mut by_schema: BTreeMap<&str, Counts> = BTreeMap::new();
    let catalog = &model.catalog;
    for r in catalog.relations.iter().filter(|r| r.extension.is_none()) {
        let c = by_schema.entry(&r.schema).or_default();
        match r.kind {
            RelationKind::Table | RelationKind::PartitionedTable | RelationKind::ForeignTable => {
                c.tables += usize::from(r.partition_of.is_none())
            }
            RelationKind::View | RelationKind::MaterializedView => c.views += 1,
        }
    }
    for f in catalog.functions.iter().filter(|f| f.extension.is_none()) {
        by_schema.entry(&f.schema).or_default().functions += 1;
    }
    let describe = |c: &Counts| {
        let mut parts = Vec::new();
        let kinds = [
            (c.tables, "table", "tables"),
            (c.views, "view", "views"),
            (c.functions, "function", "functions"),
        ];
        for (n, one, many) in kinds {
            match n {
                0 => {}
                1 => parts.push(format!("1 {one}")),
                n => parts.push(format!("{n} {many}")),
            }
        }
        parts.join(", ")
    };
    let (platform, app): (Vec<_>, Vec<_>) = by_schema
        .iter()
        .partition(|(schema, _)| is_platform_schema(schema));
    let mut lines = Vec::new();
    for (i, (schema, counts)) in app.iter().enumerate() {
        let head = if i == 0 { "schemas   " } else { "          " };
        lines.push(Line::from(vec![
            Span::styled(head, theme.muted),
            Span::raw(fit(
                &format!("{} {}", shown(schema), describe(counts)),
                width.saturating_sub(10),
            )),
        ]));
    }
    if !platform.is_empty() {
        let names: Vec<&str> = platform.iter().map(|(s, _)| **s).collect();
        lines.push(Line::from(vec![
            Span::styled("platform  ", theme.muted),
            Span::styled(
                fit(&names.join(", "), width.saturating_sub(10)),
                theme.muted,
            ),
        ]));
    }
    lines
}
