//! `pilote user add`.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use pilote_api::{Settings, auth::password};
use pilote_domain::{Email, Grant, Slug};
use pilote_store::{Actor, repo::users, transaction};

use super::DatabaseArgs;

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user with one role. The password is read from standard input when it is not
    /// a terminal, else prompted for (twice); never from the command line, where `ps` shows it.
    Add(AddArgs),
}

/// The roles of `domain.md`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Manager,
    Member,
    Viewer,
}

/// Options of `pilote user add`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exemples :
  printf '%s\\n' \"$MOT_DE_PASSE\" | pilote user add --email admin@exemple.gouv.fr --name \"Admin\" --role admin
  pilote user add --email c.martin@exemple.gouv.fr --name \"Camille Martin\" --role manager --incubator dinum
  pilote user add --email d.leroy@exemple.gouv.fr --name \"Dominique Leroy\" --role member --product dialogue

Le mot de passe (12 caractères au moins) est lu sur l'entrée standard, jamais en argument.")]
pub struct AddArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// The incubator a manager manages.
    #[arg(long, value_name = "SLUG")]
    pub incubator: Option<String>,
    /// The product a member works on.
    #[arg(long, value_name = "SLUG")]
    pub product: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Runs a user command.
pub fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add(args) = command;
    let email = Email::parse(&args.email)?;
    let grant = grant(&args)?;
    let secret = read_password()?;
    password::check_strength(&secret)?;
    let hash =
        password::hash(&secret).map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
    let db = args.database.open(settings)?;
    let mut conn = db.get()?;
    transaction::write(&mut conn, |c| {
        let id = users::insert(c, &email, &args.name, Some(&hash), Actor::System)?;
        users::grant(c, id, &grant, Actor::System)
    })
    .with_context(|| format!("impossible de créer {email}"))?;
    println!("Utilisateur {email} créé ({}).", grant.role().label_fr());
    Ok(())
}

fn grant(args: &AddArgs) -> anyhow::Result<Grant> {
    let scope = |flag: &Option<String>, name: &str| -> anyhow::Result<Slug> {
        let value = flag
            .as_deref()
            .with_context(|| format!("--{name} est obligatoire pour ce rôle"))?;
        Ok(Slug::parse(value)?)
    };
    let grant = match args.role {
        RoleArg::Admin => Grant::Admin,
        RoleArg::Viewer => Grant::Viewer,
        RoleArg::Manager => Grant::Manager {
            incubator: scope(&args.incubator, "incubator")?,
        },
        RoleArg::Member => Grant::Member {
            product: scope(&args.product, "product")?,
        },
    };
    let stray = match grant {
        Grant::Manager { .. } => args.product.is_some(),
        Grant::Member { .. } => args.incubator.is_some(),
        Grant::Admin | Grant::Viewer => args.incubator.is_some() || args.product.is_some(),
    };
    if stray {
        anyhow::bail!("--incubator va avec --role manager, --product avec --role member");
    }
    Ok(grant)
}

fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Mot de passe : ")?;
    let second = rpassword::prompt_password("Confirmez le mot de passe : ")?;
    if first != second {
        anyhow::bail!("les deux mots de passe diffèrent");
    }
    Ok(first)
}
