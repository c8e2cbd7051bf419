//! The status bar (source, counts, open findings, grouping, messages) and the key hints.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::widgets::fit;
use crate::tui::action::{Command, Keymap};
use crate::tui::state::{App, Focus, Overlay, Tone};
use crate::tui::tab::Tab;
use crate::tui::theme::Theme;

pub fn render(
    frame: &mut Frame<'_>,
    status: Rect,
    hints: Rect,
    app: &App,
    theme: &Theme,
    keymap: &Keymap,
) {
    let width = usize::from(status.width);
    let line = match (&app.status, &app.loading, &app.model) {
        (Some((msg, Tone::Error)), _, _) => {
            Line::styled(fit(&format!(" {msg}"), width), theme.error)
        }
        (Some((msg, Tone::Info)), _, _) => {
            Line::styled(fit(&format!(" {msg}"), width), theme.status)
        }
        (None, Some(step), _) => Line::styled(
            fit(
                &format!(" pglens │ {} │ {}", app.source_label, step.describe()),
                width,
            ),
            theme.status,
        ),
        (None, None, Some(m)) => {
            let (c, w, i) = m.open_counts();
            let c_ = m.catalog.counts();
            let findings = if m.audited {
                format!("✖ {c}  ▲ {w}  ● {i} open")
            } else {
                "auditing…".to_string()
            };
            let text = format!(
                " pglens │ {} │ {} tables, {} views │ {findings} │ grouped by {}",
                app.source_label,
                c_.tables,
                c_.views + c_.materialized_views,
                app.grouping.label()
            );
            Line::styled(fit(&text, width), theme.status)
        }
        (None, None, None) => Line::styled(
            fit(&format!(" pglens │ {}", app.source_label), width),
            theme.status,
        ),
    };
    frame.render_widget(Paragraph::new(line).style(theme.status), status);
    let k = |c: Command| keymap.key_for(c);
    let text = match &app.overlay {
        Overlay::Search(_) => "type to filter · ↑↓ choose · Enter jump · Esc close".to_string(),
        Overlay::Suppress(_) => "type a reason · Enter save · Esc cancel".to_string(),
        Overlay::ReadAs(_) => {
            "type to filter, or an id · ↑↓ choose · Enter read · Esc cancel".to_string()
        }
        Overlay::Password(_) => "type the password (not shown) · Enter connect · Esc cancel".to_string(),
        Overlay::Help(_) => "↑↓ scroll · Esc close".to_string(),
        Overlay::Drift(_) => "↑↓ move · Enter open the table · Esc close".to_string(),
        Overlay::Peek(_) => format!(
            "↑↓ rows · ←→ columns · {} row in full · {} read again · Esc close",
            k(Command::ShowFull),
            k(Command::Reload)
        ),
        Overlay::Tables(_) => format!(
            "↑↓ move · Enter open · {} sort · {} reverse · {} mark · {} export plan · Esc close",
            k(Command::Sort),
            k(Command::ReverseSort),
            k(Command::Mark),
            k(Command::ExportPlan)
        ),
        Overlay::Mark(p) => match p.stage {
            crate::tui::state::MarkStage::Choose => "k keep · d drop · m merge · i investigate · x remove · Esc cancel".to_string(),
            crate::tui::state::MarkStage::Target => "type the table to merge into · Tab completes · Enter next · Esc cancel".to_string(),
            _ => "type · Enter next · Esc cancel".to_string(),
        },
        Overlay::Findings(_) => format!(
            "↑↓ move · Enter go to object · {} in full · {} copy fix · {}/{} suppress one/rule · {}/{}/{} filter · {} group alike · Esc close",
            k(Command::ShowFull),
            k(Command::CopyFix),
            k(Command::Suppress),
            k(Command::SuppressRule),
            k(Command::CycleSeverityFilter),
            k(Command::CycleCategoryFilter),
            k(Command::CycleRuleFilter),
            k(Command::GroupAlike)
        ),
        // `y` is offered only when there is a fix to copy.
        Overlay::Full(full) if full.fixes.is_empty() => format!(
            "↑↓ PgUp PgDn {} {} scroll · Esc close",
            k(Command::Home),
            k(Command::End),
        ),
        Overlay::Full(_) => format!(
            "↑↓ PgUp PgDn {} {} scroll · {} copy fix · Esc close",
            k(Command::Home),
            k(Command::End),
            k(Command::CopyFix)
        ),
        Overlay::None if app.focus == Focus::Detail && app.tab == Tab::Definition => format!(
            "↑↓ PgUp PgDn {} {} scroll · Tab/0-9 tabs · {} in full · {} back · {} find · {} help",
            k(Command::Home),
            k(Command::End),
            k(Command::ShowFull),
            k(Command::Back),
            k(Command::Search),
            k(Command::Help)
        ),
        Overlay::None if app.focus == Focus::Detail => format!(
            "↑↓ rows · Tab/0-9 tabs · Enter jump or in full · {} in full · {} back · {} copy fix · {} suppress · {} mark · {} find · {} help",
            k(Command::ShowFull),
            k(Command::Back),
            k(Command::CopyFix),
            k(Command::Suppress),
            k(Command::Mark),
            k(Command::Search),
            k(Command::Help)
        ),
        Overlay::None => format!(
            "↑↓ move · Enter open · {} find · {} findings · {} tables · {} mark · {} copy fix · {} group · {} help · {} quit",
            k(Command::Search),
            k(Command::Findings),
            k(Command::Tables),
            k(Command::Mark),
            k(Command::CopyFix),
            k(Command::CycleGrouping),
            k(Command::Help),
            k(Command::Quit)
        ),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&format!(" {text}"), usize::from(hints.width)),
            theme.muted,
        )),
        hints,
    );
}
