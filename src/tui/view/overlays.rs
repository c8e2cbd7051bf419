//! Overlays drawn over the main screen: the fuzzy finder, the schema-wide findings list,
//! help, the suppress prompt, the password prompt and the drift view.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table};
use ratatui::Frame;

use super::widgets::{
    centred, finding_card, finding_style, fit, pane, severity_mark, shown, ViewState,
};
use crate::tui::action::{Command, Keymap};
use crate::tui::search::Mode;
use crate::tui::state::{App, FindingsView, FullText, Prompt, SearchState};
use crate::tui::theme::Theme;

pub fn search(
    frame: &mut Frame<'_>,
    size: Rect,
    app: &App,
    state: &SearchState,
    view: &mut ViewState,
    theme: &Theme,
) {
    let area = centred(
        size,
        size.width.saturating_sub(8).max(30),
        size.height.saturating_sub(4).max(8),
    );
    frame.render_widget(Clear, area);
    let (mode, _) = Mode::of(state.query());
    let title = match mode {
        Mode::Names => " find by name (? first: search in bodies, policies, views, comments) ",
        Mode::Text => " find in bodies, policy conditions, view definitions, comments ",
    };
    let block = pane(true, theme).title(Span::styled(title, theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(1)])
        .split(inner);
    let (before, after) = state.line.split();
    // A pre-filled last query is drawn selected: typing replaces it.
    let typed = if state.line.is_fresh() {
        theme.selection
    } else {
        ratatui::style::Style::default()
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("/ ", theme.accent),
            Span::styled(shown(before), typed),
            Span::styled("▏", theme.accent),
            Span::styled(shown(after), typed),
        ])),
        parts[0],
    );
    let Some(model) = &app.model else { return };
    if state.hits.is_empty() {
        let hint = if state.query().is_empty() {
            "type a name (table, schema.table.column, index, policy, function, type, enum value), or ? and text"
        } else {
            "no match"
        };
        frame.render_widget(Paragraph::new(hint).style(theme.muted), parts[1]);
        return;
    }
    let width = usize::from(parts[1].width.saturating_sub(14));
    let rows: Vec<Row<'_>> = state
        .hits
        .iter()
        .map(|h| {
            let e = model.search().entry(h);
            let worst = e.target.as_ref().and_then(|t| model.worst(t));
            let text = match h.at {
                Some(at) => format!("{}: {}", e.label, snippet(&e.text, at, width)),
                None => e.label.clone(),
            };
            Row::new(vec![
                Cell::from(severity_mark(worst, theme)),
                Cell::from(Span::styled(e.kind, theme.muted)),
                Cell::from(fit(&text, width)),
            ])
        })
        .collect();
    view.search.select(Some(state.selected));
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            // "partitioned", the longest kind.
            Constraint::Length(11),
            Constraint::Fill(1),
        ],
    )
    .row_highlight_style(theme.selection);
    frame.render_stateful_widget(table, parts[1], &mut view.search);
}

/// The text around a match, on one line: a little before it, as much after as fits.
fn snippet(text: &str, at: usize, width: usize) -> String {
    let start = text[..at.min(text.len())]
        .char_indices()
        .rev()
        .nth(20)
        .map_or(0, |(i, _)| i);
    let flat: String = text[start..]
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .take(width.max(20))
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if start > 0 {
        format!("…{flat}")
    } else {
        flat
    }
}

