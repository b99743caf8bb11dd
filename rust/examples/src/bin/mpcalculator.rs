//! Child process serving `InitInterface.makeCalculator`: a calculator that reports through the
//! printer it is given.

use std::sync::Arc;

use multiprocess_examples::calculator_capnp::CalculatorInterface;
use multiprocess_examples::init_capnp::InitInterface;
use multiprocess_examples::printer_capnp::PrinterInterface;

struct Calculator {
    printer: Option<Box<dyn PrinterInterface>>,
}

impl CalculatorInterface for Calculator {
    fn solve_equation(&self, eqn: String) -> mp::Result<()> {
        match &self.printer {
            Some(printer) => printer.print(format!("Wow {eqn}, that's a tough one.\n")),
            None => Err(mp::Error::failed("no printer")),
        }
    }
}

struct Init;

impl InitInterface for Init {
    fn make_calculator(
        &self,
        print: Option<Box<dyn PrinterInterface>>,
    ) -> mp::Result<Option<Box<dyn CalculatorInterface>>> {
        Ok(Some(Box::new(Calculator { printer: print })))
    }

    fn make_printer(&self) -> mp::Result<Option<Box<dyn PrinterInterface>>> {
        // Like the original's default: this process makes no printers.
        Ok(None)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        println!("Usage: mpcalculator <fd>");
        std::process::exit(1);
    }
    let init: Arc<dyn InitInterface> = Arc::new(Init);
    if let Err(e) = mp::serve_spawned(
        "mpcalculator",
        &args[1],
        multiprocess_examples::log_options(),
        init,
    ) {
        eprintln!("mpcalculator: {e}");
        std::process::exit(1);
    }
}
