// multiprocess: the context every field conversion receives.

#ifndef MP_INVOKE_CONTEXT_H
#define MP_INVOKE_CONTEXT_H

namespace mp {

class EventLoop;
class IncomingMessage;
class OutgoingMessage;

//! State of the call a message belongs to, passed by reference to every `BuildField`,
//! `ReadField` and user hook (`CustomBuildField(..., InvokeContext& invoke_context, ...)`).
//!
//! Plain values need none of it. Conversions of interfaces use the members: the loop the call
//! runs through, the message being built (where a C++ object is exported as a capability) and
//! the message being read (where a received capability is taken out). A member is null where
//! it does not apply (no message is read while params are built). Hooks take the context by
//! reference, so members can be added without breaking them. It is not an aggregate, so no
//! code depends on brace-initialising its members.
struct InvokeContext
{
    InvokeContext() = default;
    InvokeContext(EventLoop* loop_, OutgoingMessage* outgoing_, IncomingMessage* incoming_)
        : loop(loop_), outgoing(outgoing_), incoming(incoming_)
    {
    }

    EventLoop* loop{nullptr};
    OutgoingMessage* outgoing{nullptr};
    IncomingMessage* incoming{nullptr};
};

} // namespace mp

#endif // MP_INVOKE_CONTEXT_H
