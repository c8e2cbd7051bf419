-- Primary key, unique, foreign key, check and exclusion constraints on relations.
-- NOT NULL constraints (PostgreSQL 18 records them here) are already columns' not_null.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         c.relname AS table,
         json_build_object(
           'name', con.conname,
           'kind', CASE con.contype WHEN 'p' THEN 'primary_key' WHEN 'u' THEN 'unique'
                                    WHEN 'f' THEN 'foreign_key' WHEN 'c' THEN 'check'
                                    ELSE 'exclusion' END,
           'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.ord), '[]')
                       FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
           'definition', pg_get_constraintdef(con.oid, true),
           'validated', con.convalidated,
           'deferrable', con.condeferrable,
           'initially_deferred', con.condeferred,
           'foreign_key', CASE WHEN con.contype = 'f' THEN json_build_object(
             'referenced_table', json_build_object('schema', fn.nspname, 'name', fc.relname),
             'referenced_columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.ord), '[]')
                                    FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
             'on_delete', CASE con.confdeltype WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                                               WHEN 'n' THEN 'set_null' WHEN 'd' THEN 'set_default'
                                               ELSE 'no_action' END,
             'on_update', CASE con.confupdtype WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                                               WHEN 'n' THEN 'set_null' WHEN 'd' THEN 'set_default'
                                               ELSE 'no_action' END) END) AS item
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
) x
