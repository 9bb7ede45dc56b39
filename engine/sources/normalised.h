#pragma once

#include "../api/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace salesflow::sources {

/// A property value HubSpot says an object had at a moment (webhook propertyChange).
struct PropertyChange
{
    QString property;
    QString value;
    qint64 occurredAtMs = 0;
    /// HubSpot sent "REDACTED" for a sensitive property: the change is known, its value is not
    /// (the snapshot records that, never the placeholder as if it were the value).
    bool redacted = false;
};

/// The internal model every source is turned into (PRODUCT.md, normalised_events), plus the
/// identities the normalise stage links to crm_entities.
struct Normalised
{
    QString kind; ///< form_submission, chat, product_track, crm_change, ...
    qint64 occurredAtMs = 0; ///< when it happened (0: unknown, the stage uses received_at)
    QString actor; ///< who: a person's name and/or email, as the source gives it
    QString contactEmail; ///< normalised email of the prospect, empty when unknown
    QString companyName;
    QString companyDomain; ///< never a free-mail domain
    /// The company as stored and shown: its name, else its domain.
    QString company() const { return companyName.isEmpty() ? companyDomain : companyName; }
    QString dealRef; ///< an explicit deal reference
    QString subject;
    QString text; ///< what the enrich stage reads
    QJsonObject attributes; ///< everything else worth keeping (source ids, URLs, context)

    // HubSpot-origin objects, linked by their HubSpot id rather than by email/domain.
    QString hubspotObjectType; ///< contact | company | deal
    QString hubspotObjectId;
    QList<PropertyChange> propertyChanges;
};

/// Parses one raw event. Errors are precise (what was wrong, where) and carry the code
/// "permanent.parse": a payload that cannot be parsed will not parse on retry; it stays stored
/// raw and can be replayed after a fix.
Result<Normalised> normalise(const QString &source, const QByteArray &contentType, const QByteArray &payload);

// One parser per source format (engine/sources/<source>.cpp).
Result<Normalised> parseForm(const QByteArray &contentType, const QByteArray &payload);
Result<Normalised> parseChat(const QByteArray &payload);
Result<Normalised> parseProduct(const QByteArray &payload);
Result<Normalised> parseHubspotEvent(const QByteArray &payload);
/// `charset`: what the Content-Type declared (SRT only: WebVTT is UTF-8 by definition).
Result<Normalised> parseTranscript(const QByteArray &contentType, const QByteArray &payload,
                                   const QByteArray &charset = {});
Result<Normalised> parseEmail(const QByteArray &contentType, const QByteArray &payload);
QString htmlToText(const QString &html);
QString trimReply(const QString &body);

Error parseError(const QString &what);

} // namespace salesflow::sources
