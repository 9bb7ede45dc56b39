#include "offline.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace salesflow::llm {

namespace {

/// A list of cues compiled into one alternation with a capture group per cue, so a sentence
/// is scanned once per list instead of once per cue.
struct Cues
{
    QRegularExpression re;
    QStringList labels;
};

Cues cues(std::initializer_list<const char *> words)
{
    Cues out;
    QStringList parts;
    for (const char *w : words) {
        const QString word = QString::fromUtf8(w);
        const bool prefix = word.endsWith(QLatin1Char('*'));
        // A cue matches at a word start; a trailing '*' lets it match a longer word.
        QString pattern = QRegularExpression::escape(prefix ? word.chopped(1) : word);
        pattern.replace(QLatin1String("\\ "), QLatin1String("\\s+"));
        parts << QStringLiteral("(") + pattern + (prefix ? QString() : QStringLiteral("(?![\\w])"))
                + QStringLiteral(")");
        out.labels << (prefix ? word.chopped(1) : word);
    }
    out.re = QRegularExpression(QStringLiteral("(?<![\\w])(?:") + parts.join(QLatin1Char('|')) + QStringLiteral(")"),
                                QRegularExpression::CaseInsensitiveOption);
    out.re.optimize();
    return out;
}

const Cues &strongIntent()
{
    static const Cues c = cues(
        {"pricing",   "price",    "quote",       "proposal",       "contract",        "purchase*",      "buy",
         "demo*",     "trial",    "pilot",       "rollout",        "roll out",        "implementation", "onboarding",
         "seats",     "licen*",   "procurement", "purchase order", "budget approved", "get started",    "sign up",
         "signed up", "upgrade*", "subscribe",   "talk to sales",  "contact sales",   "ready to",       "next steps",
         "timeline",  "go live",  "start date",  "per seat",       "enterprise plan", "checkout",       "invoice"});
    return c;
}

const Cues &mediumIntent()
{
    static const Cues c = cues({"interested", "evaluat*", "compar*", "learn more", "more information", "webinar",
                                "whitepaper", "how does", "how do", "feature*", "use case", "explor*", "looking for",
                                "considering", "shortlist*", "requirements", "team of"});
    return c;
}

const Cues &negativeIntent()
{
    static const Cues c = cues({"unsubscribe", "not interested", "no longer interested", "remove me", "stop emailing",
                                "stop contacting", "job application", "looking for a job", "wrong person",
                                "i am a student", "just browsing"});
    return c;
}

struct Category
{
    QString name;
    Cues strong; ///< an objection on their own
    Cues weak; ///< an objection only next to a concern marker
    bool questionIsConcern;
};

const QList<Category> &categories()
{
    static const QList<Category> c = {
        {QStringLiteral("security"),
         cues({"soc 2", "soc2", "soc ii", "iso 27001", "penetration test*", "pen test*", "data residency", "gdpr",
               "hipaa", "security review", "security questionnaire", "dpa", "data processing agreement"}),
         cues({"security", "compliance", "encrypt*", "sso", "saml", "privacy", "audit*", "data protection"}), true},
        {QStringLiteral("budget"),
         cues({"expensive",       "too pricey",    "over budget", "out of budget",     "no budget",
               "budget is tight", "tight budget",  "afford*",     "cheaper",           "discount*",
               "cost concern*",   "price is high", "too costly",  "too high",          "seemed high",
               "seems high",      "pricey",        "steep",       "more than we need", "more than we want to spend"}),
         cues({"budget", "cost*", "price", "pricing"}), false},
        {QStringLiteral("timing"),
         cues({"next quarter", "next year", "not a priority", "not right now", "not now", "budget freeze",
               "hiring freeze", "on hold", "revisit", "later this year", "too busy", "wait until", "after our",
               "deadline", "closes on", "not until"}),
         cues({"timing", "timeline", "q1", "q2", "q3", "q4", "later", "next year"}), false},
        {QStringLiteral("authority"),
         cues({"need approval", "needs approval", "sign-off", "sign off", "run it by", "decision maker*", "my boss",
               "my manager", "the board", "procurement process", "legal review", "legal team", "not my decision", "cfo",
               "final say"}),
         cues({"approval", "approve", "vp", "director", "stakeholder*"}), true},
        {QStringLiteral("competition"),
         cues({"competitor*", "currently using", "already use", "already using", "switching from", "alternative*",
               "other vendor*", "compared to", "versus", "incumbent"}),
         cues({"salesforce", "pipedrive", "zoho", "gong", "outreach", "salesloft", "clari", "chorus", "freshsales"}),
         false},
        {QStringLiteral("integration"),
         cues({"integrate with", "integrates with", "integration with", "connector", "sync with", "compatible with",
               "migrat*", "import our", "our data warehouse"}),
         cues({"integrat*", "api", "webhook*", "plugin*", "export"}), true},
    };
    return c;
}

const Cues &concernMarkers()
{
    static const Cues c = cues({"concern*", "worr*",    "issue*", "problem*", "risk*",    "blocker*", "hesitan*",
                                "unsure",   "not sure", "but",    "however",  "although", "need to",  "needs to",
                                "must",     "require*", "can't",  "cannot",   "won't",    "don't",    "doesn't",
                                "unless",   "only if",  "too",    "struggl*", "tight",    "limited"});
    return c;
}

bool anyMatch(const Cues &list, const QString &s, QStringList *labels = nullptr)
{
    if (!labels)
        return list.re.match(s).hasMatch();
    bool hit = false;
    auto it = list.re.globalMatch(s);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        for (int g = 1; g <= m.lastCapturedIndex(); ++g) {
            if (m.capturedStart(g) < 0)
                continue;
            hit = true;
            const QString &label = list.labels[g - 1];
            if (!labels->contains(label))
                labels->append(label);
            break;
        }
    }
    return hit;
}

