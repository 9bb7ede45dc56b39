#include "hubspotfixture.h"

#include "engine/hubspot/client.h"
#include "engine/hubspot/setup.h"
#include "engine/store/sharedratebudget.h"
#include "hubspotemulator.h"

namespace salesflow::test {

Config hubspotConfig(const HubSpotEmulator &emu)
{
    Config c;
    c.hubspotAccessToken = emu.token;
    c.hubspotBaseUrl = emu.baseUrl();
    c.hubspotVerify = 1.0; // read every write back in tests
    c.hubspotTimeoutMs = 1500;
    c.reviewThreshold = 0.0; // plan everything the offline analyser produced
    return c;
}

Status runSetup(const Config &config, store::Connection &c)
{
    hubspot::ClientConfig hc;
    hc.baseUrl = config.hubspotBaseUrl;
    hc.token = config.hubspotAccessToken;
    hubspot::Client client(hc);
    store::SharedRateBudget budget(c);
    auto lines = hubspot::setup(client, budget);
    if (!lines)
        return lines.error();
    return Done{};
}

QByteArray chat(int n)
{
    return QStringLiteral(
               R"({"id":"w-%1","participants":[{"id":"v","name":"Alex Doe","email":"buyer%1@acme-%2.com","role":"visitor"}],
        "messages":[{"author":"v","role":"visitor","text":"We need pricing for 30 seats and a demo. Our security team must review your SOC 2 report.","sent_at":"2026-11-26T10:00:00Z"}]})")
        .arg(n)
        .arg(n % 7)
        .toUtf8();
}

} // namespace salesflow::test
