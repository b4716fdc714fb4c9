//! Photos: uploads judged, cleaned and kept; reads scoped to the owning trust.
//!
//! An upload is checked in order (role, declared type, checksum, an id already used, the type
//! by its bytes), then decoded and re-encoded off the async runtime by `process`, kept in the
//! content-addressed `blobs` store, and only then recorded. A refused upload writes nothing;
//! a crash between keeping the files and recording them leaves only unnamed blobs, which the
//! same upload retried reuses.

pub mod blobs;
pub mod process;
pub mod s3;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::caller::Caller;
use domain::photo::{PhotoReceipt, PhotoRemoval, RemovedPhoto};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::access;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::store::{PhotoRecord, PhotoRecords, RetentionStore, Store, StoreError};
use blobs::{PhotoStore, sha256_hex};
use process::{ProcessError, Settings};

/// The media types a photo may be sent as.
pub const ACCEPTED_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// How long an upload waits for its turn before it is told the server is busy.
pub const UPLOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The photo service a running server shares.
#[derive(Clone)]
pub struct Photos {
    pub store: Arc<dyn PhotoStore>,
    pub settings: Settings,
    /// Largest upload accepted, in bytes.
    pub max_bytes: usize,
    /// Bounds how many pictures decode at once (each may take a few hundred megabytes).
    workers: Arc<Semaphore>,
    /// Bounds how many uploads are read at once (each may hold `max_bytes`).
    uploads: Arc<Semaphore>,
    /// When a photo was received.
    clock: Arc<dyn Clock>,
}

/// Which of a photo's two files to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Image,
    Thumbnail,
}

/// How an upload went: newly kept, or the same bytes as before.
#[derive(Debug, Clone, PartialEq)]
pub enum Uploaded {
    Created(PhotoReceipt),
    Identical(PhotoReceipt),
}

