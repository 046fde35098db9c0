//! `pilote-bench`: Pilote measured against the machine's limits, each figure next to its
//! baseline in the same run (issue 9, docs/benchmarks.md).
//!
//! On SQLite and on PostgreSQL it builds the State-size portfolio (1 000 products, 5 weekly
//! indicators, 10 years: 2.6 M measures; `--scale` shrinks or grows the product count,
//! `--quick` is the smoke test's tiny run) and measures:
//! 1. ingestion through the store against plain prepared single-row inserts;
//! 2. HTTP single-measure and 1 000-row batch POSTs under concurrent load against `/healthz`
//!    of the same server (it does no I/O: the "hello" route);
//! 3. the portfolio, the product list and the timeline chart, before and after doubling the
//!    measures;
//! 4. the indicator chart against matplotlib drawing it from the same data;
//! 5. the server's peak resident memory.
//!
//! Prints a Markdown table (and the machine it ran on) on standard output; progress on
//! standard error. No figure is asserted: the smoke test only checks that it runs.

mod charts;
mod databases;
mod http;
mod ingest;
mod pgbench;
mod portfolio;
mod reads;
mod report;
mod rng;
mod server;
mod sqlitebench;

use std::{
    fmt::Write as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate, Utc};
use clap::Parser;
use pilote_charts::IndicatorChart;
use pilote_domain::{Email, Grant, Period, Periodicity, Slug};
use pilote_store::{Actor, Backend, repo::users, transaction};

use databases::BenchDb;
use http::{Client, request};
use portfolio::BenchProduct;
use report::{Figure, factor, grouped, millis, percent};
use rng::Rng;

/// Measures Pilote against its targets on SQLite and PostgreSQL (docs/benchmarks.md).
#[derive(Debug, Parser)]
#[command(name = "pilote-bench")]
struct Args {
    /// Products, as a fraction of the State-size 1 000 (5 weekly indicators, 10 years each).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// A tiny run (5 products, one year, sub-second loads) to check that the bench works.
    #[arg(long)]
    quick: bool,
    /// Backends to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// The PostgreSQL server; the bench works in schemas of its own, dropped at the end.
    #[arg(
        long,
        env = "PILOTE_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// The `pilote` binary to serve with (default: next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// The repository, for `scripts/ensure-venv` and `bench/` (default: where this was built).
    #[arg(long)]
    repo: Option<PathBuf>,
    /// Where SQLite files go (default: a new directory under the system's temporary one).
    #[arg(long)]
    workdir: Option<PathBuf>,
    /// Python with matplotlib (default: the one `scripts/ensure-venv` prepares).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Leave the matplotlib comparison out.
    #[arg(long)]
    no_matplotlib: bool,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds each HTTP load runs.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Requests timed per GET figure (the median is kept).
    #[arg(long, default_value_t = 20)]
    repeats: usize,
}

/// The sizes of one run.
#[derive(Clone, Debug)]
struct Plan {
    products: usize,
    weeks: usize,
    load: Duration,
    connections: usize,
    repeats: usize,
    chart_repeats: usize,
    python_repeats: usize,
    /// Rows of a batch POST (5 indicators × consecutive weeks).
    batch_weeks: usize,
}

impl Plan {
    fn from(args: &Args) -> Plan {
        if args.quick {
            return Plan {
                products: 5,
                weeks: 52,
                load: Duration::from_millis(300),
                connections: 4,
                repeats: 2,
                chart_repeats: 3,
                python_repeats: 2,
                batch_weeks: 40,
            };
        }
        Plan {
            products: ((1000.0 * args.scale).round() as usize).max(1),
            // Ten years of weeks.
            weeks: 522,
            load: Duration::from_secs_f64(args.seconds.max(0.1)),
            connections: args.connections.max(1),
            repeats: args.repeats.max(1),
            chart_repeats: 200,
            python_repeats: 20,
            batch_weeks: 200,
        }
    }
}

/// Everything the run needs to know.
struct Run {
    plan: Plan,
    today: NaiveDate,
    workdir: PathBuf,
    server: PathBuf,
    postgres_url: String,
    figures: Vec<Figure>,
    chart: Option<IndicatorChart>,
    /// The current backend's bulk baseline (`COPY`, multi-row inserts), for the HTTP batches.
    bulk: Option<ingest::Rate>,
}

