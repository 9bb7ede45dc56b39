#include "setup.h"

#include <QJsonObject>

namespace salesflow::hubspot {

namespace {
struct Wanted
{
    const char *type;
    const char *name;
    const char *label;
    const char *propertyType;
    const char *fieldType;
    bool unique;
};

const Wanted kWanted[] = {
    {"contacts", "salesflow_intent", "SalesFlow buyer intent", "string", "text", false},
    {"contacts", "salesflow_lead_quality", "SalesFlow lead quality", "number", "number", false},
    {"contacts", "salesflow_lead_score", "SalesFlow lead score", "number", "number", false},
    {"contacts", "salesflow_last_ai_summary_date", "SalesFlow last AI summary", "datetime", "date", false},
    {"companies", "salesflow_company_key", "SalesFlow company key", "string", "text", true},
    {"notes", "salesflow_action_key", "SalesFlow action key", "string", "text", true},
    {"tasks", "salesflow_action_key", "SalesFlow action key", "string", "text", true},
};
} // namespace

Result<QStringList> setup(Client &client, IRateBudget &budget)
{
    if (client.dryRun())
        return makeError("hubspot.setup",
                         QStringLiteral("HUBSPOT_ACCESS_TOKEN is not set: nothing to set up (the writer runs dry)"),
                         400);
    QStringList lines;
    QStringList groupsDone;
    for (const Wanted &w : kWanted) {
        const QString type = QString::fromLatin1(w.type);
        if (!groupsDone.contains(type)) {
            auto g = client.call(budget, "POST", QStringLiteral("/crm/v3/properties/%1/groups").arg(type),
                                 QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("salesflow")},
                                                           {QStringLiteral("label"), QStringLiteral("SalesFlow")}}));
            if (!g)
                return g.error();
            if (g->status != 201 && g->status != 409)
                return makeError(
                    "hubspot.setup",
                    QStringLiteral("creating the %1 property group: %2").arg(type, Client::describe(g.value())));
            lines << QStringLiteral("%1: property group salesflow %2")
                         .arg(type, g->status == 201 ? QStringLiteral("created") : QStringLiteral("exists"));
            groupsDone << type;
        }
        auto have
            = client.call(budget, "GET", QStringLiteral("/crm/v3/properties/%1/%2").arg(type, QLatin1String(w.name)));
        if (!have)
            return have.error();
        if (have->status == 200) {
            const bool unique = have->json.object().value(QLatin1String("hasUniqueValue")).toBool();
            if (unique != w.unique)
                return makeError(
                    "hubspot.setup",
                    QStringLiteral(
                        "%1.%2 exists but hasUniqueValue is %3; SalesFlow needs %4 (HubSpot cannot change it: "
                        "delete the property or rename ours)")
                        .arg(type, QLatin1String(w.name), unique ? QStringLiteral("true") : QStringLiteral("false"),
                             w.unique ? QStringLiteral("true") : QStringLiteral("false")));
            lines << QStringLiteral("%1.%2: exists").arg(type, QLatin1String(w.name));
            continue;
        }
        if (have->status != 404)
            return makeError(
                "hubspot.setup",
                QStringLiteral("reading %1.%2: %3").arg(type, QLatin1String(w.name), Client::describe(have.value())));
        QJsonObject def{{QStringLiteral("name"), QLatin1String(w.name)},
                        {QStringLiteral("label"), QLatin1String(w.label)},
                        {QStringLiteral("type"), QLatin1String(w.propertyType)},
                        {QStringLiteral("fieldType"), QLatin1String(w.fieldType)},
                        {QStringLiteral("groupName"), QStringLiteral("salesflow")}};
        if (w.unique)
            def.insert(QStringLiteral("hasUniqueValue"), true);
        auto made = client.call(budget, "POST", QStringLiteral("/crm/v3/properties/%1").arg(type), QJsonDocument(def));
        if (!made)
            return made.error();
        if (made->status != 201)
            return makeError(
                "hubspot.setup",
                QStringLiteral("creating %1.%2: %3").arg(type, QLatin1String(w.name), Client::describe(made.value())));
        lines << QStringLiteral("%1.%2: created%3")
                     .arg(type, QLatin1String(w.name), w.unique ? QStringLiteral(" (unique)") : QString());
    }
    return lines;
}

} // namespace salesflow::hubspot
