-- Composite types made with CREATE TYPE ... AS (...): pg_type rows of type 'c' whose
-- relation is a standalone composite (relkind 'c'), not a table's own row type.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         t.typname AS name,
         (SELECT coalesce(json_agg(json_build_object('name', a.attname,
                   'type_name', format_type(a.atttypid, a.atttypmod),
                   'comment', col_description(a.attrelid, a.attnum)) ORDER BY a.attnum), '[]')
          FROM pg_attribute a
          WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes,
         obj_description(t.oid, 'pg_type') AS comment,
         (SELECT x.extname FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
          WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
            AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' LIMIT 1) AS extension
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_class c ON c.oid = t.typrelid
  WHERE t.typtype = 'c' AND c.relkind = 'c'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
