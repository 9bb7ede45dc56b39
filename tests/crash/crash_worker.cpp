// A worker process for the crash test: the real LocalEngine, Runner and JobQueue, with a test
// stage in place of normalise that records each completed run in `test_effects`, inside the
// completion transaction. The crash test kills these processes with SIGKILL at random moments.
#include "engine/local/localengine.h"
#include "engine/pipeline/istage.h"

#include <QCoreApplication>
#include <QThread>

#include <csignal>
#include <cstdio>

using namespace salesflow;

namespace {
class RecordingStage : public pipeline::IStage
{
public:
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 8; }
    Result<pipeline::StageOutput> run(const queue::Job &job, store::Connection &) override
    {
        QThread::usleep(500); // widen the window between the work and its commit
        pipeline::StageOutput out;
        out.newStatus = EventStatus::Normalised;
        const QString id = job.eventId;
        const int attempt = job.attempts;
        out.apply = [id, attempt](store::Connection &c) -> Status {
            auto r = c.exec("INSERT INTO test_effects (event_id, attempt) VALUES ($1, $2)", {id, attempt});
            if (!r)
                return r.error();
            return Done{};
        };
        return out;
    }
};
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: crash_worker DB_URL\n");
        return 2;
    }
    LocalEngine::Options o;
    o.config = Config::fromEnvironment();
    o.config.dbUrl = QString::fromLocal8Bit(argv[1]);
    o.config.workers = 3;
    o.acceptIngest = false;
    o.stages = {std::make_shared<RecordingStage>()};
    auto engine = LocalEngine::open(o);
    if (!engine) {
        std::fprintf(stderr, "crash_worker: %s\n", qPrintable(engine.error().message));
        return 1;
    }
    std::printf("ready\n");
    std::fflush(stdout);
    // Runs until killed (the point of the test) or SIGTERM.
    std::signal(SIGTERM, [](int) { QCoreApplication::quit(); });
    const int rc = QCoreApplication::exec();
    engine.value()->stop();
    return rc;
}
