//! What pinning a function's `search_path` must keep working: the schemas its unqualified
//! names resolve through today, and where a function is used in places that run with
//! someone else's path (policies, index expressions, constraints, generated columns).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Catalog, Function};
use crate::sql::mentions::{bare_names, functions_called, in_function};

/// The search path functions resolve names through today, and the names found there.
pub struct SearchPaths {
    /// Today's path: the reading role's `search_path` without `"$user"` and `pg_temp`,
    /// limited to schemas that exist; offline, `public` (and `extensions` where it exists).
    pub today: Vec<String>,
    /// Names of tables, functions and types in those schemas, which a bare name in a body
    /// may mean.
    names: BTreeSet<String>,
    /// An extension lives on the path: its functions and operators are not in the catalog,
    /// so no body can be proven not to use them.
    extension_on_path: bool,
}

impl SearchPaths {
    pub fn new(catalog: &Catalog) -> Self {
        let exists = |s: &str| catalog.schemas.iter().any(|x| x.name == s);
        let today: Vec<String> = match &catalog.meta.search_path {
            Some(path) => path
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .filter(|s| s != "$user" && s != "pg_temp" && s != "pg_catalog" && exists(s))
                .collect(),
            None => ["public", "extensions"]
                .into_iter()
                .filter(|s| exists(s))
                .map(str::to_string)
                .collect(),
        };
        // A path with nothing usable left (only "$user") still resolves through public.
        let today = if today.is_empty() && exists("public") {
            vec!["public".to_string()]
        } else {
            today
        };
        let on_path = |s: &String| today.contains(s);
        let names = catalog
            .relations
            .iter()
            .filter(|r| on_path(&r.schema))
            .map(|r| r.name.clone())
            .chain(
                catalog
                    .functions
                    .iter()
                    .filter(|f| on_path(&f.schema))
                    .map(|f| f.name.clone()),
            )
            .chain(
                catalog
                    .enums
                    .iter()
                    .filter(|e| on_path(&e.schema))
                    .map(|e| e.name.clone()),
            )
            .chain(
                catalog
                    .domains
                    .iter()
                    .filter(|d| on_path(&d.schema))
                    .map(|d| d.name.clone()),
            )
            .collect();
        let extension_on_path = catalog
            .extensions
            .iter()
            .any(|e| e.name != "plpgsql" && today.contains(&e.schema));
        SearchPaths {
            today,
            names,
            extension_on_path,
        }
    }

    /// The path to pin `f` to: empty (`search_path = ''`) when its body provably names
    /// nothing it looks up through the path, else today's path, so it resolves as it does
    /// now whoever calls it.
    pub fn pin_for(&self, f: &Function) -> Vec<String> {
        let provable = !self.extension_on_path
            && matches!(f.language.as_str(), "sql" | "plpgsql")
            && f.body.as_deref().is_some_and(|body| {
                in_function(f).iter().all(|(schema, _)| schema.is_some())
                    && bare_names(body).is_disjoint(&self.names)
            });
        if provable {
            Vec::new()
        } else {
            self.today.clone()
        }
    }
}

/// Where each function (by name) is called from a place that runs with another role's
/// search path: the first such place, described for a message ("policy p on public.t").
pub fn used_by_schema_objects(catalog: &Catalog) -> BTreeMap<String, String> {
    let mut texts: Vec<(String, &str)> = Vec::new();
    for r in &catalog.relations {
        let at = format!("{}.{}", r.schema, r.name);
        for p in &r.policies {
            for text in [p.using.as_deref(), p.with_check.as_deref()]
                .into_iter()
                .flatten()
            {
                texts.push((format!("policy \"{}\" on {at}", p.name), text));
            }
        }
        for i in &r.indexes {
            let expressions = i.keys.iter().filter_map(|k| k.expression.as_deref());
            for text in expressions.chain(i.predicate.as_deref()) {
                texts.push((format!("index {} on {at}", i.name), text));
            }
        }
        for c in r
            .constraints
            .iter()
            .filter(|c| c.kind == crate::model::ConstraintKind::Check)
        {
            texts.push((
                format!("constraint {} on {at}", c.name),
                c.definition.as_str(),
            ));
        }
        for c in &r.columns {
            if let Some(g) = &c.generated {
                texts.push((
                    format!("generated column {at}.{}", c.name),
                    g.expression.as_str(),
                ));
            }
        }
    }
    let mut used = BTreeMap::new();
    for (place, text) in texts {
        // A CHECK constraint's definition reads `CHECK (expr)`: the call inside is the same.
        let expression = text.strip_prefix("CHECK ").unwrap_or(text);
        for (_, name) in functions_called(expression) {
            used.entry(name).or_insert_with(|| place.clone());
        }
    }
    used
}
