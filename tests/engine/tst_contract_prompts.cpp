// The IEngine contract for admins: prompt versions, prompt tests and replays — local and over
// HTTP, on both stores (see tst_contract.cpp for the fixture).
#include "contractfixture.h"

#include <QJsonArray>
#include <QtTest>

namespace {

const QString kTemplate = QStringLiteral("### system\nYou are a careful sales analyst.\n### user\n"
                                         "Event {{event.kind}} from {{event.actor}}:\n{{event.text}}\n"
                                         "Contact: {{contact}}\n");

NewPromptVersion draft(const QString &text = kTemplate, const QString &notes = QStringLiteral("shorter system part"))
{
    return NewPromptVersion{text, QJsonObject{{QStringLiteral("temperature"), 0.1}}, notes};
}

/// The parts of an event a dry run or a prompt test must leave alone.
QString footprint(IEngine *engine, const QString &id)
{
    auto d = await(engine->event(kAdmin, id));
    if (!d)
        return d.error().message;
    return QStringLiteral("%1 enrichments=%2 actions=%3 jobs=%4")
        .arg(d->summary.status)
        .arg(d->enrichments.size())
        .arg(d->actions.size())
        .arg(d->jobs.size());
}

bool hasAudit(IEngine *engine, const QString &action, const QString &actor)
{
    AuditQuery q;
    q.action = action;
    q.actor = actor;
    auto page = await(engine->audit(kViewer, q));
    return page && !page->items.isEmpty();
}

} // namespace

void TestContract::promptVersionsAreCheckedCreatedAndActivated()
{
    auto list = await(m_f->engine->prompts(kViewer));
    QVERIFY2(list.ok(), qPrintable(list.error().message));
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->first().name, QStringLiteral("enrich"));
    QCOMPARE(list->first().activeVersion, 1);

    // The engine's own check says what and where, for an editor and at save time.
    const QString broken = QStringLiteral("### system\nHi\n### user\nText: {{event.txt}}\n");
    auto problems = await(m_f->engine->checkPrompt(kViewer, QStringLiteral("enrich"), draft(broken)));
    QVERIFY(problems.ok());
    QCOMPARE(problems->size(), 1);
    QCOMPARE(problems->first().line, 4);
    QCOMPARE(problems->first().column, 7);
    QVERIFY(problems->first().message.contains(QStringLiteral("{{event.txt}}")));
    auto refused = await(m_f->engine->createPromptVersion(kAdmin, QStringLiteral("enrich"), draft(broken)));
    QCOMPARE(refused.error().httpStatus, 400);
    QVERIFY2(refused.error().message.startsWith(QStringLiteral("line 4, column 7: unknown placeholder")),
             qPrintable(refused.error().message));
    NewPromptVersion hot = draft();
    hot.settings.insert(QStringLiteral("temperature"), QStringLiteral("hot"));
    auto badSetting = await(m_f->engine->createPromptVersion(kAdmin, QStringLiteral("enrich"), hot));
    QCOMPARE(badSetting.error().httpStatus, 400);
    QVERIFY2(badSetting.error().message.contains(QStringLiteral("settings.temperature")),
             qPrintable(badSetting.error().message));
    QCOMPARE(await(m_f->engine->createPromptVersion(kReviewer, QStringLiteral("enrich"), draft())).error().httpStatus,
             403);
    QCOMPARE(await(m_f->engine->createPromptVersion(kAdmin, QStringLiteral("nope"), draft())).error().httpStatus, 404);

    auto created = await(m_f->engine->createPromptVersion(kAdmin, QStringLiteral("enrich"), draft()));
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    QCOMPARE(created->version, 2);
    QCOMPARE(created->author, QStringLiteral("token:ada"));
    QCOMPARE(created->notes, QStringLiteral("shorter system part"));
    QVERIFY(!created->active);
    QCOMPARE(await(m_f->engine->activatePrompt(kReviewer, QStringLiteral("enrich"), 2)).error().httpStatus, 403);
    QCOMPARE(await(m_f->engine->activatePrompt(kAdmin, QStringLiteral("enrich"), 9)).error().httpStatus, 404);
    auto activated = await(m_f->engine->activatePrompt(kAdmin, QStringLiteral("enrich"), 2));
    QVERIFY2(activated.ok(), qPrintable(activated.error().message));
    auto info = await(m_f->engine->prompt(kViewer, QStringLiteral("enrich")));
    QVERIFY(info.ok());
    QCOMPARE(info->versions.size(), 2);
    QCOMPARE(info->versions.first().version, 2); // newest first
    QVERIFY(info->versions.first().active);
    QVERIFY(!info->versions.last().active);
    QCOMPARE(info->versions.first().settings.value(QStringLiteral("temperature")).toDouble(), 0.1);
    AuditQuery q;
    q.action = QStringLiteral("prompt.activate");
    auto audit = await(m_f->engine->audit(kViewer, q));
    QCOMPARE(audit->items.size(), 1);
    QVERIFY(audit->items.first().before.contains(QStringLiteral("\"active_version\":1")));
    QVERIFY(audit->items.first().after.contains(QStringLiteral("\"active_version\":2")));
    QCOMPARE(audit->items.first().actor, QStringLiteral("token:ada"));
}

