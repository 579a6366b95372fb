//! `config-fuzz`: fuzz any program's configuration from a JSON Schema.
//! See `config-fuzz --help` and the README's "Fuzzing any program" section.

#[cfg(not(unix))]
compile_error!("config-fuzz needs a Unix system (process groups, pidfds)");

// The runner and worker are wired to the campaign in the next commit.
#[allow(dead_code)]
mod child;
#[allow(dead_code)]
mod cli;
#[allow(dead_code)]
mod run;
#[allow(dead_code)]
mod worker;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let _ = cli.command.common();
    std::process::ExitCode::SUCCESS
}
