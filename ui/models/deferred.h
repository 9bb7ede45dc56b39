#pragma once

#include <QFuture>
#include <QObject>

namespace salesflow::ui {

/// Like `future.then(context, f)`, but `f` never runs inside this call: a future that is already
/// finished (an engine refusing at once, a fast store) would otherwise call it synchronously, and
/// a model asked to fetchMore() from inside one of its own signals (a view, QAbstractItemModelTester
/// in modelReset) would then insert rows while that change is still being announced.
template<typename T, typename F>
void whenDone(QFuture<T> future, QObject *context, F f)
{
    auto inside = std::make_shared<bool>(true);
    future.then(context, [context, inside, f = std::move(f)](const T &value) mutable {
        if (!*inside)
            return f(value);
        QMetaObject::invokeMethod(
            context, [f = std::move(f), value]() mutable { f(value); }, Qt::QueuedConnection);
    });
    *inside = false;
}

} // namespace salesflow::ui
