#pragma once
// LocalEngine's private helpers for running work on the store, shared by its .cpp files.

#include "../store/database.h"
#include "localengine.h"

#include <QtConcurrent>

namespace salesflow {

template<typename T, typename F>
QFuture<Result<T>> LocalEngine::onStore(F &&f)
{
    std::shared_ptr<store::Database> db = m_db;
    return QtConcurrent::run(&m_readers, [db, f = std::forward<F>(f)]() -> Result<T> {
        auto c = db->acquire();
        if (!c)
            return c.error();
        Result<T> r = f(*c.value());
        // A pooled connection may have died with a database restart; reads are safe to retry
        // once on a fresh one.
        if (!r.ok() && c.value()->broken()) {
            c = db->acquire();
            if (!c)
                return c.error();
            r = f(*c.value());
        }
        return r;
    });
}

template<typename T, typename F>
QFuture<Result<T>> LocalEngine::onStoreOnce(F &&f)
{
    std::shared_ptr<store::Database> db = m_db;
    return QtConcurrent::run(&m_readers, [db, f = std::forward<F>(f)]() -> Result<T> {
        auto c = db->acquire();
        if (!c)
            return c.error();
        return f(*c.value()); // a write is never run twice: it may have committed before the failure
    });
}

template<typename T, typename F>
QFuture<Result<T>> LocalEngine::onStoreAs(const Caller &caller, Permission needed, F &&f)
{
    if (Status allowed = allow(caller, needed); !allowed)
        return QtFuture::makeReadyFuture(Result<T>(allowed.error()));
    return onStore<T>(std::forward<F>(f));
}

template<typename T>
QFuture<Result<T>> refused(const Error &e)
{
    return QtFuture::makeReadyFuture(Result<T>(e));
}

} // namespace salesflow
