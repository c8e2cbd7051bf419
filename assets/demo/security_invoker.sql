-- The demo's views done right: security_invoker exists from PostgreSQL 15 on, so this
-- file follows schema.sql only there. On 13 and 14 these views are reported like
-- client_summary.
ALTER VIEW public.pipeline_summary SET (security_invoker = true);
ALTER VIEW public.leads_active SET (security_invoker = true);
