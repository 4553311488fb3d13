//! Live reload for `ladder serve`: the served state, the script injected into pages
//! and the server-sent events channel that tells open pages what happened.
//!
//! The state ([`Served`]) lives in a `tokio::sync::watch` channel. The build thread
//! replaces it whole once a build is complete, and that replacement is what wakes
//! every open events stream: a reload can only be sent after the new site is in
//! place, and a request can only see a whole site, the old or the new.
//!
//! Each state has a token (this server's start time and the build's number). A page
//! is served with the token it was built from and opens
//! `<base>__ladder/events?since=<token>`; when the current token differs (a rebuild
//! happened while the page loaded, or the server restarted), the stream says so at
//! once, so no change is missed between loading a page and opening the channel.
//!
//! Events: `reload` (a good build: the page reloads itself) and `overlay` (a failed
//! build: the page swaps in the error overlay without reloading, so the reader keeps
//! their place; the same overlay is also in every page served while the error lasts).
//! Server-sent events rather than a WebSocket: the channel only goes one way, it is
//! plain HTTP, and `EventSource` reconnects by itself.
//!
//! What it leaves to others: the HTTP routing and page injection (`super::server`),
//! the overlay's HTML (`super::overlay`).

use std::convert::Infallible;
use std::sync::Arc;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;
use tokio_stream::wrappers::WatchStream;
use tokio_stream::{Stream, StreamExt};

use crate::render::SiteFiles;

/// What the server serves right now.
#[derive(Debug, Clone, Default)]
pub struct Served {
    /// Changes with every published build.
    pub token: String,
    /// The site's base path, starting and ending with `/`.
    pub base: Arc<str>,
    /// The base path served before ladder.yaml moved the site, if it did: pages open
    /// there reload at their old address, which redirects to the new one.
    pub moved_from: Option<Arc<str>>,
    /// The last good site; `None` until a build has succeeded.
    pub site: Option<Arc<SiteFiles>>,
    /// The overlay's HTML while the latest build has failed.
    pub overlay: Option<Arc<str>>,
    /// The server is shutting down: open event streams end.
    pub closing: bool,
}

/// The path of the events channel, relative to the site root.
pub const EVENTS_PATH: &str = "__ladder/events";

/// The script that opens the events channel, for a page served from `served`.
/// `base` is the site's base path (`/`, `/careers/ladder/`).
pub fn script(base: &str, token: &str) -> String {
    // Both values are known to be URL-path and token characters only, and they are
    // embedded as JSON strings, so nothing here can close the script element.
    let url = serde_json::to_string(&format!("{base}{EVENTS_PATH}")).unwrap_or_default();
    let token = serde_json::to_string(token).unwrap_or_default();
    let script = SCRIPT.replace("__URL__", &url).replace("__TOKEN__", &token);
    format!(
        "<script data-ladder-serve>{}</script>",
        script.replace("</", "<\\/")
    )
}

const SCRIPT: &str = r#"(function () {
  "use strict";
  if (!window.EventSource) return;
  var source = new EventSource(__URL__ + "?since=" + encodeURIComponent(__TOKEN__));
  source.addEventListener("reload", function () {
    source.close();
    window.location.reload();
  });
  source.addEventListener("overlay", function (e) {
    var data = JSON.parse(e.data);
    var holder = document.createElement("div");
    holder.innerHTML = data.html;
    var overlay = holder.firstElementChild;
    var old = document.getElementById("ladder-overlay");
    if (old) old.replaceWith(overlay); else document.body.appendChild(overlay);
  });
})();"#;

