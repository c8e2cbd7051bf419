//! Schemas that belong to the platform a database runs on, not to the application: what
//! Supabase creates and manages, PostGIS's geocoder and topology, and pglens's own backups.
//! The audit leaves them alone and the explorer folds them away.

/// Where pglens's fixes put backups before dropping anything.
pub const BACKUP_SCHEMA: &str = "pglens_backup";

/// Schemas Supabase creates and manages.
pub const SUPABASE_SCHEMAS: &[&str] = &[
    "auth",
    "storage",
    "realtime",
    "_realtime",
    "extensions",
    "graphql",
    "graphql_public",
    "vault",
    "pgsodium",
    "pgsodium_masks",
    "net",
    "cron",
    "supabase_functions",
    "supabase_migrations",
    "_analytics",
    "pgbouncer",
    "pgtle",
];

/// Schemas PostGIS's extensions create.
pub const POSTGIS_SCHEMAS: &[&str] = &["tiger", "tiger_data", "topology"];

/// Whether `schema` is a platform schema (Supabase's, PostGIS's, or pglens's backups).
pub fn is_platform_schema(schema: &str) -> bool {
    schema == BACKUP_SCHEMA
        || SUPABASE_SCHEMAS.contains(&schema)
        || POSTGIS_SCHEMAS.contains(&schema)
}

/// The roles Supabase's HTTP API runs requests as, with the attributes every project gives
/// them: what migrations cannot say but the Grants tab needs (`service_role` skips RLS).
pub fn supabase_api_roles() -> Vec<super::Role> {
    let role = |name: &str, bypass_rls: bool| super::Role {
        name: name.into(),
        superuser: false,
        bypass_rls,
        login: false,
        member_of: Vec::new(),
    };
    vec![
        role("anon", false),
        role("authenticated", false),
        role("service_role", true),
    ]
}
