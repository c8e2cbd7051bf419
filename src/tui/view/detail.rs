//! The right pane: the selected object's tabs. Rows that a finding points at carry its
//! severity mark; the Findings tab shows each finding with its rationale and fix SQL.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Tabs, Wrap};
use ratatui::Frame;

use super::{fit, severity_mark, shown, shown_lines, ViewState};
use crate::audit::{find_rule, Finding};
use crate::model::{ConstraintKind, ObjectId, Relation, TriggerEnabled};
use crate::sql;
use crate::tui::app::{detail_rows, relationships, App, DetailRow, Focus, Model, Overlay, Tab};
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, view: &mut ViewState, theme: &Theme) {
    let focused = app.focus == Focus::Detail && matches!(app.overlay, Overlay::None);
    let (Some(model), Some(id)) = (&app.model, app.selected_object()) else {
        let block = super::pane(false, theme);
        let text = if app.model.is_some() {
            "Select a table in the tree (Enter opens a group).\n\n/ finds anything by name, F lists every finding, ? shows all keys."
        } else {
            ""
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.muted)
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    };
    let block = super::pane(focused, theme).title(Line::from(vec![
        severity_mark(model.worst(id), theme),
        Span::styled(format!(" {} ", shown(&id.label())), theme.title),
        Span::styled(kind_label(model, id), theme.muted),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(1)])
        .split(inner);
    let count = model.findings_of(id).len();
    let long: Vec<String> = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| match t {
            Tab::Findings => format!("{} {} {count}", i + 1, t.title()),
            _ => format!("{} {}", i + 1, t.title()),
        })
        .collect();
    // Full titles when they fit (with dividers), short ones otherwise, numbers last.
    let fits = |titles: &[String]| {
        titles.iter().map(|t| t.chars().count() + 3).sum::<usize>() <= usize::from(parts[0].width)
    };
    let titles: Vec<String> = if fits(&long) {
        long
    } else {
        let short: Vec<String> = Tab::ALL
            .iter()
            .enumerate()
            .map(|(i, t)| match t {
                Tab::Findings => format!("{} {} {count}", i + 1, t.short()),
                _ => format!("{} {}", i + 1, t.short()),
            })
            .collect();
        if fits(&short) {
            short
        } else {
            // Numbers only, but the open tab keeps its name.
            Tab::ALL
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if *t == app.tab {
                        format!("{} {}", i + 1, t.short())
                    } else {
                        (i + 1).to_string()
                    }
                })
                .collect()
        }
    };
    let titles: Vec<Line<'_>> = titles.into_iter().map(Line::from).collect();
    let selected_tab = Tab::ALL.iter().position(|t| *t == app.tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected_tab)
            .style(theme.muted)
            .highlight_style(theme.selection)
            .divider("│"),
        parts[0],
    );
    let body = parts[1];
    let rows = detail_rows(model, id, app.tab);
    view.detail.select(if rows.is_empty() {
        None
    } else {
        Some(app.row.min(rows.len() - 1))
    });
    match (app.tab, id) {
        (Tab::Findings, _) => findings_tab(frame, body, model, &rows, app.row, view, theme),
        (Tab::Definition, _) => definition(frame, body, model, id, theme),
        (Tab::Usage, ObjectId::Relation(q)) => match model.relation(q) {
            Some(r) => {
                super::review::usage_tab(frame, body, model, &app.plan, r, &rows, view, theme)
            }
            None => frame.render_widget(Paragraph::new("gone since the last load"), body),
        },
        (tab, ObjectId::Relation(q)) => match model.relation(q) {
            Some(r) => relation_tab(frame, body, model, r, tab, &rows, view, theme),
            None => frame.render_widget(Paragraph::new("gone since the last load"), body),
        },
        _ => frame.render_widget(
            Paragraph::new("Not applicable to this object: see Definition and Findings.")
                .style(theme.muted),
            body,
        ),
    }
}

