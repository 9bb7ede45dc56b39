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
    void aSchemaOneVersionNewerServesTheRollingUpgrade();
    void insertBatchDedupsByUniqueKey();
    void payloadBytesAreKeptExactly();
    void rolledBackBatchLeavesNothing();
    void aTransactionIsOpenFromItsFirstStatement();
    void aFailedStatementRollsBackItsWholeTransaction();
    void keysetPagesCoverEverythingOnce();
    void tokensAreStoredHashed();
    void keysWithQuotesAndBracesRoundTrip();
    void rowsWrittenAsJsonKeepTheirTextExactly();
};

class TestQueue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theHeartbeatNeverWaitsForAJobBeingCompleted();
    void leaseTakesDueJobsInOrderOnce();
    void aLeaseCommitsOnItsOwnWithoutChangingTheSession();
    void enqueueWakesListenersOnlyOnceCommitted();
    void expiredLeaseIsTakenOverAndStaleCompletionRejected();
    void backoffGrowsWithJitterAndCap();
    void runnerCompletesEveryJobExactlyOnce();
    void aDrainedStageIsLeasedAgainOnlyWhenItsJobsAreAnnounced();
    void aBatchsSharedWritesAreMadeOnceForTheJobsThatCommit();
    void batchesWritingSharedKeysInOppositeOrdersDoNotDeadlock();
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
    void controlCharactersInIdsAreRefusedAtTheDoor();
    void oneRefusedSubmissionDoesNotFailItsBatch();
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
    void revocationReachesEveryProcessAtOnce();
    void metricsCountEveryServerThread();
    void changeFeedSeesOtherProcesses();
    void deepNestingIsRefusedOnEveryRouteAndTheServerLives();
    void roleMatrixOnEveryRoute();
    void reviewerWorksTheQueueOverHttp();

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
    void realWorldFilesAsToolsExportThem();
    void realWorldFilesThroughTheStage();
    void hubspotConversationMessagesAreReadFromHubSpot();
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
    void contextFindsTheContactsOpenDealAndHistory();
    void everyProviderEnrichesTheSamples_data();
    void everyProviderEnrichesTheSamples();
    void everyFaultEndsRetriedOrReviewed_data();
    void everyFaultEndsRetriedOrReviewed();
    void reviewRoutingByThresholdAndPolicy();
    void badConfigurationIsRefusedClearly();
    void replayWithAPromptVersionReEnriches();
    void stopAbandonsASlowCallAndGivesTheJobBack();
    void aBatchsCallsGoOutTogetherAndAnInvalidAnswerIsAskedAgainAlone();
    void aBatchKeepsTheConcurrencyCapAndOneFailureIsThatJobsOnly();
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
    void planningABatchEqualsPlanningItsEventsOneByOne();
    void leadScoreAddsUpTheContactsLatestAnswersPlannedTogetherOrAlone();
    void rateBudgetKeepsUnderTheLimit();
    void emulatorMatchesTheOpenApiFiles();
};

/// Replays against the HubSpot emulator (tst_replay.cpp).
class TestReplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dryRunChangesNothingAndTheRealRunSendsOnlyTheChanges();
    void adminTunesAPromptAndReplaysAnIncidentOverHttp();
};

/// RemoteEngine against a salesflowd process (tst_remote.cpp).
class TestRemote : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void feedResumesAcrossARestartWithoutLosingAChange();
    void failuresAreSaidInWords();
    void httpsIsRefusedUntilTheCertificateIsTrusted();
    void listeningBeyondLoopbackNeedsTls();
};

/// The IEngine contract (tst_contract.cpp), run against LocalEngine and against the HTTP API.
class TestContract : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Local, Http, Remote };
    explicit TestContract(Mode mode);
    ~TestContract() override;
    struct Fixture;
private Q_SLOTS:
    void init();
    void cleanup();
    void ingestAnswersOnceAndDuplicatesPointToTheFirst();
    void lineageKeepsTheRawBytesAndWhoSentThem();
    void listPagesCoverEveryEventOnce();
    void rolesAreEnforcedByTheEngine();
    void revokedTokensStopWorkingAtOnce();
    void auditIsNewestFirstInKeysetPages();
    void changeFeedAnnouncesArrivalsAndTransitions();
    void longPollWakesForAnotherClientsChange();
    void watcherSignalsWhatChanged();
    void usersLogInAndGuessesAreThrottled();
    void reviewersClaimEditApproveAndReject();
    void racingReviewersNeverBothWin();
    void racingClaimsHaveOneHolder();
    // tst_contract_review.cpp
    void listRowsSayWhatAPersonNeeds();
    void reviewPreviewShowsWhatAnEditPlans();
    void dashboardCountsWhatHappened();
    // tst_contract_prompts.cpp
    void promptVersionsAreCheckedCreatedAndActivated();
    void promptTestsShowBothVersionsAndChangeNothing();
    void dryRunReplaysDiffAndChangeNothing();
    void realReplaysRequeueAndAreAudited();
    void replayRequestsAreChecked();

private:
    Mode m_mode;
    std::unique_ptr<Fixture> m_f;
};

class TestContractLocal final : public TestContract
{
    Q_OBJECT
public:
    TestContractLocal() : TestContract(Mode::Local) { }
};

class TestContractHttp final : public TestContract
{
    Q_OBJECT
public:
    TestContractHttp() : TestContract(Mode::Http) { }
};

/// The third way: RemoteEngine against a salesflowd process the test starts.
class TestContractRemote final : public TestContract
{
    Q_OBJECT
public:
    TestContractRemote() : TestContract(Mode::Remote) { }
};

/// Databases written by each earlier schema version, migrated (tst_migrations.cpp).
class TestMigrations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyOldSchemaMigratesWithItsRows_data();
    void everyOldSchemaMigratesWithItsRows();
};

/// The JSON codec of engine/api: every type round-trips (tst_json.cpp).
class TestHttpClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sendsTheRequestAndReadsTheAnswerOnOneKeptConnection();
    void decodesCompressedAnswersAndFollowsNoRedirect();
    void aCallWithoutAnAnswerSaysWhy();
    void aStopRequestEndsAWaitingCall();
    void sendAllSendsTogetherAndAnswersInRequestOrder();
};

class TestJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyTypeRoundTrips();
    void lineagePayloadKeepsBinaryBytes();
};

class TestFrontDoor : public QObject
{
    Q_OBJECT
public:
    TestFrontDoor();
    ~TestFrontDoor() override;
private Q_SLOTS:
    void init();
    void cleanup();
    void pipelinedRequestsAreAnsweredInOrder();
    void ambiguousFramingIsRefusedAndClosed();
    void httpSemanticsAreFollowed();
    void expectContinueWaitsForTheGoAhead();
    void limitsApplyBeforeReading();
    void slowAndIdleClientsAreCutOff();
    void gzipBodiesAreDecodedWithinTheLimit();
    void controlBytesInIdsAndTextAreSafe();

private:
    struct Fixture;
    std::unique_ptr<Fixture> m_f;
};
