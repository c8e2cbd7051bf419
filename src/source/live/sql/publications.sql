-- Publications and the tables they stream (Supabase Realtime reads supabase_realtime).
-- pg_publication_tables lists every table of a FOR ALL TABLES publication too.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT p.pubname AS name,
         p.puballtables AS all_tables,
         (SELECT coalesce(json_agg(json_build_object('schema', t.schemaname, 'name', t.tablename)
                                   ORDER BY t.schemaname, t.tablename), '[]')
          FROM pg_publication_tables t WHERE t.pubname = p.pubname) AS tables
  FROM pg_publication p
) x
