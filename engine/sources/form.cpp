// Web-form submissions: a generic JSON shape ({submission_id, form_id, page_url, submitted_at,
// fields: {...}}), HubSpot's form-submission shape ({submissionId, formGuid, submittedAt, pageUrl,
// values|fields: [{name, value}]}), and application/x-www-form-urlencoded bodies.
#include "identity.h"
#include "jsonutil.h"

#include <QUrlQuery>

namespace salesflow::sources {

namespace {

/// Field names compared without case, spaces or punctuation: "Work Email" == "work_email".
QString canon(const QString &name)
{
    QString out;
    for (QChar c : name.toLower()) {
        if (c.isLetterOrNumber())
            out += c;
    }
    return out;
}

const QHash<QString, QString> &synonyms()
{
    static const QHash<QString, QString> map = [] {
        QHash<QString, QString> m;
        auto add = [&m](const char *role, std::initializer_list<const char *> names) {
            for (const char *n : names)
                m.insert(QString::fromLatin1(n), QString::fromLatin1(role));
        };
        add("email",
            {"email", "emailaddress", "workemail", "businessemail", "companyemail", "mail", "yourworkemail",
             "youremail"});
        add("firstname", {"firstname", "first", "givenname", "fname", "forename"});
        add("lastname", {"lastname", "last", "surname", "familyname", "lname"});
        add("name", {"name", "fullname", "yourname", "contactname"});
        add("company", {"company", "companyname", "organization", "organisation", "org", "account", "business"});
        add("phone", {"phone", "phonenumber", "mobile", "mobilephone", "tel", "telephone"});
        add("message",
            {"message", "comments", "comment", "question", "questions", "details", "description", "notes", "inquiry",
             "enquiry", "howcanwehelp", "howcanwehelpyou", "yourmessage", "body"});
        add("website", {"website", "url", "companywebsite", "domain", "site"});
        add("deal", {"dealid", "deal", "opportunityid", "opportunity"});
        add("jobtitle", {"jobtitle", "title", "role", "position"});
        return m;
    }();
    return map;
}

/// Where the lead came from and what they agreed to, from HubSpot's Forms API submission:
/// `context` (pageUri, pageName, hutk, ipAddress) and `legalConsentOptions` (consent to process,
/// the communications subscribed to, or the legitimate interest claimed), kept as sent.
void addProvenance(const QJsonObject &meta, Normalised &n)
{
    const QJsonObject context = meta.value(QLatin1String("context")).toObject();
    if (!context.isEmpty()) {
        n.attributes.insert(QStringLiteral("context"), context);
        for (const auto &[from, to] : {std::pair{"pageUri", "page_url"}, std::pair{"pageName", "page_name"}}) {
            if (context.contains(QLatin1String(from)) && !n.attributes.contains(QLatin1String(to)))
                n.attributes.insert(QLatin1String(to), context.value(QLatin1String(from)));
        }
    }
    const QJsonObject legal = meta.value(QLatin1String("legalConsentOptions")).toObject();
    if (legal.isEmpty())
        return;
    n.attributes.insert(QStringLiteral("legal_consent"), legal);
    const QJsonObject consent = legal.value(QLatin1String("consent")).toObject();
    QStringList agreed;
    if (consent.value(QLatin1String("consentToProcess")).toBool())
        agreed << QStringLiteral("processing");
    for (const QJsonValue &c : consent.value(QLatin1String("communications")).toArray()) {
        if (c.toObject().value(QLatin1String("value")).toBool())
            agreed
                << QStringLiteral("subscription %1").arg(text(c.toObject().value(QLatin1String("subscriptionTypeId"))));
    }
    if (legal.contains(QLatin1String("legitimateInterest")))
        agreed << QStringLiteral("legitimate interest");
    n.attributes.insert(QStringLiteral("consented_to"), QJsonArray::fromStringList(agreed));
}

Result<Normalised> fromFields(const QList<QPair<QString, QString>> &fields, const QJsonObject &meta)
{
    Normalised n;
    n.kind = QStringLiteral("form_submission");
    QHash<QString, QString> role;
    QJsonObject all;
    QStringList other;
    for (const auto &[name, value] : fields) {
        all.insert(name, value);
        const QString r = synonyms().value(canon(name));
        if (!r.isEmpty() && !role.contains(r) && !value.trimmed().isEmpty())
            role.insert(r, value.trimmed());
        else if (r.isEmpty() && !value.trimmed().isEmpty())
            other << QStringLiteral("%1: %2").arg(name, value.trimmed());
    }
    n.contactEmail = normaliseEmail(role.value(QStringLiteral("email")));
    QString person = role.value(QStringLiteral("name"));
    if (person.isEmpty())
        person = QStringList{role.value(QStringLiteral("firstname")), role.value(QStringLiteral("lastname"))}
                     .join(QLatin1Char(' '))
                     .trimmed();
    n.actor = person.isEmpty()
        ? n.contactEmail
        : (n.contactEmail.isEmpty() ? person : QStringLiteral("%1 <%2>").arg(person, n.contactEmail));
    n.companyName = role.value(QStringLiteral("company"));
    n.companyDomain = companyDomainOf(n.contactEmail);
    if (n.companyDomain.isEmpty())
        n.companyDomain = companyDomainOf(role.value(QStringLiteral("website")));
    n.dealRef = role.value(QStringLiteral("deal"));
    const QString formId = firstText(meta, {"form_id", "formId", "formGuid", "form"});
    n.subject
        = formId.isEmpty() ? QStringLiteral("Form submission") : QStringLiteral("Form submission: %1").arg(formId);
    QStringList body;
    if (!role.value(QStringLiteral("message")).isEmpty())
        body << role.value(QStringLiteral("message"));
    if (!other.isEmpty())
        body << other.join(QLatin1Char('\n'));
    if (!role.value(QStringLiteral("jobtitle")).isEmpty())
        body << QStringLiteral("Job title: %1").arg(role.value(QStringLiteral("jobtitle")));
    n.text = tidy(body.join(QStringLiteral("\n\n")));
    n.occurredAtMs = parseTimestamp(firstText(meta, {"submitted_at", "submittedAt", "timestamp", "created_at"}));
    n.attributes.insert(QStringLiteral("fields"), all);
    for (const char *k : {"form_id", "formId", "formGuid", "page_url", "pageUrl", "pageUri", "submission_id",
                          "submissionId", "portalId"}) {
        if (meta.contains(QLatin1String(k)))
            n.attributes.insert(QLatin1String(k), meta.value(QLatin1String(k)));
    }
    if (!role.value(QStringLiteral("phone")).isEmpty())
        n.attributes.insert(QStringLiteral("phone"), role.value(QStringLiteral("phone")));
    addProvenance(meta, n);
    return n;
}

} // namespace

Result<Normalised> parseForm(const QByteArray &contentType, const QByteArray &payload)
{
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
        QList<QPair<QString, QString>> fields;
        const QUrlQuery q(QString::fromUtf8(payload));
        for (const auto &[k, v] : q.queryItems(QUrl::FullyDecoded))
            fields.append({k, QString(v).replace(QLatin1Char('+'), QLatin1Char(' '))});
        if (fields.isEmpty())
            return parseError(QStringLiteral("form: the url-encoded body has no fields"));
        return fromFields(fields, {});
    }
    auto o = jsonObject(payload, "form");
    if (!o)
        return o.error();
    QList<QPair<QString, QString>> fields;
    const QJsonValue f
        = o->contains(QLatin1String("fields")) ? o->value(QLatin1String("fields")) : o->value(QLatin1String("values"));
    if (f.isObject()) {
        const QJsonObject fo = f.toObject();
        for (auto it = fo.begin(); it != fo.end(); ++it) {
            if (it.value().isObject() || it.value().isArray())
                return parseError(
                    QStringLiteral("form: field \"%1\" must be text, a number or a boolean").arg(it.key()));
            fields.append({it.key(), text(it.value())});
        }
    } else if (f.isArray()) {
        const QJsonArray fa = f.toArray();
        for (qsizetype i = 0; i < fa.size(); ++i) {
            const QJsonObject item = fa[i].toObject();
            const QString name = text(item.value(QLatin1String("name")));
            if (!fa[i].isObject() || name.isEmpty())
                return parseError(QStringLiteral("form: fields[%1] needs a \"name\" and a \"value\"").arg(i));
            fields.append({name, text(item.value(QLatin1String("value")))});
        }
    } else {
        return parseError(
            QStringLiteral("form: no \"fields\" (an object, or an array of {name, value}) in the submission"));
    }
    return fromFields(fields, o.value());
}

} // namespace salesflow::sources
