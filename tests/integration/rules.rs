//! Every rule against a real PostgreSQL: a schema where it must fire (exactly on the
//! objects listed), look-alikes in the same schema where it must not, and the round trip:
//! apply each finding's fix SQL to the server, audit again, and the rule's findings are
//! gone with no new critical finding.

use std::collections::BTreeSet;

use pglens::audit::{self, Finding, Selection, Severity};

use crate::common::TestDb;

/// What Supabase sets up for new objects in public: the API roles get access, and RLS is
/// what must hold them back.
const SUPABASE_GRANTS: &str = "
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;";

/// Makes the statistics written so far visible to other sessions: at once from PostgreSQL 15
/// (`pg_stat_force_next_flush`). Before that, a backend reports at the end of a transaction
/// at most every 500 ms, so the first block waits that long; and a reader may be served a
/// statistics file up to 500 ms old, so the second waits until any file it is served was
/// written after the report.
macro_rules! flush_stats {
    () => {
        "
        DO $$ BEGIN
          IF current_setting('server_version_num')::int >= 150000 THEN
            PERFORM pg_stat_force_next_flush();
          ELSE
            PERFORM pg_sleep(0.6);
          END IF;
        END $$;
        DO $$ BEGIN
          IF current_setting('server_version_num')::int < 150000 THEN
            PERFORM pg_sleep(0.6);
          END IF;
        END $$;"
    };
}

struct Case {
    rule: &'static str,
    /// Creates the smell and its look-alikes.
    setup: &'static str,
    /// Object paths (schema.table.name) the rule must report: exactly these.
    fires: &'static [&'static str],
    /// Look-alikes, named for the reader: the exact match above already excludes them.
    quiet: &'static [&'static str],
    /// The step a fix's notes ask for before it can run (a backfill), if any.
    before_fix: &'static str,
}

fn findings_of(catalog: &pglens::model::Catalog, rule: &str) -> Vec<Finding> {
    audit::run(
        catalog,
        &Selection {
            only: vec![rule.into()],
            skip: vec![],
        },
    )
}

/// Every object of the catalog by the path a finding would name it with: relations, their
/// columns, indexes, constraints, policies and triggers, functions with their argument types,
/// sequences and extensions.
fn object_paths(catalog: &pglens::model::Catalog) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for r in &catalog.relations {
        let table = format!("{}.{}", r.schema, r.name);
        let parts = r
            .columns
            .iter()
            .map(|c| &c.name)
            .chain(r.indexes.iter().map(|i| &i.name))
            .chain(r.constraints.iter().map(|c| &c.name))
            .chain(r.policies.iter().map(|p| &p.name))
            .chain(r.triggers.iter().map(|t| &t.name));
        for part in parts {
            paths.insert(format!("{table}.{part}"));
        }
        paths.insert(table);
    }
    for f in &catalog.functions {
        paths.insert(format!("{}.{}({})", f.schema, f.name, f.identity_arguments));
    }
    for s in &catalog.sequences {
        paths.insert(format!("{}.{}", s.schema, s.name));
    }
    for e in &catalog.extensions {
        paths.insert(e.name.clone());
    }
    paths
}

fn critical_keys(catalog: &pglens::model::Catalog) -> BTreeSet<String> {
    audit::run(catalog, &Selection::default())
        .into_iter()
        .filter(|f| f.severity == Severity::Critical)
        .map(|f| f.key)
        .collect()
}

/// Rules that judge by how much a table or index was used.
const USAGE_RULES: [&str; 2] = ["unused-table", "unused-index"];

/// On statistics a few seconds old, the usage rules still report what the counters say,
/// but say it is too soon to be sure and offer nothing to run.
#[tokio::test]
async fn young_statistics_propose_no_drop() {
    let db = TestDb::new("young_statistics").await;
    db.exec(concat!(
        "CREATE TABLE legacy (id int PRIMARY KEY, a int);
         CREATE TABLE busy (id int PRIMARY KEY, a int);
         CREATE INDEX busy_a ON busy (a);
         INSERT INTO busy SELECT g, g FROM generate_series(1, 100) g;
         ANALYZE busy;
         SELECT * FROM busy WHERE id = 1;",
        flush_stats!()
    ))
    .await;
    let mut catalog = db.introspect().await;
    let age = catalog
        .meta
        .stats_age_seconds
        .or(catalog.meta.server_age_seconds);
    assert!(age.is_some(), "a live server says how long it has counted");
    // The server the harness starts is seconds old; one named by PGLENS_TEST_DATABASE_URL
    // may have run for months, and then only the clock is made young.
    if age >= Some(7.0 * 86400.0) {
        catalog.meta.stats_age_seconds = Some(60.0);
    }
    for rule in USAGE_RULES {
        let found = findings_of(&catalog, rule);
        assert_eq!(found.len(), 1, "{rule}: {found:?}");
        let f = &found[0];
        assert!(
            f.message
                .contains("too soon to be sure: pglens proposes no DROP"),
            "{rule}: {}",
            f.message
        );
        assert!(f.fix.is_none(), "{rule}: {:?}", f.fix);
    }
}

