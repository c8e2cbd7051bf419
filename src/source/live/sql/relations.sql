-- Tables, partitioned tables, views, materialized views and foreign tables, with their
-- options, grants and usage statistics. One plain row per relation,
-- decoded by `relations.rs`: on 5,000 tables, building a JSON object per relation cost the
-- server more than reading the catalogs (0.36 s against 0.13 s). What only some relations
-- have (a parent, a view's reads, grants) is a small JSON text, computed only for them;
-- lookups every relation needs (comment, extension, TOAST options, parents) are joins
-- rather than a subquery per row. Sorting happens in Rust, where it does not depend on
-- the server's collation. Children (columns, indexes...) come from their own queries.
SELECT n.nspname,
       c.relname,
       c.relkind,
       CASE WHEN c.relispartition THEN (
         SELECT json_build_object(
                  'parent', json_build_object('schema', pn.nspname, 'name', pc.relname),
                  'bound', pg_get_expr(c.relpartbound, c.oid))::text
         FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
         JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid LIMIT 1) END,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       CASE WHEN NOT c.relispartition THEN parents.list END,
       pg_get_userbyid(c.relowner),
       d.description,
       c.relrowsecurity,
       c.relforcerowsecurity,
       -- The TOAST table's options are shown with their `toast.` prefix, as they are set.
       CASE WHEN c.reloptions IS NOT NULL OR t.reloptions IS NOT NULL THEN
         to_json(c.reloptions || (SELECT array_agg('toast.' || o) FROM unnest(t.reloptions) o))::text END,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END,
       CASE WHEN c.relkind IN ('v', 'm') THEN (
         SELECT coalesce(json_agg(DISTINCT jsonb_build_object('schema', rn.nspname, 'name', rc.relname)), '[]')::text
         FROM pg_rewrite rw
         JOIN pg_depend dep ON dep.classid = 'pg_rewrite'::regclass AND dep.objid = rw.oid
                           AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid <> c.oid
         JOIN pg_class rc ON rc.oid = dep.refobjid
         JOIN pg_namespace rn ON rn.oid = rc.relnamespace
         WHERE rw.ev_class = c.oid) END,
       members.extname,
       -- Grants to every role but the owner, whose privileges go without saying (an owner
       -- that is an API role stays in: the audit asks what those roles hold). Without an
       -- ACL only the owner holds privileges.
       CASE WHEN c.relacl IS NOT NULL
              OR pg_get_userbyid(c.relowner) IN ('anon', 'authenticated', 'service_role') THEN (
         SELECT json_agg(json_build_object('grantee', g.grantee, 'privileges', g.privileges)
                         ORDER BY g.grantee)::text
         FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                      array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privileges
               FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
               WHERE a.grantee <> c.relowner
                  OR pg_get_userbyid(c.relowner) IN ('anon', 'authenticated', 'service_role')
               GROUP BY 1) g) END,
       CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::int8 END,
       -- Heap + TOAST pages as of the last VACUUM / ANALYZE, times the block size. Asking
       -- for exact sizes (pg_table_size) opens every table and doubled this query's time;
       -- autovacuum keeps page counts current. Unknown until the table was first analyzed.
       CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0
            THEN (c.relpages::int8 + coalesce(t.relpages, 0)) * current_setting('block_size')::int8 END,
       -- The statistics functions directly: the pg_stat_all_tables view would aggregate
       -- index scans over every relation in the database first.
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_numscans(c.oid) END,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_tuples_inserted(c.oid) END,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_tuples_updated(c.oid) END,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_tuples_deleted(c.oid) END,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_live_tuples(c.oid) END,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_dead_tuples(c.oid) END,
       pg_stat_get_last_vacuum_time(c.oid)::text,
       pg_stat_get_last_autovacuum_time(c.oid)::text,
       pg_stat_get_last_analyze_time(c.oid)::text,
       pg_stat_get_last_autoanalyze_time(c.oid)::text,
       -- seq_tup_read: how many rows the sequential scans counted above read.
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_stat_get_tuples_returned(c.oid) END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
LEFT JOIN (SELECT DISTINCT ON (dep.objid) dep.objid, e.extname
           FROM pg_depend dep JOIN pg_extension e ON e.oid = dep.refobjid
           WHERE dep.refclassid = 'pg_extension'::regclass AND dep.classid = 'pg_class'::regclass
             AND dep.deptype = 'e') members ON members.objid = c.oid
LEFT JOIN (SELECT i.inhrelid,
                  json_agg(json_build_object('schema', pn.nspname, 'name', pc.relname)
                           ORDER BY i.inhseqno)::text AS list
           FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace
           GROUP BY i.inhrelid) parents ON parents.inhrelid = c.oid
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