impl Photos {
    /// A photo service over a store, with the pipeline's settings, the upload limit and the
    /// clock that dates what it receives.
    pub fn new(
        store: Arc<dyn PhotoStore>,
        settings: Settings,
        max_bytes: usize,
        uploads_at_once: usize,
        clock: Arc<dyn Clock>,
    ) -> Photos {
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get());
        Photos {
            store,
            settings,
            max_bytes,
            workers: Arc::new(Semaphore::new(parallel)),
            uploads: Arc::new(Semaphore::new(uploads_at_once.max(1))),
            clock,
        }
    }

    /// A turn to read an upload's body, taken before a byte of it is read and held until the
    /// upload is kept: many large uploads at once wait here instead of filling memory. When no
    /// turn comes free within [`UPLOAD_WAIT`], the answer is 503 busy.
    pub async fn upload_turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        let turn = self.uploads.clone().acquire_owned();
        match tokio::time::timeout(UPLOAD_WAIT, turn).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(e)) => Err(ApiError::Internal(e.into())),
            Err(_) => Err(ApiError::Busy {
                retry_after_secs: 5,
            }),
        }
    }

    /// Judges and keeps one upload for the caller (see the module notes for the order).
    pub async fn upload(
        &self,
        db: &Store,
        caller: &Caller,
        id: Uuid,
        declared_type: Option<&str>,
        declared_sha256: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<Uploaded, ApiError> {
        // Inspectors and admins; a buddy reviewer, for their inspections of reviewed trusts.
        if !caller.user.role.can_inspect() && caller.user.role != domain::Role::BuddyReviewer {
            return Err(ApiError::Forbidden(
                "Your role does not record inspections".to_owned(),
            ));
        }
        let media_type = declared_type
            .and_then(|t| t.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase());
        if !media_type.is_some_and(|t| ACCEPTED_TYPES.contains(&t.as_str())) {
            return Err(ApiError::UnsupportedType(
                "Send the photo with Content-Type image/jpeg, image/png or image/webp".to_owned(),
            ));
        }
        if bytes.len() > self.max_bytes {
            return Err(self.too_large());
        }
        let sha256 = sha256_hex(&bytes);
        if let Some(declared) = declared_sha256
            && !declared.trim().eq_ignore_ascii_case(&sha256)
        {
            return Err(ApiError::Unprocessable(
                "The photo did not arrive whole: its SHA-256 differs from X-Content-SHA256. \
                 Send it again"
                    .to_owned(),
            ));
        }
        if let Some(existing) = db.photo(id).await? {
            return same_again(existing, caller, &sha256);
        }
        if process::sniff(&bytes).is_none() {
            return Err(ProcessError::UnsupportedType.into());
        }
        let processed = {
            let _permit = self
                .workers
                .acquire()
                .await
                .map_err(|e| ApiError::Internal(e.into()))?;
            let settings = self.settings.clone();
            tokio::task::spawn_blocking(move || process::process(&bytes, &settings))
                .await
                .map_err(|e| ApiError::Internal(e.into()))??
        };
        let image_key = self.store.put(processed.image).await?;
        let thumbnail_key = self.store.put(processed.thumbnail).await?;
        // A buddy reviewer's photo of a finding in a trust they review (today) is that trust's.
        let mut trust_id = caller.user.trust_id;
        if caller.user.role == domain::Role::BuddyReviewer
            && let Some(reviewed) = db
                .reviewed_trust_naming(caller.user.id, caller.user.trust_id, id)
                .await?
        {
            let today = self.clock.today();
            if !access::visible_trusts(db, caller, today)
                .await?
                .contains(&reviewed)
            {
                return Err(ApiError::NotFound);
            }
            trust_id = reviewed;
        }
        let record = PhotoRecord {
            id,
            trust_id,
            uploaded_by: caller.user.id,
            sha256,
            image_key,
            thumbnail_key,
            width: i32::try_from(processed.width).unwrap_or(i32::MAX),
            height: i32::try_from(processed.height).unwrap_or(i32::MAX),
            created_at: self.clock.now(),
            removed_at: None,
        };
        match db.insert_photo(&record).await {
            Ok(()) => self.unless_removed_picture(db, record).await,
            // The same id arrived on another connection meanwhile: judge against that one,
            // and drop what this upload kept unless something names it.
            Err(StoreError::Conflict(_)) => {
                for key in [&record.image_key, &record.thumbnail_key] {
                    if !db.photo_key_in_use(key).await? {
                        self.store.delete(key).await?;
                    }
                }
                let existing = db.photo(id).await?.ok_or(ApiError::NotFound)?;
                same_again(existing, caller, &record.sha256)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A new photo of a picture the trust's admin removed under another id is refused: it
    /// shows the same person. Checked once the record is in, so a removal running alongside
    /// sees this photo or this check sees the removal.
    async fn unless_removed_picture(
        &self,
        db: &Store,
        record: PhotoRecord,
    ) -> Result<Uploaded, ApiError> {
        if !db
            .picture_removed(record.trust_id, &record.image_key)
            .await?
        {
            return Ok(Uploaded::Created(receipt(&record)));
        }
        let now = chrono::SubsecRound::trunc_subsecs(self.clock.now(), 6);
        db.mark_photo_removed(
            record.id,
            Some(record.uploaded_by),
            REMOVED_PICTURE_AGAIN,
            now,
        )
        .await?;
        for key in [&record.image_key, &record.thumbnail_key] {
            if !db.photo_key_in_use(key).await? {
                self.store.delete(key).await?;
            }
        }
        Err(ApiError::Conflict(
            "This picture was removed by the trust's administrator and cannot be sent again"
                .to_owned(),
        ))
    }

    /// The JPEG bytes of a photo the caller may see; 404 for anyone else.
    pub async fn read(
        &self,
        db: &Store,
        caller: &Caller,
        id: Uuid,
        variant: Variant,
        today: chrono::NaiveDate,
    ) -> Result<(PhotoRecord, Vec<u8>), ApiError> {
        let photo = db.photo(id).await?.ok_or(ApiError::NotFound)?;
        if photo.removed_at.is_some()
            || !access::visible_trusts(db, caller, today)
                .await?
                .contains(&photo.trust_id)
        {
            return Err(ApiError::NotFound);
        }
        let key = match variant {
            Variant::Image => &photo.image_key,
            Variant::Thumbnail => &photo.thumbnail_key,
        };
        let bytes = self.store.get(key).await?.ok_or_else(|| {
            anyhow::anyhow!("photo {id} is recorded but its file {key} is missing")
        })?;
        Ok((photo, bytes))
    }

    /// Removes a photo of the caller's trust that caught a patient or a record by mistake: 403
    /// for anyone but a trust admin, 404 for a photo of another trust, 422 without a reason.
    /// Marked removed and audited (without the image) in one transaction, then its bytes are
    /// deleted wherever photos are kept, unless another photo holds the very same bytes. Asked
    /// again, it deletes the bytes again (a failure the first time is mended) and answers with
    /// the first removal.
    pub async fn remove(
        &self,
        db: &Store,
        caller: &Caller,
        id: Uuid,
        request: &PhotoRemoval,
    ) -> Result<RemovedPhoto, ApiError> {
        if caller.user.role != domain::Role::TrustAdmin {
            return Err(ApiError::Forbidden(
                "Only the trust's administrators remove photos".to_owned(),
            ));
        }
        let photo = db.photo(id).await?.ok_or(ApiError::NotFound)?;
        if photo.trust_id != caller.user.trust_id {
            return Err(ApiError::NotFound);
        }
        if let Some(problem) = request.problem() {
            return Err(ApiError::Unprocessable(problem));
        }
        // As both databases keep it (PostgreSQL to the microsecond), so a repeat answers alike.
        let now = chrono::SubsecRound::trunc_subsecs(self.clock.now(), 6);
        let removed_at = match photo.removed_at {
            Some(at) => at,
            None => mark_removed(db, caller, &photo, request.reason.trim(), now).await?,
        };
        for key in [&photo.image_key, &photo.thumbnail_key] {
            if !db.photo_key_in_use(key).await? {
                self.store.delete(key).await?;
            }
        }
        Ok(RemovedPhoto { id, removed_at })
    }

    /// Deletes the trust's photos that arrived before `before` (their retention period
    /// ended), a batch at a time: each batch is marked removed, taken out of the records that
    /// named it and audited (`photo.expire`, by nobody) in one transaction, then its bytes are
    /// deleted. Devices drop their copies at their next pull, as after a removal. Answers how
    /// many went.
    pub async fn expire(
        &self,
        db: &Store,
        trust_id: Uuid,
        before: DateTime<Utc>,
        reason: &str,
    ) -> Result<usize, ApiError> {
        const BATCH: i64 = 200;
        let mut gone = 0;
        loop {
            let batch = db.photos_before(trust_id, before, BATCH).await?;
            if batch.is_empty() {
                return Ok(gone);
            }
            let now = chrono::SubsecRound::trunc_subsecs(self.clock.now(), 6);
            let tx = db.begin().await?;
            let mut ids = Vec::with_capacity(batch.len());
            for photo in &batch {
                if tx.mark_photo_removed(photo.id, None, reason, now).await? {
                    tx.unlink_photo(photo.id).await?;
                    ids.push(photo.id);
                }
            }
            crate::audit::record(
                &tx,
                trust_id,
                now,
                None,
                "photo.expire",
                None,
                serde_json::Value::Null,
                serde_json::json!({ "reason": reason, "photo_ids": ids }),
            )
            .await?;
            tx.commit().await?;
            for photo in &batch {
                for key in [&photo.image_key, &photo.thumbnail_key] {
                    // Marked removed already: its bytes are unreadable whatever happens here,
                    // and a failed delete must not stop the rest.
                    let deleted = match db.photo_key_in_use(key).await {
                        Ok(true) => Ok(()),
                        Ok(false) => self.store.delete(key).await.map_err(ApiError::from),
                        Err(e) => Err(e.into()),
                    };
                    if let Err(e) = deleted {
                        tracing::warn!(photo_id = %photo.id, error = %e, "expired photo's file not deleted");
                    }
                }
            }
            gone += ids.len();
        }
    }

    /// The 413 of this server's limit.
    pub fn too_large(&self) -> ApiError {
        ApiError::TooLarge(format!(
            "Photos may be at most {} MB",
            self.max_bytes / (1024 * 1024)
        ))
    }
}

/// Why a photo was refused on arrival: its picture had been removed under another id.
const REMOVED_PICTURE_AGAIN: &str = "The same picture as a photo removed before";

/// Marks a photo removed, with every other photo of its trust that shows the same picture
/// (sent again under other ids, it shows the same person), takes them out of the records that
/// name them and writes the audit entry, in one transaction. A second click that raced the
/// first answers with the first removal.
async fn mark_removed(
    db: &Store,
    caller: &Caller,
    photo: &PhotoRecord,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ApiError> {
    let tx = db.begin().await?;
    let mut gone = vec![photo.id];
    gone.extend(
        tx.same_picture(photo.trust_id, &photo.image_key)
            .await?
            .into_iter()
            .filter(|other| *other != photo.id),
    );
    for photo_id in &gone {
        let marked = tx
            .mark_photo_removed(*photo_id, Some(caller.user.id), reason, now)
            .await?;
        if !marked && *photo_id == photo.id {
            drop(tx);
            let first = db.photo(photo.id).await?.and_then(|p| p.removed_at);
            return Ok(first.unwrap_or(now));
        }
        tx.unlink_photo(*photo_id).await?;
    }
    crate::audit::record(
        &tx,
        photo.trust_id,
        now,
        Some(caller.user.id),
        "photo.remove",
        Some(photo.id),
        serde_json::json!({
            "sha256": photo.sha256, "uploaded_by": photo.uploaded_by,
            "taken_at": photo.created_at,
        }),
        serde_json::json!({ "reason": reason, "photo_ids": gone }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, photo_id = %photo.id, "photo removed");
    Ok(now)
}

/// A repeat upload of an id: 200 with the same bytes from the same trust (or the same person: a
/// reviewer's photo belongs to the trust reviewed), 409 otherwise.
fn same_again(existing: PhotoRecord, caller: &Caller, sha256: &str) -> Result<Uploaded, ApiError> {
    if existing.removed_at.is_some() {
        return Err(ApiError::Conflict(
            "This photo was removed by the trust's administrator and cannot be sent again"
                .to_owned(),
        ));
    }
    let same_owner =
        existing.trust_id == caller.user.trust_id || existing.uploaded_by == caller.user.id;
    if same_owner && existing.sha256 == sha256 {
        Ok(Uploaded::Identical(receipt(&existing)))
    } else {
        Err(ApiError::Conflict(
            "A different photo was already sent with this id".to_owned(),
        ))
    }
}

fn receipt(p: &PhotoRecord) -> PhotoReceipt {
    PhotoReceipt {
        id: p.id,
        sha256: p.sha256.clone(),
        width: u32::try_from(p.width).unwrap_or(0),
        height: u32::try_from(p.height).unwrap_or(0),
    }
}

impl From<ProcessError> for ApiError {
    fn from(e: ProcessError) -> Self {
        match e {
            ProcessError::UnsupportedType => ApiError::UnsupportedType(e.to_string()),
            ProcessError::Undecodable(_)
            | ProcessError::Incomplete
            | ProcessError::TooManyPixels { .. } => ApiError::Unprocessable(e.to_string()),
            ProcessError::Encode(_) => ApiError::Internal(anyhow::anyhow!(e)),
        }
    }
}
