-- Sequences, with the column that owns them. last_value only where the role may read it.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         c.relname AS name,
         format_type(s.seqtypid, NULL) AS data_type,
         s.seqstart AS start,
         s.seqincrement AS increment,
         s.seqmin AS min_value,
         s.seqmax AS max_value,
         s.seqcycle AS cycle,
         CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid) END AS last_value,
         NOT has_sequence_privilege(c.oid, 'SELECT,USAGE') AS unreadable,
         (SELECT json_build_object('table', json_build_object('schema', tn.nspname, 'name', tc.relname),
                                   'column', a.attname)
          FROM pg_depend d
          JOIN pg_class tc ON tc.oid = d.refobjid
          JOIN pg_namespace tn ON tn.oid = tc.relnamespace
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1) AS owned_by
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
