-- Installed extensions with the version the server would install today.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT e.extname AS name,
         n.nspname AS schema,
         e.extversion AS installed_version,
         (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = e.extname) AS default_version,
         e.extrelocatable AS relocatable
  FROM pg_extension e
  JOIN pg_namespace n ON n.oid = e.extnamespace
) x
