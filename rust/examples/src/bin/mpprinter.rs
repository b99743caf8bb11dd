//! Child process serving `InitInterface.makePrinter`: prints what it is given.

use std::sync::Arc;

use multiprocess_examples::init_capnp::InitInterface;
use multiprocess_examples::printer_capnp::PrinterInterface;

struct Printer;

impl PrinterInterface for Printer {
    fn print(&self, text: String) -> mp::Result<()> {
        println!("mpprinter: {text}");
        Ok(())
    }
}

struct Init;

impl InitInterface for Init {
    fn make_printer(&self) -> mp::Result<Option<Box<dyn PrinterInterface>>> {
        Ok(Some(Box::new(Printer)))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        println!("Usage: mpprinter <fd>");
        std::process::exit(1);
    }
    let init: Arc<dyn InitInterface> = Arc::new(Init);
    if let Err(e) = mp::serve_spawned(
        "mpprinter",
        &args[1],
        multiprocess_examples::log_options(),
        init,
    ) {
        eprintln!("mpprinter: {e}");
        std::process::exit(1);
    }
}
