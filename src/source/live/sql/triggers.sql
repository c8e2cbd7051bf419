-- User triggers (not the internal ones behind foreign keys). tgtype bits: 1 row, 2 before,
-- 4 insert, 8 delete, 16 update, 32 truncate, 64 instead of.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         c.relname AS table,
         json_build_object(
           'name', t.tgname,
           'timing', CASE WHEN t.tgtype & 64 <> 0 THEN 'instead_of'
                          WHEN t.tgtype & 2 <> 0 THEN 'before' ELSE 'after' END,
           'events', (SELECT coalesce(json_agg(e.name ORDER BY e.ord), '[]')
                      FROM (VALUES (4, 'insert', 1), (16, 'update', 2), (8, 'delete', 3), (32, 'truncate', 4))
                           AS e(bit, name, ord)
                      WHERE t.tgtype & e.bit <> 0),
           'level', CASE WHEN t.tgtype & 1 <> 0 THEN 'row' ELSE 'statement' END,
           'function', json_build_object('schema', pn.nspname, 'name', p.proname),
           'enabled', CASE t.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                                       WHEN 'A' THEN 'always' ELSE 'origin' END,
           'definition', pg_get_triggerdef(t.oid, true)) AS item
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_proc p ON p.oid = t.tgfoid
  JOIN pg_namespace pn ON pn.oid = p.pronamespace
  WHERE NOT t.tgisinternal
    -- Partitions carry clones of their parent's triggers; list them once, on the parent.
    AND t.tgparentid = 0
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
