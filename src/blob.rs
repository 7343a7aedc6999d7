//! Files kept outside the database (request photos, later activity write-ups) behind the `object_store`
//! crate: a directory under the data directory by default, or S3-compatible storage (`s3://…`) when
//! several app instances must see the same files. Keys are random; the database row that names a key
//! decides who may read it.

use std::sync::Arc;

use object_store::{ObjectStore, ObjectStoreExt, PutPayload, local::LocalFileSystem, path::Path};

use crate::{config::Config, error::AppError};

#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
}

impl Blobs {
    pub fn from_config(c: &Config) -> anyhow::Result<Self> {
        if c.blob_url.is_empty() {
            let dir = c.data_dir.join("blobs");
            std::fs::create_dir_all(&dir)?;
            return Ok(Self { store: Arc::new(LocalFileSystem::new_with_prefix(dir)?) });
        }
        let url = url::Url::parse(&c.blob_url)?;
        // Credentials and endpoints come from the standard variables (AWS_ACCESS_KEY_ID, AWS_ENDPOINT, …).
        let opts: Vec<(String, String)> =
            std::env::vars().filter(|(k, _)| k.starts_with("AWS_")).map(|(k, v)| (k.to_lowercase(), v)).collect();
        let (store, prefix) = object_store::parse_url_opts(&url, opts)?;
        if !prefix.as_ref().is_empty() {
            return Ok(Self { store: Arc::new(object_store::prefix::PrefixStore::new(store, prefix)) });
        }
        Ok(Self { store: Arc::from(store) })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map_err(|e| AppError::internal(format!("blob put: {e}")))?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let r = self.store.get(&Path::from(key)).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => AppError::not_found(),
            e => AppError::internal(format!("blob get: {e}")),
        })?;
        Ok(r.bytes().await.map_err(|e| AppError::internal(format!("blob read: {e}")))?.to_vec())
    }

    /// Best effort: used to undo puts when the database write that would name them fails.
    pub async fn delete(&self, key: &str) {
        if let Err(e) = self.store.delete(&Path::from(key)).await {
            tracing::warn!(error = %e, "blob delete failed");
        }
    }
}

/// Image formats accepted for photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }
    pub fn from_content_type(s: &str) -> Option<Self> {
        [ImageKind::Jpeg, ImageKind::Png, ImageKind::Webp].into_iter().find(|k| k.content_type() == s)
    }
}

/// Why a photo was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    Empty,
    TooLarge,
    NotAnImage,
}

/// Check a photo by its content, not its name or declared type: a JPEG, PNG or WebP whose header
/// parses to sensible dimensions, within `max` bytes.
pub fn check_photo(bytes: &[u8], max: usize) -> Result<ImageKind, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > max {
        return Err(PhotoError::TooLarge);
    }
    let kind = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => ImageKind::Jpeg,
        Ok(imagesize::ImageType::Png) => ImageKind::Png,
        Ok(imagesize::ImageType::Webp) => ImageKind::Webp,
        _ => return Err(PhotoError::NotAnImage),
    };
    match imagesize::blob_size(bytes) {
        Ok(d) if d.width > 0 && d.height > 0 && d.width <= 20_000 && d.height <= 20_000 => Ok(kind),
        _ => Err(PhotoError::NotAnImage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real 1×1 PNG.
    pub const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D,
        0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn photos_are_judged_by_content() {
        assert_eq!(check_photo(PNG_1X1, 1024), Ok(ImageKind::Png));
        assert_eq!(check_photo(PNG_1X1, 10), Err(PhotoError::TooLarge));
        assert_eq!(check_photo(b"", 1024), Err(PhotoError::Empty));
        assert_eq!(check_photo(b"%PDF-1.7 not a picture", 1024), Err(PhotoError::NotAnImage));
        assert_eq!(check_photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>", 1024), Err(PhotoError::NotAnImage));
        // A PNG signature with a cut-off header is not an image either.
        assert_eq!(check_photo(&PNG_1X1[..12], 1024), Err(PhotoError::NotAnImage));
        // GIF is a real image but not one we accept.
        assert_eq!(check_photo(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", 1024), Err(PhotoError::NotAnImage));
    }
}
