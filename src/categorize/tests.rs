//! Grouping on catalogs shaped like real schemas: a Supabase app whose every table
//! references `auth.users`, hubs, prefix families, partitions, several schemas.

use super::*;
use crate::model::testing::CatalogBuilder;
use crate::source::snapshot::demo;

fn groups_of(catalog: &Catalog, grouping: Grouping) -> Vec<Group> {
    group(
        catalog,
        grouping,
        &CategoryConfig::default(),
        &SchemaFilter::default(),
        &|_| None,
    )
}

fn group_of<'a>(groups: &'a [Group], table: &str) -> Option<&'a str> {
    let (schema, name) = table.split_once('.').unwrap_or(("public", table));
    groups
        .iter()
        .find(|g| g.members.contains(&ObjectId::relation(schema, name)))
        .map(|g| g.name.as_str())
}

/// A chat app on Supabase: every table has a `user_id` to `auth.users`, most a
/// `workspace_id`; the platform's own tables reference `auth.users` too.
fn chat_app() -> Catalog {
    let mut b = CatalogBuilder::supabase();
    for platform in ["auth.mfa_factors", "auth.sessions", "auth.identities"] {
        b = b
            .table(platform, &[("id", "uuid"), ("user_id", "uuid")])
            .foreign_key(platform, &["user_id"], "auth.users", &["id"]);
    }
    b = b
        .table("storage.buckets", &[("id", "text")])
        .table("storage.objects", &[("id", "uuid"), ("bucket_id", "text")])
        .foreign_key(
            "storage.objects",
            &["bucket_id"],
            "storage.buckets",
            &["id"],
        );
    let tables: &[(&str, &[&str])] = &[
        ("profiles", &[]),
        ("workspaces", &[]),
        ("folders", &["workspace_id"]),
        ("chats", &["workspace_id", "folder_id"]),
        ("messages", &["chat_id"]),
        ("files", &["workspace_id", "folder_id"]),
        ("file_items", &["file_id"]),
        ("chat_files", &["chat_id", "file_id"]),
        ("assistants", &["workspace_id", "folder_id"]),
        ("assistant_files", &["assistant_id", "file_id"]),
        ("assistant_tools", &["assistant_id", "tool_id"]),
        ("tools", &["workspace_id"]),
        ("presets", &["workspace_id"]),
        ("prompts", &["workspace_id"]),
        ("models", &["workspace_id"]),
    ];
    for (name, fks) in tables {
        let table = format!("public.{name}");
        let mut columns = vec![("id", "uuid"), ("user_id", "uuid")];
        columns.extend(fks.iter().map(|c| (*c, "uuid")));
        b = b
            .table(&table, &columns)
            .primary_key(&table, &["id"])
            .foreign_key(&table, &["user_id"], "auth.users", &["id"]);
        for fk in *fks {
            let target = match *fk {
                "workspace_id" => "public.workspaces".to_string(),
                other => format!("public.{}s", other.trim_end_matches("_id")),
            };
            b = b.foreign_key(&table, &[fk], &target, &["id"]);
        }
    }
    b.function("public.handle_new_user", "SELECT 1")
        .function("auth.uid", "SELECT 1")
        .build()
}

#[test]
fn a_supabase_app_comes_first_and_the_platform_is_folded_at_the_bottom() {
    let catalog = chat_app();
    let groups = groups_of(&catalog, Grouping::Categories);
    let last = groups.last().unwrap();
    assert!(
        last.platform && last.name == "Platform: auth, storage",
        "{last:?}"
    );
    assert!(
        last.members.iter().all(on_platform),
        "only platform objects in the platform group: {last:?}"
    );
    assert!(!groups[0].platform);
    for g in &groups[..groups.len() - 1] {
        assert!(
            !g.name.contains("auth") && !g.name.contains("storage"),
            "{g:?}"
        );
        assert!(g.members.iter().all(|m| !on_platform(m)), "{g:?}");
    }
    // Platform functions go with the platform; the app's own are "Functions".
    assert!(last
        .members
        .iter()
        .any(|m| matches!(m, ObjectId::Function { schema, .. } if schema == "auth")));
    assert!(groups.iter().any(|g| g.name == "Functions"));
}

