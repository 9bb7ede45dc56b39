#include "authcache.h"

namespace salesflow::local {

std::optional<Caller> AuthCache::find(const QByteArray &tokenHash, qint64 now)
{
    QMutexLocker lock(&m_mutex);
    if (now - m_checkedMs >= kCheckMs)
        return std::nullopt;
    auto it = m_entries.constFind(tokenHash);
    if (it == m_entries.cend() || it->expiresMs <= now)
        return std::nullopt;
    return it->caller;
}

void AuthCache::insert(const QByteArray &tokenHash, const Caller &caller, qint64 now)
{
    QMutexLocker lock(&m_mutex);
    if (m_entries.size() > 10000)
        m_entries.clear();
    m_entries.insert(tokenHash, {caller, now + kTtlMs, now});
}

std::optional<Caller> AuthCache::findWhileStoreDown(const QByteArray &tokenHash, qint64 now)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.constFind(tokenHash);
    if (it == m_entries.cend() || now - it->verifiedMs >= kWhileDownMs)
        return std::nullopt;
    return it->caller;
}

void AuthCache::revocationsRead(const QString &marker, qint64 now)
{
    QMutexLocker lock(&m_mutex);
    if (marker != m_marker)
        m_entries.clear();
    m_marker = marker;
    m_checkedMs = now;
}

void AuthCache::clear()
{
    QMutexLocker lock(&m_mutex);
    m_entries.clear();
    m_checkedMs = 0;
}

} // namespace salesflow::local
