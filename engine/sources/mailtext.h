#pragma once

// Mail text that GMime leaves to us (email.cpp): header words and the head/body boundary.
#include <QByteArray>
#include <QString>

namespace salesflow::sources {

/// An unstructured header's raw value (Subject, Comments) as RFC 2047 reads it: encoded-words
/// decoded, the white space between adjacent ones dropped, adjacent words of one charset joined
/// before decoding (a character split across words stays whole), folding undone. Text that is
/// not UTF-8 is read as Latin-1. Never fails: a malformed encoded-word stays as written.
QString decodeHeaderText(const QByteArray &raw);

/// A structured header's raw value (From, To) with each run of adjacent encoded-words of one
/// charset rewritten as one base64 word of their joined bytes, for a parser that decodes words
/// one by one (GMime 3.2 drops the words after one ending in '=' padding). Unchanged otherwise.
QByteArray joinEncodedWords(const QByteArray &raw);

/// The message as mail clients read it when its head is sloppy: blank or white-space lines
/// before the first header and an mbox "From " line are dropped; a body that starts right after
/// the header lines, with no blank line, gets one. `repair` says what was done (empty: nothing).
QByteArray tidyMessageHead(const QByteArray &message, QString *repair);
/// The Message-ID header of a raw RFC 5322 message as written ("<id@host>"), read from its head
/// only (the door keys raw mail by it; the body is parsed in the normalise stage). Empty if none.
QString rawMessageId(const QByteArray &message);

} // namespace salesflow::sources