/// Sentences as exact substrings of the text (so they can be quoted as evidence).
QStringList sentences(const QString &text)
{
    QStringList out;
    static const QRegularExpression boundary(QStringLiteral("(?<=[.!?])\\s+|\\n+"));
    for (const QString &part : text.split(boundary, Qt::SkipEmptyParts)) {
        const QString s = part.trimmed();
        if (s.size() >= 3)
            out.append(s);
    }
    return out;
}

QString clip(const QString &s, int max)
{
    return s.size() <= max ? s : s.left(max - 1).trimmed() + QChar(0x2026);
}

QString kindLabel(const QString &kind)
{
    if (kind == QLatin1String("form_submission"))
        return QStringLiteral("Form submission");
    if (kind == QLatin1String("email"))
        return QStringLiteral("Email");
    if (kind == QLatin1String("chat"))
        return QStringLiteral("Chat");
    if (kind == QLatin1String("call_transcript"))
        return QStringLiteral("Call");
    if (kind.startsWith(QLatin1String("product_")))
        return QStringLiteral("Product event");
    if (kind == QLatin1String("crm_change"))
        return QStringLiteral("CRM change");
    return QStringLiteral("Event");
}

QString thanksFor(const QString &kind)
{
    if (kind == QLatin1String("form_submission"))
        return QStringLiteral("thank you for getting in touch");
    if (kind == QLatin1String("email"))
        return QStringLiteral("thank you for your email");
    if (kind == QLatin1String("chat"))
        return QStringLiteral("thank you for chatting with us");
    if (kind == QLatin1String("call_transcript"))
        return QStringLiteral("thank you for your time on the call");
    return QStringLiteral("thank you for your interest");
}

QString actionFor(const QString &category)
{
    static const QHash<QString, QString> m = {
        {QStringLiteral("security"),
         QStringLiteral(
             "Send the security pack (SOC 2 report, DPA, pen-test summary) and offer a call with our security team")},
        {QStringLiteral("budget"),
         QStringLiteral("Share pricing options with an ROI estimate and ask who owns the budget")},
        {QStringLiteral("timing"),
         QStringLiteral("Agree a date to reconnect and send a short recap to keep the thread warm")},
        {QStringLiteral("authority"),
         QStringLiteral("Ask to bring in the decision maker and send a one-page summary they can forward")},
        {QStringLiteral("competition"),
         QStringLiteral("Send a comparison against their current tool focused on their use case")},
        {QStringLiteral("integration"),
         QStringLiteral("Confirm the integrations they need, send the integration docs and offer a technical call")},
    };
    return m.value(category, QStringLiteral("Clarify the open question before proposing next steps"));
}

