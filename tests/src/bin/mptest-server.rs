//! Child process for cross-process tests: serves `TestInit` on the fd in argv[1].

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        println!("Usage: mptest-server <fd>");
        std::process::exit(1);
    }
    if let Err(e) = mp::serve_spawned(
        "mptest-server",
        &args[1],
        mp::LogOptions::default(),
        multiprocess_tests::test_init(),
    ) {
        eprintln!("mptest-server: {e}");
        std::process::exit(1);
    }
}
