// Chat conversations: {id, channel, participants: [{id, name, email, role}],
// messages: [{author, role, text, sent_at}]}.
#include "chatwebhooks.h"
#include "identity.h"
#include "jsonutil.h"

namespace salesflow::sources {

namespace {
bool isOurSide(const QString &role)
{
    const QString r = role.toLower();
    return r == QLatin1String("agent") || r == QLatin1String("rep") || r == QLatin1String("bot")
        || r == QLatin1String("operator") || r == QLatin1String("assistant") || r == QLatin1String("staff")
        || r == QLatin1String("support");
}

struct Person
{
    QString name, email, role;
};
using People = QHash<QString, Person>;

/// "Ana <ana@x.com>", or the email alone.
QString actorOf(const Person &p)
{
    return p.name.isEmpty() ? p.email : QStringLiteral("%1 <%2>").arg(p.name, p.email);
}

/// The participants by id (or email, or name).
Result<People> readParticipants(const QJsonObject &o)
{
    const QJsonValue parts = o.value(QLatin1String("participants"));
    if (!parts.isUndefined() && !parts.isArray())
        return parseError(QStringLiteral("chat: \"participants\" must be an array"));
    People people;
    for (const QJsonValue &p : parts.toArray()) {
        const QJsonObject po = p.toObject();
        people.insert(
            firstText(po, {"id", "email", "name"}),
            Person{firstText(po, {"name"}), normaliseEmail(firstText(po, {"email"})), firstText(po, {"role"})});
    }
    return people;
}

/// The conversation as read: one line per message and the span of their times.
struct Transcript
{
    QStringList lines;
    qint64 first = 0;
    qint64 last = 0;
};

/// Reads the messages into lines; the first visitor with an email becomes the contact.
Status readMessages(const QJsonArray &arr, const People &people, Normalised &n, Transcript &t)
{
    for (qsizetype i = 0; i < arr.size(); ++i) {
        if (!arr[i].isObject())
            return parseError(QStringLiteral("chat: messages[%1] is not an object").arg(i));
        const QJsonObject m = arr[i].toObject();
        if (!m.value(QLatin1String("text")).isString())
            return parseError(QStringLiteral("chat: messages[%1].text must be a string").arg(i));
        const QString author = firstText(m, {"author", "from", "sender"});
        const Person who = people.value(author, Person{author, normaliseEmail(author), firstText(m, {"role"})});
        const QString role = firstText(m, {"role"}).isEmpty() ? who.role : firstText(m, {"role"});
        const QString label = who.name.isEmpty() ? author : who.name;
        t.lines << QStringLiteral("%1%2: %3")
                       .arg(label.isEmpty() ? QStringLiteral("unknown") : label,
                            role.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(role),
                            tidy(m.value(QLatin1String("text")).toString()));
        const qint64 at = parseTimestamp(firstText(m, {"sent_at", "sentAt", "timestamp"}));
        if (at && (!t.first || at < t.first))
            t.first = at;
        t.last = qMax(t.last, at);
        if (!isOurSide(role) && n.contactEmail.isEmpty() && !who.email.isEmpty()) {
            n.contactEmail = who.email;
            n.actor = actorOf(who);
        }
    }
    return Done{};
}

Result<Normalised> fromChatForm(const Result<QJsonObject> &o)
{
    const QJsonValue msgs = o->value(QLatin1String("messages"));
    if (!msgs.isArray())
        return parseError(QStringLiteral("chat: \"messages\" must be an array of {author, role, text, sent_at}"));
    const Result<People> people = readParticipants(o.value());
    if (!people)
        return people.error();
    Normalised n;
    n.kind = QStringLiteral("chat");
    Transcript t;
    if (const Status read = readMessages(msgs.toArray(), people.value(), n, t); !read)
        return read.error();
    if (t.lines.isEmpty())
        return parseError(QStringLiteral("chat: the conversation has no messages"));
    if (n.contactEmail.isEmpty()) { // a participant list may name the visitor even if they never wrote
        for (const Person &p : people.value()) {
            if (!isOurSide(p.role) && !p.email.isEmpty()) {
                n.contactEmail = p.email;
                n.actor = actorOf(p);
                break;
            }
        }
    }
    n.companyDomain = companyDomainOf(n.contactEmail);
    n.occurredAtMs = t.last ? t.last : t.first;
    n.subject = QStringLiteral("Chat conversation, %1 message(s)").arg(t.lines.size());
    n.text = t.lines.join(QLatin1Char('\n'));
    n.attributes.insert(QStringLiteral("conversation_id"), firstText(o.value(), {"id", "conversation_id"}));
    n.attributes.insert(QStringLiteral("channel"), firstText(o.value(), {"channel"}));
    n.attributes.insert(QStringLiteral("messages"), int(t.lines.size()));
    if (t.first)
        n.attributes.insert(QStringLiteral("started_at"), t.first);
    if (!firstText(o.value(), {"subject"}).isEmpty())
        n.subject = firstText(o.value(), {"subject"});
    return n;
}

} // namespace

Result<Normalised> parseChat(const QByteArray &payload)
{
    auto o = jsonObject(payload, "chat");
    if (!o)
        return o.error();
    auto delivery = readChatWebhook(o.value());
    if (!delivery)
        return fromChatForm(o);
    if (!*delivery)
        return delivery->error();
    auto n = fromChatForm(delivery->value().conversation);
    if (n) {
        n->attributes.insert(QStringLiteral("received_via"), delivery->value().vendor);
        if (delivery->value().conversation.value(QLatin1String("preview_only")).toBool())
            n->attributes.insert(QStringLiteral("preview_only"), true);
    }
    return n;
}

} // namespace salesflow::sources
