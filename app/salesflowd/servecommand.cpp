// salesflowd serve: the engine with its workers and the HTTP API, until SIGTERM or SIGINT.
#include "command.h"
#include "emfreporter.h"

#include <QFile>
#include <QSslKey>

#include "engine/core/logging.h"
#include "engine/http/apilistener.h"
#include "engine/pipeline/stages.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QSocketNotifier>

#include <csignal>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace salesflow::cli {

namespace {

const char *kUsage = "serve [--db URL] [--listen HOST:PORT] [--workers N] [--role all|api|worker] "
                     "[--tls-cert FILE --tls-key FILE | --insecure-listen]";
int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalFd[1], &c, 1);
}

/// The engine options of the command line; nothing when they are wrong (said on stderr).
std::optional<LocalEngine::Options> engineOptions(const QCommandLineParser &p, const QString &role)
{
    LocalEngine::Options o;
    o.config = configFrom(p);
    if (p.isSet(QStringLiteral("listen")))
        o.config.listen = p.value(QStringLiteral("listen"));
    if (p.isSet(QStringLiteral("workers"))) {
        bool ok = false;
        o.config.workers = p.value(QStringLiteral("workers")).toInt(&ok);
        if (!ok || o.config.workers < 0 || o.config.workers > 256) {
            err(QStringLiteral("--workers takes a number from 0 to 256"));
            return std::nullopt;
        }
    }
    o.runWorkers = role != QLatin1String("api");
    o.runReplays = o.runWorkers;
    o.acceptIngest = role != QLatin1String("worker");
    if (o.runWorkers) {
        auto stages = pipeline::builtStages(o.config);
        if (!stages) {
            err(stages.error().message);
            return std::nullopt;
        }
        o.stages = stages.value();
    }
    return o;
}

/// The certificate and key of --tls-cert/--tls-key (PEM); nothing (said on stderr) when unusable.
std::optional<QSslConfiguration> tlsFrom(const QCommandLineParser &p)
{
    QFile certFile(p.value(QStringLiteral("tls-cert"))), keyFile(p.value(QStringLiteral("tls-key")));
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
        err(QStringLiteral("cannot read the TLS certificate or key: %1")
                .arg(certFile.isOpen() ? keyFile.errorString() : certFile.errorString()));
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull()) {
        err(QStringLiteral("--tls-cert and --tls-key take PEM files: a certificate (chain) and its unencrypted RSA or "
                           "EC private key"));
        return std::nullopt;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    return tls;
}

/// Serving beyond this machine needs TLS, or the operator's word that a proxy in front does it:
/// passwords and tokens must not cross a network in clear. 0 when allowed, else the exit code.
int checkExposure(const QHostAddress &host, const QCommandLineParser &p, const QString &listen)
{
    const bool tls = p.isSet(QStringLiteral("tls-cert")) || p.isSet(QStringLiteral("tls-key"));
    if (host.isLoopback() || tls || p.isSet(QStringLiteral("insecure-listen")))
        return 0;
    err(QStringLiteral("--listen %1 would send passwords and tokens in clear over the network: give --tls-cert and "
                       "--tls-key, or --insecure-listen when a reverse proxy in front terminates TLS")
            .arg(listen));
    return 2;
}

/// Listens on `listen`; returns the exit code to stop with, or 0 when serving.
int startListener(http::ApiListener &listener, const QString &listen, int threads, const QCommandLineParser &p)
{
    const int colon = int(listen.lastIndexOf(QLatin1Char(':')));
    bool ok = false;
    const int port = listen.mid(colon + 1).toInt(&ok);
    const QHostAddress host(listen.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']')));
    if (colon < 0 || !ok || port < 0 || port > 65535 || host.isNull()) {
        err(QStringLiteral("--listen takes HOST:PORT with a numeric host, e.g. 127.0.0.1:8765 (got '%1')").arg(listen));
        return 2;
    }
    if (int rc = checkExposure(host, p, listen); rc != 0)
        return rc;
    if (p.isSet(QStringLiteral("tls-cert")) || p.isSet(QStringLiteral("tls-key"))) {
        const auto tls = tlsFrom(p);
        if (!tls)
            return 2;
        listener.useTls(*tls);
    }
    auto bound = listener.listen(host, quint16(port), threads);
    if (!bound) {
        err(bound.error().message);
        return 1;
    }
    // Scripts and tests read the bound port from this line (port 0 picks a free one).
    out(QStringLiteral("listening on %1:%2").arg(host.toString()).arg(bound.value()));
    if (p.isSet(QStringLiteral("tls-cert")))
        qCInfo(lcHttp) << "serving HTTPS only";
    return 0;
}

