//! Copying a whole Pilote database to another one, of either backend (`pilote migrate-db`):
//! every table in foreign-key order, ids preserved, in one transaction on the target, checked
//! row for row afterwards.
//!
//! Rows are read through the typed columns of [`crate::schema`], so that each value crosses
//! backends as its Rust type (a PostgreSQL `TIMESTAMP` becomes SQLite text and back) rather than
//! as whatever text one backend would print.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::{connection::SimpleConnection, prelude::*};
use sha2::{Digest, Sha256};

mod canonical;
pub mod dump;

use canonical::Canonical;

use crate::{
    connection::{Database, DbConnection},
    error::{StoreError, StoreResult},
    repo::{aggregates, latest},
    transaction, with_backend,
};

/// Tables of derived data, neither copied nor dumped: they are rebuilt from the copied rows
/// (`measure_latest`: each indicator's latest value, `repo::latest`; `measure_months`: its
/// figures per month, `repo::aggregates`), or are the database's own state (`auth_version`: a
/// counter its triggers move, `repo::auth_version`; `matrix_versions`: each product's, moved
/// by triggers and by `repo::aggregates`; a copy starts from the target's, and the copy's own
/// writes and rebuild move them).
pub const DERIVED_TABLES: &[&str] = &[
    "measure_latest",
    "measure_months",
    "auth_version",
    "matrix_versions",
];

/// Rows read and written per round trip: bounded memory on big tables, and well under both
/// backends' limits on bound parameters (at most 16 columns × 500).
const BATCH: i64 = 500;

/// One table's fingerprint: its row count and a SHA-256 of its rows in primary-key order, each
/// value normalised (dates and timestamps as ISO text, floats by their bits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableChecksum {
    pub table: &'static str,
    pub rows: u64,
    pub sha256: String,
}

