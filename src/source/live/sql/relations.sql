-- Tables, partitioned tables, views, materialized views and foreign tables, with their
-- options, grants to the API roles and usage statistics. Sorting happens in Rust, where
-- it does not depend on the server's collation. Children (columns, indexes...)
-- come from their own queries.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         c.relname AS name,
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned_table'
                        WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view'
                        ELSE 'foreign_table' END AS kind,
         CASE WHEN c.relispartition THEN (
           SELECT json_build_object(
                    'parent', json_build_object('schema', pn.nspname, 'name', pc.relname),
                    'bound', pg_get_expr(c.relpartbound, c.oid))
           FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace
           WHERE i.inhrelid = c.oid LIMIT 1) END AS partition_of,
         CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
         pg_get_userbyid(c.relowner) AS owner,
         obj_description(c.oid, 'pg_class') AS comment,
         c.relrowsecurity AS rls_enabled,
         c.relforcerowsecurity AS rls_forced,
         coalesce(to_json(c.reloptions), '[]') AS options,
         CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS view_definition,
         CASE WHEN c.relkind IN ('v', 'm') THEN (
           SELECT coalesce(json_agg(DISTINCT jsonb_build_object('schema', rn.nspname, 'name', rc.relname)), '[]')
           FROM pg_rewrite rw
           JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
           JOIN pg_class rc ON rc.oid = d.refobjid
           JOIN pg_namespace rn ON rn.oid = rc.relnamespace
           WHERE rw.ev_class = c.oid) ELSE '[]' END AS reads,
         (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
            AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' LIMIT 1) AS extension,
         (SELECT coalesce(json_agg(json_build_object('grantee', g.grantee, 'privileges', g.privileges)
                                   ORDER BY g.grantee), '[]')
          FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                       array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privileges
                FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                GROUP BY 1) g
          WHERE g.grantee IN ('anon', 'authenticated', 'service_role', 'PUBLIC')) AS grants,
         json_build_object(
           'estimated_rows', CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::int8 END,
           -- Heap + TOAST only: index sizes come with the indexes and are added up by the
           -- reader, which saves stat()ing every index twice.
           'table_bytes', CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_table_size(c.oid) END,
           'seq_scans', s.seq_scan,
           'index_scans', s.idx_scan,
           'inserts', s.n_tup_ins,
           'updates', s.n_tup_upd,
           'deletes', s.n_tup_del,
           'live_rows', s.n_live_tup,
           'dead_rows', s.n_dead_tup,
           'last_vacuum', s.last_vacuum::text,
           'last_autovacuum', s.last_autovacuum::text,
           'last_analyze', s.last_analyze::text,
           'last_autoanalyze', s.last_autoanalyze::text) AS stats
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
