#pragma once

#include <QObject>

#include <memory>

// The engine suites; tests/engine/main.cpp runs each once per backend.

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void migrationCreatesTheDataModel();
    void newerDatabaseIsRefused();
    void insertBatchDedupsByUniqueKey();
    void payloadBytesAreKeptExactly();
    void rolledBackBatchLeavesNothing();
    void keysetPagesCoverEverythingOnce();
    void tokensAreStoredHashed();
    void keysWithQuotesAndBracesRoundTrip();
};

class TestQueue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void leaseTakesDueJobsInOrderOnce();
    void expiredLeaseIsTakenOverAndStaleCompletionRejected();
    void backoffGrowsWithJitterAndCap();
    void runnerCompletesEveryJobExactlyOnce();
    void failingStageRetriesThenSucceeds();
    void lastAttemptFailsTheEventVisibly();
    void permanentErrorFailsAtOnce();
    void crashedWorkersJobIsRunAgainAfterItsLease();
    void failedEventIsReplayedFromItsStage();
};

class TestIngest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void naturalKeysPerSource_data();
    void naturalKeysPerSource();
    void idempotencyKeyWins();
    void badItemsAreRefusedAndNothingIsStored();
    void hubspotDeliverySplitsPerElement();
    void concurrentDuplicatesStoreOneRow();
    void groupCommitSharesTransactions();
    void unavailableStoreAnswers503AndRecovers();
};

class TestHttp : public QObject
{
    Q_OBJECT
public:
    TestHttp();
    ~TestHttp() override;
    struct Fixture;
private Q_SLOTS:
    void init();
    void cleanup();
    void healthNeedsNoToken();
    void authAndRoles();
    void ingestAnswersPerContract();
    void batchAnswersPerItemInOrder();
    void hubspotWebhookChecksSignatureV3();
    void signatureTestVectors();
    void listDetailAndPaging();
    void statsAuditAndMetrics();
    void storeDownAnswers503();

private:
    std::unique_ptr<Fixture> m_f;
};

class TestNormalise : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void identityRules();
    void formsGenericHubspotAndUrlEncoded();
    void chatAndProductAndHubspot();
    void transcriptsInFourFormats();
    void emailsRawAndJson();
    void malformedInputGivesPreciseErrors();
    void stageNormalisesAndLinks();
    void everySampleComesOutNormalised();
};

class TestEnrich : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void schemaIsStrictAndValidationCatchesBadAnswers();
    void retryPolicyFollowsTheSdks();
    void promptsAreSeededVersionedAndChecked();
    void offlineEnrichesEverySampleWithContext();
    void contextCarriesCrmKnowledgeWithinBudget();
    void everyProviderEnrichesTheSamples_data();
    void everyProviderEnrichesTheSamples();
    void everyFaultEndsRetriedOrReviewed_data();
    void everyFaultEndsRetriedOrReviewed();
    void reviewRoutingByThresholdAndPolicy();
    void badConfigurationIsRefusedClearly();
    void replayWithAPromptVersionReEnriches();
};

class TestWriteback : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void setupCreatesTheCustomPropertiesOnce();
    void samplesEndToEndMakeWhatARepExpects();
    void dryRunPlansAndSendsNothing();
    void rejectedTokenStopsTheWriterWithoutAStorm();
    void faultsAndRetriesEndExactlyOnce();
    void partialBatchRetriesOnlyTheFailedItems();
    void rateBudgetKeepsUnderTheLimit();
    void emulatorMatchesTheOpenApiFiles();
};
