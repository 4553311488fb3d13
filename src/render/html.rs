//! HTML escaping for the text the renderer writes outside templates (word diffs,
//! inherited-from notes) and for serve's error overlay. One function below every page
//! builder, so that no two of them escape differently or call each other for it.

/// HTML-escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// [`escape`] appended to `out`: the diff escapes every line it writes, and a fresh
/// String per line was a tenth of the diff's cost. Runs without a special character
/// are copied whole.
pub(super) fn push_escaped(out: &mut String, s: &str) {
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_special_character_and_keeps_the_rest() {
        assert_eq!(
            escape(r#"Ünï <a href="x">&'é'</a>"#),
            "Ünï &lt;a href=&quot;x&quot;&gt;&amp;&#39;é&#39;&lt;/a&gt;"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("plain"), "plain");
    }
}
