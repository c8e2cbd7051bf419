//! Which category each object belongs to, for the explorer's tree.
//!
//! Tables are grouped, in this order of precedence, by the user's categories file (names or
//! glob patterns per category, such as "Brand & Identity" = `brand_*`), then by shared name
//! prefix (`cmo_campaigns`, `cmo_content_assets` -> `cmo_*`), then by foreign-key cluster
//! (a table joins the group of the table it references), and the rest go to "Other tables".
//! Views, materialized views, foreign tables, functions and extensions get groups of their
//! own. Other groupings: by schema, and by the worst open finding. Pure.

use std::collections::{BTreeMap, HashMap};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::audit::Severity;
use crate::model::{Catalog, ObjectId, QualifiedName, Relation, RelationKind};
use crate::text::natural_cmp;

/// Categories defined by the user: `[[category]]` tables in TOML.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    #[serde(default, rename = "category")]
    pub categories: Vec<CategoryRule>,
}

/// One category: a name and the tables (names, `schema.name`, or glob patterns) in it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    pub name: String,
    pub tables: Vec<String>,
}

impl CategoryConfig {
    /// Parses a categories file and checks its patterns; `name` labels errors.
    pub fn parse(text: &str, name: &str) -> Result<Self, String> {
        let config: Self = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        config.check().map_err(|e| format!("{name}: {e}"))?;
        Ok(config)
    }

    /// Every pattern compiles: an unbalanced `[` or `{` is an error here, not a category
    /// that silently matches nothing.
    pub fn check(&self) -> Result<(), String> {
        for c in &self.categories {
            for pattern in &c.tables {
                glob(pattern).map_err(|e| format!("category \"{}\": {e}", c.name))?;
            }
        }
        Ok(())
    }
}

/// The categories' patterns, compiled once for a grouping pass.
struct CategoryMatcher<'a> {
    sets: Vec<(&'a str, GlobSet)>,
}

impl<'a> CategoryMatcher<'a> {
    /// Patterns that do not compile were refused by [`CategoryConfig::check`] when the file
    /// was read; any that reach here anyway match nothing.
    fn new(config: &'a CategoryConfig) -> Self {
        let sets = config
            .categories
            .iter()
            .map(|c| {
                let mut set = GlobSetBuilder::new();
                for g in c.tables.iter().filter_map(|p| glob(p).ok()) {
                    set.add(g);
                }
                (
                    c.name.as_str(),
                    set.build().unwrap_or_else(|_| GlobSet::empty()),
                )
            })
            .collect();
        CategoryMatcher { sets }
    }

    /// The first category with a pattern matching the table's name or `schema.name`.
    fn category_of(&self, q: &QualifiedName) -> Option<&'a str> {
        let qualified = q.to_string();
        self.sets
            .iter()
            .find(|(_, set)| set.is_match(&q.name) || set.is_match(&qualified))
            .map(|(name, _)| *name)
    }
}

/// A table pattern: `*` any run of characters, `?` one, `[abc]` one of a set, `{a,b}` either;
/// everything else literally, case-sensitive as PostgreSQL's names are.
fn glob(pattern: &str) -> Result<Glob, String> {
    GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .map_err(|e| format!("bad table pattern \"{pattern}\": {}", e.kind()))
}

/// How the tree groups objects; `c` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Categories,
    Schema,
    Severity,
}

impl Grouping {
    pub fn next(self) -> Self {
        match self {
            Grouping::Categories => Grouping::Schema,
            Grouping::Schema => Grouping::Severity,
            Grouping::Severity => Grouping::Categories,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grouping::Categories => "categories",
            Grouping::Schema => "schema",
            Grouping::Severity => "severity",
        }
    }
}

/// A named group of objects, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub members: Vec<ObjectId>,
}

