//! The one [`Action`] enum, and the keymap that turns key presses into actions before
//! `update` sees them. Bindings have defaults and can be remapped in the config file's
//! `[keys]` table by action name; the help screen is generated from the same map.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::model::Model;
use super::state::Node;

/// Everything that can happen to the explorer.
#[derive(Debug)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Back,
    Escape,
    NextTab,
    PrevTab,
    /// Select tab n (0-based).
    Tab(u8),
    Search,
    Findings,
    CopyFix,
    CopyAll,
    Suppress,
    CycleGrouping,
    CycleSeverityFilter,
    CycleCategoryFilter,
    CycleRuleFilter,
    /// The table list with usage evidence.
    Tables,
    /// Mark the selected table for the cleanup plan.
    Mark,
    /// Write the cleanup plan as Markdown and SQL.
    ExportPlan,
    /// Differences from the `--drift` source.
    Drift,
    /// Table list: next sort column.
    Sort,
    /// Table list: reverse the order.
    ReverseSort,
    Help,
    Reload,
    Quit,
    /// A character typed into the finder or a prompt.
    Input(char),
    /// A tree node clicked.
    Select(Node),
    /// A detail row clicked.
    SelectRow(usize),
    Resize {
        width: u16,
        height: u16,
    },
    /// How far loading the source is.
    Progress(crate::source::live::Progress),
    Loaded(Box<Model>),
    /// `table`'s decision was saved; this is what the plan file now holds.
    PlanSaved {
        table: crate::model::QualifiedName,
        plan: crate::cleanup::Plan,
    },
    /// `table`'s decision could not be saved; it stays in memory.
    PlanNotSaved {
        table: crate::model::QualifiedName,
        mark: Option<crate::cleanup::Mark>,
        message: String,
    },
    LoadFailed(String),
    /// The server asks for a password that was not given: ask for it, as psql does.
    PasswordNeeded,
    Notice(String),
    Failure(String),
}

impl PartialEq for Action {
    /// Only the data-free actions compare; enough for key handling and tests.
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && !matches!(
                self,
                Action::Loaded(_)
                    | Action::Input(_)
                    | Action::Tab(_)
                    | Action::Select(_)
                    | Action::SelectRow(_)
            )
    }
}

/// Actions a key can be bound to, by the name the config file uses, with help text.
pub const BINDABLE: &[(&str, &str)] = &[
    ("up", "move up"),
    ("down", "move down"),
    ("left", "back to the tree / close group"),
    ("right", "open group / go to details"),
    ("page_up", "page up"),
    ("page_down", "page down"),
    ("home", "first row"),
    ("end", "last row"),
    ("enter", "open / jump to the related object"),
    ("back", "go back to the previous object"),
    ("escape", "close the overlay"),
    ("next_tab", "next detail tab"),
    ("prev_tab", "previous detail tab"),
    (
        "search",
        "fuzzy-find tables, columns, indexes, policies, functions",
    ),
    ("findings", "schema-wide findings list"),
    ("copy_fix", "copy the selected finding's fix SQL"),
    ("copy_all", "copy all fix SQL of the table or category"),
    (
        "suppress",
        "suppress the selected finding (asks for a reason)",
    ),
    ("cycle_grouping", "group by categories / schema / severity"),
    ("filter_severity", "findings list: cycle minimum severity"),
    ("filter_category", "findings list: cycle category"),
    ("filter_rule", "findings list: cycle rule"),
    (
        "tables",
        "table list with rows, size, reads, writes, dependents",
    ),
    (
        "mark",
        "cleanup plan: mark the table keep / drop / merge / investigate",
    ),
    ("export_plan", "write the cleanup plan as Markdown and SQL"),
    ("drift", "differences from the --drift source"),
    ("sort", "table list: sort by the next column"),
    ("reverse_sort", "table list: reverse the order"),
    ("help", "this help"),
    ("reload", "reconnect and reload"),
    ("quit", "quit"),
];

