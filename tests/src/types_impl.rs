//! Implementations of the coverage interfaces in `schema/types.capnp`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use crate::custom::{Labeled, Point, Shade};
use crate::types_capnp::{
    Adder, Callbacks, Color, Empty, Failure, Greeter, Named, Record, Types, TypesInit,
};

pub struct TypesImpl;

impl Types for TypesImpl {
    fn widths(
        &self,
        i8: &mut i8,
        i16: &mut i16,
        i32: &mut i32,
        i64: &mut i64,
        u8: &mut u8,
        u16: &mut u16,
        u32: &mut u32,
        u64: &mut u64,
        f32: &mut f32,
        f64: &mut f64,
        b: &mut bool,
    ) -> mp::Result<()> {
        *i8 = i8.wrapping_neg();
        *i16 = i16.wrapping_neg();
        *i32 = i32.wrapping_neg();
        *i64 = i64.wrapping_neg();
        *u8 = u8.wrapping_add(1);
        *u16 = u16.wrapping_add(1);
        *u32 = u32.wrapping_add(1);
        *u64 = u64.wrapping_add(1);
        *f32 *= 2.0;
        *f64 *= 2.0;
        *b = !*b;
        Ok(())
    }
    fn narrow(&self, value: i32) -> mp::Result<i64> {
        Ok(i64::from(value) * 2)
    }
    fn colors(&self, color: &mut Color, code: &mut Shade) -> mp::Result<()> {
        *color = match color {
            Color::Red => Color::Green,
            Color::Green => Color::Blue,
            Color::Blue => Color::Red,
        };
        *code = match code {
            Shade::Light => Shade::Dark,
            Shade::Dark => Shade::Light,
        };
        Ok(())
    }
    fn wait(&self, timeout: mp::Millis) -> mp::Result<mp::Millis> {
        Ok(mp::Millis(timeout.0 * 3))
    }
    fn texts(&self, text: &mut String, raw: &mut Vec<u8>, data: &mut Vec<u8>) -> mp::Result<()> {
        text.push('!');
        raw.reverse();
        data.reverse();
        Ok(())
    }
    fn lists(
        &self,
        ints: &mut Vec<i32>,
        set: &mut BTreeSet<String>,
        bools: &mut Vec<bool>,
        blobs: &mut Vec<Vec<u8>>,
        nested: &mut Vec<Vec<String>>,
    ) -> mp::Result<()> {
        ints.reverse();
        set.insert("added".into());
        bools.iter_mut().for_each(|b| *b = !*b);
        blobs.push(vec![]);
        nested.push(vec!["x".into()]);
        Ok(())
    }
    fn maps(
        &self,
        generic: &mut BTreeMap<String, String>,
        concrete: &mut HashMap<String, i32>,
    ) -> mp::Result<()> {
        generic.insert("server".into(), "yes".into());
        for v in concrete.values_mut() {
            *v += 1;
        }
        Ok(())
    }
    fn optional(&self, value: Option<i32>) -> mp::Result<Option<i32>> {
        Ok(value.map(|v| v + 1))
    }
    fn wanted(
        &self,
        x: i32,
        doubled: Option<&mut i32>,
        text: Option<&mut String>,
    ) -> mp::Result<()> {
        if let Some(d) = doubled {
            *d = x * 2;
        }
        if let Some(t) = text {
            *t = format!("x={x}");
        }
        Ok(())
    }
    fn records(
        &self,
        record: &mut Record,
        empty: &mut Empty,
        list: &mut Vec<Record>,
    ) -> mp::Result<()> {
        let _ = empty;
        record.name.push_str(" (seen)");
        record.optional_int = record.optional_int.map(|v| v * 10);
        list.push(record.clone());
        Ok(())
    }
    fn raise_struct(&self, code: i32) -> mp::Result<i32> {
        if code == 0 {
            return Ok(7);
        }
        if code < 0 {
            return Err(mp::Error::failed("plain failure"));
        }
        Err(mp::Error::raised(
            Failure {
                code,
                reason: format!("code {code}"),
            },
            "failure",
        ))
    }
    fn raise_text(&self, fail: bool) -> mp::Result<()> {
        if fail {
            Err(mp::Error::raised("it failed".to_string(), "it failed"))
        } else {
            Ok(())
        }
    }
    fn outputs(&self, a: i32, acc: &mut i32) -> mp::Result<(i32, i64)> {
        *acc += a;
        Ok((a + 1, i64::from(a) * 1000))
    }
    fn no_result(&self) -> mp::Result<()> {
        Ok(())
    }
    fn on_loop(&self, x: i32) -> mp::Result<i32> {
        Ok(x + 1)
    }
    fn mirror(&self, point: Point) -> mp::Result<Point> {
        Ok(Point {
            x: point.y,
            y: point.x,
        })
    }
    fn counted(&self, pair: Labeled) -> mp::Result<String> {
        Ok(format!("{}:{}", pair.label, pair.bytes.len()))
    }
}

