#include "reviewform.h"

#include "ui/models/names.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>

namespace salesflow::ui {

namespace {

const QStringList kCategories = {
    QStringLiteral("security"),    QStringLiteral("budget"),      QStringLiteral("timing"), QStringLiteral("authority"),
    QStringLiteral("competition"), QStringLiteral("integration"), QStringLiteral("other")};

/// Case, runs of white space and typographic quotes do not matter when a quote is matched.
QString fold(const QString &s)
{
    QString out = s.toCaseFolded();
    out.replace(QChar(0x2018), QLatin1Char('\'')).replace(QChar(0x2019), QLatin1Char('\''));
    out.replace(QChar(0x201C), QLatin1Char('"')).replace(QChar(0x201D), QLatin1Char('"'));
    return out.simplified();
}

QPlainTextEdit *textBox(QWidget *parent, int lines)
{
    auto *box = new QPlainTextEdit(parent);
    box->setTabChangesFocus(true);
    box->setFixedHeight(box->fontMetrics().lineSpacing() * lines + 12);
    return box;
}

} // namespace

ReviewForm::ReviewForm(QWidget *parent)
    : QWidget(parent), m_summary(textBox(this, 3)), m_intent(new QComboBox(this)), m_quality(new QSpinBox(this)),
      m_objections(new QTableWidget(0, 2, this)), m_nextAction(new QLineEdit(this)), m_subject(new QLineEdit(this)),
      m_body(textBox(this, 5)), m_score(new QSpinBox(this))
{
    for (const char *i : {"high", "medium", "low", "none"})
        m_intent->addItem(Names::intent(QLatin1String(i)), QLatin1String(i));
    m_quality->setRange(0, 100);
    m_score->setRange(-20, 20);
    m_objections->setHorizontalHeaderLabels({tr("Objection"), tr("Evidence (a quote from the text)")});
    m_objections->horizontalHeader()->setStretchLastSection(true);
    m_objections->verticalHeader()->hide();
    m_objections->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_objections->setMinimumHeight(m_objections->fontMetrics().lineSpacing() * 6);
    auto *add = new QPushButton(tr("Add objection"), this);
    auto *remove = new QPushButton(tr("Remove objection"), this);
    auto *objectionButtons = new QHBoxLayout;
    objectionButtons->addWidget(add);
    objectionButtons->addWidget(remove);
    objectionButtons->addStretch();

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Summary:"), m_summary);
    form->addRow(tr("&Intent:"), m_intent);
    form->addRow(tr("Lead &quality:"), m_quality);
    form->addRow(tr("Objections:"), m_objections);
    form->addRow(QString(), objectionButtons);
    form->addRow(tr("&Next action:"), m_nextAction);
    form->addRow(tr("Follow-up s&ubject:"), m_subject);
    form->addRow(tr("Follow-up &body:"), m_body);
    form->addRow(tr("Score &change:"), m_score);

    for (QPlainTextEdit *box : {m_summary, m_body})
        connect(box, &QPlainTextEdit::textChanged, this, [this] { m_filling ? void() : Q_EMIT edited(); });
    for (QLineEdit *line : {m_nextAction, m_subject})
        connect(line, &QLineEdit::textChanged, this, [this] { m_filling ? void() : Q_EMIT edited(); });
    for (QSpinBox *spin : {m_quality, m_score})
        connect(spin, &QSpinBox::valueChanged, this, [this] { m_filling ? void() : Q_EMIT edited(); });
    connect(m_intent, &QComboBox::currentIndexChanged, this, [this] { m_filling ? void() : Q_EMIT edited(); });
    connect(m_objections, &QTableWidget::itemChanged, this, [this] {
        if (m_filling)
            return;
        markEvidence();
        Q_EMIT edited();
    });
    connect(m_objections, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (const QTableWidgetItem *e = row >= 0 ? m_objections->item(row, 1) : nullptr)
            Q_EMIT evidencePicked(e->text());
    });
    connect(add, &QPushButton::clicked, this, [this] {
        addObjection(QStringLiteral("other"), QString());
        m_objections->editItem(m_objections->item(m_objections->rowCount() - 1, 1));
        markEvidence();
        Q_EMIT edited();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_objections->currentRow() < 0)
            return;
        m_objections->removeRow(m_objections->currentRow());
        Q_EMIT edited();
    });
}

