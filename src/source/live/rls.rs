//! `pglens rls`: reads each table as one user, or `anon`, or any role, and counts what it
//! shows, in one `READ ONLY` transaction that is rolled back.
//!
//! The user is looked up and the user's tenants are read as the connecting role first;
//! then `SET LOCAL ROLE` and the request's JWT claims (`set_config(..., true)`, as
//! PostgREST sets them) make every later statement run as the user would through the API.
//! Each count runs under a savepoint, so a table the role cannot read (a column privilege,
//! a policy that errors, the statement timeout) is reported as such and the rest goes on.
//! The statements sent are `BEGIN`, `SET LOCAL`, `SAVEPOINT` / `ROLLBACK TO`, `SELECT`s
//! (lookups, `has_*_privilege`, `count(*)` over at most [`ROW_BOUND`] + 1 rows) and
//! `ROLLBACK`: nothing writes, and a write a policy function might attempt fails, because
//! the transaction is read-only.

use std::time::Duration;

use tokio_postgres::{Client, SimpleQueryMessage};

use super::connect::{self, LiveError};
use super::ConnParams;
use crate::model::{Catalog, PolicyCommand, QualifiedName, Relation, RelationKind};
use crate::rls::{
    acting_roles, admitting_conditions, insert_check, leaks, probe_row, write_condition, Bypass,
    CommandResult, InsertResult, RlsReport, Scope, Subject, TableResult, LIMITS, ROW_BOUND,
};
use crate::sql::{ident, literal, qualified};

/// Who to read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The API's anonymous role, with no user.
    Anon,
    /// A user of `auth.users`, by id or e-mail, as `authenticated`.
    User(String),
    /// Any role, with only the claims given.
    Role(String),
}

/// Why `pglens rls` could not run.
#[derive(Debug, thiserror::Error)]
pub enum RlsError {
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error("{0}")]
    Refused(String),
}

/// Longest any one statement may run, unless `--timeout` says otherwise.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads every reachable relation of `catalog` as `who`, judging rows by `scopes`
/// (`rls::scopes_with`).
pub async fn run(
    params: &ConnParams,
    catalog: &Catalog,
    scopes: &Scopes,
    who: &Who,
    extra_claims: Option<serde_json::Value>,
    timeout: Duration,
) -> Result<RlsReport, RlsError> {
    let client = connect::connect(params).await?;
    exec(
        &client,
        &format!(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = {}; \
             SET LOCAL lock_timeout = 2500",
            timeout.as_millis()
        ),
    )
    .await?;
    let result = read_as(&client, catalog, scopes, who, extra_claims, params.label()).await;
    let _ = client.batch_execute("ROLLBACK").await;
    result
}

/// Each table's scope, by name.
pub type Scopes = std::collections::BTreeMap<QualifiedName, Scope>;

/// Users the explorer offers to read as: at most this many, by e-mail.
pub const USERS_OFFERED: usize = 500;

/// The users of `auth.users` (id and e-mail), by e-mail, in a `READ ONLY` transaction with
/// a statement timeout; at most [`USERS_OFFERED`].
pub async fn users(
    params: &ConnParams,
    timeout: Duration,
) -> Result<Vec<(String, Option<String>)>, RlsError> {
    let client = connect::connect(params).await?;
    exec(
        &client,
        &format!(
            "BEGIN READ ONLY; SET LOCAL statement_timeout = {}",
            timeout.as_millis()
        ),
    )
    .await?;
    let present = value(
        &client,
        "SELECT pg_catalog.to_regclass('auth.users') IS NOT NULL",
    )
    .await?;
    let result = if present.as_deref() != Some("t") {
        Err(RlsError::Refused(
            "no auth.users in this database: read as anon, or run pglens rls --role".into(),
        ))
    } else {
        let sql = format!(
            "SELECT coalesce(json_agg(json_build_array(id::pg_catalog.text, email) ORDER BY email, id), '[]')::pg_catalog.text \
             FROM (SELECT id, email FROM auth.users ORDER BY email NULLS LAST, id LIMIT {USERS_OFFERED}) u"
        );
        value(&client, &sql).await.map(|text| {
            let rows: Vec<(String, Option<String>)> =
                serde_json::from_str(&text.unwrap_or_default()).unwrap_or_default();
            rows
        })
    };
    let _ = client.batch_execute("ROLLBACK").await;
    result
}

