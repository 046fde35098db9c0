//! SQLite statements of the measures' write path, written out so that diesel keeps them
//! prepared.
//!
//! diesel never caches an `UPDATE` it builds (a changeset may skip `None` fields, so its text
//! can change) nor an `ON CONFLICT … DO UPDATE`: on SQLite each single-value post parsed and
//! planned both anew, 14 % of the writer thread's CPU in `sqlite3_prepare`. These fragments
//! have one fixed text and a static query id, so diesel prepares each once per connection.
//! They bind the same Rust values with the same SQL types as the statements diesel would
//! build, so the stored text is the same.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::{
    QueryResult, RunQueryDsl,
    query_builder::{AstPass, QueryFragment, QueryId},
    sql_types::{BigInt, Bool, Date, Double, Nullable, Text, Timestamp},
    sqlite::{Sqlite, SqliteConnection},
};

/// Writes a replacing value over one stored measure (its old version is in history already).
pub(crate) struct ReplaceMeasure<'a> {
    pub id: i64,
    pub value: f64,
    pub comment: Option<&'a str>,
    pub source: &'a str,
    pub author_user_id: Option<i64>,
    pub author_token_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
    pub suspect: bool,
}

impl QueryId for ReplaceMeasure<'_> {
    type QueryId = ReplaceMeasure<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Sqlite> for ReplaceMeasure<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("UPDATE measures SET value = ");
        out.push_bind_param::<Double, _>(&self.value)?;
        out.push_sql(", comment = ");
        out.push_bind_param::<Nullable<Text>, _>(&self.comment)?;
        out.push_sql(", source = ");
        out.push_bind_param::<Text, _>(&self.source)?;
        out.push_sql(", author_user_id = ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_user_id)?;
        out.push_sql(", author_token_id = ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_token_id)?;
        out.push_sql(", recorded_at = ");
        out.push_bind_param::<Timestamp, _>(&self.recorded_at)?;
        out.push_sql(", suspect = ");
        out.push_bind_param::<Bool, _>(&self.suspect)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<BigInt, _>(&self.id)?;
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for ReplaceMeasure<'_> {}

/// Moves an indicator's latest value to `period` when that is at or after the stored one.
pub(crate) struct MoveLatest {
    pub indicator_id: i64,
    pub period: NaiveDate,
    pub value: f64,
}

impl QueryId for MoveLatest {
    type QueryId = MoveLatest;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Sqlite> for MoveLatest {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("INSERT INTO measure_latest (indicator_id, period, value) VALUES (");
        out.push_bind_param::<BigInt, _>(&self.indicator_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Date, _>(&self.period)?;
        out.push_sql(", ");
        out.push_bind_param::<Double, _>(&self.value)?;
        out.push_sql(
            ") ON CONFLICT (indicator_id) DO UPDATE \
             SET period = excluded.period, value = excluded.value \
             WHERE excluded.period >= measure_latest.period",
        );
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for MoveLatest {}

/// Moves the matrix version of the product an indicator belongs to
/// ([`crate::repo::matrix_versions`]); the `WHERE` also keeps SQLite from reading `ON
/// CONFLICT` as a join constraint.
pub(crate) struct BumpMatrixVersion {
    pub indicator_id: i64,
}

impl QueryId for BumpMatrixVersion {
    type QueryId = BumpMatrixVersion;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Sqlite> for BumpMatrixVersion {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO matrix_versions (product_id, version) \
             SELECT product_id, 1 FROM indicators WHERE id = ",
        );
        out.push_bind_param::<BigInt, _>(&self.indicator_id)?;
        out.push_sql(
            " ON CONFLICT (product_id) DO UPDATE SET version = matrix_versions.version + 1",
        );
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for BumpMatrixVersion {}