fn kind_label(model: &Model, id: &ObjectId) -> String {
    match id {
        ObjectId::Relation(q) => model
            .catalog
            .relation(&q.schema, &q.name)
            .map(|r| {
                let rows = r
                    .stats
                    .as_ref()
                    .and_then(|s| s.estimated_rows)
                    .map(|n| format!(", ~{} rows", crate::cleanup::evidence::human_count(n)))
                    .unwrap_or_default();
                format!("{}{rows}", r.kind.label())
            })
            .unwrap_or_default(),
        ObjectId::Function { .. } => "function".into(),
        ObjectId::Extension { .. } => "extension".into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn relation_tab(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    r: &Relation,
    tab: Tab,
    rows: &[DetailRow],
    view: &mut ViewState,
    theme: &Theme,
) {
    let mark = |row: &DetailRow| {
        let worst = row
            .findings
            .iter()
            .filter(|i| model.findings[**i].suppressed.is_none())
            .map(|i| model.findings[*i].severity)
            .max();
        Cell::from(severity_mark(worst, theme))
    };
    let (header, widths, body, above): (Vec<&str>, Vec<Constraint>, Vec<Row<'_>>, Option<String>) =
        match tab {
            Tab::Columns => columns_table(r, rows, area.width, &mark),
            Tab::Indexes => indexes_table(r, rows, &mark),
            Tab::Constraints => (
                vec!["", "name", "kind", "definition", "valid"],
                vec![
                    Constraint::Length(1),
                    Constraint::Fill(2),
                    Constraint::Length(11),
                    Constraint::Fill(5),
                    Constraint::Length(5),
                ],
                r.constraints
                    .iter()
                    .zip(rows)
                    .map(|(c, row)| {
                        Row::new(vec![
                            mark(row),
                            Cell::from(shown(&c.name)),
                            Cell::from(constraint_kind(c.kind)),
                            Cell::from(shown(&c.definition)),
                            Cell::from(if c.validated { "yes" } else { "NO" }),
                        ])
                    })
                    .collect(),
                None,
            ),
            Tab::Policies => (
                vec![
                    "",
                    "name",
                    "command",
                    "mode",
                    "roles",
                    "using",
                    "with check",
                ],
                vec![
                    Constraint::Length(1),
                    Constraint::Fill(2),
                    Constraint::Length(7),
                    Constraint::Length(11),
                    Constraint::Fill(1),
                    Constraint::Fill(3),
                    Constraint::Fill(3),
                ],
                r.policies
                    .iter()
                    .zip(rows)
                    .map(|(p, row)| {
                        Row::new(vec![
                            mark(row),
                            Cell::from(shown(&p.name)),
                            Cell::from(p.command.sql()),
                            Cell::from(if p.permissive {
                                "permissive"
                            } else {
                                "restrictive"
                            }),
                            Cell::from(shown(&p.roles.join(", "))),
                            Cell::from(shown(p.using.as_deref().unwrap_or_default())),
                            Cell::from(shown(p.with_check.as_deref().unwrap_or_default())),
                        ])
                    })
                    .collect(),
                Some(rls_state(r)),
            ),
            Tab::Triggers => (
                vec!["", "name", "when", "events", "level", "function", "enabled"],
                vec![
                    Constraint::Length(1),
                    Constraint::Fill(2),
                    Constraint::Length(10),
                    Constraint::Fill(2),
                    Constraint::Length(9),
                    Constraint::Fill(2),
                    Constraint::Length(8),
                ],
                r.triggers
                    .iter()
                    .zip(rows)
                    .map(|(t, row)| {
                        let events: Vec<String> = t
                            .events
                            .iter()
                            .map(|e| format!("{e:?}").to_uppercase())
                            .collect();
                        Row::new(vec![
                            mark(row),
                            Cell::from(shown(&t.name)),
                            Cell::from(format!("{:?}", t.timing).to_uppercase()),
                            Cell::from(events.join(" OR ")),
                            Cell::from(format!("{:?}", t.level).to_uppercase()),
                            Cell::from(shown(&t.function.to_string())),
                            Cell::from(match t.enabled {
                                TriggerEnabled::Origin => "yes",
                                TriggerEnabled::Disabled => "NO",
                                TriggerEnabled::Replica => "replica",
                                TriggerEnabled::Always => "always",
                            }),
                        ])
                    })
                    .collect(),
                None,
            ),
            Tab::Relationships => {
                let rels = relationships(model, &r.qualified_name());
                (
                    vec!["", "relationship", "object"],
                    vec![
                        Constraint::Length(1),
                        Constraint::Length(14),
                        Constraint::Fill(1),
                    ],
                    rels.iter()
                        .map(|rel| {
                            Row::new(vec![
                                Cell::from("→"),
                                Cell::from(rel.kind.label()),
                                Cell::from(shown(&rel.label)),
                            ])
                        })
                        .collect(),
                    Some("Enter jumps to the other object; Backspace comes back.".into()),
                )
            }
            Tab::Usage | Tab::Findings | Tab::Definition => return,
        };
    let mut table_area = area;
    if let Some(text) = above {
        let split = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(1), Constraint::Min(1)])
            .split(area);
        frame.render_widget(Paragraph::new(text).style(theme.accent), split[0]);
        table_area = split[1];
    }
    if body.is_empty() {
        frame.render_widget(Paragraph::new("(none)").style(theme.muted), table_area);
        return;
    }
    let table = Table::new(body, widths)
        .header(Row::new(header).style(theme.header))
        .row_highlight_style(theme.selection)
        .column_spacing(1);
    frame.render_stateful_widget(table, table_area, &mut view.detail);
}

/// The Columns tab. Narrow panes drop the comment, then the default, before squeezing
/// names: a column's name and type matter most.
fn columns_table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    width: u16,
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> (
    Vec<&'static str>,
    Vec<Constraint>,
    Vec<Row<'a>>,
    Option<String>,
) {
    let show_default = width >= 60;
    let show_comment = width >= 100;
    let mut header = vec!["", "name", "type", "null"];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(widest(r.columns.iter().map(|c| c.name.as_str()), 4, 28)),
        Constraint::Length(widest(
            r.columns.iter().map(|c| c.data_type.as_str()),
            4,
            26,
        )),
        Constraint::Length(4),
    ];
    if show_default {
        header.push("default");
        widths.push(Constraint::Fill(2));
    }
    header.push("key");
    widths.push(Constraint::Fill(2));
    if show_comment {
        header.push("comment");
        widths.push(Constraint::Fill(2));
    }
    let body = r
        .columns
        .iter()
        .zip(rows)
        .map(|(c, row)| {
            let mut cells = vec![
                mark(row),
                Cell::from(shown(&c.name)),
                Cell::from(shown(&c.data_type)),
                Cell::from(if c.not_null { "" } else { "null" }),
            ];
            if show_default {
                let default = c
                    .default
                    .clone()
                    .or_else(|| c.identity.map(|_| "identity".into()));
                cells.push(Cell::from(shown(&default.unwrap_or_default())));
            }
            cells.push(Cell::from(shown(&key_marks(r, &c.name))));
            if show_comment {
                cells.push(Cell::from(shown(c.comment.as_deref().unwrap_or_default())));
            }
            Row::new(cells)
        })
        .collect();
    (header, widths, body, None)
}

