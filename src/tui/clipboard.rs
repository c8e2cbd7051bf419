//! Copying text where the user is: over SSH, inside tmux, on a desktop.
//!
//! Every copy is saved to a file in the state directory (the route that always works), sent
//! as an OSC 52 escape (terminals that allow it put it on the clipboard, also over SSH), or
//! inside tmux loaded into one tmux buffer instead (tmux drops applications' OSC 52 by
//! default, or with `set-clipboard on` makes a second buffer of it; `load-buffer -w` also
//! forwards the text to the outer terminal), and handed to the desktop clipboard through
//! arboard only in a local graphical session, through one long-lived instance. The report
//! says which routes were taken, never a bare "copied" it cannot confirm.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What the environment offers, detected once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub term: Option<String>,
    pub in_tmux: bool,
    pub over_ssh: bool,
    pub display: Option<String>,
}

impl Environment {
    pub fn detect() -> Self {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        Environment {
            term: var("TERM"),
            in_tmux: var("TMUX").is_some(),
            over_ssh: var("SSH_CONNECTION").is_some() || var("SSH_TTY").is_some(),
            display: var("WAYLAND_DISPLAY").or_else(|| var("DISPLAY")),
        }
    }

    /// A desktop clipboard is ours to use only on a local graphical session.
    pub fn local_desktop(&self) -> bool {
        self.display.is_some() && !self.over_ssh
    }
}

/// The clipboard routes, with the desktop clipboard kept open for the session.
pub struct Clipboard {
    env: Environment,
    desktop: Option<arboard::Clipboard>,
    file: PathBuf,
}

impl Clipboard {
    pub fn new(env: Environment, state_dir: PathBuf) -> Self {
        let desktop = if env.local_desktop() {
            arboard::Clipboard::new().ok()
        } else {
            None
        };
        Clipboard {
            env,
            desktop,
            file: state_dir.join("last-copy.sql"),
        }
    }

    pub fn environment(&self) -> &Environment {
        &self.env
    }

    /// Copies `text` every way available; `osc52` receives the escape sequence (the
    /// terminal). Returns a truthful one-line report.
    pub fn copy(&mut self, text: &str, osc52: &mut dyn Write) -> String {
        let mut routes = Vec::new();
        let forward = text.len() <= OSC52_LIMIT;
        let in_tmux_buffer = self.env.in_tmux
            && match tmux_load_buffer(text, forward) {
                Ok(()) if forward => {
                    routes.push("tmux buffer loaded".to_string());
                    true
                }
                Ok(()) => {
                    routes.push(format!(
                        "tmux buffer loaded, not forwarded to the terminal's clipboard \
                         (too large for OSC 52 at {} KB: terminals take about {} KB; use the file)",
                        text.len() / 1024,
                        OSC52_LIMIT / 1024
                    ));
                    true
                }
                Err(e) => {
                    routes.push(format!("tmux buffer failed ({e})"));
                    false
                }
            };
        if in_tmux_buffer {
            // tmux has it, and forwards it to the outer terminal itself.
        } else if text.len() > OSC52_LIMIT {
            routes.push(format!(
                "too large for OSC 52 ({} KB; terminals take about {} KB): use the file",
                text.len() / 1024,
                OSC52_LIMIT / 1024
            ));
        } else if osc52
            .write_all(osc52_sequence(text).as_bytes())
            .and_then(|_| osc52.flush())
            .is_ok()
        {
            routes.push("OSC 52 sent".to_string());
        }
        if let Some(desktop) = self.desktop.as_mut() {
            routes.push(match desktop.set_text(text.to_string()) {
                Ok(()) => "desktop clipboard set".to_string(),
                Err(e) => format!("desktop clipboard failed ({e})"),
            });
        }
        routes.push(match save(&self.file, text) {
            Ok(()) => format!("saved to {}", tilde(&self.file)),
            Err(e) => format!("not saved ({e})"),
        });
        routes.join(", ")
    }

