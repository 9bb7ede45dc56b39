// Chat platforms' webhooks (chatwebhooks.h). Field names as the platforms document them:
// Intercom: {type: "notification_event", id: "notif_…", topic, data.item: conversation with
//   source {body, author {type, name, email}} and conversation_parts.conversation_parts [{part_type,
//   body, author, created_at}]}; Front: an event {id: "evt_…", type, conversation {id, subject},
//   target {_meta.type: "message", data: {body, text, blurb, is_inbound, created_at, author,
//   recipients [{handle, role, name}]}}}, or wrapped as {type, payload: event}; Zendesk: {type:
//   "zen:event-type:ticket.…", id, detail: ticket, event.comment {body, author {name, is_staff}}}.
#include "chatwebhooks.h"

#include "jsonutil.h"
#include "normalised.h"

#include <QJsonArray>

namespace salesflow::sources {

namespace {

QJsonObject person(const QString &id, const QString &name, const QString &email, const QString &role)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("email"), email},
            {QStringLiteral("role"), role}};
}

QJsonObject turn(const QString &author, const QString &role, const QString &text, const QJsonValue &sentAt)
{
    return {{QStringLiteral("author"), author},
            {QStringLiteral("role"), role},
            {QStringLiteral("text"), text},
            {QStringLiteral("sent_at"), sentAt}};
}

QJsonObject chatForm(const QString &id, const QString &channel, const QJsonArray &people, const QJsonArray &turns)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("channel"), channel},
            {QStringLiteral("participants"), people},
            {QStringLiteral("messages"), turns}};
}

/// Intercom's author types: user, lead and contact are the visitor; admin, bot and team us.
QString intercomRole(const QString &type)
{
    return type == QLatin1String("admin") || type == QLatin1String("bot") || type == QLatin1String("team")
        ? QStringLiteral("agent")
        : QStringLiteral("customer");
}

/// One Intercom message (the conversation's source or a part) as a turn and its author.
void intercomMessage(const QJsonObject &m, const QJsonValue &at, QJsonArray &people, QJsonArray &turns)
{
    const QString body = htmlToText(m.value(QLatin1String("body")).toString());
    if (body.isEmpty())
        return; // assignment, close, snooze, …: parts without words
    const QJsonObject a = m.value(QLatin1String("author")).toObject();
    const QString id = firstText(a, {"id", "email", "name"});
    const QString role = intercomRole(firstText(a, {"type"}));
    people.append(person(id, firstText(a, {"name"}), firstText(a, {"email"}), role));
    turns.append(turn(id, role, body, at));
}

Result<ChatDelivery> intercom(const QJsonObject &doc)
{
    const QJsonObject item = doc.value(QLatin1String("data")).toObject().value(QLatin1String("item")).toObject();
    if (firstText(item, {"type"}) != QLatin1String("conversation"))
        return parseError(QStringLiteral("chat: the Intercom notification (topic %1) carries no conversation")
                              .arg(firstText(doc, {"topic"})));
    QJsonArray people, turns;
    intercomMessage(item.value(QLatin1String("source")).toObject(), item.value(QLatin1String("created_at")), people,
                    turns);
    const QJsonArray parts = item.value(QLatin1String("conversation_parts"))
                                 .toObject()
                                 .value(QLatin1String("conversation_parts"))
                                 .toArray();
    for (const QJsonValue &p : parts)
        intercomMessage(p.toObject(), p[QLatin1String("created_at")], people, turns);
    ChatDelivery d{QStringLiteral("intercom"),
                   chatForm(firstText(item, {"id"}), QStringLiteral("intercom"), people, turns),
                   firstText(doc, {"id"})};
    return d;
}

/// Front's times are seconds with a fraction (1796130000.123): milliseconds for the chat form.
QJsonValue secondsToMs(const QJsonValue &seconds)
{
    return seconds.isDouble() ? QJsonValue(qint64(seconds.toDouble() * 1000)) : seconds;
}

/// The Front message's sender: the "from" recipient of an inbound message, else its teammate author.
QJsonObject frontSender(const QJsonObject &message)
{
    const bool inbound = message.value(QLatin1String("is_inbound")).toBool(true);
    if (inbound) {
        for (const QJsonValue &r : message.value(QLatin1String("recipients")).toArray()) {
            if (r[QLatin1String("role")].toString() == QLatin1String("from")) {
                const QString handle = r[QLatin1String("handle")].toString();
                return person(handle, r[QLatin1String("name")].toString(), handle, QStringLiteral("customer"));
            }
        }
    }
    const QJsonObject a = message.value(QLatin1String("author")).toObject();
    const QString name
        = QString(firstText(a, {"first_name"}) + QLatin1Char(' ') + firstText(a, {"last_name"})).trimmed();
    return person(firstText(a, {"email", "id", "username"}), name, firstText(a, {"email"}),
                  inbound ? QStringLiteral("customer") : QStringLiteral("agent"));
}

