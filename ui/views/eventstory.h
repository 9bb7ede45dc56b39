#pragma once

#include "engine/api/types.h"

#include <QCoreApplication>

namespace salesflow::ui {

/// An event's story as a person reads it, oldest step first, each with its time and who did it:
/// received (from whom, what), normalised (an email as a message, a transcript as speaker turns,
/// what it was linked to), each analysis (prompt version, provider, model, tokens, cost,
/// latency), review decisions, the HubSpot actions with their ids and errors, and every other
/// audit entry. HTML for a QTextBrowser; links "#raw" and "#json" ask for those views.
class EventStory
{
    Q_DECLARE_TR_FUNCTIONS(EventStory)

public:
    static QString html(const EventDetail &detail);
};

} // namespace salesflow::ui
