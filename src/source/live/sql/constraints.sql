-- Primary key, unique, foreign key, check and exclusion constraints on relations, one plain
-- row per constraint, decoded by `constraints.rs`. The key columns come as attribute
-- numbers that pglens names from the columns query: two subqueries per constraint to name
-- them here cost the server as much as the rest of the query.
-- NOT NULL constraints (PostgreSQL 18 records them here) are already columns' not_null.
SELECT n.nspname,
       c.relname,
       con.conname,
       con.contype,
       array_to_json(con.conkey)::text,
       pg_get_constraintdef(con.oid, true),
       con.convalidated,
       con.condeferrable,
       con.condeferred,
       fn.nspname,
       fc.relname,
       array_to_json(con.confkey)::text,
       con.confdeltype,
       con.confupdtype
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x')
  -- A partition inherits its parent's foreign keys; list them once, on the parent.
  AND (con.conparentid = 0 OR NOT c.relispartition OR con.contype <> 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
