#pragma once

// Text whose encoding or markup the sender did not settle: subtitle files, mail HTML, cue text.
#include <QByteArray>
#include <QString>

namespace salesflow::sources {

/// Text of unknown encoding: a byte-order mark, else valid UTF-8 (whatever was declared), else
/// the `declared` charset when it is one we know and the bytes decode in it cleanly, else what
/// libuchardet detects (windows-1252 when it cannot tell). `encoding` gets the name used.
QString decodeUnknownText(const QByteArray &bytes, const QByteArray &declared, QString *encoding);

/// HTML-style character references (&amp; &lt; &gt; &quot; &apos; &nbsp; &lrm; &rlm; &#NN;
/// &#xHH;) decoded; an unknown one is kept as written. &lrm; and &rlm; vanish (direction marks).
QString decodeCharacterReferences(const QString &text);

} // namespace salesflow::sources
