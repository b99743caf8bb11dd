// The Rust handles behind the public C++ classes (their pimpl structs), shared by the bridge's
// C++ files.
#ifndef MP_BRIDGE_HANDLES_H
#define MP_BRIDGE_HANDLES_H

#include <mp/event-loop.h>
#include <mp/transport.h>

#include "multiprocess-cxx/src/lib.rs.h"

#include <stdexcept>

namespace mp {

struct EventLoop::Impl {
    rust::Box<bridge::Loop> handle;
};

struct InterfaceInfo::Impl {
    rust::Box<bridge::Interface> handle;
};

struct RemoteCapability::Impl {
    rust::Box<bridge::Remote> handle;
};

namespace bridge {
//! Rust errors reach C++ callers as std::runtime_error with the runtime's text.
[[noreturn]] inline void Rethrow(const rust::Error& e) { throw std::runtime_error(e.what()); }
} // namespace bridge

} // namespace mp

#endif // MP_BRIDGE_HANDLES_H
