//! Which tables a function body or a policy condition names, read with PostgreSQL's own
//! parser (`pg_query`), so "what breaks if I drop this table" is as exact as the server's
//! grammar: every table in `FROM a, b`, in subqueries, CTE bodies, `INSERT`, `UPDATE`,
//! `DELETE`, `MERGE` and `TRUNCATE`; not CTE names, columns, strings or comments.
//!
//! - SQL bodies and policy conditions are parsed as they are (a condition as `SELECT cond`);
//! - PL/pgSQL bodies are parsed by PL/pgSQL's parser, and each embedded statement and
//!   expression by the SQL parser; `EXECUTE` of a string constant is parsed too;
//! - text neither parser accepts (other languages, broken bodies) falls back to
//!   PostgreSQL's lexer: names after `FROM` / `JOIN` / `INTO` / `UPDATE` / `TABLE` /
//!   `ONLY` / `TRUNCATE`, or after a schema and a dot.
//!
//! Dynamic SQL built at run time (`EXECUTE format(...)`) cannot be known without running it.
//! Everything here runs on a deep stack (see [`super::parse`]); callers that read many texts
//! enter it once.

use pg_query::protobuf::{KeywordKind, Token};
use pg_query::NodeRef;
use serde_json::Value;

use crate::model::Function;

/// A table named in SQL: its schema when the text gives one, and its name, folded as
/// PostgreSQL folds names (bare ones to lower case, quoted ones exactly).
pub type Mention = (Option<String>, String);

/// The tables an SQL text names: statements, or one expression such as a policy's USING.
pub fn in_sql(text: &str) -> Vec<Mention> {
    statements(text)
        .or_else(|| statements(&format!("SELECT {text}")))
        .unwrap_or_else(|| by_lexer(text))
}

/// The functions an SQL expression calls (a policy's USING), as `(schema if written, name)`;
/// empty when the parser rejects it.
pub fn functions_called(text: &str) -> Vec<Mention> {
    let Ok(parsed) = pg_query::parse(&format!("SELECT {text}"), pg_query::ParserOptions::DEFAULT)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (node, ..) in parsed.protobuf.nodes() {
        if let NodeRef::FuncCall(call) = node {
            let parts: Vec<String> = call
                .funcname
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(pg_query::NodeEnum::String(s)) => Some(s.sval.clone()),
                    _ => None,
                })
                .collect();
            match parts.as_slice() {
                [name] => out.push((None, name.clone())),
                [schema, name] => out.push((Some(schema.clone()), name.clone())),
                _ => {}
            }
        }
    }
    out
}

/// The tables a function's body names.
pub fn in_function(f: &Function) -> Vec<Mention> {
    let Some(body) = f.body.as_deref() else {
        return Vec::new();
    };
    let parsed = match f.language.as_str() {
        "sql" => statements(body),
        "plpgsql" => plpgsql(f, body),
        _ => None,
    };
    parsed.unwrap_or_else(|| by_lexer(body))
}

/// The tables in SQL statements, or None when the parser rejects the text.
fn statements(text: &str) -> Option<Vec<Mention>> {
    let parsed = pg_query::parse(text, pg_query::ParserOptions::DEFAULT).ok()?;
    let mut out = Vec::new();
    for (node, ..) in parsed.protobuf.nodes() {
        if let NodeRef::RangeVar(v) = node {
            let schema = (!v.schemaname.is_empty()).then(|| v.schemaname.clone());
            // A CTE's name is not a table.
            if schema.is_none() && parsed.cte_names.contains(&v.relname) {
                continue;
            }
            out.push((schema, v.relname.clone()));
        }
    }
    Some(out)
}

/// The tables a PL/pgSQL body names, or None when PL/pgSQL's parser rejects it.
fn plpgsql(f: &Function, body: &str) -> Option<Vec<Mention>> {
    // The parser wants the whole CREATE FUNCTION: the arguments and the result declare
    // the variables that assignments in the body may name.
    let tag = dollar_tag(body);
    let create = match f.result.as_str() {
        // libpg_query writes invalid JSON for a trigger function's own variables, so the
        // body is read as a block inside a function that declares NEW and OLD itself.
        "trigger" => {
            let block = body.trim().trim_end_matches(';');
            format!(
                "CREATE FUNCTION pglens_probe() RETURNS record LANGUAGE plpgsql AS \
                 {tag}DECLARE new record; old record; BEGIN {block}\n; END{tag}"
            )
        }
        "event_trigger" => format!(
            "CREATE FUNCTION pglens_probe() RETURNS void LANGUAGE plpgsql AS {tag}{body}{tag}"
        ),
        result => format!(
            "CREATE FUNCTION pglens_probe({}) RETURNS {result} LANGUAGE plpgsql AS {tag}{body}{tag}",
            f.arguments
        ),
    };
    let tree = pg_query::parse_plpgsql(&create).ok()?;
    let mut out = Vec::new();
    embedded_sql(&tree, false, &mut out);
    Some(out)
}

