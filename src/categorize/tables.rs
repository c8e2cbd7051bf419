//! The application's tables, grouped the way a reader of the schema would: the user's
//! categories first, then name families, then the tables most others reference, then
//! clusters of tables joined by foreign keys, then the rest.
//!
//! - A **family** is the tables sharing a name prefix (`cmo_campaigns`, `cmo_assets`), with
//!   the table the prefix names if there is one (`artist` beside `artist_alias`). Its group
//!   is called `cmo_*` or `artist*`, and holds only tables the name matches.
//! - A **hub** is a table referenced by many others (users, workspaces, tenants): every
//!   table would cluster with it, so it goes to "Core tables" and joins no cluster.
//! - A **cluster** is a connected set of the remaining tables, foreign keys to hubs and to
//!   families left out; it is named after its most connected table ("orders and 3 related").
//!   A cluster (or a lone table) linked to exactly one family joins it, and the family is
//!   then named the same way after its own table ("chats and 2 related" for `chats`,
//!   `chat_files` and `messages`).
//!
//! Partitions go wherever their parent went.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::config::CategoryMatcher;
use crate::model::{QualifiedName, Relation};

/// Where tables nobody grouped go, in `public`.
pub const OTHER: &str = "Other tables";
/// The hubs' group.
pub const CORE: &str = "Core tables";

/// The group each table goes to, by its name, and the groups' names in display order
/// (configured categories first in their file's order, then "Core tables", the families
/// and clusters by name, then the leftovers).
pub fn assign(
    tables: &[&Relation],
    matcher: &CategoryMatcher<'_>,
) -> (HashMap<QualifiedName, String>, Vec<String>) {
    let mut assigned: HashMap<QualifiedName, String> = HashMap::new();
    let roots: Vec<&Relation> = tables
        .iter()
        .copied()
        .filter(|t| t.partition_of.is_none())
        .collect();
    for t in &roots {
        if let Some(c) = matcher.category_of(&t.qualified_name()) {
            assigned.insert(t.qualified_name(), c.to_string());
        }
    }
    let families = families(&roots, &assigned);
    for family in &families {
        for q in &family.members {
            assigned.insert(q.clone(), family.name.clone());
        }
    }
    let hubs = hubs(&roots);
    for q in &hubs {
        assigned
            .entry(q.clone())
            .or_insert_with(|| CORE.to_string());
    }
    let components = components(&roots, &assigned);
    let mut grown: HashMap<String, usize> = HashMap::new();
    for component in components {
        // Linked to one family only (messages -> chats): it joins the family, which is then
        // named as a cluster, since its prefix no longer describes all of it.
        let neighbours = family_neighbours(&roots, &component.members, &families, &assigned, &hubs);
        if let [family] = neighbours.as_slice() {
            *grown.entry(family.clone()).or_default() += component.members.len();
            for q in component.members {
                assigned.insert(q, family.clone());
            }
        } else if component.members.len() >= 2 {
            for q in component.members {
                assigned.insert(q, component.name.clone());
            }
        }
    }
    for family in &families {
        if let (Some(added), Some(head)) = (grown.get(&family.name), &family.head) {
            let renamed = format!(
                "{} and {} related",
                in_schema(&head.schema, &head.name),
                family.members.len() + added - 1
            );
            for group in assigned.values_mut().filter(|g| **g == family.name) {
                *group = renamed.clone();
            }
        }
    }
    for t in &roots {
        assigned
            .entry(t.qualified_name())
            .or_insert_with(|| leftover(&t.schema));
    }
    // Partitions follow their parent (a partition of a partition, its root).
    for t in tables.iter().filter(|t| t.partition_of.is_some()) {
        let mut parent = t.partition_of.as_ref().map(|p| p.parent.clone());
        let mut hops = 0;
        let group = loop {
            match parent.as_ref().and_then(|p| assigned.get(p)) {
                Some(g) => break g.clone(),
                None if hops < 8 => {
                    parent = parent.and_then(|p| {
                        tables
                            .iter()
                            .find(|r| r.qualified_name() == p)
                            .and_then(|r| r.partition_of.as_ref().map(|x| x.parent.clone()))
                    });
                    hops += 1;
                }
                None => break leftover(&t.schema),
            }
        };
        assigned.insert(t.qualified_name(), group);
    }
    // The schema most tables are in reads without its name: `artist*`, "Other tables".
    let main = main_schema(&roots);
    let qualified = format!("{main}.");
    for group in assigned.values_mut() {
        if let Some(rest) = group.strip_prefix(&qualified) {
            *group = rest.to_string();
        } else if *group == leftover(&main) {
            *group = OTHER.to_string();
        }
    }
    let configured: Vec<String> = matcher.names().map(String::from).collect();
    let mut automatic: Vec<String> = assigned
        .values()
        .filter(|g| !configured.contains(g) && g.as_str() != CORE && !is_leftover(g))
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    automatic.sort_by(|a, b| crate::text::natural_cmp(a, b));
    let mut leftovers: Vec<String> = assigned
        .values()
        .filter(|g| is_leftover(g))
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    leftovers.sort_by(|a, b| (a != OTHER, a).cmp(&(b != OTHER, b)));
    let mut order = configured;
    if assigned.values().any(|g| g == CORE) {
        order.push(CORE.to_string());
    }
    order.extend(automatic);
    order.extend(leftovers);
    (assigned, order)
}

