//! A minimal HTTP/1.1 client over keep-alive connections, and the load generator built on it:
//! one OS thread per connection, each sending its next request as soon as the previous answer
//! is read (closed loop, like `wrk`). In process, so that the bench needs no tool installed and
//! its smoke test runs anywhere.

use std::{
    io::{self, BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream},
    time::{Duration, Instant},
};

use crate::rng::Rng;

/// An answer: its status and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The bytes of one request.
pub fn request(method: &str, path: &str, token: Option<&str>, json: Option<&str>) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if let Some(token) = token {
        head.push_str("Authorization: Bearer ");
        head.push_str(token);
        head.push_str("\r\n");
    }
    let body = json.unwrap_or("");
    if json.is_some() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// One keep-alive connection.
pub struct Client {
    addr: SocketAddr,
    reader: Option<BufReader<TcpStream>>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client { addr, reader: None }
    }

    fn stream(&mut self) -> io::Result<&mut BufReader<TcpStream>> {
        if self.reader.is_none() {
            let stream = TcpStream::connect(self.addr)?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(120)))?;
            self.reader = Some(BufReader::with_capacity(64 * 1024, stream));
        }
        self.reader
            .as_mut()
            .ok_or_else(|| io::Error::other("no connection"))
    }

    /// Sends `request` and reads the whole answer; reconnects next time if the server closed.
    pub fn send(&mut self, request: &[u8]) -> io::Result<Reply> {
        let result = self.exchange(request);
        if result.as_ref().map_or(true, |(_, close)| *close) {
            self.reader = None;
        }
        result.map(|(reply, _)| reply)
    }

    fn exchange(&mut self, request: &[u8]) -> io::Result<(Reply, bool)> {
        let reader = self.stream()?;
        reader.get_mut().write_all(request)?;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| io::Error::other("bad chunk size"))?;
                if size == 0 {
                    // Trailers, then the empty line.
                    loop {
                        line.clear();
                        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                reader.read_exact(&mut body[start..])?;
                let mut crlf = [0u8; 2];
                reader.read_exact(&mut crlf)?;
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        }
        Ok((Reply { status, body }, close))
    }
}

/// What a load run did.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    /// Answers with a 2xx status.
    pub ok: u64,
    /// Other answers and transport errors.
    pub failed: u64,
    pub seconds: f64,
    /// Latency of every answer, in microseconds.
    pub latencies_us: Vec<u32>,
    /// The first failure, to say why.
    pub first_failure: Option<String>,
}

impl LoadOutcome {
    /// Successful requests per second.
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.seconds.max(1e-9)
    }

    /// The `q` quantile of the latencies, in milliseconds.
    pub fn latency_ms(&self, q: f64) -> f64 {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return 0.0;
        }
        let i = ((sorted.len() - 1) as f64 * q).round() as usize;
        f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
    }
}

/// Runs `connections` closed-loop clients for `duration`, each sending what `make` builds
/// (given the connection's number and its own random stream).
pub fn load<F>(addr: SocketAddr, connections: usize, duration: Duration, make: F) -> LoadOutcome
where
    F: Fn(usize, &mut Rng) -> Vec<u8> + Sync,
{
    let started = Instant::now();
    let deadline = started + duration;
    let outcomes: Vec<LoadOutcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..connections.max(1))
            .map(|n| {
                let make = &make;
                scope.spawn(move || {
                    let mut rng = Rng::new(0xB0B0 + n as u64);
                    let mut client = Client::new(addr);
                    let mut outcome = LoadOutcome::default();
                    while Instant::now() < deadline {
                        let bytes = make(n, &mut rng);
                        let sent = Instant::now();
                        let reply = client.send(&bytes);
                        let micros = sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                        match reply {
                            Ok(r) if (200..300).contains(&r.status) => {
                                outcome.ok += 1;
                                outcome.latencies_us.push(micros);
                            }
                            Ok(r) => {
                                outcome.failed += 1;
                                outcome.first_failure.get_or_insert_with(|| {
                                    format!("HTTP {}: {}", r.status, r.text())
                                });
                            }
                            Err(e) => {
                                outcome.failed += 1;
                                outcome.first_failure.get_or_insert_with(|| e.to_string());
                                // Do not spin on a refused connection.
                                std::thread::sleep(Duration::from_millis(10));
                            }
                        }
                    }
                    outcome
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut total = LoadOutcome {
        seconds: started.elapsed().as_secs_f64(),
        ..LoadOutcome::default()
    };
    for o in outcomes {
        total.ok += o.ok;
        total.failed += o.failed;
        total.latencies_us.extend(o.latencies_us);
        if total.first_failure.is_none() {
            total.first_failure = o.first_failure;
        }
    }
    total
}