async fn read_as(
    client: &Client,
    catalog: &Catalog,
    scopes: &Scopes,
    who: &Who,
    extra_claims: Option<serde_json::Value>,
    source: String,
) -> Result<RlsReport, RlsError> {
    let mut subject = subject(client, catalog, who, extra_claims).await?;
    // The user's tenants, read before the switch: as the user, row security would decide.
    let memberships: std::collections::BTreeSet<_> = scopes
        .values()
        .filter_map(|s| match s {
            Scope::Tenant { membership, .. } => Some(membership.clone()),
            Scope::Owner { .. } => None,
        })
        .collect();
    // Whether the switch is allowed at all is what a refused user needs to hear first.
    check_switch(client, &subject).await?;
    let mut limits: Vec<String> = LIMITS.iter().map(|s| s.to_string()).collect();
    if let Some(id) = subject.user_id.clone() {
        for m in memberships {
            let sql = format!(
                "SELECT coalesce(json_agg(DISTINCT {}::pg_catalog.text), '[]')::pg_catalog.text FROM {} \
                 WHERE {}::pg_catalog.text = {}",
                ident(&m.tenant_column),
                qualified(&m.table.schema, &m.table.name),
                ident(&m.user_column),
                literal(&id)
            );
            match guarded(client, &sql).await {
                Ok(text) => {
                    let tenants: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
                    subject.tenants.insert(m.table.to_string(), tenants);
                }
                // Unknown tenants leave the tenant-scoped tables unjudged, not all leaking.
                Err(e) => limits.push(format!(
                    "The user's tenants could not be read from {} ({e}): tables scoped by it are counted but not judged.",
                    m.label()
                )),
            }
        }
    }
    subject.strangers = strangers(client, catalog, &subject, scopes).await;
    set_claims(client, &subject).await?;
    let schemas = target_schemas(catalog);
    let in_scope = |r: &&Relation| {
        schemas.contains(&r.schema)
            && r.partition_of.is_none()
            && r.extension.is_none()
            && !matches!(r.kind, RelationKind::ForeignTable)
    };
    // Writes first, as the connecting role with the user's claims: the commands' own
    // policies decide, not the SELECT policies the switch would add.
    let mut writes = std::collections::HashMap::new();
    // Which policies let someone else's rows through, by table and command.
    let mut admitted: std::collections::HashMap<(QualifiedName, &str), Vec<String>> =
        Default::default();
    for r in catalog
        .relations
        .iter()
        .filter(in_scope)
        .filter(|r| r.kind.is_table())
    {
        let scope = scopes.get(&r.qualified_name());
        let (update, delete, insert) = writes_of(client, r, scope, &subject).await?;
        for (command, kind, result) in [
            ("UPDATE", PolicyCommand::Update, &update),
            ("DELETE", PolicyCommand::Delete, &delete),
        ] {
            if leaked(result) {
                let foreign = scope.and_then(|s| s.foreign_rows(&subject));
                let names = admitting_rows(client, r, &subject, kind, foreign.as_deref()).await;
                admitted.insert((r.qualified_name(), command), names);
            }
        }
        if let InsertResult::Probed {
            admits_foreign_row: true,
            row,
        } = &insert
        {
            let names = admitting_row(client, r, &subject, row).await;
            admitted.insert((r.qualified_name(), "INSERT"), names);
        }
        writes.insert(r.qualified_name(), (update, delete, insert));
    }
    exec(client, &format!("SET LOCAL ROLE {}", ident(&subject.role))).await?;
    let mut tables = Vec::new();
    let mut bypasses = Vec::new();
    for r in catalog.relations.iter().filter(in_scope) {
        let name = qualified(&r.schema, &r.name);
        let granted = value(
            client,
            &format!(
                "SELECT pg_catalog.has_table_privilege({}, 'SELECT')",
                literal(&name)
            ),
        )
        .await?
        .as_deref()
            == Some("t");
        let scope = scopes.get(&r.qualified_name()).cloned();
        let select = if granted {
            count(client, &name, scope.as_ref(), &subject).await
        } else {
            CommandResult::NotGranted
        };
        if leaked(&select) {
            // As the user: the rows seen, and which policy's own condition holds for them.
            let foreign = scope.as_ref().and_then(|s| s.foreign_rows(&subject));
            let names = admitting_rows(
                client,
                r,
                &subject,
                PolicyCommand::Select,
                foreign.as_deref(),
            )
            .await;
            admitted.insert((r.qualified_name(), "SELECT"), names);
        }
        if granted && r.kind == RelationKind::View && !r.option_enabled("security_invoker") {
            bypasses.push(Bypass {
                kind: "view",
                name: r.qualified_name().to_string(),
                why: format!(
                    "no security_invoker: the tables it reads are read as its owner {}, whose row security is not the role's",
                    r.owner
                ),
            });
        }
        let (update, delete, insert) = writes.remove(&r.qualified_name()).unwrap_or((
            CommandResult::NotGranted,
            CommandResult::NotGranted,
            InsertResult::NotGranted,
        ));
        tables.push(TableResult {
            schema: r.schema.clone(),
            table: r.name.clone(),
            kind: r.kind.label(),
            scope,
            select,
            update,
            delete,
            insert,
        });
    }
    bypasses.extend(definer_functions(client, &schemas).await?);
    let mut leaks = leaks(catalog, &subject, &tables);
    for leak in &mut leaks {
        let q = QualifiedName::new(&leak.schema, &leak.table);
        if let (Some(r), Some(names)) = (
            catalog.relation(&leak.schema, &leak.table),
            admitted.remove(&(q, leak.command)),
        ) {
            leak.narrow_to(r, names);
        }
    }
    Ok(RlsReport {
        source,
        subject,
        tables,
        leaks,
        bypasses,
        limits,
    })
}