pub fn findings(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    fv: &FindingsView,
    view: &mut ViewState,
    keymap: &Keymap,
    theme: &Theme,
) {
    frame.render_widget(Clear, area);
    let Some(model) = &app.model else { return };
    let rows_shown = fv.rows(model, &app.schemas);
    let count: usize = rows_shown.iter().map(Vec::len).sum();
    let filters = format!(
        " findings: {count} shown · severity ≥ {} ({}) · category {} ({}) · rule {} ({}) · {} ({}) · {} closes ",
        fv.min_severity.map(|s| s.as_str()).unwrap_or("any"),
        keymap.key_for(Command::CycleSeverityFilter),
        fv.category.map(|c| c.as_str()).unwrap_or("any"),
        keymap.key_for(Command::CycleCategoryFilter),
        fv.rule.unwrap_or("any"),
        keymap.key_for(Command::CycleRuleFilter),
        if fv.ungrouped { "one by one" } else { "alike grouped" },
        keymap.key_for(Command::GroupAlike),
        keymap.key_for(Command::Escape),
    );
    let block = pane(true, theme).title(Span::styled(filters, theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(55), Constraint::Min(4)])
        .split(inner);
    // The rule column is as wide as the longest rule id listed (ids reach 37 characters,
    // whole at 80 columns), but never more than half the list.
    let rule_width = rows_shown
        .iter()
        .map(|members| model.findings[members[0]].rule.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, usize::from(parts[0].width / 2).max(4));
    // The object column likewise, within two fifths of what is left; the message gets the rest.
    let rest = usize::from(parts[0].width).saturating_sub(rule_width + 4);
    let obj_width = rows_shown
        .iter()
        .map(|members| match members.len() {
            1 => model.findings[members[0]].object.path().chars().count(),
            n => format!("{n} tables").len(),
        })
        .max()
        .unwrap_or(0)
        .clamp(6, (rest * 2 / 5).max(6));
    // What the mark, the rule, the object and the spaces between leave.
    let message_width = rest.saturating_sub(obj_width);
    let height = usize::from(parts[0].height.saturating_sub(1));
    let (offset, mut window) =
        super::widgets::window(&mut view.findings, fv.selected, rows_shown.len(), height);
    let rows: Vec<Row<'_>> = rows_shown
        .iter()
        .skip(offset)
        .take(height)
        .map(|members| {
            let f = &model.findings[members[0]];
            let style = finding_style(f, theme);
            let (object, message) = if members.len() > 1 {
                (
                    format!("{} tables", members.len()),
                    shown(&model.patterns[members[0]]),
                )
            } else {
                (f.object.path(), shown(&f.message))
            };
            Row::new(vec![
                Cell::from(severity_mark(Some(f.severity), theme)),
                Cell::from(Span::styled(fit(f.rule, rule_width), theme.accent)),
                Cell::from(fit(&object, obj_width)),
                Cell::from(fit(&message, message_width)).style(style),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(rule_width as u16),
            Constraint::Length(obj_width as u16),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(vec!["", "rule", "object", "message"]).style(theme.header))
    .row_highlight_style(theme.selection);
    frame.render_stateful_widget(table, parts[0], &mut window);
    match rows_shown.get(fv.selected) {
        Some(members) if members.len() > 1 => {
            frame.render_widget(group_detail(model, members, theme), parts[1]);
        }
        Some(members) => {
            finding_card(frame, parts[1], &model.findings[members[0]], theme);
        }
        None => {}
    }
}

/// A row of alike findings: what they say, and the tables they are about.
fn group_detail<'a>(
    model: &'a crate::tui::model::Model,
    members: &[usize],
    theme: &Theme,
) -> Paragraph<'a> {
    let first = &model.findings[members[0]];
    let tables: Vec<String> = members
        .iter()
        .map(|&i| {
            let o = &model.findings[i].object;
            match (&o.schema, &o.table) {
                (Some(s), Some(t)) => format!("{s}.{t}"),
                _ => o.path(),
            }
        })
        .collect();
    let lines = vec![
        Line::styled(
            shown(&model.patterns[members[0]]),
            finding_style(first, theme),
        ),
        Line::styled(
            format!(
                "{} on {} tables; y copies every fix as one script",
                first.rule,
                members.len()
            ),
            theme.muted,
        ),
        Line::raw(""),
        Line::raw(shown(&tables.join(", "))),
    ];
    Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false })
}

