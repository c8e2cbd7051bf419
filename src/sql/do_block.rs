//! The schema changes inside a `DO` block. Migrations wrap DDL in `DO` to make it safe to run
//! twice (`IF NOT EXISTS (SELECT FROM pg_policies ...) THEN CREATE POLICY ...`, `BEGIN CREATE
//! TYPE ...; EXCEPTION WHEN duplicate_object THEN NULL; END`). On a fresh database the guard
//! lets the DDL through, so an offline reader that skips the block loses it.
//!
//! PL/pgSQL's own parser reads the block; the SQL statements of its body and of its `IF`
//! branches' `THEN` parts (what runs when the guard passes), and `EXECUTE 'literal'`, are
//! returned in order. `ELSE` branches, loops and exception handlers are left out: they run
//! when the object already exists, or depend on data.

use serde_json::Value;

/// The SQL a plpgsql `DO` body runs on a fresh database, in order; empty when PL/pgSQL's
/// parser rejects the body.
pub fn statements(body: &str) -> Vec<String> {
    let tag = super::mentions::dollar_tag(body);
    let create =
        format!("CREATE FUNCTION pglens_do() RETURNS void LANGUAGE plpgsql AS {tag}{body}{tag}");
    let Ok(tree) = pg_query::parse_plpgsql(&create) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&tree, &mut out);
    out
}

fn walk(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
        Value::Object(fields) => {
            for (key, value) in fields {
                match key.as_str() {
                    "PLpgSQL_stmt_execsql" => {
                        if let Some(q) = query(value.get("sqlstmt")) {
                            out.push(q.to_string());
                        }
                    }
                    "PLpgSQL_stmt_dynexecute" => {
                        if let Some(sql) = query(value.get("query")).and_then(string_literal) {
                            out.push(sql);
                        }
                    }
                    // What runs when the guard passes, and the block's own body.
                    "PLpgSQL_function" | "PLpgSQL_stmt_block" | "PLpgSQL_stmt_if" => {
                        for part in ["action", "body", "then_body"] {
                            if let Some(v) = value.get(part) {
                                walk(v, out);
                            }
                        }
                    }
                    "action" | "body" | "then_body" => walk(value, out),
                    _ => {}
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
              EXCEPTION WHEN duplicate_object THEN
                RAISE NOTICE 'exists';
              END;
            END";
        let found = statements(body);
        assert_eq!(
            found,
            [
                "CREATE POLICY own ON notes USING (true)",
                "ALTER TABLE notes ADD COLUMN n int",
                "CREATE TYPE mood AS ENUM ('ok')",
            ]
        );
        assert!(statements("BEGIN nonsense END").is_empty());
    }
}
