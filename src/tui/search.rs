//! The finder's index. Two modes:
//!
//! - **names**: every table, view, column, index, policy, function, sequence, enum type and
//!   value, and domain, labelled as SQL names them (`schema.table.column`). Ranked exact
//!   name > prefix > word start > substring > fuzzy (skim), and within a tier tables and
//!   views before functions and types, before their columns, before indexes and policies.
//!   Refining a query only re-reads what the shorter query matched.
//! - **text** (a query starting with `?`): function bodies, policy conditions, view
//!   definitions and comments, by case-insensitive substring.
//!
//! Pure: the incremental state lives in the finder's own state.

use std::sync::Arc;

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use super::tab::Tab;
use crate::model::{Catalog, ObjectId, QualifiedName};

/// One searchable thing and where Enter takes you.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// As SQL names it: `schema.table`, `schema.table.column`, `schema.function(args)`.
    pub label: String,
    pub kind: &'static str,
    /// The object Enter opens; None for a type nothing uses. Shared by the entries of one
    /// object (a table's columns, indexes and policies): on 5,000 tables, a copy each
    /// was a third of the index.
    pub target: Option<Arc<ObjectId>>,
    /// The tab to open, and the row name to select in it.
    pub tab: Tab,
    pub row: Option<String>,
    /// The text searched in text mode (a body, a condition, a comment); empty in names.
    pub text: String,
}

/// A ranked match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub entry: usize,
    /// Which list `entry` indexes.
    pub mode: Mode,
    /// Where the query matched in the entry's text (text mode), in bytes.
    pub at: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Names,
    Text,
}

impl Mode {
    /// The mode a query asks for, and the query without its mode marker.
    pub fn of(query: &str) -> (Mode, &str) {
        match query.strip_prefix('?') {
            Some(rest) => (Mode::Text, rest),
            None => (Mode::Names, query),
        }
    }
}

/// What the last names query matched, so a longer one only re-reads those.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incremental {
    query: String,
    candidates: Vec<u32>,
}

/// All entries of a catalog, built once per load.
#[derive(Debug, Default)]
pub struct SearchIndex {
    pub entries: Vec<Entry>,
    pub texts: Vec<Entry>,
    /// Lower-cased labels and own names (the last part of the label), for cheap tiers;
    /// see [`Lowered`] and [`OwnName`].
    labels: Vec<Lowered>,
    names: Vec<OwnName>,
    /// Lower-cased texts.
    lowered_texts: Vec<String>,
    /// 0 tables and views, 1 functions and types, 2 columns, 3 indexes, policies, values.
    ranks: Vec<u8>,
}

/// A lower-cased copy of a text, kept only when lower-casing changed it: most names are
/// lower case already, and a copy of each was a fifth of the index.
#[derive(Debug, Default)]
struct Lowered(Option<Box<str>>);

impl Lowered {
    fn of(text: &str) -> Self {
        let lower = text.to_lowercase();
        Lowered((lower != text).then(|| lower.into_boxed_str()))
    }

    /// The lower-cased text, given the original.
    fn or<'a>(&'a self, original: &'a str) -> &'a str {
        self.0.as_deref().unwrap_or(original)
    }
}

/// Where an entry's lower-cased own name is: the end of its lower-cased label from a byte
/// offset (`public.orders.status`), or a copy where the label does not end with it (a
/// function's label ends with its arguments).
#[derive(Debug)]
enum OwnName {
    Tail(u32),
    Copy(Box<str>),
}

/// How many hits the finder keeps.
pub const MAX_HITS: usize = 200;

struct Builder {
    entries: Vec<Entry>,
    labels: Vec<Lowered>,
    names: Vec<OwnName>,
    ranks: Vec<u8>,
    texts: Vec<Entry>,
}

