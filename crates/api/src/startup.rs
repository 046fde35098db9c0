//! Building the server: used by `pilote serve` and by the end-to-end tests alike.

use std::net::TcpListener;

use actix_web::{App, HttpServer, dev::Server, middleware, web};
use pilote_store::Database;

use crate::routes;

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `bind` (port 0 picks a free one) and prepares the server over `db`.
    pub fn build(bind: &str, db: Database) -> std::io::Result<Application> {
        let listener = TcpListener::bind(bind)?;
        let port = listener.local_addr()?.port();
        let data = web::Data::new(db);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::Logger::default())
                .app_data(data.clone())
                .configure(routes::configure)
        })
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
