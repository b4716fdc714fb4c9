//! Photo files in an S3-compatible object store (AWS S3, MinIO, Ceph and the like), for
//! deployments that outgrow one machine's disk: the same content-addressed keys as the local
//! folder, under `photos/ab/abcdef….jpg` in one bucket.
//!
//! Requests are signed with AWS Signature V4 as presigned URLs (`rusty-s3`, no SDK) and sent with
//! `reqwest` over rustls (ring). S3 writes are atomic per object, so a half-written photo is never
//! visible, as with the local folder.

use std::time::Duration;

use async_trait::async_trait;
use rusty_s3::actions::{DeleteObject, GetObject, PutObject};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use super::blobs::{PhotoStore, sha256_hex, sharded};

/// How long a signed request stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(300);

/// Where the bucket is and how to sign for it. Its `Debug` never shows the secret key.
#[derive(Clone)]
pub struct S3Settings {
    /// The service's base URL, e.g. `https://s3.eu-west-2.amazonaws.com` or a MinIO address.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .finish()
    }
}

/// The object-store implementation of [`PhotoStore`].
pub struct S3Bucket {
    bucket: Bucket,
    credentials: Credentials,
    http: reqwest::Client,
}

impl S3Bucket {
    /// Connects to a bucket (path-style URLs, which every S3-compatible service accepts).
    pub fn new(settings: &S3Settings) -> anyhow::Result<S3Bucket> {
        // ring is the one crypto provider compiled in; installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let endpoint = settings.endpoint.parse()?;
        let bucket = Bucket::new(
            endpoint,
            UrlStyle::Path,
            settings.bucket.clone(),
            settings.region.clone(),
        )?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(S3Bucket {
            bucket,
            credentials: Credentials::new(&settings.access_key, &settings.secret_key),
            http,
        })
    }

    fn object(key: &str) -> anyhow::Result<String> {
        Ok(format!("photos/{}", sharded(key)?))
    }
}

#[async_trait]
impl PhotoStore for S3Bucket {
    async fn put(&self, bytes: Vec<u8>) -> anyhow::Result<String> {
        let key = sha256_hex(&bytes);
        let object = Self::object(&key)?;
        let url = PutObject::new(&self.bucket, Some(&self.credentials), &object).sign(SIGNED_FOR);
        let response = self
            .http
            .put(url)
            .header("content-type", "image/jpeg")
            .body(bytes)
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "the object store refused {object}: {}",
            response.status()
        );
        Ok(key)
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let object = Self::object(key)?;
        let url = GetObject::new(&self.bucket, Some(&self.credentials), &object).sign(SIGNED_FOR);
        let response = self.http.get(url).send().await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        anyhow::ensure!(
            response.status().is_success(),
            "the object store did not return {object}: {}",
            response.status()
        );
        Ok(Some(response.bytes().await?.to_vec()))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let object = Self::object(key)?;
        let url =
            DeleteObject::new(&self.bucket, Some(&self.credentials), &object).sign(SIGNED_FOR);
        let response = self.http.delete(url).send().await?;
        anyhow::ensure!(
            response.status().is_success() || response.status() == reqwest::StatusCode::NOT_FOUND,
            "the object store did not delete {object}: {}",
            response.status()
        );
        Ok(())
    }
}
