-- Facts about the server and database, as one JSON object.
SELECT json_build_object(
  'server_version_num', current_setting('server_version_num')::int,
  'server_version', current_setting('server_version'),
  'database', current_database(),
  'captured_at', now()::text,
  'stats_reset', (SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()),
  'stats_age_seconds', (SELECT extract(epoch FROM now() - stats_reset)::float8
                        FROM pg_stat_database WHERE datname = current_database()),
  'server_age_seconds', extract(epoch FROM now() - pg_postmaster_start_time())::float8,
  -- The reading role's own default: this transaction pins pg_catalog for itself.
  'search_path', (SELECT reset_val FROM pg_settings WHERE name = 'search_path'),
  -- storage.buckets is read only when this is true: naming a missing table is an error.
  'buckets_readable', coalesce(to_regclass('storage.buckets') IS NOT NULL
                               AND has_table_privilege('storage.buckets', 'SELECT'), false),
  -- The recorded workload is read only where its extension is installed, and hypothetical
  -- indexes are asked for only where HypoPG is (pglens installs nothing).
  'stat_statements_schema', (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                             WHERE e.extname = 'pg_stat_statements'),
  'hypopg_schema', (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                    WHERE e.extname = 'hypopg'),
  'roles_present', (SELECT coalesce(json_agg(rolname ORDER BY rolname), '[]')
                    FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role')),
  -- Every role but the predefined pg_* ones, with the roles whose privileges it inherits
  -- (pg_has_role follows memberships through, and knows INHERIT on every version).
  'roles', (SELECT coalesce(json_agg(json_build_object(
                 'name', r.rolname, 'superuser', r.rolsuper, 'bypass_rls', r.rolbypassrls,
                 'login', r.rolcanlogin,
                 'member_of', CASE WHEN r.rolsuper THEN '[]'::json ELSE (
                    SELECT coalesce(json_agg(m.rolname ORDER BY m.rolname), '[]')
                    FROM pg_roles m
                    WHERE m.oid <> r.oid
                      AND m.oid IN (SELECT roleid FROM pg_auth_members)
                      AND pg_has_role(r.oid, m.oid, 'USAGE')) END)
               ORDER BY r.rolname), '[]')
            FROM pg_roles r WHERE r.rolname !~ '^pg_'),
  -- PostgREST's exposed schemas: set on the database, or on a role (Supabase sets it on authenticator).
  'exposed_schemas', coalesce(
      nullif(current_setting('pgrst.db_schemas', true), ''),
      (SELECT substr(cfg, length('pgrst.db_schemas=') + 1)
       FROM pg_db_role_setting s, unnest(s.setconfig) AS cfg
       WHERE cfg LIKE 'pgrst.db\_schemas=%'
         AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
       ORDER BY s.setdatabase DESC
       LIMIT 1))
)::text
