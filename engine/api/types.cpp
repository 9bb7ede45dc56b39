#include "types.h"

namespace salesflow {

QStringList EventStatus::all()
{
    return {Received, Normalised, Enriched, InReview, Approved, Rejected, Planned, Done, Failed};
}

} // namespace salesflow
