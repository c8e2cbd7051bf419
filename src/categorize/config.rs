//! The user's categories: `[[category]]` entries naming tables by name, `schema.name` or
//! glob pattern, read from a categories file or the config file.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::model::QualifiedName;

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
pub(super) struct CategoryMatcher<'a> {
    sets: Vec<(&'a str, GlobSet)>,
}

impl<'a> CategoryMatcher<'a> {
    /// Patterns that do not compile were refused by [`CategoryConfig::check`] when the file
    /// was read; any that reach here anyway match nothing.
    pub(super) fn new(config: &'a CategoryConfig) -> Self {
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

    /// The categories' names, in the file's order.
    pub(super) fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.sets.iter().map(|(name, _)| *name)
    }

    /// The first category with a pattern matching the table's name or `schema.name`.
    pub(super) fn category_of(&self, q: &QualifiedName) -> Option<&'a str> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