const EMAIL: &str = "bench@beta.gouv.fr";
const PASSWORD: &str = "banc-d-essai-mot-de-passe";

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pilote-bench: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let plan = Plan::from(&args);
    let own_workdir = args.workdir.is_none();
    let workdir = args.workdir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("pilote-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&workdir)?;
    let server = match &args.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("no directory for this executable")?
            .join("pilote"),
    };
    // The server runs in the work directory: a relative path (`bench/run` gives one) would
    // name nothing there.
    let server = server
        .canonicalize()
        .with_context(|| format!("no server binary at {}", server.display()))?;
    let repo = args
        .repo
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let mut run = Run {
        plan,
        today: Utc::now().date_naive(),
        workdir: workdir.clone(),
        server,
        postgres_url: args.postgres_url.clone(),
        figures: Vec::new(),
        chart: None,
        bulk: None,
    };
    let header = machine(&args, &run.plan);
    eprintln!("{header}");
    let mut outcome = Ok(());
    for name in &args.backends {
        let backend = match name.trim() {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" => Backend::Postgres,
            other => bail!("unknown backend {other:?} (sqlite or postgres)"),
        };
        outcome = run.backend(backend);
        if outcome.is_err() {
            break;
        }
    }
    if outcome.is_ok() {
        outcome = run.charts(&args, &repo);
    }
    println!("{header}");
    println!("{}", report::markdown(&run.figures));
    if own_workdir && std::env::var_os("PILOTE_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&workdir);
    }
    outcome
}

/// The machine and the run's parameters, as the doc records them.
fn machine(args: &Args, plan: &Plan) -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "?".to_owned());
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "?".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = read("/proc/loadavg");
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pilote-bench {} — {}",
        std::env::args().skip(1).collect::<Vec<_>>().join(" "),
        Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(
        out,
        "machine: {cpu}, nproc = {cores}, {memory}; load average at start {}",
        load.join(" ")
    );
    let _ = writeln!(
        out,
        "portfolio: {} products × 5 weekly indicators × {} weeks = {} measures; \
         load {} connections × {:.1} s; backends {}",
        plan.products,
        plan.weeks,
        grouped((plan.products * 5 * plan.weeks) as f64),
        plan.connections,
        plan.load.as_secs_f64(),
        args.backends.join(", ")
    );
    out
}

/// Prints progress on standard error.
fn step(backend: Backend, what: &str) {
    eprintln!(
        "[{} {}] {what}",
        Utc::now().format("%H:%M:%S"),
        backend.as_str()
    );
}

/// An ingestion rate next to the store's first one (`baseline`, with what it was), against the
/// backend's floor in rows/s.
fn ingestion_figure(
    backend: &str,
    what: String,
    rate: ingest::Rate,
    (baseline, label): (ingest::Rate, &str),
    floor: f64,
) -> Figure {
    Figure::new(backend, what)
        .value(grouped(rate.per_second()))
        .baseline(format!("{} ({label})", grouped(baseline.per_second())))
        .ratio(percent(rate.per_second() / baseline.per_second()))
        .target(
            format!("≥ {} /s", grouped(floor)),
            rate.per_second() >= floor,
        )
}