/// The Indexes tab. The WHERE / INCLUDE, size and scans columns appear only when some
/// index has something to show in them (a snapshot without statistics has no sizes).
fn indexes_table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> (
    Vec<&'static str>,
    Vec<Constraint>,
    Vec<Row<'a>>,
    Option<String>,
) {
    let names: Vec<String> = r
        .indexes
        .iter()
        .map(|i| {
            let mut name = i.name.clone();
            if i.primary {
                name.push_str(" (pk)");
            } else if i.unique {
                name.push_str(" (unique)");
            }
            if !i.valid {
                name.push_str(" INVALID");
            }
            name
        })
        .collect();
    let show_extra = r
        .indexes
        .iter()
        .any(|i| i.predicate.is_some() || !i.include.is_empty());
    let show_size = r.indexes.iter().any(|i| i.size_bytes.is_some());
    let show_scans = r.indexes.iter().any(|i| i.scans.is_some());
    let mut header = vec!["", "name", "method", "keys"];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(widest(names.iter().map(String::as_str), 4, 40)),
        Constraint::Length(6),
        Constraint::Fill(3),
    ];
    if show_extra {
        header.push("where / include");
        widths.push(Constraint::Fill(2));
    }
    if show_size {
        header.push("size");
        widths.push(Constraint::Length(9));
    }
    if show_scans {
        header.push("scans");
        widths.push(Constraint::Length(8));
    }
    let body = r
        .indexes
        .iter()
        .zip(names)
        .zip(rows)
        .map(|((i, name), row)| {
            let keys: Vec<String> = i
                .keys
                .iter()
                .map(|k| {
                    let base = k
                        .column
                        .clone()
                        .or_else(|| k.expression.clone())
                        .unwrap_or_default();
                    if k.descending {
                        format!("{base} DESC")
                    } else {
                        base
                    }
                })
                .collect();
            let mut cells = vec![
                mark(row),
                Cell::from(shown(&name)),
                Cell::from(i.method.clone()),
                Cell::from(shown(&keys.join(", "))),
            ];
            if show_extra {
                cells.push(Cell::from(shown(
                    &match (&i.predicate, i.include.is_empty()) {
                        (Some(p), _) => format!("WHERE {p}"),
                        (None, false) => format!("INCLUDE {}", i.include.join(", ")),
                        _ => String::new(),
                    },
                )));
            }
            if show_size {
                cells.push(Cell::from(
                    i.size_bytes
                        .map(crate::cleanup::evidence::human_bytes)
                        .unwrap_or_default(),
                ));
            }
            if show_scans {
                cells.push(Cell::from(
                    i.scans.map(|s| s.to_string()).unwrap_or_default(),
                ));
            }
            Row::new(cells)
        })
        .collect();
    (header, widths, body, None)
}

