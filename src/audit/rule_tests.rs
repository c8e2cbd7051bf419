//! Rules on hand-made catalogs, without PostgreSQL: each case builds the smell and the
//! look-alikes beside it, and names exactly what must be reported. The same rules are
//! proved against a real server, fix SQL included, in `tests/integration/rules.rs`.

use super::testing::{findings_of, reported};
use crate::model::testing::CatalogBuilder;
use crate::model::{Catalog, PolicyCommand};

/// Orders and their customer, a line table, and a table whose foreign key leads an index.
fn shop() -> CatalogBuilder {
    CatalogBuilder::supabase()
        .table(
            "public.customers",
            &[("id", "uuid"), ("name", "text"), ("email", "text")],
        )
        .primary_key("public.customers", &["id"])
        .table(
            "public.orders",
            &[
                ("id", "uuid"),
                ("customer_id", "uuid"),
                ("total", "numeric"),
            ],
        )
        .primary_key("public.orders", &["id"])
        .foreign_key(
            "public.orders",
            &["customer_id"],
            "public.customers",
            &["id"],
        )
        .table(
            "public.order_lines",
            &[("order_id", "uuid"), ("line", "int"), ("sku", "text")],
        )
        .primary_key("public.order_lines", &["order_id", "line"])
        .foreign_key(
            "public.order_lines",
            &["order_id"],
            "public.orders",
            &["id"],
        )
}

#[test]
fn unindexed_foreign_key_needs_the_columns_to_lead_an_index() {
    let catalog = shop()
        .table("public.notes", &[("id", "uuid"), ("order_id", "uuid")])
        .primary_key("public.notes", &["id"])
        .foreign_key("public.notes", &["order_id"], "public.orders", &["id"])
        // The index has the column, but second: it cannot serve the lookup.
        .index("public.notes", "notes_id_order_id", &["id", "order_id"])
        .build();
    assert_eq!(
        reported(&catalog, "unindexed-foreign-key"),
        [
            "public.notes.notes_order_id_fkey",
            "public.orders.orders_customer_id_fkey"
        ],
        "order_lines' key leads its primary key, so its foreign key is served"
    );
    let fixed = shop()
        .index("public.orders", "orders_customer_id", &["customer_id"])
        .build();
    assert!(reported(&fixed, "unindexed-foreign-key").is_empty());
}

#[test]
fn exposed_tables_without_rls_are_reported_and_private_ones_are_not() {
    let catalog = shop()
        .enable_rls("public.customers")
        .policy(
            "public.customers",
            "own",
            PolicyCommand::Select,
            &["authenticated"],
            Some("id = auth.uid()"),
            None,
        )
        .table("private.ledger", &[("id", "uuid")])
        .build();
    assert_eq!(
        reported(&catalog, "rls-disabled-in-exposed-schema"),
        ["public.order_lines", "public.orders"],
        "private is not exposed, customers has RLS, auth is the platform's"
    );
    let fix = findings_of(&catalog, "rls-disabled-in-exposed-schema")
        .into_iter()
        .find_map(|f| f.fix)
        .expect("a fix");
    assert!(
        !fix.safe,
        "enabling RLS hides every row until policies exist"
    );
    assert!(fix.script().contains("ENABLE ROW LEVEL SECURITY"));
}

#[test]
fn rls_without_policies_is_reported_once_a_policy_exists_it_is_not() {
    let catalog = shop()
        .enable_rls("public.orders")
        .enable_rls("public.customers")
        .policy(
            "public.customers",
            "own",
            PolicyCommand::All,
            &["authenticated"],
            Some("id = auth.uid()"),
            None,
        )
        .build();
    assert_eq!(
        reported(&catalog, "rls-enabled-without-policy"),
        ["public.orders"]
    );
}

#[test]
fn a_table_without_primary_key_is_reported_a_composite_key_counts() {
    let catalog = shop()
        .table("public.events", &[("id", "bigint"), ("payload", "jsonb")])
        .build();
    assert_eq!(
        reported(&catalog, "table-without-primary-key"),
        ["public.events"]
    );
    let fix = findings_of(&catalog, "table-without-primary-key")
        .into_iter()
        .find_map(|f| f.fix)
        .expect("a fix");
    assert!(
        fix.script().contains("pk_id"),
        "an existing id column is not clobbered: {}",
        fix.script()
    );
}

#[test]
fn a_twin_index_is_reported_and_the_constraint_index_is_kept() {
    let catalog = shop()
        .index("public.orders", "orders_customer", &["customer_id"])
        .index("public.orders", "orders_customer_again", &["customer_id"])
        .index(
            "public.orders",
            "orders_customer_total",
            &["customer_id", "total"],
        )
        // Same columns as the primary key: the constraint's index must stay.
        .index("public.customers", "customers_id_copy", &["id"])
        .build();
    let found = reported(&catalog, "duplicate-index");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&"public.customers.customers_id_copy".to_string()));
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("public.orders.orders_customer")),
        "{found:?}"
    );
    assert!(
        !found.contains(&"public.orders.orders_customer_total".to_string()),
        "a wider index is a different index (covered-index's business)"
    );
}

