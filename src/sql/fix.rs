//! The statements audit findings suggest. Each builder returns one statement; names are
//! quoted with [`ident`] / [`qualified`], values with [`literal`]. Expressions taken from the
//! catalog (policy conditions, column types) are server-printed SQL and are used as they are.
//!
//! Statements are re-runnable where PostgreSQL allows: `IF NOT EXISTS`, `IF EXISTS`, and
//! `DROP POLICY IF EXISTS` before `CREATE POLICY`.

use serde::Serialize;

use super::{ident, literal, qualified, qualified_name};
use crate::model::{FkAction, Function, Policy, PolicyCommand, QualifiedName, Relation};

pub use crate::model::platform::BACKUP_SCHEMA;

/// One statement of a fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixStatement {
    pub sql: String,
    /// True for statements PostgreSQL refuses inside a transaction block (CONCURRENTLY).
    pub outside_transaction: bool,
}

/// PostgreSQL truncates identifiers to 63 bytes; do it ourselves, on a character boundary,
/// so `IF NOT EXISTS` and later `DROP`s name what was really created.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Every statement passes through [`super::printable`]: expressions taken from the catalog
/// may hold raw control characters, which must not reach a clipboard or a terminal.
fn stmt(sql: String) -> FixStatement {
    FixStatement {
        sql: super::printable(&sql).into_owned(),
        outside_transaction: false,
    }
}

fn concurrent(sql: String) -> FixStatement {
    FixStatement {
        sql: super::printable(&sql).into_owned(),
        outside_transaction: true,
    }
}

fn table(t: &Relation) -> String {
    qualified(&t.schema, &t.name)
}

/// A name made of parts joined by `_`, at most 63 bytes. A longer name is cut on a character
/// boundary and ends in a hash of the whole, so two long names that share a prefix (an
/// index on `tags` and one on `tenant_id` of the same long-named table) stay distinct;
/// otherwise the second `IF NOT EXISTS` would silently do nothing.
pub fn object_name(parts: &[&str]) -> String {
    let name = parts.join("_");
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name;
    }
    let hash = fnv1a(name.as_bytes());
    with_hash(&name, hash)
}

/// `name` cut on a character boundary so that it ends in `_<hash>` within 63 bytes.
fn with_hash(name: &str, hash: u32) -> String {
    let suffix = format!("_{hash:08x}");
    let mut cut = MAX_IDENTIFIER_BYTES - suffix.len();
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &name[..cut])
}

/// 32-bit FNV-1a: small, stable across runs and platforms, enough to tell names apart.
pub(crate) fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, b| {
        (hash ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

pub fn enable_rls(t: &Relation) -> FixStatement {
    stmt(format!(
        "ALTER TABLE {} ENABLE ROW LEVEL SECURITY",
        table(t)
    ))
}

pub fn drop_column(t: &Relation, column: &str) -> FixStatement {
    stmt(format!(
        "ALTER TABLE {} DROP COLUMN IF EXISTS {}",
        table(t),
        ident(column)
    ))
}

/// `ALTER TABLE t ADD COLUMN IF NOT EXISTS c type [REFERENCES p (k) ON DELETE ...]`.
pub fn add_column(
    t: &Relation,
    column: &str,
    type_sql: &str,
    references: Option<(&QualifiedName, &str, FkAction)>,
) -> FixStatement {
    let mut sql = format!(
        "ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {type_sql}",
        table(t),
        ident(column)
    );
    if let Some((target, key, on_delete)) = references {
        sql.push_str(&format!(
            " REFERENCES {} ({}){}",
            qualified_name(target),
            ident(key),
            on_delete_clause(on_delete)
        ));
    }
    stmt(sql)
}

fn on_delete_clause(action: FkAction) -> &'static str {
    match action {
        FkAction::NoAction => "",
        FkAction::Restrict => " ON DELETE RESTRICT",
        FkAction::Cascade => " ON DELETE CASCADE",
        FkAction::SetNull => " ON DELETE SET NULL",
        FkAction::SetDefault => " ON DELETE SET DEFAULT",
    }
}

/// Copies `parent_column` from the parent row each child row references.
pub fn backfill_from_parent(
    t: &Relation,
    column: &str,
    parent: &QualifiedName,
    parent_column: &str,
    child_keys: &[String],
    parent_keys: &[String],
) -> FixStatement {
    let join: Vec<String> = child_keys
        .iter()
        .zip(parent_keys)
        .map(|(c, p)| format!("child.{} = parent.{}", ident(c), ident(p)))
        .collect();
    stmt(format!(
        "UPDATE {} AS child SET {} = parent.{} FROM {} AS parent WHERE {} AND child.{} IS NULL",
        table(t),
        ident(column),
        ident(parent_column),
        qualified_name(parent),
        join.join(" AND "),
        ident(column)
    ))
}

pub fn set_not_null(t: &Relation, column: &str) -> FixStatement {
    stmt(format!(
        "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
        table(t),
        ident(column)
    ))
}

/// A key of an index to create.
pub struct KeySpec<'a> {
    pub column: &'a str,
    pub descending: bool,
}

