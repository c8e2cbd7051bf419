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
         CASE WHEN NOT c.relispartition THEN (
           SELECT coalesce(json_agg(json_build_object('schema', pn.nspname, 'name', pc.relname)
                                    ORDER BY i.inhseqno), '[]')
           FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace
           WHERE i.inhrelid = c.oid) ELSE '[]' END AS inherits,
         pg_get_userbyid(c.relowner) AS owner,
         obj_description(c.oid, 'pg_class') AS comment,
         c.relrowsecurity AS rls_enabled,
         c.relforcerowsecurity AS rls_forced,
         -- The TOAST table's options are shown with their `toast.` prefix, as they are set.
         coalesce(to_json(c.reloptions || (SELECT array_agg('toast.' || o) FROM pg_class t, unnest(t.reloptions) o
                                           WHERE t.oid = c.reltoastrelid)), '[]') AS options,
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
           -- Heap + TOAST pages as of the last VACUUM / ANALYZE, times the block size. Asking
           -- for exact sizes (pg_table_size) opens every table and doubled this query's time;
           -- autovacuum keeps page counts current. Unknown until the table was first analyzed.
           'table_bytes', CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0
                               THEN (c.relpages::int8 + coalesce(t.relpages, 0)) * (SELECT current_setting('block_size')::int8) END,
           -- The statistics functions directly: the pg_stat_all_tables view would aggregate
           -- index scans over every relation in the database first.
           'seq_scans', CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_numscans(c.oid) END,
           'inserts', CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_tuples_inserted(c.oid) END,
           'updates', CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_tuples_updated(c.oid) END,
           'deletes', CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_tuples_deleted(c.oid) END,
           'live_rows', CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_live_tuples(c.oid) END,
           'dead_rows', CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_dead_tuples(c.oid) END,
           'last_vacuum', pg_stat_get_last_vacuum_time(c.oid)::text,
           'last_autovacuum', pg_stat_get_last_autovacuum_time(c.oid)::text,
           'last_analyze', pg_stat_get_last_analyze_time(c.oid)::text,
           'last_autoanalyze', pg_stat_get_last_autoanalyze_time(c.oid)::text) AS stats
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
