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
    for q in hubs(&roots) {
        assigned.entry(q).or_insert_with(|| CORE.to_string());
    }
    let components = components(&roots, &assigned);
    let mut grown: HashMap<String, usize> = HashMap::new();
    for component in components {
        // Linked to one family only (messages -> chats): it joins the family, which is then
        // named as a cluster, since its prefix no longer describes all of it.
        let neighbours = family_neighbours(&roots, &component.members, &families, &assigned);
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
        if let Some(added) = grown.get(&family.name) {
            let renamed = format!(
                "{} and {} related",
                in_schema(&family.head.schema, &family.head.name),
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

/// Name families: the tables of a schema whose names start with `prefix_`, with the table
/// the prefix names (`artist`, `chats` for `chat_`) if any; at least two tables in all.
/// A name family and the table it is named after (its stem, or its first member).
struct Family {
    name: String,
    head: QualifiedName,
    members: Vec<QualifiedName>,
}

fn families(roots: &[&Relation], assigned: &HashMap<QualifiedName, String>) -> Vec<Family> {
    let free: Vec<&&Relation> = roots
        .iter()
        .filter(|t| !assigned.contains_key(&t.qualified_name()))
        .collect();
    let mut by_prefix: BTreeMap<(&str, &str), Vec<QualifiedName>> = BTreeMap::new();
    for t in &free {
        if let Some((prefix, rest)) = t.name.split_once('_') {
            if !prefix.is_empty() && !rest.is_empty() {
                by_prefix
                    .entry((t.schema.as_str(), prefix))
                    .or_default()
                    .push(t.qualified_name());
            }
        }
    }
    let mut out = Vec::new();
    for ((schema, prefix), mut members) in by_prefix {
        let stems = stem_names(prefix);
        let stem = free
            .iter()
            .find(|t| t.schema == schema && stems.contains(&t.name));
        // Two tables make a family: two `chat_*`, or `chats` and one `chat_*`.
        if members.len() + usize::from(stem.is_some()) < 2 {
            continue;
        }
        let (name, head) = match stem {
            Some(t) => {
                members.push(t.qualified_name());
                // `artist*` matches `artist` and `artist_alias`; `chat*` matches `chats`.
                (in_schema(schema, &format!("{prefix}*")), t.qualified_name())
            }
            None => (
                in_schema(schema, &format!("{prefix}_*")),
                members[0].clone(),
            ),
        };
        out.push(Family {
            name,
            head,
            members,
        });
    }
    out
}

/// The names a family's own table may have: the prefix itself and its plurals.
fn stem_names(prefix: &str) -> Vec<String> {
    let mut names = vec![
        prefix.to_string(),
        format!("{prefix}s"),
        format!("{prefix}es"),
    ];
    if let Some(base) = prefix.strip_suffix('y') {
        names.push(format!("{base}ies"));
    }
    names
}

/// Tables referenced by many others: at least 4, and at least a tenth of the tables.
fn hubs(roots: &[&Relation]) -> Vec<QualifiedName> {
    let referrers = referrers(roots);
    let threshold = (roots.len().div_ceil(10)).max(4);
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

/// The families a set of tables is linked to by foreign keys, either way.
fn family_neighbours(
    roots: &[&Relation],
    members: &[QualifiedName],
    families: &[Family],
    assigned: &HashMap<QualifiedName, String>,
) -> Vec<String> {
    let family_of = |q: &QualifiedName| {
        assigned
            .get(q)
            .filter(|g| families.iter().any(|f| &f.name == *g))
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
