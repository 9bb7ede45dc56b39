#include "connection.h"

#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/remote/certificateprobe.h"
#include "engine/remote/remoteengine.h"
#include "ui/dialogs/trustdialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QInputDialog>
#include <QMessageBox>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

namespace salesflow::app {

QString loginProblemWords(const Error &e);

namespace {

/// The words of this file, translated in the "Connection" context.
class Words
{
    Q_DECLARE_TR_FUNCTIONS(Connection)
};

void refuse(const QString &what, const QString &why)
{
    QMessageBox::critical(nullptr, Words::tr("SalesFlow cannot start"), what + QStringLiteral("\n\n") + why);
}

Result<Connection> openLocalStore(const QString &dbUrl)
{
    LocalEngine::Options options;
    options.config = Config::fromEnvironment();
    if (!dbUrl.isEmpty())
        options.config.dbUrl = dbUrl;
    auto stages = pipeline::builtStages(options.config);
    if (!stages)
        return makeError("config", Words::tr("The configuration is not usable: %1").arg(stages.error().message), 400);
    options.stages = stages.value();
    auto engine = LocalEngine::open(options);
    if (!engine) {
        const QString why = engine.error().code == QLatin1String("store.schema_too_new")
            ? Words::tr("This database is newer than this app: %1").arg(engine.error().message)
            : Words::tr("The event store could not be opened: %1").arg(engine.error().message);
        return makeError(engine.error().code.toUtf8().constData(), why, engine.error().httpStatus);
    }
    // On its own store the desktop user is the admin; the audit names them `desktop:<OS user>`.
    const Caller caller = Caller::desktop(Caller::osUserName());
    const QString where = caller.actor() + QLatin1Char('@') + engine.value()->storeDisplayUrl();
    std::shared_ptr<LocalEngine> shared(std::move(engine).value().release(), [](LocalEngine *e) {
        e->stop();
        delete e;
    });
    return Connection{shared, caller, where, nullptr, false};
}

std::optional<Connection> openLocal(const QString &dbUrl)
{
    auto c = openLocalStore(dbUrl);
    if (!c) {
        refuse(Words::tr("SalesFlow cannot open its store."), c.error().message);
        return std::nullopt;
    }
    c->seedWhenEmpty = true; // the store the app was started on (make run: the samples)
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
        + Words::tr("Password of %1 on %2:").arg(user, url);
    const QString pw
        = QInputDialog::getText(nullptr, Words::tr("Log in to SalesFlow"), label, QLineEdit::Password, QString(), &ok);
    return ok ? pw.toUtf8() : QByteArray();
}

std::shared_ptr<remote::RemoteEngine> remoteEngine(const QUrl &url)
{
    return std::make_shared<remote::RemoteEngine>(
        remote::RemoteEngine::Options{url, ui::TrustStore::trusted(url), 15000});
}

/// At start-up, before any window: shows the server's certificate and answers whether the person
/// trusted it (then it is in the TrustStore).
bool trustedNow(const QUrl &url)
{
    QEventLoop loop;
    auto chain = remote::serverCertificates(url);
    chain.then(&loop, [&loop](const auto &) { loop.quit(); });
    loop.exec();
    if (!chain.result())
        return false;
    ui::TrustDialog dialog(url, chain.result().value());
    return dialog.exec() == QDialog::Accepted;
}

std::optional<Connection> openRemote(const QUrl &url, const QString &user)
{
    auto engine = remoteEngine(url);
    bool fromEnv = qEnvironmentVariableIsSet("SALESFLOW_PASSWORD");
    QString problem;
    for (;;) {
        QByteArray pw = password(user, url.toString(), problem, &fromEnv);
        if (pw.isEmpty())
            return std::nullopt; // the user cancelled
        auto f = engine->login(user, pw);
        f.waitForFinished();
        const Result<Session> s = f.result();
        if (!s && s.error().code == QLatin1String("remote.tls") && trustedNow(url)) {
            engine = remoteEngine(url); // with the certificate now trusted
            f = engine->login(user, pw);
            f.waitForFinished();
        }
        pw.fill('\0');
        const Result<Session> r = f.result();
        if (r) {
            QSettings settings;
            settings.setValue(QStringLiteral("connection/url"), url.toString());
            settings.setValue(QStringLiteral("connection/user"), user);
            const QString where = user + QLatin1Char('@') + url.toString(QUrl::RemoveUserInfo);
            return Connection{engine, Caller::user(user, r->role), where, engine.get(), false};
        }
        if (r.error().httpStatus >= 500 || r.error().code.startsWith(QLatin1String("remote."))) {
            refuse(Words::tr("SalesFlow cannot log in."), loginProblemWords(r.error()));
            return std::nullopt;
        }
        problem = loginProblemWords(r.error());
    }
}

/// In the running app: the certificate shown beside `parent`; `then(true)` once it is trusted.
void askTrust(const QUrl &url, QWidget *parent, std::function<void(bool)> then)
{
    remote::serverCertificates(url).then(parent, [url, parent, then](const Result<QList<QSslCertificate>> &chain) {
        if (!chain)
            return then(false);
        auto *dialog = new ui::TrustDialog(url, chain.value(), parent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        QObject::connect(dialog, &QDialog::finished, parent, [then](int result) { then(result == QDialog::Accepted); });
        dialog->open();
    });
}

} // namespace

QString loginProblemWords(const Error &e)
{
    if (e.httpStatus == 401)
        return Words::tr("Wrong user name or password.");
    if (e.code == QLatin1String("remote.tls"))
        return Words::tr("The server's certificate is not trusted: %1").arg(e.message);
    if (e.code.startsWith(QLatin1String("remote.")) || e.httpStatus >= 500)
        return Words::tr("The server could not be reached: %1").arg(e.message);
    return e.message; // throttled (429) and the like say so themselves
}

void connectTo(const ui::ConnectTarget &target, QWidget *context, std::function<void(Result<Connection>)> done)
{
    if (target.kind != ui::ConnectTarget::Kind::Server) {
        // Connecting and migrating may take a while (a far PostgreSQL): off the GUI thread.
        const QString url = target.kind == ui::ConnectTarget::Kind::Database ? target.url : QString();
        const bool embedded = target.kind == ui::ConnectTarget::Kind::Embedded;
        QtConcurrent::run([url] { return openLocalStore(url); }).then(context, [done, embedded](Result<Connection> c) {
            if (c)
                c->seedWhenEmpty = embedded; // never samples in someone else's empty database
            done(c);
        });
        return;
    }
    const QUrl url(target.url);
    auto engine = remoteEngine(url);
    engine->login(target.user, target.password)
        .then(context, [engine, url, target, context, done](const Result<Session> &s) {
            if (s) {
                const QString where = target.user + QLatin1Char('@') + url.toString(QUrl::RemoveUserInfo);
                return done(Connection{engine, Caller::user(target.user, s->role), where, engine.get(), false});
            }
            const Error words(
                makeError(s.error().code.toUtf8().constData(), loginProblemWords(s.error()), s.error().httpStatus));
            if (s.error().code != QLatin1String("remote.tls"))
                return done(words);
            askTrust(url, context, [target, context, done, words](bool trusted) {
                if (!trusted)
                    return done(words);
                connectTo(target, context, done); // again, with the certificate trusted now
            });
        });
}

std::optional<Connection> open(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(Words::tr("SalesFlow desktop: the review queue, prompts, replays and the audit."));
    p.addHelpOption();
    p.addVersionOption();
    p.addOption({QStringLiteral("db"), Words::tr("Open this database in the app (sqlite:///path or postgresql://…)."),
                 QStringLiteral("URL")});
    p.addOption({QStringLiteral("connect"), Words::tr("Attach to a salesflowd server (http(s)://host:port)."),
                 QStringLiteral("URL")});
    p.addOption({QStringLiteral("user"), Words::tr("The user to log in as on the server."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("screenshots"),
                 Words::tr("Save a picture of each main view into DIR, then quit (make screenshots)."),
                 QStringLiteral("DIR")});
    p.process(arguments);
    if (!p.isSet(QStringLiteral("connect")))
        return openLocal(p.value(QStringLiteral("db")));
    const QUrl url(p.value(QStringLiteral("connect")), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        refuse(Words::tr("The server address is not usable:"),
               Words::tr("give it as http://host:port or https://host:port"));
        return std::nullopt;
    }
    const QString user = p.isSet(QStringLiteral("user"))
        ? p.value(QStringLiteral("user"))
        : QSettings().value(QStringLiteral("connection/user")).toString();
    if (user.isEmpty()) {
        refuse(Words::tr("Who logs in?"), Words::tr("give the user name with --user NAME"));
        return std::nullopt;
    }
    return openRemote(url, user);
}

namespace {

/// Asks for the password until a login succeeds or the person cancels; `asking` stays set
/// meanwhile, so one ended session asks once.
void askPassword(remote::RemoteEngine *remote, QWidget *window, const QString &problem,
                 const std::shared_ptr<bool> &asking)
{
    bool ok = false;
    const QString label = (problem.isEmpty() ? QString() : problem + QStringLiteral("\n\n"))
        + Words::tr("Your session on %1 ended. Password of %2:").arg(remote->url().toString(), remote->user());
    QString pw = QInputDialog::getText(window, Words::tr("Log in again"), label, QLineEdit::Password, QString(), &ok);
    if (!ok || pw.isEmpty()) {
        *asking = false; // cancelled: the calls say they failed; the next one asks again
        return;
    }
    auto login = remote->login(remote->user(), pw.toUtf8());
    pw.fill(QLatin1Char('\0'));
    login.then(window, [remote, window, asking](const Result<Session> &s) {
        if (s)
            *asking = false; // what was open stays; the next calls use the new session
        else
            askPassword(remote, window, loginProblemWords(s.error()), asking);
    });
}

} // namespace

void keepSessionAlive(const Connection &connection, QWidget *window)
{
    auto *remote = qobject_cast<remote::RemoteEngine *>(connection.remote);
    if (!remote)
        return;
    auto asking = std::make_shared<bool>(false);
    QObject::connect(remote, &remote::RemoteEngine::sessionExpired, window, [remote, window, asking] {
        if (std::exchange(*asking, true))
            return;
        askPassword(remote, window, QString(), asking);
    });
}

} // namespace salesflow::app
