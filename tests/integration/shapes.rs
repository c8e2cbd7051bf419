//! The explorer's grouping and finder on schemas shaped like real ones (Supabase apps, an
//! ORM-generated ERP, a music database, partitions): `tests/fixtures/shapes/README.md`
//! says what a reader of each should see, and these tests hold pglens to it.

use std::path::PathBuf;

use pglens::categorize::{self, CategoryConfig, Group, Grouping, SchemaFilter};
use pglens::model::{Catalog, ObjectId};

fn load(file: &str) -> Catalog {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shapes")
        .join(file);
    pglens::source::sqlfiles::load(&[path]).expect("fixture loads")
}

fn groups(catalog: &Catalog) -> Vec<Group> {
    categorize::group(
        catalog,
        Grouping::Categories,
        &CategoryConfig::default(),
        &SchemaFilter::default(),
        &|_| None,
    )
}

/// The group a table is in (`schema.name`, or a name in the fixture's main schema).
fn group_of<'a>(groups: &'a [Group], catalog: &Catalog, table: &str) -> &'a Group {
    let q = match table.split_once('.') {
        Some((schema, name)) => pglens::model::QualifiedName::new(schema, name),
        None => catalog
            .relations
            .iter()
            .find(|r| r.name == table && r.schema != "auth" && r.schema != "storage")
            .map(|r| r.qualified_name())
            .unwrap_or_else(|| panic!("no table {table}")),
    };
    let id = ObjectId::Relation(q);
    groups
        .iter()
        .find(|g| g.members.contains(&id))
        .unwrap_or_else(|| panic!("{table} is in no group"))
}

fn together(groups: &[Group], catalog: &Catalog, tables: &[&str]) {
    let first = &group_of(groups, catalog, tables[0]).name;
    for t in &tables[1..] {
        assert_eq!(
            &group_of(groups, catalog, t).name,
            first,
            "{t} apart from {}",
            tables[0]
        );
    }
}

fn apart(groups: &[Group], catalog: &Catalog, a: &str, b: &str) {
    assert_ne!(
        group_of(groups, catalog, a).name,
        group_of(groups, catalog, b).name,
        "{a} with {b}"
    );
}

/// What every grouping must hold: each object in one group, a group named `x*` holds
/// only tables whose names start with `x`, partitions under their parent, platform last.
fn holds_everywhere(catalog: &Catalog, groups: &[Group]) {
    let mut seen = std::collections::HashSet::new();
    for g in groups {
        for m in &g.members {
            assert!(seen.insert(m.clone()), "{} is in two groups", m.label());
        }
        if let Some(prefix) = g.name.strip_suffix('*') {
            for m in &g.members {
                let ObjectId::Relation(q) = m else { continue };
                let name = match prefix.split_once('.') {
                    Some(_) => q.to_string(),
                    None => q.name.clone(),
                };
                assert!(name.starts_with(prefix), "{} in {}", q, g.name);
            }
        }
        for m in g.top_level() {
            if let ObjectId::Relation(q) = m {
                let partition = catalog
                    .relation(&q.schema, &q.name)
                    .is_some_and(|r| r.partition_of.is_some());
                assert!(!partition, "partition {q} listed at the top of {}", g.name);
            }
        }
    }
    let platform: Vec<&Group> = groups.iter().filter(|g| g.platform).collect();
    assert!(platform.len() <= 1);
    if let Some(p) = platform.first() {
        assert_eq!(
            &groups.last().map(|g| &g.name),
            &Some(&p.name),
            "platform last"
        );
    }
}

