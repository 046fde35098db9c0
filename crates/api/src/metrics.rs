//! Prometheus metrics, served as text at `GET /metrics`: requests by route and status, their
//! latency, and the measures ingested. Counters live in the process: each replica is scraped
//! on its own, as Prometheus expects.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Mutex, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use actix_web::{
    Error, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    get,
    http::header,
    middleware::Next,
};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// A latency histogram of one route.
#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Every figure the process reports.
#[derive(Default)]
pub struct Metrics {
    /// (method, route pattern, status) → requests.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// route pattern → latency.
    latency: Mutex<BTreeMap<String, Histogram>>,
    measures_created: AtomicU64,
    measures_updated: AtomicU64,
    measures_unchanged: AtomicU64,
}

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::default)
}

impl Metrics {
    /// Counts a batch of measures by what it did.
    pub fn measures(&self, created: u64, updated: u64, unchanged: u64) {
        self.measures_created.fetch_add(created, Ordering::Relaxed);
        self.measures_updated.fetch_add(updated, Ordering::Relaxed);
        self.measures_unchanged
            .fetch_add(unchanged, Ordering::Relaxed);
    }

    fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        // A poisoned lock only means another thread panicked mid-update: the counts are still
        // worth reporting.
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        drop(requests);
        let mut latency = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        let histogram = latency.entry(route.to_owned()).or_default();
        for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP pilote_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE pilote_http_requests_total counter\n");
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        for ((method, route, status), count) in requests.iter() {
            let _ = writeln!(
                out,
                "pilote_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        drop(requests);
        out.push_str("# HELP pilote_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE pilote_http_request_duration_seconds histogram\n");
        let latency = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        for (route, h) in latency.iter() {
            let route = escape(route);
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "pilote_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "pilote_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "pilote_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "pilote_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        drop(latency);
        out.push_str("# HELP pilote_measures_ingested_total Measures posted, by what they did.\n");
        out.push_str("# TYPE pilote_measures_ingested_total counter\n");
        for (result, counter) in [
            ("created", &self.measures_created),
            ("updated", &self.measures_updated),
            ("unchanged", &self.measures_unchanged),
        ] {
            let _ = writeln!(
                out,
                "pilote_measures_ingested_total{{result=\"{result}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Times and counts every request under its route pattern (`/api/v1/products/{slug}`), so
/// that slugs do not explode the number of series. Unmatched paths count as `unmatched`.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let start = Instant::now();
    // A fixed set of labels: made-up methods must not grow the table without bound.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_owned();
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    metrics().request(
        &method,
        &route,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    Ok(response)
}

/// The metrics, in Prometheus text format. No credentials: expose it to the scraper only.
#[utoipa::path(
    operation_id = "metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition",
               content_type = "text/plain; version=0.0.4", body = String)),
)]
#[get("/metrics")]
pub async fn endpoint() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4"))
        .body(metrics().render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.request("GET", "/api/v1/products/{slug}", 200, 0.003);
        m.request("GET", "/api/v1/products/{slug}", 200, 0.2);
        m.measures(3, 1, 2);
        let text = m.render();
        assert!(text.contains(
            "pilote_http_requests_total{method=\"GET\",route=\"/api/v1/products/{slug}\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "pilote_http_request_duration_seconds_bucket{route=\"/api/v1/products/{slug}\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "pilote_http_request_duration_seconds_bucket{route=\"/api/v1/products/{slug}\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains("pilote_measures_ingested_total{result=\"created\"} 3"));
    }
}
