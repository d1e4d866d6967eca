//! The `crosswalk` binary: all logic is in the library.

fn main() -> std::process::ExitCode {
    crosswalk::cli::main()
}
