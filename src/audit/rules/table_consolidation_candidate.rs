//! # table-consolidation-candidate
//!
//! ## What it finds
//! Pairs of tables in the same schema that look like two versions of one thing: names that
//! nest (`audit_log` / `audit_logs`, `invoices` / `customer_invoices`, `publishing_jobs` /
//! `publish_jobs`) or share their head noun (`product_images` / `user_images`) with most
//! columns in common, or columns so alike that the names do not matter
//! (`automation_workflows` / `workflow_definitions`). Legacy twins, an old table beside the
//! new one that replaced it, show up here too. Bookkeeping columns (`id`, `created_at`,
//! `updated_at`, `deleted_at`, and any column most of the schema's tables have, such as an
//! ORM's `create_uid`) do not count as shared.
//!
//! Never paired, as they are alike by design: a parent and its child (a foreign key either
//! way), a table and its history, archive or log (`orders` / `orders_history`), a numbered
//! split (`app_log_2024`), and members of a family of three or more tables of one shape
//! (`*_alias`, `*_type`, link tables). Reported only with usage evidence: statistics for
//! both tables, so a migration folder or a snapshot without them gets no merge plan.
//!
//! How alike is alike enough, counting only those other columns, with shares taken of the
//! smaller table's: the same name (singular or plural) and at least 2 shared; nesting names
//! and 35% shared, at least 3 columns; the same head noun and 80% shared, at least 3; or,
//! whatever the names, shared columns making up 85% of all the two tables have, with 5 or
//! more on the smaller side. Only plain tables whose names share a word are compared (every
//! likeness above involves one; words made only of digits do not count). Each table is
//! reported once, against the table it would merge into: the one with more columns (the
//! newer design, usually), then more incoming foreign keys. Where statistics show the table
//! unwritten while the other is written, the finding calls it a legacy twin: the old table
//! left behind after the new one took over.
//!
//! ## Why it matters
//! Duplicate tables split the data: writers pick one, readers the other, policies and
//! indexes are maintained twice, and every report has to union them. Merging them leaves one
//! table to protect, index and query, and one answer to "where is this stored?".
//!
//! ## Example
//! ```sql
//! CREATE TABLE failed_attempts (email text, ip_address inet, attempted_at timestamptz);
//! CREATE TABLE failed_login_attempts (id uuid PRIMARY KEY, email text, ip_address inet,
//!                                     user_agent text, attempted_at timestamptz);
//! ```
//!
//! ## Fix
//! A draft, as one transaction: back the table up into the `pglens_backup` schema (outside
//! the API), copy its rows into the kept table through the shared columns (`INSERT ...
//! SELECT`, casting to the kept table's types), then drop it. `id` is not copied (the kept
//! table numbers its own rows), nor are columns the kept table computes itself.
//!
//! ## Fix safety
//! Marked for review: the column mapping is a guess. Columns only the dropped table has are
//! not copied (they survive only in the backup); NOT NULL columns only the kept table has,
//! and its `id`, need defaults or the copy fails. Copied rows get new ids, so anything that
//! held the old ids (foreign keys, links, caches) does not follow them. Nothing is
//! de-duplicated: rows present in both tables end up twice, or a unique constraint stops the
//! copy. Triggers on the kept table fire for every copied row. Code, views and foreign keys
//! that use the dropped table must move first: the drop has no CASCADE and refuses while
//! anything depends on it.
//!
//! The whole script is one transaction, so any failure (a backup of that name already
//! exists, a cast fails, a constraint is violated, something depends on the table) leaves
//! both tables as they were. Stop writes to the dropped table before running it: rows
//! written while the script runs can miss both the copy and the backup. On big tables the
//! copy takes time, and the drop waits for every query still reading the table.

use std::collections::{BTreeSet, HashMap};

use super::prelude::*;
use crate::sql::fix::BACKUP_SCHEMA;

pub struct TableConsolidationCandidate;

static META: RuleMeta = RuleMeta {
    id: "table-consolidation-candidate",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "Two tables look like versions of one (consolidation candidate)",
    counterparts: &[],
};

