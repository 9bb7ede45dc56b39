// Call transcripts: WebVTT (Zoom, Teams, Meet exports; <v Speaker> voice spans or "Speaker:"
// prefixes), SRT, AWS Transcribe JSON (results.transcripts, items, speaker_labels) and a plain
// JSON list of segments ({speaker, start, end, text}, optionally {participants, segments}).
// Consecutive cues of one speaker become one turn; cues are ordered by start time.
#include "identity.h"
#include "jsonutil.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace salesflow::sources {

namespace {

struct Cue
{
    double start = 0, end = 0;
    QString speaker;
    QString text;
};

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

/// Speaker and plain text of a cue payload: <v Name>…</v>, "Name: …" or "[Name] …".
void speakerOf(QString payload, Cue &cue)
{
    static const QRegularExpression voice(QStringLiteral("<v(?:\\.[^ >]*)?\\s+([^>]+)>"));
    static const QRegularExpression tags(QStringLiteral("</?[^>]+>"));
    static const QRegularExpression prefix(
        QStringLiteral("^\\s*(?:\\[([^\\]]{1,60})\\]|([A-Z][\\w .'-]{0,40}?)):\\s+"));
    const auto v = voice.match(payload);
    if (v.hasMatch())
        cue.speaker = v.captured(1).trimmed();
    payload.replace(tags, QString());
    const auto p = prefix.match(payload);
    if (cue.speaker.isEmpty() && p.hasMatch()) {
        cue.speaker = (p.captured(1).isEmpty() ? p.captured(2) : p.captured(1)).trimmed();
        payload = payload.mid(p.capturedEnd());
    } else if (p.hasMatch() && p.captured(1).isEmpty() && p.captured(2).trimmed() == cue.speaker) {
        payload = payload.mid(p.capturedEnd());
    }
    cue.text = tidy(payload.replace(QLatin1Char('\n'), QLatin1Char(' ')));
}

Result<QList<Cue>> parseCues(const QByteArray &payload, bool vtt)
{
    QString s = QString::fromUtf8(payload);
    s.replace(QLatin1String("\r\n"), QLatin1String("\n")).replace(QLatin1Char('\r'), QLatin1Char('\n'));
    if (s.startsWith(QChar(0xfeff)))
        s.remove(0, 1);
    const QStringList lines = s.split(QLatin1Char('\n'));
    qsizetype i = 0;
    const char *format = vtt ? "WebVTT" : "SRT";
    if (vtt) {
        if (!lines.value(0).startsWith(QLatin1String("WEBVTT")))
            return parseError(QStringLiteral("transcript: a WebVTT file starts with \"WEBVTT\" (line 1 is \"%1\")")
                                  .arg(lines.value(0).left(40)));
        i = 1;
    }
    QList<Cue> cues;
    while (i < lines.size()) {
        while (i < lines.size() && lines[i].trimmed().isEmpty())
            ++i;
        if (i >= lines.size())
            break;
        const qsizetype blockStart = i;
        QStringList block;
        while (i < lines.size() && !lines[i].trimmed().isEmpty())
            block << lines[i++];
        if (vtt
            && (block.first().startsWith(QLatin1String("NOTE")) || block.first().startsWith(QLatin1String("STYLE"))
                || block.first().startsWith(QLatin1String("REGION"))))
            continue;
        int timing = block.first().contains(QLatin1String("-->")) ? 0 : 1; // an optional cue id / SRT index first
        if (timing >= block.size() || !block[timing].contains(QLatin1String("-->")))
            return parseError(QStringLiteral("transcript: %1 cue at line %2 has no \"start --> end\" timing line")
                                  .arg(QString::fromLatin1(format))
                                  .arg(blockStart + 1));
        const QStringList range = block[timing].split(QLatin1String("-->"));
        Cue cue;
        cue.start = clockSeconds(range.value(0));
        cue.end = clockSeconds(range.value(1).trimmed().section(QLatin1Char(' '), 0, 0));
        if (cue.start < 0 || cue.end < 0)
            return parseError(QStringLiteral("transcript: bad timestamp \"%1\" at line %2")
                                  .arg(block[timing].trimmed())
                                  .arg(blockStart + timing + 1));
        if (cue.end < cue.start)
            return parseError(
                QStringLiteral("transcript: cue at line %1 ends before it starts").arg(blockStart + timing + 1));
        speakerOf(block.mid(timing + 1).join(QLatin1Char('\n')), cue);
        if (!cue.text.isEmpty())
            cues.append(cue);
    }
    return cues;
}

Result<QList<Cue>> parseAws(const QJsonObject &results)
{
    const QJsonArray items = results.value(QLatin1String("items")).toArray();
    QList<Cue> cues;
    // Older outputs put speakers only in speaker_labels.segments[].items; map by start time.
    QHash<QString, QString> speakerAt;
    for (const QJsonValue &seg :
         results.value(QLatin1String("speaker_labels")).toObject().value(QLatin1String("segments")).toArray()) {
        for (const QJsonValue &it : seg.toObject().value(QLatin1String("items")).toArray())
            speakerAt.insert(text(it.toObject().value(QLatin1String("start_time"))),
                             text(it.toObject().value(QLatin1String("speaker_label"))));
    }
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject it = items[i].toObject();
        const QString content = text(
            it.value(QLatin1String("alternatives")).toArray().first().toObject().value(QLatin1String("content")));
        if (content.isEmpty())
            return parseError(
                QStringLiteral("transcript: AWS results.items[%1] has no alternatives[0].content").arg(i));
        if (it.value(QLatin1String("type")).toString() == QLatin1String("punctuation")) {
            if (!cues.isEmpty())
                cues.last().text += content;
            continue;
        }
        const QString start = text(it.value(QLatin1String("start_time")));
        QString speaker = text(it.value(QLatin1String("speaker_label")));
        if (speaker.isEmpty())
            speaker = speakerAt.value(start);
        auto secs = [](const QString &t) {
            const double d = t.toDouble();
            return std::isfinite(d) && d >= 0 && d < 1.0e7 ? d : 0.0;
        };
        Cue cue{secs(start), secs(text(it.value(QLatin1String("end_time")))), speaker, content};
        if (!cues.isEmpty() && cues.last().speaker == speaker) {
            cues.last().text += QLatin1Char(' ') + content;
            cues.last().end = cue.end;
        } else {
            cues.append(cue);
        }
    }
    if (cues.isEmpty()) { // no items: fall back on the flat transcript text
        const QString flat = text(results.value(QLatin1String("transcripts"))
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value(QLatin1String("transcript")));
        if (!flat.isEmpty())
            cues.append(Cue{0, 0, QString(), flat});
    }
    return cues;
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

} // namespace