impl<'a> KeySpec<'a> {
    pub fn asc(column: &'a str) -> Self {
        Self {
            column,
            descending: false,
        }
    }
}

/// `CREATE INDEX CONCURRENTLY IF NOT EXISTS` over plain columns; on a partitioned table,
/// which refuses `CONCURRENTLY`, a plain `CREATE INDEX IF NOT EXISTS`, which builds the
/// index on every partition.
pub fn create_index(t: &Relation, name: &str, method: &str, keys: &[KeySpec<'_>]) -> FixStatement {
    let keys: Vec<String> = keys
        .iter()
        .map(|k| {
            let mut s = ident(k.column);
            if k.descending {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    let using = if method == "btree" {
        String::new()
    } else {
        format!(" USING {method}")
    };
    if t.kind == crate::model::RelationKind::PartitionedTable {
        return stmt(format!(
            "CREATE INDEX IF NOT EXISTS {} ON {}{using} ({})",
            ident(name),
            table(t),
            keys.join(", ")
        ));
    }
    concurrent(format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {}{using} ({})",
        ident(name),
        table(t),
        keys.join(", ")
    ))
}

/// Default name for a new index on `columns`: `idx_<table>_<cols>`.
pub fn index_name(t: &Relation, columns: &[&str]) -> String {
    let mut parts = vec!["idx", t.name.as_str()];
    parts.extend_from_slice(columns);
    object_name(&parts)
}

/// `DROP INDEX CONCURRENTLY IF EXISTS` of an index of `t`; a plain `DROP INDEX` on a
/// partitioned table, which refuses `CONCURRENTLY` (it locks the table while it runs).
pub fn drop_index(t: &Relation, name: &str) -> FixStatement {
    if t.kind == crate::model::RelationKind::PartitionedTable {
        return stmt(format!(
            "DROP INDEX IF EXISTS {}",
            qualified(&t.schema, name)
        ));
    }
    concurrent(format!(
        "DROP INDEX CONCURRENTLY IF EXISTS {}",
        qualified(&t.schema, name)
    ))
}

pub fn reindex(schema: &str, name: &str) -> FixStatement {
    concurrent(format!(
        "REINDEX INDEX CONCURRENTLY {}",
        qualified(schema, name)
    ))
}

pub fn drop_policy(t: &Relation, name: &str) -> FixStatement {
    stmt(format!(
        "DROP POLICY IF EXISTS {} ON {}",
        ident(name),
        table(t)
    ))
}

/// A policy to create. `using` / `with_check` are SQL expressions.
pub struct PolicySpec<'a> {
    pub name: &'a str,
    pub command: PolicyCommand,
    pub permissive: bool,
    pub roles: &'a [String],
    pub using: Option<&'a str>,
    pub with_check: Option<&'a str>,
}

/// A policy to create, its auth calls wrapped as every policy pglens drafts has them.
pub fn create_policy(t: &Relation, p: &PolicySpec<'_>) -> FixStatement {
    let mut sql = policy_head(t, p);
    sql.push_str(&policy_conditions(p.using, p.with_check));
    stmt(sql)
}

/// The `CREATE POLICY` that makes the policy as it is, its conditions word for word: what
/// a Definition shows, where a rewritten condition would hide what a finding points at.
pub fn policy_as_defined(t: &Relation, p: &PolicySpec<'_>) -> String {
    let mut sql = policy_head(t, p);
    if let Some(u) = p.using {
        sql.push_str(&format!(" USING ({u})"));
    }
    if let Some(c) = p.with_check {
        sql.push_str(&format!(" WITH CHECK ({c})"));
    }
    sql
}

/// `CREATE POLICY name ON t [AS RESTRICTIVE] FOR cmd [TO roles]`.
fn policy_head(t: &Relation, p: &PolicySpec<'_>) -> String {
    let mut sql = format!("CREATE POLICY {} ON {}", ident(p.name), table(t));
    if !p.permissive {
        sql.push_str(" AS RESTRICTIVE");
    }
    sql.push_str(&format!(" FOR {}", p.command.sql()));
    if !p.roles.is_empty() {
        let roles: Vec<&str> = p.roles.iter().map(String::as_str).collect();
        sql.push_str(&format!(" TO {}", role_list(&roles)));
    }
    sql
}

/// ` USING (...) WITH CHECK (...)`, each when given. Auth calls are written once per
/// statement in every policy pglens drafts, so a fix made for another reason never brings
/// back what policy-auth-function-per-row fixed.
fn policy_conditions(using: Option<&str>, with_check: Option<&str>) -> String {
    let wrapped = |e: &str| super::initplan::wrap_calls(e).unwrap_or_else(|| e.to_string());
    let mut out = String::new();
    if let Some(u) = using {
        out.push_str(&format!(" USING ({})", wrapped(u)));
    }
    if let Some(c) = with_check {
        out.push_str(&format!(" WITH CHECK ({})", wrapped(c)));
    }
    out
}

/// `ALTER POLICY name ON t [USING (...)] [WITH CHECK (...)]`: new conditions in place, one
/// atomic statement that keeps the policy's name, command, roles and mode. It fails if the
/// policy is gone, rather than bring back one another fix dropped. Auth calls are wrapped
/// as in [`create_policy`].
pub fn alter_policy(
    t: &Relation,
    name: &str,
    using: Option<&str>,
    with_check: Option<&str>,
) -> FixStatement {
    stmt(format!(
        "ALTER POLICY {} ON {}{}",
        ident(name),
        table(t),
        policy_conditions(using, with_check)
    ))
}

/// `ALTER POLICY name ON t TO roles`: who the policy applies to, changed in place.
pub fn policy_to_roles(t: &Relation, name: &str, roles: &[&str]) -> FixStatement {
    stmt(format!(
        "ALTER POLICY {} ON {} TO {}",
        ident(name),
        table(t),
        role_list(roles)
    ))
}

/// Drops `policy` and creates it again with new conditions, keeping its name, command,
/// roles and mode: the pattern every policy fix uses. Run both in one transaction.
pub fn recreate_policy(
    t: &Relation,
    policy: &Policy,
    using: Option<&str>,
    with_check: Option<&str>,
) -> Vec<FixStatement> {
    vec![
        drop_policy(t, &policy.name),
        create_policy(
            t,
            &PolicySpec {
                name: &policy.name,
                command: policy.command,
                permissive: policy.permissive,
                roles: &policy.roles,
                using,
                with_check,
            },
        ),
    ]
}

pub fn view_security_invoker(v: &Relation) -> FixStatement {
    stmt(format!(
        "ALTER VIEW {} SET (security_invoker = true)",
        table(v)
    ))
}

/// `ALTER TABLE t RESET (option, ...)`: back to the server's settings. Options with a
/// namespace (`toast.autovacuum_enabled`) keep it unquoted before the dot.
pub fn reset_options(t: &Relation, options: &[&str]) -> FixStatement {
    let names: Vec<String> = options
        .iter()
        .map(|o| match o.split_once('.') {
            Some((ns, name)) => format!("{}.{}", ident(ns), ident(name)),
            None => ident(o),
        })
        .collect();
    stmt(format!(
        "ALTER TABLE {} RESET ({})",
        table(t),
        names.join(", ")
    ))
}

/// `REVOKE privilege ON [TABLE] relation FROM roles`.
pub fn revoke_on_relation(r: &Relation, privilege: &str, roles: &[&str]) -> FixStatement {
    stmt(format!(
        "REVOKE {privilege} ON {} FROM {}",
        table(r),
        role_list(roles)
    ))
}

/// `ALTER PUBLICATION p DROP TABLE t`: its changes are no longer streamed.
pub fn publication_drop_table(publication: &str, t: &Relation) -> FixStatement {
    stmt(format!(
        "ALTER PUBLICATION {} DROP TABLE {}",
        ident(publication),
        table(t)
    ))
}

/// `REVOKE privileges ON ALL TABLES IN SCHEMA schema FROM roles`: every table there now,
/// not those created later (see [`revoke_default`]).
pub fn revoke_on_all_tables(schema: &str, privileges: &[&str], roles: &[&str]) -> FixStatement {
    stmt(format!(
        "REVOKE {} ON ALL TABLES IN SCHEMA {} FROM {}",
        privileges.join(", "),
        ident(schema),
        role_list(roles)
    ))
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE role] [IN SCHEMA schema] REVOKE privileges ON
/// objects FROM roles`. An empty `role` means the role that runs it.
pub fn revoke_default(
    d: &crate::model::DefaultPrivilege,
    privileges: &[&str],
    roles: &[&str],
) -> FixStatement {
    let mut sql = String::from("ALTER DEFAULT PRIVILEGES");
    if !d.role.is_empty() {
        sql.push_str(&format!(" FOR ROLE {}", ident(&d.role)));
    }
    if let Some(schema) = &d.schema {
        sql.push_str(&format!(" IN SCHEMA {}", ident(schema)));
    }
    sql.push_str(&format!(
        " REVOKE {} ON {} FROM {}",
        privileges.join(", "),
        d.objects.as_sql(),
        role_list(roles)
    ));
    stmt(sql)
}

/// Roles for `TO` / `FROM`: `PUBLIC` is the pseudo-role (PostgreSQL prints it `public`
/// in `pg_policies`), never a quoted role name.
fn role_list(roles: &[&str]) -> String {
    roles
        .iter()
        .map(|r| {
            if r.eq_ignore_ascii_case("public") {
                "PUBLIC".to_string()
            } else {
                ident(r)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The word statements name a routine with: PostgreSQL refuses `FUNCTION` for a procedure
/// ("is not a function").
fn routine(f: &Function) -> &'static str {
    match f.kind {
        crate::model::FunctionKind::Procedure => "PROCEDURE",
        _ => "FUNCTION",
    }
}

fn function_signature(f: &Function) -> String {
    format!(
        "{}({})",
        qualified(&f.schema, &f.name),
        f.identity_arguments
    )
}

/// `ALTER FUNCTION f SET search_path = a, b`, or `= ''` for no schema at all.
pub fn function_pin_search_path(f: &Function, schemas: &[String]) -> FixStatement {
    let path = if schemas.is_empty() {
        "''".to_string()
    } else {
        schemas
            .iter()
            .map(|s| ident(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    stmt(format!(
        "ALTER {} {} SET search_path = {path}",
        routine(f),
        function_signature(f)
    ))
}

pub fn function_set_schema(f: &Function, schema: &str) -> FixStatement {
    stmt(format!(
        "ALTER {} {} SET SCHEMA {}",
        routine(f),
        function_signature(f),
        ident(schema)
    ))
}

/// `REVOKE EXECUTE ON FUNCTION f(args) FROM roles`.
pub fn revoke_execute(f: &Function, roles: &[&str]) -> FixStatement {
    stmt(format!(
        "REVOKE EXECUTE ON {} {} FROM {}",
        routine(f),
        function_signature(f),
        role_list(roles)
    ))
}

pub fn create_schema(name: &str) -> FixStatement {
    stmt(format!("CREATE SCHEMA IF NOT EXISTS {}", ident(name)))
}

pub fn extension_set_schema(extension: &str, schema: &str) -> FixStatement {
    stmt(format!(
        "ALTER EXTENSION {} SET SCHEMA {}",
        ident(extension),
        ident(schema)
    ))
}

pub fn extension_update(extension: &str) -> FixStatement {
    stmt(format!("ALTER EXTENSION {} UPDATE", ident(extension)))
}

/// Adds a foreign key without checking existing rows; [`validate_constraint`] checks them
/// afterwards without blocking writes.
pub fn add_foreign_key(
    t: &Relation,
    name: &str,
    columns: &[&str],
    target: &QualifiedName,
    target_columns: &[&str],
) -> FixStatement {
    let cols = |cs: &[&str]| cs.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ");
    stmt(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) NOT VALID",
        table(t),
        ident(name),
        cols(columns),
        qualified_name(target),
        cols(target_columns)
    ))
}

pub fn validate_constraint(t: &Relation, name: &str) -> FixStatement {
    stmt(format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        table(t),
        ident(name)
    ))
}

pub fn drop_constraint(t: &Relation, name: &str) -> FixStatement {
    stmt(format!(
        "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
        table(t),
        ident(name)
    ))
}

/// Adds a CHECK without scanning the table; validate it afterwards.
pub fn add_check(t: &Relation, name: &str, expression: &str) -> FixStatement {
    stmt(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expression}) NOT VALID",
        table(t),
        ident(name)
    ))
}

/// `column ~* '<email pattern>'`, the seeds' email validation.
/// A permissive e-mail check: one `@` with something on each side and no spaces. Stricter
/// patterns reject valid addresses (non-ASCII, quoted local parts, new domains).
pub fn email_check(column: &str) -> String {
    format!(
        "{} ~ {}",
        ident(column),
        literal(r"^[^@[:space:]]+@[^@[:space:]]+$")
    )
}

/// `column >= low AND column <= high`.
pub fn range_check(column: &str, low: i64, high: i64) -> String {
    let c = ident(column);
    format!("{c} >= {low} AND {c} <= {high}")
}

/// `column >= 0`.
pub fn non_negative_check(column: &str) -> String {
    format!("{} >= 0", ident(column))
}

/// `ALTER TABLE t ADD PRIMARY KEY (columns)`: an existing key column made the key.
pub fn add_primary_key(t: &Relation, columns: &[&str]) -> FixStatement {
    let cols: Vec<String> = columns.iter().map(|c| ident(c)).collect();
    stmt(format!(
        "ALTER TABLE {} ADD PRIMARY KEY ({})",
        table(t),
        cols.join(", ")
    ))
}

pub fn add_identity_primary_key(t: &Relation, column: &str) -> FixStatement {
    stmt(format!(
        "ALTER TABLE {} ADD COLUMN {} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        table(t),
        ident(column)
    ))
}

/// `ALTER TABLE t ALTER COLUMN c TYPE type USING c::type`.
pub fn alter_column_type(t: &Relation, column: &str, type_sql: &str) -> FixStatement {
    let c = ident(column);
    stmt(format!(
        "ALTER TABLE {} ALTER COLUMN {c} TYPE {type_sql} USING {c}::{type_sql}",
        table(t)
    ))
}

/// `ALTER SEQUENCE s AS bigint`, and `NO MAXVALUE` when its maximum was set by hand: the
/// type change raises only a maximum that was the old type's own.
pub fn sequence_as_bigint(sequence: &QualifiedName, raise_max: bool) -> FixStatement {
    stmt(format!(
        "ALTER SEQUENCE {} AS bigint{}",
        qualified_name(sequence),
        if raise_max { " NO MAXVALUE" } else { "" }
    ))
}

/// Where a table's backup goes: `pglens_backup."<schema>.<table>"`, in a schema of its own
/// so the API does not expose the copy. Every fix and the cleanup script name it this way.
///
/// The name must tell tables apart, or two backups would collide and the second drop would
/// run without its backup: `public.a_b` and `public_a.b` must not both become `public_a_b`.
/// The dot keeps the two parts apart; when a part holds a dot itself, or the whole is longer
/// than 63 bytes, the name ends in a hash of the exact schema and table instead.
pub fn backup_of(t: &Relation) -> QualifiedName {
    backup_named(t, "")
}

/// The backup schema's table for the keys of rows merged into `t` (the cleanup script's
/// ledger), named like [`backup_of`] with a `.merged_keys` suffix.
pub fn merged_keys_of(t: &Relation) -> QualifiedName {
    backup_named(t, ".merged_keys")
}

fn backup_named(t: &Relation, suffix: &str) -> QualifiedName {
    let name = format!("{}.{}{suffix}", t.schema, t.name);
    let plain = !t.schema.contains('.') && !t.name.contains('.');
    let name = if plain && name.len() <= MAX_IDENTIFIER_BYTES {
        name
    } else {
        let exact = [
            t.schema.as_bytes(),
            b"\0",
            t.name.as_bytes(),
            suffix.as_bytes(),
        ]
        .concat();
        with_hash(&name, fnv1a(&exact))
    };
    QualifiedName::new(BACKUP_SCHEMA, name)
}

/// `CREATE TABLE pglens_backup."<schema>.<table>" AS TABLE t`: every row, before anything
/// is dropped. Never `IF NOT EXISTS`: an older backup of the same name must stop the fix,
/// not stand in for a copy that was never made.
pub fn backup_table(t: &Relation) -> FixStatement {
    stmt(format!(
        "CREATE TABLE {} AS TABLE {}",
        qualified_name(&backup_of(t)),
        table(t)
    ))
}

/// Copies rows from `from` into `into` through `(column, type in into)` pairs.
pub fn copy_rows(from: &Relation, into: &Relation, columns: &[(&str, &str)]) -> FixStatement {
    let targets: Vec<String> = columns.iter().map(|(c, _)| ident(c)).collect();
    let sources: Vec<String> = columns
        .iter()
        .map(|(c, ty)| format!("CAST({} AS {ty})", ident(c)))
        .collect();
    stmt(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        table(into),
        targets.join(", "),
        sources.join(", "),
        table(from)
    ))
}

/// `DROP TABLE` without CASCADE, so it fails rather than take dependents with it.
pub fn drop_table(t: &Relation) -> FixStatement {
    stmt(format!("DROP TABLE IF EXISTS {}", table(t)))
}

/// A trigger function that stamps `updated_at` on every update.
pub fn create_updated_at_function(function: &QualifiedName) -> FixStatement {
    stmt(format!(
        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql SET search_path = '' AS $pglens$\n\
         BEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND\n$pglens$",
        qualified_name(function)
    ))
}

pub fn drop_trigger(t: &Relation, name: &str) -> FixStatement {
    stmt(format!(
        "DROP TRIGGER IF EXISTS {} ON {}",
        ident(name),
        table(t)
    ))
}

pub fn create_update_trigger(t: &Relation, name: &str, function: &QualifiedName) -> FixStatement {
    stmt(format!(
        "CREATE TRIGGER {} BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}()",
        ident(name),
        table(t),
        qualified_name(function)
    ))
}

/// A trigger's definition with its function replaced by `function` (arguments kept), or
/// None when the definition does not end in `EXECUTE FUNCTION|PROCEDURE name(...)`.
pub fn trigger_calling(definition: &str, function: &Function) -> Option<FixStatement> {
    let upper = definition.to_ascii_uppercase();
    let at = ["EXECUTE FUNCTION ", "EXECUTE PROCEDURE "]
        .iter()
        .filter_map(|k| upper.rfind(k).map(|i| (i, k.len())))
        .max()?;
    let call = definition.get(at.0 + at.1..)?;
    let arguments = call.find('(').and_then(|i| call.get(i..))?;
    Some(stmt(format!(
        "{}EXECUTE FUNCTION {}{arguments}",
        definition.get(..at.0)?,
        qualified(&function.schema, &function.name)
    )))
}

/// `DROP FUNCTION f(args)`: refused while anything recorded still depends on it.
pub fn drop_function(f: &Function) -> FixStatement {
    stmt(format!(
        "DROP {} IF EXISTS {}",
        routine(f),
        function_signature(f)
    ))
}

/// `UPDATE t SET target = now() WHERE condition` for moving soft-delete markers.
pub fn mark_deleted_where(t: &Relation, target: &str, condition: &str) -> FixStatement {
    stmt(format!(
        "UPDATE {} SET {} = now() WHERE {condition} AND {} IS NULL",
        table(t),
        ident(target),
        ident(target)
    ))
}

/// `column = value`, for conditions in builders above.
pub fn equals(column: &str, value: &str) -> String {
    format!("{} = {}", ident(column), literal(value))
}

/// `column` as a boolean condition.
pub fn is_true(column: &str) -> String {
    ident(column)
}

/// `DROP POLICY IF EXISTS name ON s.t` (or TRIGGER): clears the way for a re-run.
pub fn drop_object_on_table(kind: &str, schema: &str, table: &str, name: &str) -> FixStatement {
    stmt(format!(
        "DROP {kind} IF EXISTS {} ON {}",
        ident(name),
        qualified(schema, table)
    ))
}

/// A statement as the migration file wrote it (without its final semicolon).
pub fn as_written(text: &str) -> FixStatement {
    stmt(text.trim().trim_end_matches(';').trim_end().to_string())
}

/// `CREATE TABLE` / `CREATE [UNIQUE] INDEX [CONCURRENTLY]` with `IF NOT EXISTS` added; an
/// unnamed index is given `index_name`. None when the text does not start that way.
pub fn guard_create(text: &str, index_name: Option<&str>) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    let at = |i: usize, w: &str| upper.get(i).is_some_and(|u| u == w);
    if !at(0, "CREATE") {
        return None;
    }
    // Where IF NOT EXISTS goes: after TABLE, or after INDEX [CONCURRENTLY].
    let mut i = 1;
    if at(i, "UNIQUE") {
        i += 1;
    }
    let is_index = at(i, "INDEX");
    if !(is_index || at(i, "TABLE")) {
        return None;
    }
    i += 1;
    if is_index && at(i, "CONCURRENTLY") {
        i += 1;
    }
    if at(i, "IF") {
        return None;
    }
    let mut out: Vec<String> = words[..i].iter().map(|w| w.to_string()).collect();
    out.push("IF NOT EXISTS".into());
    if is_index && at(i, "ON") {
        out.push(ident(index_name?));
    }
    out.extend(words[i..].iter().map(|w| w.to_string()));
    Some(out.join(" ").trim_end_matches(';').to_string())
}

