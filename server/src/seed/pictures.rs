//! The demo's photos: small drawn pictures (a shelf, a label, a chart on a clipboard), made
//! here so the demo needs no image files, and sent through the same upload as a tablet's.

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, Rgb, RgbImage};

/// A 640 x 480 picture, different for each `seed`: a wall, a shelf and the things on it.
pub fn picture(seed: u64) -> anyhow::Result<Vec<u8>> {
    let (width, height) = (640_u32, 480_u32);
    let pick = |shift: u32| ((seed >> shift) & 0x3f) as u8;
    let wall = Rgb([200 + pick(0) / 2, 205 + pick(6) / 3, 190 + pick(12) / 2]);
    let shelf = Rgb([120 + pick(18), 90 + pick(24) / 2, 60]);
    let item = |n: u32| {
        let v = (seed.rotate_left(n * 7) & 0xff_ffff) as u32;
        Rgb([(v >> 16) as u8, (v >> 8) as u8, v as u8])
    };
    let image = RgbImage::from_fn(width, height, |x, y| {
        if (300..330).contains(&y) {
            return shelf;
        }
        // Boxes standing on the shelf, each its own colour, with a white label.
        if (180..300).contains(&y) {
            let slot = x / 90;
            let inside = x % 90;
            if (10..80).contains(&inside) {
                if (230..260).contains(&y) && (20..70).contains(&inside) {
                    return Rgb([245, 245, 240]);
                }
                return item(slot);
            }
        }
        wall
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80).encode(
        image.as_raw(),
        width,
        height,
        ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_seed_draws_its_own_picture() -> anyhow::Result<()> {
        let a = super::picture(1)?;
        let b = super::picture(2)?;
        assert_ne!(a, b);
        assert_eq!(&a[..2], &[0xff, 0xd8], "a JPEG");
        Ok(())
    }
}
