//! The `crosswalk` binary: all logic is in the library.

#[allow(unsafe_code)]
fn main() -> std::process::ExitCode {
    // SAFETY: the first statement of the process: no thread exists yet and nothing has used
    // libgit2, as `configure_libgit2` requires.
    unsafe { crosswalk::history::configure_libgit2() };
    crosswalk::cli::main()
}
