#pragma once

#include "engine/http/apilistener.h"

#include <QHostAddress>

#include <memory>

namespace salesflow::test {

/// The API served on a free loopback port, as salesflowd serves it (the same transport); `port`
/// gets the port. Aborts the test run when it cannot listen.
inline std::unique_ptr<http::ApiListener> serveApi(IEngine *engine, IAuthenticator *auth,
                                                   http::ApiServer::Options options, quint16 *port, int threads = 1)
{
    auto listener = std::make_unique<http::ApiListener>(engine, auth, std::move(options));
    auto bound = listener->listen(QHostAddress::LocalHost, 0, threads);
    if (!bound)
        qFatal("cannot serve the API: %s", qPrintable(bound.error().message));
    *port = bound.value();
    return listener;
}

} // namespace salesflow::test
