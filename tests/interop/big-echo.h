// A check shared by the C++ conformance clients (ours, built against our package, and the
// interop client, built against the original): big Data through an in/out echo.
#pragma once

#include <cstddef>
#include <string>

// Echoes 1 MiB and 3 bytes of patterned Data three times through `service.echo(text, data)`
// (both in/out). Several rounds, so that a server of ours answers the later ones on its
// worker and sends the Data from its own memory (transport/spliced.rs), which capnp's C++
// reader then reads here. True if every round came back whole.
template <typename Service>
bool BigDataRoundTrips(Service& service)
{
    bool ok = true;
    for (int round = 0; round < 3; ++round) {
        std::string text("t"), data((1u << 20) + 3, '\0');
        for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i % 251) ^ round);
        const std::string want = data;
        service.echo(text, data);
        ok = ok && data == want && text == "t";
    }
    return ok;
}