/// Generates the per-table code from one list: every table, parents before children (so that
/// foreign keys hold while rows arrive), with its primary key and each column's Rust type. The
/// compiler checks each listed column against `schema.rs`; a column left out of the list would
/// be neither copied nor checksummed, so a schema change must extend the list too.
macro_rules! tables {
    ($( $table:ident ($($pk:ident),+) { $($col:ident: $ty:ty),+ $(,)? } )+) => {
        /// Every table, in foreign-key order (parents first).
        pub const TABLES: &[&str] = &[$(stringify!($table)),+];

        /// Every table's columns as copied, for the test that holds them to the migrations.
        pub const COLUMNS: &[(&str, &[&str])] = &[$((stringify!($table), &[$(stringify!($col)),+])),+];

        /// The first table holding rows, if any.
        fn first_non_empty(conn: &mut DbConnection) -> StoreResult<Option<&'static str>> {
            $(
                let rows: i64 = crate::schema::$table::table.count().get_result(conn)?;
                if rows > 0 {
                    return Ok(Some(stringify!($table)));
                }
            )+
            Ok(None)
        }

        /// Every table's row count, in [`TABLES`] order.
        pub fn row_counts(conn: &mut DbConnection) -> StoreResult<Vec<(&'static str, u64)>> {
            let mut counts = Vec::new();
            $(
                let rows: i64 = crate::schema::$table::table.count().get_result(conn)?;
                counts.push((stringify!($table), rows.unsigned_abs()));
            )+
            Ok(counts)
        }

        /// Copies every row of every table, ids included.
        fn copy_rows(from: &mut DbConnection, to: &mut DbConnection) -> StoreResult<()> {
            $({
                use crate::schema::$table as t;
                let mut offset = 0;
                loop {
                    let rows: Vec<($($ty,)+)> = t::table
                        .select(($(t::$col,)+))
                        .order(($(t::$pk,)+))
                        .limit(BATCH)
                        .offset(offset)
                        .load(from)?;
                    if rows.is_empty() {
                        break;
                    }
                    offset += BATCH;
                    let values: Vec<_> = rows
                        .into_iter()
                        .map(|($($col,)+)| ($(t::$col.eq($col),)+))
                        .collect();
                    with_backend!(to, |c| diesel::insert_into(t::table).values(values).execute(c))?;
                }
            })+
            Ok(())
        }

        /// Every table's row count and checksum, in [`TABLES`] order.
        pub fn checksums(conn: &mut DbConnection) -> StoreResult<Vec<TableChecksum>> {
            let mut sums = Vec::new();
            $({
                use crate::schema::$table as t;
                let (mut hasher, mut count, mut offset) = (Sha256::new(), 0, 0);
                loop {
                    let rows: Vec<($($ty,)+)> = t::table
                        .select(($(t::$col,)+))
                        .order(($(t::$pk,)+))
                        .limit(BATCH)
                        .offset(offset)
                        .load(conn)?;
                    if rows.is_empty() {
                        break;
                    }
                    offset += BATCH;
                    for ($($col,)+) in &rows {
                        let mut line = String::new();
                        $(
                            $col.canonical(&mut line);
                            line.push('\u{1f}');
                        )+
                        line.push('\n');
                        hasher.update(line.as_bytes());
                        count += 1;
                    }
                }
                sums.push(TableChecksum {
                    table: stringify!($table),
                    rows: count,
                    sha256: hasher.finalize().iter().map(|b| format!("{b:02x}")).collect(),
                });
            })+
            Ok(sums)
        }

        /// Writes every table as [`dump`] lays it out, reporting rows as they are read.
        fn dump_rows(
            conn: &mut DbConnection,
            out: &mut String,
            progress: &mut dyn FnMut(u64),
        ) -> StoreResult<()> {
            use dump::DumpValue as _;
            let mut first_table = true;
            $({
                use crate::schema::$table as t;
                if !std::mem::take(&mut first_table) {
                    out.push_str(",\n");
                }
                out.push_str(concat!(
                    "    {\n      \"table\": \"", stringify!($table), "\",\n      \"columns\": ["
                ));
                let columns: &[&str] = &[$(stringify!($col)),+];
                out.push_str(&columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "));
                out.push_str("],\n      \"rows\": [");
                let (mut offset, mut first_row) = (0, true);
                loop {
                    let rows: Vec<($($ty,)+)> = t::table
                        .select(($(t::$col,)+))
                        .order(($(t::$pk,)+))
                        .limit(BATCH)
                        .offset(offset)
                        .load(conn)?;
                    if rows.is_empty() {
                        break;
                    }
                    offset += BATCH;
                    progress(rows.len() as u64);
                    for ($($col,)+) in &rows {
                        out.push_str(if std::mem::take(&mut first_row) { "\n        [" } else { ",\n        [" });
                        let mut first_cell = true;
                        $(
                            if !std::mem::take(&mut first_cell) {
                                out.push_str(", ");
                            }
                            $col.write(out);
                        )+
                        out.push(']');
                    }
                }
                out.push_str(if first_row { "]\n    }" } else { "\n      ]\n    }" });
            })+
            Ok(())
        }

        /// Inserts every row of a parsed dump, ids included, reporting rows as they go in.
        fn load_rows(
            conn: &mut DbConnection,
            dump: &dump::Dump,
            progress: &mut dyn FnMut(u64),
        ) -> StoreResult<()> {
            let mut tables = dump.tables.iter();
            $({
                use crate::schema::$table as t;
                let rows = tables.next().map(Vec::as_slice).unwrap_or_default();
                for (chunk_index, chunk) in rows.chunks(BATCH as usize).enumerate() {
                    let mut values = Vec::with_capacity(chunk.len());
                    for (i, row) in chunk.iter().enumerate() {
                        let index = chunk_index * BATCH as usize + i;
                        let cells = row.as_array().ok_or_else(|| dump::invalid(
                            format!(concat!("tables.", stringify!($table), ".rows[{}]"), index),
                            "must be an array",
                        ))?;
                        let columns: &[&str] = &[$(stringify!($col)),+];
                        if cells.len() != columns.len() {
                            return Err(dump::invalid(
                                format!(concat!("tables.", stringify!($table), ".rows[{}]"), index),
                                format!("has {} values for {} columns", cells.len(), columns.len()),
                            ));
                        }
                        let mut position = 0;
                        $(
                            let $col: $ty = dump::cell(stringify!($table), index, stringify!($col), cells, position)?;
                            position += 1;
                        )+
                        let _ = position;
                        values.push(($(t::$col.eq($col),)+));
                    }
                    with_backend!(conn, |c| diesel::insert_into(t::table).values(values).execute(c))?;
                    progress(chunk.len() as u64);
                }
            })+
            Ok(())
        }

        /// Tables whose key is a generated `id`, whose sequence must follow the copied ids.
        const SERIAL_TABLES: &[&str] = &[$(
            if matches!(stringify!($($pk)+).as_bytes(), b"id") { stringify!($table) } else { "" }
        ),+];
    };
}

