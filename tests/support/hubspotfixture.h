#pragma once
// What the suites that write to the HubSpot emulator share: the engine's configuration for it,
// its custom properties set up, and chat events that plan every kind of action.

#include "engine/api/result.h"
#include "engine/core/config.h"

namespace salesflow::store {
class Connection;
}

namespace salesflow::test {

class HubSpotEmulator;

/// Writes to `emu` with its token, reads every write back, and plans everything (threshold 0).
Config hubspotConfig(const HubSpotEmulator &emu);
/// `salesflowd hubspot setup` against the config's HubSpot, with the store's shared budget.
Status runSetup(const Config &config, store::Connection &c);
/// Chat event number `n`: a buyer buyerN@acme-(n mod 7).com asking for pricing, a demo and SOC 2.
QByteArray chat(int n);

} // namespace salesflow::test
