// AWS Transcribe job output (https://docs.aws.amazon.com/transcribe/latest/dg/how-it-works.html):
// `results.audio_segments` when present (one per utterance, with its speaker or channel), else
// `results.channel_labels` (channel identification: agent and customer of a stereo call on two
// channels), else `results.items` with speakers from `speaker_label` or `speaker_labels`.
#include "cues.h"
#include "jsonutil.h"

#include <QHash>

#include <algorithm>
#include <cmath>

namespace salesflow::sources {

namespace {

double secs(const QJsonValue &v)
{
    const double d = text(v).toDouble();
    return std::isfinite(d) && d >= 0 && d < 1.0e7 ? d : 0.0;
}

QList<Cue> fromSegments(const QJsonArray &segments)
{
    QList<Cue> cues;
    for (const QJsonValue &v : segments) {
        const QJsonObject s = v.toObject();
        const QString said = tidy(text(s.value(QLatin1String("transcript"))));
        if (said.isEmpty())
            continue;
        QString who = text(s.value(QLatin1String("speaker_label")));
        if (who.isEmpty())
            who = text(s.value(QLatin1String("channel_label")));
        cues.append(
            Cue{secs(s.value(QLatin1String("start_time"))), secs(s.value(QLatin1String("end_time"))), who, said});
    }
    return cues;
}

/// Items to cues, one per run of the same speaker; `speakerOf` names an item's speaker.
Result<QList<Cue>> fromItems(const QJsonArray &items, const std::function<QString(const QJsonObject &)> &speakerOf)
{
    QList<Cue> cues;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject it = items[i].toObject();
        const QString content = text(
            it.value(QLatin1String("alternatives")).toArray().first().toObject().value(QLatin1String("content")));
        if (content.isEmpty())
            return parseError(QStringLiteral("transcript: AWS items[%1] has no alternatives[0].content").arg(i));
        if (it.value(QLatin1String("type")).toString() == QLatin1String("punctuation")) {
            if (!cues.isEmpty())
                cues.last().text += content;
            continue;
        }
        const QString speaker = speakerOf(it);
        const double start = secs(it.value(QLatin1String("start_time"))),
                     end = secs(it.value(QLatin1String("end_time")));
        // A pause of over a second ends the cue: on one channel of a call, the other side spoke.
        if (!cues.isEmpty() && cues.last().speaker == speaker && start - cues.last().end <= 1.0) {
            cues.last().text += QLatin1Char(' ') + content;
            cues.last().end = end;
        } else {
            cues.append(Cue{start, end, speaker, content});
        }
    }
    return cues;
}

Result<QList<Cue>> fromChannels(const QJsonArray &channels)
{
    QList<Cue> cues;
    for (const QJsonValue &ch : channels) {
        const QJsonObject c = ch.toObject();
        const QString label = text(c.value(QLatin1String("channel_label")));
        auto one = fromItems(c.value(QLatin1String("items")).toArray(), [&label](const QJsonObject &it) {
            const QString own = text(it.value(QLatin1String("speaker_label")));
            return own.isEmpty() ? label : own;
        });
        if (!one)
            return one.error();
        cues += one.value();
    }
    std::stable_sort(cues.begin(), cues.end(), [](const Cue &a, const Cue &b) { return a.start < b.start; });
    return cues;
}

} // namespace

Result<QList<Cue>> parseAwsTranscribe(const QJsonObject &results)
{
    if (const QJsonArray segments = results.value(QLatin1String("audio_segments")).toArray(); !segments.isEmpty())
        return fromSegments(segments);
    const QJsonArray channels
        = results.value(QLatin1String("channel_labels")).toObject().value(QLatin1String("channels")).toArray();
    Result<QList<Cue>> cues = QList<Cue>();
    if (!channels.isEmpty()) {
        cues = fromChannels(channels);
    } else {
        // Older outputs put speakers only in speaker_labels.segments[].items; map by start time.
        QHash<QString, QString> speakerAt;
        for (const QJsonValue &seg :
             results.value(QLatin1String("speaker_labels")).toObject().value(QLatin1String("segments")).toArray()) {
            for (const QJsonValue &it : seg.toObject().value(QLatin1String("items")).toArray())
                speakerAt.insert(text(it.toObject().value(QLatin1String("start_time"))),
                                 text(it.toObject().value(QLatin1String("speaker_label"))));
        }
        cues = fromItems(results.value(QLatin1String("items")).toArray(), [&speakerAt](const QJsonObject &it) {
            const QString own = text(it.value(QLatin1String("speaker_label")));
            return own.isEmpty() ? speakerAt.value(text(it.value(QLatin1String("start_time")))) : own;
        });
    }
    if (cues && cues->isEmpty()) { // no items: fall back on the flat transcript text
        const QString flat = text(results.value(QLatin1String("transcripts"))
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value(QLatin1String("transcript")));
        if (!flat.isEmpty())
            cues->append(Cue{0, 0, QString(), flat});
    }
    return cues;
}

} // namespace salesflow::sources
