-- Row-level security policies.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         c.relname AS table,
         json_build_object(
           'name', p.polname,
           'command', CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert'
                                    WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete' ELSE 'all' END,
           'permissive', p.polpermissive,
           'roles', (SELECT coalesce(json_agg(CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid) END
                                              ORDER BY 1), '[]')
                     FROM unnest(p.polroles) AS r(oid)),
           'using', pg_get_expr(p.polqual, p.polrelid, true),
           'with_check', pg_get_expr(p.polwithcheck, p.polrelid, true)) AS item
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
