//! Child process for cross-process tests: serves `TestInit` (or, with `types` after the fd,
//! `TypesInit`) on the fd in `argv[1]`.

use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(2).map(String::as_str) {
        None if args.len() == 2 => mp::serve_spawned(
            "mptest-server",
            &args[1],
            mp::LogOptions::default(),
            multiprocess_tests::test_init(),
        ),
        Some("types") => {
            let init: Arc<dyn multiprocess_tests::types_capnp::TypesInit> =
                Arc::new(multiprocess_tests::types_impl::TypesInitImpl);
            mp::serve_spawned("mptest-server", &args[1], mp::LogOptions::default(), init)
        }
        _ => {
            println!("Usage: mptest-server <fd> [types]");
            std::process::exit(1);
        }
    };
    if let Err(e) = result {
        eprintln!("mptest-server: {e}");
        std::process::exit(1);
    }
}
