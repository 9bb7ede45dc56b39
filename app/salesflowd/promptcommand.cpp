// salesflowd prompt list|show|create|test|activate: the versions of the prompts the pipeline
// uses, through the same engine calls as the HTTP API and the desktop app.
#include "command.h"

#include "engine/api/json.h"

#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

namespace salesflow::cli {

namespace {

const char *kUsage = "prompt list | prompt show NAME [--version V] | prompt create NAME FILE [--notes TEXT] | "
                     "prompt test NAME V --event ID... | prompt activate NAME V";

QString day(qint64 ms)
{
    return json::isoTime(ms).left(16).replace(QLatin1Char('T'), QLatin1Char(' '));
}

/// A version number argument; 0 (said on stderr) when it is not one.
int versionArg(const QString &v)
{
    bool ok = false;
    const int n = v.toInt(&ok);
    if (ok && n > 0)
        return n;
    err(QStringLiteral("a version is a positive number (got '%1')").arg(v));
    return 0;
}

int list(LocalEngine &engine)
{
    auto prompts = await(engine.prompts(operatorCaller()));
    if (!prompts) {
        err(prompts.error().message);
        return exitCodeFor(prompts.error());
    }
    QTextStream ts(stdout);
    ts << "NAME\tACTIVE\tVERSIONS\tNEWEST\n";
    for (const PromptSummary &p : prompts.value())
        ts << p.name << '\t' << p.activeVersion << '\t' << p.versions << '\t' << day(p.updatedAtMs) << '\n';
    return 0;
}

int show(LocalEngine &engine, const QString &name, int version)
{
    auto info = await(engine.prompt(operatorCaller(), name));
    if (!info) {
        err(info.error().message);
        return exitCodeFor(info.error());
    }
    QTextStream ts(stdout);
    for (const PromptVersionInfo &v : info->versions) {
        if (version > 0 && v.version != version)
            continue;
        ts << (v.active ? "* " : "  ") << "v" << v.version << "  " << day(v.createdAtMs) << "  " << v.author
           << (v.notes.isEmpty() ? QString() : QStringLiteral("  — ") + v.notes) << '\n';
        if (version > 0) {
            ts << "settings: " << QJsonDocument(v.settings).toJson(QJsonDocument::Compact) << "\n\n"
               << v.templateText << '\n';
            return 0;
        }
    }
    if (version > 0) {
        err(QStringLiteral("the prompt '%1' has no version %2").arg(name).arg(version));
        return 1;
    }
    return 0;
}

/// A template file: the template alone, or a shipped .prompt file whose front matter's
/// `settings:` line is taken (its name, version and author are the engine's to give).
NewPromptVersion readDraft(const QByteArray &bytes, const QString &notes)
{
    NewPromptVersion d{QString::fromUtf8(bytes), {}, notes};
    if (!d.templateText.startsWith(QLatin1String("---\n")))
        return d;
    const qsizetype end = d.templateText.indexOf(QLatin1String("\n---\n"), 4);
    if (end < 0)
        return d; // the engine's check will say what is wrong
    for (const QString &line : d.templateText.mid(4, end - 4).split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("settings:")))
            d.settings = QJsonDocument::fromJson(line.mid(9).trimmed().toUtf8()).object();
    }
    d.templateText = d.templateText.mid(end + 5);
    return d;
}

int create(LocalEngine &engine, const QString &name, const QString &file, const QString &notes)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        err(QStringLiteral("cannot read %1: %2").arg(file, f.errorString()));
        return 1;
    }
    auto v = await(engine.createPromptVersion(operatorCaller(), name, readDraft(f.readAll(), notes)));
    if (!v) {
        err(file + QStringLiteral(": ") + v.error().message);
        return exitCodeFor(v.error());
    }
    out(QStringLiteral("created %1 version %2 (not active; activate it with: salesflowd prompt activate %1 %2)")
            .arg(name)
            .arg(v->version));
    return 0;
}