async fn check(case: Case) {
    let db = TestDb::with_supabase(&case.rule.replace('-', "_")).await;
    db.exec(SUPABASE_GRANTS).await;
    db.exec(case.setup).await;
    let mut before = db.introspect().await;
    if USAGE_RULES.contains(&case.rule) {
        // The harness's server started seconds ago, and usage rules propose no DROP on
        // statistics that young (`young_statistics_propose_no_drop` holds them to that):
        // here the counters are real, and only their age is taken to be a month.
        before.meta.stats_age_seconds = Some(30.0 * 86400.0);
    }

    let found = findings_of(&before, case.rule);
    let paths: BTreeSet<String> = found.iter().map(|f| f.object.path()).collect();
    let expected: BTreeSet<String> = case.fires.iter().map(|s| s.to_string()).collect();
    assert_eq!(paths, expected, "{}: reported objects differ", case.rule);
    // A look-alike protects nothing unless it exists: a misspelt or never-created one would
    // pass the exact comparison above without testing anything.
    let present = object_paths(&before);
    for q in case.quiet {
        assert!(
            present.contains(*q),
            "{}: look-alike {q} is not in the schema the case built",
            case.rule
        );
        assert!(
            !paths.contains(*q),
            "{}: look-alike {q} was reported",
            case.rule
        );
    }

    if !case.before_fix.is_empty() {
        db.exec(case.before_fix).await;
    }
    for f in &found {
        let fix = f
            .fix
            .as_ref()
            .unwrap_or_else(|| panic!("{}: finding without a fix: {}", case.rule, f.message));
        for statement in &fix.statements {
            if let Err(detail) = db.try_exec(&statement.sql).await {
                panic!(
                    "{}: fix statement failed: {detail}\n{}",
                    case.rule, statement.sql
                );
            }
        }
    }

    let after = db.introspect().await;
    let remaining = findings_of(&after, case.rule);
    assert!(
        remaining.is_empty(),
        "{}: still reported after the fix: {:?}",
        case.rule,
        remaining.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let new_critical: Vec<String> = critical_keys(&after)
        .difference(&critical_keys(&before))
        .cloned()
        .collect();
    assert!(
        new_critical.is_empty(),
        "{}: the fix introduced critical findings: {new_critical:?}",
        case.rule
    );
}

macro_rules! cases {
    ($($name:ident: $case:expr;)*) => {
        $(#[tokio::test] async fn $name() { check($case).await; })*

        /// Every registered rule has at least one case here.
        #[test]
        fn every_rule_has_a_case() {
            let covered: BTreeSet<&str> = [$($case.rule),*].into_iter().collect();
            for entry in audit::all_rules() {
                let id = entry.rule.meta().id;
                assert!(
                    covered.contains(id) || crate::migrations::covers(id) || crate::workload::covers(id),
                    "rule {id} has no case here, nor a firing and a quiet test in migrations.rs"
                );
            }
        }
    };
}

cases! {
    dual_tenant_scope: Case {
        rule: "dual-tenant-scope",
        setup: "CREATE TABLE tenants (id uuid PRIMARY KEY);
                CREATE TABLE workspaces (id uuid PRIMARY KEY, tenant_id uuid REFERENCES tenants(id));
                CREATE TABLE campaigns (id uuid PRIMARY KEY, workspace_id uuid REFERENCES workspaces(id), tenant_id uuid);
                CREATE TABLE leads (id uuid PRIMARY KEY, workspace_id uuid REFERENCES workspaces(id));",
        fires: &["public.campaigns"],
        quiet: &["public.workspaces", "public.leads"],
        before_fix: "",
    };
    missing_tenant_column: Case {
        rule: "missing-tenant-column",
        setup: "CREATE TABLE workspaces (id uuid PRIMARY KEY);
                CREATE TABLE assets (id uuid PRIMARY KEY, workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE);
                CREATE TABLE asset_approvals (id uuid PRIMARY KEY, asset_id uuid NOT NULL REFERENCES assets(id));
                CREATE TABLE brands (id uuid PRIMARY KEY, workspace_id text);
                CREATE TABLE brand_notes (id uuid PRIMARY KEY, brand_id uuid REFERENCES brands(id));
                CREATE TABLE asset_comments (id uuid PRIMARY KEY, asset_id uuid NOT NULL REFERENCES assets(id), user_id uuid);
                CREATE TABLE asset_mentions (id uuid PRIMARY KEY, asset_id uuid REFERENCES assets(id) ON DELETE SET NULL, note text);
                ALTER TABLE asset_comments ENABLE ROW LEVEL SECURITY;
                CREATE POLICY own ON asset_comments TO authenticated USING (user_id = auth.uid());
                INSERT INTO workspaces VALUES ('00000000-0000-0000-0000-00000000000a');
                INSERT INTO assets VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000000a');
                INSERT INTO asset_approvals VALUES (gen_random_uuid(), '00000000-0000-0000-0000-0000000000a1');",
        fires: &["public.asset_approvals"],
        // asset_mentions only links to an asset (optional key): no ownership, no tenant.
        quiet: &["public.brand_notes", "public.asset_comments", "public.asset_mentions"],
        before_fix: "",
    };
    tenant_fk_to_users: Case {
        rule: "tenant-fk-to-users",
        setup: "CREATE TABLE tenants (id uuid PRIMARY KEY);
                CREATE TABLE connections (id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES auth.users(id));
                CREATE TABLE good (id uuid PRIMARY KEY, tenant_id uuid REFERENCES tenants(id));
                CREATE TABLE notes (id uuid PRIMARY KEY, user_id uuid REFERENCES auth.users(id));",
        fires: &["public.connections.connections_tenant_id_fkey"],
        quiet: &["public.good.good_tenant_id_fkey", "public.notes.notes_user_id_fkey"],
        before_fix: "",
    };
    rls_disabled_in_exposed_schema: Case {
        rule: "rls-disabled-in-exposed-schema",
        setup: "CREATE TABLE open_table (id int PRIMARY KEY);
                CREATE TABLE locked (id int PRIMARY KEY);
                ALTER TABLE locked ENABLE ROW LEVEL SECURITY;
                CREATE POLICY p ON locked FOR SELECT TO authenticated USING (true);
                CREATE SCHEMA private;
                CREATE TABLE private.internal (id int PRIMARY KEY);",
        fires: &["public.open_table"],
        quiet: &["public.locked", "private.internal"],
        before_fix: "",
    };
    rls_enabled_without_policy: Case {
        rule: "rls-enabled-without-policy",
        setup: "CREATE TABLE quotas (id int PRIMARY KEY, user_id uuid REFERENCES auth.users(id));
                ALTER TABLE quotas ENABLE ROW LEVEL SECURITY;
                CREATE TABLE service_only (id int PRIMARY KEY);
                ALTER TABLE service_only ENABLE ROW LEVEL SECURITY;
                CREATE TABLE ok (id int PRIMARY KEY);
                ALTER TABLE ok ENABLE ROW LEVEL SECURITY;
                CREATE POLICY p ON ok FOR SELECT TO authenticated USING (true);",
        fires: &["public.quotas", "public.service_only"],
        quiet: &["public.ok"],
        before_fix: "",
    };
    policy_with_rls_disabled: Case {
        rule: "policy-with-rls-disabled",
        setup: "CREATE TABLE jobs (id int PRIMARY KEY, owner uuid);
                CREATE POLICY own ON jobs USING (owner = (SELECT auth.uid()));
                CREATE TABLE fine (id int PRIMARY KEY, owner uuid);
                ALTER TABLE fine ENABLE ROW LEVEL SECURITY;
                CREATE POLICY own ON fine USING (owner = (SELECT auth.uid()));",
        fires: &["public.jobs"],
        quiet: &["public.fine"],
        before_fix: "",
    };
    sensitive_columns_without_rls: Case {
        rule: "sensitive-columns-without-rls",
        setup: "CREATE TABLE platform_connections (id int PRIMARY KEY, access_token text NOT NULL, token_expires_at timestamptz);
                CREATE TABLE sessions_meta (id int PRIMARY KEY, token_expires_at timestamptz, token_type text);
                CREATE TABLE secrets_ok (id int PRIMARY KEY, api_key text);
                ALTER TABLE secrets_ok ENABLE ROW LEVEL SECURITY;",
        fires: &["public.platform_connections"],
        quiet: &["public.sessions_meta", "public.secrets_ok"],
        before_fix: "",
    };
    policy_auth_function_per_row: Case {
        rule: "policy-auth-function-per-row",
        setup: "CREATE TABLE clients (id int PRIMARY KEY, user_id uuid);
                ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
                CREATE POLICY own ON clients FOR ALL TO authenticated
                  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);
                CREATE POLICY wrapped ON clients FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
                CREATE POLICY setting ON clients FOR SELECT TO authenticated
                  USING (current_setting('app.tenant', true) = 'x');",
        fires: &["public.clients.own", "public.clients.setting"],
        quiet: &["public.clients.wrapped"],
        before_fix: "",
    };
    multiple_permissive_policies: Case {
        rule: "multiple-permissive-policies",
        setup: "CREATE TABLE deals (id int PRIMARY KEY, owner_id uuid, workspace_id uuid);
                ALTER TABLE deals ENABLE ROW LEVEL SECURITY;
                CREATE POLICY a ON deals FOR SELECT TO authenticated USING (owner_id = (SELECT auth.uid()));
                CREATE POLICY b ON deals FOR SELECT TO authenticated USING (workspace_id IS NOT NULL);
                CREATE POLICY c ON deals FOR INSERT TO authenticated WITH CHECK (owner_id = (SELECT auth.uid()));
                CREATE TABLE notes (id int PRIMARY KEY);
                ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
                CREATE POLICY for_anon ON notes FOR SELECT TO anon USING (true);
                CREATE POLICY for_users ON notes FOR SELECT TO authenticated USING (true);
                CREATE POLICY strict ON notes AS RESTRICTIVE FOR SELECT TO authenticated USING (id > 0);",
        fires: &["public.deals.a"],
        quiet: &["public.notes.for_anon", "public.notes.for_users"],
        before_fix: "",
    };
    always_true_write_policy: Case {
        rule: "always-true-write-policy",
        setup: "CREATE TABLE notifications (id int PRIMARY KEY, user_id uuid);
                ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
                CREATE POLICY \"anyone can notify\" ON notifications FOR INSERT TO anon, authenticated WITH CHECK (true);
                CREATE POLICY \"everyone reads\" ON notifications FOR SELECT TO anon USING (true);
                CREATE POLICY \"check only\" ON notifications FOR UPDATE TO authenticated WITH CHECK (true);
                CREATE TABLE billing (id int PRIMARY KEY);
                ALTER TABLE billing ENABLE ROW LEVEL SECURITY;
                CREATE POLICY svc ON billing FOR ALL TO service_role USING (true) WITH CHECK (true);",
        fires: &["public.notifications.anyone can notify"],
        quiet: &[
            "public.notifications.everyone reads",
            "public.notifications.check only",
            "public.billing.svc",
        ],
        before_fix: "",
    };
    policy_null_uid_bypass: Case {
        rule: "policy-null-uid-bypass",
        setup: "CREATE TABLE profiles (id uuid PRIMARY KEY, bio text);
                ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
                CREATE POLICY \"own or setup\" ON profiles FOR SELECT
                  USING (auth.uid() IS NULL OR auth.uid() = id);
                CREATE POLICY \"signed in only\" ON profiles FOR SELECT TO authenticated
                  USING ((SELECT auth.uid()) IS NULL OR (SELECT auth.uid()) = id);
                CREATE POLICY \"own\" ON profiles FOR UPDATE
                  USING (auth.uid() IS NOT NULL AND auth.uid() = id);",
        fires: &["public.profiles.own or setup"],
        quiet: &["public.profiles.signed in only", "public.profiles.own"],
        before_fix: "",
    };
    write_policy_without_with_check: Case {
        rule: "write-policy-without-with-check",
        setup: "CREATE TABLE content (id int PRIMARY KEY, brand_id int);
                ALTER TABLE content ENABLE ROW LEVEL SECURITY;
                CREATE POLICY upd ON content FOR UPDATE TO authenticated USING (brand_id > 0);
                CREATE POLICY upd2 ON content FOR UPDATE TO authenticated USING (brand_id > 1) WITH CHECK (brand_id > 1);
                CREATE POLICY del ON content FOR DELETE TO authenticated USING (brand_id > 0);
                CREATE TABLE members (conversation_id int, user_id uuid);
                CREATE TABLE messages (id int PRIMARY KEY, conversation_id int, sender_id uuid);
                ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
                CREATE POLICY send ON messages FOR INSERT TO authenticated
                  WITH CHECK (sender_id = auth.uid() AND conversation_id IN
                    (SELECT m.conversation_id FROM members m WHERE m.user_id = auth.uid()));
                CREATE POLICY edit ON messages FOR UPDATE TO authenticated USING (sender_id = auth.uid());",
        // Both only implicit. `edit` asks less than `send`, yet an update through the API
        // must also pass the SELECT policy for the new row, so it is no hole.
        fires: &["public.content.upd", "public.messages.edit"],
        quiet: &["public.content.upd2", "public.content.del", "public.messages.send"],
        before_fix: "",
    };
    policy_trusts_user_metadata: Case {
        rule: "policy-trusts-user-metadata",
        setup: "CREATE TABLE brands (id int PRIMARY KEY);
                ALTER TABLE brands ENABLE ROW LEVEL SECURITY;
                CREATE POLICY admins ON brands FOR ALL TO authenticated
                  USING (((SELECT auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');
                CREATE POLICY app_admins ON brands FOR SELECT TO authenticated
                  USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');",
        fires: &["public.brands.admins"],
        quiet: &["public.brands.app_admins"],
        before_fix: "",
    };
    view_without_security_invoker: Case {
        rule: "view-without-security-invoker",
        setup: "CREATE TABLE clients (id int PRIMARY KEY);
                ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
                CREATE VIEW client_summary AS SELECT id FROM clients;
                CREATE VIEW safe_summary AS SELECT id FROM clients;
                DO $$ BEGIN
                  IF current_setting('server_version_num')::int >= 150000 THEN
                    ALTER VIEW safe_summary SET (security_invoker = true);
                  ELSE
                    -- No security_invoker before PostgreSQL 15: there the look-alike is a
                    -- view the API roles cannot read.
                    REVOKE ALL ON safe_summary FROM anon, authenticated;
                  END IF;
                END $$;
                CREATE VIEW hidden AS SELECT id FROM clients;
                REVOKE ALL ON hidden FROM anon, authenticated;
                CREATE SCHEMA private;
                CREATE VIEW private.internal AS SELECT id FROM public.clients;",
        fires: &["public.client_summary"],
        quiet: &["public.safe_summary", "public.hidden", "private.internal"],
        before_fix: "",
    };
    view_exposes_auth_users: Case {
        rule: "view-exposes-auth-users",
        setup: "CREATE VIEW user_directory AS SELECT id, email FROM auth.users;
                CREATE TABLE profiles (id uuid PRIMARY KEY);
                ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
                CREATE VIEW profile_list AS SELECT id FROM profiles;",
        fires: &["public.user_directory"],
        quiet: &["public.profile_list"],
        before_fix: "",
    };
    materialized_view_in_api: Case {
        rule: "materialized-view-in-api",
        setup: "CREATE TABLE t (id int PRIMARY KEY);
                ALTER TABLE t ENABLE ROW LEVEL SECURITY;
                CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
                CREATE MATERIALIZED VIEW mv_private AS SELECT id FROM t;
                REVOKE ALL ON mv_private FROM anon, authenticated;",
        fires: &["public.mv"],
        quiet: &["public.mv_private"],
        before_fix: "",
    };
    foreign_table_in_api: Case {
        rule: "foreign-table-in-api",
        setup: "CREATE FOREIGN DATA WRAPPER dummy_fdw;
                CREATE SERVER legacy FOREIGN DATA WRAPPER dummy_fdw;
                CREATE FOREIGN TABLE legacy_orders (id int) SERVER legacy;
                CREATE FOREIGN TABLE legacy_hidden (id int) SERVER legacy;
                REVOKE ALL ON legacy_hidden FROM anon, authenticated;",
        fires: &["public.legacy_orders"],
        quiet: &["public.legacy_hidden"],
        before_fix: "",
    };
    security_definer_mutable_search_path: Case {
        rule: "security-definer-mutable-search-path",
        setup: "CREATE FUNCTION public.check_access(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
                  AS $$ SELECT x IS NOT NULL $$;
                CREATE FUNCTION public.pinned(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
                  SET search_path = '' AS $$ SELECT x IS NOT NULL $$;
                CREATE FUNCTION public.invoker(x uuid) RETURNS boolean LANGUAGE sql
                  AS $$ SELECT x IS NOT NULL $$;",
        fires: &["public.check_access(x uuid)"],
        quiet: &["public.pinned(x uuid)", "public.invoker(x uuid)"],
        before_fix: "",
    };
    function_search_path_mutable: Case {
        rule: "function-search-path-mutable",
        setup: "CREATE TABLE members (team uuid, user_id uuid);
                CREATE FUNCTION public.is_member(team uuid) RETURNS boolean LANGUAGE sql STABLE
                  AS $$ SELECT EXISTS (SELECT 1 FROM members m WHERE m.team = is_member.team) $$;
                CREATE TABLE docs (id int PRIMARY KEY, team uuid);
                ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
                CREATE POLICY read_team ON docs FOR SELECT USING (public.is_member(team));
                CREATE FUNCTION public.slugify(t text) RETURNS text LANGUAGE sql IMMUTABLE
                  AS $$ SELECT lower(t) $$;
                CREATE FUNCTION public.member_count() RETURNS bigint LANGUAGE sql STABLE
                  AS $$ SELECT count(*) FROM members $$;
                CREATE FUNCTION public.pinned(x int) RETURNS int LANGUAGE sql
                  SET search_path = public AS $$ SELECT x $$;
                CREATE FUNCTION public.definer(x int) RETURNS int LANGUAGE sql SECURITY DEFINER
                  AS $$ SELECT x $$;",
        fires: &["public.is_member(team uuid)", "public"],
        quiet: &["public.pinned(x integer)", "public.definer(x integer)"],
        before_fix: "",
    };
    security_definer_in_api: Case {
        rule: "security-definer-in-api",
        setup: "CREATE FUNCTION public.helper(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
                  SET search_path = '' AS $$ SELECT x IS NOT NULL $$;
                CREATE FUNCTION public.is_member(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
                  SET search_path = '' AS $$ SELECT x IS NOT NULL $$;
                CREATE TABLE docs (id int PRIMARY KEY, owner uuid);
                ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
                CREATE POLICY members ON docs FOR SELECT TO authenticated USING (public.is_member(owner));
                CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                  SET search_path = '' AS $$ BEGIN RETURN NEW; END $$;
                CREATE FUNCTION public.revoked(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
                  SET search_path = '' AS $$ SELECT x IS NOT NULL $$;
                REVOKE EXECUTE ON FUNCTION public.revoked(uuid) FROM PUBLIC, anon, authenticated;
                CREATE PROCEDURE public.purge() LANGUAGE sql SECURITY DEFINER
                  SET search_path = '' AS $$ SELECT 1 $$;
                CREATE SCHEMA private;
                CREATE FUNCTION private.internal(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
                  SET search_path = '' AS $$ SELECT x IS NOT NULL $$;",
        fires: &["public.helper(x uuid)", "public.is_member(x uuid)", "public.purge()"],
        quiet: &["public.revoked(x uuid)", "private.internal(x uuid)", "public.touch()"],
        before_fix: "",
    };
    truncate_granted_to_api_roles: Case {
        rule: "truncate-granted-to-api-roles",
        setup: "CREATE TABLE items (id int PRIMARY KEY);
                CREATE TABLE readonly_items (id int PRIMARY KEY);
                REVOKE TRUNCATE ON readonly_items FROM anon, authenticated;
                CREATE SCHEMA internal;
                CREATE TABLE internal.jobs (id int PRIMARY KEY);
                GRANT ALL ON internal.jobs TO authenticated;",
        fires: &["public"],
        quiet: &["public.readonly_items", "internal.jobs"],
        before_fix: "",
    };
    default_privileges_grant_api_write: Case {
        rule: "default-privileges-grant-api-write",
        // Outside Supabase (no auth schema): PostgREST on plain PostgreSQL.
        setup: "DROP SCHEMA auth CASCADE;
                CREATE SCHEMA api;
                ALTER DEFAULT PRIVILEGES IN SCHEMA api GRANT INSERT, UPDATE ON TABLES TO anon;
                ALTER DEFAULT PRIVILEGES IN SCHEMA api GRANT SELECT ON TABLES TO anon, authenticated;
                CREATE SCHEMA reports;
                ALTER DEFAULT PRIVILEGES IN SCHEMA reports GRANT SELECT ON TABLES TO anon;
                CREATE TABLE api.items (id int PRIMARY KEY);",
        fires: &["public", "api"],
        quiet: &["api.items"],
        before_fix: "",
    };
    realtime_table_without_rls: Case {
        rule: "realtime-table-without-rls",
        setup: "CREATE PUBLICATION supabase_realtime;
                CREATE TABLE messages (id int PRIMARY KEY, body text);
                ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
                CREATE POLICY read ON messages FOR SELECT TO authenticated USING (true);
                CREATE TABLE typing (id int PRIMARY KEY);
                CREATE TABLE reactions (id int PRIMARY KEY);
                ALTER TABLE reactions ENABLE ROW LEVEL SECURITY;
                CREATE POLICY react ON reactions FOR INSERT TO authenticated WITH CHECK (true);
                CREATE TABLE unpublished (id int PRIMARY KEY);
                ALTER PUBLICATION supabase_realtime ADD TABLE messages, typing, reactions;",
        fires: &["public.typing", "public.reactions"],
        quiet: &["public.messages", "public.unpublished"],
        before_fix: "",
    };
    public_bucket_allows_listing: Case {
        rule: "public-bucket-allows-listing",
        setup: "CREATE SCHEMA storage;
                CREATE TABLE storage.buckets (id text PRIMARY KEY, name text NOT NULL, public boolean DEFAULT false);
                CREATE TABLE storage.objects (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                  bucket_id text REFERENCES storage.buckets (id), name text, owner uuid);
                ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
                INSERT INTO storage.buckets (id, name, public) VALUES
                  ('avatars', 'avatars', true), ('post-media', 'post-media', true),
                  ('private-docs', 'private-docs', false);
                CREATE POLICY \"Avatar images are public\" ON storage.objects FOR SELECT
                  USING (bucket_id = 'avatars');
                CREATE POLICY \"Own media\" ON storage.objects FOR SELECT
                  USING (bucket_id = 'post-media' AND owner = auth.uid());
                CREATE POLICY \"Members read docs\" ON storage.objects FOR SELECT TO authenticated
                  USING (bucket_id = 'private-docs');",
        fires: &["storage.objects.Avatar images are public"],
        quiet: &["storage.objects.Own media", "storage.objects.Members read docs"],
        before_fix: "",
    };
    extension_in_public: Case {
        rule: "extension-in-public",
        setup: "CREATE EXTENSION pg_trgm WITH SCHEMA public;
                CREATE EXTENSION pgcrypto WITH SCHEMA extensions;",
        fires: &["pg_trgm"],
        quiet: &["pgcrypto"],
        before_fix: "",
    };
    outdated_extension: Case {
        rule: "outdated-extension",
        setup: "CREATE EXTENSION pg_trgm WITH SCHEMA extensions VERSION '1.4';
                CREATE EXTENSION pgcrypto WITH SCHEMA extensions;",
        fires: &["pg_trgm"],
        quiet: &["pgcrypto"],
        before_fix: "",
    };
    unindexed_foreign_key: Case {
        rule: "unindexed-foreign-key",
        setup: "CREATE TABLE parents (id int PRIMARY KEY);
                CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents(id));
                CREATE TABLE indexed_children (id int PRIMARY KEY, parent_id int REFERENCES parents(id));
                CREATE INDEX ON indexed_children (parent_id, id);
                CREATE TABLE two (x int, y int, PRIMARY KEY (x, y));
                CREATE TABLE pairs (a int, b int, PRIMARY KEY (b, a), FOREIGN KEY (a, b) REFERENCES two (x, y));
                CREATE TABLE readings (id int, parent_id int REFERENCES parents(id), owner_id int, at date) PARTITION BY RANGE (at);
                CREATE TABLE readings_2026 PARTITION OF readings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                ALTER TABLE readings_2026 ADD CONSTRAINT readings_2026_owner_fkey FOREIGN KEY (owner_id) REFERENCES parents(id);
                CREATE TABLE events (id int, parent_id int REFERENCES parents(id), at date) PARTITION BY RANGE (at);
                CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                CREATE INDEX ON events_2025 (parent_id);
                CREATE INDEX ON events_2026 (parent_id);
                CREATE TABLE orm_children (id int PRIMARY KEY, parent_id int REFERENCES parents(id));
                CREATE INDEX ON orm_children (parent_id) WHERE parent_id IS NOT NULL;
                CREATE TABLE active_children (id int PRIMARY KEY, parent_id int REFERENCES parents(id), active bool);
                CREATE INDEX ON active_children (parent_id) WHERE active;
                CREATE TABLE order_status (id int PRIMARY KEY, name text NOT NULL);
                CREATE TABLE shipments (id int PRIMARY KEY, status_id int REFERENCES order_status(id),
                  shipped_at timestamptz);",
        fires: &[
            "public.children.children_parent_id_fkey",
            "public.active_children.active_children_parent_id_fkey",
            "public.readings.readings_parent_id_fkey",
            "public.readings_2026.readings_2026_owner_fkey",
        ],
        quiet: &[
            // Reference data nobody deletes from: nothing ever looks its children up.
            "public.shipments.shipments_status_id_fkey",
            "public.events.events_parent_id_fkey",
            "public.indexed_children.indexed_children_parent_id_fkey",
            "public.pairs.pairs_a_b_fkey",
            "public.orm_children.orm_children_parent_id_fkey",
        ],
        before_fix: "",
    };
    tenant_status_without_composite_index: Case {
        rule: "tenant-status-without-composite-index",
        setup: "CREATE TABLE workspaces (id uuid PRIMARY KEY);
                CREATE TABLE leads (id uuid PRIMARY KEY, workspace_id uuid REFERENCES workspaces(id), status text);
                CREATE INDEX ON leads (workspace_id);
                CREATE TABLE campaigns (id uuid PRIMARY KEY, workspace_id uuid REFERENCES workspaces(id), status text);
                CREATE INDEX ON campaigns (workspace_id, status);
                CREATE TABLE notes (id uuid PRIMARY KEY, workspace_id uuid REFERENCES workspaces(id), body text);",
        fires: &["public.leads"],
        quiet: &["public.campaigns", "public.notes"],
        before_fix: "",
    };
    array_column_without_gin: Case {
        rule: "array-column-without-gin",
        setup: "CREATE TABLE deals (id int PRIMARY KEY, tags text[], stage_ids int[]);
                CREATE TABLE emails (id int PRIMARY KEY, labels text[]);
                CREATE INDEX ON emails USING gin (labels);
                CREATE TABLE items (id int PRIMARY KEY, embedding real[], owners uuid[]);
                CREATE FUNCTION owned(u uuid) RETURNS SETOF items LANGUAGE sql
                  AS $$ SELECT * FROM items WHERE owners @> ARRAY[u] $$;",
        fires: &["public.deals.tags", "public.items.owners"],
        quiet: &["public.emails.labels", "public.items.embedding", "public.deals.stage_ids"],
        before_fix: "",
    };
    large_jsonb_column_without_gin: Case {
        rule: "large-jsonb-column-without-gin",
        setup: "CREATE TABLE leads (id int PRIMARY KEY, company_data jsonb, contact_data jsonb);
                CREATE INDEX ON leads USING gin (contact_data);
                INSERT INTO leads SELECT g, jsonb_build_object('n', g), '{}' FROM generate_series(1, 12000) g;
                CREATE TABLE small (id int PRIMARY KEY, data jsonb);
                INSERT INTO small VALUES (1, '{}');
                ANALYZE leads; ANALYZE small;",
        fires: &["public.leads.company_data"],
        quiet: &["public.leads.contact_data", "public.small.data"],
        before_fix: "",
    };
    duplicate_index: Case {
        rule: "duplicate-index",
        setup: "CREATE TABLE leads (id int PRIMARY KEY, workspace_id int, email text);
                CREATE INDEX idx_a ON leads (workspace_id);
                CREATE INDEX idx_b ON leads (workspace_id);
                CREATE INDEX idx_c ON leads (workspace_id DESC);
                CREATE UNIQUE INDEX leads_email_key ON leads (email);
                CREATE INDEX idx_email ON leads (email);
                CREATE TABLE media (id int PRIMARY KEY);
                ALTER TABLE media ADD CONSTRAINT media_id_key UNIQUE (id);
                CREATE TABLE channels (id int PRIMARY KEY, community int, UNIQUE (id, community));",
        fires: &["public.leads.idx_b", "public.leads.idx_email", "public.media.media_id_key"],
        quiet: &[
            "public.leads.idx_a",
            "public.leads.idx_c",
            "public.leads.leads_email_key",
            "public.media.media_pkey",
            "public.channels.channels_id_community_key",
        ],
        before_fix: "",
    };
    covered_index: Case {
        rule: "covered-index",
        setup: "CREATE TABLE deals (id int PRIMARY KEY, workspace_id int, stage text, value numeric);
                CREATE INDEX idx_ws ON deals (workspace_id);
                CREATE INDEX idx_ws_stage ON deals (workspace_id, stage, value DESC);
                CREATE INDEX idx_stage ON deals (stage);
                CREATE UNIQUE INDEX idx_id_ws ON deals (id, workspace_id);
                CREATE INDEX idx_partial ON deals (workspace_id) WHERE value > 0;
                CREATE INDEX idx_stage_cover ON deals (stage) INCLUDE (value);
                CREATE INDEX idx_stage_ws ON deals (stage, workspace_id);
                CREATE TABLE readings (at date, sensor int, value numeric) PARTITION BY RANGE (at);
                CREATE INDEX idx_readings_sensor ON readings (sensor);
                CREATE INDEX idx_readings_sensor_at ON readings (sensor, at);",
        fires: &["public.deals.idx_ws", "public.deals.idx_stage", "public.readings.idx_readings_sensor"],
        quiet: &[
            "public.deals.deals_pkey",
            "public.deals.idx_partial",
            "public.deals.idx_stage_cover",
        ],
        before_fix: "",
    };
    invalid_index: Case {
        rule: "invalid-index",
        setup: "CREATE TABLE t (id int PRIMARY KEY, v int);
                CREATE INDEX broken ON t (v);
                CREATE INDEX fine ON t (id, v);
                UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'public.broken'::regclass;",
        fires: &["public.t.broken"],
        quiet: &["public.t.fine"],
        before_fix: "",
    };
    unused_index: Case {
        rule: "unused-index",
        setup: concat!("CREATE TABLE parent (id int PRIMARY KEY);
                CREATE TABLE t (id int PRIMARY KEY, a int, b int, parent_id int REFERENCES parent);
                CREATE INDEX unused_a ON t (a);
                CREATE INDEX used_b ON t (b);
                CREATE INDEX t_parent_id ON t (parent_id) WHERE parent_id IS NOT NULL;
                INSERT INTO t SELECT g, g, g FROM generate_series(1, 100) g;
                ANALYZE t;
                SET enable_seqscan = off;
                SELECT * FROM t WHERE b = 1;
                RESET enable_seqscan;", flush_stats!()),
        fires: &["public.t.unused_a"],
        quiet: &["public.t.used_b", "public.t.t_pkey", "public.t.t_parent_id"],
        before_fix: "",
    };
    table_without_primary_key: Case {
        rule: "table-without-primary-key",
        setup: "CREATE TABLE audit_log (user_id uuid, action text);
                CREATE TABLE logs (id int, note text);
                CREATE TABLE with_pk (id int PRIMARY KEY);
                CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
                CREATE TABLE app_log (id bigserial, logged_at timestamptz NOT NULL, message text);
                CREATE TABLE app_log_2026 (CHECK (logged_at >= '2026-01-01')) INHERITS (app_log);",
        fires: &["public.audit_log", "public.logs", "public.app_log", "public.app_log_2026"],
        quiet: &["public.with_pk", "public.events", "public.events_1"],
        before_fix: "",
    };
    autovacuum_disabled: Case {
        rule: "autovacuum-disabled",
        setup: "CREATE TABLE feed_cache (id int PRIMARY KEY) WITH (autovacuum_enabled = false);
                CREATE TABLE blobs (id int PRIMARY KEY, data text) WITH (toast.autovacuum_enabled = off);
                CREATE TABLE tuned (id int PRIMARY KEY) WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.05);
                CREATE TABLE reenabled (id int PRIMARY KEY) WITH (autovacuum_enabled = true);",
        fires: &["public.feed_cache", "public.blobs"],
        quiet: &["public.tuned", "public.reenabled"],
        before_fix: "",
    };
    not_valid_constraint: Case {
        rule: "not-valid-constraint",
        setup: "CREATE TABLE deals (id int PRIMARY KEY, value numeric);
                ALTER TABLE deals ADD CONSTRAINT positive_value CHECK (value >= 0) NOT VALID;
                ALTER TABLE deals ADD CONSTRAINT sane_value CHECK (value < 1e12);",
        fires: &["public.deals.positive_value"],
        quiet: &["public.deals.sane_value"],
        before_fix: "",
    };
    reference_type_mismatch: Case {
        rule: "reference-type-mismatch",
        setup: "CREATE TABLE workspaces (id uuid PRIMARY KEY);
                CREATE TABLE milestones (id uuid PRIMARY KEY, workspace_id text);
                CREATE TABLE stripe_customers (id uuid PRIMARY KEY, stripe_customer_id text);
                CREATE TABLE posts_meta (id uuid PRIMARY KEY, platform_post_id varchar(255));
                INSERT INTO workspaces VALUES ('00000000-0000-0000-0000-000000000001');
                INSERT INTO milestones VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000001');",
        fires: &["public.milestones.workspace_id"],
        quiet: &["public.stripe_customers.stripe_customer_id", "public.posts_meta.platform_post_id"],
        before_fix: "",
    };
    implied_foreign_key: Case {
        rule: "implied-foreign-key",
        setup: "CREATE TABLE deals (id uuid PRIMARY KEY);
                CREATE TABLE tasks (id uuid PRIMARY KEY, deal_id uuid);
                CREATE TABLE notes (id uuid PRIMARY KEY, deal_id uuid REFERENCES deals(id));
                CREATE TABLE events (id uuid PRIMARY KEY, deal_id bigint);
                CREATE TABLE deal_notes (id uuid PRIMARY KEY, deal_id uuid REFERENCES deals(id), body text);
                CREATE TABLE deal_notes_history (id uuid, deal_id uuid, body text, changed_at timestamptz);
                CREATE FUNCTION keep_note_history() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO deal_notes_history VALUES (OLD.id, OLD.deal_id, OLD.body, now());
                  RETURN NEW;
                END $$;
                CREATE TRIGGER history AFTER UPDATE ON deal_notes FOR EACH ROW EXECUTE FUNCTION keep_note_history();",
        fires: &["public.tasks.deal_id"],
        quiet: &["public.notes.deal_id", "public.events.deal_id", "public.deal_notes_history.deal_id"],
        before_fix: "",
    };
    unconstrained_value_column: Case {
        rule: "unconstrained-value-column",
        setup: "CREATE TABLE leads (id int PRIMARY KEY, email text, score int, budget numeric,
                  probability int CHECK (probability BETWEEN 0 AND 100), name text, score_label text,
                  sentiment_score int, discount_amount numeric, amount_signed numeric, refund numeric);
                COMMENT ON COLUMN leads.score IS 'Lead score, 0-100.';
                CREATE TABLE expenses (id int PRIMARY KEY, amount numeric);
                CREATE FUNCTION refunds() RETURNS SETOF expenses LANGUAGE sql
                  AS $$ SELECT * FROM expenses WHERE amount < 0 $$;
                CREATE TABLE prices (id int PRIMARY KEY);
                CREATE TABLE quotes (id int PRIMARY KEY, price_id int REFERENCES prices);
                CREATE DOMAIN email_address AS text CHECK (VALUE ~* '@');
                CREATE TABLE contacts (id int PRIMARY KEY, email email_address);
                INSERT INTO leads (id, email, score, budget) VALUES (1, 'ü.ser+tag@例え.jp', 50, 10);",
        fires: &["public.leads.email", "public.leads.score", "public.leads.budget"],
        quiet: &[
            "public.leads.probability",
            "public.leads.score_label",
            "public.contacts.email",
            "public.leads.sentiment_score",
            "public.leads.discount_amount",
            "public.leads.amount_signed",
            "public.expenses.amount",
            "public.quotes.price_id",
        ],
        before_fix: "",
    };
    foreign_key_to_auth_unique: Case {
        rule: "foreign-key-to-auth-unique",
        setup: "CREATE TABLE invites (id int PRIMARY KEY, email text REFERENCES auth.users(email));
                CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users(id));",
        fires: &["public.invites.invites_email_fkey"],
        quiet: &["public.profiles.profiles_id_fkey"],
        before_fix: "",
    };
    sequence_near_overflow: Case {
        rule: "sequence-near-overflow",
        setup: "CREATE TABLE kernel_events (id serial PRIMARY KEY, payload jsonb);
                SELECT setval('kernel_events_id_seq', 1900000000);
                CREATE TABLE small_events (id serial PRIMARY KEY);
                SELECT setval('small_events_id_seq', 1000);
                CREATE TABLE big (id bigserial PRIMARY KEY);
                SELECT setval('big_id_seq', 1900000000);
                CREATE SEQUENCE ticket_numbers AS bigint MAXVALUE 1000000;
                SELECT setval('ticket_numbers', 950000);",
        fires: &["public.kernel_events_id_seq", "public.ticket_numbers"],
        quiet: &["public.small_events_id_seq", "public.big_id_seq"],
        before_fix: "",
    };
    reg_type_column: Case {
        rule: "reg-type-column",
        setup: "CREATE TABLE search_settings (id int PRIMARY KEY, config regconfig, rel regclass);
                INSERT INTO search_settings VALUES (1, 'english', 'pg_class');",
        fires: &["public.search_settings.config"],
        quiet: &["public.search_settings.rel"],
        before_fix: "",
    };
    updated_at_reusing_a_trigger_function: Case {
        rule: "updated-at-without-trigger",
        setup: "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql
                  AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;
                CREATE TABLE brands (id int PRIMARY KEY, updated_at timestamptz);
                CREATE TABLE clients (id int PRIMARY KEY, updated_at timestamptz);
                CREATE TRIGGER t BEFORE UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION touch();
                CREATE TABLE other (id int PRIMARY KEY, updated_at timestamptz);
                CREATE TRIGGER audit AFTER UPDATE ON other FOR EACH ROW EXECUTE FUNCTION touch();
                CREATE TABLE clients_history (id int, updated_at timestamptz);
                CREATE FUNCTION keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO public.clients_history VALUES (OLD.id, OLD.updated_at); RETURN NEW; END $$;
                CREATE TRIGGER history AFTER UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION keep_history();",
        fires: &["public.brands.updated_at", "public.other.updated_at"],
        quiet: &["public.clients.updated_at", "public.clients_history.updated_at"],
        before_fix: "",
    };
    updated_at_creating_a_trigger_function: Case {
        rule: "updated-at-without-trigger",
        setup: "CREATE TABLE brands (id int PRIMARY KEY, updated_at timestamptz);
                CREATE TABLE plain (id int PRIMARY KEY, created_at timestamptz);",
        fires: &["public.brands.updated_at"],
        quiet: &["public.plain.created_at"],
        before_fix: "",
    };
    twin_functions: Case {
        rule: "twin-functions",
        setup: "CREATE TABLE notes (id int PRIMARY KEY, updated_at timestamptz, created_by text, updated_by text);
                CREATE TABLE tasks (id int PRIMARY KEY, updated_at timestamptz, created_by text, updated_by text);
                CREATE FUNCTION public.handle_updated_at() RETURNS trigger LANGUAGE plpgsql
                  AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;
                CREATE FUNCTION public.update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$
                begin
                  -- keep the row's timestamp current
                  new.updated_at := now();
                  return new;
                end
                $$;
                CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION handle_updated_at();
                CREATE TRIGGER tasks_touch BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE PROCEDURE update_updated_at_column();
                CREATE FUNCTION public.set_created_by() RETURNS trigger LANGUAGE plpgsql
                  AS $$ BEGIN NEW.created_by = current_user; RETURN NEW; END $$;
                CREATE FUNCTION public.set_updated_by() RETURNS trigger LANGUAGE plpgsql
                  AS $$ BEGIN NEW.updated_by = current_user; RETURN NEW; END $$;
                CREATE TRIGGER notes_by BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION set_created_by();
                CREATE TRIGGER tasks_by BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION set_updated_by();",
        fires: &["public.handle_updated_at()"],
        quiet: &["public.set_created_by()", "public.set_updated_by()", "public.update_updated_at_column()"],
        before_fix: "",
    };
    inconsistent_soft_delete: Case {
        rule: "inconsistent-soft-delete",
        setup: "CREATE TABLE leads (id int PRIMARY KEY, deleted_at timestamptz);
                CREATE TABLE deals (id int PRIMARY KEY, deleted_at timestamptz);
                CREATE TABLE content_items (id int PRIMARY KEY, is_deleted boolean NOT NULL DEFAULT false);
                CREATE TABLE clients (id int PRIMARY KEY, status text CHECK (status IN ('active', 'deleted')));
                CREATE TABLE notes (id int PRIMARY KEY, status text CHECK (status IN ('open', 'closed')));
                CREATE TABLE deletion_log (id int PRIMARY KEY, is_deleted boolean NOT NULL DEFAULT true);
                INSERT INTO content_items VALUES (1, true);
                INSERT INTO clients VALUES (1, 'deleted');",
        fires: &["public.content_items", "public.clients"],
        quiet: &["public.leads", "public.deals", "public.notes", "public.deletion_log"],
        before_fix: "",
    };
    table_consolidation_candidate: Case {
        rule: "table-consolidation-candidate",
        setup: "CREATE TABLE failed_attempts (email text, ip_address inet, attempted_at timestamptz);
                CREATE TABLE failed_login_attempts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                  email text NOT NULL, ip_address inet, user_agent text,
                  attempted_at timestamptz NOT NULL DEFAULT now());
                INSERT INTO failed_attempts VALUES ('a@example.com', '10.0.0.1', now());
                CREATE TABLE brands (id uuid PRIMARY KEY, name text, created_at timestamptz, updated_at timestamptz);
                CREATE TABLE brand_members (id uuid PRIMARY KEY, brand_id uuid REFERENCES brands, user_id uuid,
                  role text, created_at timestamptz, updated_at timestamptz);
                CREATE TABLE campaigns (id uuid PRIMARY KEY, workspace_id uuid, name text, status text);
                CREATE TABLE cmo_campaigns (id uuid PRIMARY KEY, workspace_id uuid, tenant_id uuid,
                  campaign_name text, status text, budget numeric);
                CREATE TABLE orders (id int PRIMARY KEY, customer text, total numeric, placed_at date);
                CREATE TABLE orders_history (id int, customer text, total numeric, placed_at date, valid_to date);
                CREATE TABLE order_drafts (id int PRIMARY KEY, order_id int REFERENCES orders,
                  customer text, total numeric, placed_at date);",
        fires: &["public.failed_attempts"],
        quiet: &[
            "public.brand_members",
            "public.brands",
            "public.campaigns",
            "public.cmo_campaigns",
            "public.orders",
            "public.orders_history",
            "public.order_drafts",
        ],
        before_fix: "",
    };
    unused_table: Case {
        rule: "unused-table",
        setup: concat!("CREATE TABLE legacy_exports (id int PRIMARY KEY, payload text);
                CREATE TABLE read_table (id int PRIMARY KEY);
                CREATE TABLE written_table (id int PRIMARY KEY);
                SELECT count(*) FROM read_table;
                INSERT INTO written_table VALUES (1);", flush_stats!()),
        fires: &["public.legacy_exports"],
        quiet: &["public.read_table", "public.written_table"],
        before_fix: "",
    };
    unbounded_event_table: Case {
        rule: "unbounded-event-table",
        setup: "CREATE TABLE kernel_events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
                CREATE TABLE audit_logs (id bigint PRIMARY KEY, created_at timestamptz);
                CREATE INDEX ON audit_logs (created_at);
                CREATE TABLE webhook_events (id text PRIMARY KEY, payload jsonb);
                CREATE TABLE small_logs (id int PRIMARY KEY, created_at timestamptz);
                INSERT INTO small_logs SELECT g, now() FROM generate_series(1, 10) g;
                ANALYZE small_logs;
                CREATE TABLE api_logs (id bigint, created_at timestamptz, PRIMARY KEY (id, created_at))
                  PARTITION BY RANGE (created_at);
                CREATE TABLE app_log (id bigint PRIMARY KEY, logged_at timestamptz NOT NULL);
                CREATE TABLE app_log_2026 (CHECK (logged_at >= '2026-01-01')) INHERITS (app_log);
                CREATE INDEX ON app_log_2026 (logged_at);",
        fires: &["public.kernel_events"],
        quiet: &[
            "public.audit_logs",
            "public.webhook_events",
            "public.small_logs",
            "public.api_logs",
            "public.app_log",
            "public.app_log_2026",
        ],
        before_fix: "",
    };
}

/// On plain PostgreSQL (no auth schema, no API roles, nothing exposed) the Supabase rules
/// have nothing to say, and the whole audit runs without failing.
#[tokio::test]
async fn plain_postgres_gets_no_api_findings() {
    let db = TestDb::new("plainpg").await;
    db.exec(
        "CREATE TABLE accounts (id int PRIMARY KEY, password_hash text, api_key text);
         CREATE VIEW account_list AS SELECT id FROM accounts;
         CREATE MATERIALIZED VIEW account_stats AS SELECT count(*) FROM accounts;
         CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;",
    )
    .await;
    let catalog = db.introspect().await;
    assert!(!catalog.is_supabase());
    let rules: BTreeSet<&str> = audit::run(&catalog, &Selection::default())
        .iter()
        .map(|f| f.rule)
        .collect();
    for api_rule in [
        "rls-disabled-in-exposed-schema",
        "sensitive-columns-without-rls",
        "view-without-security-invoker",
        "materialized-view-in-api",
        "security-definer-in-api",
    ] {
        assert!(
            !rules.contains(api_rule),
            "{api_rule} fired on plain PostgreSQL: {rules:?}"
        );
    }
}

/// The consolidation fix keeps every row: the backup holds the dropped table's rows and the
/// kept table received them.
#[tokio::test]
async fn consolidation_fix_moves_rows_and_keeps_a_backup() {
    let db = TestDb::with_supabase("consolidate").await;
    db.exec(
        "CREATE TABLE audit_log (user_id uuid, action text NOT NULL, details jsonb, created_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE audit_logs (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, user_id uuid,
           action text NOT NULL, metadata jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now());
         INSERT INTO audit_log (action) SELECT 'login' FROM generate_series(1, 5);
         INSERT INTO audit_logs (action) VALUES ('logout');",
    )
    .await;
    let found = findings_of(&db.introspect().await, "table-consolidation-candidate");
    let [f] = found.as_slice() else {
        panic!("one candidate: {found:?}")
    };
    assert!(
        f.message
            .contains("audit_log looks like a version of public.audit_logs"),
        "{}",
        f.message
    );
    assert!(
        !f.message.contains("legacy twin"),
        "both are written: {}",
        f.message
    );
    for s in &f.fix.as_ref().unwrap().statements {
        db.exec(&s.sql).await;
    }
    async fn count(db: &TestDb, sql: &str) -> i64 {
        db.client.query_one(sql, &[]).await.unwrap().get(0)
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit_logs WHERE action = 'login'"
        )
        .await,
        5
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pglens_backup.\"public.audit_log\""
        )
        .await,
        5
    );
    let gone = "SELECT count(*) FROM pg_class WHERE relname = 'audit_log' AND relnamespace = 'public'::regnamespace";
    assert_eq!(count(&db, gone).await, 0);
}

/// A candidate nobody writes to, beside a twin that is written, is called a legacy twin.
#[tokio::test]
async fn unwritten_consolidation_candidate_is_a_legacy_twin() {
    let db = TestDb::new("legacytwin").await;
    db.exec(
        concat!("CREATE TABLE publishing_jobs (id int PRIMARY KEY, tenant_id int, status text, scheduled_at timestamptz);
         CREATE TABLE publish_jobs (id int PRIMARY KEY, tenant_id int, status text, scheduled_at timestamptz, attempts int);
         INSERT INTO publish_jobs VALUES (1, 1, 'queued', now(), 0);", flush_stats!()),
    )
    .await;
    let found = findings_of(&db.introspect().await, "table-consolidation-candidate");
    let [f] = found.as_slice() else {
        panic!("one candidate: {found:?}")
    };
    assert!(
        f.message
            .contains("publishing_jobs looks like a version of public.publish_jobs")
            && f.message
                .contains("while publish_jobs is written: a legacy twin"),
        "{}",
        f.message
    );
}

/// A SECURITY DEFINER RPC loses EXECUTE for the API roles; a helper that a policy calls must
/// keep it (the policy runs it as the caller), so it moves out of the API instead, and the
/// policy still works afterwards.
#[tokio::test]
async fn security_definer_fixes_revoke_rpcs_and_move_policy_helpers() {
    let db = TestDb::with_supabase("definer_fix_kinds").await;
    db.exec(SUPABASE_GRANTS).await;
    db.exec(
        "CREATE FUNCTION public.rpc(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
           SET search_path = '' AS $$ SELECT x IS NOT NULL $$;
         CREATE FUNCTION public.is_member(x uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER
           SET search_path = '' AS $$ SELECT x IS NOT NULL $$;
         CREATE TABLE docs (id int PRIMARY KEY, owner uuid);
         INSERT INTO docs VALUES (1, gen_random_uuid());
         GRANT SELECT ON docs TO authenticated;
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
         CREATE POLICY members ON docs FOR SELECT TO authenticated USING (public.is_member(owner));",
    )
    .await;
    let found = findings_of(&db.introspect().await, "security-definer-in-api");
    let fix_of = |name: &str| {
        found
            .iter()
            .find(|f| {
                f.object
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with(name))
            })
            .and_then(|f| f.fix.as_ref())
            .map(|fix| fix.script())
            .unwrap_or_default()
    };
    assert!(
        fix_of("rpc(").contains("REVOKE EXECUTE ON FUNCTION"),
        "{}",
        fix_of("rpc(")
    );
    assert!(
        fix_of("is_member(").contains("SET SCHEMA private"),
        "{}",
        fix_of("is_member(")
    );
    for f in &found {
        for s in &f.fix.as_ref().unwrap().statements {
            db.exec(&s.sql).await;
        }
    }
    // The policy still runs its helper as the caller (exec fails the test on an error).
    db.exec("BEGIN; SET LOCAL ROLE authenticated; SELECT count(*) FROM docs; COMMIT;")
        .await;
    assert!(findings_of(&db.introspect().await, "security-definer-in-api").is_empty());
}

/// Without Supabase's roles the draft policy is for PUBLIC, the pseudo-role: it must be
/// written bare, as `"PUBLIC"` names a role that does not exist.
#[tokio::test]
async fn rls_policy_drafts_run_on_plain_postgresql() {
    let db = TestDb::new("rls_plain").await;
    db.exec(
        "CREATE TABLE notes (id int PRIMARY KEY); ALTER TABLE notes ENABLE ROW LEVEL SECURITY;",
    )
    .await;
    let found = findings_of(&db.introspect().await, "rls-enabled-without-policy");
    assert_eq!(found.len(), 1);
    for s in &found[0].fix.as_ref().unwrap().statements {
        assert!(!s.sql.contains("\"PUBLIC\""), "{}", s.sql);
        db.exec(&s.sql).await;
    }
    assert!(findings_of(&db.introspect().await, "rls-enabled-without-policy").is_empty());
}

/// The search_path fixes pin the path functions resolve with today: afterwards they work
/// for a caller whose own path finds nothing (before, they failed for that caller), a policy
/// helper included, and a trigger function writing by unqualified name.
#[tokio::test]
async fn search_path_fixes_keep_functions_working_whoever_calls_them() {
    let db = TestDb::with_supabase("search_path_fixes").await;
    db.exec(SUPABASE_GRANTS).await;
    db.exec(
        "CREATE TABLE members (team int, user_id uuid);
         CREATE TABLE docs (id int PRIMARY KEY, team int, touched int DEFAULT 0);
         INSERT INTO members VALUES (1, '00000000-0000-0000-0000-000000000001');
         INSERT INTO docs VALUES (1, 1);
         CREATE FUNCTION public.is_member(t int) RETURNS boolean LANGUAGE sql STABLE
           AS $$ SELECT EXISTS (SELECT 1 FROM members m WHERE m.team = t) $$;
         CREATE FUNCTION public.count_touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
           AS $$ BEGIN UPDATE members SET team = team WHERE team = NEW.team; RETURN NEW; END $$;
         CREATE TRIGGER touch AFTER UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION count_touch();
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
         CREATE POLICY team_read ON docs FOR SELECT USING (public.is_member(team));",
    )
    .await;
    let as_stranger = "BEGIN; SET LOCAL search_path = pg_catalog; \
                       SELECT public.is_member(1); UPDATE public.docs SET touched = touched + 1; ROLLBACK;";
    assert!(
        db.client.batch_execute(as_stranger).await.is_err(),
        "before the fix, a caller whose path finds nothing breaks them"
    );
    db.exec("ROLLBACK").await;
    let catalog = db.introspect().await;
    let mut fixes = findings_of(&catalog, "function-search-path-mutable");
    fixes.extend(findings_of(
        &catalog,
        "security-definer-mutable-search-path",
    ));
    assert!(fixes.len() >= 2, "{fixes:?}");
    for f in &fixes {
        for s in &f.fix.as_ref().unwrap().statements {
            assert!(
                !s.sql.contains("''"),
                "unqualified bodies are pinned to a path: {}",
                s.sql
            );
            db.exec(&s.sql).await;
        }
    }
    db.exec(as_stranger).await;
}
