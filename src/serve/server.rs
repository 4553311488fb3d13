//! The HTTP side of `ladder serve`: maps request paths to the files of the current
//! site, adds the reload script (and the error overlay while a rebuild has failed)
//! to HTML pages, and answers the events channel.
//!
//! The site is served from memory: each build's [`SiteFiles`] is held behind an
//! `Arc` in the served state and replaced whole, so a request sees either the old
//! site or the new one, never a folder being rewritten. That is why tower-http's
//! `ServeDir` is not used: it reads a folder on disk, which a rebuild would have to
//! rewrite under it (and the pages need the script added, which `ServeDir` does not
//! do). Nothing is written to disk, so there is no temporary folder to clean up.
//!
//! Paths: the site lives under the path of its base URL (`/careers/ladder/`); `/`
//! and the base path without its slash redirect there. A request path is
//! percent-decoded once; a `.` or `..` segment, a backslash, a NUL byte or bytes
//! that are not UTF-8 get 404, so nothing can name a file outside the site (and the
//! lookup is in a map of the site's own files anyway). A folder serves its
//! `index.html`, a folder named without its trailing slash redirects to it, and
//! anything else unknown gets the site's `404.html` with status 404.
//!
//! Connections: hyper's HTTP/1 connection builder serves each accepted socket (not
//! `axum::serve`, which sets none of its limits). A request whose head is not in
//! within [`HEADER_READ_TIMEOUT`] is dropped; hyper runs the same timer while a
//! kept-alive connection waits for its next request, so it is the idle timeout too
//! (an open events stream is a response being written, not a wait, and stays). A
//! request target over [`MAX_TARGET`] bytes gets 414 and header fields over
//! [`MAX_HEADERS`] get 431, from the parsed request: hyper's own 414 starts at a
//! fixed 64 KiB and its head size cap counts the request line and the headers
//! together, so it is set above the two (431 past it) as the bound on what is read.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::watch;

use super::reload::{self, Served, EVENTS_PATH};
use crate::render::SiteFiles;

/// The longest request target (path and query) answered; a longer one gets 414.
pub const MAX_TARGET: usize = 8 * 1024;
/// The most bytes of header names and values answered; more get 431.
pub const MAX_HEADERS: usize = 8 * 1024;
/// hyper's cap on a whole request head, which it answers with 431 itself.
const MAX_HEAD: usize = MAX_TARGET + MAX_HEADERS + 1024;
/// How long a connection may take to send a request head, or sit idle between requests.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `stop` completes, then lets the open
/// connections finish (the caller bounds how long it waits for that).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_header_size(MAX_HEAD);
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, a connection reset before it was
                // accepted...: the server keeps going, as axum::serve does.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away or times out is no error of the server's.
            let _ = connection.await;
        });
    }
    graceful.shutdown().await;
}

/// 414 for a request target over [`MAX_TARGET`], 431 for headers over [`MAX_HEADERS`].
fn too_large(req: &Request) -> Option<Response> {
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_TARGET {
        let text = format!("the request target is over {MAX_TARGET} bytes\n");
        return Some((StatusCode::URI_TOO_LONG, text).into_response());
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers > MAX_HEADERS {
        let text = format!("the request headers are over {MAX_HEADERS} bytes\n");
        return Some((StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, text).into_response());
    }
    None
}

/// What every request handler shares.
#[derive(Clone)]
pub struct App {
    pub state: watch::Receiver<Arc<Served>>,
}

/// The server's routes: everything goes through one handler, because the base path
/// comes from the ladder's settings (and changes when ladder.yaml does).
pub fn router(app: App) -> Router {
    Router::new().fallback(handle).with_state(app)
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// Redirect to this path.
    Redirect(String),
    /// The events channel.
    Events,
    /// A file of the site, by its key in [`SiteFiles`]; `folder` is the key of the
    /// `index.html` to redirect to when the path names a folder without its slash.
    File {
        key: String,
        folder: Option<String>,
    },
    NotFound,
}

/// Maps a raw (still percent-encoded) request path to a [`Route`]. `base` is the
/// base path as links write it (percent-encoded, see
/// [`normalize_base_url`](crate::config::normalize_base_url)); both are compared
/// decoded, since a client may escape a path differently (`%c3%a8`, or not at all).
pub fn route(base: &str, raw_path: &str) -> Route {
    let Some(path) = percent_decode(raw_path) else {
        return Route::NotFound;
    };
    let plain_base = percent_decode(base).unwrap_or_else(|| base.to_string());
    let bare = plain_base.trim_end_matches('/');
    if base != "/" && (path == "/" || path.is_empty() || path == bare) {
        return Route::Redirect(base.to_string());
    }
    let Some(decoded) = path.strip_prefix(&plain_base) else {
        return Route::NotFound;
    };
    if decoded == EVENTS_PATH {
        return Route::Events;
    }
    if decoded.contains(['\\', '\0']) {
        return Route::NotFound;
    }
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Route::NotFound,
            s => segments.push(s),
        }
    }
    let key = segments.join("/");
    if key.is_empty() {
        return Route::File {
            key: "index.html".into(),
            folder: None,
        };
    }
    if decoded.ends_with('/') {
        return Route::File {
            key: format!("{key}/index.html"),
            folder: None,
        };
    }
    Route::File {
        folder: Some(format!("{key}/index.html")),
        key,
    }
}

