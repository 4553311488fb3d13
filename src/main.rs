use std::process::ExitCode;

fn main() -> ExitCode {
    ladder::commands::main()
}
