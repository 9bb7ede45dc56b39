#pragma once

#include "../../sources/normalised.h"
#include "../../store/entityrepository.h"
#include "../istage.h"
#include "conversationreader.h"

namespace salesflow::pipeline {

/// The normalise stage: parses the raw event with its source's parser, stores the internal
/// model in normalised_events, and links the event to crm_entities (contact by email, company
/// by domain, deal by reference, HubSpot objects by id). A HubSpot property change updates the
/// entity's property snapshot only when it is newer than what is stored (deliveries reorder).
/// An event with no usable identity is normalised all the same and marked unlinked. Parse
/// errors fail the event at once with the parser's message; it stays raw and replayable.
/// A HubSpot Conversations event is read through `conversations` (conversationreader.h): the
/// message it names is fetched from HubSpot and normalised as a chat.
class NormaliseStage final : public IStage
{
public:
    explicit NormaliseStage(std::shared_ptr<hubspot::Client> hubspot = nullptr)
        : m_conversations(std::move(hubspot)) { }
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 32; }
    Result<StageOutput> run(const queue::Job &job, store::Connection &conn) override;
    /// Each job as run() does; on PostgreSQL the batch's raw events are read in one statement,
    /// and their contacts and companies looked up (and made) together.
    QList<Result<StageOutput>> runBatch(const QList<queue::Job> &jobs, store::Connection &conn) override;

private:
    /// `raw`'s row `row`: source, content type, payload, received_at.
    Result<sources::Normalised> parse(const store::Rows &raw, int row, store::Connection &conn) const;
    /// parse(), with the time it was received when the event does not say when it happened.
    Result<sources::Normalised> parseRow(const store::Rows &raw, int row, store::Connection &conn) const;
    Result<StageOutput> normalise(const queue::Job &job, const store::Rows &raw, int row, store::Connection &conn);
    /// The batch's normalised rows, written together when it commits.
    struct Rows final : BatchWrite
    {
        struct Event
        {
            QString eventId;
            sources::Normalised normalised;
            store::EntityRepository::Linked known;
        };
        QList<Event> events;
        Status apply(store::Connection &c, const QList<int> &parts) override;
    };
    /// The job's output, its row added to `write`.
    static StageOutput outputFor(const QString &eventId, sources::Normalised n,
                                 const store::EntityRepository::Linked &known, const std::shared_ptr<Rows> &write);
    /// `parseOne` for each job in order, its log lines tagged with the job's event.
    template<typename ParseOne>
    static QList<Result<sources::Normalised>> eachParsed(const QList<queue::Job> &jobs, ParseOne parseOne);

    ConversationReader m_conversations;
};

} // namespace salesflow::pipeline