/// Where a path under the base the site was served at before ladder.yaml moved it
/// (`old`) is now: the same path under `base`. `None` for any other path, and for
/// the old base's events channel (its stream has already told the page to reload).
pub fn moved(base: &str, old: Option<&str>, raw_path: &str) -> Option<String> {
    let old = old.filter(|o| *o != base)?;
    let old = percent_decode(old).unwrap_or_else(|| old.to_string());
    let path = percent_decode(raw_path)?;
    let rest = path
        .strip_prefix(&old)
        .or_else(|| (path == old.trim_end_matches('/')).then_some(""))?;
    if rest == EVENTS_PATH {
        return None;
    }
    // Never `//host` (or `/\host`, which browsers read alike): that would leave the site.
    let rest = rest.trim_start_matches(['/', '\\']);
    Some(format!("{base}{}", crate::config::encode_path(rest)))
}

/// Percent-decodes a URL path; `None` when an escape is malformed (which the
/// decoder would keep as written) or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let malformed = s.match_indices('%').any(|(i, _)| {
        !s.as_bytes()
            .get(i + 1..i + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

async fn handle(State(app): State<App>, req: Request) -> Response {
    if let Some(refused) = too_large(&req) {
        return refused;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n").into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let served = app.state.borrow().clone();
    let base = &*served.base;
    match route(base, req.uri().path()) {
        Route::Redirect(to) => redirect(&to),
        Route::Events => {
            let since = req.uri().query().and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix("since="))
                    .and_then(percent_decode)
            });
            reload::events(app.state.clone(), since)
        }
        Route::File { key, folder } => {
            let Some(site) = &served.site else {
                return no_site(base, &served);
            };
            if site.contains(&key) {
                // A file left for its first request (a band page, the print view, the
                // search index...) is rendered off the async threads.
                let got = if site.is_pending(&key) {
                    let (site, key) = (site.clone(), key.clone());
                    tokio::task::spawn_blocking(move || site.get(&key))
                        .await
                        .unwrap_or_else(|e| Some(Err(format!("rendering stopped: {e}"))))
                } else {
                    site.get(&key)
                };
                return match got {
                    Some(Ok(bytes)) => file(base, &served, &key, &bytes, StatusCode::OK),
                    Some(Err(e)) => render_failed(&key, &e),
                    None => not_found(base, &served, site),
                };
            }
            if let Some(folder) = folder {
                if site.contains(&folder) {
                    return redirect(&format!("{}/", req.uri().path()));
                }
            }
            not_found(base, &served, site)
        }
        Route::NotFound => {
            if let Some(to) = moved(base, served.moved_from.as_deref(), req.uri().path()) {
                return redirect(&to);
            }
            match &served.site {
                Some(site) => not_found(base, &served, site),
                None => no_site(base, &served),
            }
        }
    }
}