tables! {
    users (id) {
        id: i64,
        email: String,
        name: String,
        password_hash: Option<String>,
        created_at: NaiveDateTime,
        disabled_at: Option<NaiveDateTime>,
        session_generation: i64,
    }
    incubators (id) {
        id: i64,
        slug: String,
        name: String,
        administration: String,
        investigation_months: i32,
        construction_months: i32,
        acceleration_months: i32,
        created_at: NaiveDateTime,
        committee_months: i32,
    }
    products (id) {
        id: i64,
        slug: String,
        incubator_id: i64,
        name: String,
        pitch: String,
        problem: Option<String>,
        sponsor: String,
        website: Option<String>,
        repository: Option<String>,
        published: bool,
        created_on: NaiveDate,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
        perennisation_mode: Option<String>,
        publish_efficiency: bool,
    }
    user_roles (id) {
        id: i64,
        user_id: i64,
        role: String,
        incubator_id: Option<i64>,
        product_id: Option<i64>,
        granted_at: NaiveDateTime,
    }
    user_identities (id) {
        id: i64,
        issuer: String,
        subject: String,
        user_id: i64,
        created_at: NaiveDateTime,
    }
    one_time_tokens (id) {
        id: i64,
        purpose: String,
        token_hash: String,
        user_id: i64,
        created_by: Option<i64>,
        created_at: NaiveDateTime,
        expires_at: NaiveDateTime,
        used_at: Option<NaiveDateTime>,
    }
    api_tokens (id) {
        id: i64,
        product_id: i64,
        name: String,
        prefix: String,
        token_hash: String,
        created_by: Option<i64>,
        created_at: NaiveDateTime,
        last_used_at: Option<NaiveDateTime>,
        revoked_at: Option<NaiveDateTime>,
    }
    login_attempts (id) {
        id: i64,
        email: String,
        ip: String,
        attempted_at: NaiveDateTime,
        succeeded: bool,
        kind: String,
    }
    decisions (id) {
        id: i64,
        product_id: i64,
        kind: String,
        decided_on: NaiveDate,
        rationale: String,
        decided_by: Option<i64>,
        recorded_at: NaiveDateTime,
    }
    phases (id) {
        id: i64,
        product_id: i64,
        phase: String,
        started_on: NaiveDate,
        ended_on: Option<NaiveDate>,
        decision_id: Option<i64>,
        is_return: bool,
    }
    indicators (id) {
        id: i64,
        product_id: i64,
        key: String,
        label: String,
        unit: String,
        direction: String,
        principle: String,
        periodicity: String,
        aggregation: String,
        matrix_role: Option<String>,
        north_star: bool,
        description: Option<String>,
        created_at: NaiveDateTime,
    }
    measures (id) {
        id: i64,
        indicator_id: i64,
        period: NaiveDate,
        value: f64,
        comment: Option<String>,
        source: String,
        author_user_id: Option<i64>,
        author_token_id: Option<i64>,
        recorded_at: NaiveDateTime,
        suspect: bool,
    }
    measure_history (id) {
        id: i64,
        measure_id: i64,
        value: f64,
        comment: Option<String>,
        source: String,
        author_user_id: Option<i64>,
        author_token_id: Option<i64>,
        recorded_at: NaiveDateTime,
        replaced_at: NaiveDateTime,
        suspect: bool,
    }
    indicator_sources (id) {
        id: i64,
        indicator_id: i64,
        kind: String,
        url: String,
        settings: String,
        secret: Option<String>,
        every_hours: i32,
        next_run_at: NaiveDateTime,
        lease_owner: Option<String>,
        lease_until: Option<NaiveDateTime>,
        failures: i32,
        last_run_at: Option<NaiveDateTime>,
        last_error: Option<String>,
        last_created: Option<i64>,
        last_updated: Option<i64>,
        last_unchanged: Option<i64>,
    }
    contracts (id) {
        id: i64,
        product_id: i64,
        signed_on: NaiveDate,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        review_cadence_months: i32,
        updated_at: NaiveDateTime,
    }
    contract_budgets (contract_id, year) {
        contract_id: i64,
        year: i32,
        amount: i64,
    }
    contract_milestones (contract_id, phase) {
        contract_id: i64,
        phase: String,
        planned_on: NaiveDate,
    }
    objectives (id) {
        id: i64,
        contract_id: i64,
        indicator_id: i64,
        baseline_value: f64,
        baseline_on: NaiveDate,
        target_value: f64,
        target_by: NaiveDate,
        tolerance: f64,
        created_at: NaiveDateTime,
    }
    commitments (id) {
        id: i64,
        contract_id: i64,
        area: String,
        expected: String,
        current: String,
        evidence_url: Option<String>,
        updated_at: NaiveDateTime,
    }
    spend (id) {
        id: i64,
        product_id: i64,
        month: NaiveDate,
        amount: i64,
        recorded_at: NaiveDateTime,
    }
    reviews (id) {
        id: i64,
        contract_id: i64,
        reviewed_on: NaiveDate,
        reviewers: String,
        verdict: String,
        decision_kind: String,
        decision_rationale: String,
        notes: String,
        snapshot: String,
        decision_id: Option<i64>,
        created_by: Option<i64>,
        created_at: NaiveDateTime,
        signed_at: Option<NaiveDateTime>,
        signed_by: Option<i64>,
    }
    audit_log (id) {
        id: i64,
        at: NaiveDateTime,
        actor: String,
        action: String,
        entity: String,
        entity_key: String,
        before: Option<String>,
        after: Option<String>,
    }
    product_events (id) {
        id: i64,
        product_id: i64,
        name: String,
        happened_on: NaiveDate,
        comment: Option<String>,
        decision_id: Option<i64>,
    }
    product_catalogue (product_id) {
        product_id: i64,
        betagouv_id: String,
        outcome: Option<String>,
        synced: Option<String>,
    }
    product_sheets (product_id) {
        product_id: i64,
        contact: Option<String>,
        dinum_contact: Option<String>,
        incubator_contact: Option<String>,
        stats_url: Option<String>,
        budget_url: Option<String>,
        impact_url: Option<String>,
        roadmap_url: Option<String>,
        dashlord_url: Option<String>,
        ecodesign_url: Option<String>,
        risk_analysis_url: Option<String>,
        accessibility_status: Option<String>,
        dsfr_status: Option<String>,
        monservicesecurise: Option<bool>,
        monservicesecurise_url: Option<String>,
        risk_analysis: Option<bool>,
    }
    product_tags (product_id, kind, rank) {
        product_id: i64,
        kind: String,
        rank: i32,
        label: String,
    }
    product_incubators (product_id, incubator_id) {
        product_id: i64,
        incubator_id: i64,
        rank: i32,
    }
    matrix_certifications (product_id) {
        product_id: i64,
        level: String,
        certified_on: NaiveDate,
        set_by: Option<i64>,
        set_at: NaiveDateTime,
    }
    runner_jobs (id) {
        id: i64,
        name: String,
        next_run_at: NaiveDateTime,
        lease_owner: Option<String>,
        lease_until: Option<NaiveDateTime>,
        last_run_at: Option<NaiveDateTime>,
        last_error: Option<String>,
    }
    campaigns (id) {
        id: i64,
        slug: String,
        incubator_id: i64,
        title: String,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
        audience: String,
        description: String,
        created_by: Option<i64>,
        created_at: NaiveDateTime,
    }
    campaign_criteria (id) {
        id: i64,
        campaign_id: i64,
        position: i32,
        key: String,
        label: String,
        weight: i32,
    }
    applications (id) {
        id: i64,
        campaign_id: i64,
        status: String,
        title: String,
        problem: String,
        who_suffers: String,
        current_workaround: String,
        first_users: String,
        intrapreneur_name: String,
        intrapreneur_email: String,
        availability_percent: i32,
        sponsor: String,
        consents: String,
        submitted_by: Option<i64>,
        submitted_at: NaiveDateTime,
        product_id: Option<i64>,
    }
    application_status_history (id) {
        id: i64,
        application_id: i64,
        status: String,
        reason: Option<String>,
        actor_id: Option<i64>,
        changed_at: NaiveDateTime,
    }
    application_scores (id) {
        id: i64,
        application_id: i64,
        juror_id: i64,
        conflict_of_interest: bool,
        scores: String,
        updated_at: NaiveDateTime,
    }
    irritants (id) {
        id: i64,
        incubator_id: i64,
        author_id: i64,
        title: String,
        description: String,
        status: String,
        answer: Option<String>,
        closed_by: Option<i64>,
        closed_at: Option<NaiveDateTime>,
        product_id: Option<i64>,
        created_at: NaiveDateTime,
        application_id: Option<i64>,
    }
    irritant_votes (irritant_id, user_id) {
        irritant_id: i64,
        user_id: i64,
        created_at: NaiveDateTime,
    }
}

