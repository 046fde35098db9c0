//! Building the server: used by `pilote serve` and by the end-to-end tests alike.

use std::net::TcpListener;

use actix_web::{App, HttpServer, dev::Server, middleware, web};
use pilote_store::Database;

use utoipa_actix_web::AppExt;

use crate::{
    ApiError, Settings, auth, client_ip,
    demo_accounts::{DemoAccount, DemoAccounts},
    json, metrics, openapi, pages, request_id, security_headers,
};

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `bind` (port 0 picks a free one) and prepares the server over `db`.
    pub fn build(settings: &Settings, bind: &str, db: Database) -> std::io::Result<Application> {
        Application::build_with_demo(settings, bind, db, Vec::new())
    }

    /// Like [`Application::build`]; the login page lists `demo` (the demo accounts this
    /// process generated) only if the server listens on the loopback address.
    pub fn build_with_demo(
        settings: &Settings,
        bind: &str,
        db: Database,
        demo: Vec<DemoAccount>,
    ) -> std::io::Result<Application> {
        pages::set_state_brand(settings.web.state_brand);
        let listener = TcpListener::bind(bind)?;
        let address = listener.local_addr()?;
        let port = address.port();
        let demo = web::Data::new(DemoAccounts(if address.ip().is_loopback() {
            demo
        } else {
            Vec::new()
        }));
        let data = web::Data::new(db);
        let runner = web::Data::new(
            crate::service::sources::Runner::new(settings).map_err(std::io::Error::other)?,
        );
        let auth = auth::configure(settings);
        let proxies = web::Data::new(
            client_ip::TrustedProxies::parse(&settings.trusted_proxies)
                .map_err(std::io::Error::other)?,
        );
        let outbox = web::Data::new(
            crate::mail::Outbox::from_settings(settings).map_err(std::io::Error::other)?,
        );
        let pages = pages::configure(auth::session::SessionConfig::new(settings, bind));
        let server = HttpServer::new(move || {
            let app = App::new()
                // The last `wrap` is the outermost: the logger sees the response after the
                // request-id middleware has set its header.
                .wrap(middleware::from_fn(auth::session::renew_cookie))
                .wrap(middleware::from_fn(security_headers::middleware))
                .wrap(middleware::from_fn(metrics::middleware))
                .wrap(middleware::from_fn(request_id::middleware))
                .wrap(middleware::Logger::new(
                    "%{x-request-id}o %a \"%r\" %s %b %Dms",
                ))
                .app_data(web::PayloadConfig::new(json::LIMIT))
                .app_data(data.clone())
                .app_data(runner.clone())
                .app_data(proxies.clone())
                .app_data(demo.clone())
                .app_data(outbox.clone())
                .app_data(web::QueryConfig::default().error_handler(|error, _| {
                    ApiError::Invalid {
                        field: "query".to_owned(),
                        problem: error.to_string(),
                    }
                    .into()
                }))
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| ApiError::NotFound("resource").into()),
                )
                .configure(auth.clone());
            // Registers the routes and serves the OpenAPI document their registration built.
            // The API goes before the pages: actix tries routes in the order they were
            // registered, and the pages' hundred patterns (most with a `{slug}`, each a regex)
            // tried first cost every API request a third of its routing CPU (issue 23's
            // profile). No page path starts with `/api/`, `/charts/` or `/healthz`.
            openapi::mount(app.into_utoipa_app()).configure(pages.clone())
        })
        // Requests in flight get this long to finish on SIGTERM (a rolling restart).
        .shutdown_timeout(settings.shutdown_timeout_secs)
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop (SIGINT/SIGTERM: requests in flight finish).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
