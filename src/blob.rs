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
    /// The header declares more pixels than a phone camera makes (a "pixel bomb").
    TooManyPixels,
}

/// The largest picture accepted, in pixels (a 48-megapixel phone camera is 8000 × 6000).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side kept: larger photos are scaled down to this before they are stored.
pub const MAX_SIDE: u32 = 2560;

/// Check a photo by its content, not its name or declared type: a JPEG, PNG or WebP whose header
/// parses to sensible dimensions, within `max` bytes and `MAX_PIXELS`. Reads only the header.
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
        Ok(d) if d.width > 0 && d.height > 0 => {
            if (d.width as u64).saturating_mul(d.height as u64) > MAX_PIXELS {
                Err(PhotoError::TooManyPixels)
            } else {
                Ok(kind)
            }
        }
        _ => Err(PhotoError::NotAnImage),
    }
}

/// Check a photo, then decode it (within the declared size), turn it upright by its EXIF orientation,
/// scale it to at most `MAX_SIDE` and encode it afresh — JPEG, or PNG where it has transparency. What is
/// stored and sent to staff browsers is only pixels: no EXIF (location, camera, time), no XMP, no
/// comments, nothing smuggled after the image data. CPU-heavy: run it through `crate::heavy`.
pub fn prepare_photo(bytes: &[u8], max: usize) -> Result<(ImageKind, Vec<u8>), PhotoError> {
    use image::{ImageDecoder, ImageReader};
    let kind = check_photo(bytes, max)?;
    let format = match kind {
        ImageKind::Jpeg => image::ImageFormat::Jpeg,
        ImageKind::Png => image::ImageFormat::Png,
        ImageKind::Webp => image::ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotAnImage)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::NotAnImage)?;
    img.apply_orientation(orientation);
    if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img = img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let mut out = Vec::new();
    if img.color().has_alpha() {
        img.to_rgba8()
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .map_err(|_| PhotoError::NotAnImage)?;
        Ok((ImageKind::Png, out))
    } else {
        let rgb = img.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&rgb)
            .map_err(|_| PhotoError::NotAnImage)?;
        Ok((ImageKind::Jpeg, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real 1×1 PNG.
    pub const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0xE9, 0xFA,
        0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
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

    /// A PNG whose header declares `w` × `h` (the pixel data is a 1×1 picture's).
    fn png_declaring(w: u32, h: u32) -> Vec<u8> {
        let mut b = PNG_1X1.to_vec();
        b[16..20].copy_from_slice(&w.to_be_bytes());
        b[20..24].copy_from_slice(&h.to_be_bytes());
        b
    }

    #[test]
    fn a_pixel_bomb_is_refused_before_it_is_decoded() {
        let bomb = png_declaring(20_000, 20_000);
        assert!(bomb.len() < 100);
        assert_eq!(check_photo(&bomb, 1024), Err(PhotoError::TooManyPixels));
        assert_eq!(prepare_photo(&bomb, 1024).unwrap_err(), PhotoError::TooManyPixels);
        // Within the pixel count but with lying data: refused as not an image, never a panic.
        assert!(prepare_photo(&png_declaring(4000, 3000), 1024).is_err());
    }

    /// A JPEG of `w` × `h` with an EXIF segment saying "rotate 90°" and carrying a marker string.
    fn jpeg_with_exif(w: u32, h: u32, marker: &[u8]) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x * 40) as u8, 100, 50]));
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
        // TIFF header (big-endian), one IFD entry: Orientation (0x0112), SHORT, 1, value 6; then the marker.
        let mut tiff =
            b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00"
                .to_vec();
        tiff.extend_from_slice(marker);
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend_from_slice(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn photos_are_stored_upright_and_without_exif() {
        let marker = b"GPS-30.5728N-104.0668E-iPhone";
        let src = jpeg_with_exif(8, 4, marker);
        assert!(src.windows(marker.len()).any(|w| w == marker));
        let (kind, out) = prepare_photo(&src, 1 << 20).unwrap();
        assert_eq!(kind, ImageKind::Jpeg);
        assert!(!out.windows(marker.len()).any(|w| w == marker), "the EXIF block is gone");
        assert!(!out.windows(4).any(|w| w == b"Exif"));
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (4, 8), "turned upright by its orientation");
    }

    #[test]
    fn large_photos_are_scaled_down_and_transparency_is_kept() {
        let big = image::RgbaImage::from_pixel(3000, 1500, image::Rgba([10, 20, 30, 128]));
        let mut png = Vec::new();
        big.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let (kind, out) = prepare_photo(&png, 50 << 20).unwrap();
        assert_eq!(kind, ImageKind::Png);
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (MAX_SIDE, MAX_SIDE / 2));
    }
}