/// Runs the event loop until SIGTERM or SIGINT.
int runUntilSignalled()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0) {
        err(QStringLiteral("socketpair failed"));
        return 1;
    }
    QSocketNotifier notifier(g_signalFd[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, [] {
        qCInfo(lcEngine) << "stopping: finishing current work";
        QCoreApplication::quit();
    });
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    return QCoreApplication::exec();
}

/// The options of `serve`.
void addServeOptions(QCommandLineParser &p)
{
    p.addOption(dbOption());
    p.addOption({QStringLiteral("listen"), QStringLiteral("HOST:PORT to listen on"), QStringLiteral("HOST:PORT")});
    p.addOption({QStringLiteral("workers"), QStringLiteral("worker threads"), QStringLiteral("N")});
    p.addOption({QStringLiteral("role"), QStringLiteral("all, api or worker"), QStringLiteral("ROLE")});
    p.addOption(
        {QStringLiteral("tls-cert"), QStringLiteral("serve HTTPS with this PEM certificate"), QStringLiteral("FILE")});
    p.addOption(
        {QStringLiteral("tls-key"), QStringLiteral("the certificate's PEM private key"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("insecure-listen"),
                 QStringLiteral("allow plain HTTP beyond loopback (a reverse proxy in front does TLS)")});
}

/// The HTTP side of `role`: the API, or for a worker told where to listen only probes and
/// scrapes (/healthz, /readyz, /metrics, /v1/stats), so workers on one host do not fight over
/// the API's port. Null with rc 0 when nothing listens; rc is the exit code when it failed.
std::unique_ptr<http::ApiListener> startHttp(LocalEngine *e, const LocalEngine::Options &options, const QString &role,
                                             const QCommandLineParser &p, int *rc)
{
    *rc = 0;
    const bool worker = role == QLatin1String("worker");
    if (worker && !p.isSet(QStringLiteral("listen")) && !qEnvironmentVariableIsSet("SALESFLOW_LISTEN"))
        return nullptr;
    const Config &c = options.config;
    auto listener = std::make_unique<http::ApiListener>(
        e, e, http::ApiServer::Options{c.maxBodyBytes, c.hubspotClientSecret, {}, worker});
    listener->setLimits(c.httpHeadTimeoutMs, c.httpBodyTimeoutMs, c.httpMaxConnections);
    *rc = startListener(*listener, c.listen, c.httpThreads, p);
    return listener;
}

} // namespace

int serve(const QStringList &args)
{
    QCommandLineParser p;
    addServeOptions(p);
    if (!parse(p, args, kUsage))
        return 2;
    const QString role
        = p.value(QStringLiteral("role")).isEmpty() ? QStringLiteral("all") : p.value(QStringLiteral("role"));
    installJsonLogHandler(role);
    if (role != QLatin1String("all") && role != QLatin1String("api") && role != QLatin1String("worker")) {
        err(QStringLiteral("--role is all, api or worker (got '%1')").arg(role));
        return 2;
    }
    const auto options = engineOptions(p, role);
    if (!options)
        return 2;
    auto engine = LocalEngine::open(*options);
    if (!engine) {
        err(engine.error().message);
        return 1;
    }
    LocalEngine *e = engine.value().get();
    int rc = 0;
    std::unique_ptr<http::ApiListener> listener = startHttp(e, *options, role, p, &rc);
    if (rc != 0)
        return rc;
    std::unique_ptr<EmfReporter> emf;
    if (const int every = qEnvironmentVariableIntValue("SALESFLOW_EMF_INTERVAL_S"); every > 0)
        emf = std::make_unique<EmfReporter>(e, role, qMin(every, 3600));
    rc = runUntilSignalled();
    emf.reset();
    if (listener)
        listener->stop(); // no new requests
    e->stop();
    qCInfo(lcEngine) << "stopped";
    return rc;
}

} // namespace salesflow::cli
