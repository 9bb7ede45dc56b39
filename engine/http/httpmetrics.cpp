#include "httpmetrics.h"

namespace salesflow::http {

void HttpMetrics::response(int status)
{
    QMutexLocker lock(&m_mutex);
    ++m_responses[status];
}

QByteArray HttpMetrics::exposition() const
{
    QByteArray out = "# HELP salesflow_http_requests_total HTTP requests received.\n"
                     "# TYPE salesflow_http_requests_total counter\n"
                     "salesflow_http_requests_total "
        + QByteArray::number(m_requests.load())
        + "\n"
          "# HELP salesflow_http_responses_total HTTP responses sent, by status code.\n"
          "# TYPE salesflow_http_responses_total counter\n";
    QMutexLocker lock(&m_mutex);
    for (auto it = m_responses.cbegin(); it != m_responses.cend(); ++it)
        out += "salesflow_http_responses_total{code=\"" + QByteArray::number(it.key()) + "\"} "
            + QByteArray::number(it.value()) + "\n";
    return out;
}

} // namespace salesflow::http
