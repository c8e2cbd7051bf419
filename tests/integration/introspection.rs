//! The model read from a live database says what pg_catalog says.

use pglens::model::{
    ConstraintKind, FkAction, Identity, PolicyCommand, RelationKind, TriggerTiming, TypeKind,
    Volatility,
};

use crate::common::TestDb;

/// Counts straight from pg_catalog, for the same non-system schemas the model covers.
async fn catalog_count(db: &TestDb, sql: &str) -> usize {
    let row = db.client.query_one(sql, &[]).await.expect(sql);
    usize::try_from(row.get::<_, i64>(0)).expect("count fits")
}

const USER_NAMESPACES: &str = "(SELECT oid FROM pg_namespace WHERE nspname NOT IN ('pg_catalog','information_schema') AND nspname !~ '^pg_toast' AND nspname !~ '^pg_temp_')";

#[tokio::test]
async fn demo_counts_equal_pg_catalog() {
    let db = TestDb::with_demo("counts").await;
    let catalog = db.introspect().await;
    let c = catalog.counts();
    let count = |kinds: &str| {
        format!("SELECT count(*) FROM pg_class WHERE relkind IN ({kinds}) AND relnamespace IN {USER_NAMESPACES}")
    };
    assert_eq!(c.tables, catalog_count(&db, &count("'r','p'")).await);
    assert_eq!(c.views, catalog_count(&db, &count("'v'")).await);
    assert_eq!(
        c.materialized_views,
        catalog_count(&db, &count("'m'")).await
    );
    assert_eq!(
        c.columns,
        catalog_count(
            &db,
            &format!(
                "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f')
               AND c.relnamespace IN {USER_NAMESPACES}"
            )
        )
        .await
    );
    assert_eq!(
        c.indexes,
        catalog_count(
            &db,
            &format!(
                "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
             WHERE c.relnamespace IN {USER_NAMESPACES}"
            )
        )
        .await
    );
    assert_eq!(
        c.policies,
        catalog_count(
            &db,
            &format!(
                "SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             WHERE c.relnamespace IN {USER_NAMESPACES}"
            )
        )
        .await
    );
    assert_eq!(
        c.triggers,
        catalog_count(
            &db,
            &format!(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND c.relnamespace IN {USER_NAMESPACES}"
            )
        )
        .await
    );
    assert_eq!(
        c.functions,
        catalog_count(
            &db,
            &format!("SELECT count(*) FROM pg_proc WHERE pronamespace IN {USER_NAMESPACES}")
        )
        .await
    );
    assert_eq!(
        c.foreign_keys,
        catalog_count(&db, &format!(
            "SELECT count(*) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
             WHERE con.contype = 'f' AND con.conparentid = 0 AND c.relnamespace IN {USER_NAMESPACES}")).await
    );
    assert!(
        c.tables >= 60,
        "the demo has at least 60 tables, found {}",
        c.tables
    );
}

#[tokio::test]
async fn demo_tables_read_as_written() {
    let db = TestDb::with_demo("details").await;
    let catalog = db.introspect().await;

    // Columns, with array / jsonb / enum / domain recognised.
    let brands = catalog.relation("public", "brands").expect("brands");
    assert_eq!(brands.kind, RelationKind::Table);
    assert_eq!(brands.column("workspace_id").unwrap().data_type, "text");
    assert_eq!(
        brands.column("tone_keywords").unwrap().type_kind,
        TypeKind::Array {
            element: "text".into()
        }
    );
    assert_eq!(
        brands.column("brand_kit").unwrap().type_kind,
        TypeKind::Jsonb
    );
    assert_eq!(
        brands.column("primary_color").unwrap().default.as_deref(),
        Some("'#3b82f6'::text")
    );
    assert!(brands.rls_enabled && !brands.rls_forced);
    let unique = brands
        .constraints
        .iter()
        .find(|c| c.name == "unique_slug_per_tenant")
        .unwrap();
    assert_eq!(unique.kind, ConstraintKind::Unique);
    assert_eq!(unique.columns, ["tenant_id", "slug"]);

    let leads = catalog.relation("public", "leads").unwrap();
    assert!(
        matches!(&leads.column("status").unwrap().type_kind, TypeKind::Enum { type_name } if type_name.name == "lead_status")
    );
    assert_eq!(
        leads.comment.as_deref(),
        Some("Most-queried table: filtered by workspace_id and status on every dashboard load.")
    );
    assert_eq!(
        leads.column("score").unwrap().comment.as_deref(),
        Some("Lead score, 0-100.")
    );
    let emails = catalog.relation("public", "emails").unwrap();
    assert!(
        matches!(&emails.column("from_email").unwrap().type_kind, TypeKind::Domain { base, .. } if base == "text")
    );

    // Foreign keys with actions, including the seed's tenant_id -> auth.users mistake.
    let platforms = catalog.relation("public", "connector_platforms").unwrap();
    let (_, fk) = platforms.foreign_keys().next().expect("fk");
    assert_eq!(fk.referenced_table.to_string(), "auth.users");
    assert_eq!(fk.referenced_columns, ["id"]);
    let assets = catalog.relation("public", "assets").unwrap();
    let (con, fk) = assets
        .foreign_keys()
        .find(|(c, _)| c.columns == ["workspace_id"])
        .unwrap();
    assert_eq!(fk.on_delete, FkAction::Cascade);
    assert_eq!(fk.on_update, FkAction::NoAction);
    assert!(con.validated);
    let deals = catalog.relation("public", "deals").unwrap();
    let not_valid = deals
        .constraints
        .iter()
        .find(|c| c.name == "positive_value")
        .unwrap();
    assert!(!not_valid.validated);
    assert_eq!(not_valid.kind, ConstraintKind::Check);

    // Indexes: method, key order, DESC, GIN.
    let stage = deals
        .indexes
        .iter()
        .find(|i| i.name == "idx_deals_workspace_stage")
        .unwrap();
    assert_eq!(stage.method, "btree");
    assert_eq!(
        stage.leading_columns().collect::<Vec<_>>(),
        ["workspace_id", "stage", "value"]
    );
    assert!(stage.keys[2].descending && !stage.keys[0].descending);
    assert!(stage.valid && !stage.unique);
    let gin = emails
        .indexes
        .iter()
        .find(|i| i.name == "idx_emails_labels")
        .unwrap();
    assert_eq!(gin.method, "gin");
    let pk = deals.indexes.iter().find(|i| i.primary).unwrap();
    assert_eq!(pk.constraint.as_deref(), Some("deals_pkey"));

    // Policies: command, roles, USING / WITH CHECK text.
    let selects: Vec<_> = deals
        .policies
        .iter()
        .filter(|p| p.command == PolicyCommand::Select)
        .collect();
    assert_eq!(selects.len(), 2);
    assert!(selects
        .iter()
        .all(|p| p.permissive && p.roles == ["authenticated"]));
    let notify = catalog.relation("public", "notifications").unwrap();
    let anyone = notify
        .policies
        .iter()
        .find(|p| p.name == "anyone can notify")
        .unwrap();
    assert_eq!(anyone.command, PolicyCommand::Insert);
    assert_eq!(anyone.roles, ["anon", "authenticated"]);
    assert_eq!(anyone.with_check.as_deref(), Some("true"));
    assert_eq!(anyone.using, None);
    let consent = catalog.relation("public", "consent_records").unwrap();
    assert!(consent.rls_enabled && consent.rls_forced);

    // Triggers.
    let clients = catalog.relation("public", "clients").unwrap();
    let trigger = &clients.triggers[0];
    assert_eq!(trigger.timing, TriggerTiming::Before);
    assert_eq!(
        trigger.function.to_string(),
        "public.update_updated_at_column"
    );

    // Views and their options.
    let summary = catalog.relation("public", "client_summary").unwrap();
    assert_eq!(summary.kind, RelationKind::View);
    assert!(!summary.option_enabled("security_invoker"));
    assert!(summary
        .view_definition
        .as_deref()
        .unwrap()
        .contains("count(d.id)"));
    assert_eq!(
        summary
            .reads
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>(),
        ["public.clients", "public.deals"]
    );
    let pipeline = catalog.relation("public", "pipeline_summary").unwrap();
    assert_eq!(
        pipeline.option_enabled("security_invoker"),
        catalog.has(pglens::model::version::Feature::SecurityInvoker),
        "the demo sets security_invoker where the server has it"
    );
    let mv = catalog
        .relation("public", "mv_campaign_performance")
        .unwrap();
    assert_eq!(mv.kind, RelationKind::MaterializedView);
    assert!(mv.indexes.iter().any(|i| i.unique));

    // Partitioning.
    let api_logs = catalog.relation("public", "api_logs").unwrap();
    assert_eq!(api_logs.kind, RelationKind::PartitionedTable);
    assert_eq!(
        api_logs.partition_key.as_deref(),
        Some("RANGE (created_at)")
    );
    assert_eq!(
        api_logs.column("id").unwrap().identity,
        Some(Identity::Always)
    );
    let part = catalog.relation("public", "api_logs_2026_01").unwrap();
    let of = part.partition_of.as_ref().unwrap();
    assert_eq!(of.parent.to_string(), "public.api_logs");
    assert!(of.bound.contains("2026-01-01"), "{}", of.bound);

    // Functions, sequences, extensions, types.
    let definer = catalog
        .functions
        .iter()
        .find(|f| f.name == "user_has_workspace_access")
        .unwrap();
    assert!(definer.security_definer);
    assert_eq!(definer.pinned_search_path(), None);
    assert_eq!(definer.volatility, Volatility::Stable);
    assert_eq!(definer.identity_arguments, "target_workspace uuid");
    assert!(pglens::model::grants_allow(
        &definer.grants,
        "anon",
        "EXECUTE"
    ));
    let pinned = catalog
        .functions
        .iter()
        .find(|f| f.name == "is_tenant_member")
        .unwrap();
    assert_eq!(pinned.pinned_search_path(), Some("\"\""));
    let seq = catalog
        .sequences
        .iter()
        .find(|s| s.name == "kernel_events_id_seq")
        .unwrap();
    assert_eq!(seq.data_type, "integer");
    assert_eq!(seq.last_value, Some(1_900_000_000));
    assert_eq!(seq.owned_by.as_ref().unwrap().column, "id");
    let trgm = catalog
        .extensions
        .iter()
        .find(|e| e.name == "pg_trgm")
        .unwrap();
    assert_eq!(trgm.schema, "public");
    assert!(trgm.default_version.is_some());
    assert!(catalog
        .functions
        .iter()
        .any(|f| f.extension.as_deref() == Some("pg_trgm")));
    let status = catalog
        .enums
        .iter()
        .find(|e| e.name == "lead_status")
        .unwrap();
    assert_eq!(status.labels.first().map(String::as_str), Some("new"));
    assert_eq!(catalog.domains[0].name, "email_address");

    // Supabase facts: roles, grants, exposed schemas.
    assert!(catalog.is_supabase());
    assert_eq!(
        catalog.exposed_schemas.as_deref(),
        Some(&["public".to_string(), "graphql_public".to_string()][..])
    );
    assert!(pglens::model::grants_allow(&leads.grants, "anon", "SELECT"));
    assert!(!pglens::model::grants_allow(
        &catalog.relation("auth", "users").unwrap().grants,
        "anon",
        "SELECT"
    ));

    // Statistics are present for a live source; sizes only once the table was analyzed.
    let stats = leads.stats.as_ref().expect("stats");
    assert_eq!(
        stats.total_bytes, None,
        "never analyzed: size unknown, not zero"
    );
    db.exec(
        "WITH t AS (INSERT INTO public.tenants (name) VALUES ('t') RETURNING id)
         INSERT INTO public.workspaces (tenant_id, name) SELECT id, 'w' FROM t;
         ANALYZE public.workspaces;",
    )
    .await;
    let analyzed = db.introspect().await;
    let ws = analyzed.relation("public", "workspaces").unwrap();
    let stats = ws.stats.as_ref().expect("stats");
    assert_eq!(stats.estimated_rows, Some(1));
    assert!(
        stats.table_bytes.unwrap_or(0) > 0 && stats.index_bytes.unwrap_or(0) > 0,
        "{stats:?}"
    );
    assert_eq!(
        stats.total_bytes,
        Some(stats.table_bytes.unwrap() + stats.index_bytes.unwrap())
    );
    assert_eq!(
        catalog.meta.server_version_num.map(|v| v >= 130000),
        Some(true)
    );
}

#[tokio::test]
async fn hostile_identifiers_round_trip() {
    let db = TestDb::new("idents").await;
    let long = "x".repeat(63);
    db.exec(&format!(
        r#"CREATE SCHEMA "Mixed Case";
           CREATE TABLE "Mixed Case"."we""ird; table" (
             "Ünïcødé 列" text,
             "with space" int PRIMARY KEY,
             "{long}" text,
             "a\b" text
           );
           CREATE INDEX "idx ""quoted""" ON "Mixed Case"."we""ird; table" ("Ünïcødé 列");
           COMMENT ON TABLE "Mixed Case"."we""ird; table" IS 'it''s here';
           ALTER TABLE "Mixed Case"."we""ird; table" ENABLE ROW LEVEL SECURITY;
           CREATE POLICY "p; DROP TABLE x" ON "Mixed Case"."we""ird; table" USING ("with space" > 0);"#
    ))
    .await;
    let catalog = db.introspect().await;
    let table = catalog
        .relation("Mixed Case", "we\"ird; table")
        .expect("table by its real name");
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Ünïcødé 列", "with space", long.as_str(), "a\\b"]);
    assert_eq!(
        table
            .indexes
            .iter()
            .filter(|i| i.name == "idx \"quoted\"")
            .count(),
        1
    );
    let idx = table
        .indexes
        .iter()
        .find(|i| i.name == "idx \"quoted\"")
        .unwrap();
    assert_eq!(idx.keys[0].column.as_deref(), Some("Ünïcødé 列"));
    assert_eq!(table.comment.as_deref(), Some("it's here"));
    assert_eq!(table.policies[0].name, "p; DROP TABLE x");
    assert_eq!(table.primary_key().unwrap().columns, ["with space"]);
}

#[tokio::test]
async fn a_plain_role_can_introspect() {
    let db = TestDb::with_demo("plainrole").await;
    let role = format!("reader_{}", db.name.rsplit('_').next().unwrap_or("0"));
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
    ))
    .await;
    let mut params = db.params.clone();
    params.user = role.clone();
    let catalog = pglens::source::live::load(&params, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("a non-owner role must be able to introspect: {e}"));
    let as_owner = db.introspect().await;
    // Same structure; only what the role may not read differs (sequence values).
    assert_eq!(catalog.counts(), as_owner.counts());
    let seq = catalog
        .sequences
        .iter()
        .find(|s| s.name == "kernel_events_id_seq")
        .unwrap();
    assert_eq!(
        seq.last_value, None,
        "the role has no privilege on the sequence"
    );
    let deals = catalog.relation("public", "deals").unwrap();
    assert_eq!(deals.policies.len(), 3);
    db.exec(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .await;
}

#[tokio::test]
async fn introspection_uses_no_named_prepared_statements() {
    use pglens::source::live::introspect::{introspect, IntrospectOptions};
    let db = TestDb::new("readonly").await;
    db.exec("CREATE TABLE t (id int)").await;
    let client = pglens::source::live::connect::connect(&db.params)
        .await
        .unwrap();
    let mut checked = false;
    introspect(&client, None, &IntrospectOptions::default(), &mut |_| {})
        .await
        .unwrap();
    // After introspection the session is back to normal and holds no prepared statements.
    let rows = client
        .simple_query("SELECT count(*) FROM pg_prepared_statements")
        .await
        .unwrap();
    for m in rows {
        if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
            assert_eq!(
                r.get(0),
                Some("0"),
                "no named prepared statements (pooler safety)"
            );
            checked = true;
        }
    }
    assert!(checked);
}

