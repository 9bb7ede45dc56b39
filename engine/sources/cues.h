#pragma once

// The timed text of call transcripts, as each format's parser reads it (transcript.cpp turns
// cues into speaker turns). Parsers fail only when a file has no usable cue at all; a malformed
// cue is skipped, as the players and the formats' own parsing rules do.
#include "../api/result.h"
#include "textdecode.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace salesflow::sources {

struct Cue
{
    double start = 0, end = 0;
    QString speaker;
    QString text;
};

/// WebVTT by the W3C parsing algorithm (webvtt.cpp): header lines, NOTE/STYLE/REGION blocks and
/// cues whose timing line does not parse are skipped; a "-->" line inside a cue's text starts
/// the next cue; cue text loses its tags, character references are decoded, and a cue with
/// several <v> voices becomes one cue per voice.
Result<QList<Cue>> parseWebVtt(const QByteArray &payload);

/// SRT as subtitle tools write it (srt.cpp): any encoding — a byte-order mark, else the
/// `declared` charset (the Content-Type's), else detected; `encoding` gets the one read —, index
/// lines optional, 1–2 digit timecode fields, "," or "." before the milliseconds, blank lines
/// inside text, {\an8}-style override codes and <i>/<font> tags removed.
Result<QList<Cue>> parseSrt(const QByteArray &payload, const QByteArray &declared, QString *encoding);

/// AWS Transcribe job output's `results` (awstranscribe.cpp): audio_segments, channel_labels
/// (one speaker per channel: stereo call recordings), speaker_labels, or the bare items.
Result<QList<Cue>> parseAwsTranscribe(const QJsonObject &results);

/// Speakers for cues that have none, from "Name: …", "[Name] …", ">> Name: …" and "- Name: …"
/// prefixes — taken only when the file's own pattern supports it: a name recurs, or most cues
/// carry a prefix, and it is short (≤ 3 words, no sentence words such as "and", "says").
void attributeSpeakers(QList<Cue> &cues);

} // namespace salesflow::sources
