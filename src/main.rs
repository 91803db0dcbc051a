//! The `ksym` command.

fn main() -> std::process::ExitCode {
    ksym::cli::main()
}
