//! # reg-type-column
//!
//! ## What it finds
//! Table columns, and arrays, of the OID-alias types `regproc`, `regprocedure`, `regoper`,
//! `regoperator`, `regconfig`, `regdictionary`, `regnamespace`, `regrole` and
//! `regcollation` (`regclass` and `regtype` are fine).
//!
//! ## Why it matters
//! They store OIDs, which `pg_upgrade` does not preserve for these object kinds, so it
//! refuses to upgrade a cluster that has them in user tables. Supabase's Postgres upgrades
//! stop on them. (`regrole` is reported too, although `pg_upgrade` itself accepts it, since
//! it keeps role OIDs.)
//!
//! ## Example
//! ```sql
//! CREATE TABLE search_settings (id bigint PRIMARY KEY, config regconfig);
//! ```
//!
//! ## Fix
//! Store the name instead: `ALTER COLUMN ... TYPE text USING config::text` (`text[]` for
//! arrays). Casting back (`config::regconfig`) works wherever the OID was needed.
//!
//! ## Fix safety
//! Marked for review. The type change rewrites the table under an exclusive lock that blocks
//! reads and writes until it finishes, and PostgreSQL refuses it while a view or a policy
//! uses the column. Afterwards the column holds plain text: code that compared it with OIDs
//! or joined it to the catalogs must cast back, and nothing checks any more that a stored
//! name exists. Names are written schema-qualified only where the search_path of the session
//! running the fix would not find them, so run it with the search_path your application
//! uses; a `regproc` name casts back only while one function has that name.
//!
//! Check first: find the code, views and policies that read the column.

use super::prelude::*;

pub struct RegTypeColumn;

static META: RuleMeta = RuleMeta {
    id: "reg-type-column",
    severity: Severity::Warning,
    category: Category::Maintainability,
    summary: "Column of a reg* type that blocks pg_upgrade",
    counterparts: &["splinter:0018_unsupported_reg_types"],
};

const BLOCKING: &[&str] = &[
    "regproc",
    "regprocedure",
    "regoper",
    "regoperator",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regrole",
    "regcollation",
];

impl Rule for RegTypeColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for c in t
                .columns
                .iter()
                .filter(|c| BLOCKING.contains(&c.data_type.trim_end_matches("[]")))
            {
                let target = if c.data_type.ends_with("[]") {
                    "text[]"
                } else {
                    "text"
                };
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!("{}.{}.{} is {}, which blocks pg_upgrade", t.schema, t.name, c.name, c.data_type),
                    )
                    .with_fix(Fix::review(
                        vec![fix::alter_column_type(t, &c.name, target)],
                        &["Code reading the column gets names instead of OIDs; cast back where an OID is needed."],
                    )),
                );
            }
        }
    }
}
