//! Why a catalogue file could not be read, in French, saying where: the terminal is read by
//! people, and the parsers' own messages are English. Each error ends the chain (no source):
//! nothing English is printed after it.

use std::{io, path::Path};

/// A file or directory of the catalogue that cannot be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Reading failed.
    #[error("impossible de lire {path} : {reason}")]
    Unreadable { path: String, reason: &'static str },
    /// Not JSON of the public API's shape.
    #[error("{source_name} n'est pas un fichier startups.json : {what}")]
    NotCatalogue { source_name: String, what: String },
    /// A Markdown file without its `---` front matter.
    #[error("{id} : pas d'en-tête YAML (entre deux lignes « --- »)")]
    NoFrontMatter { id: String },
    /// A front matter that is not the YAML expected.
    #[error("{id} : en-tête YAML illisible{at}")]
    FrontMatter { id: String, at: String },
}

/// What an I/O error means to a person.
fn io_reason(error: &io::Error) -> &'static str {
    match error.kind() {
        io::ErrorKind::NotFound => "fichier ou dossier introuvable",
        io::ErrorKind::PermissionDenied => "accès refusé",
        io::ErrorKind::IsADirectory => "c'est un dossier, pas un fichier",
        io::ErrorKind::NotADirectory => "ce n'est pas un dossier",
        io::ErrorKind::InvalidData => "le fichier n'est pas du texte UTF-8",
        _ => "erreur d'entrée-sortie",
    }
}

/// The text of `path`.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|e| unreadable(path, &e))
}

/// An I/O error on `path`.
pub fn unreadable(path: &Path, error: &io::Error) -> FileError {
    FileError::Unreadable {
        path: path.display().to_string(),
        reason: io_reason(error),
    }
}

/// `text` as JSON of type `T`; `source_name` names the file in the error, which says where
/// (the field path and the line and column) and what kind of problem it is.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    source_name: &str,
) -> Result<T, FileError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner();
        let (line, column) = (inner.line(), inner.column());
        let what = match inner.classify() {
            serde_json::error::Category::Syntax => {
                format!("JSON mal formé à la ligne {line}, colonne {column}")
            }
            serde_json::error::Category::Eof => {
                format!("fichier tronqué (il s'arrête à la ligne {line})")
            }
            serde_json::error::Category::Data if path == "." => format!(
                "ce n'est pas un objet avec une liste « data » (ligne {line}, colonne {column})"
            ),
            serde_json::error::Category::Data => format!(
                "valeur inattendue ou manquante à « {path} » (ligne {line}, colonne {column})"
            ),
            serde_json::error::Category::Io => "erreur de lecture".to_owned(),
        };
        FileError::NotCatalogue {
            source_name: source_name.to_owned(),
            what,
        }
    })
}

/// A front matter's YAML as type `T`; `id` names the file in the error.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(id: &str, yaml: &str) -> Result<T, FileError> {
    serde_path_to_error::deserialize(serde_norway::Deserializer::from_str(yaml)).map_err(|e| {
        let path = e.path().to_string();
        let line = e.inner().location().map(|l| l.line());
        let at = match (path.as_str(), line) {
            (".", Some(line)) => format!(" à la ligne {line}"),
            (".", None) => String::new(),
            (path, Some(line)) => format!(" à « {path} » (ligne {line})"),
            (path, None) => format!(" à « {path} »"),
        };
        FileError::FrontMatter {
            id: id.to_owned(),
            at,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct File {
        #[allow(dead_code)]
        data: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)]
        id: String,
    }

    fn json_error(text: &str) -> String {
        parse_json::<File>(text, "s.json")
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn json_errors_say_where_in_french() {
        assert_eq!(
            json_error(r#"{"data": [{"id": 3}]}"#),
            "s.json n'est pas un fichier startups.json : valeur inattendue ou manquante à \
             « data[0].id » (ligne 1, colonne 18)"
        );
        assert_eq!(
            json_error("nope"),
            "s.json n'est pas un fichier startups.json : JSON mal formé à la ligne 1, colonne 2"
        );
        assert_eq!(
            json_error("{\"data\": [\n"),
            "s.json n'est pas un fichier startups.json : fichier tronqué (il s'arrête à la ligne 2)"
        );
        assert_eq!(
            json_error(r#""texte""#),
            "s.json n'est pas un fichier startups.json : ce n'est pas un objet avec une liste \
             « data » (ligne 1, colonne 7)"
        );
    }

    #[test]
    fn yaml_and_io_errors_in_french() {
        let e = parse_yaml::<Item>("agora", "id: [1, 2]").expect_err("refused");
        assert_eq!(
            e.to_string(),
            "agora : en-tête YAML illisible à « id » (ligne 1)"
        );
        let e = read_text(Path::new("/nulle-part/startups.json")).expect_err("refused");
        assert_eq!(
            e.to_string(),
            "impossible de lire /nulle-part/startups.json : fichier ou dossier introuvable"
        );
    }
}
