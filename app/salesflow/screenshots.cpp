#include "screenshots.h"

#include "seeder.h"

#include "ui/models/auditlogmodel.h"
#include "ui/models/eventlistmodel.h"
#include "ui/models/reviewqueuemodel.h"
#include "ui/views/auditview.h"
#include "ui/views/dashboardview.h"
#include "ui/views/eventdetailview.h"
#include "ui/views/mainwindow.h"
#include "ui/views/promptview.h"
#include "ui/views/replayview.h"
#include "ui/views/reviewview.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTableView>
#include <QThread>
#include <QTreeWidget>

#include <cstdio>

namespace salesflow::app {

namespace {

Q_LOGGING_CATEGORY(lcShots, "salesflow.screenshots")

/// Serves the event loop until `done` (fatal after a minute: a tour that hangs says where).
void waitFor(const char *what, const std::function<bool()> &done)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > 60000)
            qFatal("screenshots: gave up waiting for %s", what);
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    QCoreApplication::processEvents(); // let the last answer paint
}

template<typename T>
T wait(const char *what, QFuture<T> f)
{
    waitFor(what, [&f] { return f.isFinished(); });
    return f.result();
}

/// The pipeline has worked every sample (nothing left in the early statuses).
bool settled(IEngine *engine, const Caller &caller)
{
    const auto stats = wait("the stats", engine->stats(caller));
    if (!stats)
        return false;
    for (const QString &s : {EventStatus::Received, EventStatus::Normalised, EventStatus::Enriched,
                             EventStatus::Approved, EventStatus::Planned}) {
        if (stats->byStatus.value(s) > 0)
            return false;
    }
    return true;
}

bool save(QWidget *w, const QDir &dir, const QString &name)
{
    const QString path = dir.filePath(name + QStringLiteral(".png"));
    const bool ok = w->grab().save(path);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(path));
    return ok;
}

void decideOne(IEngine *engine, const Caller &caller)
{
    auto queue = wait("the review queue", engine->reviewQueue(caller, 10, QString()));
    if (!queue || queue->items.size() < 2)
        return;
    const QString id = queue->items.last().eventId;
    wait("a claim", engine->claimReview(caller, id));
    wait("a decision",
         engine->decideReview(
             caller, id,
             ReviewDecision{true, QJsonObject{{QStringLiteral("next_action"), QStringLiteral("Book a call this week")}},
                            QStringLiteral("sharper next step")}));
}

NewPromptVersion shorter(const PromptVersionInfo &active)
{
    QString text = active.templateText;
    text.replace(QStringLiteral("### user\n"),
                 QStringLiteral("Keep the summary to two sentences.\n### user\n")); // a visible change
    return NewPromptVersion{text, active.settings, QStringLiteral("shorter summaries")};
}

} // namespace

int takeScreenshots(const Connection &connection, const QString &directory)
{
    IEngine *engine = connection.engine.get();
    const Caller &caller = connection.caller;
    QDir dir(directory);
    dir.mkpath(QStringLiteral("."));
    wait("the samples", seedIfEmpty(engine, caller));
    waitFor("the pipeline", [&] { return settled(engine, caller); });
    decideOne(engine, caller);
    auto prompt = wait("the prompt", engine->prompt(caller, QStringLiteral("enrich")));
    if (prompt && prompt->versions.size() == 1)
        wait("a prompt version",
             engine->createPromptVersion(caller, QStringLiteral("enrich"), shorter(prompt->versions.first())));

    ui::MainWindow w(engine, caller);
    w.setWhere(connection.where);
    w.resize(1440, 900);
    w.show();
    bool ok = true;
    waitFor("the events", [&] { return w.eventModel()->rowCount() > 0 && !w.eventModel()->isLoading(); });
    w.eventTable()->selectRow(2);
    const QString shown = w.eventModel()->eventId(2);
    waitFor("the story",
            [&] { return w.detailView()->currentId() == shown && !w.detailView()->storyText().isEmpty(); });
    ok &= save(&w, dir, QStringLiteral("events"));

    w.showPage(ui::MainWindow::Page::Review);
    waitFor("the review item", [&] { return w.reviewView()->canDecide() && !w.reviewView()->previewText().isEmpty(); });
    ok &= save(&w, dir, QStringLiteral("review"));

    w.showPage(ui::MainWindow::Page::Prompts);
    ui::PromptView *prompts = w.promptView();
    waitFor("the prompt versions", [&] { return prompts->versionList()->topLevelItemCount() >= 2; });
    prompts->compare(1, 2);
    ok &= save(&w, dir, QStringLiteral("prompt-diff"));
    prompts->testOnLatest(3, QStringLiteral("email"));
    waitFor("the prompt test", [&] { return prompts->testText().contains(QStringLiteral("v2")); });
    ok &= save(&w, dir, QStringLiteral("prompt-test"));

    w.showPage(ui::MainWindow::Page::Replays);
    w.replayView()->setStatusFilter(EventStatus::Done);
    w.replayView()->start(true);
    waitFor("the dry run", [&] { return w.replayView()->shownReplayStatus() == QLatin1String("done"); });
    ok &= save(&w, dir, QStringLiteral("replay"));

    w.showPage(ui::MainWindow::Page::Audit);
    waitFor("the audit", [&] { return w.auditView()->model()->rowCount() > 0; });
    ok &= save(&w, dir, QStringLiteral("audit"));

    w.showPage(ui::MainWindow::Page::Dashboard);
    bool drawn = false;
    QObject::connect(w.dashboardView(), &ui::DashboardView::refreshed, &w, [&drawn] { drawn = true; });
    waitFor("the dashboard", [&] { return drawn; });
    ok &= save(&w, dir, QStringLiteral("dashboard"));
    qCInfo(lcShots) << "screenshots done";
    return ok ? 0 : 1;
}

} // namespace salesflow::app
