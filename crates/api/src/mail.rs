//! Outgoing e-mail over SMTP (`lettre`): invitations and password-reset links, in French,
//! plain text. Off while `smtp.host` is empty: the invitation link is then shown once to the
//! person who invites, and « Mot de passe oublié ? » is not offered.

use std::time::Duration;

use lettre::{
    Message, SmtpTransport, Transport,
    message::{Mailbox, header::ContentType},
    transport::smtp::authentication::Credentials,
};
use pilote_domain::{Email, Grant};

use crate::settings::{Settings, SmtpTls};

/// How long one SMTP conversation may take before the send counts as failed.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The SMTP relay and the sender, built once from the settings.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    sender: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("sender", &self.sender.to_string())
            .finish_non_exhaustive()
    }
}

/// What the e-mail features need (app data): the mailer if SMTP is configured, the public
/// address links start with, and whether ProConnect is offered (the invitation says so).
#[derive(Clone, Debug)]
pub struct Outbox {
    pub mailer: Option<Mailer>,
    pub public_url: String,
    pub proconnect: bool,
}

impl Outbox {
    /// From the settings; `Err` when SMTP is set up wrongly (an unreadable sender).
    pub fn from_settings(settings: &Settings) -> Result<Outbox, String> {
        Ok(Outbox {
            mailer: Mailer::from_settings(settings)?,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            proconnect: !settings.proconnect.issuer.trim().is_empty(),
        })
    }

    /// `{public_url}{path}`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("the SMTP server refused or could not be reached: {0}")]
    Send(String),
}

