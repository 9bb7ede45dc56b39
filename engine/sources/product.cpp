// Product events in the Segment spec: track, identify, group, page, screen, alias (single messages; a
// Segment batch is split into its messages at the door, see intake.cpp).
#include "identity.h"
#include "jsonutil.h"

namespace salesflow::sources {

namespace {
QString summarise(const QJsonObject &props)
{
    QStringList parts;
    for (auto it = props.begin(); it != props.end(); ++it) {
        const QString v = it.value().isObject() || it.value().isArray()
            ? QString::fromUtf8(QJsonDocument(it.value().isObject() ? QJsonDocument(it.value().toObject())
                                                                    : QJsonDocument(it.value().toArray()))
                                    .toJson(QJsonDocument::Compact))
            : text(it.value());
        parts << QStringLiteral("%1=%2").arg(it.key(), v);
    }
    return parts.join(QStringLiteral(", "));
}
/// The subject and text of a message of `type` (its identity fields are already in `n`).
Status describe(const QString &type, const QJsonObject &o, Normalised &n)
{
    const QString userId = firstText(o, {"userId"}), anonymousId = firstText(o, {"anonymousId"});
    const QString who = userId.isEmpty() ? anonymousId : userId;
    const QJsonObject props = o.value(QLatin1String("properties")).toObject();
    const QJsonObject traits = o.value(QLatin1String("traits")).toObject();
    if (type == QLatin1String("track")) {
        const QString event = firstText(o, {"event"});
        if (event.isEmpty())
            return parseError(QStringLiteral("product: a track message needs an \"event\" name"));
        n.subject = event;
        n.text = props.isEmpty() ? QStringLiteral("Product event: %1").arg(event)
                                 : QStringLiteral("Product event: %1 (%2)").arg(event, summarise(props));
    } else if (type == QLatin1String("identify")) {
        n.subject = QStringLiteral("Identified user");
        n.text = QStringLiteral("User identified with traits: %1").arg(summarise(traits));
    } else if (type == QLatin1String("group")) {
        n.subject = QStringLiteral("Joined account %1").arg(firstText(o, {"groupId"}));
        n.text = QStringLiteral("User %1 belongs to account %2 (%3)")
                     .arg(who, firstText(o, {"groupId"}), summarise(traits));
    } else if (type == QLatin1String("alias")) {
        // alias ties an earlier identity (an anonymous visitor, an old user id) to userId.
        const QString previous = firstText(o, {"previousId"});
        if (previous.isEmpty())
            return parseError(QStringLiteral("product: an alias message needs \"previousId\""));
        n.subject = QStringLiteral("Alias: %1 is %2").arg(previous, who);
        n.text = QStringLiteral("User %1 was earlier known as %2").arg(who, previous);
    } else {
        const QString page = firstText(o, {"name"});
        const QString url = firstText(props, {"url", "path"});
        n.subject = QStringLiteral("Viewed %1").arg(page.isEmpty() ? url : page);
        n.text = QStringLiteral("Viewed %1 %2").arg(type, QStringList{page, url}.join(QLatin1Char(' ')).trimmed());
    }
    return Done{};
}
} // namespace

Result<Normalised> parseProduct(const QByteArray &payload)
{
    auto o = jsonObject(payload, "product (Segment)");
    if (!o)
        return o.error();
    const QString type = firstText(o.value(), {"type"}).toLower();
    static const QStringList known{QStringLiteral("track"), QStringLiteral("identify"), QStringLiteral("group"),
                                   QStringLiteral("page"),  QStringLiteral("screen"),   QStringLiteral("alias")};
    if (!known.contains(type))
        return parseError(QStringLiteral("product: \"type\" must be one of %1 (got \"%2\")")
                              .arg(known.join(QStringLiteral(", ")), type));
    const QString userId = firstText(o.value(), {"userId"});
    const QString anonymousId = firstText(o.value(), {"anonymousId"});
    if (userId.isEmpty() && anonymousId.isEmpty())
        return parseError(QStringLiteral("product: a Segment %1 message needs a userId or an anonymousId").arg(type));
    const QJsonObject context = o->value(QLatin1String("context")).toObject();
    const QJsonObject traits = o->value(QLatin1String("traits")).toObject();
    const QJsonObject ctxTraits = context.value(QLatin1String("traits")).toObject();
    const QJsonObject props = o->value(QLatin1String("properties")).toObject();

    Normalised n;
    n.kind = QStringLiteral("product_") + type;
    n.contactEmail = normaliseEmail(firstText(type == QLatin1String("group") ? QJsonObject() : traits, {"email"}));
    if (n.contactEmail.isEmpty())
        n.contactEmail = normaliseEmail(firstText(ctxTraits, {"email"}));
    if (n.contactEmail.isEmpty())
        n.contactEmail = normaliseEmail(firstText(props, {"email"}));
    if (n.contactEmail.isEmpty())
        n.contactEmail = normaliseEmail(userId); // some apps use the email as userId
    const QString name = firstText(type == QLatin1String("identify") ? traits : ctxTraits, {"name"});
    n.actor = n.contactEmail.isEmpty()
        ? (name.isEmpty() ? userId : name)
        : (name.isEmpty() ? n.contactEmail : QStringLiteral("%1 <%2>").arg(name, n.contactEmail));
    const QJsonObject company
        = type == QLatin1String("group") ? traits : ctxTraits.value(QLatin1String("company")).toObject();
    n.companyName = firstText(company, {"name"});
    n.companyDomain = companyDomainOf(firstText(company, {"domain", "website"}));
    if (n.companyDomain.isEmpty())
        n.companyDomain = companyDomainOf(n.contactEmail);
    n.occurredAtMs = parseTimestamp(firstText(o.value(), {"timestamp", "originalTimestamp", "sentAt", "receivedAt"}));
    if (Status described = describe(type, o.value(), n); !described)
        return described.error();
    for (const char *k : {"messageId", "userId", "anonymousId", "previousId", "groupId", "event", "type"}) {
        if (o->contains(QLatin1String(k)))
            n.attributes.insert(QLatin1String(k), o->value(QLatin1String(k)));
    }
    if (!props.isEmpty())
        n.attributes.insert(QStringLiteral("properties"), props);
    if (!traits.isEmpty())
        n.attributes.insert(QStringLiteral("traits"), traits);
    if (!context.isEmpty())
        n.attributes.insert(QStringLiteral("context"), context);
    return n;
}

} // namespace salesflow::sources
