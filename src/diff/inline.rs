//! Inline Markdown for the diff comment: escaping text that comes from the ladder
//! (so that a ladder cannot inject markup or HTML into a PR comment) and writing
//! word diffs as ~~removed~~ **added**.

use super::words::{WordOp, WordOpKind};

/// A word diff as Markdown: ~~removed~~ **added**. With `context`, unchanged runs are
/// cut to that many words next to each change.
pub fn render_words(ops: &[WordOp], context: Option<usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let last = ops.len().saturating_sub(1);
    for (i, op) in ops.iter().enumerate() {
        match op.op {
            WordOpKind::Equal => {
                let words: Vec<&str> = op.text.split(' ').collect();
                let text = match context {
                    Some(k)
                        if words.len() > 2 * k + 1
                            || (words.len() > k && (i == 0 || i == last)) =>
                    {
                        let head = if i == 0 {
                            None
                        } else {
                            Some(words[..k.min(words.len())].join(" "))
                        };
                        let tail = if i == last {
                            None
                        } else {
                            Some(words[words.len().saturating_sub(k)..].join(" "))
                        };
                        match (head, tail) {
                            (Some(h), Some(t)) => format!("{} … {}", esc(&h), esc(&t)),
                            (Some(h), None) => format!("{} …", esc(&h)),
                            (None, Some(t)) => format!("… {}", esc(&t)),
                            (None, None) => esc(&op.text),
                        }
                    }
                    _ => esc(&op.text),
                };
                parts.push(text);
            }
            WordOpKind::Delete => parts.push(format!("~~{}~~", esc(&op.text))),
            WordOpKind::Insert => parts.push(format!("**{}**", esc(&op.text))),
        }
    }
    parts.join(" ")
}

/// Escapes text from the ladder for Markdown (and for table cells): markup
/// characters get a backslash, `<` and `&` become entities so no HTML gets through.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '[' | ']' | '#' | '|' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a diagnostic message, keeping its `code` spans (ids, keys) as code.
/// Unbalanced backticks fall back to escaping everything.
pub fn esc_message(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return esc(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 && !p.is_empty() {
                format!("`{}`", code_text(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

/// Escapes a text that starts a line, where `-`, `+`, `=` or `1.` would open a block.
pub fn esc_block(s: &str) -> String {
    let e = esc(s);
    if e.starts_with(['-', '+', '=']) {
        return format!("\\{e}");
    }
    let digits = e.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && e[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &e[..digits], &e[digits..]);
    }
    e
}

/// Text inside a code span: backticks cannot be escaped there, so they are replaced.
pub fn code_text(s: &str) -> String {
    s.replace('`', "'")
        .replace(['\n', '\r'], " ")
        .replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_html() {
        assert_eq!(
            esc("<script>*x*</script>"),
            "&lt;script&gt;\\*x\\*&lt;/script&gt;"
        );
        assert_eq!(esc("a | b ~~c~~"), "a \\| b \\~\\~c\\~\\~");
    }

    #[test]
    fn messages_keep_their_code_spans() {
        assert_eq!(
            esc_message("track `managing` has no *level* `<b>`"),
            "track `managing` has no \\*level\\* `<b>`"
        );
        assert_eq!(esc_message("odd ` tick"), "odd \\` tick");
    }

    #[test]
    fn long_unchanged_runs_are_cut_to_context() {
        let ops = super::super::words::word_diff(
            "one two three four five six seven eight nine ten",
            "one two three four five SIX seven eight nine ten",
        );
        assert_eq!(
            render_words(&ops, Some(2)),
            "… four five ~~six~~ **SIX** seven eight …"
        );
        assert_eq!(
            render_words(&ops, None),
            "one two three four five ~~six~~ **SIX** seven eight nine ten"
        );
    }
}