/// The CREATE INDEX text pglens renders must be what the server itself prints, for every
/// index of the demo and of a fixture built to cover each part of the syntax.
#[tokio::test]
async fn rendered_index_definitions_equal_pg_get_indexdef() {
    let db = TestDb::with_demo("indexdef").await;
    db.exec(
        r#"CREATE SCHEMA "Odd Schema";
           CREATE TABLE "Odd Schema"."Order Lines" (
             id int, "User" text COLLATE "C", amount numeric, note text, tags text[],
             email text, created timestamptz, k int);
           CREATE INDEX "Idx ""q""" ON "Odd Schema"."Order Lines" (id DESC NULLS LAST, "User");
           CREATE INDEX ON "Odd Schema"."Order Lines" (note COLLATE "C" text_pattern_ops);
           CREATE INDEX ON "Odd Schema"."Order Lines" (lower(email)) WHERE amount > 0;
           CREATE INDEX ON "Odd Schema"."Order Lines" ((id + k), created NULLS FIRST);
           CREATE UNIQUE INDEX ON "Odd Schema"."Order Lines" (id) INCLUDE (amount, note);
           DO $$ BEGIN
             IF current_setting('server_version_num')::int >= 150000 THEN
               EXECUTE 'CREATE UNIQUE INDEX nnd ON "Odd Schema"."Order Lines" (k) NULLS NOT DISTINCT';
             END IF;
           END $$;
           CREATE INDEX ON "Odd Schema"."Order Lines" USING gin (tags);
           CREATE INDEX ON "Odd Schema"."Order Lines" USING gin (note public.gin_trgm_ops);
           CREATE INDEX ON "Odd Schema"."Order Lines" USING brin (created) WITH (pages_per_range = 32);
           CREATE INDEX ON "Odd Schema"."Order Lines" USING hash (email);
           CREATE INDEX ff ON "Odd Schema"."Order Lines" (amount) WITH (fillfactor = 70);"#,
    )
    .await;
    let catalog = db.introspect().await;
    let rows = db
        .client
        .query(
            "SELECT n.nspname, c.relname, ic.relname,
                    (SELECT set_config('search_path', 'pg_catalog', true)) IS NOT NULL AS _,
                    pg_get_indexdef(i.indexrelid)
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
             JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('public', 'auth', 'Odd Schema')",
            &[],
        )
        .await
        .unwrap();
    assert!(
        rows.len() > 100,
        "demo and fixture indexes are all compared"
    );
    let mut mismatches = Vec::new();
    for row in rows {
        let (schema, table, index): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let server: String = row.get(4);
        let relation = catalog.relation(&schema, &table).expect("table in model");
        let model = relation
            .indexes
            .iter()
            .find(|i| i.name == index)
            .expect("index in model");
        let ours = pglens::sql::create_index(relation, model);
        if ours != server {
            mismatches.push(format!("  server: {server}\n  pglens: {ours}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "rendered definitions differ:\n{}",
        mismatches.join("\n")
    );
}

/// Through a transaction-mode PgBouncer (which cannot keep named prepared statements), the
/// model is exactly what a direct connection reads.
#[tokio::test]
async fn introspection_through_a_transaction_pooler_equals_direct() {
    let Some(cluster) = crate::common::server().cluster.as_ref() else {
        eprintln!("skipped: needs the harness's own cluster");
        return;
    };
    let db = TestDb::with_demo("pooler").await;
    let port = crate::common::pooler_port(cluster);
    let mut params = db.params.clone();
    params.hosts = vec!["127.0.0.1".into()];
    params.ports = vec![port];
    params.sslmode = pglens::source::live::SslMode::Disable;
    let pooled = pglens::source::live::load(&params, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("introspection through pgbouncer failed: {e}"));
    let direct = db.introspect().await;
    assert_eq!(pooled.counts(), direct.counts());
    assert_eq!(pooled.without_volatile(), direct.without_volatile());
}

/// What only some majors have is read where it exists and absent (not misread) elsewhere.
#[tokio::test]
async fn version_specific_catalog_features() {
    use pglens::model::version::Feature;
    use pglens::model::GeneratedKind;

    let db = TestDb::new("versions").await;
    db.exec(
        "CREATE TABLE never_analyzed (id int PRIMARY KEY, n int NOT NULL);
         CREATE TABLE scanned (id int PRIMARY KEY);
         SELECT count(*) FROM scanned;
         DO $$ BEGIN
           IF current_setting('server_version_num')::int >= 150000 THEN
             EXECUTE 'CREATE UNIQUE INDEX nnd ON never_analyzed (n) NULLS NOT DISTINCT';
             PERFORM pg_stat_force_next_flush();
           END IF;
           IF current_setting('server_version_num')::int >= 180000 THEN
             EXECUTE 'CREATE TABLE virtual_cols (a int NOT NULL, doubled int GENERATED ALWAYS AS (a * 2) VIRTUAL)';
           END IF;
         END $$;",
    )
    .await;
    let catalog = db.introspect().await;
    let version = catalog.meta.server_version_num.unwrap();
    let table = catalog.relation("public", "never_analyzed").unwrap();
    let stats = table.stats.as_ref().unwrap();
    assert_eq!(
        stats.estimated_rows, None,
        "never analyzed reads as unknown on {version}, not as 0 rows"
    );
    // NOT NULL is a column property on every version, never a constraint of its own (18
    // keeps NOT NULL constraints in pg_constraint too).
    assert!(table.column("n").unwrap().not_null);
    assert_eq!(
        table
            .constraints
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["never_analyzed_pkey"]
    );
    let nnd = table.indexes.iter().find(|i| i.name == "nnd");
    assert_eq!(
        nnd.map(|i| i.nulls_not_distinct),
        Feature::NullsNotDistinct
            .in_version(version)
            .then_some(true)
    );
    let scanned = catalog.relation("public", "scanned").unwrap();
    let last_read = scanned.stats.as_ref().and_then(|s| s.last_read.clone());
    assert_eq!(
        last_read.is_some(),
        Feature::LastScanTimes.in_version(version),
        "last scan time on {version}: {last_read:?}"
    );
    let virtual_cols = catalog.relation("public", "virtual_cols");
    if Feature::VirtualGeneratedColumns.in_version(version) {
        let doubled = virtual_cols.unwrap().column("doubled").unwrap();
        assert_eq!(
            doubled.generated.as_ref().map(|g| g.kind),
            Some(GeneratedKind::Virtual)
        );
        assert!(virtual_cols.unwrap().column("a").unwrap().not_null);
    } else {
        assert!(virtual_cols.is_none());
    }
}

/// Composite types (`CREATE TYPE ... AS (...)`) read the same from a live database and from
/// migration files: attributes, types and comment; tables' own row types are not listed. The
/// explorer lists them with the columns that use them.
#[tokio::test]
async fn composite_types_read_the_same_live_and_from_files() {
    // Made in one statement and reshaped by ALTER TYPE, as migrations do over time.
    let sql = r#"CREATE TYPE public.address AS (street text, town text, zip int, obsolete text);
        ALTER TYPE public.address RENAME ATTRIBUTE town TO city;
        ALTER TYPE public.address ALTER ATTRIBUTE zip TYPE varchar(10);
        ALTER TYPE public.address DROP ATTRIBUTE obsolete;
        ALTER TYPE public.address ADD ATTRIBUTE country text;
        COMMENT ON TYPE public.address IS 'postal address';
        CREATE TABLE public.customers (id int PRIMARY KEY, home public.address, past public.address[]);"#;
    let (live, files) = live_and_files("composites", sql).await;
    assert_eq!(
        type_drift(&live, &files),
        Vec::<String>::new(),
        "pglens diff agrees"
    );
    for catalog in [&live, &files] {
        let [c] = catalog.composites.as_slice() else {
            panic!("one composite type: {:?}", catalog.composites);
        };
        assert_eq!((c.schema.as_str(), c.name.as_str()), ("public", "address"));
        let attributes: Vec<(&str, &str)> = c
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.type_name.as_str()))
            .collect();
        assert_eq!(
            attributes,
            [
                ("street", "text"),
                ("city", "text"),
                ("zip", "character varying(10)"),
                ("country", "text")
            ]
        );
        assert_eq!(c.comment.as_deref(), Some("postal address"));

        let model = pglens::tui::model::Model::new(catalog.clone(), Vec::new(), Default::default());
        let id = pglens::model::ObjectId::Type {
            schema: "public".into(),
            name: "address".into(),
        };
        let doc = pglens::tui::doc::definition::doc(&model, &id);
        let text: Vec<String> = doc.lines.iter().map(|l| l.text.clone()).collect();
        let text = text.join("\n");
        assert!(
            text.contains("CREATE TYPE public.address AS (\n  street text,"),
            "{text}"
        );
        assert!(
            text.contains("-- used by 2 columns: public.customers.home, public.customers.past"),
            "{text}"
        );
    }
}

/// Enum values added (at the end, BEFORE, AFTER, IF NOT EXISTS) and renamed, comments on an
/// enum, a domain and a composite type's attribute: the same live and from files.
#[tokio::test]
async fn enum_changes_and_type_comments_read_the_same_live_and_from_files() {
    let sql = r#"CREATE TYPE public.invoice_state AS ENUM ('draft', 'sent');
        ALTER TYPE public.invoice_state ADD VALUE 'paid';
        ALTER TYPE public.invoice_state ADD VALUE 'issued' BEFORE 'paid';
        ALTER TYPE public.invoice_state ADD VALUE 'void' AFTER 'draft';
        ALTER TYPE public.invoice_state ADD VALUE IF NOT EXISTS 'paid';
        ALTER TYPE public.invoice_state RENAME VALUE 'sent' TO 'mailed';
        COMMENT ON TYPE public.invoice_state IS 'where an invoice is';
        CREATE DOMAIN public.email AS text CHECK (VALUE ~ '@');
        COMMENT ON DOMAIN public.email IS 'an address with an at sign';
        CREATE TYPE public.address AS (street text, zip text);
        COMMENT ON COLUMN public.address.zip IS 'postal code
as the post office writes it';"#;
    let (live, files) = live_and_files("enum_changes", sql).await;
    let problems = &files.migrations.as_ref().expect("migrations").problems;
    assert!(problems.is_empty(), "every statement applies: {problems:?}");
    assert_eq!(
        type_drift(&live, &files),
        Vec::<String>::new(),
        "pglens diff agrees"
    );
    for (source, c) in [("live", &live), ("files", &files)] {
        let [e] = c.enums.as_slice() else {
            panic!("{source}: one enum: {:?}", c.enums)
        };
        assert_eq!(
            e.labels,
            ["draft", "void", "mailed", "issued", "paid"],
            "{source}"
        );
        assert_eq!(
            e.comment.as_deref(),
            Some("where an invoice is"),
            "{source}"
        );
        let [d] = c.domains.as_slice() else {
            panic!("{source}: one domain")
        };
        assert_eq!(
            d.comment.as_deref(),
            Some("an address with an at sign"),
            "{source}"
        );
        let [a] = c.composites.as_slice() else {
            panic!("{source}: one composite")
        };
        assert_eq!(
            a.attributes[1].comment.as_deref(),
            Some("postal code\nas the post office writes it"),
            "{source}"
        );
        let ddl = pglens::sql::ddl::composite_type(a);
        assert!(
            ddl.contains("COMMENT ON COLUMN public.address.zip IS E'postal code\\nas the post office writes it';"),
            "{source}: {ddl}"
        );
    }
}

/// Partitions made with `LIKE ... INCLUDING ALL` and attached, one detached, a plain `LIKE`
/// copy, and an INHERITS child: columns, keys and partition parents the same live and from
/// files.
#[tokio::test]
async fn like_attach_and_detach_read_the_same_live_and_from_files() {
    let sql = r#"CREATE TABLE public.audit_logs (
            id bigint NOT NULL, at timestamptz NOT NULL, action text DEFAULT 'read' CHECK (action <> ''),
            PRIMARY KEY (id, at)
        ) PARTITION BY RANGE (at);
        COMMENT ON COLUMN public.audit_logs.action IS 'what was done';
        CREATE INDEX audit_logs_action_idx ON public.audit_logs (action);
        CREATE TABLE public.audit_logs_2026_01 PARTITION OF public.audit_logs
            FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
        CREATE TABLE public.audit_logs_2026_04 (LIKE public.audit_logs INCLUDING ALL);
        ALTER TABLE public.audit_logs ATTACH PARTITION public.audit_logs_2026_04
            FOR VALUES FROM ('2026-04-01') TO ('2026-05-01');
        ALTER TABLE public.audit_logs DETACH PARTITION public.audit_logs_2026_01;
        CREATE TABLE public.audit_copy (LIKE public.audit_logs);
        CREATE TABLE public.notes (id int PRIMARY KEY, body text);
        CREATE TABLE public.notes_archive (archived_at timestamptz) INHERITS (public.notes);"#;
    let (live, files) = live_and_files("like_attach", sql).await;
    let problems = &files.migrations.as_ref().expect("migrations").problems;
    assert!(problems.is_empty(), "every statement applies: {problems:?}");
    for (source, c) in [("live", &live), ("files", &files)] {
        let table = |name: &str| {
            c.relation("public", name)
                .unwrap_or_else(|| panic!("{source}: {name}"))
        };
        let attached = table("audit_logs_2026_04");
        assert_eq!(
            attached
                .partition_of
                .as_ref()
                .map(|p| p.parent.name.as_str()),
            Some("audit_logs"),
            "{source}"
        );
        let columns: Vec<(&str, Option<&str>, bool)> = (attached.columns.iter())
            .map(|c| (c.name.as_str(), c.comment.as_deref(), c.not_null))
            .collect();
        assert_eq!(
            columns,
            [
                ("id", None, true),
                ("at", None, true),
                ("action", Some("what was done"), false)
            ],
            "{source}"
        );
        let keys = |r: &pglens::model::Relation| {
            let mut k: Vec<(String, Vec<String>)> = (r.constraints.iter())
                .filter(|k| k.kind != pglens::model::ConstraintKind::Check)
                .map(|k| (format!("{:?}", k.kind), k.columns.clone()))
                .collect();
            k.sort();
            k
        };
        assert_eq!(
            keys(attached),
            [(
                "PrimaryKey".to_string(),
                vec!["id".to_string(), "at".to_string()]
            )],
            "{source}: the LIKE copy's key is the one ATTACH uses"
        );
        assert_eq!(
            (attached.constraints.iter())
                .filter(|k| k.kind == pglens::model::ConstraintKind::Check)
                .count(),
            1,
            "{source}"
        );
        assert_eq!(attached.indexes.len(), 2, "{source}: key and action index");
        assert!(
            table("audit_logs_2026_01").partition_of.is_none(),
            "{source}"
        );
        let copy = table("audit_copy");
        assert!(keys(copy).is_empty(), "{source}: plain LIKE copies no key");
        assert!(copy
            .columns
            .iter()
            .all(|c| c.default.is_none() && c.comment.is_none()));
        assert!(
            keys(table("notes_archive")).is_empty(),
            "{source}: INHERITS copies no key"
        );
    }
}