/// Groups the catalog's objects. `worst` gives an object's worst open finding.
pub fn group(
    catalog: &Catalog,
    grouping: Grouping,
    config: &CategoryConfig,
    worst: &dyn Fn(&ObjectId) -> Option<Severity>,
) -> Vec<Group> {
    let mut groups = group_unsorted(catalog, grouping, config, worst);
    for g in &mut groups {
        g.members
            .sort_by(|a, b| natural_cmp(&a.label(), &b.label()));
    }
    groups
}

fn group_unsorted(
    catalog: &Catalog,
    grouping: Grouping,
    config: &CategoryConfig,
    worst: &dyn Fn(&ObjectId) -> Option<Severity>,
) -> Vec<Group> {
    let objects = listed_objects(catalog);
    match grouping {
        Grouping::Categories => by_category(catalog, config),
        Grouping::Schema => by_key(&objects, |id| match id {
            ObjectId::Relation(q) => q.schema.clone(),
            ObjectId::Function { schema, .. } => schema.clone(),
            ObjectId::Extension { .. } => "extensions".into(),
        }),
        Grouping::Severity => {
            let mut groups = by_key(&objects, |id| {
                match worst(id) {
                    Some(Severity::Critical) => "1 Critical",
                    Some(Severity::Warning) => "2 Warning",
                    Some(Severity::Info) => "3 Info",
                    None => "4 No findings",
                }
                .to_string()
            });
            for g in &mut groups {
                g.name = g.name[2..].to_string();
            }
            groups
        }
    }
}

/// Every object the tree lists: relations (extension-owned ones left out), the application's
/// functions, and extensions.
fn listed_objects(catalog: &Catalog) -> Vec<ObjectId> {
    let relations = catalog
        .relations
        .iter()
        .filter(|r| r.extension.is_none())
        .map(|r| ObjectId::Relation(r.qualified_name()));
    let functions = catalog
        .functions
        .iter()
        .filter(|f| f.extension.is_none())
        .map(|f| f.object_id());
    let extensions = catalog.extensions.iter().map(|e| ObjectId::Extension {
        name: e.name.clone(),
    });
    relations.chain(functions).chain(extensions).collect()
}

fn by_key(objects: &[ObjectId], key: impl Fn(&ObjectId) -> String) -> Vec<Group> {
    let mut map: BTreeMap<String, Vec<ObjectId>> = BTreeMap::new();
    for o in objects {
        map.entry(key(o)).or_default().push(o.clone());
    }
    map.into_iter()
        .map(|(name, members)| Group { name, members })
        .collect()
}

const OTHER: &str = "Other tables";

