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
    ShowFull,
    Findings,
    CopyFix,
    CopyAll,
    Suppress,
    /// Suppress every finding of the selected finding's rule.
    SuppressRule,
    CycleGrouping,
    /// Show or hide the platform's schemas everywhere.
    TogglePlatform,
    CycleSeverityFilter,
    CycleCategoryFilter,
    CycleRuleFilter,
    GroupAlike,
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
    /// The first rows of the selected table (live databases only).
    Peek,
    /// RLS as a user: asks whom to read as (live databases only).
    ReadAs,
    /// The users the `U` prompt offers, or why they could not be read.
    UsersArrived(Result<Vec<crate::tui::state::UserChoice>, String>),
    /// What reading as `who` found, or why it could not.
    RlsArrived {
        who: String,
        result: Box<Result<crate::rls::RlsReport, String>>,
    },
    /// A peek's rows, or why there are none, for `table`.
    PeekArrived {
        table: crate::model::QualifiedName,
        result: Box<Result<crate::source::live::peek::Peek, String>>,
    },
    Help,
    Reload,
    Quit,
    /// A character typed into the finder or a prompt.
    Input(char),
    /// Typing: delete the character under the cursor (Delete).
    DeleteForward,
    /// Typing: delete the word before the cursor (Ctrl-W).
    DeleteWord,
    /// Typing: delete everything before the cursor (Ctrl-U).
    ClearLine,
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
    /// The audit's findings for the loaded model (suppressions applied).
    FindingsArrived(Vec<crate::audit::Finding>),
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
    /// The export would write over one made for this other source: ask first.
    ExportWouldOverwrite(String),
}

impl PartialEq for Action {
    /// Only the data-free actions compare; enough for key handling and tests.
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && !matches!(
                self,
                Action::Loaded(_)
                    | Action::FindingsArrived(_)
                    | Action::Input(_)
                    | Action::Tab(_)
                    | Action::Select(_)
                    | Action::SelectRow(_)
            )
    }
}

/// Declares [`Command`] from one table: each bindable action's variant (the same name as
/// its [`Action`]), the name the config file's `[keys]` uses, its default keys and its help
/// text. Nothing else spells an action's name.
macro_rules! commands {
    ($($variant:ident = $name:literal, [$($key:literal),*], $help:literal;)*) => {
        /// The actions a key can be bound to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Command {
            $($variant),*
        }

        impl Command {
            /// Every command, in the help screen's order.
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            /// The name the config file's `[keys]` table uses.
            pub fn name(self) -> &'static str {
                match self {
                    $(Command::$variant => $name),*
                }
            }

            /// What the help screen says it does.
            pub fn help(self) -> &'static str {
                match self {
                    $(Command::$variant => $help),*
                }
            }

            fn default_keys(self) -> &'static [&'static str] {
                match self {
                    $(Command::$variant => &[$($key),*]),*
                }
            }

            /// The action it performs.
            pub fn action(self) -> Action {
                match self {
                    $(Command::$variant => Action::$variant),*
                }
            }
        }
    };
}

commands! {
    Up = "up", ["Up", "k"], "move up";
    Down = "down", ["Down", "j"], "move down";
    Left = "left", ["Left", "h"], "back to the tree / close group";
    Right = "right", ["Right", "l"], "open group / go to details";
    PageUp = "page_up", ["PageUp"], "page up";
    PageDown = "page_down", ["PageDown"], "page down";
    Home = "home", ["Home", "g"], "first row";
    End = "end", ["End", "G"], "last row";
    Enter = "enter", ["Enter"], "open / jump to the related object / show the row in full";
    ShowFull = "show_full", ["Space"], "show the selected row, finding or definition in full";
    Back = "back", ["Backspace"], "go back to the previous object";
    Escape = "escape", ["Esc"], "close the overlay";
    NextTab = "next_tab", ["Tab"], "next detail tab";
    PrevTab = "prev_tab", ["BackTab"], "previous detail tab";
    Search = "search", ["/"], "fuzzy-find tables, columns, indexes, policies, functions";
    Findings = "findings", ["F"], "schema-wide findings list";
    CopyFix = "copy_fix", ["y"], "copy the selected finding's fix SQL";
    CopyAll = "copy_all", ["Y"], "copy all fix SQL of the table or category";
    Suppress = "suppress", ["s"], "suppress the selected finding (asks for a reason)";
    SuppressRule = "suppress_rule", ["S"], "suppress the whole rule of the selected finding";
    CycleGrouping = "cycle_grouping", ["c"], "group by categories / schema / severity";
    TogglePlatform = "toggle_platform", ["P"], "show / hide the platform's schemas (auth, storage, ...)";
    CycleSeverityFilter = "filter_severity", ["v"], "findings list: cycle minimum severity";
    CycleCategoryFilter = "filter_category", ["t"], "findings list: cycle category";
    CycleRuleFilter = "filter_rule", ["R"], "findings list: cycle rule";
    GroupAlike = "group_alike", ["a"], "findings list: group alike findings / one by one";
    Tables = "tables", ["T"], "table list with rows, size, reads, writes, dependents";
    Peek = "peek", ["p"], "the table's first 50 rows, read only (live databases)";
    ReadAs = "read_as", ["U"], "RLS as a user: what a user or anon reads, and leaks (live databases)";
    Mark = "mark", ["m"], "cleanup plan: mark the table keep / drop / merge / investigate";
    ExportPlan = "export_plan", ["E"], "write the cleanup plan as Markdown and SQL";
    Drift = "drift", ["D"], "differences from the --drift source";
    Sort = "sort", ["o"], "table list: sort by the next column";
    ReverseSort = "reverse_sort", ["O"], "table list: reverse the order";
    Help = "help", ["?"], "this help";
    Reload = "reload", ["r"], "reconnect and reload";
    Quit = "quit", ["q", "Ctrl-c"], "quit";
}

