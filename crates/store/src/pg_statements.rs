//! PostgreSQL statements of the measures' write path, written out so that diesel keeps them
//! prepared.
//!
//! diesel never caches a statement given as text (`sql_query`): PostgreSQL parsed and planned
//! the post's lock (four sub-selects) and its writes anew on every post. These fragments have one fixed text and a static query id,
//! so diesel prepares each once per connection (a named statement) and later posts only bind
//! and execute.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::{
    QueryResult, RunQueryDsl,
    pg::{Pg, PgConnection},
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    sql_types::{Array, BigInt, Bool, Date, Double, Integer, Nullable, Text, Timestamp},
};

/// Locks the product a slug names (`FOR UPDATE OF p`: its row only, not its incubator's, which
/// every product of the incubator shares) and reads its id, the slugs of the incubators
/// running it (its own first, then its co-incubators by rank), its indicators' ids, keys
/// and periodicities, in id order, and the authorisation version (which lets a caller act on
/// an identity it cached, and check it in the same round trip).
pub(crate) struct LockSlug<'a> {
    pub slug: &'a str,
}

impl QueryId for LockSlug<'_> {
    type QueryId = LockSlug<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for LockSlug<'_> {
    type SqlType = (
        BigInt,
        Array<Text>,
        Array<BigInt>,
        Array<Text>,
        Array<Text>,
        BigInt,
    );
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
                 ARRAY(SELECT periodicity FROM indicators WHERE product_id = p.id ORDER BY id), \
                 (SELECT version FROM auth_version WHERE id = 1) \
             FROM products p JOIN incubators i ON i.id = p.incubator_id \
             WHERE p.slug = ",
        );
        out.push_bind_param::<Text, _>(&self.slug)?;
        out.push_sql(" FOR UPDATE OF p");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for LockSlug<'_> {}

/// Everything a batch of measures writes once its rows are decided, in one statement, one
/// round trip (issue 23: a single-value post took seven): the history of the values it
/// replaces, its new values, the replacing values, its months' figures, its products' matrix
/// versions, its indicators' latest values and its audit entry. Data-modifying `WITH` clauses
/// all see the snapshot the statement started from, and none of them reads what another
/// writes: everything was read, and computed, before.
///
/// A batch too large for arrays in one statement's parameters sends its history and new rows
/// by `COPY` first and leaves them empty here.
pub(crate) struct PostWrites<'a> {
    pub history: HistoryArrays<'a>,
    pub created: CreatedArrays<'a>,
    pub replaced: ReplacedArrays<'a>,
    /// Who and when, for the new and the replacing values.
    pub source: &'a str,
    pub author_user_id: Option<i64>,
    pub author_token_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
    pub months: MonthArrays,
    /// The indicators whose products' matrices the batch changes.
    pub indicators: Vec<i64>,
    pub latest: LatestArrays,
    pub audit: AuditRow<'a>,
}

/// `measure_history` rows, column by column.
#[derive(Default)]
pub(crate) struct HistoryArrays<'a> {
    pub measure_id: Vec<i64>,
    pub value: Vec<f64>,
    pub comment: Vec<Option<&'a str>>,
    pub source: Vec<&'a str>,
    pub author_user_id: Vec<Option<i64>>,
    pub author_token_id: Vec<Option<i64>>,
    pub recorded_at: Vec<NaiveDateTime>,
    pub replaced_at: Vec<NaiveDateTime>,
    pub suspect: Vec<bool>,
}

/// New `measures` rows, column by column (the author and time are the batch's).
#[derive(Default)]
pub(crate) struct CreatedArrays<'a> {
    pub indicator_id: Vec<i64>,
    pub period: Vec<NaiveDate>,
    pub value: Vec<f64>,
    pub comment: Vec<Option<&'a str>>,
    pub suspect: Vec<bool>,
}

/// Replacing values of stored `measures` rows, by id.
#[derive(Default)]
pub(crate) struct ReplacedArrays<'a> {
    pub id: Vec<i64>,
    pub value: Vec<f64>,
    pub comment: Vec<Option<&'a str>>,
    pub suspect: Vec<bool>,
}

/// `measure_months` rows.
#[derive(Default)]
pub(crate) struct MonthArrays {
    pub indicator_id: Vec<i64>,
    pub month: Vec<NaiveDate>,
    pub value_count: Vec<i32>,
    pub value_sum: Vec<f64>,
    pub last_period: Vec<NaiveDate>,
    pub last_value: Vec<f64>,
}

/// Candidate latest values, one per indicator: each moves only forward.
#[derive(Default)]
pub(crate) struct LatestArrays {
    pub indicator_id: Vec<i64>,
    pub period: Vec<NaiveDate>,
    pub value: Vec<f64>,
}

/// The batch's audit entry (`measures.post` about the product).
pub(crate) struct AuditRow<'a> {
    pub at: NaiveDateTime,
    pub actor: String,
    pub product: &'a str,
    pub after: String,
}

