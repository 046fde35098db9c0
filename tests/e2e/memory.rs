//! The server's memory stays where it was after each sign-in (`src/memory.rs`): a password
//! hash works over a 19 MiB block (argon2id), and glibc used to keep each one resident once
//! it had freed the first (34 → 95 MiB after three sign-ins on the release build).

use pilote_store::Backend;

use crate::{
    helpers::Server,
    world::{PASSWORD, World},
};

#[test]
fn signing_in_again_and_again_does_not_grow_the_server() {
    let w = World::on(Backend::Sqlite).start();
    // A server of its own, signed in to once: the code of a sign-in has been run, its pages
    // read from the binary; what is measured is the heap (`RssAnon`).
    let server = Server::start(w.dir(), &["--database-url", w.db_url()]);
    server.login("member@test.gouv.fr", PASSWORD);
    let before = server.resident_anon_kib();
    for _ in 0..6 {
        server.login("member@test.gouv.fr", PASSWORD);
    }
    let after = server.resident_anon_kib();
    // Less than one hash's block: with the blocks kept, the first sign-ins added 19 MiB each.
    assert!(
        after < before + 19 * 1024,
        "resident heap went from {before} KiB to {after} KiB over six sign-ins"
    );
}