/// The schemas a role reaches through the API: the exposed ones on Supabase, else every
/// schema that is not the platform's.
fn target_schemas(catalog: &Catalog) -> Vec<String> {
    let api = catalog.api_schemas();
    if !api.is_empty() {
        return api;
    }
    catalog
        .schemas
        .iter()
        .map(|s| s.name.clone())
        .filter(|s| !crate::model::platform::is_platform_schema(s))
        .collect()
}

/// Looks the user up (as the connecting role) and builds the claims PostgREST would set.
async fn subject(
    client: &Client,
    catalog: &Catalog,
    who: &Who,
    extra_claims: Option<serde_json::Value>,
) -> Result<Subject, RlsError> {
    let (role, user_id, email, mut claims) = match who {
        Who::Anon => (
            "anon".to_string(),
            None,
            None,
            serde_json::json!({"role": "anon"}),
        ),
        Who::Role(role) => (
            role.clone(),
            None,
            None,
            serde_json::json!({ "role": role }),
        ),
        Who::User(key) => {
            if catalog.relation("auth", "users").is_none() {
                return Err(RlsError::Refused(
                    "--as names a user, but this database has no auth.users: use --role".into(),
                ));
            }
            let sql = format!(
                "SELECT coalesce(json_agg(to_jsonb(u)), '[]')::pg_catalog.text FROM \
                 (SELECT * FROM auth.users u WHERE u.id::pg_catalog.text = {k} OR u.email = {k} LIMIT 2) u",
                k = literal(key)
            );
            let users: Vec<serde_json::Value> =
                serde_json::from_str(&value(client, &sql).await?.unwrap_or_default())
                    .unwrap_or_default();
            let user = match users.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(RlsError::Refused(format!(
                        "no user {} in auth.users (give its id or e-mail)",
                        crate::text::visible(key)
                    )))
                }
                _ => {
                    return Err(RlsError::Refused(format!(
                        "{} names more than one user: give the id",
                        crate::text::visible(key)
                    )))
                }
            };
            let id = user["id"].as_str().unwrap_or_default().to_string();
            let email = user["email"].as_str().map(str::to_string);
            let mut claims = serde_json::json!({
                "sub": id,
                "role": "authenticated",
                "aud": "authenticated",
            });
            if let Some(e) = &email {
                claims["email"] = e.clone().into();
            }
            for (field, claim) in [
                ("raw_app_meta_data", "app_metadata"),
                ("raw_user_meta_data", "user_metadata"),
            ] {
                if user[field].is_object() {
                    claims[claim] = user[field].clone();
                }
            }
            ("authenticated".to_string(), Some(id), email, claims)
        }
    };
    let mut user_id = user_id;
    if let Some(serde_json::Value::Object(extra)) = extra_claims {
        for (k, v) in extra {
            if k == "sub" {
                user_id = v.as_str().map(str::to_string);
            }
            claims[k.as_str()] = v;
        }
    }
    Ok(Subject {
        acts_as: acting_roles(catalog, &role),
        role,
        user_id,
        email,
        claims,
        tenants: Default::default(),
        strangers: Default::default(),
    })
}

