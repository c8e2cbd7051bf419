-- Indexes with their keys in order, INCLUDE columns, predicate, validity, size and scans.
-- The CREATE INDEX text is rendered by pglens from these parts rather than fetched with
-- pg_get_indexdef, which costs a catalog scan per key (about half of this query's time on a
-- large schema) and which the offline source could not match anyway.
WITH idx AS (
  SELECT i.*, n.nspname, c.relname AS table_name, ic.relname AS index_name,
         ic.relam, ic.reloptions, ic.relpages, c.reltuples AS table_tuples
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
),
-- One row per key of every index, joined to the catalogs once (hash joins), then folded
-- back into one row per index. Per-index subqueries here would scan pg_opclass and
-- pg_collation once per index.
index_keys AS (
  SELECT x.indexrelid,
         json_agg(json_build_object(
           'column', a.attname,
           -- Expressions (attnum 0) as the server prints them in CREATE INDEX.
           'expression', CASE WHEN k.attnum = 0 THEN pg_get_indexdef(x.indexrelid, k.ord::int, false) END,
           'descending', (x.indoption[k.ord - 1] & 1) = 1,
           -- Bit 2 is NULLS FIRST; worth noting only when it differs from the direction's
           -- default (NULLS FIRST for DESC, NULLS LAST for ASC).
           'nulls', CASE WHEN ((x.indoption[k.ord - 1] & 2) = 2) <> ((x.indoption[k.ord - 1] & 1) = 1)
                         THEN CASE WHEN (x.indoption[k.ord - 1] & 2) = 2 THEN 'first' ELSE 'last' END END,
           'opclass', CASE WHEN NOT oc.opcdefault
                           THEN json_build_object('schema', ocn.nspname, 'name', oc.opcname) END,
           -- Only a collation other than the key's own; an expression's own collation is
           -- taken to be the default (100), which is right unless it reads a COLLATE column.
           'collation', CASE WHEN co.oid IS NOT NULL
                              AND co.oid <> CASE WHEN k.attnum = 0 THEN 100 ELSE a.attcollation END
                             THEN json_build_object('schema', con.nspname, 'name', co.collname) END)
           ORDER BY k.ord) FILTER (WHERE k.ord <= x.indnkeyatts) AS keys,
         json_agg(a.attname ORDER BY k.ord) FILTER (WHERE k.ord > x.indnkeyatts) AS include
  FROM idx x
  CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
  LEFT JOIN pg_opclass oc ON k.ord <= x.indnkeyatts AND oc.oid = x.indclass[k.ord - 1]
  LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
  LEFT JOIN pg_collation co ON k.ord <= x.indnkeyatts AND co.oid = x.indcollation[k.ord - 1]
  LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
  GROUP BY x.indexrelid
)
SELECT coalesce(json_agg(r), '[]')::text FROM (
  SELECT x.nspname AS schema,
         x.table_name AS table,
         json_build_object(
           'name', x.index_name,
           'method', am.amname,
           'keys', coalesce(k.keys, '[]'),
           'include', coalesce(k.include, '[]'),
           -- Not pretty-printed: the form CREATE INDEX text uses, parentheses included.
           'predicate', pg_get_expr(x.indpred, x.indrelid),
           'unique', x.indisunique,
           'primary', x.indisprimary,
           'valid', x.indisvalid,
           'options', coalesce(to_json(x.reloptions), '[]'),
           'constraint', c.conname,
           -- Pages as of the last VACUUM / ANALYZE / build, like the table sizes.
           'size_bytes', CASE WHEN x.table_tuples >= 0
                              THEN x.relpages::int8 * (SELECT current_setting('block_size')::int8) END,
           'scans', pg_stat_get_numscans(x.indexrelid)) AS item
  FROM idx x
  JOIN pg_am am ON am.oid = x.relam
  LEFT JOIN index_keys k ON k.indexrelid = x.indexrelid
  -- A join, not a per-index subquery: pg_constraint has no index on conindid.
  LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
                           AND c.contype IN ('p', 'u', 'x')
) r