Result<ChatDelivery> front(const QJsonObject &event)
{
    const QJsonObject target = event.value(QLatin1String("target")).toObject();
    const QJsonObject message = target.value(QLatin1String("data")).toObject();
    if (target.value(QLatin1String("_meta")).toObject().value(QLatin1String("type")).toString()
        != QLatin1String("message"))
        return parseError(QStringLiteral("chat: the Front event (%1) is not about a message; send message events "
                                         "(inbound, outbound, …) only")
                              .arg(firstText(event, {"type"})));
    QString text = firstText(message, {"text"});
    if (text.isEmpty())
        text = htmlToText(message.value(QLatin1String("body")).toString());
    const bool preview = text.isEmpty();
    if (preview)
        text = firstText(message, {"blurb"}); // an application webhook's preview: all it sends
    if (text.trimmed().isEmpty())
        return parseError(QStringLiteral("chat: the Front message has no text, body or blurb"));
    const QJsonObject sender = frontSender(message);
    const QJsonObject conversation = event.value(QLatin1String("conversation")).toObject();
    ChatDelivery d{QStringLiteral("front"),
                   chatForm(firstText(conversation, {"id"}), firstText(message, {"type"}), QJsonArray{sender},
                            QJsonArray{turn(sender.value(QLatin1String("id")).toString(),
                                            sender.value(QLatin1String("role")).toString(), text,
                                            secondsToMs(message.value(QLatin1String("created_at"))))}),
                   firstText(event, {"id"})};
    d.conversation.insert(QStringLiteral("subject"), firstText(conversation, {"subject"}));
    if (preview)
        d.conversation.insert(QStringLiteral("preview_only"), true);
    return d;
}

/// A Zendesk event webhook: ticket.created (the description) or ticket.comment_added (the comment).
Result<ChatDelivery> zendeskEvent(const QJsonObject &doc)
{
    const QJsonObject ticket = doc.value(QLatin1String("detail")).toObject();
    const QJsonObject comment = doc.value(QLatin1String("event")).toObject().value(QLatin1String("comment")).toObject();
    const QString type = firstText(doc, {"type"});
    QString text = htmlToText(comment.value(QLatin1String("body")).toString());
    QJsonObject author = comment.value(QLatin1String("author")).toObject();
    if (type.endsWith(QLatin1String("ticket.created"))) {
        text = tidy(ticket.value(QLatin1String("description")).toString());
        author = {{QStringLiteral("id"), firstText(ticket, {"requester_id"})}};
    }
    if (text.isEmpty())
        return parseError(QStringLiteral("chat: the Zendesk event %1 carries no comment text; send "
                                         "ticket.created and ticket.comment_added events")
                              .arg(type));
    const QString id = firstText(author, {"id", "name"});
    const QString role
        = author.value(QLatin1String("is_staff")).toBool() ? QStringLiteral("agent") : QStringLiteral("customer");
    ChatDelivery d{QStringLiteral("zendesk"),
                   chatForm(firstText(ticket, {"id"}), QStringLiteral("zendesk"),
                            QJsonArray{person(id, firstText(author, {"name"}), {}, role)},
                            QJsonArray{turn(id, role, text, firstText(doc, {"time"}))}),
                   firstText(doc, {"id"})};
    d.conversation.insert(QStringLiteral("subject"), firstText(ticket, {"subject"}));
    return d;
}

/// The body of a Zendesk trigger webhook as the README gives it (Zendesk's event webhooks name
/// people by id only): {"zendesk_ticket": {id, subject, requester {name, email}, comment {id,
/// body, author {name, email, role | is_staff}, created_at}}}.
Result<ChatDelivery> zendeskTrigger(const QJsonObject &doc)
{
    const QJsonObject t = doc.value(QLatin1String("zendesk_ticket")).toObject();
    const QJsonObject requester = t.value(QLatin1String("requester")).toObject();
    const QJsonObject c = t.value(QLatin1String("comment")).toObject();
    const QJsonObject author = c.value(QLatin1String("author")).toObject();
    const QString said = htmlToText(c.value(QLatin1String("body")).toString());
    if (said.isEmpty())
        return parseError(QStringLiteral("chat: the Zendesk trigger body has no comment.body"));
    const QString authorRole = firstText(author, {"role"}).toLower(); // "end-user", "agent", "admin"
    const bool staff = text(author.value(QLatin1String("is_staff"))) == QLatin1String("true")
        || author.value(QLatin1String("is_staff")).toBool() || authorRole == QLatin1String("agent")
        || authorRole == QLatin1String("admin");
    const QString role = staff ? QStringLiteral("agent") : QStringLiteral("customer");
    const QString who = firstText(author, {"email", "name"});
    QJsonArray people{person(who, firstText(author, {"name"}), firstText(author, {"email"}), role)};
    if (!firstText(requester, {"email"}).isEmpty())
        people.append(person(firstText(requester, {"email"}), firstText(requester, {"name"}),
                             firstText(requester, {"email"}), QStringLiteral("customer")));
    ChatDelivery d{QStringLiteral("zendesk"),
                   chatForm(firstText(t, {"id"}), QStringLiteral("zendesk"), people,
                            QJsonArray{turn(who, role, said, firstText(c, {"created_at"}))}),
                   firstText(c, {"id"}).isEmpty() ? QString()
                                                  : firstText(t, {"id"}) + QLatin1Char('/') + firstText(c, {"id"})};
    d.conversation.insert(QStringLiteral("subject"), firstText(t, {"subject"}));
    return d;
}

} // namespace

std::optional<Result<ChatDelivery>> readChatWebhook(const QJsonObject &doc)
{
    const QString type = firstText(doc, {"type"});
    if (type == QLatin1String("notification_event"))
        return intercom(doc);
    if (type.startsWith(QLatin1String("zen:event-type:")))
        return zendeskEvent(doc);
    if (doc.value(QLatin1String("zendesk_ticket")).isObject())
        return zendeskTrigger(doc);
    if (doc.value(QLatin1String("target")).isObject() && firstText(doc, {"id"}).startsWith(QLatin1String("evt_")))
        return front(doc);
    const QJsonObject wrapped = doc.value(QLatin1String("payload")).toObject();
    if (wrapped.value(QLatin1String("target")).isObject())
        return front(wrapped); // an application webhook: {type, payload: event}
    return std::nullopt;
}

} // namespace salesflow::sources
