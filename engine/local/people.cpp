// LocalEngine: the people side — logins and sessions, users, API tokens, the review queue.
#include "../core/clock.h"
#include "../core/ids.h"
#include "../core/metrics.h"
#include "../core/password.h"
#include "../pipeline/review.h"
#include "../pipeline/runner.h"
#include "../store/reviewrepository.h"
#include "../store/tokenrepository.h"
#include "../store/userrepository.h"
#include "localengine.h"
#include "storecall.h"

#include <QRegularExpression>

namespace salesflow {

namespace {

constexpr qint64 kClaimMs = 5 * 60 * 1000;
constexpr qint64 kThrottleWindowMs = 15 * 60 * 1000;
constexpr qint64 kMaxFailuresPerUser = 5;
constexpr qint64 kMaxFailuresPerAddress = 20;

qint64 sessionMs()
{
    const int hours = qEnvironmentVariableIntValue("SALESFLOW_SESSION_HOURS");
    return qint64(hours > 0 ? hours : 12) * 3600 * 1000;
}

Status validUserName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"));
    if (!re.match(name).hasMatch()) {
        return makeError("user.name",
                         QStringLiteral("a user name is 1 to 64 letters, digits, '.', '_', '@' or '-' (got '%1')")
                             .arg(name.left(80)),
                         400);
    }
    return Done{};
}

Status validPassword(const QByteArray &password)
{
    if (password.size() < 8)
        return makeError("password.short", QStringLiteral("a password needs at least 8 characters"), 400);
    return Done{};
}

/// 429 while a subject has failed too often in the window; Retry-After when the oldest leaves it.
Status throttle(store::Connection &c, const QString &subject, qint64 limit, qint64 now)
{
    auto f = store::UserRepository::failures(c, subject, now - kThrottleWindowMs);
    if (!f)
        return f.error();
    if (f->first < limit)
        return Done{};
    Error e = makeError("auth.throttled", QStringLiteral("too many failed logins; try again later"), 429);
    e.retryAfterMs = qMax<qint64>(1000, f->second + kThrottleWindowMs - now);
    return e;
}

} // namespace

QFuture<Result<Session>> LocalEngine::login(QString user, QByteArray password, QString address)
{
    return QtConcurrent::run(&m_logins, [this, user, password, address]() mutable {
        Result<Session> r = doLogin(user, password, address);
        password::wipe(password);
        return r;
    });
}

Result<Session> LocalEngine::doLogin(const QString &user, QByteArray password, const QString &address)
{
    auto conn = m_db->acquire();
    if (!conn)
        return conn.error();
    store::Connection &c = *conn.value();
    const qint64 now = nowMs();
    const QString userKey = QStringLiteral("user:") + user.left(80), addressKey = QStringLiteral("addr:") + address;
    if (Status s = throttle(c, userKey, kMaxFailuresPerUser, now); !s)
        return s.error();
    if (Status s = throttle(c, addressKey, kMaxFailuresPerAddress, now); !s)
        return s.error();
    auto found = store::UserRepository::find(c, user);
    if (!found)
        return found.error();
    const std::optional<store::UserRecord> &rec = found.value();
    // Verified even for an unknown user (against a dummy hash): the time taken says nothing.
    const bool match = password::verify(rec ? rec->passwordHash : QString(), password);
    if (!match || !rec || rec->disabled) {
        if (Status s = store::UserRepository::recordFailure(c, {userKey, addressKey}, now); !s)
            return s.error();
        return makeError("auth.login", QStringLiteral("wrong user name or password"), 401);
    }
    if (Status s = store::UserRepository::clearFailures(c, userKey); !s)
        return s.error();
    const QByteArray token = "sfs_" + ids::randomToken(32);
    const qint64 expires = now + sessionMs();
    if (Status s = store::UserRepository::createSession(c, rec->name, ids::sha256Hex(token), expires, now); !s)
        return s.error();
    return Session{rec->name, rec->role, token, expires};
}

template<typename F>
QFuture<Status> LocalEngine::withPasswordHash(QByteArray password, F &&store)
{
    std::shared_ptr<store::Database> db = m_db;
    return QtConcurrent::run(&m_logins, [db, password, store = std::forward<F>(store)]() mutable -> Status {
        auto hash = password::hash(password);
        password::wipe(password);
        if (!hash)
            return hash.error();
        auto conn = db->acquire();
        if (!conn)
            return conn.error();
        return store(*conn.value(), hash.value());
    });
}

