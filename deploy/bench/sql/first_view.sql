-- pgbench reference of one first view: the write transaction vms runs for a new
-- (user, video) pair. Variables: umin/umax (viewer ids), vmin/vmax (video ids), points.
\set uid random(:umin, :umax)
\set vid random(:vmin, :vmax)
BEGIN;
WITH ins AS (
    INSERT INTO video_view_logs (user_id, video_id, created_at, updated_at)
    VALUES (:uid, :vid, now(), now()) ON CONFLICT DO NOTHING RETURNING id
) SELECT count(*) AS fresh FROM ins \gset
\if :fresh
SELECT id FROM users WHERE id = :uid FOR NO KEY UPDATE;
WITH led AS (
    INSERT INTO point_transactions (user_id, amount, reason, ref_id, created_at, updated_at)
    VALUES (:uid, :points, 'video_view', :vid, now(), now()) ON CONFLICT DO NOTHING RETURNING id
) SELECT count(*) AS credited FROM led \gset
\if :credited
UPDATE users SET point = point + :points WHERE id = :uid;
\endif
\endif
END;
