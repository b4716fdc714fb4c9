//! A plain HTTP/1.1 client over TCP, one connection per request (`Connection: close`), for
//! tests that talk to a real listening server, through a faulty proxy or to another process.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A whole response: status and body.
#[derive(Debug)]
pub struct WireReply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl WireReply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What one request sends.
pub struct WireRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub token: Option<&'a str>,
    pub content_type: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: &'a [u8],
}

impl<'a> WireRequest<'a> {
    /// A GET, signed in or not.
    pub fn get(path: &'a str, token: Option<&'a str>) -> Self {
        WireRequest {
            method: "GET",
            path,
            token,
            content_type: "text/plain",
            headers: vec![],
            body: b"",
        }
    }

    /// A request with a JSON body.
    pub fn json(method: &'a str, path: &'a str, token: Option<&'a str>, body: &'a [u8]) -> Self {
        WireRequest {
            method,
            path,
            token,
            content_type: "application/json",
            headers: vec![],
            body,
        }
    }
}

/// Sends one request and reads the whole response within `limit`; a cut, reset, stalled or
/// truncated exchange is an error (the caller retries).
pub async fn send(
    addr: SocketAddr,
    r: &WireRequest<'_>,
    limit: Duration,
) -> std::io::Result<WireReply> {
    tokio::time::timeout(limit, exchange(addr, r))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"))?
}

async fn exchange(addr: SocketAddr, r: &WireRequest<'_>) -> std::io::Result<WireReply> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
        r.method,
        r.path,
        r.content_type,
        r.body.len()
    );
    if let Some(token) = r.token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for (name, value) in &r.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(r.body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse(&raw)
}

fn broken(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, what.to_owned())
}

fn parse(raw: &[u8]) -> std::io::Result<WireReply> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| broken("no complete head"))?;
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let body = raw[end + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| broken("no status"))?;
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())
            .flatten()
    });
    if length.is_some_and(|n| n != body.len()) {
        return Err(broken("a truncated body"));
    }
    Ok(WireReply { status, body })
}
