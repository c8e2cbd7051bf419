//! Semantic styles (critical, warning, selection, border, ...) loaded from TOML. The shipped
//! themes are compiled in; a user theme file overrides only the roles it names.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// Shipped themes by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// The roles the views paint with.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub critical: Style,
    pub warning: Style,
    pub info: Style,
    pub clean: Style,
    pub selection: Style,
    pub border: Style,
    pub border_focus: Style,
    pub muted: Style,
    pub title: Style,
    pub header: Style,
    pub accent: Style,
    pub sql_keyword: Style,
    pub status: Style,
    pub error: Style,
}

/// A theme file: every role optional, so a user file can name a few.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    critical: Option<String>,
    warning: Option<String>,
    info: Option<String>,
    clean: Option<String>,
    selection: Option<String>,
    border: Option<String>,
    border_focus: Option<String>,
    muted: Option<String>,
    title: Option<String>,
    header: Option<String>,
    accent: Option<String>,
    sql_keyword: Option<String>,
    status: Option<String>,
    error: Option<String>,
}

impl Default for Theme {
    fn default() -> Self {
        // The default theme is compiled in and tested; a failure here would be a build bug.
        Theme::parse(BUILT_IN[0].1, None, "default").unwrap_or_else(|_| Theme::plain())
    }
}

impl Theme {
    /// No colours at all: what is left if everything else fails.
    pub fn plain() -> Self {
        let s = Style::default();
        Theme {
            critical: s.add_modifier(Modifier::BOLD),
            warning: s,
            info: s,
            clean: s,
            selection: s.add_modifier(Modifier::REVERSED),
            border: s,
            border_focus: s.add_modifier(Modifier::BOLD),
            muted: s,
            title: s.add_modifier(Modifier::BOLD),
            header: s.add_modifier(Modifier::BOLD),
            accent: s,
            sql_keyword: s,
            status: s.add_modifier(Modifier::REVERSED),
            error: s.add_modifier(Modifier::REVERSED),
        }
    }

    /// Loads a shipped theme by name, or a TOML file by path, over the default.
    pub fn load(name_or_path: &str) -> Result<Theme, String> {
        if let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == name_or_path) {
            return Theme::parse(text, Some(BUILT_IN[0].1), name_or_path);
        }
        let text = std::fs::read_to_string(name_or_path).map_err(|e| {
            let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
            format!("theme \"{name_or_path}\" is neither a built-in theme ({}) nor a readable file: {e}", names.join(", "))
        })?;
        Theme::parse(&text, Some(BUILT_IN[0].1), name_or_path)
    }

    /// Parses `text`, filling roles it does not name from `base`.
    pub fn parse(text: &str, base: Option<&str>, name: &str) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| format!("theme {name}: {e}"))?;
        let base: ThemeFile = match base {
            Some(b) => toml::from_str(b).map_err(|e| format!("base theme: {e}"))?,
            None => ThemeFile::default(),
        };
        let role = |mine: Option<String>,
                    theirs: Option<String>,
                    key: &str|
         -> Result<Style, String> {
            match mine.or(theirs) {
                Some(spec) => parse_style(&spec).map_err(|e| format!("theme {name}: {key}: {e}")),
                None => Err(format!("theme {name}: {key} is missing")),
            }
        };
        Ok(Theme {
            critical: role(file.critical, base.critical, "critical")?,
            warning: role(file.warning, base.warning, "warning")?,
            info: role(file.info, base.info, "info")?,
            clean: role(file.clean, base.clean, "clean")?,
            selection: role(file.selection, base.selection, "selection")?,
            border: role(file.border, base.border, "border")?,
            border_focus: role(file.border_focus, base.border_focus, "border_focus")?,
            muted: role(file.muted, base.muted, "muted")?,
            title: role(file.title, base.title, "title")?,
            header: role(file.header, base.header, "header")?,
            accent: role(file.accent, base.accent, "accent")?,
            sql_keyword: role(file.sql_keyword, base.sql_keyword, "sql_keyword")?,
            status: role(file.status, base.status, "status")?,
            error: role(file.error, base.error, "error")?,
        })
    }
}

/// `"black on cyan bold"` -> a Style. Unknown words are errors naming them.
pub fn parse_style(spec: &str) -> Result<Style, String> {
    let mut style = Style::default();
    let mut words = spec.split_whitespace();
    while let Some(word) = words.next() {
        style = match word.to_ascii_lowercase().as_str() {
            "bold" => style.add_modifier(Modifier::BOLD),
            "dim" => style.add_modifier(Modifier::DIM),
            "italic" => style.add_modifier(Modifier::ITALIC),
            "underline" => style.add_modifier(Modifier::UNDERLINED),
            "reversed" => style.add_modifier(Modifier::REVERSED),
            "on" => {
                let bg = words.next().ok_or("\"on\" needs a colour after it")?;
                style.bg(parse_color(bg)?)
            }
            other => style.fg(parse_color(other)?),
        };
    }
    Ok(style)
}

fn parse_color(word: &str) -> Result<Color, String> {
    let named: BTreeMap<&str, Color> = BTreeMap::from([
        ("black", Color::Black),
        ("red", Color::Red),
        ("green", Color::Green),
        ("yellow", Color::Yellow),
        ("blue", Color::Blue),
        ("magenta", Color::Magenta),
        ("cyan", Color::Cyan),
        ("gray", Color::Gray),
        ("grey", Color::Gray),
        ("darkgray", Color::DarkGray),
        ("darkgrey", Color::DarkGray),
        ("lightred", Color::LightRed),
        ("lightgreen", Color::LightGreen),
        ("lightyellow", Color::LightYellow),
        ("lightblue", Color::LightBlue),
        ("lightmagenta", Color::LightMagenta),
        ("lightcyan", Color::LightCyan),
        ("white", Color::White),
        ("reset", Color::Reset),
    ]);
    let lower = word.to_ascii_lowercase();
    if let Some(c) = named.get(lower.as_str()) {
        return Ok(*c);
    }
    if let Some(hex) = lower.strip_prefix('#').filter(|h| h.len() == 6) {
        let v = u32::from_str_radix(hex, 16).map_err(|_| format!("invalid colour \"{word}\""))?;
        return Ok(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    Err(format!("unknown colour or attribute \"{word}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_parses_and_user_themes_override_partially() {
        for (name, text) in BUILT_IN {
            Theme::parse(text, None, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let user = Theme::parse("critical = \"magenta\"\n", Some(BUILT_IN[0].1), "mine").unwrap();
        assert_eq!(user.critical, Style::default().fg(Color::Magenta));
        assert_eq!(user.warning, Theme::default().warning);
    }

    #[test]
    fn bad_themes_name_the_problem() {
        let e = Theme::parse("critcal = \"red\"\n", Some(BUILT_IN[0].1), "mine.toml").unwrap_err();
        assert!(e.contains("mine.toml") && e.contains("critcal"), "{e}");
        let e =
            Theme::parse("critical = \"redd\"\n", Some(BUILT_IN[0].1), "mine.toml").unwrap_err();
        assert!(e.contains("critical") && e.contains("redd"), "{e}");
        assert!(Theme::load("nope-not-a-theme")
            .unwrap_err()
            .contains("high-contrast"));
    }

    #[test]
    fn styles() {
        assert_eq!(
            parse_style("black on #ff0000 bold").unwrap(),
            Style::default()
                .fg(Color::Black)
                .bg(Color::Rgb(255, 0, 0))
                .add_modifier(Modifier::BOLD)
        );
        assert!(parse_style("on").is_err());
    }
}
