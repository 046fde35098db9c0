//! A CSV file's encoding, told from its bytes: UTF-8 (with or without byte-order mark) or
//! Windows-1252, French Excel's « CSV (séparateur : point-virgule) ». Anything else is
//! refused, naming what the file seems to be, rather than stored mis-decoded.

use pilote_domain::DomainError;

/// An encoding the reader decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark (Excel's « CSV UTF-8 » writes one).
    Utf8,
    /// Windows-1252 (a superset of Latin-1 for French text).
    Windows1252,
}

/// The five bytes Windows-1252 leaves undefined: a file holding one is in another encoding.
const UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Windows-1252 bytes that are punctuation there but accented letters in the MS-DOS (850) or
/// Mac encodings: `t‚l‚phone` is `téléphone` in MS-DOS, `tŽlŽphone` in Mac Roman. Between two
/// ASCII letters they betray such a file (`’`, `‘`, `œ` are left out: `l’état`, `cœur`).
const MISREAD_BETWEEN_LETTERS: [u8; 17] = [
    0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8E, 0x93, 0x94, 0x97, 0x99,
    0x9B,
];

/// The file's text and its encoding, or a refusal naming what it is (UTF-16, another
/// encoding, a mix) and where (`lines[N]`, the line of the first byte at fault).
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DomainError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(utf16("file"));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(utf16(&format!("lines[{}]", line_of(bytes, at))));
    }
    if let Some(text) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(text) {
            Ok(text) => Ok((text.to_owned(), Encoding::Utf8)),
            Err(e) => {
                let at = e.valid_up_to() + 3;
                Err(DomainError::rule(
                    format!("lines[{}]", line_of(bytes, at)),
                    format!(
                        "the file starts with a UTF-8 byte-order mark but is not UTF-8 (byte {})",
                        hex(bytes, at)
                    ),
                    format!(
                        "Le fichier commence par la marque de l'UTF-8 mais n'est pas en UTF-8 \
                         (octet {}) : enregistrez-le à nouveau au format « CSV UTF-8 ».",
                        hex(bytes, at)
                    ),
                ))
            }
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), Encoding::Utf8));
    }
    windows_1252(bytes).map(|text| (text, Encoding::Windows1252))
}

/// A file that is not UTF-8, decoded as Windows-1252 if it reads as such.
fn windows_1252(bytes: &[u8]) -> Result<String, DomainError> {
    let control = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    if let Some(at) = bytes
        .iter()
        .position(|b| UNDEFINED.contains(b) || control(*b))
    {
        return Err(unknown(bytes, at));
    }
    let letter = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
    if let Some(at) = (1..bytes.len())
        .find(|&i| MISREAD_BETWEEN_LETTERS.contains(&bytes[i]) && letter(i - 1) && letter(i + 1))
    {
        return Err(unknown(bytes, at));
    }
    // `Ã©` is how `é` in UTF-8 reads in Windows-1252: such a pair in a file that is not
    // UTF-8 as a whole means two files pasted together, or a file converted twice.
    if let Some(at) = bytes
        .windows(2)
        .position(|w| matches!(w[0], 0xC2 | 0xC3) && (0x80..=0xBF).contains(&w[1]))
    {
        let line = line_of(bytes, at);
        return Err(DomainError::rule(
            format!("lines[{line}]"),
            "the file mixes UTF-8 and Windows-1252: save it again as \"CSV UTF-8\"",
            "Le fichier mélange deux encodages (UTF-8 et Windows-1252) : enregistrez-le à \
             nouveau depuis votre tableur au format « CSV UTF-8 ».",
        ));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Ok(text.into_owned())
}

/// The refusal of a UTF-16 file (Excel's « Texte Unicode »), or one holding zero bytes.
fn utf16(field: &str) -> DomainError {
    DomainError::rule(
        field,
        "the file is UTF-16 (or not text): save it as \"CSV UTF-8\" or \"CSV (semicolon \
         delimited)\"",
        "Le fichier est en UTF-16 (« Texte Unicode ») ou n'est pas du texte : enregistrez-le au \
         format « CSV UTF-8 » ou « CSV (séparateur : point-virgule) ».",
    )
}

/// The refusal of a file neither UTF-8 nor Windows-1252, naming its first byte at fault.
fn unknown(bytes: &[u8], at: usize) -> DomainError {
    let byte = hex(bytes, at);
    DomainError::rule(
        format!("lines[{}]", line_of(bytes, at)),
        format!(
            "the file is neither UTF-8 nor Windows-1252 (byte {byte}; an MS-DOS or Mac \
             encoding?): save it as \"CSV UTF-8\""
        ),
        format!(
            "Le fichier n'est ni en UTF-8 ni en Windows-1252 (octet {byte} ; un encodage MS-DOS \
             ou Mac ?) : enregistrez-le depuis votre tableur au format « CSV UTF-8 »."
        ),
    )
}

/// `0xE9`: the byte at `at`.
fn hex(bytes: &[u8], at: usize) -> String {
    bytes
        .get(at)
        .map_or_else(|| "?".to_owned(), |b| format!("0x{b:02X}"))
}

/// The line (from 1) of the byte at `at`, counting `\n` and lone `\r` line ends.
fn line_of(bytes: &[u8], at: usize) -> u64 {
    let before = &bytes[..at.min(bytes.len())];
    let ends = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    ends as u64 + 1
}
