//! PostgreSQL statements of the measures' write path, written out so that diesel keeps them
//! prepared.
//!
//! diesel never caches a statement given as text (`sql_query`): PostgreSQL parsed and planned
//! the post's lock, its replacing `UPDATE` and its version bump anew on every post, the lock's
//! four sub-selects most of all. These fragments have one fixed text and a static query id,
//! so diesel prepares each once per connection (a named statement) and later posts only bind
//! and execute.

use chrono::NaiveDateTime;
use diesel::{
    QueryResult, RunQueryDsl,
    pg::{Pg, PgConnection},
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    sql_types::{Array, BigInt, Bool, Double, Nullable, Text, Timestamp},
};

/// Locks the product a slug names (`FOR UPDATE OF p`: its row only, not its incubator's, which
/// every product of the incubator shares) and reads its id, the slugs of the incubators
/// running it (its own first, then its co-incubators by rank) and its indicators' ids, keys
/// and periodicities, in id order.
pub(crate) struct LockSlug<'a> {
    pub slug: &'a str,
}

impl QueryId for LockSlug<'_> {
    type QueryId = LockSlug<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for LockSlug<'_> {
    type SqlType = (BigInt, Array<Text>, Array<BigInt>, Array<Text>, Array<Text>);
}

impl QueryFragment<Pg> for LockSlug<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "SELECT p.id, \
                 ARRAY[i.slug] || ARRAY(SELECT c.slug FROM product_incubators pi \
                     JOIN incubators c ON c.id = pi.incubator_id \
                     WHERE pi.product_id = p.id ORDER BY pi.rank), \
                 ARRAY(SELECT id FROM indicators WHERE product_id = p.id ORDER BY id), \
                 ARRAY(SELECT key FROM indicators WHERE product_id = p.id ORDER BY id), \
                 ARRAY(SELECT periodicity FROM indicators WHERE product_id = p.id ORDER BY id) \
             FROM products p JOIN incubators i ON i.id = p.incubator_id \
             WHERE p.slug = ",
        );
        out.push_bind_param::<Text, _>(&self.slug)?;
        out.push_sql(" FOR UPDATE OF p");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for LockSlug<'_> {}

/// Writes replacing values over stored measures (their old versions are in history already),
/// the whole batch in one statement.
pub(crate) struct ReplaceValues<'a> {
    pub ids: Vec<i64>,
    pub values: Vec<f64>,
    pub comments: Vec<Option<&'a str>>,
    pub suspects: Vec<bool>,
    pub source: &'a str,
    pub author_user_id: Option<i64>,
    pub author_token_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

impl QueryId for ReplaceValues<'_> {
    type QueryId = ReplaceValues<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for ReplaceValues<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("UPDATE measures AS m SET value = v.value, comment = v.comment, suspect = v.suspect, source = ");
        out.push_bind_param::<Text, _>(&self.source)?;
        out.push_sql(", author_user_id = ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_user_id)?;
        out.push_sql(", author_token_id = ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_token_id)?;
        out.push_sql(", recorded_at = ");
        out.push_bind_param::<Timestamp, _>(&self.recorded_at)?;
        out.push_sql(" FROM unnest(");
        out.push_bind_param::<Array<BigInt>, _>(&self.ids)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Double>, _>(&self.values)?;
        out.push_sql("::float8[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.comments)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Bool>, _>(&self.suspects)?;
        out.push_sql("::bool[]) AS v(id, value, comment, suspect) WHERE m.id = v.id");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for ReplaceValues<'_> {}

/// Moves the matrix version of the products these indicators belong to
/// ([`crate::repo::matrix_versions`]).
pub(crate) struct BumpMatrixVersions {
    pub indicator_ids: Vec<i64>,
}

impl QueryId for BumpMatrixVersions {
    type QueryId = BumpMatrixVersions;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for BumpMatrixVersions {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO matrix_versions (product_id, version) \
             SELECT DISTINCT product_id, 1 FROM indicators WHERE id = ANY(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&self.indicator_ids)?;
        out.push_sql(
            ") ON CONFLICT (product_id) DO UPDATE SET version = matrix_versions.version + 1",
        );
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for BumpMatrixVersions {}
