#pragma once
// The contract suite's fixture and callers, shared by its files (tst_contract*.cpp).

#include "tst_suites.h"

#include "tests/support/apiserve.h"
#include "engine/local/localengine.h"
#include "engine/remote/remoteengine.h"
#include "tests/support/await.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QThread>

using namespace salesflow;
using test::await;

inline namespace contract {

const Caller kIngest = Caller::token(QStringLiteral("website"), Role::Ingest);
const Caller kViewer = Caller::token(QStringLiteral("vera"), Role::Viewer);
const Caller kReviewer = Caller::token(QStringLiteral("rita"), Role::Reviewer);
const Caller kAdmin = Caller::token(QStringLiteral("ada"), Role::Admin);
const Caller kReviewer2 = Caller::token(QStringLiteral("rolf"), Role::Reviewer);

inline IngestItem form(const QByteArray &submissionId, const QByteArray &email = "dana@northwind.example")
{
    return IngestItem{QStringLiteral("form"),
                      "application/json",
                      R"({"submission_id":")" + submissionId + R"(","fields":{"email":")" + email
                          + R"(","message":"We need SSO before we can buy."}})",
                      {}};
}

} // namespace contract

struct TestContract::Fixture
{
    std::unique_ptr<LocalEngine> local;
    std::unique_ptr<http::ApiListener> server;
    std::unique_ptr<QProcess> daemon; ///< salesflowd serve, in the Remote run
    std::unique_ptr<remote::RemoteEngine> remote;
    IEngine *engine = nullptr;

    /// One receipt for one item, or the error of the call or of the item.
    /// Ingests `n` forms and waits until each is in review; answers their ids, oldest first.
    QStringList inReview(int n, const QByteArray &tag)
    {
        QStringList ids;
        for (int i = 0; i < n; ++i)
            ids << ingestOne(kIngest, form(tag + QByteArray::number(i))).value().id;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000) {
            auto q = await(engine->reviewQueue(kViewer, 1000, QString()));
            int found = 0;
            for (const ReviewItem &item : q.value().items)
                found += ids.contains(item.eventId) ? 1 : 0;
            if (found == n)
                return ids;
            QThread::msleep(50);
        }
        qFatal("events did not reach review");
        return ids;
    }

    /// What a login answers: through the HTTP API in the HTTP run, the engine's authenticator else.
    Result<Session> login(const QString &user, const QByteArray &password)
    {
        if (!remote)
            return await(local->login(user, password, QStringLiteral("127.0.0.1")));
        auto s = await(remote->login(user, password));
        if (s)
            remote->setTokenFor(user, s->token); // the caller named after the user acts with it
        return s;
    }

    /// Waits until a replay has finished (any status but selecting and running).
    ReplayInfo finished(const QString &replayId)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000) {
            auto page = await(engine->replay(kViewer, replayId, ReplayItemQuery{}));
            if (page && page->replay.status != QLatin1String("running")
                && page->replay.status != QLatin1String("selecting"))
                return page->replay;
            QThread::msleep(50);
        }
        qFatal("replay %s did not finish", qPrintable(replayId));
        return {};
    }

    Result<IngestReceipt> ingestOne(const Caller &caller, const IngestItem &item)
    {
        auto r = await(engine->ingest(caller, {item}));
        if (!r)
            return r.error();
        return r->first();
    }
};
