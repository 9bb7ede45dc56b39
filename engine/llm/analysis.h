#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace salesflow::llm {

/// What the enrichment returns (PRODUCT.md, "What the enrichment returns").
struct Objection
{
    QString category; ///< security | budget | timing | authority | competition | integration | other
    QString evidence; ///< a quote from the event text
};

struct Analysis
{
    QString summary;
    QString intent; ///< high | medium | low | none
    int leadQuality = 0; ///< 0..100
    QList<Objection> objections;
    QString nextAction;
    QString followUpSubject;
    QString followUpBody;
    int leadScoreChange = 0; ///< -20..+20
    double confidence = 0; ///< 0..1
};

QStringList intents();
QStringList objectionCategories();

/// The answer's JSON Schema in the strict subset every provider accepts (every object closed,
/// every property required; ranges are in the prompt and checked by validate()).
QJsonObject analysisSchema();
QJsonObject toJson(const Analysis &a);

struct Validation
{
    std::optional<Analysis> analysis; ///< empty when the answer is invalid
    QStringList errors; ///< why it is invalid (fed back to the model once)
    QStringList notes; ///< what was corrected (dropped evidence, lowered confidence)
};

/// Checks types, enums and ranges; drops every objection whose evidence does not occur in the
/// event text (case and whitespace insensitive) and lowers the confidence for each.
Validation validate(const QJsonObject &answer, const QString &eventText);

/// Collapses whitespace and lower-cases, for evidence matching.
QString foldForMatch(const QString &s);

} // namespace salesflow::llm
