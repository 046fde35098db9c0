//! The copy's table list (`pilote migrate-db`) against what the migrations create: a column
//! missing from the list would silently stay behind in a move.

use std::collections::{BTreeMap, BTreeSet};

use diesel::{prelude::*, sql_types::Text};
use pilote_store::{
    copy::{COLUMNS, DERIVED_TABLES},
    with_backend,
};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

const SQLITE: &str = "SELECT m.name AS table_name, p.name AS column_name \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";
const POSTGRES: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name \
     FROM information_schema.columns WHERE table_schema = current_schema()";

both_backends! {
    fn every_migrated_column_is_copied(db) {
        let mut conn = db.conn();
        let query = match db.db.backend() {
            pilote_store::Backend::Sqlite => SQLITE,
            pilote_store::Backend::Postgres => POSTGRES,
        };
        let columns: Vec<Column> =
            with_backend!(&mut *conn, |c| diesel::sql_query(query).load(c)).expect("columns");
        let mut stored: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for column in columns {
            if column.table_name != "__diesel_schema_migrations"
                && !DERIVED_TABLES.contains(&column.table_name.as_str())
            {
                stored.entry(column.table_name).or_default().insert(column.column_name);
            }
        }
        let copied: BTreeMap<String, BTreeSet<String>> = COLUMNS
            .iter()
            .map(|(table, columns)| {
                (table.to_string(), columns.iter().map(|c| c.to_string()).collect())
            })
            .collect();
        assert_eq!(copied, stored);
    }
}
