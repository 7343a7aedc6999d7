fn main() -> std::process::ExitCode {
    xinghuo::cli::main()
}
