#include "metrics.h"

namespace salesflow {

namespace {

const double kBounds[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60};
constexpr int kBuckets = int(sizeof(kBounds) / sizeof(kBounds[0]));

/// What each counter of the engine counts.
const QMap<QByteArray, QByteArray> kHelp{
    {"salesflow_stage_run_seconds", "Time a stage took to run one leased batch of jobs (enrich: one event)."},
    {"salesflow_stage_jobs_total", "Jobs a stage finished in this process, by outcome."},
    {"salesflow_llm_calls_total", "LLM calls made by this process, by provider, model and outcome."},
    {"salesflow_llm_errors_total",
     "LLM calls of this process that got no usable answer (timeout, connection, HTTP error), by error code."},
    {"salesflow_llm_tokens_total", "LLM tokens used by this process's calls, by provider, model and kind."},
    {"salesflow_llm_cost_usd_total",
     "Estimated cost of this process's LLM calls (price table), by provider and model."},
    {"salesflow_hubspot_requests_total", "HubSpot API responses this process received, by HTTP status (0: none)."},
    {"salesflow_review_decisions_total", "Review decisions applied through this process, by decision."},
    {"salesflow_replay_items_total", "Replay items this process worked, by mode (dry_run, replay) and state."},
};

QByteArray number(double v)
{
    return v == double(qint64(v)) ? QByteArray::number(qint64(v)) : QByteArray::number(v, 'g', 12);
}

QByteArray series(const QByteArray &name, const QByteArray &labels, const QByteArray &extra = {})
{
    QByteArray all = labels;
    if (!extra.isEmpty())
        all += (all.isEmpty() ? "" : ",") + extra;
    return all.isEmpty() ? name : name + '{' + all + '}';
}

} // namespace

Metrics &Metrics::instance()
{
    static Metrics metrics;
    return metrics;
}

void Metrics::add(const QByteArray &name, const QByteArray &labels, double by)
{
    QMutexLocker lock(&m_mutex);
    m_families[name].counters[labels] += by;
}

void Metrics::observe(const QByteArray &name, const QByteArray &labels, double seconds)
{
    QMutexLocker lock(&m_mutex);
    Family &f = m_families[name];
    f.histogram = true;
    Histogram &h = f.histograms[labels];
    if (h.buckets.isEmpty())
        h.buckets.resize(kBuckets);
    for (int i = 0; i < kBuckets; ++i) {
        if (seconds <= kBounds[i]) {
            ++h.buckets[i];
            break;
        }
    }
    h.sum += seconds;
    ++h.count;
}

void Metrics::describe(const QByteArray &name, const QByteArray &help)
{
    QMutexLocker lock(&m_mutex);
    m_families[name].help = help;
}

double Metrics::sum(const QByteArray &name, const QByteArray &labelPart) const
{
    QMutexLocker lock(&m_mutex);
    const auto f = m_families.constFind(name);
    if (f == m_families.cend())
        return 0;
    double total = 0;
    for (auto c = f->counters.cbegin(); c != f->counters.cend(); ++c) {
        if (labelPart.isEmpty() || c.key().contains(labelPart))
            total += c.value();
    }
    return total;
}

QByteArray Metrics::exposition() const
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    for (auto f = m_families.cbegin(); f != m_families.cend(); ++f) {
        const QByteArray &name = f.key();
        if (f->counters.isEmpty() && f->histograms.isEmpty())
            continue;
        const QByteArray help = f->help.isEmpty() ? kHelp.value(name, QByteArray("(not described)")) : f->help;
        out += "# HELP " + name + ' ' + help + '\n';
        out += "# TYPE " + name + (f->histogram ? " histogram\n" : " counter\n");
        for (auto c = f->counters.cbegin(); c != f->counters.cend(); ++c)
            out += series(name, c.key()) + ' ' + number(c.value()) + '\n';
        for (auto h = f->histograms.cbegin(); h != f->histograms.cend(); ++h) {
            qint64 cumulative = 0;
            for (int i = 0; i < kBuckets; ++i) {
                cumulative += h->buckets[i];
                out += series(name + "_bucket", h.key(), "le=\"" + number(kBounds[i]) + '"') + ' '
                    + QByteArray::number(cumulative) + '\n';
            }
            out += series(name + "_bucket", h.key(), "le=\"+Inf\"") + ' ' + QByteArray::number(h->count) + '\n';
            out += series(name + "_sum", h.key()) + ' ' + number(h->sum) + '\n';
            out += series(name + "_count", h.key()) + ' ' + QByteArray::number(h->count) + '\n';
        }
    }
    return out;
}

QByteArray Metrics::label(const char *key, const QString &value)
{
    QByteArray v = value.toUtf8();
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return QByteArray(key) + "=\"" + v + '"';
}

} // namespace salesflow
