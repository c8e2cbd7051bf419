//! One file per rule. Each file's module doc comment is the rule's documentation, in fixed
//! sections (What it finds, Why it matters, Example, Fix, Fix safety), and is what
//! `pglens rules ID` prints. Register new rules in `../registry.rs`.

mod prelude {
    pub use crate::audit::{
        Category, Context, Finding, Fix, FixStatement, ObjectKind, ObjectRef, Related, Rule,
        RuleMeta, Severity,
    };
    pub use crate::model::version::Feature;
    pub use crate::model::{
        grants_allow, Column, ConstraintKind, Policy, PolicyCommand, QualifiedName, Relation,
        RelationKind, TypeKind,
    };
    pub use crate::sql::fix;
}

pub mod always_true_write_policy;
pub mod array_column_without_gin;
pub mod autovacuum_disabled;
pub mod covered_index;
pub mod default_privileges_grant_api_write;
pub mod dual_tenant_scope;
pub mod duplicate_index;
pub mod extension_in_public;
pub mod foreign_key_to_auth_unique;
pub mod foreign_table_in_api;
pub mod function_search_path_mutable;
pub mod implied_foreign_key;
pub mod inconsistent_soft_delete;
pub mod invalid_index;
pub mod large_jsonb_column_without_gin;
pub mod materialized_view_in_api;
pub mod migration_assumed_object;
pub mod migration_duplicate_definition;
pub mod migration_file_not_applied;
pub mod migration_index_without_concurrently;
pub mod migration_not_rerunnable;
pub mod migration_number_conflict;
pub mod migration_statement_failed;
mod migration_support;
pub mod migration_unsafe_column_change;
pub mod missing_tenant_column;
pub mod multiple_permissive_policies;
pub mod not_valid_constraint;
pub mod outdated_extension;
pub mod policy_auth_function_per_row;
pub mod policy_null_uid_bypass;
pub mod policy_trusts_user_metadata;
pub mod policy_with_rls_disabled;
pub mod public_bucket_allows_listing;
pub mod realtime_table_without_rls;
pub mod reference_type_mismatch;
pub mod reg_type_column;
pub mod rls_disabled_in_exposed_schema;
pub mod rls_enabled_without_policy;
pub mod security_definer_in_api;
pub mod security_definer_mutable_search_path;
pub mod sensitive_columns_without_rls;
pub mod seq_scan_heavy_table;
pub mod sequence_near_overflow;
pub mod table_consolidation_candidate;
pub mod table_without_primary_key;
pub mod tenant_fk_to_users;
pub mod tenant_status_without_composite_index;
pub mod truncate_granted_to_api_roles;
pub mod twin_functions;
pub mod unbounded_event_table;
pub mod unconstrained_value_column;
pub mod unindexed_foreign_key;
pub mod unused_index;
pub mod unused_table;
pub mod updated_at_without_trigger;
pub mod view_exposes_auth_users;
pub mod view_without_security_invoker;
pub mod workload_missing_index;
pub mod write_policy_without_with_check;
