//! Which group each object belongs to, for the explorer's tree. Pure.
//!
//! Three groupings (`c` cycles): by category, by schema, by worst finding. In each, the
//! application comes first and the platform (Supabase's `auth`, `storage`, ...; PostGIS's
//! `tiger`, `topology`) is folded into one group at the bottom, so the first screen is the
//! application's own tables. A [`SchemaFilter`] hides schemas altogether.
//!
//! - `config.rs`: the user's categories (names and glob patterns, from a file or the config);
//! - `tables.rs`: how the application's tables are grouped when by category.

mod config;
mod tables;

use std::collections::{BTreeMap, HashMap};

use config::CategoryMatcher;
pub use config::{CategoryConfig, CategoryRule};
pub use tables::{CORE, OTHER};

use crate::audit::Severity;
use crate::model::platform::is_platform_schema;
use crate::model::{Catalog, ObjectId, QualifiedName, Relation, RelationKind};
use crate::text::natural_cmp;

/// How the tree groups objects; `c` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Categories,
    Schema,
    Severity,
    /// By the migration file that created each object: only for migration files.
    Migration,
}

impl Grouping {
    /// The next grouping; by migration file only when the objects came from migrations.
    pub fn next(self, from_migrations: bool) -> Self {
        match self {
            Grouping::Categories => Grouping::Schema,
            Grouping::Schema => Grouping::Severity,
            Grouping::Severity if from_migrations => Grouping::Migration,
            Grouping::Severity | Grouping::Migration => Grouping::Categories,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grouping::Categories => "categories",
            Grouping::Schema => "schema",
            Grouping::Severity => "severity",
            Grouping::Migration => "migration file",
        }
    }
}

/// A named group of objects, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    pub name: String,
    /// Every object of the group, partitions included.
    pub members: Vec<ObjectId>,
    /// The platform's objects: drawn last and folded.
    pub platform: bool,
    /// Partitions nest under their partitioned parent: child -> parent, both members.
    pub parent: BTreeMap<ObjectId, ObjectId>,
}

impl Group {
    /// The members not nested under another member, in order.
    pub fn top_level(&self) -> impl Iterator<Item = &ObjectId> {
        self.members
            .iter()
            .filter(|m| !self.parent.contains_key(*m))
    }

    /// The members nested directly under `id`, in order.
    pub fn children_of<'a>(&'a self, id: &'a ObjectId) -> impl Iterator<Item = &'a ObjectId> {
        self.members
            .iter()
            .filter(move |m| self.parent.get(*m) == Some(id))
    }

    /// `id` and the members it is nested under, outermost first.
    pub fn path_to(&self, id: &ObjectId) -> Vec<ObjectId> {
        let mut path = vec![id.clone()];
        while let Some(up) = path.last().and_then(|at| self.parent.get(at)) {
            if path.contains(up) {
                break;
            }
            path.push(up.clone());
        }
        path.reverse();
        path
    }
}

/// Which schemas the explorer shows: `--schema` / the config's `schemas.include` (empty:
/// all), `schemas.exclude`, and whether the platform's schemas are hidden (`P`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaFilter {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub hide_platform: bool,
}

impl SchemaFilter {
    pub fn shows(&self, schema: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|s| s == schema))
            && !self.exclude.iter().any(|s| s == schema)
            && !(self.hide_platform && is_platform_schema(schema))
    }

    /// Whether an object is shown: by its schema; extensions always are.
    pub fn shows_object(&self, id: &ObjectId) -> bool {
        match id {
            ObjectId::Relation(q) => self.shows(&q.schema),
            ObjectId::Function { schema, .. } | ObjectId::Type { schema, .. } => self.shows(schema),
            ObjectId::Extension { .. } => true,
        }
    }
}

/// The group of the platform's objects.
pub fn platform_group_name(schemas: &[&str]) -> String {
    format!("Platform: {}", schemas.join(", "))
}

