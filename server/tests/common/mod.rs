//! Test helpers: a fresh store per test (SQLite in a temp folder, or a throwaway PostgreSQL
//! database dropped afterwards, when `READYWARD_TEST_DATABASE=postgres`), a clock the test
//! can move, the whole router driven in-process, and JSON request shortcuts.
#![allow(dead_code, clippy::unwrap_used)]

pub mod changes;
pub mod images;
pub mod wire;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use server::clock::{Clock, ManualClock};
use server::config::Config;
use server::store::Store;
use tower::ServiceExt;

/// Password of the seeded demo users in tests.
pub const PASSWORD: &str = "test-password-123";

/// The PostgreSQL server to test against, from `READYWARD_TEST_POSTGRES_URL`. A test that
/// needs it fails without it: scripts/test.sh starts a throwaway server and sets it.
pub fn postgres_admin_url() -> String {
    std::env::var("READYWARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| panic!("READYWARD_TEST_POSTGRES_URL is not set. {START_POSTGRES}"))
}

/// How to get the PostgreSQL server the tests need.
const START_POSTGRES: &str = "scripts/test.sh starts a throwaway PostgreSQL and sets it; to \
    run these tests alone, start one (initdb -A trust -U postgres, then pg_ctl start) and set \
    READYWARD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres";

/// Whether the HTTP suites run on PostgreSQL this time (`READYWARD_TEST_DATABASE=postgres`;
/// scripts/test.sh runs them once on each database).
pub fn on_postgres() -> bool {
    match std::env::var("READYWARD_TEST_DATABASE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("READYWARD_TEST_DATABASE is sqlite or postgres, not {other}"),
    }
}

/// Keeps a test's storage alive for as long as the test runs; a PostgreSQL database made for
/// the test is dropped when the test ends.
pub struct TestStore {
    pub store: Store,
    pub dir: tempfile::TempDir,
    /// The database's URL, for tests that look at it directly.
    pub url: String,
    /// A PostgreSQL database made for the test, dropped after the store.
    postgres: Option<DropDatabase>,
}

/// A fresh store on the database this run tests.
pub async fn test_store() -> TestStore {
    if on_postgres() {
        postgres_store(&postgres_admin_url()).await
    } else {
        sqlite_store().await
    }
}

/// A fresh SQLite store in a temporary folder.
pub async fn sqlite_store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("readyward.db").display());
    TestStore {
        store: Store::open(&url).await.unwrap(),
        dir,
        url,
        postgres: None,
    }
}

/// A fresh PostgreSQL database on the test server, dropped when the store is.
pub async fn postgres_store(admin_url: &str) -> TestStore {
    use sqlx::Connection;
    let name = format!("readyward_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| {
            panic!("cannot reach PostgreSQL at {admin_url}: {e}. {START_POSTGRES}")
        });
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    // Made before the store is opened: a failed open still drops the database.
    let database = DropDatabase {
        admin_url: admin_url.to_owned(),
        name: name.clone(),
    };
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    let url = format!("{base}/{name}");
    TestStore {
        store: Store::open(&url).await.unwrap(),
        dir: tempfile::tempdir().unwrap(),
        url,
        postgres: Some(database),
    }
}

/// A database on the test server, dropped (and its connections ended) when this is.
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop cannot await: a thread of its own with a small runtime does the dropping, and
        // FORCE ends the connections the test's pool still holds.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
            });
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("the test database could not be dropped");
        }
    }
}

/// A running app (in-process) over a seeded store, with a clock the test can move.
pub struct TestApp {
    pub router: Router,
    pub state: server::state::AppState,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    _storage: TestStore,
}

/// Builds the app with the demo trust seeded; `tune` adjusts the configuration first.
pub async fn spawn_app_with(tune: impl FnOnce(&mut Config)) -> TestApp {
    let storage = test_store().await;
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    server::seed::seed_demo(&storage.store, PASSWORD, clock.now())
        .await
        .unwrap();
    let mut config = Config::for_data_dir(storage.dir.path().to_path_buf());
    tune(&mut config);
    let state = server::state_with_store(config, storage.store.clone(), clock.clone())
        .await
        .unwrap();
    TestApp {
        router: server::router(state.clone()),
        state,
        store: storage.store.clone(),
        clock,
        _storage: storage,
    }
}

/// Builds the app with default configuration and the demo trust seeded.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A response with its body read.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// Every `Set-Cookie` value of the reply, in order.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The interface's error code of an error reply.
    pub fn error_code(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }
}

impl TestApp {
    /// Runs a statement on the app's database behind its back (to break it on purpose).
    pub async fn execute_behind_its_back(&self, sql: &str) {
        use sqlx::Connection;
        let url = &self._storage.url;
        if url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut db).await.unwrap();
        } else {
            let mut db = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut db).await.unwrap();
        }
    }

    /// Reads one number from the app's database behind its back (`SELECT COUNT(*) ...`).
    pub async fn count_behind_its_back(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        let url = &self._storage.url;
        if url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap()
        } else {
            let mut db = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap()
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut b = Request::get(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: &str) -> Reply {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// PUTs raw bytes with a content type and any extra headers.
    pub async fn put_bytes(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        extra: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let mut b = Request::put(path).header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        for (name, value) in extra {
            b = b.header(*name, *value);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.post_raw(path, token, &body.to_string()).await
    }

    /// The caller a token stands for.
    pub async fn caller(&self, token: &str) -> domain::caller::Caller {
        self.state.auth.resolve(token).await.unwrap().unwrap()
    }

    /// `POST /api/v1/auth/login` with an email and password, whatever the answer.
    pub async fn sign_in(&self, email: impl AsRef<str>, password: impl AsRef<str>) -> Reply {
        let body = serde_json::json!({"email": email.as_ref(), "password": password.as_ref()});
        self.post("/api/v1/auth/login", None, body).await
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn login(&self, email: &str) -> String {
        let reply = self
            .post(
                "/api/v1/auth/login",
                None,
                serde_json::json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "sign-in of {email}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        reply.json()["token"].as_str().unwrap().to_owned()
    }
}