void printOutput(QTextStream &ts, const char *label, const EnrichmentInfo &e, const QList<ActionInfo> &actions)
{
    ts << "  " << label << " v" << e.promptVersion << ": ";
    if (e.outcome != QLatin1String("ok")) {
        ts << "unusable answer (" << e.outcome << ")\n";
        return;
    }
    ts << "intent " << e.intent << ", lead quality " << e.leadQuality << ", confidence " << e.confidence << ", "
       << actions.size() << " HubSpot actions\n    " << e.summary << '\n';
    for (const QString &r : e.reviewReasons)
        ts << "    review: " << r << '\n';
    for (const QString &n : e.validationNotes)
        ts << "    note: " << n << '\n';
}

int test(LocalEngine &engine, const QString &name, int version, const QStringList &events)
{
    auto r = await(engine.testPrompt(operatorCaller(), name, version, events));
    if (!r) {
        err(r.error().message);
        return exitCodeFor(r.error());
    }
    QTextStream ts(stdout);
    int failed = 0;
    for (const PromptTestEvent &e : r->events) {
        ts << e.eventId << '\n';
        if (!e.error.isEmpty()) {
            ts << "  not tested: " << e.error << '\n';
            ++failed;
            continue;
        }
        printOutput(ts, "active   ", e.active, e.activeActions);
        printOutput(ts, "candidate", e.candidate, e.candidateActions);
    }
    ts << "tokens: " << r->inputTokens << " in, " << r->outputTokens
       << " out; cost: " << (r->costUsd ? QStringLiteral("$%1").arg(*r->costUsd, 0, 'f', 4) : QStringLiteral("unknown"))
       << '\n';
    return failed ? 1 : 0;
}

int activate(LocalEngine &engine, const QString &name, int version)
{
    auto v = await(engine.activatePrompt(operatorCaller(), name, version));
    if (!v) {
        err(v.error().message);
        return exitCodeFor(v.error());
    }
    out(QStringLiteral("%1 version %2 is active").arg(name).arg(version));
    return 0;
}

/// The positional arguments each action needs, after the action word.
int needed(const QString &action)
{
    if (action == QLatin1String("list"))
        return 0;
    if (action == QLatin1String("show"))
        return 1;
    return 2;
}

/// The version the action names: positional for test and activate, --version for show; -1 for none.
int versionOf(const QCommandLineParser &p, const QString &action)
{
    if (action == QLatin1String("test") || action == QLatin1String("activate"))
        return versionArg(p.positionalArguments().value(2));
    return p.isSet(QStringLiteral("version")) ? versionArg(p.value(QStringLiteral("version"))) : -1;
}

} // namespace

int prompt(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("version"), QStringLiteral("show this version's template"), QStringLiteral("V")});
    p.addOption({QStringLiteral("notes"), QStringLiteral("what the new version changes"), QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("event"), QStringLiteral("an event to test on (repeatable)"), QStringLiteral("ID")});
    if (!parse(p, args, kUsage))
        return 2;
    const QStringList pos = p.positionalArguments();
    const QString action = pos.value(0);
    const QStringList actions{QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("create"),
                              QStringLiteral("test"), QStringLiteral("activate")};
    if (!actions.contains(action) || pos.size() != needed(action) + 1) {
        err(QStringLiteral("usage: salesflowd %1").arg(QLatin1String(kUsage)));
        return 2;
    }
    const int version = versionOf(p, action);
    if (version == 0)
        return 2;
    auto engine = openEngine(configFrom(p));
    if (!engine)
        return 1;
    if (action == QLatin1String("list"))
        return list(*engine);
    if (action == QLatin1String("show"))
        return show(*engine, pos.value(1), version);
    if (action == QLatin1String("create"))
        return create(*engine, pos.value(1), pos.value(2), p.value(QStringLiteral("notes")));
    if (action == QLatin1String("test"))
        return test(*engine, pos.value(1), version, p.values(QStringLiteral("event")));
    return activate(*engine, pos.value(1), version);
}

} // namespace salesflow::cli