void ReviewForm::addObjection(const QString &category, const QString &evidence)
{
    const int row = m_objections->rowCount();
    m_objections->insertRow(row);
    auto *kind = new QComboBox(m_objections);
    for (const QString &c : kCategories)
        kind->addItem(c, c);
    kind->setCurrentIndex(qMax(0, kind->findData(category)));
    connect(kind, &QComboBox::currentIndexChanged, this, [this] { m_filling ? void() : Q_EMIT edited(); });
    m_objections->setCellWidget(row, 0, kind);
    m_objections->setItem(row, 0, new QTableWidgetItem);
    m_objections->setItem(row, 1, new QTableWidgetItem(evidence));
}

void ReviewForm::setAnalysis(const EnrichmentInfo &ai, const QString &eventText)
{
    m_filling = true;
    m_foldedText = fold(eventText);
    m_summary->setPlainText(ai.summary);
    m_intent->setCurrentIndex(qMax(0, m_intent->findData(ai.intent)));
    m_quality->setValue(ai.leadQuality);
    m_objections->setRowCount(0);
    for (const ObjectionInfo &o : ai.objections)
        addObjection(o.category, o.evidence);
    m_nextAction->setText(ai.nextAction);
    m_subject->setText(ai.followUpSubject);
    m_body->setPlainText(ai.followUpBody);
    m_score->setValue(ai.leadScoreChange);
    m_original = current();
    markEvidence();
    m_filling = false;
}

void ReviewForm::clear()
{
    setAnalysis(EnrichmentInfo{}, QString());
}

QJsonObject ReviewForm::current() const
{
    QJsonArray objections;
    for (int row = 0; row < m_objections->rowCount(); ++row) {
        const auto *kind = qobject_cast<QComboBox *>(m_objections->cellWidget(row, 0));
        objections.append(QJsonObject{{QStringLiteral("category"), kind ? kind->currentData().toString() : QString()},
                                      {QStringLiteral("evidence"), m_objections->item(row, 1)->text().trimmed()}});
    }
    return QJsonObject{{QStringLiteral("summary"), m_summary->toPlainText().trimmed()},
                       {QStringLiteral("intent"), m_intent->currentData().toString()},
                       {QStringLiteral("lead_quality"), m_quality->value()},
                       {QStringLiteral("objections"), objections},
                       {QStringLiteral("next_action"), m_nextAction->text().trimmed()},
                       {QStringLiteral("follow_up_email"),
                        QJsonObject{{QStringLiteral("subject"), m_subject->text().trimmed()},
                                    {QStringLiteral("body"), m_body->toPlainText().trimmed()}}},
                       {QStringLiteral("lead_score_change"), m_score->value()}};
}

QJsonObject ReviewForm::edits() const
{
    QJsonObject changed;
    const QJsonObject now = current();
    for (auto it = now.begin(); it != now.end(); ++it) {
        if (m_original.value(it.key()) != it.value())
            changed.insert(it.key(), it.value());
    }
    return changed;
}

QStringList ReviewForm::problems() const
{
    QStringList out;
    for (int row = 0; row < m_objections->rowCount(); ++row) {
        const QString quote = m_objections->item(row, 1)->text().trimmed();
        if (quote.isEmpty() || !m_foldedText.contains(fold(quote)))
            out << tr("Objection %1: its evidence is not a quote from the event text.").arg(row + 1);
    }
    return out;
}

void ReviewForm::markEvidence()
{
    const bool wasFilling = std::exchange(m_filling, true); // colouring is not an edit
    for (int row = 0; row < m_objections->rowCount(); ++row) {
        QTableWidgetItem *item = m_objections->item(row, 1);
        const QString quote = item->text().trimmed();
        const bool found = !quote.isEmpty() && m_foldedText.contains(fold(quote));
        item->setBackground(found ? QBrush() : QBrush(QColor(0xff, 0xcd, 0xd2)));
        item->setToolTip(found ? QString() : tr("Not a quote from the event text: the engine will refuse it."));
    }
    m_filling = wasFilling;
}

} // namespace salesflow::ui
