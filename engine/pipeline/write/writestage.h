#pragma once

#include "../../hubspot/client.h"
#include "../../store/actionrepository.h"
#include "../istage.h"

#include <QSet>

#include <memory>
#include <optional>

namespace salesflow::pipeline {

/// The write stage: executes the planned actions of a leased batch of events against HubSpot,
/// grouped across events into batch calls of up to 100 inputs: contacts and companies upserted
/// (by email / by salesflow_company_key), notes and tasks upserted by their unique
/// salesflow_action_key (so a call repeated after a crash or a timeout updates the object it
/// made instead of making a second one), then their associations (v4 batch create), then the
/// contacts' properties (batch update, newest event per contact). Every attempt is recorded in
/// crm_action_results, with the action's own input as what was sent. Without HUBSPOT_ACCESS_TOKEN nothing is sent:
/// actions become dry_run.
class WriteStage final : public IStage
{
public:
    struct Options
    {
        int workers = 2; ///< SALESFLOW_HUBSPOT_WORKERS
        double verifyRate = 0.1; ///< SALESFLOW_HUBSPOT_VERIFY: share of write batches read back
        qint64 leaseMs = 10 * 60 * 1000;
    };
    WriteStage(std::shared_ptr<hubspot::Client> client, Options options);

    QString name() const override { return QStringLiteral("write"); }
    int batchSize() const override { return 100; }
    int dedicatedWorkers() const override { return m_options.workers; }
    qint64 leaseMs() const override { return m_options.leaseMs; }
    Result<StageOutput> run(const queue::Job &job, store::Connection &conn) override;
    QList<Result<StageOutput>> runBatch(const QList<queue::Job> &jobs, store::Connection &conn) override;

private:
    struct Batch;
    struct Associations;
    struct UpsertChunk;
    void upsert(Batch &b, const QString &objectType, QList<store::Action *> actions);
    void recordUpserts(Batch &b, const UpsertChunk &chunk, const hubspot::Response &r);
    struct Upserted
    {
        store::Action *action;
        QString id; ///< HubSpot's
        QByteArray result; ///< HubSpot's result for it
    };
    void recordUpserted(Batch &b, const UpsertChunk &chunk, const QList<Upserted> &upserted, int status);
    void associate(Batch &b);
    /// Sends one batch/create call for `chunk` of `pair`'s inputs and notes which it confirmed.
    void sendAssociations(Batch &b, Associations &plan, qsizetype group, qsizetype from);
    using ContactUpdate = std::pair<store::Action *, QString>; ///< the action and its contact's HubSpot id
    QHash<QString, store::Action *> newestContactUpdates(Batch &b);
    void updateContacts(Batch &b);
    void sendContactUpdates(Batch &b, const QList<ContactUpdate> &chunk);
    void verify(Batch &b);
    void verifyType(Batch &b, const QString &type, const QList<store::Action *> &sample);
    static QString associationVerdict(Batch &b, const store::Action &a, const QSet<QString> &linkedTo);

    std::shared_ptr<hubspot::Client> m_client;
    Options m_options;
};

} // namespace salesflow::pipeline
