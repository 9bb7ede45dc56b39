#include "hubspotemulator.h"

#include "hubspotemulatorstate.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <optional>

namespace salesflow::test {

using namespace hubspotwire;

HubSpotEmulator::State::State(HubSpotEmulator *o) : owner(o)
{
    auto add = [this](const QString &type, const QString &group,
                      std::initializer_list<std::pair<const char *, const char *>> list) {
        groups[type].insert(group);
        for (const auto &[name, t] : list) {
            const QString n = QString::fromLatin1(name);
            const QString ty = QString::fromLatin1(t);
            props[type].insert(
                n,
                propertyDef(n, n, ty, ty == QLatin1String("number") ? QStringLiteral("number") : QStringLiteral("text"),
                            group, type == QLatin1String("contacts") && n == QLatin1String("email")));
        }
    };
    const std::initializer_list<std::pair<const char *, const char *>> common = {{"hs_object_id", "number"},
                                                                                 {"hs_createdate", "datetime"},
                                                                                 {"hs_lastmodifieddate", "datetime"},
                                                                                 {"hubspot_owner_id", "enumeration"}};
    add(QStringLiteral("contacts"), QStringLiteral("contactinformation"),
        {{"email", "string"},
         {"firstname", "string"},
         {"lastname", "string"},
         {"company", "string"},
         {"phone", "string"},
         {"jobtitle", "string"},
         {"lifecyclestage", "enumeration"},
         {"createdate", "datetime"},
         {"lastmodifieddate", "datetime"}});
    add(QStringLiteral("companies"), QStringLiteral("companyinformation"),
        {{"domain", "string"},
         {"name", "string"},
         {"industry", "string"},
         {"numberofemployees", "number"},
         {"createdate", "datetime"}});
    add(QStringLiteral("deals"), QStringLiteral("dealinformation"),
        {{"dealname", "string"},
         {"dealstage", "enumeration"},
         {"pipeline", "enumeration"},
         {"amount", "number"},
         {"closedate", "datetime"}});
    add(QStringLiteral("notes"), QStringLiteral("noteinformation"),
        {{"hs_timestamp", "datetime"}, {"hs_note_body", "string"}, {"hs_attachment_ids", "string"}});
    add(QStringLiteral("tasks"), QStringLiteral("taskinformation"),
        {{"hs_timestamp", "datetime"},
         {"hs_task_subject", "string"},
         {"hs_task_body", "string"},
         {"hs_task_status", "enumeration"},
         {"hs_task_priority", "enumeration"},
         {"hs_task_type", "enumeration"},
         {"hs_task_reminders", "string"}});
    for (const QString &t : props.keys())
        add(t, *groups[t].begin(), common);
}

Answer HubSpotEmulator::State::route(const EmulatorServer::Request &r, const QJsonObject &body, qint64 now)
{
    QString path = QString::fromUtf8(r.path);
    path.replace(QLatin1String("/crm/objects/2026-03/"), QLatin1String("/crm/v3/objects/"));
    path.replace(QLatin1String("/crm/associations/2026-03/"), QLatin1String("/crm/v4/associations/"));
    const QStringList p = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    auto badType = [&](const QString &t) {
        return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                         QStringLiteral("Unable to infer object type from: %1").arg(t));
    };
    if (p.size() >= 4 && p[0] == QLatin1String("crm") && p[1] == QLatin1String("v3")
        && p[2] == QLatin1String("objects")) {
        const QString type = canonicalType(p[3]);
        if (type.isEmpty())
            return badType(p[3]);
        if (p.size() == 6 && p[4] == QLatin1String("batch") && r.method == "POST")
            return batch(type, p[5], body, now);
        if (p.size() == 5 && p[4] == QLatin1String("search") && r.method == "POST")
            return search(type, body, r.body, now);
        if (p.size() == 4 && r.method == "POST") {
            const QJsonObject properties = body.value(QLatin1String("properties")).toObject();
            if (const QString bad = checkProperties(type, properties); !bad.isEmpty())
                return errorBody(400, QStringLiteral("VALIDATION_ERROR"), bad);
            if (const QString clash = uniqueClash(type, properties, 0); !clash.isEmpty())
                return errorBody(409, QStringLiteral("CONFLICT"), clash);
            Object &o = create(type, properties, now);
            return {201, objectJson(type, o), false};
        }
        if (p.size() == 5) {
            const QString idProperty = QString::fromUtf8(r.queryValue("idProperty"));
            qint64 id = idProperty.isEmpty() ? p[4].toLongLong() : findByUnique(type, idProperty, p[4]);
            auto &table = objects[type];
            if (!table.contains(id) || table[id].archived)
                return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"), QStringLiteral("resource not found"));
            if (r.method == "GET")
                return {200, objectJson(type, table[id]), false};
            if (r.method == "PATCH") {
                const QJsonObject properties = body.value(QLatin1String("properties")).toObject();
                if (const QString bad = checkProperties(type, properties); !bad.isEmpty())
                    return errorBody(400, QStringLiteral("VALIDATION_ERROR"), bad);
                update(table[id], properties, now);
                return {200, objectJson(type, table[id]), false};
            }
            if (r.method == "DELETE") {
                table[id].archived = true;
                return {204, {}, true};
            }
        }
    }
    if (p.size() >= 5 && p[0] == QLatin1String("conversations") && r.method == "GET")
        return conversations(p);
    if (p.size() >= 4 && p[0] == QLatin1String("crm") && p[1] == QLatin1String("v3")
        && p[2] == QLatin1String("properties")) {
        const QString type = canonicalType(p[3]);
        if (type.isEmpty())
            return badType(p[3]);
        return properties(r.method, type, p.mid(4), body);
    }
    if (p.size() == 7 && p[1] == QLatin1String("v4") && p[2] == QLatin1String("associations")
        && p[5] == QLatin1String("batch") && r.method == "POST") {
        const QString from = canonicalType(p[3]), to = canonicalType(p[4]);
        if (from.isEmpty() || to.isEmpty())
            return badType(from.isEmpty() ? p[3] : p[4]);
        return associationsBatch(from, to, p[6], body, now);
    }
    if (p.size() == 9 && p[1] == QLatin1String("v4") && p[2] == QLatin1String("objects")
        && p[5] == QLatin1String("associations") && p[6] == QLatin1String("default") && r.method == "PUT") {
        const QString from = canonicalType(p[3]), to = canonicalType(p[7]);
        QJsonObject in{
            {QStringLiteral("from"), QJsonObject{{QStringLiteral("id"), p[4]}}},
            {QStringLiteral("to"), QJsonObject{{QStringLiteral("id"), p[8]}}},
            {QStringLiteral("types"),
             QJsonArray{QJsonObject{{QStringLiteral("associationCategory"), QStringLiteral("HUBSPOT_DEFINED")},
                                    {QStringLiteral("associationTypeId"), 0}}}}};
        Answer a = associationsBatch(from, to, QStringLiteral("create"),
                                     QJsonObject{{QStringLiteral("inputs"), QJsonArray{in}}}, now);
        if (a.status == 201)
            a.status = 200;
        return a;
    }
    return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"),
                     QStringLiteral("Unknown route %1 %2").arg(QString::fromUtf8(r.method), path));
}