/// Refuses plainly when the role does not exist or the connecting role may not become it.
async fn check_switch(client: &Client, subject: &Subject) -> Result<(), RlsError> {
    let role = literal(&subject.role);
    let check = value(
        client,
        &format!(
            "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = {role}) THEN 'missing' \
                    WHEN pg_catalog.pg_has_role(current_user, {role}, 'MEMBER') THEN 'ok' \
                    ELSE current_user::pg_catalog.text END"
        ),
    )
    .await?
    .unwrap_or_default();
    match check.as_str() {
        "ok" => Ok(()),
        "missing" => Err(RlsError::Refused(format!(
            "no role {} in this cluster",
            crate::text::visible(&subject.role)
        ))),
        me => Err(RlsError::Refused(format!(
            "{me} may not switch to role {r}; `GRANT {r} TO {me}` would allow it",
            me = crate::text::visible(me),
            r = crate::text::visible(&subject.role)
        ))),
    }
}

/// The request's claims, as PostgREST sets them (for this transaction only).
async fn set_claims(client: &Client, subject: &Subject) -> Result<(), RlsError> {
    let claim = |name: &str, v: Option<&str>| {
        format!(
            "pg_catalog.set_config({}, {}, true)",
            literal(&format!("request.jwt.claim.{name}")),
            literal(v.unwrap_or(""))
        )
    };
    let sql = format!(
        "SELECT pg_catalog.set_config('request.jwt.claims', {}, true), {}, {}, {}",
        literal(&subject.claims.to_string()),
        claim("sub", subject.user_id.as_deref()),
        claim("role", Some(&subject.role)),
        claim("email", subject.email.as_deref()),
    );
    exec(client, &sql).await
}

/// Someone else to try writes for: another user, and a tenant the user is not in, by
/// membership table (read as the connecting role; missing when there is none).
async fn strangers(
    client: &Client,
    catalog: &Catalog,
    subject: &Subject,
    scopes: &Scopes,
) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let me = subject
        .user_id
        .as_deref()
        .map(literal)
        .unwrap_or_else(|| "NULL".into());
    if catalog.relation("auth", "users").is_some() {
        let sql = format!(
            "SELECT u.id::pg_catalog.text FROM auth.users u \
             WHERE u.id::pg_catalog.text IS DISTINCT FROM {me} ORDER BY 1 LIMIT 1"
        );
        if let Ok(id) = guarded(client, &sql).await {
            if !id.is_empty() {
                out.insert("user".to_string(), id);
            }
        }
    }
    let memberships: std::collections::BTreeSet<_> = scopes
        .values()
        .filter_map(|s| match s {
            Scope::Tenant { membership, .. } => Some(membership.clone()),
            Scope::Owner { .. } => None,
        })
        .collect();
    for m in memberships {
        let mine: Vec<String> = subject
            .tenants
            .get(&m.table.to_string())
            .into_iter()
            .flatten()
            .map(|t| literal(t))
            .collect();
        let tenant = ident(&m.tenant_column);
        let outside = if mine.is_empty() {
            "true".to_string()
        } else {
            format!(
                "{tenant}::pg_catalog.text <> ALL (ARRAY[{}]::pg_catalog.text[])",
                mine.join(", ")
            )
        };
        let sql = format!(
            "SELECT {tenant}::pg_catalog.text FROM {} WHERE {tenant} IS NOT NULL AND {outside} ORDER BY 1 LIMIT 1",
            qualified(&m.table.schema, &m.table.name)
        );
        if let Ok(t) = guarded(client, &sql).await {
            if !t.is_empty() {
                out.insert(m.table.to_string(), t);
            }
        }
    }
    out
}

/// UPDATE and DELETE: the rows their policies admit (and how many are someone else's);
/// INSERT: whether the check admits a probe row of someone else. Each only where the role
/// holds the privilege.
async fn writes_of(
    client: &Client,
    r: &Relation,
    scope: Option<&Scope>,
    subject: &Subject,
) -> Result<(CommandResult, CommandResult, InsertResult), RlsError> {
    let name = qualified(&r.schema, &r.name);
    let granted = |privilege: &'static str| {
        let sql = format!(
            "SELECT pg_catalog.has_table_privilege({}, {}, '{privilege}')",
            literal(&subject.role),
            literal(&name)
        );
        async move { value(client, &sql).await.map(|v| v.as_deref() == Some("t")) }
    };
    let mut changes = Vec::new();
    for (privilege, command) in [
        ("UPDATE", PolicyCommand::Update),
        ("DELETE", PolicyCommand::Delete),
    ] {
        changes.push(if granted(privilege).await? {
            let condition = write_condition(r, &subject.acts_as, command);
            count_where(client, &name, &condition, scope, subject).await
        } else {
            CommandResult::NotGranted
        });
    }
    let insert = if !granted("INSERT").await? {
        InsertResult::NotGranted
    } else {
        match scope.and_then(|s| probe_row(r, s, subject)) {
            None => InsertResult::NotJudged,
            Some(row) => match guarded(
                client,
                &probe_sql(r, &insert_check(r, &subject.acts_as), &row),
            )
            .await
            {
                Ok(v) => InsertResult::Probed {
                    admits_foreign_row: v == "t",
                    row,
                },
                Err(error) => InsertResult::Failed { error },
            },
        }
    };
    let delete = changes.pop().unwrap_or(CommandResult::NotGranted);
    let update = changes.pop().unwrap_or(CommandResult::NotGranted);
    Ok((update, delete, insert))
}

