//! The detail pane's tabs: their order, titles and which tab shows which kind of object.

use crate::audit::ObjectKind;

/// Detail tabs, in order; `1`-`9` select them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    #[default]
    Columns,
    Indexes,
    Constraints,
    Policies,
    /// Who can do what: privileges by role, and what row-level security leaves of them.
    Grants,
    Triggers,
    Relationships,
    /// Usage evidence, dependents and the plan's decision.
    Usage,
    Findings,
    Definition,
}

impl Tab {
    pub const ALL: [Tab; 10] = [
        Tab::Columns,
        Tab::Indexes,
        Tab::Constraints,
        Tab::Policies,
        Tab::Grants,
        Tab::Triggers,
        Tab::Relationships,
        Tab::Usage,
        Tab::Findings,
        Tab::Definition,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Columns => "Columns",
            Tab::Indexes => "Indexes",
            Tab::Constraints => "Constraints",
            Tab::Policies => "Policies",
            Tab::Grants => "Grants",
            Tab::Triggers => "Triggers",
            Tab::Relationships => "Relationships",
            Tab::Usage => "Usage",
            Tab::Findings => "Findings",
            Tab::Definition => "Definition",
        }
    }

    /// A short title for narrow terminals.
    pub fn short(self) -> &'static str {
        match self {
            Tab::Columns => "Cols",
            Tab::Indexes => "Idx",
            Tab::Constraints => "Cons",
            Tab::Policies => "Pol",
            Tab::Grants => "Grant",
            Tab::Triggers => "Trig",
            Tab::Relationships => "Rel",
            Tab::Usage => "Use",
            Tab::Findings => "Find",
            Tab::Definition => "Def",
        }
    }

    /// The digit key that opens the tab: `1` to `9`, then `0` for the tenth.
    pub fn key(self) -> char {
        char::from_digit(((self.index() + 1) % 10) as u32, 10).unwrap_or('?')
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub(crate) fn offset(self, by: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[((self.index() as isize + by).rem_euclid(n)) as usize]
    }

    /// The tab where a finding about this kind of object shows as a marked row.
    pub fn for_kind(kind: ObjectKind) -> Tab {
        match kind {
            ObjectKind::Column => Tab::Columns,
            ObjectKind::Index => Tab::Indexes,
            ObjectKind::Constraint => Tab::Constraints,
            ObjectKind::Policy => Tab::Policies,
            ObjectKind::Trigger => Tab::Triggers,
            _ => Tab::Findings,
        }
    }
}
