#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFuture>
#include <QThread>

namespace salesflow::test {

/// The future's result, serving the calling thread's event loop meanwhile (an in-process HTTP
/// server may need it to answer). Fatal after `timeoutMs`: a hung engine fails the test loudly.
template<typename T>
T await(QFuture<T> future, int timeoutMs = 60000)
{
    QElapsedTimer waited;
    waited.start();
    while (!future.isFinished()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!future.isFinished())
            QThread::usleep(300);
        if (waited.elapsed() > timeoutMs)
            qFatal("an engine call did not finish within %d ms", timeoutMs);
    }
    return future.result();
}

} // namespace salesflow::test
