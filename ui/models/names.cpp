#include "names.h"

#include "engine/api/types.h"

namespace salesflow::ui {

QString Names::status(const QString &status)
{
    if (status == EventStatus::Received)
        return tr("Received");
    if (status == EventStatus::Normalised)
        return tr("Normalised");
    if (status == EventStatus::Enriched)
        return tr("Enriched");
    if (status == EventStatus::InReview)
        return tr("In review");
    if (status == EventStatus::Approved)
        return tr("Approved");
    if (status == EventStatus::Rejected)
        return tr("Rejected");
    if (status == EventStatus::Planned)
        return tr("Planned");
    if (status == EventStatus::Done)
        return tr("Done");
    if (status == EventStatus::Failed)
        return tr("Failed");
    return status;
}

QString Names::source(const QString &source)
{
    if (source == QLatin1String("form"))
        return tr("Web form");
    if (source == QLatin1String("email"))
        return tr("Email");
    if (source == QLatin1String("transcript"))
        return tr("Call transcript");
    if (source == QLatin1String("chat"))
        return tr("Chat");
    if (source == QLatin1String("product"))
        return tr("Product event");
    if (source == QLatin1String("hubspot"))
        return tr("HubSpot");
    return source;
}

QString Names::intent(const QString &intent)
{
    if (intent == QLatin1String("high"))
        return tr("High");
    if (intent == QLatin1String("medium"))
        return tr("Medium");
    if (intent == QLatin1String("low"))
        return tr("Low");
    if (intent == QLatin1String("none"))
        return tr("None");
    return intent;
}

QColor Names::statusColor(const QString &status)
{
    if (status == EventStatus::Failed)
        return QColor(0xc6, 0x28, 0x28);
    if (status == EventStatus::InReview)
        return QColor(0xb2, 0x6a, 0x00);
    if (status == EventStatus::Done)
        return QColor(0x2e, 0x7d, 0x32);
    if (status == EventStatus::Rejected)
        return QColor(0x75, 0x75, 0x75);
    return {};
}

QStringList Names::statuses()
{
    return EventStatus::all();
}

QStringList Names::sources()
{
    return {QStringLiteral("form"), QStringLiteral("email"),   QStringLiteral("transcript"),
            QStringLiteral("chat"), QStringLiteral("product"), QStringLiteral("hubspot")};
}

} // namespace salesflow::ui
