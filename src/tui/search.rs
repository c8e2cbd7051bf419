//! The fuzzy finder's index: every table, view, column, index, policy, function and
//! extension as a searchable label (`schema.table`, `table.column`, `table.index`, ...),
//! ranked with fuzzy-matcher's skim algorithm. Pure.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use super::tab::Tab;
use crate::model::{Catalog, ObjectId};

/// One searchable thing and where Enter takes you.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub label: String,
    pub kind: &'static str,
    pub target: ObjectId,
    /// The tab to open, and the row name to select in it.
    pub tab: Tab,
    pub row: Option<String>,
}

/// A ranked match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub entry: usize,
    pub score: i64,
}

/// All entries of a catalog, built once per load.
#[derive(Debug, Default)]
pub struct SearchIndex {
    pub entries: Vec<Entry>,
    /// Lower-cased labels, so a query's letters can be checked cheaply before scoring.
    lowered: Vec<String>,
}

/// How many hits the finder keeps.
pub const MAX_HITS: usize = 200;

impl SearchIndex {
    pub fn build(catalog: &Catalog) -> Self {
        let mut entries = Vec::new();
        for r in catalog.relations.iter().filter(|r| r.extension.is_none()) {
            let target = ObjectId::Relation(r.qualified_name());
            let mut push = |label: String, kind, tab, row: Option<&str>| {
                entries.push(Entry {
                    label,
                    kind,
                    target: target.clone(),
                    tab,
                    row: row.map(str::to_string),
                })
            };
            push(
                format!("{}.{}", r.schema, r.name),
                r.kind.label(),
                Tab::Columns,
                None,
            );
            for c in &r.columns {
                push(
                    format!("{}.{}", r.name, c.name),
                    "column",
                    Tab::Columns,
                    Some(&c.name),
                );
            }
            for i in &r.indexes {
                push(
                    format!("{}.{}", r.name, i.name),
                    "index",
                    Tab::Indexes,
                    Some(&i.name),
                );
            }
            for p in &r.policies {
                push(
                    format!("{}.{}", r.name, p.name),
                    "policy",
                    Tab::Policies,
                    Some(&p.name),
                );
            }
        }
        for f in catalog.functions.iter().filter(|f| f.extension.is_none()) {
            entries.push(Entry {
                label: format!("{}.{}({})", f.schema, f.name, f.identity_arguments),
                kind: "function",
                target: f.object_id(),
                tab: Tab::Definition,
                row: None,
            });
        }
        for e in &catalog.extensions {
            entries.push(Entry {
                label: e.name.clone(),
                kind: "extension",
                target: ObjectId::Extension {
                    name: e.name.clone(),
                },
                tab: Tab::Definition,
                row: None,
            });
        }
        let lowered = entries.iter().map(|e| e.label.to_lowercase()).collect();
        SearchIndex { entries, lowered }
    }

    /// The best matches for `query`, best first; ties go to the shorter label.
    pub fn search(&self, matcher: &SkimMatcherV2, query: &str) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            return Vec::new();
        }
        let needle: Vec<char> = query
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut hits: Vec<Hit> = self
            .lowered
            .iter()
            .enumerate()
            // Cheap pre-check: every query letter appears in order (what a fuzzy match needs).
            .filter(|(_, l)| contains_in_order(l, &needle))
            .filter_map(|(i, _)| {
                matcher
                    .fuzzy_match(&self.entries[i].label, query)
                    .map(|score| Hit { entry: i, score })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score.cmp(&a.score).then_with(|| {
                self.entries[a.entry]
                    .label
                    .len()
                    .cmp(&self.entries[b.entry].label.len())
            })
        });
        hits.truncate(MAX_HITS);
        hits
    }
}

fn contains_in_order(haystack: &str, needle: &[char]) -> bool {
    let mut chars = haystack.chars();
    needle.iter().all(|n| chars.any(|c| c == *n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_column_forms_rank_sensibly() {
        let index = SearchIndex::build(&crate::source::snapshot::demo());
        let matcher = SkimMatcherV2::default();
        let top = |q: &str| {
            let hits = index.search(&matcher, q);
            index.entries[hits[0].entry].label.clone()
        };
        assert_eq!(top("public.leads"), "public.leads");
        assert_eq!(top("brands.workspace_id"), "brands.workspace_id");
        assert_eq!(
            top("leads.idx_leads_workspace_id"),
            "leads.idx_leads_workspace_id"
        );
        assert!(index.search(&matcher, "zzzzqqq").is_empty());
        assert!(index.search(&matcher, "  ").is_empty());
    }
}
