//! # migration-assumed-object
//!
//! ## What it finds
//! A statement in a migration file that uses an object of the platform's schemas (`auth`,
//! `storage`, `extensions`, `pgsodium`, `net`, `vault`, ...) that no file creates and that
//! pglens's Supabase baseline does not hold: a foreign key to `auth.mfa_factors`, a trigger
//! that runs `pgsodium.trg_encrypt()`. pglens assumed the object exists, as it does on the
//! platform, so the statement applied; this finding says what was assumed, and where.
//!
//! ## Why it matters
//! The model is only as right as the assumption. On the platform the object exists and the
//! statement applies; on a plain PostgreSQL server, a local stack of another version, or a
//! project where the extension was never enabled, it does not, and the migration fails there.
//! A name that is misspelt reads the same way, so read the name.
//!
//! ## Example
//! ```sql
//! CREATE TABLE public.factor_audit (
//!   factor_id uuid REFERENCES auth.mfa_factors (id)
//! );
//! ```
//!
//! ## Fix
//! Nothing to change when the object is the platform's or an extension's and the project has
//! it. Otherwise create it (enable the extension in a migration before the statement) or fix
//! the name.
//!
//! ## Fix safety
//! No SQL is drafted: the finding reports what pglens assumed, not a problem in the schema.

use super::migration_support::migrations;
use super::prelude::*;

pub struct MigrationAssumedObject;

static META: RuleMeta = RuleMeta {
    id: "migration-assumed-object",
    severity: Severity::Info,
    category: Category::Migrations,
    summary: "Statement uses a platform object no file creates, assumed to exist",
    counterparts: &[],
};

impl Rule for MigrationAssumedObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        for a in &m.assumed {
            out.push(META.finding(
                ObjectRef::migration(&a.location),
                format!(
                    "uses {}, which no migration creates and the Supabase baseline does not hold; pglens assumed the platform or an extension provides it",
                    a.object
                ),
            ));
        }
    }
}
