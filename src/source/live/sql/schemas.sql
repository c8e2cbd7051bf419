-- Every schema but the system ones.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS name,
         pg_get_userbyid(n.nspowner) AS owner,
         obj_description(n.oid, 'pg_namespace') AS comment,
         (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
          WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid
            AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' LIMIT 1) AS extension
  FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
