#pragma once

#include "../api/result.h"

#include <QFuture>
#include <QSslCertificate>
#include <QUrl>

namespace salesflow::remote {

/// The certificate chain an https:// server presents, read without trusting it, so that a person
/// can decide whether to (the desktop's "Trust this certificate?"). Only the TLS handshake is
/// made: nothing is sent, no password or token. Resolves in the caller's thread, which must run
/// an event loop; fails with `remote.unreachable`/`remote.timeout`/`remote.tls` in words.
QFuture<Result<QList<QSslCertificate>>> serverCertificates(const QUrl &url, int timeoutMs = 10000);

} // namespace salesflow::remote
