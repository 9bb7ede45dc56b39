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
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace salesflow::cli {

namespace {

const char *kUsage = "serve [--db URL] [--listen HOST:PORT] [--workers N] [--role all|api|worker] "
                     "[--tls-cert FILE --tls-key FILE | --insecure-listen]\n"
                     "  each option may instead come from the environment (containers, systemd): SALESFLOW_DB, "
                     "SALESFLOW_LISTEN, SALESFLOW_WORKERS, SALESFLOW_ROLE, SALESFLOW_TLS_CERT, SALESFLOW_TLS_KEY, "
                     "SALESFLOW_INSECURE_LISTEN=1; the command line wins";
int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalFd[1], &c, 1);
}

/// The options of `serve`: each from the command line, else from its environment variable.
struct ServeFlags
{
    QString role;
    QString workers;
    QString tlsCert;
    QString tlsKey;
    bool insecure = false;
    bool listenGiven = false;

    bool tls() const { return !tlsCert.isEmpty() || !tlsKey.isEmpty(); }
};

ServeFlags flagsFrom(const QCommandLineParser &p)
{
    const auto pick = [&p](const char *option, const char *env) {
        const QString name = QLatin1String(option);
        return p.isSet(name) ? p.value(name) : qEnvironmentVariable(env);
    };
    ServeFlags f;
    f.role = pick("role", "SALESFLOW_ROLE");
    if (f.role.isEmpty())
        f.role = QStringLiteral("all");
    f.workers = pick("workers", "SALESFLOW_WORKERS");
    f.tlsCert = pick("tls-cert", "SALESFLOW_TLS_CERT");
    f.tlsKey = pick("tls-key", "SALESFLOW_TLS_KEY");
    const QString insecure = qEnvironmentVariable("SALESFLOW_INSECURE_LISTEN").toLower();
    f.insecure = p.isSet(QStringLiteral("insecure-listen")) || insecure == QLatin1String("1")
        || insecure == QLatin1String("true") || insecure == QLatin1String("yes");
    f.listenGiven = p.isSet(QStringLiteral("listen")) || qEnvironmentVariableIsSet("SALESFLOW_LISTEN");
    return f;
}

/// The engine options of the command line; nothing when they are wrong (said on stderr).
std::optional<LocalEngine::Options> engineOptions(const QCommandLineParser &p, const ServeFlags &f)
{
    const QString &role = f.role;
    LocalEngine::Options o;
    o.config = configFrom(p);
    if (p.isSet(QStringLiteral("listen")))
        o.config.listen = p.value(QStringLiteral("listen"));
    if (!f.workers.isEmpty()) {
        bool ok = false;
        o.config.workers = f.workers.toInt(&ok);
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
std::optional<QSslConfiguration> tlsFrom(const ServeFlags &f)
{
    QFile certFile(f.tlsCert), keyFile(f.tlsKey);
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
int checkExposure(const QHostAddress &host, const ServeFlags &f, const QString &listen)
{
    if (host.isLoopback() || f.tls() || f.insecure)
        return 0;
    err(QStringLiteral("--listen %1 would send passwords and tokens in clear over the network: give --tls-cert and "
                       "--tls-key, or --insecure-listen when a reverse proxy in front terminates TLS")
            .arg(listen));
    return 2;
}

/// Listens on `listen`; returns the exit code to stop with, or 0 when serving.
int startListener(http::ApiListener &listener, const QString &listen, int threads, const ServeFlags &f)
{
    const int colon = int(listen.lastIndexOf(QLatin1Char(':')));
    bool ok = false;
    const int port = listen.mid(colon + 1).toInt(&ok);
    const QHostAddress host(listen.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']')));
    if (colon < 0 || !ok || port < 0 || port > 65535 || host.isNull()) {
        err(QStringLiteral("--listen takes HOST:PORT with a numeric host, e.g. 127.0.0.1:8765 (got '%1')").arg(listen));
        return 2;
    }
    if (int rc = checkExposure(host, f, listen); rc != 0)
        return rc;
    if (f.tls()) {
        const auto tls = tlsFrom(f);
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
    if (f.tls())
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
        sd_notify(0, "STOPPING=1");
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
                                             const ServeFlags &f, int *rc)
{
    *rc = 0;
    const bool worker = role == QLatin1String("worker");
    if (worker && !f.listenGiven)
        return nullptr;
    const Config &c = options.config;
    auto listener = std::make_unique<http::ApiListener>(
        e, e,
        http::ApiServer::Options{c.maxBodyBytes, c.hubspotClientSecret, {}, worker, c.maxBodyBySource, c.chatSecrets});
    listener->setLimits(c.httpHeadTimeoutMs, c.httpBodyTimeoutMs, c.httpMaxConnections);
    *rc = startListener(*listener, c.listen, c.httpThreads, f);
    return listener;
}

} // namespace

int serve(const QStringList &args)
{
    QCommandLineParser p;
    addServeOptions(p);
    if (!parse(p, args, kUsage))
        return 2;
    const ServeFlags flags = flagsFrom(p);
    const QString &role = flags.role;
    installJsonLogHandler(role);
    if (role != QLatin1String("all") && role != QLatin1String("api") && role != QLatin1String("worker")) {
        err(QStringLiteral("--role is all, api or worker (got '%1')").arg(role));
        return 2;
    }
    const auto options = engineOptions(p, flags);
    if (!options)
        return 2;
    auto engine = LocalEngine::open(*options);
    if (!engine) {
        err(engine.error().message);
        return 1;
    }
    LocalEngine *e = engine.value().get();
    int rc = 0;
    std::unique_ptr<http::ApiListener> listener = startHttp(e, *options, role, flags, &rc);
    if (rc != 0)
        return rc;
    // systemd's Type=notify: ready means what /readyz says — store reachable, schema current.
    sd_notify(0, "READY=1\nSTATUS=serving");
    std::unique_ptr<EmfReporter> emf;
    if (const int every = qEnvironmentVariableIntValue("SALESFLOW_EMF_INTERVAL_S"); every > 0)
        emf = std::make_unique<EmfReporter>(e, role, qMin(every, 3600));
    rc = runUntilSignalled();
    emf.reset();
    e->endLongPolls(); // waiting change feeds answer now: the listener's grace is for real work
    if (listener)
        listener->stop(); // no new requests
    e->stop();
    qCInfo(lcEngine) << "stopped";
    return rc;
}

} // namespace salesflow::cli