/// Copies the whole of `from` into `to`: migrates `to`, refuses it unless every table is empty,
/// copies every row in one transaction on `to`, moves PostgreSQL sequences past the copied ids,
/// then compares every table's checksum on both sides before committing. Returns the target's
/// checksums.
///
/// The source is read in one read transaction (one snapshot); writers should still be stopped
/// during the move, or what they write after the snapshot stays behind.
pub fn copy_database(from: &Database, to: &Database) -> StoreResult<Vec<TableChecksum>> {
    to.migrate()?;
    let mut source = from.get()?;
    let mut target = to.get()?;
    transaction::read(&mut source, |source| {
        let expected = checksums(source)?;
        transaction::write(&mut target, |target| {
            if let Some(table) = first_non_empty(target)? {
                return Err(StoreError::NotEmpty {
                    table: table.to_string(),
                });
            }
            copy_rows(source, target)?;
            reset_sequences(target)?;
            latest::rebuild(target)?;
            aggregates::rebuild(target)?;
            let copied = checksums(target)?;
            if let Some((want, got)) = expected.iter().zip(&copied).find(|(a, b)| a != b) {
                return Err(StoreError::Corrupt {
                    table: want.table,
                    key: "*".to_owned(),
                    problem: format!(
                        "copy differs from the source: {} rows ({}) instead of {} ({})",
                        got.rows, got.sha256, want.rows, want.sha256
                    ),
                });
            }
            Ok(copied)
        })
    })
}