QList<QPair<QByteArray, QByteArray>> HubSpotEmulator::State::rateHeaders(qint64 now)
{
    while (!window.empty() && window.front() <= now - owner->windowMs)
        window.pop_front();
    return {{"X-HubSpot-RateLimit-Daily", QByteArray::number(owner->dailyLimit)},
            {"X-HubSpot-RateLimit-Daily-Remaining", QByteArray::number(qMax<qint64>(0, owner->dailyLimit - dayCount))},
            {"X-HubSpot-RateLimit-Interval-Milliseconds", QByteArray::number(owner->windowMs)},
            {"X-HubSpot-RateLimit-Max", QByteArray::number(owner->burstLimit)},
            {"X-HubSpot-RateLimit-Remaining",
             QByteArray::number(qMax<qint64>(0, owner->burstLimit - qint64(window.size())))}};
}

QJsonObject HubSpotEmulator::State::stateJson() const
{
    QJsonObject objs;
    for (auto it = objects.begin(); it != objects.end(); ++it) {
        QJsonArray arr;
        for (const Object &o : it.value())
            arr.append(objectJson(it.key(), o));
        objs.insert(it.key(), arr);
    }
    QJsonArray as;
    for (const Association &a : assocs)
        as.append(QJsonObject{{QStringLiteral("from"), QStringLiteral("%1/%2").arg(a.fromType).arg(a.fromId)},
                              {QStringLiteral("to"), QStringLiteral("%1/%2").arg(a.toType).arg(a.toId)},
                              {QStringLiteral("typeId"), a.typeId}});
    return QJsonObject{{QStringLiteral("objects"), objs},
                       {QStringLiteral("associations"), as},
                       {QStringLiteral("calls"), calls},
                       {QStringLiteral("tooManyRequests"), tooMany}};
}

