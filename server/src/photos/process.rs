//! The photo pipeline, pure and synchronous (callers run it on a blocking thread): decide the
//! type by the bytes, decode within limits, shrink, apply the EXIF orientation, and re-encode as
//! a plain baseline JPEG plus a thumbnail.
//!
//! Re-encoding from pixels is what strips metadata: the encoder writes only the JFIF header, so
//! no EXIF (GPS, camera, times), XMP, IPTC, ICC profile or comment of the upload survives.

use std::io::Cursor;

use fast_image_resize::images::Image as ResizeImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits,
    RgbImage,
};

/// What the pipeline makes of an upload, and its limits.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Most pixels (width x height) an upload may have.
    pub max_pixels: u64,
    /// Long side of the kept picture.
    pub long_side: u32,
    /// Long side of the thumbnail.
    pub thumbnail_long_side: u32,
    /// JPEG quality of both outputs (1-100).
    pub quality: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_pixels: 50_000_000,
            long_side: 2048,
            thumbnail_long_side: 320,
            quality: 82,
        }
    }
}

/// The kept picture and its thumbnail, both JPEG without metadata.
#[derive(Debug, Clone)]
pub struct Processed {
    pub image: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
}

/// Why an upload cannot become a photo.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("Photos must be JPEG, PNG or WebP images")]
    UnsupportedType,
    #[error("The image could not be read: {0}")]
    Undecodable(String),
    #[error("The image has {pixels} pixels; photos may have at most {limit}")]
    TooManyPixels { pixels: u64, limit: u64 },
    #[error("The photo could not be re-encoded: {0}")]
    Encode(String),
}

/// The image type the bytes are, whatever the sender claimed: JPEG, PNG or WebP only.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Runs the whole pipeline on one upload.
pub fn process(bytes: &[u8], settings: &Settings) -> Result<Processed, ProcessError> {
    let format = sniff(bytes).ok_or(ProcessError::UnsupportedType)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // No side may be longer than the pixel limit allows for a one-pixel-wide strip, and the
    // decoder may not allocate more than an RGBA buffer of the largest allowed picture.
    let side = u32::try_from(settings.max_pixels).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(settings.max_pixels.saturating_mul(4) + (16 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(e, settings))?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > settings.max_pixels {
        return Err(ProcessError::TooManyPixels {
            pixels,
            limit: settings.max_pixels,
        });
    }
    if pixels == 0 {
        return Err(ProcessError::Undecodable("it has no pixels".to_owned()));
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let decoded = DynamicImage::from_decoder(decoder).map_err(|e| refusal(e, settings))?;
    // Shrink before turning: rotating the smaller picture is cheaper, the result the same.
    let kept = orient(
        shrink(opaque_rgb(decoded), settings.long_side)?,
        orientation,
    );
    let thumbnail = shrink(kept.clone(), settings.thumbnail_long_side)?;
    Ok(Processed {
        image: encode(&kept, settings.quality)?,
        width: kept.width(),
        height: kept.height(),
        thumbnail: encode(&thumbnail, settings.quality)?,
    })
}

fn refusal(e: ImageError, settings: &Settings) -> ProcessError {
    match e {
        ImageError::Limits(_) => ProcessError::TooManyPixels {
            pixels: settings.max_pixels.saturating_add(1),
            limit: settings.max_pixels,
        },
        ImageError::Unsupported(_) => ProcessError::UnsupportedType,
        other => ProcessError::Undecodable(other.to_string()),
    }
}

/// 8-bit RGB; transparent parts are laid on white, as a viewer would show them.
fn opaque_rgb(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for pixel in rgba.pixels() {
        let [r, g, b, a] = pixel.0;
        let alpha = u16::from(a);
        for channel in [r, g, b] {
            let mixed = (u16::from(channel) * alpha + 255 * (255 - alpha) + 127) / 255;
            rgb.push(u8::try_from(mixed).unwrap_or(u8::MAX));
        }
    }
    RgbImage::from_raw(width, height, rgb).unwrap_or_else(|| RgbImage::new(width, height))
}

/// The size that fits `long_side`, keeping the aspect ratio (never enlarging).
pub fn fitted(width: u32, height: u32, long_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_side {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(long_side) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
    };
    (scale(width), scale(height))
}

/// Lanczos3 downscale (SIMD) so the long side is at most `long_side`.
fn shrink(image: RgbImage, long_side: u32) -> Result<RgbImage, ProcessError> {
    let (width, height) = image.dimensions();
    let (new_width, new_height) = fitted(width, height, long_side);
    if (new_width, new_height) == (width, height) {
        return Ok(image);
    }
    let failed = |e: &dyn std::fmt::Display| ProcessError::Encode(format!("resizing: {e}"));
    let source = ResizeImage::from_vec_u8(width, height, image.into_raw(), PixelType::U8x3)
        .map_err(|e| failed(&e))?;
    let mut target = ResizeImage::new(new_width, new_height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| failed(&e))?;
    RgbImage::from_raw(new_width, new_height, target.into_vec())
        .ok_or_else(|| failed(&"the resized buffer has the wrong size"))
}

/// Turns the picture the right way up, as the EXIF orientation says.
fn orient(image: RgbImage, orientation: Orientation) -> RgbImage {
    if orientation == Orientation::NoTransforms {
        return image;
    }
    let mut turned = DynamicImage::ImageRgb8(image);
    turned.apply_orientation(orientation);
    turned.into_rgb8()
}

fn encode(image: &RgbImage, quality: u8) -> Result<Vec<u8>, ProcessError> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(|e| ProcessError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_keeps_the_aspect_ratio_and_never_enlarges() {
        assert_eq!(fitted(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fitted(3000, 4000, 320), (240, 320));
        assert_eq!(fitted(100, 50, 320), (100, 50));
        assert_eq!(fitted(10_000, 1, 320), (320, 1));
    }

    #[test]
    fn sniff_trusts_the_bytes_only() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageFormat::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageFormat::WebP));
        assert_eq!(sniff(b"GIF89a......"), None);
        assert_eq!(sniff(b"<svg></svg>"), None);
        assert_eq!(sniff(b""), None);
    }
}
