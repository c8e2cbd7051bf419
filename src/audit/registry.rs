//! The list of rules, written once. Adding a rule means adding its file under `rules/`, its
//! `pub mod` line in `rules/mod.rs`, and one line here; its documentation is its file's
//! module doc comment, embedded from source.

use super::Rule;

/// A registered rule and its documentation.
pub struct RuleEntry {
    pub rule: &'static dyn Rule,
    source: &'static str,
}

impl RuleEntry {
    /// The rule's documentation: its file's `//!` comment, without the markers.
    pub fn docs(&self) -> String {
        self.source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//! ")
                    .unwrap_or(l.trim_start_matches("//!"))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

macro_rules! registry {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        static RULES: &[RuleEntry] = &[
            $(RuleEntry {
                rule: &super::rules::$module::$rule,
                source: include_str!(concat!("rules/", stringify!($module), ".rs")),
            }),*
        ];
    };
}

registry![
    // Tenancy and row-level security (the seeds' critical section).
    dual_tenant_scope::DualTenantScope,
    missing_tenant_column::MissingTenantColumn,
    tenant_fk_to_users::TenantFkToUsers,
    rls_disabled_in_exposed_schema::RlsDisabledInExposedSchema,
    rls_enabled_without_policy::RlsEnabledWithoutPolicy,
    policy_with_rls_disabled::PolicyWithRlsDisabled,
    sensitive_columns_without_rls::SensitiveColumnsWithoutRls,
    policy_auth_function_per_row::PolicyAuthFunctionPerRow,
    multiple_permissive_policies::MultiplePermissivePolicies,
    always_true_write_policy::AlwaysTrueWritePolicy,
    policy_null_uid_bypass::PolicyNullUidBypass,
    write_policy_without_with_check::WritePolicyWithoutWithCheck,
    policy_trusts_user_metadata::PolicyTrustsUserMetadata,
    realtime_table_without_rls::RealtimeTableWithoutRls,
    public_bucket_allows_listing::PublicBucketAllowsListing,
    // API exposure.
    view_without_security_invoker::ViewWithoutSecurityInvoker,
    view_exposes_auth_users::ViewExposesAuthUsers,
    materialized_view_in_api::MaterializedViewInApi,
    foreign_table_in_api::ForeignTableInApi,
    security_definer_mutable_search_path::SecurityDefinerMutableSearchPath,
    function_search_path_mutable::FunctionSearchPathMutable,
    security_definer_in_api::SecurityDefinerInApi,
    extension_in_public::ExtensionInPublic,
    outdated_extension::OutdatedExtension,
    truncate_granted_to_api_roles::TruncateGrantedToApiRoles,
    default_privileges_grant_api_write::DefaultPrivilegesGrantApiWrite,
    // Indexes.
    unindexed_foreign_key::UnindexedForeignKey,
    tenant_status_without_composite_index::TenantStatusWithoutCompositeIndex,
    array_column_without_gin::ArrayColumnWithoutGin,
    large_jsonb_column_without_gin::LargeJsonbColumnWithoutGin,
    duplicate_index::DuplicateIndex,
    covered_index::CoveredIndex,
    invalid_index::InvalidIndex,
    unused_index::UnusedIndex,
    seq_scan_heavy_table::SeqScanHeavyTable,
    workload_missing_index::WorkloadMissingIndex,
    autovacuum_disabled::AutovacuumDisabled,
    // Integrity.
    table_without_primary_key::TableWithoutPrimaryKey,
    not_valid_constraint::NotValidConstraint,
    reference_type_mismatch::ReferenceTypeMismatch,
    implied_foreign_key::ImpliedForeignKey,
    unconstrained_value_column::UnconstrainedValueColumn,
    foreign_key_to_auth_unique::ForeignKeyToAuthUnique,
    sequence_near_overflow::SequenceNearOverflow,
    reg_type_column::RegTypeColumn,
    // Maintainability.
    updated_at_without_trigger::UpdatedAtWithoutTrigger,
    inconsistent_soft_delete::InconsistentSoftDelete,
    unbounded_event_table::UnboundedEventTable,
    table_consolidation_candidate::TableConsolidationCandidate,
    unused_table::UnusedTable,
    twin_functions::TwinFunctions,
    // Migrations (offline sources).
    migration_statement_failed::MigrationStatementFailed,
    migration_file_not_applied::MigrationFileNotApplied,
    migration_assumed_object::MigrationAssumedObject,
    migration_not_rerunnable::MigrationNotRerunnable,
    migration_duplicate_definition::MigrationDuplicateDefinition,
    migration_number_conflict::MigrationNumberConflict,
    migration_index_without_concurrently::MigrationIndexWithoutConcurrently,
    migration_unsafe_column_change::MigrationUnsafeColumnChange,
];

/// Every rule, in documentation order.
pub fn all_rules() -> &'static [RuleEntry] {
    RULES
}