impl QueryId for PostWrites<'_> {
    type QueryId = PostWrites<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for PostWrites<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let h = &self.history;
        out.push_sql(
            "WITH history AS (INSERT INTO measure_history (measure_id, value, comment, source, \
             author_user_id, author_token_id, recorded_at, replaced_at, suspect) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&h.measure_id)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Double>, _>(&h.value)?;
        out.push_sql("::float8[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&h.comment)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Text>, _>(&h.source)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&h.author_user_id)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&h.author_token_id)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Timestamp>, _>(&h.recorded_at)?;
        out.push_sql("::timestamp[], ");
        out.push_bind_param::<Array<Timestamp>, _>(&h.replaced_at)?;
        out.push_sql("::timestamp[], ");
        out.push_bind_param::<Array<Bool>, _>(&h.suspect)?;
        out.push_sql("::bool[])), ");

        let c = &self.created;
        out.push_sql(
            "created AS (INSERT INTO measures (indicator_id, period, value, comment, source, \
             author_user_id, author_token_id, recorded_at, suspect) \
             SELECT n.i, n.p, n.v, n.c, ",
        );
        out.push_bind_param::<Text, _>(&self.source)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_user_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_token_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.recorded_at)?;
        out.push_sql(", n.s FROM unnest(");
        out.push_bind_param::<Array<BigInt>, _>(&c.indicator_id)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Date>, _>(&c.period)?;
        out.push_sql("::date[], ");
        out.push_bind_param::<Array<Double>, _>(&c.value)?;
        out.push_sql("::float8[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&c.comment)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Bool>, _>(&c.suspect)?;
        out.push_sql("::bool[]) AS n(i, p, v, c, s)), ");

        let r = &self.replaced;
        out.push_sql(
            "replaced AS (UPDATE measures AS m SET value = r.value, comment = r.comment, \
             suspect = r.suspect, source = ",
        );
        out.push_bind_param::<Text, _>(&self.source)?;
        out.push_sql(", author_user_id = ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_user_id)?;
        out.push_sql(", author_token_id = ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.author_token_id)?;
        out.push_sql(", recorded_at = ");
        out.push_bind_param::<Timestamp, _>(&self.recorded_at)?;
        out.push_sql(" FROM unnest(");
        out.push_bind_param::<Array<BigInt>, _>(&r.id)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Double>, _>(&r.value)?;
        out.push_sql("::float8[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&r.comment)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Bool>, _>(&r.suspect)?;
        out.push_sql("::bool[]) AS r(id, value, comment, suspect) WHERE m.id = r.id), ");

        let mo = &self.months;
        out.push_sql(
            "months AS (INSERT INTO measure_months (indicator_id, month, value_count, \
             value_sum, last_period, last_value) SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&mo.indicator_id)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Date>, _>(&mo.month)?;
        out.push_sql("::date[], ");
        out.push_bind_param::<Array<Integer>, _>(&mo.value_count)?;
        out.push_sql("::int4[], ");
        out.push_bind_param::<Array<Double>, _>(&mo.value_sum)?;
        out.push_sql("::float8[], ");
        out.push_bind_param::<Array<Date>, _>(&mo.last_period)?;
        out.push_sql("::date[], ");
        out.push_bind_param::<Array<Double>, _>(&mo.last_value)?;
        out.push_sql(
            "::float8[]) ON CONFLICT (indicator_id, month) DO UPDATE SET \
             value_count = excluded.value_count, value_sum = excluded.value_sum, \
             last_period = excluded.last_period, last_value = excluded.last_value), ",
        );

        out.push_sql(
            "versions AS (INSERT INTO matrix_versions (product_id, version) \
             SELECT DISTINCT product_id, 1 FROM indicators WHERE id = ANY(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&self.indicators)?;
        out.push_sql(
            ") ON CONFLICT (product_id) DO UPDATE SET version = matrix_versions.version + 1), ",
        );

        let l = &self.latest;
        out.push_sql(
            "latest AS (INSERT INTO measure_latest (indicator_id, period, value) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&l.indicator_id)?;
        out.push_sql("::bigint[], ");
        out.push_bind_param::<Array<Date>, _>(&l.period)?;
        out.push_sql("::date[], ");
        out.push_bind_param::<Array<Double>, _>(&l.value)?;
        out.push_sql(
            "::float8[]) ON CONFLICT (indicator_id) DO UPDATE SET period = excluded.period, \
             value = excluded.value WHERE excluded.period >= measure_latest.period) ",
        );

        let a = &self.audit;
        out.push_sql(
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after) \
             VALUES (",
        );
        out.push_bind_param::<Timestamp, _>(&a.at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&a.actor)?;
        out.push_sql(", 'measures.post', 'product', ");
        out.push_bind_param::<Text, _>(&a.product)?;
        out.push_sql(", NULL, ");
        out.push_bind_param::<Text, _>(&a.after)?;
        out.push_sql(")");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for PostWrites<'_> {}