#[test]
fn dual_tenant_scope_spares_the_workspace_table_itself() {
    let catalog = CatalogBuilder::supabase()
        .table(
            "public.workspaces",
            &[("id", "uuid"), ("tenant_id", "uuid"), ("name", "text")],
        )
        .primary_key("public.workspaces", &["id"])
        .table(
            "public.campaigns",
            &[
                ("id", "uuid"),
                ("workspace_id", "uuid"),
                ("tenant_id", "uuid"),
            ],
        )
        .primary_key("public.campaigns", &["id"])
        .table("public.notes", &[("id", "uuid"), ("workspace_id", "uuid")])
        .primary_key("public.notes", &["id"])
        .build();
    assert_eq!(
        reported(&catalog, "dual-tenant-scope"),
        ["public.campaigns"]
    );
}

#[test]
fn an_always_true_insert_policy_is_critical_an_open_select_is_not_a_write() {
    let catalog = shop()
        .enable_rls("public.orders")
        .policy(
            "public.orders",
            "anyone inserts",
            PolicyCommand::Insert,
            &["authenticated"],
            None,
            Some("true"),
        )
        .policy(
            "public.orders",
            "anyone reads",
            PolicyCommand::Select,
            &["authenticated"],
            Some("true"),
            None,
        )
        .policy(
            "public.orders",
            "service writes",
            PolicyCommand::All,
            &["service_role"],
            Some("true"),
            Some("true"),
        )
        .build();
    assert_eq!(
        reported(&catalog, "always-true-write-policy"),
        ["public.orders.anyone inserts"],
        "reading is not writing, and the service role bypasses RLS anyway"
    );
}

#[test]
fn overlapping_policies_are_reported_per_set_with_keys_of_their_own() {
    let user = Some("user_id = auth.uid()");
    let catalog = shop()
        .enable_rls("public.orders")
        .policy(
            "public.orders",
            "owner",
            PolicyCommand::All,
            &["authenticated"],
            user,
            None,
        )
        .policy(
            "public.orders",
            "readers",
            PolicyCommand::Select,
            &["authenticated"],
            user,
            None,
        )
        .policy(
            "public.orders",
            "editors",
            PolicyCommand::Update,
            &["authenticated"],
            user,
            None,
        )
        .enable_rls("public.customers")
        .policy(
            "public.customers",
            "a",
            PolicyCommand::All,
            &["authenticated"],
            user,
            None,
        )
        .policy(
            "public.customers",
            "b",
            PolicyCommand::All,
            &["authenticated"],
            user,
            None,
        )
        .build();
    let found = findings_of(&catalog, "multiple-permissive-policies");
    let keys: std::collections::HashSet<&str> = found.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys.len(), found.len(), "keys are unique: {found:#?}");
    let on = |table: &str| -> Vec<&str> {
        found
            .iter()
            .filter(|f| f.object.table.as_deref() == Some(table))
            .map(|f| f.message.as_str())
            .collect()
    };
    let orders = on("orders");
    assert_eq!(
        orders.len(),
        2,
        "SELECT and UPDATE overlaps both reported: {orders:?}"
    );
    assert!(orders
        .iter()
        .any(|m| m.contains("SELECT") && m.contains("\"readers\"")));
    assert!(orders
        .iter()
        .any(|m| m.contains("UPDATE") && m.contains("\"editors\"")));
    let customers = on("customers");
    assert_eq!(customers.len(), 1, "{customers:?}");
    assert!(
        customers[0].contains("permissive ALL policies"),
        "{}",
        customers[0]
    );
}

/// A leaf of a sub-partitioned table is as open as the middle level when only the root
/// has RLS on: both partitions are reported, the root is not; with RLS off at the root
/// the root alone is reported (its partitions follow once it is fixed).
#[test]
fn partitions_below_a_guarded_root_are_reported_at_every_level() {
    let cols = [("id", "bigint"), ("region", "text")];
    let tree = |root_rls: bool| {
        let b = shop()
            .table("public.events", &cols)
            .table("public.events_eu", &cols)
            .table("public.events_eu_0", &cols)
            .partition("public.events", "public.events_eu", "FOR VALUES IN ('eu')")
            .partition(
                "public.events_eu",
                "public.events_eu_0",
                "FOR VALUES WITH (modulus 2, remainder 0)",
            );
        if root_rls {
            b.enable_rls("public.events")
        } else {
            b
        }
        .build()
    };
    let events = |c: &Catalog| -> Vec<String> {
        reported(c, "rls-disabled-in-exposed-schema")
            .into_iter()
            .filter(|t| t.starts_with("public.events"))
            .collect()
    };
    assert_eq!(
        events(&tree(true)),
        ["public.events_eu", "public.events_eu_0"]
    );
    assert_eq!(events(&tree(false)), ["public.events"]);
}

