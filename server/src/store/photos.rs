//! Photo records: which photos the server holds and under which photo-store keys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::db::{Db, run};
use super::{StoreError, conflict_as};

/// A photo the server holds; its bytes are in the photo store under the two keys.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PhotoRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub uploaded_by: Uuid,
    /// SHA-256 (hex) of the bytes the device sent.
    pub sha256: String,
    /// Photo-store key of the kept picture.
    pub image_key: String,
    /// Photo-store key of the thumbnail.
    pub thumbnail_key: String,
    pub width: i32,
    pub height: i32,
    pub created_at: DateTime<Utc>,
    /// When a trust admin removed it: its bytes are deleted and its id refused for good.
    pub removed_at: Option<DateTime<Utc>>,
}

/// Photo records (the bytes live behind `crate::photos::blobs::PhotoStore`).
#[async_trait]
pub trait PhotoRecords {
    /// Records a photo; `Conflict` when its id is taken.
    async fn insert_photo(&self, photo: &PhotoRecord) -> Result<(), StoreError>;
    /// One photo, whatever its trust: callers check scope.
    async fn photo(&self, id: Uuid) -> Result<Option<PhotoRecord>, StoreError>;
    /// Whether any photo not removed still names a photo-store key.
    async fn photo_key_in_use(&self, key: &str) -> Result<bool, StoreError>;
    /// Marks a photo removed by `by` (`None`: its retention period ended), once: `false` when
    /// it already was.
    async fn mark_photo_removed(
        &self,
        id: Uuid,
        by: Option<Uuid>,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// The trust's photos not yet removed that show the same picture (the same kept bytes).
    async fn same_picture(&self, trust_id: Uuid, image_key: &str) -> Result<Vec<Uuid>, StoreError>;
    /// Whether a photo of the trust showing this picture was removed.
    async fn picture_removed(&self, trust_id: Uuid, image_key: &str) -> Result<bool, StoreError>;
    /// Takes a removed photo's id out of every finding and reply that names it, so no page or
    /// device lists a photo that is gone.
    async fn unlink_photo(&self, photo_id: Uuid) -> Result<(), StoreError>;
    /// The photos removed that devices of `user_id` (of `trust_id`) may hold: the trust's, and
    /// those the user took for another trust, newest removal first. Photos retention deleted
    /// are left out: years old, no device holds them, and they would crowd out the removals
    /// that matter.
    async fn removed_photos_for(
        &self,
        trust_id: Uuid,
        user_id: Uuid,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// The trust of an inspection of `user_id`'s in another trust (a buddy reviewer's) whose
    /// findings name the photo: the photo is that trust's, like the inspection.
    async fn reviewed_trust_naming(
        &self,
        user_id: Uuid,
        own_trust: Uuid,
        photo_id: Uuid,
    ) -> Result<Option<Uuid>, StoreError>;
    /// Gives a reviewer's photos still held under their own trust to the reviewed trust whose
    /// inspection names them (a photo already given to one trust never moves again).
    async fn give_photos_to(
        &self,
        trust_id: Uuid,
        uploaded_by: Uuid,
        own_trust: Uuid,
        photo_ids: &[Uuid],
    ) -> Result<(), StoreError>;
}

#[async_trait]
impl<T: Db + ?Sized> PhotoRecords for T {
    async fn insert_photo(&self, p: &PhotoRecord) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO photos (id, trust_id, uploaded_by, sha256, image_key, \
             thumbnail_key, width, height, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(p.id)
        .bind(p.trust_id)
        .bind(p.uploaded_by)
        .bind(&p.sha256)
        .bind(&p.image_key)
        .bind(&p.thumbnail_key)
        .bind(p.width)
        .bind(p.height)
        .bind(p.created_at)
        .execute(&mut *c)
        .await
        .map_err(conflict_as("a photo with this id exists"))?
        .rows_affected());
        Ok(())
    }

    async fn photo(&self, id: Uuid) -> Result<Option<PhotoRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, uploaded_by, sha256, image_key, thumbnail_key, width, \
             height, created_at, removed_at FROM photos WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await?))
    }

    async fn reviewed_trust_naming(
        &self,
        user_id: Uuid,
        own_trust: Uuid,
        photo_id: Uuid,
    ) -> Result<Option<Uuid>, StoreError> {
        let found: Option<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT i.trust_id FROM inspections i JOIN findings f ON f.inspection_id = i.id \
             WHERE i.user_id = $1 AND i.trust_id <> $2 AND f.photo_ids LIKE $3 LIMIT 1"
        )
        .bind(user_id)
        .bind(own_trust)
        .bind(format!("%\"{photo_id}\"%"))
        .fetch_optional(&mut *c)
        .await?);
        Ok(found.map(|(t,)| t))
    }

    async fn give_photos_to(
        &self,
        trust_id: Uuid,
        uploaded_by: Uuid,
        own_trust: Uuid,
        photo_ids: &[Uuid],
    ) -> Result<(), StoreError> {
        for chunk in photo_ids.chunks(super::sync::ROWS_PER_STATEMENT) {
            let sql = format!(
                "UPDATE photos SET trust_id = $1 WHERE uploaded_by = $2 AND trust_id = $3 \
                 AND id IN ({})",
                super::sync::placeholders(4, chunk.len())
            );
            run!(self, |c| {
                let mut q = sqlx::query(&sql)
                    .bind(trust_id)
                    .bind(uploaded_by)
                    .bind(own_trust);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(&mut *c).await?.rows_affected()
            });
        }
        Ok(())
    }

    async fn photo_key_in_use(&self, key: &str) -> Result<bool, StoreError> {
        let found: Option<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT id FROM photos WHERE (image_key = $1 OR thumbnail_key = $1) \
             AND removed_at IS NULL LIMIT 1"
        )
        .bind(key)
        .fetch_optional(&mut *c)
        .await?);
        Ok(found.is_some())
    }

    async fn mark_photo_removed(
        &self,
        id: Uuid,
        by: Option<Uuid>,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = run!(self, |c| sqlx::query(
            "UPDATE photos SET removed_at = $1, removed_by = $2, removal_reason = $3 \
             WHERE id = $4 AND removed_at IS NULL"
        )
        .bind(at)
        .bind(by)
        .bind(reason)
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(changed == 1)
    }

    async fn same_picture(&self, trust_id: Uuid, image_key: &str) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT id FROM photos WHERE trust_id = $1 AND image_key = $2 \
             AND removed_at IS NULL ORDER BY id"
        )
        .bind(trust_id)
        .bind(image_key)
        .fetch_all(&mut *c)
        .await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn picture_removed(&self, trust_id: Uuid, image_key: &str) -> Result<bool, StoreError> {
        let found: Option<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT id FROM photos WHERE trust_id = $1 AND image_key = $2 \
             AND removed_at IS NOT NULL LIMIT 1"
        )
        .bind(trust_id)
        .bind(image_key)
        .fetch_optional(&mut *c)
        .await?);
        Ok(found.is_some())
    }

    async fn unlink_photo(&self, photo_id: Uuid) -> Result<(), StoreError> {
        let pattern = format!("%\"{photo_id}\"%");
        for table in ["findings", "evidence_replies"] {
            let select = format!("SELECT id, photo_ids FROM {table} WHERE photo_ids LIKE $1");
            let rows: Vec<(Uuid, String)> = run!(self, |c| sqlx::query_as(&select)
                .bind(&pattern)
                .fetch_all(&mut *c)
                .await?);
            let update = format!("UPDATE {table} SET photo_ids = $1 WHERE id = $2");
            for (id, list) in rows {
                // A list that does not read is left as it is rather than emptied.
                let Ok(mut ids) = serde_json::from_str::<Vec<Uuid>>(&list) else {
                    continue;
                };
                ids.retain(|p| *p != photo_id);
                let list = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".to_owned());
                run!(self, |c| sqlx::query(&update)
                    .bind(&list)
                    .bind(id)
                    .execute(&mut *c)
                    .await?
                    .rows_affected());
            }
        }
        Ok(())
    }

    async fn removed_photos_for(
        &self,
        trust_id: Uuid,
        user_id: Uuid,
    ) -> Result<Vec<Uuid>, StoreError> {
        let limit = i64::try_from(domain::photo::MAX_REMOVED_IN_PULL).unwrap_or(i64::MAX);
        let rows: Vec<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT id FROM photos WHERE removed_at IS NOT NULL AND removed_by IS NOT NULL \
             AND (trust_id = $1 OR uploaded_by = $2) ORDER BY removed_at DESC, id LIMIT $3"
        )
        .bind(trust_id)
        .bind(user_id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
