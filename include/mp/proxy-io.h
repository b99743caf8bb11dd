// The original's I/O header: event loop, logging, streams and connections.
#ifndef MP_PROXY_IO_H
#define MP_PROXY_IO_H

#include <mp/event-loop.h>
#include <mp/log.h>
#include <mp/spawn.h>

#endif // MP_PROXY_IO_H