/// An `Adder` proxy that counts its drop in its server object's counter.
struct CountedAdder(Box<dyn Adder>, Arc<AtomicU32>);

impl Drop for CountedAdder {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
pub struct CallbacksImpl {
    saved: Mutex<Option<Arc<CountedAdder>>>,
    dropped: Arc<AtomicU32>,
}

struct GreeterImpl {
    name: String,
}

impl Named for GreeterImpl {
    fn name(&self) -> mp::Result<String> {
        Ok(self.name.clone())
    }
}

impl Greeter for GreeterImpl {
    fn greet(&self, who: String) -> mp::Result<String> {
        Ok(format!("{} greets {who}", self.name))
    }
}

impl Callbacks for CallbacksImpl {
    fn apply(&self, r#fn: Option<Box<dyn Adder>>, x: i32) -> mp::Result<i32> {
        let f = CountedAdder(
            r#fn.ok_or_else(|| mp::Error::invalid_argument("null fn"))?,
            self.dropped.clone(),
        );
        f.0.call(x)
    }
    fn save(&self, r#fn: Option<Box<dyn Adder>>) -> mp::Result<()> {
        *self.saved.lock().unwrap() = r#fn.map(|f| Arc::new(CountedAdder(f, self.dropped.clone())));
        Ok(())
    }
    fn call_saved(&self, x: i32) -> mp::Result<Option<i32>> {
        let saved = self.saved.lock().unwrap().clone();
        saved.map(|f| f.0.call(x)).transpose()
    }
    fn call_saved_from_own_thread(&self, x: i32) -> mp::Result<i32> {
        let saved = self
            .saved
            .lock()
            .unwrap()
            .clone()
            .ok_or_else(|| mp::Error::failed("nothing saved"))?;
        // A thread of the server's own, serving no request from the caller.
        std::thread::spawn(move || saved.0.call(x))
            .join()
            .map_err(|_| mp::Error::failed("thread panicked"))?
    }
    fn make_greeter(&self, name: String) -> mp::Result<Option<Box<dyn Greeter>>> {
        Ok(Some(Box::new(GreeterImpl { name })))
    }
    fn make_nothing(&self) -> mp::Result<Option<Box<dyn Named>>> {
        Ok(None)
    }
    fn name_of(&self, named: Option<Box<dyn Named>>) -> mp::Result<Option<String>> {
        named.map(|n| n.name()).transpose()
    }
    fn apply_all(&self, fns: Vec<Option<Box<dyn Adder>>>, x: i32) -> mp::Result<Vec<i32>> {
        fns.into_iter()
            .map(|f| {
                f.ok_or_else(|| mp::Error::invalid_argument("null fn"))?
                    .call(x)
            })
            .collect()
    }
    fn dropped(&self) -> mp::Result<u32> {
        Ok(self.dropped.load(Ordering::SeqCst))
    }
}

pub struct TypesInitImpl;

impl TypesInit for TypesInitImpl {
    fn types(&self) -> mp::Result<Option<Box<dyn Types>>> {
        Ok(Some(Box::new(TypesImpl)))
    }
    fn callbacks(&self) -> mp::Result<Option<Box<dyn Callbacks>>> {
        Ok(Some(Box::new(CallbacksImpl::default())))
    }
}