/// The schema with the most tables; `public` on a tie.
fn main_schema(roots: &[&Relation]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in roots {
        *counts.entry(t.schema.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(schema, n)| (*n, *schema == "public"))
        .map_or_else(|| "public".to_string(), |(schema, _)| schema.to_string())
}

fn leftover(schema: &str) -> String {
    if schema == "public" {
        OTHER.to_string()
    } else {
        format!("{schema} schema")
    }
}

fn is_leftover(group: &str) -> bool {
    group == OTHER || group.ends_with(" schema")
}

fn in_schema(schema: &str, name: &str) -> String {
    if schema == "public" {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// A name family: its group name, the table it is named after when it has one of its own
/// (`chats` for `chat*`), and its members.
struct Family {
    name: String,
    head: Option<QualifiedName>,
    members: Vec<QualifiedName>,
}

/// Families larger than this are split by their longest entity stems (`release_group*`
/// out of `release*`), so one prefix does not swallow a second entity.
const SPLIT_ABOVE: usize = 15;

/// Name families: tables of a schema whose names start with the same word, with the
/// table that word names if there is one (`chats` with `chat_files`, `orders` with
/// `order_items` and `orders_history`); at least two tables. Named by what all members'
/// names share: `chat*`, `order*`, `cmo_*`.
fn families(roots: &[&Relation], assigned: &HashMap<QualifiedName, String>) -> Vec<Family> {
    let free: Vec<QualifiedName> = roots
        .iter()
        .map(|t| t.qualified_name())
        .filter(|q| !assigned.contains_key(q))
        .collect();
    // The first word of each name; a plural first word files under its singular when
    // both occur (`orders_history` beside `order_items`).
    let mut by_word: BTreeMap<(String, String), Vec<QualifiedName>> = BTreeMap::new();
    for q in &free {
        let word = q.name.split('_').next().unwrap_or(&q.name);
        by_word
            .entry((q.schema.clone(), word.to_string()))
            .or_default()
            .push(q.clone());
    }
    let words: Vec<(String, String)> = by_word.keys().cloned().collect();
    for (schema, word) in &words {
        let plural = stem_names(word)
            .into_iter()
            .skip(1)
            .find(|p| by_word.contains_key(&(schema.clone(), p.clone())));
        if let Some(plural) = plural {
            if let Some(members) = by_word.remove(&(schema.clone(), plural)) {
                by_word
                    .entry((schema.clone(), word.clone()))
                    .or_default()
                    .extend(members);
            }
        }
    }
    let mut out = Vec::new();
    for ((_, word), members) in by_word {
        if members.len() < 2 {
            continue;
        }
        if members.len() > SPLIT_ABOVE {
            out.extend(split_by_stems(members));
        } else {
            out.push(family(members, &word));
        }
    }
    out
}

/// One family: named by its members' common prefix, headed by the member its word names.
fn family(mut members: Vec<QualifiedName>, word: &str) -> Family {
    members.sort();
    let stems = stem_names(word);
    let mut common = common_prefix(members.iter().map(|q| q.name.as_str()));
    // Headed by the table its word names (`chats`), or else by the member all the others'
    // names extend (`app_log` with `app_log_2024`).
    let head = members
        .iter()
        .find(|q| stems.contains(&q.name))
        .or_else(|| members.iter().find(|q| q.name == common))
        .cloned();
    // Without a table of its own the name ends at a word: `cmo_*`, not `cmo_c*`.
    if head.is_none() {
        common.truncate(common.rfind('_').map_or(0, |i| i + 1));
    }
    let schema = members
        .first()
        .map(|q| q.schema.clone())
        .unwrap_or_default();
    Family {
        name: in_schema(&schema, &format!("{common}*")),
        head,
        members,
    }
}

/// Splits a large family: each member whose name is another's longest word-prefix, with
/// at least two such members, heads a family of its own; the rest stay together.
fn split_by_stems(members: Vec<QualifiedName>) -> Vec<Family> {
    let names: HashSet<String> = members.iter().map(|q| q.name.clone()).collect();
    // The longest proper word-prefix of a name that is itself a member.
    let stem_of = |name: &str| -> Option<String> {
        let words: Vec<&str> = name.split('_').collect();
        (1..words.len())
            .rev()
            .map(|n| words[..n].join("_"))
            .find(|p| names.contains(p))
    };
    let mut children: BTreeMap<String, Vec<QualifiedName>> = BTreeMap::new();
    for q in &members {
        if let Some(stem) = stem_of(&q.name) {
            children.entry(stem).or_default().push(q.clone());
        }
    }
    // A stem with at least two tables under it heads a family of its own, except the
    // family's own head (the shortest stem), which keeps everything not split off.
    let shortest = children.keys().min_by_key(|k| k.len()).cloned();
    let heads: HashSet<&String> = children
        .iter()
        .filter(|(k, v)| Some(*k) != shortest.as_ref() && v.len() >= 2)
        .map(|(k, _)| k)
        .collect();
    // Each member goes to its nearest head up the chain of stems
    // (`release_group_alias_type` -> `release_group_alias` -> `release_group`).
    let head_of = |name: &str| -> String {
        let mut at = Some(name.to_string());
        let mut hops = 0;
        while let Some(n) = at {
            if heads.contains(&n) || hops > 16 {
                return n;
            }
            at = stem_of(&n);
            hops += 1;
        }
        String::new()
    };
    let mut groups: BTreeMap<String, Vec<QualifiedName>> = BTreeMap::new();
    for q in members {
        let key = head_of(&q.name);
        let key = if heads.contains(&key) {
            key
        } else {
            String::new()
        };
        groups.entry(key).or_default().push(q);
    }
    groups
        .into_iter()
        .map(|(stem, members)| {
            let word = if stem.is_empty() {
                members[0]
                    .name
                    .split('_')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            } else {
                stem
            };
            family(members, &word)
        })
        .collect()
}

/// The longest common prefix of names, cut back to a character boundary.
fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut len = first.len();
    for n in names {
        len = first
            .char_indices()
            .zip(n.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, c), _)| i + c.len_utf8())
            .min(len);
    }
    first[..len].to_string()
}