QString paragraphFor(const QString &category)
{
    static const QHash<QString, QString> m = {
        {QStringLiteral("security"),
         QStringLiteral("On security: I have attached our SOC 2 report and DPA, and our security team is happy to walk "
                        "your reviewers through them.")},
        {QStringLiteral("budget"),
         QStringLiteral("On budget: there are a few ways to start smaller, and I can put together an estimate of the "
                        "return for your team.")},
        {QStringLiteral("timing"),
         QStringLiteral("On timing: no pressure from our side. Would it help to pencil in a short check-in closer to "
                        "when you plan to decide?")},
        {QStringLiteral("authority"),
         QStringLiteral("If it helps with the internal sign-off, I can send a one-page summary or join a short call "
                        "with whoever needs to approve it.")},
        {QStringLiteral("competition"),
         QStringLiteral("Since you are comparing options, I can send a short side-by-side for your use case.")},
        {QStringLiteral("integration"),
         QStringLiteral("On integrations: I will send the documentation for the systems you mentioned, and our "
                        "engineers can join a technical call.")},
    };
    return m.value(category);
}

} // namespace

namespace {

/// What the cue lists found in an event's sentences.
struct Signals
{
    QStringList strong, medium, negative; ///< distinct labels of the buying and opt-out cues
    QList<int> score; ///< per sentence: how much signal it carries
    QList<Objection> objections; ///< per category, the first sentence showing it
};

void addDistinct(QStringList &to, const QStringList &labels)
{
    for (const QString &l : labels) {
        if (!to.contains(l))
            to << l;
    }
}

/// The objection categories sentence `s` shows; "budget is approved" is a buying signal, not a
/// budget objection.
QStringList concernsIn(const QString &s)
{
    static const QRegularExpression budgetOk(QStringLiteral("budget\\s+(is\\s+|was\\s+|has\\s+been\\s+)?approved"),
                                             QRegularExpression::CaseInsensitiveOption);
    const bool concern = anyMatch(concernMarkers(), s);
    const bool question = s.contains(QLatin1Char('?'));
    const bool budgetApproved = budgetOk.match(s).hasMatch();
    QStringList found;
    for (const Category &c : categories()) {
        if (budgetApproved && c.name == QLatin1String("budget"))
            continue;
        if (anyMatch(c.strong, s) || (anyMatch(c.weak, s) && (concern || (question && c.questionIsConcern))))
            found << c.name;
    }
    return found;
}

Signals scan(const QStringList &parts)
{
    Signals sig;
    sig.score = QList<int>(parts.size(), 0);
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &s = parts[i];
        QStringList st, md;
        anyMatch(strongIntent(), s, &st);
        anyMatch(mediumIntent(), s, &md);
        anyMatch(negativeIntent(), s, &sig.negative);
        addDistinct(sig.strong, st);
        addDistinct(sig.medium, md);
        const QStringList concerns = concernsIn(s);
        sig.score[i] = 2 * int(st.size()) + int(md.size()) + 2 * int(concerns.size());
        for (const QString &c : concerns) {
            const bool known = std::any_of(sig.objections.cbegin(), sig.objections.cend(),
                                           [&](const Objection &o) { return o.category == c; });
            if (!known)
                sig.objections.append({c, s.size() > 300 ? s.left(300) : s});
        }
    }
    return sig;
}

QString intentOf(const Signals &sig, const QString &text)
{
    const int strong = int(sig.strong.size());
    if (text.trimmed().isEmpty() || (!sig.negative.isEmpty() && strong == 0))
        return QStringLiteral("none");
    if (strong >= 2)
        return QStringLiteral("high");
    if (strong == 1 || sig.medium.size() >= 2)
        return QStringLiteral("medium");
    return QStringLiteral("low");
}