impl Run {
    fn backend(&mut self, backend: Backend) -> anyhow::Result<()> {
        let name = backend.as_str();
        let plan = self.plan.clone();
        let measures = plan.products * 5 * plan.weeks;

        step(backend, "baseline: the engine's bulk path");
        let raw = {
            let raw_db = BenchDb::create(backend, "raw", &self.workdir, &self.postgres_url)?;
            let mut conn = raw_db.db.get()?;
            let products = portfolio::create(&mut conn, plan.products, plan.weeks, self.today)?;
            let batches = portfolio::measures(&products, plan.weeks, 0, self.today, 1)?;
            ingest::bulk(&mut conn, &batches)?
        };

        step(backend, "ingestion through the store");
        let db = BenchDb::create(backend, "store", &self.workdir, &self.postgres_url)?;
        let mut conn = db.db.get()?;
        let products = portfolio::create(&mut conn, plan.products, plan.weeks, self.today)?;
        let batches = portfolio::measures(&products, plan.weeks, 0, self.today, 1)?;
        let stored = ingest::store(&mut conn, &batches, self.today)?;
        drop(batches);
        let ratio = stored.per_second() / raw.per_second();
        let floor = match backend {
            Backend::Sqlite => 200_000.0,
            Backend::Postgres => 100_000.0,
        };
        let bulk_label = match backend {
            Backend::Sqlite => "multi-row prepared inserts of 1 000 rows, one transaction",
            Backend::Postgres => "binary COPY of the same rows, one transaction",
        };
        self.bulk = Some(raw);
        self.figures.push(
            Figure::new(
                name,
                format!(
                    "ingestion through the store, {} measures (rows/s; one transaction per product batch of {} rows)",
                    grouped(measures as f64),
                    5 * plan.weeks
                ),
            )
            .value(grouped(stored.per_second()))
            .baseline(format!("{} ({bulk_label})", grouped(raw.per_second())))
            .ratio(percent(ratio))
            .target(
                format!("≥ 50 % of the bulk path (≥ {} /s)", grouped(floor)),
                ratio >= 0.5,
            ),
        );

        if backend == Backend::Postgres {
            // One backend process per connection: what the second core adds when two product
            // batches are ingested at once (two teams, or an import split by product).
            step(backend, "ingestion through the store, two writers");
            let two_db = BenchDb::create(backend, "store2", &self.workdir, &self.postgres_url)?;
            let two = {
                let mut conn = two_db.db.get()?;
                let products = portfolio::create(&mut conn, plan.products, plan.weeks, self.today)?;
                let batches = portfolio::measures(&products, plan.weeks, 0, self.today, 1)?;
                drop(conn);
                ingest::store_parallel(&two_db.db, &batches, self.today, 2)?
            };
            self.figures.push(ingestion_figure(
                name,
                format!(
                    "ingestion through the store, two writers at once, {} measures (rows/s)",
                    grouped(measures as f64)
                ),
                two,
                (stored, "one writer"),
                floor,
            ));
        }

        if self.chart.is_none() {
            let first = products.first().context("no product")?;
            let key = Slug::parse(portfolio::indicator_keys().next().unwrap_or_default())?;
            let today = self.today;
            self.chart = Some(transaction::read(&mut conn, |c| {
                pilote_api::service::chart_data::indicator(c, first.id, &key, today)
            })?);
        }

        transaction::write(&mut conn, |c| {
            let id = users::insert(
                c,
                &Email::parse(EMAIL)?,
                "Banc d'essai",
                Some(
                    &pilote_api::auth::password::hash(PASSWORD)
                        .map_err(|e| pilote_store::StoreError::Conflict(e.to_string()))?,
                ),
                Actor::System,
            )?;
            users::grant(c, id, &Grant::Admin, Actor::System)
        })?;

        step(backend, "HTTP load");
        let server = server::Server::start(&self.server, &db.url, &self.workdir)?;
        let token = login(server.addr)?;
        self.http_load(backend, server.addr, &token, &products, &db.url)?;

        step(backend, "reads on the big portfolio");
        reads::spend(&mut conn, &products, self.today)?;
        settle(&mut conn)?;
        let before = self.reads(server.addr, &token)?;
        let rss_big = server.peak_rss_kib()?;

        step(backend, "doubling the measures");
        let older = portfolio::measures(&products, plan.weeks, plan.weeks, self.today, 2)?;
        let doubled = ingest::store(&mut conn, &older, self.today)?;
        drop(older);
        self.figures.push(ingestion_figure(
            name,
            format!(
                "ingestion through the store into the populated portfolio, {} more measures (rows/s)",
                grouped(measures as f64)
            ),
            doubled,
            (stored, "into the empty one"),
            floor,
        ));

        step(backend, "reads on the doubled portfolio");
        settle(&mut conn)?;
        let after = self.reads(server.addr, &token)?;
        for ((what, first), (_, second)) in before.iter().zip(&after) {
            self.figures.push(
                Figure::new(
                    name,
                    format!(
                        "{what}, {} products, {} measures (median of {})",
                        plan.products,
                        grouped(measures as f64),
                        plan.repeats
                    ),
                )
                .value(millis(*first))
                .target("< 50 ms", *first < 50.0),
            );
            self.figures.push(
                Figure::new(
                    name,
                    format!(
                        "{what}, measures doubled to {}",
                        grouped(2.0 * measures as f64)
                    ),
                )
                .value(millis(*second))
                .baseline(millis(*first) + " (before doubling)")
                .ratio(factor(second / first.max(1e-9)))
                .target(
                    "< 50 ms and flat (≤ 1.25×)",
                    *second < 50.0 && *second <= 1.25 * first.max(1e-9),
                ),
            );
        }

        self.figures
            .extend(reads::ratios(name, &before, "before doubling"));
        self.figures
            .extend(reads::ratios(name, &after, "measures doubled"));
        if let Some(baseline) = reads::baseline(&after) {
            let cold = reads::cold(&mut conn, server.addr, &token, plan.repeats, name, baseline)?;
            self.figures.extend(cold);
        }

        let rss_end = server.peak_rss_kib()?;
        let mib = |kib: u64| kib as f64 / 1024.0;
        let limit = 64.0;
        let rss_figure = |what: &str, kib: u64| {
            let figure = Figure::new(name, what).value(format!("{:.1} MiB", mib(kib)));
            if backend == Backend::Sqlite {
                figure.target("< 64 MiB", mib(kib) < limit)
            } else {
                figure
            }
        };
        self.figures.push(rss_figure(
            "server peak RSS (VmHWM) after the HTTP load and the reads",
            rss_big,
        ));
        self.figures.push(rss_figure(
            "server peak RSS (VmHWM) at the end, measures doubled",
            rss_end,
        ));
        drop(server);
        Ok(())
    }

