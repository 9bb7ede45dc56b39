#include "analysis.h"

#include <QJsonArray>

#include <cmath>

namespace salesflow::llm {

QStringList intents()
{
    return {QStringLiteral("high"), QStringLiteral("medium"), QStringLiteral("low"), QStringLiteral("none")};
}

QStringList objectionCategories()
{
    return {QStringLiteral("security"),  QStringLiteral("budget"),      QStringLiteral("timing"),
            QStringLiteral("authority"), QStringLiteral("competition"), QStringLiteral("integration"),
            QStringLiteral("other")};
}

namespace {

QJsonObject str()
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}};
}

QJsonObject enumOf(const QStringList &values)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                       {QStringLiteral("enum"), QJsonArray::fromStringList(values)}};
}

QJsonObject closedObject(const QJsonObject &properties)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                       {QStringLiteral("additionalProperties"), false},
                       {QStringLiteral("properties"), properties},
                       {QStringLiteral("required"), QJsonArray::fromStringList(properties.keys())}};
}

} // namespace

namespace {
QJsonObject buildAnalysisSchema()
{
    const QJsonObject objection = closedObject(
        {{QStringLiteral("category"), enumOf(objectionCategories())}, {QStringLiteral("evidence"), str()}});
    return closedObject({
        {QStringLiteral("summary"), str()},
        {QStringLiteral("intent"), enumOf(intents())},
        {QStringLiteral("lead_quality"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}},
        {QStringLiteral("objections"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), objection}}},
        {QStringLiteral("next_action"), str()},
        {QStringLiteral("follow_up_email"),
         closedObject({{QStringLiteral("subject"), str()}, {QStringLiteral("body"), str()}})},
        {QStringLiteral("lead_score_change"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}},
        {QStringLiteral("confidence"), QJsonObject{{QStringLiteral("type"), QStringLiteral("number")}}},
    });
}
} // namespace

QJsonObject analysisSchema()
{
    static const QJsonObject schema = buildAnalysisSchema(); // built once, shared (implicitly) by every call
    return schema;
}

QJsonObject toJson(const Analysis &a)
{
    QJsonArray objections;
    for (const Objection &o : a.objections)
        objections.append(
            QJsonObject{{QStringLiteral("category"), o.category}, {QStringLiteral("evidence"), o.evidence}});
    return QJsonObject{
        {QStringLiteral("summary"), a.summary},
        {QStringLiteral("intent"), a.intent},
        {QStringLiteral("lead_quality"), a.leadQuality},
        {QStringLiteral("objections"), objections},
        {QStringLiteral("next_action"), a.nextAction},
        {QStringLiteral("follow_up_email"),
         QJsonObject{{QStringLiteral("subject"), a.followUpSubject}, {QStringLiteral("body"), a.followUpBody}}},
        {QStringLiteral("lead_score_change"), a.leadScoreChange},
        {QStringLiteral("confidence"), a.confidence},
    };
}

QString foldForMatch(const QString &s)
{
    QString out;
    out.reserve(s.size());
    bool space = false;
    for (QChar c : s) {
        // Typographic quotes and dashes count as their plain forms: models straighten them.
        if (c == QChar(0x2018) || c == QChar(0x2019))
            c = QLatin1Char('\'');
        else if (c == QChar(0x201C) || c == QChar(0x201D))
            c = QLatin1Char('"');
        else if (c == QChar(0x2013) || c == QChar(0x2014))
            c = QLatin1Char('-');
        if (c.isSpace()) {
            space = !out.isEmpty();
            continue;
        }
        if (space)
            out.append(QLatin1Char(' '));
        space = false;
        out.append(c.toLower());
    }
    return out;
}