/// The (at most two) sentences with the most signal, in their original order.
QStringList keySentences(const QStringList &parts, const QList<int> &score)
{
    QList<int> idx;
    for (int i = 0; i < int(parts.size()); ++i)
        idx << i;
    std::stable_sort(idx.begin(), idx.end(), [&](int x, int y) { return score[x] > score[y]; });
    QList<int> picked;
    for (int i : idx) {
        if (picked.size() == 2 || (score[i] == 0 && !picked.isEmpty()))
            break;
        picked << i;
    }
    std::sort(picked.begin(), picked.end());
    QStringList quoted;
    for (int i : picked)
        quoted << clip(parts[i], 200);
    return quoted;
}

QString summaryOf(const QStringList &parts, const Signals &sig, const QJsonObject &facts)
{
    const QString actor = facts.value(QLatin1String("actor")).toString();
    const QString company = facts.value(QLatin1String("company")).toString();
    QString summary = kindLabel(facts.value(QLatin1String("kind")).toString());
    if (!actor.isEmpty())
        summary += QStringLiteral(" from ") + actor;
    if (!company.isEmpty() && !actor.contains(company))
        summary += QStringLiteral(" (") + company + QLatin1Char(')');
    const QStringList quoted = keySentences(parts, sig.score);
    summary += quoted.isEmpty() ? QStringLiteral(": no text to summarise.")
                                : QStringLiteral(": ") + quoted.join(QLatin1Char(' '));
    QStringList extra;
    if (!sig.strong.isEmpty())
        extra << QStringLiteral("Buying signals: ") + sig.strong.mid(0, 5).join(QLatin1String(", ")) + QLatin1Char('.');
    if (!sig.objections.isEmpty()) {
        QStringList names;
        for (const Objection &o : sig.objections)
            names << o.category;
        extra << QStringLiteral("Concerns: ") + names.join(QLatin1String(", ")) + QLatin1Char('.');
    }
    if (!extra.isEmpty())
        summary += QLatin1Char(' ') + extra.join(QLatin1Char(' '));
    return summary;
}

void scoreLead(Analysis &a, const Signals &sig, const QJsonObject &facts)
{
    const bool linked = facts.value(QLatin1String("linked")).toBool();
    const bool hasCompany = !facts.value(QLatin1String("company_domain")).toString().isEmpty()
        || !facts.value(QLatin1String("company")).toString().isEmpty();
    const bool hasDeal = !facts.value(QLatin1String("deal_stage")).toString().isEmpty();
    int quality = 35 + (linked ? 10 : 0) + (hasCompany ? 10 : 0) + (hasDeal ? 10 : 0);
    static const QHash<QString, int> intentQuality = {{QStringLiteral("high"), 25},
                                                      {QStringLiteral("medium"), 10},
                                                      {QStringLiteral("low"), 0},
                                                      {QStringLiteral("none"), -25}};
    quality += intentQuality.value(a.intent) + (sig.strong.size() > 2 ? 5 : 0) - 3 * int(a.objections.size());
    a.leadQuality = std::clamp(quality, 0, 100);
    static const QHash<QString, int> intentChange = {{QStringLiteral("high"), 10},
                                                     {QStringLiteral("medium"), 5},
                                                     {QStringLiteral("low"), 0},
                                                     {QStringLiteral("none"), -10}};
    a.leadScoreChange = std::clamp(intentChange.value(a.intent) - 2 * int(a.objections.size()), -15, 15);
}

QString nextActionOf(const Analysis &a, const Signals &sig, const QString &who)
{
    if (a.intent == QLatin1String("none")) {
        return sig.negative.isEmpty()
            ? QStringLiteral("No follow-up: nothing in this event asks for one")
            : QStringLiteral("Stop outreach to %1 and record the opt-out or disqualification").arg(who);
    }
    if (!a.objections.isEmpty())
        return actionFor(a.objections.first().category);
    if (a.intent == QLatin1String("high"))
        return QStringLiteral("Call %1 within one business day to agree next steps (demo, pricing, timeline)").arg(who);
    if (a.intent == QLatin1String("medium")) {
        return QStringLiteral("Send %1 material that fits their question and propose a 20-minute discovery call")
            .arg(who);
    }
    return QStringLiteral("Add %1 to nurture; no direct outreach yet").arg(who);
}

