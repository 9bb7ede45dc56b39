#include "conversationreader.h"

#include "../../hubspot/client.h"
#include "../../sources/normalised.h"
#include "../../store/sharedratebudget.h"

#include <QJsonArray>
#include <QJsonObject>

namespace salesflow::pipeline {

namespace {

/// HubSpot's actor ids say who: V- a visitor, A- an agent (user), S- system, I- integration,
/// E- an email address, B- a bot.
QString roleOf(const QString &actorId, const QString &direction)
{
    if (actorId.startsWith(QLatin1String("V-")) || actorId.startsWith(QLatin1String("E-")))
        return QStringLiteral("customer");
    if (actorId.startsWith(QLatin1String("A-")) || actorId.startsWith(QLatin1String("B-")))
        return QStringLiteral("agent");
    return direction == QLatin1String("INCOMING") ? QStringLiteral("customer") : QStringLiteral("agent");
}

Result<QJsonObject> fetch(hubspot::Client &client, store::Connection &conn, const QString &path)
{
    store::SharedRateBudget budget(conn);
    auto r = client.call(budget, "GET", path);
    if (!r)
        return r.error();
    if (r->status == 404)
        return permanentError(
            "permanent.hubspot_gone",
            QStringLiteral("HubSpot no longer has %1: %2").arg(path, hubspot::Client::describe(r.value())), 404);
    if (r->status != 200)
        return permanentError("permanent.hubspot",
                              QStringLiteral("reading %1: %2").arg(path, hubspot::Client::describe(r.value())),
                              r->status);
    return r->json.object();
}

/// The sender as a chat participant: the address HubSpot delivered from, else the actor's own
/// (a chat visitor), else the actor id alone.
QJsonObject participant(hubspot::Client &client, store::Connection &conn, const QJsonObject &sender,
                        const QString &direction)
{
    const QString actor = sender.value(QLatin1String("actorId")).toString();
    QString name = sender.value(QLatin1String("name")).toString();
    const QJsonObject via = sender.value(QLatin1String("deliveryIdentifier")).toObject();
    QString email = via.value(QLatin1String("type")).toString() == QLatin1String("HS_EMAIL_ADDRESS")
        ? via.value(QLatin1String("value")).toString()
        : QString();
    if (email.isEmpty() && actor.startsWith(QLatin1String("V-"))) {
        if (auto who = fetch(client, conn, QStringLiteral("/conversations/v3/conversations/actors/") + actor)) {
            email = who->value(QLatin1String("email")).toString();
            if (name.isEmpty())
                name = who->value(QLatin1String("name")).toString();
        }
    }
    return {{QStringLiteral("id"), actor},
            {QStringLiteral("name"), name},
            {QStringLiteral("email"), email},
            {QStringLiteral("role"), roleOf(actor, direction)}};
}

/// The message as the chat form: one turn, by its sender, plain text (else the rich text read).
QJsonObject chatForm(const QString &thread, const QJsonObject &m, const QJsonObject &sender)
{
    QString text = m.value(QLatin1String("text")).toString();
    if (text.trimmed().isEmpty())
        text = sources::htmlToText(m.value(QLatin1String("richText")).toString());
    const QJsonObject turn{{QStringLiteral("author"), sender.value(QLatin1String("id"))},
                           {QStringLiteral("role"), sender.value(QLatin1String("role"))},
                           {QStringLiteral("text"), text},
                           {QStringLiteral("sent_at"), m.value(QLatin1String("createdAt"))}};
    return {{QStringLiteral("id"), thread},
            {QStringLiteral("channel"),
             QString(QStringLiteral("hubspot-") + m.value(QLatin1String("channelId")).toVariant().toString())},
            {QStringLiteral("subject"), m.value(QLatin1String("subject")).toString()},
            {QStringLiteral("participants"), QJsonArray{sender}},
            {QStringLiteral("messages"), QJsonArray{turn}}};
}

} // namespace

std::optional<Result<QByteArray>> ConversationReader::chatFormFor(const QByteArray &hubspotEvent,
                                                                  store::Connection &conn) const
{
    if (!hubspotEvent.contains("conversation.newMessage"))
        return std::nullopt;
    const QJsonObject e = QJsonDocument::fromJson(hubspotEvent).object();
    if (e.value(QLatin1String("subscriptionType")).toString() != QLatin1String("conversation.newMessage"))
        return std::nullopt;
    if (!m_client || m_client->dryRun())
        return Result<QByteArray>(permanentError(
            "permanent.needs_hubspot",
            QStringLiteral("a HubSpot Conversations message is read from HubSpot, and HUBSPOT_ACCESS_TOKEN is not "
                           "set (it needs the conversations.read scope); the event is kept: replay it once the "
                           "token is set"),
            424));
    const QString thread = QString::number(e.value(QLatin1String("objectId")).toInteger());
    const QString message = e.value(QLatin1String("messageId")).toString();
    auto m = fetch(*m_client, conn,
                   QStringLiteral("/conversations/v3/conversations/threads/%1/messages/%2").arg(thread, message));
    if (!m)
        return Result<QByteArray>(m.error());
    const QJsonObject sender
        = participant(*m_client, conn, m->value(QLatin1String("senders")).toArray().first().toObject(),
                      m->value(QLatin1String("direction")).toString());
    return QJsonDocument(chatForm(thread, m.value(), sender)).toJson(QJsonDocument::Compact);
}

} // namespace salesflow::pipeline