void TestContract::promptTestsShowBothVersionsAndChangeNothing()
{
    const QStringList ids = m_f->inReview(3, "pt-");
    QStringList before;
    for (const QString &id : ids)
        before << footprint(m_f->engine, id);
    auto v2 = await(m_f->engine->createPromptVersion(kAdmin, QStringLiteral("enrich"), draft()));
    QVERIFY(v2.ok());
    QCOMPARE(await(m_f->engine->testPrompt(kReviewer, QStringLiteral("enrich"), 2, ids)).error().httpStatus, 403);
    QCOMPARE(await(m_f->engine->testPrompt(kAdmin, QStringLiteral("enrich"), 2, {})).error().httpStatus, 400);
    auto result = await(
        m_f->engine->testPrompt(kAdmin, QStringLiteral("enrich"), 2, ids + QStringList{QStringLiteral("no-such")}));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->version, 2);
    QCOMPARE(result->activeVersion, 1);
    QCOMPARE(result->events.size(), 4);
    for (int i = 0; i < 3; ++i) {
        const PromptTestEvent &e = result->events.at(i);
        QCOMPARE(e.eventId, ids.at(i));
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.active.promptVersion, 1);
        QCOMPARE(e.candidate.promptVersion, 2);
        QVERIFY(!e.candidate.summary.isEmpty());
        QVERIFY(!e.candidate.reviewReasons.isEmpty()); // the threshold of this suite sends everything to review
        QCOMPARE(e.candidateActions.size(), e.activeActions.size());
        QVERIFY(!e.candidateActions.isEmpty());
        bool noteNamesVersion = false;
        for (const ActionInfo &a : e.candidateActions)
            noteNamesVersion
                |= a.kind == QLatin1String("note") && a.payloadJson.contains(QStringLiteral("prompt enrich v2"));
        QVERIFY(noteNamesVersion);
    }
    QVERIFY(!result->events.last().error.isEmpty()); // the unknown id is answered, not fatal
    QCOMPARE(result->events.first().candidate.llmCalls, 1); // the offline analyser counts no tokens
    QVERIFY(result->costUsd.has_value());
    for (int i = 0; i < ids.size(); ++i)
        QCOMPARE(footprint(m_f->engine, ids.at(i)), before.at(i));
    QVERIFY(hasAudit(m_f->engine, QStringLiteral("prompt.test"), QStringLiteral("token:ada")));
}

void TestContract::dryRunReplaysDiffAndChangeNothing()
{
    const QStringList ids = m_f->inReview(3, "dr-");
    QStringList before;
    for (const QString &id : ids)
        before << footprint(m_f->engine, id);
    QVERIFY(await(m_f->engine->createPromptVersion(kAdmin, QStringLiteral("enrich"), draft())).ok());
    ReplayRequest r;
    r.eventIds = ids;
    r.fromStage = QStringLiteral("enrich");
    r.promptVersion = 2;
    r.dryRun = true;
    auto started = await(m_f->engine->startReplay(kAdmin, r));
    QVERIFY2(started.ok(), qPrintable(started.error().message));
    QCOMPARE(started->total, 3);
    QCOMPARE(started->requestedBy, QStringLiteral("token:ada"));
    const ReplayInfo done = m_f->finished(started->id);
    QCOMPARE(done.status, QStringLiteral("done"));
    QCOMPARE(done.done, 3);
    QCOMPARE(done.failed, 0);
    auto page = await(m_f->engine->replay(kViewer, started->id, ReplayItemQuery{2, {}, false}));
    QVERIFY(page.ok());
    QCOMPARE(page->items.size(), 2);
    QVERIFY(!page->next.isEmpty());
    auto rest = await(m_f->engine->replay(kViewer, started->id, ReplayItemQuery{2, page->next, false}));
    QCOMPARE(rest->items.size(), 1);
    QVERIFY(rest->next.isEmpty());
    const ReplayItem &item = page->items.first();
    QCOMPARE(item.eventId, ids.first());
    QCOMPARE(item.state, QStringLiteral("done"));
    QCOMPARE(item.fromStage, QStringLiteral("enrich"));
    // Never planned (it waits in review): every action would be new, and the note says why not yet.
    QVERIFY(item.changed);
    QVERIFY(!item.actions.isEmpty());
    QCOMPARE(item.actions.first().change, QStringLiteral("added"));
    QVERIFY2(item.note.contains(QStringLiteral("review")), qPrintable(item.note));
    for (int i = 0; i < ids.size(); ++i)
        QCOMPARE(footprint(m_f->engine, ids.at(i)), before.at(i));
    QCOMPARE(await(m_f->engine->cancelReplay(kAdmin, started->id)).error().httpStatus, 409);

    // From normalise, an event whose parse has not changed shows no normalised difference (the
    // company known only by its domain is stored as the domain, and previewed the same way).
    r.fromStage = QStringLiteral("normalise");
    r.promptVersion = 0;
    auto again = await(m_f->engine->startReplay(kAdmin, r));
    QVERIFY2(again.ok(), qPrintable(again.error().message));
    QCOMPARE(m_f->finished(again->id).status, QStringLiteral("done"));
    auto items = await(m_f->engine->replay(kViewer, again->id, ReplayItemQuery{10, {}, false}));
    for (const ReplayItem &i : items->items) {
        for (const FieldChange &f : i.fields)
            QVERIFY2(!f.field.startsWith(QLatin1String("normalised.")), qPrintable(f.field));
    }
    auto listed = await(m_f->engine->replays(kViewer, 10, QString()));
    QVERIFY(listed.ok());
    QCOMPARE(listed->first().id, again->id); // newest first
    QCOMPARE(listed->at(1).id, started->id);
}