#[test]
fn hubs_do_not_chain_clusters_together() {
    let catalog = chat_app();
    let groups = groups_of(&catalog, Grouping::Categories);
    assert_eq!(group_of(&groups, "workspaces"), Some(CORE));
    assert_eq!(
        group_of(&groups, "folders"),
        Some(CORE),
        "referenced by 3 of 15 tables"
    );
    // Families keep their own table (chats with chat_files), and take in what links to
    // them alone (messages), under the name of their own table.
    assert_eq!(group_of(&groups, "chats"), Some("chats and 2 related"));
    assert_eq!(group_of(&groups, "chat_files"), Some("chats and 2 related"));
    assert_eq!(group_of(&groups, "messages"), Some("chats and 2 related"));
    assert_eq!(group_of(&groups, "tools"), Some("assistants and 3 related"));
    assert_eq!(group_of(&groups, "file_items"), Some("file*"));
    // Not one giant cluster through workspaces or auth.users.
    let biggest = groups
        .iter()
        .filter(|g| !g.platform && g.name != OTHER)
        .map(|g| g.members.len())
        .max();
    assert!(biggest <= Some(4), "{groups:#?}");
}

#[test]
fn a_group_named_after_a_prefix_holds_only_tables_the_prefix_matches() {
    let catalog = CatalogBuilder::plain()
        .table("public.artist", &[("id", "int")])
        .primary_key("public.artist", &["id"])
        .table("public.artist_alias", &[("id", "int"), ("artist", "int")])
        .foreign_key("public.artist_alias", &["artist"], "public.artist", &["id"])
        .table("public.artist_type", &[("id", "int")])
        .table("public.recording", &[("id", "int"), ("artist", "int")])
        .foreign_key("public.recording", &["artist"], "public.artist", &["id"])
        .table("public.track", &[("id", "int"), ("recording", "int")])
        .foreign_key("public.track", &["recording"], "public.recording", &["id"])
        .table("public.l_artist_recording", &[("a", "int"), ("b", "int")])
        .table("public.l_artist_work", &[("a", "int"), ("b", "int")])
        .build();
    let groups = groups_of(&catalog, Grouping::Categories);
    assert_eq!(
        group_of(&groups, "artist_type"),
        Some("artist and 4 related")
    );
    assert_eq!(
        group_of(&groups, "l_artist_work"),
        Some("l_artist_*"),
        "named by what all its members share, to a word"
    );
    assert_eq!(
        group_of(&groups, "recording"),
        Some("artist and 4 related"),
        "recording and track link to the artist family alone, which is renamed"
    );
    for g in &groups {
        let Some(prefix) = g.name.strip_suffix('*') else {
            continue;
        };
        for m in &g.members {
            let ObjectId::Relation(q) = m else { continue };
            assert!(q.name.starts_with(prefix), "{} in {}", q.name, g.name);
        }
    }
}

#[test]
fn partitions_follow_their_parent_and_other_schemas_say_so() {
    let catalog = CatalogBuilder::plain()
        .table("public.events", &[("id", "bigint"), ("at", "timestamptz")])
        .table(
            "public.events_2026_01",
            &[("id", "bigint"), ("at", "timestamptz")],
        )
        .table(
            "public.events_2026_02",
            &[("id", "bigint"), ("at", "timestamptz")],
        )
        .partition(
            "public.events",
            "public.events_2026_01",
            "FOR VALUES FROM (1) TO (2)",
        )
        .partition(
            "public.events",
            "public.events_2026_02",
            "FOR VALUES FROM (2) TO (3)",
        )
        .table("public.settings", &[("key", "text")])
        .table("billing.invoices", &[("id", "int")])
        .build();
    let groups = groups_of(&catalog, Grouping::Categories);
    assert_eq!(
        group_of(&groups, "events_2026_01"),
        group_of(&groups, "events")
    );
    assert_eq!(group_of(&groups, "settings"), Some(OTHER));
    assert_eq!(
        group_of(&groups, "billing.invoices"),
        Some("billing schema")
    );
}

