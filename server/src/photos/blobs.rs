//! Where photo bytes live: a content-addressed blob store behind one small interface.
//!
//! Blobs are named by the SHA-256 of their bytes, so the same picture is kept once, a key
//! always means the same bytes, and a half-written file can never pass for a finished one. The
//! local folder is the default; an object store (S3 and the like) implements the same three
//! calls for deployments that outgrow one machine.

use std::io::Write;
use std::path::PathBuf;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where a key's file goes in a store: `ab/abcdef….jpg` (a hundred-odd files a folder at most
/// for a ward's photos, and no key can climb out of the store).
pub fn sharded(key: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()),
        "not a blob key: {key:?}"
    );
    Ok(format!("{}/{key}.jpg", &key[..2]))
}

/// A content-addressed store of photo files.
#[async_trait]
pub trait PhotoStore: Send + Sync + 'static {
    /// Keeps the bytes durably and returns their key (their SHA-256); keeping bytes that are
    /// already there costs nothing.
    async fn put(&self, bytes: Vec<u8>) -> anyhow::Result<String>;
    /// The bytes under a key, if kept.
    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>>;
    /// Forgets a key (nothing happens if it is not there).
    async fn delete(&self, key: &str) -> anyhow::Result<()>;
}

/// Blobs as files in a folder: `ab/abcdef….jpg`, written to a temporary file, flushed to disk
/// and renamed into place, so a crash leaves either the whole file or none.
pub struct LocalFolder {
    root: PathBuf,
}

impl LocalFolder {
    /// Uses (and creates) `root`.
    pub fn new(root: PathBuf) -> anyhow::Result<LocalFolder> {
        std::fs::create_dir_all(&root)?;
        Ok(LocalFolder { root })
    }

    fn path_of(&self, key: &str) -> anyhow::Result<PathBuf> {
        Ok(self.root.join(sharded(key)?))
    }
}

#[async_trait]
impl PhotoStore for LocalFolder {
    async fn put(&self, bytes: Vec<u8>) -> anyhow::Result<String> {
        let key = sha256_hex(&bytes);
        let path = self.path_of(&key)?;
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            if path.exists() {
                return Ok(());
            }
            let folder = path.parent().ok_or_else(|| anyhow::anyhow!("no folder"))?;
            std::fs::create_dir_all(folder)?;
            let mut file = tempfile_in(folder)?;
            file.1.write_all(&bytes)?;
            file.1.sync_all()?;
            std::fs::rename(&file.0, &path)?;
            // The rename itself must reach the disk before the database names the file.
            std::fs::File::open(folder)?.sync_all()?;
            Ok(())
        })
        .await??;
        Ok(key)
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path_of(key)?).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

/// A new, uniquely named file beside where the blob goes.
fn tempfile_in(folder: &std::path::Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = folder.join(format!(".partial-{}", uuid::Uuid::new_v4()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_bytes_once_under_their_hash() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = LocalFolder::new(dir.path().to_path_buf())?;
        let key = store.put(b"ward photo".to_vec()).await?;
        assert_eq!(key, sha256_hex(b"ward photo"));
        assert_eq!(store.put(b"ward photo".to_vec()).await?, key);
        assert_eq!(store.get(&key).await?.as_deref(), Some(&b"ward photo"[..]));
        let files: Vec<_> = std::fs::read_dir(dir.path().join(&key[..2]))?.collect();
        assert_eq!(files.len(), 1, "one file, no leftovers");
        store.delete(&key).await?;
        assert_eq!(store.get(&key).await?, None);
        store.delete(&key).await?;
        assert!(store.get("../../etc/passwd").await.is_err());
        Ok(())
    }
}
