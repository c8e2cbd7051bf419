//! # foreign-key-to-auth-unique
//!
//! ## What it finds
//! Foreign keys into the `auth` schema that reference a unique column other than the primary key,
//! such as `auth.users(email)`. Keys to `auth` tables that pglens could not read are skipped.
//!
//! ## Why it matters
//! Supabase manages `auth` and may drop or rebuild its unique indexes in upgrades; a foreign key
//! that depends on one blocks the upgrade or breaks with it. E-mail addresses also change, and the
//! reference then points at the wrong user or at nothing.
//!
//! ## Example
//! ```sql
//! CREATE TABLE invites (id bigint PRIMARY KEY, email text REFERENCES auth.users (email));
//! ```
//!
//! ## Fix
//! Reference `auth.users(id)` instead: add a `uuid` column that references it, backfill it by
//! joining on the old value, switch code to the new column, then drop the old key. pglens drafts
//! only the last step, dropping the constraint; the new column is a design change:
//! ```sql
//! ALTER TABLE invites ADD COLUMN user_id uuid REFERENCES auth.users (id);
//! UPDATE invites i SET user_id = u.id FROM auth.users u WHERE u.email = i.email;
//! ALTER TABLE invites DROP CONSTRAINT IF EXISTS invites_email_fkey;
//! ```
//!
//! ## Fix safety
//! pglens marks this fix for review: `ALTER TABLE ... DROP CONSTRAINT IF EXISTS` removes a
//! guarantee without putting another in its place.
//! - No data is lost, but from then on nothing stops rows that name no user, and the key's
//!   `ON DELETE` / `ON UPDATE` actions (cascade, set null) stop happening. Add the replacement
//!   column and its key first.
//! - Code that relies on those actions (deleting a user to clean up their rows) must change with
//!   it.
//! - The drop is quick but locks both tables, the referencing one and the `auth` one, for a moment.

use super::prelude::*;

pub struct ForeignKeyToAuthUnique;

static META: RuleMeta = RuleMeta {
    id: "foreign-key-to-auth-unique",
    severity: Severity::Warning,
    category: Category::Integrity,
    summary: "Foreign key to a non-primary-key column in the auth schema",
    counterparts: &["splinter:0021_fkey_to_auth_unique"],
};

impl Rule for ForeignKeyToAuthUnique {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for (c, fk) in t.foreign_keys() {
                if fk.referenced_table.schema != "auth" {
                    continue;
                }
                let Some(target) = cx.relation(&fk.referenced_table) else {
                    continue;
                };
                if target
                    .primary_key()
                    .is_some_and(|pk| pk.columns == fk.referenced_columns)
                {
                    continue;
                }
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Constraint, &t.schema, &t.name, &c.name),
                        format!(
                            "foreign key {} on {}.{} references {}({}), not its primary key",
                            c.name,
                            t.schema,
                            t.name,
                            fk.referenced_table,
                            fk.referenced_columns.join(", ")
                        ),
                    )
                    .with_fix(Fix::review(
                        vec![fix::drop_constraint(t, &c.name)],
                        &["Add a column referencing the primary key and backfill it by joining on the old value before dropping this key."],
                    )),
                );
            }
        }
    }
}