namespace {

bool isInteger(const QJsonValue &v)
{
    return v.isDouble() && std::isfinite(v.toDouble()) && v.toDouble() == std::floor(v.toDouble());
}

void checkKnownKeys(const QJsonObject &answer, Validation &v)
{
    const QStringList known{QStringLiteral("summary"),           QStringLiteral("intent"),
                            QStringLiteral("lead_quality"),      QStringLiteral("objections"),
                            QStringLiteral("next_action"),       QStringLiteral("follow_up_email"),
                            QStringLiteral("lead_score_change"), QStringLiteral("confidence")};
    for (const QString &k : answer.keys()) {
        if (!known.contains(k))
            v.errors << QStringLiteral("unexpected property %1").arg(k);
    }
}

void readText(const QJsonObject &answer, Validation &v, Analysis &a)
{
    auto needString = [&](const char *key, QString *into) {
        const QJsonValue value = answer.value(QLatin1String(key));
        if (!value.isString())
            v.errors << QStringLiteral("%1 must be a string").arg(QLatin1String(key));
        else if (value.toString().trimmed().isEmpty())
            v.errors << QStringLiteral("%1 must not be empty").arg(QLatin1String(key));
        else
            *into = value.toString().trimmed();
    };
    needString("summary", &a.summary);
    needString("next_action", &a.nextAction);
}

void readFollowUp(const QJsonObject &answer, Validation &v, Analysis &a)
{
    const QJsonValue email = answer.value(QLatin1String("follow_up_email"));
    if (!email.isObject() || !email.toObject().value(QLatin1String("subject")).isString()
        || !email.toObject().value(QLatin1String("body")).isString()) {
        v.errors << QStringLiteral("follow_up_email must be an object with string subject and body");
    } else {
        a.followUpSubject = email.toObject().value(QLatin1String("subject")).toString().trimmed();
        a.followUpBody = email.toObject().value(QLatin1String("body")).toString().trimmed();
    }
}

void readScales(const QJsonObject &answer, Validation &v, Analysis &a)
{
    const QJsonValue intent = answer.value(QLatin1String("intent"));
    if (!intent.isString() || !intents().contains(intent.toString()))
        v.errors << QStringLiteral("intent must be one of high, medium, low, none");
    else
        a.intent = intent.toString();
    const QJsonValue quality = answer.value(QLatin1String("lead_quality"));
    if (!isInteger(quality) || quality.toDouble() < 0 || quality.toDouble() > 100)
        v.errors << QStringLiteral("lead_quality must be an integer from 0 to 100");
    else
        a.leadQuality = quality.toInt();
    const QJsonValue change = answer.value(QLatin1String("lead_score_change"));
    if (!isInteger(change) || change.toDouble() < -20 || change.toDouble() > 20)
        v.errors << QStringLiteral("lead_score_change must be an integer from -20 to 20");
    else
        a.leadScoreChange = change.toInt();
    const QJsonValue confidence = answer.value(QLatin1String("confidence"));
    if (!confidence.isDouble() || !(confidence.toDouble() >= 0 && confidence.toDouble() <= 1))
        v.errors << QStringLiteral("confidence must be a number from 0 to 1");
    else
        a.confidence = confidence.toDouble();
}

/// Objections whose evidence is not in the event's text are dropped with a note, not an error.
void readObjections(const QJsonObject &answer, const QString &eventText, Validation &v, Analysis &a)
{
    const QJsonValue objections = answer.value(QLatin1String("objections"));
    if (!objections.isArray()) {
        v.errors << QStringLiteral("objections must be an array");
        return;
    }
    const QString haystack = foldForMatch(eventText);
    int i = 0;
    for (const QJsonValue &o : objections.toArray()) {
        const QJsonObject obj = o.toObject();
        const QString category = obj.value(QLatin1String("category")).toString();
        const QString evidence = obj.value(QLatin1String("evidence")).toString().trimmed();
        if (!o.isObject() || !objectionCategories().contains(category)
            || !obj.value(QLatin1String("evidence")).isString()) {
            v.errors << QStringLiteral("objections[%1] must be {category: one of %2, evidence: string}")
                            .arg(i)
                            .arg(objectionCategories().join(QLatin1String(", ")));
        } else if (evidence.isEmpty() || !haystack.contains(foldForMatch(evidence))) {
            v.notes << QStringLiteral("dropped %1 objection: its evidence \"%2\" is not in the event text")
                           .arg(category, evidence.left(120));
        } else {
            a.objections.append({category, evidence});
        }
        ++i;
    }
}

} // namespace

Validation validate(const QJsonObject &answer, const QString &eventText)
{
    Validation v;
    Analysis a;
    checkKnownKeys(answer, v);
    readText(answer, v, a);
    readScales(answer, v, a);
    readFollowUp(answer, v, a);
    readObjections(answer, eventText, v, a);
    if (!v.errors.isEmpty())
        return v;
    const int dropped = int(v.notes.size());
    if (dropped > 0) {
        // Invented evidence says the rest of the answer deserves less trust too.
        const double lowered = std::max(0.0, a.confidence - 0.15 * dropped);
        v.notes
            << QStringLiteral("confidence lowered from %1 to %2").arg(a.confidence, 0, 'f', 2).arg(lowered, 0, 'f', 2);
        a.confidence = lowered;
    }
    v.analysis = a;
    return v;
}

} // namespace salesflow::llm
