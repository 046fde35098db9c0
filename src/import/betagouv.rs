//! Reading the beta.gouv.fr catalogue: the public API's `startups.json`, or the content
//! directory (`_startups/*.md`, `_incubators/*.md`, YAML front matter). Both shapes are read
//! into the same raw records, then repaired by `pilote_domain::repair_phases`.

use std::{collections::BTreeSet, path::Path};

use pilote_domain::{RawPhase, Slug, parse_date, repair_phases};
use pilote_store::repo::import::{EventInput, IncubatorInput, PHASE_REPEAT_EVENT, ProductInput};
use serde::Deserialize;

use super::{Catalogue, betagouv_sheet::RawSheet, file_error, front_matter};

#[derive(Debug, Default, Deserialize)]
struct RawEvent {
    #[serde(default)]
    name: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    comment: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawPhaseDe {
    #[serde(default)]
    name: String,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
}

/// One startup, whichever shape it came from.
#[derive(Debug, Default)]
struct RawStartup {
    id: String,
    name: Option<String>,
    pitch: Option<String>,
    incubator: Option<String>,
    sponsors: Vec<String>,
    link: Option<String>,
    repository: Option<String>,
    phases: Vec<RawPhaseDe>,
    events: Vec<RawEvent>,
    sheet: RawSheet,
    /// `relationships.incubators` (co-incubation), the main one included or not.
    incubators: Vec<String>,
}

#[derive(Deserialize)]
struct ApiFile {
    data: Vec<ApiStartup>,
}

#[derive(Deserialize)]
struct ApiStartup {
    id: String,
    #[serde(default)]
    attributes: ApiAttributes,
    #[serde(default)]
    relationships: Option<serde_json::Value>,
}

#[derive(Default, Deserialize)]
struct ApiAttributes {
    name: Option<String>,
    pitch: Option<String>,
    link: Option<String>,
    repository: Option<String>,
    #[serde(default)]
    sponsors: Option<Vec<String>>,
    #[serde(default)]
    phases: Option<Vec<RawPhaseDe>>,
    #[serde(default)]
    events: Option<Vec<RawEvent>>,
    #[serde(flatten)]
    sheet: RawSheet,
}

#[derive(Default, Deserialize)]
struct StartupFrontMatter {
    title: Option<String>,
    mission: Option<String>,
    incubator: Option<String>,
    sponsors: Option<Vec<String>>,
    link: Option<String>,
    repository: Option<String>,
    phases: Option<Vec<RawPhaseDe>>,
    events: Option<Vec<RawEvent>>,
    #[serde(flatten)]
    sheet: RawSheet,
}

#[derive(Default, Deserialize)]
struct IncubatorFrontMatter {
    title: Option<String>,
    owner: Option<String>,
}

/// Reads `path`: a JSON file, or a directory holding `_startups/`.
pub fn read(path: &Path) -> anyhow::Result<Catalogue> {
    let mut catalogue = Catalogue::default();
    if path.is_dir() {
        read_incubator_files(&path.join("_incubators"), &mut catalogue)?;
        let startups = read_startup_files(&path.join("_startups"))?;
        return Ok(build(catalogue, startups, true));
    }
    let text = file_error::read_text(path)?;
    read_json(&text, &path.display().to_string())
}

/// Reads the text of a `startups.json` (the public API's shape); `source` names it in errors.
pub fn read_json(text: &str, source: &str) -> anyhow::Result<Catalogue> {
    let file: ApiFile = file_error::parse_json(text, source)?;
    let startups = file.data.into_iter().map(from_api).collect();
    Ok(build(Catalogue::default(), startups, false))
}

/// Repairs and converts the startups read; `from_files` when incubators came from their files.
fn build(mut catalogue: Catalogue, startups: Vec<RawStartup>, from_files: bool) -> Catalogue {
    // The JSON names incubators only by id: they are created from the products, not reported.
    let mut known: BTreeSet<String> = catalogue
        .incubators
        .iter()
        .map(|i| i.slug.to_string())
        .collect();
    let mut seen = BTreeSet::new();
    for startup in startups {
        catalogue.products.read += 1;
        if !seen.insert(startup.id.clone()) {
            catalogue.anomaly(
                &startup.id,
                "id",
                "identifiant de produit en double : le second est écarté",
            );
            catalogue.products.skip("identifiant en double");
            continue;
        }
        let incubator = resolve_incubator(&startup, &mut catalogue, &mut known, from_files);
        let mut co_incubators: Vec<Slug> = Vec::new();
        for id in &startup.incubators {
            let found = incubator_by_id(id, &startup.id, &mut catalogue, &mut known, from_files);
            let own = |s: &Slug| Some(s) == incubator.as_ref();
            if let Some(slug) = found.filter(|s| !own(s) && !co_incubators.contains(s)) {
                co_incubators.push(slug);
            }
        }
        convert(startup, incubator, co_incubators, &mut catalogue);
    }
    catalogue
}

fn from_api(s: ApiStartup) -> RawStartup {
    let incubator = s
        .relationships
        .as_ref()
        .and_then(|r| r.pointer("/incubator/data/id"))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let incubators = s
        .relationships
        .as_ref()
        .and_then(|r| r.pointer("/incubators/data"))
        .and_then(|v| v.as_array())
        .map(|all| {
            all.iter()
                .filter_map(|i| i.get("id")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let a = s.attributes;
    RawStartup {
        id: s.id,
        name: a.name,
        pitch: a.pitch,
        incubator,
        sponsors: a.sponsors.unwrap_or_default(),
        link: a.link,
        repository: a.repository,
        phases: a.phases.unwrap_or_default(),
        events: a.events.unwrap_or_default(),
        sheet: a.sheet,
        incubators,
    }
}

fn markdown_files(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    let unreadable = |e: std::io::Error| file_error::unreadable(dir, &e);
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "md") {
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = file_error::read_text(&path)?;
            files.push((id, text));
        }
    }
    // Directory order differs between machines; the report must not.
    files.sort();
    Ok(files)
}

fn parse_yaml<T: Default + for<'de> Deserialize<'de>>(id: &str, text: &str) -> anyhow::Result<T> {
    let yaml = front_matter(text)
        .ok_or_else(|| file_error::FileError::NoFrontMatter { id: id.to_owned() })?;
    Ok(file_error::parse_yaml(id, yaml)?)
}

fn read_startup_files(dir: &Path) -> anyhow::Result<Vec<RawStartup>> {
    let mut startups = Vec::new();
    for (id, text) in markdown_files(dir)? {
        let fm: StartupFrontMatter = parse_yaml(&id, &text)?;
        startups.push(RawStartup {
            id,
            name: fm.title,
            pitch: fm.mission,
            incubator: fm.incubator,
            sponsors: fm.sponsors.unwrap_or_default(),
            link: fm.link,
            repository: fm.repository,
            phases: fm.phases.unwrap_or_default(),
            events: fm.events.unwrap_or_default(),
            sheet: fm.sheet,
            incubators: Vec::new(),
        });
    }
    Ok(startups)
}

fn read_incubator_files(dir: &Path, catalogue: &mut Catalogue) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for (id, text) in markdown_files(dir)? {
        catalogue.incubators_tally.read += 1;
        let fm: IncubatorFrontMatter = parse_yaml(&id, &text)?;
        let Some(slug) = incubator_slug(&id, catalogue) else {
            catalogue.incubators_tally.skip("identifiant invalide");
            continue;
        };
        let administration = fm
            .owner
            .as_deref()
            .map(organisation)
            .filter(|o| !o.is_empty());
        catalogue.incubators.push(IncubatorInput {
            slug,
            name: fm.title.filter(|t| !t.trim().is_empty()),
            administration,
        });
    }
    Ok(())
}

/// `/organisations/ditp` → `ditp`.
fn organisation(s: &str) -> String {
    s.trim().trim_start_matches("/organisations/").to_owned()
}

/// An incubator id as a slug; an id in capitals (`FabNum-MI`) is lowercased and reported.
fn incubator_slug(id: &str, catalogue: &mut Catalogue) -> Option<Slug> {
    if let Ok(slug) = Slug::parse(id) {
        return Some(slug);
    }
    match Slug::parse(&id.to_lowercase()) {
        Ok(slug) => {
            let problem = format!("identifiant qui n’est pas un slug : importé sous {slug}");
            catalogue.anomaly(id, "id", &problem);
            Some(slug)
        }
        Err(_) => {
            let problem = "identifiant qui n’est pas un slug, même en minuscules : écarté";
            catalogue.anomaly(id, "id", problem);
            None
        }
    }
}

/// A product id as a slug: as is when it is one, else by transliteration (`e-inspé` →
/// `e-inspe`, reported); the original stays as the product's `betagouv_id`. A slug another
/// product of the catalogue already took gets a numbered suffix.
fn product_slug(id: &str, catalogue: &mut Catalogue) -> Option<Slug> {
    let derived = match Slug::parse(id) {
        Ok(slug) => slug,
        Err(_) => match Slug::slugify(id) {
            Some(slug) => {
                let problem = format!(
                    "identifiant qui n’est pas un slug : importé sous {slug}, l’identifiant \
                     d’origine est gardé (betagouv_id)"
                );
                catalogue.anomaly(id, "id", &problem);
                slug
            }
            None => {
                let problem = "identifiant dont on ne peut tirer aucun slug : produit écarté";
                catalogue.anomaly(id, "id", problem);
                catalogue.products.skip("identifiant invalide");
                return None;
            }
        },
    };
    let taken = |slug: &Slug, c: &Catalogue| c.products_out.iter().any(|p| p.product.slug == *slug);
    if !taken(&derived, catalogue) {
        return Some(derived);
    }
    for n in 2..100 {
        let candidate = format!("{derived}-{n}");
        if let Ok(slug) = Slug::parse(&candidate)
            && !taken(&slug, catalogue)
        {
            let problem = format!("le slug {derived} est déjà pris : importé sous {slug}");
            catalogue.anomaly(id, "id", &problem);
            return Some(slug);
        }
    }
    catalogue.anomaly(id, "id", "aucun slug libre : produit écarté");
    catalogue.products.skip("identifiant invalide");
    None
}

fn resolve_incubator(
    startup: &RawStartup,
    catalogue: &mut Catalogue,
    known: &mut BTreeSet<String>,
    from_files: bool,
) -> Option<Slug> {
    let Some(id) = startup
        .incubator
        .as_deref()
        .filter(|i| !i.trim().is_empty())
    else {
        catalogue.anomaly(
            &startup.id,
            "incubator",
            "pas d’incubateur : produit écarté",
        );
        return None;
    };
    incubator_by_id(id, &startup.id, catalogue, known, from_files)
}

/// The slug of the incubator `id` a startup names, which becomes known (created if new).
fn incubator_by_id(
    id: &str,
    startup: &str,
    catalogue: &mut Catalogue,
    known: &mut BTreeSet<String>,
    from_files: bool,
) -> Option<Slug> {
    let slug = if let Ok(slug) = Slug::parse(id) {
        slug
    } else {
        let lowered = Slug::parse(&id.to_lowercase()).ok()?;
        // Reported once, where the incubator is first met (its file, or its first product).
        if !known.contains(lowered.as_ref()) {
            let problem = format!("identifiant qui n’est pas un slug : importé sous {lowered}");
            catalogue.anomaly(id, "id", &problem);
        }
        lowered
    };
    if known.insert(slug.to_string()) {
        if !from_files {
            catalogue.incubators_tally.read += 1;
        } else {
            catalogue.placeholders += 1;
            let problem =
                format!("l’incubateur {id} n’a pas de fiche : incubateur provisoire créé");
            catalogue.anomaly(startup, "incubator", &problem);
        }
        catalogue.incubators.push(IncubatorInput {
            slug: slug.clone(),
            name: None,
            administration: None,
        });
    }
    Some(slug)
}

fn convert(
    s: RawStartup,
    incubator: Option<Slug>,
    co_incubators: Vec<Slug>,
    catalogue: &mut Catalogue,
) {
    let Some(incubator) = incubator else {
        catalogue.products.skip("pas d’incubateur");
        return;
    };
    let Some(slug) = product_slug(&s.id, catalogue) else {
        return;
    };
    let raw: Vec<RawPhase> = s
        .phases
        .iter()
        .map(|p| RawPhase {
            name: p.name.clone(),
            start: p.start.clone(),
            end: p.end.clone(),
        })
        .collect();
    catalogue.phases.read += raw.len();
    let repaired = repair_phases(&s.id, &raw);
    catalogue.anomalies.extend(repaired.anomalies);
    for (reason, n) in repaired.skipped {
        *catalogue.phases.skipped.entry(reason).or_default() += n;
    }
    catalogue.phases_filled += repaired.filled;
    catalogue.phase_stops += repaired.stops;
    catalogue.events.read += s.events.len();
    let Some(history) = repaired.history else {
        catalogue.anomaly(&s.id, "phases", "aucune phase utilisable : produit écarté");
        catalogue.products.skip("aucune phase utilisable");
        catalogue.events.skipped_n("produit écarté", s.events.len());
        return;
    };
    let mut events = Vec::new();
    for (i, e) in s.events.iter().enumerate() {
        match e.date.as_deref().and_then(parse_date) {
            Some(happened_on) if !e.name.trim().is_empty() => events.push(EventInput {
                happened_on,
                name: e.name.trim().to_owned(),
                comment: e.comment.clone().filter(|c| !c.trim().is_empty()),
            }),
            _ => {
                let location = format!("events[{i}]");
                catalogue.anomaly(&s.id, &location, "sans nom ou sans date valide : écarté");
                catalogue.events.skip("sans nom ou sans date valide");
            }
        }
    }
    // A phase the catalogue began again: its day is kept as an event, and a `continue`
    // decision of that day (the store makes it), rather than merged away.
    for repeat in &repaired.repeats {
        events.push(EventInput {
            happened_on: repeat.on,
            name: PHASE_REPEAT_EVENT.to_owned(),
            comment: Some(format!(
                "Nouvelle période en {} d’après le catalogue beta.gouv.fr (phases[{}])",
                repeat.phase.label_fr().to_lowercase(),
                repeat.index
            )),
        });
    }
    events.sort();
    let sponsor = s
        .sponsors
        .first()
        .map(|o| organisation(o))
        .unwrap_or_default();
    if sponsor.is_empty() {
        catalogue.anomaly(
            &s.id,
            "sponsors",
            "pas d’administration porteuse : laissée vide",
        );
    }
    let mut product = pilote_domain::Product {
        slug,
        name: s
            .name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| s.id.clone()),
        pitch: s.pitch.unwrap_or_default().trim().to_owned(),
        problem: None,
        sponsor,
        incubator,
        website: s.link.filter(|l| !l.trim().is_empty()),
        repository: s.repository.filter(|l| !l.trim().is_empty()),
        published: false,
        created_on: history
            .records()
            .first()
            .map(|r| r.started_on)
            .unwrap_or_default(),
    };
    // Bad links are dropped one at a time and reported; anything else leaves the product out.
    for _ in 0..3 {
        match product.validate(chrono::Utc::now().date_naive()) {
            Ok(()) => break,
            Err(e) if e.field() == Some("website") && product.website.is_some() => {
                let problem = "lien qui n’est pas une adresse http(s) valide : retiré";
                catalogue.anomaly(&s.id, "link", problem);
                product.website = None;
            }
            Err(e) if e.field() == Some("repository") && product.repository.is_some() => {
                let problem = "lien qui n’est pas une adresse http(s) valide : retiré";
                catalogue.anomaly(&s.id, "repository", problem);
                product.repository = None;
            }
            Err(e) => {
                let field = e.field().unwrap_or("fiche");
                let problem = format!("champ {field} invalide : produit écarté");
                catalogue.anomaly(&s.id, "product", &problem);
                catalogue.products.skip("fiche invalide");
                return;
            }
        }
    }
    catalogue.phase_returns += repaired.returns;
    let sheet = s
        .sheet
        .into_sheet(&s.id, &product.incubator, co_incubators, catalogue);
    catalogue.products_out.push(ProductInput {
        sheet,
        product,
        betagouv_id: s.id.clone(),
        outcome: repaired.outcome,
        perennisation_mode: repaired.perennisation_mode,
        history,
        events,
    });
}