/// Whether a count found rows of someone else.
fn leaked(result: &CommandResult) -> bool {
    matches!(result, CommandResult::Counted { foreign: Some(n), .. } if *n > 0)
}

/// Evaluates `check` on one row built from `row` (JSON), without inserting it.
fn probe_sql(r: &Relation, check: &str, row: &serde_json::Value) -> String {
    format!(
        "SELECT coalesce(pg_catalog.bool_or(ok), false) FROM (SELECT ({check}) AS ok FROM \
         (SELECT (pg_catalog.jsonb_populate_record(NULL::{}, {}::pg_catalog.jsonb)).*) AS {}) probe",
        qualified(&r.schema, &r.name),
        literal(&row.to_string()),
        ident(&r.name)
    )
}

/// The permissive policies whose own condition holds for some row of someone else: the
/// ones that let the leak through. Only for tables under row security.
async fn admitting_rows(
    client: &Client,
    r: &Relation,
    subject: &Subject,
    command: PolicyCommand,
    foreign: Option<&str>,
) -> Vec<String> {
    let Some(foreign) = foreign.filter(|_| r.rls_enabled && r.kind.is_table()) else {
        return Vec::new();
    };
    let name = qualified(&r.schema, &r.name);
    let mut out = Vec::new();
    for (policy, condition) in admitting_conditions(r, &subject.acts_as, command) {
        let sql =
            format!("SELECT EXISTS (SELECT 1 FROM {name} WHERE ({condition}) AND ({foreign}))");
        if guarded(client, &sql).await.as_deref() == Ok("t") {
            out.push(policy);
        }
    }
    out
}

/// The INSERT policies whose own check admits the probe row of someone else.
async fn admitting_row(
    client: &Client,
    r: &Relation,
    subject: &Subject,
    row: &serde_json::Value,
) -> Vec<String> {
    let mut out = Vec::new();
    for (policy, check) in admitting_conditions(r, &subject.acts_as, PolicyCommand::Insert) {
        if guarded(client, &probe_sql(r, &check, row)).await.as_deref() == Ok("t") {
            out.push(policy);
        }
    }
    out
}

/// Rows of `name` that satisfy `condition`, and how many of those are outside the scope.
async fn count_where(
    client: &Client,
    name: &str,
    condition: &str,
    scope: Option<&Scope>,
    subject: &Subject,
) -> CommandResult {
    let bound = ROW_BOUND + 1;
    let foreign = scope.and_then(|s| s.foreign_rows(subject));
    let foreign_count = foreign
        .as_ref()
        .map(|f| {
            format!(
                " || ',' || (SELECT count(*) FROM (SELECT 1 FROM {name} WHERE ({condition}) AND ({f}) LIMIT {bound}) f)"
            )
        })
        .unwrap_or_default();
    let sql = format!(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM {name} WHERE ({condition}) LIMIT {bound}) v)::pg_catalog.text{foreign_count}"
    );
    match guarded(client, &sql).await {
        Ok(v) => {
            let mut parts = v.split(',').map(|p| p.parse::<i64>().unwrap_or(0));
            let rows = parts.next().unwrap_or(0);
            let foreign_rows = foreign.as_ref().map(|_| parts.next().unwrap_or(0));
            CommandResult::Counted {
                rows: rows.min(ROW_BOUND),
                foreign: foreign_rows.map(|f| f.min(ROW_BOUND)),
                bounded: rows > ROW_BOUND,
            }
        }
        Err(error) => CommandResult::Failed { error },
    }
}

