-- Supabase Storage buckets. Run only when storage.buckets exists and the role may read it
-- (the server settings query says so), since naming a missing table is an error.
SELECT coalesce(json_agg(json_build_object('id', id, 'name', name, 'public', coalesce(public, false))), '[]')::text
FROM storage.buckets