/// The first finder hit for each query.
fn first_hits(catalog: &Catalog, cases: &[(&str, &str)]) {
    let index = pglens::tui::search::SearchIndex::build(catalog);
    let matcher = fuzzy_matcher::skim::SkimMatcherV2::default();
    for (query, expected) in cases {
        let hits = index.search(
            &matcher,
            query,
            &mut pglens::tui::search::Incremental::default(),
            &|_| true,
        );
        let top: Vec<String> = hits
            .iter()
            .take(3)
            .map(|h| index.entry(h).label.clone())
            .collect();
        assert_eq!(
            top.first().map(String::as_str),
            Some(*expected),
            "/{query}: {top:?}"
        );
    }
}

#[test]
fn a_supabase_chat_app_shows_its_own_tables_first() {
    let catalog = load("supabase_chat.sql");
    let groups = groups(&catalog);
    holds_everywhere(&catalog, &groups);
    assert!(!groups[0].platform);
    for g in groups.iter().filter(|g| !g.platform) {
        assert!(
            !g.name.contains("auth") && !g.name.contains("mfa"),
            "an app group named after the platform: {}",
            g.name
        );
        for m in &g.members {
            if let ObjectId::Relation(q) = m {
                assert_eq!(q.schema, "public", "{q} in {}", g.name);
            }
        }
    }
    together(&groups, &catalog, &["chats", "chat_files"]);
    together(
        &groups,
        &catalog,
        &["assistants", "assistant_tools", "assistant_files"],
    );
    together(&groups, &catalog, &["messages", "message_file_items"]);
    together(&groups, &catalog, &["files", "file_items"]);
    apart(&groups, &catalog, "chat_files", "files");
    apart(&groups, &catalog, "message_file_items", "file_items");
    first_hits(
        &catalog,
        &[
            ("messages", "public.messages"),
            ("chat_files", "public.chat_files"),
            ("assistants", "public.assistants"),
            ("files", "public.files"),
            ("users", "auth.users"),
            ("uid", "auth.uid()"),
            ("profiles.user_id", "public.profiles.user_id"),
            ("idx_chats_user_id", "public.chats.idx_chats_user_id"),
        ],
    );
}

#[test]
fn a_supabase_saas_app_keeps_its_users_table_and_its_hub_apart() {
    let catalog = load("supabase_saas.sql");
    let groups = groups(&catalog);
    holds_everywhere(&catalog, &groups);
    assert!(!group_of(&groups, &catalog, "public.users").platform);
    together(
        &groups,
        &catalog,
        &["organizations", "organization_members"],
    );
    together(
        &groups,
        &catalog,
        &["billing_customers", "subscriptions", "invoices"],
    );
    together(&groups, &catalog, &["tasks", "task_labels"]);
    first_hits(
        &catalog,
        &[
            ("organizations", "public.organizations"),
            ("organization_members", "public.organization_members"),
            ("auth.users", "auth.users"),
            ("public.users", "public.users"),
            ("tasks", "public.tasks"),
            ("audit_logs", "public.audit_logs"),
            (
                "invoices.subscription_id",
                "public.invoices.subscription_id",
            ),
        ],
    );
}

#[test]
fn an_orm_generated_erp_groups_by_module_not_by_its_hubs() {
    let catalog = load("erp.sql");
    let groups = groups(&catalog);
    holds_everywhere(&catalog, &groups);
    assert_eq!(group_of(&groups, &catalog, "res_users").name, "res_*");
    apart(&groups, &catalog, "resource_calendar", "res_users");
    apart(&groups, &catalog, "product_product", "project_task");
    together(&groups, &catalog, &["sale_order", "sale_order_line"]);
    together(
        &groups,
        &catalog,
        &["stock_move", "stock_picking", "stock_location"],
    );
    let biggest = groups.iter().map(|g| g.members.len()).max().unwrap_or(0);
    assert!(biggest <= 25, "no group swallows the schema: {biggest}");
    first_hits(
        &catalog,
        &[
            ("res_users", "public.res_users"),
            ("res_partner", "public.res_partner"),
            ("account_move", "public.account_move"),
            ("account_move_line", "public.account_move_line"),
            ("sale_order", "public.sale_order"),
            ("stock_move", "public.stock_move"),
            ("uom", "public.uom_uom"),
        ],
    );
}

