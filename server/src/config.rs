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
    /// Password checks (argon2, 19 MiB each) run at once: one per CPU by default.
    pub password_checks_at_once: usize,
    /// How long a sign-in waits for a password check before the server answers 503 `busy`.
    pub password_check_wait: Duration,
    /// Days a device may keep letting a user sign in offline after their last online sign-in.
    pub offline_sign_in_days: u32,
    /// How long a one-time password (a new account's, a reset's) may be used to sign in.
    pub one_time_password_valid: Duration,
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
            password_checks_at_once: std::thread::available_parallelism().map_or(1, |n| n.get()),
            password_check_wait: Duration::from_secs(2),
            offline_sign_in_days: domain::api::DEFAULT_OFFLINE_SIGN_IN_DAYS,
            one_time_password_valid: Duration::from_secs(72 * 3600),
        }
    }
}

/// Everything `readyward serve` needs. Its `Debug` hides the database password (see
/// [`redact_database_url`]) and, through [`crate::photos::s3::S3Settings`], the S3 secret key.
#[derive(Clone)]
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
    /// Photo uploads read at once; each holds up to `max_photo_bytes` in memory, so this
    /// bounds what many large uploads together can take. More wait briefly, then get 503 busy.
    pub photo_uploads_at_once: usize,
    /// What the photo pipeline keeps and its pixel limit.
    pub photo: crate::photos::process::Settings,
    /// Keep photo files in this S3-compatible bucket instead of `data_dir/photos`.
    pub s3: Option<crate::photos::s3::S3Settings>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Every field but the database URL as it is; a new field must be added here too.
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_database_url),
            )
            .field("site_root", &self.site_root)
            .field("auth", &self.auth)
            .field("max_json_bytes", &self.max_json_bytes)
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("tls", &self.tls)
            .field("max_photo_bytes", &self.max_photo_bytes)
            .field("photo_uploads_at_once", &self.photo_uploads_at_once)
            .field("photo", &self.photo)
            .field("s3", &self.s3)
            .finish()
    }
}

/// A database URL fit for logs: the password in `scheme://user:password@host` and any
/// `password=` query parameter (which libpq also accepts) become `***`.
pub fn redact_database_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = match base.split_once("://") {
        // Up to the last '@' is user information, even when an unencoded password holds
        // '/' or '@'.
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((userinfo, host_and_path)) => match userinfo.split_once(':') {
                Some((user, _password)) => format!("{scheme}://{user}:***@{host_and_path}"),
                None => base.to_owned(),
            },
            None => base.to_owned(),
        },
        None => base.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("password") => {
                    format!("{key}=***")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
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
            photo_uploads_at_once: 16,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_lose_their_password() {
        assert_eq!(
            redact_database_url("postgres://ready:s3cret-pw@db.internal:5432/readyward"),
            "postgres://ready:***@db.internal:5432/readyward"
        );
        assert_eq!(
            redact_database_url(
                "postgres://db/readyward?user=ready&password=s3cret-pw&sslmode=require"
            ),
            "postgres://db/readyward?user=ready&password=***&sslmode=require"
        );
        // A password holding '@' or '/' is still hidden whole.
        assert_eq!(
            redact_database_url("postgres://ready:p@ss/w@db/readyward"),
            "postgres://ready:***@db/readyward"
        );
        assert_eq!(
            redact_database_url("sqlite:///srv/readyward/readyward.db"),
            "sqlite:///srv/readyward/readyward.db"
        );
        assert_eq!(
            redact_database_url("postgres://ready@db/readyward"),
            "postgres://ready@db/readyward"
        );
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let mut config = Config::for_data_dir(PathBuf::from("/srv/readyward"));
        config.database_url = Some("postgres://ready:db-secret-42@db.internal/readyward".into());
        config.s3 = Some(crate::photos::s3::S3Settings {
            endpoint: "https://s3.eu-west-2.amazonaws.com".to_owned(),
            bucket: "photos".to_owned(),
            region: "eu-west-2".to_owned(),
            access_key: "AKIAEXAMPLE".to_owned(),
            secret_key: "s3-secret-key-99".to_owned(),
        });
        for shown in [format!("{config:?}"), format!("{config:#?}")] {
            assert!(!shown.contains("db-secret-42"), "{shown}");
            assert!(!shown.contains("s3-secret-key-99"), "{shown}");
            assert!(
                shown.contains("postgres://ready:***@db.internal/readyward"),
                "{shown}"
            );
            assert!(shown.contains("AKIAEXAMPLE"), "{shown}");
        }
    }
}
