// Call transcripts: WebVTT (Zoom, Teams, Meet, YouTube exports; webvtt.cpp), SRT (srt.cpp), AWS
// Transcribe JSON (awstranscribe.cpp) and a plain JSON list of segments ({speaker, start, end,
// text}, optionally {participants, segments}). Speakers come from the markup, else from the
// prefixes the file's pattern supports (speakers.cpp). Consecutive cues of one speaker become
// one turn; cues are ordered by start time.
#include "cues.h"
#include "identity.h"
#include "jsonutil.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace salesflow::sources {

namespace {

/// "01:02:03.456", "02:03.456" (WebVTT) or "01:02:03,456" (SRT) to seconds; -1 when invalid.
double clockSeconds(QString t)
{
    t = t.trimmed().replace(QLatin1Char(','), QLatin1Char('.'));
    static const QRegularExpression re(QStringLiteral("^(?:(\\d+):)?([0-5]?\\d):([0-5]\\d)(?:\\.(\\d{1,3}))?$"));
    const auto m = re.match(t);
    if (!m.hasMatch())
        return -1;
    return m.captured(1).toDouble() * 3600 + m.captured(2).toDouble() * 60 + m.captured(3).toDouble()
        + (m.captured(4).isEmpty() ? 0 : m.captured(4).leftJustified(3, QLatin1Char('0')).toDouble() / 1000);
}

Result<QList<Cue>> parseSegments(const QJsonArray &segments)
{
    QList<Cue> cues;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (!segments[i].isObject())
            return parseError(QStringLiteral("transcript: segments[%1] is not an object").arg(i));
        const QJsonObject s = segments[i].toObject();
        if (!s.value(QLatin1String("text")).isString())
            return parseError(QStringLiteral("transcript: segments[%1].text must be a string").arg(i));
        auto seconds = [&](const char *k) {
            const QJsonValue v = s.value(QLatin1String(k));
            const double t = v.isDouble() ? v.toDouble() : clockSeconds(v.toString());
            return std::isfinite(t) && t >= 0 && t < 1.0e7 ? t : 0.0; // NaN or absurd times would break ordering
        };
        cues.append(Cue{seconds("start"), seconds("end"), firstText(s, {"speaker", "speaker_name", "name"}),
                        tidy(s.value(QLatin1String("text")).toString())});
    }
    return cues;
}

/// What a transcript file holds before it becomes turns.
struct Read
{
    QList<Cue> cues;
    QString format, encoding;
    QJsonArray participants;
};

Result<Read> readJson(const QByteArray &payload)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &err);
    if (err.error != QJsonParseError::NoError)
        return parseError(
            QStringLiteral("transcript: invalid JSON at byte %1: %2").arg(err.offset).arg(err.errorString()));
    Read r;
    Result<QList<Cue>> cues = QList<Cue>();
    if (doc.isArray()) {
        r.format = QStringLiteral("segments");
        cues = parseSegments(doc.array());
    } else if (doc.object().value(QLatin1String("results")).isObject()) {
        r.format = QStringLiteral("aws-transcribe");
        cues = parseAwsTranscribe(doc.object().value(QLatin1String("results")).toObject());
    } else if (doc.object().value(QLatin1String("segments")).isArray()) {
        r.format = QStringLiteral("segments");
        r.participants = doc.object().value(QLatin1String("participants")).toArray();
        cues = parseSegments(doc.object().value(QLatin1String("segments")).toArray());
    } else {
        return parseError(QStringLiteral("transcript: JSON must be AWS Transcribe output ({\"results\": …}) or "
                                         "segments ([{speaker, start, end, text}] or {\"segments\": […]})"));
    }
    if (!cues)
        return cues.error();
    r.cues = cues.value();
    return r;
}

/// The cues of any transcript format, speakers attributed, in order of their start.
Result<Read> readCues(const QByteArray &contentType, const QByteArray &payload, const QByteArray &charset)
{
    Read r;
    if (contentType == "application/json") {
        auto json = readJson(payload);
        if (!json)
            return json.error();
        r = json.value();
    } else {
        const bool vtt = contentType == "text/vtt" || payload.trimmed().startsWith("WEBVTT")
            || payload.startsWith("\xef\xbb\xbfWEBVTT");
        r.format = vtt ? QStringLiteral("webvtt") : QStringLiteral("srt");
        auto cues = vtt ? parseWebVtt(payload) : parseSrt(payload, charset, &r.encoding);
        if (!cues)
            return cues.error();
        r.cues = cues.value();
        attributeSpeakers(r.cues);
    }
    if (r.cues.isEmpty())
        return parseError(QStringLiteral("transcript: no spoken text found (%1)").arg(r.format));
    std::stable_sort(r.cues.begin(), r.cues.end(), [](const Cue &a, const Cue &b) { return a.start < b.start; });
    return r;
}

