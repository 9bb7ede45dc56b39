#pragma once
// GMime objects owned for a scope, and GMime initialised once (email.cpp, inboundmail.cpp).

#include <QByteArray>

#include <gmime/gmime.h>

#include <mutex>

namespace salesflow::sources {

/// Unrefs the GObject when the scope ends; null is allowed (GMime returns null on failure).
template<typename T>
struct GObjectRef
{
    T *p;
    explicit GObjectRef(T *object) : p(object) { }
    GObjectRef(const GObjectRef &) = delete;
    GObjectRef &operator=(const GObjectRef &) = delete;
    ~GObjectRef()
    {
        if (p)
            g_object_unref(p);
    }
};

inline void ensureGMime()
{
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

/// A memory stream's bytes, copied.
inline QByteArray streamBytes(GMimeStream *memoryStream)
{
    GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memoryStream));
    return a ? QByteArray(reinterpret_cast<const char *>(a->data), qsizetype(a->len)) : QByteArray();
}

} // namespace salesflow::sources