fn action_named(name: &str) -> Option<Action> {
    Some(match name {
        "up" => Action::Up,
        "down" => Action::Down,
        "left" => Action::Left,
        "right" => Action::Right,
        "page_up" => Action::PageUp,
        "page_down" => Action::PageDown,
        "home" => Action::Home,
        "end" => Action::End,
        "enter" => Action::Enter,
        "back" => Action::Back,
        "escape" => Action::Escape,
        "next_tab" => Action::NextTab,
        "prev_tab" => Action::PrevTab,
        "search" => Action::Search,
        "findings" => Action::Findings,
        "copy_fix" => Action::CopyFix,
        "copy_all" => Action::CopyAll,
        "suppress" => Action::Suppress,
        "cycle_grouping" => Action::CycleGrouping,
        "filter_severity" => Action::CycleSeverityFilter,
        "filter_category" => Action::CycleCategoryFilter,
        "filter_rule" => Action::CycleRuleFilter,
        "tables" => Action::Tables,
        "mark" => Action::Mark,
        "export_plan" => Action::ExportPlan,
        "drift" => Action::Drift,
        "sort" => Action::Sort,
        "reverse_sort" => Action::ReverseSort,
        "help" => Action::Help,
        "reload" => Action::Reload,
        "quit" => Action::Quit,
        _ => return None,
    })
}

fn default_keys(action: &str) -> &'static [&'static str] {
    match action {
        "up" => &["Up", "k"],
        "down" => &["Down", "j"],
        "left" => &["Left", "h"],
        "right" => &["Right", "l"],
        "page_up" => &["PageUp"],
        "page_down" => &["PageDown"],
        "home" => &["Home", "g"],
        "end" => &["End", "G"],
        "enter" => &["Enter"],
        "back" => &["Backspace"],
        "escape" => &["Esc"],
        "next_tab" => &["Tab"],
        "prev_tab" => &["BackTab"],
        "search" => &["/"],
        "findings" => &["F"],
        "copy_fix" => &["y"],
        "copy_all" => &["Y"],
        "suppress" => &["s"],
        "cycle_grouping" => &["c"],
        "filter_severity" => &["v"],
        "filter_category" => &["t"],
        "filter_rule" => &["R"],
        "tables" => &["T"],
        "mark" => &["m"],
        "export_plan" => &["E"],
        "drift" => &["D"],
        "sort" => &["o"],
        "reverse_sort" => &["O"],
        "help" => &["?"],
        "reload" => &["r"],
        "quit" => &["q", "Ctrl-c"],
        _ => &[],
    }
}

/// A key as the keymap spells it: `q`, `Ctrl-c`, `Enter`, `F5`, ...
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeySpec {
    code: KeyCode,
    ctrl: bool,
}

impl KeySpec {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (ctrl, rest) = match s.strip_prefix("Ctrl-").or_else(|| s.strip_prefix("C-")) {
            Some(r) => (true, r),
            None => (false, s),
        };
        let code = match rest {
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "Enter" => KeyCode::Enter,
            "Backspace" => KeyCode::Backspace,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "BackTab" => KeyCode::BackTab,
            "Space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('F') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().map_err(|_| format!("invalid key \"{s}\""))?)
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => return Err(format!("invalid key \"{s}\"")),
        };
        Ok(KeySpec { code, ctrl })
    }

    fn from_event(e: &KeyEvent) -> Self {
        // Shift-letters arrive as upper-case chars and Shift-Tab as BackTab, so the code
        // alone says which key it was.
        KeySpec {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    pub fn display(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::BackTab => "Shift-Tab".into(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{key}")
        } else {
            key
        }
    }
}

/// Key -> action name, built from the defaults and the config's overrides.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: HashMap<KeySpec, &'static str>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::with_overrides(&BTreeMap::new()).unwrap_or(Keymap {
            bindings: HashMap::new(),
        })
    }
}

