//! Accessibility and escaping of the SVG output.
//!
//! plotters' SVG backend (plotters-svg 0.3.7, `escape_and_push`) already escapes `<`, `>`,
//! `&`, `"` and `'` in text content and attribute values, so labels are handed to it raw:
//! escaping them before drawing would show `&amp;lt;` to the reader. Only what this module
//! adds itself (`<title>`, `<desc>`) is escaped here.

/// Escapes text for XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Removes characters XML 1.0 forbids; plotters escapes markup but not these, and one would
/// make the whole document unreadable.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Adds `role="img"`, then `<title>` and `<desc>` as the first children of the root element,
/// where screen readers look for the accessible name and description.
pub fn with_title_and_desc(svg: String, title: &str, desc: &str) -> String {
    let Some(open_end) = svg.find('>') else {
        return svg;
    };
    let mut out = String::with_capacity(svg.len() + title.len() + desc.len() + 64);
    let (head, rest) = svg.split_at(open_end);
    out.push_str(head);
    out.push_str(" role=\"img\">\n<title>");
    out.push_str(&escape(title));
    out.push_str("</title>\n<desc>");
    out.push_str(&escape(desc));
    out.push_str("</desc>");
    // `rest` starts with the '>' already written above.
    out.push_str(&rest[1..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_once() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&apos;x&apos;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{0}b"), "ab");
        assert_eq!(clean("a\u{7}b"), "a b");
    }

    #[test]
    fn title_and_desc_come_first() {
        let svg = "<svg width=\"1\" height=\"1\">\n<rect/>\n</svg>\n".to_owned();
        let out = with_title_and_desc(svg, "T <b>", "D & d");
        assert_eq!(
            out,
            "<svg width=\"1\" height=\"1\" role=\"img\">\n<title>T &lt;b&gt;</title>\n\
             <desc>D &amp; d</desc>\n<rect/>\n</svg>\n"
        );
    }
}