impl Builder {
    fn name(&mut self, label: String, name: &str, kind: &'static str, rank: u8, at: Target) {
        let lowered = Lowered::of(&label);
        let (lowered_label, lowered_name) = (lowered.or(&label), name.to_lowercase());
        let own = match lowered_label.strip_suffix(lowered_name.as_str()) {
            Some(rest) => u32::try_from(rest.len()).map_or_else(
                |_| OwnName::Copy(lowered_name.clone().into_boxed_str()),
                OwnName::Tail,
            ),
            None => OwnName::Copy(lowered_name.into_boxed_str()),
        };
        self.labels.push(lowered);
        self.names.push(own);
        self.entries.push(Entry {
            label,
            kind,
            target: at.0,
            tab: at.1,
            row: at.2,
            text: String::new(),
        });
        self.ranks.push(rank);
    }

    fn text(&mut self, label: String, kind: &'static str, text: &str, at: Target) {
        if text.trim().is_empty() {
            return;
        }
        self.texts.push(Entry {
            label,
            kind,
            target: at.0,
            tab: at.1,
            row: at.2,
            text: text.to_string(),
        });
    }
}

/// Where an entry leads: object, tab, row.
type Target = (Option<Arc<ObjectId>>, Tab, Option<String>);

impl SearchIndex {
    pub fn build(catalog: &Catalog) -> Self {
        // Sized once: on a big schema, growing by doubling would hold the old and the new
        // list of a hundred thousand entries at the same time.
        let counts = catalog.counts();
        let expected = counts.tables
            + counts.views
            + counts.materialized_views
            + counts.foreign_tables
            + counts.columns
            + counts.indexes
            + counts.constraints
            + counts.policies
            + counts.triggers
            + counts.functions
            + counts.sequences
            + counts.extensions
            + counts.enums;
        let mut b = Builder {
            entries: Vec::with_capacity(expected),
            labels: Vec::with_capacity(expected),
            names: Vec::with_capacity(expected),
            ranks: Vec::with_capacity(expected),
            texts: Vec::new(),
        };
        for r in catalog.relations.iter().filter(|r| r.extension.is_none()) {
            let q = r.qualified_name();
            let id = Arc::new(ObjectId::Relation(q.clone()));
            let at = |tab, row: Option<&str>| (Some(id.clone()), tab, row.map(str::to_string));
            b.name(
                q.to_string(),
                &r.name,
                r.short_kind(),
                0,
                at(Tab::Columns, None),
            );
            if let Some(c) = &r.comment {
                b.text(q.to_string(), "comment", c, at(Tab::Definition, None));
            }
            if let Some(v) = &r.view_definition {
                b.text(q.to_string(), "view", v, at(Tab::Definition, None));
            }
            for c in &r.columns {
                let label = format!("{q}.{}", c.name);
                b.name(
                    label.clone(),
                    &c.name,
                    "column",
                    2,
                    at(Tab::Columns, Some(&c.name)),
                );
                if let Some(comment) = &c.comment {
                    b.text(label, "comment", comment, at(Tab::Columns, Some(&c.name)));
                }
            }
            for i in &r.indexes {
                b.name(
                    format!("{q}.{}", i.name),
                    &i.name,
                    "index",
                    3,
                    at(Tab::Indexes, Some(&i.name)),
                );
            }
            for p in &r.policies {
                let label = format!("{q}.{}", p.name);
                b.name(
                    label.clone(),
                    &p.name,
                    "policy",
                    3,
                    at(Tab::Policies, Some(&p.name)),
                );
                let text = [p.using.as_deref(), p.with_check.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n");
                b.text(label, "policy", &text, at(Tab::Policies, Some(&p.name)));
            }
        }
        for f in catalog.functions.iter().filter(|f| f.extension.is_none()) {
            let label = format!("{}.{}", f.schema, f.signature());
            let id = Arc::new(f.object_id());
            let at = || (Some(id.clone()), Tab::Definition, None);
            b.name(label.clone(), &f.name, "function", 1, at());
            if let Some(body) = &f.body {
                b.text(label.clone(), "function", body, at());
            }
            if let Some(c) = &f.comment {
                b.text(label, "comment", c, at());
            }
        }
        for s in &catalog.sequences {
            let target = s.owned_by.as_ref().map(|o| {
                (
                    Some(Arc::new(ObjectId::Relation(o.table.clone()))),
                    Tab::Columns,
                    Some(o.column.clone()),
                )
            });
            let at = target.unwrap_or((None, Tab::Columns, None));
            b.name(
                format!("{}.{}", s.schema, s.name),
                &s.name,
                "sequence",
                1,
                at,
            );
        }
        // A type opens on its definition, which lists the columns that use it.
        let type_page = |schema: &str, name: &str| -> Target {
            (
                Some(Arc::new(ObjectId::Type {
                    schema: schema.into(),
                    name: name.into(),
                })),
                Tab::Definition,
                None,
            )
        };
        for e in catalog.enums.iter().filter(|e| e.extension.is_none()) {
            let q = QualifiedName::new(&e.schema, &e.name);
            b.name(
                q.to_string(),
                &e.name,
                "enum",
                1,
                type_page(&e.schema, &e.name),
            );
            for label in &e.labels {
                b.name(
                    format!("{q}.{label}"),
                    label,
                    "value",
                    3,
                    type_page(&e.schema, &e.name),
                );
            }
        }
        for d in &catalog.domains {
            let q = QualifiedName::new(&d.schema, &d.name);
            b.name(
                q.to_string(),
                &d.name,
                "domain",
                1,
                type_page(&d.schema, &d.name),
            );
        }
        for c in catalog.composites.iter().filter(|c| c.extension.is_none()) {
            let q = QualifiedName::new(&c.schema, &c.name);
            b.name(
                q.to_string(),
                &c.name,
                "composite",
                1,
                type_page(&c.schema, &c.name),
            );
        }
        for e in &catalog.extensions {
            let at = (
                Some(Arc::new(ObjectId::Extension {
                    name: e.name.clone(),
                })),
                Tab::Definition,
                None,
            );
            b.name(e.name.clone(), &e.name, "extension", 1, at);
        }
        b.entries.shrink_to_fit();
        b.names.shrink_to_fit();
        b.labels.shrink_to_fit();
        b.ranks.shrink_to_fit();
        b.texts.shrink_to_fit();
        let lowered_texts = b.texts.iter().map(|e| e.text.to_lowercase()).collect();
        SearchIndex {
            entries: b.entries,
            texts: b.texts,
            labels: b.labels,
            names: b.names,
            lowered_texts,
            ranks: b.ranks,
        }
    }

    /// The lower-cased label of names entry `i`.
    fn label(&self, i: usize) -> &str {
        self.labels[i].or(&self.entries[i].label)
    }

    /// The lower-cased own name of names entry `i`.
    fn own_name(&self, i: usize) -> &str {
        match &self.names[i] {
            OwnName::Tail(at) => self.label(i).get(*at as usize..).unwrap_or_default(),
            OwnName::Copy(name) => name,
        }
    }

    /// The entry a hit points at.
    pub fn entry(&self, hit: &Hit) -> &Entry {
        match hit.mode {
            Mode::Names => &self.entries[hit.entry],
            Mode::Text => &self.texts[hit.entry],
        }
    }

    /// The best matches for `query` (names mode, or text mode after `?`), best first.
    /// `previous` carries what the last names query matched and is updated.
    pub fn search(
        &self,
        matcher: &SkimMatcherV2,
        query: &str,
        previous: &mut Incremental,
        shown: &dyn Fn(&Entry) -> bool,
    ) -> Vec<Hit> {
        let (mode, query) = Mode::of(query);
        let query = query.trim();
        if query.is_empty() {
            *previous = Incremental::default();
            return Vec::new();
        }
        let needle = query.to_lowercase();
        match mode {
            Mode::Text => self.search_text(&needle, shown),
            Mode::Names => self.search_names(matcher, query, &needle, previous, shown),
        }
    }

    fn search_text(&self, needle: &str, shown: &dyn Fn(&Entry) -> bool) -> Vec<Hit> {
        self.lowered_texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.find(needle).map(|at| (i, at)))
            .filter(|(i, _)| shown(&self.texts[*i]))
            .take(MAX_HITS)
            .map(|(entry, at)| {
                // The position is in the lower-cased text; lower-casing can change byte
                // lengths outside ASCII, so it must land on a character of the original.
                let text = &self.texts[entry].text;
                let at = if at <= text.len() && text.is_char_boundary(at) {
                    at
                } else {
                    0
                };
                Hit {
                    entry,
                    mode: Mode::Text,
                    at: Some(at),
                }
            })
            .collect()
    }

