#pragma once

#include "../api/caller.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>

#include <optional>

namespace salesflow::local {

/// Token lookups remembered for a few seconds, so ingest does not ask the store on every post —
/// but never past a revocation: a cached answer is only used while the store's revocation
/// marker was read less than `checkMs` ago (any process's revocation is seen within that), and
/// a revocation in this process clears the cache at once.
class AuthCache
{
public:
    static constexpr qint64 kTtlMs = 10000;
    static constexpr qint64 kCheckMs = 250;

    static constexpr qint64 kWhileDownMs = 15 * 60 * 1000;

    /// The caller of `tokenHash`, when cached and the revocation marker is fresh.
    std::optional<Caller> find(const QByteArray &tokenHash, qint64 now);
    /// While the store cannot be reached: the caller of a token the store vouched for within
    /// kWhileDownMs (no revocation can happen meanwhile: it needs the store). What such a caller
    /// may do without the store is little — a Prometheus scrape reporting `salesflow_store_up 0`.
    std::optional<Caller> findWhileStoreDown(const QByteArray &tokenHash, qint64 now);
    void insert(const QByteArray &tokenHash, const Caller &caller, qint64 now);
    /// The store's revocation marker as just read: the cache is dropped when it moved.
    void revocationsRead(const QString &marker, qint64 now);
    void clear();

private:
    struct Entry
    {
        Caller caller;
        qint64 expiresMs;
        qint64 verifiedMs;
    };
    QMutex m_mutex;
    QHash<QByteArray, Entry> m_entries;
    QString m_marker;
    qint64 m_checkedMs = 0;
};

} // namespace salesflow::local