impl Mailer {
    /// The mailer, if `smtp.host` is set.
    pub fn from_settings(settings: &Settings) -> Result<Option<Mailer>, String> {
        let smtp = &settings.smtp;
        let host = smtp.host.trim();
        if host.is_empty() {
            return Ok(None);
        }
        let sender: Mailbox = smtp
            .sender
            .parse()
            .map_err(|e| format!("smtp.sender {:?} is not an address: {e}", smtp.sender))?;
        let builder = match smtp.tls {
            // Only for a relay on the same machine or network (and the tests' receiver).
            SmtpTls::None => SmtpTransport::builder_dangerous(host),
            SmtpTls::Starttls => SmtpTransport::starttls_relay(host)
                .map_err(|e| format!("smtp.host {host:?}: {e}"))?,
            SmtpTls::Tls => {
                SmtpTransport::relay(host).map_err(|e| format!("smtp.host {host:?}: {e}"))?
            }
        };
        let mut builder = builder.port(smtp.port).timeout(Some(TIMEOUT));
        if !smtp.user.is_empty() {
            builder =
                builder.credentials(Credentials::new(smtp.user.clone(), smtp.password.clone()));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            sender,
        }))
    }

    /// Blocking (an SMTP conversation): sends `letter` to `to`. Call it from `web::block`.
    pub fn send(&self, to: &Email, letter: &Letter) -> Result<(), MailError> {
        let to: Mailbox = to
            .as_ref()
            .parse()
            .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
        let message = Message::builder()
            .from(self.sender.clone())
            .to(to)
            .subject(letter.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(letter.body.clone())
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}

/// A message: its subject and its plain-text body, in French.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

/// A role as a sentence says it: « Responsable d'incubateur (dinum) ».
pub fn role_fr(grant: &Grant) -> String {
    match grant.scope() {
        Some(scope) => format!("{} ({scope})", grant.role().label_fr()),
        None => grant.role().label_fr().to_owned(),
    }
}

/// The invitation: a link valid 7 days, once.
pub fn invitation(
    name: &str,
    inviter: &str,
    grant: &Grant,
    link: &str,
    proconnect: bool,
) -> Letter {
    let how = if proconnect {
        "choisissez votre mot de passe, ou identifiez-vous avec ProConnect,"
    } else {
        "choisissez votre mot de passe"
    };
    Letter {
        subject: "Invitation à rejoindre Pilote".to_owned(),
        body: format!(
            "Bonjour {name},\n\n\
             {inviter} vous invite à rejoindre Pilote, le suivi du portefeuille des produits \
             numériques publics, avec le rôle «\u{a0}{role}\u{a0}».\n\n\
             Pour activer votre compte, {how} en suivant ce lien. Il est valable 7\u{a0}jours \
             et ne sert qu'une fois\u{a0}:\n\n\
             {link}\n\n\
             Si vous n'attendiez pas cette invitation, ignorez ce message\u{a0}: aucun compte ne \
             sera activé.\n\n\
             -- \nPilote\n",
            role = role_fr(grant),
        ),
    }
}

/// A role given to someone who has an account already: no link, the account is theirs.
pub fn new_role(name: &str, inviter: &str, grant: &Grant, login: &str) -> Letter {
    Letter {
        subject: "Un nouveau rôle dans Pilote".to_owned(),
        body: format!(
            "Bonjour {name},\n\n\
             {inviter} vous a donné le rôle «\u{a0}{role}\u{a0}» dans Pilote. Connectez-vous \
             comme d'habitude\u{a0}:\n\n\
             {login}\n\n\
             -- \nPilote\n",
            role = role_fr(grant),
        ),
    }
}

/// The password reset: a link valid 1 hour, once.
pub fn password_reset(name: &str, link: &str) -> Letter {
    Letter {
        subject: "Choisir un nouveau mot de passe Pilote".to_owned(),
        body: format!(
            "Bonjour {name},\n\n\
             Quelqu'un, sans doute vous, a demandé à choisir un nouveau mot de passe pour votre \
             compte Pilote. Suivez ce lien, valable 1\u{a0}heure et une seule fois\u{a0}:\n\n\
             {link}\n\n\
             Si vous n'avez rien demandé, ignorez ce message\u{a0}: votre mot de passe ne change \
             pas.\n\n\
             -- \nPilote\n"
        ),
    }
}

/// The confirmation of an application to a campaign.
pub fn application_received(name: &str, campaign: &str, title: &str, number: i64) -> Letter {
    Letter {
        subject: format!("Candidature reçue\u{a0}: {campaign}"),
        body: format!(
            "Bonjour {name},\n\n\
             Votre candidature «\u{a0}{title}\u{a0}» à l'appel «\u{a0}{campaign}\u{a0}» est bien \
             reçue, sous le numéro {number}. L'incubateur reviendra vers vous après l'examen \
             des candidatures.\n\n\
             -- \nPilote\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pilote_domain::Slug;

    #[test]
    fn letters_are_french_and_carry_their_link() {
        let grant = Grant::Manager {
            incubator: Slug::parse("dinum").expect("slug"),
        };
        let letter = invitation(
            "Camille",
            "Alex",
            &grant,
            "https://p.example/invitation/ab",
            true,
        );
        assert!(
            letter
                .body
                .contains("«\u{a0}Responsable d'incubateur (dinum)\u{a0}»")
        );
        assert!(letter.body.contains("\nhttps://p.example/invitation/ab\n"));
        assert!(letter.body.contains("ProConnect"));
        assert!(
            !invitation("C", "A", &grant, "l", false)
                .body
                .contains("ProConnect")
        );
        let reset = password_reset("Camille", "https://p.example/mot-de-passe/cd");
        assert!(reset.body.contains("1\u{a0}heure"));
        assert!(reset.body.contains("\nhttps://p.example/mot-de-passe/cd\n"));
    }

    #[test]
    fn no_host_no_mailer_and_a_bad_sender_is_refused() {
        let mut settings = Settings::load(None).expect("defaults");
        assert!(Mailer::from_settings(&settings).expect("off").is_none());
        settings.smtp.host = "127.0.0.1".to_owned();
        settings.smtp.sender = "pas une adresse".to_owned();
        assert!(Mailer::from_settings(&settings).is_err());
        settings.smtp.sender = "Pilote <pilote@example.gouv.fr>".to_owned();
        settings.smtp.tls = SmtpTls::None;
        assert!(Mailer::from_settings(&settings).expect("on").is_some());
    }
}