    fn search_names(
        &self,
        matcher: &SkimMatcherV2,
        query: &str,
        needle: &str,
        previous: &mut Incremental,
        shown: &dyn Fn(&Entry) -> bool,
    ) -> Vec<Hit> {
        let letters: Vec<char> = needle.chars().filter(|c| !c.is_whitespace()).collect();
        // What matched a prefix of this query is all that can match it.
        let refine = !previous.query.is_empty() && needle.starts_with(previous.query.as_str());
        let pool: Box<dyn Iterator<Item = u32>> = if refine {
            Box::new(std::mem::take(&mut previous.candidates).into_iter())
        } else {
            Box::new(0..u32::try_from(self.entries.len()).unwrap_or(u32::MAX))
        };
        let candidates: Vec<u32> = pool
            .filter(|&i| contains_in_order(self.label(i as usize), &letters))
            .collect();
        *previous = Incremental {
            query: needle.to_string(),
            candidates: candidates.clone(),
        };
        let mut ranked: Vec<(u8, u8, i64, usize)> = Vec::new();
        let mut fuzzy: Vec<usize> = Vec::new();
        for &i in &candidates {
            let i = i as usize;
            if !shown(&self.entries[i]) {
                continue;
            }
            match tier(self.label(i), self.own_name(i), needle) {
                0 => fuzzy.push(i),
                t => ranked.push((t, self.ranks[i], 0, i)),
            }
        }
        // Fuzzy matches rank below every substring match: score them only when the
        // substring matches leave room.
        if ranked.len() < MAX_HITS {
            for i in fuzzy {
                if let Some(score) = matcher.fuzzy_match(&self.entries[i].label, query) {
                    ranked.push((0, self.ranks[i], score, i));
                }
            }
        }
        let order = |a: &(u8, u8, i64, usize), b: &(u8, u8, i64, usize)| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(b.2.cmp(&a.2))
                .then_with(|| self.label(a.3).len().cmp(&self.label(b.3).len()))
                .then_with(|| self.label(a.3).cmp(self.label(b.3)))
                // Last the entry itself: a total order, so which hits make the cut does not
                // depend on the order they were found in.
                .then(a.3.cmp(&b.3))
        };
        // A one-letter query matches most of 100,000 entries: pick the best MAX_HITS
        // first (linear), and sort only those.
        if ranked.len() > MAX_HITS {
            ranked.select_nth_unstable_by(MAX_HITS - 1, order);
            ranked.truncate(MAX_HITS);
        }
        ranked.sort_by(order);
        ranked
            .into_iter()
            .map(|(_, _, _, entry)| Hit {
                entry,
                mode: Mode::Names,
                at: None,
            })
            .collect()
    }
}

