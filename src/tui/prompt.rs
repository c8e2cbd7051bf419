//! Asking for a password on the terminal, as psql does: the prompt on standard error, the
//! typing not echoed. Used before the explorer takes the screen, or by a headless command.

use std::io::Write;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Reads a password with echo off. Esc or Ctrl-C cancels (an error); Enter ends it.
pub fn password(prompt: &str) -> std::io::Result<String> {
    let mut err = std::io::stderr();
    write!(err, "{}", crate::text::visible(prompt))?;
    err.flush()?;
    // A signal while typing cancels the prompt, so raw mode is always undone.
    let signalled = Arc::new(AtomicBool::new(false));
    let mut handlers = Vec::new();
    for signal in [SIGTERM, SIGHUP, SIGINT] {
        handlers.push(signal_hook::flag::register(signal, Arc::clone(&signalled))?);
    }
    terminal::enable_raw_mode()?;
    let typed = read_hidden(&signalled);
    // Leave raw mode whatever happened, so the shell gets its terminal back.
    let restored = terminal::disable_raw_mode();
    // Unregistering leaves signal-hook's handler in place; give the signals their default
    // action back, so a later SIGTERM still ends a headless run.
    for id in handlers {
        signal_hook::low_level::unregister(id);
    }
    let default = Arc::new(AtomicBool::new(true));
    for signal in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register_conditional_default(signal, Arc::clone(&default))?;
    }
    writeln!(err)?;
    restored?;
    typed
}

fn read_hidden(signalled: &AtomicBool) -> std::io::Result<String> {
    let mut typed = String::new();
    loop {
        if signalled.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        if !event::poll(std::time::Duration::from_millis(100))? {
            continue;
        }
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => return Ok(typed),
                KeyCode::Esc => return Err(cancelled()),
                KeyCode::Char('c') | KeyCode::Char('d')
                    if k.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    return Err(cancelled())
                }
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) => typed.push(c),
                _ => {}
            },
            Event::Paste(text) => typed.push_str(&text),
            _ => {}
        }
    }
}

fn cancelled() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::Interrupted, "no password given")
}
