//! Child process for cross-process tests: serves `TestInit` on the fd in argv[1].

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        println!("Usage: mptest-server <fd>");
        std::process::exit(1);
    }
    let stream = match mp::start_spawned(&args[1]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mptest-server: {e}");
            std::process::exit(1);
        }
    };
    let lp = mp::EventLoop::new("mptest-server", mp::LogOptions::default());
    if let Err(e) = mp::serve_stream(&lp, stream, multiprocess_tests::test_init()) {
        eprintln!("mptest-server: {e}");
        std::process::exit(1);
    }
    lp.run();
}
