//! `ladder serve`: watcher, HTTP server and live reload.