/// The rule with this id.
pub fn find_rule(id: &str) -> Option<&'static RuleEntry> {
    RULES.iter().find(|e| e.rule.meta().id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lint files of Supabase's database advisor (splinter), by the names a
    /// counterpart must use.
    const SPLINTER_LINTS: &[&str] = &[
        "0001_unindexed_foreign_keys",
        "0002_auth_users_exposed",
        "0003_auth_rls_initplan",
        "0004_no_primary_key",
        "0005_unused_index",
        "0006_multiple_permissive_policies",
        "0007_policy_exists_rls_disabled",
        "0008_rls_enabled_no_policy",
        "0009_duplicate_index",
        "0010_security_definer_view",
        "0011_function_search_path_mutable",
        "0012_auth_allow_anonymous_sign_ins",
        "0013_rls_disabled_in_public",
        "0014_extension_in_public",
        "0015_rls_references_user_metadata",
        "0016_materialized_view_in_api",
        "0017_foreign_table_in_api",
        "0018_unsupported_reg_types",
        "0019_insecure_queue_exposed_in_api",
        "0020_table_bloat",
        "0021_fkey_to_auth_unique",
        "0022_extension_versions_outdated",
        "0023_sensitive_columns_exposed",
        "0024_rls_policy_always_true",
        "0025_public_bucket_allows_listing",
        "0026_pg_graphql_anon_table_exposed",
        "0027_pg_graphql_authenticated_table_exposed",
        "0028_anon_security_definer_function_executable",
        "0029_authenticated_security_definer_function_executable",
        // Named by the issue that asked for parity; newer than the stored copy (April 2026).
        "0030_autovacuum_disabled",
    ];

    #[test]
    fn counterparts_name_real_splinter_lints() {
        for entry in all_rules() {
            let meta = entry.rule.meta();
            for c in meta.counterparts {
                if let Some(lint) = c.strip_prefix("splinter:") {
                    assert!(SPLINTER_LINTS.contains(&lint), "{}: {c}", meta.id);
                }
            }
        }
    }

    #[test]
    fn every_rule_is_documented_in_fixed_sections_on_its_own_and_ids_are_unique() {
        let mut ids = std::collections::HashSet::new();
        for entry in all_rules() {
            let meta = entry.rule.meta();
            assert!(ids.insert(meta.id), "duplicate rule id {}", meta.id);
            let docs = entry.docs();
            let headings: Vec<&str> = docs.lines().filter(|l| l.starts_with("## ")).collect();
            assert_eq!(
                headings,
                [
                    "## What it finds",
                    "## Why it matters",
                    "## Example",
                    "## Fix",
                    "## Fix safety"
                ],
                "{} docs must have these sections, in this order",
                meta.id
            );
            // The docs are read by people who have never seen the documents the rules were
            // first written from: they must explain the problem on their own. (A seed
            // script, which loads data, is another matter.)
            for internal in [
                "seed document",
                "the seeds",
                "seeds/",
                "the audit documents",
            ] {
                assert!(
                    !docs.to_lowercase().contains(internal),
                    "{} docs refer to internal material ({internal})",
                    meta.id
                );
            }
            assert!(
                docs.starts_with(&format!("# {}", meta.id)),
                "{} docs must open with its id",
                meta.id
            );
        }
    }
}