/// A file rendered on request whose template failed: the error, as the build would
/// have reported it.
fn render_failed(key: &str, error: &str) -> Response {
    let text = format!("ladder serve: rendering {key} failed:\n\n{error}\n");
    let mut r = (StatusCode::INTERNAL_SERVER_ERROR, text).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn not_found(base: &str, served: &Served, site: &SiteFiles) -> Response {
    match site.get("404.html").and_then(Result::ok) {
        Some(page) => file(base, served, "404.html", &page, StatusCode::NOT_FOUND),
        None => {
            let page = b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1></body></html>";
            file(base, served, "404.html", page, StatusCode::NOT_FOUND)
        }
    }
}

/// Before any build has succeeded: a page with the overlay, which the reload script
/// replaces with the site once a build succeeds.
fn no_site(base: &str, served: &Served) -> Response {
    let page = b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ladder serve: build failed</title></head><body><h1>The ladder could not be built</h1><p>Fix the problems below; this page reloads by itself.</p></body></html>";
    let status = if served.overlay.is_some() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    file(base, served, "index.html", page, status)
}

fn file(base: &str, served: &Served, key: &str, bytes: &[u8], status: StatusCode) -> Response {
    let kind = content_type(key);
    let body = if kind.starts_with("text/html") {
        let mut extra = String::new();
        if let Some(o) = &served.overlay {
            extra.push_str(o);
        }
        extra.push_str(&reload::script(base, &served.token));
        inject(bytes, &extra)
    } else {
        bytes.to_vec()
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// Inserts `extra` before the page's last `</body>` (any case), or at its end.
pub fn inject(page: &[u8], extra: &str) -> Vec<u8> {
    let needle = b"</body";
    let at = page
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + extra.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// The Content-Type of a site file, by its extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_route(key: &str) -> Route {
        Route::File {
            key: key.into(),
            folder: None,
        }
    }

    #[test]
    fn pages_open_at_an_old_base_path_redirect_to_the_new_one() {
        let (new, old) = ("/eng/", Some("/careers/ladder/"));
        let to = |p: &str| moved(new, old, p);
        assert_eq!(
            to("/careers/ladder/technical/"),
            Some("/eng/technical/".into())
        );
        assert_eq!(to("/careers/ladder/"), Some("/eng/".into()));
        assert_eq!(to("/careers/ladder"), Some("/eng/".into()));
        assert_eq!(to("/careers/other/"), None);
        assert_eq!(to("/careers/ladder/__ladder/events"), None);
        assert_eq!(moved(new, None, "/careers/ladder/x/"), None);
        assert_eq!(moved(new, Some(new), "/eng/x/"), None);
        // From a root site into a sub-path, and back.
        assert_eq!(
            moved("/eng/", Some("/"), "/technical/"),
            Some("/eng/technical/".into())
        );
        assert_eq!(
            moved("/", Some("/careers/ladder/"), "/careers/ladder/technical/"),
            Some("/technical/".into())
        );
        // Never a protocol-relative address that leaves the server.
        for evil in [
            "/careers/ladder//evil.example/",
            "/careers/ladder/\\evil.example/",
        ] {
            assert_eq!(
                moved("/", old, evil),
                Some("/evil.example/".into()),
                "{evil}"
            );
        }
    }

    #[test]
    fn paths_under_a_base() {
        let b = "/careers/ladder/";
        assert_eq!(route(b, "/"), Route::Redirect(b.into()));
        assert_eq!(route(b, "/careers/ladder"), Route::Redirect(b.into()));
        assert_eq!(route(b, "/careers/ladder/"), file_route("index.html"));
        assert_eq!(
            route(b, "/careers/ladder/managing/"),
            file_route("managing/index.html")
        );
        assert_eq!(
            route(b, "/careers/ladder/managing"),
            Route::File {
                key: "managing".into(),
                folder: Some("managing/index.html".into())
            }
        );
        assert_eq!(
            route(b, "/careers/ladder/style%20x.css"),
            Route::File {
                key: "style x.css".into(),
                folder: Some("style x.css/index.html".into())
            }
        );
        assert_eq!(route(b, "/careers/ladder/__ladder/events"), Route::Events);
        assert_eq!(route(b, "/other/"), Route::NotFound);
        assert_eq!(route("/", "/"), file_route("index.html"));
        assert_eq!(route("/", "/__ladder/events"), Route::Events);
    }

    #[test]
    fn a_percent_encoded_base_matches_however_the_client_escapes_it() {
        let b = "/carri%C3%A8res/";
        for path in [
            "/carri%C3%A8res/technical/",
            "/carri%c3%a8res/technical/",
            "/carrières/technical/",
        ] {
            assert_eq!(route(b, path), file_route("technical/index.html"), "{path}");
        }
        assert_eq!(route(b, "/carri%C3%A8res"), Route::Redirect(b.into()));
        assert_eq!(route(b, "/"), Route::Redirect(b.into()));
        assert_eq!(route(b, "/carri%C3%A8res/__ladder/events"), Route::Events);
        assert_eq!(
            route("/my%20ladder/", "/my%20ladder/"),
            file_route("index.html")
        );
        assert_eq!(
            moved("/eng/", Some(b), "/carri%C3%A8res/a%20b/"),
            Some("/eng/a%20b/".into())
        );
        assert_eq!(
            moved(b, Some("/eng/"), "/eng/technical/"),
            Some("/carri%C3%A8res/technical/".into())
        );
    }

    #[test]
    fn traversal_is_not_found() {
        for base in ["/", "/careers/ladder/"] {
            for attempt in [
                "../Cargo.toml",
                "%2e%2e/Cargo.toml",
                "%2E%2E%2FCargo.toml",
                "..%2fCargo.toml",
                "..%5cCargo.toml",
                "a/../../etc/passwd",
                "a/./b",
                "..\\Cargo.toml",
                "%00",
                "%zz",
                "%c3%28",
                "..",
            ] {
                let path = format!("{base}{attempt}");
                assert_eq!(route(base, &path), Route::NotFound, "{path}");
            }
        }
        assert_eq!(
            route("/careers/ladder/", "/careers/../Cargo.toml"),
            Route::NotFound
        );
    }

    #[test]
    fn injection_goes_before_the_last_body_end() {
        let page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let out = String::from_utf8(inject(page, "<x>")).unwrap();
        assert_eq!(out, "<html><body><p>&lt;/body&gt;</p><x></BODY></html>");
        assert_eq!(inject(b"<p>no body", "<x>"), b"<p>no body<x>");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("ladder.json"), "application/json");
        assert_eq!(content_type("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("blob"), "application/octet-stream");
    }
}
