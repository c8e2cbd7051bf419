//! The explorer: a full-screen terminal interface over the model and its findings.
//!
//! - `tab.rs`: the detail pane's tabs; `model.rs`: the loaded model, indexed once, and the
//!   rows each tab shows;
//! - `state.rs`: the [`state::App`], focus, overlays and their state, and the effects;
//! - `update/`: the pure `update(action) -> effects`, one file per overlay;
//! - `action.rs`: the one `Action` enum and the keymap (key -> action, remappable);
//! - `view/`: rendering, a pure function of the state; `view/tabs/` one file per tab,
//!   `view/widgets.rs` what they share;
//! - `doc/`: text shown in full and scrolled (a definition, a row, a finding), wrapped the
//!   same way for the update that scrolls it and the view that draws it;
//! - `search.rs`: the fuzzy finder's index; `theme.rs`: styles; `config.rs`: the config file
//!   and the state directory;
//! - `clipboard.rs`: OSC 52, tmux, desktop clipboard and a file;
//! - `prompt.rs`: the no-echo password prompt used before the terminal is taken over;
//! - `loader.rs`: the worker thread that reads the source, then audits it once the tree
//!   is on screen, and the one that reads a row peek;
//! - this file: the runtime, the only part with I/O besides the loader. It owns the
//!   terminal (the screen is usable while the source loads), turns terminal events into
//!   actions, draws only when something changed, and performs the effects `update` returns.

pub mod action;
pub mod clipboard;
pub mod config;
pub mod doc;
pub mod line;
mod loader;
pub mod model;
pub mod prompt;
pub mod search;
pub mod state;
pub mod tab;
pub mod theme;
mod update;
pub mod view;

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, MouseButton, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Position;
use ratatui::Terminal;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use self::action::{Action, Keymap};
use self::clipboard::{Clipboard, Environment};
use self::state::{App, Effect, Overlay};
use self::tab::Tab;
use self::theme::Theme;
use self::view::ViewState;
use crate::audit::{self, ignore::IgnoreList};
use crate::categorize::CategoryConfig;
use crate::source::{self, SourceSpec};

/// Everything the explorer needs to start.
pub struct Options {
    pub spec: SourceSpec,
    pub label: String,
    pub theme: Theme,
    pub keymap: Keymap,
    pub categories: CategoryConfig,
    pub ignores: IgnoreList,
    /// Where `s` appends suppressions.
    pub ignore_path: PathBuf,
    /// The cleanup plan file `m` saves to and `E` exports beside.
    pub plan_path: PathBuf,
    /// The plan as read at start.
    pub plan: crate::cleanup::Plan,
    /// A source to compare with (`--drift`): the drift view shows the differences.
    pub drift: Option<SourceSpec>,
    /// Which schemas to show at start (`--schema`, the config's `[schemas]`).
    pub schemas: crate::categorize::SchemaFilter,
    /// The application's code to search for references (`--code`, the config's `code`).
    pub code: Vec<PathBuf>,
    /// Whose rows are whose where the schema does not say (the config's `[rls]`), for `U`.
    pub rls_scopes: crate::rls::ScopeOverrides,
}

/// The explorer ended because of this signal (its number); the process should exit with
/// 128 + it, as shells expect, once the terminal is restored.
#[derive(Debug, thiserror::Error)]
#[error("stopped by signal {0}")]
pub struct Stopped(pub i32);

/// Restores the terminal when dropped, so an error return leaves a usable shell.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, DisableMouseCapture);
}