/// The widest of `texts` in characters, between `min` and `max`.
fn widest<'a>(texts: impl Iterator<Item = &'a str>, min: u16, max: u16) -> u16 {
    let w = texts.map(|t| t.chars().count()).max().unwrap_or(0);
    u16::try_from(w).unwrap_or(max).clamp(min, max)
}

/// RLS state the way psql's `\d` distinguishes it.
fn rls_state(r: &Relation) -> String {
    match (r.rls_enabled, r.rls_forced, r.policies.is_empty()) {
        (false, _, true) => "Row-level security disabled, no policies".into(),
        (false, _, false) => "Policies (row security disabled): defined but NOT enforced".into(),
        (true, false, true) => {
            "Policies (row security enabled): (none) - only the owner sees rows".into()
        }
        (true, true, true) => "Policies (forced row security enabled): (none)".into(),
        (true, false, false) => "Policies: row security enabled".into(),
        (true, true, false) => "Policies (forced row security enabled)".into(),
    }
}

fn constraint_kind(kind: ConstraintKind) -> &'static str {
    match kind {
        ConstraintKind::PrimaryKey => "primary key",
        ConstraintKind::Unique => "unique",
        ConstraintKind::ForeignKey => "foreign key",
        ConstraintKind::Check => "check",
        ConstraintKind::Exclusion => "exclusion",
        ConstraintKind::NotNull => "not null",
    }
}

/// `PK`, `UQ`, `FK→table` marks for a column.
fn key_marks(r: &Relation, column: &str) -> String {
    let mut marks = Vec::new();
    for c in r
        .constraints
        .iter()
        .filter(|c| c.columns.iter().any(|x| x == column))
    {
        match (&c.kind, &c.foreign_key) {
            (ConstraintKind::PrimaryKey, _) => marks.push("PK".to_string()),
            (ConstraintKind::Unique, _) => marks.push("UQ".to_string()),
            (_, Some(fk)) => marks.push(format!("FK→{}", fk.referenced_table.name)),
            _ => {}
        }
    }
    marks.join(" ")
}

fn findings_tab(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    rows: &[DetailRow],
    selected: usize,
    view: &mut ViewState,
    theme: &Theme,
) {
    if rows.is_empty() {
        frame.render_widget(Paragraph::new("No findings.").style(theme.clean), area);
        return;
    }
    let split = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(40), Constraint::Min(3)])
        .split(area);
    let width = usize::from(split[0].width.saturating_sub(4));
    let list: Vec<Row<'_>> = rows
        .iter()
        .filter_map(|r| r.findings.first())
        .map(|i| {
            let f = &model.findings[*i];
            let style = super::finding_style(f, theme);
            Row::new(vec![
                Cell::from(severity_mark(Some(f.severity), theme)),
                Cell::from(fit(&f.message, width)).style(style),
            ])
        })
        .collect();
    let table = Table::new(list, [Constraint::Length(1), Constraint::Fill(1)])
        .row_highlight_style(theme.selection);
    frame.render_stateful_widget(table, split[0], &mut view.detail);
    if let Some(i) = rows.get(selected).and_then(|r| r.findings.first()) {
        frame.render_widget(finding_detail(&model.findings[*i], theme), split[1]);
    }
}