/// Moves each PostgreSQL sequence past the largest copied id, so that the next insert gets a
/// fresh one. SQLite needs nothing: its next rowid follows the largest stored one.
fn reset_sequences(conn: &mut DbConnection) -> StoreResult<()> {
    let DbConnection::Pg(pg) = conn else {
        return Ok(());
    };
    for table in SERIAL_TABLES.iter().filter(|t| !t.is_empty()) {
        // `is_called = false` on an empty table makes the next id 1, as on a fresh database.
        pg.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))?;
    }
    Ok(())
}

/// The whole database as a JSON dump ([`dump`] describes the layout), read in one snapshot;
/// `progress` is told how many rows each batch read.
pub fn export_dump(conn: &mut DbConnection, progress: &mut dyn FnMut(u64)) -> StoreResult<String> {
    transaction::read(conn, |conn| {
        let mut out = format!(
            "{{\n  \"format\": \"{}\",\n  \"version\": {},\n  \"tables\": [\n",
            dump::FORMAT,
            dump::VERSION
        );
        dump_rows(conn, &mut out, progress)?;
        out.push_str("\n  ]\n}\n");
        Ok(out)
    })
}

/// Loads a parsed dump into an empty database (refused otherwise, `Conflict`), ids kept, in
/// one transaction; PostgreSQL sequences are moved past the loaded ids. Returns the loaded
/// tables' checksums.
pub fn import_dump(
    conn: &mut DbConnection,
    dump: &dump::Dump,
    progress: &mut dyn FnMut(u64),
) -> StoreResult<Vec<TableChecksum>> {
    transaction::write(conn, |conn| {
        if let Some(table) = first_non_empty(conn)? {
            return Err(StoreError::NotEmpty {
                table: table.to_string(),
            });
        }
        load_rows(conn, dump, progress)?;
        reset_sequences(conn)?;
        latest::rebuild(conn)?;
        aggregates::rebuild(conn)?;
        checksums(conn)
    })
}
