//! Building SQL text: the only module that does. Every identifier and literal pglens writes
//! into SQL goes through [`ident`] or [`literal`]; nothing else in the program formats
//! user-controlled names into SQL.
//!
//! - this file: quoting;
//! - `index.rs`: `CREATE INDEX` rendered from the model (the server's text is not fetched);
//! - `fix.rs`: the statements audit findings suggest.
//! - `catalog.rs`: constraint and trigger text as the server prints it, for offline models;
//! - `cleanup.rs`: the cleanup script's merges, drops and restores;
//! - `ddl.rs`: definitions reconstructed from the model.

pub mod catalog;
pub mod cleanup;
pub mod ddl;
pub mod fix;
mod index;

pub use index::create_index;

use crate::model::QualifiedName;

/// Quotes an identifier the way PostgreSQL's `quote_ident` does: bare when it is a plain
/// lower-case name that is not a keyword, double-quoted (with `"` doubled) otherwise.
pub fn ident(name: &str) -> String {
    if is_bare_identifier(name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// `schema.name`, each part quoted as needed.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", ident(schema), ident(name))
}

/// A [`QualifiedName`], quoted.
pub fn qualified_name(q: &QualifiedName) -> String {
    qualified(&q.schema, &q.name)
}

/// A string literal. Uses the `E''` form when the text holds a backslash, so the result means
/// the same whatever `standard_conforming_strings` is set to.
pub fn literal(value: &str) -> String {
    let doubled = value.replace('\'', "''");
    if value.contains('\\') {
        format!("E'{}'", doubled.replace('\\', "\\\\"))
    } else {
        format!("'{doubled}'")
    }
}

fn is_bare_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    starts_well
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !is_keyword(name)
}

/// Keywords that `quote_ident` quotes: reserved, type/function-name and column-name keywords
/// (PostgreSQL's kwlist.h, categories other than UNRESERVED_KEYWORD).
fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "between",
        "bigint",
        "binary",
        "bit",
        "boolean",
        "both",
        "case",
        "cast",
        "char",
        "character",
        "check",
        "coalesce",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "dec",
        "decimal",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "exists",
        "extract",
        "false",
        "fetch",
        "float",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "greatest",
        "group",
        "grouping",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "inout",
        "int",
        "integer",
        "intersect",
        "interval",
        "into",
        "is",
        "isnull",
        "join",
        "json",
        "json_array",
        "json_arrayagg",
        "json_exists",
        "json_object",
        "json_objectagg",
        "json_query",
        "json_scalar",
        "json_serialize",
        "json_table",
        "json_value",
        "lateral",
        "leading",
        "least",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "merge_action",
        "national",
        "natural",
        "nchar",
        "none",
        "normalize",
        "not",
        "notnull",
        "null",
        "nullif",
        "numeric",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "out",
        "outer",
        "overlaps",
        "overlay",
        "placing",
        "position",
        "precision",
        "primary",
        "real",
        "references",
        "returning",
        "right",
        "row",
        "select",
        "session_user",
        "setof",
        "similar",
        "smallint",
        "some",
        "substring",
        "symmetric",
        "system_user",
        "table",
        "tablesample",
        "then",
        "time",
        "timestamp",
        "to",
        "trailing",
        "treat",
        "trim",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "values",
        "varchar",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
        "xmlattributes",
        "xmlconcat",
        "xmlelement",
        "xmlexists",
        "xmlforest",
        "xmlnamespaces",
        "xmlparse",
        "xmlpi",
        "xmlroot",
        "xmlserialize",
        "xmltable",
    ];
    KEYWORDS.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(is_keyword("select") && is_keyword("user") && is_keyword("order"));
        assert!(!is_keyword("name") && !is_keyword("status"));
    }

    #[test]
    fn identifiers_quote_like_quote_ident() {
        assert_eq!(ident("leads"), "leads");
        assert_eq!(ident("_x1$"), "_x1$");
        assert_eq!(ident("Leads"), "\"Leads\"");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("we\"ird; table"), "\"we\"\"ird; table\"");
        assert_eq!(ident("Ünïcødé 列"), "\"Ünïcødé 列\"");
        assert_eq!(ident(""), "\"\"");
        assert_eq!(ident("1abc"), "\"1abc\"");
        assert_eq!(qualified("Mixed Case", "t"), "\"Mixed Case\".t");
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal(r"a\b"), r"E'a\\b'");
        assert_eq!(literal(r"a\'b"), r"E'a\\''b'");
    }
}