/// Walks PL/pgSQL's tree for its SQL: every `PLpgSQL_expr` query, and the string
/// constant an `EXECUTE` runs.
fn embedded_sql(node: &Value, in_execute: bool, out: &mut Vec<Mention>) {
    match node {
        Value::Object(fields) => {
            for (key, value) in fields {
                if key == "PLpgSQL_expr" {
                    if let Some(query) = value.get("query").and_then(Value::as_str) {
                        out.extend(expression(query, in_execute));
                    }
                    continue;
                }
                let execute = in_execute || key == "PLpgSQL_stmt_dynexecute";
                embedded_sql(value, execute && key != "params", out);
            }
        }
        Value::Array(items) => {
            for item in items {
                embedded_sql(item, in_execute, out);
            }
        }
        _ => {}
    }
}

/// One embedded piece of PL/pgSQL: a statement (`INSERT ...`), an expression
/// (`EXISTS (SELECT ...)`) or an assignment (`n := (SELECT count(*) FROM t)`).
fn expression(query: &str, executed: bool) -> Vec<Mention> {
    if executed {
        if let Some(sql) = string_constant(query) {
            return in_sql(&sql);
        }
    }
    let assigned = query.split_once(":=").map(|(_, value)| value);
    statements(query)
        .or_else(|| statements(&format!("SELECT {query}")))
        .or_else(|| assigned.and_then(|value| statements(&format!("SELECT {value}"))))
        .unwrap_or_else(|| by_lexer(query))
}

/// The text of `'...'` (or `E'...'`, `$$...$$`) when that is all the expression is.
fn string_constant(query: &str) -> Option<String> {
    let parsed =
        pg_query::parse(&format!("SELECT {query}"), pg_query::ParserOptions::DEFAULT).ok()?;
    let stmt = parsed
        .protobuf
        .stmts
        .first()?
        .stmt
        .as_ref()?
        .node
        .as_ref()?;
    let pg_query::NodeEnum::SelectStmt(select) = stmt else {
        return None;
    };
    let [target] = select.target_list.as_slice() else {
        return None;
    };
    let pg_query::NodeEnum::ResTarget(target) = target.node.as_ref()? else {
        return None;
    };
    let pg_query::NodeEnum::AConst(constant) = target.val.as_ref()?.node.as_ref()? else {
        return None;
    };
    match constant.val.as_ref()? {
        pg_query::protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
        _ => None,
    }
}

/// A dollar-quote tag that does not occur in `body`.
pub(crate) fn dollar_tag(body: &str) -> String {
    (0..)
        .map(|n| format!("$pglens{n}$"))
        .find(|tag| !body.contains(tag.as_str()))
        .unwrap_or_default()
}

/// One token of SQL text as PostgreSQL's lexer reads it: its kind, its text, and what kind
/// of keyword it is.
pub struct Lexeme<'t> {
    pub kind: Token,
    pub text: &'t str,
    keyword_kind: i32,
}

impl Lexeme<'_> {
    /// The name the token stands for, if it is one (see [`name_of`]).
    fn name(&self) -> Option<String> {
        name_of(self.kind, self.keyword_kind, self.text)
    }
}

/// The tokens of `text`, comments left out; empty when the lexer rejects it.
pub fn lexemes(text: &str) -> Vec<Lexeme<'_>> {
    let Ok(scanned) = pg_query::scan(text) else {
        return Vec::new();
    };
    scanned
        .tokens
        .iter()
        .filter_map(|t| {
            let kind = Token::try_from(t.token).ok()?;
            if matches!(kind, Token::SqlComment | Token::CComment) {
                return None;
            }
            let text = text.get(usize::try_from(t.start).ok()?..usize::try_from(t.end).ok()?)?;
            Some(Lexeme {
                kind,
                text,
                keyword_kind: t.keyword_kind,
            })
        })
        .collect()
}

