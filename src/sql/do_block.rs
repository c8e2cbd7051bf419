//! The schema changes inside a `DO` block. Migrations wrap DDL in `DO` to make it safe to run
//! twice (`IF NOT EXISTS (SELECT FROM pg_policies ...) THEN CREATE POLICY ...`, `BEGIN CREATE
//! TYPE ...; EXCEPTION WHEN duplicate_object THEN NULL; END`). On a fresh database the guard
//! lets the DDL through, so an offline reader that skips the block loses it.
//!
//! PL/pgSQL's own parser reads the block; the SQL statements of its body and of its `IF`
//! branches' `THEN` parts (what runs when the guard passes), and `EXECUTE 'literal'`, are
//! returned in order. `ELSE` branches, loops and exception handlers are left out: they run
//! when the object already exists, or depend on data. Statements under a condition or an
//! exception handler are marked: the block decides whether they fail, so their failures
//! are not the file's.

use serde_json::Value;

/// One SQL statement a `DO` block runs.
#[derive(Debug, PartialEq, Eq)]
pub struct BlockStatement {
    pub sql: String,
    /// Runs only when a condition holds (an `IF` branch): whether it would fail is the
    /// block's to decide, not the reader's.
    pub conditional: bool,
    /// The conditions an enclosing exception handler catches (`undefined_table`,
    /// `others`), lowercase: a failure of one of them is caught, not raised.
    pub handled: Vec<String>,
}

impl BlockStatement {
    /// Whether a failure of `condition` (PostgreSQL's name for it) stops the block.
    pub fn raises(&self, condition: &str) -> bool {
        !self.conditional && !self.handled.iter().any(|h| h == condition || h == "others")
    }
}

/// The SQL a plpgsql `DO` body runs on a fresh database, in order; empty when PL/pgSQL's
/// parser rejects the body.
pub fn statements(body: &str) -> Vec<BlockStatement> {
    let tag = super::mentions::dollar_tag(body);
    let create =
        format!("CREATE FUNCTION pglens_do() RETURNS void LANGUAGE plpgsql AS {tag}{body}{tag}");
    let Ok(tree) = pg_query::parse_plpgsql(&create) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&tree, &Guards::default(), &mut out);
    out
}

/// What encloses a statement: an IF, exception handlers.
#[derive(Clone, Default)]
struct Guards {
    conditional: bool,
    handled: Vec<String>,
}

fn walk(node: &Value, guards: &Guards, out: &mut Vec<BlockStatement>) {
    match node {
        Value::Array(items) => items.iter().for_each(|i| walk(i, guards, out)),
        Value::Object(fields) => {
            for (key, value) in fields {
                let mut push = |sql: String| {
                    out.push(BlockStatement {
                        sql,
                        conditional: guards.conditional,
                        handled: guards.handled.clone(),
                    })
                };
                match key.as_str() {
                    "PLpgSQL_stmt_execsql" => {
                        if let Some(q) = query(value.get("sqlstmt")) {
                            push(q.to_string());
                        }
                    }
                    "PLpgSQL_stmt_dynexecute" => {
                        if let Some(sql) = query(value.get("query")).and_then(string_literal) {
                            push(sql);
                        }
                    }
                    // The body of a function or block, under the block's handlers.
                    "PLpgSQL_function" | "PLpgSQL_stmt_block" => {
                        let mut inner = guards.clone();
                        if let Some(handlers) = value.get("exceptions") {
                            condition_names(handlers, &mut inner.handled);
                        }
                        for part in ["action", "body"] {
                            if let Some(v) = value.get(part) {
                                walk(v, &inner, out);
                            }
                        }
                    }
                    // What runs when the guard passes.
                    "PLpgSQL_stmt_if" => {
                        if let Some(v) = value.get("then_body") {
                            let inner = Guards {
                                conditional: true,
                                ..guards.clone()
                            };
                            walk(v, &inner, out);
                        }
                    }
                    "action" | "body" => walk(value, guards, out),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// Every `condname` under an exception block: the conditions its handlers catch.
fn condition_names(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Array(items) => items.iter().for_each(|i| condition_names(i, out)),
        Value::Object(fields) => {
            for (key, value) in fields {
                match (key.as_str(), value.as_str()) {
                    ("condname", Some(name)) => out.push(name.to_lowercase()),
                    _ => condition_names(value, out),
                }
            }
        }
        _ => {}
    }
}

fn query(expr: Option<&Value>) -> Option<&str> {
    expr?.get("PLpgSQL_expr")?.get("query")?.as_str()
}

/// `'...'` (quotes doubled inside) or `$tag$...$tag$` as its text.
fn string_literal(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    let tag_end = text.strip_prefix('$')?.find('$')? + 2;
    let tag = &text[..tag_end];
    text[tag_end..].strip_suffix(tag).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_ddl_is_what_runs_on_a_fresh_database() {
        let body = "
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE policyname = 'own') THEN
                CREATE POLICY own ON notes USING (true);
              ELSE
                DROP POLICY own ON notes;
              END IF;
              EXECUTE 'ALTER TABLE notes ADD COLUMN n int';
              BEGIN
                CREATE TYPE mood AS ENUM ('ok');
              EXCEPTION WHEN duplicate_object OR Undefined_Table THEN
                RAISE NOTICE 'exists';
              END;
            END";
        let found = statements(body);
        let sql: Vec<&str> = found.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            sql,
            [
                "CREATE POLICY own ON notes USING (true)",
                "ALTER TABLE notes ADD COLUMN n int",
                "CREATE TYPE mood AS ENUM ('ok')",
            ]
        );
        assert!(
            !found[0].raises("undefined_object"),
            "under IF: the guard decides"
        );
        assert!(found[1].raises("undefined_table"));
        assert!(!found[2].raises("undefined_table"), "caught by its handler");
        assert!(
            found[2].raises("undefined_column"),
            "not caught by its handler"
        );
        assert!(statements("BEGIN nonsense END").is_empty());
    }
}