QString followUpSubjectOf(const QJsonObject &facts)
{
    const QString kind = facts.value(QLatin1String("kind")).toString();
    const QString subject = facts.value(QLatin1String("subject")).toString();
    const QString company = facts.value(QLatin1String("company")).toString();
    if (kind == QLatin1String("email") && !subject.isEmpty())
        return subject.startsWith(QLatin1String("Re:"), Qt::CaseInsensitive) ? subject
                                                                             : QStringLiteral("Re: ") + subject;
    if (kind == QLatin1String("call_transcript"))
        return QStringLiteral("Following up on our call");
    if (kind == QLatin1String("form_submission") || kind == QLatin1String("chat"))
        return QStringLiteral("Following up on your request");
    return company.isEmpty() ? QStringLiteral("Following up") : QStringLiteral("Following up: ") + company;
}

QString followUpBodyOf(const Analysis &a, const QString &kind, const QString &first)
{
    QStringList body;
    body << (first.isEmpty() ? QStringLiteral("Hello,") : QStringLiteral("Hi %1,").arg(first));
    QString opener = thanksFor(kind);
    opener[0] = opener[0].toUpper();
    body << opener + QLatin1Char('.');
    for (const Objection &o : a.objections)
        body << paragraphFor(o.category);
    if (a.intent == QLatin1String("high"))
        body << QStringLiteral("Would a 30-minute call this week work to go through pricing and the next steps?");
    else if (a.intent == QLatin1String("medium"))
        body << QStringLiteral("Would a short call be useful to see whether we fit what you are looking for?");
    else
        body << QStringLiteral("If anything comes up, just reply to this email.");
    body << QStringLiteral("Best regards,");
    return body.join(QLatin1String("\n\n"));
}

/// How much signal the rules actually found.
double confidenceOf(const Analysis &a, const Signals &sig, const QString &text, bool linked)
{
    qsizetype words = 0;
    bool inWord = false;
    for (const QChar ch : text) {
        words += !inWord && !ch.isSpace();
        inWord = !ch.isSpace();
    }
    const double signal = std::min(5.0,
                                   sig.strong.size() + 0.5 * sig.medium.size() + double(a.objections.size())
                                       + (sig.negative.isEmpty() ? 0 : 2));
    const double confidence
        = 0.25 + 0.12 * signal + (words >= 25 ? 0.1 : 0) - (words < 8 ? 0.15 : 0) - (linked ? 0 : 0.1);
    return std::clamp(std::round(confidence * 100) / 100, 0.05, 0.9);
}

} // namespace

Analysis OfflineAnalyser::analyse(const QString &text, const QJsonObject &facts)
{
    const QStringList parts = sentences(text);
    const Signals sig = scan(parts);
    const QString first = facts.value(QLatin1String("first_name")).toString();
    Analysis a;
    a.objections = sig.objections;
    a.intent = intentOf(sig, text);
    a.summary = summaryOf(parts, sig, facts);
    scoreLead(a, sig, facts);
    a.nextAction = nextActionOf(a, sig, first.isEmpty() ? QStringLiteral("the contact") : first);
    a.followUpSubject = followUpSubjectOf(facts);
    a.followUpBody = followUpBodyOf(a, facts.value(QLatin1String("kind")).toString(), first);
    a.confidence = confidenceOf(a, sig, text, facts.value(QLatin1String("linked")).toBool());
    return a;
}

Result<Response> OfflineAnalyser::complete(const Request &request)
{
    QElapsedTimer t;
    t.start();
    Response r;
    r.provider = name();
    r.model = model();
    r.output = toJson(analyse(request.eventText, request.facts));
    r.latencyMs = t.elapsed();
    return r;
}

} // namespace salesflow::llm
