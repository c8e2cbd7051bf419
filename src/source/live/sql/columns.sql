-- Live columns of every relation that relations.sql returns, with type classification.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         c.relname AS table,
         json_build_object(
           'position', a.attnum,
           'name', a.attname,
           'data_type', format_type(a.atttypid, a.atttypmod),
           'type_kind', CASE
             WHEN t.typcategory = 'A' THEN json_build_object('kind', 'array', 'element', format_type(t.typelem, NULL))
             WHEN t.oid = 'json'::regtype THEN json_build_object('kind', 'json')
             WHEN t.oid = 'jsonb'::regtype THEN json_build_object('kind', 'jsonb')
             WHEN t.typtype = 'e' THEN json_build_object('kind', 'enum',
                    'type_name', json_build_object('schema', tn.nspname, 'name', t.typname))
             WHEN t.typtype = 'd' THEN json_build_object('kind', 'domain',
                    'type_name', json_build_object('schema', tn.nspname, 'name', t.typname),
                    'base', format_type(t.typbasetype, t.typtypmod))
             WHEN t.typtype = 'c' THEN json_build_object('kind', 'composite')
             WHEN t.typtype IN ('r', 'm') THEN json_build_object('kind', 'range')
             WHEN t.typtype = 'b' THEN json_build_object('kind', 'base')
             ELSE json_build_object('kind', 'other') END,
           'not_null', a.attnotnull,
           -- A default cannot name a column, so it is deparsed without the relation: the
           -- same text, without looking the table up for each of tens of thousands.
           'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END,
           'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by_default' END,
           'generated', CASE WHEN a.attgenerated <> '' THEN json_build_object(
                          'kind', CASE a.attgenerated WHEN 's' THEN 'stored' ELSE 'virtual' END,
                          'expression', pg_get_expr(ad.adbin, ad.adrelid)) END,
           'collation', CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN (
                          SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                          WHERE co.oid = a.attcollation) END,
           'comment', d.description) AS item
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped
    AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