/// How well a label matches: 5 the object's own name exactly, 4 the whole label, 3 a
/// prefix of either, 2 at the start of a word of the label (after `.` or `_`), 1 anywhere
/// in it, 0 only fuzzily.
fn tier(label: &str, name: &str, needle: &str) -> u8 {
    if name == needle {
        5
    } else if label == needle {
        4
    } else if name.starts_with(needle) || label.starts_with(needle) {
        3
    } else if label
        .match_indices(needle)
        .any(|(at, _)| label[..at].ends_with(['.', '_', ' ', '(']))
    {
        2
    } else if label.contains(needle) {
        1
    } else {
        0
    }
}

fn contains_in_order(haystack: &str, needle: &[char]) -> bool {
    let mut chars = haystack.chars();
    needle.iter().all(|n| chars.any(|c| c == *n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(index: &SearchIndex, q: &str) -> Vec<String> {
        let matcher = SkimMatcherV2::default();
        index
            .search(&matcher, q, &mut Incremental::default(), &|_| true)
            .iter()
            .take(3)
            .map(|h| index.entry(h).label.clone())
            .collect()
    }

    #[test]
    fn a_table_comes_before_its_own_columns_and_indexes() {
        let index = SearchIndex::build(&crate::source::snapshot::demo());
        assert_eq!(top(&index, "leads")[0], "public.leads");
        assert_eq!(top(&index, "public.leads")[0], "public.leads");
        assert_eq!(
            top(&index, "LEADS")[0],
            "public.leads",
            "case does not matter"
        );
        assert_eq!(
            top(&index, "brands.workspace_id")[0],
            "public.brands.workspace_id"
        );
        assert_eq!(
            top(&index, "public.leads.idx_leads_workspace_id")[0],
            "public.leads.idx_leads_workspace_id"
        );
        assert_eq!(
            top(&index, "lead")[0],
            "public.leads",
            "a prefix of the name"
        );
        assert!(top(&index, "zzzzqqq").is_empty());
        assert!(top(&index, "  ").is_empty());
    }

    #[test]
    fn refining_a_query_gives_what_a_fresh_search_gives() {
        let index = SearchIndex::build(&crate::source::snapshot::demo());
        let matcher = SkimMatcherV2::default();
        let mut incremental = Incremental::default();
        let mut typed = String::new();
        for c in "wrkspc".chars() {
            typed.push(c);
            let refined = index.search(&matcher, &typed, &mut incremental, &|_| true);
            let fresh = index.search(&matcher, &typed, &mut Incremental::default(), &|_| true);
            assert_eq!(refined, fresh, "{typed}");
        }
    }

    #[test]
    fn text_mode_searches_bodies_conditions_and_comments() {
        let index = SearchIndex::build(&crate::source::snapshot::demo());
        let matcher = SkimMatcherV2::default();
        let hits = index.search(
            &matcher,
            "?auth.uid()",
            &mut Incremental::default(),
            &|_| true,
        );
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|h| h.mode == Mode::Text));
        assert!(hits.iter().any(|h| index.entry(h).kind == "policy"));
        let hit = &hits[0];
        let entry = index.entry(hit);
        let at = hit.at.unwrap();
        assert_eq!(entry.text[at..].to_lowercase().find("auth.uid()"), Some(0));
    }

    #[test]
    fn enum_values_sequences_and_domains_are_found() {
        let catalog = crate::source::snapshot::demo();
        let index = SearchIndex::build(&catalog);
        let kinds: Vec<&str> = index.entries.iter().map(|e| e.kind).collect();
        for kind in ["enum", "value", "sequence"] {
            assert!(
                kinds.contains(&kind) == catalog_has(&catalog, kind),
                "{kind}"
            );
        }
        if let Some(e) = catalog.enums.first() {
            let value = &e.labels[0];
            let hits = top(&index, &format!("{}.{}.{value}", e.schema, e.name));
            assert_eq!(hits[0], format!("{}.{}.{value}", e.schema, e.name));
        }
    }

    /// A partitioned table and its partitions are labelled as what they are (the kind
    /// column used to cut "partitioned table" to "partition", and partitions read "table").
    #[test]
    fn partitions_and_their_parent_are_labelled_the_right_way_round() {
        let index = SearchIndex::build(&crate::source::snapshot::demo());
        let kind_of = |label: &str| {
            index
                .entries
                .iter()
                .find(|e| e.label == label)
                .map(|e| e.kind)
        };
        assert_eq!(kind_of("public.api_logs"), Some("partitioned"));
        assert_eq!(kind_of("public.api_logs_2026_01"), Some("partition"));
        assert_eq!(kind_of("public.leads"), Some("table"));
    }

    fn catalog_has(catalog: &Catalog, kind: &str) -> bool {
        match kind {
            "enum" | "value" => catalog.enums.iter().any(|e| e.extension.is_none()),
            "sequence" => !catalog.sequences.is_empty(),
            _ => false,
        }
    }
}
