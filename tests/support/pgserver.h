#pragma once

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace salesflow::test {

/// A private PostgreSQL for tests and benchmarks: initdb in a temporary directory, started on
/// a free loopback port, stopped (and deleted) on destruction. As root it runs as the
/// `postgres` user through runuser, because initdb refuses root.
class PgServer
{
public:
    struct Options
    {
        bool fsync = false; ///< benchmarks turn it on; tests do not need it
        int maxConnections = 200;
        bool statementStats = false; ///< preload pg_stat_statements (planning included), for profiles
    };
    PgServer();
    explicit PgServer(Options options);
    ~PgServer();

    /// Starts the server; false with `error()` when it cannot.
    bool start();
    void stop();
    /// Restarts in place (same data, same port): the "database restart" of the reliability tests.
    bool restart();

    /// Creates a fresh database and returns its URL.
    QString createDatabase(const QString &name);
    QString url(const QString &db = QStringLiteral("postgres")) const;
    int port() const { return m_port; }
    QString binDir() const { return m_bin; }
    QString socketDir() const;
    QString error() const { return m_error; }

    /// The process-wide server for test executables (started on first use).
    static PgServer *shared();

private:
    bool run(const QStringList &command, QString *output = nullptr);
    QStringList asPostgres(const QStringList &command) const;

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_bin;
    int m_port = 0;
    bool m_running = false;
    QString m_error;
};

} // namespace salesflow::test