/// Columns every table has, which say nothing about what a table is for.
const BOOKKEEPING: &[&str] = &["id", "created_at", "updated_at", "deleted_at"];
/// Share of the smaller table's columns that must also be in the other, and how many
/// columns must be shared, by kind of name match.
const SAME_NAME_SHARED: usize = 2;
const NESTED_NAMES: f64 = 0.35;
const NESTED_SHARED: usize = 3;
const SAME_HEAD_NOUN: f64 = 0.8;
/// Without any name likeness: columns must be nearly the same set, and not trivially few.
const ANY_NAMES_JACCARD: f64 = 0.85;
const ANY_NAMES_MIN_COLUMNS: usize = 5;

/// Name tokens, singular and without "-ing": `publishing_jobs` -> {publish, job}.
fn tokens(name: &str) -> BTreeSet<String> {
    name.split('_')
        .filter(|t| !t.is_empty())
        .map(|t| {
            let t = t
                .strip_suffix("ies")
                .map(|s| format!("{s}y"))
                .unwrap_or_else(|| t.to_string());
            let t = if t.len() > 3 && t.ends_with('s') && !t.ends_with("ss") {
                t[..t.len() - 1].to_string()
            } else {
                t
            };
            if t.len() > 6 && t.ends_with("ing") {
                t[..t.len() - 3].to_string()
            } else {
                t
            }
        })
        .collect()
}

fn head_noun(name: &str) -> Option<String> {
    name.rsplit('_')
        .next()
        .map(|t| tokens(t).into_iter().next().unwrap_or_default())
}

/// Column names that say what the table holds.
fn meaningful<'a>(t: &'a Relation, schema_bookkeeping: &BTreeSet<&str>) -> BTreeSet<&'a str> {
    t.columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !BOOKKEEPING.contains(c) && !schema_bookkeeping.contains(c))
        .collect()
}

/// Pairs that look alike by design: a table and its history, archive or log; a yearly or
/// numbered split (`app_log_2024` of `app_log`); parent and child (a foreign key either way).
fn alike_by_design(a: &Relation, b: &Relation) -> bool {
    let split_of = |x: &str, y: &str| {
        x.strip_prefix(y)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|rest| {
                rest.chars().all(|c| c.is_ascii_digit() || c == '_')
                    || matches!(
                        rest,
                        "history"
                            | "histories"
                            | "archive"
                            | "archived"
                            | "log"
                            | "logs"
                            | "audit"
                            | "versions"
                            | "snapshots"
                            | "backup"
                            | "old"
                    )
            })
    };
    let linked = |x: &Relation, y: &Relation| {
        x.foreign_keys()
            .any(|(_, fk)| fk.referenced_table == y.qualified_name())
    };
    split_of(&a.name, &b.name) || split_of(&b.name, &a.name) || linked(a, b) || linked(b, a)
}

/// What the comparison needs about one table, computed once per run. Words and column
/// names are interned as numbers in sorted vectors: the rule compares hundreds of thousands
/// of pairs on a large schema, and merging small integer lists is what keeps it fast.
struct Profile<'a> {
    table: &'a Relation,
    tokens: Vec<u32>,
    /// Ids of the words that are not only digits (`1005` in `orders_1005` says nothing).
    words: Vec<u32>,
    head: Option<u32>,
    meaningful: Vec<u32>,
    /// Merge-target order: more columns (the newer design, usually), then more incoming keys.
    rank: (usize, usize, std::cmp::Reverse<&'a str>),
}

/// How alike two tables are, if alike enough: the share of the smaller one's meaningful
/// columns the other has.
fn likeness(a: &Profile<'_>, b: &Profile<'_>) -> Option<f64> {
    let shared = common(&a.meaningful, &b.meaningful);
    let smaller = a.meaningful.len().min(b.meaningful.len());
    if smaller == 0 {
        return None;
    }
    let overlap = shared as f64 / smaller as f64;
    let same_name = a.tokens == b.tokens;
    let shared_words = common(&a.tokens, &b.tokens);
    let nested = shared_words == a.tokens.len() || shared_words == b.tokens.len();
    let same_head = a.head == b.head;
    let union = a.meaningful.len() + b.meaningful.len() - shared;
    let jaccard = shared as f64 / union as f64;
    let alike = (same_name && shared >= SAME_NAME_SHARED)
        || (nested && overlap >= NESTED_NAMES && shared >= NESTED_SHARED)
        || (same_head && overlap >= SAME_HEAD_NOUN && shared >= NESTED_SHARED)
        || (jaccard >= ANY_NAMES_JACCARD && smaller >= ANY_NAMES_MIN_COLUMNS);
    alike.then_some(overlap)
}