#[test]
fn a_music_database_keeps_each_entity_with_its_own_tables() {
    let catalog = load("music.sql");
    let groups = groups(&catalog);
    holds_everywhere(&catalog, &groups);
    together(
        &groups,
        &catalog,
        &["artist", "artist_alias", "artist_type", "artist_tag"],
    );
    together(
        &groups,
        &catalog,
        &[
            "release_group",
            "release_group_alias",
            "release_group_alias_type",
        ],
    );
    together(
        &groups,
        &catalog,
        &["release", "release_alias", "release_label"],
    );
    apart(&groups, &catalog, "release", "release_group");
    apart(&groups, &catalog, "editor", "edit");
    together(
        &groups,
        &catalog,
        &["l_artist_recording", "l_release_url", "l_area_area"],
    );
    assert_eq!(
        group_of(&groups, &catalog, "artist").name,
        "artist*",
        "no schema prefix for the main schema"
    );
    first_hits(
        &catalog,
        &[
            ("artist", "musicbrainz.artist"),
            ("release", "musicbrainz.release"),
            ("release_group", "musicbrainz.release_group"),
            ("link", "musicbrainz.link"),
            ("l_artist_recording", "musicbrainz.l_artist_recording"),
            ("artist_credit", "musicbrainz.artist_credit"),
            ("release_event", "musicbrainz.release_event"),
        ],
    );
}

#[test]
fn partitions_nest_under_their_parent_and_history_stays_with_its_table() {
    let catalog = load("partitions.sql");
    let groups = groups(&catalog);
    holds_everywhere(&catalog, &groups);
    together(
        &groups,
        &catalog,
        &["orders", "orders_history", "order_items"],
    );
    together(
        &groups,
        &catalog,
        &["sensors", "sensor_readings", "sensor_readings_2025_07"],
    );
    let events = group_of(&groups, &catalog, "events");
    let eu = ObjectId::relation("public", "events_eu");
    let h1 = ObjectId::relation("public", "events_eu_2025h1");
    assert_eq!(
        events.path_to(&h1),
        [ObjectId::relation("public", "events"), eu, h1],
        "a sub-partition nests under its partition, under the parent"
    );
    first_hits(
        &catalog,
        &[
            ("sensor_readings", "public.sensor_readings"),
            ("sensor_readings_2025_07", "public.sensor_readings_2025_07"),
            ("orders", "public.orders"),
            ("orders_history", "public.orders_history"),
            ("events", "public.events"),
            ("events_eu", "public.events_eu"),
            ("app_log", "public.app_log"),
        ],
    );
}

#[test]
fn a_migration_folder_groups_by_the_file_that_created_each_table() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations");
    let catalog = pglens::source::sqlfiles::load(&[path]).expect("folder loads");
    let files = catalog.migrations.as_ref().unwrap().files.clone();
    let groups = categorize::group(
        &catalog,
        Grouping::Migration,
        &CategoryConfig::default(),
        &SchemaFilter::default(),
        &|_| None,
    );
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let in_order: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| names.contains(f))
        .collect();
    assert_eq!(
        &names[..in_order.len()],
        in_order,
        "groups follow the files' order"
    );
    for g in &groups {
        for m in &g.members {
            if let ObjectId::Relation(q) = m {
                let r = catalog.relation(&q.schema, &q.name).unwrap();
                let file = r.provenance.defined.as_ref().map(|at| at.file.as_str());
                assert!(
                    file == Some(g.name.as_str()) || file.is_none(),
                    "{q} in {}",
                    g.name
                );
            }
        }
    }
    assert!(Grouping::Severity.next(true) == Grouping::Migration);
    assert!(Grouping::Severity.next(false) == Grouping::Categories);
}

