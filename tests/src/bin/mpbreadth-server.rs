//! Rust server of `tests/cpp-runtime/breadth.capnp` (our Rust generator and runtime), giving the
//! values `breadth_test.cpp`'s C++ server gives, so that the C++ breadth client can run its
//! cases against a Rust peer: `mpbreadth-server <fd>` serves `BreadthInterface` on the socket
//! its spawning parent passed and exits with 0 when that connection closes.

use std::sync::{Arc, Mutex};

use multiprocess_tests::breadth_capnp::{
    Blob, BreadthInterface, CallbackInterface, Empty, ExtendedInterface, IntFnInterface, IntText,
    Record, RecurserInterface, StringIntPair,
};

const EXE: &str = "mpbreadth-server";

/// `makeCallback` / `makeShared`: multiplies by its factor.
struct Multiplier(i32);

impl CallbackInterface for Multiplier {
    fn call(&self, arg: i32) -> mp::Result<i32> {
        Ok(arg.wrapping_mul(self.0))
    }
}

impl IntFnInterface for Multiplier {
    fn call(&self, arg: i32) -> mp::Result<i32> {
        Ok(arg.wrapping_mul(self.0))
    }
}

/// Text "x,y" (the C++ side's `breadth::Point` through its own conversion hooks).
fn parse_point(text: &str) -> mp::Result<(i32, i32)> {
    let bad = || mp::Error::invalid_argument(format!("not a point: {text:?}"));
    let (x, y) = text.split_once(',').ok_or_else(bad)?;
    Ok((x.parse().map_err(|_| bad())?, y.parse().map_err(|_| bad())?))
}

#[derive(Default)]
struct Breadth {
    saved: Mutex<Option<Arc<dyn CallbackInterface>>>,
    saved_fn: Mutex<Option<Arc<dyn IntFnInterface>>>,
}

