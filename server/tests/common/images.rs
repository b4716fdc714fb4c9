//! Test pictures made in code: plain JPEG, PNG and WebP, and a JPEG carrying camera EXIF (make,
//! model, GPS position, orientation) so the pipeline's cleaning and turning can be checked.

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageFormat, Rgb, RgbImage};

pub const RED: Rgb<u8> = Rgb([220, 20, 20]);
pub const BLUE: Rgb<u8> = Rgb([20, 20, 220]);

/// A picture whose left half is red and right half blue.
pub fn two_halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| if x < width / 2 { RED } else { BLUE })
}

pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub fn png(image: &RgbImage) -> Vec<u8> {
    encoded(image, ImageFormat::Png)
}

/// Lossless WebP.
pub fn webp(image: &RgbImage) -> Vec<u8> {
    encoded(image, ImageFormat::WebP)
}

fn encoded(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A JPEG of `two_halves(64, 32)` with an EXIF block: Make "ReadyCam", Model "Ward Tablet",
/// Orientation 6 (turn 90 degrees clockwise to view) and a GPS position. Viewed the right way
/// up it is 32 wide and 64 tall, red on top.
pub fn jpeg_with_exif() -> Vec<u8> {
    let plain = jpeg(&two_halves(64, 32));
    let exif = exif_block();
    let mut out = Vec::with_capacity(plain.len() + exif.len() + 4);
    out.extend_from_slice(&plain[..2]); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&plain[2..]);
    out
}

/// One IFD entry before its value is placed: tag, type, count and the value bytes.
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    value: Vec<u8>,
}

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;

fn ascii(tag: u16, text: &str) -> Entry {
    let mut value = text.as_bytes().to_vec();
    value.push(0);
    Entry {
        tag,
        kind: ASCII,
        count: u32::try_from(value.len()).unwrap(),
        value,
    }
}

fn rationals(tag: u16, parts: &[(u32, u32)]) -> Entry {
    let value = parts
        .iter()
        .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
        .collect();
    Entry {
        tag,
        kind: RATIONAL,
        count: u32::try_from(parts.len()).unwrap(),
        value,
    }
}

/// Appends an IFD (offsets count from the TIFF header, where `tiff` starts), its longer values
/// right after it.
fn write_ifd(tiff: &mut Vec<u8>, entries: &[Entry]) {
    let at = tiff.len();
    let table = 2 + entries.len() * 12 + 4;
    let mut data_at = at + table;
    let mut data = Vec::new();
    tiff.extend_from_slice(&u16::try_from(entries.len()).unwrap().to_le_bytes());
    for e in entries {
        tiff.extend_from_slice(&e.tag.to_le_bytes());
        tiff.extend_from_slice(&e.kind.to_le_bytes());
        tiff.extend_from_slice(&e.count.to_le_bytes());
        if e.value.len() <= 4 {
            let mut inline = e.value.clone();
            inline.resize(4, 0);
            tiff.extend_from_slice(&inline);
        } else {
            tiff.extend_from_slice(&u32::try_from(data_at).unwrap().to_le_bytes());
            data.extend_from_slice(&e.value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
            data_at = at + table + data.len();
        }
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&data);
}

fn exif_block() -> Vec<u8> {
    let ifd0 = |gps_at: u32| {
        vec![
            ascii(0x010F, "ReadyCam"),
            ascii(0x0110, "Ward Tablet"),
            Entry {
                tag: 0x0112,
                kind: SHORT,
                count: 1,
                value: 6u16.to_le_bytes().to_vec(),
            },
            Entry {
                tag: 0x8825,
                kind: LONG,
                count: 1,
                value: gps_at.to_le_bytes().to_vec(),
            },
        ]
    };
    let header = b"II*\0\x08\0\0\0";
    // IFD0 points at the GPS IFD written right after it: measure IFD0 first.
    let mut tiff = header.to_vec();
    write_ifd(&mut tiff, &ifd0(0));
    let gps_at = u32::try_from(tiff.len()).unwrap();
    tiff.truncate(header.len());
    write_ifd(&mut tiff, &ifd0(gps_at));
    write_ifd(
        &mut tiff,
        &[
            ascii(0x0001, "N"),
            rationals(0x0002, &[(51, 1), (30, 1), (2634, 100)]),
            ascii(0x0003, "W"),
            rationals(0x0004, &[(0, 1), (7, 1), (3960, 100)]),
        ],
    );
    let mut block = b"Exif\0\0".to_vec();
    block.extend_from_slice(&tiff);
    block
}

/// The segment markers of a JPEG's header, up to the start of the scan.
pub fn header_markers(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() {
        assert_eq!(jpeg[at], 0xFF, "a marker at {at}");
        let marker = jpeg[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + len;
    }
    markers
}
