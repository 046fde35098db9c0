//! The synthetic State-size portfolio: incubators, products with their committee decisions,
//! five weekly indicators each, and the measures to ingest. Deterministic from the seed, so
//! that the raw baseline and the store insert the very same rows.

use chrono::{Days, NaiveDate};
use pilote_domain::{
    Aggregation, DecisionKind, Direction, Incubator, Indicator, MatrixRole, MeasureValue,
    NewDecision, Period, Periodicity, PhaseDurations, Principle, Product, Rationale, Slug,
};
use pilote_store::{
    Actor, DbConnection, IndicatorId, ProductId, StoreResult,
    repo::{incubators, indicators, measures::MeasureInput, phases, products},
    transaction,
};

use crate::rng::Rng;

/// An indicator every product reports weekly.
struct Template {
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    direction: Direction,
    principle: Principle,
    role: Option<MatrixRole>,
}

/// The five indicators of every product; the first is the north star.
const INDICATORS: [Template; 5] = [
    Template {
        key: "usagers-actifs",
        label: "Usagers actifs",
        unit: "usagers",
        direction: Direction::Increase,
        principle: Principle::Used,
        role: Some(MatrixRole::MonthlyActiveUsers),
    },
    Template {
        key: "demarches",
        label: "Démarches déposées",
        unit: "démarches",
        direction: Direction::Increase,
        principle: Principle::Useful,
        role: Some(MatrixRole::ValueGenerated),
    },
    Template {
        key: "satisfaction",
        label: "Facilité d'utilisation",
        unit: "/ 7",
        direction: Direction::Increase,
        principle: Principle::Usable,
        role: Some(MatrixRole::EaseOfUse),
    },
    Template {
        key: "penetration",
        label: "Taux de pénétration",
        unit: "%",
        direction: Direction::Increase,
        principle: Principle::Used,
        role: Some(MatrixRole::MarketPenetration),
    },
    Template {
        key: "delai",
        label: "Délai de traitement",
        unit: "jours",
        direction: Direction::Decrease,
        principle: Principle::Efficient,
        role: None,
    },
];

/// The keys of the indicators, north star first.
pub fn indicator_keys() -> impl Iterator<Item = &'static str> {
    INDICATORS.iter().map(|t| t.key)
}

/// A product as created: its id, slug and indicators (in [`INDICATORS`] order).
#[derive(Clone, Debug)]
pub struct BenchProduct {
    pub id: ProductId,
    pub slug: String,
    pub indicators: Vec<IndicatorId>,
}

/// One product's measures, posted in one call.
pub struct Batch {
    pub product: ProductId,
    pub inputs: Vec<MeasureInput>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.inputs.len()
    }
}

/// Writes `count` products (with decisions and five weekly indicators) and ten incubators.
pub fn create(
    conn: &mut DbConnection,
    count: usize,
    weeks: usize,
    today: NaiveDate,
) -> StoreResult<Vec<BenchProduct>> {
    transaction::write(conn, |c| {
        let mut rng = Rng::new(0x5EED);
        let mut incubator_slugs = Vec::new();
        for i in 1..=10 {
            let incubator = Incubator {
                slug: Slug::parse(&format!("incubateur-{i:02}"))?,
                name: format!("Incubateur {i:02}"),
                administration: "DINUM".to_owned(),
                durations: PhaseDurations::default(),
            };
            incubators::insert(c, &incubator)?;
            incubator_slugs.push(incubator.slug);
        }
        let mut created = Vec::with_capacity(count);
        for n in 1..=count {
            // Created before its first measure: `weeks` back, and up to two years more.
            let back = weeks as u64 * 7 + rng.below(730) as u64 + 7;
            let created_on = today - Days::new(back);
            let slug = format!("produit-{n:04}");
            let product = Product {
                slug: Slug::parse(&slug)?,
                name: format!("Produit {n:04}"),
                pitch: "Un service public numérique qui simplifie une démarche.".to_owned(),
                problem: Some("Les usagers attendent trop longtemps une réponse.".to_owned()),
                sponsor: "Direction interministérielle du numérique".to_owned(),
                incubator: incubator_slugs[n % incubator_slugs.len()].clone(),
                website: Some(format!("https://{slug}.beta.gouv.fr")),
                repository: None,
                published: n % 3 != 0,
                created_on,
            };
            let id = products::insert(c, &product, Actor::System)?;
            decide(c, id, created_on, today, &mut rng)?;
            let mut ids = Vec::with_capacity(INDICATORS.len());
            for (i, t) in INDICATORS.iter().enumerate() {
                let indicator = Indicator {
                    key: Slug::parse(t.key)?,
                    label: t.label.to_owned(),
                    unit: t.unit.to_owned(),
                    direction: t.direction,
                    principle: t.principle,
                    periodicity: Periodicity::Week,
                    aggregation: Aggregation::Last,
                    matrix_role: t.role,
                    north_star: i == 0,
                    description: None,
                };
                ids.push(indicators::insert(c, id, &indicator)?);
            }
            created.push(BenchProduct {
                id,
                slug,
                indicators: ids,
            });
        }
        Ok(created)
    })
}

/// Advances the product a random number of phases, and stops one in ten: the timeline then
/// has one to four segments a row, as a real portfolio does.
fn decide(
    c: &mut DbConnection,
    id: ProductId,
    created_on: NaiveDate,
    today: NaiveDate,
    rng: &mut Rng,
) -> StoreResult<()> {
    let steps = rng.below(4);
    let mut on = created_on;
    for _ in 0..steps {
        let next = on + Days::new(120 + rng.below(600) as u64);
        if next >= today {
            break;
        }
        on = next;
        record(c, id, DecisionKind::Advance, on, today)?;
    }
    if rng.below(10) == 0 {
        let stop = on + Days::new(30 + rng.below(300) as u64);
        if stop < today {
            record(c, id, DecisionKind::Stop, stop, today)?;
        }
    }
    Ok(())
}

fn record(
    c: &mut DbConnection,
    id: ProductId,
    kind: DecisionKind,
    on: NaiveDate,
    today: NaiveDate,
) -> StoreResult<()> {
    let decision = NewDecision {
        kind,
        decided_on: on,
        rationale: Rationale::parse("Décision du comité d'investissement.")?,
    };
    phases::record_decision(c, id, &decision, Actor::System, today)?;
    Ok(())
}

/// Every product's weekly values for `weeks` weeks, ending `skip` weeks before the last
/// complete week (0: up to it). One batch per product.
pub fn measures(
    products: &[BenchProduct],
    weeks: usize,
    skip: usize,
    today: NaiveDate,
    seed: u64,
) -> StoreResult<Vec<Batch>> {
    let mut rng = Rng::new(seed);
    let mut last = Period::last_complete(Periodicity::Week, today);
    for _ in 0..skip {
        last = last.prev();
    }
    let mut periods = Vec::with_capacity(weeks);
    let mut period = last;
    for _ in 0..weeks {
        periods.push(period);
        period = period.prev();
    }
    periods.reverse();
    let mut batches = Vec::with_capacity(products.len());
    for product in products {
        let mut inputs = Vec::with_capacity(weeks * product.indicators.len());
        for &indicator in &product.indicators {
            let mut level = 100.0 + 10_000.0 * rng.unit();
            for &period in &periods {
                level = (level * (0.95 + 0.1 * rng.unit())).max(1.0);
                inputs.push(MeasureInput {
                    indicator,
                    period,
                    value: MeasureValue::new(level.round())?,
                    comment: None,
                });
            }
        }
        batches.push(Batch {
            product: product.id,
            inputs,
        });
    }
    Ok(batches)
}