/// Rows the relation shows, and how many are outside the subject's scope, each bounded.
async fn count(
    client: &Client,
    name: &str,
    scope: Option<&Scope>,
    subject: &Subject,
) -> CommandResult {
    let bound = ROW_BOUND + 1;
    let condition = scope.and_then(|s| s.foreign_rows(subject));
    let foreign = condition
        .as_ref()
        .map(|c| {
            format!(", (SELECT count(*) FROM (SELECT 1 FROM {name} WHERE {c} LIMIT {bound}) f)")
        })
        .unwrap_or_default();
    let sql = format!(
        "SAVEPOINT pglens_rls; SELECT (SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT {bound}) v){foreign}"
    );
    match client.simple_query(&sql).await {
        Ok(messages) => {
            let _ = client.batch_execute("RELEASE SAVEPOINT pglens_rls").await;
            let row = messages.iter().find_map(|m| match m {
                SimpleQueryMessage::Row(r) => Some(r),
                _ => None,
            });
            let number = |i: usize| {
                row.and_then(|r| r.get(i))
                    .and_then(|v| v.parse::<i64>().ok())
            };
            let rows = number(0).unwrap_or(0);
            let foreign = condition.as_ref().map(|_| number(1).unwrap_or(0));
            CommandResult::Counted {
                rows: rows.min(ROW_BOUND),
                foreign: foreign.map(|f| f.min(ROW_BOUND)),
                bounded: rows > ROW_BOUND,
            }
        }
        Err(e) => {
            let _ = client
                .batch_execute("ROLLBACK TO SAVEPOINT pglens_rls; RELEASE SAVEPOINT pglens_rls")
                .await;
            CommandResult::Failed { error: refusal(&e) }
        }
    }
}

/// SECURITY DEFINER functions in the schemas that the role may execute (not trigger
/// functions, which no request can call, nor an extension's own).
async fn definer_functions(client: &Client, schemas: &[String]) -> Result<Vec<Bypass>, RlsError> {
    let list: Vec<String> = schemas.iter().map(|s| literal(s)).collect();
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT coalesce(json_agg(json_build_object('name', n.nspname || '.' || p.proname || '(' || \
                pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', 'owner', pg_catalog.pg_get_userbyid(p.proowner)) \
                ORDER BY n.nspname, p.proname), '[]')::pg_catalog.text \
         FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.prosecdef AND n.nspname = ANY (ARRAY[{}]::pg_catalog.text[]) \
           AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype \
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass \
                           AND d.objid = p.oid AND d.deptype = 'e') \
           AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE')",
        list.join(", ")
    );
    let found: Vec<serde_json::Value> =
        serde_json::from_str(&value(client, &sql).await?.unwrap_or_default()).unwrap_or_default();
    Ok(found
        .into_iter()
        .map(|f| Bypass {
            kind: "function",
            name: f["name"].as_str().unwrap_or_default().to_string(),
            why: format!(
                "SECURITY DEFINER and executable by the role: it runs as {}, and what it reads is not filtered as the role",
                f["owner"].as_str().unwrap_or("its owner")
            ),
        })
        .collect())
}

/// The server's words for a refusal; a timeout says what to do about it.
fn refusal(e: &tokio_postgres::Error) -> String {
    let message = e
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string());
    if message.contains("statement timeout") {
        "timed out (slow policies, often a function called for every row; --timeout gives it longer)"
            .into()
    } else {
        message
    }
}

/// One value under a savepoint: a refusal is returned and leaves the transaction usable.
async fn guarded(client: &Client, sql: &str) -> Result<String, String> {
    let _ = client.batch_execute("SAVEPOINT pglens_rls").await;
    match client.simple_query(sql).await {
        Ok(messages) => {
            let _ = client.batch_execute("RELEASE SAVEPOINT pglens_rls").await;
            Ok(messages
                .iter()
                .find_map(|m| match m {
                    SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                    _ => None,
                })
                .unwrap_or_default())
        }
        Err(e) => {
            let _ = client
                .batch_execute("ROLLBACK TO SAVEPOINT pglens_rls; RELEASE SAVEPOINT pglens_rls")
                .await;
            Err(refusal(&e))
        }
    }
}

async fn exec(client: &Client, sql: &str) -> Result<(), RlsError> {
    client
        .batch_execute(sql)
        .await
        .map_err(|e| RlsError::Live(connect::classify_query_error(&e, "as the user")))
}

async fn value(client: &Client, sql: &str) -> Result<Option<String>, RlsError> {
    let messages = client
        .simple_query(sql)
        .await
        .map_err(|e| RlsError::Live(connect::classify_query_error(&e, "as the user")))?;
    Ok(messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
        _ => None,
    }))
}
