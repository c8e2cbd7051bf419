-- When each table was last read by a sequential or an index scan. The columns exist from
-- PostgreSQL 16 on, so this query runs only there; older servers do not record it.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT schemaname AS schema, relname AS table,
         greatest(last_seq_scan, last_idx_scan)::text AS last_read
  FROM pg_stat_all_tables
  WHERE greatest(last_seq_scan, last_idx_scan) IS NOT NULL
) x
