//! The language-neutral model on its own (what the C++ backend will stand on): roles,
//! directions, layouts, defaults and annotations, with no Rust in sight.

use mpgen::model::{CompanionKind, Direction, Layout, Role, Type, Value};

fn model(name: &str, text: &str) -> mpgen::model::Schema {
    let dir = std::env::temp_dir().join(format!("mpgen-model-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join(format!("{name}.capnp"));
    std::fs::write(&file, text).expect("write");
    let schema = mpgen::Generator::new()
        .src_prefix(&dir)
        .file(&file)
        .model(&dir.join("include"))
        .expect("models");
    let _ = std::fs::remove_dir_all(&dir);
    schema
}

const SCHEMA: &str = r#"@0xe1a5c0de123456a0;
using Proxy = import "/mp/proxy.capnp";
$Proxy.include("kv.h");
$Proxy.includeTypes("kv-types.h");

struct Entry $Proxy.wrap("kv::Entry") {
  key @0 :Text $Proxy.name("m_key");
  hasTtl @1 :Bool;
  ttl @2 :UInt32 = 60;
  hint @3 :Text $Proxy.skip;
}

interface Store $Proxy.wrap("kv::Store") {
  get @0 (context :Proxy.Context, key :Text, wantEntry :Bool, hint :Text $Proxy.count(0))
      -> (entry :Entry, result :Bool, error :Text $Proxy.exception("std::exception"));
  bump @1 (context :Proxy.Context, n :Int32) -> (n :Int32);
  construct @2 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
}
"#;

#[test]
fn method_fields_have_roles_and_directions() {
    let s = model("kv", SCHEMA);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let file = &s.files[0];
    assert_eq!(file.includes, ["kv.h"]);
    assert_eq!(file.include_types, ["kv-types.h"]);
    let store = &s.interfaces[&file.interfaces[0]];
    assert_eq!(
        s.node(store.id).annotations.wrap.as_deref(),
        Some("kv::Store")
    );
    let get = &store.methods[0];
    let roles: Vec<(&str, &Role, Direction)> = get
        .fields
        .iter()
        .map(|f| (f.name.as_str(), &f.role, f.direction()))
        .collect();
    assert_eq!(
        roles,
        [
            ("context", &Role::Context, Direction::In),
            ("key", &Role::Value { count: 1 }, Direction::In),
            (
                "wantEntry",
                &Role::Companion {
                    kind: CompanionKind::Want,
                    of: "entry".into()
                },
                Direction::In
            ),
            ("hint", &Role::Implicit, Direction::In),
            ("entry", &Role::Value { count: 1 }, Direction::Out),
            ("result", &Role::Return, Direction::Out),
            (
                "error",
                &Role::Exception {
                    native: "std::exception".into()
                },
                Direction::Out
            ),
        ]
    );
    let entry = get
        .fields
        .iter()
        .find(|f| f.name == "entry")
        .expect("entry");
    assert_eq!(entry.want.as_deref(), Some("wantEntry"));
    let bump = &store.methods[1];
    assert_eq!(bump.fields[1].direction(), Direction::InOut);
    assert_eq!(store.methods[2].fields[0].role, Role::ThreadMap);
    assert_eq!(store.methods[2].fields[0].direction(), Direction::InOut);
}

#[test]
fn struct_fields_have_layouts_defaults_and_companions() {
    let s = model("kv2", SCHEMA);
    let id = s.files[0].structs[0];
    let entry = &s.structs[&id];
    let key = &entry.fields[0];
    assert_eq!(key.native_name.as_deref(), Some("m_key"));
    assert_eq!(key.slot().layout, Layout::Pointer { index: 0 });
    assert_eq!(key.slot().ty, Type::Text);
    let ttl = &entry.fields[2];
    assert_eq!(ttl.has.as_deref(), Some("hasTtl"));
    assert_eq!(ttl.slot().default, Value::UInt(60));
    assert_eq!(ttl.slot().layout, Layout::Data { offset: 1 });
    assert_eq!(
        entry.fields[1].role,
        Role::Companion {
            kind: CompanionKind::Has,
            of: "ttl".into()
        }
    );
    assert_eq!(entry.fields[3].role, Role::Skipped);
    assert_eq!((entry.layout.data_words, entry.layout.pointers), (1, 2));
}

#[test]
fn which_values_may_carry_a_capability() {
    let schema = model(
        "caps",
        r#"@0xe1a5c0de123456a7;
using Proxy = import "/mp/proxy.capnp";
struct Plain { a @0 :Text; b @1 :List(Data); }
struct Holder { inner @0 :Plain; cb @1 :Sink; }
struct Node { next @0 :Node; value @1 :Int32; }
struct Pair(A, B) { first @0 :A; second @1 :B; }
interface Sink $Proxy.wrap("Sink") {
  plain @0 (context :Proxy.Context, x :Plain) -> (x :Plain, n :Node);
  held @1 (context :Proxy.Context) -> (h :Holder);
  listed @2 (context :Proxy.Context) -> (l :List(Holder));
  pairText @3 (context :Proxy.Context) -> (p :Pair(Text, Data));
  pairSink @4 (context :Proxy.Context) -> (p :Pair(Text, Sink));
  any @5 (context :Proxy.Context) -> (p :AnyPointer);
}
"#,
    );
    let sink = schema.interfaces.values().next().expect("Sink");
    let results_may = |name: &str| {
        let m = sink.methods.iter().find(|m| m.name == name).expect(name);
        m.fields
            .iter()
            .filter_map(|f| f.result.as_ref())
            .any(|slot| schema.may_hold_caps(&slot.ty))
    };
    assert!(!results_may("plain"), "text, data and a recursive struct");
    assert!(results_may("held"), "a struct with an interface field");
    assert!(results_may("listed"), "a list of such structs");
    assert!(!results_may("pairText"), "a generic struct bound to values");
    assert!(
        results_may("pairSink"),
        "a generic struct bound to an interface"
    );
    assert!(results_may("any"), "AnyPointer");
}
