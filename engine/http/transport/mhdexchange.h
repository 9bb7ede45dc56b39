#pragma once

#include "httptransport.h"

#include <microhttpd.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace salesflow::http {

/// One request on a libmicrohttpd connection, from its head to its answer. The transport's
/// access handler drives it on the connection's thread; respond() may come from any thread: it
/// stores the answer and resumes the suspended connection, whose next access-handler call queues
/// it (libmicrohttpd only takes a response there).
class MhdExchange final : public IHttpResponder, public std::enable_shared_from_this<MhdExchange>
{
public:
    enum class Phase { Screening, Body, Handling };

    /// `onSuspend(true)` before the connection is suspended (false: the server is stopping, do
    /// not), `(false)` when it is resumed: the transport keeps the suspended ones for stop().
    MhdExchange(MHD_Connection *connection, std::function<bool(MhdExchange *, bool)> onSuspend);

    void respond(HttpResponse response) override;
    /// screen() let the request in: read the body.
    void admit();
    /// Suspends the connection unless an answer is already there, or the server is stopping
    /// (then the answer is a 503): false means the caller queues the answer now.
    bool suspendUnlessAnswered();
    /// Queues the stored answer, once; true when it is queued (now or before), false when there
    /// is none yet or libmicrohttpd cannot take it while the body is still arriving.
    bool queueAnswer();
    bool answered();
    /// The connection is gone (request completed or aborted): nothing is resumed any more.
    void detach();

    HttpHead head;
    QByteArray body;
    Phase phase = Phase::Screening;
    qint64 dropped = 0; ///< body bytes dropped after an early answer
    qint64 limit = 0; ///< the most body bytes this request may send (its route's limit)
    bool headAgain = false; ///< suspended while screening: the next empty call repeats the head

private:
    std::mutex m_mutex;
    MHD_Connection *m_connection;
    std::function<bool(MhdExchange *, bool)> m_onSuspend;
    std::optional<HttpResponse> m_answer;
    bool m_suspended = false;
    bool m_queued = false;
};

} // namespace salesflow::http
