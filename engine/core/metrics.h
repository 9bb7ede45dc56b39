#pragma once

#include <QByteArray>
#include <QMap>
#include <QMutex>

namespace salesflow {

/// The process's own counters and histograms, one set per process whatever thread counts (the
/// workers, the HTTP threads): what /metrics shows beside the store's gauges. Series are named
/// by a metric and a label set written as Prometheus writes it (`stage="enrich"`); the first
/// use of a name with describe() sets its help and type. Never fails; cheap enough for a call
/// per job (one mutex, no allocation for an existing series).
class Metrics
{
public:
    static Metrics &instance();

    /// Adds `by` to a counter (its name ends in `_total`).
    void add(const QByteArray &name, const QByteArray &labels, double by = 1);
    /// Records one observation of a duration histogram in seconds (buckets 1 ms … 60 s).
    void observe(const QByteArray &name, const QByteArray &labels, double seconds);
    void describe(const QByteArray &name, const QByteArray &help);

    /// The sum of a counter's series whose label text contains `labelPart` (all when empty).
    double sum(const QByteArray &name, const QByteArray &labelPart = {}) const;

    /// The Prometheus text exposition of everything counted so far.
    QByteArray exposition() const;

    /// `key="value"` with the value escaped as the text format wants.
    static QByteArray label(const char *key, const QString &value);

private:
    struct Histogram
    {
        QList<qint64> buckets; // cumulative counts are computed on output
        double sum = 0;
        qint64 count = 0;
    };
    struct Family
    {
        QByteArray help;
        bool histogram = false;
        QMap<QByteArray, double> counters;
        QMap<QByteArray, Histogram> histograms;
    };

    mutable QMutex m_mutex;
    QMap<QByteArray, Family> m_families;
};

} // namespace salesflow