#[test]
fn a_partitioned_table_without_primary_key_gets_no_statement_that_would_fail() {
    let catalog = shop()
        .table("public.readings", &[("id", "bigint"), ("at", "date")])
        .table("public.readings_2026", &[("id", "bigint"), ("at", "date")])
        .partition(
            "public.readings",
            "public.readings_2026",
            "FOR VALUES FROM (1) TO (2)",
        )
        .build();
    let found = findings_of(&catalog, "table-without-primary-key");
    let parent = found
        .iter()
        .find(|f| f.object.table.as_deref() == Some("readings"))
        .expect("the parent is reported");
    assert!(
        parent.fix.is_none(),
        "an identity key on a partitioned table fails"
    );
}

#[test]
fn an_invalid_twin_is_never_kept_in_place_of_a_valid_index() {
    let catalog = shop()
        .index("public.orders", "orders_customer", &["customer_id"])
        .index("public.orders", "orders_customer_broken", &["customer_id"])
        .with("public.orders", |r| {
            if let Some(i) = r
                .indexes
                .iter_mut()
                .find(|i| i.name == "orders_customer_broken")
            {
                i.valid = false;
            }
        })
        .build();
    assert!(
        reported(&catalog, "duplicate-index").is_empty(),
        "the valid index stays; the invalid one is invalid-index's"
    );
    assert_eq!(
        reported(&catalog, "invalid-index"),
        ["public.orders.orders_customer_broken"]
    );
}

#[test]
fn short_secret_words_must_be_whole_words() {
    let catalog = CatalogBuilder::supabase()
        .table(
            "public.people",
            &[("id", "uuid"), ("user_ssn", "text"), ("classname", "text")],
        )
        .table("public.courses", &[("id", "uuid"), ("classname", "text")])
        .build();
    assert_eq!(
        reported(&catalog, "sensitive-columns-without-rls"),
        ["public.people"],
        "user_ssn is a social security number, classname is not"
    );
}

#[test]
fn an_api_callable_definer_function_is_as_bad_as_what_it_does() {
    let definer = |mut catalog: crate::model::Catalog| {
        for f in &mut catalog.functions {
            f.security_definer = true;
            f.grants = vec![crate::model::Grant {
                grantee: "PUBLIC".into(),
                privileges: vec!["EXECUTE".into()],
            }];
            if f.name == "is_member" {
                f.result = "boolean".into();
            }
        }
        catalog
    };
    let catalog = definer(
        CatalogBuilder::supabase()
            .function("public.reset_scores", "UPDATE public.scores SET points = 0")
            .function("public.notify", "SELECT net.http_post('https://x', headers => '{\"Authorization\": \"Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlc2lnbmF0dXJl\"}')")
            .function("public.is_member", "SELECT EXISTS (SELECT 1 FROM public.members WHERE user_id = auth.uid())")
            .function("public.lookup", "SELECT name FROM public.scores LIMIT 1")
            .build(),
    );
    let severity = |name: &str| {
        findings_of(&catalog, "security-definer-in-api")
            .into_iter()
            .find(|f| f.object.path().starts_with(&format!("public.{name}(")))
            .map(|f| f.severity)
    };
    use crate::audit::Severity;
    assert_eq!(
        severity("reset_scores"),
        Some(Severity::Critical),
        "anon can change data"
    );
    assert_eq!(
        severity("notify"),
        Some(Severity::Critical),
        "a JWT literal in the body"
    );
    assert_eq!(
        severity("is_member"),
        Some(Severity::Info),
        "a check about the caller"
    );
    assert_eq!(severity("lookup"), Some(Severity::Warning));
}

#[test]
fn security_invoker_is_safe_only_where_callers_can_read_what_the_view_reads() {
    let select = |grantee: &str| crate::model::Grant {
        grantee: grantee.into(),
        privileges: vec!["SELECT".into()],
    };
    let catalog = |base_grants: Vec<crate::model::Grant>| {
        let view_grants = vec![select("anon"), select("authenticated")];
        let mut c = CatalogBuilder::supabase()
            .table("public.orders", &[("id", "uuid")])
            .view("public.order_summary")
            .with("public.order_summary", |v| {
                v.reads = vec![crate::model::QualifiedName::new("public", "orders")];
                v.grants = view_grants;
            })
            .with("public.orders", |t| t.grants = base_grants)
            .build();
        c.meta.server_version_num = Some(150_000);
        c
    };
    let safe = |c: &crate::model::Catalog| {
        findings_of(c, "view-without-security-invoker")
            .first()
            .and_then(|f| f.fix.as_ref())
            .map(|f| f.safe)
    };
    assert_eq!(
        safe(&catalog(vec![select("anon"), select("authenticated")])),
        Some(true)
    );
    assert_eq!(
        safe(&catalog(vec![select("authenticated")])),
        Some(false),
        "anon reads the view but not the table: the view would fail for it"
    );
}
