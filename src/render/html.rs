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
    escaped_runs(s, |run| out.push_str(run));
}

/// Tera's escape function for the theme's HTML templates: the same characters and
/// entities as Tera's own (`& < > " '`), but written a run at a time. Tera's writes
/// each byte through the output's `dyn Write` on its own: that was 9 % of a whole
/// build's instructions.
pub(super) fn write_escaped(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    escaped_runs(s, |run| {
        if result.is_ok() {
            result = out.write_all(run.as_bytes());
        }
    });
    result
}

/// Calls `emit` with `s` HTML-escaped, in pieces: runs of plain text and entities.
fn escaped_runs(s: &str, mut emit: impl FnMut(&str)) {
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
        if plain < i {
            emit(&s[plain..i]);
        }
        emit(entity);
        plain = i + 1;
    }
    if plain < s.len() {
        emit(&s[plain..]);
    }
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

    /// Templates escape through [`write_escaped`]: byte for byte what Tera's own
    /// escaping writes.
    #[test]
    fn templates_escape_as_tera_does() {
        for s in [r#"Ünï <a href="x">&'é'</a>"#, "", "plain", "&&", "a'"] {
            let mut ours = Vec::new();
            write_escaped(s, &mut ours).unwrap();
            let mut tera = Vec::new();
            tera::escape_html(s, &mut tera).unwrap();
            assert_eq!(ours, tera, "{s}");
        }
    }
}
