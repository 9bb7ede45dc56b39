#include "httptransport.h"

namespace salesflow::http {

QByteArray HttpHead::header(const char *name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return QByteArray();
}

} // namespace salesflow::http
