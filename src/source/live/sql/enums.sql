-- User-defined enum types with their labels in sort order.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         t.typname AS name,
         (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
         obj_description(t.oid, 'pg_type') AS comment,
         (SELECT x.extname FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
          WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
            AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' LIMIT 1) AS extension
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE t.typtype = 'e'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
