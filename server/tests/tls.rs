//! `serve --tls-cert --tls-key`: the server speaks HTTPS itself, and its cookies are Secure.

use std::net::SocketAddr;
use std::sync::Arc;

use server::config::{Config, TlsFiles};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends one HTTP/1.1 request over TLS, trusting only `cert`, and returns the raw answer.
async fn https(addr: SocketAddr, cert: &rcgen::CertifiedKey, request: &str) -> String {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots
        .add(cert.cert.der().clone())
        .expect("trust the test certificate");
    let client = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("localhost").expect("name");
    for _ in 0..100 {
        let Ok(tcp) = tokio::net::TcpStream::connect(addr).await else {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        let mut tls = connector
            .connect(name.clone(), tcp)
            .await
            .expect("TLS handshake");
        tls.write_all(request.as_bytes()).await.expect("send");
        let mut answer = String::new();
        tls.read_to_string(&mut answer).await.expect("read");
        return answer;
    }
    panic!("the HTTPS server did not start");
}

#[tokio::test]
async fn serves_https_with_secure_cookies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).expect("write key");

    let mut config = Config::for_data_dir(dir.path().join("data"));
    let state = server::build_state(config.clone()).await.expect("state");
    server::seed::seed_demo(&state.store, "a-test-password-1", chrono::Utc::now())
        .await
        .expect("seed");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    config.addr = SocketAddr::from(([127, 0, 0, 1], port));
    config.tls = Some(TlsFiles {
        cert: cert_path,
        key: key_path,
    });
    tokio::spawn(server::serve(config));

    let health = https(
        SocketAddr::from(([127, 0, 0, 1], port)),
        &cert,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let body = r#"{"email":"inspector@demo.nhs.test","password":"a-test-password-1"}"#;
    let login = https(
        SocketAddr::from(([127, 0, 0, 1], port)),
        &cert,
        &format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    let cookie = login
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    // Only this exact host over HTTPS may set it, and browsers keep to HTTPS from now on.
    assert!(
        cookie.contains("set-cookie: __Host-readyward_session=")
            || cookie.contains("Set-Cookie: __Host-readyward_session="),
        "{cookie}"
    );
    let hsts = login
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("strict-transport-security:")
        })
        .expect("HSTS over HTTPS");
    assert!(hsts.ends_with("max-age=31536000"), "{hsts}");
}