/// The names a family's own table may have: the word itself and its plurals.
fn stem_names(word: &str) -> Vec<String> {
    let mut names = vec![word.to_string(), format!("{word}s"), format!("{word}es")];
    if let Some(base) = word.strip_suffix('y') {
        names.push(format!("{base}ies"));
    }
    names
}

/// Tables referenced by many others: at least 3, and at least a tenth of the tables.
fn hubs(roots: &[&Relation]) -> Vec<QualifiedName> {
    let referrers = referrers(roots);
    let threshold = (roots.len().div_ceil(10)).max(3);
    let mut out: Vec<QualifiedName> = referrers
        .into_iter()
        .filter(|(_, by)| by.len() >= threshold)
        .map(|(q, _)| q)
        .collect();
    out.sort();
    out
}

/// For each table, the other tables whose foreign keys reference it.
fn referrers(roots: &[&Relation]) -> HashMap<QualifiedName, HashSet<QualifiedName>> {
    let mut out: HashMap<QualifiedName, HashSet<QualifiedName>> = HashMap::new();
    for t in roots {
        let me = t.qualified_name();
        for (_, fk) in t.foreign_keys() {
            if fk.referenced_table != me {
                out.entry(fk.referenced_table.clone())
                    .or_default()
                    .insert(me.clone());
            }
        }
    }
    out
}