QFuture<Status> LocalEngine::addUser(const Caller &caller, QString name, Role role, QByteArray password)
{
    Status ok = allow(caller, Permission::Admin);
    if (ok)
        ok = validUserName(name);
    if (ok && role == Role::Ingest)
        ok = makeError("user.role", QStringLiteral("people are viewers, reviewers or admins; ingest is for tokens"),
                       400);
    if (ok)
        ok = validPassword(password);
    if (!ok)
        return QtFuture::makeReadyFuture(ok);
    const QString actor = caller.actor();
    return withPasswordHash(std::move(password), [name, role, actor](store::Connection &c, const QString &hash) {
        return store::UserRepository::add(c, name, role, hash, actor, nowMs());
    });
}

QFuture<Status> LocalEngine::setPassword(const Caller &caller, QString name, QByteArray password)
{
    const bool self = caller.kind == Caller::Kind::User && caller.name == name;
    Status ok = self ? Status(Done{}) : allow(caller, Permission::Admin);
    if (ok)
        ok = validPassword(password);
    if (!ok)
        return QtFuture::makeReadyFuture(ok);
    const QString actor = caller.actor();
    return withPasswordHash(std::move(password), [name, actor](store::Connection &c, const QString &hash) {
        return store::UserRepository::setPasswordHash(c, name, hash, actor, nowMs());
    });
}

QFuture<Status> LocalEngine::disableUser(const Caller &caller, QString name)
{
    const QString actor = caller.actor();
    return onStoreAs<Done>(caller, Permission::Admin, [name, actor](store::Connection &c) {
        return store::UserRepository::disable(c, name, actor, nowMs());
    });
}

QFuture<Result<QList<UserInfo>>> LocalEngine::users(const Caller &caller)
{
    return onStoreAs<QList<UserInfo>>(caller, Permission::Admin,
                                      [](store::Connection &c) { return store::UserRepository::list(c); });
}

QFuture<Result<QList<TokenInfo>>> LocalEngine::tokens(const Caller &caller)
{
    return onStoreAs<QList<TokenInfo>>(caller, Permission::Admin,
                                       [](store::Connection &c) { return store::TokenRepository::list(c); });
}

QFuture<Result<ReviewPage>> LocalEngine::reviewQueue(const Caller &caller, int limit, QString after)
{
    if (limit < 1 || limit > 1000)
        return refused<ReviewPage>(makeError("query.limit", QStringLiteral("limit is 1 to 1000"), 400));
    return onStoreAs<ReviewPage>(caller, Permission::Read, [limit, after](store::Connection &c) {
        return store::ReviewRepository::queue(c, limit, after, nowMs());
    });
}

QFuture<Result<ReviewClaim>> LocalEngine::claimReview(const Caller &caller, QString eventId)
{
    const QString actor = caller.actor();
    return onStoreAs<ReviewClaim>(caller, Permission::Review, [eventId, actor](store::Connection &c) {
        const qint64 now = nowMs();
        return store::ReviewRepository::claim(c, eventId, actor, now + kClaimMs, now);
    });
}

QFuture<Result<DecisionResult>> LocalEngine::decideReview(const Caller &caller, QString eventId,
                                                          ReviewDecision decision)
{
    const QString actor = caller.actor();
    const int maxAttempts = m_options.config.maxAttempts;
    auto decided = onStoreAs<DecisionResult>(caller, Permission::Review, [=](store::Connection &c) {
        return pipeline::Review::decide(c, eventId, actor, decision, maxAttempts, nowMs());
    });
    return decided.then([this](const Result<DecisionResult> &r) {
        if (r && !r->repeated)
            Metrics::instance().add("salesflow_review_decisions_total", Metrics::label("decision", r->status));
        if (r && r->status == EventStatus::Approved && m_runner)
            m_runner->waker().notify(); // the plan job is waiting
        announceChange();
        return r;
    });
}

QFuture<Result<QList<ActionInfo>>> LocalEngine::previewReview(const Caller &caller, QString eventId, QJsonObject edits)
{
    const QString actor = caller.actor();
    return onStoreAs<QList<ActionInfo>>(caller, Permission::Review, [=](store::Connection &c) {
        return pipeline::Review::preview(c, eventId, actor, edits, nowMs());
    });
}

} // namespace salesflow