/// How many values two sorted, deduplicated lists share.
fn common(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Numbers for strings, in first-seen order.
#[derive(Default)]
struct Interner(HashMap<String, u32>);

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        let next = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        *self.0.entry(s.to_string()).or_insert(next)
    }

    fn ids<'s>(&mut self, items: impl IntoIterator<Item = &'s str>) -> Vec<u32> {
        let mut v: Vec<u32> = items.into_iter().map(|s| self.id(s)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The profiles of the application's ordinary tables.
fn profiles<'a>(cx: &Context<'a>) -> Vec<Profile<'a>> {
    let mut incoming: HashMap<QualifiedName, usize> = HashMap::new();
    for t in cx.user_tables() {
        for (_, fk) in t.foreign_keys() {
            *incoming.entry(fk.referenced_table.clone()).or_default() += 1;
        }
    }
    let (mut words, mut names) = (Interner::default(), Interner::default());
    // Columns most tables have (an ORM's `create_uid`, `write_date`) say nothing about
    // what a table holds.
    let bookkeeping = &cx.bookkeeping;
    cx.user_tables()
        .filter(|t| t.kind == RelationKind::Table)
        .map(|t| {
            let name_words = tokens(&t.name);
            let non_numeric = name_words
                .iter()
                .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
                .map(String::as_str);
            Profile {
                table: t,
                words: words.ids(non_numeric),
                tokens: words.ids(name_words.iter().map(String::as_str)),
                head: head_noun(&t.name).map(|h| words.id(&h)),
                meaningful: names.ids(meaningful(t, bookkeeping)),
                rank: (
                    t.columns.len(),
                    incoming.get(&t.qualified_name()).copied().unwrap_or(0),
                    std::cmp::Reverse(t.name.as_str()),
                ),
            }
        })
        .collect()
}

/// For each table, the others in its schema that share a word of its name (words that are
/// only digits do not count). Only such pairs are compared: every kind of likeness above
/// involves a shared word, and this keeps the rule near-linear on schemas of thousands of
/// tables.
/// The tables that share a name word with each table, best-ranked first (so the search in
/// `check` can stop at a perfect match). Lists are made one table at a time: on thousands
/// of tables that share a prefix, all of them at once would be millions of entries.
struct Neighbours<'a, 'p> {
    profiles: &'p [Profile<'a>],
    by_word: HashMap<(&'a str, u32), Vec<usize>>,
}

impl<'a, 'p> Neighbours<'a, 'p> {
    fn new(profiles: &'p [Profile<'a>]) -> Self {
        let mut by_word: HashMap<(&'a str, u32), Vec<usize>> = HashMap::new();
        for (i, p) in profiles.iter().enumerate() {
            for w in &p.words {
                by_word
                    .entry((p.table.schema.as_str(), *w))
                    .or_default()
                    .push(i);
            }
        }
        // Sorted once per word, not once per table.
        for list in by_word.values_mut() {
            list.sort_unstable_by(|a, b| by_rank(profiles, *a, *b));
        }
        Neighbours { profiles, by_word }
    }

    fn of(&self, i: usize) -> Vec<usize> {
        let p = &self.profiles[i];
        let lists: Vec<&Vec<usize>> = p
            .words
            .iter()
            .filter_map(|w| self.by_word.get(&(p.table.schema.as_str(), *w)))
            .collect();
        let mut near: Vec<usize> = lists
            .iter()
            .flat_map(|l| l.iter().copied())
            .filter(|j| *j != i)
            .collect();
        if lists.len() > 1 {
            near.sort_unstable_by(|a, b| by_rank(self.profiles, *a, *b));
            near.dedup();
        }
        near
    }
}