/// A connected set of unclaimed tables, named after its most connected one.
struct Component {
    name: String,
    members: Vec<QualifiedName>,
}

/// Connected sets of the tables nothing else claimed, through foreign keys between them;
/// a table linked to none of them is a set of its own.
fn components(roots: &[&Relation], assigned: &HashMap<QualifiedName, String>) -> Vec<Component> {
    let free: Vec<QualifiedName> = roots
        .iter()
        .map(|t| t.qualified_name())
        .filter(|q| !assigned.contains_key(q))
        .collect();
    let index: HashMap<&QualifiedName, usize> =
        free.iter().enumerate().map(|(i, q)| (q, i)).collect();
    let mut parent: Vec<usize> = (0..free.len()).collect();
    let mut degree = vec![0usize; free.len()];
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for t in roots {
        let Some(&a) = index.get(&t.qualified_name()) else {
            continue;
        };
        for (_, fk) in t.foreign_keys() {
            let Some(&b) = index.get(&fk.referenced_table) else {
                continue;
            };
            if a == b {
                continue;
            }
            degree[a] += 1;
            degree[b] += 1;
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra] = rb;
        }
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..free.len() {
        let r = root(&mut parent, i);
        components.entry(r).or_default().push(i);
    }
    components
        .into_values()
        .map(|members| {
            let central = members
                .iter()
                .copied()
                .max_by(|&a, &b| {
                    degree[a]
                        .cmp(&degree[b])
                        .then_with(|| free[b].name.cmp(&free[a].name))
                })
                .unwrap_or(members[0]);
            let head = &free[central];
            let name = format!(
                "{} and {} related",
                in_schema(&head.schema, &head.name),
                members.len() - 1
            );
            Component {
                name,
                members: members.into_iter().map(|i| free[i].clone()).collect(),
            }
        })
        .collect()
}

/// The families with a table of their own (`chats`) that a set of tables is linked to by
/// foreign keys, either way, not counting links to hubs.
fn family_neighbours(
    roots: &[&Relation],
    members: &[QualifiedName],
    families: &[Family],
    assigned: &HashMap<QualifiedName, String>,
    hubs: &[QualifiedName],
) -> Vec<String> {
    let family_of = |q: &QualifiedName| {
        if hubs.contains(q) {
            return None;
        }
        assigned
            .get(q)
            .filter(|g| families.iter().any(|f| &f.name == *g && f.head.is_some()))
            .cloned()
    };
    let mut out: Vec<String> = Vec::new();
    for t in roots {
        let me = t.qualified_name();
        let inside = members.contains(&me);
        for (_, fk) in t.foreign_keys() {
            let other = match (inside, members.contains(&fk.referenced_table)) {
                (true, false) => family_of(&fk.referenced_table),
                (false, true) => family_of(&me),
                _ => None,
            };
            if let Some(f) = other {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
    out
}
