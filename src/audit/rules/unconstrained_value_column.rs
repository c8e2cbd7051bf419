//! # unconstrained-value-column
//!
//! ## What it finds
//! Columns whose name promises a shape that nothing enforces: e-mail columns (`text` or
//! `varchar` named `email` or `..._email`) with no CHECK; numeric `percent`, `percentage`
//! or `..._percent` columns, and `score` / `..._score` columns whose comment gives a 0-100
//! scale, with no range check; and numeric money-like columns (a name with the word
//! `amount`, `price`, `cost`, `budget` or `revenue`: `total_amount`, `price_cents`) with no
//! non-negative check. Left alone: any column a CHECK constraint involves, columns typed
//! with a domain or an enum, foreign-key columns, names that say the value may be negative
//! (`amount_signed`, `discount_amount`, `tax`, `balance`, `delta`, `refund`,
//! `amount_currency`, `extra_price`, `factor_percent`, ...), money and percentages on tables
//! whose name says so too (`account_tax`, `price_adjustment`), money on document lines
//! (`*_line`) in a schema that keeps double-entry books (a table with `debit` and `credit`),
//! a `percent_price` (a percentage, not money), and columns a function compares with below
//! zero (`WHERE amount < 0`).
//!
//! ## Why it matters
//! Validation that lives only in application code is skipped by every other writer: scripts,
//! imports, a second service, the SQL editor. A CHECK constraint holds for all of them, and
//! bad values are refused when written instead of discovered in a report months later.
//!
//! ## Example
//! ```sql
//! CREATE TABLE leads (id uuid PRIMARY KEY, email text, score integer, budget numeric);
//! ```
//!
//! ## Fix
//! Add the CHECK `NOT VALID` (instant), then `VALIDATE CONSTRAINT` (checks old rows without
//! blocking writes). pglens drafts a permissive e-mail check (one `@`, something on each
//! side, no spaces: `email ~ '^[^@[:space:]]+@[^@[:space:]]+$'`), a 0-100 range
//! (`score >= 0 AND score <= 100`) and `amount >= 0` for money.
//!
//! ## Fix safety
//! Marked for review: the rule is a guess from the column's name. The e-mail check accepts
//! every real address (non-ASCII included) and refuses the empty string (NULL passes); a
//! score may legitimately go above 100, the 0-100 range lets a 0-1 probability through
//! unchecked, and a `value` or `cost` may legitimately be negative (refunds, adjustments).
//!
//! Adding the constraint takes a brief exclusive lock, and from then on every insert and
//! update must satisfy it: code that writes a breaking value starts failing at once, before
//! any validation. `VALIDATE CONSTRAINT` then fails on the first old row that breaks the
//! rule, leaving the constraint in place but not validated.
//!
//! Check first: query for the rows that break the rule, fix them, and confirm that no writer
//! still produces such values.

use super::prelude::*;

pub struct UnconstrainedValueColumn;

static META: RuleMeta = RuleMeta {
    id: "unconstrained-value-column",
    severity: Severity::Info,
    category: Category::Integrity,
    summary: "E-mail, score or amount column without a CHECK constraint",
    counterparts: &[],
};

enum Shape {
    Email,
    Percentage,
    NonNegative,
}

fn is_numeric(data_type: &str) -> bool {
    [
        "integer",
        "bigint",
        "smallint",
        "numeric",
        "real",
        "double precision",
    ]
    .iter()
    .any(|t| data_type.starts_with(t))
}

/// Words in a column's name that say its value may be negative: a signed amount, a
/// difference, a discount or tax stored as a negative line, a score on any scale.
const SIGNED_WORDS: &[&str] = &[
    "signed",
    "discount",
    "tax",
    "delta",
    "diff",
    "difference",
    "adjustment",
    "balance",
    "change",
    "offset",
    "residual",
    "expense",
    "refund",
    "credit",
    "debit",
    "net",
    "profit",
    "loss",
    "variance",
    "currency",
    "extra",
    "factor",
];

/// Whether the schema keeps double-entry books (a table with both `debit` and `credit`):
/// there, amounts on line tables are signed by design (a refund line, a credit note, a
/// cost in analytic accounting).
fn keeps_double_entry_books(cx: &Context<'_>) -> bool {
    cx.user_tables()
        .any(|t| t.has_column("debit") && t.has_column("credit"))
}

/// A line of a document (`sale_order_line`, `invoice_lines`, `account_move_line_tax`):
/// where discounts and refunds are stored as negative lines.
fn is_line_table(name: &str) -> bool {
    name.split('_').any(|w| w == "line" || w == "lines")
}