/// A finding's rationale and fix, for the Findings tab and the findings view.
pub fn finding_detail<'a>(f: &Finding, theme: &Theme) -> Paragraph<'a> {
    let mut lines = vec![
        Line::from(vec![
            severity_mark(Some(f.severity), theme),
            Span::raw(format!(" {}", shown(&f.message))),
        ]),
        Line::from(vec![
            Span::styled(f.rule.to_string(), theme.accent),
            Span::styled(
                format!(" ({}, {})", f.severity.as_str(), f.category.as_str()),
                theme.muted,
            ),
        ]),
    ];
    if let Some(reason) = &f.suppressed {
        lines.push(Line::styled(
            format!("suppressed: {}", shown(reason)),
            theme.muted,
        ));
    }
    if let Some(entry) = find_rule(f.rule) {
        let docs = entry.docs();
        if let Some(why) = section(&docs, "## Why it matters") {
            lines.push(Line::styled(why, theme.muted));
        }
    }
    match &f.fix {
        Some(fix) => {
            lines.push(Line::styled(
                if fix.safe {
                    "fix (safe to paste):"
                } else {
                    "fix (REVIEW first):"
                },
                theme.header,
            ));
            for s in &fix.statements {
                lines.push(sql_line(&format!("{};", s.sql), theme));
            }
            for n in &fix.notes {
                lines.push(Line::styled(format!("note: {}", shown(n)), theme.muted));
            }
            lines.push(Line::styled(
                "y copies this fix, s suppresses the finding",
                theme.muted,
            ));
        }
        None => lines.push(Line::styled("no fix SQL for this finding", theme.muted)),
    }
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border),
        )
}

/// A doc section's text, joined into one paragraph.
fn section(docs: &str, heading: &str) -> Option<String> {
    let start = docs.find(heading)? + heading.len();
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "))
}

/// SQL with upper-case keywords highlighted.
fn sql_line(text: &str, theme: &Theme) -> Line<'static> {
    let spans: Vec<Span<'static>> = text
        .split_inclusive(' ')
        .map(|word| {
            let bare = word.trim();
            let keyword =
                bare.len() > 1 && bare.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            if keyword {
                Span::styled(word.to_string(), theme.sql_keyword)
            } else {
                Span::raw(word.to_string())
            }
        })
        .collect();
    Line::from(spans)
}

/// Where an object from migration files was defined and altered, as SQL comment lines:
/// `-- defined in supabase/migrations/012_x.sql:40, altered in 015_y.sql:7`.
pub fn provenance_comment(p: &crate::model::Provenance) -> String {
    let Some(line) = provenance_line(p) else {
        return String::new();
    };
    sql::comment(&line) + "\n"
}

/// `defined in a.sql:40, altered in b.sql:7 and c.sql:3`, or None for live sources.
pub fn provenance_line(p: &crate::model::Provenance) -> Option<String> {
    let place = |l: &crate::model::Location| format!("{}:{}", l.file, l.line);
    let defined = p
        .defined
        .as_ref()
        .map(|l| format!("defined in {}", place(l)));
    // Lines of one file together: `b.sql:1, 2, 5, c.sql:3`.
    let altered = (!p.altered.is_empty()).then(|| {
        let mut text = String::new();
        let mut last_file: Option<&str> = None;
        for l in &p.altered {
            if !text.is_empty() {
                text.push_str(", ");
            }
            if last_file == Some(l.file.as_str()) {
                text.push_str(&l.line.to_string());
            } else {
                text.push_str(&place(l));
                last_file = Some(&l.file);
            }
        }
        format!("altered in {text}")
    });
    let parts: Vec<String> = [defined, altered].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn definition(frame: &mut Frame<'_>, area: Rect, model: &Model, id: &ObjectId, theme: &Theme) {
    let text = match id {
        ObjectId::Relation(q) => model
            .catalog
            .relation(&q.schema, &q.name)
            .map(|r| provenance_comment(&r.provenance) + &sql::ddl::relation(r)),
        ObjectId::Function {
            schema,
            name,
            arguments,
        } => model
            .catalog
            .function(schema, name, arguments)
            .map(|f| provenance_comment(&f.provenance) + &sql::ddl::function(f)),
        ObjectId::Extension { name } => model
            .catalog
            .extensions
            .iter()
            .find(|e| &e.name == name)
            .map(|e| {
                format!(
                    "CREATE EXTENSION {} WITH SCHEMA {} VERSION {};\n{}",
                    sql::ident(&e.name),
                    sql::ident(&e.schema),
                    sql::literal(&e.installed_version),
                    sql::comment(&format!(
                        "available: {}",
                        e.default_version.as_deref().unwrap_or("unknown")
                    ))
                )
            }),
    }
    .unwrap_or_default();
    let text = shown_lines(&text);
    let lines: Vec<Line<'static>> = text.lines().map(|l| sql_line(l, theme)).collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
