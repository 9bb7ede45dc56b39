#include "connection.h"

#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/remote/remoteengine.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QInputDialog>
#include <QMessageBox>
#include <QSettings>

namespace salesflow::app {

QString loginProblemWords(const Error &e);

namespace {

QString tr(const char *text)
{
    return QApplication::translate("Connection", text);
}

void refuse(const QString &what, const QString &why)
{
    QMessageBox::critical(nullptr, tr("SalesFlow cannot start"), what + QStringLiteral("\n\n") + why);
}

Result<Connection> openLocalStore(const QString &dbUrl)
{
    LocalEngine::Options options;
    options.config = Config::fromEnvironment();
    if (!dbUrl.isEmpty())
        options.config.dbUrl = dbUrl;
    auto stages = pipeline::builtStages(options.config);
    if (!stages)
        return makeError("config", tr("The configuration is not usable: %1").arg(stages.error().message), 400);
    options.stages = stages.value();
    auto engine = LocalEngine::open(options);
    if (!engine) {
        const QString why = engine.error().code == QLatin1String("store.schema_too_new")
            ? tr("This database is newer than this app: %1").arg(engine.error().message)
            : tr("The event store could not be opened: %1").arg(engine.error().message);
        return makeError(engine.error().code.toUtf8().constData(), why, engine.error().httpStatus);
    }
    // On its own store the desktop user is the admin; the audit names them `desktop:<OS user>`.
    const Caller caller = Caller::desktop(Caller::osUserName());
    const QString where = caller.actor() + QLatin1Char('@') + engine.value()->storeDisplayUrl();
    std::shared_ptr<LocalEngine> shared(std::move(engine).value().release(), [](LocalEngine *e) {
        e->stop();
        delete e;
    });
    return Connection{shared, caller, where, nullptr};
}

std::optional<Connection> openLocal(const QString &dbUrl)
{
    auto c = openLocalStore(dbUrl);
    if (!c) {
        refuse(tr("SalesFlow cannot open its store."), c.error().message);
        return std::nullopt;
    }
    return c.value();
}

/// The password: SALESFLOW_PASSWORD once, else asked (empty when the user cancels).
QByteArray password(const QString &user, const QString &url, const QString &problem, bool *fromEnv)
{
    if (*fromEnv) {
        *fromEnv = false; // a wrong one is asked for next time, not retried
        return qEnvironmentVariable("SALESFLOW_PASSWORD").toUtf8();
    }
    bool ok = false;
    const QString label = (problem.isEmpty() ? QString() : problem + QStringLiteral("\n\n"))
        + tr("Password of %1 on %2:").arg(user, url);
    const QString pw
        = QInputDialog::getText(nullptr, tr("Log in to SalesFlow"), label, QLineEdit::Password, QString(), &ok);
    return ok ? pw.toUtf8() : QByteArray();
}

std::optional<Connection> openRemote(const QUrl &url, const QString &user)
{
    auto engine = std::make_shared<remote::RemoteEngine>(remote::RemoteEngine::Options{url, {}, 15000});
    bool fromEnv = qEnvironmentVariableIsSet("SALESFLOW_PASSWORD");
    QString problem;
    for (;;) {
        QByteArray pw = password(user, url.toString(), problem, &fromEnv);
        if (pw.isEmpty())
            return std::nullopt; // the user cancelled
        auto f = engine->login(user, pw);
        pw.fill('\0');
        f.waitForFinished();
        const Result<Session> s = f.result();
        if (s) {
            QSettings settings;
            settings.setValue(QStringLiteral("connection/url"), url.toString());
            settings.setValue(QStringLiteral("connection/user"), user);
            const QString where = user + QLatin1Char('@') + url.toString(QUrl::RemoveUserInfo);
            return Connection{engine, Caller::user(user, s->role), where, engine.get()};
        }
        if (s.error().httpStatus >= 500 || s.error().code.startsWith(QLatin1String("remote."))) {
            refuse(tr("SalesFlow cannot log in."), loginProblemWords(s.error()));
            return std::nullopt;
        }
        problem = loginProblemWords(s.error());
    }
}

} // namespace

QString loginProblemWords(const Error &e)
{
    if (e.httpStatus == 401)
        return tr("Wrong user name or password.");
    if (e.code == QLatin1String("remote.tls"))
        return tr("The server's certificate is not trusted: %1").arg(e.message);
    if (e.code.startsWith(QLatin1String("remote.")) || e.httpStatus >= 500)
        return tr("The server could not be reached: %1").arg(e.message);
    return e.message; // throttled (429) and the like say so themselves
}

void connectTo(const ui::ConnectTarget &target, QObject *context, std::function<void(Result<Connection>)> done)
{
    if (target.kind != ui::ConnectTarget::Kind::Server)
        return done(openLocalStore(target.kind == ui::ConnectTarget::Kind::Database ? target.url : QString()));
    const QUrl url(target.url);
    auto engine = std::make_shared<remote::RemoteEngine>(remote::RemoteEngine::Options{url, {}, 15000});
    const QString user = target.user;
    engine->login(user, target.password).then(context, [engine, url, user, done](const Result<Session> &s) {
        if (!s)
            return done(
                makeError(s.error().code.toUtf8().constData(), loginProblemWords(s.error()), s.error().httpStatus));
        const QString where = user + QLatin1Char('@') + url.toString(QUrl::RemoveUserInfo);
        done(Connection{engine, Caller::user(user, s->role), where, engine.get()});
    });
}

std::optional<Connection> open(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(tr("SalesFlow desktop: the review queue, prompts, replays and the audit."));
    p.addHelpOption();
    p.addVersionOption();
    p.addOption({QStringLiteral("db"), tr("Open this database in the app (sqlite:///path or postgresql://…)."),
                 QStringLiteral("URL")});
    p.addOption(
        {QStringLiteral("connect"), tr("Attach to a salesflowd server (http(s)://host:port)."), QStringLiteral("URL")});
    p.addOption({QStringLiteral("user"), tr("The user to log in as on the server."), QStringLiteral("NAME")});
    p.process(arguments);
    if (!p.isSet(QStringLiteral("connect")))
        return openLocal(p.value(QStringLiteral("db")));
    const QUrl url(p.value(QStringLiteral("connect")), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        refuse(tr("The server address is not usable:"), tr("give it as http://host:port or https://host:port"));
        return std::nullopt;
    }
    const QString user = p.isSet(QStringLiteral("user"))
        ? p.value(QStringLiteral("user"))
        : QSettings().value(QStringLiteral("connection/user")).toString();
    if (user.isEmpty()) {
        refuse(tr("Who logs in?"), tr("give the user name with --user NAME"));
        return std::nullopt;
    }
    return openRemote(url, user);
}

void keepSessionAlive(const Connection &connection, QWidget *window)
{
    auto *remote = qobject_cast<remote::RemoteEngine *>(connection.remote);
    if (!remote)
        return;
    QObject::connect(remote, &remote::RemoteEngine::sessionExpired, window, [remote, window] {
        static bool asking = false;
        if (asking)
            return;
        asking = true;
        bool ok = false;
        const QString pw = QInputDialog::getText(
            window, tr("Log in again"),
            tr("Your session on %1 ended. Password of %2:").arg(remote->url().toString(), remote->user()),
            QLineEdit::Password, QString(), &ok);
        if (ok && !pw.isEmpty())
            remote->login(remote->user(), pw.toUtf8()); // what was open stays; the next calls use it
        asking = false;
    });
}

} // namespace salesflow::app
