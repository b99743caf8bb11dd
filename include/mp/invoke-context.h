// multiprocess: the context every field conversion receives.

#ifndef MP_INVOKE_CONTEXT_H
#define MP_INVOKE_CONTEXT_H

namespace mp {

class Connection;

//! State of the call a message belongs to, passed by reference to every `BuildField`,
//! `ReadField` and user hook (`CustomBuildField(..., InvokeContext& invoke_context, ...)`).
//!
//! Today it carries nothing: building and reading values needs no connection. The transport
//! layer extends it (the connection, and the client and server contexts deriving from it) by
//! adding members and constructors; hooks only ever take it by reference, so they are not
//! affected. It has a user-declared constructor (it is not an aggregate) so that no code
//! depends on brace-initialising its members.
struct InvokeContext
{
    InvokeContext() = default;
};

} // namespace mp

#endif // MP_INVOKE_CONTEXT_H
