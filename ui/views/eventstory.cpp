#include "eventstory.h"

#include "ui/models/names.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

namespace salesflow::ui {

namespace {

struct Step
{
    qint64 atMs = 0;
    QString actor;
    QString title;
    QString body; ///< HTML
};

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

/// The text as a message, or as speaker turns when its lines read "Name: words".
QString readable(const NormalisedInfo &n)
{
    static const QRegularExpression turn(QStringLiteral("^([^:\\n]{1,40}):\\s(.*)$"));
    const QStringList lines = n.text.split(QLatin1Char('\n'));
    const bool turns = n.kind.contains(QLatin1String("transcript")) || n.kind.contains(QLatin1String("chat"));
    QString out;
    if (!n.subject.isEmpty())
        out += QStringLiteral("<p><b>%1</b></p>").arg(esc(n.subject));
    for (const QString &line : lines) {
        const auto m = turns ? turn.match(line) : QRegularExpressionMatch();
        out += m.hasMatch() ? QStringLiteral("<p><b>%1:</b> %2</p>").arg(esc(m.captured(1)), esc(m.captured(2)))
                            : QStringLiteral("%1<br>").arg(esc(line));
    }
    return out;
}

Step normalisedStep(const NormalisedInfo &n, const Step &transition)
{
    Step s = transition;
    s.title = EventStory::tr("Normalised as %1").arg(n.kind);
    QString linked;
    for (const auto &[label, key] :
         {std::pair{EventStory::tr("contact"), n.contactKey}, std::pair{EventStory::tr("company"), n.companyKey},
          std::pair{EventStory::tr("deal"), n.dealKey}}) {
        if (!key.isEmpty())
            linked += QStringLiteral(" · %1 <b>%2</b>").arg(label, esc(key));
    }
    s.body = QStringLiteral("<p>%1 %2%3</p>")
                 .arg(esc(EventStory::tr("From %1").arg(n.actor)),
                      n.company.isEmpty() ? QString() : esc(EventStory::tr("(%1)").arg(n.company)),
                      linked.isEmpty() ? esc(EventStory::tr(" · not linked to the CRM")) : linked)
        + QStringLiteral("<blockquote>%1</blockquote>").arg(readable(n));
    return s;
}

Step enrichmentStep(const EnrichmentInfo &e)
{
    Step s;
    s.atMs = e.createdAtMs;
    if (!e.reviewedBy.isEmpty()) {
        s.actor = e.reviewedBy;
        s.title = EventStory::tr("Reviewer's version of the analysis");
    } else {
        s.actor = e.provider + QLatin1Char('/') + e.model;
        s.title = EventStory::tr("Analysed with prompt %1 v%2").arg(e.promptName).arg(e.promptVersion);
    }
    const QString cost
        = e.costUsd ? QLocale().toString(*e.costUsd, 'f', 5) + QStringLiteral(" USD") : EventStory::tr("cost unknown");
    s.body = QStringLiteral("<p>%1</p><p><small>%2</small></p>")
                 .arg(esc(e.summary),
                      esc(EventStory::tr("intent %1 · confidence %2 · %3 ms · tokens in %4, out %5 · %6 · %7")
                              .arg(Names::intent(e.intent), QLocale().toString(e.confidence, 'f', 2))
                              .arg(e.latencyMs)
                              .arg(e.inputTokens)
                              .arg(e.outputTokens)
                              .arg(cost, e.outcome)));
    if (!e.reviewReasons.isEmpty())
        s.body
            += QStringLiteral("<p>%1</p>").arg(esc(EventStory::tr("To review: %1").arg(e.reviewReasons.join(u"; "))));
    return s;
}

QString actionsHtml(const QList<ActionInfo> &actions)
{
    QString rows;
    for (const ActionInfo &a : actions) {
        QString line = QStringLiteral("<b>%1</b> %2 — %3").arg(esc(a.kind), esc(a.target), esc(a.status));
        if (!a.hubspotId.isEmpty())
            line += esc(EventStory::tr(" · HubSpot id %1").arg(a.hubspotId));
        if (!a.lastError.isEmpty())
            line += QStringLiteral(" · <span style='color:#c62828'>%1</span>").arg(esc(a.lastError));
        rows += QStringLiteral("<li>%1</li>").arg(line);
    }
    return QStringLiteral("<ul>%1</ul>").arg(rows);
}

/// One audit entry as a step; the transitions that have a richer story get it attached.
Step auditStep(const AuditEntry &a, const EventDetail &d)
{
    Step s{a.atMs, a.actor, {}, {}};
    if (a.action == QLatin1String("received")) {
        s.title = EventStory::tr("Received");
        s.body
            = QStringLiteral("<p>%1 · <a href='#raw'>%2</a> · <a href='#json'>%3</a></p>")
                  .arg(esc(a.detail), esc(EventStory::tr("raw payload")), esc(EventStory::tr("whole lineage as JSON")));
    } else if (a.action == QLatin1String("transition")) {
        if (a.after == EventStatus::Normalised && d.normalised)
            return normalisedStep(*d.normalised, s);
        s.title = EventStory::tr("%1 → %2").arg(Names::status(a.before), Names::status(a.after));
        if (a.after == EventStatus::Planned || a.after == EventStatus::Done)
            s.body = d.actions.isEmpty() ? QString() : actionsHtml(d.actions);
        if (!a.detail.isEmpty())
            s.body += QStringLiteral("<p>%1</p>").arg(esc(a.detail));
    } else if (a.action.startsWith(QLatin1String("review."))) {
        s.title = a.action == QLatin1String("review.approve") ? EventStory::tr("Approved by the reviewer")
                                                              : EventStory::tr("Rejected by the reviewer");
        if (!a.detail.isEmpty())
            s.body = QStringLiteral("<p>“%1”</p>").arg(esc(a.detail));
    } else {
        s.title = a.action;
        s.body = a.detail.isEmpty() ? QString() : QStringLiteral("<p>%1</p>").arg(esc(a.detail));
    }
    return s;
}

} // namespace

QString EventStory::html(const EventDetail &d)
{
    QList<Step> steps;
    for (const AuditEntry &a : d.audit)
        steps << auditStep(a, d);
    for (const EnrichmentInfo &e : d.enrichments)
        steps << enrichmentStep(e);
    std::stable_sort(steps.begin(), steps.end(), [](const Step &a, const Step &b) { return a.atMs < b.atMs; });
    QString out;
    for (const Step &s : steps) {
        out += QStringLiteral("<p><small>%1 · %2</small><br><b>%3</b></p>%4<hr>")
                   .arg(esc(QLocale().toString(QDateTime::fromMSecsSinceEpoch(s.atMs), QLocale::ShortFormat)),
                        esc(s.actor), esc(s.title), s.body);
    }
    if (!d.summary.lastError.isEmpty()) {
        out += QStringLiteral("<p style='color:#c62828'><b>%1</b></p>")
                   .arg(esc(tr("Stopped in %1: %2").arg(d.summary.failedStage, d.summary.lastError)));
    }
    return out;
}

} // namespace salesflow::ui
