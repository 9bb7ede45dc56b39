#pragma once

#include "normalised.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow::sources {

/// The payload as a JSON object, or a precise parse error (offset and reason).
Result<QJsonObject> jsonObject(const QByteArray &payload, const char *what);
/// A field as text: strings as they are, numbers without exponent, else empty.
QString text(const QJsonValue &v);
/// The first non-empty of several fields.
QString firstText(const QJsonObject &o, std::initializer_list<const char *> keys);
/// Collapses runs of whitespace and trims; keeps line breaks between paragraphs.
QString tidy(const QString &s);

} // namespace salesflow::sources
