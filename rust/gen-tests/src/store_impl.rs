//! A reference `Store` that answers each meaning test.

use std::sync::Arc;

use crate::store_capnp::{
    Detail, Either, EitherWhich, Limits, Link, Meter, Notify, Options, Store, StoreFailException,
};
use crate::{Bytes, Hash};

/// The server under test.
pub struct StoreImpl;

struct MeterImpl;

impl Meter for MeterImpl {
    fn tick(&self) -> mp::Result<i32> {
        Ok(1)
    }
    fn tick_async(&self) -> mp::Result<i32> {
        Ok(2)
    }
}

fn bump(link: Link) -> Link {
    Link {
        value: link.value + 1,
        next: link.next.map(|n| Box::new(bump(*n))),
    }
}

impl Store for StoreImpl {
    fn defaults(&self) -> mp::Result<Options> {
        Ok(Options::default())
    }
    fn describe(&self, o: Options) -> mp::Result<String> {
        Ok(format!(
            "useCache={} reserve={} timeout={} floor={} plain={}",
            o.use_cache, o.reserve, o.timeout, o.floor, o.plain
        ))
    }
    fn fail(&self, which: i32) -> mp::Result<i32> {
        match which {
            0 => Ok(1),
            1 => Err(mp::Error::raised(
                StoreFailException::Error("boom".into()),
                "boom",
            )),
            2 => Err(mp::Error::raised(
                StoreFailException::RpcError("bad params".into()),
                "bad params",
            )),
            3 => Err(mp::Error::raised(
                StoreFailException::Detail(Detail {
                    code: 9,
                    why: "bad".into(),
                }),
                "detail",
            )),
            _ => Err(mp::Error::invalid_argument("plain failure")),
        }
    }
    fn with_env(&self, x: i32) -> mp::Result<String> {
        let env = crate::env_hook::RECEIVED.lock().expect("lock").clone();
        let (label, level) = env.ok_or_else(|| mp::Error::invalid_argument("no Env received"))?;
        Ok(format!("{label}/{level}/{x}"))
    }
    fn widen(&self, amount: i32) -> mp::Result<i64> {
        Ok(i64::from(amount) << 32)
    }
    fn link(&self, chain: Link) -> mp::Result<Link> {
        Ok(bump(chain))
    }
    fn outcome(&self, ok: bool) -> mp::Result<(String, String)> {
        Ok(if ok {
            ("value".into(), String::new())
        } else {
            (String::new(), "failed".into())
        })
    }
    fn done(&self) -> mp::Result<(String,)> {
        Ok(("nothing to report".into(),))
    }
    fn notifier(&self) -> mp::Result<(Option<Box<dyn Notify>>, String)> {
        Ok((Some(Box::new(|v: i32| Ok(v * 2))), String::new()))
    }
    fn either(&self, value: Either) -> mp::Result<Either> {
        let which = match value.which {
            EitherWhich::Number(n) => EitherWhich::Word(n.to_string()),
            EitherWhich::Word(w) => EitherWhich::Number(w.len() as i32),
            EitherWhich::Nothing => EitherWhich::Nothing,
        };
        Ok(Either {
            tag: format!("seen {}", value.tag),
            which,
        })
    }
    fn limits(&self, limits: Limits) -> mp::Result<Limits> {
        Ok(Limits {
            cap: limits.cap.map(|c| c + 1),
        })
    }
    fn answer(&self) -> mp::Result<i32> {
        Ok(42)
    }
    fn hash(&self, data: Hash) -> mp::Result<Hash> {
        let mut bytes = data.0;
        bytes.reverse();
        Ok(Hash(bytes))
    }
    fn size(&self, size: Bytes) -> mp::Result<Bytes> {
        Ok(Bytes(size.0 * 2))
    }
    fn take_default(&self, extra: u32) -> mp::Result<u32> {
        Ok(extra)
    }
    fn notify(
        &self,
        target: Option<Box<dyn crate::store_capnp::LoudNotify>>,
        x: i32,
    ) -> mp::Result<i32> {
        let target = target.ok_or_else(|| mp::Error::invalid_argument("null target"))?;
        Ok(target.call(x)? + target.volume()?)
    }
    fn meter(&self) -> mp::Result<Option<Box<dyn Meter>>> {
        Ok(Some(Box::new(Arc::new(MeterImpl))))
    }
}
