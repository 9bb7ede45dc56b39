// One HubSpot webhook subscription event (a delivery is split per element at the door):
// eventId, subscriptionId, portalId, occurredAt, subscriptionType, objectId, propertyName,
// propertyValue, changeSource ... (reference/hubspot/NOTES.md §10).
#include "jsonutil.h"

#include <cmath>

namespace salesflow::sources {

namespace {

/// The subject, text and property change of one event (a propertyChange names its property).
Status describe(const QJsonObject &o, const QString &object, const QString &objectId, const QString &change,
                Normalised &n)
{
    const QString source = firstText(o, {"changeSource"});
    if (change != QLatin1String("propertyChange")) {
        n.subject = QStringLiteral("%1 %2: %3").arg(object, objectId, change);
        n.text = QStringLiteral("HubSpot %1 %2: %3 (source: %4)").arg(object, objectId, change, source);
        return Done{};
    }
    const QString prop = firstText(o, {"propertyName"});
    if (prop.isEmpty())
        return parseError(QStringLiteral("hubspot: a propertyChange event needs \"propertyName\""));
    const QString value = text(o.value(QLatin1String("propertyValue")));
    // HubSpot masks sensitive properties' values in webhooks as "REDACTED".
    const bool redacted = value == QLatin1String("REDACTED");
    n.propertyChanges.append(PropertyChange{prop, redacted ? QString() : value, n.occurredAtMs, redacted});
    n.subject = QStringLiteral("%1 %2: %3 changed").arg(object, objectId, prop);
    n.text = redacted
        ? QStringLiteral("HubSpot %1 %2: %3 changed; HubSpot withheld the value (a sensitive property) "
                         "(source: %4)")
              .arg(object, objectId, prop, source)
        : QStringLiteral("HubSpot %1 %2: %3 set to \"%4\" (source: %5)").arg(object, objectId, prop, value, source);
    return Done{};
}

} // namespace

Result<Normalised> parseHubspotEvent(const QByteArray &payload)
{
    auto o = jsonObject(payload, "hubspot webhook event");
    if (!o)
        return o.error();
    const QString type = firstText(o.value(), {"subscriptionType"});
    const QString objectId = firstText(o.value(), {"objectId"});
    if (type.isEmpty() || !type.contains(QLatin1Char('.')))
        return parseError(
            QStringLiteral("hubspot: \"subscriptionType\" must look like \"contact.propertyChange\" (got \"%1\")")
                .arg(type));
    if (objectId.isEmpty())
        return parseError(QStringLiteral("hubspot: \"objectId\" is missing"));
    const double when = o->value(QLatin1String("occurredAt")).toDouble(-1);
    const qint64 at = std::isfinite(when) && when > 0 && when < 1.0e15 ? qint64(when) : -1;
    if (at <= 0)
        return parseError(QStringLiteral("hubspot: \"occurredAt\" must be epoch milliseconds"));
    const QString object = type.section(QLatin1Char('.'), 0, 0).toLower();
    const QString change = type.section(QLatin1Char('.'), 1);
    Normalised n;
    n.kind = QStringLiteral("crm_change");
    n.occurredAtMs = at;
    n.actor = firstText(o.value(), {"sourceId", "changeSource"});
    if (object == QLatin1String("contact") || object == QLatin1String("company") || object == QLatin1String("deal")) {
        n.hubspotObjectType = object;
        n.hubspotObjectId = objectId;
    }
    if (object == QLatin1String("deal"))
        n.dealRef = objectId;
    if (Status described = describe(o.value(), object, objectId, change, n); !described)
        return described.error();
    for (auto it = o->begin(); it != o->end(); ++it)
        n.attributes.insert(it.key(), it.value());
    if (!n.propertyChanges.isEmpty() && n.propertyChanges.first().redacted) {
        n.attributes.remove(QStringLiteral("propertyValue"));
        n.attributes.insert(QStringLiteral("value_redacted"), true);
    }
    return n;
}

} // namespace salesflow::sources
