//! The demo portfolio: three incubators, some forty products with their committee decisions,
//! indicators and two years of measures, to try Pilote out on realistic data.
//!
//! Everything derives from a seed and `today`: the same call writes the same portfolio (the
//! timestamps of the writes aside). Phase changes go through committee decisions and measures
//! through the ordinary upsert, so the demo obeys every rule real data does.

pub mod accounts;
mod catalogue;
mod contracts;
pub mod from_betagouv;
mod indicators;
mod reviews;
mod timeline;

use chrono::{Days, NaiveDate};
use pilote_domain::{
    DomainError, Incubator, MatrixRole, MeasureSource, MeasureValue, Period, Periodicity, Phase,
    PhaseDurations, Product, Slug,
};
use pilote_store::{
    Actor, DbConnection, IndicatorId, ProductId, StoreError, StoreResult,
    repo::{
        incubators, indicators as indicator_repo,
        measures::{self, MeasureInput},
        phases, products,
    },
    transaction,
};

use catalogue::ProductEntry;
use indicators::{Curve, Template};
use timeline::{Plan, Target, Timeline, decisions, plans, timeline};

/// What the demo loader wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub incubators: usize,
    pub products: usize,
    pub indicators: usize,
    pub measures: u64,
    pub decisions: usize,
    /// Contrats de réussite written (one per running product past investigation).
    pub contracts: usize,
    /// Signed contract reviews.
    pub reviews: usize,
}

/// Fills an empty database with a realistic synthetic portfolio, deterministic from `seed` and
/// `today`.
///
/// Everything is written in one transaction: on any error the database is left as it was. A
/// database that already holds incubators or products is refused (`Conflict`).
pub fn load(conn: &mut DbConnection, seed: u64, today: NaiveDate) -> StoreResult<DemoSummary> {
    transaction::write(conn, |c| {
        if products::count(c)? > 0 || !incubators::list(c)?.is_empty() {
            return Err(StoreError::Conflict(
                "the demo only fills an empty database".to_owned(),
            ));
        }
        let mut loader = Loader {
            rng: Rng(seed),
            // A stream of its own, so that contracts leave the rest of the demo as it was.
            contract_rng: Rng(seed ^ 0xC0_47_7A_C7),
            today,
            limits: Vec::new(),
            corrected: false,
            summary: DemoSummary {
                incubators: 0,
                products: 0,
                indicators: 0,
                measures: 0,
                decisions: 0,
                contracts: 0,
                reviews: 0,
            },
        };
        for entry in &catalogue::INCUBATORS {
            let incubator = Incubator {
                slug: Slug::parse(entry.slug)?,
                name: entry.name.to_owned(),
                administration: entry.administration.to_owned(),
                durations: entry.durations,
            };
            incubators::insert(c, &incubator)?;
            loader.limits.push((incubator.slug, incubator.durations));
            loader.summary.incubators += 1;
        }
        let plans = plans(catalogue::PRODUCTS.len(), &mut loader.rng);
        for (entry, plan) in catalogue::PRODUCTS.iter().zip(plans) {
            loader.product(c, entry, plan)?;
        }
        Ok(loader.summary)
    })
}

/// An indicator the demo made, and the template it was made from.
type Made = (IndicatorId, &'static Template);

/// SplitMix64, written here rather than taken from `rand`: rand's value streams may change
/// between versions, and the demo must reproduce exactly from its seed.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..=hi` (the tiny modulo bias does not matter here).
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi.saturating_sub(lo) + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly standard normal (sum of four uniforms): plain arithmetic, no libm, so that the
    /// noise is the same on every platform.
    fn gaussian(&mut self) -> f64 {
        let sum: f64 = (0..4).map(|_| self.unit()).sum();
        (sum - 2.0) * 3f64.sqrt()
    }

    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        let i = self.next_u64() % items.len().max(1) as u64;
        items.get(i as usize).copied().unwrap_or_default()
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.between(0, i as u64) as usize);
        }
    }
}

