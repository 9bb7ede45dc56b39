#include "mhdexchange.h"

#include "framing.h"

namespace salesflow::http {

MhdExchange::MhdExchange(MHD_Connection *connection, std::function<bool(MhdExchange *, bool)> onSuspend)
    : m_connection(connection), m_onSuspend(std::move(onSuspend))
{ }

void MhdExchange::respond(HttpResponse response)
{
    std::lock_guard lock(m_mutex);
    if (m_answer || !m_connection)
        return;
    m_answer = std::move(response);
    if (m_suspended) {
        m_suspended = false;
        m_onSuspend(this, false);
        MHD_resume_connection(m_connection);
    }
}

void MhdExchange::admit()
{
    std::lock_guard lock(m_mutex);
    phase = Phase::Body;
    if (m_suspended && m_connection) {
        m_suspended = false;
        m_onSuspend(this, false);
        MHD_resume_connection(m_connection);
    }
}

bool MhdExchange::suspendUnlessAnswered()
{
    std::lock_guard lock(m_mutex);
    if (m_answer)
        return false;
    if (!m_onSuspend(this, true)) {
        m_answer = refusal(503, "Service Unavailable", QStringLiteral("the server is stopping; try again"));
        return false;
    }
    m_suspended = true;
    MHD_suspend_connection(m_connection);
    return true;
}

bool MhdExchange::queueAnswer()
{
    std::lock_guard lock(m_mutex);
    if (!m_answer || m_queued)
        return m_queued;
    const HttpResponse &a = *m_answer;
    MHD_Response *r = MHD_create_response_from_buffer(size_t(a.body.size()), const_cast<char *>(a.body.constData()),
                                                      MHD_RESPMEM_MUST_COPY);
    if (!r)
        return false; // out of memory: the caller closes the connection
    if (!a.body.isEmpty() || a.status != 204)
        MHD_add_response_header(r, "Content-Type", a.contentType.constData());
    for (const auto &h : a.headers)
        MHD_add_response_header(r, h.first.constData(), h.second.constData());
    if (a.close)
        MHD_add_response_header(r, "Connection", "close");
    // Refused while a body is still arriving (libmicrohttpd 0.9.75 takes an answer only before
    // the body or after it): the caller drops the rest of the body and tries again at its end.
    m_queued = MHD_queue_response(m_connection, unsigned(a.status), r) == MHD_YES;
    MHD_destroy_response(r);
    return m_queued;
}

bool MhdExchange::answered()
{
    std::lock_guard lock(m_mutex);
    return m_answer.has_value();
}

void MhdExchange::detach()
{
    std::lock_guard lock(m_mutex);
    if (m_suspended)
        m_onSuspend(this, false);
    m_suspended = false;
    m_connection = nullptr;
}

} // namespace salesflow::http