/// Keywords after which a name is a table.
const TABLE_INTRODUCERS: &[Token] = &[
    Token::From,
    Token::Join,
    Token::Into,
    Token::Update,
    Token::Table,
    Token::Only,
    Token::Truncate,
];

/// The fallback for text no parser accepts: PostgreSQL's lexer, and names after a
/// table-introducing keyword or after a schema and a dot.
fn by_lexer(text: &str) -> Vec<Mention> {
    let tokens: Vec<(Token, Option<String>)> =
        lexemes(text).iter().map(|l| (l.kind, l.name())).collect();
    let mut out = Vec::new();
    for (i, (_, name)) in tokens.iter().enumerate() {
        let Some(name) = name else { continue };
        let before = |n: usize| i.checked_sub(n).and_then(|j| tokens.get(j));
        match before(1) {
            Some((Token::Ascii46, _)) => {
                if let Some((_, Some(schema))) = before(2) {
                    out.push((Some(schema.clone()), name.clone()));
                }
            }
            Some((kind, _)) if TABLE_INTRODUCERS.contains(kind) => {
                // `FROM public.t`: the schema, not a table; the name after the dot is.
                let qualified = matches!(tokens.get(i + 1), Some((Token::Ascii46, _)));
                if !qualified {
                    out.push((None, name.clone()));
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether SQL text changes data: `INSERT INTO`, `UPDATE ... SET`, `DELETE FROM`,
/// `TRUNCATE`, `MERGE INTO`, read by PostgreSQL's lexer (so not in strings or comments; `FOR
/// UPDATE` and `DO UPDATE` of an upsert that already inserts do not count on their own).
pub fn writes(text: &str) -> bool {
    let tokens: Vec<Token> = lexemes(text).iter().map(|l| l.kind).collect();
    tokens.iter().enumerate().any(|(i, t)| {
        let next = tokens.get(i + 1);
        let before = i.checked_sub(1).and_then(|j| tokens.get(j));
        match t {
            Token::Insert | Token::Merge => next == Some(&Token::Into),
            Token::DeleteP => next == Some(&Token::From),
            Token::Truncate => true,
            Token::Update => !matches!(
                before,
                Some(Token::For) | Some(Token::Do) | Some(Token::No) | Some(Token::Key)
            ),
            _ => false,
        }
    })
}

/// Every name a text uses without a schema: identifiers (and keywords usable as names) with
/// no dot on either side, folded as PostgreSQL folds them. Columns and variables are among
/// them; a caller compares the set with the names that a search path would resolve.
pub fn bare_names(text: &str) -> std::collections::BTreeSet<String> {
    let tokens: Vec<(Token, Option<String>)> =
        lexemes(text).iter().map(|l| (l.kind, l.name())).collect();
    let dot = |i: Option<usize>| matches!(i.and_then(|i| tokens.get(i)), Some((Token::Ascii46, _)));
    tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| !dot(i.checked_sub(1)) && !dot(Some(i + 1)))
        .filter_map(|(_, (_, name))| name.clone())
        .collect()
}

/// The name a token stands for: an identifier (quoted ones exactly, bare ones folded) or
/// a keyword that may be used as a name (`comment`, `name`).
fn name_of(kind: Token, keyword_kind: i32, slice: &str) -> Option<String> {
    if kind == Token::Ident {
        return Some(
            match slice.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => slice.to_lowercase(),
            },
        );
    }
    let usable = matches!(
        KeywordKind::try_from(keyword_kind),
        Ok(KeywordKind::UnreservedKeyword | KeywordKind::ColNameKeyword)
    );
    usable.then(|| slice.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: Vec<Mention>) -> Vec<String> {
        let mut out: Vec<String> = found
            .into_iter()
            .map(|(s, n)| match s {
                Some(s) => format!("{s}.{n}"),
                None => n,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn function(language: &str, arguments: &str, result: &str, body: &str) -> Function {
        Function {
            schema: "public".into(),
            name: "f".into(),
            identity_arguments: String::new(),
            arguments: arguments.into(),
            result: result.into(),
            kind: crate::model::FunctionKind::Function,
            language: language.into(),
            security_definer: false,
            volatility: crate::model::Volatility::Volatile,
            config: Vec::new(),
            owner: "postgres".into(),
            extension: None,
            body: Some(body.into()),
            comment: None,
            grants: Vec::new(),
            provenance: Default::default(),
        }
    }

    #[test]
    fn writes_are_statements_not_words() {
        assert!(writes("BEGIN UPDATE public.accounts SET balance = 0; END"));
        assert!(writes("DELETE FROM t WHERE id = $1"));
        assert!(writes("INSERT INTO t VALUES (1)"));
        assert!(!writes("SELECT * FROM t FOR UPDATE"));
        assert!(!writes("SELECT 'DELETE FROM t' -- UPDATE t SET x = 1\n"));
    }

    #[test]
    fn bare_names_leave_out_qualified_ones() {
        let found = bare_names(
            "SELECT public.f(x), \"Mixed\" FROM public.items i JOIN members m ON true -- t\n",
        );
        for name in ["x", "Mixed", "i", "members", "m"] {
            assert!(found.contains(name), "{name} is bare: {found:?}");
        }
        for name in ["public", "f", "items", "t"] {
            assert!(
                !found.contains(name),
                "{name} is qualified or a comment: {found:?}"
            );
        }
    }

    #[test]
    fn sql_names_every_table_and_nothing_else() {
        let found = in_sql(
            "WITH recent AS (SELECT * FROM public.orders) \
             SELECT 'from audit_log', a.audit_log FROM recent, customers a \
             JOIN \"Line Items\" l ON true -- from comments\n\
             WHERE EXISTS (SELECT 1 FROM archive.orders)",
        );
        assert_eq!(
            names(found),
            ["Line Items", "archive.orders", "customers", "public.orders"],
            "the second table of a FROM list and the subquery count; the CTE, the string, \
             the column and the comment do not"
        );
        assert_eq!(
            names(in_sql(
                "user_id = auth.uid() AND team_id IN (SELECT team_id FROM members)"
            )),
            ["members"],
            "a policy condition is an expression"
        );
    }

    #[test]
    fn plpgsql_bodies_are_read_statement_by_statement() {
        let body = "
            DECLARE n int;
            BEGIN
              NEW.updated_at := now();
              n := (SELECT count(*) FROM quotas WHERE owner = NEW.owner);
              IF EXISTS (SELECT 1 FROM blocked_users b WHERE b.id = NEW.owner) THEN
                RAISE EXCEPTION 'insert into nowhere';
              END IF;
              INSERT INTO audit.events (what) VALUES (TG_OP);
              EXECUTE 'DELETE FROM stale_rows';
              EXECUTE format('TRUNCATE %I', TG_TABLE_NAME);
              RETURN NEW;
            END";
        let f = function("plpgsql", "", "trigger", body);
        assert_eq!(
            names(in_function(&f)),
            ["audit.events", "blocked_users", "quotas", "stale_rows"]
        );
        // Arguments are declared, so assigning an OUT parameter parses.
        let f = function(
            "plpgsql",
            "p_id uuid, OUT total integer",
            "integer",
            "BEGIN total := (SELECT count(*) FROM orders WHERE id = p_id); END;",
        );
        assert_eq!(names(in_function(&f)), ["orders"]);
        let f = function(
            "plpgsql",
            "",
            "event_trigger",
            "BEGIN INSERT INTO ddl_log VALUES (tg_tag); END",
        );
        assert_eq!(names(in_function(&f)), ["ddl_log"]);
    }

    #[test]
    fn other_languages_and_broken_bodies_fall_back_to_the_lexer() {
        let broken = function(
            "plpgsql",
            "",
            "void",
            "BEGIN SELECT * FROM t1, t2 WHERE; END",
        );
        assert_eq!(names(in_function(&broken)), ["t1"]);
        let sql = function(
            "sql",
            "x int",
            "int",
            "SELECT x FROM counters JOIN public.limits ON true",
        );
        assert_eq!(names(in_function(&sql)), ["counters", "public.limits"]);
        assert_eq!(
            names(by_lexer(
                "UPDATE ONLY \"Audit Log\" SET x = 1; select 1 from comment"
            )),
            ["Audit Log", "comment"]
        );
        assert!(by_lexer("SELECT 'from audit_log' -- from x\n").is_empty());
    }
}
