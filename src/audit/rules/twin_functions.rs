//! # twin-functions
//!
//! ## What it finds
//! Two or more functions in the application's schemas with the same language, arguments,
//! result and body once whitespace, comments, letter case of keywords and the functions'
//! own names are set aside. The typical case is two `updated_at` trigger functions
//! (`handle_updated_at()` and `update_updated_at_column()`), each added by a different
//! migration or tutorial, each used by some of the triggers. Bodies of only a few tokens
//! (`SELECT true`) are not compared.
//!
//! ## Why it matters
//! Twins drift: a fix or a change of behaviour lands in one and not the other, and the
//! tables using the other keep the old behaviour without anyone noticing. They also make a
//! schema harder to read: a reviewer must compare the bodies to know they are the same.
//!
//! ## Example
//! ```sql
//! CREATE FUNCTION handle_updated_at() RETURNS trigger LANGUAGE plpgsql
//!   AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;
//! CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql
//!   AS $$ begin new.updated_at := now(); return new; end $$;
//! ```
//!
//! ## Fix
//! Keep one (the one more triggers use), recreate each trigger that calls another twin so
//! that it calls the one kept, and drop the others. Each trigger is dropped and recreated
//! inside one transaction, so no row is written without it.
//!
//! ## Fix safety
//! Marked for review. Recreating a trigger takes a brief exclusive lock on its table. The
//! drop fails, leaving the rest done, if anything PostgreSQL records still depends on the
//! twin (a default, a policy); calls that PostgreSQL does not record (other function
//! bodies, the application calling it by name, dynamic SQL) break once it is gone: search
//! for the name first. Small differences the comparison ignores are worth a last look: a
//! `SECURITY DEFINER` or a `SET` clause on one twin only.

use std::collections::BTreeMap;

use super::prelude::*;
use crate::model::Function;

pub struct TwinFunctions;

static META: RuleMeta = RuleMeta {
    id: "twin-functions",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "Functions defined twice with the same body",
    counterparts: &[],
};

/// Bodies shorter than this many tokens are too generic to call twins.
const MIN_TOKENS: usize = 6;

impl Rule for TwinFunctions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let functions: Vec<&Function> = cx
            .catalog
            .functions
            .iter()
            .filter(|f| f.extension.is_none() && !cx.is_managed_schema(&f.schema))
            .collect();
        let shapes = crate::sql::parse::with_deep_stack(|| {
            functions
                .iter()
                .map(|f| shape(f))
                .collect::<Vec<Option<Vec<String>>>>()
        });
        let mut groups: BTreeMap<(&str, &str, &str, Vec<String>), Vec<&Function>> = BTreeMap::new();
        for (f, tokens) in functions.iter().zip(shapes) {
            let Some(tokens) = tokens.filter(|t| t.len() >= MIN_TOKENS) else {
                continue;
            };
            groups
                .entry((&f.language, &f.result, &f.identity_arguments, tokens))
                .or_default()
                .push(f);
        }
        for twins in groups.into_values().filter(|g| g.len() > 1) {
            out.push(finding(cx, &twins));
        }
    }
}

/// The body as tokens, comments dropped, names and keywords folded, the function's own
/// name replaced by a placeholder; None when there is no body to compare.
fn shape(f: &Function) -> Option<Vec<String>> {
    let body = f.body.as_deref()?;
    let own = f.name.to_lowercase();
    let shape = crate::sql::mentions::lexemes(body)
        .into_iter()
        .map(|l| {
            // PL/pgSQL assigns with `=` or `:=` alike.
            if l.text == ":=" {
                return "=".to_string();
            }
            let folded = if l.kind == pg_query::protobuf::Token::Sconst {
                l.text.to_string()
            } else {
                l.text.to_lowercase()
            };
            if folded == own {
                "$self".into()
            } else {
                folded
            }
        })
        .collect::<Vec<String>>();
    (!shape.is_empty()).then_some(shape)
}

/// The triggers (table, trigger) that call `f`.
fn triggers_of<'a>(
    cx: &Context<'a>,
    f: &Function,
) -> Vec<(&'a Relation, &'a crate::model::Trigger)> {
    cx.catalog
        .relations
        .iter()
        .flat_map(|r| r.triggers.iter().map(move |t| (r, t)))
        .filter(|(_, t)| t.function.schema == f.schema && t.function.name == f.name)
        .collect()
}

fn finding(cx: &Context<'_>, twins: &[&Function]) -> Finding {
    let uses: Vec<_> = twins.iter().map(|f| triggers_of(cx, f)).collect();
    let keep = (0..twins.len())
        .max_by_key(|&i| (uses[i].len(), std::cmp::Reverse(twins[i].signature())))
        .unwrap_or(0);
    let kept = twins[keep];
    let mut statements = Vec::new();
    let mut described = Vec::new();
    for (i, f) in twins.iter().enumerate() {
        let names: Vec<String> = uses[i]
            .iter()
            .map(|(r, t)| format!("{} on {}", t.name, r.name))
            .collect();
        described.push(if names.is_empty() {
            format!("{}.{} (no trigger)", f.schema, f.signature())
        } else {
            format!("{}.{} ({})", f.schema, f.signature(), names.join(", "))
        });
        if i == keep {
            continue;
        }
        for (r, t) in &uses[i] {
            if let Some(recreate) = fix::trigger_calling(&t.definition, kept) {
                statements.push(fix::drop_trigger(r, &t.name));
                statements.push(recreate);
            }
        }
        statements.push(fix::drop_function(f));
    }
    META.finding(
        ObjectRef::schema_object(ObjectKind::Function, &kept.schema, &kept.signature()),
        format!(
            "{} functions have the same body: {}; keep {}.{}",
            twins.len(),
            described.join(" and "),
            kept.schema,
            kept.name
        ),
    )
    .with_fix(
        Fix::review(
            statements,
            &["Search the application and other function bodies for the dropped names first; PostgreSQL does not record calls made by name."],
        )
        .in_transaction(),
    )
}