/// `CREATE INDEX CONCURRENTLY`, from a plain `CREATE [UNIQUE] INDEX` statement.
pub fn concurrently(text: &str) -> Option<FixStatement> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    let index_at = upper.iter().position(|w| w == "INDEX")?;
    if upper.get(index_at + 1).is_some_and(|w| w == "CONCURRENTLY") {
        return None;
    }
    let mut out: Vec<&str> = words[..=index_at].to_vec();
    out.push("CONCURRENTLY");
    out.extend(&words[index_at + 1..]);
    Some(concurrent(out.join(" ").trim_end_matches(';').to_string()))
}

/// The safe way to add a NOT NULL column to a table with rows: nullable, backfilled, then
/// constrained.
pub fn add_not_null_column_safely(
    schema: &str,
    table: &str,
    column: &str,
    data_type: &str,
) -> Vec<FixStatement> {
    let t = qualified(schema, table);
    let c = ident(column);
    vec![
        stmt(format!(
            "ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {c} {data_type}"
        )),
        stmt(format!(
            "UPDATE {t} SET {c} = NULL /* the value existing rows should have */ WHERE {c} IS NULL"
        )),
        stmt(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL")),
    ]
}

/// The safe way to change a column's type on a live table: a new column, backfilled, then
/// swapped in by rename.
pub fn change_column_type_safely(
    schema: &str,
    table: &str,
    column: &str,
    data_type: &str,
) -> Vec<FixStatement> {
    let t = qualified(schema, table);
    let c = ident(column);
    let new = ident(&object_name(&[column, "new"]));
    let old = ident(&object_name(&[column, "old"]));
    vec![
        stmt(format!("ALTER TABLE {t} ADD COLUMN {new} {data_type}")),
        stmt(format!(
            "UPDATE {t} SET {new} = CAST({c} AS {data_type}) WHERE {new} IS NULL"
        )),
        stmt(format!("ALTER TABLE {t} RENAME COLUMN {c} TO {old}")),
        stmt(format!("ALTER TABLE {t} RENAME COLUMN {new} TO {c}")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_on_character_boundaries_and_stay_distinct() {
        let long = "é".repeat(40); // 80 bytes
        let a = object_name(&["idx", &long, "tags"]);
        let b = object_name(&["idx", &long, "tenant_id"]);
        assert!(a.len() <= MAX_IDENTIFIER_BYTES && b.len() <= MAX_IDENTIFIER_BYTES);
        assert!(a.starts_with("idx_é"));
        assert_ne!(a, b);
        assert_eq!(a, object_name(&["idx", &long, "tags"]), "stable");
        assert_eq!(
            object_name(&["idx", "t", "c"]),
            "idx_t_c",
            "short names are kept"
        );
    }
}