void TestContract::realReplaysRequeueAndAreAudited()
{
    const QStringList ids = m_f->inReview(2, "rr-");
    ReplayRequest r;
    r.eventIds = ids;
    r.fromStage = QStringLiteral("enrich");
    auto started = await(m_f->engine->startReplay(kAdmin, r));
    QVERIFY2(started.ok(), qPrintable(started.error().message));
    const ReplayInfo done = m_f->finished(started->id);
    QCOMPARE(done.status, QStringLiteral("done"));
    QCOMPARE(done.done, 2);
    QElapsedTimer t;
    t.start();
    for (const QString &id : ids) {
        for (;;) { // enriched again, and back in review
            auto d = await(m_f->engine->event(kViewer, id));
            if (d->enrichments.size() == 2 && d->summary.status == EventStatus::InReview)
                break;
            QVERIFY2(t.elapsed() < 30000, qPrintable(footprint(m_f->engine, id)));
            QThread::msleep(50);
        }
        AuditQuery q;
        q.eventId = id;
        auto audit = await(m_f->engine->audit(kViewer, q));
        int byThisReplay = 0;
        for (const AuditEntry &a : audit->items) {
            if (a.detail.contains(QStringLiteral("(replay %1)").arg(started->id))) {
                ++byThisReplay;
                QCOMPARE(a.actor, QStringLiteral("token:ada")); // who asked, not the worker
                QCOMPARE(a.after, EventStatus::Normalised);
            }
        }
        QCOMPARE(byThisReplay, 1);
    }
    QVERIFY(hasAudit(m_f->engine, QStringLiteral("replay.start"), QStringLiteral("token:ada")));
    QVERIFY(hasAudit(m_f->engine, QStringLiteral("replay.finish"), QString()));
}

void TestContract::replayRequestsAreChecked()
{
    ReplayRequest r;
    r.fromStage = QStringLiteral("enrich");
    QCOMPARE(await(m_f->engine->startReplay(kAdmin, r)).error().code, QStringLiteral("replay.selection"));
    r.status = QStringLiteral("failed");
    QCOMPARE(await(m_f->engine->startReplay(kReviewer, r)).error().httpStatus, 403);
    r.fromStage = QStringLiteral("sideways");
    auto stage = await(m_f->engine->startReplay(kAdmin, r));
    QCOMPARE(stage.error().code, QStringLiteral("replay.stage"));
    QVERIFY(stage.error().message.contains(QStringLiteral("normalise, enrich, plan, write")));
    r.fromStage = QStringLiteral("plan");
    r.promptVersion = 2;
    QCOMPARE(await(m_f->engine->startReplay(kAdmin, r)).error().code, QStringLiteral("replay.prompt"));
    r.promptVersion = 0;
    r.status = QStringLiteral("lost");
    QCOMPARE(await(m_f->engine->startReplay(kAdmin, r)).error().code, QStringLiteral("replay.status"));
    QCOMPARE(await(m_f->engine->replay(kViewer, QStringLiteral("999999"), {})).error().httpStatus, 404);
    QCOMPARE(await(m_f->engine->replay(kViewer, QStringLiteral("x'; drop"), {})).error().httpStatus, 404);
    // A filter that matches nothing is a finished replay of nothing, not an error.
    r.status = QStringLiteral("failed");
    auto empty = await(m_f->engine->startReplay(kAdmin, r));
    QVERIFY2(empty.ok(), qPrintable(empty.error().message));
    QCOMPARE(empty->total, 0);
    QCOMPARE(m_f->finished(empty->id).status, QStringLiteral("done"));
}