impl BreadthInterface for Breadth {
    fn pass_i8(&self, v: i8) -> mp::Result<i8> {
        Ok(v)
    }
    fn pass_u16(&self, v: u16) -> mp::Result<u16> {
        Ok(v)
    }
    fn pass_u32(&self, v: u32) -> mp::Result<u32> {
        Ok(v)
    }
    fn pass_i64(&self, v: i64) -> mp::Result<i64> {
        Ok(v)
    }
    fn pass_u64(&self, v: u64) -> mp::Result<u64> {
        Ok(v)
    }
    fn pass_i16(&self, v: i16) -> mp::Result<i16> {
        Ok(v)
    }
    fn pass_bool(&self, v: bool) -> mp::Result<bool> {
        Ok(!v)
    }
    fn pass_double(&self, v: f64) -> mp::Result<f64> {
        Ok(v * 2.0)
    }
    fn pass_string(&self, v: String) -> mp::Result<String> {
        Ok(v + "!")
    }
    fn pass_data(&self, v: mp::Bytes) -> mp::Result<mp::Bytes> {
        let mut v = Vec::from(v);
        v.push(0xff);
        Ok(v.into())
    }
    fn pass_vector(&self, mut v: Vec<i32>) -> mp::Result<Vec<i32>> {
        v.reverse();
        Ok(v)
    }
    fn pass_set(&self, mut v: Vec<String>) -> mp::Result<Vec<String>> {
        v.push("server".into());
        v.sort();
        v.dedup();
        Ok(v)
    }
    fn pass_map(&self, v: Vec<StringIntPair>) -> mp::Result<Vec<StringIntPair>> {
        Ok(v.into_iter()
            .map(|p| StringIntPair {
                key: format!("{0}{0}", p.key),
                value: p.value.wrapping_mul(10),
            })
            .collect())
    }
    fn pass_optional(&self, v: Option<i32>) -> mp::Result<Option<i32>> {
        Ok(v.map(|v| v.wrapping_add(1)))
    }
    fn out_pointer(&self, v: i32, out: Option<&mut i32>) -> mp::Result<bool> {
        match out {
            Some(out) => {
                *out = v.wrapping_mul(3);
                Ok(true)
            }
            None => Ok(false),
        }
    }
    fn in_out(&self, add: i32, sum: &mut i32) -> mp::Result<()> {
        *sum = sum.wrapping_add(add);
        Ok(())
    }
    fn pass_record(&self, mut v: Record) -> mp::Result<Record> {
        v.name.push('?');
        v.values.push(v.values.len() as i32);
        v.the_number = v.the_number.map(|n| n.wrapping_add(100));
        Ok(v)
    }
    fn raise(&self, v: Record) -> mp::Result<()> {
        let text = format!("record {}", v.name);
        Err(mp::Error::raised(v, text))
    }
    fn raise_std(&self, v: String) -> mp::Result<()> {
        Err(mp::Error::raised(v.clone(), v))
    }
    fn make_callback(&self, factor: i32) -> mp::Result<Option<Box<dyn CallbackInterface>>> {
        Ok((factor != 0).then(|| Box::new(Multiplier(factor)) as Box<dyn CallbackInterface>))
    }
    fn make_shared(&self, factor: i32) -> mp::Result<Option<Box<dyn CallbackInterface>>> {
        self.make_callback(factor)
    }
    fn call_unique(
        &self,
        callback: Option<Box<dyn CallbackInterface>>,
        arg: i32,
    ) -> mp::Result<i32> {
        callback.map_or(Ok(-1), |c| c.call(arg))
    }
    fn call_shared(
        &self,
        callback: Option<Box<dyn CallbackInterface>>,
        arg: i32,
    ) -> mp::Result<i32> {
        callback.map_or(Ok(-1), |c| c.call(arg))
    }
    fn call_ref(&self, callback: Option<Box<dyn CallbackInterface>>, arg: i32) -> mp::Result<i32> {
        callback
            .ok_or_else(|| mp::Error::invalid_argument("null callback"))?
            .call(arg)
    }
    fn save_callback(&self, callback: Option<Box<dyn CallbackInterface>>) -> mp::Result<()> {
        *self.saved.lock().unwrap() = callback.map(Arc::from);
        Ok(())
    }
    fn call_saved(&self, arg: i32) -> mp::Result<i32> {
        let saved = self.saved.lock().unwrap().clone();
        saved.map_or(Ok(-1), |c| c.call(arg))
    }
    fn thread_name(&self) -> mp::Result<String> {
        Ok(mp::thread_name(EXE))
    }
    fn recurse(
        &self,
        callback: Option<Box<dyn RecurserInterface>>,
        depth: i32,
    ) -> mp::Result<String> {
        let here = format!("s{depth}");
        if depth == 0 {
            return Ok(here);
        }
        let callback = callback.ok_or_else(|| mp::Error::invalid_argument("null recurser"))?;
        Ok(here + &callback.recurse(depth - 1)?)
    }
    fn call_fn(&self, r#fn: Option<Box<dyn IntFnInterface>>, arg: i32) -> mp::Result<i32> {
        r#fn.map_or(Ok(-1), |f| f.call(arg))
    }
    fn make_fn(&self, factor: i32) -> mp::Result<Option<Box<dyn IntFnInterface>>> {
        Ok((factor != 0).then(|| Box::new(Multiplier(factor)) as Box<dyn IntFnInterface>))
    }
    fn save_fn(&self, r#fn: Option<Box<dyn IntFnInterface>>) -> mp::Result<()> {
        *self.saved_fn.lock().unwrap() = r#fn.map(Arc::from);
        Ok(())
    }
    fn call_saved_fn(&self, arg: i32) -> mp::Result<i32> {
        let saved = self.saved_fn.lock().unwrap().clone();
        saved.map_or(Ok(-1), |f| f.call(arg))
    }
    fn pass_enum(&self, v: i32) -> mp::Result<i32> {
        // breadth::Color: Red = 1 comes back as Blue = -3, others unchanged.
        Ok(if v == 1 { -3 } else { v })
    }
    fn pass_duration(&self, v: i64) -> mp::Result<i64> {
        Ok(v.wrapping_mul(2))
    }
    fn pass_unordered(&self, mut v: Vec<i32>) -> mp::Result<Vec<i32>> {
        if !v.contains(&0) {
            v.push(0);
        }
        Ok(v)
    }
    fn pass_bools(&self, v: Vec<bool>) -> mp::Result<Vec<bool>> {
        Ok(v.into_iter().map(|b| !b).collect())
    }
    fn pass_nested(&self, mut v: Vec<Vec<i32>>) -> mp::Result<Vec<Vec<i32>>> {
        v.push(Vec::new());
        Ok(v)
    }
    fn pass_empty(&self, v: Empty) -> mp::Result<Empty> {
        Ok(v)
    }
    fn pass_records(&self, mut v: Vec<Record>) -> mp::Result<Vec<Record>> {
        v.reverse();
        Ok(v)
    }
    fn call_extended(
        &self,
        callback: Option<Box<dyn ExtendedInterface>>,
        arg: i32,
    ) -> mp::Result<i32> {
        let callback = callback.ok_or_else(|| mp::Error::invalid_argument("null callback"))?;
        Ok(callback.call(arg)? * 1000 + callback.call_extended(arg)?)
    }
    fn pass_blob(&self, mut v: Blob) -> mp::Result<Blob> {
        v.key = v.key.iter().map(|byte| byte.wrapping_add(1)).collect();
        let (x, y) = parse_point(&v.point)?;
        v.point = format!("{},{y}", x + 1);
        v.entry.value = v.entry.value.wrapping_mul(2);
        Ok(v)
    }
    fn pass_point(&self, v: String) -> mp::Result<String> {
        let (x, y) = parse_point(&v)?;
        Ok(format!("{y},{x}"))
    }
    fn pass_tuple(&self, v: IntText) -> mp::Result<IntText> {
        Ok(IntText {
            number: v.number.wrapping_add(1),
            text: v.text + "+",
        })
    }
    fn exit_process(&self) -> mp::Result<()> {
        // The disconnect case: the process ends in the middle of the call.
        std::process::exit(0)
    }
}

fn run(fd: &str) -> mp::Result<()> {
    let stream = mp::start_spawned(fd)?;
    let lp = mp::EventLoop::new(EXE, mp::LogOptions::silent());
    let server: Arc<dyn BreadthInterface> = Arc::new(Breadth::default());
    mp::serve_stream(&lp, stream, server)?;
    lp.run();
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        println!("Usage: {EXE} <fd>");
        std::process::exit(1);
    }
    if let Err(e) = run(&args[1]) {
        eprintln!("{EXE}: {e}");
        std::process::exit(1);
    }
}
