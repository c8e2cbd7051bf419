-- Indexes with their validity, predicate, size and scans, one plain row per index, decoded
-- by `indexes.rs`; their keys come from index_keys.sql, joined by the index's oid. Plain
-- rows cost the server a third of what one JSON object per index and key did.
-- The CREATE INDEX text is rendered by pglens from these parts rather than fetched with
-- pg_get_indexdef, which costs a catalog scan per key and which the offline source could
-- not match anyway.
SELECT n.nspname,
       c.relname,
       ic.relname,
       i.indexrelid,
       am.amname,
       -- Not pretty-printed: the form CREATE INDEX text uses, parentheses included.
       pg_get_expr(i.indpred, i.indrelid),
       i.indisunique,
       i.indisprimary,
       i.indisvalid,
       CASE WHEN ic.reloptions IS NOT NULL THEN array_to_json(ic.reloptions)::text END,
       con.conname,
       -- Pages as of the last VACUUM / ANALYZE / build, like the table sizes.
       CASE WHEN c.reltuples >= 0
            THEN ic.relpages::int8 * (SELECT current_setting('block_size')::int8) END,
       pg_stat_get_numscans(i.indexrelid)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
-- A join, not a per-index subquery: pg_constraint has no index on conindid.
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                           AND con.contype IN ('p', 'u', 'x')
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