/// A database opened with `--drift FOLDER` learns where the folder creates each table, so
/// it too can be grouped by migration file.
#[test]
fn a_database_compared_with_its_migrations_learns_where_each_table_was_created() {
    let folder = load("partitions.sql");
    let mut live = folder.clone();
    live.migrations = None;
    for r in &mut live.relations {
        r.provenance = Default::default();
    }
    pglens::diff::adopt_provenance(&mut live, &folder);
    assert!(live
        .relations
        .iter()
        .all(|r| r.provenance.defined.is_some()));
    let groups = categorize::group(
        &live,
        Grouping::Migration,
        &CategoryConfig::default(),
        &SchemaFilter::default(),
        &|_| None,
    );
    assert!(
        groups[0].name.ends_with("partitions.sql"),
        "{:?}",
        groups[0].name
    );
}

/// Suppressions and SARIF fingerprints name findings by key: two different findings with
/// one key would hide each other (the ignore file suppresses both, deduplication drops one).
#[test]
fn no_two_findings_share_a_key() {
    let mut catalogs = vec![("demo".to_string(), pglens::source::snapshot::demo())];
    for file in [
        "supabase_chat.sql",
        "supabase_saas.sql",
        "erp.sql",
        "music.sql",
        "partitions.sql",
        "supabase_social.sql",
    ] {
        catalogs.push((file.to_string(), load(file)));
    }
    for (name, catalog) in catalogs {
        let findings = pglens::audit::run(&catalog, &pglens::audit::Selection::default());
        let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for f in &findings {
            if let Some(other) = seen.insert(&f.key, &f.message) {
                panic!(
                    "{name}: key {} names both\n  {other}\n  {}",
                    f.key, f.message
                );
            }
        }
    }
}

/// The Supabase social app's planted problems (README: "Planted for the audit"), read from
/// the SQL files alone: each is reported on the object it is about, and each look-alike
/// beside it is not.
#[test]
fn a_supabase_social_app_shows_what_the_platform_advisor_would_and_no_look_alike() {
    let catalog = load("supabase_social.sql");
    let realtime = catalog
        .publications
        .iter()
        .find(|p| p.name == "supabase_realtime")
        .expect("ALTER PUBLICATION supabase_realtime adds to the platform's publication");
    assert_eq!(realtime.tables.len(), 5, "{:?}", realtime.tables);
    let public: Vec<&str> = catalog
        .buckets
        .iter()
        .filter(|b| b.public)
        .map(|b| b.id.as_str())
        .collect();
    assert_eq!(public, ["avatars", "post-media"]);

    let findings = pglens::audit::run(&catalog, &pglens::audit::Selection::default());
    let reported = |rule: &str| -> Vec<String> {
        let mut paths: Vec<String> = findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.object.path())
            .collect();
        paths.sort();
        paths
    };
    let expect = [
        (
            "realtime-table-without-rls",
            vec!["public.message_reactions", "public.typing_indicators"],
        ),
        (
            "public-bucket-allows-listing",
            vec!["storage.objects.Avatar images are publicly accessible"],
        ),
        ("twin-functions", vec!["public.handle_updated_at()"]),
        (
            "security-definer-mutable-search-path",
            vec!["public.handle_new_user()"],
        ),
        ("autovacuum-disabled", vec!["public.feed_cache"]),
        ("duplicate-index", vec!["public.media.media_id_key"]),
        ("truncate-granted-to-api-roles", vec!["public", "public"]),
    ];
    for (rule, paths) in expect {
        assert_eq!(reported(rule), paths, "{rule}");
    }
    let search_path = reported("function-search-path-mutable");
    assert!(
        search_path.contains(&"public.is_community_member(community uuid)".to_string())
            && search_path.contains(&"public".to_string()),
        "the policy helper on its own, the rest grouped: {search_path:?}"
    );
    let fks = reported("unindexed-foreign-key");
    assert!(
        fks.contains(
            &"public.activity_events_2025_01.activity_events_2025_01_actor_id_fkey".to_string()
        ),
        "a partition's own foreign key: {fks:?}"
    );
    assert!(
        !fks.iter()
            .any(|p| p.contains("activity_events_community_id_fkey")),
        "every partition indexes the parent's key: {fks:?}"
    );
}

