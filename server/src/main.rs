//! The `readyward` command: `serve`, `seed-demo`, `seed-load` and `create-trust`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use server::config::Config;
use server::seed;

#[derive(Parser)]
#[command(
    name = "readyward",
    version,
    about = "ReadyWard: get a trust ready for its CQC inspection"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives; shared by every subcommand.
#[derive(Args)]
struct Storage {
    /// Folder for the SQLite database and photos.
    #[arg(long, env = "READYWARD_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Use PostgreSQL instead of SQLite (postgres://...).
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the app and the API.
    Serve {
        #[command(flatten)]
        storage: Storage,
        /// Address to listen on.
        #[arg(long, env = "READYWARD_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// Folder holding the built site (the /pkg bundle and public assets).
        #[arg(long, env = "READYWARD_SITE_ROOT", default_value = "target/site")]
        site_root: PathBuf,
        /// Failed sign-ins allowed per email in the window.
        #[arg(long, env = "READYWARD_LOGIN_LIMIT_PER_EMAIL", default_value_t = 5)]
        login_limit_per_email: u32,
        /// Failed sign-ins allowed per client address in the window.
        #[arg(long, env = "READYWARD_LOGIN_LIMIT_PER_ADDR", default_value_t = 50)]
        login_limit_per_addr: u32,
        /// Minutes of inactivity before a browser session ends.
        #[arg(long, env = "READYWARD_BROWSER_IDLE_MINUTES", default_value_t = 30)]
        browser_idle_minutes: u64,
        /// Hours a one-time password (a new account's, a reset's) may be used to sign in.
        #[arg(long, env = "READYWARD_ONE_TIME_PASSWORD_HOURS", default_value_t = 72)]
        one_time_password_hours: u64,
        /// Mark cookies Secure (set this behind an HTTPS reverse proxy).
        #[arg(long, env = "READYWARD_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Take the client address from X-Forwarded-For (only behind a trusted proxy).
        #[arg(long, env = "READYWARD_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Serve HTTPS: the certificate chain (PEM). Needs --tls-key; cookies become Secure.
        #[arg(long, env = "READYWARD_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// Serve HTTPS: the private key (PEM) of --tls-cert.
        #[arg(long, env = "READYWARD_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Days a tablet keeps letting a user sign in offline after their last online sign-in.
        #[arg(long, env = "READYWARD_OFFLINE_SIGN_IN_DAYS", default_value_t = domain::api::DEFAULT_OFFLINE_SIGN_IN_DAYS)]
        offline_sign_in_days: u32,
        /// Largest photo upload, in bytes.
        #[arg(long, env = "READYWARD_MAX_PHOTO_BYTES", default_value_t = 15 * 1024 * 1024)]
        max_photo_bytes: usize,
        /// Photo uploads read at once (each may hold --max-photo-bytes in memory); more wait
        /// a moment, then are told the server is busy.
        #[arg(long, env = "READYWARD_PHOTO_UPLOADS_AT_ONCE", default_value_t = 16)]
        photo_uploads_at_once: usize,
        /// Most pixels (width x height) a photo may have.
        #[arg(long, env = "READYWARD_MAX_PHOTO_PIXELS", default_value_t = 50_000_000)]
        max_photo_pixels: u64,
        /// Keep photo files in this S3-compatible bucket instead of the data folder
        /// (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
        #[arg(long, env = "READYWARD_S3_BUCKET", requires = "s3_endpoint")]
        s3_bucket: Option<String>,
        /// The object store's address, e.g. https://s3.eu-west-2.amazonaws.com.
        #[arg(long, env = "READYWARD_S3_ENDPOINT", requires = "s3_bucket")]
        s3_endpoint: Option<String>,
        /// The bucket's region.
        #[arg(long, env = "READYWARD_S3_REGION", default_value = "eu-west-2")]
        s3_region: String,
    },
    /// Create (once) the demo trust, its buddy trust and the five demo users.
    SeedDemo {
        #[command(flatten)]
        storage: Storage,
    },
    /// Create (once) a large trust to measure with: WARDS wards, each inspected monthly for
    /// MONTHS months (users admin@, inspector@ and board@load.nhs.test, the demo password).
    SeedLoad {
        #[command(flatten)]
        storage: Storage,
        #[arg(long, default_value_t = 100)]
        wards: usize,
        #[arg(long, default_value_t = 12)]
        months: u32,
    },
    /// Check or checkpoint the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Create a real trust and its first admin, who gets a one-time password.
    CreateTrust {
        #[command(flatten)]
        storage: Storage,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long, default_value = "Trust administrator")]
        admin_name: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check each trust's chain, and against the checkpoints; names the first broken entry
    /// and exits non-zero when one is broken.
    Verify {
        #[command(flatten)]
        storage: Storage,
        /// Only this trust's chain.
        #[arg(long)]
        trust: Option<uuid::Uuid>,
    },
    /// Record the head of every chain in the data folder's checkpoints now.
    Checkpoint {
        #[command(flatten)]
        storage: Storage,
    },
}

