//! # sensitive-columns-without-rls
//!
//! ## What it finds
//! Tables in an exposed schema, with row-level security off, that hold text-like columns
//! (`text`, `varchar`, `char`, `bytea`, `json`, `jsonb`) named like secrets: names containing
//! `password`, `passwd`, `secret`, `token`, `api_key`, `apikey`, `private_key`, `ssn`,
//! `social_security`, `credit_card`, `card_number`, `cvv` or `iban` (the short ones as whole
//! words: `classname` is no `ssn`), or named
//! `encrypted_value`. Names ending in `_at`, `_type` or `_name` (`token_expires_at`,
//! `secret_name`) do not count. The same tables are also reported by
//! rls-disabled-in-exposed-schema.
//!
//! ## Why it matters
//! The API roles can read every row of such a table through the public endpoint: OAuth
//! tokens and keys stored there are one HTTP request away.
//!
//! ## Example
//! ```sql
//! CREATE TABLE public.integrations (id uuid PRIMARY KEY, access_token text NOT NULL,
//!                                   refresh_token text);
//! ```
//!
//! ## Fix
//! Enable row-level security and revoke the API roles' access: pglens drafts `ENABLE ROW
//! LEVEL SECURITY` and `REVOKE ALL ON ... FROM anon, authenticated`. Better still, keep
//! secrets out of exposed schemas (Supabase Vault, a private schema).
//!
//! ## Fix safety
//! Marked for review. Clients that use this table through the API lose all access at once.
//! Serve what they need from the server with `service_role` (it bypasses row-level security
//! and keeps its own grants), or add policies and grant back only what is needed: after the
//! REVOKE, policies alone give nothing. Grants to PUBLIC or to other roles stay as they are.
//! The REVOKE fails if `anon` or `authenticated` does not exist (an API set up with other
//! role names): name your API roles instead. Enabling RLS takes a brief exclusive lock.
//!
//! The fix closes the exposure from now on only: a secret that was readable may already have
//! been read, so rotate it.

use super::prelude::*;

pub struct SensitiveColumnsWithoutRls;

static META: RuleMeta = RuleMeta {
    id: "sensitive-columns-without-rls",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Secret-looking columns in an exposed table without row-level security",
    counterparts: &["splinter:0023_sensitive_columns_exposed"],
};

const SENSITIVE: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "ssn",
    "social_security",
    "credit_card",
    "card_number",
    "cvv",
    "iban",
];

/// Whether a column name says `secret`: anywhere in it for a long word (`passwordhash`,
/// `refresh_token`), as a whole word for a short one (`ssn`, `cvv`, `iban`), so `classname`
/// is not a social security number.
fn names_it(name: &str, secret: &str) -> bool {
    if secret.len() > 4 {
        return name.contains(secret);
    }
    name.split('_').any(|w| w == secret)
}

/// A text-like column whose name says it holds a secret (`token_expires_at` does not).
fn is_sensitive(column: &Column) -> bool {
    let textual = matches!(
        column.data_type.split('(').next().unwrap_or(""),
        "text" | "character varying" | "character" | "bytea" | "jsonb" | "json"
    );
    let name = column.name.to_ascii_lowercase();
    textual
        && (SENSITIVE.iter().any(|s| names_it(&name, s)) || name == "encrypted_value")
        && !name.ends_with("_at")
        && !name.ends_with("_type")
        && !name.ends_with("_name")
}

impl Rule for SensitiveColumnsWithoutRls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.exposed_tables_without_rls() {
            let columns: Vec<&str> = t
                .columns
                .iter()
                .filter(|c| is_sensitive(c))
                .map(|c| c.name.as_str())
                .collect();
            if columns.is_empty() {
                continue;
            }
            let fix = Fix::review(
                vec![
                    fix::enable_rls(t),
                    fix::revoke_on_relation(t, "ALL", &["anon", "authenticated"]),
                ],
                &["Clients that read this table through the API stop seeing it; serve it from the server with service_role, or add policies."],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} exposes {} through the API without row-level security",
                        t.schema,
                        t.name,
                        columns.join(", ")
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