std::optional<Answer> HubSpotEmulator::State::rateLimit(bool isSearch, qint64 now)
{
    if (isSearch) {
        while (!searchWindow.empty() && searchWindow.front() <= now - 1000)
            searchWindow.pop_front();
        if (int(searchWindow.size()) >= owner->searchPerSecond) {
            ++tooMany;
            return Answer{
                429,
                QJsonObject{{QStringLiteral("status"), QStringLiteral("error")},
                            {QStringLiteral("message"), QStringLiteral("You have reached your secondly limit.")},
                            {QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT")},
                            {QStringLiteral("correlationId"), uuid()}},
                false};
        }
        searchWindow.push_back(now);
    } else {
        while (!window.empty() && window.front() <= now - owner->windowMs)
            window.pop_front();
        const QString today = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).date().toString(Qt::ISODate);
        if (today != day) {
            day = today;
            dayCount = 0;
        }
        auto tooManyBody = [&](const QString &policy, const QString &message) {
            return Answer{429,
                          QJsonObject{{QStringLiteral("status"), QStringLiteral("error")},
                                      {QStringLiteral("message"), message},
                                      {QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT")},
                                      {QStringLiteral("correlationId"), uuid()},
                                      {QStringLiteral("policyName"), policy},
                                      {QStringLiteral("requestId"), uuid()}},
                          false};
        };
        if (dayCount >= owner->dailyLimit) {
            ++tooMany;
            return tooManyBody(QStringLiteral("DAILY"), QStringLiteral("You have reached your daily limit."));
        }
        if (int(window.size()) >= owner->burstLimit) {
            ++tooMany;
            tooManyAt.append(now);
            return tooManyBody(QStringLiteral("TEN_SECONDLY_ROLLING"),
                               QStringLiteral("You have reached your ten_secondly_rolling limit."));
        }
        window.push_back(now);
        ++dayCount;
    }
    return std::nullopt;
}

HubSpotEmulator::Fault::Kind HubSpotEmulator::State::nextFault(bool write)
{
    Fault::Kind fault = Fault::None;
    if (!scripted.isEmpty()) {
        fault = scripted.takeFirst();
    } else if (write && faultRate > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < faultRate) {
        static const Fault::Kind kinds[]
            = {Fault::Status500, Fault::Status502,       Fault::Status503,         Fault::TenSecondly429,
               Fault::Timeout,   Fault::DropAfterCommit, Fault::TimeoutAfterCommit};
        fault = kinds[std::uniform_int_distribution<int>(0, 6)(rng)];
    }
    return fault;
}

void HubSpotEmulator::State::handle(const EmulatorServer::Request &r, const EmulatorServer::Reply &reply)
{
    QMutexLocker lock(&mutex);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto respond = [&](const Answer &a, QList<QPair<QByteArray, QByteArray>> headers) {
        const QByteArray body = a.empty ? QByteArray() : QJsonDocument(a.body).toJson(QJsonDocument::Compact);
        log.append({r.method, r.path, r.body, a.status, body, now});
        reply.send(a.status, a.empty ? QByteArray() : QByteArrayLiteral("application/json;charset=utf-8"), body,
                   headers, owner->answerDelayMs);
    };
    if (r.path == "/__emulator/state") {
        reply.send(200, "application/json", QJsonDocument(stateJson()).toJson(QJsonDocument::Compact));
        return;
    }
    ++calls;
    if (r.header("authorization") != "Bearer " + owner->token) {
        respond(errorBody(
                    401, QStringLiteral("INVALID_AUTHENTICATION"),
                    QStringLiteral(
                        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
                        "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")),
                {});
        return;
    }
    const bool isSearch = r.path.endsWith("/search");
    if (const std::optional<Answer> limited = rateLimit(isSearch, now)) {
        // Search has its own per-second limit and sends no rate-limit headers.
        respond(*limited, isSearch ? QList<QPair<QByteArray, QByteArray>>() : rateHeaders(now));
        return;
    }
    const Fault::Kind fault = nextFault(r.method != "GET");
    if (fault != Fault::None)
        ++faults;
    switch (fault) {
    case Fault::Status500:
    case Fault::Status502:
    case Fault::Status503: {
        const int status = fault == Fault::Status500 ? 500 : fault == Fault::Status502 ? 502 : 503;
        respond(errorBody(status, QStringLiteral("INTERNAL_ERROR"), QStringLiteral("internal error")),
                rateHeaders(now));
        return;
    }
    case Fault::TenSecondly429:
        ++tooMany;
        respond(Answer{429,
                       QJsonObject{{QStringLiteral("status"), QStringLiteral("error")},
                                   {QStringLiteral("message"),
                                    QStringLiteral("You have reached your ten_secondly_rolling limit.")},
                                   {QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT")},
                                   {QStringLiteral("correlationId"), uuid()},
                                   {QStringLiteral("policyName"), QStringLiteral("TEN_SECONDLY_ROLLING")}},
                       false},
                rateHeaders(now));
        return;
    case Fault::Timeout:
        log.append({r.method, r.path, r.body, 0, "(no answer, nothing written)", now});
        return;
    default:
        break;
    }
    QJsonParseError pe;
    const QJsonDocument doc = r.body.isEmpty() ? QJsonDocument(QJsonObject()) : QJsonDocument::fromJson(r.body, &pe);
    if (!r.body.isEmpty() && pe.error != QJsonParseError::NoError) {
        respond(errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                          QStringLiteral("Invalid input JSON on line 1: %1").arg(pe.errorString())),
                rateHeaders(now));
        return;
    }
    const Answer a = route(r, doc.object(), now);
    if (fault == Fault::DropAfterCommit) {
        log.append({r.method, r.path, r.body, 0, "(written, connection dropped)", now});
        reply.drop();
        return;
    }
    if (fault == Fault::TimeoutAfterCommit) {
        log.append({r.method, r.path, r.body, 0, "(written, no answer)", now});
        return;
    }
    respond(a, isSearch ? QList<QPair<QByteArray, QByteArray>>() : rateHeaders(now));
}

HubSpotEmulator::HubSpotEmulator()
    : m_state(std::make_unique<State>(this)),
      m_http(std::make_unique<EmulatorServer>(
          [this](const EmulatorServer::Request &r, const EmulatorServer::Reply &reply) { m_state->handle(r, reply); }))
{ }

HubSpotEmulator::~HubSpotEmulator()
{
    m_http.reset();
}

quint16 HubSpotEmulator::start(quint16 port)
{
    return m_http->start(port);
}

QString HubSpotEmulator::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_http->port());
}

