//! The demo's names: incubators and products. All invented, in the style of beta.gouv's
//! startups d'État.

use pilote_domain::PhaseDurations;

use super::indicators::{
    AIDES, DELAI, DEMARCHES, DOSSIERS, MISES_EN_RELATION, RECOURS, SIGNALEMENTS, Template, USAGERS,
    UTILISATEURS,
};

/// An incubator of the demo.
pub(super) struct IncubatorEntry {
    pub slug: &'static str,
    pub name: &'static str,
    pub administration: &'static str,
    pub durations: PhaseDurations,
}

/// Indexes into [`INCUBATORS`].
const DINUM: usize = 0;
const DGFIP: usize = 1;
const SOCIAL: usize = 2;

pub(super) const INCUBATORS: [IncubatorEntry; 3] = [
    IncubatorEntry {
        slug: "dinum",
        name: "Incubateur de la DINUM",
        administration: "DINUM",
        durations: PhaseDurations {
            investigation_months: 6,
            construction_months: 24,
            acceleration_months: 24,
        },
    },
    // A stricter incubator, so that lists show other limits than the defaults.
    IncubatorEntry {
        slug: "fabrique-dgfip",
        name: "Fabrique numérique de la DGFiP",
        administration: "DGFiP — Fabrique numérique",
        durations: PhaseDurations {
            investigation_months: 4,
            construction_months: 18,
            acceleration_months: 30,
        },
    },
    IncubatorEntry {
        slug: "fabnum-social",
        name: "Fabrique numérique des ministères sociaux",
        administration: "Ministères sociaux",
        durations: PhaseDurations {
            investigation_months: 6,
            construction_months: 24,
            acceleration_months: 24,
        },
    },
];

/// A product of the demo; its slug is derived from its name.
pub(super) struct ProductEntry {
    pub name: &'static str,
    pub pitch: &'static str,
    pub problem: &'static str,
    pub sponsor: &'static str,
    pub incubator: usize,
    pub north_star: &'static Template,
}

/// Keeps the table below one line per field.
const fn p(
    name: &'static str,
    incubator: usize,
    sponsor: &'static str,
    north_star: &'static Template,
    pitch: &'static str,
    problem: &'static str,
) -> ProductEntry {
    ProductEntry {
        name,
        pitch,
        problem,
        sponsor,
        incubator,
        north_star,
    }
}

const DGFIP_SPONSOR: &str = "Direction générale des Finances publiques";
const TRAVAIL: &str = "Direction générale du travail";
const DGEFP: &str = "Délégation générale à l'emploi et à la formation professionnelle";
const ANCT: &str = "Agence nationale de la cohésion des territoires";
const CNAF: &str = "Caisse nationale des allocations familiales";
const CNSA: &str = "Caisse nationale de solidarité pour l'autonomie";
const INTERIEUR: &str = "Ministère de l'Intérieur";
const SANTE: &str = "Ministère de la Santé";

