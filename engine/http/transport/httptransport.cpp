#include "httptransport.h"

namespace salesflow::http {

QByteArray headerValue(const HeaderList &headers, const char *name)
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return QByteArray();
}

QByteArray HttpHead::header(const char *name) const
{
    return headerValue(headers, name);
}

} // namespace salesflow::http