/// Groups the catalog's objects. `worst` gives an object's worst open finding.
pub fn group(
    catalog: &Catalog,
    grouping: Grouping,
    config: &CategoryConfig,
    filter: &SchemaFilter,
    worst: &dyn Fn(&ObjectId) -> Option<Severity>,
) -> Vec<Group> {
    // A platform table the user's categories name is theirs to see among the app's.
    let matcher = CategoryMatcher::new(config);
    let claimed = |id: &ObjectId| match id {
        ObjectId::Relation(q) => matcher.category_of(q).is_some(),
        _ => false,
    };
    let (app, platform): (Vec<ObjectId>, Vec<ObjectId>) = listed_objects(catalog)
        .into_iter()
        .filter(|id| filter.shows_object(id))
        .partition(|id| !on_platform(id) || (grouping == Grouping::Categories && claimed(id)));
    let mut groups = match grouping {
        Grouping::Categories => by_category(catalog, &app, &matcher),
        Grouping::Schema => by_key(&app, |id| match id {
            ObjectId::Relation(q) => q.schema.clone(),
            ObjectId::Function { schema, .. } | ObjectId::Type { schema, .. } => schema.clone(),
            // Not a schema: Supabase even has one named "extensions".
            ObjectId::Extension { .. } => "Installed extensions".into(),
        }),
        Grouping::Severity => {
            let mut groups = by_key(&app, |id| {
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
        Grouping::Migration => by_migration(catalog, &app),
    };
    if !platform.is_empty() {
        let mut schemas: Vec<&str> = platform.iter().filter_map(schema_of).collect();
        schemas.sort_unstable();
        schemas.dedup();
        groups.push(Group {
            name: platform_group_name(&schemas),
            members: platform,
            platform: true,
            ..Group::default()
        });
    }
    let parents: HashMap<ObjectId, ObjectId> = catalog
        .relations
        .iter()
        .filter_map(|r| {
            let parent = r.partition_of.as_ref()?;
            Some((
                ObjectId::Relation(r.qualified_name()),
                ObjectId::Relation(parent.parent.clone()),
            ))
        })
        .collect();
    for g in &mut groups {
        sort_by_label(&mut g.members);
        let members: std::collections::HashSet<&ObjectId> = g.members.iter().collect();
        g.parent = g
            .members
            .iter()
            .filter_map(|m| {
                let up = parents.get(m)?;
                members.contains(up).then(|| (m.clone(), up.clone()))
            })
            .collect();
    }
    groups
}

/// Sorts objects by their labels in natural order, each label made once (not once per
/// comparison: on 5,000 tables that was most of the tree's build).
fn sort_by_label(members: &mut Vec<ObjectId>) {
    let mut labelled: Vec<(String, ObjectId)> = members.drain(..).map(|m| (m.label(), m)).collect();
    labelled.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    members.extend(labelled.into_iter().map(|(_, m)| m));
}

fn schema_of(id: &ObjectId) -> Option<&str> {
    match id {
        ObjectId::Relation(q) => Some(&q.schema),
        ObjectId::Function { schema, .. } | ObjectId::Type { schema, .. } => Some(schema),
        ObjectId::Extension { .. } => None,
    }
}

fn on_platform(id: &ObjectId) -> bool {
    schema_of(id).is_some_and(is_platform_schema)
}

/// Every object the tree lists: relations (extension-owned ones left out), the application's
/// functions, its enums, domains and composite types, and extensions.
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
    let types = catalog
        .enums
        .iter()
        .filter(|e| e.extension.is_none())
        .map(|e| (&e.schema, &e.name))
        .chain(catalog.domains.iter().map(|d| (&d.schema, &d.name)))
        .chain(
            catalog
                .composites
                .iter()
                .filter(|c| c.extension.is_none())
                .map(|c| (&c.schema, &c.name)),
        )
        .map(|(schema, name)| ObjectId::Type {
            schema: schema.clone(),
            name: name.clone(),
        });
    let extensions = catalog.extensions.iter().map(|e| ObjectId::Extension {
        name: e.name.clone(),
    });
    relations
        .chain(functions)
        .chain(types)
        .chain(extensions)
        .collect()
}

fn by_key(objects: &[ObjectId], key: impl Fn(&ObjectId) -> String) -> Vec<Group> {
    let mut map: BTreeMap<String, Vec<ObjectId>> = BTreeMap::new();
    for o in objects {
        map.entry(key(o)).or_default().push(o.clone());
    }
    map.into_iter()
        .map(|(name, members)| Group {
            name,
            members,
            ..Group::default()
        })
        .collect()
}

/// The application's objects by category: tables as `tables.rs` groups them, then views,
/// materialized views, foreign tables, functions (by schema, `public` first) and
/// extensions.
fn by_category(catalog: &Catalog, app: &[ObjectId], matcher: &CategoryMatcher<'_>) -> Vec<Group> {
    let relations: HashMap<QualifiedName, &Relation> = catalog
        .relations
        .iter()
        .map(|r| (r.qualified_name(), r))
        .collect();
    let relation = |id: &ObjectId| match id {
        ObjectId::Relation(q) => relations.get(q).copied(),
        _ => None,
    };
    let app_tables: Vec<&Relation> = app
        .iter()
        .filter_map(relation)
        .filter(|r| r.kind.is_table())
        .collect();
    let (assigned, order) = tables::assign(&app_tables, matcher);
    let mut by_name: HashMap<&str, Vec<ObjectId>> = HashMap::new();
    for t in &app_tables {
        if let Some(group) = assigned.get(&t.qualified_name()) {
            by_name
                .entry(group.as_str())
                .or_default()
                .push(ObjectId::Relation(t.qualified_name()));
        }
    }
    let mut out: Vec<Group> = order
        .iter()
        .filter_map(|name| {
            by_name.remove(name.as_str()).map(|members| Group {
                name: name.clone(),
                members,
                ..Group::default()
            })
        })
        .collect();
    let of_kind = |kind: RelationKind| -> Vec<ObjectId> {
        app.iter()
            .filter(|id| relation(id).is_some_and(|r| r.kind == kind))
            .cloned()
            .collect()
    };
    let mut kinds: Vec<(String, Vec<ObjectId>)> = vec![
        ("Views".into(), of_kind(RelationKind::View)),
        (
            "Materialized views".into(),
            of_kind(RelationKind::MaterializedView),
        ),
        ("Foreign tables".into(), of_kind(RelationKind::ForeignTable)),
    ];
    let mut functions: BTreeMap<(bool, String), Vec<ObjectId>> = BTreeMap::new();
    for id in app {
        if let ObjectId::Function { schema, .. } = id {
            functions
                .entry((schema != "public", schema.clone()))
                .or_default()
                .push(id.clone());
        }
    }
    let several = functions.len() > 1;
    for ((_, schema), members) in functions {
        let name = if several {
            format!("Functions in {schema}")
        } else {
            "Functions".to_string()
        };
        kinds.push((name, members));
    }
    let types: Vec<ObjectId> = app
        .iter()
        .filter(|id| matches!(id, ObjectId::Type { .. }))
        .cloned()
        .collect();
    kinds.push(("Types".into(), types));
    let extensions: Vec<ObjectId> = app
        .iter()
        .filter(|id| matches!(id, ObjectId::Extension { .. }))
        .cloned()
        .collect();
    kinds.push(("Extensions".into(), extensions));
    out.extend(
        kinds
            .into_iter()
            .filter(|(_, m)| !m.is_empty())
            .map(|(name, members)| Group {
                name,
                members,
                ..Group::default()
            }),
    );
    out
}

/// Objects by the migration file that created them, in the order the files apply, as
/// migration guides list them (`20260101000004_leads.sql: leads, credit_usage`).
fn by_migration(catalog: &Catalog, app: &[ObjectId]) -> Vec<Group> {
    let mut defined: HashMap<ObjectId, &str> = HashMap::new();
    for r in &catalog.relations {
        if let Some(at) = &r.provenance.defined {
            defined.insert(ObjectId::Relation(r.qualified_name()), &at.file);
        }
    }
    for f in &catalog.functions {
        if let Some(at) = &f.provenance.defined {
            defined.insert(f.object_id(), &at.file);
        }
    }
    let files: Vec<&str> = catalog
        .migrations
        .as_ref()
        .map(|m| m.files.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut by_file: HashMap<&str, Vec<ObjectId>> = HashMap::new();
    for id in app {
        let file = defined.get(id).copied().unwrap_or(NOT_FROM_A_FILE);
        by_file.entry(file).or_default().push(id.clone());
    }
    // In the order the files apply; without the folder's list (a database compared with
    // it), by name, which is how migration tools order them.
    let mut by_file: Vec<(&str, Vec<ObjectId>)> = by_file.into_iter().collect();
    by_file.sort_by(|(a, _), (b, _)| {
        let at = |f: &str| files.iter().position(|x| *x == f).unwrap_or(usize::MAX);
        (*a == NOT_FROM_A_FILE, at(a))
            .cmp(&(*b == NOT_FROM_A_FILE, at(b)))
            .then_with(|| natural_cmp(a, b))
    });
    by_file
        .into_iter()
        .map(|(file, members)| Group {
            name: file.to_string(),
            members,
            ..Group::default()
        })
        .collect()
}

const NOT_FROM_A_FILE: &str = "Not created by a migration file";

/// The demo's categories, after the business domains its tables come from.
pub const DEMO_CATEGORIES: &str = include_str!("../../assets/demo/categories.toml");

#[cfg(test)]
mod tests;
