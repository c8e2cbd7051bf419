//! # updated-at-without-trigger
//!
//! ## What it finds
//! Tables with an `updated_at` column and no BEFORE UPDATE row trigger that maintains it: a
//! trigger counts when its function is `moddatetime` or its body assigns `NEW.updated_at`.
//! History copies (a table that another table's trigger writes to and that carries most of
//! its columns, such as `orders_history` filled by a trigger on `orders`) are left alone:
//! their `updated_at` copies the source row's.
//!
//! ## Why it matters
//! The column then says when the row was created, or whenever some code path remembered to
//! set it. Sync jobs, caches and "recently changed" views built on it silently miss changes.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id uuid PRIMARY KEY, name text,
//!   updated_at timestamptz NOT NULL DEFAULT now());   -- no trigger
//! ```
//!
//! ## Fix
//! A BEFORE UPDATE trigger that sets `NEW.updated_at = now()`. pglens reuses a trigger
//! function the database already has for this (one without arguments, not from an
//! extension, whose body sets `updated_at`, in any schema), or creates `set_updated_at()` in
//! the table's schema (`pglens_set_updated_at()` when that name is taken). The trigger is
//! `set_updated_at`, or `pglens_set_updated_at` when the table already has a trigger of that
//! name; `DROP TRIGGER IF EXISTS` of the same name first makes the fix re-runnable.
//!
//! ## Fix safety
//! Marked safe to paste: it changes no existing row, and the `DROP TRIGGER` only ever names
//! the trigger the fix is about to create. It does change every later UPDATE: `updated_at`
//! is set to the transaction's start time, overwriting any value the statement sets itself,
//! so imports or syncs that keep original timestamps get the current time instead. A reused
//! function is called as it is, recognised only by its body assigning `NEW.updated_at`:
//! read it, in case it does more. Creating the trigger takes a brief lock that blocks writes
//! to the table.
//!
//! Check first: code that sets `updated_at` on purpose, and the reused function if any.

use super::prelude::*;
use crate::model::{Function, TriggerEvent, TriggerLevel, TriggerTiming};

pub struct UpdatedAtWithoutTrigger;

static META: RuleMeta = RuleMeta {
    id: "updated-at-without-trigger",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "updated_at column not maintained by a trigger",
    counterparts: &[],
};

const TRIGGER_NAME: &str = "set_updated_at";

/// A trigger function that stamps updated_at: its body assigns it, or it is moddatetime.
fn stamps_updated_at(f: &Function) -> bool {
    f.result == "trigger"
        && (f.name == "moddatetime"
            || f.body.as_deref().is_some_and(|b| {
                let b = b.to_ascii_lowercase();
                b.contains("new.updated_at") && b.contains(":=") || b.contains("new.updated_at =")
            }))
}

fn maintained(cx: &Context<'_>, t: &Relation) -> bool {
    t.triggers.iter().any(|tr| {
        tr.timing == TriggerTiming::Before
            && tr.level == TriggerLevel::Row
            && tr.events.contains(&TriggerEvent::Update)
            && cx
                .catalog
                .functions
                .iter()
                .any(|f| f.qualified_name() == tr.function && stamps_updated_at(f))
    })
}

impl Rule for UpdatedAtWithoutTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let existing = cx.catalog.functions.iter().find(|f| {
            stamps_updated_at(f) && f.identity_arguments.is_empty() && f.extension.is_none()
        });
        // A history table's updated_at copies the source row's: a trigger of its own would
        // overwrite it whenever the source's trigger closes a version.
        let copies = cx.history_copies();
        for t in cx.user_tables() {
            if !t.has_column("updated_at")
                || maintained(cx, t)
                || copies.contains(&t.qualified_name())
            {
                continue;
            }
            let mut statements = Vec::new();
            let function = match existing {
                Some(f) => f.qualified_name(),
                None => {
                    let taken = cx
                        .catalog
                        .functions
                        .iter()
                        .any(|f| f.schema == t.schema && f.name == TRIGGER_NAME);
                    let name = if taken {
                        "pglens_set_updated_at"
                    } else {
                        TRIGGER_NAME
                    };
                    let q = QualifiedName::new(&t.schema, name);
                    statements.push(fix::create_updated_at_function(&q));
                    q
                }
            };
            let trigger = if t.triggers.iter().any(|tr| tr.name == TRIGGER_NAME) {
                "pglens_set_updated_at"
            } else {
                TRIGGER_NAME
            };
            statements.push(fix::drop_trigger(t, trigger));
            statements.push(fix::create_update_trigger(t, trigger, &function));
            out.push(
                META.finding(
                    ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, "updated_at"),
                    format!(
                        "{}.{}.updated_at is not maintained by a trigger",
                        t.schema, t.name
                    ),
                )
                .with_fix(Fix::safe(statements)),
            );
        }
    }
}