fn config_for(storage: Storage) -> Config {
    let mut config = Config::for_data_dir(storage.data_dir);
    config.database_url = storage.database_url;
    config
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("READYWARD_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    // One JSON object per line for log collectors; plain text for people.
    if std::env::var("READYWARD_LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match Cli::parse().command {
        Command::Serve {
            storage,
            addr,
            site_root,
            login_limit_per_email,
            login_limit_per_addr,
            browser_idle_minutes,
            one_time_password_hours,
            secure_cookies,
            trust_forwarded_for,
            tls_cert,
            tls_key,
            offline_sign_in_days,
            max_photo_bytes,
            photo_uploads_at_once,
            max_photo_pixels,
            s3_bucket,
            s3_endpoint,
            s3_region,
        } => {
            let mut config = config_for(storage);
            config.addr = addr;
            config.site_root = site_root;
            config.auth.login_failures_per_email = login_limit_per_email;
            config.auth.login_failures_per_addr = login_limit_per_addr;
            config.auth.browser_idle = std::time::Duration::from_secs(browser_idle_minutes * 60);
            config.auth.one_time_password_valid =
                std::time::Duration::from_secs(one_time_password_hours * 3600);
            config.auth.offline_sign_in_days = offline_sign_in_days;
            config.secure_cookies = secure_cookies;
            config.trust_forwarded_for = trust_forwarded_for;
            config.max_photo_bytes = max_photo_bytes;
            config.photo_uploads_at_once = photo_uploads_at_once.max(1);
            config.photo.max_pixels = max_photo_pixels;
            if let (Some(bucket), Some(endpoint)) = (s3_bucket, s3_endpoint) {
                let credential = |name: &str| {
                    std::env::var(name)
                        .map_err(|_| anyhow::anyhow!("--s3-bucket needs {name} in the environment"))
                };
                config.s3 = Some(server::photos::s3::S3Settings {
                    endpoint,
                    bucket,
                    region: s3_region,
                    access_key: credential("AWS_ACCESS_KEY_ID")?,
                    secret_key: credential("AWS_SECRET_ACCESS_KEY")?,
                });
            }
            config.tls = tls_cert
                .zip(tls_key)
                .map(|(cert, key)| server::config::TlsFiles { cert, key });
            server::serve(config).await
        }
        Command::SeedDemo { storage } => {
            let state = server::build_state(config_for(storage)).await?;
            let password = std::env::var("READYWARD_DEMO_PASSWORD")
                .unwrap_or_else(|_| seed::DEFAULT_DEMO_PASSWORD.to_owned());
            match seed::seed_demo(&state.store, &password, state.clock.now()).await? {
                seed::SeedOutcome::Created => {
                    seed::tell_demo_story(&state.store, &state.photos, state.clock.now()).await?;
                    println!(
                        "Demo trust created. Sign in as admin@demo.nhs.test, inspector@demo.nhs.test, \
                     board@demo.nhs.test, admin@buddy.nhs.test or reviewer@buddy.nhs.test \
                     with the password: {password}"
                    )
                }
                seed::SeedOutcome::AlreadySeeded => println!("The demo trust is already there."),
            }
            Ok(())
        }
        Command::SeedLoad {
            storage,
            wards,
            months,
        } => {
            let state = server::build_state(config_for(storage)).await?;
            let password = std::env::var("READYWARD_DEMO_PASSWORD")
                .unwrap_or_else(|_| seed::DEFAULT_DEMO_PASSWORD.to_owned());
            let now = state.clock.now();
            match seed::load::seed_load(&state.store, &password, wards, months, now).await? {
                seed::SeedOutcome::Created => println!(
                    "{} created: {wards} wards, {months} months of inspections. Sign in as \
                     board@load.nhs.test with the password: {password}",
                    seed::load::LOAD_TRUST
                ),
                seed::SeedOutcome::AlreadySeeded => println!("The load trust is already there."),
            }
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { storage, trust },
        } => {
            let config = config_for(storage);
            let checkpoints = server::audit::checkpoint::Checkpoints::in_data_dir(&config.data_dir);
            let state = server::build_state(config).await?;
            let mut broken = 0;
            for found in server::audit::verify(&state.store, &checkpoints, trust).await? {
                match found.outcome {
                    Ok(n) => println!("trust {}: {n} entries, the chain holds", found.trust_id),
                    Err(why) => {
                        broken += 1;
                        println!("trust {}: BROKEN at {why}", found.trust_id);
                    }
                }
            }
            if broken > 0 {
                anyhow::bail!("{broken} audit chain(s) broken");
            }
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Checkpoint { storage },
        } => {
            let config = config_for(storage);
            let checkpoints = server::audit::checkpoint::Checkpoints::in_data_dir(&config.data_dir);
            let state = server::build_state(config).await?;
            let n =
                server::audit::checkpoint(&state.store, &checkpoints, state.clock.now()).await?;
            println!("Checkpointed the head of {n} audit chain(s).");
            Ok(())
        }
        Command::CreateTrust {
            storage,
            name,
            admin_email,
            admin_name,
        } => {
            let state = server::build_state(config_for(storage)).await?;
            let one_time = seed::create_trust(
                &state.store,
                &name,
                &admin_email,
                &admin_name,
                state.clock.now(),
            )
            .await?;
            println!(
                "Created {name}. Its admin {admin_email} signs in with the one-time password \
                 {one_time} and must choose a new one."
            );
            Ok(())
        }
    }
}
