//! `ladder serve`: build, serve, watch, rebuild and reload.

use clap::Args;
use std::net::IpAddr;
use std::process::ExitCode;

use super::Common;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: Common,
    /// Port to listen on (default 1111; when not given, the next free port is taken)
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Address to bind
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}

pub fn run(_args: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`ladder serve` is not implemented yet")
}
