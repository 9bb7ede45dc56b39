#pragma once

#include "iengine.h"

#include <QObject>

namespace salesflow {

/// Follows an engine's change feed and announces it with signals, the same way for an engine in
/// process and one across the network: a long poll of IEngine::changes, always one in flight.
/// The first answer carries the counts per status; later ones each event that changed. Failures
/// are announced and retried every few seconds; a cursor the engine no longer knows (another
/// store) starts over from "now". Lives in the thread that created it; nothing blocks there.
class ChangeWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeWatcher)

public:
    ChangeWatcher(IEngine *engine, Caller caller, QObject *parent = nullptr);
    ~ChangeWatcher() override;

    void start();
    void stop();
    bool running() const { return m_running; }

Q_SIGNALS:
    /// Events that changed since the last signal, and the counts per status now.
    void changed(const salesflow::ChangeSet &changes);
    /// The feed could not be read (it is tried again after 1, 2, 4, 8, then every 10 s).
    void failed(const QString &message);
    /// The feed answers again after failures (it goes on from where it was: no change is missed).
    void reconnected();

private:
    void poll(int waitMs);

    IEngine *m_engine;
    Caller m_caller;
    QString m_cursor;
    bool m_running = false;
    quint64 m_generation = 0; // answers of an earlier start() are dropped
    int m_failures = 0; // in a row
};

} // namespace salesflow

Q_DECLARE_METATYPE(salesflow::ChangeSet)
