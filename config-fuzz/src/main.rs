//! `config-fuzz`: fuzz any program's configuration from a JSON Schema.
//! See `config-fuzz --help` and the README's "Fuzzing any program:
//! `config-fuzz`" section.

#[cfg(not(unix))]
compile_error!("config-fuzz needs a Unix system (process groups, pidfds)");

mod campaign;
mod child;
mod cli;
mod interrupt;
mod output;
mod run;
mod worker;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == run::LAUNCH) {
        return run::launch(&args[2..]);
    }
    let cli = cli::Cli::parse();
    if let Err(e) = interrupt::install() {
        eprintln!(
            "config-fuzz: cannot watch for Ctrl-C ({e}); an interrupted campaign may leave its runs behind"
        );
    }
    campaign::main(cli.command)
}
