//! Spawns `mpprinter` and `mpcalculator` from its own directory, connects the calculator to
//! the printer, and solves the equations read from stdin.

use std::io::{BufRead, Write};
use std::path::Path;

use multiprocess_examples::init_capnp::InitInterface;

fn spawn(lp: &mp::EventLoop, argv0: &str, name: &str) -> mp::Result<(Box<dyn InitInterface>, i32)> {
    let path = Path::new(argv0).with_file_name(name);
    let (pid, stream) = mp::spawn_process(|fd| vec![path.display().to_string(), fd])?;
    let init = mp::connect_stream::<dyn InitInterface>(lp, stream)?;
    Ok((init, pid))
}

fn run(argv0: &str) -> mp::Result<()> {
    let lp = mp::EventLoop::start("mpexample", multiprocess_examples::log_options())?;
    let (printer_init, printer_pid) = spawn(&lp, argv0, "mpprinter")?;
    let (calc_init, calc_pid) = spawn(&lp, argv0, "mpcalculator")?;
    let calc = calc_init
        .make_calculator(printer_init.make_printer()?)?
        .ok_or_else(|| mp::Error::failed("mpcalculator returned no calculator"))?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        print!("Enter the equation, or \"exit\" to quit: ");
        std::io::stdout().flush()?;
        let eqn = match lines.next() {
            Some(line) => line?,
            None => String::new(),
        };
        if eqn == "exit" {
            break;
        }
        calc.solve_equation(eqn)?;
    }
    drop(calc);
    drop(calc_init);
    mp::wait_process(calc_pid)?;
    drop(printer_init);
    mp::wait_process(printer_pid)?;
    let event_loop = lp.event_loop().clone();
    drop(lp);
    event_loop.wait_finished();
    println!("Bye!");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 1 {
        println!("Usage: mpexample");
        std::process::exit(1);
    }
    if let Err(e) = run(&args[0]) {
        eprintln!("mpexample: {e}");
        std::process::exit(1);
    }
}