fn by_category(catalog: &Catalog, config: &CategoryConfig) -> Vec<Group> {
    let tables: Vec<&Relation> = catalog
        .relations
        .iter()
        .filter(|r| r.extension.is_none() && r.kind.is_table())
        .collect();
    let mut assigned: HashMap<QualifiedName, String> = HashMap::new();
    // 1. The user's categories.
    let matcher = CategoryMatcher::new(config);
    for t in &tables {
        if let Some(c) = matcher.category_of(&t.qualified_name()) {
            assigned.insert(t.qualified_name(), c.to_string());
        }
    }
    // Partitions follow their parent wherever it went.
    let parent_of = |t: &Relation| t.partition_of.as_ref().map(|p| p.parent.clone());
    // 2. Shared name prefixes among what is left (schemas other than public say so).
    let mut by_prefix: BTreeMap<String, Vec<QualifiedName>> = BTreeMap::new();
    for t in tables
        .iter()
        .filter(|t| !assigned.contains_key(&t.qualified_name()) && t.partition_of.is_none())
    {
        if let Some((prefix, _)) = t.name.split_once('_') {
            by_prefix
                .entry(prefixed_name(&t.schema, prefix))
                .or_default()
                .push(t.qualified_name());
        }
    }
    for (name, members) in by_prefix.into_iter().filter(|(_, m)| m.len() >= 2) {
        for q in members {
            assigned.insert(q, name.clone());
        }
    }
    // 3. Foreign-key clusters: a table joins the group of a table it references, then of a
    // table that references it; repeated so chains settle.
    for _ in 0..3 {
        let pending: Vec<&&Relation> = tables
            .iter()
            .filter(|t| !assigned.contains_key(&t.qualified_name()) && t.partition_of.is_none())
            .collect();
        for t in pending {
            let via_outgoing = t
                .foreign_keys()
                .find_map(|(_, fk)| assigned.get(&fk.referenced_table).cloned());
            let via_incoming = || {
                tables.iter().find_map(|o| {
                    o.foreign_keys()
                        .any(|(_, fk)| fk.referenced_table == t.qualified_name())
                        .then(|| assigned.get(&o.qualified_name()).cloned())
                        .flatten()
                })
            };
            if let Some(g) = via_outgoing.or_else(via_incoming) {
                assigned.insert(t.qualified_name(), g);
            }
        }
    }
    let mut groups: BTreeMap<String, Vec<ObjectId>> = BTreeMap::new();
    let mut order: Vec<String> = config.categories.iter().map(|c| c.name.clone()).collect();
    for t in &tables {
        let key = parent_of(t).unwrap_or_else(|| t.qualified_name());
        let name = assigned.get(&key).cloned().unwrap_or_else(|| {
            if t.schema == "public" {
                OTHER.to_string()
            } else {
                format!("{} schema", t.schema)
            }
        });
        groups
            .entry(name)
            .or_default()
            .push(ObjectId::Relation(t.qualified_name()));
    }
    // User categories first in their file's order, then the rest by name, "Other" last.
    let mut rest: Vec<String> = groups
        .keys()
        .filter(|k| !order.contains(k) && *k != OTHER)
        .cloned()
        .collect();
    rest.sort();
    order.extend(rest);
    order.push(OTHER.to_string());
    let mut out: Vec<Group> = order
        .into_iter()
        .filter_map(|name| groups.remove(&name).map(|members| Group { name, members }))
        .collect();
    out.extend(kind_groups(catalog));
    out
}

fn prefixed_name(schema: &str, prefix: &str) -> String {
    if schema == "public" {
        format!("{prefix}_*")
    } else {
        format!("{schema}.{prefix}_*")
    }
}