    /// The routes `copy` would take, for `pglens doctor`.
    pub fn routes(&self) -> Vec<String> {
        let mut r = Vec::new();
        if self.env.in_tmux {
            r.push(
                "tmux load-buffer -w: one tmux buffer, forwarded to the terminal (up to 74 KB)"
                    .into(),
            );
            r.push("OSC 52 escape only if tmux refuses the buffer".into());
        } else {
            r.push(
                "OSC 52 escape to the terminal (where it allows clipboard writes; up to 74 KB)"
                    .into(),
            );
        }
        match (&self.desktop, self.env.local_desktop()) {
            (Some(_), _) => r.push("desktop clipboard via arboard".into()),
            (None, true) => {
                r.push("desktop clipboard unavailable (arboard could not connect)".into())
            }
            (None, false) => r.push("no desktop clipboard (not a local graphical session)".into()),
        }
        r.push(format!("file {}", self.file.display()));
        r
    }
}

/// A path with the home directory shown as `~`, to keep the status line short.
fn tilde(path: &std::path::Path) -> String {
    match std::env::var_os("HOME").map(PathBuf::from) {
        Some(home) if !home.as_os_str().is_empty() => match path.strip_prefix(&home) {
            Ok(rest) => format!("~/{}", rest.display()),
            Err(_) => path.display().to_string(),
        },
        _ => path.display().to_string(),
    }
}

/// Text longer than this is not sent as OSC 52: terminals cap the sequence (xterm and
/// others at about 100 KB of base64) and drop or cut what is longer, silently.
const OSC52_LIMIT: usize = 74 * 1024;

/// `ESC ] 52 ; c ; <base64> BEL`.
pub fn osc52_sequence(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// `tmux load-buffer`, forwarding to the outer terminal's clipboard (`-w`, as OSC 52) only
/// when `forward`: text too large for OSC 52 would be cut there, silently.
fn tmux_load_buffer(text: &str, forward: bool) -> Result<(), String> {
    let mut child = Command::new("tmux")
        .args(tmux_load_args(forward))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn tmux_load_args(forward: bool) -> &'static [&'static str] {
    if forward {
        &["load-buffer", "-w", "-"]
    } else {
        &["load-buffer", "-"]
    }
}

fn save(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::tui::config::prepare_state_dir(dir)?;
    }
    crate::files::write(path, text.as_bytes())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(osc52_sequence("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn copy_reports_each_route_and_saves_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment {
            term: None,
            in_tmux: false,
            over_ssh: true,
            display: Some(":0".into()),
        };
        let mut clip = Clipboard::new(env, dir.path().to_path_buf());
        let mut terminal = Vec::new();
        let report = clip.copy("SELECT 1;", &mut terminal);
        assert!(
            report.contains("OSC 52 sent") && report.contains("saved to"),
            "{report}"
        );
        assert!(
            !report.contains("desktop"),
            "no desktop clipboard over SSH: {report}"
        );
        assert_eq!(
            String::from_utf8(terminal).unwrap(),
            osc52_sequence("SELECT 1;")
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("last-copy.sql")).unwrap(),
            "SELECT 1;"
        );
    }

    /// Inside tmux a large copy stays in tmux's buffer: forwarding it would send an OSC 52
    /// the terminal cuts.
    #[test]
    fn tmux_forwards_only_what_osc_52_can_carry() {
        assert_eq!(tmux_load_args(true), ["load-buffer", "-w", "-"]);
        assert_eq!(tmux_load_args(false), ["load-buffer", "-"]);
    }

    #[test]
    fn a_copy_too_large_for_osc_52_goes_to_the_file_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment {
            term: None,
            in_tmux: false,
            over_ssh: true,
            display: None,
        };
        let mut clip = Clipboard::new(env, dir.path().to_path_buf());
        let mut terminal = Vec::new();
        let big = "SELECT 1;\n".repeat(20_000);
        let report = clip.copy(&big, &mut terminal);
        assert!(terminal.is_empty(), "nothing sent to the terminal");
        assert!(report.contains("too large for OSC 52"), "{report}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("last-copy.sql")).unwrap(),
            big
        );
    }
}