void HubSpotEmulator::script(Fault::Kind kind)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->scripted.append(kind);
}

void HubSpotEmulator::setFaultRate(double rate, unsigned seed)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->faultRate = rate;
    m_state->rng.seed(seed);
}

void HubSpotEmulator::addThreadMessage(const QString &thread, const QJsonObject &message)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->threadMessages.insert(thread + QLatin1Char('/') + message.value(QLatin1String("id")).toString(), message);
}

void HubSpotEmulator::addActor(const QJsonObject &actor)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->actors.insert(actor.value(QLatin1String("id")).toString(), actor);
}

QList<HubSpotEmulator::Object> HubSpotEmulator::objects(const QString &type) const
{
    QMutexLocker lock(&m_state->mutex);
    QList<Object> out;
    for (const Object &o : m_state->objects.value(type))
        if (!o.archived)
            out.append(o);
    return out;
}

QList<HubSpotEmulator::Association> HubSpotEmulator::associations() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->assocs;
}

QList<HubSpotEmulator::Exchange> HubSpotEmulator::exchanges() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->log;
}

int HubSpotEmulator::calls() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->calls;
}

int HubSpotEmulator::tooManyRequests() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->tooMany;
}

QList<qint64> HubSpotEmulator::tooManyRequestsAt() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->tooManyAt;
}

int HubSpotEmulator::faultsInjected() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->faults;
}

QHash<QString, QJsonObject> HubSpotEmulator::propertyDefinitions(const QString &type) const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->props.value(type);
}

} // namespace salesflow::test