pub(super) const PRODUCTS: [ProductEntry; 44] = [
    p(
        "Démarches Facilitées",
        DINUM,
        "DINUM",
        &DOSSIERS,
        "Créer et instruire en ligne des démarches administratives sans développement.",
        "Des milliers de procédures se font encore par formulaire PDF envoyé par courriel.",
    ),
    p(
        "Aide Logement Express",
        SOCIAL,
        CNAF,
        &AIDES,
        "Estimer puis demander son aide au logement étudiant en dix minutes.",
        "Un étudiant éligible sur trois renonce à l'aide face à la longueur du dossier.",
    ),
    p(
        "Mon Espace Collectivité",
        DINUM,
        ANCT,
        &DOSSIERS,
        "Un guichet unique pour les demandes de subventions des petites communes.",
        "Les mairies rurales ignorent à quelles dotations elles peuvent prétendre.",
    ),
    p(
        "Alerte Commerce",
        DINUM,
        "Direction générale de la concurrence, de la consommation et de la répression des fraudes",
        &SIGNALEMENTS,
        "Signaler un problème avec un commerçant et obtenir une réponse de sa part.",
        "Les enquêteurs reçoivent trop de plaintes pour les traiter une à une.",
    ),
    p(
        "Rénov'Facile",
        DINUM,
        "Ministère de la Transition écologique",
        &MISES_EN_RELATION,
        "Trouver les aides à la rénovation énergétique et un artisan qualifié près de chez soi.",
        "Les ménages modestes se perdent entre les guichets et les dispositifs d'aide.",
    ),
    p(
        "Place des Stages",
        DINUM,
        "Ministère de l'Éducation nationale",
        &MISES_EN_RELATION,
        "Mettre en relation les collégiens de troisième et les entreprises qui les accueillent.",
        "Les élèves sans réseau familial trouvent difficilement un stage d'observation.",
    ),
    p(
        "Annuaire des Aidants",
        DINUM,
        ANCT,
        &USAGERS,
        "Trouver près de chez soi un aidant numérique pour faire ses démarches.",
        "Treize millions de personnes sont éloignées du numérique et ne savent pas où aller.",
    ),
    p(
        "Covoit'Territoires",
        DINUM,
        "Ministère chargé des Transports",
        &UTILISATEURS,
        "Aider les collectivités à financer le covoiturage domicile-travail.",
        "Les trajets quotidiens en voiture individuelle pèsent sur le budget des ménages.",
    ),
    p(
        "Cantine Responsable",
        DINUM,
        "Ministère de l'Agriculture et de la Souveraineté alimentaire",
        &UTILISATEURS,
        "Aider les cantines à atteindre les objectifs de produits durables et de qualité.",
        "Les gestionnaires de restauration collective ne savent pas où ils en sont.",
    ),
    p(
        "Entreprise Simplifiée",
        DINUM,
        "Direction générale des entreprises",
        &UTILISATEURS,
        "Retrouver en un seul endroit toutes les informations publiques sur une entreprise.",
        "Les données des entreprises sont dispersées entre une dizaine de registres.",
    ),
    p(
        "Formulaires Accessibles",
        DINUM,
        "DINUM",
        &DEMARCHES,
        "Vérifier automatiquement l'accessibilité des formulaires publics en ligne.",
        "La plupart des formulaires publics restent inutilisables avec un lecteur d'écran.",
    ),
    p(
        "Justice de Proximité",
        DINUM,
        "Ministère de la Justice",
        &DOSSIERS,
        "Préparer en ligne une saisine du conciliateur de justice.",
        "Les petits litiges du quotidien finissent au tribunal faute de conciliation.",
    ),
    p(
        "Permis Rapide",
        DINUM,
        INTERIEUR,
        &DELAI,
        "Réduire l'attente pour passer l'examen pratique du permis de conduire.",
        "Les candidats attendent plusieurs mois une place d'examen après leurs leçons.",
    ),
    p(
        "Eau Potable Info",
        DINUM,
        SANTE,
        &UTILISATEURS,
        "Informer chaque habitant de la qualité de l'eau de son robinet.",
        "Les résultats des contrôles sanitaires sont publiés mais introuvables.",
    ),
    p(
        "Sport Pass Jeunes",
        DINUM,
        "Ministère des Sports",
        &AIDES,
        "Verser une aide à l'inscription des jeunes dans un club sportif.",
        "Le coût de la licence éloigne les enfants des familles modestes du sport en club.",
    ),
    p(
        "Culture Près de Chez Vous",
        DINUM,
        "Ministère de la Culture",
        &UTILISATEURS,
        "Recenser les sorties culturelles gratuites à proximité pour les familles.",
        "L'offre culturelle gratuite des petites villes reste méconnue des habitants.",
    ),
    p(
        "Titre de Séjour en Ligne",
        DINUM,
        INTERIEUR,
        &DELAI,
        "Suivre l'avancement de sa demande de titre de séjour sans se déplacer.",
        "Les préfectures sont saturées d'appels et de visites pour connaître l'état des dossiers.",
    ),
    p(
        "Simulateur Retraite Agents",
        DGFIP,
        "Service des retraites de l'État",
        &UTILISATEURS,
        "Estimer sa pension de fonctionnaire en quelques clics.",
        "Les agents découvrent le montant de leur pension quelques mois avant leur départ.",
    ),
    p(
        "Rendez-vous Fiscal",
        DGFIP,
        DGFIP_SPONSOR,
        &DEMARCHES,
        "Prendre rendez-vous avec son service des impôts et préparer l'entretien.",
        "Les usagers se déplacent sans les bons documents et doivent revenir.",
    ),
    p(
        "Fiscalité Locale Ouverte",
        DGFIP,
        DGFIP_SPONSOR,
        &UTILISATEURS,
        "Consulter et comparer les taux d'imposition locale de chaque commune.",
        "Les élus comme les habitants peinent à comparer la fiscalité de leur territoire.",
    ),
    p(
        "Recouvrement Amiable",
        DGFIP,
        DGFIP_SPONSOR,
        &DOSSIERS,
        "Proposer en ligne un échéancier aux contribuables en difficulté.",
        "Les contribuables en difficulté n'osent pas demander de délai de paiement.",
    ),
    p(
        "Carto Foncier",
        DGFIP,
        DGFIP_SPONSOR,
        &UTILISATEURS,
        "Explorer le plan cadastral et les valeurs foncières sans logiciel spécialisé.",
        "Les données foncières sont ouvertes mais illisibles sans outil géographique.",
    ),
    p(
        "Facture Publique Facile",
        DGFIP,
        "Agence pour l'informatique financière de l'État",
        &DELAI,
        "Déposer et suivre ses factures adressées à l'État sans ressaisie.",
        "Les petites entreprises attendent trop longtemps le paiement de leurs factures.",
    ),
    p(
        "Contrôle Ciblé",
        DGFIP,
        DGFIP_SPONSOR,
        &SIGNALEMENTS,
        "Aider les vérificateurs à cibler les contrôles fiscaux grâce aux données.",
        "Les contrôles aléatoires mobilisent des agents pour des redressements faibles.",
    ),
    p(
        "Succession Sereine",
        DGFIP,
        DGFIP_SPONSOR,
        &DEMARCHES,
        "Accompagner les héritiers dans les démarches fiscales d'une succession.",
        "Les familles en deuil se perdent dans les déclarations de succession.",
    ),
    p(
        "Marchés Publics Pour Tous",
        DGFIP,
        "Direction des achats de l'État",
        &DOSSIERS,
        "Permettre aux très petites entreprises de répondre simplement aux petits marchés.",
        "Le dossier de candidature décourage les artisans de répondre aux marchés publics.",
    ),
    p(
        "Prime Mobilité Douce",
        DGFIP,
        "Agence de services et de paiement",
        &AIDES,
        "Demander en ligne la prime à l'achat d'un vélo à assistance électrique.",
        "Le remboursement sur justificatifs papier prend plusieurs mois.",
    ),
    p(
        "Taxe Foncière Claire",
        DGFIP,
        DGFIP_SPONSOR,
        &UTILISATEURS,
        "Expliquer son avis de taxe foncière ligne par ligne.",
        "Chaque automne, les centres des impôts reçoivent des milliers de questions sur l'avis.",
    ),
    p(
        "Douane Facile",
        DGFIP,
        "Direction générale des douanes et droits indirects",
        &DEMARCHES,
        "Calculer les droits et taxes avant de commander un colis hors de l'Union.",
        "Les acheteurs découvrent des frais de douane à la livraison et refusent le colis.",
    ),
    p(
        "Trésor Collectivités",
        DGFIP,
        DGFIP_SPONSOR,
        &DELAI,
        "Donner aux comptables publics une vue à jour de la trésorerie des collectivités.",
        "Les comptables reconstituent la trésorerie à la main dans des tableurs.",
    ),
    p(
        "Emploi Inclusif",
        SOCIAL,
        DGEFP,
        &MISES_EN_RELATION,
        "Faciliter le recrutement des personnes éloignées de l'emploi par les structures d'insertion.",
        "Les employeurs solidaires et les candidats ne se trouvent pas.",
    ),
    p(
        "Mes Droits Sociaux",
        SOCIAL,
        "Direction de la sécurité sociale",
        &RECOURS,
        "Simuler en une fois toutes les aides sociales auxquelles on a droit.",
        "Des milliards d'euros d'aides ne sont pas demandés par ceux qui y ont droit.",
    ),
    p(
        "Carnet de Bord Insertion",
        SOCIAL,
        "Direction générale de la cohésion sociale",
        &USAGERS,
        "Partager le parcours d'un allocataire du RSA entre tous ses accompagnateurs.",
        "Chaque accompagnateur redemande les mêmes informations à l'allocataire.",
    ),
    p(
        "Santé au Travail Connect",
        SOCIAL,
        TRAVAIL,
        &DEMARCHES,
        "Simplifier le suivi médical des salariés pour les services de prévention.",
        "Les visites médicales obligatoires prennent des mois de retard.",
    ),
    p(
        "Accueil Petite Enfance",
        SOCIAL,
        CNAF,
        &MISES_EN_RELATION,
        "Trouver une place en crèche ou une assistante maternelle disponible.",
        "Les parents appellent des dizaines de structures pour trouver une place.",
    ),
    p(
        "Handi Parcours",
        SOCIAL,
        CNSA,
        &DELAI,
        "Suivre en ligne sa demande de reconnaissance de handicap.",
        "Les demandeurs restent des mois sans nouvelles de leur dossier.",
    ),
    p(
        "Proches Aidants",
        SOCIAL,
        CNSA,
        &USAGERS,
        "Informer et orienter les proches aidants vers les solutions de répit.",
        "Les aidants s'épuisent sans connaître les solutions de répit existantes.",
    ),
    p(
        "Inspection Facile",
        SOCIAL,
        TRAVAIL,
        &SIGNALEMENTS,
        "Outiller les inspecteurs du travail pour préparer et suivre leurs contrôles.",
        "Les inspecteurs passent plus de temps sur leurs rapports que sur le terrain.",
    ),
    p(
        "Formation Pro Transparente",
        SOCIAL,
        DGEFP,
        &UTILISATEURS,
        "Comparer la qualité des organismes de formation avant de s'inscrire.",
        "Les stagiaires choisissent une formation sans savoir ce que deviennent les anciens.",
    ),
    p(
        "Reprise d'Emploi Plus",
        SOCIAL,
        "France Travail",
        &RECOURS,
        "Informer les demandeurs d'emploi des aides à la reprise d'activité.",
        "Les aides à la reprise d'emploi sont peu connues et peu demandées.",
    ),
    p(
        "Médiation Numérique Santé",
        SOCIAL,
        SANTE,
        &USAGERS,
        "Accompagner les patients éloignés du numérique dans leurs démarches de santé.",
        "Les patients âgés renoncent aux téléconsultations et aux rendez-vous en ligne.",
    ),
    p(
        "Complémentaire Santé Simple",
        SOCIAL,
        "Caisse nationale de l'assurance maladie",
        &DOSSIERS,
        "Vérifier son droit à la complémentaire santé solidaire et la demander.",
        "Près de la moitié des bénéficiaires potentiels ne la demandent pas.",
    ),
    p(
        "Égalité Pro Index",
        SOCIAL,
        TRAVAIL,
        &DEMARCHES,
        "Calculer et déclarer l'index d'égalité professionnelle de son entreprise.",
        "Le calcul de l'index dans un tableur est source d'erreurs et d'oublis.",
    ),
    p(
        "Premier Pas Pro",
        SOCIAL,
        DGEFP,
        &MISES_EN_RELATION,
        "Proposer aux jeunes sans diplôme des immersions d'une semaine en entreprise.",
        "Les jeunes sans réseau n'ont jamais mis un pied en entreprise.",
    ),
];
