//! Asking for a password on the terminal, as psql does: the prompt on standard error, the
//! typing not echoed. Used before the explorer takes the screen, or by a headless command.

use std::io::Write;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;

/// Reads a password with echo off. Esc or Ctrl-C cancels (an error); Enter ends it.
pub fn password(prompt: &str) -> std::io::Result<String> {
    let mut err = std::io::stderr();
    write!(err, "{}", crate::text::visible(prompt))?;
    err.flush()?;
    terminal::enable_raw_mode()?;
    let typed = read_hidden();
    // Leave raw mode whatever happened, so the shell gets its terminal back.
    let restored = terminal::disable_raw_mode();
    writeln!(err)?;
    restored?;
    typed
}

fn read_hidden() -> std::io::Result<String> {
    let mut typed = String::new();
    loop {
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
