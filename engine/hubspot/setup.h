#pragma once

#include "client.h"

#include <QStringList>

namespace salesflow::hubspot {

/// `salesflowd hubspot setup`: checks the token and creates, where missing, the property group
/// "salesflow" and the custom properties the writer needs: on contacts salesflow_intent,
/// salesflow_lead_quality, salesflow_lead_score, salesflow_last_ai_summary_date; the unique
/// keys salesflow_company_key (companies) and salesflow_action_key (notes, tasks) that make
/// every write an upsert. Returns one line per check; idempotent.
/// `budget`: the store's shared budget when there is one, else a LocalRateBudget.
Result<QStringList> setup(Client &client, IRateBudget &budget);

} // namespace salesflow::hubspot