/// The events stream for one page; `since` is the token it was served with (without
/// one, only changes after the channel opened are sent).
pub fn events(state: watch::Receiver<Arc<Served>>, since: Option<String>) -> Response {
    let current = state.borrow().token.clone();
    let since = since.unwrap_or(current);
    Sse::new(stream(state, since))
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn stream(
    state: watch::Receiver<Arc<Served>>,
    since: String,
) -> impl Stream<Item = Result<Event, Infallible>> {
    // A first comment so that the client sees the channel open at once.
    let hello = tokio_stream::once(Ok(Event::default().comment("ladder serve")));
    let changes = WatchStream::new(state)
        .map_while(|s| (!s.closing).then_some(s))
        .filter_map(move |s| (s.token != since).then(|| Ok(event_for(&s))));
    hello.chain(changes)
}

/// The event that tells a page about `served`.
pub fn event_for(served: &Served) -> Event {
    match &served.overlay {
        Some(html) => {
            let data = serde_json::json!({ "token": served.token, "html": &**html });
            Event::default().event("overlay").data(data.to_string())
        }
        None => {
            let data = serde_json::json!({ "token": served.token });
            Event::default().event("reload").data(data.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_cannot_break_out_of_its_element() {
        let s = script("/a/</script>/", "1.2");
        assert_eq!(s.matches("</script>").count(), 1, "{s}");
        assert!(s.contains(r#""/a/<\/script>/__ladder/events""#), "{s}");
        assert!(s.contains(r#""1.2""#));
    }

    #[test]
    fn events_say_reload_or_overlay() {
        let good = Served {
            token: "t.2".into(),
            ..Served::default()
        };
        let text = format!("{:?}", event_for(&good));
        assert!(text.contains("reload"), "{text}");
        let bad = Served {
            token: "t.3".into(),
            overlay: Some(Arc::from("<div id=\"ladder-overlay\">x</div>")),
            ..Served::default()
        };
        let text = format!("{:?}", event_for(&bad));
        assert!(
            text.contains("overlay") && text.contains("ladder-overlay"),
            "{text}"
        );
    }

    async fn next<S: Stream<Item = Result<Event, Infallible>> + Unpin>(
        s: &mut S,
    ) -> Option<String> {
        tokio::time::timeout(std::time::Duration::from_secs(2), s.next())
            .await
            .ok()
            .flatten()
            .map(|e| format!("{:?}", e.ok()))
    }

    fn served(token: &str, overlay: Option<&str>) -> Arc<Served> {
        Arc::new(Served {
            token: token.into(),
            overlay: overlay.map(Arc::from),
            ..Served::default()
        })
    }

    #[tokio::test]
    async fn a_stream_sends_what_the_page_missed_then_each_change_and_ends_on_close() {
        let (tx, rx) = watch::channel(served("s.2", None));
        // The page was served at build 1; build 2 happened before it connected.
        let mut s = Box::pin(stream(rx, "s.1".into()));
        assert!(next(&mut s)
            .await
            .is_some_and(|e| e.contains("ladder serve")));
        assert!(next(&mut s)
            .await
            .is_some_and(|e| e.contains("reload") && e.contains("s.2")));
        tx.send_replace(served("s.3", Some("<div>broken</div>")));
        assert!(next(&mut s)
            .await
            .is_some_and(|e| e.contains("overlay") && e.contains("broken")));
        tx.send_replace(Arc::new(Served {
            closing: true,
            ..Served::default()
        }));
        assert_eq!(
            next(&mut s).await,
            None,
            "the stream ends when the server closes"
        );
    }

    #[tokio::test]
    async fn a_page_served_from_the_current_build_waits_for_the_next() {
        let (tx, rx) = watch::channel(served("s.4", None));
        let mut s = Box::pin(stream(rx, "s.4".into()));
        assert!(next(&mut s)
            .await
            .is_some_and(|e| e.contains("ladder serve")));
        let nothing = tokio::time::timeout(std::time::Duration::from_millis(100), s.next()).await;
        assert!(nothing.is_err(), "nothing to say yet");
        tx.send_replace(served("s.5", None));
        assert!(next(&mut s)
            .await
            .is_some_and(|e| e.contains("reload") && e.contains("s.5")));
    }
}