fn shape_of(c: &Column) -> Option<Shape> {
    let name = c.name.as_str();
    let text = c.data_type == "text" || c.data_type.starts_with("character varying");
    if text && (name == "email" || name.ends_with("_email")) {
        return Some(Shape::Email);
    }
    if !is_numeric(&c.data_type) {
        return None;
    }
    let words: Vec<&str> = name.split('_').collect();
    if words.iter().any(|w| SIGNED_WORDS.contains(w)) {
        return None;
    }
    // A percentage by name; a score only when its comment gives the 0-100 scale (scores
    // are as often -1..1 or unbounded).
    let comment = c.comment.as_deref().unwrap_or_default().to_lowercase();
    let says_percent = ["0-100", "0 to 100", "0..100", "percent", "%"]
        .iter()
        .any(|s| comment.contains(s));
    if matches!(name, "percent" | "percentage")
        || name.ends_with("_percent")
        || ((name == "score" || name.ends_with("_score")) && says_percent)
    {
        return Some(Shape::Percentage);
    }
    let money = ["amount", "price", "cost", "budget", "revenue"];
    // `percent_price` is a percentage off (or on) a price, not an amount.
    if money.iter().any(|m| words.contains(m)) && !words.contains(&"percent") {
        return Some(Shape::NonNegative);
    }
    None
}

/// Whether some function compares the column with below zero (`amount < 0`): the
/// application stores negative values there. Bodies are lower-cased once per audit, and
/// each column name is asked about once, however many tables have it.
struct ComparedBelowZero {
    bodies: Vec<String>,
    known: std::cell::RefCell<std::collections::HashMap<String, bool>>,
}

impl ComparedBelowZero {
    fn new(cx: &Context<'_>) -> Self {
        ComparedBelowZero {
            bodies: cx
                .catalog
                .functions
                .iter()
                .filter_map(|f| f.body.as_deref().map(str::to_lowercase))
                .collect(),
            known: Default::default(),
        }
    }

    fn holds(&self, column: &str) -> bool {
        if let Some(&known) = self.known.borrow().get(column) {
            return known;
        }
        let patterns = [
            format!("{column} < 0"),
            format!("{column}<0"),
            format!("{column} <= -"),
        ];
        let found = self
            .bodies
            .iter()
            .any(|b| patterns.iter().any(|p| b.contains(p.as_str())));
        self.known.borrow_mut().insert(column.to_string(), found);
        found
    }
}

impl Rule for UnconstrainedValueColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let books = keeps_double_entry_books(cx);
        let below_zero = ComparedBelowZero::new(cx);
        for t in cx.user_tables() {
            // A table about taxes, discounts or adjustments holds signed figures throughout;
            // so do document lines where the books are double-entry.
            let signed_table = t.name.split('_').any(|w| SIGNED_WORDS.contains(&w))
                || (books && is_line_table(&t.name));
            for c in &t.columns {
                let Some(shape) = shape_of(c) else { continue };
                if signed_table && !matches!(shape, Shape::Email) {
                    continue;
                }
                // A foreign key's column takes its values from the table it references.
                if t.foreign_keys().any(|(k, _)| k.columns.contains(&c.name)) {
                    continue;
                }
                if matches!(shape, Shape::NonNegative) && below_zero.holds(&c.name) {
                    continue;
                }
                let checked = t
                    .constraints
                    .iter()
                    .any(|k| k.kind == ConstraintKind::Check && k.columns.contains(&c.name));
                if checked || matches!(c.type_kind, TypeKind::Domain { .. } | TypeKind::Enum { .. })
                {
                    continue;
                }
                let (expression, what) = match shape {
                    Shape::Email => (fix::email_check(&c.name), "an e-mail format check"),
                    Shape::Percentage => (fix::range_check(&c.name, 0, 100), "a 0-100 range check"),
                    Shape::NonNegative => {
                        (fix::non_negative_check(&c.name), "a non-negative check")
                    }
                };
                let name = fix::object_name(&[&t.name, &c.name, "check"]);
                let fix = Fix::review(
                    vec![
                        fix::add_check(t, &name, &expression),
                        fix::validate_constraint(t, &name),
                    ],
                    &["VALIDATE fails on existing rows that break the rule; fix them first."],
                );
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "{}.{}.{} has no CHECK constraint; it wants {what}",
                            t.schema, t.name, c.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
