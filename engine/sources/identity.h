#pragma once

#include <QString>

namespace salesflow::sources {

/// A usable email address in canonical form (trimmed, lower-case, "mailto:" and display name
/// removed), or empty when `raw` is not one.
QString normaliseEmail(const QString &raw);

/// The company domain of an email or URL: lower-case host without "www."; empty for free-mail
/// providers (gmail.com, outlook.com, ...), where the domain says nothing about the company.
QString companyDomainOf(const QString &emailOrUrl);
bool isFreeMailDomain(const QString &domain);

/// ISO 8601 text or epoch (ms, or s when small) to epoch ms; 0 when unparseable.
qint64 parseTimestamp(const QString &text);

} // namespace salesflow::sources
