#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace salesflow {

/// A recoverable failure: a stable machine code ("store.unavailable", "ingest.too_large", ...)
/// and a message a person can act on. `httpStatus` is the status the HTTP API answers with.
struct Error
{
    QString code;
    QString message;
    int httpStatus = 500;
    /// For "hold." errors: how long the job waits before it is tried again (no attempt used).
    qint64 retryAfterMs = 0;
};

/// Expected-style result (STYLE habit 6): either a value or an Error, never both.
template <typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}                // NOLINT: implicit by design
    Result(Error error) : m_error(std::move(error)) {}            // NOLINT: implicit by design
    Result() : m_error(Error{QStringLiteral("result.empty"), QStringLiteral("no result"), 500}) {}

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
{
};
using Status = Result<Done>;

inline Error makeError(const char *code, QString message, int httpStatus = 500)
{
    return Error{QString::fromLatin1(code), std::move(message), httpStatus};
}

} // namespace salesflow