/// Groups for everything that is not a table.
fn kind_groups(catalog: &Catalog) -> Vec<Group> {
    let of_kind = |kind: RelationKind| -> Vec<ObjectId> {
        catalog
            .relations
            .iter()
            .filter(|r| r.kind == kind && r.extension.is_none())
            .map(|r| ObjectId::Relation(r.qualified_name()))
            .collect()
    };
    let functions: Vec<ObjectId> = catalog
        .functions
        .iter()
        .filter(|f| f.extension.is_none())
        .map(|f| f.object_id())
        .collect();
    let extensions: Vec<ObjectId> = catalog
        .extensions
        .iter()
        .map(|e| ObjectId::Extension {
            name: e.name.clone(),
        })
        .collect();
    [
        ("Views", of_kind(RelationKind::View)),
        (
            "Materialized views",
            of_kind(RelationKind::MaterializedView),
        ),
        ("Foreign tables", of_kind(RelationKind::ForeignTable)),
        ("Functions", functions),
        ("Extensions", extensions),
    ]
    .into_iter()
    .filter(|(_, m)| !m.is_empty())
    .map(|(name, members)| Group {
        name: name.into(),
        members,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::snapshot::demo;

    #[test]
    fn natural_order() {
        let mut v = vec!["t_10", "t_2", "t_1", "s", "t_02"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["s", "t_1", "t_2", "t_02", "t_10"]);
    }

    #[test]
    fn globs() {
        let config = CategoryConfig::parse(
            "[[category]]\nname = \"A\"\ntables = [\"brand_*\", \"*_logs\", \"a?c\", \"crm.*\", \"{x,y}_[0-9]\"]\n",
            "cats.toml",
        )
        .unwrap();
        let matcher = CategoryMatcher::new(&config);
        let category =
            |schema: &str, name: &str| matcher.category_of(&QualifiedName::new(schema, name));
        for (schema, name) in [
            ("public", "brand_members"),
            ("public", "publishing_logs"),
            ("public", "abc"),
            ("crm", "anything"),
            ("public", "y_1"),
        ] {
            assert_eq!(category(schema, name), Some("A"), "{schema}.{name}");
        }
        for (schema, name) in [("public", "brands"), ("public", "abbc"), ("public", "z_1")] {
            assert_eq!(category(schema, name), None, "{schema}.{name}");
        }
        let err = CategoryConfig::parse(
            "[[category]]\nname = \"B\"\ntables = [\"brand_[\"]\n",
            "cats.toml",
        )
        .unwrap_err();
        assert!(
            err.contains("cats.toml") && err.contains("brand_["),
            "{err}"
        );
    }

    #[test]
    fn automatic_categories_group_prefixes_and_fk_clusters() {
        let catalog = demo();
        let groups = group(
            &catalog,
            Grouping::Categories,
            &CategoryConfig::default(),
            &|_| None,
        );
        let find = |t: &str| {
            groups
                .iter()
                .find(|g| g.members.contains(&ObjectId::relation("public", t)))
                .map(|g| g.name.as_str())
        };
        assert_eq!(find("cmo_campaigns"), Some("cmo_*"));
        assert_eq!(find("cmo_content_assets"), Some("cmo_*"));
        // asset_approvals has no prefix partner but references assets... which itself has no
        // prefix group either; both end up with a cluster or Other, never lost.
        assert!(find("asset_approvals").is_some());
        assert!(groups.iter().any(|g| g.name == "Views"));
        let total: usize = groups.iter().map(|g| g.members.len()).sum();
        let listed = catalog
            .relations
            .iter()
            .filter(|r| r.extension.is_none())
            .count()
            + catalog
                .functions
                .iter()
                .filter(|f| f.extension.is_none())
                .count()
            + catalog.extensions.len();
        assert_eq!(total, listed, "every object is in exactly one group");
    }

    #[test]
    fn configured_categories_win_and_keep_their_order() {
        let config = CategoryConfig::parse(
            "[[category]]\nname = \"Brand & Identity\"\ntables = [\"brands\", \"brand_*\"]\n\
             [[category]]\nname = \"CRM\"\ntables = [\"public.leads\", \"deals\"]\n",
            "test",
        )
        .unwrap();
        let groups = group(&demo(), Grouping::Categories, &config, &|_| None);
        assert_eq!(groups[0].name, "Brand & Identity");
        assert!(groups[0]
            .members
            .contains(&ObjectId::relation("public", "brand_members")));
        assert_eq!(groups[1].name, "CRM");
        let err = CategoryConfig::parse("[[category]]\nname = \"x\"\ntabels = []\n", "cats.toml")
            .unwrap_err();
        assert!(err.contains("cats.toml") && err.contains("tabels"), "{err}");
    }
}

/// The demo's categories, after the seed documents' domains.
pub const DEMO_CATEGORIES: &str = include_str!("../assets/demo/categories.toml");

#[cfg(test)]
mod demo_tests {
    use super::*;

    #[test]
    fn demo_categories_cover_every_demo_table() {
        let config = CategoryConfig::parse(DEMO_CATEGORIES, "demo categories").unwrap();
        let catalog = crate::source::snapshot::demo();
        let groups = group(&catalog, Grouping::Categories, &config, &|_| None);
        let other = groups.iter().find(|g| g.name == OTHER);
        assert!(other.is_none(), "uncategorised demo tables: {other:?}");
        assert!(
            groups
                .iter()
                .filter(|g| config.categories.iter().any(|c| c.name == g.name))
                .count()
                >= 8
        );
    }
}
