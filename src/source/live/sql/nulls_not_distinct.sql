-- Unique indexes declared NULLS NOT DISTINCT. The column exists from PostgreSQL 15 on, so
-- this query runs only there; older servers have no such indexes.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema, c.relname AS table, ic.relname AS index
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE i.indnullsnotdistinct
) x