Result<Normalised> parseTranscript(const QByteArray &contentType, const QByteArray &payload)
{
    Result<QList<Cue>> cues;
    QString format;
    QJsonArray participants;
    if (contentType == "application/json") {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(payload, &err);
        if (err.error != QJsonParseError::NoError)
            return parseError(
                QStringLiteral("transcript: invalid JSON at byte %1: %2").arg(err.offset).arg(err.errorString()));
        if (doc.isArray()) {
            format = QStringLiteral("segments");
            cues = parseSegments(doc.array());
        } else if (doc.object().value(QLatin1String("results")).isObject()) {
            format = QStringLiteral("aws-transcribe");
            cues = parseAws(doc.object().value(QLatin1String("results")).toObject());
        } else if (doc.object().value(QLatin1String("segments")).isArray()) {
            format = QStringLiteral("segments");
            participants = doc.object().value(QLatin1String("participants")).toArray();
            cues = parseSegments(doc.object().value(QLatin1String("segments")).toArray());
        } else {
            return parseError(
                QStringLiteral("transcript: JSON must be AWS Transcribe output ({\"results\": …}) or segments "
                               "([{speaker, start, end, text}] or {\"segments\": […]})"));
        }
    } else {
        const bool vtt = contentType == "text/vtt" || payload.trimmed().startsWith("WEBVTT")
            || payload.startsWith("\xef\xbb\xbfWEBVTT");
        format = vtt ? QStringLiteral("webvtt") : QStringLiteral("srt");
        cues = parseCues(payload, vtt);
    }
    if (!cues)
        return cues.error();
    QList<Cue> list = cues.value();
    if (list.isEmpty())
        return parseError(QStringLiteral("transcript: no spoken text found (%1)").arg(format));
    std::stable_sort(list.begin(), list.end(), [](const Cue &a, const Cue &b) { return a.start < b.start; });
    // Turns: consecutive cues of one speaker.
    QList<Cue> turns;
    for (const Cue &c : std::as_const(list)) {
        if (!turns.isEmpty() && turns.last().speaker == c.speaker) {
            turns.last().text += QLatin1Char(' ') + c.text;
            turns.last().end = qMax(turns.last().end, c.end);
        } else {
            turns.append(c);
        }
    }
    Normalised n;
    n.kind = QStringLiteral("call_transcript");
    QStringList lines, speakers;
    double end = 0;
    for (const Cue &t : std::as_const(turns)) {
        lines << (t.speaker.isEmpty() ? t.text : QStringLiteral("%1: %2").arg(t.speaker, t.text));
        if (!t.speaker.isEmpty() && !speakers.contains(t.speaker))
            speakers << t.speaker;
        end = qMax(end, t.end);
    }
    n.text = lines.join(QLatin1Char('\n'));
    n.subject = speakers.isEmpty() ? QStringLiteral("Call transcript")
                                   : QStringLiteral("Call: %1").arg(speakers.join(QStringLiteral(", ")));
    // Who is the prospect: a participant whose email domain is not one of ours (SALESFLOW_OWN_DOMAINS).
    const QStringList own
        = qEnvironmentVariable("SALESFLOW_OWN_DOMAINS").toLower().split(QLatin1Char(','), Qt::SkipEmptyParts);
    QJsonArray roles;
    for (const QJsonValue &p : participants) {
        const QJsonObject po = p.toObject();
        const QString email = normaliseEmail(firstText(po, {"email"}));
        const QString domain = email.section(QLatin1Char('@'), 1);
        const bool ours = !domain.isEmpty() && own.contains(domain);
        roles.append(QJsonObject{{QStringLiteral("name"), firstText(po, {"name"})},
                                 {QStringLiteral("email"), email},
                                 {QStringLiteral("side"),
                                  email.isEmpty() || own.isEmpty() ? QStringLiteral("unknown")
                                      : ours                       ? QStringLiteral("ours")
                                                                   : QStringLiteral("prospect")}});
        // Without SALESFLOW_OWN_DOMAINS we cannot tell our rep from the prospect: link nobody.
        if (!own.isEmpty() && !ours && !email.isEmpty() && n.contactEmail.isEmpty()) {
            n.contactEmail = email;
            n.actor = firstText(po, {"name"}).isEmpty() ? email
                                                        : QStringLiteral("%1 <%2>").arg(firstText(po, {"name"}), email);
        }
    }
    n.companyDomain = companyDomainOf(n.contactEmail);
    if (n.actor.isEmpty())
        n.actor = speakers.join(QStringLiteral(", "));
    n.attributes.insert(QStringLiteral("format"), format);
    n.attributes.insert(QStringLiteral("speakers"), QJsonArray::fromStringList(speakers));
    n.attributes.insert(QStringLiteral("turns"), int(turns.size()));
    n.attributes.insert(QStringLiteral("duration_seconds"),
                        qint64(std::llround(qBound(0.0, end - list.first().start, 1.0e7))));
    if (!roles.isEmpty())
        n.attributes.insert(QStringLiteral("participants"), roles);
    return n;
}

} // namespace salesflow::sources
