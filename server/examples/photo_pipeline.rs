//! Photo pipeline benchmark (not a test): time per 12-megapixel JPEG through
//! `photos::process::process` (decode, orient, resize to 2048 px, re-encode, 320 px thumbnail),
//! beside `vipsthumbnail` (Debian's libvips-tools) making the same two outputs from the same
//! file, in the same run.
//!
//! Run: `cargo run --release -p server --example photo_pipeline`
//!
//! Two inputs: the 4032 x 3024 fixture the end-to-end tests use (smooth, 0.1 MB), and a
//! 4032 x 3024 picture with camera-like texture and noise encoded at quality 92 (several MB,
//! closer to what a tablet camera sends).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, Rgb, RgbImage};
use server::photos::process::{Settings, process};

const RUNS: usize = 12;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A camera-like picture: soft gradients, edges and fine noise.
fn textured() -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 24) as i32 - 12
    };
    let image = RgbImage::from_fn(4032, 3024, |x, y| {
        let band = if (x / 300 + y / 220) % 2 == 0 { 40 } else { 0 };
        let base = [
            (x / 18) as i32 + band,
            (y / 14) as i32,
            ((x + y) / 30) as i32 + band / 2,
        ];
        let n = noise();
        Rgb(base.map(|c| (c + n).clamp(0, 255) as u8))
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode(image.as_raw(), 4032, 3024, ExtendedColorType::Rgb8)
        .expect("encode");
    out
}

fn ours(bytes: &[u8]) -> Duration {
    let settings = Settings::default();
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = process(bytes, &settings).expect("process");
        samples.push(start.elapsed());
        assert_eq!(out.width.max(out.height), 2048);
    }
    median(samples)
}

fn vips(input: &Path, dir: &Path) -> Option<Duration> {
    let run = |size: &str, out: &str| {
        Command::new("vipsthumbnail")
            .arg(input)
            .args(["-s", size, "-o"])
            .arg(dir.join(format!("{out}[Q=82,strip]")))
            .status()
            .ok()
            .filter(|s| s.success())
    };
    run("2048", "kept.jpg")?;
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        run("2048", "kept.jpg")?;
        run("320", "thumb.jpg")?;
        samples.push(start.elapsed());
    }
    Some(median(samples))
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/fixtures/ward-photo.jpg");
    let inputs = [
        (
            "fixture (smooth)",
            std::fs::read(&fixture).expect("fixture"),
        ),
        ("textured, q92", textured()),
    ];
    println!("| input | size | ours (median of {RUNS}) | vipsthumbnail x2 (median) | ratio |");
    println!("|---|---|---|---|---|");
    for (name, bytes) in inputs {
        let path = dir.path().join("input.jpg");
        std::fs::write(&path, &bytes).expect("write input");
        let ours = ours(&bytes);
        let theirs = vips(&path, dir.path());
        let (theirs_text, ratio) = match theirs {
            Some(t) => (
                format!("{:.1} ms", t.as_secs_f64() * 1000.0),
                format!("{:.2}", ours.as_secs_f64() / t.as_secs_f64()),
            ),
            None => ("vipsthumbnail not installed".to_owned(), "-".to_owned()),
        };
        println!(
            "| {name} | {:.1} MB | {:.1} ms | {theirs_text} | {ratio} |",
            bytes.len() as f64 / 1e6,
            ours.as_secs_f64() * 1000.0
        );
    }
}