/// Turns: consecutive cues of one speaker.
QList<Cue> turnsOf(const QList<Cue> &cues)
{
    QList<Cue> turns;
    for (const Cue &c : cues) {
        if (!turns.isEmpty() && turns.last().speaker == c.speaker) {
            turns.last().text += QLatin1Char(' ') + c.text;
            turns.last().end = qMax(turns.last().end, c.end);
        } else {
            turns.append(c);
        }
    }
    return turns;
}

/// Each participant's side; the first prospect (an email domain not in SALESFLOW_OWN_DOMAINS)
/// becomes the event's contact. Without SALESFLOW_OWN_DOMAINS nobody is linked: our rep and the
/// prospect cannot be told apart.
QJsonArray linkParticipants(const QJsonArray &participants, Normalised &n)
{
    const QStringList own
        = qEnvironmentVariable("SALESFLOW_OWN_DOMAINS").toLower().split(QLatin1Char(','), Qt::SkipEmptyParts);
    QJsonArray roles;
    for (const QJsonValue &p : participants) {
        const QJsonObject po = p.toObject();
        const QString email = normaliseEmail(firstText(po, {"email"})), name = firstText(po, {"name"});
        const QString domain = email.section(QLatin1Char('@'), 1);
        const bool ours = !domain.isEmpty() && own.contains(domain);
        const QString side = email.isEmpty() || own.isEmpty() ? QStringLiteral("unknown")
            : ours                                            ? QStringLiteral("ours")
                                                              : QStringLiteral("prospect");
        roles.append(QJsonObject{
            {QStringLiteral("name"), name}, {QStringLiteral("email"), email}, {QStringLiteral("side"), side}});
        if (side == QLatin1String("prospect") && n.contactEmail.isEmpty()) {
            n.contactEmail = email;
            n.actor = name.isEmpty() ? email : QStringLiteral("%1 <%2>").arg(name, email);
        }
    }
    return roles;
}

} // namespace

Result<Normalised> parseTranscript(const QByteArray &contentType, const QByteArray &payload, const QByteArray &charset)
{
    auto read = readCues(contentType, payload, charset);
    if (!read)
        return read.error();
    const QList<Cue> turns = turnsOf(read->cues);
    Normalised n;
    n.kind = QStringLiteral("call_transcript");
    QStringList lines, speakers;
    double end = 0;
    for (const Cue &t : turns) {
        lines << (t.speaker.isEmpty() ? t.text : QStringLiteral("%1: %2").arg(t.speaker, t.text));
        if (!t.speaker.isEmpty() && !speakers.contains(t.speaker))
            speakers << t.speaker;
        end = qMax(end, t.end);
    }
    n.text = lines.join(QLatin1Char('\n'));
    n.subject = speakers.isEmpty() ? QStringLiteral("Call transcript")
                                   : QStringLiteral("Call: %1").arg(speakers.join(QStringLiteral(", ")));
    const QJsonArray roles = linkParticipants(read->participants, n);
    n.companyDomain = companyDomainOf(n.contactEmail);
    if (n.actor.isEmpty())
        n.actor = speakers.join(QStringLiteral(", "));
    n.attributes.insert(QStringLiteral("format"), read->format);
    if (!read->encoding.isEmpty())
        n.attributes.insert(QStringLiteral("encoding"), read->encoding);
    n.attributes.insert(QStringLiteral("speakers"), QJsonArray::fromStringList(speakers));
    n.attributes.insert(QStringLiteral("turns"), int(turns.size()));
    n.attributes.insert(QStringLiteral("duration_seconds"),
                        qint64(std::llround(qBound(0.0, end - read->cues.first().start, 1.0e7))));
    if (!roles.isEmpty())
        n.attributes.insert(QStringLiteral("participants"), roles);
    return n;
}

} // namespace salesflow::sources
