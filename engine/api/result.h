#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace salesflow {

/// How the job queue treats a stage that failed with an Error.
enum class Retry {
    Backoff, ///< try again later with backoff, using an attempt (a timeout, a 5xx, the store away)
    Permanent, ///< a repeat cannot fix it: the event fails at once (unparseable payload, bad key)
    Hold, ///< the outside world asked us to wait `retryAfterMs`: no attempt is used
};

/// A recoverable failure: a stable machine code ("store.unavailable", "ingest.too_large", ...)
/// and a message a person can act on. `httpStatus` is the status the HTTP API answers with.
struct Error
{
    QString code;
    QString message;
    int httpStatus = 500;
    /// For Retry::Hold: how long the job waits before it is tried again.
    qint64 retryAfterMs = 0;
    Retry retry = Retry::Backoff;
};

/// Expected-style result (STYLE habit 6): either a value or an Error, never both.
template<typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) { } // NOLINT: implicit by design
    Result(Error error) : m_error(std::move(error)) { } // NOLINT: implicit by design
    Result() : m_error(Error{QStringLiteral("result.empty"), QStringLiteral("no result"), 500}) { }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

/// Result of an operation that yields nothing but success.
struct Done
{ };
using Status = Result<Done>;

inline Error makeError(const char *code, QString message, int httpStatus = 500)
{
    return Error{QString::fromLatin1(code), std::move(message), httpStatus};
}

/// An error a retry cannot fix (by convention its code starts with "permanent.").
inline Error permanentError(const char *code, QString message, int httpStatus = 500)
{
    return Error{QString::fromLatin1(code), std::move(message), httpStatus, 0, Retry::Permanent};
}

/// Wait `retryAfterMs`, then try again without using an attempt (by convention "hold.*").
inline Error holdError(const char *code, QString message, qint64 retryAfterMs)
{
    return Error{QString::fromLatin1(code), std::move(message), 503, retryAfterMs, Retry::Hold};
}

} // namespace salesflow
