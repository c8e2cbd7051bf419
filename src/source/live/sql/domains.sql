-- Domain types with their base type and checks.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         t.typname AS name,
         format_type(t.typbasetype, t.typtypmod) AS base_type,
         t.typnotnull AS not_null,
         t.typdefault AS "default",
         (SELECT coalesce(json_agg('CONSTRAINT ' || quote_ident(con.conname) || ' '
                                   || pg_get_constraintdef(con.oid, true) ORDER BY con.conname), '[]')
          FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c') AS checks,
         obj_description(t.oid, 'pg_type') AS comment
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE t.typtype = 'd'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