/// An ORM's bookkeeping keys come as one grouped finding per column, and keys to reference
/// data nobody deletes from not at all, so that the ERP's real ones are not buried.
#[test]
fn unindexed_bookkeeping_and_reference_keys_are_grouped() {
    let catalog = load("erp.sql");
    let findings = pglens::audit::run(&catalog, &pglens::audit::Selection::default());
    let grouped: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.rule == "unindexed-foreign-key" && f.object.kind == pglens::audit::ObjectKind::Table
        })
        .map(|f| f.key.clone())
        .collect();
    for key in [
        "unindexed-foreign-key:table:public.res_users:create_uid",
        "unindexed-foreign-key:table:public.res_users:write_uid",
    ] {
        assert!(grouped.contains(&key.to_string()), "{key} in {grouped:#?}");
    }
    assert!(
        !findings.iter().any(|f| f.rule == "unindexed-foreign-key"
            && f.object.kind == pglens::audit::ObjectKind::Constraint
            && (f.message.contains("(create_uid)") || f.message.contains("(write_uid)"))),
        "no bookkeeping key is listed on its own"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.rule == "unindexed-foreign-key"
                && f.message.contains("-> public.res_currency")),
        "nobody deletes currencies"
    );
    // A user's own rows are not bookkeeping, even on every table of a Supabase app.
    let chat = pglens::audit::run(
        &load("supabase_chat.sql"),
        &pglens::audit::Selection::default(),
    );
    assert!(chat.iter().any(
        |f| f.rule == "unindexed-foreign-key" && f.message.contains("(user_id) -> auth.users")
    ));
}

/// Fixes written into the migration folder count: each shape fixture read together with a
/// second file holding every safe fix (and every search_path fix) of its audit, in order,
/// reads without a problem, and the findings those fixes were for are gone.
#[test]
fn fixes_added_to_the_migrations_clear_their_findings_offline() {
    let dir = std::env::temp_dir().join(format!("pglens-fix-migrations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for file in [
        "supabase_chat.sql",
        "supabase_saas.sql",
        "supabase_social.sql",
        "erp.sql",
        "music.sql",
        "partitions.sql",
    ] {
        let before = pglens::audit::run(&load(file), &pglens::audit::Selection::default());
        let applied: Vec<&pglens::audit::Finding> = before
            .iter()
            .filter(|f| {
                f.fix.as_ref().is_some_and(|x| x.safe) || f.rule.ends_with("search-path-mutable")
            })
            .collect();
        let script: String = applied
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .map(|fix| fix.script())
            .collect::<Vec<_>>()
            .join("\n");
        let fixes = dir.join(format!("zz_{file}"));
        std::fs::write(&fixes, script).expect("write fixes");
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/shapes")
            .join(file);
        let catalog = pglens::source::sqlfiles::load(&[source, fixes]).expect("reads");
        let problems: Vec<String> = catalog
            .migrations
            .iter()
            .flat_map(|m| &m.problems)
            .map(|p| format!("{}:{} {}", p.location.file, p.location.line, p.message))
            .collect();
        assert!(problems.is_empty(), "{file}: {problems:#?}");
        let after: std::collections::BTreeSet<String> =
            pglens::audit::run(&catalog, &pglens::audit::Selection::default())
                .into_iter()
                .map(|f| f.key)
                .collect();
        let still: Vec<&str> = applied
            .iter()
            .map(|f| f.key.as_str())
            .filter(|k| after.contains(*k))
            .collect();
        assert!(
            still.is_empty(),
            "{file}: still reported offline after its fix: {still:#?}"
        );
    }
}