/// The periods of `periodicity` starting on or after `from` and over by `horizon`.
fn periods(periodicity: Periodicity, from: NaiveDate, horizon: NaiveDate) -> Vec<Period> {
    let mut period = Period::containing(periodicity, from);
    if period.start() < from {
        period = period.next();
    }
    let last = Period::last_complete(periodicity, horizon);
    let mut out = Vec::new();
    while period <= last {
        out.push(period);
        let next = period.next();
        if next == period {
            break;
        }
        period = next;
    }
    out
}

/// The loader's state while it writes products one after another.
struct Loader {
    rng: Rng,
    /// Draws the contracts, apart from `rng`.
    contract_rng: Rng,
    today: NaiveDate,
    limits: Vec<(Slug, PhaseDurations)>,
    /// Whether the measure corrections have been posted yet.
    corrected: bool,
    summary: DemoSummary,
}

impl Loader {
    fn product(
        &mut self,
        c: &mut DbConnection,
        entry: &ProductEntry,
        plan: Plan,
    ) -> StoreResult<()> {
        let (incubator, limits) = self.limits.get(entry.incubator).cloned().ok_or_else(|| {
            DomainError::rule(
                "incubator",
                "is not in the demo catalogue",
                "absent du catalogue de démonstration",
            )
        })?;
        let timeline = timeline(plan, &limits, self.today, &mut self.rng);
        let slug = Slug::slugify(entry.name).ok_or_else(|| {
            DomainError::rule("name", "gives no slug", "ne donne aucun identifiant")
        })?;
        let investigating = plan.target == Target::Running(Phase::Investigation);
        // Young products rarely open a public page; a few mature ones keep theirs private too.
        let published = self.rng.chance(if investigating { 0.3 } else { 0.9 });
        let website = (!investigating).then(|| format!("https://{slug}.beta.gouv.fr"));
        let repository = (!investigating && self.rng.chance(0.7))
            .then(|| format!("https://github.com/betagouv/{slug}"));
        let product = Product {
            slug,
            name: entry.name.to_owned(),
            pitch: entry.pitch.to_owned(),
            problem: Some(entry.problem.to_owned()),
            sponsor: entry.sponsor.to_owned(),
            incubator,
            website,
            repository,
            published,
            created_on: timeline.created_on,
        };
        let id = products::insert(c, &product, Actor::System)?;
        self.summary.products += 1;
        for decision in decisions(&timeline, self.today, &mut self.rng)? {
            phases::record_decision(c, id, &decision, Actor::System, self.today)?;
            self.summary.decisions += 1;
        }

        let (created, inputs) =
            self.indicators_with_measures(c, id, entry.north_star, &timeline, plan)?;
        indicators::typo(
            c,
            (id, self.summary.products),
            &created,
            &inputs,
            self.today,
        )?;
        // A product past investigation, so the correction bears on real volumes.
        let established = matches!(plan.target, Target::Running(p) if p != Phase::Investigation);
        if !self.corrected && established && !plan.late {
            if let Some((north_star, _)) = created.first() {
                self.correct(c, id, *north_star, &inputs)?;
            }
            self.corrected = true;
        }
        if established {
            let written = contracts::write(
                c,
                &mut self.contract_rng,
                self.today,
                (id, &product),
                &timeline,
                &created,
                &inputs,
            )?;
            if let Some(written) = written {
                self.summary.contracts += 1;
                self.summary.reviews += written.reviews;
            }
        }
        Ok(())
    }

    /// The north star, then one to four indicators from the pool (two to five in all).
    /// Gives the product indicators drawn around `north_star` (the first one is the north
    /// star) and posts their demo measures over its `timeline`: the indicators and measures.
    fn indicators_with_measures(
        &mut self,
        c: &mut DbConnection,
        id: ProductId,
        north_star: &'static Template,
        timeline: &Timeline,
        plan: Plan,
    ) -> StoreResult<(Vec<Made>, Vec<MeasureInput>)> {
        let mut created = Vec::new();
        for (i, template) in self.pick_indicators(north_star).into_iter().enumerate() {
            let indicator = template.indicator(i == 0)?;
            created.push((indicator_repo::insert(c, id, &indicator)?, template));
        }
        self.summary.indicators += created.len();
        let inputs = self.measures(timeline, plan, &created)?;
        let counts = measures::upsert(
            c,
            id,
            &inputs,
            MeasureSource::Demo,
            Actor::System,
            self.today,
        )?;
        self.summary.measures += counts.created;
        Ok((created, inputs))
    }

