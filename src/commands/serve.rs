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

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    crate::serve::run(crate::serve::Options {
        root: args.common.root,
        bind: args.bind,
        port: args.port,
        open: args.open,
    })
}
