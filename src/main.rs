//! The `ksym` command: the command line ([`cli`]) over the `ksym` library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