/// Best-ranked first; ties by position, so the order is stable.
fn by_rank(profiles: &[Profile<'_>], a: usize, b: usize) -> std::cmp::Ordering {
    profiles[b].rank.cmp(&profiles[a].rank).then(a.cmp(&b))
}

impl Rule for TableConsolidationCandidate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn unmet(&self, cx: &Context<'_>) -> Option<String> {
        // Merge plans are drafted only with usage evidence for both tables.
        cx.missing_table_statistics()
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let profiles = profiles(cx);
        let neighbours = Neighbours::new(&profiles);
        // Three or more tables of one shape are a family by design (`*_alias`, `*_type`,
        // link tables), not copies to merge.
        let mut shapes: HashMap<&[u32], usize> = HashMap::new();
        for p in &profiles {
            *shapes.entry(p.meaningful.as_slice()).or_default() += 1;
        }
        for (i, me) in profiles.iter().enumerate() {
            let near = neighbours.of(i);
            // The best table this one could merge into: alike and ranked higher; the most
            // alike wins, then the best ranked. Candidates come best-ranked first, so the
            // first of the highest likeness is kept, and a full match ends the search.
            let mut target: Option<(&Profile<'_>, f64)> = None;
            for o in near
                .iter()
                .map(|j| &profiles[*j])
                .take_while(|o| o.rank > me.rank)
            {
                if let Some(l) = likeness(me, o) {
                    if target.is_none_or(|(_, best)| l > best) {
                        target = Some((o, l));
                    }
                    if l >= 1.0 {
                        break;
                    }
                }
            }
            let Some((keep, overlap)) = target else {
                continue;
            };
            if alike_by_design(me.table, keep.table)
                || shapes
                    .get(me.meaningful.as_slice())
                    .is_some_and(|n| *n >= 3)
            {
                continue;
            }
            // A merge plan needs usage evidence: without statistics for both tables (a
            // migration folder, a snapshot without them) the likeness alone is a guess.
            if me.table.stats.is_none() || keep.table.stats.is_none() {
                continue;
            }
            out.push(finding(cx, me.table, keep, overlap));
        }
    }
}

/// The finding for merging `t` into `keep`, with the drafted merge.
fn finding(cx: &Context<'_>, t: &Relation, keep: &Profile<'_>, overlap: f64) -> Finding {
    let kept = keep.table;
    let none = BTreeSet::new();
    let (mine, theirs) = (meaningful(t, &none), meaningful(kept, &none));
    let shared: Vec<&str> = mine.intersection(&theirs).copied().collect();
    let only_mine: Vec<&str> = mine.difference(&theirs).copied().collect();
    let mapping = t.merge_columns(kept);
    let fix = Fix::review(
        vec![
            fix::create_schema(BACKUP_SCHEMA),
            fix::backup_table(t),
            fix::copy_rows(t, kept, &mapping),
            fix::drop_table(t),
        ],
        &[
            "Columns only the dropped table has are not copied; NOT NULL columns only the kept table has need defaults.",
            "Move code, views and foreign keys that use the dropped table first: the drop refuses while anything depends on it.",
        ],
    )
    .in_transaction();
    let lost = if only_mine.is_empty() {
        String::new()
    } else {
        format!("; only {} has {}", t.name, only_mine.join(", "))
    };
    let writes = |r: &Relation| {
        r.stats
            .as_ref()
            .and_then(crate::model::TableStats::activity)
            .map(|a| a.writes)
    };
    let legacy = match (writes(t), writes(kept)) {
        (Some(0), Some(n)) if n > 0 => format!(
            "; unwritten since the statistics reset while {} is written: a legacy twin",
            kept.name
        ),
        _ => String::new(),
    };
    // With --code: which of the two the application still names.
    let code = match (cx.code_evidence(t), cx.code_evidence(kept)) {
        (Some(mine), Some(theirs)) => {
            format!("; in code, {}: {mine}, {}: {theirs}", t.name, kept.name)
        }
        _ => String::new(),
    };
    META.finding(
        ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
        format!(
            "{}.{} looks like a version of {}.{}: {:.0}% of its columns are shared ({}){lost}{legacy}{code}",
            t.schema,
            t.name,
            kept.schema,
            kept.name,
            overlap * 100.0,
            shared.join(", ")
        ),
    )
    .related(Related::VersionOf {
        table: kept.qualified_name(),
    })
    .with_fix(fix)
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn name_tokens() {
        assert_eq!(tokens("publishing_jobs"), tokens("publish_jobs"));
        assert_eq!(tokens("audit_logs"), tokens("audit_log"));
        assert!(tokens("failed_attempts").is_subset(&tokens("failed_login_attempts")));
        assert_eq!(
            tokens("companies").into_iter().collect::<Vec<_>>(),
            ["company"]
        );
        assert_eq!(
            tokens("status").into_iter().collect::<Vec<_>>(),
            ["statu"],
            "singular by rule, consistently"
        );
    }
}