impl Keymap {
    /// The default keymap, with each overridden action's keys replaced. Unknown action
    /// names and unparsable keys are errors naming them.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Self, String> {
        for name in overrides.keys() {
            if !BINDABLE.iter().any(|(n, _)| n == name) {
                return Err(format!("unknown action \"{name}\" in [keys]"));
            }
        }
        let mut bindings = HashMap::new();
        for (name, _) in BINDABLE {
            let keys: Vec<String> = match overrides.get(*name) {
                Some(keys) => keys.clone(),
                None => default_keys(name).iter().map(|k| k.to_string()).collect(),
            };
            for k in keys {
                let spec = KeySpec::parse(&k)
                    .map_err(|e| format!("{e} for action \"{name}\" in [keys]"))?;
                bindings.insert(spec, *name);
            }
        }
        Ok(Keymap { bindings })
    }

    /// The action for a key press. `typing` is set while the finder or a prompt takes text:
    /// printable keys are then text, and only control keys act.
    pub fn action_for(&self, key: &KeyEvent, typing: bool) -> Option<Action> {
        if typing {
            match key.code {
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    return Some(Action::Quit)
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    return Some(Action::Input(c))
                }
                KeyCode::Enter => return Some(Action::Enter),
                KeyCode::Esc => return Some(Action::Escape),
                KeyCode::Backspace => return Some(Action::Back),
                KeyCode::Up => return Some(Action::Up),
                KeyCode::Down => return Some(Action::Down),
                _ => return None,
            }
        }
        if let KeyCode::Char(c @ '1'..='9') = key.code {
            if key.modifiers.is_empty() || key.modifiers == KeyModifiers::SHIFT {
                return Some(Action::Tab(c as u8 - b'1'));
            }
        }
        self.bindings
            .get(&KeySpec::from_event(key))
            .and_then(|name| action_named(name))
    }

    /// `(keys, description)` for every bindable action, for the help screen.
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        let mut lines: Vec<(String, &'static str)> = BINDABLE
            .iter()
            .map(|(name, text)| {
                let mut keys: Vec<String> = self
                    .bindings
                    .iter()
                    .filter(|(_, n)| *n == name)
                    .map(|(k, _)| k.display())
                    .collect();
                // Single characters first, then named keys: "k Up", stable across runs.
                keys.sort_by_key(|k| (k.chars().count() > 1, k.clone()));
                (keys.join(" "), *text)
            })
            .collect();
        lines.push(("1-9".into(), "detail tab by number"));
        lines.push(("mouse".into(), "click to select, wheel to scroll"));
        lines
    }

    /// The first key bound to an action, for hints.
    pub fn key_for(&self, action: &str) -> String {
        let mut keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|(_, n)| **n == action)
            .map(|(k, _)| k.display())
            .collect();
        keys.sort_by_key(|k| (k.chars().count() > 1, k.clone()));
        keys.into_iter().next().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn defaults_and_overrides() {
        let map = Keymap::default();
        assert_eq!(
            map.action_for(&key(KeyCode::Char('j')), false),
            Some(Action::Down)
        );
        assert_eq!(
            map.action_for(&key(KeyCode::Char('3')), false)
                .map(|a| matches!(a, Action::Tab(2))),
            Some(true)
        );
        assert!(matches!(
            map.action_for(&key(KeyCode::Char('j')), true),
            Some(Action::Input('j'))
        ));
        let overrides = BTreeMap::from([("quit".to_string(), vec!["x".to_string()])]);
        let map = Keymap::with_overrides(&overrides).unwrap();
        assert_eq!(
            map.action_for(&key(KeyCode::Char('x')), false),
            Some(Action::Quit)
        );
        assert_eq!(map.action_for(&key(KeyCode::Char('q')), false), None);
        let bad = BTreeMap::from([("qiut".to_string(), vec!["x".to_string()])]);
        assert!(Keymap::with_overrides(&bad).unwrap_err().contains("qiut"));
        let bad = BTreeMap::from([("quit".to_string(), vec!["Hyper-x".to_string()])]);
        assert!(Keymap::with_overrides(&bad)
            .unwrap_err()
            .contains("Hyper-x"));
    }
}