pub fn help(frame: &mut Frame<'_>, size: Rect, offset: usize, keymap: &Keymap, theme: &Theme) {
    let lines = keymap.help_lines();
    // The keys column is as wide as the longest keys; a column of lines as wide as the
    // longest line needs. When the lines do not fit the screen's height but two columns fit
    // its width, they are shown side by side instead of scrolled.
    let keys_width = lines
        .iter()
        .map(|(keys, _)| keys.chars().count())
        .max()
        .unwrap_or(8)
        .min(20);
    let column = keys_width
        + 2
        + lines
            .iter()
            .map(|(_, what)| what.chars().count())
            .max()
            .unwrap_or(40);
    let room = usize::from(size.height.saturating_sub(2));
    let columns = if lines.len() > room && usize::from(size.width) >= 2 * column + 5 {
        2
    } else {
        1
    };
    let per_column = lines.len().div_ceil(columns);
    let width = u16::try_from(columns * column + 3 * columns)
        .unwrap_or(u16::MAX)
        .max(60);
    let height = u16::try_from(per_column + 2).unwrap_or(u16::MAX);
    let area = centred(size, width, height);
    frame.render_widget(Clear, area);
    let block = pane(true, theme).title(Span::styled(
        " keys (remap them in config.toml [keys]); Esc closes ",
        theme.title,
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let visible = usize::from(inner.height);
    let offset = if columns == 1 {
        offset.min(lines.len().saturating_sub(visible))
    } else {
        0
    };
    let parts = Layout::default()
        .direction(Direction::Horizontal)
        .constraints(vec![Constraint::Fill(1); columns])
        .spacing(1)
        .split(inner);
    for (chunk, part) in lines.chunks(per_column).zip(parts.iter()) {
        let desc_width = usize::from(part.width).saturating_sub(keys_width + 2);
        let more = columns == 1 && chunk.len() > offset + visible;
        let mut text: Vec<Line<'_>> = chunk
            .iter()
            .skip(offset)
            .take(visible)
            .map(|(keys, what)| {
                Line::from(vec![
                    Span::styled(
                        format!("{:>keys_width$}  ", fit(keys, keys_width)),
                        theme.accent,
                    ),
                    Span::raw(fit(what, desc_width)),
                ])
            })
            .collect();
        if more {
            if let Some(last) = text.last_mut() {
                *last = Line::styled(
                    format!("{:>keys_width$}  ↓ more (↓ / PageDown)", ""),
                    theme.muted,
                );
            }
        }
        frame.render_widget(Paragraph::new(text), *part);
    }
}

pub fn suppress(frame: &mut Frame<'_>, size: Rect, app: &App, prompt: &Prompt, theme: &Theme) {
    let area = centred(size, 80, 6);
    frame.render_widget(Clear, area);
    let findings = app.model.as_ref().map(|m| m.findings.as_slice());
    let finding = findings.and_then(|f| f.get(prompt.finding));
    let what = match finding {
        Some(f) if prompt.whole_rule => {
            let open = findings
                .unwrap_or_default()
                .iter()
                .filter(|o| o.rule == f.rule && o.suppressed.is_none())
                .count();
            format!("suppress every {} finding ({open} open)", f.rule)
        }
        Some(f) => format!("suppress {}", f.key),
        None => String::new(),
    };
    let title = if prompt.whole_rule {
        " suppress rule "
    } else {
        " suppress finding "
    };
    let text = vec![
        Line::styled(
            fit(&what, usize::from(area.width.saturating_sub(2))),
            theme.muted,
        ),
        Line::from(vec![
            Span::styled("reason: ", theme.accent),
            Span::raw(shown(&prompt.input)),
            Span::styled("▏", theme.accent),
        ]),
        Line::styled(
            "Enter writes it to the ignore file; Esc cancels",
            theme.muted,
        ),
    ];
    frame.render_widget(
        Paragraph::new(text).block(pane(true, theme).title(Span::styled(title, theme.title))),
        area,
    );
}

/// Whom to read as (`U`).
/// The `U` prompt: what has been typed, then `anon` and the users of `auth.users` that
/// match it, the chosen one highlighted, in as many lines as the screen has.
pub fn read_as(
    frame: &mut Frame<'_>,
    size: Rect,
    prompt: &crate::tui::state::ReadAsPrompt,
    theme: &Theme,
) {
    let choices = prompt.choices();
    let listed = choices.len().clamp(1, 10);
    let height = u16::try_from(listed + 5).unwrap_or(15);
    let area = centred(size, 80, height);
    frame.render_widget(Clear, area);
    let width = usize::from(area.width.saturating_sub(2));
    let mut text = vec![
        Line::styled(
            fit(
                "read every API table as this user, in a read-only transaction, and count leaks",
                width,
            ),
            theme.muted,
        ),
        Line::from(vec![
            Span::styled("as: ", theme.accent),
            Span::raw(shown(&prompt.input)),
            Span::styled("▏", theme.accent),
        ]),
    ];
    // Enough rows of the list to keep the chosen one on screen.
    let rows = usize::from(area.height.saturating_sub(5)).max(1);
    let first = prompt.cursor.saturating_sub(rows - 1);
    for (i, key) in choices.iter().enumerate().skip(first).take(rows) {
        let (style, mark) = if i == prompt.cursor {
            (theme.selection, "›")
        } else {
            (theme.muted, " ")
        };
        text.push(Line::styled(
            fit(&format!("{mark} {}", shown(key)), width),
            style,
        ));
    }
    let note = match &prompt.users {
        None => "reading the users of auth.users…".to_string(),
        Some(Err(e)) => format!("no users to offer ({e}): type an id or e-mail, or anon"),
        Some(Ok(_)) if choices.is_empty() => {
            "no user matches: Enter reads as what was typed (an id or e-mail)".to_string()
        }
        Some(Ok(users)) if prompt.input.trim().is_empty() => format!(
            "anon and {} users{} · ↑↓ choose · Enter reads · Esc cancels",
            users.len(),
            if users.len() >= crate::source::live::rls::USERS_OFFERED {
                " (the first by e-mail; type to find others)"
            } else {
                ""
            }
        ),
        Some(Ok(_)) => format!(
            "{} matching · ↑↓ choose · Enter reads · Esc cancels",
            choices.len()
        ),
    };
    if choices.is_empty() {
        text.push(Line::raw(""));
    }
    text.push(Line::styled(fit(&shown(&note), width), theme.muted));
    frame.render_widget(
        Paragraph::new(text)
            .block(pane(true, theme).title(Span::styled(" RLS as a user ", theme.title))),
        area,
    );
}

/// The password prompt: one bullet per character typed, never the characters.
pub fn password(frame: &mut Frame<'_>, size: Rect, app: &App, typed: &str, theme: &Theme) {
    let area = centred(size, 60, 5);
    frame.render_widget(Clear, area);
    let text = vec![
        Line::styled(
            fit(
                &format!("password for {}", app.source_label),
                usize::from(area.width.saturating_sub(2)),
            ),
            theme.muted,
        ),
        Line::from(vec![
            Span::styled("password: ", theme.accent),
            Span::raw("•".repeat(typed.chars().count())),
            Span::styled("▏", theme.accent),
        ]),
        Line::styled("Enter connects; Esc cancels", theme.muted),
    ];
    frame.render_widget(
        Paragraph::new(text).block(pane(true, theme).title(Span::styled(" connect ", theme.title))),
        area,
    );
}

/// The drift view: how the loaded schema differs from the `--drift` source.
pub fn drift(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    selected: usize,
    view: &mut ViewState,
    theme: &Theme,
) {
    frame.render_widget(Clear, area);
    let Some(drift) = app.model.as_ref().and_then(|m| m.drift.as_ref()) else {
        return;
    };
    let title = format!(
        " drift: {} differences from {} (- only there, + only here, ~ changed) · Enter opens · Esc closes ",
        drift.differences.len(),
        drift.against
    );
    let block = pane(true, theme).title(Span::styled(
        fit(&title, usize::from(area.width.saturating_sub(2))),
        theme.title,
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let progress = drift.progress.as_ref().map(|p| {
        let mut text = match &p.last_applied {
            Some(f) => format!("last migration reflected here: {f}"),
            None => "no migration is reflected here".into(),
        };
        if let Some(f) = &p.first_missing {
            text.push_str(&format!(" · first missing: {f} ({})", p.missing.join(", ")));
        }
        text
    });
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(u16::from(progress.is_some())),
            Constraint::Percentage(60),
            Constraint::Min(3),
        ])
        .split(inner);
    if let Some(text) = progress {
        frame.render_widget(Paragraph::new(text).style(theme.accent), parts[0]);
    }
    if drift.differences.is_empty() {
        frame.render_widget(
            Paragraph::new("no differences: the two schemas agree").style(theme.muted),
            parts[1],
        );
        return;
    }
    let width = usize::from(parts[1].width / 2);
    let rows: Vec<Row<'_>> = drift
        .differences
        .iter()
        .map(|d| {
            let symbol = match d.change {
                crate::diff::Change::OnlyInOld => "-",
                crate::diff::Change::OnlyInNew => "+",
                crate::diff::Change::Changed => "~",
            };
            Row::new(vec![
                Cell::from(Span::styled(symbol, theme.accent)),
                Cell::from(d.kind),
                Cell::from(fit(&d.path(), width)),
                Cell::from(shown(d.defined.as_deref().unwrap_or_default())),
            ])
        })
        .collect();
    view.findings
        .select(Some(selected.min(drift.differences.len() - 1)));
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(10),
            Constraint::Fill(3),
            Constraint::Fill(2),
        ],
    )
    .header(Row::new(vec!["", "kind", "object", "defined in"]).style(theme.header))
    .row_highlight_style(theme.selection);
    frame.render_stateful_widget(table, parts[1], &mut view.findings);
    if let Some(d) = drift.differences.get(selected) {
        let line = |label: &'static str, text: &Option<String>| {
            Line::from(vec![
                Span::styled(label, theme.muted),
                Span::raw(text.as_deref().map_or_else(|| "(absent)".into(), shown)),
            ])
        };
        let detail = vec![line("there: ", &d.old), line("here:  ", &d.new)];
        frame.render_widget(
            Paragraph::new(detail).wrap(ratatui::widgets::Wrap { trim: true }),
            parts[2],
        );
    }
}

/// A row, a finding or a definition in full: wrapped, scrolled, with where it is and the
/// keys on the bottom border.
pub fn full_text(frame: &mut Frame<'_>, size: Rect, full: &FullText, theme: &Theme) {
    let area = super::full_text_box(size);
    let body = super::full_text_body(size);
    frame.render_widget(Clear, area);
    let lines = full.doc.wrapped(usize::from(body.width));
    let height = usize::from(body.height);
    let offset = full.scroll.min(lines.len().saturating_sub(height));
    let shown = &lines[offset..(offset + height).min(lines.len())];
    let copy = if !full.fixes.is_empty() {
        "y copies the fix · "
    } else {
        ""
    };
    let place = if lines.len() > height {
        format!(
            " lines {}-{} of {} · ↑↓ PgUp PgDn g G · {copy}Esc ",
            offset + 1,
            offset + shown.len(),
            lines.len()
        )
    } else {
        format!(" {copy}Esc closes ")
    };
    let block = pane(true, theme)
        .title(Span::styled(format!(" {} ", full.doc.title), theme.title))
        .title_bottom(Line::styled(place, theme.muted).right_aligned());
    frame.render_widget(
        Paragraph::new(super::widgets::doc_lines(shown, theme)).block(block),
        area,
    );
}
