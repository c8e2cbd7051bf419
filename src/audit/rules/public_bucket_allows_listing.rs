//! # public-bucket-allows-listing
//!
//! ## What it finds
//! Public Supabase Storage buckets (`storage.buckets.public = true`) with a permissive
//! `SELECT` (or `ALL`) policy on `storage.objects`, for `anon`, `authenticated` or every
//! role, whose condition is no more than "this bucket": `bucket_id = 'avatars'`, `true`, or
//! none. Policies that narrow further (by owner, by folder) are left alone, and so are
//! private buckets.
//!
//! ## Why it matters
//! A public bucket already serves each file to anyone who has its URL; no policy is needed
//! for that. A broad `SELECT` policy on `storage.objects` adds something else: any client
//! can list every file in the bucket, with names, sizes and paths, and so find files whose
//! URLs were never shared (other users' uploads, exports, drafts).
//!
//! ## Example
//! ```sql
//! CREATE POLICY "Public read" ON storage.objects FOR SELECT USING (bucket_id = 'avatars');
//! ```
//!
//! ## Fix
//! Drop the broad policy. Files stay reachable by URL because the bucket is public. If the
//! app lists files, replace it with a policy scoped to the caller's own folder, such as
//! `bucket_id = 'avatars' AND (storage.foldername(name))[1] = (select auth.uid())::text`.
//!
//! ## Fix safety
//! Marked for review. Dropping the policy cannot fail and changes no data, but any client
//! code that calls `list()` on the bucket (a gallery, a file picker) gets an empty list
//! afterwards. Search the app for `.list(` on that bucket first. If the policy also covers
//! other buckets or commands (a `FOR ALL` policy), recreate what they need before dropping
//! it.

use super::prelude::*;
use crate::model::Bucket;

pub struct PublicBucketAllowsListing;

static META: RuleMeta = RuleMeta {
    id: "public-bucket-allows-listing",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "Public storage bucket whose files anyone can list",
    counterparts: &["splinter:0025_public_bucket_allows_listing"],
};

/// Whether a policy condition lets a reader see every object of `bucket`: none at all,
/// `true`, `1 = 1`, or only `bucket_id = '<id>'` (with any casts and parentheses).
fn only_names_bucket(using: Option<&str>, bucket: &Bucket) -> bool {
    let Some(text) = using else {
        return true;
    };
    let squeezed = crate::text::squeezed(
        &text
            .to_lowercase()
            .replace("::text", "")
            .replace("::character varying", ""),
    );
    let literal = format!("'{}'", bucket.id.to_lowercase().replace('\'', "''"));
    squeezed == "true"
        || squeezed == "1=1"
        || squeezed == format!("bucket_id={literal}")
        || squeezed == format!("{literal}=bucket_id")
}

impl Rule for PublicBucketAllowsListing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(objects) = cx.relation_named("storage", "objects") else {
            return;
        };
        for bucket in cx.catalog.buckets.iter().filter(|b| b.public) {
            let broad: Vec<&Policy> = objects
                .policies
                .iter()
                .filter(|p| {
                    p.permissive
                        && matches!(p.command, PolicyCommand::Select | PolicyCommand::All)
                        && p.applies_to_api_clients()
                        && only_names_bucket(p.using.as_deref(), bucket)
                })
                .collect();
            if broad.is_empty() {
                continue;
            }
            let names: Vec<&str> = broad.iter().map(|p| p.name.as_str()).collect();
            let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            let fix = Fix::review(
                broad
                    .iter()
                    .map(|p| fix::drop_policy(objects, &p.name))
                    .collect(),
                &["Clients that list the bucket's files get an empty list afterwards; files stay reachable by URL. Search the app for .list( on this bucket first."],
            );
            out.push(
                META.finding(
                    ObjectRef::part(ObjectKind::Policy, "storage", "objects", names[0]),
                    format!(
                        "public bucket {} lets any client list its files through the SELECT policy {} on storage.objects",
                        bucket.name,
                        quoted.join(", ")
                    ),
                )
                .distinguished_by(&bucket.id)
                .with_fix(fix),
            );
        }
    }
}
