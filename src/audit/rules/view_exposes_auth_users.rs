//! # view-exposes-auth-users
//!
//! ## What it finds
//! Views and materialized views in an exposed schema that read `auth.users` and that the
//! API roles (`anon`, `authenticated`) can select from, directly or through a grant to
//! PUBLIC.
//!
//! ## Why it matters
//! `auth.users` holds every user's e-mail address, phone and metadata. A view over it in
//! `public` publishes that table through the API, usually to anyone with the anon key.
//!
//! ## Example
//! ```sql
//! CREATE VIEW public.user_directory AS SELECT u.id, u.email FROM auth.users u;
//! ```
//!
//! ## Fix
//! Revoke the API roles' access to the view (pglens drafts `REVOKE SELECT ON ... FROM anon,
//! authenticated, PUBLIC`), and serve what is needed through a `security_invoker` view over a
//! profiles table instead.
//!
//! ## Fix safety
//! Marked for review. Clients that read the view through the API get "permission denied"
//! from then on, and any other role that relied on the grant to PUBLIC loses it too. The
//! view's owner and roles with a grant of their own (such as Supabase's `service_role`) keep
//! access. The revoke changes no data, and granting SELECT again undoes it.
//!
//! Check first: which clients query the view, and build the replacement (a profiles table
//! with its own policies, holding only what clients need) before revoking.

use super::prelude::*;

pub struct ViewExposesAuthUsers;

static META: RuleMeta = RuleMeta {
    id: "view-exposes-auth-users",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "API-readable view reads auth.users",
    counterparts: &["splinter:0002_auth_users_exposed"],
};

impl Rule for ViewExposesAuthUsers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let auth_users = QualifiedName::new("auth", "users");
        for v in cx.user_relations() {
            if !v.kind.is_view()
                || !v.reads.contains(&auth_users)
                || !cx.is_exposed(&v.schema)
                || !cx.api_can_read(v)
            {
                continue;
            }
            let kind = if v.kind == RelationKind::View {
                ObjectKind::View
            } else {
                ObjectKind::MaterializedView
            };
            let fix = Fix::review(
                vec![fix::revoke_on_relation(v, "SELECT", &["anon", "authenticated", "PUBLIC"])],
                &["Clients reading this view through the API lose access; give them a profiles view instead."],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(kind, &v.schema, &v.name),
                    format!(
                        "{}.{} publishes auth.users through the API",
                        v.schema, v.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