/// Runs the explorer until the user quits.
pub fn run(mut options: Options) -> anyhow::Result<()> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Put the terminal back before the panic message is printed, or it is unreadable.
        restore_terminal();
        previous_hook(info);
    }));
    // SIGTERM, SIGHUP (the SSH session went away) and SIGINT from another process end the
    // loop like `q` does, so the guard below puts the terminal back; left to their default
    // action they would leave raw mode, the alternate screen and mouse reporting on.
    // A second signal while the first is being handled exits at once.
    let stop = Arc::new(AtomicUsize::new(0));
    let stopping = Arc::new(AtomicBool::new(false));
    for signal in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register_conditional_shutdown(
            signal,
            128 + signal,
            Arc::clone(&stopping),
        )?;
        signal_hook::flag::register(signal, Arc::clone(&stopping))?;
        signal_hook::flag::register_usize(signal, Arc::clone(&stop), signal as usize)?;
    }
    enable_raw_mode()?;
    let _guard = TerminalGuard;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;

    let (tx, rx) = mpsc::channel();
    loader::spawn(&options, tx.clone());
    let mut app = App::new(options.label.clone());
    // Loading from the first frame, so the loop waits for the loader's messages briefly
    // (10 ms, not 100) and the screen says what is happening.
    app.update(Action::Progress(source::live::Progress::STARTING));
    app.plan = options.plan.clone();
    app.schemas = options.schemas.clone();
    let mut view = ViewState::default();
    let mut clipboard = Clipboard::new(Environment::detect(), config::state_dir());
    let size = terminal.size()?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });
    event_loop(
        &mut terminal,
        &mut app,
        &mut view,
        &mut clipboard,
        &mut options,
        (&tx, &rx),
        &stop,
    )
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    app: &mut App,
    view: &mut ViewState,
    clipboard: &mut Clipboard,
    options: &mut Options,
    (tx, rx): (&Sender<Action>, &Receiver<Action>),
    stop: &AtomicUsize,
) -> anyhow::Result<()> {
    let mut dirty = true;
    // A loaded model was applied and the frame showing it is not drawn yet.
    let mut tree_pending = false;
    loop {
        let signal = stop.load(Ordering::Relaxed);
        if signal != 0 {
            return Err(Stopped(i32::try_from(signal).unwrap_or(SIGTERM)).into());
        }
        if dirty {
            terminal.draw(|f| view::render(f, app, view, &options.theme, &options.keymap))?;
            dirty = false;
            if std::mem::take(&mut tree_pending) {
                loader::TREE_FRAMES.drawn();
            }
        }
        // Wait briefly for input, then handle everything pending before drawing once. Each
        // event is translated against the state the previous one left (a `/` opens the
        // finder, so the letters after it are text). The loader's messages are read between
        // waits: short ones while it works, so its result shows at once, and rarer
        // wake-ups once it is done.
        let wait = if app.awaiting_loader() { 10 } else { 100 };
        if !event::poll(Duration::from_millis(wait))? && terminal_hung_up() {
            // The terminal is gone (no SIGHUP came, or it was ignored): nothing to draw on.
            return Ok(());
        }
        if event::poll(Duration::ZERO)? {
            loop {
                let size = terminal.size()?.into();
                if let Some(action) = translate(event::read()?, app, view, &options.keymap, size) {
                    dirty = true;
                    if apply(app, action, clipboard, options, tx) == Flow::Quit {
                        return Ok(());
                    }
                }
                if !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        for action in rx.try_iter() {
            dirty = true;
            tree_pending |= matches!(action, Action::Loaded(_));
            if apply(app, action, clipboard, options, tx) == Flow::Quit {
                return Ok(());
            }
        }
    }
}

/// Whether standard input is a terminal that has hung up (its other end closed).
fn terminal_hung_up() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout; poll only writes `revents`.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// Updates the app and performs the effects it asks for.
fn apply(
    app: &mut App,
    action: Action,
    clipboard: &mut Clipboard,
    options: &mut Options,
    tx: &Sender<Action>,
) -> Flow {
    for effect in app.update(action) {
        match effect {
            Effect::Quit => return Flow::Quit,
            Effect::Copy { text, what } => {
                let report = clipboard.copy(&text, &mut io::stdout());
                app.update(Action::Notice(format!("copied {what}: {report}")));
            }
            Effect::Suppress { target, reason } => {
                let result = audit::ignore::append_entry(&options.ignore_path, &target, &reason);
                app.update(match result {
                    Ok(()) => Action::Notice(format!(
                        "suppressed {target} in {}",
                        options.ignore_path.display()
                    )),
                    // The message names the file; the finding stays unsuppressed.
                    Err(e) => Action::Failure(format!("not suppressed: {e}")),
                });
            }
            Effect::SaveMark { table, mark } => {
                let saved = crate::cleanup::save_mark(
                    &options.plan_path,
                    app.model
                        .as_ref()
                        .map_or(&options.label, |m| &m.catalog.meta.source_label),
                    &table,
                    mark.as_ref(),
                );
                app.update(match saved {
                    // The file as it now is, with what other editors added meanwhile.
                    Ok(plan) => Action::PlanSaved { table, plan },
                    // The decision stays in memory until quit; the file is left as it was.
                    Err(e) => Action::PlanNotSaved {
                        table,
                        mark,
                        message: e.to_string(),
                    },
                });
            }
            Effect::ExportPlan { overwrite } => {
                // Another source's export is written over only when asked twice.
                let label = app
                    .model
                    .as_ref()
                    .map(|m| crate::text::visible(&m.catalog.meta.source_label).into_owned());
                let other = crate::cleanup::exported_for(&options.plan_path, None)
                    .filter(|existing| Some(existing) != label.as_ref());
                if let (Some(other), false) = (other, overwrite) {
                    app.update(Action::ExportWouldOverwrite(other));
                    continue;
                }
                let result = match &app.model {
                    Some(m) => crate::cleanup::export_files(
                        &m.catalog,
                        &app.plan,
                        &options.plan_path,
                        None,
                    )
                    .map_err(|e| e.to_string()),
                    None => Err("nothing loaded yet".into()),
                };
                app.update(match result {
                    Ok((md, sql)) => Action::Notice(format!(
                        "plan written to {} and {}",
                        md.display(),
                        sql.display()
                    )),
                    Err(e) => Action::Failure(format!("cannot export the plan: {e}")),
                });
            }
            Effect::Reload => loader::spawn(options, tx.clone()),
            Effect::Peek { table } => loader::spawn_peek(options, table, tx.clone()),
            Effect::ReadAs { who } => loader::spawn_read_as(options, who, tx.clone()),
            Effect::ListUsers => loader::spawn_list_users(options, tx.clone()),
            Effect::Reconnect { password } => {
                // The typed password joins the source, so a later reload keeps it.
                if let SourceSpec::Live(conninfo) = &options.spec {
                    options.spec = SourceSpec::Live(source::live::conninfo::with_password(
                        conninfo,
                        &password.0,
                    ));
                }
                loader::spawn(options, tx.clone());
            }
        }
    }
    Flow::Continue
}

/// Turns a terminal event into an action. Mouse positions are mapped through the last
/// frame's widget state, which only the runtime holds.
fn translate(
    event: Event,
    app: &App,
    view: &ViewState,
    keymap: &Keymap,
    size: ratatui::layout::Rect,
) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind == event::KeyEventKind::Press => {
            let typing = match &app.overlay {
                Overlay::Search(_)
                | Overlay::Suppress(_)
                | Overlay::ReadAs(_)
                | Overlay::Mark(_)
                | Overlay::Password(_) => true,
                Overlay::Tables(view) => view.typing,
                _ => false,
            };
            keymap.action_for(&key, typing)
        }
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(Action::Up),
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::Down(MouseButton::Left) if matches!(app.overlay, Overlay::None) => {
                let areas = view::areas(size);
                let pos = Position::new(m.column, m.row);
                if areas.tree.contains(pos) {
                    let path = view.tree.rendered_at(pos)?;
                    view::node_at(app, path).map(Action::Select)
                } else if areas.detail.contains(pos)
                    && !matches!(app.tab, Tab::Definition | Tab::Usage)
                {
                    // Border, tab line and header row sit above the first data row.
                    let first_row = areas.detail.y
                        + 3
                        + u16::from(app.tab == Tab::Policies || app.tab == Tab::Relationships);
                    let offset = m.row.checked_sub(first_row)?;
                    Some(Action::SelectRow(
                        view.detail.offset() + usize::from(offset),
                    ))
                } else {
                    None
                }
            }
            _ => None,
        },
        _ => None,
    }
}