/// A domain reshaped by ALTER DOMAIN (checks added, renamed and dropped, NOT NULL and the
/// default set and dropped): its checks, by name, and the rest the same live and from files.
#[tokio::test]
async fn alter_domain_reads_the_same_live_and_from_files() {
    let sql = r#"CREATE DOMAIN public.price AS numeric CHECK (VALUE >= 0);
        ALTER DOMAIN public.price ADD CONSTRAINT price_cap CHECK (VALUE < 1000000);
        ALTER DOMAIN public.price ADD CHECK (VALUE <> 13);
        ALTER DOMAIN public.price DROP CONSTRAINT price_check;
        ALTER DOMAIN public.price RENAME CONSTRAINT price_check1 TO price_not_unlucky;
        ALTER DOMAIN public.price SET NOT NULL;
        ALTER DOMAIN public.price SET DEFAULT 0;
        CREATE DOMAIN public.code AS text NOT NULL DEFAULT 'x';
        ALTER DOMAIN public.code DROP NOT NULL;
        ALTER DOMAIN public.code DROP DEFAULT;"#;
    let (live, files) = live_and_files("alter_domain", sql).await;
    let problems = &files.migrations.as_ref().expect("migrations").problems;
    assert!(problems.is_empty(), "every statement applies: {problems:?}");
    assert_eq!(
        type_drift(&live, &files),
        Vec::<String>::new(),
        "pglens diff agrees"
    );
    for (source, c) in [("live", &live), ("files", &files)] {
        let domain = |name: &str| {
            c.domains
                .iter()
                .find(|d| d.name == name)
                .unwrap_or_else(|| panic!("{source}: {name}"))
        };
        let price = domain("price");
        let names: Vec<&str> = (price.checks.iter())
            .filter_map(|c| c.strip_prefix("CONSTRAINT "))
            .filter_map(|c| c.split_whitespace().next())
            .collect();
        assert_eq!(
            names,
            ["price_cap", "price_not_unlucky"],
            "{source}: {price:?}"
        );
        assert!(price.not_null, "{source}");
        assert!(price.default.is_some(), "{source}");
        let code = domain("code");
        assert!(
            !code.not_null && code.default.is_none(),
            "{source}: {code:?}"
        );
    }
}