impl Command {
    /// The command the config file calls `name`.
    pub fn named(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
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

/// Key -> command, built from the defaults and the config's overrides.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: HashMap<KeySpec, Command>,
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
            if Command::named(name).is_none() {
                return Err(format!("unknown action \"{name}\" in [keys]"));
            }
        }
        let mut bindings = HashMap::new();
        for &command in Command::ALL {
            let name = command.name();
            let keys: Vec<String> = match overrides.get(name) {
                Some(keys) => keys.clone(),
                None => command
                    .default_keys()
                    .iter()
                    .map(|k| k.to_string())
                    .collect(),
            };
            for k in keys {
                let spec = KeySpec::parse(&k)
                    .map_err(|e| format!("{e} for action \"{name}\" in [keys]"))?;
                bindings.insert(spec, command);
            }
        }
        Ok(Keymap { bindings })
    }

    /// The action for a key press. `typing` is set while the finder or a prompt takes text:
    /// printable keys are then text, and only control keys act.
    pub fn action_for(&self, key: &KeyEvent, typing: bool) -> Option<Action> {
        if typing {
            // Line editing as a shell prompt does it; these keys are not remappable.
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            return match key.code {
                KeyCode::Char('c') if ctrl => Some(Action::Quit),
                KeyCode::Char('u') if ctrl => Some(Action::ClearLine),
                KeyCode::Char('w') if ctrl => Some(Action::DeleteWord),
                KeyCode::Char('a') if ctrl => Some(Action::Home),
                KeyCode::Char('e') if ctrl => Some(Action::End),
                KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
                KeyCode::Enter => Some(Action::Enter),
                KeyCode::Esc => Some(Action::Escape),
                KeyCode::Backspace => Some(Action::Back),
                KeyCode::Delete => Some(Action::DeleteForward),
                KeyCode::Left => Some(Action::Left),
                KeyCode::Right => Some(Action::Right),
                KeyCode::Home => Some(Action::Home),
                KeyCode::End => Some(Action::End),
                KeyCode::Up => Some(Action::Up),
                KeyCode::Down => Some(Action::Down),
                KeyCode::PageUp => Some(Action::PageUp),
                KeyCode::PageDown => Some(Action::PageDown),
                _ => None,
            };
        }
        if let KeyCode::Char(c @ '0'..='9') = key.code {
            if key.modifiers.is_empty() || key.modifiers == KeyModifiers::SHIFT {
                // `1` is the first tab and `0` the tenth, as on a keyboard's number row.
                return Some(Action::Tab((c as u8 - b'0' + 9) % 10));
            }
        }
        self.bindings
            .get(&KeySpec::from_event(key))
            .map(|command| command.action())
    }

    /// `(keys, description)` for every bindable action, for the help screen.
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        let mut lines: Vec<(String, &'static str)> = Command::ALL
            .iter()
            .map(|&command| (self.keys_for(command).join(" "), command.help()))
            .collect();
        lines.push(("1-9 0".into(), "detail tab by number"));
        lines.push(("mouse".into(), "click to select, wheel to scroll"));
        lines
    }

    /// The first key bound to a command, for hints.
    pub fn key_for(&self, command: Command) -> String {
        self.keys_for(command)
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// The keys bound to a command: single characters first, then named keys ("k Up"),
    /// stable across runs.
    fn keys_for(&self, command: Command) -> Vec<String> {
        let mut keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|(_, c)| **c == command)
            .map(|(k, _)| k.display())
            .collect();
        keys.sort_by_key(|k| (k.chars().count() > 1, k.clone()));
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn every_command_is_named_once_and_keys_do_not_clash() {
        let mut keys = std::collections::HashMap::new();
        for &command in Command::ALL {
            assert_eq!(Command::named(command.name()), Some(command));
            assert!(!command.help().is_empty());
            for key in command.default_keys() {
                let spec = KeySpec::parse(key).unwrap();
                if let Some(other) = keys.insert(spec, command) {
                    panic!("{key} is bound to both {other:?} and {command:?}");
                }
            }
        }
        assert_eq!(Keymap::default().bindings.len(), keys.len());
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
