-- One row per key and INCLUDE column of every index that indexes.sql returns, joined to the
-- catalogs once (hash joins); per-index subqueries would scan pg_opclass and pg_collation
-- once per index. Decoded by `indexes.rs`.
WITH idx AS (
  SELECT i.indexrelid, i.indrelid, i.indkey, i.indnkeyatts, i.indoption, i.indclass, i.indcollation
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
)
SELECT x.indexrelid,
       k.ord,
       k.ord <= x.indnkeyatts,
       a.attname,
       -- Expressions (attnum 0) as the server prints them in CREATE INDEX.
       CASE WHEN k.attnum = 0 THEN pg_get_indexdef(x.indexrelid, k.ord::int, false) END,
       -- Bit 1 is DESC, bit 2 NULLS FIRST.
       CASE WHEN k.ord <= x.indnkeyatts THEN x.indoption[k.ord - 1] END,
       CASE WHEN NOT oc.opcdefault THEN ocn.nspname END,
       CASE WHEN NOT oc.opcdefault THEN oc.opcname END,
       -- Only a collation other than the key's own; an expression's own collation is
       -- taken to be the default (100), which is right unless it reads a COLLATE column.
       CASE WHEN co.oid <> CASE WHEN k.attnum = 0 THEN 100 ELSE a.attcollation END
            THEN con.nspname END,
       CASE WHEN co.oid <> CASE WHEN k.attnum = 0 THEN 100 ELSE a.attcollation END
            THEN co.collname END
FROM idx x
CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
LEFT JOIN pg_opclass oc ON k.ord <= x.indnkeyatts AND oc.oid = x.indclass[k.ord - 1]
LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
LEFT JOIN pg_collation co ON k.ord <= x.indnkeyatts AND co.oid = x.indcollation[k.ord - 1]
LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