    fn pick_indicators(&mut self, north_star: &'static Template) -> Vec<&'static Template> {
        let mut pool: Vec<&'static Template> = indicators::POOL.iter().collect();
        self.rng.shuffle(&mut pool);
        // Teams fill the matrix slots committees ask about first: ease of use and monthly
        // active users most often (moved to the front last, so they come first).
        let favoured = [
            (MatrixRole::ValueGenerated, 0.35),
            (MatrixRole::MarketPenetration, 0.35),
            (MatrixRole::EaseOfUse, 0.7),
            (MatrixRole::MonthlyActiveUsers, 0.7),
        ];
        for (role, odds) in favoured {
            if self.rng.chance(odds)
                && let Some(i) = pool.iter().position(|t| t.role == Some(role))
            {
                let template = pool.remove(i);
                pool.insert(0, template);
            }
        }
        let extra = self.rng.between(1, 4) as usize;
        let mut chosen = vec![north_star];
        chosen.extend(pool.into_iter().take(extra));
        indicators::fill_matrix(&mut chosen, self.summary.products);
        chosen
    }

    /// Every value the team posted: from its creation (at most two years back) to the last
    /// complete period, or to when it stopped posting or stopped altogether.
    fn measures(
        &mut self,
        timeline: &Timeline,
        plan: Plan,
        indicators: &[(IndicatorId, &'static Template)],
    ) -> StoreResult<Vec<MeasureInput>> {
        let two_years_ago = self.today - Days::new(104 * 7);
        let from = timeline.created_on.max(two_years_ago);
        let horizon = match timeline.stopped_on {
            Some(stopped_on) => stopped_on,
            // A late team's last 2 to 6 weeks are missing.
            None if plan.late => self.today - Days::new(7 * self.rng.between(2, 6)),
            None => self.today,
        };
        let u = self.rng.unit();
        let curve = Curve {
            launched: timeline.created_on,
            // Long enough that most products still improve over the two years shown.
            maturity_days: self.rng.between(450, 1300) as f64,
            // Audiences differ by an order of magnitude between products.
            audience: 0.3 + 2.7 * u * u,
        };
        let mut inputs = Vec::new();
        for &(indicator, template) in indicators {
            for period in periods(template.periodicity, from, horizon) {
                let value = template.value(&curve, period.start(), &mut self.rng);
                inputs.push(MeasureInput {
                    indicator,
                    period,
                    value: MeasureValue::new(value)?,
                    comment: None,
                });
            }
        }
        Ok(inputs)
    }

    /// Re-posts two recent values of the north star, so that measure history has content.
    fn correct(
        &mut self,
        c: &mut DbConnection,
        product: ProductId,
        north_star: IndicatorId,
        posted: &[MeasureInput],
    ) -> StoreResult<()> {
        let series: Vec<&MeasureInput> = posted
            .iter()
            .filter(|m| m.indicator == north_star)
            .collect();
        let mut fixes = Vec::new();
        for back in [2, 4] {
            let Some(old) = series.len().checked_sub(back).and_then(|i| series.get(i)) else {
                continue;
            };
            let value = old.value.get();
            let fixed = (value * 0.92).round();
            let fixed = if fixed == value { value + 1.0 } else { fixed };
            fixes.push(MeasureInput {
                value: MeasureValue::new(fixed)?,
                comment: Some(
                    "Correction : doublons retirés après rapprochement avec le back-office."
                        .to_owned(),
                ),
                ..(*old).clone()
            });
        }
        measures::upsert(
            c,
            product,
            &fixes,
            MeasureSource::Demo,
            Actor::System,
            self.today,
        )?;
        Ok(())
    }
}