/// Differences between two readings of the same types that are more than spelling.
fn type_drift(a: &pglens::model::Catalog, b: &pglens::model::Catalog) -> Vec<String> {
    pglens::diff::diff(a, b)
        .into_iter()
        .filter(|d| matches!(d.kind, "enum" | "domain" | "type") && !d.formatting_only)
        .map(|d| format!("{d:?}"))
        .collect()
}

/// A type's Definition names what uses it besides columns: a domain over it, another
/// composite type, a function that returns it; and says when nothing uses it at all.
#[tokio::test]
async fn a_types_definition_names_its_domains_types_and_functions() {
    let sql = r#"CREATE TYPE public.money_t AS (amount numeric, currency text);
        CREATE DOMAIN public.price AS public.money_t CHECK ((VALUE).amount >= 0);
        CREATE TYPE public.line AS (item text, cost public.money_t);
        CREATE FUNCTION public.zero() RETURNS public.money_t LANGUAGE sql AS $$ SELECT (0, 'EUR')::public.money_t $$;
        CREATE TYPE public.orphan AS (x int);"#;
    let (live, files) = live_and_files("type_users", sql).await;
    for (source, c) in [("live", &live), ("files", &files)] {
        let model = pglens::tui::model::Model::new(c.clone(), Vec::new(), Default::default());
        let definition = |name: &str| {
            let id = pglens::model::ObjectId::Type {
                schema: "public".into(),
                name: name.into(),
            };
            let doc = pglens::tui::doc::definition::doc(&model, &id);
            let text: Vec<String> = doc.lines.iter().map(|l| l.text.clone()).collect();
            text.join("\n")
        };
        let money = definition("money_t");
        assert!(
            money.contains(
                "-- used by no column, but by domain public.price, type public.line, function public.zero()"
            ),
            "{source}: {money}"
        );
        let orphan = definition("orphan");
        assert!(
            orphan.contains("-- used by no column, domain, type or function"),
            "{source}: {orphan}"
        );
    }
}

/// The schema `sql` makes, read from a server that ran it and from it as a migration file.
async fn live_and_files(name: &str, sql: &str) -> (pglens::model::Catalog, pglens::model::Catalog) {
    let db = TestDb::new(name).await;
    db.exec(sql).await;
    let live = db.introspect().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("001_schema.sql");
    std::fs::write(&file, sql).expect("write migration");
    let files = pglens::source::sqlfiles::load(&[file]).expect("migration loads");
    (live, files)
}
