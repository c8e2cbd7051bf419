-- Indexes with their keys in order, INCLUDE columns, predicate, validity, size and scans.
SELECT coalesce(json_agg(x ORDER BY x.schema, x.table, x.item->>'name'), '[]')::text FROM (
  SELECT n.nspname AS schema,
         c.relname AS table,
         json_build_object(
           'name', ic.relname,
           'method', am.amname,
           'keys', (SELECT coalesce(json_agg(json_build_object(
                       'column', CASE WHEN i.indkey[k - 1] <> 0 THEN a.attname END,
                       'expression', CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true) END,
                       'descending', (i.indoption[k - 1] & 1) = 1) ORDER BY k), '[]')
                    FROM generate_series(1, i.indnkeyatts) AS k
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]),
           'include', (SELECT coalesce(json_agg(a.attname ORDER BY k), '[]')
                       FROM generate_series(i.indnkeyatts + 1, i.indnatts) AS k
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]),
           'predicate', pg_get_expr(i.indpred, i.indrelid, true),
           'unique', i.indisunique,
           'primary', i.indisprimary,
           'valid', i.indisvalid,
           'constraint', (SELECT con.conname FROM pg_constraint con
                          WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                            AND con.contype IN ('p', 'u', 'x') LIMIT 1),
           'definition', pg_get_indexdef(i.indexrelid),
           'size_bytes', pg_relation_size(i.indexrelid),
           'scans', s.idx_scan) AS item
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
  WHERE c.relkind IN ('r', 'p', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