    /// Hello, single POST and batch POST under the same concurrent load.
    fn http_load(
        &mut self,
        backend: Backend,
        addr: SocketAddr,
        token: &str,
        products: &[BenchProduct],
        url: &str,
    ) -> anyhow::Result<()> {
        let plan = &self.plan;
        let name = backend.as_str();
        let keys: Vec<&str> = portfolio::indicator_keys().collect();
        let last = Period::last_complete(Periodicity::Week, self.today).start();
        let paths: Vec<String> = products
            .iter()
            .map(|p| format!("/api/v1/products/{}/measures", p.slug))
            .collect();
        let week = |back: usize| last - Days::new(7 * back as u64);

        // Warm-up: connections, the pool, the server's caches.
        let hello = request("GET", "/healthz", None, None);
        http::load(addr, plan.connections, plan.load / 4, |_, _| hello.clone());
        let hello_run = http::load(addr, plan.connections, plan.load, |_, _| hello.clone());
        check(&hello_run, "GET /healthz")?;

        let single = http::load(addr, plan.connections, plan.load, |_, rng: &mut Rng| {
            let path = &paths[rng.below(paths.len())];
            let body = format!(
                r#"{{"measures":[{{"indicator":"{}","period":"{}","value":{}}}]}}"#,
                keys[rng.below(keys.len())],
                week(rng.below(plan.weeks)),
                rng.below(100_000)
            );
            request("POST", path, Some(token), Some(&body))
        });
        check(&single, "single-measure POST")?;
        // The engine's own rate for the same transaction, at the same moment, 8 clients.
        let engine = match backend {
            Backend::Postgres => {
                pgbench::tps(url, &self.workdir, products, plan.weeks, last, 8, plan.load)?
            }
            Backend::Sqlite => sqlitebench::tps(url, products, plan.weeks, last, plan.load, 1)?,
        };
        // SQLite's writer commits the posts waiting together: the bare transactions grouped
        // by as many as there are connections are the most that could give.
        let grouped_engine = match backend {
            Backend::Sqlite => Some(sqlitebench::tps(
                url,
                products,
                plan.weeks,
                last,
                plan.load,
                plan.connections,
            )?),
            Backend::Postgres => None,
        };

        let weeks = plan.batch_weeks.min(plan.weeks);
        let rows = weeks * keys.len();
        let batch = http::load(addr, plan.connections, plan.load, |_, rng: &mut Rng| {
            let path = &paths[rng.below(paths.len())];
            let first = rng.below(plan.weeks - weeks + 1);
            let mut body = String::with_capacity(rows * 64);
            body.push_str(r#"{"measures":["#);
            for (i, key) in keys.iter().enumerate() {
                for w in 0..weeks {
                    if i + w > 0 {
                        body.push(',');
                    }
                    let _ = write!(
                        body,
                        r#"{{"indicator":"{key}","period":"{}","value":{}}}"#,
                        week(first + w),
                        rng.below(100_000)
                    );
                }
            }
            body.push_str("]}");
            request("POST", path, Some(token), Some(&body))
        });
        check(&batch, "batch POST")?;

        let hello_rate = hello_run.per_second();
        let conns = plan.connections;
        self.figures.push(
            Figure::new(
                name,
                format!("HTTP GET /healthz, the hello route ({conns} connections; req/s)"),
            )
            .value(grouped(hello_rate))
            .baseline(format!("p99 {}", millis(hello_run.latency_ms(0.99)))),
        );
        let single_ratio = single.per_second() / hello_rate;
        let figure = Figure::new(
            name,
            format!("HTTP single-measure POST with a JWT ({conns} connections; req/s)"),
        )
        .value(format!(
            "{} (p99 {})",
            grouped(single.per_second()),
            millis(single.latency_ms(0.99))
        ))
        .baseline(grouped(hello_rate) + " (hello)")
        .ratio(percent(single_ratio));
        self.figures.push(if backend == Backend::Sqlite {
            figure.target("≥ 25 % of hello", single_ratio >= 0.25)
        } else {
            figure
        });
        let ratio = single.per_second() / engine;
        let against_engine = match backend {
            Backend::Postgres => Figure::new(
                name,
                "HTTP single-measure POST against the same transaction in plain SQL \
                 (pgbench, 8 clients; req/s against tps)",
            )
            .value(grouped(single.per_second()))
            .baseline(grouped(engine) + " (pgbench)")
            .ratio(percent(ratio))
            .target("≥ 70 % of pgbench", ratio >= 0.7),
            // No target in the issue: it tells how far the post is from the engine's own
            // pace, next to the target against hello.
            Backend::Sqlite => Figure::new(
                name,
                "HTTP single-measure POST against the same transaction in plain SQL \
                 (one connection, a transaction each; req/s against tx/s)",
            )
            .value(grouped(single.per_second()))
            .baseline(grouped(engine) + " (plain SQL)")
            .ratio(percent(ratio)),
        };
        self.figures.push(against_engine);
        if let Some(grouped_engine) = grouped_engine {
            self.figures.push(
                Figure::new(
                    name,
                    format!(
                        "HTTP single-measure POST against the same transactions in plain SQL, \
                         {conns} a commit (req/s against posts/s)"
                    ),
                )
                .value(grouped(single.per_second()))
                .baseline(grouped(grouped_engine) + " (plain SQL, grouped)")
                .ratio(percent(single.per_second() / grouped_engine)),
            );
        }
        self.figures.push(
            Figure::new(
                name,
                format!("HTTP batch POST of {rows} rows ({conns} connections; req/s, rows/s)"),
            )
            .value(format!(
                "{} req/s = {} rows/s (p99 {})",
                grouped(batch.per_second()),
                grouped(batch.per_second() * rows as f64),
                millis(batch.latency_ms(0.99))
            ))
            .baseline(grouped(hello_rate) + " (hello)")
            .ratio(percent(batch.per_second() / hello_rate)),
        );
        if let Some(bulk) = self.bulk {
            let ratio = batch.per_second() * rows as f64 / bulk.per_second();
            let figure = Figure::new(
                name,
                format!("HTTP batch POSTs of {rows} rows against the bulk baseline (rows/s)"),
            )
            .value(grouped(batch.per_second() * rows as f64))
            .baseline(grouped(bulk.per_second()) + " (the ingestion baseline above)")
            .ratio(percent(ratio));
            self.figures.push(if backend == Backend::Postgres {
                figure.target("≥ 30 % of COPY", ratio >= 0.3)
            } else {
                figure
            });
        }
        Ok(())
    }

    /// Median times of the three portfolio reads.
    fn reads(&self, addr: SocketAddr, token: &str) -> anyhow::Result<Vec<(&'static str, f64)>> {
        let mut client = Client::new(addr);
        let mut out = Vec::new();
        for (what, path) in [
            ("GET /api/v1/portfolio", "/api/v1/portfolio"),
            ("GET /api/v1/products (first page)", "/api/v1/products"),
            (
                "GET /charts/portfolio/timeline.svg",
                "/charts/portfolio/timeline.svg",
            ),
            reads::ROUTES[0],
            reads::ROUTES[1],
        ] {
            let bytes = request("GET", path, Some(token), None);
            let mut times = Vec::with_capacity(self.plan.repeats);
            for i in 0..=self.plan.repeats {
                let started = Instant::now();
                let reply = client.send(&bytes)?;
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                if reply.status != 200 {
                    bail!("{what}: HTTP {} {}", reply.status, reply.text());
                }
                // The first answer warms the caches and is not counted.
                if i > 0 {
                    times.push(ms);
                }
            }
            times.sort_by(f64::total_cmp);
            out.push((what, times[times.len() / 2]));
        }
        Ok(out)
    }

    /// Pilote's indicator chart against matplotlib's, from the same data.
    fn charts(&mut self, args: &Args, repo: &Path) -> anyhow::Result<()> {
        let Some(data) = self.chart.take() else {
            return Ok(());
        };
        eprintln!("[charts] Pilote");
        let ours = charts::pilote(&data, self.plan.chart_repeats)?;
        let what = |format: &str| {
            format!(
                "indicator chart, {} weekly points, 800×400 {format} (ms per chart)",
                data.points.len()
            )
        };
        if args.no_matplotlib {
            for (format, ms) in [("SVG", ours.svg_ms), ("PNG", ours.png_ms)] {
                self.figures
                    .push(Figure::new("—", what(format)).value(millis(ms)));
            }
            return Ok(());
        }
        eprintln!("[charts] matplotlib");
        let python = charts::python(repo, args.python.as_deref())?;
        let (theirs, version) = charts::matplotlib(
            &python,
            repo,
            &self.workdir,
            &data,
            self.plan.python_repeats,
        )?;
        for (format, ours, theirs) in [
            ("SVG", ours.svg_ms, theirs.svg_ms),
            ("PNG", ours.png_ms, theirs.png_ms),
        ] {
            let speedup = theirs / ours.max(1e-9);
            self.figures.push(
                Figure::new("—", what(format))
                    .value(millis(ours))
                    .baseline(format!("{} (matplotlib {version})", millis(theirs)))
                    .ratio(format!("{} faster", factor(speedup)))
                    .target("≥ 50× faster", speedup >= 50.0),
            );
        }
        Ok(())
    }
}

/// Lets the machine finish the previous step's writing before reads are timed, as it would
/// have between a Monday's posts and a review meeting: without it the reads right after
/// ingesting 2.6 M rows ran 1.4× slower, timing the kernel flushing the file and
/// PostgreSQL's autovacuum rather than Pilote. On SQLite, the WAL is checkpointed into the
/// database file (readers then find every page in the file); on PostgreSQL, the measures are
/// vacuumed and analysed (what autovacuum does after a bulk load, done now instead of during
/// the timed reads); then every dirty page goes to disk (`sync`).
fn settle(conn: &mut pilote_store::DbConnection) -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        pilote_store::DbConnection::Sqlite(c) => {
            c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
        pilote_store::DbConnection::Pg(c) => {
            // Every table the writes grow, the months' aggregates the matrix reads included:
            // otherwise autovacuum may pick one of them during the reads being timed.
            c.batch_execute(
                "VACUUM (ANALYZE) measures, measure_history, audit_log, measure_months, \
                 measure_latest, matrix_versions",
            )?;
        }
    }
    let synced = std::process::Command::new("sync").status()?;
    if !synced.success() {
        bail!("sync failed: {synced}");
    }
    std::thread::sleep(Duration::from_secs(1));
    Ok(())
}

/// A load run must have succeeded: a bench that measured errors measured nothing.
fn check(outcome: &http::LoadOutcome, what: &str) -> anyhow::Result<()> {
    if outcome.ok == 0 || outcome.failed > 0 {
        bail!(
            "{what}: {} answers ok, {} failed; first failure: {}",
            outcome.ok,
            outcome.failed,
            outcome.first_failure.as_deref().unwrap_or("none")
        );
    }
    Ok(())
}

/// Signs the bench's admin in; returns the JWT.
fn login(addr: SocketAddr) -> anyhow::Result<String> {
    let body = serde_json::json!({ "email": EMAIL, "password": PASSWORD }).to_string();
    let reply =
        Client::new(addr).send(&request("POST", "/api/v1/auth/login", None, Some(&body)))?;
    if reply.status != 200 {
        bail!("login: HTTP {} {}", reply.status, reply.text());
    }
    let answer: serde_json::Value = serde_json::from_slice(&reply.body)?;
    answer["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access_token in the login answer")
}
