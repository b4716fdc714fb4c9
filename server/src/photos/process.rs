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
    #[error("The photo did not arrive whole: its data ends before the picture does. Send it again")]
    Incomplete,
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
    // The JPEG decoder fills whatever is missing with grey rather than failing, so a cut upload
    // would be kept as a half-grey photo. (The PNG and WebP decoders fail once picture data
    // is missing; server/tests/photos.rs checks all three.)
    if format == ImageFormat::Jpeg && !jpeg_is_whole(bytes) {
        return Err(ProcessError::Incomplete);
    }
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

/// Whether a JPEG's segments run to its end-of-image marker (FF D9). Walks the segments by
/// their lengths, so an FF D9 inside one (an EXIF thumbnail's end, say) is not taken for the
/// picture's end, and steps through each scan's coded data to the marker after it. Anything
/// after the end marker (padding, a phone's trailer) is left alone.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let mut at = 2; // past the start-of-image marker
    loop {
        // A marker is FF and a code; extra FF bytes before the code are fill. Stray bytes
        // between segments are skipped, as decoders do.
        let Some(ff) = bytes
            .get(at..)
            .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
        else {
            return false;
        };
        at += ff;
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else {
            return false;
        };
        at += 1;
        match code {
            0xD9 => return true,
            // Markers without a length: TEM, restarts, and a stray start-of-image.
            0x00 | 0x01 | 0xD0..=0xD8 => continue,
            _ => {}
        }
        let Some(&[high, low]) = bytes.get(at..at + 2) else {
            return false;
        };
        at += usize::from(u16::from_be_bytes([high, low]));
        if at > bytes.len() {
            return false;
        }
        if code == 0xDA {
            // Coded data: an FF in it is followed by 00 (a stuffed byte) or a restart marker;
            // any other code ends the scan.
            loop {
                let Some(ff) = bytes
                    .get(at..)
                    .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
                else {
                    return false;
                };
                let mut next = at + ff + 1;
                while bytes.get(next) == Some(&0xFF) {
                    next += 1;
                }
                match bytes.get(next) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7) => at = next + 1,
                    Some(_) => {
                        at += ff;
                        break;
                    }
                }
            }
        }
    }
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

    fn small_jpeg() -> Vec<u8> {
        let image = RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        encode(&image, 90).expect("a small picture encodes")
    }

    #[test]
    fn a_jpeg_is_whole_only_up_to_its_end_marker() {
        let whole = small_jpeg();
        assert!(jpeg_is_whole(&whole));
        for cut in [
            4,
            whole.len() / 3,
            whole.len() / 2,
            whole.len() - 2,
            whole.len() - 1,
        ] {
            assert!(
                !jpeg_is_whole(&whole[..cut]),
                "cut at {cut} of {}",
                whole.len()
            );
        }
        // Padding or a trailer after the end marker is allowed.
        let mut padded = whole.clone();
        padded.extend([0u8; 64]);
        assert!(jpeg_is_whole(&padded));
    }

    #[test]
    fn an_end_marker_inside_a_segment_is_not_the_end() {
        // An APP1 segment holding FF D9 (as an EXIF thumbnail does), the upload cut right
        // after it.
        let whole = small_jpeg();
        let mut with_app1 = whole[..2].to_vec();
        with_app1.extend([0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD8, 0xFF, 0xD9]);
        with_app1.extend(&whole[2..]);
        assert!(jpeg_is_whole(&with_app1));
        assert!(!jpeg_is_whole(&with_app1[..10]));
    }

    #[test]
    fn a_cut_jpeg_is_refused_not_greyed() {
        let whole = small_jpeg();
        assert!(process(&whole, &Settings::default()).is_ok());
        assert!(matches!(
            process(&whole[..whole.len() / 3], &Settings::default()),
            Err(ProcessError::Incomplete)
        ));
    }
}
