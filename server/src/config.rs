//! Run-time configuration: where to listen, where data lives, and every limit and expiry.
//!
//! Limits are configuration (with the interface's defaults) so tests and operators can tighten
//! or loosen them without a rebuild.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Sign-in throttling and session lifetimes.
#[derive(Debug, Clone)]
pub struct AuthLimits {
    /// Failed sign-ins allowed per email within `login_window`.
    pub login_failures_per_email: u32,
    /// Failed sign-ins allowed per client address within `login_window`.
    pub login_failures_per_addr: u32,
    pub login_window: Duration,
    pub browser_idle: Duration,
    pub browser_absolute: Duration,
    pub device_idle: Duration,
}

impl Default for AuthLimits {
    fn default() -> Self {
        AuthLimits {
            login_failures_per_email: 5,
            login_failures_per_addr: 50,
            login_window: Duration::from_secs(15 * 60),
            browser_idle: Duration::from_secs(30 * 60),
            browser_absolute: Duration::from_secs(12 * 3600),
            device_idle: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Everything `readyward serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// `None` means SQLite at `data_dir/readyward.db`.
    pub database_url: Option<String>,
    /// The built site (`/pkg` bundle, stylesheet, public assets).
    pub site_root: PathBuf,
    pub auth: AuthLimits,
    /// Largest JSON body the API reads.
    pub max_json_bytes: usize,
    /// Mark cookies `Secure` (set when serving HTTPS or behind an HTTPS proxy).
    pub secure_cookies: bool,
    /// Believe `X-Forwarded-For` for the client address (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Serve HTTPS with this certificate chain and key (PEM files) instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Largest photo upload, in bytes.
    pub max_photo_bytes: usize,
    /// What the photo pipeline keeps and its pixel limit.
    pub photo: crate::photos::process::Settings,
    /// Keep photo files in this S3-compatible bucket instead of `data_dir/photos`.
    pub s3: Option<crate::photos::s3::S3Settings>,
}

/// A PEM certificate chain and its private key.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Config {
    /// Defaults for a data folder, as `serve` would use them.
    pub fn for_data_dir(data_dir: PathBuf) -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir,
            database_url: None,
            site_root: PathBuf::from("target/site"),
            auth: AuthLimits::default(),
            max_json_bytes: 5 * 1024 * 1024,
            secure_cookies: false,
            trust_forwarded_for: false,
            tls: None,
            max_photo_bytes: 15 * 1024 * 1024,
            photo: crate::photos::process::Settings::default(),
            s3: None,
        }
    }

    /// The folder the local photo store keeps its files in.
    pub fn photo_dir(&self) -> PathBuf {
        self.data_dir.join("photos")
    }

    /// The database to open: the given URL, or SQLite in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}",
                self.data_dir.join("readyward.db").to_string_lossy()
            ),
        }
    }
}