#[test]
fn by_schema_lists_extensions_apart_and_the_platform_last() {
    let mut catalog = chat_app();
    catalog.extensions.push(crate::model::Extension {
        name: "pgcrypto".into(),
        schema: "extensions".into(),
        installed_version: "1.3".into(),
        default_version: None,
        relocatable: true,
    });
    let groups = groups_of(&catalog, Grouping::Schema);
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        ["Installed extensions", "public", "Platform: auth, storage"]
    );
}

#[test]
fn the_schema_filter_hides_what_it_names() {
    let catalog = chat_app();
    let hide_platform = SchemaFilter {
        hide_platform: true,
        ..SchemaFilter::default()
    };
    let groups = group(
        &catalog,
        Grouping::Categories,
        &CategoryConfig::default(),
        &hide_platform,
        &|_| None,
    );
    assert!(groups.iter().all(|g| !g.platform));
    let only_storage = SchemaFilter {
        include: vec!["storage".into()],
        ..SchemaFilter::default()
    };
    let groups = group(
        &catalog,
        Grouping::Categories,
        &CategoryConfig::default(),
        &only_storage,
        &|_| None,
    );
    let members: usize = groups.iter().map(|g| g.members.len()).sum();
    assert_eq!(members, 2, "{groups:?}");
}

#[test]
fn the_demo_without_its_categories_groups_every_object_once() {
    let catalog = demo();
    let groups = groups_of(&catalog, Grouping::Categories);
    assert_eq!(group_of(&groups, "cmo_campaigns"), Some("cmo_*"));
    assert!(groups.iter().any(|g| g.name == "Views"));
    let total: usize = groups.iter().map(|g| g.members.len()).sum();
    let listed = catalog
        .relations
        .iter()
        .filter(|r| r.extension.is_none())
        .count()
        + catalog
            .functions
            .iter()
            .filter(|f| f.extension.is_none())
            .count()
        + catalog
            .enums
            .iter()
            .filter(|e| e.extension.is_none())
            .count()
        + catalog.domains.len()
        + catalog.extensions.len();
    assert_eq!(total, listed, "every object is in exactly one group");
    assert!(groups.iter().any(|g| g.name == "Types"), "{groups:?}");
    assert!(!groups[0].platform && groups.last().unwrap().platform);
}

#[test]
fn configured_categories_win_and_keep_their_order() {
    let config = CategoryConfig::parse(
        "[[category]]\nname = \"Brand & Identity\"\ntables = [\"brands\", \"brand_*\"]\n\
         [[category]]\nname = \"CRM\"\ntables = [\"public.leads\", \"deals\"]\n",
        "test",
    )
    .unwrap();
    let groups = group(
        &demo(),
        Grouping::Categories,
        &config,
        &SchemaFilter::default(),
        &|_| None,
    );
    assert_eq!(groups[0].name, "Brand & Identity");
    assert!(groups[0]
        .members
        .contains(&ObjectId::relation("public", "brand_members")));
    assert_eq!(groups[1].name, "CRM");
    let err = CategoryConfig::parse("[[category]]\nname = \"x\"\ntabels = []\n", "cats.toml")
        .unwrap_err();
    assert!(err.contains("cats.toml") && err.contains("tabels"), "{err}");
}

#[test]
fn demo_categories_cover_every_demo_table() {
    let config = CategoryConfig::parse(DEMO_CATEGORIES, "demo categories").unwrap();
    let catalog = demo();
    let groups = group(
        &catalog,
        Grouping::Categories,
        &config,
        &SchemaFilter::default(),
        &|_| None,
    );
    let other = groups.iter().find(|g| g.name == OTHER);
    assert!(other.is_none(), "uncategorised demo tables: {other:?}");
    assert!(
        groups
            .iter()
            .filter(|g| config.categories.iter().any(|c| c.name == g.name))
            .count()
            >= 8
    );
}
